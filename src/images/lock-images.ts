import { parseImageRef, tagKey, type ImageRef } from './image-ref';
import { readLockFileForUpdate, writeLockFile, type LockEntry, type LockFile } from './lock-file';
import { isRegistryNotFound, type RegistryClient } from './registry-client';
import { resolveImage, type ResolveImageOptions } from './resolve-image';
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
  options.progress?.start(toResolve.length);
  const resolved = await mapLimited(toResolve, options.client.concurrency, async (key) => {
    try {
      const entry = await resolveImage(options.client, used.get(key)!.ref, options);
      options.progress?.done(key);
      return entry;
    } catch (error) {
      options.progress?.done(key, messageOf(error));
      throw error;
    }
  });
  options.progress?.finish();
  // Per image, what keeps it from being locked.
  const problems = resolved.map((answer, index) => {
    const key = toResolve[index];
    if (answer.status === 'rejected') return [`  ${key} (used at ${used.get(key)!.use.where}): ${messageOf(answer.reason)}`];
    // Recording the tag at a digest it does not point to would make the next check call it outdated.
    // One platform's image of a multi-arch tag (what `crane digest --platform` gives) is the tag's too.
    const platformDigests = Object.values(answer.value.platforms ?? {});
    return used.get(key)!.pinned.flatMap(({ use, digest: pinned }) => {
      return pinned === answer.value.digest || platformDigests.includes(pinned) ? [] : [
        `  ${key} (used at ${use.where}): the reference pins ${pinned}, but the tag points to ${answer.value.digest}` +
          `${platformDigests.length > 0 ? ', and none of its platform images is that digest' : ''}; ` +
          'remove the digest and run `npx hardpod pin` again, or write the tag that image has',
      ];
    });
  });
  const failures = problems.flat();
  if (failures.length > 0) {
    const failed = problems.filter((lines) => lines.length > 0).length;
    throw new HardpodError(`${failed} of ${toResolve.length} images could not be resolved; ${options.lockFilePath} was not changed:\n${failures.join('\n')}`, options.lockFilePath);
  }
  const images: Record<string, LockEntry> = { ...before.images };
  resolved.forEach((answer, index) => {
    const key = toResolve[index];
    const entry = (answer as PromiseFulfilledResult<LockEntry>).value;
    const previous = before.images[key];
    if (!previous) result.added.push(key);
    else if (previous.digest !== entry.digest) result.changed.push({ key, from: previous.digest, to: entry.digest });
    // An unchanged digest keeps its entry as it was, so the file does not churn on every update.
    images[key] = previous && previous.digest === entry.digest && !options.inspect ? previous : entry;
  });
  const lock: LockFile = { lockfileVersion: before.lockfileVersion, images };
  const changed = toResolve.length > 0 && (result.added.length > 0 || result.changed.length > 0 || JSON.stringify(lock) !== JSON.stringify(before));
  // `lock` creates the file even with no tag to record, so that the steps after it find one.
  const written = changed || (options.mode === 'lock' && !existed);
  if (written) await writeLockFile(options.lockFilePath, lock, { readContent: readText });
  return { lock, written, ...result };
}
