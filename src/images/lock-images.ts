import { verifyImageAttestations } from './attestations';
import { parseImageRef, tagKey, type ImageRef } from './image-ref';
import { keysCheckedNow, readLockFileForUpdate, serializeLockFile, writeLockFile, type LockedAttestations, type LockedProvenance, type LockedVulnerabilities, type LockEntry, type LockFile } from './lock-file';
import type { RegistryClient } from './registry-client';
import { isRegistryNotFound } from './registry-failures';
import { resolveImage, type ResolveImageOptions } from './resolve-image';
import type { SignatureKey } from './signature-keys';
import { verifyImageSignatures } from './signatures';
import { atOrAbove, type VulnerabilitySeverity } from './vulnerability-scans';
import { HardpodError } from '../model/errors';
import type { LocatedObject, SourceLocation } from '../model/kube-object';
import { extractPodViews } from '../model/pod-view';

/** One place an image reference is used: a manifest field (`file:line`) or a construct path. */
export interface ImageUse {
  readonly reference: string;
  readonly where: string;
}

/** Finds the line of a field inside an object read from a file (a loader's `ManifestSet`). */
export interface FieldLineLookup {
  /** The 1-based line of the field at `path` (`spec.containers[0].image`), or undefined when unknown. */
  fieldLine(source: SourceLocation, path: string): number | undefined;
}

/**
 * Every container image in the objects, with `file:line` (or construct path) of its `image` field.
 * @param lines the field lines of the objects' files, as check and pin name them @default the object's first line
 */
export function imageUsesIn(objects: readonly LocatedObject[], lines?: FieldLineLookup): ImageUse[] {
  const uses: ImageUse[] = [];
  for (const { object, source } of objects) {
    for (const view of extractPodViews(object).views) {
      for (const container of view.containers) {
        const image = container.container.image;
        if (typeof image !== 'string' || image === '') continue;
        const file = source.constructPath ?? source.file ?? '<input>';
        const field = `${container.path}.image`;
        const line = lines?.fieldLine(source, field) ?? source.line;
        uses.push({ reference: image, where: `${file}${line !== undefined ? `:${line}` : ''} ${field}` });
      }
    }
  }
  return uses;
}

/** Progress of a run that resolves many images: a bar on a terminal, plain lines in CI. */
export interface LockProgress {
  start(total: number): void;
  /** One image finished (resolved, or failed with `error`). */
  done(key: string, error?: string): void;
  finish(): void;
}

/**
 * - `lock`: resolve tags the lock file lacks, keep the rest;
 * - `update`: re-resolve every tag in use (every entry when no uses are given) and report changes;
 * - `check`: write nothing; list tags the lock lacks, and locked tags that now point elsewhere.
 */
export type LockMode = 'lock' | 'update' | 'check';

export interface LockRunOptions extends ResolveImageOptions {
  readonly lockFilePath: string;
  /**
   * The user named the lock file: its absence is an error, not an empty lock, except in `lock`
   * mode, which creates it.
   * @default false
   */
  readonly lockFileNamed?: boolean;
  readonly uses: readonly ImageUse[];
  readonly mode: LockMode;
  readonly client: RegistryClient;
  /** In `check` mode, ask the registries whether locked tags moved. @default true */
  readonly checkOutdated?: boolean;
  /** @default no progress output */
  readonly progress?: LockProgress;
  /**
   * Verify the cosign signatures of every digest locked, or kept without a record for each of these
   * keys, and record which keys verified (`facts.signatures`); `required`: refuse to lock an image
   * none of them signed. Not used in `check` mode.
   * @default signatures are not checked
   */
  readonly signatures?: { readonly keys: readonly SignatureKey[]; readonly required: boolean };
  /**
   * Also verify the cosign attestations (DSSE envelopes) of every digest locked, or kept without a
   * record for each key of `signatures` (or without the provenance read), with those keys, and record
   * per predicate type which keys verified, and what each verified SLSA provenance says about its
   * build (`facts.attestations`). Needs `signatures`. Not used in `check` mode.
   * @default false
   */
  readonly attestations?: boolean;
  /**
   * Also read the verified vulnerability scans among the attestations (`facts.attestations.vulnerabilities`),
   * recording the vulnerabilities of this severity or more; an entry kept whose record starts at a
   * more severe one is checked again. Needs `signatures`. Not used in `check` mode.
   * @default scans are not read
   */
  readonly vulnerabilitiesFrom?: VulnerabilitySeverity;
}

