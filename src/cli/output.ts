import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, parse, resolve } from 'node:path';
import { HardpodError } from '../model/errors';

/**
 * Writes a file atomically: a temp file in the same folder, then a rename, so a reader (or a CI
 * upload step) never sees half a report, and a failed run leaves the previous file intact.
 */
export function writeFileAtomic(path: string, content: string): void {
  const temp = join(dirname(path), `.${parse(path).base}.${process.pid}.${Date.now()}.tmp`);
  try {
    writeFileSync(temp, content);
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    const code = (error as NodeJS.ErrnoException).code;
    throw new HardpodError(`cannot write the file${code ? ` (${code})` : ''}`, path);
  }
}

/** The repository root above `cwd` (the nearest folder holding `.git`), or `cwd` when there is none. */
export function findRepositoryRoot(cwd: string): string {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.git'))) return dir;
    if (dirname(dir) === dir) return resolve(cwd);
  }
}
