import type { Violation, PodRule } from './rule';
import { isFields, type Fields } from '../model/pod-view';
import { allowedSeLinuxTypes } from './support/confinement';
import { cis, containerSecurityContext, describeContainer, nist, podSecurityContext, pss, quote } from './support/pss';
import { text } from './support/shared-text';

/** What is wrong with one seLinuxOptions, or an empty list. */
function problems(options: Fields, allowedTypes: ReadonlySet<string>): string[] {
  const found: string[] = [];
  const type = options.type ?? '';
  if (typeof type !== 'string' || !allowedTypes.has(type)) found.push(`type ${quote(type)}`);
  if (options.user !== undefined && options.user !== null && options.user !== '') found.push('user may not be set');
  if (options.role !== undefined && options.role !== null && options.role !== '') found.push('role may not be set');
  return found;
}

/** A custom SELinux user, role or type can escape the container's confinement. */
export const seLinuxOptions: PodRule = {
  id: 'se-linux-options',
  pss: 'seLinuxOptions',
  title: 'SELinux options keep the container types',
  remediation: 'Leave seLinuxOptions.user and role unset, and set type only to container_t, container_init_t, container_kvm_t (or container_engine_t from Kubernetes 1.31).',
  level: 'baseline',
  severity: 'high',
  controls: [pss('SELinux'), ...cis('5.7.3'), ...nist('4.4.3')],
  versions: { changes: [{ minor: 31, note: 'container_engine_t becomes an allowed type.' }] },
  edition: 1,
  scope: 'pod',
  check({ pod, minor }) {
    const allowed = allowedSeLinuxTypes(minor);
    const violations: Violation[] = [];
    const podOptions = podSecurityContext(pod)?.seLinuxOptions;
    if (isFields(podOptions)) {
      const found = problems(podOptions, allowed);
      if (found.length) violations.push({ path: text`${pod.specPath}.securityContext.seLinuxOptions`, message: `seLinuxOptions (pod set forbidden securityContext.seLinuxOptions: ${found.join('; ')})` });
    }
    for (let i = 0; i < pod.containers.length; i++) {
      const container = pod.containers[i];
      const options = containerSecurityContext(container)?.seLinuxOptions;
      if (!isFields(options)) continue;
      const found = problems(options, allowed);
      if (found.length) violations.push({ path: text`${container.path}.securityContext.seLinuxOptions`, message: `seLinuxOptions (${describeContainer(container)} set forbidden securityContext.seLinuxOptions: ${found.join('; ')})` });
    }
    return violations;
  },
};