/** What checking the attestations of one locked digest found. */
export interface AttestationReport {
  readonly key: string;
  readonly digest: string;
  /** Per predicate type attested for the digest, the names of the configured keys that verified it. */
  readonly verified: Readonly<Record<string, readonly string[]>>;
  /** What each verified SLSA provenance says about its build. */
  readonly provenance: readonly LockedProvenance[];
  /** Each scanner's newest verified vulnerability scan, when scans were read. */
  readonly vulnerabilities?: LockedVulnerabilities;
  /** Attestations found that do not count, or could not be read, in words. */
  readonly problems: readonly string[];
}

/** What checking the signatures of one locked digest found. */
export interface SignatureReport {
  readonly key: string;
  readonly digest: string;
  /** Names of the configured keys a signature verified with. */
  readonly verified: readonly string[];
  /** Signatures found that do not count, or could not be read, in words. */
  readonly problems: readonly string[];
}

export interface DigestChange {
  readonly key: string;
  readonly from: string;
  readonly to: string;
}

/** A locked tag `check` could not compare with its registry, and why. */
export interface UnverifiedTag {
  readonly key: string;
  readonly reason: string;
}

export interface LockRunResult {
  /** The lock file after the run (what was written, or would be). */
  readonly lock: LockFile;
  /** Whether the lock file was (re)written. */
  readonly written: boolean;
  readonly added: readonly string[];
  /** Tags re-resolved to a different digest (`update`). */
  readonly changed: readonly DigestChange[];
  /** Tags in use that the lock file lacks (`check`), with where they are used. */
  readonly missing: readonly ImageUse[];
  /** Locked tags that the registry now resolves to another digest (`check`). */
  readonly outdated: readonly DigestChange[];
  /** Locked tags their registry says no longer exist: HTTP 404 for the tag or its repository (`check`). */
  readonly gone: readonly UnverifiedTag[];
  /** Locked tags whose registry could not be asked, or did not answer (`check`). */
  readonly unverified: readonly UnverifiedTag[];
  /** The digests whose signatures were checked in this run, and what was found (sorted by key). */
  readonly signatures: readonly SignatureReport[];
  /** The digests whose attestations were checked in this run, and what was found (sorted by key). */
  readonly attestations: readonly AttestationReport[];
}

/** What one run found about an entry's signatures, and its attestations when they were checked. */
interface Verification {
  readonly signatures: readonly string[];
  readonly attestations?: Pick<AttestationReport, 'verified' | 'provenance' | 'vulnerabilities'>;
}

/** The entry with its signature (and attestation) record replaced by what was found now. */
function withSignatures(entry: LockEntry, keys: readonly SignatureKey[], found: Verification): LockEntry {
  const checked = () => keys.map((key) => ({ name: key.name, key: key.fingerprint }));
  const signatures = { checked: checked(), verified: [...found.signatures] };
  const attestations = found.attestations === undefined ? entry.facts?.attestations : { checked: checked(), ...found.attestations };
  return { ...entry, facts: { ...entry.facts, signatures, ...(attestations === undefined ? {} : { attestations }) } };
}

