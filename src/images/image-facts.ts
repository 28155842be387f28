import type { Readable } from 'node:stream';
import type { ReadEntry } from 'tar';
import type { LockedImageFacts } from './lock-file';
import { PACKAGE_MANAGERS, SHELLS } from './tool-names';
import { createZstdDecompress } from './zstd';
import { HardpodError } from '../model/errors';

/**
 * Image facts: what the image config says (user, ports, volumes ...) and, when its layers are read,
 * what the filesystem holds (users, shell, tools, package manager, setuid and setgid files).
 */

/** The parts of an OCI/Docker image config that facts are read from. */
export interface ImageConfigJson {
  readonly architecture?: string;
  readonly os?: string;
  readonly variant?: string;
  readonly config?: {
    readonly User?: string;
    readonly WorkingDir?: string;
    readonly ExposedPorts?: Readonly<Record<string, unknown>>;
    readonly Volumes?: Readonly<Record<string, unknown>>;
    readonly Entrypoint?: readonly string[] | null;
    /** `NAME=value` entries; the runtime finds a command named without a path in the folders of PATH. */
    readonly Env?: readonly string[] | null;
    readonly Cmd?: readonly string[] | null;
    readonly Labels?: Readonly<Record<string, string>> | null;
  };
}

const BASE_NAME = 'org.opencontainers.image.base.name';
const BASE_DIGEST = 'org.opencontainers.image.base.digest';
/** Directories searched for executables, as on a default PATH. */
const PATH_DIRECTORIES = ['usr/local/sbin', 'usr/local/bin', 'usr/sbin', 'usr/bin', 'sbin', 'bin'];

/**
 * The folders of the image's own PATH (`ENV PATH=/opt/java/openjdk/bin:$PATH` in eclipse-temurin,
 * `/usr/local/go/bin` in golang) beyond the default ones, as layer paths (no leading slash): the
 * runtime finds `java` or `go` there. Relative entries name no fixed folder and are skipped.
 */
export function imagePathDirectories(config: ImageConfigJson): string[] {
  const env = config.config?.Env;
  const path = Array.isArray(env) ? env.find((entry) => typeof entry === 'string' && entry.startsWith('PATH=')) : undefined;
  if (path === undefined) return [];
  const out: string[] = [];
  for (const entry of path.slice('PATH='.length).split(':')) {
    if (!entry.startsWith('/')) continue;
    const dir = entry.replace(/^\/+|\/+$/g, '');
    if (dir !== '' && !PATH_DIRECTORIES.includes(dir) && !out.includes(dir)) out.push(dir);
  }
  return out;
}
/** /etc/passwd and /etc/group above this size are not read (they are never this large in practice). */
const MAX_ACCOUNT_FILE_BYTES = 1024 * 1024;

/** A user name or id and optional group, as in the config's `User` (`app`, `1000:1000`, `app:staff`). */
export function splitUser(user: string): { user: string; group?: string } {
  const colon = user.indexOf(':');
  return colon < 0 ? { user } : { user: user.slice(0, colon), group: user.slice(colon + 1) };
}

interface Account {
  readonly name: string;
  readonly id: number;
  readonly gid?: number;
}

/** Parses /etc/passwd (`name:x:uid:gid:...`) or /etc/group (`name:x:gid:members`) lines. */
export function parseAccounts(text: string, kind: 'passwd' | 'group'): Account[] {
  const accounts: Account[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const fields = line.split(':');
    const id = Number(fields[2]);
    if (fields.length < 3 || !Number.isInteger(id) || fields[2] === '') continue;
    const gid = kind === 'passwd' ? Number(fields[3]) : undefined;
    accounts.push({ name: fields[0], id, ...(gid !== undefined && Number.isInteger(gid) && fields[3] !== '' ? { gid } : {}) });
  }
  return accounts;
}

/** What the layers of an image hold, after applying whiteouts layer by layer. */
export interface FilesystemFacts {
  readonly passwd?: string;
  readonly group?: string;
  /** Names of executables in the PATH directories (files and symlinks). */
  readonly tools: readonly string[];
  /** Absolute paths of regular files with the setuid or setgid bit. */
  readonly setuidFiles: readonly string[];
}

