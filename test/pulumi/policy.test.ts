import { dirname, join } from 'node:path';
import type { ResourceValidationPolicy, StackValidationPolicy } from '@pulumi/policy';
import * as pulumi from '@pulumi/pulumi';
import { analyze, analyzeStack, deploymentProps, remediate, secret, UNKNOWN, urnOf, type ResourceInput } from './analyzer';
import { evaluate, resolveConfig, rulesFor } from '../../src/engine';
import { baselineFromReport } from '../../src/engine/baseline';
import { buildNamespace } from '../../src/model/companions';
import { HardpodError } from '../../src/model/errors';
import type { KubeObject } from '../../src/model/kube-object';
import { buildDeployment } from '../../src/model/workloads';
import { CONFIG_POLICY, hardpodPolicies, NOT_CHECKED_POLICY, remediableRuleIds } from '../../src/pulumi/policy';
import { RULES } from '../../src/rules';
import { vulnerableDebianImageFacts, writeLockFile } from '../fixtures/lock-file';
import { keyPair, signatureKey } from '../images/signing-keys';

const DIGEST = `sha256:${'a'.repeat(64)}`;
const IMAGE = `ghcr.io/acme/web@${DIGEST}`;

function typeOf(object: KubeObject): string {
  const [group, version] = object.apiVersion.includes('/') ? object.apiVersion.split('/') : ['core', object.apiVersion];
  return `kubernetes:${group}/${version}:${object.kind}`;
}

function resource(object: KubeObject, name = String(object.metadata?.name)): ResourceInput {
  return { type: typeOf(object), name, props: object as unknown as Record<string, unknown> };
}

/** A Deployment as a Helm v4 chart or yaml.v2.ConfigFile registers it: a plain typed child resource. */
function deployment(container: Record<string, unknown>, pod: Record<string, unknown> = {}): ResourceInput {
  return { type: 'kubernetes:apps/v1:Deployment', name: 'shop:shop/web', props: deploymentProps(container, pod, IMAGE) };
}

const hardened = buildDeployment({ name: 'web', namespace: 'shop', image: IMAGE, port: 8080 }, { where: 'test' });

describe('hardpodPolicies: one policy per rule', () => {
  test('every rule of the level becomes a policy named after it, cross-object rules as stack policies', () => {
    for (const level of ['baseline', 'restricted', 'hardened'] as const) {
      const policies = hardpodPolicies({ config: { level } });
      const expected = rulesFor(resolveConfig({ level }));
      expect(policies.map((p) => p.name)).toEqual([...expected.map((r) => r.id), NOT_CHECKED_POLICY]);
      for (const rule of expected) {
        const policy = policies.find((p) => p.name === rule.id)!;
        // A pod rule that other objects may change (resources, by a LimitRange) sees the whole stack too.
        const onStack = rule.scope === 'input' || (rule.scope === 'pod' && rule.readsInput === true);
        expect('validateStack' in policy).toBe(onStack);
        expect('validateResource' in policy).toBe(!onStack);
      }
    }
    expect(hardpodPolicies({ config: { level: 'baseline' } }).length).toBeLessThan(hardpodPolicies().length);
  });

  test('severity, enforcement and framework metadata come from the config and the rule', () => {
    const policies = hardpodPolicies({
      config: { enforcement: 'warn', rules: { 'privileged': { severity: 'low', enforcement: 'deny' }, 'run-as-user': { enabled: false } } },
    });
    const privileged = policies.find((p) => p.name === 'privileged')!;
    const rule = RULES.find((r) => r.id === 'privileged')!;
    expect(privileged.severity).toBe('low');
    expect(privileged.enforcementLevel).toBe('mandatory');
    expect(privileged.remediationSteps).toBe(rule.remediation);
    expect(privileged.framework?.name).toBe(rule.controls[0]?.framework === 'Pod Security Standards' ? 'Pod Security Standards' : privileged.framework?.name);
    for (const control of rule.controls) expect(privileged.tags!.some((t) => t.endsWith(`-${control.edition}:${control.id}`))).toBe(true);
    const other = policies.find((p) => p.name === 'run-as-non-root')!;
    expect(other.enforcementLevel).toBe('advisory');
    expect(other.severity).toBe(RULES.find((r) => r.id === 'run-as-non-root')!.severity);
    expect(policies.some((p) => p.name === 'run-as-user')).toBe(false);
  });

  test('config mistakes fail when the pack starts, naming what is wrong', () => {
    expect(() => hardpodPolicies({ config: { level: 'strict' as never } })).toThrow(HardpodError);
    expect(() => hardpodPolicies({ config: { level: 'strict' as never } })).toThrow(/unknown level "strict"/);
    expect(() => hardpodPolicies({ remediate: ['image-digest'] })).toThrow(/image-digest cannot be remediated/);
    expect(() => hardpodPolicies({ remediate: ['no-such-rule'] })).toThrow(/unknown or disabled rule id "no-such-rule"/);
  });

  test('options a plain JavaScript pack gets wrong fail when the pack starts, instead of being ignored', () => {
    expect(() => hardpodPolicies({ remediation: true } as never)).toThrow(/hardpodPolicies: unknown option "remediation".*remediate/);
    expect(() => hardpodPolicies({ remediate: 'privileged' as never })).toThrow(/remediate must be true, false or a list of rule ids \(got "privileged"\)/);
    expect(() => hardpodPolicies({ notCheckedEnforcement: 'deny' as never })).toThrow(/notCheckedEnforcement must be one of advisory, mandatory, disabled/);
    expect(() => hardpodPolicies({ lockFile: true } as never)).toThrow(/lockFile must be the path of a lock file \(got true\)/);
    expect(() => hardpodPolicies('restricted' as never)).toThrow(HardpodError);
    // The hardening settings a remediation writes into every stack's workloads.
    expect(() => hardpodPolicies({ remediate: true, hardening: { resource: {} } as never })).toThrow(/hardpodPolicies: unknown setting "hardening.resource"/);
    expect(() => hardpodPolicies({ remediate: true, hardening: { resources: { requests: { memory: 'lots' } } } })).toThrow(/hardening.resources.requests.memory "lots" is not a quantity/);
    // A pack that does not catch it: reported as Pulumi reports a failed check, the message alone, no stack trace.
    let thrown: unknown;
    try {
      hardpodPolicies({ config: { level: 'strict' as never } });
    } catch (error) {
      thrown = error;
    }
    expect(pulumi.RunError.isInstance(thrown)).toBe(true);
  });
});

