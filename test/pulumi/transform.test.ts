import * as pulumi from '@pulumi/pulumi';
import { deploymentProps, secret } from './analyzer';
import { evaluate } from '../../src/engine';
import { baselineFromReport } from '../../src/engine/baseline';
import { HardpodError } from '../../src/model/errors';
import type { KubeObject } from '../../src/model/kube-object';
import { buildDeployment } from '../../src/model/workloads';
import { hardpodTransform, type HardpodTransformOptions } from '../../src/pulumi/transform';
import { FIXTURE_IMAGE } from '../fixtures/workload-props';

/**
 * Pulumi runs stack transforms through a callback server that mocks do not start, so the
 * transform is tested as the function the engine calls, with arguments shaped as the SDK hands
 * them over (plain values, Outputs for what is unknown, secret markers).
 */

function deploymentArgs(container: Record<string, unknown>, pod: Record<string, unknown> = {}): pulumi.ResourceTransformArgs {
  return { custom: true, type: 'kubernetes:apps/v1:Deployment', name: 'web', opts: { protect: false }, props: deploymentProps(container, pod, FIXTURE_IMAGE) };
}

function run(options: HardpodTransformOptions, args: pulumi.ResourceTransformArgs) {
  const logs: { severity: string; message: string }[] = [];
  const transform = hardpodTransform({ ...options, log: (severity, message) => logs.push({ severity, message }) });
  const result = transform(args) as pulumi.ResourceTransformResult | undefined;
  return { result, logs };
}

const podOf = (props: any) => props.spec.template.spec;

/* eslint-disable @typescript-eslint/no-require-imports */
const aliasproto = require('@pulumi/pulumi/proto/alias_pb');
const resproto = require('@pulumi/pulumi/proto/resource_pb');
// The SDK's handler of transform callbacks from the engine.
const { CallbackServer } = require('@pulumi/pulumi/runtime/callbacks');
const rpc = require('@pulumi/pulumi/runtime/rpc') as { deserializeProperties: (struct: unknown) => Record<string, unknown> };
// The Struct class of the protobuf runtime @pulumi/pulumi itself uses.
const structproto = require(require.resolve('google-protobuf/google/protobuf/struct_pb', { paths: [require.resolve('@pulumi/pulumi')] }));
/* eslint-enable @typescript-eslint/no-require-imports */

