import { appendFileSync, existsSync } from 'node:fs';
import { formatImageRef, imageName, parseImageRef, tagKey, type ImageRef } from './image-ref';
import { LOCK_FILE_NAME, readLockFile, readLockFileIfExists, validateLockEntry, type LockEntry, type LockFile, type LockedImageFacts } from './lock-file';
import { HardpodError } from '../model/errors';
import type { ImageResolver, ResolvedImage } from '../model/image';

/**
 * Set by `hardpod lock` when it runs the app to learn which images it uses: every reference the
 * resolver sees is appended to this file (one JSON line each), and a tag the lock file lacks gets a
 * placeholder digest instead of an error, so that the app runs to the end.
 */
export const LOCK_COLLECT_ENV = 'HARDPOD_LOCK_COLLECT';
/** The digest collected references get while `hardpod lock` runs the app; never written anywhere else. */
export const PLACEHOLDER_DIGEST = `sha256:${'0'.repeat(64)}`;

/**
 * Resolves references from a lock file, synchronously and without network: a digest-pinned
 * reference is accepted as is (with the facts of any entry pinned to that digest); a tag is accepted
 * when the lock file records it, and is returned as `registry/repo:tag@sha256:...`.
 */
export interface LockFileResolverOptions {
  /**
   * Emit references to a mirror instead of the upstream registry, with the same digest, e.g.
   * `{ 'docker.io': 'mirror.example.com/dockerhub' }` turns `nginx:1.27` into
   * `mirror.example.com/dockerhub/library/nginx:1.27@sha256:...`. The lock file keeps the upstream reference.
   * @default upstream references
   */
  readonly mirrorReferences?: Readonly<Record<string, string>>;
  /** Set by `hardpod lock` through LOCK_COLLECT_ENV. @default none */
  readonly collectTo?: string;
}

/** Looks up the facts of an image reference; what the image-facts rules read from `hardened.imageFacts`. */
export interface ImageFactsLookup {
  factsFor(reference: string): LockedImageFacts | undefined;
}

export class LockFileResolver implements ImageResolver, ImageFactsLookup {
  /** Reads the lock file at `path` (synchronously) and resolves from it. */
  static fromFile(path: string = LOCK_FILE_NAME, options: LockFileResolverOptions = {}): LockFileResolver {
    const collectTo = process.env[LOCK_COLLECT_ENV];
    if (collectTo) return new LockFileResolver(readLockFileIfExists(path), path, { ...options, collectTo });
    // Entries are checked when used: synthesis reads the file every run and uses few of them.
    return new LockFileResolver(readLockFile(path, 'lazy'), path, options);
  }

  /** Built on first use: only digest references and the image-facts rules need it. */
  private factsByDigestIndex?: Map<string, LockedImageFacts>;
  private readonly checked = new Set<string>();
  private readonly cache = new Map<string, ResolvedImage>();
  private readonly collectTo?: string;

  /**
   * @param lock the parsed lock file
   * @param lockFilePath the lock file's path, named in errors @default hardpod.lock.json
   * @param options mirror references; collection for `hardpod lock` @default {}
   */
  constructor(
    private readonly lock: LockFile,
    private readonly lockFilePath: string = LOCK_FILE_NAME,
    private readonly options: LockFileResolverOptions = {},
  ) {
    this.collectTo = options.collectTo;
    for (const [registry, mirror] of Object.entries(options.mirrorReferences ?? {})) {
      if (!/^[^/\s]+(\/[a-z0-9._-]+)*$/.test(mirror) || mirror.endsWith('/')) {
        throw new HardpodError(`mirror reference for ${registry} must be host[:port][/path], got ${JSON.stringify(mirror)}`, 'mirrorReferences');
      }
    }
  }

  /** The reference as emitted: the upstream name, or the configured mirror's with the same digest. */
  private emitted(ref: ImageRef, digest: string): string {
    const mirror = this.options.mirrorReferences?.[ref.registry];
    const name = mirror ? `${mirror}/${ref.repository}` : imageName(ref);
    return `${name}${ref.tag !== undefined ? `:${ref.tag}` : ''}@${digest}`;
  }

