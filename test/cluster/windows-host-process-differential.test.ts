/**
 * Differential: Windows HostProcess settings, dry-run created on the real kube-apiserver as Pods and
 * Deployments and judged by the engine. The server refuses a pod whose pod-level and container-level
 * `windowsOptions.hostProcess` disagree, one that mixes HostProcess containers with others, and one
 * with HostProcess containers but without `hostNetwork: true` (validateWindowsHostProcessPod). The
 * well-formed-pod-spec findings must name exactly the fields the server names.
 */
import { evaluate } from '../../src/engine/evaluate';
import type { KubeObject } from '../../src/model/kube-object';
import type { Verdict } from '../harness/cluster';
import { describeCluster } from '../harness/cluster-suite';
import { mapLimit } from '../harness/pod-security';

const IMAGE = `registry.example/app@sha256:${'a'.repeat(64)}`;
type Fields = Record<string, unknown>;

/** A setting: true, false, or left out. */
type Setting = boolean | undefined;
const SETTINGS: readonly Setting[] = [true, false, undefined];

interface Case {
  readonly os: 'windows' | undefined;
  readonly pod: Setting;
  readonly app: Setting;
  /** The init container's setting, or `absent` for a pod without one. */
  readonly init: Setting | 'absent';
  readonly hostNetwork: Setting;
}

function cases(): Case[] {
  const out: Case[] = [];
  for (const os of ['windows', undefined] as const) {
    for (const pod of SETTINGS) {
      for (const app of SETTINGS) {
        for (const init of [...SETTINGS, 'absent'] as const) {
          for (const hostNetwork of SETTINGS) out.push({ os, pod, app, init, hostNetwork });
        }
      }
    }
  }
  return out;
}

/** A securityContext holding `windowsOptions.hostProcess` when the setting is given. */
function withHostProcess(setting: Setting): Fields {
  return setting === undefined ? {} : { securityContext: { windowsOptions: { hostProcess: setting } } };
}

function podSpec(c: Case): Fields {
  const spec: Fields = { containers: [{ name: 'app', image: IMAGE, ...withHostProcess(c.app) }], ...withHostProcess(c.pod) };
  if (c.init !== 'absent') spec.initContainers = [{ name: 'init', image: IMAGE, ...withHostProcess(c.init) }];
  if (c.os) spec.os = { name: c.os };
  if (c.hostNetwork !== undefined) spec.hostNetwork = c.hostNetwork;
  return spec;
}

type Kind = 'Pod' | 'Deployment';
const KINDS: readonly Kind[] = ['Pod', 'Deployment'];

function objectOf(kind: Kind, spec: Fields): KubeObject {
  if (kind === 'Pod') return { apiVersion: 'v1', kind, metadata: { name: 'host-process' }, spec } as KubeObject;
  return {
    apiVersion: 'apps/v1',
    kind,
    metadata: { name: 'host-process' },
    spec: { selector: { matchLabels: { app: 'hp' } }, template: { metadata: { labels: { app: 'hp' } }, spec } },
  } as KubeObject;
}

/** The fields the server names in its HostProcess refusals. */
const HOST_PROCESS_REFUSAL = /([a-zA-Z][\w.[\]]*): Invalid value: [^,\]]*?: (?:pod hostProcess value must be identical|If pod contains any hostProcess containers|hostNetwork must be true if pod contains any hostProcess containers)/g;
function refusedFields(verdict: Verdict): string[] {
  return [...(verdict.message ?? '').matchAll(HOST_PROCESS_REFUSAL)].map((m) => m[1]).sort();
}

describeCluster('Windows HostProcess settings: the server and the engine agree', (cluster) => {
  test('every combination of pod, container and init container hostProcess and hostNetwork, as Pods and Deployments', async () => {
    const c = cluster();
    // Privileged: Pod Security must not hide whether the server accepts the object.
    const namespace = await c.createNamespace(c.uniqueNamespaceName('host-process'));
    const all = cases().flatMap((hp) => KINDS.map((kind) => ({ hp, kind })));
    const judged = await mapLimit(all, 8, async ({ hp, kind }) => {
      const object = objectOf(kind, podSpec(hp));
      const verdict = await c.dryRunCreate(object, namespace);
      const report = evaluate([{ object, source: { file: '<generated>' } }], { level: 'baseline', kubernetesVersion: `1.${c.minor}` });
      const wellFormed = report.findings.filter((f) => f.rule === 'well-formed-pod-spec');
      return { what: `${kind} ${JSON.stringify(hp)}`, verdict, wellFormed };
    });
    // Both verdicts are common, or the comparison proves little.
    expect(judged.filter((j) => j.verdict.allowed).length).toBeGreaterThan(50);
    expect(judged.filter((j) => refusedFields(j.verdict).length > 0).length).toBeGreaterThan(200);
    const wrong: string[] = [];
    for (const j of judged) {
      const server = j.verdict.allowed ? 'admits it' : `refuses it (${j.verdict.status}: ${j.verdict.message})`;
      // Anything else the server refuses means the case itself is wrong.
      if (!j.verdict.allowed && refusedFields(j.verdict).length === 0) wrong.push(`${j.what}: not a case of this test: the server ${server}`);
      const hardpod = j.wellFormed.map((f) => f.path).sort();
      if (JSON.stringify(hardpod) !== JSON.stringify(refusedFields(j.verdict))) {
        wrong.push(`${j.what}: the server ${server}; hardpod: ${j.wellFormed.map((f) => `${f.path} (${f.outcome}): ${f.message}`).join('; ') || 'no finding'}`);
      }
    }
    expect(wrong).toEqual([]);
  }, 600_000);
});
