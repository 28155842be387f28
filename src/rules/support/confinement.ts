/**
 * The values the Pod Security Standards allow for a container's confinement, shared by the rules
 * that judge them and by the debug access admission policy, which enforces the same in CEL.
 */

/** The pod fields (baseline hostNamespaces) that put every container of the pod in the node's namespaces. */
export const HOST_NAMESPACE_FIELDS = ['hostNetwork', 'hostPID', 'hostIPC'] as const;

/** Seccomp (restricted) and AppArmor (baseline) profile types that keep a container confined. */
export const CONFINING_PROFILE_TYPES: ReadonlySet<string> = new Set(['RuntimeDefault', 'Localhost']);

const SE_LINUX_TYPES_1_0: ReadonlySet<string> = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t']);
const SE_LINUX_TYPES_1_31: ReadonlySet<string> = new Set([...SE_LINUX_TYPES_1_0, 'container_engine_t']);

/** The seLinuxOptions types baseline allows at a Kubernetes minor ('' is none); container_engine_t from 1.31. */
export function allowedSeLinuxTypes(minor: number): ReadonlySet<string> {
  return minor >= 31 ? SE_LINUX_TYPES_1_31 : SE_LINUX_TYPES_1_0;
}