describe('config overrides of rules the pack does not run', () => {
  test('are each said once per stack analysis, by an advisory hardpod-config policy naming the key and why', async () => {
    const rules = {
      'privileged': { severity: 'high' as const },
      'well-formed-objects': { severity: 'low' as const },
      'image-digest': { enforcement: 'warn' as const },
      'host-probes-and-host-lifecycle': { severity: 'low' as const },
      'run-as-non-root': { enabled: false },
    };
    const config = { edition: 1, level: 'baseline' as const, kubernetesVersion: '1.30', rules };
    const found = (await analyzeStack(hardpodPolicies({ config }), [deployment({})])).filter((d) => d.policy === CONFIG_POLICY);
    expect(found.map((d) => [d.enforcement, d.urn, d.message.split('\n').pop()])).toEqual([
      ['advisory', '', 'hardpodPolicies config.rules.well-formed-objects: the override of well-formed-objects has no effect, as the rule does not run: it came in rule-set edition 2, and the config pins edition 1'],
      ['advisory', '', 'hardpodPolicies config.rules.image-digest: the override of image-digest has no effect, as the rule does not run: it is in level hardened, and this run checks level baseline'],
      ['advisory', '', 'hardpodPolicies config.rules.host-probes-and-host-lifecycle: the override of host-probes-and-host-lifecycle has no effect, as the rule does not run: it applies from Kubernetes 1.34, and this run judges 1.30'],
    ]);
    // No resource policy says it again.
    expect((await analyze(hardpodPolicies({ config }), deployment({}))).map((d) => d.message).join('\n')).not.toContain('has no effect');
    // A pack whose overrides all apply has no such policy.
    expect(hardpodPolicies({ config: { level: 'baseline', rules: { privileged: { severity: 'high' } } } }).map((p) => p.name)).not.toContain(CONFIG_POLICY);
  });
});