describe('hardpodTransform', () => {
  test('a privileged workload fails the program with a HardpodError naming the resource, rule and field', () => {
    const args = deploymentArgs({ securityContext: { privileged: true } });
    expect(() => run({}, args)).toThrow(HardpodError);
    expect(() => run({}, args)).toThrow(/kubernetes:apps\/v1:Deployment web: .*privileged at spec\.template\.spec\.containers\[0\]\.securityContext\.privileged/s);
  });

  test('with harden: true, what no secure default fixes is named as such, not answered with "set harden: true"', () => {
    const args = deploymentArgs({ securityContext: { privileged: true } });
    expect(() => run({}, args)).toThrow(/set harden: true on the transform/);
    let message = '';
    try {
      run({ harden: true }, args);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/probes at spec\.template\.spec\.containers\[0\]\.readinessProbe/);
    expect(message).not.toContain('privileged at');
    expect(message).not.toContain('set harden: true');
    expect(message).toContain('no secure default fixes these');
  });

  test('with enforcement warn the same finding is logged, not thrown', () => {
    const { result, logs } = run({ config: { enforcement: 'warn' } }, deploymentArgs({ securityContext: { privileged: true } }));
    expect(result).toBeUndefined();
    expect(logs.some((l) => l.severity === 'warn' && l.message.includes('privileged at spec.template.spec.containers[0].securityContext.privileged'))).toBe(true);
  });

  test('harden: true rewrites the inputs with harden(), explains each change, and the result passes', () => {
    const args = deploymentArgs({ securityContext: { privileged: true, capabilities: { add: ['SYS_ADMIN'] } } }, { hostNetwork: true });
    const { result, logs } = run({ harden: true, config: { level: 'restricted' } }, args);
    const pod = podOf(result!.props);
    expect(pod.hostNetwork).toBe(false);
    expect(pod.securityContext).toEqual(expect.objectContaining({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } }));
    expect(pod.containers[0].securityContext).toEqual(expect.objectContaining({ privileged: false, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } }));
    // No options handed back: the SDK keeps the resource's own (see the option round trip below).
    expect(result!.opts).toBeUndefined();
    const info = logs.filter((l) => l.severity === 'info').map((l) => l.message).join('\n');
    expect(info).toContain('spec.template.spec.containers[0].securityContext.privileged: false');
    expect(info).toContain('rule privileged');
    // The input it was given is not modified.
    expect(podOf(args.props).containers[0].securityContext.privileged).toBe(true);
    // Hardening is idempotent: the transform's output needs no further change.
    expect(run({ harden: true, config: { level: 'restricted' } }, { ...args, props: result!.props }).result).toBeUndefined();
  });

  test('Outputs and secrets are carried through unchanged; what they hide is unknown, not passed', () => {
    const image = pulumi.output(FIXTURE_IMAGE);
    const token = secret('s3cr3t');
    const args = deploymentArgs({ image, env: [{ name: 'GREETING', value: token }] });
    const { result, logs } = run({ harden: true, config: { rules: { 'dedicated-service-account': { enabled: false }, 'probes': { enabled: false } } } }, args);
    const container = podOf(result!.props).containers[0];
    expect(container.image).toBe(image);
    expect(container.env[0].value).toBe(token);
    expect(logs.some((l) => l.severity === 'warn' && /unknown during preview: image-digest at spec.template.spec.containers\[0\].image/.test(l.message))).toBe(true);
  });

  test('an Output in place of an object or a list (a securityContext, the volumes) makes the checks below it unknown, never a pass', () => {
    const unresolved = (): pulumi.Output<never> => pulumi.output(new Promise<never>(() => {}));
    for (const args of [deploymentArgs({ securityContext: unresolved() }), deploymentArgs({}, { volumes: unresolved() })]) {
      const { result, logs } = run({ config: { level: 'baseline' } }, args);
      expect(result).toBeUndefined();
      const warned = logs.filter((l) => l.severity === 'warn').map((l) => l.message).join('\n');
      expect(warned).toContain('unknown during preview: privileged at ');
      expect(warned).toContain('unknown during preview: host-path-volumes at ');
    }
  });

  test('components, non-workload objects and other providers\' resources are left alone', () => {
    expect(run({}, { ...deploymentArgs({ securityContext: { privileged: true } }), custom: false }).result).toBeUndefined();
    const configMap = { custom: true, type: 'kubernetes:core/v1:ConfigMap', name: 'c', opts: {}, props: { apiVersion: 'v1', kind: 'ConfigMap', data: { a: 'b' } } };
    expect(run({ harden: true }, configMap)).toEqual({ result: undefined, logs: [] });
    expect(run({ harden: true }, { custom: true, type: 'random:index/randomPet:RandomPet', name: 'p', opts: {}, props: { length: 2 } }).result).toBeUndefined();
  });

  test('harden: true leaves settings alone that are suppressed, baselined or allowed by the config', () => {
    const legacy = buildDeployment({
      name: 'legacy',
      namespace: 'shop',
      image: FIXTURE_IMAGE,
      port: 8080,
      readOnlyRootFilesystem: false,
      annotations: { 'hardpod.dev/suppress.read-only-root-filesystem': 'writes /var/lib/x; SHOP-123' },
    }, { where: 'test' }).workload;
    const legacyArgs = { custom: true, type: 'kubernetes:apps/v1:Deployment', name: 'legacy', opts: {}, props: legacy as unknown as Record<string, unknown> };
    expect(run({ harden: true }, legacyArgs)).toEqual({ result: undefined, logs: [] });

    const noCpuLimit = buildDeployment({ name: 'web', namespace: 'shop', image: FIXTURE_IMAGE, port: 8080, resources: { limits: { cpu: false } } }, { where: 'test' }).workload;
    const webArgs = { ...legacyArgs, name: 'web', props: noCpuLimit as unknown as Record<string, unknown> };
    expect(run({ harden: true, config: { hardened: { requireCpuLimit: false } } }, webArgs)).toEqual({ result: undefined, logs: [] });
    expect(podOf(run({ harden: true }, webArgs).result!.props).containers[0].resources.limits.cpu).toBeDefined();

    const privileged = deploymentArgs({ securityContext: { privileged: true } });
    const config = { enforcement: 'warn' as const, rules: { 'dedicated-service-account': { enabled: false }, 'probes': { enabled: false } } };
    const report = evaluate([{ object: privileged.props as unknown as KubeObject, source: { resourceName: 'web' } }], config);
    const baseline = baselineFromReport(report).findings;
    const { result, logs } = run({ harden: true, config: { ...config, baseline } }, privileged);
    expect(result).toBeUndefined();
    expect(logs.filter((l) => l.severity === 'info')).toEqual([]);
  });

  test('a spec the SDK marks secret as a whole (a secret inside it) is checked, and a rewrite keeps it secret', () => {
    // As the callback server hands it over: rpc.deserializeProperties lifts the env secret to all of `spec`.
    const wire = deploymentProps({ securityContext: { privileged: true }, env: [{ name: 'GREETING', value: secret('hi') }] }, {}, FIXTURE_IMAGE);
    const props = rpc.deserializeProperties(structproto.Struct.fromJavaScript(wire)) as Record<string, any>;
    expect(Object.keys(props.spec)).toEqual(Object.keys(secret(undefined)));
    const args = { custom: true, type: 'kubernetes:apps/v1:Deployment', name: 'web', opts: {}, props };
    expect(() => run({}, args)).toThrow(/privileged at spec\.template\.spec\.containers\[0\]\.securityContext\.privileged/);

    const { result } = run({ harden: true, config: { rules: { 'dedicated-service-account': { enabled: false }, 'probes': { enabled: false } } } }, args);
    const spec = result!.props.spec;
    expect(spec).toEqual(secret(expect.anything()));
    expect(spec.value.template.spec.containers[0].securityContext.privileged).toBe(false);
    expect(spec.value.template.spec.containers[0].env).toEqual([{ name: 'GREETING', value: 'hi' }]);
    expect(props.spec.value.template.spec.containers[0].securityContext.privileged).toBe(true);
  });

  test('inside a spec the SDK marks secret as a whole, an image or argument is not quoted in what the transform says', () => {
    // The secret env value makes all of `spec` one secret: the image inside it may be the secret.
    const wire = deploymentProps({ args: ['--token'], env: [{ name: 'TOKEN', value: secret('t0ken') }] }, {}, 'private.example/s3cr3t-app:1.0');
    const props = rpc.deserializeProperties(structproto.Struct.fromJavaScript(wire)) as Record<string, any>;
    const args = { custom: true, type: 'kubernetes:apps/v1:Deployment', name: 'web', opts: {}, props };
    let message = '';
    try {
      run({}, args);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('container "web" image [secret] is not pinned by digest');
    const { logs } = run({ config: { enforcement: 'warn' } }, args);
    const warned = logs.map((l) => l.message).join('\n');
    expect(warned).toContain('image [secret] is not pinned');
    for (const text of [message, warned]) expect(text).not.toMatch(/s3cr3t|t0ken/);
    // A value outside any secret is known not to be one, and is shown.
    expect(() => run({}, deploymentArgs({ image: 'private.example/plain-app:1.0' }))).toThrow(/image "private.example\/plain-app:1.0" is not pinned/);
  });

  test('what it cannot check is logged, never passed silently', () => {
    const worker = {
      custom: true,
      type: 'kubernetes:example.com/v1:Worker',
      name: 'w',
      opts: {},
      props: { apiVersion: 'example.com/v1', kind: 'Worker', metadata: { name: 'w' }, spec: { template: { spec: { containers: [{ name: 'c', image: FIXTURE_IMAGE }] } } } },
    };
    const logged = (args: pulumi.ResourceTransformArgs, options: HardpodTransformOptions = {}) => {
      const { result, logs } = run(options, args);
      expect(result).toBeUndefined();
      return logs.map((l) => `${l.severity}: ${l.message}`).join('\n');
    };
    expect(logged(worker)).toMatch(/^warn: hardpod cannot check kubernetes:example.com\/v1:Worker w: .*map the kind to its pod template path in the config \(workloadKinds\)/);
    expect(logged({ custom: true, type: 'kubernetes:helm.sh/v3:Release', name: 'redis', opts: {}, props: { chart: 'redis' } }))
      .toMatch(/^warn: hardpod cannot check helm.v3.Release redis: .*helm.v4.Chart/);
    // An object no mapping can express is said once more on every run, unless a not-checked suppression acknowledges it.
    const prometheus = (annotations?: Record<string, string>): pulumi.ResourceTransformArgs => ({
      custom: true,
      type: 'kubernetes:monitoring.coreos.com/v1:Prometheus',
      name: 'k8s',
      opts: {},
      props: {
        apiVersion: 'monitoring.coreos.com/v1',
        kind: 'Prometheus',
        metadata: { name: 'k8s', namespace: 'monitoring', ...(annotations ? { annotations } : {}) },
        spec: { securityContext: { runAsNonRoot: true }, containers: [{ name: 'config-reloader', securityContext: { readOnlyRootFilesystem: true } }] },
      },
    });
    expect(logged(prometheus())).toMatch(/^warn: hardpod cannot check kubernetes:monitoring.coreos.com\/v1:Prometheus k8s: .*which workloadKinds cannot map/);
    expect(logged(prometheus({ 'hardpod.dev/suppress.not-checked': 'checked from the cluster' }))).toBe('');
    const suppressions = [{ rule: 'not-checked', kind: 'Prometheus', namespace: 'monitoring', name: 'k8s', reason: 'checked from the cluster' }];
    expect(logged(prometheus(), { config: { suppressions } })).toBe('');
    expect(() => run({}, prometheus({ 'hardpod.dev/suppress.not-checked': '' }))).toThrow(/non-empty reason/);
    // A mapped kind is checked where its mapping reaches, and a template it does not reach is said.
    const flink: pulumi.ResourceTransformArgs = {
      custom: true,
      type: 'kubernetes:flink.apache.org/v1beta1:FlinkDeployment',
      name: 'f',
      opts: {},
      props: {
        apiVersion: 'flink.apache.org/v1beta1',
        kind: 'FlinkDeployment',
        metadata: { name: 'f', namespace: 'shop' },
        spec: {
          podTemplate: { spec: { containers: [{ name: 'flink-main-container' }] } },
          taskManager: { podTemplate: { spec: { initContainers: [{ name: 'busybox', image: 'busybox:1.35.0', securityContext: { privileged: true } }] } } },
        },
      },
    };
    const workloadKinds = [{ kind: 'FlinkDeployment', group: 'flink.apache.org', templatePath: 'spec.podTemplate' }];
    expect(logged(flink, { config: { level: 'baseline', workloadKinds } })).toMatch(
      /^warn: hardpod cannot check kubernetes:flink.apache.org\/v1beta1:FlinkDeployment f: .* but spec\.taskManager\.podTemplate\.spec looks like a pod spec too, outside the mapped template/,
    );
    // In preview a workload's whole spec may be an unknown Output: its outcome is logged as unknown.
    const unknownSpec = { ...deploymentArgs({}), props: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: pulumi.output(new Promise<never>(() => {})) } };
    expect(logged(unknownSpec)).toMatch(/^warn: hardpod: kubernetes:apps\/v1:Deployment web:\n {2}unknown during preview: well-formed-pod-spec at spec/);
    // A patch is partial: warned about, neither judged as a whole object nor rewritten.
    const patch = { ...deploymentArgs({}), type: 'kubernetes:apps/v1:DeploymentPatch', name: 'bump-web' };
    expect(logged(patch, { harden: true })).toMatch(/^warn: hardpod: kubernetes:apps\/v1:DeploymentPatch bump-web: a patch changes only some fields/);
  });

  test('a rewrite keeps every resource option as the program set it (hideDiffs, plugin checksums, aliases)', async () => {
    // Through the SDK's own callback handler, which turns the transform's result into the engine's response.
    const server = new CallbackServer({});
    try {
      const transform = hardpodTransform({ harden: true, config: { level: 'restricted' }, log: () => undefined });
      const handler = server._callbacks.get((await server.registerTransform(transform)).getToken());
      const alias = new aliasproto.Alias();
      alias.setSpec(new aliasproto.Alias.Spec());
      alias.getSpec().setName('old-web');
      const options = new resproto.TransformResourceOptions();
      options.setProtect(true);
      options.setHideDiffList(['spec']);
      options.getPluginChecksumsMap().set('linux-amd64', new Uint8Array([1, 2, 3]));
      options.setAliasesList([alias]);
      const request = new resproto.TransformRequest();
      request.setType('kubernetes:apps/v1:Deployment');
      request.setName('web');
      request.setCustom(true);
      request.setProperties(structproto.Struct.fromJavaScript(deploymentProps({ securityContext: { privileged: true } }, {}, FIXTURE_IMAGE)));
      request.setOptions(options);
      const response = await handler(request.serializeBinary());
      expect(podOf(response.getProperties().toJavaScript()).containers[0].securityContext.privileged).toBe(false);
      expect(response.getOptions().toObject()).toEqual(options.toObject());
    } finally {
      server.shutdown();
    }
  });

  test('a container without bounds says that a LimitRange of the program is not seen here, and how to declare one', () => {
    const unbounded = deploymentArgs({}, { securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } } });
    const config = { rules: { 'dedicated-service-account': { enabled: false }, 'probes': { enabled: false }, 'read-only-root-filesystem': { enabled: false } } };
    let message = '';
    try {
      run({ config: { ...config, level: 'hardened' } }, unbounded);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('resources at spec.template.spec.containers[0].resources: container "web" must set');
    expect(message).toContain('a LimitRange this program creates is not seen');
    expect(message).toContain('cluster.objects');
    // Declared in the cluster context, its defaults bound the container.
    const limitRange = {
      apiVersion: 'v1',
      kind: 'LimitRange',
      metadata: { name: 'defaults', namespace: 'shop' },
      spec: { limits: [{ type: 'Container', default: { cpu: '500m', memory: '256Mi' } }] },
    };
    const { logs } = run({ config: { ...config, enforcement: 'warn', cluster: { objects: [limitRange] } } }, unbounded);
    expect(logs.map((l) => l.message).join('\n')).not.toContain('resources at');
  });

  test('a config mistake fails when the transform is made, not per resource', () => {
    expect(() => hardpodTransform({ config: { kubernetesVersion: '2.0' } })).toThrow(/unsupported Kubernetes version "2.0"/);
    expect(() => hardpodTransform({ hardn: true } as never)).toThrow(/hardpodTransform: unknown option "hardn".*harden/);
    expect(() => hardpodTransform({ harden: 'yes' } as never)).toThrow(/harden must be true or false \(got "yes"\)/);
    // As Pulumi reports a failed check: the message alone, without the program's stack trace.
    let thrown: unknown;
    try {
      hardpodTransform({ config: { level: 'strict' as never } });
    } catch (error) {
      thrown = error;
    }
    expect(pulumi.RunError.isInstance(thrown)).toBe(true);
    expect(() => hardpodTransform(null as never)).toThrow(HardpodError);
  });

  test('hardening settings a plain JavaScript program gets wrong fail when the transform is made, instead of being ignored or written into workloads', () => {
    expect(() => hardpodTransform({ harden: true, hardening: { resource: { requests: { cpu: '50m' } } } as never }))
      .toThrow(/hardpodTransform: unknown setting "hardening.resource" \(did you mean "resources"\?\)/);
    expect(() => hardpodTransform({ harden: true, hardening: 'strict' as never })).toThrow(/hardening must be an object of imageFacts, resources, seccompProfile, workloadKinds/);
    expect(() => hardpodTransform({ harden: true, hardening: { resources: { request: { cpu: '50m' } } } as never })).toThrow(/unknown setting "hardening.resources.request"/);
    expect(() => hardpodTransform({ harden: true, hardening: { resources: { requests: { cpus: '50m' } } } })).toThrow(/unknown setting "hardening.resources.requests.cpus".*expected one of cpu, memory/);
    expect(() => hardpodTransform({ harden: true, hardening: { resources: { limits: { memory: '512 MB' } } } }))
      .toThrow(/hardening.resources.limits.memory "512 MB" is not a quantity/);
    expect(() => hardpodTransform({ hardening: { workloadKinds: [{ kind: 'Rollout' }] } as never })).toThrow(/hardpodTransform hardening.workloadKinds\[0\]: a workload kind needs templatePath/);
    expect(() => hardpodTransform({ harden: true, hardening: { seccompProfile: 'RuntimeDefault' as never } })).toThrow(/hardening.seccompProfile must be \{ type: RuntimeDefault \}/);
    expect(() => hardpodTransform({ harden: true, hardening: { seccompProfile: { type: 'Unconfined' } } })).toThrow(/hardening.seccompProfile must be/);
    expect(() => hardpodTransform({ harden: true, hardening: { seccompProfile: { type: 'Localhost' } } })).toThrow(/localhostProfile/);
    // As Pulumi reports a failed check: the message alone, without the program's stack trace.
    let thrown: unknown;
    try {
      hardpodTransform({ hardening: { resource: {} } as never });
    } catch (error) {
      thrown = error;
    }
    expect(pulumi.RunError.isInstance(thrown)).toBe(true);
    // What is right is taken as it is.
    const hardening = { resources: { requests: { cpu: '50m' } }, seccompProfile: { type: 'Localhost', localhostProfile: 'p.json' } };
    const { result } = run({ harden: true, hardening, config: { enforcement: 'warn' } }, deploymentArgs({}));
    expect(podOf(result!.props).containers[0].resources.requests.cpu).toBe('50m');
    expect(podOf(result!.props).securityContext.seccompProfile).toEqual({ type: 'Localhost', localhostProfile: 'p.json' });
  });
});

