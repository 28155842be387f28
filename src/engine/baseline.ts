import type { BaselineEntry } from './config';
import type { Finding, Report } from './report';
import { StreamedList, writeJson } from '../model/chunks';
import { HardpodError } from '../model/errors';
import { formatFieldPath, parseFieldPath } from '../model/field-path';
import { readUserFile, writeFileAtomicChunks } from '../model/files';
import { parseJsonText } from '../model/json-text';
import { generateNameOf, objectIdentityKey, sameObjectIdentity, type KubeObject, type LocatedObject } from '../model/kube-object';
import { nodeCrypto } from '../model/lazy-crypto';
import { locatedItems } from '../model/pod-view';

/** What identifies a finding across runs: not the message or line, which change with unrelated edits. */
export interface FingerprintFields {
  readonly rule: string;
  readonly kind: string;
  /** The object's API group where it is part of the object's identity (a Knative `Service`: `serving.knative.dev`). */
  readonly group?: string;
  readonly namespace?: string;
  readonly name: string;
  /** `metadata.generateName` of an object without a name: it identifies the object instead. */
  readonly generateName?: string;
  readonly path: string;
}

/**
 * Stable fingerprint of a finding: sha256 of rule, kind, namespace, name and path, 16 hex digits.
 * An empty namespace is the same as none, as Kubernetes reads it. An object without a name is
 * identified by its generateName, marked so that it never equals a name (`migrate-` named so, or
 * the empty name that version 2 files gave every unnamed object). The group, given only where it is
 * part of the object's identity, is marked likewise after the kind, so that a Knative Service never
 * shares the fingerprints of the core Service of its name; without one, the fingerprint is as every
 * earlier version made it.
 */
export function fingerprintOf(finding: FingerprintFields): string {
  // U+0001 cannot occur in a Kubernetes name or kind.
  const name = finding.name === '' && finding.generateName !== undefined ? `\u0001${finding.generateName}` : finding.name;
  const kind = finding.group === undefined ? finding.kind : `${finding.kind}\u0001${finding.group}`;
  // The one-shot hash: a SARIF log or a baseline fingerprints every finding, and a Hash object each costs twice as much.
  return nodeCrypto().hash('sha256', `${finding.rule}\u0000${kind}\u0000${finding.namespace ?? ''}\u0000${name}\u0000${finding.path}`, 'hex').slice(0, 16);
}

/**
 * The list fields whose items Kubernetes itself identifies by a key (their strategic-merge keys):
 * a finding on a container is about the container named `app`, wherever it sits in the list.
 * Version 4 added sysctls.
 */
const ITEM_KEYS: Readonly<Record<string, string>> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  volumes: 'name',
  env: 'name',
  imagePullSecrets: 'name',
  volumeMounts: 'mountPath',
  ports: 'containerPort',
  sysctls: 'name',
};
/** The keyed lists of version 2 and 3 files, whose entries still match ({@link identityPaths}). */
const V3_ITEM_KEYS: ReadonlySet<string> = new Set(Object.keys(ITEM_KEYS).filter((list) => list !== 'sysctls'));

/**
 * Lists of plain values (capabilities.add, capabilities.drop), whose items are their own identity:
 * the finding on `add: [SYS_ADMIN, NET_ADMIN]` is about SYS_ADMIN, not about the first item, so a
 * capability added before an old one is the new finding (version 4).
 */
const VALUE_LISTS: ReadonlySet<string> = new Set(['add', 'drop']);

/**
 * The path a baseline identifies a finding by: list indexes of keyed lists become their item's key
 * (`spec.template.spec.containers[name="app"].securityContext.privileged`), and those of value lists
 * their item's value (`capabilities.add[="SYS_ADMIN"]`), so reordering containers or adding one does
 * not make old findings new. An item without its key, or whose key is not unique in the list, keeps
 * its index. Paths through no such list are returned unchanged.
 */
export function identityPath(object: KubeObject, path: string): string {
  return identityPaths(object, path).current;
}

/**
 * A finding's {@link identityPath} and the identity path version 2 and 3 files wrote (containers and
 * the like by key, value lists by index), from one walk of the path. Both are the path itself when it
 * runs through no keyed list.
 * @internal
 */
