import { constants as bufferConstants, isUtf8 } from 'node:buffer';
import { accessSync, closeSync, constants as fsConstants, fchmodSync, fchownSync, fsyncSync, openSync, readFileSync, readlinkSync, readSync, realpathSync, renameSync, rmSync, statSync, writeSync, type Stats } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { HardpodError, isHardpodError } from './errors';
import { nodeCrypto } from './lazy-crypto';

/** Files larger than this are refused with a clear error instead of exhausting memory. */
export const MAX_INPUT_BYTES = 256 * 1024 * 1024;

/**
 * Reads a file the user named (a config, baseline or lock file) as UTF-8, as manifests are read:
 * see {@link readFileUpToLimit}.
 * @param what what the file is, for the message: `config file`
 * @param whenMissing the message for a file that does not exist, when there is more to say (how to create it)
 * @throws HardpodError naming the file and why it cannot be read
 */
export function readUserFile(path: string, what: string, whenMissing?: string): string {
  return readFileUpToLimit(path, `the ${what}`, (error) => {
    if (whenMissing !== undefined && (error as NodeJS.ErrnoException).code === 'ENOENT') return whenMissing;
    return `cannot read the ${what}: ${describeFileError(error, 'read error')}`;
  });
}

/**
 * A named file's text as UTF-8. A file over {@link MAX_INPUT_BYTES} is refused before it is read;
 * a pipe or device (`<(generator)`, /dev/zero) has no size to check first and is read up to the
 * limit, as standard input is, rather than until memory runs out.
 * @param what the file in messages: `the input`, `the config file`
 * @param describeError why the file cannot be read, in words
 * @param stats the file's, when the caller has them
 * @throws HardpodError naming the file and why
 */
export function readFileUpToLimit(path: string, what: string, describeError: (error: unknown) => string, stats?: Stats): string {
  let named = stats;
  try {
    named ??= statSync(path);
  } catch (error) {
    throw new HardpodError(describeError(error), path);
  }
  refuseOversizedText(named.size, path, MAX_INPUT_BYTES);
  if (!named.isFile() && !named.isDirectory()) return readPipe(path, what, describeError);
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new HardpodError(describeError(error), path);
  }
  return decodeUtf8(bytes, path);
}

/** A pipe or device named as a file, read as standard input is. */
function readPipe(path: string, what: string, describeError: (error: unknown) => string): string {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw new HardpodError(describeError(error), path);
  }
  try {
    return readStreamUpToLimit(fd, path, what);
  } finally {
    closeSync(fd);
  }
}

/**
 * All that `fd` holds, up to {@link MAX_INPUT_BYTES}, as UTF-8 text: a stream without end (a
 * generator, /dev/zero) is refused at the limit rather than read until memory runs out.
 * @param name the file (or `<stdin>`), for the message
 * @param what the stream in messages: `standard input`, `the input`
 */
export function readStreamUpToLimit(fd: number, name: string, what: string): string {
  const chunks: Buffer[] = [];
  const buffer = Buffer.alloc(65_536);
  let total = 0;
  for (;;) {
    let n: number;
    try {
      n = readSyncRetrying(fd, buffer);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EOF') break;
      throw new HardpodError(describeFileError(error, `cannot read ${what}`), name);
    }
    if (n === 0) break;
    total += n;
    if (total > MAX_INPUT_BYTES) throw new HardpodError(`${what} is larger than ${MAX_INPUT_BYTES / 1024 / 1024} MiB`, name);
    chunks.push(Buffer.from(buffer.subarray(0, n)));
  }
  return decodeUtf8(Buffer.concat(chunks), name);
}

/** fs.readSync on a non-blocking stdin (a terminal or pipe) can report EAGAIN; wait and retry. */
function readSyncRetrying(fd: number, buffer: Buffer): number {
  for (;;) {
    try {
      return readSync(fd, buffer, 0, buffer.length, null);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
    }
  }
}

