import { existsSync } from 'node:fs';
import { digestProblem, formatImageRef, isSha256Digest, parseImageRef, tagKey } from './image-ref';
import { VULNERABILITY_SEVERITIES, type VulnerabilitySeverity } from './vulnerability-scans';
import { JsonLines } from '../loader/json-lines';
import { firstDuplicateKey, keysWithinDepth, scanJsonValue, skipJsonSpace, type JsonScan } from '../loader/json-scan';
import { HardpodError } from '../model/errors';
import { readUserFile, writeFileAtomic, type AtomicWriteOptions } from '../model/files';
import type { ImageFacts } from '../model/image';
import { parseJsonText } from '../model/json-text';
import { countNewlines } from '../model/lines';
import { describeType } from '../model/pod-view';

/** File name of the lock file, committed next to the app. */
export const LOCK_FILE_NAME = 'hardpod.lock.json';
/** Format version written into the lock file; readers refuse versions they do not know. */
export const LOCK_FILE_VERSION = 1;

/**
 * Everything hardpod read from an image, recorded at lock time. Extends the facts the workload
 * model uses with what the image rules need.
 */
export interface LockedImageFacts extends ImageFacts {
  /** The config's `User` as written (`app`, `1000:1000`, `nobody:nogroup`); absent means root. */
  readonly user?: string;
  /** User name found in /etc/passwd for `uid`, when the layers were inspected. */
  readonly userName?: string;
  /** False when `user` names a user or group the image's /etc/passwd or /etc/group lacks (or the layers were not read). */
  readonly userResolved?: boolean;
  readonly workingDir?: string;
  readonly volumes?: readonly string[];
  /** Entrypoint and default command of the image config. */
  readonly entrypoint?: readonly string[];
  readonly cmd?: readonly string[];
  /** `org.opencontainers.image.base.name` annotation. */
  readonly baseName?: string;
  /** `org.opencontainers.image.base.digest` annotation. */
  readonly baseDigest?: string;
  /** Whether a package manager (apt, apk, dnf, yum, microdnf, rpm, dpkg, pip) is installed; known only after layer inspection. */
  readonly hasPackageManager?: boolean;
  /** Paths of files with the setuid or setgid bit; known only after layer inspection. */
  readonly setuidFiles?: readonly string[];
  /** Whether the layers were read (`--inspect`); without it shell, tools, package manager and setuid are unknown. */
  readonly inspected?: boolean;
  /** Platform the facts were read from, e.g. `linux/amd64`. */
  readonly platform?: string;
  /**
   * The cosign signatures of the pinned digest, checked at lock time against the keys of the
   * config's `images.signatures`; absent when no keys were configured.
   */
  readonly signatures?: LockedSignatures;
  /**
   * The cosign attestations of the pinned digest, checked at lock time against the keys of the
   * config's `images.signatures`; absent when the config has no `images.attestations`.
   */
  readonly attestations?: LockedAttestations;
}

/** A configured signature key as the lock file names it. */
export interface LockedSignatureKey {
  /** The key's name in the config. */
  readonly name: string;
  /** `sha256:<hex>` of the key's DER SubjectPublicKeyInfo: a name given to another key later does not inherit what this one verified. */
  readonly key: string;
}

/**
 * The configured keys a lock file's record was checked with, as configured now: only the name and key
 * material it was recorded under count, so a key replaced in the config is not credited with what the
 * old one verified.
 */
export function keysCheckedNow<K extends { readonly name: string; readonly fingerprint: string }>(
  keys: readonly K[], record: { readonly checked: readonly LockedSignatureKey[] } | undefined,
): K[] {
  return keys.filter((key) => record?.checked.some((entry) => entry.name === key.name && entry.key === key.fingerprint));
}

/** What `hardpod lock` found about the signatures of one digest. */
export interface LockedSignatures {
  /** The keys signatures were checked against. */
  readonly checked: readonly LockedSignatureKey[];
  /** The names of the checked keys with which a signature for this digest and repository verified. */
  readonly verified: readonly string[];
}

