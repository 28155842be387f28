/** Kubernetes minors hardpod judges, as upstream Pod Security Admission versions its checks. */
export const OLDEST_KUBERNETES_MINOR = 0;
export const NEWEST_KUBERNETES_MINOR = 37;
/** The default Kubernetes version: the newest supported. */
export const NEWEST_KUBERNETES_VERSION = `1.${NEWEST_KUBERNETES_MINOR}`;