/**
 * Decodes text that must be UTF-8 (as Kubernetes manifests are). Anything else is refused: decoding
 * it anyway would turn the bytes into U+FFFD silently, into names and fingerprints, and into a
 * file that a command rewrites.
 * @param name the file (or `<stdin>`), for the message
 * @throws HardpodError naming `name:line` and the first byte that is not UTF-8
 */
export function decodeUtf8(bytes: Buffer, name: string): string {
  refuseOversizedText(bytes.length, name);
  // Without a byte order mark, UTF-16 text in ASCII is valid UTF-8 full of null bytes: a manifest
  // starts with an ASCII character, so one null byte of the first two gives the encoding away.
  const utf16WithoutMark = bytes.length >= 2 && (bytes[0] === 0) !== (bytes[1] === 0);
  if (utf16WithoutMark) {
    const encoding = bytes[1] === 0 ? 'UTF-16LE' : 'UTF-16BE';
    throw new HardpodError(`encoded in UTF-16 (without a byte order mark); hardpod reads UTF-8: convert it (e.g. \`iconv -f ${encoding} -t UTF-8\`)`, `${name}:1`);
  }
  if (isUtf8(bytes)) return bytes.toString('utf8');
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw new HardpodError('encoded in UTF-16; hardpod reads UTF-8: convert it (e.g. `iconv -f UTF-16 -t UTF-8`)', `${name}:1`);
  }
  const at = firstInvalidUtf8(bytes);
  let line = 1;
  for (let i = bytes.indexOf(0x0a); i !== -1 && i < at; i = bytes.indexOf(0x0a, i + 1)) line++;
  const byte = bytes[at].toString(16).toUpperCase().padStart(2, '0');
  throw new HardpodError(
    `not valid UTF-8: byte 0x${byte} at offset ${at}; hardpod reads UTF-8: re-encode it (e.g. \`iconv -f LATIN1 -t UTF-8\` for Latin-1)`,
    `${name}:${line}`,
  );
}

/**
 * Refuses a file too large to read as text, with its name, rather than an internal error from deep
 * inside Node or memory exhausted: by default one longer than the longest string V8 can hold (about
 * 512 MB); the manifest reader sets its own, smaller limit.
 * @param maxLength the most bytes read as text (@default this Node's longest string, in characters)
 */
export function refuseOversizedText(byteLength: number, name: string, maxLength: number = bufferConstants.MAX_STRING_LENGTH): void {
  if (byteLength <= maxLength) return;
  const mebibytes = (n: number): number => Math.round(n / 1024 / 1024);
  throw new HardpodError(`the file is ${mebibytes(byteLength)} MiB; hardpod reads files of at most ${mebibytes(maxLength)} MiB (split it)`, name);
}

/** Offset of the first byte that does not start a valid UTF-8 sequence (only called on text that is not valid UTF-8). */
function firstInvalidUtf8(bytes: Buffer): number {
  for (let i = 0; i < bytes.length;) {
    const lead = bytes[i];
    const length = lead < 0x80 ? 1 : lead >= 0xc2 && lead < 0xe0 ? 2 : lead >= 0xe0 && lead < 0xf0 ? 3 : lead >= 0xf0 && lead < 0xf5 ? 4 : 0;
    // isUtf8 on the one sequence rules out truncation, overlong forms and surrogates as well.
    if (length === 0 || !isUtf8(bytes.subarray(i, i + length))) return i;
    i += length;
  }
  return bytes.length;
}

/** The real path (symlinks resolved) of an existing file, else undefined. */
export function realPathIfExists(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

/**
 * The file a path names, however it is spelled (`out.json`, `./x/../out.json`, through a symlink):
 * the real path of an existing file, else its folder's real path joined with its name (a file
 * about to be written), else the path made absolute.
 */
export function fileIdentity(path: string): string {
  return realPathIfExists(path) ?? join(realPathIfExists(dirname(path)) ?? resolve(dirname(path)), basename(path));
}

/** Why a file could not be read, in words (`no such file or folder`, `permission denied` ...), else `fallback (CODE)`. */
export function describeFileError(error: unknown, fallback: string): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT': return 'no such file or folder';
    case 'EACCES': case 'EPERM': return 'permission denied';
    case 'EISDIR': return 'is a folder, expected a file';
    case 'ELOOP': return 'a loop of symbolic links, which leads to no file';
    case 'ENOTDIR': return 'a part of the path before the file name is a file, not a folder';
    case 'ENOSPC': return 'no space left on the device';
    case 'EDQUOT': return 'disk quota exceeded';
    case 'EFBIG': return 'larger than this process may write (ulimit -f)';
    case 'EROFS': return 'read-only file system';
    default: return code ? `${fallback} (${code})` : fallback;
  }
}

