import type { Readable, Transform } from 'node:stream';
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
    readonly Cmd?: readonly string[] | null;
    readonly Labels?: Readonly<Record<string, string>> | null;
  };
}

const BASE_NAME = 'org.opencontainers.image.base.name';
const BASE_DIGEST = 'org.opencontainers.image.base.digest';
/** Directories searched for executables, as on a default PATH. */
const PATH_DIRECTORIES = ['usr/local/sbin', 'usr/local/bin', 'usr/sbin', 'usr/bin', 'sbin', 'bin'];
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
}

function normalizePath(path: string): string {
  return path.replace(/^(\.\/|\/)+/, '').replace(/\/+$/, '');
}

export interface ApplyLayerOptions {
  /** The layer is Zstandard-compressed (its media type says `+zstd`); gzip is recognised by itself. @default false */
  readonly zstd?: boolean;
}

/**
 * Reads one layer (a tar stream, gzip or zstd compressed or not) and applies it to the files
 * seen so far: `.wh.<name>` deletes a lower file, `.wh..wh..opq` empties a lower directory.
 * Only headers are kept, plus the content of /etc/passwd and /etc/group.
 */
export function applyLayer(files: Map<string, FileRecord>, layer: Readable, where: string, options: ApplyLayerOptions = {}): Promise<void> {
  const added = new Map<string, FileRecord>();
  const deleted: string[] = [];
  const opaque: string[] = [];
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
          opaque.push(dir);
          entry.resume();
          return;
        }
        if (base.startsWith('.wh.')) {
          deleted.push(dir ? `${dir}/${base.slice(4)}` : base.slice(4));
          entry.resume();
          return;
        }
        const record = { type: entry.type, mode: entry.mode ?? 0 };
        if ((path === 'etc/passwd' || path === 'etc/group') && entry.type === 'File' && entry.size <= MAX_ACCOUNT_FILE_BYTES) {
          const chunks: Buffer[] = [];
          entry.on('data', (chunk: Buffer) => chunks.push(chunk));
          entry.on('end', () => added.set(path, { ...record, content: Buffer.concat(chunks).toString('utf8') }));
          return;
        }
        added.set(path, record);
        entry.resume();
      },
    });
    parser.on('error', fail);
    parser.on('close', () => {
      if (settled || parserError) return;
      settled = true;
      // Whiteouts hide lower layers only; then this layer's own files are laid on top.
      for (const dir of opaque) {
        for (const path of [...files.keys()]) if (path.startsWith(`${dir}/`)) files.delete(path);
      }
      for (const gone of deleted) {
        files.delete(gone);
        for (const path of [...files.keys()]) if (path.startsWith(`${gone}/`)) files.delete(path);
      }
      for (const [path, record] of added) files.set(path, record);
      resolve();
    });
    let tarStream: Readable = layer;
    if (options.zstd) {
      tarStream = createZstdDecompress();
      tarStream.on('error', fail);
      layer.pipe(tarStream as Transform);
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

/** Summarizes the merged filesystem of all layers. */
export function filesystemFacts(files: ReadonlyMap<string, FileRecord>): FilesystemFacts {
  const tools = new Set<string>();
  const setuidFiles: string[] = [];
  for (const [path, record] of files) {
    const slash = path.lastIndexOf('/');
    const dir = slash >= 0 ? path.slice(0, slash) : '';
    const executable = record.type === 'SymbolicLink' || record.type === 'Link' || (record.type === 'File' && hasModeBits(record.mode, 0o111));
    if (PATH_DIRECTORIES.includes(dir) && executable) {
      tools.add(path.slice(slash + 1));
    }
    if ((record.type === 'File' || record.type === 'OldFile') && hasModeBits(record.mode, 0o6000)) setuidFiles.push(`/${path}`);
  }
  return {
    passwd: files.get('etc/passwd')?.content,
    group: files.get('etc/group')?.content,
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
    // No group written: the user's primary group from /etc/passwd, else the runtime's 0 (root group).
    const account = passwd?.find((candidate) => candidate.id === uid && (userName === undefined || candidate.name === userName));
    if (account?.gid !== undefined) gid = account.gid;
    else if (passwd !== undefined || uid === 0) gid = 0;
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