describe('resource policies through the analyzer', () => {
  const policies = hardpodPolicies();

  test('a hardened Deployment and its companions raise no single-object violation', async () => {
    for (const object of hardened.objects) {
      const found = await analyze(policies, resource(object));
      expect(found.filter((d) => d.enforcement === 'mandatory')).toEqual([]);
    }
  });

  test('a privileged container fails the privileged policy with the field and the remediation', async () => {
    const found = await analyze(policies, deployment({ securityContext: { privileged: true } }));
    const privileged = found.filter((d) => d.policy === 'privileged');
    expect(privileged).toHaveLength(1);
    expect(privileged[0].enforcement).toBe('mandatory');
    expect(privileged[0].message).toContain('Deployment shop/web');
    expect(privileged[0].message).toContain('spec.template.spec.containers[0].securityContext.privileged');
    expect(privileged[0].message).toContain('Remediation:');
  });

  test('enforcement warn reports the same violation as advisory', async () => {
    const found = await analyze(hardpodPolicies({ config: { enforcement: 'warn' } }), deployment({ securityContext: { privileged: true } }));
    expect(found.filter((d) => d.policy === 'privileged').map((d) => d.enforcement)).toEqual(['advisory']);
  });

  test('a value unknown during preview is reported as unknown (advisory, naming the field), never as a pass', async () => {
    const found = await analyze(policies, deployment({ securityContext: { privileged: UNKNOWN } }));
    const privileged = found.filter((d) => d.policy === 'privileged');
    expect(privileged).toHaveLength(1);
    expect(privileged[0].enforcement).toBe('advisory');
    expect(privileged[0].message).toMatch(/can't run policy 'privileged'.*during preview/);
    expect(privileged[0].message).toContain('spec.template.spec.containers[0].securityContext.privileged');
    expect(privileged[0].message).toContain('outcome unknown');
  });

  test('a namespace or name from a resource not created yet is said to be not known yet, not shown as Pulumi\'s marker', async () => {
    const props = deploymentProps({ securityContext: { privileged: true } }, {}, IMAGE) as { metadata: Record<string, unknown> };
    props.metadata.namespace = UNKNOWN;
    const found = await analyze(policies, { type: 'kubernetes:apps/v1:Deployment', name: 'web', props });
    expect(found.find((d) => d.policy === 'privileged')?.message).toContain('Deployment (namespace not known yet)/web at spec.template.spec.containers[0]');
    props.metadata.name = UNKNOWN;
    const unnamed = await analyze(policies, { type: 'kubernetes:apps/v1:Deployment', name: 'web', props });
    expect(unnamed.find((d) => d.policy === 'privileged')?.message).toContain('Deployment (namespace not known yet)/(name not known yet) at');
    for (const d of [...found, ...unnamed]) expect(d.message).not.toContain(UNKNOWN);
  });

  test('an outcome the resource\'s own fields cannot settle (no namespace) says so, not that the update checks it again', async () => {
    const props = deploymentProps({}, {}, IMAGE) as { metadata: Record<string, unknown> };
    delete props.metadata.namespace;
    const found = await analyze(policies, { type: 'kubernetes:apps/v1:Deployment', name: 'web', props });
    const namespace = found.filter((d) => d.policy === 'not-default-namespace');
    expect(namespace.map((d) => d.enforcement)).toEqual(['advisory']);
    expect(namespace[0].message).toContain('the workload names no namespace');
    expect(namespace[0].message).not.toContain('not known during preview');
    expect(namespace[0].message).toContain('the update cannot tell either');
  });

  test.each([
    ['a container securityContext', deployment({ securityContext: UNKNOWN })],
    ['capabilities', deployment({ securityContext: { capabilities: UNKNOWN } })],
    ['the pod securityContext', deployment({}, { securityContext: UNKNOWN })],
    ['the volumes', deployment({}, { volumes: UNKNOWN })],
    ['one volume', deployment({}, { volumes: [UNKNOWN] })],
  ])('%s unknown during preview is unknown (advisory) for the policies that read below it, never a pass', async (_what, workload) => {
    const found = await analyze(hardpodPolicies({ config: { level: 'baseline' } }), workload);
    for (const policy of ['privileged', 'capabilities-baseline', 'host-path-volumes', 'seccomp-profile-baseline']) {
      expect(found.filter((d) => d.policy === policy).map((d) => d.enforcement)).toEqual(['advisory']);
    }
    expect(found.find((d) => d.policy === 'privileged')?.message).toMatch(/can't run policy 'privileged'.*outcome unknown/s);
  });

  test('the same resource asked again with other values is judged again, not answered from the last time', async () => {
    // As `pulumi up` asks: in preview with a value unknown, then with it known; each policy gets its own copy.
    const pack = hardpodPolicies();
    const privilegedOf = async (value: unknown): Promise<string[]> =>
      (await analyze(pack, deployment({ securityContext: { privileged: value } }))).filter((d) => d.policy === 'privileged').map((d) => d.enforcement);
    expect(await privilegedOf(UNKNOWN)).toEqual(['advisory']);
    expect(await privilegedOf(true)).toEqual(['mandatory']);
    expect(await privilegedOf(true)).toEqual(['mandatory']);
    expect(await privilegedOf(false)).toEqual([]);
    // A change deep in a list, and the same values with their keys in another order.
    const withPorts = (ports: Record<string, unknown>[]) => deployment({ ports, securityContext: { privileged: true } });
    expect((await analyze(pack, withPorts([{ containerPort: 8080 }]))).filter((d) => d.policy === 'host-ports')).toEqual([]);
    expect((await analyze(pack, withPorts([{ containerPort: 8080, hostPort: 8080 }]))).filter((d) => d.policy === 'host-ports').map((d) => d.enforcement)).toEqual(['mandatory']);
    expect((await analyze(pack, withPorts([{ hostPort: 8080, containerPort: 8080 }]))).filter((d) => d.policy === 'host-ports').map((d) => d.enforcement)).toEqual(['mandatory']);
  });

  test('an unknown image reference is unknown for the image rules, while known fields are still judged', async () => {
    const found = await analyze(policies, deployment({ image: UNKNOWN, securityContext: { privileged: true } }));
    expect(found.find((d) => d.policy === 'image-digest')?.enforcement).toBe('advisory');
    expect(found.find((d) => d.policy === 'privileged')?.enforcement).toBe('mandatory');
  });

  test('image facts from a named lock file reach the image rules, as in hardpod check and cdk8s', async () => {
    const lockFile = writeLockFile({ 'ghcr.io/acme/web:1.0': { digest: DIGEST, facts: { uid: 0, gid: 0 } } });
    // The image's user is root and nothing sets runAsUser: the kubelet would refuse to start it.
    const rootImage = deployment({}, { securityContext: { runAsNonRoot: true } });
    const withLock = await analyze(hardpodPolicies({ lockFile }), rootImage);
    expect(withLock.filter((d) => d.policy === 'image-non-root-user').map((d) => d.enforcement)).toEqual(['mandatory']);
    const withoutLock = await analyze(policies, rootImage);
    expect(withoutLock.filter((d) => d.policy === 'image-non-root-user')).toEqual([]);
    // A user set in the pod answers the rule whatever the image says.
    const withUser = await analyze(hardpodPolicies({ lockFile }), deployment({}, { securityContext: { runAsNonRoot: true, runAsUser: 10001 } }));
    expect(withUser.filter((d) => d.policy === 'image-non-root-user')).toEqual([]);
    expect(() => hardpodPolicies({ lockFile: join(dirname(lockFile), 'missing.json') })).toThrow(/missing\.json: lock file not found/);
  });

  test('the vulnerability gate and approved base images judge the lock file\'s facts, as hardpod check and cdk8s do', async () => {
    const release = keyPair();
    const lockFile = writeLockFile({ 'ghcr.io/acme/web:1.0': { digest: DIGEST, facts: vulnerableDebianImageFacts(signatureKey('release', release).fingerprint) } });
    const pack = hardpodPolicies({
      config: { hardened: { approvedBaseImages: ['cgr.dev/chainguard'] }, images: { signatures: { keys: [{ name: 'release', publicKey: release.publicPem }] }, vulnerabilities: {} } },
      lockFile,
    });
    const found = await analyze(pack, deployment({}, { securityContext: { runAsNonRoot: true } }));
    const gated = found.filter((d) => d.policy === 'image-vulnerabilities' || d.policy === 'image-approved-base');
    expect(gated.map((d) => `${d.policy} ${d.enforcement}`)).toEqual(['image-approved-base mandatory', 'image-vulnerabilities mandatory']);
    expect(gated[1].message).toMatch(/CVE-2024-0001 \(critical, fix available\)/);
    // Without the gate in the config, the same facts fail neither.
    const plain = await analyze(hardpodPolicies({ lockFile }), deployment({}, { securityContext: { runAsNonRoot: true } }));
    expect(plain.filter((d) => d.policy === 'image-vulnerabilities' || d.policy === 'image-approved-base')).toEqual([]);
  });

  test('objects inside a helm.v3.Release are reported as not checkable, pointing at helm.v4.Chart', async () => {
    const found = await analyze(policies, { type: 'kubernetes:helm.sh/v3:Release', name: 'redis', props: { chart: 'redis', values: {} } });
    expect(found).toHaveLength(1);
    expect(found[0].policy).toBe(NOT_CHECKED_POLICY);
    expect(found[0].message).toContain('helm.v4.Chart');
    expect(found[0].enforcement).toBe('advisory');
  });

  test('a custom kind holding a pod template is reported as not checked, not passed', async () => {
    const found = await analyze(policies, {
      type: 'kubernetes:example.com/v1:Worker',
      name: 'w',
      props: { apiVersion: 'example.com/v1', kind: 'Worker', metadata: { name: 'w' }, spec: { template: { spec: { containers: [{ name: 'c', image: IMAGE }] } } } },
    });
    expect(found.map((d) => d.policy)).toEqual([NOT_CHECKED_POLICY]);
  });

  test('an object no mapping can express (a Prometheus) is reported as not checked until a not-checked suppression acknowledges it', async () => {
    const reason = 'the operator-made StatefulSet is checked from the cluster, SEC-7';
    const prometheus = (annotations?: Record<string, string>): ResourceInput => ({
      type: 'kubernetes:monitoring.coreos.com/v1:Prometheus',
      name: 'k8s',
      props: {
        apiVersion: 'monitoring.coreos.com/v1',
        kind: 'Prometheus',
        metadata: { name: 'k8s', namespace: 'monitoring', ...(annotations ? { annotations } : {}) },
        spec: {
          replicas: 2,
          securityContext: { runAsNonRoot: true, runAsUser: 1000, fsGroup: 2000 },
          containers: [{ name: 'config-reloader', securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true } }],
        },
      },
    });
    const mandatory = hardpodPolicies({ notCheckedEnforcement: 'mandatory' });
    const found = await analyze(mandatory, prometheus());
    expect(found.map((d) => `${d.policy}/${d.enforcement}`)).toEqual([`${NOT_CHECKED_POLICY}/mandatory`]);
    expect(found[0].message).toContain('Prometheus monitoring/k8s: kind monitoring.coreos.com/v1/Prometheus is not a known workload kind');
    expect(await analyze(mandatory, prometheus({ 'hardpod.dev/suppress.not-checked': reason }))).toEqual([]);
    const suppression = { rule: 'not-checked', kind: 'Prometheus', namespace: 'monitoring', name: 'k8s', reason };
    expect(await analyze(hardpodPolicies({ notCheckedEnforcement: 'mandatory', config: { suppressions: [suppression] } }), prometheus())).toEqual([]);
    expect(() => hardpodPolicies({ config: { forbidSuppressions: true, suppressions: [suppression] } })).toThrow(/forbidden/);
  });

  test('a Knative Service is named with its API group, as every report names it, apart from a core Service of its name', async () => {
    const knative: ResourceInput = {
      type: 'kubernetes:serving.knative.dev/v1:Service',
      name: 'hello',
      props: {
        apiVersion: 'serving.knative.dev/v1',
        kind: 'Service',
        metadata: { name: 'hello', namespace: 'shop' },
        spec: { template: { spec: { containers: [{ image: IMAGE, securityContext: { privileged: true } }] } } },
      },
    };
    const found = await analyze(hardpodPolicies(), knative);
    expect(found.find((d) => d.policy === 'privileged')!.message).toMatch(/^Service\.serving\.knative\.dev shop\/hello at spec.template.spec.containers\[0\]/m);
  });

  test('non-Kubernetes resources and Helm v4 / yaml v2 components themselves are not judged', async () => {
    expect(await analyze(policies, { type: 'random:index/randomPet:RandomPet', name: 'p', props: { length: 2 } })).toEqual([]);
    expect(await analyze(policies, { type: 'kubernetes:helm.sh/v4:Chart', name: 'c', props: { chart: 'x' } })).toEqual([]);
    expect(await analyze(policies, { type: 'kubernetes:yaml/v2:ConfigFile', name: 'f', props: { file: 'app.yaml' } })).toEqual([]);
  });
});

describe('remediation with harden()', () => {
  const policies = hardpodPolicies({ remediate: true });

  test('every rule a secure default names is a rule of the catalogue, so its policy can remediate', () => {
    const catalogue = new Set(RULES.map((r) => r.id));
    for (const id of remediableRuleIds()) expect(catalogue.has(id) ? id : `${id} (not in the catalogue)`).toBe(id);
  });

  test('remediate: true covers every rule a secure default satisfies, and only those', () => {
    const remediable = remediableRuleIds();
    for (const policy of policies) {
      const isRemediating = policy.enforcementLevel === 'remediate';
      expect(isRemediating).toBe(remediable.has(policy.name) && 'validateResource' in policy);
      expect(isRemediating).toBe((policy as ResourceValidationPolicy).remediateResource !== undefined);
    }
    expect(policies.filter((p) => p.enforcementLevel === 'remediate').length).toBeGreaterThan(3);
  });

  test('the rewritten inputs pass validation, and secrets stay secret', async () => {
    const input = deployment(
      { securityContext: { privileged: true, allowPrivilegeEscalation: true }, env: [{ name: 'TOKEN', value: secret('s3cr3t') }] },
      { hostNetwork: true },
    );
    const remediations = await remediate(policies, input);
    expect(remediations.map((r) => r.policy)).toEqual(expect.arrayContaining(['privileged', 'allow-privilege-escalation']));
    const final = remediations[remediations.length - 1].properties!;
    const spec = (final.spec as any).template.spec;
    expect(spec.containers[0].securityContext.privileged).toBe(false);
    expect(spec.containers[0].securityContext.allowPrivilegeEscalation).toBe(false);
    expect(spec.containers[0].env[0].value).toEqual(secret('s3cr3t'));
    const after = await analyze(hardpodPolicies(), { ...input, props: final });
    for (const id of policies.filter((p) => p.enforcementLevel === 'remediate').map((p) => p.name)) {
      expect(after.filter((d) => d.policy === id && d.enforcement === 'mandatory')).toEqual([]);
    }
  });

  test('each policy rewrites only what its rule needs', async () => {
    const only = hardpodPolicies({ remediate: ['privileged'] });
    const [remediation] = await remediate(only, deployment({ securityContext: { privileged: true, allowPrivilegeEscalation: true } }));
    expect(remediation.policy).toBe('privileged');
    const sc = (remediation.properties!.spec as any).template.spec.containers[0].securityContext;
    expect(sc).toEqual({ privileged: false, allowPrivilegeEscalation: true });
  });

  test('nothing under a value unknown during preview is rewritten', async () => {
    const remediations = await remediate(hardpodPolicies({ remediate: ['privileged'] }), deployment({ securityContext: UNKNOWN }));
    expect(remediations).toEqual([]);
  });
});

describe('cross-object rules as stack policies', () => {
  const policies = hardpodPolicies().filter((p): p is StackValidationPolicy => 'validateStack' in p);

  test('a workload no NetworkPolicy covers fails network-policy when the platform\'s policies are declared, and is unknown otherwise', async () => {
    expect(policies.some((p) => p.name === 'network-policy')).toBe(true);
    const workload = resource(hardened.workload as unknown as KubeObject);
    const declared = hardpodPolicies({ config: { cluster: { networkPolicies: [] } } }).filter((p) => 'validateStack' in p);
    const violations = (await analyzeStack(declared, [workload])).filter((d) => d.policy === 'network-policy');
    expect(violations).toHaveLength(1);
    expect(violations[0].enforcement).toBe('mandatory');
    expect(violations[0].urn).toContain('::web');
    expect(violations[0].message).toContain('no NetworkPolicy');

    const undeclared = (await analyzeStack(policies, [workload])).filter((d) => d.policy === 'network-policy');
    expect(undeclared).toHaveLength(1);
    expect(undeclared[0].enforcement).toBe('advisory');
    expect(undeclared[0].message).toContain('outcome unknown');
    expect(undeclared[0].message).toContain('cluster context');

    const covered = await analyzeStack(declared, hardened.objects.map((o) => resource(o)));
    expect(covered.filter((d) => d.policy === 'network-policy')).toEqual([]);
  });

  test('a stack deploying to two clusters (two providers) is judged per cluster: objects in one do not cover a workload in the other', async () => {
    const declared = hardpodPolicies({ config: { cluster: { networkPolicies: [] } } }).filter((p) => 'validateStack' in p);
    const [clusterA, clusterB] = ['cluster-a', 'cluster-b'].map((name) => `urn:pulumi:dev::app::pulumi:providers:kubernetes::${name}`);
    const inA = [...buildNamespace({ name: 'shop' }).objects, ...hardened.objects].map((o) => ({ ...resource(o), provider: clusterA }));
    const inB = { ...resource(hardened.workload as unknown as KubeObject, 'web-b'), provider: clusterB };
    expect((await analyzeStack(declared, inA)).filter((d) => d.enforcement !== 'advisory')).toEqual([]);

    const found = await analyzeStack(declared, [...inA, inB]);
    const coverage = found.filter((d) => d.policy === 'network-policy');
    expect(coverage.map((d) => [d.enforcement, d.urn])).toEqual([['mandatory', urnOf('kubernetes:apps/v1:Deployment', 'web-b')]]);
    const labels = found.filter((d) => d.policy === 'namespace-psa-labels');
    expect(labels.map((d) => d.enforcement)).toEqual(['advisory']);
    expect(labels[0].message).toContain('the Namespace "shop" is not in the input');
  });
});

describe('values not known yet in objects other than pod specs', () => {
  const RBAC = 'rbac.authorization.k8s.io/v1';
  const namespace = (labels: unknown): ResourceInput =>
    ({ type: 'kubernetes:core/v1:Namespace', name: 'shop', props: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels } } });
  const role = (rules: unknown): ResourceInput =>
    ({ type: `kubernetes:${RBAC}:Role`, name: 'reader', props: { apiVersion: RBAC, kind: 'Role', metadata: { name: 'reader', namespace: 'shop' }, rules } });
  const binding: ResourceInput = {
    type: `kubernetes:${RBAC}:RoleBinding`,
    name: 'web-reader',
    props: {
      apiVersion: RBAC,
      kind: 'RoleBinding',
      metadata: { name: 'web-reader', namespace: 'shop' },
      subjects: [{ kind: 'ServiceAccount', name: 'web', namespace: 'shop' }],
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'reader' },
    },
  };
  const workload = hardened.objects.map((o) => resource(o));
  const resourcePolicies = hardpodPolicies();
  const stackPolicies = hardpodPolicies({ config: { cluster: { complete: true } } });
  const outcomes = (found: readonly { policy: string; enforcement: string }[], policy: string): string[] =>
    found.filter((d) => d.policy === policy).map((d) => d.enforcement);

  test('a Role whose rules are not known in preview is unknown (advisory) for the Role\'s own policies, not passed', async () => {
    const found = await analyze(resourcePolicies, role(UNKNOWN));
    for (const policy of ['rbac-no-wildcards', 'rbac-no-escalate']) {
      expect(outcomes(found, policy)).toEqual(['advisory']);
      expect(found.find((d) => d.policy === policy)?.message).toMatch(/can't run policy .* during preview.*Role shop\/reader rules .*outcome unknown.*rules is not known yet/s);
    }
    // Once known, the update judges the rules.
    expect(outcomes(await analyze(resourcePolicies, role([{ apiGroups: [''], resources: ['*'], verbs: ['get'] }])), 'rbac-no-wildcards')).toEqual(['mandatory']);
  });

  test('a binding to a Role whose rules are not known in preview is unknown for rbac-no-secret-read, not passed', async () => {
    const found = await analyzeStack(stackPolicies, [...workload, namespace({ 'pod-security.kubernetes.io/enforce': 'restricted' }), role(UNKNOWN), binding]);
    expect(outcomes(found, 'rbac-no-secret-read')).toEqual(['advisory']);
    expect(found.find((d) => d.policy === 'rbac-no-secret-read')?.message).toContain('Role shop/reader rules is not known yet');
    const granted = await analyzeStack(stackPolicies, [...workload, namespace({ 'pod-security.kubernetes.io/enforce': 'restricted' }), role([{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }]), binding]);
    expect(outcomes(granted, 'rbac-no-secret-read')).toEqual(['mandatory']);
  });

  test('a Namespace whose labels are not known in preview is unknown for namespace-psa-labels, not a failure', async () => {
    const found = await analyzeStack(stackPolicies, [...workload, namespace(UNKNOWN)]);
    expect(outcomes(found, 'namespace-psa-labels')).toEqual(['advisory']);
    const message = found.find((d) => d.policy === 'namespace-psa-labels')?.message;
    expect(message).toContain('Namespace shop metadata.labels is not known yet');
    // The update knows the labels: nothing to declare in the cluster context.
    expect(message).toContain('the value is not known during preview, and the update checks it again');
    expect(message).not.toContain('cluster context');
    expect(outcomes(await analyzeStack(stackPolicies, [...workload, namespace({})]), 'namespace-psa-labels')).toEqual(['mandatory']);
    expect(outcomes(await analyzeStack(stackPolicies, [...workload, namespace({ 'pod-security.kubernetes.io/enforce': 'restricted' })]), 'namespace-psa-labels')).toEqual([]);
  });
});

