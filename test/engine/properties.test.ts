import fc from 'fast-check';
import { PREVIEW_SOURCE } from './helpers';
import { evaluate, resolveConfig } from '../../src/engine';
import type { KubeObject } from '../../src/model/kube-object';
import { extractPodViews, UNKNOWN_VALUE } from '../../src/model/pod-view';

/** Property-based tests: the extractor and the engine never crash, and verdicts behave like the standard says. */

const anyValue = fc.oneof(fc.anything({ maxDepth: 3 }), fc.constant(UNKNOWN_VALUE), fc.constant(null));
const fieldsOf = (keys: string[]) => fc.dictionary(fc.constantFrom(...keys), anyValue, { maxKeys: keys.length });

const SECURITY_KEYS = ['privileged', 'allowPrivilegeEscalation', 'runAsNonRoot', 'runAsUser', 'capabilities', 'seccompProfile', 'seLinuxOptions', 'appArmorProfile', 'procMount', 'windowsOptions', 'sysctls'];
const CONTAINER_KEYS = ['name', 'image', 'securityContext', 'ports', 'livenessProbe', 'lifecycle', 'env'];
const SPEC_KEYS = ['containers', 'initContainers', 'ephemeralContainers', 'securityContext', 'volumes', 'hostNetwork', 'hostPID', 'hostUsers', 'os'];

/** Containers whose fields hold anything at all, with security contexts biased toward real keys. */
const wildContainer = fc.oneof(
  anyValue,
  fc.record({ name: fc.string(), securityContext: fc.oneof(anyValue, fieldsOf(SECURITY_KEYS)) }),
  fieldsOf(CONTAINER_KEYS),
);
const wildSpec = fc.oneof(
  anyValue,
  fieldsOf(SPEC_KEYS),
  fc.record({
    containers: fc.oneof(anyValue, fc.array(wildContainer, { maxLength: 3 })),
    securityContext: fc.oneof(anyValue, fieldsOf(SECURITY_KEYS)),
  }),
);

function wrap(kind: string, spec: unknown, metadata: Record<string, unknown> = {}): KubeObject {
  const template = { metadata, spec };
  switch (kind) {
    case 'Pod': return { apiVersion: 'v1', kind, metadata: { name: 'p', ...metadata }, spec };
    case 'CronJob': return { apiVersion: 'batch/v1', kind, metadata: { name: 'c' }, spec: { jobTemplate: { spec: { template } } } };
    case 'List': return { apiVersion: 'v1', kind, items: [wrap('Pod', spec, metadata), wrap('Deployment', spec, metadata)] };
    case 'Widget': return { apiVersion: 'example.com/v1', kind, metadata: { name: 'w' }, spec: { template } };
    case 'JobSet': return { apiVersion: 'jobset.x-k8s.io/v1alpha2', kind, metadata: { name: 'j' }, spec: { replicatedJobs: [{ name: 'a', template: { spec: { template } } }, { name: 'b', template: { spec: { template } } }] } };
    default: return { apiVersion: 'apps/v1', kind, metadata: { name: 'd' }, spec: { template } };
  }
}
const kinds = fc.constantFrom('Pod', 'Deployment', 'StatefulSet', 'CronJob', 'List', 'Widget', 'JobSet');
/** JobSet mapped as its users would: a pod template in each item of a list. */
const workloadKinds = [{ kind: 'JobSet', templatePath: 'spec.replicatedJobs[*].template.spec.template' }];
const wildMetadata = fc.oneof(anyValue, fc.record({ annotations: fc.oneof(anyValue, fc.dictionary(fc.constantFrom('container.apparmor.security.beta.kubernetes.io/app', 'seccomp.security.alpha.kubernetes.io/pod', 'x'), anyValue)) }));

function at(object: unknown, path: string): unknown {
  let node = object;
  for (const part of path.replace(/\[(\d+)\]/g, '.$1').split('.').filter((p) => p)) node = (node as Record<string, unknown>)?.[part];
  return node;
}

const restricted = resolveConfig({ level: 'restricted' });
const baseline = resolveConfig({ level: 'baseline' });

