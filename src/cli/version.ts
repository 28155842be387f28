import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** hardpod's version from its package.json (two folders up from both src/cli and lib/cli). */
export function hardpodVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
