import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The repository root above `cwd` (the nearest folder holding `.git`), or `cwd` when there is none. */
export function findRepositoryRoot(cwd: string): string {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.git'))) return dir;
    if (dirname(dir) === dir) return resolve(cwd);
  }
}
