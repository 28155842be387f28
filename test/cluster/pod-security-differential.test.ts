/**
 * Differential: the real kube-apiserver's Pod Security admission and the hardpod engine judge the same
 * Pods (upstream's fixtures at every version the server knows, and hardened output mutated one field
 * at a time) and must agree on every one. Each disagreement is written as a ready regression file.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import { ephemeralMutationCorpus, hardenedPod, mutationCorpus } from './mutations';
import { regressionFileText } from './regressions';
import { runHardpod } from '../cli/cli-process';
import { fixturesRoot } from '../conformance/fixtures';
import type { Cluster, KubeObjectLike } from '../harness/cluster';
import { describeCluster } from '../harness/cluster-suite';
import {
  deploymentFromPod, engineVerdict, mapLimit, serverPodVerdict,
  type EngineVerdict, type PodSecurityLevel, type ServerPodVerdict,
} from '../harness/pod-security';

const FIXTURES = fixturesRoot();
const LEVELS: readonly PodSecurityLevel[] = ['baseline', 'restricted'];
const CONCURRENCY = 6;

/** Upstream's fixture versions, `v1.0` ... `v1.37`, in order. */
function fixtureVersions(): string[] {
  return fs.readdirSync(path.join(FIXTURES, 'restricted')).filter((v) => /^v1\.\d+$/.test(v))
    .sort((a, b) => Number(a.slice(3)) - Number(b.slice(3)));
}

/**
 * Versions the mutation corpus is judged at: each one where upstream changed a check (1.8
 * allowPrivilegeEscalation, 1.19 seccomp fields, 1.22 capabilities, 1.23 runAsUser, 1.25, 1.29, 1.31
 * seLinux, 1.34 host probes, 1.35 user-namespace waivers ...) and the newest, which the server's own.
 */
function mutationVersions(all: readonly string[]): string[] {
  const changes = new Set(['v1.0', 'v1.8', 'v1.19', 'v1.22', 'v1.23', 'v1.25', 'v1.27', 'v1.29', 'v1.31', 'v1.32', 'v1.33', 'v1.34', 'v1.35']);
  return all.filter((v, i) => changes.has(v) || i === all.length - 1);
}

interface Judged {
  readonly name: string;
  readonly pod: KubeObjectLike;
  readonly server: ServerPodVerdict;
  readonly engine: EngineVerdict | { error: string };
  /** The engine's verdict on the same Pod wrapped as a Deployment's template. */
  readonly engineOnDeployment: EngineVerdict | { error: string };
}

interface Disagreement {
  readonly name: string;
  readonly detail: string;
}

/** Where candidate regression files go: beside the server's logs, outside the repo. */
function writeCandidates(
  cluster: Cluster, level: PodSecurityLevel, version: string, found: readonly (Judged & { description: string })[],
): string | undefined {
  if (found.length === 0) return undefined;
  const dir = path.join(cluster.endpoint.runDir, 'regression-candidates');
  fs.mkdirSync(dir, { recursive: true });
  for (const entry of found) {
    const file = path.join(dir, `${level}-${version}-${entry.name}.yaml`.replace(/[^a-zA-Z0-9._-]+/g, '-'));
    fs.writeFileSync(file, regressionFileText({ description: entry.description, level, version, allowed: entry.server.allowed, pod: entry.pod }));
  }
  return dir;
}

async function judge(
  cluster: Cluster, namespace: string, name: string, pod: KubeObjectLike, level: PodSecurityLevel, minor: number, file?: string,
): Promise<Judged> {
  const server = await serverPodVerdict(cluster, pod, namespace);
  const safely = (object: KubeObjectLike): Judged['engine'] => {
    try {
      return engineVerdict(object, level, minor, file);
    } catch (error) {
      return { error: (error as Error).message };
    }
  };
  return { name, pod, server, engine: safely(pod), engineOnDeployment: safely(deploymentFromPod(pod)) };
}

