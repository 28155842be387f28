import * as pulumi from '@pulumi/pulumi';
import { installMocks, registeredUnder, runMockedProgram, valueOf } from './mocks';
import { kyvernoValidatingPolicies } from '../../src/admission/kyverno-policy';
import { admissionPolicies } from '../../src/admission/validating-admission-policy';
import { buildDebugAccess } from '../../src/model/debug-access';
import { HardpodError } from '../../src/model/errors';
import type { KubeObject } from '../../src/model/kube-object';
import * as hp from '../../src/pulumi';
import { writeLockFile } from '../fixtures/lock-file';
import { synthesizeConstruct } from '../fixtures/synthesize-cdk8s';
import { FIXTURE_DIGEST, FIXTURE_IMAGE, FIXTURE_INIT_IMAGE, FIXTURE_SIDECAR_IMAGE, WORKLOAD_PROP_SETS, type WorkloadPropSet } from '../fixtures/workload-props';

// Each test is one program run: the same workloads are built again in several of them.
beforeEach(() => installMocks(false));

/** A lock file that pins ghcr.io/acme/web:1.0 and records its user, as `hardpod lock` writes it. */
function webLockFile(): string {
  return writeLockFile({ 'ghcr.io/acme/web:1.0': { digest: FIXTURE_DIGEST, facts: { uid: 10001, gid: 10001 } } });
}

/** What the cdk8s construct synthesizes for a prop set. */
function cdk8sObjects(set: WorkloadPropSet): KubeObject[] {
  return synthesizeConstruct(set.kind, set.props, set.defaults, 'w');
}

type Component = hp.HardenedWorkloadComponent<never> | hp.HardenedNamespace;

/** The Pulumi component for a prop set; `transform` may turn plain values into Inputs. */
function component(set: WorkloadPropSet, name: string, transform: (props: any) => any = (p) => p): Component {
  const args = { ...transform(set.props), ...(set.defaults ? { defaults: set.defaults } : {}) };
  switch (set.kind) {
    case 'Deployment': return new hp.HardenedDeployment(name, args);
    case 'StatefulSet': return new hp.HardenedStatefulSet(name, args);
    case 'DaemonSet': return new hp.HardenedDaemonSet(name, args);
    case 'Job': return new hp.HardenedJob(name, args);
    case 'CronJob': return new hp.HardenedCronJob(name, args);
    case 'Namespace': return new hp.HardenedNamespace(name, args);
  }
}

function childrenOf(c: Component): pulumi.CustomResource[] {
  return c instanceof hp.HardenedNamespace ? [c.namespace, ...(c.networkPolicy ? [c.networkPolicy] : [])] : [...c.resources];
}

const key = (o: { kind?: unknown; metadata?: { name?: unknown } }) => `${String(o.kind)}/${String(o.metadata?.name)}`;

/** Every plain string that can be an Input becomes an Output, as when it comes from another resource. */
function asOutputs(props: any): any {
  const image = (c: any) => ({ ...c, image: pulumi.output(c.image) });
  return {
    ...image(props),
    ...(props.namespace !== undefined ? { namespace: pulumi.output(props.namespace) } : {}),
    ...(props.sidecars ? { sidecars: props.sidecars.map(image) } : {}),
    ...(props.initContainers ? { initContainers: props.initContainers.map(image) } : {}),
  };
}

describe('components emit what the cdk8s constructs emit, object by object (shared prop table)', () => {
  WORKLOAD_PROP_SETS.forEach((set, index) => {
    test(`${set.kind}: ${set.title}`, async () => {
      const expected = cdk8sObjects(set);
      const c = component(set, `same-${index}`);
      const { urns, records } = await registeredUnder(childrenOf(c));
      const type = `hardpod:index:Hardened${set.kind}`;
      for (const urn of urns) expect(urn).toContain(`::${type}$kubernetes:`);
      const actual = records.filter((r) => r.type.startsWith('kubernetes:')).map((r) => r.inputs);
      expect(actual.map(key).sort()).toEqual(expected.map(key).sort());
      for (const object of expected) expect(actual.find((a) => key(a) === key(object))).toEqual(object);
    });
  });

  WORKLOAD_PROP_SETS.filter((s) => s.kind !== 'Namespace').forEach((set, index) => {
    test(`${set.kind}: ${set.title}, with namespace and images as Outputs`, async () => {
      const expected = cdk8sObjects(set);
      const c = component(set, `outputs-${index}`, asOutputs) as hp.HardenedWorkloadComponent<never>;
      const { records } = await registeredUnder(childrenOf(c));
      const actual = records.filter((r) => r.type.startsWith('kubernetes:')).map((r) => r.inputs);
      expect(actual.map(key).sort()).toEqual(expected.map(key).sort());
      for (const object of expected) expect(actual.find((a) => key(a) === key(object))).toEqual(object);
      expect(await valueOf(c.objects)).toEqual(expect.arrayContaining(expected));
    });
  });
});

