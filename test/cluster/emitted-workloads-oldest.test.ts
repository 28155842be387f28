/**
 * `kubernetesMinor` on a real API server of the oldest release the admission policies claim (1.30):
 * every hardened workload of the emitted table, built for a 1.30 target, is either refused at
 * synthesis naming the newer release its props need, or admitted by the 1.30 server with strict field
 * validation and no warning, keeping every field it was sent (an older server silently drops a field
 * whose feature gate is off, which is what the builders refuse to emit), and its pod template is
 * admitted as a Pod under Pod Security restricted pinned at v1.30.
 */
import { buildWithModel, schedulingPriorityClass, workloadCases, type WorkloadCase } from './emitted';
import { ADMISSION_POLICY_MINOR } from '../../src/admission';
import { extractPodViews, HardpodError, type KubeObject } from '../../src/model';
import type { Cluster } from '../harness/cluster';
import { describeCluster } from '../harness/cluster-suite';
import { mapLimit, podFromTemplate } from '../harness/pod-security';

const TARGET = ADMISSION_POLICY_MINOR;
/** The hardened rows: the shared prop table's rows opt out of hardening on purpose and are judged on the newest server. */
const CASES = workloadCases().filter((c) => c.hardened);

/** The paths of `sent` that `stored` lacks: a field the server dropped (values may be normalised, presence may not change). */
function droppedPaths(sent: unknown, stored: unknown, path = ''): string[] {
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

/** Built for the oldest target, or the builder's refusal. */
function buildForOldest(c: WorkloadCase): KubeObject[] | HardpodError {
  try {
    return buildWithModel({ ...c, defaults: { ...c.defaults, kubernetesMinor: TARGET } });
  } catch (error) {
    if (error instanceof HardpodError) return error;
    throw error;
  }
}

describeCluster(`workloads built for a Kubernetes 1.${TARGET} target, on a 1.${TARGET} API server`, (cluster) => {
  let namespace = '';

  beforeAll(async () => {
    const c = cluster();
    const priorityClass = await c.apply(schedulingPriorityClass());
    if (!priorityClass.allowed) throw new Error(`cannot apply PriorityClass: ${priorityClass.status} ${priorityClass.message}`);
    namespace = await c.createPodSecurityNamespace('emitted-oldest', 'restricted', `v1.${TARGET}`);
  });

  test(`the server is Kubernetes 1.${TARGET}`, () => {
    expect(cluster().endpoint.kubernetesVersion.startsWith(`1.${TARGET}.`)).toBe(true);
  });

  test('a case the builders refuse for the target names the newer release its props need', () => {
    const refusals = CASES.map((c) => [c.id, buildForOldest(c)] as const)
      .filter((entry): entry is readonly [string, HardpodError] => entry[1] instanceof HardpodError);
    const namesNewer = (message: string): boolean => /Kubernetes 1\.(3[1-9]|[4-9][0-9])/.test(message) && message.includes(`1.${TARGET} (kubernetesMinor)`);
    const unexplained = refusals.filter(([, error]) => !namesNewer(error.message)).map(([id, error]) => `${id}: ${error.message}`);
    expect(unexplained).toEqual([]);
    // Most of the table fits the oldest target.
    expect(refusals.length).toBeLessThan(CASES.length / 4);
  });

  test('the server drops a field whose feature gate is off, which the comparison sees: hostUsers (user namespaces, on by default from 1.33), refused at synthesis', async () => {
    const deployment = buildWithModel({ ...CASES[0], defaults: { ...CASES[0].defaults, kubernetesMinor: 33 } }).find((o) => o.kind === 'Deployment')!;
    const withUserNamespace = structuredClone(deployment) as KubeObject & { spec: { template: { spec: Record<string, unknown> } } };
    withUserNamespace.spec.template.spec.hostUsers = false;
    const verdict = await cluster().apply(withUserNamespace, { namespace, dryRun: true });
    expect(verdict.allowed).toBe(true);
    expect(droppedPaths(withUserNamespace, verdict.body)).toEqual(['spec.template.spec.hostUsers']);
    const refusal = buildForOldest({ ...CASES[0], props: { ...CASES[0].props, hostUsers: false } } as WorkloadCase);
    expect(refusal).toBeInstanceOf(HardpodError);
    expect((refusal as HardpodError).message).toMatch(/hostUsers/);
  });

  test('env names: for a 1.30 target the builders refuse exactly the names the 1.30 server refuses', async () => {
    const names = ['LOG_LEVEL', 'my.var', 'my-var', '_x', 'x..y', '1ST', 'A B', 'a:b', '.', '..', '..x', 'x=y'];
    const plain = (buildForOldest(CASES[0]) as KubeObject[]).find((o) => o.kind === 'Deployment')!;
    const mismatches: string[] = [];
    for (const name of names) {
      const withEnv = { ...CASES[0], props: { ...CASES[0].props, env: { [name]: 'v' } } } as WorkloadCase;
      const built = buildForOldest(withEnv);
      // The server's verdict on the case's Deployment with that variable written in.
      const deployment = structuredClone(plain) as KubeObject & { spec: { template: { spec: { containers: Record<string, unknown>[] } } } };
      deployment.spec.template.spec.containers[0].env = [{ name, value: 'v' }];
      const verdict = await cluster().apply(deployment, { namespace, dryRun: true });
      const refusedByBuilder = built instanceof HardpodError;
      if (refusedByBuilder === verdict.allowed) {
        mismatches.push(`${JSON.stringify(name)}: the builder ${refusedByBuilder ? `refuses it (${(built as HardpodError).message})` : 'accepts it'}, the 1.30 server ${verdict.allowed ? 'admits it' : `refuses it: ${verdict.message}`}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  test('every other case is admitted, keeps every field it was sent, and its pod template is admitted as a Pod under restricted', async () => {
    const c: Cluster = cluster();
    const built = CASES.map((workloadCase) => [workloadCase, buildForOldest(workloadCase)] as const)
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
}, 'oldest-admission');