interface FileRecord {
  readonly type: string;
  readonly mode: number;
  readonly content?: string;
  /** A symbolic link's target, as written. */
  readonly target?: string;
}

/** One file or directory; directories hold their entries by name. */
interface FsNode {
  record: FileRecord;
  children?: Map<string, FsNode>;
}

/** More links than this while resolving one path is a loop (Linux gives up at 40). */
const MAX_LINK_HOPS = 40;
const DIRECTORY: FileRecord = { type: 'Directory', mode: 0o755 };

/** Path components of a tar entry name or link target, with `.` dropped (`..` is kept for resolving). */
function componentsOf(path: string): string[] {
  return path.split('/').filter((part) => part !== '' && part !== '.');
}

/** A tar entry name as a path below the root: `./a/../b/` -> `b`; `..` never climbs above the root. */
function normalizePath(path: string): string {
  const parts: string[] = [];
  for (const part of componentsOf(path)) {
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return parts.join('/');
}

/**
 * The root filesystem as layers build it up, applied the way container runtimes unpack them:
 * an entry's parent directories are resolved through symbolic links within the root (so
 * `bin/dash` lands in `usr/bin` when `bin -> usr/bin`), a non-directory replaces a directory with
 * all it held, and a hard link is another name for the same file (its mode included).
 */
export class LayeredFilesystem {
  private readonly root: FsNode = { record: DIRECTORY, children: new Map() };

  /**
   * The directory node at `path` and its real path, following every symbolic link (`..` and
   * absolute targets stay within the root). With `create`, missing directories are made, and a
   * file in the way is replaced by a directory, as unpacking does. Undefined for a link loop or,
   * without `create`, a path that does not lead to a directory.
   */
  private directory(path: string, create: boolean): { node: FsNode; path: string[] } | undefined {
    const stack: FsNode[] = [this.root];
    const names: string[] = [];
    const pending = componentsOf(path).reverse();
    let hops = 0;
    while (pending.length > 0) {
      const part = pending.pop()!;
      if (part === '..') {
        if (stack.length > 1) {
          stack.pop();
          names.pop();
        }
        continue;
      }
      const current = stack[stack.length - 1];
      let child = current.children!.get(part);
      if (child?.record.type === 'SymbolicLink') {
        if (++hops > MAX_LINK_HOPS) return undefined;
        const target = child.record.target ?? '';
        pending.push(...componentsOf(target).reverse());
        if (target.startsWith('/')) {
          stack.length = 1;
          names.length = 0;
        }
        continue;
      }
      if (!child?.children) {
        if (!create) return undefined;
        child = { record: DIRECTORY, children: new Map() };
        current.children!.set(part, child);
      }
      stack.push(child);
      names.push(part);
    }
    return { node: stack[stack.length - 1], path: names };
  }

  /** The file at `path` with symbolic links followed, and its real path; undefined when absent or a loop. */
  resolve(path: string): { record: FileRecord; path: string } | undefined {
    let wanted = path;
    for (let hops = 0; hops <= MAX_LINK_HOPS; hops++) {
      const parts = componentsOf(wanted);
      const name = parts.pop();
      if (name === undefined) return { record: DIRECTORY, path: '' };
      const parent = this.directory(parts.join('/'), false);
      if (!parent) return undefined;
      if (name === '..') {
        wanted = [...parent.path.slice(0, -1)].join('/');
        continue;
      }
      const node = parent.node.children!.get(name);
      if (!node) return undefined;
      const real = [...parent.path, name].join('/');
      if (node.record.type !== 'SymbolicLink') return { record: node.record, path: real };
      const target = node.record.target ?? '';
      wanted = target.startsWith('/') ? target : `${parent.path.join('/')}/${target}`;
    }
    return undefined;
  }

  /** The entry at `path` itself (a link is not followed), its parent resolved. */
  private entry(path: string): FsNode | undefined {
    const parts = componentsOf(normalizePath(path));
    const name = parts.pop();
    if (name === undefined) return this.root;
    return this.directory(parts.join('/'), false)?.node.children!.get(name);
  }

  /** `.wh.<name>`: removes `name` (and all below it) of a lower layer. */
  whiteout(path: string): void {
    const parts = componentsOf(normalizePath(path));
    const name = parts.pop();
    if (name !== undefined) this.directory(parts.join('/'), false)?.node.children!.delete(name);
  }

  /** `.wh..wh..opq`: empties a directory of what lower layers put there. */
  opaque(path: string): void {
    this.directory(normalizePath(path), false)?.node.children!.clear();
  }

  /** Adds an entry of a layer; `linkTarget` names the file a hard link shares. */
  add(path: string, record: FileRecord, linkTarget?: string): void {
    const parts = componentsOf(normalizePath(path));
    const name = parts.pop();
    if (name === undefined) return;
    const parent = this.directory(parts.join('/'), true);
    if (!parent) return;
    const existing = parent.node.children!.get(name);
    if (record.type === 'Directory') {
      // A directory over a directory keeps what it holds; over anything else, replaces it.
      if (existing?.children) existing.record = record;
      else parent.node.children!.set(name, { record, children: new Map() });
      return;
    }
    const linked = linkTarget !== undefined ? this.entry(linkTarget) : undefined;
    // A hard link is the same file: same type, mode and content. One to a missing file keeps its own header.
    const shared = linked && !linked.children ? linked.record : linkTarget !== undefined ? { ...record, type: 'File' } : record;
    parent.node.children!.set(name, { record: shared });
  }

  /** Every entry that is not a directory, by its path from the root (no leading slash). */
  *files(): Generator<[string, FileRecord]> {
    const walk = function* (node: FsNode, prefix: string): Generator<[string, FileRecord]> {
      for (const [name, child] of node.children!) {
        const path = prefix ? `${prefix}/${name}` : name;
        if (child.children) yield* walk(child, path);
        else yield [path, child.record];
      }
    };
    yield* walk(this.root, '');
  }

  /** Names in the directory at `path` (links followed), or none when it is not a directory. */
  names(path: string): string[] {
    return [...(this.directory(path, false)?.node.children?.keys() ?? [])];
  }
}

export interface ApplyLayerOptions {
  /** The layer is Zstandard-compressed (its media type says `+zstd`); gzip is recognised by itself. @default false */
  readonly zstd?: boolean;
}

type LayerChange =
  | { readonly kind: 'whiteout' | 'opaque'; readonly path: string }
  | { readonly kind: 'add'; readonly path: string; record: FileRecord; readonly linkTarget?: string };

/**
 * Reads one layer (a tar stream, gzip or zstd compressed or not) and applies it to the files
 * seen so far: `.wh.<name>` deletes a lower file, `.wh..wh..opq` empties a lower directory.
 * Only headers are kept, plus the content of /etc/passwd and /etc/group.
 */
export function applyLayer(files: LayeredFilesystem, layer: Readable, where: string, options: ApplyLayerOptions = {}): Promise<void> {
  const changes: LayerChange[] = [];
  return new Promise((resolve, reject) => {
    let settled = false;
    const wrap = (error: Error) => (error instanceof HardpodError ? error : new HardpodError(`cannot read an image layer: ${error.message}`, where));
    // The stream reports a digest mismatch only at its end; altered bytes usually break the
    // parser first. So on a parser error, the rest is drained and a mismatch, if any, is reported.
    let parserError: Error | undefined;
    layer.on('error', (error) => {
      if (settled) return;
      settled = true;
      reject(wrap(error));
    });
    const fail = (error: Error) => {
      if (settled || parserError) return;
      parserError = error;
      const rejectNow = () => {
        if (settled) return;
        settled = true;
        reject(wrap(error));
      };
      // A layer read to its end already (its digest checked) has no 'end' left to wait for.
      if (layer.readableEnded) {
        rejectNow();
        return;
      }
      layer.unpipe();
      layer.once('end', rejectNow);
      layer.resume();
    };
    // tar is loaded on first use: `hardpod check` reaches this module through the rules and never reads layers.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Parser } = require('tar') as typeof import('tar');
    const parser = new Parser({
      strict: true,
      onReadEntry: (entry: ReadEntry) => {
        const path = normalizePath(entry.path);
        const slash = path.lastIndexOf('/');
        const base = path.slice(slash + 1);
        const dir = slash >= 0 ? path.slice(0, slash) : '';
        if (base === '.wh..wh..opq') {
          changes.push({ kind: 'opaque', path: dir });
          entry.resume();
          return;
        }
        if (base.startsWith('.wh.')) {
          changes.push({ kind: 'whiteout', path: dir ? `${dir}/${base.slice(4)}` : base.slice(4) });
          entry.resume();
          return;
        }
        const record: FileRecord = {
          type: entry.type,
          mode: entry.mode ?? 0,
          ...(entry.type === 'SymbolicLink' ? { target: entry.linkpath ?? '' } : {}),
        };
        const change: LayerChange = { kind: 'add', path, record, ...(entry.type === 'Link' ? { linkTarget: entry.linkpath ?? '' } : {}) };
        changes.push(change);
        if ((path === 'etc/passwd' || path === 'etc/group') && entry.type === 'File' && entry.size <= MAX_ACCOUNT_FILE_BYTES) {
          const chunks: Buffer[] = [];
          entry.on('data', (chunk: Buffer) => chunks.push(chunk));
          entry.on('end', () => {
            change.record = { ...record, content: Buffer.concat(chunks).toString('utf8') };
          });
          return;
        }
        entry.resume();
      },
    });
    parser.on('error', fail);
    parser.on('close', () => {
      if (settled || parserError) return;
      settled = true;
      // Whiteouts hide lower layers only; then this layer's own entries are laid on top, in order.
      for (const change of changes) {
        if (change.kind === 'opaque') files.opaque(change.path);
        else if (change.kind === 'whiteout') files.whiteout(change.path);
      }
      for (const change of changes) if (change.kind === 'add') files.add(change.path, change.record, change.linkTarget);
      resolve();
    });
    let tarStream: Readable = layer;
    if (options.zstd) {
      const decompress = createZstdDecompress();
      decompress.on('error', fail);
      tarStream = layer.pipe(decompress);
    }
    // Fed by hand rather than piped: the parser can throw from write() (content it cannot read,
    // such as a compression this Node.js lacks), and a throw inside a pipe would escape this promise.
    const feed = (write: () => unknown): void => {
      try {
        if (write() === false) tarStream.pause();
      } catch (error) {
        fail(error instanceof Error ? error : new Error(String(error)));
      }
    };
    parser.on('drain', () => tarStream.resume());
    tarStream.on('data', (chunk: Buffer) => {
      if (!parserError) feed(() => parser.write(chunk));
    });
    tarStream.on('end', () => {
      if (!parserError) feed(() => parser.end());
    });
  });
}

/** True when any of `bits` is set in a file mode. */
function hasModeBits(mode: number, bits: number): boolean {
  // eslint-disable-next-line no-bitwise
  return (mode & bits) !== 0;
}

const REGULAR_FILE_TYPES = ['File', 'OldFile', 'ContiguousFile'];

/**
 * Summarizes the merged filesystem of all layers.
 * @param pathDirectories the image's own PATH folders beyond the default ones ({@link imagePathDirectories})
 */
export function filesystemFacts(files: LayeredFilesystem, pathDirectories: readonly string[] = []): FilesystemFacts {
  const tools = new Set<string>();
  // A tool is a name in a PATH directory that leads, through any links, to an executable file:
  // a link whose target a later layer removed runs nothing.
  for (const dir of [...PATH_DIRECTORIES, ...pathDirectories]) {
    for (const name of files.names(dir)) {
      const found = files.resolve(`${dir}/${name}`);
      if (found && REGULAR_FILE_TYPES.includes(found.record.type) && hasModeBits(found.record.mode, 0o111)) tools.add(name);
    }
  }
  const setuidFiles: string[] = [];
  for (const [path, record] of files.files()) {
    if (REGULAR_FILE_TYPES.includes(record.type) && hasModeBits(record.mode, 0o6000)) setuidFiles.push(`/${path}`);
  }
  const account = (path: string) => {
    const found = files.resolve(path);
    return found && REGULAR_FILE_TYPES.includes(found.record.type) ? found.record.content : undefined;
  };
  return {
    passwd: account('etc/passwd'),
    group: account('etc/group'),
    tools: [...tools].sort(),
    setuidFiles: setuidFiles.sort(),
  };
}

function sortedKeys(record: Readonly<Record<string, unknown>> | undefined | null): string[] {
  return Object.keys(record ?? {}).sort();
}

/**
 * Combines the config (and manifest annotations) with what the layers hold, resolving the user
 * to numbers the way the kubelet and runtime do.
 */
export function imageFacts(
  config: ImageConfigJson,
  annotations: Readonly<Record<string, string>>,
  filesystem: FilesystemFacts | undefined,
): LockedImageFacts {
  const inner = config.config ?? {};
  const user = inner.User ?? '';
  const exposed = sortedKeys(inner.ExposedPorts);
  const exposedPorts = [...new Set(exposed.map((port) => Number(port.split('/')[0])).filter((port) => Number.isInteger(port)))].sort((a, b) => a - b);
  const labels = inner.Labels ?? {};
  const baseName = annotations[BASE_NAME] ?? labels[BASE_NAME];
  const baseDigest = annotations[BASE_DIGEST] ?? labels[BASE_DIGEST];
  const platform = [config.os, config.architecture, config.variant].filter(Boolean).join('/');

  const passwd = filesystem?.passwd !== undefined ? parseAccounts(filesystem.passwd, 'passwd') : undefined;
  const groups = filesystem?.group !== undefined ? parseAccounts(filesystem.group, 'group') : undefined;
  const { user: userPart, group: groupPart } = splitUser(user);
  let uid: number | undefined;
  let gid: number | undefined;
  let userName: string | undefined;
  let userResolved = true;
  if (userPart === '') {
    uid = 0;
    userName = 'root';
  } else if (/^\d+$/.test(userPart)) {
    uid = Number(userPart);
    userName = passwd?.find((account) => account.id === uid)?.name;
  } else {
    const account = passwd?.find((candidate) => candidate.name === userPart);
    if (account) {
      uid = account.id;
      userName = account.name;
    } else {userResolved = false;}
  }
  if (groupPart !== undefined && groupPart !== '') {
    if (/^\d+$/.test(groupPart)) {gid = Number(groupPart);} else {
      const group = groups?.find((candidate) => candidate.name === groupPart);
      if (group) gid = group.id;
      else userResolved = false;
    }
  } else if (uid !== undefined) {
    // No group written: the user's primary group from /etc/passwd, else the runtime's 0 (root group),
    // also when the layers hold no /etc/passwd at all. Unread layers leave a non-root uid's group unknown.
    const account = passwd?.find((candidate) => candidate.id === uid && (userName === undefined || candidate.name === userName));
    if (account?.gid !== undefined) gid = account.gid;
    else if (filesystem !== undefined || uid === 0) gid = 0;
  }

  const tools = filesystem?.tools;
  return {
    ...(user !== '' ? { user } : {}),
    ...(uid !== undefined ? { uid } : {}),
    ...(gid !== undefined ? { gid } : {}),
    ...(userName !== undefined ? { userName } : {}),
    userResolved,
    ...(inner.WorkingDir ? { workingDir: inner.WorkingDir } : {}),
    exposed,
    exposedPorts,
    volumes: sortedKeys(inner.Volumes),
    ...(inner.Entrypoint ? { entrypoint: [...inner.Entrypoint] } : {}),
    ...(inner.Cmd ? { cmd: [...inner.Cmd] } : {}),
    ...(baseName ? { baseName } : {}),
    ...(baseDigest ? { baseDigest } : {}),
    ...(platform ? { platform } : {}),
    inspected: filesystem !== undefined,
    ...(filesystem
      ? {
        tools,
        hasShell: SHELLS.some((shell) => tools!.includes(shell)),
        hasPackageManager: PACKAGE_MANAGERS.some((manager) => tools!.includes(manager)),
        setuidFiles: filesystem.setuidFiles,
      }
      : {}),
  };
}
