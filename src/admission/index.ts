export {
  IMAGE_REFERENCE_PATTERN, PINNED_IMAGE_PATTERN, whyNoAdmissionPolicy,
  type AdmissionLabelSelector, type AdmissionPolicies, type AdmissionPolicyOptions, type EmittedRule, type OmittedRule,
} from './cel-rules';
export * from './validating-admission-policy';
export * from './kyverno-policy';
export * from './formats';