/**
 * Why a file could not be written, in words: for a missing folder, the folder (the file itself need not exist).
 * @param folder the folder the file goes in, as messages name it
 */
function describeWriteError(error: unknown, folder: string): string {
  if ((error as NodeJS.ErrnoException).code === 'ENOENT') return `the folder ${folder} does not exist (create it first)`;
  return describeFileError(error, 'write error');
}

/** The error of a write to the file the user named `name` (in `folder`, as messages name it). */
function cannotWrite(error: unknown, folder: string, name: string): HardpodError {
  return new HardpodError(`cannot write the file: ${describeWriteError(error, folder)}`, name);
}

/** The folder a write through `path` lands in, as messages name it: through a symbolic link, the folder of the file it points to. */
function folderInMessages(path: string, target: string, name: string): string {
  return dirname(target === path ? name : target);
}

/** Options of an atomic write. */
export interface AtomicWriteOptions {
  /**
   * What the command read from the file before working out the new content (`null`: the file did
   * not exist). The write is refused, and nothing is written, when the file no longer holds it: an
   * edit made meanwhile (while a registry answered) would otherwise be lost.
   * @default no check
   */
  readonly readContent?: string | null;
}

/** One file to write with {@link writeFilesAtomic}. */
export interface AtomicWrite extends AtomicWriteOptions {
  readonly path: string;
  /** How messages name the file (the path as the user gave it). @default path */
  readonly name?: string;
  readonly content: string;
}

/**
 * Writes `content` to `path` atomically: a temp file next to the real file, fsync, rename. A reader
 * never sees half a file, and on any failure the previous file is left as it was and the temp file
 * is removed. A symlink stays a link (its target is rewritten), and an existing file keeps its mode
 * (and its owner, where this process may set it); a new file is created 0644 (less the umask). A
 * file the user may not write, or has made read-only, is refused rather than replaced.
 * Stopped by a signal (Ctrl-C, SIGTERM, SIGHUP) while the file is written, the write leaves the
 * previous file and no temp file: see {@link writeFilesAtomic}.
 * @throws HardpodError naming the file and the system's reason (`ENOENT`, `EACCES`, `ENOSPC` ...),
 * that it is read-only, or that the file changed since it was read (see {@link AtomicWriteOptions.readContent})
 */
export async function writeFileAtomic(path: string, content: string, options: AtomicWriteOptions = {}): Promise<void> {
  await writeFilesAtomic([{ path, content, ...options }]);
}

/**
 * Writes several files as one change, as far as a file system allows: every temp file is written
 * and synced first, and every file is checked to be unchanged since it was read; only then are they
 * renamed into place. A failure before the renames writes nothing. A rename failing midway (rare:
 * the temp files sit next to their targets) is reported with the files rewritten and those not.
 *
 * A stop signal (SIGINT, SIGTERM, SIGHUP) that arrives while the temp files exist is handled before
 * the renames: the temp files are removed and nothing is renamed; then, when nothing else in the
 * process listens for the signal, it stops the process as it would have (a shell reports 130 for
 * SIGINT, 143 for SIGTERM), else the write throws. The files are written synchronously, so a signal
 * is handled once the last of them is written, not halfway through it.
 * @throws HardpodError naming the file and what went wrong
 */
export async function writeFilesAtomic(writes: readonly AtomicWrite[]): Promise<void> {
  await writeChange(writes.map((write) => ({
    path: write.path,
    name: write.name ?? write.path,
    produce: (chunk) => chunk(write.content),
    readContent: write.readContent,
  })));
}

