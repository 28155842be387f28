/**
 * LimitRanges on the real API server: the LimitRanger admission plugin (enabled by default) writes a
 * LimitRange's Container defaults into the containers that set none, and the resources rule counts
 * them when the LimitRange is in the input or declared in the config. A pod outside the LimitRange's
 * min and max is refused at admission, which the resources rule does not judge.
 */
import { evaluate, type EngineConfig } from '../../src/engine';
import type { KubeObject } from '../../src/model';
import type { Cluster } from '../harness/cluster';
import { describeCluster } from '../harness/cluster-suite';

const IMAGE = `registry.example.com/app@sha256:${'a'.repeat(64)}`;

interface Resources { requests?: Record<string, string>; limits?: Record<string, string> }

function pod(namespace: string, name: string, resources?: Resources): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace },
    spec: {
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      initContainers: [{ name: 'setup', image: IMAGE, securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }],
      containers: [{
        name: 'app',
        image: IMAGE,
        securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
        ...(resources ? { resources } : {}),
      }],
    },
  };
}

function limitRange(namespace: string | undefined, item: Record<string, unknown>): KubeObject {
  return { apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'defaults', ...(namespace ? { namespace } : {}) }, spec: { limits: [{ type: 'Container', ...item }] } };
}

/** The resources rule's findings on the pod, with the other objects in the input. */
function resourcesFindings(object: KubeObject, input: readonly KubeObject[], config: EngineConfig = {}): string[] {
  const report = evaluate([object, ...input].map((o) => ({ object: o, source: { file: 'chart.yaml' } })), { level: 'hardened', ...config });
  return report.findings.filter((f) => f.rule === 'resources').map((f) => `${f.outcome} ${f.path}: ${f.message}`);
}

/** Creates the LimitRange in a fresh namespace; returns the namespace and the LimitRange as the server stored it. */
async function namespaceWith(c: Cluster, prefix: string, item: Record<string, unknown>): Promise<{ namespace: string; stored: KubeObject }> {
  const namespace = await c.createNamespace(c.uniqueNamespaceName(prefix));
  const created = await c.create(limitRange(namespace, item));
  expect({ status: created.status, message: created.message }).toEqual({ status: 201, message: undefined });
  return { namespace, stored: created.body as KubeObject };
}

/** What the server stores for each container of the pod (init container first), after a dry-run create. */
async function storedResources(c: Cluster, object: KubeObject): Promise<unknown[]> {
  // LimitRanger reads LimitRanges through a cache that looks a new namespace's up live: retried until seen.
  let stored: unknown[] = [];
  await c.waitUntil('LimitRanger sees the LimitRange', async () => {
    const verdict = await c.dryRunCreate(object);
    expect({ status: verdict.status, message: verdict.message }).toEqual({ status: 201, message: undefined });
    const spec = (verdict.body as { spec: { initContainers: { resources?: unknown }[]; containers: { resources?: unknown }[] } }).spec;
    stored = [...spec.initContainers, ...spec.containers].map((x) => x.resources ?? {});
    return stored.some((r) => Object.keys(r as object).length > 0);
  });
  return stored;
}

