import type { Violation, PodRule } from './rule';
import { isUnknownValue } from '../model/pod-view';
import { cis, containerSecurityContext, describeContainer, exemptAsWindowsPod, nist, PASS, pss, unknownAt } from './support/pss';
import { text } from './support/shared-text';

/** Without allowPrivilegeEscalation: false, setuid binaries and file capabilities can raise privileges. */
export const allowPrivilegeEscalation: PodRule = {
  id: 'allow-privilege-escalation',
  pss: 'allowPrivilegeEscalation',
  title: 'Containers forbid privilege escalation',
  remediation: 'Set securityContext.allowPrivilegeEscalation: false on every container.',
  level: 'restricted',
  severity: 'high',
  controls: [pss('Privilege Escalation'), ...cis('5.2.6'), ...nist('4.4.3')],
  versions: { since: 8, changes: [{ minor: 25, note: 'Pods with spec.os.name: windows are exempt.' }] },
  edition: 1,
  scope: 'pod',
  check({ pod, minor }) {
    if (exemptAsWindowsPod(pod, minor)) return PASS;
    let violations: Violation[] | undefined;
    for (let i = 0; i < pod.containers.length; i++) {
      const container = pod.containers[i];
      const value = containerSecurityContext(container)?.allowPrivilegeEscalation;
      if (value === false) continue;
      (violations ??= []).push(isUnknownValue(value)
        ? unknownAt(text`${container.path}${FIELD}`, 'securityContext.allowPrivilegeEscalation')
        : { path: text`${container.path}${FIELD}`, message: text`allowPrivilegeEscalation != false (${describeContainer(container)} must set securityContext.allowPrivilegeEscalation=false)` });
    }
    return violations ?? PASS;
  },
};

const FIELD = '.securityContext.allowPrivilegeEscalation';
