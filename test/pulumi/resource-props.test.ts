import * as pulumi from '@pulumi/pulumi';
import fc from 'fast-check';
import { UNKNOWN_VALUE } from '../../src/model/pod-view';
import { isPatchType, kubeObjectOf, kubernetesTypeOf, patchedObjectOf, restoreOpaque, splitFieldPath, toCheckable } from '../../src/pulumi/resource-props';

/** A value Pulumi hands over that the core cannot read: an Output, a class instance. */
class Asset {
  constructor(readonly path: string) {}
}

const opaqueLeaf = fc.oneof(fc.constant('output'), fc.constant('asset'));
const json = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string(), fc.integer(), fc.boolean(), opaqueLeaf,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.string({ minLength: 1, maxLength: 6 }).filter((k) => k !== '__proto__'), tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** Replaces the markers 'output' and 'asset' with real opaque values. */
function materialize(value: unknown): unknown {
  if (value === 'output') return pulumi.output('x');
  if (value === 'asset') return new Asset('a');
  if (Array.isArray(value)) return value.map(materialize);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, materialize(v)]));
  return value;
}

describe('toCheckable and restoreOpaque', () => {
  const test1 = { isOpaque: (v: unknown) => pulumi.Output.isInstance(v) };

  test('the checkable copy holds no opaque value, and restoring gives back the very same values', () => {
    fc.assert(fc.property(fc.dictionary(fc.string({ minLength: 1, maxLength: 6 }).filter((k) => k !== '__proto__'), json, { maxKeys: 5 }), (shape) => {
      const props = materialize(shape) as Record<string, unknown>;
      const { plain, opaque } = toCheckable(props, test1);
      const leaves: unknown[] = [];
      const walk = (v: unknown): void => {
        if (Array.isArray(v)) v.forEach(walk);
        else if (v && typeof v === 'object') Object.values(v).forEach(walk);
        else leaves.push(v);
      };
      walk(plain);
      expect(leaves.every((l) => typeof l !== 'object' || l === null)).toBe(true);
      expect(restoreOpaque(structuredClone(plain), opaque)).toEqual(props);
      for (const { value } of opaque) expect(pulumi.Output.isInstance(value) || value instanceof Asset).toBe(true);
    }), { numRuns: 200 });
  });

  test('a value rewritten after copying keeps the new value, not the opaque one', () => {
    const image = pulumi.output('ghcr.io/acme/web');
    const { plain, opaque } = toCheckable({ spec: { image, replicas: 2 } }, test1);
    expect(plain).toEqual({ spec: { image: UNKNOWN_VALUE, replicas: 2 } });
    (plain.spec as Record<string, unknown>).image = 'pinned@sha256:0';
    expect(restoreOpaque(plain, opaque)).toEqual({ spec: { image: 'pinned@sha256:0', replicas: 2 } });
  });

  test('a read that throws because the value is unknown becomes the unknown marker', () => {
    const props = new Proxy({ a: 1, b: 'secret' } as Record<string, unknown>, {
      get: (target, key) => {
        if (key === 'b') throw new Error('unknown');
        return target[key as string];
      },
    });
    const { plain } = toCheckable(props, { readThrows: (e) => (e as Error).message === 'unknown' });
    expect(plain).toEqual({ a: 1, b: UNKNOWN_VALUE });
    expect(() => toCheckable(props)).toThrow('unknown');
  });
});

describe('Pulumi type tokens', () => {
  test.each([
    ['kubernetes:apps/v1:Deployment', { apiVersion: 'apps/v1', kind: 'Deployment' }],
    ['kubernetes:core/v1:Pod', { apiVersion: 'v1', kind: 'Pod' }],
    ['kubernetes:networking.k8s.io/v1:NetworkPolicy', { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy' }],
    ['kubernetes:argoproj.io/v1alpha1:Rollout', { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout' }],
  ])('%s is a Kubernetes object', (type, expected) => {
    expect(kubernetesTypeOf(type)).toEqual(expected);
  });

  test.each([
    'kubernetes:helm.sh/v3:Release', 'kubernetes:helm.sh/v4:Chart', 'kubernetes:yaml/v2:ConfigFile', 'kubernetes:yaml:ConfigGroup',
    'kubernetes:kustomize/v2:Directory', 'pulumi:providers:kubernetes', 'random:index/randomPet:RandomPet', 'kubernetes:index:Thing',
  ])('%s is not', (type) => {
    expect(kubernetesTypeOf(type)).toBeUndefined();
  });

  test('apiVersion and kind come from the properties, or from the token when they are missing or unknown', () => {
    expect(kubeObjectOf('kubernetes:apps/v1:Deployment', { metadata: { name: 'w' } })).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'w' } });
    expect(kubeObjectOf('kubernetes:apps/v1:Deployment', { apiVersion: UNKNOWN_VALUE, kind: 'Deployment' })?.apiVersion).toBe('apps/v1');
    expect(kubeObjectOf('kubernetes:helm.sh/v3:Release', { chart: 'x' })).toBeUndefined();
  });

  test('patch tokens are partial objects: not Kubernetes objects to judge, but their patched kind is known', () => {
    expect(isPatchType('kubernetes:apps/v1:DeploymentPatch')).toBe(true);
    expect(isPatchType('kubernetes:core/v1:ConfigMapPatch')).toBe(true);
    expect(isPatchType('kubernetes:apps/v1:Deployment')).toBe(false);
    expect(isPatchType('kubernetes:helm.sh/v3:ReleasePatch')).toBe(false);
    expect(kubernetesTypeOf('kubernetes:apps/v1:DeploymentPatch')).toBeUndefined();
    expect(kubeObjectOf('kubernetes:apps/v1:DeploymentPatch', { spec: { replicas: 2 } })).toBeUndefined();
    expect(patchedObjectOf('kubernetes:apps/v1:DeploymentPatch', { spec: { replicas: 2 } })).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', spec: { replicas: 2 } });
    expect(patchedObjectOf('kubernetes:apps/v1:Deployment', {})).toBeUndefined();
  });

  test('field paths split as Pulumi property paths', () => {
    expect(splitFieldPath('spec.template.spec.containers[0].securityContext.capabilities.add[12]'))
      .toEqual(['spec', 'template', 'spec', 'containers', 0, 'securityContext', 'capabilities', 'add', 12]);
    expect(splitFieldPath('')).toEqual([]);
  });
});
