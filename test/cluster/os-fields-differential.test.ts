/**
 * Differential: the fields the API server refuses in a pod for its `spec.os.name` (the Linux-only
 * security settings in a Windows pod, Windows options in a Linux pod), dry-run created on the real
 * kube-apiserver as Pods, Deployments and CronJobs and judged by the engine. The server's refusal and
 * the well-formed-pod-spec findings must name the same fields, and `restricted` must fail exactly
 * what the server refuses or Pod Security would deny.
 */
import { evaluate } from '../../src/engine/evaluate';
import type { KubeObject } from '../../src/model/kube-object';
import type { Verdict } from '../harness/cluster';
import { describeCluster } from '../harness/cluster-suite';
import { mapLimit } from '../harness/pod-security';

const IMAGE = `registry.example/app@sha256:${'a'.repeat(64)}`;
type Fields = Record<string, unknown>;
type Os = 'windows' | 'linux';

/** A pod spec that the server admits for its OS and that passes Pod Security `restricted`. */
function baseSpec(os: Os): Fields {
  return os === 'windows'
    ? { os: { name: 'windows' }, securityContext: { runAsNonRoot: true }, containers: [{ name: 'app', image: IMAGE }] }
    : {
      os: { name: 'linux' },
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [{ name: 'app', image: IMAGE, securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }],
    };
}

/** Where a field goes: the pod spec, its securityContext, or the securityContext of the app or an init container. */
type Place = 'spec' | 'pod' | 'container' | 'init';

interface Case {
  readonly os: Os;
  readonly place: Place;
  readonly field: string;
  readonly value: unknown;
}

const BOOLEANS = [true, false, null];
const INTEGERS = [1000, 0, null];
const POD_FIELDS: Readonly<Record<string, readonly unknown[]>> = {
  appArmorProfile: [{ type: 'RuntimeDefault' }, {}, null],
  seLinuxOptions: [{ type: 'container_t' }, {}, null],
  seccompProfile: [{ type: 'RuntimeDefault' }, {}, null],
  fsGroup: INTEGERS,
  fsGroupChangePolicy: ['OnRootMismatch', null],
  sysctls: [[{ name: 'kernel.shm_rmid_forced', value: '1' }], [], null],
  runAsUser: INTEGERS,
  runAsGroup: INTEGERS,
  supplementalGroups: [[1000], [], null],
  supplementalGroupsPolicy: ['Merge', null],
  seLinuxChangePolicy: ['MountOption', null],
  // Allowed in a Windows pod: the control cases.
  runAsNonRoot: [true, false, null],
  windowsOptions: [{ runAsUserName: 'ContainerUser' }, {}, null],
};
const CONTAINER_FIELDS: Readonly<Record<string, readonly unknown[]>> = {
  appArmorProfile: [{ type: 'RuntimeDefault' }, {}, null],
  seLinuxOptions: [{ type: 'container_t' }, {}, null],
  seccompProfile: [{ type: 'RuntimeDefault' }, {}, null],
  capabilities: [{ drop: ['ALL'] }, {}, null],
  readOnlyRootFilesystem: BOOLEANS,
  privileged: BOOLEANS,
  allowPrivilegeEscalation: BOOLEANS,
  procMount: ['Default', null],
  runAsUser: INTEGERS,
  runAsGroup: INTEGERS,
  runAsNonRoot: BOOLEANS,
  windowsOptions: [{ runAsUserName: 'ContainerUser' }, {}, null],
};
const SPEC_FIELDS: Readonly<Record<string, readonly unknown[]>> = {
  hostUsers: BOOLEANS,
  hostPID: BOOLEANS,
  hostIPC: BOOLEANS,
  shareProcessNamespace: BOOLEANS,
  resources: [{ requests: { cpu: '100m' } }, {}, null],
};

function cases(): Case[] {
  const out: Case[] = [];
  const add = (place: Place, fields: Readonly<Record<string, readonly unknown[]>>): void => {
    for (const os of ['windows', 'linux'] as const) {
      for (const [field, values] of Object.entries(fields)) {
        // A Linux pod only refuses windowsOptions: the other fields are the Pod Security differential's.
        if (os === 'linux' && field !== 'windowsOptions') continue;
        for (const value of values) out.push({ os, place, field, value });
      }
    }
  };
  add('spec', SPEC_FIELDS);
  add('pod', POD_FIELDS);
  add('container', CONTAINER_FIELDS);
  add('init', { ...CONTAINER_FIELDS, runAsNonRoot: [] });
  return out;
}

function podSpec(c: Case): Fields {
  const spec = baseSpec(c.os);
  const app = (spec.containers as Fields[])[0];
  switch (c.place) {
    case 'spec': return { ...spec, [c.field]: c.value };
    case 'pod': return { ...spec, securityContext: { ...(spec.securityContext as Fields), [c.field]: c.value } };
    case 'container': return { ...spec, containers: [{ ...app, securityContext: { ...(app.securityContext as Fields | undefined), [c.field]: c.value } }] };
    case 'init': return { ...spec, initContainers: [{ ...app, name: 'init', securityContext: { ...(app.securityContext as Fields | undefined), [c.field]: c.value } }] };
  }
}

type Kind = 'Pod' | 'Deployment' | 'CronJob';
const KINDS: readonly Kind[] = ['Pod', 'Deployment', 'CronJob'];

