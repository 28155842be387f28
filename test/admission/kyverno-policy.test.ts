import { parse } from 'yaml';
import { admissionPolicies, kyvernoPolicies, kyvernoPoliciesYaml, kyvernoValidatingPolicies, kyvernoValidatingPoliciesYaml, type AdmissionPolicies } from '../../src/admission';
import { HardpodError } from '../../src/model/errors';

type Fields = Record<string, any>;

const clusterPolicyOf = (policies: AdmissionPolicies, rule: string): Fields | undefined =>
  policies.objects.find((o) => o.kind === 'ClusterPolicy' && (o.metadata?.annotations as Fields)?.['hardpod.dev/rule'] === rule) as Fields | undefined;
const vapOf = (policies: AdmissionPolicies, rule: string): Fields =>
  policies.objects.find((o) => o.kind === 'ValidatingAdmissionPolicy' && (o.metadata?.annotations as Fields)?.['hardpod.dev/rule'] === rule) as Fields;

const suppressions = [
  { rule: 'image-digest', kind: 'Deployment', namespace: 'shop', name: 'web', reason: 'pinned at deploy time' },
  { rule: 'image-digest', kind: 'Job', namespace: 'shop', generateName: 'migrate-', reason: 'pinned at deploy time' },
  { rule: 'image-digest', kind: 'CronJob', name: 'nightly', reason: 'pinned at deploy time' },
];