describe('what the pack leaves as written', () => {
  const suppressedWorkload = () => buildDeployment({
    name: 'legacy',
    namespace: 'shop',
    image: IMAGE,
    port: 8080,
    readOnlyRootFilesystem: false,
    annotations: { 'hardpod.dev/suppress.read-only-root-filesystem': 'writes /var/lib/x; SHOP-123' },
  }, { where: 'test' }).workload as unknown as KubeObject;

  test('remediation rewrites only rules that fail: suppressed, baselined and config-allowed settings stay', async () => {
    const legacy = resource(suppressedWorkload(), 'legacy');
    expect(await remediate(hardpodPolicies({ remediate: true }), legacy)).toEqual([]);

    const unannotated = structuredClone(legacy.props) as any;
    delete unannotated.metadata.annotations;
    const suppressions = [{ rule: 'read-only-root-filesystem', kind: 'Deployment', namespace: 'shop', name: 'legacy', reason: 'writes /var/lib/x' }];
    expect(await remediate(hardpodPolicies({ config: { suppressions }, remediate: true }), { ...legacy, props: unannotated })).toEqual([]);
    // Without the suppression the same setting is rewritten.
    expect((await remediate(hardpodPolicies({ remediate: true }), { ...legacy, props: unannotated })).map((r) => r.policy)).toEqual(['read-only-root-filesystem']);

    const noCpuLimit = buildDeployment({ name: 'web', namespace: 'shop', image: IMAGE, port: 8080, resources: { limits: { cpu: false } } }, { where: 'test' });
    const web = resource(noCpuLimit.workload as unknown as KubeObject);
    expect(await remediate(hardpodPolicies({ config: { hardened: { requireCpuLimit: false } }, remediate: true }), web)).toEqual([]);
    expect((await remediate(hardpodPolicies({ remediate: true }), web)).map((r) => r.policy)).toEqual(['resources']);
  });

  test('findings the config\'s baseline accepts are neither violations nor remediated, as in hardpod check', async () => {
    const privileged = deployment({ securityContext: { privileged: true } });
    const report = evaluate([{ object: privileged.props as unknown as KubeObject, source: { file: 'x.yaml' } }], {});
    const baseline = baselineFromReport(report).findings;
    expect(await analyze(hardpodPolicies({ config: { baseline } }), privileged)).toEqual([]);
    expect(await remediate(hardpodPolicies({ config: { baseline }, remediate: true }), privileged)).toEqual([]);
    // A new finding outside the baseline still blocks.
    const worse = deployment({ securityContext: { privileged: true } }, { hostNetwork: true });
    expect((await analyze(hardpodPolicies({ config: { baseline } }), worse)).map((d) => `${d.policy}/${d.enforcement}`)).toEqual(['host-namespaces/mandatory']);
  });

  test('patch resources are reported as not checked, never judged as whole objects or remediated', async () => {
    const props = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'shop', annotations: { 'pulumi.com/patchForce': 'true' } },
      spec: { template: { spec: { containers: [{ name: 'main', image: IMAGE }] } } },
    };
    const patch = { type: 'kubernetes:apps/v1:DeploymentPatch', name: 'bump-web', props };
    const found = await analyze(hardpodPolicies(), patch);
    expect(found.map((d) => `${d.policy}/${d.enforcement}`)).toEqual([`${NOT_CHECKED_POLICY}/advisory`]);
    expect(found[0].message).toMatch(/kubernetes:apps\/v1:DeploymentPatch bump-web: a patch changes only some fields/);
    expect(await analyze(hardpodPolicies(), { ...patch, props: { ...props, spec: { replicas: 5 } } })).toHaveLength(1);
    expect(await remediate(hardpodPolicies({ remediate: true }), patch)).toEqual([]);
    // Patches of objects without pods say nothing.
    expect(await analyze(hardpodPolicies(), { type: 'kubernetes:core/v1:ConfigMapPatch', name: 'c', props: { apiVersion: 'v1', kind: 'ConfigMap', data: { a: 'b' } } })).toEqual([]);
  });
});

