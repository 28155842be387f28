/**
 * Differential: ephemeral containers written into a manifest, dry-run created on the real
 * kube-apiserver and judged by the engine. The server refuses them in every pod template and when a
 * Pod is created (they are only added to a running Pod, through its `ephemeralcontainers`
 * subresource); a Pod read back from the server holds them and is a valid object to write back. The
 * well-formed-pod-spec finding must be on exactly the objects the server refuses for them.
 */
import { evaluate } from '../../src/engine/evaluate';
import type { KubeObject } from '../../src/model/kube-object';
import type { Verdict } from '../harness/cluster';
import { describeCluster } from '../harness/cluster-suite';
import { mapLimit } from '../harness/pod-security';

const IMAGE = `registry.example/app@sha256:${'a'.repeat(64)}`;
type Fields = Record<string, unknown>;

const RESTRICTED = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } };
const DEBUGGER = { name: 'debugger', image: IMAGE, targetContainerName: 'app', securityContext: RESTRICTED };

/** A pod spec that passes Pod Security `restricted`, with `ephemeralContainers` set to `value` (absent for undefined). */
function podSpec(value: unknown): Fields {
  const spec: Fields = {
    securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [{ name: 'app', image: IMAGE, securityContext: RESTRICTED }],
  };
  return value === undefined ? spec : { ...spec, ephemeralContainers: value };
}

const KINDS = ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job', 'CronJob', 'PodTemplate'] as const;
type Kind = typeof KINDS[number];

/** The object of one kind, and the path of its pod spec. */
function objectOf(kind: Kind, spec: Fields): { object: KubeObject; specPath: string } {
  const metadata = { name: 'web' };
  const template = { metadata: { labels: { app: 'web' } }, spec };
  const selector = { matchLabels: { app: 'web' } };
  switch (kind) {
    case 'Pod': return { object: { apiVersion: 'v1', kind, metadata, spec }, specPath: 'spec' };
    case 'PodTemplate': return { object: { apiVersion: 'v1', kind, metadata, template }, specPath: 'template.spec' };
    case 'ReplicationController': return { object: { apiVersion: 'v1', kind, metadata, spec: { selector: { app: 'web' }, template } }, specPath: 'spec.template.spec' };
    case 'Job': return { object: { apiVersion: 'batch/v1', kind, metadata, spec: { template: { ...template, spec: { ...spec, restartPolicy: 'Never' } } } }, specPath: 'spec.template.spec' };
    case 'CronJob':
      return {
        object: { apiVersion: 'batch/v1', kind, metadata, spec: { schedule: '0 3 * * *', jobTemplate: { spec: { template: { ...template, spec: { ...spec, restartPolicy: 'Never' } } } } } },
        specPath: 'spec.jobTemplate.spec.template.spec',
      };
    case 'StatefulSet': return { object: { apiVersion: 'apps/v1', kind, metadata, spec: { selector, serviceName: 'web', template } }, specPath: 'spec.template.spec' };
    default: return { object: { apiVersion: 'apps/v1', kind, metadata, spec: { selector, template } }, specPath: 'spec.template.spec' };
  }
}

/** The server refused the ephemeral containers: in a pod template, or when a Pod is created. */
const refusesEphemeral = (v: Verdict): boolean => /ephemeralContainers: Forbidden: (ephemeral containers not allowed in pod template|cannot be set on create)/.test(v.message ?? '');

function failing(object: KubeObject, minor: number): { rule: string; path: string; message: string }[] {
  const report = evaluate([{ object, source: { file: '<generated>' } }], { level: 'restricted', kubernetesVersion: `1.${minor}` });
  return report.findings.filter((f) => f.outcome === 'fail' || f.outcome === 'error').map(({ rule, path, message }) => ({ rule, path, message }));
}

