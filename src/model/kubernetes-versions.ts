/** Kubernetes minors hardpod judges, as upstream Pod Security Admission versions its checks. */
export const OLDEST_KUBERNETES_MINOR = 0;
export const NEWEST_KUBERNETES_MINOR = 37;
/** The default Kubernetes version: the newest supported. */
export const NEWEST_KUBERNETES_VERSION = `1.${NEWEST_KUBERNETES_MINOR}`;
/**
 * Native sidecars (init containers with `restartPolicy: Always`) are on by default from Kubernetes 1.29
 * (SidecarContainers beta). Before, the API server drops the field (the gate is alpha and off in 1.28,
 * and the field is unknown earlier): the container is an ordinary init container that must exit.
 */
export const NATIVE_SIDECAR_MINOR = 29;
/**
 * Why a field cannot be given for a target before the Kubernetes minor whose API server keeps it by
 * default: an older one drops it unless its feature gate is on, and then `consequence` (`the pod
 * would run without it`).
 */
export function droppedFieldProblem(what: string, since: number, gate: string, minor: number, consequence: string): string {
  return `${what} needs Kubernetes 1.${since}+, where the ${gate} feature is on by default; the target is 1.${minor} (kubernetesMinor), ` +
    `whose API server drops the field unless that feature gate is on, and ${consequence}`;
}

/**
 * A pinned Pod Security version (`…/enforce-version` and the like) as Pod Security admission parses
 * it, minor in group 1: `v1.0`, `v1.30` but not `v1.030` or `1.30`, which the API server refuses on a Namespace.
 */
export const POD_SECURITY_VERSION = /^v1\.([0-9]|[1-9][0-9]*)$/;
