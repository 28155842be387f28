/**
 * Everything namespaced the library emits besides workloads (ServiceAccounts, NetworkPolicies,
 * Services, PodDisruptionBudgets), and the Namespaces with their Pod Security labels, are accepted
 * by the real API server with strict field validation, both created and server-side applied (dry
 * run). Emitted Namespaces are then created for real to show that their labels take effect.
 */
import { emittedNamespaces, emittedWorkloads } from './emitted';
import { hardenedPod } from './mutations';
import { extractPodViews, type KubeObject } from '../../src/model';
import type { Verdict } from '../harness/cluster';
import { describeCluster } from '../harness/cluster-suite';
import { mapLimit } from '../harness/pod-security';

const WORKLOAD_COMPANIONS = emittedWorkloads().flatMap((c) =>
  c.objects.filter((o) => extractPodViews(o).views.length === 0).map((object) => ({ id: `${c.id}: ${object.kind}/${object.metadata?.name}`, object })));
const NAMESPACES = emittedNamespaces();

function problemsOf(what: string, verdict: Verdict): string[] {
  if (!verdict.allowed) return [`${what}: ${verdict.status} ${verdict.reason ?? ''} ${verdict.message ?? ''}`];
  return verdict.warnings.map((w) => `${what}: warning ${w}`);
}

describeCluster('emitted companions and namespaces are accepted with strict field validation', (cluster) => {
  let namespace = '';
  beforeAll(async () => {
    namespace = await cluster().createPodSecurityNamespace('emitted-companions', 'restricted');
  });

  test('the table holds every companion kind', () => {
    const kinds = new Set([...WORKLOAD_COMPANIONS.map((c) => c.object.kind), ...NAMESPACES.flatMap((c) => c.objects.map((o) => o.kind))]);
    expect([...kinds].sort()).toEqual(expect.arrayContaining(['Namespace', 'NetworkPolicy', 'PodDisruptionBudget', 'Service', 'ServiceAccount']));
  });

  test(`every workload companion (${WORKLOAD_COMPANIONS.length} objects) is created and applied without warnings`, async () => {
    const problems = await mapLimit(WORKLOAD_COMPANIONS, 6, async ({ id, object }) => [
      ...problemsOf(`${id} dry-run create`, await cluster().dryRunCreate(object, namespace)),
      ...problemsOf(`${id} server-side apply`, await cluster().apply(object, { namespace, dryRun: true })),
    ]);
    expect(problems.flat()).toEqual([]);
  }, 300_000);

  test.each(NAMESPACES.map((c) => [c.id, c] as const))('%s: accepted, and its Pod Security labels take effect', async (_id, emitted) => {
    const c = cluster();
    const [ns, ...rest] = emitted.objects;
    expect(ns.kind).toBe('Namespace');
    const problems: string[] = [
      ...problemsOf('Namespace dry-run create', await c.dryRunCreate(ns)),
      ...problemsOf('Namespace server-side apply', await c.apply(ns, { dryRun: true })),
    ];
    // Created for real under a fresh name, with the emitted labels, so Pod Security reads them.
    const name = c.uniqueNamespaceName(String(ns.metadata?.name));
    const created = await c.create({ ...ns, metadata: { ...ns.metadata, name } });
    problems.push(...problemsOf('Namespace create', created));
    await c.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default' } }, name);
    for (const object of rest) {
      problems.push(...problemsOf(`${object.kind}/${object.metadata?.name} dry-run create`, await c.dryRunCreate(object, name)));
      problems.push(...problemsOf(`${object.kind}/${object.metadata?.name} server-side apply`, await c.apply(object, { namespace: name, dryRun: true })));
    }
    expect(problems).toEqual([]);

    const labels = (ns.metadata?.labels ?? {}) as Record<string, string>;
    const enforce = labels['pod-security.kubernetes.io/enforce'];
    expect(['privileged', 'baseline', 'restricted']).toContain(enforce);
    const hardened = await c.dryRunCreate(hardenedPod(), name);
    expect(hardened.allowed).toBe(true);
    const privileged = structuredClone(hardenedPod()) as KubeObject & { spec: { hostNetwork?: boolean } };
    privileged.spec.hostNetwork = true;
    const refused = await c.dryRunCreate(privileged, name);
    expect({ status: refused.status, podSecurity: (refused.message ?? '').includes('violates PodSecurity') })
      .toEqual(enforce === 'privileged' ? { status: 201, podSecurity: false } : { status: 403, podSecurity: true });
  }, 120_000);
});