describe('values that may be secret in violation messages', () => {
  // @pulumi/policy unwraps secrets before a policy reads the properties, with no mark left: the pack
  // cannot tell a secret image, env value or argument from a plain one, so it quotes none of them.
  const messages = async (policies: ReturnType<typeof hardpodPolicies>, input: ResourceInput): Promise<string> =>
    (await analyze(policies, input)).map((d) => d.message).join('\n');

  test('a secret image reference is shown as [secret], never quoted, while the container is still named', async () => {
    const found = await analyze(hardpodPolicies(), deployment({ image: secret('private.example/s3cr3t-app:1.0') }));
    const digest = found.find((d) => d.policy === 'image-digest');
    expect(digest?.enforcement).toBe('mandatory');
    expect(digest?.message).toContain('container "web" image [secret] is not pinned by digest');
    const registries = await messages(hardpodPolicies({ config: { hardened: { allowedRegistries: ['ghcr.io/acme'] } } }), deployment({ image: secret(`docker.io/s3cr3t/nginx@${DIGEST}`) }));
    expect(registries).toContain('image [secret] is');
    for (const text of [found.map((d) => d.message).join('\n'), registries]) expect(text).not.toContain('s3cr3t');
  });

  test('no part of a malformed secret image reference is quoted', async () => {
    const text = await messages(hardpodPolicies(), deployment({ image: secret('private.example/S3CR3T-App:1.0') }));
    expect(text).toContain('invalid image reference [secret]');
    expect(text).not.toMatch(/s3cr3t/i);
  });

  test('secret env values and arguments of the wrong type are not quoted in the shape problem', async () => {
    const text = await messages(hardpodPolicies(), deployment({
      args: secret('--token=s3cr3t-arg'),
      env: [{ name: 'PIN', value: secret(4711) }],
      readinessProbe: { exec: { command: secret('check --password=s3cr3t-probe') } },
    }));
    expect(text).toContain('args must be a list, got a string ([secret])');
    expect(text).toContain('value must be a string, got a number ([secret])');
    expect(text).not.toMatch(/s3cr3t|4711/);
  });
});