/**
 * Writes what `produce` hands to its `write` to `path` atomically, as {@link writeFileAtomic} does,
 * without holding it whole: for reports larger than one string can be. An error thrown by `produce`
 * leaves the previous file as it was too, and is thrown on.
 */
export async function writeFileAtomicChunks(path: string, produce: (write: (chunk: string) => void) => void): Promise<void> {
  await writeChange([{ path, name: path, produce }]);
}

/** A file of {@link writeChange}: its content handed out by `produce`. */
interface FileToWrite extends AtomicWriteOptions {
  readonly path: string;
  readonly name: string;
  readonly produce: (write: (chunk: string) => void) => void;
}

/** Writes files as one change: see {@link writeFilesAtomic}. */
async function writeChange(files: readonly FileToWrite[]): Promise<void> {
  const change: Change = { temps: new Set() };
  changes.add(change);
  try {
    const pending: PendingWrite[] = [];
    try {
      for (const file of files) pending.push(prepareWrite(file.path, file.produce, file.name, change));
      files.forEach((file, index) => {
        if (file.readContent !== undefined) refuseIfChanged(pending[index].target, file.name, file.readContent, files.length);
      });
      // A turn of the event loop, in which a stop signal received while the files were written is handled.
      await new Promise<void>((turned) => setImmediate(turned));
      if (change.stoppedBy !== undefined) {
        throw new HardpodError(`stopped by ${change.stoppedBy} while being written; ${files.length > 1 ? 'no file was changed' : 'nothing was written'}`, files.map((file) => file.name).join(', '));
      }
    } catch (error) {
      for (const file of pending) file.discard();
      if (files.length > 1 && isHardpodError(error) && pending.length < files.length) {
        throw new HardpodError(`${error.reason}; no file was changed`, error.where);
      }
      throw error;
    }
    for (let index = 0; index < pending.length; index++) {
      try {
        pending[index].commit();
      } catch (error) {
        for (const file of pending.slice(index + 1)) file.discard();
        if (index === 0) throw error;
        const paths = (written: readonly PendingWrite[]) => written.map((file) => file.name).join(', ');
        throw new HardpodError(
          `${(error as Error).message}; already rewritten: ${paths(pending.slice(0, index))}; not rewritten: ${paths(pending.slice(index))}`,
        );
      }
    }
  } finally {
    changes.delete(change);
    // The listeners stay one more turn: a signal received during the renames then stops the process
    // (the files written whole) rather than being dropped with them.
    if (changes.size === 0) {
      setImmediate(() => {
        if (changes.size === 0) stopListening();
      });
    }
  }
}

/** Files written as one change, while it is under way. */
interface Change {
  /** Its temp files that exist. */
  readonly temps: Set<string>;
  /** A stop signal received while the files were written: their temp files are removed, and none is renamed into place. */
  stoppedBy?: NodeJS.Signals;
}

/** Signals that stop a run: Ctrl-C, `kill`, a closed terminal. */
const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
const changes = new Set<Change>();
let listening = false;

/**
 * Listens for the stop signals, from before a temp file is created: without a listener, the signal
 * would stop the process at once and leave the temp file beside its target.
 */
function listenForStopSignals(): void {
  if (listening) return;
  listening = true;
  for (const signal of STOP_SIGNALS) process.on(signal, onStopSignal);
}

function stopListening(): void {
  if (!listening) return;
  listening = false;
  for (const signal of STOP_SIGNALS) process.removeListener(signal, onStopSignal);
}

/** Removes the temp files of every change under way; then, when nothing else listens for the signal, lets it stop the process. */
function onStopSignal(signal: NodeJS.Signals): void {
  for (const change of changes) {
    change.stoppedBy ??= signal;
    for (const temp of change.temps) removeTemp(temp);
    change.temps.clear();
  }
  if (process.listenerCount(signal) > 1) return;
  // Without a listener the signal stops the process, as it does any program's.
  stopListening();
  process.kill(process.pid, signal);
}

