import { constants as bufferConstants, isUtf8 } from 'node:buffer';
import { closeSync, fsyncSync, openSync, readFileSync, realpathSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { HardpodError } from './errors';

/**
 * Reads a file the user named (a config, baseline or lock file) as UTF-8.
 * @param what what the file is, for the message: `config file`
 * @param whenMissing the message for a file that does not exist, when there is more to say (how to create it)
 * @throws HardpodError naming the file and why it cannot be read
 */
export function readUserFile(path: string, what: string, whenMissing?: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    if (whenMissing !== undefined && (error as NodeJS.ErrnoException).code === 'ENOENT') throw new HardpodError(whenMissing, path);
    throw new HardpodError(`cannot read the ${what}: ${describeFileError(error, 'read error')}`, path);
  }
  return decodeUtf8(bytes, path);
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
    default: return code ? `${fallback} (${code})` : fallback;
  }
}

/**
 * Writes `content` to `path` atomically: a temp file in the same directory, fsync, rename. A reader
 * never sees half a file, and on any failure the previous file is left as it was and the temp file
 * is removed.
 * @throws HardpodError naming the file and the system's reason (`ENOENT`, `EACCES`, `ENOSPC` ...)
 */
export function writeFileAtomic(path: string, content: string): void {
  writeFileAtomicChunks(path, (write) => write(content));
}

/**
 * Writes what `produce` hands to its `write` to `path` atomically, as {@link writeFileAtomic} does,
 * without holding it whole: for reports larger than one string can be. An error thrown by `produce`
 * leaves the previous file as it was too, and is thrown on.
 */
export function writeFileAtomicChunks(path: string, produce: (write: (chunk: string) => void) => void): void {
  // node:crypto is loaded here, not with the module: a plain `hardpod check` writes no file and need not pay for it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { randomBytes } = require('node:crypto') as typeof import('node:crypto');
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
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
  try {
    const fd = system(() => openSync(temp, 'wx', 0o644));
    try {
      produce((chunk) => system(() => writeSync(fd, chunk)));
      system(() => fsyncSync(fd));
    } finally {
      system(() => closeSync(fd));
    }
    system(() => renameSync(temp, path));
  } catch (error) {
    rmSync(temp, { force: true });
    if (systemError === undefined) throw error;
    const code = (systemError as NodeJS.ErrnoException).code;
    throw new HardpodError(`cannot write the file${code ? ` (${code})` : ''}`, path);
  }
}
