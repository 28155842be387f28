import {
  planAdmissionRules, policiesOf, policiesYaml, selectorsOf,
  type AdmissionPolicies, type AdmissionPolicyOptions, type EmittedRule, type PlannedRule,
} from './cel-rules';
import type { EngineConfig, ResolvedConfig } from '../engine/config';
import type { Enforcement } from '../engine/report';
import { MANAGED_BY_LABEL } from '../model/companions';
import { HardpodError } from '../model/errors';
import type { KubeObject } from '../model/kube-object';
import { ADMISSION_POLICY_MINOR } from '../model/workload-cel';

export { ADMISSION_POLICY_MINOR } from '../model/workload-cel';

/**
 * The ValidatingAdmissionPolicies (admissionregistration.k8s.io/v1, Kubernetes 1.30 and later) that
 * enforce at admission what `hardpod check` enforces in CI, from the same config: one policy and one
 * binding per rule of the config's level, edition and Kubernetes version that judges one object and
 * that CEL expresses exactly: a workload (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet,
 * ReplicationController, Job, CronJob, PodTemplate, and ephemeral containers added to a Pod), a Role
 * or ClusterRole, or a binding. The RBAC policies exempt the API server's own requests (it reconciles
 * its bootstrap roles) and updates of aggregated ClusterRoles (the aggregation controller's). A rule
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
  return policiesOf(plan, (rule) => [policyOf(rule), bindingOf(rule.policyName, rule.enforcement, options)]);
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
    spec: admissionPolicySpec(planned),
  } as KubeObject;
}

/**
 * The spec of a ValidatingAdmissionPolicy for a planned rule, which Kyverno's ValidatingPolicy
 * extends: what it matches, its suppressions as match conditions, its variables and validation.
 * @internal
 */
export function admissionPolicySpec(planned: PlannedRule): Record<string, unknown> {
  return {
    failurePolicy: 'Fail',
    // Fresh lists per policy: the objects are the caller's to change.
    matchConstraints: {
      resourceRules: planned.resourceRules.map((r) => ({
        apiGroups: [...r.apiGroups], apiVersions: [...r.apiVersions], resources: [...r.resources], operations: [...r.operations],
      })),
    },
    ...(planned.conditions.length > 0 ? { matchConditions: planned.conditions.map((c) => ({ ...c })) } : {}),
    variables: planned.variables.map((v) => ({ ...v })),
    validations: [{ ...planned.validation }],
  };
}

function bindingOf(policyName: string, enforcement: Enforcement, options: AdmissionPolicyOptions): KubeObject {
  const matchResources = selectorsOf(options);
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