  private get factsByDigest(): Map<string, LockedImageFacts> {
    if (!this.factsByDigestIndex) {
      this.factsByDigestIndex = new Map();
      for (const [key, entry] of Object.entries(this.lock.images)) {
        const checked = this.entry(key, entry);
        if (!checked.facts) continue;
        this.factsByDigestIndex.set(checked.digest, checked.facts);
        for (const digest of Object.values(checked.platforms ?? {})) this.factsByDigestIndex.set(digest, checked.facts);
      }
    }
    return this.factsByDigestIndex;
  }

  /** An entry, checked the first time it is used. */
  private entry(key: string, entry: unknown): LockEntry {
    if (!this.checked.has(key)) {
      validateLockEntry(this.lockFilePath, key, entry);
      this.checked.add(key);
    }
    return entry as LockEntry;
  }

  /**
   * The facts recorded for a reference as it appears in a manifest (`repo:tag@sha256:...` by digest,
   * a tag by its entry), or undefined when the lock file has none. Never throws.
   */
  factsFor(reference: string): LockedImageFacts | undefined {
    let ref;
    try {
      ref = parseImageRef(reference);
    } catch {
      return undefined;
    }
    if (ref.digest !== undefined) return this.factsByDigest.get(ref.digest);
    const key = tagKey(ref);
    const entry = this.lock.images[key];
    return entry ? this.entry(key, entry).facts : undefined;
  }

  resolve(reference: string, where: string): ResolvedImage {
    // Synthesis resolves the same few references many times; the answer depends on the text only.
    if (this.collectTo) appendFileSync(this.collectTo, `${JSON.stringify({ reference, where })}\n`);
    const cached = this.cache.get(reference);
    if (cached) return cached;
    const ref = parseImageRef(reference, where);
    let resolved: ResolvedImage;
    if (ref.digest !== undefined) {
      const facts = this.factsByDigest.get(ref.digest);
      resolved = { reference: this.emitted(ref, ref.digest), ...(facts ? { facts } : {}) };
    } else {
      const key = tagKey(ref);
      const found: unknown = this.lock.images[key];
      const entry = found === undefined ? undefined : this.entry(key, found);
      if (!entry && this.collectTo) return { reference: `${formatImageRef(ref)}@${PLACEHOLDER_DIGEST}` };
      if (!entry) {
        throw new HardpodError(
          `image "${reference}" is not pinned by digest and ${this.lockFilePath} has no entry for ${key}; ` +
            `run \`npx hardpod lock\` to resolve it (or write the digest yourself: "${reference}@sha256:<64 hex digits>")`,
          where,
        );
      }
      resolved = { reference: this.emitted(ref, entry.digest), ...(entry.facts ? { facts: entry.facts } : {}) };
    }
    this.cache.set(reference, resolved);
    return resolved;
  }
}

/** The engine config key (under `hardened`) the image-facts rules read a {@link ImageFactsLookup} from. */
export const IMAGE_FACTS_SETTING = 'imageFacts';

/** Engine configs and what front doors build from them: anything with `hardened` settings. */
type WithHardened = { readonly hardened?: Readonly<Record<string, unknown>> };

/**
 * The engine config with a lock file's image facts under `hardened`, as every front door (`hardpod
 * check`, cdk8s enforcement, Pulumi policies) hands them to the image-* rules; the config itself
 * when the file does not exist and was not asked for explicitly.
 * @param path lock file path
 * @param required the user named the file, so its absence is an error
 */
export function withLockFileFacts<C extends WithHardened>(config: C, path: string, required: boolean): C {
  if (!required && !existsSync(path)) return config;
  const facts: ImageFactsLookup = new LockFileResolver(readLockFile(path), path);
  return { ...config, hardened: { ...config.hardened, [IMAGE_FACTS_SETTING]: facts } };
}
