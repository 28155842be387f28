/**
 * Every workload the library emits, over a broad table of props and through every front door (model
 * builders, cdk8s constructs, Pulumi components), is admitted by the real API server in
 * namespaces that enforce Pod Security `restricted` (at the server's version and at the version the
 * library targets by default): created with server-side dry-run and strict field validation, and
 * server-side applied the same way, with no rejection, no warning and no unknown field. Each pod
 * template is also dry-run created as a Pod, which Pod Security enforces rather than only warns on.
 * Rows of the shared prop table that opt out of hardening on purpose must get the same verdict from
 * the server (a warning, a refused Pod) as from `hardpod check --level restricted`.
 */
import { schedulingPriorityClass, workloadCases } from './emitted';
import { renderCdk8sExample, renderPulumiExample } from './examples';
import { renderEverywhere } from './front-doors';
import { DEFAULT_KUBERNETES_MINOR, extractPodViews, type KubeObject } from '../../src/model';
import type { Cluster, KubeObjectLike, Verdict } from '../harness/cluster';
import { describeCluster } from '../harness/cluster-suite';
import { engineVerdict, mapLimit, podFromTemplate } from '../harness/pod-security';

const CASES = workloadCases();

/**
 * Sends a set of emitted objects to the server in a namespace enforcing Pod Security at `version`:
 * dry-run create and server-side apply of each workload (and of the companions, when asked), the
 * ServiceAccounts applied for real, then each pod template as a Pod. Returns every
 * rejection, warning and disagreement with `hardpod check --level restricted`.
 */
async function judgeEmitted(
  c: Cluster, objects: readonly KubeObject[], namespace: string, version: string, options: { hardened: boolean; companions: boolean },
): Promise<string[]> {
  const { hardened } = options;
  const problems: string[] = [];
  const workloads = objects.filter((o) => extractPodViews(o).views.length > 0);
  // The checker's verdict at this version; the server must agree with it object by object.
  const engine = new Map(workloads.map((w) => [w, engineVerdict(w, 'restricted', Number(version.slice(3)))]));
  if (hardened) {
    for (const [w, verdict] of engine) if (!verdict.allowed) problems.push(`${w.kind} at ${version}: hardpod check --level restricted refuses it: ${verdict.reasons.join('; ')}`);
  }
  const judge = (where: string, verdict: Verdict, admittedByEngine: boolean | undefined): void => {
    if (!verdict.allowed && !(admittedByEngine === false && verdict.message?.includes('violates PodSecurity'))) {
      problems.push(`${where}: ${verdict.status} ${verdict.reason ?? ''} ${verdict.message ?? ''}`);
      return;
    }
    const podSecurity = verdict.warnings.filter((w) => w.startsWith('would violate PodSecurity'));
    problems.push(...verdict.warnings.filter((w) => !podSecurity.includes(w)).map((w) => `${where}: warning ${w}`));
    const serverAdmits = verdict.allowed && podSecurity.length === 0;
    if (serverAdmits !== (admittedByEngine ?? true)) {
      problems.push(`${where}: the server ${serverAdmits ? 'admits it' : `refuses it (${podSecurity.join('; ') || verdict.message})`}, hardpod check --level restricted ${admittedByEngine ? 'admits it' : 'refuses it'}`);
    }
  };
  // The table's companions are judged by emitted-companions.test.ts; examples are judged whole here.
  await mapLimit(options.companions ? objects : workloads, 4, async (object: KubeObjectLike) => {
    const where = `${object.kind}/${object.metadata?.name} at ${version}`;
    const admitted = engine.get(object)?.allowed;
    judge(`${where} dry-run create`, await c.dryRunCreate(object, namespace), admitted);
    judge(`${where} server-side apply`, await c.apply(object, { namespace, dryRun: true }), admitted);
  });
  // The Pod needs its ServiceAccount to exist (ServiceAccount admission): the emitted one is applied
  // for real, and one the props name (an existing account) is made.
  const accounts = objects.filter((o) => o.kind === 'ServiceAccount');
  for (const account of accounts) judge(`ServiceAccount/${account.metadata?.name} at ${version} server-side apply`, await c.apply(account, { namespace }), undefined);
  for (const workload of workloads) {
    const pod = podFromTemplate(workload);
    if (!pod) throw new Error(`no pod template in ${workload.kind}`);
    const accountName = (pod.spec as { serviceAccountName?: string }).serviceAccountName;
    if (accountName && !accounts.some((a) => a.metadata?.name === accountName)) {
      await c.apply({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: accountName } }, { namespace });
    }
    judge(`${workload.kind}/${workload.metadata?.name} at ${version} pod template as a Pod`, await c.dryRunCreate(pod, namespace), engine.get(workload)?.allowed);
  }
  return problems;
}

