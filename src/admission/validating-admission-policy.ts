import {
  emittedOf, planAdmissionRules, policiesYaml, WORKLOADS,
  type AdmissionPolicies, type AdmissionPolicyOptions, type EmittedRule, type PlannedRule,
} from './cel-rules';
import type { EngineConfig, ResolvedConfig } from '../engine/config';
import type { Enforcement } from '../engine/report';
import { MANAGED_BY_LABEL } from '../model/companions';
import { HardpodError } from '../model/errors';
import type { KubeObject } from '../model/kube-object';

/** ValidatingAdmissionPolicy is served as `admissionregistration.k8s.io/v1` from Kubernetes 1.30. */
export const ADMISSION_POLICY_MINOR = 30;

/** The workload kinds the policies match, by resource, in the API groups Kubernetes serves them. */
const RESOURCE_RULES = ['', 'apps', 'batch'].map((group) => ({
  apiGroups: [group],
  apiVersions: ['v1'],
  resources: WORKLOADS.filter((w) => w.group === group).flatMap((w) => [w.resource, ...(w.subresources ?? []).map((sub) => `${w.resource}/${sub}`)]),
}));

/**
 * The ValidatingAdmissionPolicies (admissionregistration.k8s.io/v1, Kubernetes 1.30 and later) that
 * enforce at admission what `hardpod check` enforces in CI, from the same config: one policy and one
 * binding per rule of the config's level, edition and Kubernetes version that judges one workload
 * object (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob,
 * PodTemplate, and ephemeral containers added to a Pod) and that CEL expresses exactly. A rule
 * disabled in the config is not emitted; a rule whose enforcement is `warn` is bound with
 * validationActions [Warn], else [Deny]. An object is exempt from a rule by its own annotation
 * `hardpod.dev/suppress.<rule-id>: <reason>` (unless the config forbids suppressions) and by a config
 * suppression naming its kind, namespace and name. Rules not emitted, and the parts of the config
 * not carried, are listed in the result, never dropped silently.
 *
 * @param config the engine config, as `hardpod check` reads it, or one resolveConfig() resolved
 * @param options names and where the bindings apply
 * @throws HardpodError for an invalid config, a Kubernetes version before 1.30, or a config that leaves no rule to emit
 */
export function admissionPolicies(
  config: EngineConfig | ResolvedConfig = {}, options: AdmissionPolicyOptions = {}, where: (key: string) => string = (key) => `config ${key}`,
): AdmissionPolicies {
  const plan = planAdmissionRules(config, options, where, 'admissionPolicies', (resolved) => {
    if (resolved.minor < ADMISSION_POLICY_MINOR) {
      throw new HardpodError(
        `ValidatingAdmissionPolicy is served as admissionregistration.k8s.io/v1 from Kubernetes 1.${ADMISSION_POLICY_MINOR}, and the config targets ${resolved.kubernetesVersion}; target 1.${ADMISSION_POLICY_MINOR} or later, or enforce with hardpod check in CI`,
        where('kubernetesVersion'),
      );
    }
  });
  const objects = plan.rules.flatMap((rule) => [policyOf(rule), bindingOf(rule.policyName, rule.enforcement, options)]);
  return { objects, emitted: emittedOf(plan), omitted: plan.omitted, notCarried: plan.notCarried };
}

function policyOf(planned: PlannedRule): KubeObject {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicy',
    metadata: {
      name: planned.policyName,
      labels: { ...MANAGED_BY_LABEL },
      annotations: { 'hardpod.dev/rule': planned.rule.id, 'hardpod.dev/severity': planned.severity },
    },
    spec: {
      failurePolicy: 'Fail',
      matchConstraints: {
        resourceRules: RESOURCE_RULES.map((r) => ({ ...r, apiGroups: [...r.apiGroups], apiVersions: [...r.apiVersions], resources: [...r.resources], operations: ['CREATE', 'UPDATE'] })),
      },
      ...(planned.conditions.length > 0 ? { matchConditions: planned.conditions.map((c) => ({ ...c })) } : {}),
      variables: planned.variables.map((v) => ({ ...v })),
      validations: [{ ...planned.validation }],
    },
  } as KubeObject;
}

function bindingOf(policyName: string, enforcement: Enforcement, options: AdmissionPolicyOptions): KubeObject {
  const matchResources: Record<string, unknown> = {};
  if (options.namespaceSelector !== undefined) matchResources.namespaceSelector = options.namespaceSelector;
  if (options.objectSelector !== undefined) matchResources.objectSelector = options.objectSelector;
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicyBinding',
    metadata: { name: policyName, labels: { ...MANAGED_BY_LABEL } },
    spec: {
      policyName,
      validationActions: [enforcement === 'warn' ? 'Warn' : 'Deny'],
      ...(Object.keys(matchResources).length > 0 ? { matchResources } : {}),
    },
  } as KubeObject;
}

/**
 * The policies as one YAML stream, opening with comments that say which rules are emitted with
 * which enforcement, which rules of the config are not and why, and what of the config is not carried.
 */
export function admissionPoliciesYaml(policies: AdmissionPolicies): string {
  return policiesYaml(
    'ValidatingAdmissionPolicies generated by hardpod admission-policy (admissionregistration.k8s.io/v1, Kubernetes 1.30+).',
    policies,
    (e: EmittedRule) => `${e.enforcement} (policy ${e.policyName})`,
  );
}
