import type { Violation, PodRule } from './rule';
import { CONFINING_PROFILE_TYPES } from './support/confinement';
import { cis, containerSecurityContext, describeContainer, get, nist, podSecurityContext, pss, pushIfUnknown, quote } from './support/pss';
import { text } from './support/shared-text';

const ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

/** The deprecated annotation accepts the runtime default, a localhost profile, or nothing. */
function allowedAnnotationValue(value: string): boolean {
  return value === '' || value === 'runtime/default' || value.startsWith('localhost/');
}

/** Overriding or disabling the default AppArmor profile removes a layer of confinement. */
export const appArmorProfile: PodRule = {
  id: 'app-armor-profile',
  pss: 'appArmorProfile',
  title: 'AppArmor is not disabled or overridden',
  remediation: 'Set securityContext.appArmorProfile.type to RuntimeDefault or Localhost (or leave it unset); do not use Unconfined, in fields or in container.apparmor.security.beta.kubernetes.io annotations.',
  level: 'baseline',
  severity: 'high',
  controls: [pss('AppArmor'), ...cis('5.7.3'), ...nist('4.4.3')],
  edition: 1,
  scope: 'pod',
  check({ pod }) {
    const violations: Violation[] = [];
    const podType = get(podSecurityContext(pod)?.appArmorProfile, 'type');
    const podPath = text`${pod.specPath}.securityContext.appArmorProfile.type`;
    if (podSecurityContext(pod)?.appArmorProfile != null && !pushIfUnknown(violations, podType, podPath, 'appArmorProfile.type') && !CONFINING_PROFILE_TYPES.has(podType as string)) {
      violations.push({ path: podPath, message: text`forbidden AppArmor profile (pod must not set AppArmor profile type to ${quote(podType ?? '')})` });
    }
    for (let i = 0; i < pod.containers.length; i++) {
      const container = pod.containers[i];
      const profile = containerSecurityContext(container)?.appArmorProfile;
      if (profile === undefined || profile === null) continue;
      const type = get(profile, 'type');
      if (CONFINING_PROFILE_TYPES.has(type as string)) continue;
      const path = text`${container.path}.securityContext.appArmorProfile.type`;
      if (pushIfUnknown(violations, type, path, 'appArmorProfile.type')) continue;
      violations.push({ path, message: text`forbidden AppArmor profile (${describeContainer(container)} must not set AppArmor profile type to ${quote(type ?? '')})` });
    }
    for (const key in pod.annotations) {
      if (!key.startsWith(ANNOTATION_PREFIX)) continue;
      const value = pod.annotations[key];
      if (typeof value === 'string' && allowedAnnotationValue(value)) continue;
      violations.push({ path: text`${pod.metadataPath}.annotations.${key}`, message: text`forbidden AppArmor profile (annotation ${key}=${quote(value)})` });
    }
    return violations;
  },
};
