import type { Violation, PodRule } from './rule';
import { isFields } from '../model/pod-view';
import { cis, containerSecurityContext, describeContainer, get, isWindowsPod, nist, podSecurityContext, pss, pushIfUnknown, quote } from './support/pss';

const ALLOWED_TYPES = new Set(['RuntimeDefault', 'Localhost']);

/** Restricted pods must turn seccomp on explicitly, for the pod or for every container. */
export const seccompProfileRestricted: PodRule = {
  id: 'seccomp-profile-restricted',
  pss: 'seccompProfile_restricted',
  title: 'Seccomp is on (RuntimeDefault or Localhost)',
  remediation: 'Set spec.securityContext.seccompProfile.type: RuntimeDefault (or Localhost) on the pod, or on every container.',
  level: 'restricted',
  severity: 'high',
  controls: [pss('Seccomp'), ...cis('5.7.2'), ...nist('4.4.3')],
  versions: { since: 19, changes: [{ minor: 25, note: 'Pods with spec.os.name: windows are exempt.' }] },
  edition: 1,
  scope: 'pod',
  check({ pod, minor }) {
    if (minor >= 25 && isWindowsPod(pod)) return [];
    const violations: Violation[] = [];
    const podProfile = podSecurityContext(pod)?.seccompProfile;
    const podPath = `${pod.specPath}.securityContext.seccompProfile.type`;
    let podValid = false;
    let podUnknown = pushIfUnknown(violations, pod.spec.securityContext, `${pod.specPath}.securityContext`, 'the pod securityContext')
      || pushIfUnknown(violations, podProfile, `${pod.specPath}.securityContext.seccompProfile`, 'the pod seccompProfile');
    if (isFields(podProfile)) {
      podUnknown = pushIfUnknown(violations, podProfile.type, podPath, 'seccompProfile.type');
      podValid = ALLOWED_TYPES.has(podProfile.type as string);
      if (!podValid && !podUnknown) violations.push({ path: podPath, message: `seccompProfile (pod must not set securityContext.seccompProfile.type to ${quote(podProfile.type ?? '')})` });
    }
    for (const container of pod.containers) {
      const profile = containerSecurityContext(container)?.seccompProfile;
      const path = `${container.path}.securityContext.seccompProfile.type`;
      if (isFields(profile)) {
        const type = get(profile, 'type');
        if (pushIfUnknown(violations, type, path, 'seccompProfile.type')) continue;
        if (!ALLOWED_TYPES.has(type as string)) violations.push({ path, message: `seccompProfile (${describeContainer(container)} must not set securityContext.seccompProfile.type to ${quote(type ?? '')})` });
      } else if (!podValid && !podUnknown) {
        violations.push({ path, message: `seccompProfile (pod or ${describeContainer(container)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")` });
      }
    }
    return violations;
  },
};