describe('kyvernoPolicies', () => {
  test('emits one ClusterPolicy per rule the ValidatingAdmissionPolicies emit, with the same CEL, preconditions and messages', () => {
    const config = { hardened: { allowedRegistries: ['registry.example.com'] }, suppressions, rules: { probes: { enforcement: 'warn' as const, severity: 'low' as const } } };
    const kyverno = kyvernoPolicies(config);
    const vap = admissionPolicies(config);
    expect(kyverno.emitted).toEqual(vap.emitted);
    expect(kyverno.omitted).toEqual(vap.omitted);
    expect(kyverno.notCarried).toEqual(vap.notCarried);
    expect(kyverno.objects.map((o) => `${o.apiVersion} ${o.kind} ${o.metadata?.name}`)).toEqual(kyverno.emitted.map((e) => `kyverno.io/v1 ClusterPolicy ${e.policyName}`));
    for (const { rule } of kyverno.emitted) {
      const policy = clusterPolicyOf(kyverno, rule)!;
      const spec = vapOf(vap, rule).spec;
      expect(policy.spec.rules).toHaveLength(1);
      const [kyvernoRule] = policy.spec.rules;
      expect(kyvernoRule.name).toBe(rule);
      expect(kyvernoRule.validate.cel.variables).toEqual(spec.variables);
      expect(kyvernoRule.validate.cel.expressions).toEqual(spec.validations);
      expect(kyvernoRule.celPreconditions).toEqual(spec.matchConditions);
      expect(policy.metadata.annotations['policies.kyverno.io/severity']).toBe(vapOf(vap, rule).metadata.annotations['hardpod.dev/severity']);
    }
    expect(clusterPolicyOf(kyverno, 'probes')!.metadata.annotations['policies.kyverno.io/severity']).toBe('low');
    expect(clusterPolicyOf(kyverno, 'image-digest')!.spec.rules[0].celPreconditions.map((c: Fields) => c.name)).toEqual(['not-suppressed-by-annotation', 'not-suppressed-by-config']);
  });

  test('each rule matches every workload kind and the ephemeral containers of a Pod, on create and update, with no rules generated for controllers', () => {
    const policy = clusterPolicyOf(kyvernoPolicies(), 'read-only-root-filesystem')!;
    expect(policy.metadata.annotations['pod-policies.kyverno.io/autogen-controllers']).toBe('none');
    expect(policy.spec.background).toBe(true);
    expect(policy.spec.rules[0].match).toEqual({
      any: [{
        resources: {
          kinds: ['Pod', 'Pod/ephemeralcontainers', 'ReplicationController', 'PodTemplate', 'apps/v1/Deployment', 'apps/v1/StatefulSet', 'apps/v1/DaemonSet',
            'apps/v1/ReplicaSet', 'batch/v1/Job', 'batch/v1/CronJob'],
          operations: ['CREATE', 'UPDATE'],
        },
      }],
    });
  });

  test('warn enforcement, from the config or a rule override, is failureAction Audit; deny is Enforce', () => {
    const failureAction = (policies: AdmissionPolicies, rule: string): string =>
      clusterPolicyOf(policies, rule)!.spec.rules[0].validate.failureAction;
    const policies = kyvernoPolicies({ rules: { probes: { enforcement: 'warn' } } });
    expect(failureAction(policies, 'probes')).toBe('Audit');
    expect(failureAction(policies, 'image-digest')).toBe('Enforce');
    const warned = kyvernoPolicies({ enforcement: 'warn', rules: { 'image-digest': { enforcement: 'deny' } } });
    expect(failureAction(warned, 'probes')).toBe('Audit');
    expect(failureAction(warned, 'image-digest')).toBe('Enforce');
    expect(clusterPolicyOf(kyvernoPolicies({ rules: { probes: { enabled: false } } }), 'probes')).toBeUndefined();
  });

  test('forbidden suppressions leave no precondition; selectors and the name prefix apply to every rule', () => {
    expect(clusterPolicyOf(kyvernoPolicies({ forbidSuppressions: true }), 'image-digest')!.spec.rules[0].celPreconditions).toBeUndefined();
    const policies = kyvernoPolicies({}, { namePrefix: 'acme-', namespaceSelector: { matchLabels: { team: 'shop' } }, objectSelector: { matchLabels: { tier: 'web' } } });
    const policy = policies.objects[0] as Fields;
    expect(policy.metadata.name).toBe('acme-image-digest');
    expect(policy.spec.rules[0].match.any[0].resources).toMatchObject({ namespaceSelector: { matchLabels: { team: 'shop' } }, selector: { matchLabels: { tier: 'web' } } });
  });

  test('the YAML parses back into the policies after comments naming each rule\'s failure action and what is not emitted, the same every time', () => {
    const policies = kyvernoPolicies({ rules: { probes: { enforcement: 'warn' } } });
    const yaml = kyvernoPoliciesYaml(policies);
    expect(kyvernoPoliciesYaml(kyvernoPolicies({ rules: { probes: { enforcement: 'warn' } } }))).toBe(yaml);
    const documents = yaml.split(/^---\n/m);
    expect(documents.slice(1).map((doc) => parse(doc))).toEqual(policies.objects);
    expect(documents[0]).toMatch(/^# Kyverno ClusterPolicies generated by hardpod admission-policy --format kyverno-cluster-policy \(kyverno\.io\/v1, Kyverno 1\.13 to 1\.19; deprecated by Kyverno 1\.17\)/);
    expect(documents[0]).toMatch(/^#   probes: warn \(ClusterPolicy hardpod-probes, failureAction Audit\)$/m);
    expect(documents[0]).toMatch(/^# +resources: it reads the LimitRanges/m);
    expect(documents[0]).toMatch(/^# Kyverno's resourceFilters still apply: its Helm chart's defaults skip ReplicaSets/m);
  });

  test('needs no ValidatingAdmissionPolicy API, and refuses what the ValidatingAdmissionPolicies refuse otherwise', () => {
    expect(kyvernoPolicies({ kubernetesVersion: '1.29' }).emitted.length).toBeGreaterThan(0);
    const refusal = (run: () => unknown): HardpodError => {
      try {
        run();
      } catch (error) {
        return error as HardpodError;
      }
      throw new Error('not refused');
    };
    expect(refusal(() => kyvernoPolicies({ level: 'restricted' }))).toMatchObject({ where: 'config level', reason: expect.stringMatching(/level restricted holds only Pod Security Standards rules/) });
    expect(refusal(() => kyvernoPolicies({}, { namePrefix: 'Acme_' }))).toMatchObject({ where: 'kyvernoPolicies options.namePrefix' });
    expect(refusal(() => kyvernoPolicies({ rules: { nope: {} } })).reason).toMatch(/unknown rule id "nope"/);
  });
});

describe('kyvernoValidatingPolicies', () => {
  const validatingPolicyOf = (policies: AdmissionPolicies, rule: string): Fields | undefined =>
    policies.objects.find((o) => o.kind === 'ValidatingPolicy' && (o.metadata?.annotations as Fields)?.['hardpod.dev/rule'] === rule) as Fields | undefined;

  test('emits one ValidatingPolicy per rule the ValidatingAdmissionPolicies emit, each with its policy\'s spec and no binding', () => {
    const config = { hardened: { allowedRegistries: ['registry.example.com'] }, suppressions, rules: { probes: { enforcement: 'warn' as const, severity: 'low' as const } } };
    const kyverno = kyvernoValidatingPolicies(config);
    const vap = admissionPolicies(config);
    expect(kyverno.emitted).toEqual(vap.emitted);
    expect(kyverno.omitted).toEqual(vap.omitted);
    expect(kyverno.notCarried).toEqual(vap.notCarried);
    expect(kyverno.objects.map((o) => `${o.apiVersion} ${o.kind} ${o.metadata?.name}`)).toEqual(kyverno.emitted.map((e) => `policies.kyverno.io/v1 ValidatingPolicy ${e.policyName}`));
    for (const { rule } of kyverno.emitted) {
      const { validationActions, autogen, ...spec } = validatingPolicyOf(kyverno, rule)!.spec;
      expect(spec).toEqual(vapOf(vap, rule).spec);
      expect(autogen).toEqual({ podControllers: { controllers: [] } });
      expect(validationActions).toEqual(rule === 'probes' ? ['Audit', 'Warn'] : ['Deny']);
    }
    expect(validatingPolicyOf(kyverno, 'probes')!.metadata.annotations['policies.kyverno.io/severity']).toBe('low');
    expect(validatingPolicyOf(kyverno, 'image-digest')!.spec.matchConditions.map((c: Fields) => c.name)).toEqual(['not-suppressed-by-annotation', 'not-suppressed-by-config']);
  });

  test('warn enforcement, from the config or a rule override, is validationActions Audit and Warn; deny is Deny', () => {
    const actions = (policies: AdmissionPolicies, rule: string): string[] => validatingPolicyOf(policies, rule)!.spec.validationActions;
    const warned = kyvernoValidatingPolicies({ enforcement: 'warn', rules: { 'image-digest': { enforcement: 'deny' } } });
    expect(actions(warned, 'probes')).toEqual(['Audit', 'Warn']);
    expect(actions(warned, 'image-digest')).toEqual(['Deny']);
  });

  test('the selectors go into each policy\'s match constraints, beside the workload kinds', () => {
    const policies = kyvernoValidatingPolicies({}, { namePrefix: 'acme-', namespaceSelector: { matchLabels: { team: 'shop' } }, objectSelector: { matchLabels: { tier: 'web' } } });
    const policy = policies.objects[0] as Fields;
    expect(policy.metadata.name).toBe('acme-image-digest');
    expect(policy.spec.matchConstraints).toEqual({
      resourceRules: vapOf(admissionPolicies(), 'image-digest').spec.matchConstraints.resourceRules,
      namespaceSelector: { matchLabels: { team: 'shop' } },
      objectSelector: { matchLabels: { tier: 'web' } },
    });
  });

  test('the YAML parses back into the policies after comments naming each rule\'s validation actions, the same every time', () => {
    const policies = kyvernoValidatingPolicies({ rules: { probes: { enforcement: 'warn' } } });
    const yaml = kyvernoValidatingPoliciesYaml(policies);
    expect(kyvernoValidatingPoliciesYaml(kyvernoValidatingPolicies({ rules: { probes: { enforcement: 'warn' } } }))).toBe(yaml);
    const documents = yaml.split(/^---\n/m);
    expect(documents.slice(1).map((doc) => parse(doc))).toEqual(policies.objects);
    expect(documents[0]).toMatch(/^# Kyverno ValidatingPolicies generated by hardpod admission-policy --format kyverno \(policies\.kyverno\.io\/v1, Kyverno 1\.17\+\)/);
    expect(documents[0]).toMatch(/^#   probes: warn \(ValidatingPolicy hardpod-probes, validationActions Audit, Warn\)$/m);
    expect(documents[0]).toMatch(/^# Kyverno's resourceFilters still apply/m);
    expect(kyvernoValidatingPolicies({ kubernetesVersion: '1.29' }).emitted.length).toBeGreaterThan(0);
  });
});
