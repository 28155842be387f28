/**
 * The debug access between the newest release and the oldest it claims: the same suite as
 * debug-access.test.ts, with objects built for 1.34, on a kube-apiserver of that release.
 */
import { describeDebugAccess } from './debug-access-suite';

describeDebugAccess('debug access on a Kubernetes 1.34 server: ephemeral containers, granted to a group and guarded by admission', 'middle');
