import type { Violation, PodRule } from './rule';
import { isUnknownValue } from '../model/pod-view';
import { cis, containerSecurityContext, describeContainer, get, nist, podSecurityContext, pss, pushIfUnknown } from './support/pss';
import { text } from './support/shared-text';

/** Windows HostProcess containers run directly on the host with full access. */
export const windowsHostProcess: PodRule = {
  id: 'windows-host-process',
  pss: 'windowsHostProcess',
  title: 'Pods do not run Windows HostProcess containers',
  remediation: 'Remove securityContext.windowsOptions.hostProcess (pod and containers) or set it to false.',
  level: 'baseline',
  severity: 'critical',
  controls: [pss('HostProcess'), ...cis('5.2.11'), ...nist('4.4.3')],
  edition: 1,
  scope: 'pod',
  check({ pod }) {
    const violations: Violation[] = [];
    const podValue = get(podSecurityContext(pod)?.windowsOptions, 'hostProcess');
    const podPath = text`${pod.specPath}.securityContext.windowsOptions.hostProcess`;
    if (!pushIfUnknown(violations, podValue, podPath, 'windowsOptions.hostProcess') && podValue === true) {
      violations.push({ path: podPath, message: 'hostProcess (pod must not set securityContext.windowsOptions.hostProcess=true)' });
    }
    for (let i = 0; i < pod.containers.length; i++) {
      const container = pod.containers[i];
      const value = get(containerSecurityContext(container)?.windowsOptions, 'hostProcess');
      if (value !== true && !isUnknownValue(value)) continue;
      const path = text`${container.path}.securityContext.windowsOptions.hostProcess`;
      if (pushIfUnknown(violations, value, path, 'windowsOptions.hostProcess')) continue;
      if (value === true) violations.push({ path, message: text`hostProcess (${describeContainer(container)} must not set securityContext.windowsOptions.hostProcess=true)` });
    }
    return violations;
  },
};
