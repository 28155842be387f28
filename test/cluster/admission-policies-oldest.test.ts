/**
 * The admission policies claim Kubernetes 1.30 and later (ADMISSION_POLICY_MINOR): the same suite as
 * admission-policies.test.ts, on a kube-apiserver of that release, whose CEL libraries and
 * ValidatingAdmissionPolicy admission are older than the newest server's.
 */
import { describeAdmissionPolicies } from './admission-policy-suite';

describeAdmissionPolicies('admission policies: a Kubernetes 1.30 server judges each emitted rule as evaluate() does', 'oldest-admission');