describe('hardpodTransform with a config override of a rule it does not run', () => {
  test('logs a warning once, when the transform is made, naming the key and why', () => {
    const logs: { severity: string; message: string }[] = [];
    const config = { edition: 1, level: 'baseline' as const, rules: { 'privileged': { severity: 'high' as const }, 'well-formed-objects': { severity: 'low' as const }, 'image-digest': { enforcement: 'warn' as const } } };
    const transform = hardpodTransform({ config, log: (severity, message) => logs.push({ severity, message }) });
    const idle = [
      { severity: 'warn', message: 'hardpod: hardpodTransform config.rules.well-formed-objects: the override of well-formed-objects has no effect, as the rule does not run: it came in rule-set edition 2, and the config pins edition 1' },
      { severity: 'warn', message: 'hardpod: hardpodTransform config.rules.image-digest: the override of image-digest has no effect, as the rule does not run: it is in level hardened, and this run checks level baseline' },
    ];
    expect(logs).toEqual(idle);
    for (let i = 0; i < 2; i++) expect(transform(deploymentArgs({}))).toBeUndefined();
    expect(logs.filter((l) => l.message.includes('has no effect'))).toEqual(idle);
  });
});

describe('hardpodTransform on typed lists', () => {
  test('the items of a DeploymentList written without apiVersion and kind are checked as Deployments', () => {
    const item = { metadata: { name: 'web', namespace: 'shop' }, spec: deploymentProps({ securityContext: { privileged: true } }).spec };
    const args = { custom: true, type: 'kubernetes:apps/v1:DeploymentList', name: 'list', opts: {}, props: { apiVersion: 'apps/v1', kind: 'DeploymentList', items: [item] } };
    expect(() => run({ config: { level: 'baseline' } }, args)).toThrow(/DeploymentList list: .*\n {2}privileged at items\[0\] \(Deployment shop\/web\) spec\.template\.spec\.containers\[0\]\.securityContext\.privileged/);
  });

  test('a finding on an item of a List names the item\'s place in it and the item, as items may share kind, namespace and name', () => {
    const api = (pod: Record<string, unknown>) => ({ ...deploymentProps({ securityContext: { privileged: true } }, pod, FIXTURE_IMAGE), metadata: { name: 'api', namespace: 'shop' } });
    const args = (items: unknown[]) => ({ custom: true, type: 'kubernetes:core/v1:List', name: 'exported', opts: {}, props: { apiVersion: 'v1', kind: 'List', items } });
    const web = deploymentProps({}, {}, FIXTURE_IMAGE);
    expect(() => run({ config: { level: 'baseline' } }, args([web, api({})])))
      .toThrow(/List exported: .*\n {2}privileged at items\[1\] \(Deployment shop\/api\) spec\.template\.spec\.containers\[0\]\.securityContext\.privileged: /);
    const { logs } = run({ config: { level: 'baseline', enforcement: 'warn' } }, args([web, api({ hostPID: true })]));
    expect(logs.map((l) => l.message).join('\n')).toMatch(/\n {2}host-namespaces at items\[1\] \(Deployment shop\/api\) spec\.template\.spec\.hostPID: /);
  });

  test('a mistake in the suppression annotation of an item of a List names the item\'s place in it', () => {
    const web = { ...deploymentProps({}, {}, FIXTURE_IMAGE), metadata: { name: 'web', namespace: 'shop', annotations: { 'hardpod.dev/suppress.privileged': '' } } };
    const args = { custom: true, type: 'kubernetes:core/v1:List', name: 'exported', opts: {}, props: { apiVersion: 'v1', kind: 'List', items: [deploymentProps({}, {}, FIXTURE_IMAGE), web] } };
    expect(() => run({ config: { level: 'baseline' } }, args))
      .toThrow('exported items[1] (annotation hardpod.dev/suppress.privileged): suppression of privileged needs a non-empty reason');
  });
});
