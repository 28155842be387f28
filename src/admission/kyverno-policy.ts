import {
  emittedOf, planAdmissionRules, policiesYaml,
  type AdmissionPolicies, type AdmissionPolicyOptions, type EmittedRule, type PlannedRule,
} from './cel-rules';
import type { EngineConfig, ResolvedConfig } from '../engine/config';
import { MANAGED_BY_LABEL } from '../model/companions';
import type { KubeObject } from '../model/kube-object';
import { WORKLOADS } from '../model/workload-cel';

/**
 * The kinds each Kyverno rule matches, as Kyverno names them: the core kinds by name (as Kyverno's
 * own policies do), the others as group/version/kind, and the Pod's ephemeralcontainers subresource
 * as `Pod/ephemeralcontainers`, which Kyverno matches (it sends the whole Pod).
 */
const KYVERNO_KINDS = WORKLOADS.flatMap((w) => {
  const kind = w.group === '' ? w.kind : `${w.group}/v1/${w.kind}`;
  return [kind, ...(w.subresources ?? []).map((sub) => `${kind}/${sub}`)];
});

/** What Kyverno's own configuration leaves unjudged, whatever the policies say. */
const KYVERNO_FILTERS_NOTE =
  'Kyverno\'s resourceFilters still apply: its Helm chart\'s defaults skip ReplicaSets, and the namespaces kube-system, kube-public, kube-node-lease and Kyverno\'s own.';

/**
 * The Kyverno policies (kyverno.io/v1 ClusterPolicy, Kyverno 1.13 and later) that enforce at admission
 * what `hardpod check` enforces in CI, from the same config and with the same CEL as
 * {@link admissionPolicies}: one ClusterPolicy per emitted rule, holding one rule of that name that
 * validates with `validate.cel` (the same variables and expression, its message naming what fails and
 * the remediation). The same rules are emitted and not emitted, for the same reasons. A rule whose
 * enforcement is `warn` has `failureAction: Audit` (admitted, reported in policy reports), else
 * `Enforce`. An object is exempt from a rule by its own annotation `hardpod.dev/suppress.<rule-id>: <reason>`
 * (unless the config forbids suppressions) and by a config suppression naming its kind, namespace and
 * name, both as the rule's `celPreconditions` (Kyverno reports the rule skipped). Kyverno's own
 * configuration still applies: the default resourceFilters of its Helm chart skip ReplicaSets and the
 * namespaces kube-system, kube-public, kube-node-lease and Kyverno's own.
 *
 * @param config the engine config, as `hardpod check` reads it, or one resolveConfig() resolved
 * @param options names and where the rules apply (`match.any[].resources.namespaceSelector` and `selector`)
 * @throws HardpodError for an invalid config or name prefix, or a config that leaves no rule to emit
 */
export function kyvernoPolicies(
  config: EngineConfig | ResolvedConfig = {}, options: AdmissionPolicyOptions = {}, where: (key: string) => string = (key) => `config ${key}`,
): AdmissionPolicies {
  const plan = planAdmissionRules(config, options, where, 'kyvernoPolicies');
  const objects = plan.rules.map((rule) => clusterPolicyOf(rule, options));
  return { objects, emitted: emittedOf(plan), omitted: plan.omitted, notCarried: plan.notCarried };
}

function clusterPolicyOf(planned: PlannedRule, options: AdmissionPolicyOptions): KubeObject {
  const resources: Record<string, unknown> = { kinds: [...KYVERNO_KINDS], operations: ['CREATE', 'UPDATE'] };
  if (options.namespaceSelector !== undefined) resources.namespaceSelector = options.namespaceSelector;
  if (options.objectSelector !== undefined) resources.selector = options.objectSelector;
  return {
    apiVersion: 'kyverno.io/v1',
    kind: 'ClusterPolicy',
    metadata: {
      name: planned.policyName,
      labels: { ...MANAGED_BY_LABEL },
      annotations: {
        'hardpod.dev/rule': planned.rule.id,
        'hardpod.dev/severity': planned.severity,
        'policies.kyverno.io/title': planned.rule.title,
        'policies.kyverno.io/severity': planned.severity,
        'policies.kyverno.io/description': `hardpod ${planned.rule.id}. Remediation: ${planned.rule.remediation}`,
        // The rule matches each workload kind itself and reads its pod spec: no rules generated for Pod controllers.
        'pod-policies.kyverno.io/autogen-controllers': 'none',
      },
    },
    spec: {
      // Existing objects are judged too, into policy reports.
      background: true,
      rules: [{
        name: planned.rule.id,
        match: { any: [{ resources }] },
        ...(planned.conditions.length > 0 ? { celPreconditions: planned.conditions.map((c) => ({ ...c })) } : {}),
        validate: {
          failureAction: planned.enforcement === 'warn' ? 'Audit' : 'Enforce',
          cel: {
            variables: planned.variables.map((v) => ({ ...v })),
            expressions: [{ ...planned.validation }],
          },
        },
      }],
    },
  } as KubeObject;
}

/**
 * The Kyverno policies as one YAML stream, opening with comments that say which rules are emitted
 * with which failure action, which rules of the config are not and why, and what of the config is not carried.
 */
export function kyvernoPoliciesYaml(policies: AdmissionPolicies): string {
  return policiesYaml(
    'Kyverno ClusterPolicies generated by hardpod admission-policy --format kyverno (kyverno.io/v1, Kyverno 1.13+).',
    policies,
    (e: EmittedRule) => `${e.enforcement} (ClusterPolicy ${e.policyName}, failureAction ${e.enforcement === 'warn' ? 'Audit' : 'Enforce'})`,
    [KYVERNO_FILTERS_NOTE],
  );
}
