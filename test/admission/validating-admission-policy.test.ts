import { parse } from 'yaml';
import {
  admissionPolicies, admissionPoliciesYaml, IMAGE_REFERENCE_PATTERN, PINNED_IMAGE_PATTERN, type AdmissionPolicies,
} from '../../src/admission';
import { parseImageRef } from '../../src/images/image-ref';
import { HardpodError } from '../../src/model/errors';

type Fields = Record<string, any>;

const policyOf = (policies: AdmissionPolicies, rule: string): Fields | undefined =>
  policies.objects.find((o) => o.kind === 'ValidatingAdmissionPolicy' && (o.metadata?.annotations as Fields)?.['hardpod.dev/rule'] === rule) as Fields | undefined;
const bindingOf = (policies: AdmissionPolicies, rule: string): Fields | undefined =>
  policies.objects.find((o) => o.kind === 'ValidatingAdmissionPolicyBinding' && (o as Fields).spec.policyName === `hardpod-${rule}`) as Fields | undefined;

describe('admissionPolicies', () => {
  test('emits one policy and one binding per rule CEL expresses exactly, the same every time', () => {
    const config = { hardened: { allowedRegistries: ['registry.example.com'] } };
    const first = admissionPoliciesYaml(admissionPolicies(config));
    expect(admissionPoliciesYaml(admissionPolicies(config))).toBe(first);
    const policies = admissionPolicies(config);
    expect(policies.emitted.map((e) => e.rule)).toEqual([
      'image-digest', 'allowed-registries', 'read-only-root-filesystem', 'dedicated-service-account', 'secrets-as-files', 'probes', 'not-default-namespace',
      'rbac-no-cluster-admin', 'rbac-no-wildcards', 'rbac-no-escalate',
    ]);
    expect(policies.objects.map((o) => `${o.kind} ${o.metadata?.name}`)).toEqual(policies.emitted.flatMap((e) => [
      `ValidatingAdmissionPolicy ${e.policyName}`, `ValidatingAdmissionPolicyBinding ${e.policyName}`,
    ]));
    // The YAML parses back into the same objects, after the comments that list what is and is not emitted.
    const documents = first.split(/^---\n/m);
    expect(documents.slice(1).map((doc) => parse(doc))).toEqual(policies.objects);
    expect(documents[0]).toMatch(/^# +resources: it reads the LimitRanges/m);
    expect(documents[0]).toMatch(/^# +Pod Security Standards rules \(privileged, .*\): Pod Security admission enforces the Pod Security Standards rules/m);
  });

  test('every policy matches each workload kind, reaches its pod spec and names the rule and its remediation', () => {
    const policy = policyOf(admissionPolicies(), 'read-only-root-filesystem')!;
    const resources = policy.spec.matchConstraints.resourceRules.flatMap((r: Fields) => r.resources);
    expect(resources).toEqual(expect.arrayContaining([
      'pods', 'pods/ephemeralcontainers', 'replicationcontrollers', 'podtemplates', 'deployments', 'statefulsets', 'daemonsets', 'replicasets', 'jobs', 'cronjobs',
    ]));
    expect(policy.spec.variables[0].expression).toMatch(/CronJob.*jobTemplate\.spec\.template\.spec/);
    expect(policy.spec.variables[1].expression).toMatch(/initContainers.*containers.*ephemeralContainers/);
    expect(policy.spec.validations[0].message).toMatch(/^hardpod read-only-root-filesystem: .*Remediation: Set securityContext\.readOnlyRootFilesystem: true/);
    expect(policy.spec.failurePolicy).toBe('Fail');
  });

  test('the RBAC rules\' policies match Roles and ClusterRoles, or the bindings, and exempt the API server\'s own bootstrap policy and aggregated ClusterRoles\' updates', () => {
    const policies = admissionPolicies();
    const matched = (rule: string) => policyOf(policies, rule)!.spec.matchConstraints.resourceRules;
    const rbac = (resources: string[]) => [{ apiGroups: ['rbac.authorization.k8s.io'], apiVersions: ['v1'], resources, operations: ['CREATE', 'UPDATE'] }];
    expect(matched('rbac-no-wildcards')).toEqual(rbac(['roles', 'clusterroles']));
    expect(matched('rbac-no-escalate')).toEqual(rbac(['roles', 'clusterroles']));
    expect(matched('rbac-no-cluster-admin')).toEqual(rbac(['rolebindings', 'clusterrolebindings']));
    const conditions = (rule: string) => policyOf(policies, rule)!.spec.matchConditions.map((c: Fields) => c.name);
    expect(conditions('rbac-no-wildcards')).toEqual(['not-the-api-server', 'not-an-aggregated-cluster-role-update', 'not-suppressed-by-annotation']);
    expect(conditions('rbac-no-cluster-admin')).toEqual(['not-the-api-server', 'not-suppressed-by-annotation']);
    expect(conditions('probes')).toEqual(['not-suppressed-by-annotation']);
    // A workload rule reads the pod spec, an RBAC one its object's rules: no podSpec variable on a Role.
    expect(policyOf(policies, 'rbac-no-wildcards')!.spec.variables.map((v: Fields) => v.name)).toEqual(['rules']);
    expect(policyOf(policies, 'rbac-no-cluster-admin')!.spec.variables).toEqual([]);
    expect(policies.omitted).toContainEqual({ rule: 'rbac-no-exec', reason: expect.stringMatching(/reads the Role or ClusterRole a binding refers to/) });
  });

  test('config suppressions of RBAC rules are carried: a ClusterRole\'s without a namespace, a Role\'s only with one', () => {
    const policies = admissionPolicies({
      suppressions: [
        { rule: 'rbac-no-wildcards', kind: 'ClusterRole', name: 'operator', reason: 'the vendor\'s operator' },
        { rule: 'rbac-no-wildcards', kind: 'Role', namespace: 'shop', name: 'ci', reason: 'CI deploys everything in shop' },
        { rule: 'rbac-no-escalate', kind: 'Role', name: 'nowhere', reason: 'a namespaced role named without its namespace' },
      ],
    });
    const condition = policyOf(policies, 'rbac-no-wildcards')!.spec.matchConditions.find((c: Fields) => c.name === 'not-suppressed-by-config').expression;
    expect(condition).toContain('(request.kind.kind == "ClusterRole" && object.metadata.name == "operator")');
    expect(condition).toContain('request.kind.kind == "Role" && request.namespace == "shop" && object.metadata.name == "ci"');
    expect(policies.notCarried).toEqual([expect.stringMatching(/^the suppression of rbac-no-escalate on Role nowhere is not carried: it names an object without a namespace, and at admission every Role has one/)]);
  });

  test('a disabled rule is not emitted; a rule without its setting is listed as not emitted', () => {
    const policies = admissionPolicies({ rules: { probes: { enabled: false } } });
    expect(policies.emitted.map((e) => e.rule)).not.toContain('probes');
    expect(policyOf(policies, 'probes')).toBeUndefined();
    expect(policies.emitted.map((e) => e.rule)).not.toContain('allowed-registries');
    expect(policies.omitted).toContainEqual({ rule: 'allowed-registries', reason: expect.stringMatching(/hardened\.allowedRegistries is not set/) });
  });

  test('warn enforcement, from the config or a rule override, binds with Warn; deny with Deny', () => {
    const policies = admissionPolicies({ rules: { probes: { enforcement: 'warn' } } });
    expect(bindingOf(policies, 'probes')!.spec.validationActions).toEqual(['Warn']);
    expect(bindingOf(policies, 'image-digest')!.spec.validationActions).toEqual(['Deny']);
    const warned = admissionPolicies({ enforcement: 'warn', rules: { 'image-digest': { enforcement: 'deny' } } });
    expect(bindingOf(warned, 'probes')!.spec.validationActions).toEqual(['Warn']);
    expect(bindingOf(warned, 'image-digest')!.spec.validationActions).toEqual(['Deny']);
  });

  test('the suppression annotation exempts an object unless suppressions are forbidden; config suppressions by name, the others listed as not carried', () => {
    const suppressions = [
      { rule: 'image-digest', kind: 'Deployment', namespace: 'shop', name: 'web', reason: 'pinned at deploy time' },
      { rule: 'image-digest', kind: 'Job', namespace: 'shop', generateName: 'migrate-', reason: 'pinned at deploy time' },
      { rule: 'image-digest', kind: 'CronJob', name: 'nightly', reason: 'pinned at deploy time' },
      { rule: 'image-digest', kind: 'Service', namespace: 'shop', name: 'web', reason: 'not a workload' },
    ];
    const policies = admissionPolicies({ suppressions });
    const conditions = policyOf(policies, 'image-digest')!.spec.matchConditions;
    expect(conditions.map((c: Fields) => c.name)).toEqual(['not-suppressed-by-annotation', 'not-suppressed-by-config']);
    expect(conditions[0].expression).toContain('"hardpod.dev/suppress.image-digest" in object.metadata.annotations');
    expect(conditions[1].expression).toBe('!((request.kind.kind == "Deployment" && request.namespace == "shop" && object.metadata.name == "web"))');
    expect(policyOf(policies, 'probes')!.spec.matchConditions.map((c: Fields) => c.name)).toEqual(['not-suppressed-by-annotation']);
    expect(policies.notCarried).toEqual([
      expect.stringMatching(/^the suppression of image-digest on Job shop\/migrate-\* \(generateName\) is not carried: /),
      expect.stringMatching(/^the suppression of image-digest on CronJob nightly is not carried: it names an object without a namespace/),
    ]);
    expect(policyOf(admissionPolicies({ forbidSuppressions: true }), 'image-digest')!.spec.matchConditions).toBeUndefined();
  });

  test('bindings apply where the options say, under the given name prefix', () => {
    const policies = admissionPolicies({}, { namePrefix: 'acme-', namespaceSelector: { matchLabels: { team: 'shop' } } });
    const binding = policies.objects.find((o) => o.kind === 'ValidatingAdmissionPolicyBinding') as Fields;
    expect(binding.metadata.name).toBe('acme-image-digest');
    expect(binding.spec).toEqual({ policyName: 'acme-image-digest', validationActions: ['Deny'], matchResources: { namespaceSelector: { matchLabels: { team: 'shop' } } } });
    expect(() => admissionPolicies({}, { namePrefix: 'Acme_' })).toThrow(/namePrefix "Acme_" must be lowercase/);
  });

  test('refuses a Kubernetes version without ValidatingAdmissionPolicy v1, a level without hardened rules, and a config leaving no rule', () => {
    const refusal = (config: object): HardpodError => {
      try {
        admissionPolicies(config);
      } catch (error) {
        return error as HardpodError;
      }
      throw new Error('not refused');
    };
    expect(refusal({ kubernetesVersion: '1.29' })).toMatchObject({ where: 'config kubernetesVersion', reason: expect.stringMatching(/from Kubernetes 1\.30, and the config targets 1\.29/) });
    expect(refusal({ level: 'restricted' })).toMatchObject({ where: 'config level', reason: expect.stringMatching(/level restricted holds only Pod Security Standards rules/) });
    const all = Object.fromEntries([
      'image-digest', 'read-only-root-filesystem', 'dedicated-service-account', 'secrets-as-files', 'probes', 'not-default-namespace',
      'rbac-no-cluster-admin', 'rbac-no-wildcards', 'rbac-no-escalate',
    ].map((id) => [id, { enabled: false }]));
    expect(refusal({ rules: all }).reason).toMatch(/no rule to emit/);
    expect(refusal({ rules: { nope: {} } }).reason).toMatch(/unknown rule id "nope"/);
    expect(admissionPolicies({ kubernetesVersion: '1.30' }).emitted.length).toBeGreaterThan(0);
  });
});

describe('the image patterns the policies match with', () => {
  /** Whether hardpod's parser reads the reference, as the image rules do (a name of more than 255 characters aside). */
  const parses = (image: string): boolean => {
    try {
      parseImageRef(image);
      return true;
    } catch {
      return false;
    }
  };
  const images = [
    'nginx', 'nginx:1.27', 'library/nginx', 'acme/app:v1', 'registry.example/app', 'Registry.Example/app', 'REG/app', 'Reg_x/app', 'a_b.c/app', 'a_b/app',
    'localhost/app', 'localhost:5000/app', 'localhost:5000', 'host:65535/app', 'host:65536/app', 'host:00080/app', 'host:/app', '[::1]/app', '[::1]:5000/app',
    '[::1', '[::g]/app', 'x[::1]/app', 'reg-.example/app', '-reg.example/app', 'registry.example/App', 'registry.example//app', 'registry.example/app/',
    'registry.example/a__b', 'registry.example/a___b', 'registry.example/a--b', 'registry.example/a.-b', 'app:', 'app:-x', 'app:_x', `app:${'x'.repeat(128)}`,
    `app:${'x'.repeat(129)}`, 'app@sha256:', `app@sha256:${'a'.repeat(64)}`, `app@sha256:${'A'.repeat(64)}`, `app@sha256:${'a'.repeat(63)}`,
    `app@sha384:${'a'.repeat(96)}`, `app@sha512:${'a'.repeat(128)}`, `app@md5:${'a'.repeat(32)}`, `app:1@sha256:${'a'.repeat(64)}`,
    `app@sha256:${'a'.repeat(64)}@sha256:${'a'.repeat(64)}`, 'app name', ' app', 'APP', 'a'.repeat(64), `${'a'.repeat(64)}:1`, 'index.docker.io/nginx', 'docker.io/nginx',
  ];
  test.each(images)('%s: the reference pattern accepts exactly what the parser reads', (image) => {
    expect(new RegExp(IMAGE_REFERENCE_PATTERN).test(image) && !/^[a-f0-9]{64}$/.test(image)).toBe(parses(image));
    expect(new RegExp(PINNED_IMAGE_PATTERN).test(image)).toBe(parses(image) && parseImageRef(image).digest !== undefined);
  });
});