/** A temp file written and synced, waiting to be renamed over its target (or discarded). */
interface PendingWrite {
  /** The file as messages name it. */
  readonly name: string;
  /** The file the rename replaces: the path with symlinks resolved. */
  readonly target: string;
  /** Renames the temp file over the target; on failure removes it and throws a HardpodError naming the path. */
  commit(): void;
  discard(): void;
}

/** Where writing through `path` lands: symlinks followed (a dangling one to the file it names), so the link is kept. */
function writeTarget(path: string): string {
  let target = path;
  // 40 links at most, as the kernel allows (ELOOP beyond).
  for (let hops = 0; hops < 40; hops++) {
    const real = realPathIfExists(target);
    if (real !== undefined) return real;
    let link: string;
    try {
      link = readlinkSync(target);
    } catch {
      return target; // Not a link (a file to create): written where it is named.
    }
    target = resolve(dirname(target), link);
  }
  return target;
}

function prepareWrite(path: string, produce: (write: (chunk: string) => void) => void, name: string, change: Change): PendingWrite {
  // A device, pipe or socket (/dev/null, /dev/stdout, a FIFO a CI step reads) is written to as it is:
  // a file renamed over it would replace the device itself (as root, /dev/null for every process).
  const named = statForWrite(path, name);
  if (named !== undefined && !named.isFile() && !named.isDirectory()) return writeStream(path, produce, name);
  if (named?.isFile()) refuseProtectedFile(path, named, name);
  const { randomBytes } = nodeCrypto();
  const target = writeTarget(path);
  const temp = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  listenForStopSignals();
  change.temps.add(temp);
  const removeOwnTemp = (): void => {
    removeTemp(temp);
    change.temps.delete(temp);
  };
  // A failure of the file system names the file; any other error of `produce` is thrown on as it is.
  let systemError: unknown;
  const system = <T>(action: () => T): T => {
    try {
      return action();
    } catch (error) {
      systemError ??= error;
      throw error;
    }
  };
  const fail = (error: unknown): never => {
    removeOwnTemp();
    if (systemError === undefined) throw error;
    throw cannotWrite(systemError, folderInMessages(path, target, name), name);
  };
  try {
    const fd = system(() => openSync(temp, 'wx', 0o644));
    try {
      // `named` followed the links that `target` resolves: it is the file being replaced, if any.
      if (named) {
        // The replacement is the same file to its users: same permissions (a 0600 file stays
        // private, a 0755 one executable), same owner where this process may set it (root may;
        // others keep their own, which is the owner already unless the folder is shared).
        try {
          fchownSync(fd, named.uid, named.gid);
        } catch {
          // Not permitted: the file becomes this user's, as any editor's save would make it.
        }
        // After the chown, which clears setuid and setgid bits.
        // eslint-disable-next-line no-bitwise
        system(() => fchmodSync(fd, named.mode & 0o7777));
      }
      produce((chunk) => system(() => writeAll(fd, chunk)));
      system(() => fsyncSync(fd));
    } finally {
      system(() => closeSync(fd));
    }
  } catch (error) {
    fail(error);
  }
  return {
    name,
    target,
    commit() {
      try {
        system(() => renameSync(temp, target));
      } catch (error) {
        fail(error);
      }
      change.temps.delete(temp);
    },
    discard: removeOwnTemp,
  };
}

/**
 * Refuses a file that cannot be written where it is named, before the work whose result it is to
 * hold (resolving every image at its registry) rather than at the final write: a path through a
 * file where a folder belongs, a loop of symbolic links, a folder named as the file, a folder
 * that does not exist, or a file the user may not write or has made read-only.
 * @param name how messages name the file (the path as the user gave it) @default path
 * @throws HardpodError naming the file and why, as the write would
 */