/** What `hardpod lock` found about the attestations of one digest. */
export interface LockedAttestations {
  /** The keys attestations were checked against. */
  readonly checked: readonly LockedSignatureKey[];
  /**
   * Each predicate type (`https://spdx.dev/Document`) attested for this digest, with the names of the
   * checked keys whose DSSE signature over a statement of that type, about this digest, verified.
   */
  readonly verified: Readonly<Record<string, readonly string[]>>;
  /**
   * What each verified SLSA provenance attestation (v1 or v0.2) of this digest says about its build,
   * for `images.attestations.provenance`. Absent in lock files written before hardpod read it: the
   * image-attested rule then asks for the image to be locked again.
   */
  readonly provenance?: readonly LockedProvenance[];
  /**
   * The verified vulnerability scans of this digest (`cosign attest --type vuln`), for
   * `images.vulnerabilities`. Absent when the config had none when it was locked, and in lock files
   * written before hardpod read scans: the image-vulnerabilities rule then asks for the image to be locked again.
   */
  readonly vulnerabilities?: LockedVulnerabilities;
}

/** What the verified vulnerability scans of one digest found. */
export interface LockedVulnerabilities {
  /** The least severity recorded: less severe vulnerabilities were left out, as `images.vulnerabilities.failOn` was when it was locked. */
  readonly recordedFrom: VulnerabilitySeverity;
  /** Each scanner's newest verified scan (scans finished at the same time all kept), sorted by scanner; empty when there is none. */
  readonly scans: readonly LockedVulnerabilityScan[];
  /**
   * The verified OpenVEX statements whose latest word on a vulnerability is `not_affected` or `fixed`:
   * about the image as a whole, or narrowed to packages inside it (subcomponents) where every package
   * the scans found the vulnerability in is one of them. Sorted by vulnerability. Absent in lock files
   * written before hardpod read VEX: nothing is cleared then.
   */
  readonly vex?: readonly LockedVexStatement[];
}

/** An OpenVEX statement that clears a vulnerability for the image. */
export interface LockedVexStatement {
  /** The names of the checked keys whose signature over its document verified. */
  readonly verifiedBy: readonly string[];
  /** `vulnerability.name` (`CVE-2024-3094`). */
  readonly vulnerability: string;
  /** `vulnerability.aliases`: other ids of the same vulnerability, which it clears too. */
  readonly aliases: readonly string[];
  /** `not_affected` or `fixed` (in the lock file; any OpenVEX status while statements are read). */
  readonly status: string;
  /** Why it does not affect the image (`vulnerable_code_not_in_execute_path`); absent when it names none. */
  readonly justification?: string;
  /** The statement's `impact_statement`; absent when it has none. */
  readonly impactStatement?: string;
  /** When it was made (its own `timestamp`, else its document's); absent when neither says. */
  readonly timestamp?: string;
  /**
   * The packages inside the image it is narrowed to, as the purls of its products' subcomponents
   * (`pkg:golang/golang.org/x/net@v0.23.0`, or without a version for every version), sorted; absent
   * when it is about the image as a whole.
   */
  readonly subcomponents?: readonly string[];
}

/** One verified vulnerability scan, as its Cosign Vulnerability Scan Record says. */
export interface LockedVulnerabilityScan {
  /** The names of the checked keys whose signature over it verified. */
  readonly verifiedBy: readonly string[];
  /** `scanner.uri` (`pkg:github/aquasecurity/trivy@v0.57.1`), or `trivy` / `grype` when it names none. */
  readonly scanner: string;
  /** `scanner.version`; absent when it names none. */
  readonly scannerVersion?: string;
  /** `metadata.scanFinishedOn` as written; absent when it names none. */
  readonly finishedOn?: string;
  /** The vulnerabilities of `recordedFrom` or more severe, one per id, most severe first. */
  readonly vulnerabilities: readonly LockedVulnerability[];
}

/** One vulnerability a scan found. */
export interface LockedVulnerability {
  /** `CVE-2024-3094`, `GHSA-...`, as the scanner names it. */
  readonly id: string;
  /** The most severe of its occurrences. */
  readonly severity: VulnerabilitySeverity;
  /** Whether a fixed version exists for one of the packages it was found in. */
  readonly fixAvailable: boolean;
  /**
   * The purls of the packages it was found in (Trivy's `PkgIdentifier.PURL`, Grype's `artifact.purl`),
   * sorted; absent when the report names no purl for one of them, and then only VEX statements about
   * the image as a whole clear it.
   */
  readonly packages?: readonly string[];
}

