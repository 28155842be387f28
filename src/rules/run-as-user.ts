import type { Violation, PodRule } from './rule';
import { isUnknownValue } from '../model/pod-view';
import { cis, containerSecurityContext, describeContainer, nist, podSecurityContext, pss, pushIfUnknown, usesUserNamespace } from './support/pss';
import { text } from './support/shared-text';

/** An explicit runAsUser: 0 runs the process as root whatever the image says. */
export const runAsUser: PodRule = {
  id: 'run-as-user',
  pss: 'runAsUser',
  title: 'Containers do not run as user 0',
  remediation: 'Set securityContext.runAsUser to a non-zero UID (or leave it unset and set runAsNonRoot: true).',
  level: 'restricted',
  severity: 'high',
  controls: [pss('Running as Non-root user'), ...cis('5.2.7'), ...nist('4.1.2', '4.4.3')],
  versions: { since: 23, changes: [{ minor: 35, note: 'Waived for pods that set hostUsers: false (root in a user namespace is not root on the node).' }] },
  edition: 1,
  scope: 'pod',
  check({ pod, minor }) {
    if (minor >= 35 && usesUserNamespace(pod)) return [];
    const violations: Violation[] = [];
    const podValue = podSecurityContext(pod)?.runAsUser;
    const podPath = text`${pod.specPath}.securityContext.runAsUser`;
    if (!pushIfUnknown(violations, podValue, podPath, 'securityContext.runAsUser') && podValue === 0) {
      violations.push({ path: podPath, message: 'runAsUser=0 (pod must not set runAsUser=0)' });
    }
    for (let i = 0; i < pod.containers.length; i++) {
      const container = pod.containers[i];
      const value = containerSecurityContext(container)?.runAsUser;
      if (value !== 0 && !isUnknownValue(value)) continue;
      const path = text`${container.path}.securityContext.runAsUser`;
      if (pushIfUnknown(violations, value, path, 'securityContext.runAsUser')) continue;
      if (value === 0) violations.push({ path, message: text`runAsUser=0 (${describeContainer(container)} must not set runAsUser=0)` });
    }
    return violations;
  },
};