export function refuseUnwritablePath(path: string, name = path): void {
  const named = statForWrite(path, name);
  if (named?.isDirectory()) throw cannotWrite({ code: 'EISDIR' }, dirname(name), name);
  if (named?.isFile()) refuseProtectedFile(path, named, name);
  if (named !== undefined) return;
  const target = writeTarget(path);
  const folderName = folderInMessages(path, target, name);
  let stats: Stats;
  try {
    stats = statSync(dirname(target));
  } catch (error) {
    throw cannotWrite(error, folderName, name);
  }
  if (!stats.isDirectory()) throw cannotWrite({ code: 'ENOTDIR' }, folderName, name);
}

/**
 * Refuses to replace a file that the user may not write, or has made read-only: the rename puts a
 * new file in its place whatever its permissions say (and root may write any file), where a shell
 * redirect or an editor would refuse, and the user's protection would be lost silently.
 * @param named the file's stats (through symbolic links)
 */
function refuseProtectedFile(path: string, named: Stats, name: string): void {
  const mode = `mode ${(named.mode % 0o1000).toString(8).padStart(4, '0')}`;
  // eslint-disable-next-line no-bitwise
  if ((named.mode & 0o222) === 0) {
    throw new HardpodError(`cannot write the file: it is read-only (${mode}); make it writable (chmod u+w) to have it replaced, or write to another file`, name);
  }
  try {
    accessSync(path, fsConstants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM') throw new HardpodError(`cannot write the file: it is not writable by this user (${mode}); write to another file, or run as a user who may write it`, name);
    throw cannotWrite(error, dirname(name), name);
  }
}

/**
 * The file a write through `path` replaces, if there is one. A path that cannot lead to a file (a
 * file where a folder belongs, a loop of symbolic links) is refused, naming it.
 */
function statForWrite(path: string, name: string): Stats | undefined {
  try {
    return statSync(path, { throwIfNoEntry: false });
  } catch (error) {
    throw cannotWrite(error, dirname(name), name);
  }
}

/** Removes a temp file if it is there; where its folder cannot hold one (a file where a folder belongs), nothing was created. */
function removeTemp(temp: string): void {
  try {
    rmSync(temp, { force: true });
  } catch {
    // ENOTDIR: no temp file could have been created there.
  }
}

/** Writes what `produce` hands out straight to a device, pipe or socket: there is nothing to replace atomically. */
function writeStream(path: string, produce: (write: (chunk: string) => void) => void, name: string): PendingWrite {
  let fd: number;
  try {
    fd = openSync(path, 'w');
  } catch (error) {
    throw cannotWrite(error, dirname(name), name);
  }
  try {
    produce((chunk) => {
      try {
        writeAll(fd, chunk);
      } catch (error) {
        throw cannotWrite(error, dirname(name), name);
      }
    });
  } finally {
    closeSync(fd);
  }
  return { name, target: path, commit() {}, discard() {} };
}

/**
 * Writes all of `chunk`. write(2) may write only part of it (a disk filling up, a file size limit)
 * and fail only on the next call: one unchecked call would leave the file cut short, and the rename
 * would then put half a report in place.
 */
function writeAll(fd: number, chunk: string): void {
  const written = writeSync(fd, chunk);
  const length = Buffer.byteLength(chunk);
  if (written === length) return;
  const bytes = Buffer.from(chunk);
  for (let offset = written; offset < length;) {
    const more = writeSync(fd, bytes, offset, length - offset);
    if (more === 0) throw Object.assign(new Error('nothing written'), { code: 'EIO' });
    offset += more;
  }
}

/** Throws (naming `path`) when the file at `target` no longer holds `readContent` (`null`: when it now exists). */
function refuseIfChanged(target: string, path: string, readContent: string | null, fileCount: number): void {
  let now: string | null;
  try {
    now = readFileSync(target).toString('utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new HardpodError(`cannot read the file again before writing it: ${describeFileError(error, 'read error')}`, path);
    now = null;
  }
  if (now === readContent) return;
  throw new HardpodError(
    `the file ${readContent === null ? 'was created' : now === null ? 'was removed' : 'changed'} after hardpod read it (edited meanwhile?); ` +
    `${fileCount > 1 ? 'no file was changed' : 'nothing was written'}: run the command again`,
    path,
  );
}