/** The build a verified SLSA provenance attestation describes, as written in it. */
export interface LockedProvenance {
  /** The statement's predicate type: `https://slsa.dev/provenance/v1` or `https://slsa.dev/provenance/v0.2`. */
  readonly predicateType: string;
  /** The names of the checked keys whose signature over it verified. */
  readonly verifiedBy: readonly string[];
  /** v1 `runDetails.builder.id`, v0.2 `builder.id`; absent when it names none. */
  readonly builderId?: string;
  /** v1 `buildDefinition.buildType`, v0.2 `buildType`; absent when it names none. */
  readonly buildType?: string;
  /**
   * Where the build's source came from, as written (refs kept): v1 `buildDefinition.externalParameters.workflow.repository`
   * and the `uri` of the first `buildDefinition.resolvedDependencies`; v0.2 `invocation.configSource.uri` and
   * the `uri` of the first `materials`. Empty when it names none.
   */
  readonly sources: readonly string[];
}

/** One locked reference. */
export interface LockEntry {
  /** The pinned digest: the multi-arch index digest for an index, the manifest digest otherwise. */
  readonly digest: string;
  /** Media type of the pinned manifest or index. */
  readonly mediaType: string;
  /** For an index: each platform (`linux/arm64/v8`) and its manifest digest; attestation entries are left out. */
  readonly platforms?: Readonly<Record<string, string>>;
  /** ISO time the tag was resolved. */
  readonly resolvedAt: string;
  /** Registry base URL the digest was read from (a mirror when one was used). */
  readonly resolvedFrom: string;
  readonly facts?: LockedImageFacts;
}

/** The lock file: references (normalized, with tag) to what they were pinned to. */
export interface LockFile {
  readonly lockfileVersion: typeof LOCK_FILE_VERSION;
  /** Keyed by the normalized tagged reference, e.g. `docker.io/library/nginx:1.27`. */
  readonly images: Readonly<Record<string, LockEntry>>;
}

export function emptyLockFile(): LockFile {
  return { lockfileVersion: LOCK_FILE_VERSION, images: {} };
}

/** Deep copy with object keys sorted, so equal lock files serialize to equal bytes. */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const field = (value as Record<string, unknown>)[key];
      if (field !== undefined) sorted[key] = sortKeys(field);
    }
    return sorted;
  }
  return value;
}

/** The lock file as written: keys sorted at every level, two-space indent, one trailing newline. */
export function serializeLockFile(lock: LockFile): string {
  return `${JSON.stringify(sortKeys(lock), null, 2)}\n`;
}

/**
 * Writes the lock file atomically (a symlink stays a link, the mode is kept).
 * @param options `readContent`: the text read before resolving, so an edit made meanwhile is not overwritten
 */
export async function writeLockFile(path: string, lock: LockFile, options: AtomicWriteOptions = {}): Promise<void> {
  await writeFileAtomic(path, serializeLockFile(lock), options);
}

/**
 * A lock file hardpod cannot read stops every command that reads it, `lock --update` included: the
 * way out is the file itself, mended by hand or written anew.
 */
function fail(file: string, message: string): never {
  throw new HardpodError(`${message}; fix it by hand, or delete it and run \`npx hardpod lock\` (with the PATH it was locked from, if any) to resolve every image again`, file);
}

/** Where a field of the lock file is: `file:line` when the text is at hand, else the file. */
type Locate = (path: readonly string[]) => string;

/** Finds lines only when an error names one: reading a valid lock file never scans its text twice. */
function locatorIn(body: string, file: string, scan: JsonScan | undefined): Locate {
  let lines: JsonLines | undefined;
  return (path) => {
    lines ??= new JsonLines(body, scan);
    const line = lines.line(path);
    return line === undefined ? file : `${file}:${line + 1}`;
  };
}

/** What each recorded fact must be: the image rules read them as these types. */
type FactType = 'string' | 'boolean' | 'id' | 'ports' | 'strings' | 'signatures' | 'attestations';
const FACT_TYPES: Readonly<Record<keyof LockedImageFacts, FactType>> = {
  user: 'string',
  uid: 'id',
  gid: 'id',
  exposedPorts: 'ports',
  hasShell: 'boolean',
  tools: 'strings',
  userName: 'string',
  userResolved: 'boolean',
  workingDir: 'string',
  exposed: 'strings',
  volumes: 'strings',
  entrypoint: 'strings',
  cmd: 'strings',
  baseName: 'string',
  baseDigest: 'string',
  hasPackageManager: 'boolean',
  setuidFiles: 'strings',
  inspected: 'boolean',
  platform: 'string',
  signatures: 'signatures',
  attestations: 'attestations',
};
const FACT_TYPE_NAMES: Readonly<Record<FactType, string>> = {
  string: 'a string',
  boolean: 'true or false',
  id: 'a non-negative integer (a numeric id)',
  ports: 'a list of port numbers (integers 0 to 65535)',
  strings: 'a list of strings',
  signatures: 'an object { checked: [{ name, key }], verified: [names of checked keys] }',
  attestations: 'an object { checked: [{ name, key }], verified: { <predicate type>: [names of checked keys] }, provenance?: [{ predicateType, verifiedBy: [names of checked keys], builderId?, buildType?, sources: [URIs] }], vulnerabilities?: { recordedFrom: critical|high|medium|low, scans: [{ verifiedBy: [names of checked keys], scanner, scannerVersion?, finishedOn?, vulnerabilities: [{ id, severity, fixAvailable, packages?: [purls] }] }], vex?: [{ verifiedBy, vulnerability, aliases: [ids], status: not_affected|fixed, justification?, impactStatement?, timestamp?, subcomponents?: [purls] }] } }',
};