describe('component behaviour', () => {
  test('the component registers its outputs and children carry its type in their URN', async () => {
    const web = new hp.HardenedDeployment('outputs-web', { image: FIXTURE_IMAGE, port: 8080, namespace: 'shop' });
    expect(web.workloadName).toBe('outputs-web');
    expect(await valueOf(web.namespace)).toBe('shop');
    expect(await valueOf(web.workload.urn)).toMatch(/::hardpod:index:HardenedDeployment\$kubernetes:apps\/v1:Deployment::outputs-web$/);
    const objects = await valueOf(web.objects);
    expect(objects.map((o) => o.kind)).toEqual(['Deployment', 'ServiceAccount', 'Service', 'NetworkPolicy', 'PodDisruptionBudget']);
  });

  test('autoscaling registers the HorizontalPodAutoscaler as an autoscaling/v2 child resource; service settings reach the Service', async () => {
    const web = new hp.HardenedDeployment('scaled-web', {
      image: FIXTURE_IMAGE,
      port: 8080,
      namespace: 'shop',
      autoscaling: { minReplicas: 2, maxReplicas: 8, cpuUtilization: 60 },
      service: { type: 'LoadBalancer', annotations: { 'example.com/lb': 'internal' }, loadBalancerSourceRanges: ['10.0.0.0/8'], externalTrafficPolicy: 'Local' },
    });
    const { urns, records } = await registeredUnder([...web.resources]);
    expect(records.map((r) => r.type)).toContain('kubernetes:autoscaling/v2:HorizontalPodAutoscaler');
    expect(urns.some((urn) => urn.endsWith('::hardpod:index:HardenedDeployment$kubernetes:autoscaling/v2:HorizontalPodAutoscaler::scaled-web'))).toBe(true);
    const hpa = records.find((r) => r.type === 'kubernetes:autoscaling/v2:HorizontalPodAutoscaler')!.inputs;
    expect(hpa.spec).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'scaled-web' },
      minReplicas: 2,
      maxReplicas: 8,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } }],
    });
    expect(hpa.metadata.namespace).toBe('shop');
    expect(records.find((r) => r.type === 'kubernetes:apps/v1:Deployment')!.inputs.spec.replicas).toBeUndefined();
    const service = records.find((r) => r.type === 'kubernetes:core/v1:Service')!.inputs;
    expect(service.metadata.annotations).toEqual({ 'example.com/lb': 'internal' });
    expect(service.spec).toMatchObject({ type: 'LoadBalancer', loadBalancerSourceRanges: ['10.0.0.0/8'], externalTrafficPolicy: 'Local' });
    expect((await valueOf(web.objects)).map((o) => o.kind)).toEqual(['Deployment', 'ServiceAccount', 'Service', 'NetworkPolicy', 'PodDisruptionBudget', 'HorizontalPodAutoscaler']);
    expect(() => new hp.HardenedStatefulSet('scaled-db', { image: FIXTURE_IMAGE, port: 5432, autoscaling: { minReplicas: 0, maxReplicas: 3 } }))
      .toThrow(/^hardpod:index:HardenedStatefulSet scaled-db: autoscaling\.minReplicas 0 is refused by the API server/);
  });

  test('HardpodAdmissionPolicies registers the policies hardpod admission-policy writes, and refuses a misspelt arg and an old target', async () => {
    const config = { rules: { probes: { enabled: false } } };
    const admission = new hp.HardpodAdmissionPolicies('admission', { config, namePrefix: 'acme-' });
    const { urns, records } = await registeredUnder(admission.resources);
    for (const urn of urns) expect(urn).toContain('::hardpod:index:HardpodAdmissionPolicies$kubernetes:');
    // Registration order is the engine's; compare by identity.
    const byIdentity = (objects: readonly KubeObject[]) => [...objects].sort((a, b) => `${a.kind}/${a.metadata?.name}`.localeCompare(`${b.kind}/${b.metadata?.name}`));
    const expected = admissionPolicies(config, { namePrefix: 'acme-' }).objects;
    expect(byIdentity(records.map((r) => r.inputs as KubeObject))).toEqual(byIdentity(expected));
    expect(records.map((r) => r.type).sort()).toEqual(expected.map((o) => `kubernetes:admissionregistration.k8s.io/v1:${o.kind}`).sort());
    expect(admission.policies.emitted.map((e) => e.rule)).not.toContain('probes');
    expect(() => new hp.HardpodAdmissionPolicies('typo', { namePrefx: 'x-' } as never)).toThrow(/^hardpod:index:HardpodAdmissionPolicies typo: unknown arg "namePrefx" \(did you mean "namePrefix"\?\)/);
    expect(() => new hp.HardpodAdmissionPolicies('old', { config: { kubernetesVersion: '1.29' } }))
      .toThrow(/^hardpod:index:HardpodAdmissionPolicies old config\.kubernetesVersion: ValidatingAdmissionPolicy is served as admissionregistration\.k8s\.io\/v1 from Kubernetes 1\.30/);
  });

  test('HardpodAdmissionPolicies with format kyverno registers the Kyverno ValidatingPolicies as custom resources, and refuses an unknown format', async () => {
    const config = { rules: { probes: { enabled: false } } };
    const admission = new hp.HardpodAdmissionPolicies('kyverno', { config, format: 'kyverno' });
    const { records } = await registeredUnder(admission.resources);
    // Registration order is the engine's; compare by name.
    const byName = (objects: readonly KubeObject[]) => [...objects].sort((a, b) => String(a.metadata?.name).localeCompare(String(b.metadata?.name)));
    const expected = kyvernoValidatingPolicies(config).objects;
    expect(byName(records.map((r) => r.inputs as KubeObject))).toEqual(byName(expected));
    expect(records.map((r) => r.type)).toEqual(expected.map(() => 'kubernetes:policies.kyverno.io/v1:ValidatingPolicy'));
    expect(() => new hp.HardpodAdmissionPolicies('gatekeeper', { format: 'gatekeeper' as never }))
      .toThrow(/^hardpod:index:HardpodAdmissionPolicies gatekeeper format: format "gatekeeper" is not one hardpod writes; expected one of vap, kyverno, kyverno-cluster-policy/);
  });

  test('HardenedDebugAccess registers the builder\'s objects, the admission policy before the grant it guards', async () => {
    const props = { namespace: 'shop', group: 'shop-oncall', image: `ghcr.io/acme/debug-tools@${FIXTURE_DIGEST}` };
    const access = new hp.HardenedDebugAccess('shop-debug', props);
    const { urns, records } = await registeredUnder(access.resources);
    for (const urn of urns) expect(urn).toContain('::hardpod:index:HardenedDebugAccess$kubernetes:');
    const expected = buildDebugAccess(props, { where: 'test' }).objects;
    expect(records.map((r) => r.inputs)).toEqual(expected);
    expect(records.map((r) => r.type)).toEqual([
      'kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy', 'kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding',
      'kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy', 'kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding',
      'kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy', 'kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding',
      'kubernetes:rbac.authorization.k8s.io/v1:Role', 'kubernetes:rbac.authorization.k8s.io/v1:RoleBinding',
    ]);
    expect(access.built.kubectlDebugCommand('web-1')).toContain('--profile=restricted');
    // A second one of that name in that namespace would overwrite the first's objects; another name or namespace is fine.
    expect(() => new hp.HardenedDebugAccess('shop-debug-2', props)).toThrow(
      /^hardpod:index:HardenedDebugAccess shop-debug-2: debug access "debug" in namespace "shop" is already emitted by hardpod:index:HardenedDebugAccess shop-debug;/,
    );
    expect(() => new hp.HardenedDebugAccess('shop-debug-3', { ...props, name: 'debug-b' })).not.toThrow();
    expect(() => new hp.HardenedDebugAccess('web-debug', { ...props, namespace: 'web' })).not.toThrow();
    // Each policy of a namespace admits only its own image, so two images there would admit no debug container at all.
    expect(() => new hp.HardenedDebugAccess('shop-debug-4', { ...props, name: 'debug-c', image: FIXTURE_IMAGE })).toThrow(
      /^hardpod:index:HardenedDebugAccess shop-debug-4: debug access "debug-c" in namespace "shop" admits the debug image .*, but hardpod:index:HardenedDebugAccess shop-debug emits debug access "debug" there/,
    );
  });

  test('a namespace from a HardenedNamespace waits for it and lands in every object', async () => {
    const ns = new hp.HardenedNamespace('ns-shop', { name: 'shop' });
    const api = new hp.HardenedCronJob('ns-job', { namespace: ns.namespaceName, image: FIXTURE_IMAGE, schedule: '@daily' });
    const { records } = await registeredUnder(childrenOf(api));
    expect(records.length).toBe(3);
    for (const r of records) expect(r.inputs.metadata.namespace).toBe('shop');
  });

  // A failing apply fails the registration of the children that depend on it: Pulumi reports that
  // as the program's error. Unhandled rejections would fail a jest test, so a real program runs it.
  test('an unpinned image from an Output fails the program with the builder\'s error, naming the component', () => {
    const run = runMockedProgram("new hp.HardenedDeployment('bad-image', { image: pulumi.output('ghcr.io/acme/web:latest'), port: 8080 });");
    expect(run.status).not.toBe(0);
    expect(run.output).toContain('HardpodError');
    expect(run.output).toContain('hardpod:index:HardenedDeployment bad-image (container main): image "ghcr.io/acme/web:latest" is not pinned by digest');
  });

  // Pulumi's Node.js runtime prints a RunError's message alone; any other error as an unhandled exception with its stack.
  test('a mistake in props is reported as Pulumi reports a failed check, its message without a stack trace', () => {
    const thrown = (make: () => unknown): unknown => {
      try {
        make();
      } catch (error) {
        return error;
      }
      return undefined;
    };
    for (const error of [
      thrown(() => new hp.HardenedDeployment('Web_1', { image: FIXTURE_IMAGE })),
      thrown(() => new hp.HardenedNamespace('Shop_1')),
      thrown(() => hp.setHardpodDefaults('ghcr.io/acme' as never)),
    ]) {
      expect(error).toBeInstanceOf(HardpodError);
      expect(pulumi.RunError.isInstance(error)).toBe(true);
    }
    // An image from an Output fails later, in an apply: the program's unhandled rejection.
    const run = runMockedProgram([
      "process.on('unhandledRejection', (e) => { console.log(pulumi.RunError.isInstance(e) ? 'reported: ' + e.message : 'crashed'); process.exit(1); });",
      "new hp.HardenedDeployment('late', { image: pulumi.output('ghcr.io/acme/web:latest'), port: 8080 });",
    ].join('\n'));
    expect(run.output).toMatch(/reported: .*hardpod:index:HardenedDeployment late \(container main\): image "ghcr.io\/acme\/web:latest" is not pinned/);
  });

  test('an image from a secret Output that fails the builder is named as [secret], never shown', () => {
    const run = runMockedProgram(
      "new hp.HardenedDeployment('secret-image', { image: pulumi.secret('private.example/s3cr3t-app:1.0'), port: 8080 });\n" +
      "new hp.HardenedDeployment('secret-registry', { image: pulumi.secret('docker.io/s3cr3t/nginx@sha256:' + 'd'.repeat(64)), port: 8080, defaults: { allowedRegistries: ['ghcr.io/acme'] } });",
    );
    expect(run.status).not.toBe(0);
    expect(run.output).toContain('hardpod:index:HardenedDeployment secret-image (container main): image "[secret]" is not pinned by digest');
    expect(run.output).not.toContain('s3cr3t');
  });

  test('an image from an Output still honours the allowed registries', () => {
    const run = runMockedProgram(
      "new hp.HardenedDeployment('bad-registry', { image: pulumi.output('docker.io/library/nginx@sha256:' + 'd'.repeat(64)), port: 8080, defaults: { allowedRegistries: ['ghcr.io/acme'] } });",
    );
    expect(run.status).not.toBe(0);
    expect(run.output).toContain('which is under none of the allowed registries (ghcr.io/acme)');
  });

  test('plain props are checked at once: a bad name or an unpinned image throws a HardpodError where the component is declared', () => {
    expect(() => new hp.HardenedDeployment('Web_1', { image: FIXTURE_IMAGE })).toThrow(/"Web_1" is not a valid Kubernetes name/);
    expect(() => new hp.HardenedDeployment('tag', { image: 'ghcr.io/acme/web:1.0' })).toThrow(HardpodError);
  });

  test('program defaults apply to every component, and a component\'s own defaults win field by field', async () => {
    hp.setHardpodDefaults({ labels: { 'app.kubernetes.io/part-of': 'shop' }, resources: { limits: { cpu: '2' } } });
    const job = new hp.HardenedJob('defaults-job', { image: FIXTURE_IMAGE, defaults: { labels: { team: 'data' }, resources: { limits: { memory: '1Gi' } } } });
    const [workload] = await valueOf(job.objects);
    expect(workload.metadata?.labels).toEqual(expect.objectContaining({ 'app.kubernetes.io/part-of': 'shop', 'team': 'data' }));
    const limits = (workload as any).spec.template.spec.containers[0].resources.limits;
    expect(limits).toEqual({ cpu: '2', memory: '1Gi' });
  });

  test('a second setHardpodDefaults merges over the first, and each program run starts with none', async () => {
    hp.setHardpodDefaults({ allowedRegistries: ['registry.acme.io'] });
    hp.setHardpodDefaults({ labels: { team: 'shop' } });
    // A team adding labels keeps the platform's registries.
    expect(() => new hp.HardenedJob('merged', { image: FIXTURE_IMAGE })).toThrow(/under none of the allowed registries/);
    await installMocks(false);
    expect(() => new hp.HardenedJob('fresh-run', { image: FIXTURE_IMAGE })).not.toThrow();
  });

  test('image tags resolve through the same lock file as the cdk8s constructs, image user included', async () => {
    const lockFile = webLockFile();
    const web = new hp.HardenedDeployment('locked', { image: 'ghcr.io/acme/web:1.0', port: 8080, defaults: { lockFile } });
    const [workload] = await valueOf(web.objects);
    const container = (workload as any).spec.template.spec.containers[0];
    expect(container.image).toBe(`ghcr.io/acme/web:1.0@${FIXTURE_DIGEST}`);
    expect(container.securityContext).toMatchObject({ runAsUser: 10001, runAsGroup: 10001 });

    const synthesized = synthesizeConstruct('Deployment', { name: 'locked', image: 'ghcr.io/acme/web:1.0', port: 8080 }, { lockFile }, 'w');
    expect(synthesized.find((o) => o.kind === 'Deployment')).toEqual(workload);

    expect(() => new hp.HardenedDeployment('unlocked', { image: 'ghcr.io/acme/other:2.0', defaults: { lockFile } })).toThrow(/no entry for ghcr.io\/acme\/other:2.0/);
  });

  test('a locked tag that arrives as an Output, whose image facts would change the pod, fails instead of drifting', () => {
    const lockFile = webLockFile();
    const run = runMockedProgram(`new hp.HardenedDeployment('late', { image: pulumi.output('ghcr.io/acme/web:1.0'), port: 8080, defaults: { lockFile: ${JSON.stringify(lockFile)} } });`);
    expect(run.status).not.toBe(0);
    expect(run.output).toMatch(/securityContext\.run(AsUser|AsGroup) differs between the image known at deployment and the shape built when the program ran/);
  });

  test('sidecar and init images as Outputs keep their positions', async () => {
    const web = new hp.HardenedDeployment('positions', {
      image: pulumi.output(FIXTURE_IMAGE),
      port: 8080,
      sidecars: [{ name: 'proxy', image: pulumi.output(FIXTURE_SIDECAR_IMAGE), port: 15001 }],
      initContainers: [{ name: 'migrate', image: Promise.resolve(FIXTURE_INIT_IMAGE) }],
    });
    const { records } = await registeredUnder([web.workload]);
    const pod = records[0].inputs.spec.template.spec;
    expect(pod.containers.map((c: any) => c.image)).toEqual([FIXTURE_IMAGE, FIXTURE_SIDECAR_IMAGE]);
    expect(pod.initContainers.map((c: any) => c.image)).toEqual([FIXTURE_INIT_IMAGE]);
  });
});