function objectOf(kind: Kind, spec: Fields): KubeObject {
  const metadata = { labels: { app: 'web' } };
  if (kind === 'Pod') return { apiVersion: 'v1', kind, metadata: { name: 'web', ...metadata }, spec } as KubeObject;
  if (kind === 'Deployment') {
    return { apiVersion: 'apps/v1', kind, metadata: { name: 'web' }, spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata, spec } } } as KubeObject;
  }
  return {
    apiVersion: 'batch/v1',
    kind,
    metadata: { name: 'web' },
    spec: { schedule: '0 3 * * *', jobTemplate: { spec: { template: { metadata, spec: { ...spec, restartPolicy: 'Never' } } } } },
  } as KubeObject;
}

/** The fields the server names as refused for the pod's OS. */
function refusedForOs(verdict: Verdict): string[] {
  const found = (verdict.message ?? '').matchAll(/([\w.[\]]+): Forbidden: (?:windows options )?(?:cannot|may not) be set for a (?:windows|linux) pod/g);
  return [...found].map((m) => m[1]).sort();
}

describeCluster('Fields refused for the pod\'s OS: the server and the engine agree', (cluster) => {
  let namespace: string;
  beforeAll(async () => {
    // Warn, not enforce: a Pod Security violation must not hide whether the server accepts the object.
    namespace = await cluster().createNamespace(cluster().uniqueNamespaceName('os-fields'), {
      'pod-security.kubernetes.io/warn': 'restricted',
      'pod-security.kubernetes.io/warn-version': cluster().podSecurityVersion,
    });
  });

  test('each field, set and unset, in Windows and Linux pods, as Pods, Deployments and CronJobs', async () => {
    const all = cases().flatMap((c) => KINDS.map((kind) => ({ c, kind })));
    const judged = await mapLimit(all, 8, async ({ c, kind }) => {
      const object = objectOf(kind, podSpec(c));
      const verdict = await cluster().dryRunCreate(object, namespace);
      const report = evaluate([{ object, source: { file: '<generated>' } }], { level: 'restricted', kubernetesVersion: `1.${cluster().minor}` });
      const failing = report.findings.filter((f) => f.outcome === 'fail' || f.outcome === 'error');
      return { what: `${kind} ${c.os} ${c.place}.${c.field}=${JSON.stringify(c.value)}`, verdict, failing };
    });
    const refused = judged.filter((j) => refusedForOs(j.verdict).length > 0);
    // Both verdicts are common, or the comparison proves little.
    expect(refused.length).toBeGreaterThan(150);
    expect(judged.filter((j) => j.verdict.allowed).length).toBeGreaterThan(150);
    const wrong: string[] = [];
    for (const j of judged) {
      const server = j.verdict.allowed ? 'admits it' : `refuses it (${j.verdict.status}: ${j.verdict.message})`;
      const hardpod = j.failing.map((f) => `${f.rule} at ${f.path}: ${f.message}`).join('; ') || 'no finding';
      // Anything else the server refuses means the case itself is wrong.
      if (!j.verdict.allowed && refusedForOs(j.verdict).length === 0) wrong.push(`${j.what}: not a case of this test: the server ${server}`);
      const wellFormed = j.failing.filter((f) => f.rule === 'well-formed-pod-spec').map((f) => f.path).sort();
      if (JSON.stringify(wellFormed) !== JSON.stringify(refusedForOs(j.verdict))) wrong.push(`${j.what}: the server ${server}; hardpod: ${hardpod}`);
      const podSecurityWarns = j.verdict.warnings.some((w) => /would violate PodSecurity/.test(w));
      if (j.failing.length > 0 !== (!j.verdict.allowed || podSecurityWarns)) {
        wrong.push(`${j.what}: restricted ${j.failing.length > 0 ? 'fails' : 'passes'} it; the server ${server}${podSecurityWarns ? ', Pod Security warns' : ''}; hardpod: ${hardpod}`);
      }
    }
    expect(wrong).toEqual([]);
  }, 600_000);

  test('an os the server does not know, or an os without a name, is refused by both', async () => {
    const oses = [{}, { name: '' }, { name: null }, { name: 'Linux' }, { name: 'darwin' }, { name: 'linux' }, { name: 'windows' }, null];
    const judged = await mapLimit(oses, 4, async (os) => {
      const object = objectOf('Deployment', { ...baseSpec(os?.name === 'windows' ? 'windows' : 'linux'), os });
      const verdict = await cluster().dryRunCreate(object, namespace);
      const report = evaluate([{ object, source: { file: '<generated>' } }], { level: 'restricted', kubernetesVersion: `1.${cluster().minor}` });
      const refusedByHardpod = report.findings.some((f) => f.rule === 'well-formed-pod-spec' && f.path === 'spec.template.spec.os.name');
      return `${JSON.stringify(os)}: server ${verdict.allowed ? 'admits' : 'refuses'}, hardpod ${refusedByHardpod ? 'refuses' : 'admits'}`;
    });
    expect(judged).toEqual(oses.map((os) => {
      const known = os === null || os.name === 'linux' || os.name === 'windows';
      return `${JSON.stringify(os)}: server ${known ? 'admits' : 'refuses'}, hardpod ${known ? 'admits' : 'refuses'}`;
    }));
  }, 120_000);
});
