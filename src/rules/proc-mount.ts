import type { Violation, PodRule } from './rule';
import type { PodView } from '../model/pod-view';
import { cis, containerSecurityContext, describeContainer, nist, pss, pushIfUnknown, quote, usesUserNamespace } from './support/pss';
import { text } from './support/shared-text';

/** Containers whose procMount is set to anything but Default (the masked /proc). */
export function unmaskedProcMounts(pod: PodView): Violation[] {
  const violations: Violation[] = [];
  for (let i = 0; i < pod.containers.length; i++) {
    const container = pod.containers[i];
    const value = containerSecurityContext(container)?.procMount;
    if (value === undefined || value === null || value === 'Default') continue;
    const path = text`${container.path}.securityContext.procMount`;
    if (pushIfUnknown(violations, value, path, 'securityContext.procMount')) continue;
    violations.push({ path, message: text`procMount (${describeContainer(container)} must not set securityContext.procMount to ${quote(value)})` });
  }
  return violations;
}

/** An unmasked /proc exposes host kernel interfaces to the container. */
export const procMount: PodRule = {
  id: 'proc-mount',
  pss: 'procMount',
  title: 'Containers keep the default masked /proc',
  remediation: 'Remove securityContext.procMount or set it to Default.',
  level: 'baseline',
  severity: 'high',
  controls: [pss('/proc Mount Type'), ...cis('5.7.3'), ...nist('4.4.3')],
  versions: { changes: [{ minor: 35, note: 'Any procMount is allowed when the pod sets hostUsers: false (user namespace).' }] },
  edition: 1,
  scope: 'pod',
  check({ pod, minor }) {
    if (minor >= 35 && usesUserNamespace(pod)) return [];
    return unmaskedProcMounts(pod);
  },
};