describeCluster('emitted workloads are admitted under Pod Security restricted', (cluster) => {
  /** Namespace per Pod Security version the workloads are judged at. */
  const namespaces = new Map<string, string>();

  beforeAll(async () => {
    // Pods naming a PriorityClass are refused until it exists.
    const priorityClass = await cluster().apply(schedulingPriorityClass());
    if (!priorityClass.allowed) throw new Error(`cannot apply PriorityClass: ${priorityClass.status} ${priorityClass.message}`);
    const versions = [...new Set([cluster().podSecurityVersion, `v1.${DEFAULT_KUBERNETES_MINOR}`])];
    for (const version of versions) {
      namespaces.set(version, await cluster().createPodSecurityNamespace(`emitted-restricted-${version.replace('.', '-')}`, 'restricted', version));
    }
  });

  test('the table covers every workload kind', () => {
    expect(new Set(CASES.map((c) => c.kind))).toEqual(new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob']));
    expect(CASES.length).toBeGreaterThan(100);
    // Autoscaled workloads are emitted without spec.replicas, which the server then defaults.
    const autoscaled = CASES.filter((c) => 'autoscaling' in c.props);
    expect(new Set(autoscaled.map((c) => c.kind))).toEqual(new Set(['Deployment', 'StatefulSet']));
  });

  test.each(CASES.map((c) => [c.id, c] as const))('%s', async (_id, workloadCase) => {
    const c: Cluster = cluster();
    const distinct = await renderEverywhere(workloadCase);
    const objects = distinct.map((d) => d.object);
    const workloads = objects.filter((o) => extractPodViews(o).views.length > 0);
    // Each front door emitted its workload (identical ones are judged once).
    expect(new Set(distinct.filter((d) => workloads.includes(d.object)).flatMap((d) => d.doors))).toEqual(new Set(['model', 'cdk8s', 'pulumi']));
    const problems: string[] = [];
    for (const [version, namespace] of namespaces) {
      problems.push(...await judgeEmitted(c, objects, namespace, version, { hardened: workloadCase.hardened, companions: false }));
    }
    expect(problems).toEqual([]);
  }, 120_000);

  test.each([['examples/cdk8s-app', renderCdk8sExample], ['examples/pulumi-app', renderPulumiExample]] as const)(
    '%s: admitted in its own emitted namespace and under restricted at the server\'s version', async (_example, render) => {
      const c = cluster();
      const objects = render();
      const [ns, ...others] = [...objects.filter((o) => o.kind === 'Namespace'), ...objects.filter((o) => o.kind !== 'Namespace')];
      expect(ns.kind).toBe('Namespace');
      expect(others.filter((o) => extractPodViews(o).views.length > 0).length).toBeGreaterThanOrEqual(4);
      const labels = (ns.metadata?.labels ?? {}) as Record<string, string>;
      // The emitted Namespace, created for real under a fresh name so its own labels decide.
      const own = await c.createNamespace(c.uniqueNamespaceName(String(ns.metadata?.name)), labels);
      const problems = await judgeEmitted(c, others, own, labels['pod-security.kubernetes.io/enforce-version'], { hardened: true, companions: true });
      const latest = await c.createPodSecurityNamespace('example', 'restricted');
      problems.push(...await judgeEmitted(c, others, latest, c.podSecurityVersion, { hardened: true, companions: true }));
      expect(problems).toEqual([]);
    }, 300_000);
});