/** Runs at most `limit` tasks at a time (the client bounds requests; this bounds images in memory). */
async function mapLimited<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<PromiseSettledResult<R>[]> {
  const results: PromiseSettledResult<R>[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      try {
        results[index] = { status: 'fulfilled', value: await task(items[index]) };
      } catch (reason) {
        results[index] = { status: 'rejected', reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** A use whose reference pins a digest besides its tag, with that digest. */
interface PinnedUse {
  readonly use: ImageUse;
  readonly digest: string;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Resolves the tags in use against their registries and updates the lock file. Nothing is written
 * unless every image resolved and verified: one failure leaves the lock file as it was.
 */
export async function runLock(options: LockRunOptions): Promise<LockRunResult> {
  // The text read is kept: resolving takes a while, and an edit made to the file meanwhile refuses the write.
  // A named file that is missing is a typo to report, not an empty lock to check or update against.
  const mustExist = options.lockFileNamed === true && options.mode !== 'lock';
  const { lock: before, text: readText } = readLockFileForUpdate(options.lockFilePath, mustExist);
  const existed = readText !== null;
  // Tag keys in use, each with its first use (for messages). A key is always resolved by its tag:
  // a `repo:tag@digest` reference says which image it runs, not where the tag points, so the
  // digests such references pin are compared with the tag's once resolved, whatever their order.
  // A digest without a tag has no key.
  const used = new Map<string, { ref: ImageRef; use: ImageUse; pinned: PinnedUse[] }>();
  for (const use of options.uses) {
    const ref = parseImageRef(use.reference, use.where);
    if (ref.digest !== undefined && ref.tag === undefined) continue;
    const key = tagKey(ref);
    let keyUses = used.get(key);
    if (!keyUses) used.set(key, (keyUses = { ref: parseImageRef(key), use, pinned: [] }));
    if (ref.digest !== undefined) keyUses.pinned.push({ use, digest: ref.digest });
  }
  if (options.mode === 'update' && options.uses.length === 0) {
    for (const key of Object.keys(before.images)) {
      used.set(key, { ref: parseImageRef(key), use: { reference: key, where: options.lockFilePath }, pinned: [] });
    }
  }
  const keys = [...used.keys()].sort();
  const result = {
    added: [] as string[],
    changed: [] as DigestChange[],
    missing: [] as ImageUse[],
    outdated: [] as DigestChange[],
    gone: [] as UnverifiedTag[],
    unverified: [] as UnverifiedTag[],
    signatures: [] as SignatureReport[],
    attestations: [] as AttestationReport[],
  };

  if (options.mode === 'check') {
    const present = keys.filter((key) => before.images[key]);
    for (const key of keys) if (!before.images[key]) result.missing.push(used.get(key)!.use);
    if (options.checkOutdated !== false && present.length > 0) {
      options.progress?.start(present.length);
      const answers = await mapLimited(present, options.client.concurrency, async (key) => {
        const current = await options.client.resolveTag(used.get(key)!.ref);
        options.progress?.done(key);
        return current.digest;
      });
      options.progress?.finish();
      answers.forEach((answer, index) => {
        const key = present[index];
        if (answer.status === 'rejected') (isRegistryNotFound(answer.reason) ? result.gone : result.unverified).push({ key, reason: messageOf(answer.reason) });
        else if (answer.value !== before.images[key].digest) result.outdated.push({ key, from: before.images[key].digest, to: answer.value });
      });
    }
    return { lock: before, written: false, ...result };
  }

  const toResolve = options.mode === 'update' ? keys : keys.filter((key) => !before.images[key]);
  const signing = options.signatures !== undefined && options.signatures.keys.length > 0 ? options.signatures : undefined;
  const scanFloor = options.vulnerabilitiesFrom;
  const attesting = signing !== undefined && (options.attestations === true || scanFloor !== undefined);
  // Entries kept as they are whose signatures (or attestations) were never checked with every key configured now: checked at their locked digest.
  const checkedWithEvery = (record: Parameters<typeof keysCheckedNow>[1]) => keysCheckedNow(signing!.keys, record).length === signing!.keys.length;
  // A record written before provenance or scans were read is checked again too, to read them, and so
  // is one whose scans left out vulnerabilities that failOn now counts.
  const scansRecorded = (record: LockedAttestations | undefined) => scanFloor === undefined
    || (record?.vulnerabilities !== undefined && atOrAbove(scanFloor, record.vulnerabilities.recordedFrom));
  const attestationsRead = (record: LockedAttestations | undefined) => checkedWithEvery(record)
    && record?.provenance !== undefined && scansRecorded(record);
  const unchecked = (entry: LockEntry) => !checkedWithEvery(entry.facts?.signatures)
    || (attesting && !attestationsRead(entry.facts?.attestations));
  const toSign = signing === undefined || options.mode === 'update' ? [] : keys.filter((key) => before.images[key] && unchecked(before.images[key]));
  const signatureReports = new Map<string, SignatureReport>();
  const attestationReports = new Map<string, AttestationReport>();
  /** What the registry holds now for the entry's digest, by the configured keys. */
  const verification = new Map<string, Verification>();
  const signed = async (key: string, entry: LockEntry): Promise<LockEntry> => {
    if (signing === undefined) return entry;
    const ref = used.get(key)!.ref;
    const check = await verifyImageSignatures(options.client, ref, entry.digest, signing.keys);
    signatureReports.set(key, { key, digest: entry.digest, verified: check.verified, problems: check.problems });
    let attestations: Verification['attestations'];
    if (attesting) {
      const attested = await verifyImageAttestations(options.client, ref, entry.digest, signing.keys, scanFloor);
      const { verified, provenance, vulnerabilities } = attested;
      attestations = { verified, provenance, ...(vulnerabilities === undefined ? {} : { vulnerabilities }) };
      attestationReports.set(key, { key, digest: entry.digest, ...attestations, problems: attested.problems });
    }
    const found = { signatures: check.verified, attestations };
    verification.set(key, found);
    return withSignatures(entry, signing.keys, found);
  };
  const work = [
    ...toResolve.map((key) => ({ key, kept: undefined as LockEntry | undefined })),
    ...toSign.map((key) => ({ key, kept: before.images[key] })),
  ];
  options.progress?.start(work.length);
  const answers = await mapLimited(work, options.client.concurrency, async ({ key, kept }) => {
    try {
      const entry = await signed(key, kept ?? await resolveImage(options.client, used.get(key)!.ref, options));
      options.progress?.done(key);
      return entry;
    } catch (error) {
      options.progress?.done(key, messageOf(error));
      throw error;
    }
  });
  options.progress?.finish();
  const resolved = answers.slice(0, toResolve.length);
  const resigned = answers.slice(toResolve.length);
  // Per image, what keeps it from being locked.
  const unsigned = (key: string): string[] => {
    const report = signatureReports.get(key);
    if (signing?.required !== true || report === undefined || report.verified.length > 0) return [];
    const found = report.problems.length > 0 ? `: ${report.problems.join('; ')}` : ' (none found)';
    return [`  ${key} (used at ${used.get(key)!.use.where}): images.signatures.required, and no signature verifies with a configured key (${signing.keys.map((k) => k.name).join(', ')})${found}`];
  };
  const problems = [...resolved, ...resigned].map((answer, index) => {
    const key = work[index].key;
    if (answer.status === 'rejected') return [`  ${key} (used at ${used.get(key)!.use.where}): ${messageOf(answer.reason)}`];
    if (index >= toResolve.length) return unsigned(key);
    // Recording the tag at a digest it does not point to would make the next check call it outdated.
    // One platform's image of a multi-arch tag (what `crane digest --platform` gives) is the tag's too.
    const platformDigests = Object.values(answer.value.platforms ?? {});
    return [...unsigned(key), ...used.get(key)!.pinned.flatMap(({ use, digest: pinned }) => {
      return pinned === answer.value.digest || platformDigests.includes(pinned) ? [] : [
        `  ${key} (used at ${use.where}): the reference pins ${pinned}, but the tag points to ${answer.value.digest}` +
          `${platformDigests.length > 0 ? ', and none of its platform images is that digest' : ''}; ` +
          'remove the digest and run `npx hardpod pin` again, or write the tag that image has',
      ];
    })];
  });
  const failures = problems.flat();
  if (failures.length > 0) {
    const failed = problems.filter((lines) => lines.length > 0).length;
    throw new HardpodError(`${failed} of ${work.length} images could not be ${toSign.length > 0 ? 'locked' : 'resolved'}; ${options.lockFilePath} was not changed:\n${failures.join('\n')}`, options.lockFilePath);
  }
  const images: Record<string, LockEntry> = { ...before.images };
  resolved.forEach((answer, index) => {
    const key = toResolve[index];
    const entry = (answer as PromiseFulfilledResult<LockEntry>).value;
    const previous = before.images[key];
    if (!previous) result.added.push(key);
    else if (previous.digest !== entry.digest) result.changed.push({ key, from: previous.digest, to: entry.digest });
    // An unchanged digest keeps its entry as it was, so the file does not churn on every update;
    // its signatures are the ones found now (a signature may have been added or keys changed).
    const kept = previous && previous.digest === entry.digest && !options.inspect ? previous : undefined;
    images[key] = kept === undefined ? entry : signing === undefined ? kept : withSignatures(kept, signing.keys, verification.get(key)!);
  });
  resigned.forEach((answer, index) => {
    images[toSign[index]] = (answer as PromiseFulfilledResult<LockEntry>).value;
  });
  const byKey = (a: { key: string }, b: { key: string }) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
  result.signatures.push(...[...signatureReports.values()].sort(byKey));
  result.attestations.push(...[...attestationReports.values()].sort(byKey));
  const lock: LockFile = { lockfileVersion: before.lockfileVersion, images };
  const changed = work.length > 0 && (result.added.length > 0 || result.changed.length > 0 || serializeLockFile(lock) !== serializeLockFile(before));
  // `lock` creates the file even with no tag to record, so that the steps after it find one.
  const written = changed || (options.mode === 'lock' && !existed);
  if (written) await writeLockFile(options.lockFilePath, lock, { readContent: readText });
  return { lock, written, ...result };
}