describe('Secret and ConfigMap names from other resources', () => {
  test('files, env references and envFrom take names as Outputs, in the main container and sidecars, beside tokens and resource references, and emit what plain names emit', async () => {
    const plain = {
      image: FIXTURE_IMAGE,
      port: 8080,
      runAsUser: 10001,
      runAsGroup: 10001,
      files: [
        { secret: 'db-credentials', mountPath: '/etc/db' },
        { configMap: 'app-config', mountPath: '/etc/app' },
        { serviceAccountToken: { audience: 'vault' }, mountPath: '/var/run/vault' },
      ],
      env: {
        LEVEL: { configMapKeyRef: { name: 'app-config', key: 'level' } },
        POD: { fieldRef: 'metadata.name' as const },
        MODE: 'fast',
        CPUS: { resourceFieldRef: { resource: 'limits.cpu' as const } },
      },
      envFrom: [{ configMap: 'app-settings', prefix: 'APP_' }],
      sidecars: [{ name: 'proxy', image: FIXTURE_SIDECAR_IMAGE, port: 15001, files: [{ secret: 'proxy-tls', mountPath: '/etc/tls' }], envFrom: [{ configMap: 'proxy-settings' }] }],
    };
    const late = new hp.HardenedDeployment('late-names', {
      ...plain,
      files: [{ secret: pulumi.output('db-credentials'), mountPath: '/etc/db' }, { configMap: Promise.resolve('app-config'), mountPath: '/etc/app' }, plain.files[2]],
      env: { ...plain.env, LEVEL: { configMapKeyRef: { name: pulumi.output('app-config'), key: 'level' } } },
      envFrom: [{ configMap: pulumi.output('app-settings'), prefix: 'APP_' }],
      sidecars: [{ ...plain.sidecars[0], files: [{ secret: pulumi.output('proxy-tls'), mountPath: '/etc/tls' }], envFrom: [{ configMap: Promise.resolve('proxy-settings') }] }],
    });
    const known = new hp.HardenedDeployment('known-names', { ...plain, name: 'late-names', namespace: 'other' });
    const podOf = async (c: hp.HardenedDeployment) => (await registeredUnder([c.workload])).records[0].inputs.spec.template.spec;
    const [latePod, knownPod] = [await podOf(late), await podOf(known)];
    expect(latePod).toEqual(knownPod);
    expect(latePod.volumes.map((v: any) => v.secret?.secretName ?? v.configMap?.name ?? v.projected.sources[0].serviceAccountToken.audience))
      .toEqual(['db-credentials', 'app-config', 'vault', 'proxy-tls']);
    expect(latePod.containers[0].env[3]).toEqual({ name: 'CPUS', valueFrom: { resourceFieldRef: { resource: 'limits.cpu' } } });
    expect(latePod.containers[0].env[0]).toEqual({ name: 'LEVEL', valueFrom: { configMapKeyRef: { name: 'app-config', key: 'level' } } });
    expect(latePod.containers.map((c: any) => c.envFrom)).toEqual([[{ configMapRef: { name: 'app-settings' }, prefix: 'APP_' }], [{ configMapRef: { name: 'proxy-settings' } }]]);
  });

  test('a bad envFrom ConfigMap name from an Output fails the program with the builder\'s error, naming the entry', () => {
    const run = runMockedProgram(`new hp.HardenedDeployment('bad-env-from', { image: '${FIXTURE_IMAGE}', port: 8080, envFrom: [{ configMap: pulumi.output('App_Settings') }] });`);
    expect(run.status).not.toBe(0);
    expect(run.output).toMatch(/hardpod:index:HardenedDeployment bad-env-from \(container main\): envFrom\[0\]\.configMap "App_Settings" is not a ConfigMap name/);
  });

  test('a bad name from an Output fails the program with the builder\'s error, naming the component and the entry', () => {
    const run = runMockedProgram(`new hp.HardenedDeployment('bad-name', { image: '${FIXTURE_IMAGE}', port: 8080, fsGroup: 1000, files: [{ secret: pulumi.output('DB_Creds'), mountPath: '/etc/db' }] });`);
    expect(run.status).not.toBe(0);
    expect(run.output).toMatch(/hardpod:index:HardenedDeployment bad-name \(container main\): files\[0\]\.secret "DB_Creds" is not a Secret name/);
  });
});