function engineDisagrees(entry: Judged): string | undefined {
  for (const [what, engine] of [['Pod', entry.engine], ['Pod as a Deployment template', entry.engineOnDeployment]] as const) {
    if ('error' in engine) return `engine threw on the ${what}: ${engine.error}`;
    if (engine.allowed === entry.server.allowed) continue;
    return entry.server.allowed
      ? `server admits, engine denies the ${what}: ${engine.reasons.join('; ')}`
      : `server denies (${entry.server.message ?? entry.server.status}), engine admits the ${what}`;
  }
  return undefined;
}

function report(title: string, disagreements: readonly Disagreement[], candidates?: string): string {
  if (disagreements.length === 0) return '';
  const shown = disagreements.slice(0, 40).map((d) => `  ${d.name}: ${d.detail.length > 400 ? `${d.detail.slice(0, 400)}...` : d.detail}`).join('\n');
  return `${title}: ${disagreements.length} disagreement(s)\n${shown}${disagreements.length > 40 ? `\n  ... and ${disagreements.length - 40} more` : ''}` +
    (candidates ? `\nregression files for them: ${candidates} (copy into test/cluster/regressions/)` : '');
}

describeCluster('Pod Security: the real API server and the hardpod engine agree', (cluster) => {
  const versions = fixtureVersions();

  test('the upstream fixtures are present and the server knows their newest version', () => {
    expect(versions.length).toBeGreaterThan(30);
    const newest = Number(versions[versions.length - 1].slice(3));
    expect(cluster().minor).toBeGreaterThanOrEqual(newest);
  });

  describe.each(LEVELS)('upstream fixtures at %s', (level) => {
    test.each(versions)(`${level} %s: server matches upstream's expectation, engine matches the server`, async (version) => {
      const minor = Number(version.slice(3));
      const namespace = await cluster().createPodSecurityNamespace(`fixtures-${level}-${version.replace('.', '-')}`, level, version);
      const files: { file: string; expected: 'pass' | 'fail' }[] = [];
      for (const expected of ['pass', 'fail'] as const) {
        const dir = path.join(FIXTURES, level, version, expected);
        for (const name of fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort()) files.push({ file: path.join(dir, name), expected });
      }
      expect(files.length).toBeGreaterThan(10);

      const judged = await mapLimit(files, CONCURRENCY, async ({ file }) => {
        const fixture = yaml.load(fs.readFileSync(file, 'utf8')) as KubeObjectLike;
        // Upstream names some fixtures with underscores, which a Pod name may not hold; the name plays no part in Pod Security.
        const pod = { ...fixture, metadata: { ...fixture.metadata, name: String(fixture.metadata?.name).replace(/_/g, '-') } };
        return judge(cluster(), namespace, `${path.basename(path.dirname(file))}/${path.basename(file)}`, pod, level, minor, file);
      });

      const serverWrong: Disagreement[] = [];
      const engineWrong: (Judged & { description: string })[] = [];
      judged.forEach((entry, i) => {
        const { expected } = files[i];
        if (expected === 'pass' && !entry.server.allowed) serverWrong.push({ name: entry.name, detail: `rejected ${entry.server.status}: ${entry.server.message}` });
        // procMount failures are refused by API validation (422) since 1.35, before Pod Security sees them.
        const refused = entry.server.podSecurityDenied || (entry.server.status === 422 && entry.name.includes('procmount'));
        if (expected === 'fail' && !refused) serverWrong.push({ name: entry.name, detail: `not refused by Pod Security: ${entry.server.status} ${entry.server.message ?? ''}` });
        const detail = engineDisagrees(entry);
        if (detail) engineWrong.push({ ...entry, description: `upstream fixture ${level}/${version}/${entry.name}: ${detail}` });
      });
      // At the server's own version, also as upstream does: the fixture as a Deployment's template is
      // admitted, with a Pod Security warning exactly when the Pod is refused.
      if (version === cluster().podSecurityVersion) {
        await mapLimit(judged, CONCURRENCY, async (entry) => {
          if (entry.server.status === 422) return;
          const deployment = await cluster().dryRunCreate(deploymentFromPod(entry.pod), namespace);
          const warned = deployment.warnings.some((w) => w.startsWith('would violate PodSecurity'));
          if (!deployment.allowed || warned === entry.server.allowed) {
            serverWrong.push({ name: `${entry.name} as a Deployment`, detail: `${deployment.status}, warnings ${JSON.stringify(deployment.warnings)}; the Pod got ${entry.server.status}` });
          }
        });
      }
      const candidates = writeCandidates(cluster(), level, version, engineWrong);
      const problems = [
        report(`server vs upstream fixtures (${level} ${version})`, serverWrong),
        report(`engine vs server (${level} ${version})`, engineWrong.map((e) => ({ name: e.name, detail: engineDisagrees(e) ?? '' })), candidates),
      ].filter(Boolean).join('\n\n');
      expect(problems).toBe('');
    }, 300_000);
  });

  describe.each(LEVELS)('hardened output mutated one field at a time, at %s', (level) => {
    test.each(mutationVersions(versions))(`every mutation gets the same verdict from the server and the engine (${level} %s)`, async (version) => {
      const corpus = mutationCorpus();
      const minor = Number(version.slice(3));
      const namespace = await cluster().createPodSecurityNamespace(`mutations-${level}-${version.replace('.', '-')}`, level, version);
      const judged = await mapLimit(corpus, CONCURRENCY, (m) => judge(cluster(), namespace, m.id, m.pod, level, minor));

      // The corpus holds valid Pods only: anything but admitted or refused by Pod Security is a bad case.
      const invalid = judged.filter((j) => !j.server.allowed && !j.server.podSecurityDenied)
        .map((j) => ({ name: j.name, detail: `${j.server.status} ${j.server.message ?? ''}` }));
      const engineWrong = judged.filter((j) => engineDisagrees(j)).map((j) => ({ ...j, description: `mutation ${j.name}: ${engineDisagrees(j)}` }));
      const candidates = writeCandidates(cluster(), level, version, engineWrong.map((e, i) => ({ ...e, name: `mutation-${i}` })));

      // Both verdicts occur, so the corpus exercises the checks rather than one side of them.
      expect(judged.filter((j) => j.server.allowed).length).toBeGreaterThan(10);
      expect(judged.filter((j) => j.server.podSecurityDenied).length).toBeGreaterThan(10);
      expect(judged[0].server.allowed).toBe(true);
      expect(judged[0].server.warnings).toEqual([]);
      const problems = [
        report('corpus cases the API server refused before Pod Security judged them', invalid),
        report(`engine vs server (${level} ${version})`, engineWrong.map((e) => ({ name: e.name, detail: engineDisagrees(e) ?? '' })), candidates),
      ].filter(Boolean).join('\n\n');
      expect(problems).toBe('');
    }, 300_000);
  });

  // Ephemeral containers cannot be created with a Pod, only added to an existing one through the
  // `ephemeralcontainers` subresource, which Pod Security judges as an update of the whole Pod.
  describe.each(LEVELS)('ephemeral containers added to a running hardened Pod, one field changed at a time, at %s', (level) => {
    test.each(mutationVersions(versions))(`every ephemeral container gets the same verdict from the server and the engine (${level} %s)`, async (version) => {
      const corpus = ephemeralMutationCorpus();
      const minor = Number(version.slice(3));
      const c = cluster();
      const namespace = await c.createPodSecurityNamespace(`ephemeral-${level}-${version.replace('.', '-')}`, level, version);
      const base = { ...hardenedPod(), metadata: { name: 'target', labels: { 'app.kubernetes.io/name': 'target' } } } as KubeObjectLike;
      const created = await c.create(base, namespace);
      expect([created.status, created.message]).toEqual([201, undefined]);
      const judged = await mapLimit(corpus, CONCURRENCY, async (m) => {
        const server = await c.request('PATCH', `/api/v1/namespaces/${namespace}/pods/target/ephemeralcontainers?dryRun=All`,
          { spec: { ephemeralContainers: [m.container] } }, 'application/strategic-merge-patch+json');
        // The Pod as read back from the server once the container is added: with its resourceVersion.
        const { resourceVersion } = (created.body as KubeObjectLike).metadata as { resourceVersion: string };
        const metadata = { ...base.metadata, namespace, resourceVersion };
        const pod = { ...base, metadata, spec: { ...(base.spec as object), ephemeralContainers: [m.container] } };
        return { id: m.id, server, engine: engineVerdict(pod as KubeObjectLike, level, minor) };
      });
      // Only Pod Security may refuse: anything else means the case is not a valid ephemeral container.
      const invalid = judged.filter((j) => !j.server.allowed && !(j.server.status === 403 && (j.server.message ?? '').includes('violates PodSecurity')))
        .map((j) => `${j.id}: ${j.server.status} ${j.server.message ?? ''}`);
      expect(invalid).toEqual([]);
      expect(judged[0].server.allowed).toBe(true);
      expect(judged.filter((j) => !j.server.allowed).length).toBeGreaterThan(level === 'restricted' ? 10 : 3);
      const wrong = judged.filter((j) => j.server.allowed !== j.engine.allowed)
        .map((j) => `${j.id}: server ${j.server.allowed ? 'admits' : `refuses (${j.server.message})`}, engine ${j.engine.allowed ? 'admits' : `refuses (${j.engine.reasons.join('; ')})`}`);
      expect(wrong).toEqual([]);
    }, 300_000);
  });

  test.each(LEVELS)('the hardpod CLI (check --level %s) gives the server\'s verdict on every mutation, file by file', async (level) => {
    const corpus = mutationCorpus();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hardpod-mutations-'));
    try {
      for (const m of corpus) fs.writeFileSync(path.join(dir, `${m.pod.metadata?.name}.yaml`), yaml.dump(m.pod));
      const namespace = await cluster().createPodSecurityNamespace(`cli-${level}`, level);
      const server = await mapLimit(corpus, CONCURRENCY, (m) => serverPodVerdict(cluster(), m.pod, namespace));
      const run = runHardpod(['check', '--level', level, '--k8s-version', `1.${cluster().minor}`, '--format', 'json', dir]);
      expect(run.stderr).toBe('');
      const cliReport = JSON.parse(run.stdout) as { findings: { outcome: string; file: string | null }[] };
      const refusedFiles = new Set(cliReport.findings.filter((f) => f.outcome !== 'suppressed').map((f) => path.basename(f.file ?? '')));
      const wrong = corpus.map((m, i) => ({ id: m.id, server: server[i].allowed, cli: !refusedFiles.has(`${m.pod.metadata?.name}.yaml`) }))
        .filter((v) => v.server !== v.cli)
        .map((v) => `${v.id}: server ${v.server ? 'admits' : 'refuses'}, CLI ${v.cli ? 'admits' : 'refuses'}`);
      expect(wrong).toEqual([]);
      // Exit code 1 when anything is refused, as CI relies on.
      expect(run.status).toBe(server.some((v) => !v.allowed) ? 1 : 0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);

  test('as shipped: a Deployment is admitted, with a Pod Security warning exactly when its Pod would be refused', async () => {
    const corpus = mutationCorpus();
    const namespace = await cluster().createPodSecurityNamespace('mutations-deployments', 'restricted');
    const results = await mapLimit(corpus, CONCURRENCY, async (m) => {
      const pod = await cluster().dryRunCreate(m.pod, namespace);
      const deployment = await cluster().dryRunCreate(deploymentFromPod(m.pod), namespace);
      return { id: m.id, pod, deployment };
    });
    const wrong = results.filter(({ pod, deployment }) => {
      const warned = deployment.warnings.some((w) => w.includes('would violate PodSecurity'));
      return !deployment.allowed || warned === pod.allowed;
    }).map(({ id, pod, deployment }) => `${id}: pod ${pod.status}, deployment ${deployment.status} warnings ${JSON.stringify(deployment.warnings)}`);
    expect(wrong).toEqual([]);
  }, 300_000);
});
