import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { HardpodError } from './errors';

/**
 * Reads a file the user named (a config, baseline or lock file) as UTF-8.
 * @param what what the file is, for the message: `config file`
 * @param whenMissing the message for a file that does not exist, when there is more to say (how to create it)
 * @throws HardpodError naming the file and why it cannot be read
 */
export function readUserFile(path: string, what: string, whenMissing?: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if (whenMissing !== undefined && (error as NodeJS.ErrnoException).code === 'ENOENT') throw new HardpodError(whenMissing, path);
    throw new HardpodError(`cannot read the ${what}: ${describeFileError(error, 'read error')}`, path);
  }
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
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const fd = openSync(temp, 'wx', 0o644);
    try {
      writeSync(fd, content);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    const code = (error as NodeJS.ErrnoException).code;
    throw new HardpodError(`cannot write the file${code ? ` (${code})` : ''}`, path);
  }
}