describe('untyped component args', () => {
  test('missing or non-object args fail with a HardpodError naming the component, not a TypeError', () => {
    const make = (args: unknown) => () => new hp.HardenedDeployment('untyped', args as never);
    for (const args of [undefined, null, 'web', ['web']]) {
      expect(make(args)).toThrow(HardpodError);
      expect(make(args)).toThrow(/hardpod:index:HardenedDeployment untyped: args must be an object of props/);
    }
    expect(() => new hp.HardenedDebugAccess('dbg', undefined as never)).toThrow(/hardpod:index:HardenedDebugAccess dbg: args must be an object/);
    expect(() => new hp.HardenedNamespace('ns', null as never)).toThrow(/hardpod:index:HardenedNamespace ns: args must be an object/);
  });

  test('fields of the wrong type fail with a HardpodError naming the component and the field, not a TypeError or an Output\'s text', () => {
    const make = (props: Record<string, unknown>) => () => new hp.HardenedDeployment('typed', { image: FIXTURE_IMAGE, port: 8080, ...props } as never);
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ namespace: 5 }, /^hardpod:index:HardenedDeployment typed: namespace must be a string \(got 5\)/],
      [{ image: 42 }, /^hardpod:index:HardenedDeployment typed \(container main\): image is required/],
      [{ sidecars: { name: 'proxy', image: FIXTURE_SIDECAR_IMAGE } }, /^hardpod:index:HardenedDeployment typed: sidecars must be a list/],
      [{ initContainers: [null] }, /^hardpod:index:HardenedDeployment typed: initContainers\[0\] must be an object with a name and an image/],
      [{ name: 5 }, /^hardpod:index:HardenedDeployment typed: name must be a plain string \(got 5\)/],
      [{ name: pulumi.output('web') }, /^hardpod:index:HardenedDeployment typed: name must be a plain string \(got an Output or a promise\)/],
      [{ defaults: 'shop' }, /^hardpod:index:HardenedDeployment typed: defaults must be an object of workload defaults \(got "shop"\)/],
      [{ replicas: pulumi.output(3) }, /^hardpod:index:HardenedDeployment typed: replicas is an Output \(or a promise\), which this field cannot take: only namespace, the images .* and the names of Secrets and ConfigMaps/],
      [{ labels: pulumi.output({ team: 'shop' }) }, /^hardpod:index:HardenedDeployment typed: labels is an Output/],
      [{ sidecars: [{ name: 'proxy', image: FIXTURE_SIDECAR_IMAGE, port: Promise.resolve(15001) }] }, /^hardpod:index:HardenedDeployment typed: sidecars\[0\]\.port is an Output/],
    ];
    for (const [props, message] of cases) {
      expect(make(props)).toThrow(HardpodError);
      expect(make(props)).toThrow(message);
    }
    expect(() => new hp.HardenedNamespace('typed-ns', { name: pulumi.output('shop') } as never))
      .toThrow(/^hardpod:index:HardenedNamespace typed-ns: name is an Output \(or a promise\), which this field cannot take: no prop of a HardenedNamespace may be an Output/);
    expect(() => new hp.HardenedDebugAccess('typed-debug', { namespace: pulumi.output('shop'), group: 'oncall', image: FIXTURE_IMAGE } as never))
      .toThrow(/^hardpod:index:HardenedDebugAccess typed-debug: namespace is an Output/);
    expect(() => hp.setHardpodDefaults(['ghcr.io/acme'] as never)).toThrow(/^setHardpodDefaults: defaults must be an object of workload defaults \(got a list\)/);
    // A misspelt default would leave every registry allowed.
    expect(() => hp.setHardpodDefaults({ allowedRegistry: ['ghcr.io/acme'] } as never)).toThrow(/^setHardpodDefaults: unknown prop "allowedRegistry" \(did you mean "allowedRegistries"\?\)/);
  });
});

