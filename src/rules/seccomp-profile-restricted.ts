import type { Violation, PodRule } from './rule';
import { isFields, isUnknownValue } from '../model/pod-view';
import { CONFINING_PROFILE_TYPES } from './support/confinement';
import { cis, containerSecurityContext, describeContainer, exemptAsWindowsPod, nist, PASS, podSecurityContext, pss, quote, unknownAt } from './support/pss';
import { text } from './support/shared-text';


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
    if (exemptAsWindowsPod(pod, minor)) return PASS;
    let violations: Violation[] | undefined;
    const podContext = pod.spec.securityContext;
    const podProfile = podSecurityContext(pod)?.seccompProfile;
    let podValid = false;
    let podUnknown = false;
    if (isUnknownValue(podContext)) {
      podUnknown = true;
      (violations ??= []).push(unknownAt(text`${pod.specPath}.securityContext`, 'the pod securityContext'));
    } else if (isUnknownValue(podProfile)) {
      podUnknown = true;
      (violations ??= []).push(unknownAt(text`${pod.specPath}.securityContext.seccompProfile`, 'the pod seccompProfile'));
    } else if (isFields(podProfile)) {
      const type = podProfile.type;
      podValid = CONFINING_PROFILE_TYPES.has(type as string);
      if (isUnknownValue(type)) {
        podUnknown = true;
        (violations ??= []).push(unknownAt(text`${pod.specPath}${TYPE}`, 'seccompProfile.type'));
      } else if (!podValid) {
        (violations ??= []).push({ path: text`${pod.specPath}${TYPE}`, message: text`seccompProfile (pod must not set securityContext.seccompProfile.type to ${quote(type ?? '')})` });
      }
    }
    for (let i = 0; i < pod.containers.length; i++) {
      const container = pod.containers[i];
      const profile = containerSecurityContext(container)?.seccompProfile;
      if (isFields(profile)) {
        const type = profile.type;
        if (CONFINING_PROFILE_TYPES.has(type as string)) continue;
        (violations ??= []).push(isUnknownValue(type)
          ? unknownAt(text`${container.path}${TYPE}`, 'seccompProfile.type')
          : { path: text`${container.path}${TYPE}`, message: text`seccompProfile (${describeContainer(container)} must not set securityContext.seccompProfile.type to ${quote(type ?? '')})` });
      } else if (isUnknownValue(profile)) {
        (violations ??= []).push(unknownAt(text`${container.path}.securityContext.seccompProfile`, 'seccompProfile'));
      } else if (!podValid && !podUnknown) {
        (violations ??= []).push({ path: text`${container.path}${TYPE}`, message: text`seccompProfile (pod or ${describeContainer(container)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")` });
      }
    }
    return violations ?? PASS;
  },
};

const TYPE = '.securityContext.seccompProfile.type';
