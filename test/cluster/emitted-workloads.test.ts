/**
 * Every workload the library emits, over a broad table of props, is admitted by the real API server in
 * namespaces that enforce Pod Security `restricted` (at the server's version and at the version the
 * library targets by default): created with server-side dry-run and strict field validation, and
 * server-side applied the same way, with no rejection, no warning and no unknown field. Each pod
 * template is also dry-run created as a Pod, which Pod Security enforces rather than only warns on.
 */
import { emittedWorkloads } from './emitted';
import { DEFAULT_KUBERNETES_MINOR, extractPodViews } from '../../src/model';
import type { Cluster, KubeObjectLike, Verdict } from '../harness/cluster';
import { describeCluster } from '../harness/cluster-suite';
import { engineVerdict, mapLimit, podFromTemplate } from '../harness/pod-security';

const CASES = emittedWorkloads();

function problemsOf(what: string, verdict: Verdict): string[] {
  if (!verdict.allowed) return [`${what}: ${verdict.status} ${verdict.reason ?? ''} ${verdict.message ?? ''}`];
  return verdict.warnings.map((w) => `${what}: warning ${w}`);
}

describeCluster('emitted workloads are admitted under Pod Security restricted', (cluster) => {
  /** Namespace per Pod Security version the workloads are judged at. */
  const namespaces = new Map<string, string>();

  beforeAll(async () => {
    const versions = [...new Set([cluster().podSecurityVersion, `v1.${DEFAULT_KUBERNETES_MINOR}`])];
    for (const version of versions) {
      namespaces.set(version, await cluster().createPodSecurityNamespace(`emitted-restricted-${version.replace('.', '-')}`, 'restricted', version));
    }
  });

  test('the table covers every workload kind and the companions', () => {
    const kinds = new Set(CASES.flatMap((c) => c.objects.map((o) => o.kind)));
    for (const kind of ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'ServiceAccount', 'Service', 'NetworkPolicy', 'PodDisruptionBudget']) {
      expect(kinds).toContain(kind);
    }
    expect(CASES.length).toBeGreaterThan(100);
  });

  test.each(CASES.map((c) => [c.id, c] as const))('%s', async (_id, emitted) => {
    const c: Cluster = cluster();
    const workloads = emitted.objects.filter((o) => extractPodViews(o).views.length > 0);
    expect(workloads).toHaveLength(1);
    const problems: string[] = [];
    for (const [version, namespace] of namespaces) {
      const results = await mapLimit(emitted.objects, 4, async (object: KubeObjectLike) => {
        const where = `${object.kind}/${object.metadata?.name} at ${version}`;
        return [
          ...problemsOf(`${where} dry-run create`, await c.dryRunCreate(object, namespace)),
          ...problemsOf(`${where} server-side apply`, await c.apply(object, { namespace, dryRun: true })),
        ];
      });
      problems.push(...results.flat());
      // The Pod needs its ServiceAccount to exist (ServiceAccount admission), so that one is applied for real.
      for (const account of emitted.objects.filter((o) => o.kind === 'ServiceAccount')) {
        problems.push(...problemsOf(`ServiceAccount/${account.metadata?.name} at ${version} server-side apply`, await c.apply(account, { namespace })));
      }
      for (const workload of workloads) {
        const pod = podFromTemplate(workload);
        if (!pod) throw new Error(`no pod template in ${workload.kind}`);
        problems.push(...problemsOf(`${workload.kind}/${workload.metadata?.name} at ${version} pod template as a Pod`, await c.dryRunCreate(pod, namespace)));
      }
    }
    // The checker agrees with the server: nothing the server admits is refused at restricted.
    for (const workload of workloads) {
      const verdict = engineVerdict(workload, 'restricted', c.minor);
      if (!verdict.allowed) problems.push(`hardpod check --level restricted refuses ${workload.kind}: ${verdict.reasons.join('; ')}`);
    }
    expect(problems).toEqual([]);
  }, 120_000);
});
