import { App, Chart, Testing } from 'cdk8s';
import fc from 'fast-check';
import { HardenedDebugAccess } from '../../src/cdk8s/constructs';
import { evaluate } from '../../src/engine/evaluate';
import { buildDebugAccess, buildDeployment, HardpodError, type BuildContext, type KubeObject } from '../../src/model';

const DEBUG_IMAGE = `ghcr.io/acme/debug-tools:1.0@sha256:${'d'.repeat(64)}`;
const APP_IMAGE = `ghcr.io/acme/web@sha256:${'a'.repeat(64)}`;
const ctx: BuildContext = { where: 'platform/debug' };
/** The pod's own container, which passes restricted: a pod needs one besides the ephemeral debug container. */
const RESTRICTED_APP_CONTAINER = { name: 'app', image: APP_IMAGE, securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } };

function error(fn: () => unknown): HardpodError {
  try {
    fn();
  } catch (e) {
    if (e instanceof HardpodError) return e;
    throw e;
  }
  throw new Error('expected a HardpodError');
}

describe('buildDebugAccess', () => {
  const built = buildDebugAccess({ namespace: 'shop', group: 'shop-oncall', image: DEBUG_IMAGE }, ctx);

  test('grants the group ephemeral containers, attach and logs in one namespace, nothing else', () => {
    expect(built.role).toMatchObject({ kind: 'Role', metadata: { name: 'debug', namespace: 'shop' } });
    expect(built.role.rules).toEqual([
      { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['pods/ephemeralcontainers'], verbs: ['patch'] },
      { apiGroups: [''], resources: ['pods/attach'], verbs: ['get', 'create'] },
      { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] },
    ]);
    expect(JSON.stringify(built.role.rules)).not.toMatch(/pods\/exec|"\*"/);
    expect(built.roleBinding).toMatchObject({
      kind: 'RoleBinding',
      metadata: { name: 'debug', namespace: 'shop' },
      roleRef: { kind: 'Role', name: 'debug' },
      subjects: [{ kind: 'Group', name: 'shop-oncall', apiGroup: 'rbac.authorization.k8s.io' }],
    });
  });

  test('is always paired with an admission policy for the namespace that names the approved image', () => {
    const policy = built.admissionPolicy;
    expect(policy).toMatchObject({ apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicy', metadata: { name: 'hardpod-debug.shop.debug' } });
    const spec = policy.spec as { failurePolicy: string; matchConstraints: unknown; validations: { expression: string }[] };
    expect(spec.failurePolicy).toBe('Fail');
    expect(spec.matchConstraints).toEqual({ resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['UPDATE'], resources: ['pods/ephemeralcontainers'] }] });
    expect(spec.validations[0].expression).toBe(`variables.added.all(c, c.image == "${DEBUG_IMAGE}")`);
    expect(spec.validations.map((v) => v.expression).join('\n')).toMatch(/runAsNonRoot[\s\S]*allowPrivilegeEscalation[\s\S]*'ALL'[\s\S]*privileged[\s\S]*seccompProfile/);
    expect(built.admissionPolicyBinding.spec).toEqual({
      policyName: 'hardpod-debug.shop.debug',
      validationActions: ['Deny'],
      matchResources: { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } } },
    });
    expect(built.role.metadata?.annotations).toEqual({ 'hardpod.dev/admission-policy': 'hardpod-debug.shop.debug' });
    // The guard before the grant, in apply order.
    expect(built.objects.map((o) => o.metadata?.name)).toEqual([
      'hardpod-debug.shop.debug', 'hardpod-debug.shop.debug', 'hardpod-debug-attach.shop.debug', 'hardpod-debug-attach.shop.debug',
      'hardpod-debug-names.shop.debug', 'hardpod-debug-names.shop.debug', 'debug', 'debug',
    ]);
    expect(built.objects.map((o) => o.kind)).toEqual([
      'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding',
      'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding', 'Role', 'RoleBinding',
    ]);
  });

  test('the policy enforces every restricted requirement a container\'s securityContext can set, judging the pod\'s where the container sets none', () => {
    type Validation = { expression: string; message: string };
    const policyAt = (minor: number) =>
      (buildDebugAccess({ namespace: 'shop', group: 'g', image: DEBUG_IMAGE }, { ...ctx, defaults: { kubernetesMinor: minor } }).admissionPolicy.spec as { validations: Validation[] }).validations;
    const validations = policyAt(33);
    const about = (text: string): Validation => {
      const found = validations.filter((v) => v.message.includes(text));
      expect(found).toHaveLength(1);
      return found[0];
    };
    expect(about('user 0').expression).toMatch(/c\.securityContext\.runAsUser != 0 : !\(.*object\.spec\.securityContext\.runAsUser == 0\)/);
    expect(about('AppArmor').expression).toMatch(/c\.securityContext\.appArmorProfile\.type in \["RuntimeDefault", "Localhost"\] : .*object\.spec\.securityContext\.appArmorProfile\.type in \["RuntimeDefault", "Localhost"\]/);
    const seLinux = about('SELinux').expression;
    for (const holder of ['c.securityContext', 'object.spec.securityContext']) {
      expect(seLinux).toContain(`${holder}.seLinuxOptions.type in ["", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"]`);
      expect(seLinux).toContain(`(!has(${holder}.seLinuxOptions.user) || ${holder}.seLinuxOptions.user == '')`);
      expect(seLinux).toContain(`(!has(${holder}.seLinuxOptions.role) || ${holder}.seLinuxOptions.role == '')`);
    }
    expect(about('procMount').expression).toBe("variables.added.all(c, !(has(c.securityContext) && has(c.securityContext.procMount)) || c.securityContext.procMount == 'Default')");
    expect(about('HostProcess').expression).toMatch(/c\.securityContext\.windowsOptions\.hostProcess == false : !\(.*object\.spec\.securityContext\.windowsOptions\.hostProcess == true\)/);
    // container_engine_t is an allowed type from 1.31 only, as Pod Security has it.
    const seLinuxAt30 = policyAt(30).find((v) => v.message.includes('SELinux'));
    expect(seLinuxAt30?.expression).not.toContain('container_engine_t');
    expect(seLinuxAt30?.message).toMatch(/only the type container_t, container_init_t, container_kvm_t \(/);
  });

  test('the policy refuses an environment read from Secrets or ConfigMaps, which the group cannot get', () => {
    const validations = (built.admissionPolicy.spec as { validations: { expression: string; message: string }[] }).validations;
    const byField = (field: string) => validations.filter((v) => v.message.includes(field));
    expect(byField('(envFrom)')).toEqual([expect.objectContaining({ expression: 'variables.added.all(c, !has(c.envFrom) || size(c.envFrom) == 0)' })]);
    // Only the downward API may fill a value: secretKeyRef, configMapKeyRef (and any later source) are refused.
    expect(byField('(env valueFrom)')).toEqual([expect.objectContaining({
      expression: 'variables.added.all(c, !has(c.env) || c.env.all(e, !has(e.valueFrom) || has(e.valueFrom.fieldRef) || has(e.valueFrom.resourceFieldRef)))',
    })]);
    expect(byField('(env valueFrom)')[0].message).toMatch(/^ephemeral containers in namespace shop must not take environment variables from Secrets, ConfigMaps/);
  });

  test('the debug container passes restricted, and the emitted objects pass hardened', () => {
    const workload = buildDeployment({ name: 'web', namespace: 'shop', image: APP_IMAGE, port: 8080 }, ctx).workload as KubeObject;
    const template = (workload.spec as { template: { metadata: Record<string, unknown>; spec: Record<string, unknown> } }).template;
    const pod: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      // A running Pod, as read back from the server: the only kind of pod ephemeral containers are added to.
      metadata: { ...template.metadata, name: 'web-1', namespace: 'shop', resourceVersion: '1' },
      spec: { ...template.spec, ephemeralContainers: [built.debugContainer] },
    };
    const restricted = evaluate([{ object: pod, source: {} }], { level: 'restricted' });
    expect(restricted.findings).toEqual([]);
    expect(restricted.summary.pass).toBeGreaterThan(10);
    const hardened = evaluate(built.objects.map((object) => ({ object, source: {} })), { level: 'hardened' });
    expect(hardened.findings.filter((f) => f.outcome === 'fail')).toEqual([]);
  });

  test('the kubectl debug command uses the restricted profile and the custom container file', () => {
    expect(built.kubectlDebugCommand('web-7d9c')).toBe(
      `kubectl debug --namespace shop web-7d9c -it --image=${DEBUG_IMAGE} --profile=restricted --custom=debug-container.json`,
    );
    expect(built.kubectlDebugCommand('web-7d9c', { target: 'main', customFile: 'my debug.json', attach: false, container: 'debugger-db' })).toBe(
      `kubectl debug --namespace shop web-7d9c --image=${DEBUG_IMAGE} --container=debugger-db --target=main --profile=restricted '--custom=my debug.json'`,
    );
    // The group may attach to debug containers only.
    expect(error(() => built.kubectlDebugCommand('web-7d9c', { container: 'dbg' })).message).toMatch(
      /^platform\/debug: debug container name "dbg" must start with "debugger": the group may attach to no other container \(hardpod-debug-attach\.shop\.debug\)$/);
    expect(built.customContainer).toEqual({ securityContext: { runAsUser: 65532, runAsGroup: 65532, readOnlyRootFilesystem: true } });
  });

  test('for a 1.30 or 1.31 cluster the command turns on --custom, which kubectl 1.30 has only behind KUBECTL_DEBUG_CUSTOM_PROFILE', () => {
    const commandAt = (minor: number) =>
      buildDebugAccess({ namespace: 'shop', group: 'g', image: DEBUG_IMAGE }, { ...ctx, defaults: { kubernetesMinor: minor } }).kubectlDebugCommand('web-1');
    // kubectl 1.30 says "unknown flag: --custom" without it, and may drive a 1.31 cluster (one minor of skew).
    for (const minor of [30, 31]) expect(commandAt(minor)).toBe(`KUBECTL_DEBUG_CUSTOM_PROFILE=true kubectl debug --namespace shop web-1 -it --image=${DEBUG_IMAGE} --profile=restricted --custom=debug-container.json`);
    for (const minor of [32, 37]) expect(commandAt(minor)).toMatch(/^kubectl debug /);
  });

  test('mistakes are errors naming the construct and what is expected', () => {
    expect(error(() => buildDebugAccess({ namespace: 'shop', group: 'g', image: 'busybox:1.36' }, ctx)).message)
      .toMatch(/^platform\/debug \(debug image\): .*busybox:1\.36/);
    expect(error(() => buildDebugAccess({ namespace: 'shop', group: 'g', image: DEBUG_IMAGE }, { ...ctx, defaults: { kubernetesMinor: 29 } })).message)
      .toMatch(/ValidatingAdmissionPolicy .*1\.30\+.*target is 1\.29/);
    expect(error(() => buildDebugAccess({ namespace: 'Shop', group: 'g', image: DEBUG_IMAGE }, ctx)).message).toMatch(/namespace "Shop" is not a DNS label/);
    expect(error(() => buildDebugAccess({ namespace: 'shop', group: ' ', image: DEBUG_IMAGE }, ctx)).message).toMatch(/group must name/);
    expect(error(() => buildDebugAccess({ namespace: 'shop', group: 'g', image: DEBUG_IMAGE, runAsUser: 0 }, ctx)).message).toMatch(/runAsUser 0 must be a non-root/);
  });

  test('a group that holds workloads or everyone is refused: the grant is as strong as exec, and the hardened RBAC rules refuse it for workloads', () => {
    for (const group of ['system:authenticated', 'system:unauthenticated', 'system:serviceaccounts', 'system:serviceaccounts:shop']) {
      expect(error(() => buildDebugAccess({ namespace: 'shop', group, image: DEBUG_IMAGE }, ctx)).message).toMatch(
        new RegExp(`^platform/debug: group "${group}" is not a group of people: .*as strong as exec.*name the group of people who may debug`));
    }
    // Groups of people, as authenticators name them, stay allowed.
    for (const group of ['oidc:Shop On-Call', 'system:masters', 'shop-oncall@example.com']) {
      expect(buildDebugAccess({ namespace: 'shop', group, image: DEBUG_IMAGE }, ctx).roleBinding.subjects).toEqual([{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: group }]);
    }
  });
});

