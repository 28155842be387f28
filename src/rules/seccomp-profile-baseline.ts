import type { Violation, PodRule } from './rule';
import { isFields } from '../model/pod-view';
import { CONFINING_PROFILE_TYPES } from './support/confinement';
import { cis, containerSecurityContext, describeContainer, exemptAsWindowsPod, get, nist, PASS, podSecurityContext, pss, pushIfUnknown, quote, restrictedOverridesBaseline } from './support/pss';
import { text } from './support/shared-text';

const POD_ANNOTATION = 'seccomp.security.alpha.kubernetes.io/pod';
const CONTAINER_ANNOTATION_PREFIX = 'container.seccomp.security.alpha.kubernetes.io/';

function allowedAnnotationValue(value: unknown): boolean {
  return value === 'runtime/default' || value === 'docker/default' || (typeof value === 'string' && value.startsWith('localhost/'));
}

/** Turning seccomp off (Unconfined) exposes every syscall of the host kernel. */
export const seccompProfileBaseline: PodRule = {
  id: 'seccomp-profile-baseline',
  pss: 'seccompProfile_baseline',
  title: 'Seccomp is not disabled',
  remediation: 'Set securityContext.seccompProfile.type to RuntimeDefault or Localhost (pod or container); never Unconfined.',
  level: 'baseline',
  severity: 'high',
  controls: [pss('Seccomp'), ...cis('5.7.2'), ...nist('4.4.3')],
  versions: {
    changes: [
      { minor: 19, note: 'Judges the seccompProfile fields instead of the seccomp.security.alpha.kubernetes.io annotations.' },
      { minor: 25, note: 'At restricted and hardened, pods with spec.os.name: windows pass: seccompProfile_restricted overrides this check there and exempts them.' },
    ],
  },
  edition: 1,
  scope: 'pod',
  check({ pod, minor, config }) {
    // seccompProfile_restricted overrides this check and allows Windows pods.
    if (exemptAsWindowsPod(pod, minor) && restrictedOverridesBaseline(config.level)) return PASS;
    const violations: Violation[] = [];
    if (minor < 19) {
      const annotations = pod.annotations;
      if (POD_ANNOTATION in annotations && !allowedAnnotationValue(annotations[POD_ANNOTATION])) {
        violations.push({ path: text`${pod.metadataPath}.annotations.${POD_ANNOTATION}`, message: text`seccompProfile (forbidden annotation ${POD_ANNOTATION}=${quote(annotations[POD_ANNOTATION])})` });
      }
      for (let i = 0; i < pod.containers.length; i++) {
        const container = pod.containers[i];
        const key = CONTAINER_ANNOTATION_PREFIX + (container.name ?? '');
        if (key in annotations && !allowedAnnotationValue(annotations[key])) {
          violations.push({ path: text`${pod.metadataPath}.annotations.${key}`, message: text`seccompProfile (forbidden annotation ${key}=${quote(annotations[key])})` });
        }
      }
      return violations;
    }
    const podProfile = podSecurityContext(pod)?.seccompProfile;
    if (isFields(podProfile)) {
      const path = text`${pod.specPath}.securityContext.seccompProfile.type`;
      if (!pushIfUnknown(violations, podProfile.type, path, 'seccompProfile.type') && !CONFINING_PROFILE_TYPES.has(podProfile.type as string)) {
        violations.push({ path, message: text`seccompProfile (pod must not set securityContext.seccompProfile.type to ${quote(podProfile.type ?? '')})` });
      }
    }
    for (let i = 0; i < pod.containers.length; i++) {
      const container = pod.containers[i];
      const profile = containerSecurityContext(container)?.seccompProfile;
      if (!isFields(profile)) continue;
      const type = get(profile, 'type');
      const path = text`${container.path}.securityContext.seccompProfile.type`;
      if (pushIfUnknown(violations, type, path, 'seccompProfile.type')) continue;
      if (!CONFINING_PROFILE_TYPES.has(type as string)) violations.push({ path, message: text`seccompProfile (${describeContainer(container)} must not set securityContext.seccompProfile.type to ${quote(type ?? '')})` });
    }
    return violations;
  },
};