function isId(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

function hasFactType(value: unknown, type: FactType): boolean {
  switch (type) {
    case 'string': return typeof value === 'string';
    case 'boolean': return typeof value === 'boolean';
    case 'id': return isId(value);
    case 'ports': return Array.isArray(value) && value.every((port) => isId(port) && (port as number) <= 65535);
    case 'strings': return isStrings(value);
    case 'signatures': return isLockedSignatures(value);
    case 'attestations': return isLockedAttestations(value);
  }
}

function isStrings(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

/** The names of a recorded `checked` list of keys, or undefined when it is not one. */
function checkedKeyNames(checked: unknown): Set<string> | undefined {
  if (!Array.isArray(checked)) return undefined;
  const names = new Set<string>();
  for (const key of checked) {
    if (key === null || typeof key !== 'object' || Array.isArray(key)) return undefined;
    const { name, key: fingerprint } = key as Record<string, unknown>;
    if (typeof name !== 'string' || typeof fingerprint !== 'string' || !isSha256Digest(fingerprint)) return undefined;
    names.add(name);
  }
  return names;
}

/** Recorded signatures the image-signed rule can trust the shape of: every verified name is one of the checked keys. */
function isLockedSignatures(value: unknown): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const { checked, verified } = value as Record<string, unknown>;
  const names = checkedKeyNames(checked);
  return names !== undefined && isStrings(verified) && verified.every((name) => names.has(name));
}

/** Recorded attestations the image-attested rule can trust the shape of: per predicate type, names of checked keys, and what provenance says. */
function isLockedAttestations(value: unknown): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const { checked, verified, provenance, vulnerabilities } = value as Record<string, unknown>;
  const names = checkedKeyNames(checked);
  if (names === undefined || verified === null || typeof verified !== 'object' || Array.isArray(verified)) return false;
  const byCheckedKeys = (keys: unknown) => isStrings(keys) && keys.every((name) => names.has(name));
  if (!Object.values(verified).every(byCheckedKeys)) return false;
  return (provenance === undefined || (Array.isArray(provenance) && provenance.every((entry) => isLockedProvenance(entry, byCheckedKeys))))
    && (vulnerabilities === undefined || isLockedVulnerabilities(vulnerabilities, byCheckedKeys));
}

function isSeverity(value: unknown): boolean {
  return (VULNERABILITY_SEVERITIES as readonly unknown[]).includes(value);
}

function isLockedVulnerabilities(value: unknown, byCheckedKeys: (keys: unknown) => boolean): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const { recordedFrom, scans, vex } = value as Record<string, unknown>;
  if (vex !== undefined && !(Array.isArray(vex) && vex.every((statement) => isLockedVexStatement(statement, byCheckedKeys)))) return false;
  return isSeverity(recordedFrom) && Array.isArray(scans) && scans.every((scan) => {
    if (scan === null || typeof scan !== 'object' || Array.isArray(scan)) return false;
    const { verifiedBy, scanner, scannerVersion, finishedOn, vulnerabilities } = scan as Record<string, unknown>;
    return byCheckedKeys(verifiedBy) && typeof scanner === 'string' && (scannerVersion === undefined || typeof scannerVersion === 'string')
      && (finishedOn === undefined || typeof finishedOn === 'string') && Array.isArray(vulnerabilities) && vulnerabilities.every((found) => {
      if (found === null || typeof found !== 'object' || Array.isArray(found)) return false;
      const { id, severity, fixAvailable, packages } = found as Record<string, unknown>;
      return typeof id === 'string' && isSeverity(severity) && typeof fixAvailable === 'boolean' && (packages === undefined || isStrings(packages));
    });
  });
}

