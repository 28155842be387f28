import type { Violation, PodRule } from './rule';
import { isUnknownValue } from '../model/pod-view';
import { cis, containerSecurityContext, describeContainer, nist, PASS, podSecurityContext, pss, unknownAt, usesUserNamespace } from './support/pss';
import { text } from './support/shared-text';

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
    if (minor >= 35 && usesUserNamespace(pod)) return PASS;
    let violations: Violation[] | undefined;
    const podContext = pod.spec.securityContext;
    const podValue = podSecurityContext(pod)?.runAsNonRoot;
    // A pod securityContext not known yet may hold runAsNonRoot: true, so containers that rely on it are unknown.
    let podUnknown = false;
    if (isUnknownValue(podContext)) {
      podUnknown = true;
      (violations ??= []).push(unknownAt(text`${pod.specPath}.securityContext`, 'the pod securityContext'));
    } else if (isUnknownValue(podValue)) {
      podUnknown = true;
      (violations ??= []).push(unknownAt(text`${pod.specPath}${FIELD}`, 'securityContext.runAsNonRoot'));
    } else if (podValue === false) {
      (violations ??= []).push({ path: text`${pod.specPath}${FIELD}`, message: 'runAsNonRoot != true (pod must not set securityContext.runAsNonRoot=false)' });
    }
    for (let i = 0; i < pod.containers.length; i++) {
      const container = pod.containers[i];
      const value = containerSecurityContext(container)?.runAsNonRoot;
      if (value === true) continue;
      if (isUnknownValue(value)) {
        (violations ??= []).push(unknownAt(text`${container.path}${FIELD}`, 'securityContext.runAsNonRoot'));
      } else if (value === false) {
        (violations ??= []).push({ path: text`${container.path}${FIELD}`, message: text`runAsNonRoot != true (${describeContainer(container)} must not set securityContext.runAsNonRoot=false)` });
      } else if (podValue !== true && !podUnknown) {
        (violations ??= []).push({ path: text`${container.path}${FIELD}`, message: text`runAsNonRoot != true (pod or ${describeContainer(container)} must set securityContext.runAsNonRoot=true)` });
      }
    }
    return violations ?? PASS;
  },
};

const FIELD = '.securityContext.runAsNonRoot';