describeCluster('Ephemeral containers in manifests: the server and the engine agree', (cluster) => {
  let namespace: string;
  beforeAll(async () => {
    namespace = await cluster().createNamespace(cluster().uniqueNamespaceName('ephemeral'), {
      'pod-security.kubernetes.io/warn': 'restricted',
      'pod-security.kubernetes.io/warn-version': cluster().podSecurityVersion,
    });
  });

  test('in a Pod to create and in the pod template of every built-in kind', async () => {
    const values = [[DEBUGGER], [DEBUGGER, { ...DEBUGGER, name: 'second' }], [], null, undefined];
    const cases = KINDS.flatMap((kind) => values.map((value) => ({ kind, value })));
    const judged = await mapLimit(cases, 8, async ({ kind, value }) => {
      const { object, specPath } = objectOf(kind, podSpec(value));
      return { what: `${kind} with ${Array.isArray(value) ? `${value.length} ephemeral containers` : `ephemeralContainers: ${String(value)}`}`, specPath, verdict: await cluster().dryRunCreate(object, namespace), failing: failing(object, cluster().minor) };
    });
    expect(judged.filter((j) => refusesEphemeral(j.verdict)).length).toBe(KINDS.length * 2);
    expect(judged.filter((j) => j.verdict.allowed).length).toBe(KINDS.length * 3);
    const wrong: string[] = [];
    for (const j of judged) {
      const server = j.verdict.allowed ? 'admits it' : `refuses it (${j.verdict.status}: ${j.verdict.message})`;
      const hardpod = j.failing.map((f) => `${f.rule} at ${f.path}: ${f.message}`).join('; ') || 'no finding';
      const reported = j.failing.some((f) => f.rule === 'well-formed-pod-spec' && f.path === `${j.specPath}.ephemeralContainers`);
      if (reported !== refusesEphemeral(j.verdict)) wrong.push(`${j.what}: the server ${server}; hardpod: ${hardpod}`);
      if (j.failing.length > 0 === j.verdict.allowed) wrong.push(`${j.what}: restricted ${j.failing.length > 0 ? 'fails' : 'passes'} it; the server ${server}; hardpod: ${hardpod}`);
    }
    expect(wrong).toEqual([]);
  }, 300_000);

  test('in a Pod read back from the server after a debug container was added: written back as it is, and not a finding', async () => {
    const c = cluster();
    const created = await c.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'debugged' }, spec: podSpec(undefined) }, namespace);
    expect([created.status, created.message]).toEqual([201, undefined]);
    const podPath = `/api/v1/namespaces/${namespace}/pods/debugged`;
    const added = await c.request('PATCH', `${podPath}/ephemeralcontainers`, { spec: { ephemeralContainers: [DEBUGGER] } }, 'application/strategic-merge-patch+json');
    expect([added.status, added.message]).toEqual([200, undefined]);
    const live = (await c.request('GET', podPath)).body as KubeObject;
    expect((live.spec as Fields).ephemeralContainers).toHaveLength(1);
    // The server takes it back as an update.
    const update = await c.request('PUT', `${podPath}?dryRun=All&fieldValidation=Strict`, live);
    expect([update.status, update.message]).toEqual([200, undefined]);
    expect(failing(live, c.minor)).toEqual([]);
    // Its resourceVersion is what tells it from a Pod to create: with it, the server refuses to create it at all
    // (a dry run does not get as far as that check).
    const { ephemeralContainers: _ephemeral, ...undebugged } = live.spec as Fields;
    const copy = await c.create({ ...live, metadata: { ...(live.metadata as Fields), name: 'copy' }, spec: undebugged } as KubeObject, namespace);
    expect([copy.status, copy.message]).toEqual([500, expect.stringContaining('resourceVersion should not be set on objects to be created')]);
    // Nor does it take the same Pod as a new one, its ephemeral containers included.
    const { resourceVersion: _resourceVersion, uid: _uid, ...metadata } = live.metadata as Fields;
    const fresh = { ...live, metadata: { ...metadata, name: 'fresh' } } as KubeObject;
    const recreated = await c.dryRunCreate(fresh, namespace);
    expect(refusesEphemeral(recreated)).toBe(true);
    expect(failing(fresh, c.minor).map((f) => `${f.rule} at ${f.path}`)).toEqual(['well-formed-pod-spec at spec.ephemeralContainers']);
  }, 120_000);
});
