import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { ManifestSet } from '../../src/loader';
import { isHardpodError } from '../../src/model/errors';
import { findToolchain } from '../harness/cluster';

/**
 * Reading manifests with the real kubectl (`kubectl label --local -o json`, offline) and with
 * hardpod, for the differential tests of the loader.
 */

export const found = findToolchain();
export const kubectl = 'toolchain' in found ? found.toolchain.kubectl : '';
export const missingKubectl = 'missing' in found ? found.missing : undefined;
const PROBE_LABEL = 'hardpod-probe';

/**
 * JSON with keys sorted (kubectl prints Go maps sorted): Kubernetes receives JSON, where key order
 * means nothing and -0 and 0 are one number.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v);
}

export function readWithKubectl(file: string): { items?: unknown[]; stderr: string; status: number | null } {
  const run = spawnSync(kubectl, ['label', '--local', '-f', file, '-o', 'json', `${PROBE_LABEL}=1`], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (run.status !== 0) return { stderr: run.stderr, status: run.status };
  // One pretty-printed object after another, each closing with `}` alone on a line.
  const items = run.stdout.trim() === '' ? [] : run.stdout.split(/(?<=^\})\n(?=\{)/m).map((json) => withoutProbeLabel(JSON.parse(json)));
  return { items, stderr: run.stderr, status: run.status };
}

/** kubectl's copy without the label it was asked to add. */
function withoutProbeLabel(object: unknown): unknown {
  const copy = JSON.parse(JSON.stringify(object)) as { metadata: { labels?: Record<string, string> } };
  delete copy.metadata.labels?.[PROBE_LABEL];
  if (copy.metadata.labels && Object.keys(copy.metadata.labels).length === 0) delete copy.metadata.labels;
  return withoutEmptyMetadata(copy);
}

/** kubectl adds `metadata` to hold the label: an empty or null one and none are the same here. */
function withoutEmptyMetadata(object: unknown): unknown {
  const { metadata } = object as { metadata?: unknown };
  if (metadata !== null && !(typeof metadata === 'object' && Object.keys(metadata).length === 0)) return object;
  const copy = { ...(object as Record<string, unknown>) };
  delete copy.metadata;
  return copy;
}

/** How one reader took a file: the objects as canonical JSON, or its error. */
export type Reading = { objects: string[] } | { error: string };

/** Reads `text` (written to `file`) with kubectl and with hardpod. Errors other than HardpodErrors are thrown. */
export function readBoth(text: string, file: string): { kubectl: Reading; hardpod: Reading } {
  writeFileSync(file, text);
  const theirs = readWithKubectl(file);
  const kubectlReading: Reading = theirs.status === 0 ? { objects: theirs.items!.map(canonicalJson) } : { error: theirs.stderr.trim() };
  let hardpodReading: Reading;
  try {
    const set = new ManifestSet();
    set.addText(text, file);
    hardpodReading = { objects: set.objects.map((o) => canonicalJson(withoutEmptyMetadata(o.object))) };
  } catch (error) {
    if (!isHardpodError(error)) throw error;
    hardpodReading = { error: error.message };
  }
  return { kubectl: kubectlReading, hardpod: hardpodReading };
}

/**
 * Reads each text both ways and describes every one where hardpod's reading differs from kubectl's:
 * other objects, or one refusing what the other reads. Both refusing is agreement.
 */
export function disagreements(texts: Readonly<Record<string, string>>, file: string): string[] {
  const out: string[] = [];
  for (const [name, text] of Object.entries(texts)) {
    const { kubectl: theirs, hardpod: ours } = readBoth(text, file);
    if ('error' in theirs && 'error' in ours) continue;
    if ('objects' in theirs && 'objects' in ours && theirs.objects.length === ours.objects.length) {
      // Objects read the same way by both, each compared on its own: a batch shows only what differs.
      theirs.objects.forEach((json, i) => {
        if (json !== ours.objects[i]) out.push(`${name}, object ${i}: ${firstDifference(JSON.parse(json), JSON.parse(ours.objects[i]), '')}`);
      });
      continue;
    }
    out.push(`${name} ${JSON.stringify(text)}:\n  kubectl: ${JSON.stringify(theirs)}\n  hardpod: ${JSON.stringify(ours)}`);
  }
  return out;
}

/** Where two JSON values first differ, with both values there. */
function firstDifference(theirs: unknown, ours: unknown, path: string): string {
  if (theirs !== null && ours !== null && typeof theirs === 'object' && typeof ours === 'object' && Array.isArray(theirs) === Array.isArray(ours)) {
    const a = theirs as Record<string, unknown>, b = ours as Record<string, unknown>;
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      if (canonicalJson(a[key]) !== canonicalJson(b[key])) return firstDifference(a[key], b[key], `${path}.${key}`);
    }
  }
  return `${path || '(the object)'}: kubectl ${JSON.stringify(theirs)}, hardpod ${JSON.stringify(ours)}`;
}
