import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { writeFileAtomic } from '../images/lock-file';
import { HardpodError } from '../model/errors';

/**
 * Writes a report or baseline atomically (temp file + rename), so a reader such as a CI upload step
 * never sees half a file and a failed run leaves the previous one intact.
 */
export function writeOutputFile(path: string, content: string): void {
  try {
    writeFileAtomic(path, content);
  } catch (error) {
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