describe('buildDebugAccess over arbitrary props', () => {
  const label = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,20}[a-z0-9])?$/);
  const props = fc.record({
    namespace: label,
    name: fc.option(label, { nil: undefined }),
    group: fc.string({ minLength: 1, maxLength: 30 }).filter((g) => g.trim() !== ''),
    runAsUser: fc.option(fc.integer({ min: 1, max: 2 ** 31 - 1 }), { nil: undefined }),
    minor: fc.integer({ min: 30, max: 37 }),
  });

  test('always pairs the grant with a policy for exactly its namespace, never grants exec, and its container passes restricted', () => {
    fc.assert(fc.property(props, ({ minor, ...p }) => {
      const built = buildDebugAccess({ ...p, image: DEBUG_IMAGE }, { where: 'prop', defaults: { kubernetesMinor: minor } });
      const kinds = built.objects.map((o) => o.kind);
      const policyKinds = ['ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding'];
      expect(kinds).toEqual([...policyKinds, ...policyKinds, ...policyKinds, 'Role', 'RoleBinding']);
      type BindingSpec = { policyName: string; matchResources: { namespaceSelector: { matchLabels: Record<string, string> } } };
      const pairs = [
        [built.admissionPolicy, built.admissionPolicyBinding],
        [built.attachPolicy, built.attachPolicyBinding],
        [built.reservedNamePolicy, built.reservedNamePolicyBinding],
      ];
      for (const [policy, bound] of pairs) {
        const binding = bound.spec as BindingSpec;
        expect(binding.policyName).toBe(policy.metadata?.name);
        expect(binding.matchResources.namespaceSelector.matchLabels).toEqual({ 'kubernetes.io/metadata.name': p.namespace });
      }
      expect(built.role.metadata?.namespace).toBe(p.namespace);
      expect(built.roleBinding.metadata?.namespace).toBe(p.namespace);
      const rules = built.role.rules as { resources: string[]; verbs: string[] }[];
      for (const rule of rules) {
        expect(rule.resources.filter((r) => ['pods/exec', 'pods/portforward', 'nodes/proxy', '*', 'secrets'].includes(r))).toEqual([]);
        expect(rule.verbs).not.toContain('*');
      }
      const pod: KubeObject = {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'p', namespace: p.namespace, resourceVersion: '1' },
        spec: { securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } }, containers: [RESTRICTED_APP_CONTAINER], ephemeralContainers: [built.debugContainer] },
      };
      expect(evaluate([{ object: pod, source: {} }], { level: 'restricted', kubernetesVersion: `1.${minor}` }).findings.map((f) => f.rule)).toEqual([]);
    }));
  });
});

