import type { Violation, PodRule } from './rule';
import { cis, containerSecurityContext, describeContainer, nist, podSecurityContext, pss, pushIfUnknown, usesUserNamespace } from './support/pss';

/** Containers must be required to run as a non-root user. */
export const runAsNonRoot: PodRule = {
  id: 'run-as-non-root',
  pss: 'runAsNonRoot',
  title: 'Containers must run as non-root',
  remediation: 'Set securityContext.runAsNonRoot: true on the pod (or on every container), and never false on a container.',
  level: 'restricted',
  severity: 'high',
  controls: [pss('Running as Non-root'), ...cis('5.2.7'), ...nist('4.1.2', '4.4.3')],
  versions: { changes: [{ minor: 35, note: 'Waived for pods that set hostUsers: false (root in a user namespace is not root on the node).' }] },
  edition: 1,
  scope: 'pod',
  check({ pod, minor }) {
    if (minor >= 35 && usesUserNamespace(pod)) return [];
    const violations: Violation[] = [];
    const podValue = podSecurityContext(pod)?.runAsNonRoot;
    const podPath = `${pod.specPath}.securityContext.runAsNonRoot`;
    // A pod securityContext not known yet may hold runAsNonRoot: true, so containers that rely on it are unknown.
    const podUnknown = pushIfUnknown(violations, pod.spec.securityContext, `${pod.specPath}.securityContext`, 'the pod securityContext')
      || pushIfUnknown(violations, podValue, podPath, 'securityContext.runAsNonRoot');
    if (podValue === false) violations.push({ path: podPath, message: 'runAsNonRoot != true (pod must not set securityContext.runAsNonRoot=false)' });
    for (const container of pod.containers) {
      const value = containerSecurityContext(container)?.runAsNonRoot;
      const path = `${container.path}.securityContext.runAsNonRoot`;
      if (pushIfUnknown(violations, value, path, 'securityContext.runAsNonRoot')) continue;
      if (value === false) {
        violations.push({ path, message: `runAsNonRoot != true (${describeContainer(container)} must not set securityContext.runAsNonRoot=false)` });
      } else if (value !== true && podValue !== true && !podUnknown) {
        violations.push({ path, message: `runAsNonRoot != true (pod or ${describeContainer(container)} must set securityContext.runAsNonRoot=true)` });
      }
    }
    return violations;
  },
};
