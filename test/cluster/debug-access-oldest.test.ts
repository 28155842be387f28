/**
 * The debug access claims Kubernetes 1.30 and later: the same suite as debug-access.test.ts, with
 * objects built for 1.30, on a kube-apiserver of that release.
 */
import { describeDebugAccess } from './debug-access-suite';

describeDebugAccess('debug access on a Kubernetes 1.30 server: ephemeral containers, granted to a group and guarded by admission', 'oldest-admission');
