import { describeAdmissionPolicies } from './admission-policy-suite';

describeAdmissionPolicies('admission policies: the newest server judges each emitted rule as evaluate() does', 'newest');