function isLockedProvenance(value: unknown, byCheckedKeys: (keys: unknown) => boolean): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const { predicateType, verifiedBy, builderId, buildType, sources } = value as Record<string, unknown>;
  return typeof predicateType === 'string' && byCheckedKeys(verifiedBy) && isStrings(sources)
    && (builderId === undefined || typeof builderId === 'string') && (buildType === undefined || typeof buildType === 'string');
}

function isLockedVexStatement(value: unknown, byCheckedKeys: (keys: unknown) => boolean): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const { verifiedBy, vulnerability, aliases, status, justification, impactStatement, timestamp, subcomponents } = value as Record<string, unknown>;
  const optionalText = (text: unknown) => text === undefined || typeof text === 'string';
  // An empty list would narrow the statement to nothing: written by no hardpod, and read as the whole image by none.
  const scope = subcomponents === undefined || (isStrings(subcomponents) && subcomponents.length > 0);
  return byCheckedKeys(verifiedBy) && typeof vulnerability === 'string' && isStrings(aliases) && (status === 'not_affected' || status === 'fixed')
    && optionalText(justification) && optionalText(impactStatement) && optionalText(timestamp) && scope;
}

/** Checks one entry of a lock file, naming the file and the entry that is wrong. */
export function validateLockEntry(file: string, key: string, entry: unknown): asserts entry is LockEntry {
  checkLockEntry(key, entry, () => file);
}

function checkLockEntry(key: string, entry: unknown, locate: Locate): asserts entry is LockEntry {
  const at = `images[${JSON.stringify(key)}]`;
  const field = (name: string) => locate(['images', key, name]);
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) fail(locate(['images', key]), `${at} must be an object`);
  const e = entry as Record<string, unknown>;
  if (typeof e.digest !== 'string' || digestProblem(e.digest)) fail(field('digest'), `${at}.digest must be "sha256:<64 lowercase hex>"`);
  if (typeof e.mediaType !== 'string') fail(field('mediaType'), `${at}.mediaType must be a string`);
  if (typeof e.resolvedAt !== 'string') fail(field('resolvedAt'), `${at}.resolvedAt must be an ISO time string`);
  if (typeof e.resolvedFrom !== 'string') fail(field('resolvedFrom'), `${at}.resolvedFrom must be a registry URL`);
  if (e.platforms !== undefined) {
    if (e.platforms === null || typeof e.platforms !== 'object' || Array.isArray(e.platforms)) fail(field('platforms'), `${at}.platforms must be an object`);
    for (const [platform, digest] of Object.entries(e.platforms as Record<string, unknown>)) {
      if (typeof digest !== 'string' || digestProblem(digest)) fail(locate(['images', key, 'platforms', platform]), `${at}.platforms[${JSON.stringify(platform)}] must be a digest`);
    }
  }
  if (e.facts === undefined) return;
  if (e.facts === null || typeof e.facts !== 'object' || Array.isArray(e.facts)) fail(field('facts'), `${at}.facts must be an object`);
  // The image rules trust these types; a hand-edited or merged file must not reach them otherwise.
  // Facts this hardpod does not know (written by a newer one) are left alone.
  const facts = e.facts as Record<string, unknown>;
  for (const name of Object.keys(facts)) {
    const type = Object.prototype.hasOwnProperty.call(FACT_TYPES, name) ? FACT_TYPES[name as keyof LockedImageFacts] : undefined;
    if (type === undefined || facts[name] === undefined || hasFactType(facts[name], type)) continue;
    fail(locate(['images', key, 'facts', name]), `${at}.facts.${name} must be ${FACT_TYPE_NAMES[type]}, not ${describeType(facts[name])}`);
  }
}

/** Deeper than this, a lock file is not one: it nests five levels (images, entry, facts, list). */
const MAX_LOCK_FILE_DEPTH = 32;

/**
 * JSON.parse keeps the last of two equal keys; in a lock file they come from a merge gone wrong,
 * and whichever entry happens to be last would pin the image unseen. A parsed value with fewer keys
 * than the text has had one given twice: only then is the text searched for which. Returns the
 * text's scan, which finds the lines of later errors without scanning the text again.
 */
