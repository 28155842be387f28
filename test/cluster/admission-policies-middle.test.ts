/**
 * Between the newest release and the oldest the admission policies claim: the same suite as
 * admission-policies.test.ts, on a Kubernetes 1.34 kube-apiserver (MIDDLE_SERVER_MINOR), whose CEL
 * libraries and ValidatingAdmissionPolicy admission are neither the newest server's nor 1.30's.
 */
import { describeAdmissionPolicies } from './admission-policy-suite';

describeAdmissionPolicies('admission policies: a Kubernetes 1.34 server judges each emitted rule as evaluate() does', 'middle');
