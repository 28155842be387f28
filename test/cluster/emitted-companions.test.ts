/**
 * Everything namespaced the library emits besides workloads (ServiceAccounts, NetworkPolicies,
 * Services, PodDisruptionBudgets, HorizontalPodAutoscalers), and the Namespaces with their Pod Security labels, are accepted
 * by the real API server with strict field validation, both created and server-side applied (dry
 * run). Emitted Namespaces are then created for real to show that their labels take effect.
 */
import { emittedNamespaces, workloadCases } from './emitted';
import { renderEverywhere } from './front-doors';
import { hardenedPod } from './mutations';
import { buildNamespace, extractPodViews, type KubeObject } from '../../src/model';
import type { Verdict } from '../harness/cluster';
import { describeCluster } from '../harness/cluster-suite';
import { mapLimit } from '../harness/pod-security';

/** Every distinct companion object the three front doors emit over the whole table. */
async function workloadCompanions(): Promise<{ id: string; object: KubeObject }[]> {
  const companions: { id: string; object: KubeObject }[] = [];
  for (const c of workloadCases()) {
    for (const { object, doors } of await renderEverywhere(c)) {
      if (extractPodViews(object).views.length === 0) companions.push({ id: `${c.id} [${doors.join(', ')}]: ${object.kind}/${object.metadata?.name}`, object });
    }
  }
  return companions;
}
const NAMESPACES = emittedNamespaces();

function problemsOf(what: string, verdict: Verdict): string[] {
  if (!verdict.allowed) return [`${what}: ${verdict.status} ${verdict.reason ?? ''} ${verdict.message ?? ''}`];
  return verdict.warnings.map((w) => `${what}: warning ${w}`);
}

describeCluster('emitted companions and namespaces are accepted with strict field validation', (cluster) => {
  let namespace = '';
  let companions: { id: string; object: KubeObject }[] = [];
  beforeAll(async () => {
    namespace = await cluster().createPodSecurityNamespace('emitted-companions', 'restricted');
    companions = await workloadCompanions();
  }, 120_000);

  test('the table holds every companion kind', () => {
    const kinds = new Set([...companions.map((c) => c.object.kind), ...NAMESPACES.flatMap((c) => c.objects.map((o) => o.kind))]);
    expect([...kinds].sort()).toEqual(expect.arrayContaining(['HorizontalPodAutoscaler', 'Namespace', 'NetworkPolicy', 'PodDisruptionBudget', 'Service', 'ServiceAccount']));
    // The Service settings reach the server too.
    const specs = companions.filter((c) => c.object.kind === 'Service').map((c) => c.object.spec as Record<string, unknown>);
    expect(specs.some((spec) => spec.loadBalancerSourceRanges !== undefined && spec.externalTrafficPolicy === 'Local')).toBe(true);
  });

  test('every workload companion is created and applied without warnings', async () => {
    expect(companions.length).toBeGreaterThan(500);
    const problems = await mapLimit(companions, 6, async ({ id, object }) => [
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

  test('podSecurityVersion: the builder accepts exactly the versions the API server accepts on a Namespace', async () => {
    const c = cluster();
    const versions = ['latest', 'v1.0', 'v1.9', 'v1.25', 'v1.99', 'v1.030', 'v1.01', 'v1.00', '1.30', 'v1.', 'v2.0', 'LATEST', 'v1.3a', ''];
    const verdicts = await mapLimit(versions, 4, async (version) => {
      let built: KubeObject | string;
      try {
        built = buildNamespace({ name: c.uniqueNamespaceName('psa-version'), podSecurityVersion: version }).namespace as KubeObject;
      } catch (error) {
        built = (error as Error).message;
      }
      const labels = { 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/enforce-version': version };
      const server = await c.dryRunCreate({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: c.uniqueNamespaceName('psa-version'), labels } });
      return { version, builder: typeof built === 'string' ? built : 'accepted', server: server.allowed ? 'accepted' : 'refused' };
    });
    for (const v of verdicts) {
      expect(v).toEqual(v.server === 'accepted' ? { ...v, builder: 'accepted' } : { ...v, builder: expect.stringContaining('is not valid: write v1.<minor>') });
    }
    expect(verdicts.filter((v) => v.server === 'accepted').map((v) => v.version)).toEqual(['latest', 'v1.0', 'v1.9', 'v1.25', 'v1.99']);
  });
});