describe('LimitRanges the stack creates', () => {
  const limitRange = (namespace: string, provider?: string): ResourceInput => ({
    type: 'kubernetes:core/v1:LimitRange',
    name: `defaults-${namespace}`,
    props: {
      apiVersion: 'v1',
      kind: 'LimitRange',
      metadata: { name: 'defaults', namespace },
      spec: { limits: [{ type: 'Container', default: { cpu: '500m', memory: '256Mi' }, defaultRequest: { cpu: '100m', memory: '128Mi' } }] },
    },
    ...(provider ? { provider } : {}),
  });
  // A container that sets no requests or limits, in namespace shop.
  const unbounded = (provider?: string): ResourceInput => ({ ...deployment({}), ...(provider ? { provider } : {}) });
  const verdicts = (found: readonly { policy: string; enforcement: string; urn: string }[]) =>
    found.filter((d) => d.policy === 'resources').map((d) => `${d.enforcement} ${d.urn.split('::').pop()}`);

  test('a LimitRange with defaults for the namespace bounds the containers that set none, as in hardpod check', async () => {
    const policies = hardpodPolicies();
    // One verdict, where the whole stack is seen: none for the resource alone, which cannot see the LimitRange.
    expect(verdicts(await analyze(policies, unbounded()))).toEqual([]);
    expect(verdicts(await analyzeStack(policies, [limitRange('shop'), unbounded()]))).toEqual([]);
    const alone = (await analyzeStack(policies, [unbounded()])).filter((d) => d.policy === 'resources');
    expect(verdicts(alone)).toEqual(['mandatory shop:shop/web']);
    expect(alone[0].message).toContain('Deployment shop/web at spec.template.spec.containers[0].resources: container "web" must set resources.requests.cpu');
    // A LimitRange of another namespace, or of another cluster, bounds nothing here.
    expect(verdicts(await analyzeStack(policies, [limitRange('other'), unbounded()]))).toEqual(['mandatory shop:shop/web']);
    const [a, b] = ['cluster-a', 'cluster-b'].map((name) => `urn:pulumi:dev::app::pulumi:providers:kubernetes::${name}`);
    expect(verdicts(await analyzeStack(policies, [limitRange('shop', a), unbounded(b)]))).toEqual(['mandatory shop:shop/web']);
    expect(verdicts(await analyzeStack(policies, [limitRange('shop', a), unbounded(a)]))).toEqual([]);
  });

  test('remediated, resources stays a resource policy: its rewrite bounds the container, whatever the stack holds', async () => {
    const remediating = hardpodPolicies({ remediate: ['resources'] });
    const policy = remediating.find((p) => p.name === 'resources') as ResourceValidationPolicy;
    expect(policy.remediateResource).toBeDefined();
    expect('validateStack' in policy).toBe(false);
    const [remediation] = await remediate(remediating, unbounded());
    expect((remediation.properties!.spec as any).template.spec.containers[0].resources.limits.memory).toBeDefined();
  });

  test('a request above the default limit the stack\'s LimitRange writes is refused, as the API server would', async () => {
    const greedy = { ...deployment({ resources: { requests: { cpu: '2', memory: '64Mi' } } }) };
    const found = (await analyzeStack(hardpodPolicies(), [limitRange('shop'), greedy])).filter((d) => d.policy === 'resources');
    expect(found.map((d) => d.enforcement)).toEqual(['mandatory']);
    expect(found[0].message).toContain('than the default limit ("500m") a LimitRange of its namespace writes for it');
  });
});