export function identityPaths(object: KubeObject, path: string): { readonly current: string; readonly legacy: string } {
  if (!path.includes('[')) return { current: path, legacy: path };
  let node: unknown = object;
  let parentKey: string | number | undefined;
  let current = '';
  let legacy = '';
  let currentChanged = false;
  let legacyChanged = false;
  for (const segment of parseFieldPath(path)) {
    const list = typeof segment === 'number' && typeof parentKey === 'string' && Array.isArray(node) ? node as unknown[] : undefined;
    const formatted = formatFieldPath([segment]);
    const byIndex = (out: string): string => out + (out !== '' && !formatted.startsWith('[') ? `.${formatted}` : formatted);
    if (list === undefined) {
      current = byIndex(current);
      legacy = byIndex(legacy);
    } else {
      const index = segment as number;
      const keyed = ITEM_KEYS[parentKey as string];
      const itemIdentity = keyed !== undefined ? uniqueIdentity(list, index, (item) => itemKey(item, keyed)) : undefined;
      const valueIdentity = keyed === undefined && VALUE_LISTS.has(parentKey as string) ? uniqueIdentity(list, index, plainValue) : undefined;
      const identity = itemIdentity ?? valueIdentity;
      current = identity === undefined ? byIndex(current) : `${current}[${keyed ?? ''}=${identity}]`;
      currentChanged ||= identity !== undefined;
      const legacyKeyed = itemIdentity !== undefined && V3_ITEM_KEYS.has(parentKey as string);
      legacy = legacyKeyed ? `${legacy}[${keyed}=${itemIdentity}]` : byIndex(legacy);
      legacyChanged ||= legacyKeyed;
    }
    node = typeof node === 'object' && node !== null ? (node as Record<string | number, unknown>)[segment] : undefined;
    parentKey = segment;
  }
  // Unchanged paths are returned as given, not as re-formatted.
  return { current: currentChanged ? current : path, legacy: legacyChanged ? legacy : path };
}

/** The JSON text of the identity of `list[index]`, when it has one no other item of the list shares. */
function uniqueIdentity(list: readonly unknown[], index: number, identityOf: (item: unknown) => string | number | undefined): string | undefined {
  const value = identityOf(list[index]);
  if (value === undefined) return undefined;
  let alike = 0;
  for (const item of list) if (identityOf(item) === value) alike++;
  return alike === 1 ? JSON.stringify(value) : undefined;
}

function plainValue(item: unknown): string | number | undefined {
  return (typeof item === 'string' && item !== '') || typeof item === 'number' ? item : undefined;
}

function itemKey(item: unknown, key: string): string | number | undefined {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return undefined;
  return plainValue((item as Record<string, unknown>)[key]);
}

/**
 * Baseline file format version. Version 5 fingerprints identify an object of another API group whose
 * kind is the name of a Kubernetes kind (a Knative Service) with its group ({@link fingerprintOf}):
 * entries earlier files hold for such an object are those of the Kubernetes kind of its name (the core
 * Service) and no longer match it, so its findings show as new until the baseline is written again.
 * Version 4 fingerprints identify added or dropped capabilities by
 * their value and sysctls by their name ({@link identityPath}); version 3 ones identify an object
 * without a name by its generateName ({@link fingerprintOf}); version 2 ones identify items of keyed
 * lists by their key. Earlier files are still read: their entries for named objects match as before
 * (capabilities and sysctls by index, until the baseline is written again), while version 1 and 2
 * entries for unnamed objects (all sharing the name '') match nothing, so such findings show as new
 * until the baseline is written again.
 */
export const BASELINE_FILE_VERSION = 5;
/**
 * The first version whose entries name an object of another API group whose kind is the name of a
 * Kubernetes kind with its group.
 * @internal
 */
export const FIRST_GROUP_IDENTITY_VERSION = 5;
const READABLE_BASELINE_VERSIONS: readonly number[] = [1, 2, 3, 4, 5];

export interface BaselineFile {
  readonly version: number;
  /**
   * The rule-set edition of the run that wrote the file: findings of rules added in later editions
   * are not in it. Absent from files written before version 4. @default unknown
   */
  readonly edition?: number;
  readonly findings: readonly BaselineEntry[];
}

/**
 * The baseline that accepts every failing, unknown or error finding of a report (sorted, deduplicated).
 * Give the evaluated objects so entries identify list items by key ({@link identityPath}); without
 * them entries use the findings' paths as they are, which still match but not after a reorder.
 */
export function baselineFromReport(report: Report, objects?: readonly LocatedObject[]): BaselineFile {
  const identifyFinding = findingIdentifier(objects);
  const byFingerprint = new Map<string, BaselineEntry>();
  for (const f of report.findings) {
    if (f.outcome === 'suppressed') continue;
    const { path, fingerprint } = identifyFinding(f);
    const namespace = f.namespace ? f.namespace : undefined;
    const { group, generateName } = f;
    const entry: BaselineEntry = {
      fingerprint,
      rule: f.rule,
      kind: f.kind,
      ...(group === undefined ? {} : { group }),
      ...(namespace === undefined ? {} : { namespace }),
      name: f.name,
      ...(generateName === undefined ? {} : { generateName }),
      path,
    };
    byFingerprint.set(fingerprint, entry);
  }
  const findings = [...byFingerprint.values()].sort((a, b) => (a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0));
  return { version: BASELINE_FILE_VERSION, edition: report.edition, findings };
}

