import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { HardpodError } from './errors';

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