describe('properties', () => {
  it('the extractor never throws, and every container path points at the container it names', () => {
    fc.assert(fc.property(kinds, wildSpec, wildMetadata, (kind, spec, metadata) => {
      const object = wrap(kind, spec, metadata as Record<string, unknown>);
      const extraction = extractPodViews(object, { workloadKinds });
      if (kind === 'JobSet') expect(extraction.views.map((view) => view.templatePath)).toEqual(['spec.replicatedJobs[0].template.spec.template', 'spec.replicatedJobs[1].template.spec.template']);
      for (const view of extraction.views) {
        expect(at(view.object, view.specPath)).toBe(spec);
        for (const container of view.containers) expect(at(view.object, container.path)).toBe(container.container);
      }
    }), { numRuns: 400 });
  });

  it('the engine never crashes and no rule throws on any shape', () => {
    fc.assert(fc.property(kinds, wildSpec, wildMetadata, fc.integer({ min: 0, max: 37 }), (kind, spec, metadata, minor) => {
      const report = evaluate([{ object: wrap(kind, spec, metadata as Record<string, unknown>), source: PREVIEW_SOURCE }], { level: 'restricted', kubernetesVersion: `1.${minor}`, workloadKinds });
      expect(report.findings.filter((f) => f.outcome === 'error')).toEqual([]);
    }), { numRuns: 400 });
  });

  it('a container list of the wrong type is never a silent pass', () => {
    const notAList = anyValue.filter((v) => v !== undefined && v !== null && !Array.isArray(v));
    fc.assert(fc.property(fc.constantFrom('Pod', 'Deployment', 'CronJob'), notAList, (kind, containers) => {
      const report = evaluate([{ object: wrap(kind, { containers }), source: PREVIEW_SOURCE }], baseline);
      expect(report.findings.some((f) => f.rule === 'well-formed-pod-spec' && f.path.endsWith('.containers'))).toBe(true);
    }), { numRuns: 200 });
  });

  // Plausible pods: real fields with values drawn from what the checks care about.
  const securityContext = fc.record({
    privileged: fc.boolean(),
    allowPrivilegeEscalation: fc.boolean(),
    runAsNonRoot: fc.boolean(),
    runAsUser: fc.constantFrom(0, 1000),
    capabilities: fc.record({ add: fc.subarray(['NET_BIND_SERVICE', 'SYS_ADMIN', 'CHOWN']), drop: fc.subarray(['ALL', 'NET_RAW']) }, { requiredKeys: [] }),
    seccompProfile: fc.record({ type: fc.constantFrom('RuntimeDefault', 'Localhost', 'Unconfined') }),
    procMount: fc.constantFrom('Default', 'Unmasked'),
  }, { requiredKeys: [] });
  const container = (name: string) => fc.record({
    name: fc.constant(name),
    image: fc.constant('app'),
    securityContext,
    ports: fc.array(fc.record({ containerPort: fc.constant(8080), hostPort: fc.constantFrom(0, 8080) }), { maxLength: 1 }),
  }, { requiredKeys: ['name', 'image'] });
  const podSpec = fc.record({
    hostNetwork: fc.boolean(),
    hostPID: fc.boolean(),
    hostUsers: fc.boolean(),
    securityContext: fc.record({ runAsNonRoot: fc.boolean(), seccompProfile: fc.record({ type: fc.constantFrom('RuntimeDefault', 'Unconfined') }) }, { requiredKeys: [] }),
    volumes: fc.array(fc.oneof(fc.constant({ name: 'tmp', emptyDir: {} }), fc.constant({ name: 'host', hostPath: { path: '/' } })), { maxLength: 2 }),
    containers: fc.tuple(container('app')),
    initContainers: fc.array(container('init'), { maxLength: 1 }),
    ephemeralContainers: fc.array(container('debug'), { maxLength: 1 }),
  }, { requiredKeys: ['containers'] });

  /** What a hardening step does to a pod: the secure value for every field the checks read. */
  function hardenLike(spec: Record<string, unknown>): Record<string, unknown> {
    const fix = (c: Record<string, unknown>) => ({
      ...c,
      ports: ((c.ports as { containerPort: number }[] | undefined) ?? []).map((p) => ({ containerPort: p.containerPort })),
      securityContext: { ...(c.securityContext as object), privileged: false, allowPrivilegeEscalation: false, runAsNonRoot: true, runAsUser: 1000, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' }, procMount: 'Default' },
    });
    return {
      ...spec,
      hostNetwork: false,
      hostPID: false,
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      volumes: ((spec.volumes as { hostPath?: unknown }[] | undefined) ?? []).filter((v) => !v.hostPath),
      containers: (spec.containers as Record<string, unknown>[]).map(fix),
      initContainers: ((spec.initContainers as Record<string, unknown>[] | undefined) ?? []).map(fix),
      ephemeralContainers: ((spec.ephemeralContainers as Record<string, unknown>[] | undefined) ?? []).map(fix),
    };
  }

  /**
   * The harden-like pod as a Deployment, or, with ephemeral containers, as a running Pod read back from
   * the server (with a resourceVersion): the API server refuses them in a template and in a Pod to create.
   */
  function hardened(spec: Record<string, unknown>): KubeObject {
    const pod = hardenLike(spec);
    return (pod.ephemeralContainers as unknown[]).length > 0 ? wrap('Pod', pod, { resourceVersion: '1' }) : wrap('Deployment', pod);
  }

  it('a harden-like mutation of any pod passes restricted', () => {
    fc.assert(fc.property(podSpec, (spec) => {
      const report = evaluate([{ object: hardened(spec), source: PREVIEW_SOURCE }], restricted);
      expect(report.findings).toEqual([]);
    }), { numRuns: 300 });
  });

  /** Every path to a value in a plain JSON tree. */
  function pathsOf(node: unknown, prefix: (string | number)[] = []): (string | number)[][] {
    if (typeof node !== 'object' || node === null) return [prefix];
    const keys: (string | number)[] = Array.isArray(node) ? node.map((_, i) => i) : Object.keys(node);
    return [prefix, ...keys.flatMap((k) => pathsOf((node as Record<string | number, unknown>)[k], [...prefix, k]))];
  }
  function replaced(node: unknown, path: (string | number)[], value: unknown): unknown {
    if (path.length === 0) return value;
    const copy = (Array.isArray(node) ? [...node] : { ...(node as object) }) as Record<string | number, unknown>;
    copy[path[0]] = replaced(copy[path[0]], path.slice(1), value);
    return copy;
  }

  it('a value not known yet in a passing pod never turns into a failure, only unknown', () => {
    fc.assert(fc.property(podSpec, fc.nat(), (spec, pick) => {
      const object = hardened(spec);
      const paths = pathsOf(object).filter((p) => p.length > 2 && p[0] === 'spec');
      const target = paths[pick % paths.length];
      const report = evaluate([{ object: replaced(object, target, UNKNOWN_VALUE) as KubeObject, source: PREVIEW_SOURCE }], restricted);
      expect(report.findings.filter((f) => f.outcome !== 'unknown')).toEqual([]);
    }), { numRuns: 400 });
  });

  it('restricted finds everything baseline finds, and wrapping a pod in a workload keeps the verdicts', () => {
    fc.assert(fc.property(podSpec, fc.integer({ min: 0, max: 37 }), (spec, minor) => {
      const version = `1.${minor}`;
      const asPod = evaluate([{ object: wrap('Pod', spec), source: PREVIEW_SOURCE }], { level: 'restricted', kubernetesVersion: version });
      const asBaseline = evaluate([{ object: wrap('Pod', spec), source: PREVIEW_SOURCE }], { level: 'baseline', kubernetesVersion: version });
      const keys = (r: typeof asPod) => new Set(r.findings.map((f) => `${f.rule}:${f.path.replace(/^spec\.template\.|^spec\.jobTemplate\.spec\.template\./, '')}`));
      const restrictedKeys = keys(asPod);
      for (const key of keys(asBaseline)) expect(restrictedKeys).toContain(key);
      const asDeployment = evaluate([{ object: wrap('Deployment', spec), source: PREVIEW_SOURCE }], { level: 'restricted', kubernetesVersion: version });
      expect([...keys(asDeployment)].sort()).toEqual([...restrictedKeys].sort());
    }), { numRuns: 200 });
  });
});