/**
 * What identifies each finding across runs, as a baseline entry does: its {@link identityPath} (list
 * items by key, when the finding's object is among `objects`) and the fingerprint of it.
 */
export function findingIdentifier(objects?: readonly LocatedObject[]): (finding: Finding) => { path: string; fingerprint: string } {
  const lookup = objects === undefined ? undefined : objectLookup(objects);
  let previous: Finding | undefined;
  let object: KubeObject | undefined;
  return (f) => {
    // An object's findings come together: only a change of object needs a key lookup.
    if (lookup !== undefined && (previous === undefined || !sameObjectIdentity(previous, f))) {
      object = lookup.get(objectIdentityKey(f.source, f.kind, f.namespace, f.name, f.generateName));
    }
    previous = f;
    const path = object === undefined ? f.path : identityPath(object, f.path);
    const { rule, kind, group, namespace, name, generateName } = f;
    return { path, fingerprint: fingerprintOf({ rule, kind, group, namespace, name, generateName, path }) };
  };
}

/** Finds the object of a finding by where it was read and its identity (a List's items by their place in it, as evaluate() knows them). */
function objectLookup(objects: readonly LocatedObject[]): Map<string, KubeObject> {
  const byKey = new Map<string, KubeObject>();
  for (const { object, source } of objects) {
    for (const { object: item, source: at } of locatedItems({ object, source })) {
      const meta = typeof item.metadata === 'object' && item.metadata !== null ? item.metadata as Record<string, unknown> : {};
      const name = typeof meta.name === 'string' ? meta.name : '';
      const key = objectIdentityKey(at, item.kind, typeof meta.namespace === 'string' ? meta.namespace : undefined, name, generateNameOf(meta));
      if (!byKey.has(key)) byKey.set(key, item);
    }
  }
  return byKey;
}

/** Writes a baseline file atomically; a file that cannot be written is a HardpodError naming it. */
export async function writeBaseline(path: string, report: Report, objects?: readonly LocatedObject[]): Promise<BaselineFile> {
  const baseline = baselineFromReport(report, objects);
  // Written entry by entry: a baseline of a few million findings is longer than one string can be.
  await writeFileAtomicChunks(path, (write) => writeJson({ ...baseline, findings: new StreamedList(baseline.findings) }, write));
  return baseline;
}

/** Reads a baseline file's entries; a missing or malformed file is a HardpodError naming it (and the line of a JSON error). */
export function readBaseline(path: string): readonly BaselineEntry[] {
  return readBaselineFile(path).findings;
}

/** Reads a baseline file, with the edition it was written under; errors as {@link readBaseline}'s. */
export function readBaselineFile(path: string): BaselineFile {
  const json = parseJsonText(readUserFile(path, 'baseline file'));
  if (!json.ok) throw new HardpodError(`baseline file is not valid JSON: ${json.problem}; write it again with hardpod check --write-baseline`, `${path}:${json.line}`);
  const parsed = json.value;
  const file = parsed as Partial<BaselineFile>;
  if (typeof parsed !== 'object' || parsed === null || !Array.isArray(file.findings) || typeof file.version !== 'number') {
    throw new HardpodError(`not a hardpod baseline file; expected { "version": ${BASELINE_FILE_VERSION}, "findings": [ { "fingerprint": ... } ] } as written by --write-baseline`, path);
  }
  if (!READABLE_BASELINE_VERSIONS.includes(file.version)) {
    throw new HardpodError(`baseline file version ${file.version} is not one this hardpod reads (${READABLE_BASELINE_VERSIONS.slice(0, -1).join(', ')} or ${READABLE_BASELINE_VERSIONS.at(-1)}); upgrade hardpod, or write the baseline again with --write-baseline`, path);
  }
  file.findings.forEach((entry, i) => {
    if (typeof entry !== 'object' || entry === null || typeof entry.fingerprint !== 'string' || !entry.fingerprint) {
      throw new HardpodError(`findings[${i}] needs a fingerprint string; write the baseline again with --write-baseline`, path);
    }
  });
  if (file.edition !== undefined && !(Number.isInteger(file.edition) && file.edition >= 1)) {
    throw new HardpodError(`edition must be the rule-set edition the baseline was written under (an integer from 1), got ${JSON.stringify(file.edition)}; write the baseline again with --write-baseline`, path);
  }
  const { version, edition, findings } = file;
  return edition === undefined ? { version, findings } : { version, edition, findings };
}