describe('a suppression annotation the engine refuses', () => {
  const privileged = { securityContext: { privileged: true } };
  const annotated = (annotations: Record<string, string>, container: Record<string, unknown> = privileged): ResourceInput => {
    const input = deployment(container);
    (input.props.metadata as Record<string, unknown>).annotations = annotations;
    return input;
  };
  const summary = (found: readonly { policy: string; enforcement: string }[]) => found.map((d) => `${d.policy}/${d.enforcement}`).sort();

  test('is a violation naming the resource and the annotation, never a failed policy run with a stack trace; it suppresses nothing', async () => {
    const found = await analyze(hardpodPolicies({ config: { level: 'baseline' } }), annotated({ 'hardpod.dev/suppress.privileged': '' }));
    expect(summary(found)).toEqual(['privileged/mandatory', 'privileged/mandatory']);
    const mistake = found.find((d) => d.message.includes('annotation'))!.message;
    expect(mistake).toContain('Deployment shop/web metadata.annotations["hardpod.dev/suppress.privileged"]: suppression of privileged needs a non-empty reason');
    expect(mistake).toContain('suppresses nothing');
    expect(mistake).not.toMatch(/\n\s+at /);
    // Remediation keeps the setting the annotation means to keep, and rewrites the rest.
    const remediations = await remediate(hardpodPolicies({ config: { level: 'baseline' }, remediate: true }), annotated({ 'hardpod.dev/suppress.privileged': '' }));
    expect(remediations.map((r) => r.policy)).not.toContain('privileged');
    // The other resource policies still judge the resource.
    expect(summary(await analyze(hardpodPolicies({ config: { level: 'baseline' } }), annotated({ 'hardpod.dev/suppress.privileged': '' }, { securityContext: { privileged: true }, ports: [{ containerPort: 80, hostPort: 80 }] }))))
      .toEqual(['host-ports/mandatory', 'privileged/mandatory', 'privileged/mandatory']);
  });

  test('an unknown rule id is reported by not-checked with the rule it may mean, and a forbidden one by its rule', async () => {
    const found = await analyze(hardpodPolicies({ config: { level: 'baseline' } }), annotated({ 'hardpod.dev/suppress.privilegd': 'legacy agent, SEC-9' }));
    expect(summary(found)).toEqual(['not-checked/advisory', 'privileged/mandatory']);
    expect(found.find((d) => d.policy === 'not-checked')!.message).toContain('unknown rule id "privilegd" (did you mean "privileged"?)');
    const forbidden = await analyze(hardpodPolicies({ config: { level: 'baseline', forbidSuppressions: true } }), annotated({ 'hardpod.dev/suppress.privileged': 'legacy agent, SEC-9' }));
    expect(summary(forbidden)).toEqual(['privileged/mandatory', 'privileged/mandatory']);
    expect(forbidden.map((d) => d.message).join('\n')).toContain('suppressions are forbidden by the config');
  });

  test('on an item of a List, is a violation naming the item\'s place and the annotation; the item\'s findings and its List\'s other items are judged', async () => {
    const item = (name: string, annotations?: Record<string, string>) => ({
      ...deploymentProps(privileged, {}, IMAGE), metadata: { name, namespace: 'shop', ...(annotations ? { annotations } : {}) },
    });
    const exported: ResourceInput = { type: 'kubernetes:core/v1:List', name: 'exported', props: { apiVersion: 'v1', kind: 'List', items: [item('web'), item('api', { 'hardpod.dev/suppress.privileged': '' })] } };
    const found = await analyze(hardpodPolicies({ config: { level: 'baseline' } }), exported);
    expect(summary(found)).toEqual(['privileged/mandatory', 'privileged/mandatory', 'privileged/mandatory']);
    const messages = found.map((d) => d.message).join('\n');
    expect(messages).toContain('items[1] (Deployment shop/api) metadata.annotations["hardpod.dev/suppress.privileged"]: suppression of privileged needs a non-empty reason');
    expect(messages).toContain('items[0] (Deployment shop/web) at spec.template.spec.containers[0].securityContext.privileged');
    expect(messages).toContain('items[1] (Deployment shop/api) at spec.template.spec.containers[0].securityContext.privileged');
    expect(messages).not.toMatch(/\n\s+at /);
  });

  test('stack policies judge the stack as well, and the annotation of a stack rule is reported there once', async () => {
    const policies = hardpodPolicies({ config: { cluster: { networkPolicies: [] } } });
    const found = await analyzeStack(policies, [annotated({ 'hardpod.dev/suppress.network-policy': ' ' }, {})]);
    const coverage = found.filter((d) => d.policy === 'network-policy');
    expect(coverage.map((d) => d.enforcement)).toEqual(['mandatory', 'mandatory']);
    expect(coverage.map((d) => d.message).join('\n')).toContain('suppression of network-policy needs a non-empty reason');
    expect(found.filter((d) => d.message.includes('annotation')).map((d) => d.policy)).toEqual(['network-policy']);
  });
});

