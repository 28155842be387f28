/**
 * `kubernetesMinor` on a real API server of an older release the admission policies claim: every
 * hardened workload of the emitted table, built for that release as the target, is either refused at
 * synthesis naming the newer release its props need, or admitted by the server of that release with
 * strict field validation and no warning, keeping every field it was sent (an older server silently
 * drops a field whose feature gate is off, which is what the builders refuse to emit), and its pod
 * template is admitted as a Pod under Pod Security restricted pinned at that release.
 */
import { buildWithModel, schedulingPriorityClass, workloadCases, type WorkloadCase } from './emitted';
import { extractPodViews, HardpodError, type KubeObject } from '../../src/model';
import type { Cluster, ClusterServer } from '../harness/cluster';
import { describeCluster } from '../harness/cluster-suite';
import { mapLimit, podFromTemplate } from '../harness/pod-security';

/** The hardened rows: the shared prop table's rows opt out of hardening on purpose and are judged on the newest server. */
export const HARDENED_CASES = workloadCases().filter((c) => c.hardened);

/** The paths of `sent` that `stored` lacks: a field the server dropped (values may be normalised, presence may not change). */
export function droppedPaths(sent: unknown, stored: unknown, path = ''): string[] {
  if (Array.isArray(sent)) {
    if (!Array.isArray(stored) || stored.length !== sent.length) return [path];
    return sent.flatMap((item, i) => droppedPaths(item, stored[i], `${path}[${i}]`));
  }
  if (sent !== null && typeof sent === 'object') {
    if (stored === null || typeof stored !== 'object') return [path];
    return Object.entries(sent).flatMap(([key, value]) => (key in (stored as object)
      ? droppedPaths(value, (stored as Record<string, unknown>)[key], path ? `${path}.${key}` : key)
      : [path ? `${path}.${key}` : key]));
  }
  return [];
}

/** Built for the target release, or the builder's refusal. */
export function buildForTarget(c: WorkloadCase, target: number): KubeObject[] | HardpodError {
  try {
    return buildWithModel({ ...c, defaults: { ...c.defaults, kubernetesMinor: target } });
  } catch (error) {
    if (error instanceof HardpodError) return error;
    throw error;
  }
}

/**
 * Declares the suite for a target release on the server of that release. `more` registers tests of
 * that release of its own, with the namespace (enforcing restricted at the target) the suite made.
 */
export function describeEmittedWorkloadsForTarget(
  target: number, server: ClusterServer, more: (cluster: () => Cluster, namespace: () => string) => void = () => undefined,
): void {
  describeCluster(`workloads built for a Kubernetes 1.${target} target, on a 1.${target} API server`, (cluster) => {
    let namespace = '';

    beforeAll(async () => {
      const c = cluster();
      const priorityClass = await c.apply(schedulingPriorityClass());
      if (!priorityClass.allowed) throw new Error(`cannot apply PriorityClass: ${priorityClass.status} ${priorityClass.message}`);
      namespace = await c.createPodSecurityNamespace(`emitted-${server}`, 'restricted', `v1.${target}`);
    });

    test(`the server is Kubernetes 1.${target}`, () => {
      expect(cluster().endpoint.kubernetesVersion.startsWith(`1.${target}.`)).toBe(true);
    });

    test('a case the builders refuse for the target names the newer release its props need', () => {
      const refusals = HARDENED_CASES.map((c) => [c.id, buildForTarget(c, target)] as const)
        .filter((entry): entry is readonly [string, HardpodError] => entry[1] instanceof HardpodError);
      const namesNewer = (message: string): boolean => [...message.matchAll(/Kubernetes 1\.(\d+)/g)].some((m) => Number(m[1]) > target)
        && message.includes(`1.${target} (kubernetesMinor)`);
      const unexplained = refusals.filter(([, error]) => !namesNewer(error.message)).map(([id, error]) => `${id}: ${error.message}`);
      expect(unexplained).toEqual([]);
      // Most of the table fits the target.
      expect(refusals.length).toBeLessThan(HARDENED_CASES.length / 4);
    });

    more(cluster, () => namespace);

    test('every other case is admitted, keeps every field it was sent, and its pod template is admitted as a Pod under restricted', async () => {
      const c: Cluster = cluster();
      const built = HARDENED_CASES.map((workloadCase) => [workloadCase, buildForTarget(workloadCase, target)] as const)
        .filter((entry): entry is readonly [WorkloadCase, KubeObject[]] => Array.isArray(entry[1]));
      const problems = (await mapLimit(built, 4, async ([workloadCase, objects]) => {
        const found: string[] = [];
        // ServiceAccounts first: the Pods below name them.
        const ordered = [...objects.filter((o) => o.kind === 'ServiceAccount'), ...objects.filter((o) => o.kind !== 'ServiceAccount')];
        for (const object of ordered) {
          const what = `${workloadCase.id}: ${object.kind}/${object.metadata?.name}`;
          const verdict = await c.apply(object, { namespace, dryRun: object.kind !== 'ServiceAccount' });
          if (!verdict.allowed || verdict.warnings.length > 0) {
            found.push(`${what}: ${verdict.status} ${verdict.message ?? ''} ${verdict.warnings.join('; ')}`);
            continue;
          }
          const dropped = droppedPaths(object, verdict.body).filter((path) => path !== 'metadata.namespace');
          if (dropped.length > 0) found.push(`${what}: the server dropped ${dropped.join(', ')}`);
          if (extractPodViews(object).views.length === 0) continue;
          const pod = podFromTemplate(object)!;
          const admitted = await c.dryRunCreate(pod, namespace);
          if (!admitted.allowed || admitted.warnings.length > 0) found.push(`${what} as a Pod: ${admitted.status} ${admitted.message ?? ''} ${admitted.warnings.join('; ')}`);
        }
        return found;
      })).flat();
      expect(problems).toEqual([]);
      expect(built.length).toBeGreaterThan(100);
    }, 600_000);
  }, server);
}