describe('one object, one component per program run', () => {
  const web = { name: 'web', image: FIXTURE_IMAGE, port: 8080 };
  const conflict = (second: string, first: string, where: string) => new RegExp(
    `^hardpod:index:${second}: a workload named "web" ${where} is already emitted by hardpod:index:${first}; .*give one of them another name`,
  );

  test('a second workload of the same name and namespace is refused where it is declared, naming both components', () => {
    new hp.HardenedDeployment('web-a', { ...web, namespace: 'shop' });
    expect(() => new hp.HardenedDeployment('web-b', { ...web, namespace: 'shop' }))
      .toThrow(conflict('HardenedDeployment web-b', 'HardenedDeployment web-a', 'in namespace "shop"'));
    // Of any kind: both would emit the ServiceAccount and NetworkPolicy "web".
    expect(() => new hp.HardenedJob('web-job', { ...web, namespace: 'shop' })).toThrow(conflict('HardenedJob web-job', 'HardenedDeployment web-a', 'in namespace "shop"'));
    // The name defaults to the Pulumi name.
    new hp.HardenedDeployment('web', { image: FIXTURE_IMAGE, port: 8080 });
    expect(() => new hp.HardenedStatefulSet('web-db', web)).toThrow(conflict('HardenedStatefulSet web-db', 'HardenedDeployment web', 'without a namespace'));
    expect(() => new hp.HardenedDeployment('web-c', { ...web, namespace: 'other' })).not.toThrow();
  });

  test('a component whose props fail claims nothing', () => {
    expect(() => new hp.HardenedDeployment('bad', { ...web, image: 'ghcr.io/acme/web:latest' })).toThrow(/not pinned by digest/);
    expect(() => new hp.HardenedDeployment('good', web)).not.toThrow();
  });

  test('the same components in another program run are not refused', async () => {
    new hp.HardenedDeployment('run-1', { ...web, namespace: 'shop' });
    await installMocks(false);
    expect(() => new hp.HardenedDeployment('run-2', { ...web, namespace: 'shop' })).not.toThrow();
  });

  test('namespaces from Outputs are claimed once known: two different ones are fine', async () => {
    const a = new hp.HardenedDeployment('ns-a', { ...web, namespace: pulumi.output('shop') });
    const b = new hp.HardenedDeployment('ns-b', { ...web, namespace: pulumi.output('web') });
    const { records } = await registeredUnder([...a.resources, ...b.resources]);
    expect(records.map((r) => r.inputs.metadata.namespace).sort()).toEqual([...a.resources.map(() => 'shop'), ...b.resources.map(() => 'web')].sort());
  });

  // The refusal of a namespace known only at deployment fails the second component's children, and so the program.
  test('the same namespace from an Output fails the program, naming both components', () => {
    const run = runMockedProgram([
      "const web = { name: 'web', image: 'ghcr.io/acme/web@sha256:' + 'a'.repeat(64), port: 8080 };",
      "new hp.HardenedDeployment('web-a', { ...web, namespace: 'shop' });",
      "new hp.HardenedDeployment('web-b', { ...web, namespace: pulumi.output('shop') });",
    ].join('\n'));
    expect(run.status).not.toBe(0);
    expect(run.output).toContain('hardpod:index:HardenedDeployment web-b: a workload named "web" in namespace "shop" is already emitted by hardpod:index:HardenedDeployment web-a');
  });

  // An Automation API script sets its platform defaults once, then runs its inline program (inside a stack resource) as often as it likes.
  test('defaults set before a program run (an Automation API script) hold in every run, also where a run adds its own', () => {
    const program = (body: string) => `pulumi.runtime.runInPulumiStack(async () => { ${body} return {}; })`;
    const dockerHub = "new hp.HardenedDeployment('hub', { image: 'docker.io/library/nginx@sha256:' + 'd'.repeat(64), port: 8080 });";
    const run = runMockedProgram([
      "hp.setHardpodDefaults({ allowedRegistries: ['ghcr.io/acme'] });",
      'const outcome = (p) => p.then(() => \'passed\', (e) => e.message);',
      `(async () => { console.log('run 1:', await outcome(${program("hp.setHardpodDefaults({ labels: { team: 'shop' } }); " + dockerHub)}));`,
      `  console.log('run 2:', await outcome(${program(dockerHub)})); })();`,
    ].join('\n'));
    expect(run.output).toContain('run 1: hardpod:index:HardenedDeployment hub (container main): image "docker.io/library/nginx@sha256:');
    expect(run.output).toMatch(/run 2: .*which is under none of the allowed registries \(ghcr\.io\/acme\)/);
  });

  // A deployment's program runs inside its root stack resource; an Automation API program can run many times in one process.
  test('in stack runs, claims are per run: the same components in the next run are not refused, twice in one run are', () => {
    const program = (names: string[]) =>
      `pulumi.runtime.runInPulumiStack(async () => { ${names.map((n) => `new hp.HardenedDeployment('${n}', web);`).join(' ')} return {}; })`;
    const run = runMockedProgram([
      "const web = { name: 'web', image: 'ghcr.io/acme/web@sha256:' + 'a'.repeat(64), port: 8080 };",
      `(async () => { await ${program(['run-1'])}; await ${program(['run-2'])}; console.log('two runs: no error');`,
      `  await ${program(['run-3', 'run-4'])}; })();`,
    ].join('\n'));
    expect(run.output).toContain('two runs: no error');
    expect(run.output).toContain('hardpod:index:HardenedDeployment run-4: a workload named "web" without a namespace is already emitted by hardpod:index:HardenedDeployment run-3');
  });
});