describe('typed lists (DeploymentList ...) and objects the engine cannot read', () => {
  // @pulumi/kubernetes' list resources take their items without apiVersion and kind, which the list's kind implies.
  const item = { metadata: { name: 'web', namespace: 'shop' }, spec: deploymentProps({ securityContext: { privileged: true } }).spec };
  const list = (items: unknown[]): ResourceInput => ({ type: 'kubernetes:apps/v1:DeploymentList', name: 'list', props: { apiVersion: 'apps/v1', kind: 'DeploymentList', items } });

  test('the items of a typed list are judged as objects of its kind, whether or not they repeat apiVersion and kind', async () => {
    for (const items of [[item], [{ apiVersion: 'apps/v1', kind: 'Deployment', ...item }]]) {
      const found = await analyze(hardpodPolicies({ config: { level: 'baseline' } }), list(items));
      expect(found.map((d) => `${d.policy}/${d.enforcement}`)).toEqual(['privileged/mandatory']);
      expect(found[0].message).toContain('items[0] (Deployment shop/web) at spec.template.spec.containers[0].securityContext.privileged');
    }
  });

  test('a finding on an item of a List or typed list names the item\'s place in it, as items may share kind, namespace and name', async () => {
    const web = deploymentProps({});
    const api = (privileged: unknown) => ({ ...deploymentProps({ securityContext: { privileged } }), metadata: { name: 'api', namespace: 'shop' } });
    const worker = { apiVersion: 'batch.acme.io/v1', kind: 'Worker', metadata: { name: 'worker', namespace: 'shop' }, spec: { podTemplate: { spec: { containers: [{ name: 'a', image: IMAGE }] } } } };
    const policies = hardpodPolicies({ config: { level: 'baseline' } });
    const messages = async (input: ResourceInput, policy: string) => (await analyze(policies, input))
      .filter((d) => d.policy === policy).map((d) => d.message);
    const exported = (items: unknown[]): ResourceInput => ({ type: 'kubernetes:core/v1:List', name: 'exported', props: { apiVersion: 'v1', kind: 'List', items } });
    for (const input of [exported([web, api(true)]), list([web, api(true)])]) {
      const [message] = await messages(input, 'privileged');
      expect(message).toContain('\nitems[1] (Deployment shop/api) at spec.template.spec.containers[0].securityContext.privileged: ');
    }
    expect((await messages(exported([web, api(UNKNOWN)]), 'privileged'))[0]).toContain('cannot judge items[1] (Deployment shop/api) spec.template.spec.containers[0].securityContext.privileged (outcome unknown');
    expect((await messages(exported([web, worker]), NOT_CHECKED_POLICY))[0]).toContain('\nitems[1] (Worker shop/worker): kind batch.acme.io/v1/Worker is not a known workload kind');
  });

  test('an item that is no object is reported by not-checked, naming the resource, never a failed analysis with a stack trace', async () => {
    const broken = list(['web', item]);
    const found = await analyze(hardpodPolicies({ config: { level: 'baseline' } }), broken);
    expect(found.map((d) => `${d.policy}/${d.enforcement}`)).toEqual([`${NOT_CHECKED_POLICY}/advisory`]);
    expect(found[0].message).toContain('items[0] is not a Kubernetes object (got a string ("web"))');
    expect(found[0].message).toContain('DeploymentList::list');
    expect(found[0].message).not.toMatch(/\n\s+at /);
    // The stack policies judge the rest of the stack.
    const stack = await analyzeStack(hardpodPolicies({ config: { cluster: { networkPolicies: [] } } }), [broken, deployment({})]);
    expect(stack.filter((d) => d.policy === 'network-policy').map((d) => d.enforcement)).toEqual(['mandatory']);
  });
});