describeCluster('LimitRange defaults', (cluster) => {
  test('default goes to limits and defaultRequest to requests of the containers that set none; hardpod agrees', async () => {
    const c = cluster();
    const item = { default: { cpu: '500m', memory: '256Mi' }, defaultRequest: { cpu: '100m' } };
    const { namespace, stored: range } = await namespaceWith(c, 'limit-range-defaults', item);
    const none = pod(namespace, 'none');
    expect(await storedResources(c, none)).toEqual([0, 1].map(() => ({ requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '500m', memory: '256Mi' } })));
    // The server stored the LimitRange with defaultRequest.memory defaulted to default.memory.
    expect((range.spec as { limits: { defaultRequest: unknown }[] }).limits[0].defaultRequest).toEqual({ cpu: '100m', memory: '256Mi' });
    expect(resourcesFindings(none, [limitRange(namespace, item)])).toEqual([]);
    expect(resourcesFindings(none, [], { cluster: { objects: [limitRange(namespace, item)] } })).toEqual([]);
    // Declared once without a namespace, for the LimitRange the platform puts in every namespace.
    expect(resourcesFindings(none, [], { cluster: { objects: [limitRange(undefined, item)] } })).toEqual([]);
    // Input without the namespace's LimitRanges: failures, as the pod alone shows.
    expect(resourcesFindings(none, [])).toEqual([expect.stringMatching(/^fail .*initContainers\[0\]/), expect.stringMatching(/^fail .*containers\[0\]/)]);

    // A container's own values stay; only the missing ones are written.
    const partial = pod(namespace, 'partial', { requests: { memory: '64Mi' }, limits: { cpu: '1' } });
    expect((await storedResources(c, partial))[1]).toEqual({ requests: { cpu: '1', memory: '64Mi' }, limits: { cpu: '1', memory: '256Mi' } });
    expect(resourcesFindings(partial, [limitRange(namespace, item)])).toEqual([]);
  });

  test('a LimitRange with only default (or max) gives the request too; one with only defaultRequest gives no limit', async () => {
    const c = cluster();
    const onlyDefault = await namespaceWith(c, 'limit-range-default-only', { default: { cpu: '300m', memory: '128Mi' } });
    const bounded = pod(onlyDefault.namespace, 'bounded');
    expect((await storedResources(c, bounded))[1]).toEqual({ requests: { cpu: '300m', memory: '128Mi' }, limits: { cpu: '300m', memory: '128Mi' } });
    expect(resourcesFindings(bounded, [limitRange(onlyDefault.namespace, { default: { cpu: '300m', memory: '128Mi' } })])).toEqual([]);

    const onlyMax = await namespaceWith(c, 'limit-range-max-only', { max: { cpu: '2', memory: '1Gi' } });
    const capped = pod(onlyMax.namespace, 'capped');
    expect((await storedResources(c, capped))[1]).toEqual({ requests: { cpu: '2', memory: '1Gi' }, limits: { cpu: '2', memory: '1Gi' } });
    expect(resourcesFindings(capped, [limitRange(onlyMax.namespace, { max: { cpu: '2', memory: '1Gi' } })])).toEqual([]);

    const requestsOnly = { defaultRequest: { cpu: '100m', memory: '64Mi' } };
    const onlyRequest = await namespaceWith(c, 'limit-range-request-only', requestsOnly);
    const unbounded = pod(onlyRequest.namespace, 'unbounded');
    expect((await storedResources(c, unbounded))[1]).toEqual({ requests: { cpu: '100m', memory: '64Mi' } });
    expect(resourcesFindings(unbounded, [limitRange(onlyRequest.namespace, requestsOnly)])).toEqual(['initContainers', 'containers'].map((field) =>
      expect.stringMatching(new RegExp(`^fail spec\\.${field}\\[0\\]\\.resources: .* must set resources\\.limits\\.cpu, resources\\.limits\\.memory$`))));
  });

  test('a pod outside the LimitRange\'s min and max is refused at admission; the resources rule does not judge that', async () => {
    const c = cluster();
    const item = { max: { memory: '1Gi' }, min: { memory: '16Mi' }, default: { cpu: '500m', memory: '256Mi' } };
    const { namespace } = await namespaceWith(c, 'limit-range-max', item);
    await storedResources(c, pod(namespace, 'within'));
    const above = pod(namespace, 'above', { limits: { memory: '2Gi' } });
    const refused = await c.dryRunCreate(above);
    expect({ status: refused.status, reason: refused.reason }).toEqual({ status: 403, reason: 'Forbidden' });
    expect(refused.message).toContain('maximum memory usage per Container is 1Gi, but limit is 2Gi');
    expect(resourcesFindings(above, [limitRange(namespace, item)])).toEqual([]);
  });

  test('a request above the default limit the LimitRange writes beside it is refused, and hardpod says so', async () => {
    const c = cluster();
    const item = { default: { cpu: '500m', memory: '256Mi' } };
    const { namespace } = await namespaceWith(c, 'limit-range-request-above', item);
    await storedResources(c, pod(namespace, 'within'));
    const above = pod(namespace, 'above', { requests: { cpu: '1' }, limits: { memory: '256Mi' } });
    const refused = await c.dryRunCreate(above);
    expect({ status: refused.status, reason: refused.reason }).toEqual({ status: 422, reason: 'Invalid' });
    expect(refused.message).toContain('must be less than or equal to cpu limit');
    expect(resourcesFindings(above, [limitRange(namespace, item)])).toEqual([
      expect.stringMatching(/^fail spec\.containers\[0\]\.resources\.requests\.cpu: container "app" requests more cpu \("1"\) than the default limit \("500m"\)/),
    ]);
  });
});
