import type { AdmissionPolicies, AdmissionPolicyOptions } from './cel-rules';
import { kyvernoPolicies, kyvernoPoliciesYaml, kyvernoValidatingPolicies, kyvernoValidatingPoliciesYaml } from './kyverno-policy';
import { admissionPolicies, admissionPoliciesYaml } from './validating-admission-policy';
import type { EngineConfig, ResolvedConfig } from '../engine/config';
import { didYouMean } from '../model/did-you-mean';
import { HardpodError } from '../model/errors';

/**
 * The kinds of admission policy hardpod writes, one name each, as `hardpod admission-policy --format`
 * and the constructs' `format` name them:
 * - `vap`: ValidatingAdmissionPolicies and their bindings (Kubernetes 1.30+);
 * - `kyverno`: Kyverno ValidatingPolicies (policies.kyverno.io/v1, Kyverno 1.17+);
 * - `kyverno-cluster-policy`: Kyverno ClusterPolicies (kyverno.io/v1, Kyverno 1.13 to 1.19).
 */
export const ADMISSION_POLICY_FORMATS = ['vap', 'kyverno', 'kyverno-cluster-policy'] as const;

/** One of {@link ADMISSION_POLICY_FORMATS}. */
export type AdmissionPolicyFormat = typeof ADMISSION_POLICY_FORMATS[number];

type Emit = (config: EngineConfig | ResolvedConfig, options: AdmissionPolicyOptions, where: (key: string) => string) => AdmissionPolicies;

const OUTPUTS: Record<AdmissionPolicyFormat, { readonly emit: Emit; readonly yaml: (policies: AdmissionPolicies) => string }> = {
  'vap': { emit: admissionPolicies, yaml: admissionPoliciesYaml },
  'kyverno': { emit: kyvernoValidatingPolicies, yaml: kyvernoValidatingPoliciesYaml },
  'kyverno-cluster-policy': { emit: kyvernoPolicies, yaml: kyvernoPoliciesYaml },
};

/**
 * The admission policies of `format` for a config: {@link admissionPolicies},
 * {@link kyvernoValidatingPolicies} or {@link kyvernoPolicies}.
 * @param formatWhere where the format was given, for an error about it
 * @throws HardpodError for a format hardpod does not write, and as the chosen function throws
 */
export function admissionPoliciesOf(
  format: AdmissionPolicyFormat, config: EngineConfig | ResolvedConfig, options: AdmissionPolicyOptions, where: (key: string) => string, formatWhere = 'format',
): AdmissionPolicies {
  if (!(ADMISSION_POLICY_FORMATS as readonly unknown[]).includes(format)) {
    const hint = typeof format === 'string' ? didYouMean(format, ADMISSION_POLICY_FORMATS) : '';
    throw new HardpodError(`format ${JSON.stringify(format) ?? typeof format} is not one hardpod writes${hint}; expected one of ${ADMISSION_POLICY_FORMATS.join(', ')}`, formatWhere);
  }
  return OUTPUTS[format].emit(config, options, where);
}

/** The YAML of policies {@link admissionPoliciesOf} made in `format`, with its comments. */
export function admissionPoliciesYamlOf(format: AdmissionPolicyFormat, policies: AdmissionPolicies): string {
  return OUTPUTS[format].yaml(policies);
}