describe('HardenedDebugAccess (cdk8s)', () => {
  test('takes the chart\'s namespace for the grant and keeps the policy cluster-scoped', () => {
    const chart = new Chart(Testing.app(), 'platform', { namespace: 'shop' });
    const access = new HardenedDebugAccess(chart, 'debug', { group: 'shop-oncall', image: DEBUG_IMAGE });
    const objects = Testing.synth(chart) as KubeObject[];
    expect(objects.map((o) => [o.kind, o.metadata?.namespace])).toEqual([
      ['ValidatingAdmissionPolicy', undefined], ['ValidatingAdmissionPolicyBinding', undefined],
      ['ValidatingAdmissionPolicy', undefined], ['ValidatingAdmissionPolicyBinding', undefined],
      ['ValidatingAdmissionPolicy', undefined], ['ValidatingAdmissionPolicyBinding', undefined], ['Role', 'shop'], ['RoleBinding', 'shop'],
    ]);
    expect(objects).toEqual(buildDebugAccess({ namespace: 'shop', group: 'shop-oncall', image: DEBUG_IMAGE }, ctx).objects);
    expect(access.kubectlDebugCommand('web-1')).toContain('--namespace shop web-1 -it');
  });

  test('without a namespace anywhere it is an error naming the construct path', () => {
    const chart = new Chart(new App(), 'platform');
    expect(() => new HardenedDebugAccess(chart, 'debug', { group: 'g', image: DEBUG_IMAGE })).toThrow(/^platform\/debug: debug access needs a namespace/);
  });

  test('two debug accesses of one name in one namespace are an error naming both construct paths', () => {
    const app = Testing.app();
    new HardenedDebugAccess(new Chart(app, 'team-a', { namespace: 'shop' }), 'debug', { group: 'a', image: DEBUG_IMAGE });
    const teamB = new Chart(app, 'team-b', { namespace: 'shop' });
    expect(() => new HardenedDebugAccess(teamB, 'debug', { group: 'b', image: DEBUG_IMAGE })).toThrow(
      /^team-b\/debug: debug access "debug" in namespace "shop" is already emitted by team-a\/debug; .*give one of them another name/);
    new HardenedDebugAccess(teamB, 'other', { name: 'debug-b', group: 'b', image: DEBUG_IMAGE });
    new HardenedDebugAccess(teamB, 'elsewhere', { namespace: 'web', group: 'b', image: DEBUG_IMAGE });
    expect((Testing.synth(teamB) as KubeObject[]).map((o) => `${o.kind}/${o.metadata?.name}`).filter((n) => n.startsWith('Role/'))).toEqual(['Role/debug-b', 'Role/debug']);
  });

  test('two debug accesses of one namespace with different images are an error naming both construct paths, as no debug container could pass both policies', () => {
    const app = Testing.app();
    new HardenedDebugAccess(new Chart(app, 'team-a', { namespace: 'shop' }), 'debug', { name: 'team-a', group: 'a', image: DEBUG_IMAGE });
    const teamB = new Chart(app, 'team-b', { namespace: 'shop' });
    const otherImage = DEBUG_IMAGE.replace(/d{64}$/, 'e'.repeat(64));
    expect(() => new HardenedDebugAccess(teamB, 'debug', { name: 'team-b', group: 'b', image: otherImage })).toThrow(new RegExp(
      `^team-b/debug: debug access "team-b" in namespace "shop" admits the debug image ${otherImage.replace(/[.]/g, '\\.')}, but team-a/debug emits debug access "team-a" there, admitting ${DEBUG_IMAGE.replace(/[.]/g, '\\.')}: ` +
      'each admission policy judges every ephemeral container added in the namespace.*give every debug access of a namespace the same image'));
    // One image for both groups, each with its own user, or another image in another namespace, is fine.
    new HardenedDebugAccess(teamB, 'same-image', { name: 'team-b', group: 'b', image: DEBUG_IMAGE, runAsUser: 1000 });
    new HardenedDebugAccess(teamB, 'elsewhere', { namespace: 'web', group: 'b', image: otherImage });
  });
});