function refuseDuplicateKeys(body: string, value: unknown, file: string): JsonScan | undefined {
  const start = skipJsonSpace(body, 0);
  const keys = keysWithinDepth(value, 0, MAX_LOCK_FILE_DEPTH);
  if (keys < 0) fail(file, `the JSON nests more than ${MAX_LOCK_FILE_DEPTH} levels deep; a lock file nests five`);
  const scan = scanJsonValue(body, start);
  if (!scan || scan.keys === keys) return scan;
  const duplicate = firstDuplicateKey(body, start);
  if (!duplicate) fail(file, 'a key is given twice in one object');
  const first = 1 + countNewlines(body, duplicate.firstOffset);
  const second = 1 + countNewlines(body, duplicate.offset);
  fail(
    `${file}:${second}`,
    `the key ${JSON.stringify(duplicate.key)} is given twice in one object, on lines ${first} and ${second} (a merge can leave this), and only the last would be read; keep one`,
  );
}

/** Checks that a key is a normalized tagged reference (what `hardpod lock` writes). */
function validateLockKey(key: string, locate: Locate): void {
  const where = () => locate(['images', key]);
  const at = `images[${JSON.stringify(key)}]`;
  let normalized: string;
  try {
    const ref = parseImageRef(key);
    if (ref.digest !== undefined || ref.tag === undefined) throw new HardpodError('a lock key is a tagged reference without digest');
    normalized = tagKey(ref);
  } catch (error) {
    fail(where(), `${at}: the key is not a normalized tagged reference (${(error as Error).message})`);
  }
  if (normalized !== key) fail(where(), `${at}: the key should be written ${JSON.stringify(normalized)}`);
}

/**
 * Parses and validates a lock file, naming the file and the entry that is wrong.
 * @param entries `all` checks every key and entry; `lazy` checks the file's shape only, leaving each
 * entry to be checked when it is used (synthesis reads a lock file on every run and uses few entries).
 */
export function parseLockFile(text: string, file: string, entries: 'all' | 'lazy' = 'all'): LockFile {
  const json = parseJsonText(text);
  if (!json.ok) fail(`${file}:${json.line}`, `not valid JSON: ${json.problem}`);
  const body = json.body;
  const scan = refuseDuplicateKeys(body, json.value, file);
  const locate = locatorIn(body, file, scan);
  const data = json.value;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) fail(file, 'expected a JSON object with "lockfileVersion" and "images"');
  const root = data as Record<string, unknown>;
  if (root.lockfileVersion !== LOCK_FILE_VERSION) {
    fail(file, `"lockfileVersion" is ${JSON.stringify(root.lockfileVersion)}, this hardpod reads version ${LOCK_FILE_VERSION}`);
  }
  const images = root.images;
  if (images === null || typeof images !== 'object' || Array.isArray(images)) fail(file, '"images" must be an object keyed by image reference');
  if (entries === 'all') {
    for (const [key, entry] of Object.entries(images as Record<string, unknown>)) {
      validateLockKey(key, locate);
      checkLockEntry(key, entry, locate);
    }
  }
  return data as LockFile;
}

/** What reading a lock file that must exist says when there is none. */
const LOCK_FILE_NOT_FOUND = 'lock file not found; run `npx hardpod lock` to create it';

/** Reads and validates a lock file synchronously (synthesis cannot await). */
export function readLockFile(path: string, entries: 'all' | 'lazy' = 'all'): LockFile {
  const text = readUserFile(path, 'lock file', LOCK_FILE_NOT_FOUND);
  return parseLockFile(text, path, entries);
}

/** Reads the lock file when it exists, an empty one otherwise. */
export function readLockFileIfExists(path: string): LockFile {
  return readLockFileForUpdate(path).lock;
}

/**
 * The lock file (an empty one when it does not exist) and the text it was read from (`null`: none), to rewrite it safely.
 * @param mustExist refuse a missing file as not found (as {@link readLockFile} does) rather than read it as an empty lock @default false
 */
export function readLockFileForUpdate(path: string, mustExist = false): { readonly lock: LockFile; readonly text: string | null } {
  if (!mustExist && !existsSync(path)) return { lock: emptyLockFile(), text: null };
  const text = readUserFile(path, 'lock file', LOCK_FILE_NOT_FOUND);
  return { lock: parseLockFile(text, path), text };
}

/** The lock with one entry set (or replaced), as a new object. */
export function withEntry(lock: LockFile, key: string, entry: LockEntry): LockFile {
  return { ...lock, images: { ...lock.images, [key]: entry } };
}

/** A locked reference as the workload uses it: normalized, tag kept, digest appended. */
export function pinnedReference(key: string, entry: LockEntry): string {
  return `${formatImageRef(parseImageRef(key))}@${entry.digest}`;
}
