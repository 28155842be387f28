import * as pulumi from '@pulumi/pulumi';
import { deploymentProps, secret } from './analyzer';
import { HardpodError } from '../../src/model/errors';
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

describe('hardpodTransform', () => {
  test('a privileged workload fails the program with a HardpodError naming the resource, rule and field', () => {
    const args = deploymentArgs({ securityContext: { privileged: true } });
    expect(() => run({}, args)).toThrow(HardpodError);
    expect(() => run({}, args)).toThrow(/kubernetes:apps\/v1:Deployment web: .*privileged at spec\.template\.spec\.containers\[0\]\.securityContext\.privileged/s);
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
    expect(result!.opts).toBe(args.opts);
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

  test('components, non-workload objects and other providers\' resources are left alone', () => {
    expect(run({}, { ...deploymentArgs({ securityContext: { privileged: true } }), custom: false }).result).toBeUndefined();
    const configMap = { custom: true, type: 'kubernetes:core/v1:ConfigMap', name: 'c', opts: {}, props: { apiVersion: 'v1', kind: 'ConfigMap', data: { a: 'b' } } };
    expect(run({ harden: true }, configMap)).toEqual({ result: undefined, logs: [] });
    expect(run({ harden: true }, { custom: true, type: 'random:index/randomPet:RandomPet', name: 'p', opts: {}, props: { length: 2 } }).result).toBeUndefined();
  });

  test('a config mistake fails when the transform is made, not per resource', () => {
    expect(() => hardpodTransform({ config: { kubernetesVersion: '2.0' } })).toThrow(/unsupported Kubernetes version "2.0"/);
  });
});
