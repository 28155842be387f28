import type { Violation, PodRule } from './rule';
import { cis, containerSecurityContext, describeContainer, isWindowsPod, nist, pss, pushIfUnknown } from './support/pss';

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
    if (minor >= 25 && isWindowsPod(pod)) return [];
    const violations: Violation[] = [];
    for (const container of pod.containers) {
      const value = containerSecurityContext(container)?.allowPrivilegeEscalation;
      const path = `${container.path}.securityContext.allowPrivilegeEscalation`;
      if (pushIfUnknown(violations, value, path, 'securityContext.allowPrivilegeEscalation')) continue;
      if (value !== false) violations.push({ path, message: `allowPrivilegeEscalation != false (${describeContainer(container)} must set securityContext.allowPrivilegeEscalation=false)` });
    }
    return violations;
  },
};
