import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CACHE_DIR } from './cache-dir';
import { describeWithTools } from './required-tools';

/**
 * The real Helm 3 CLI, built from its Go module by scripts/setup/helm.sh, which records where it
 * is in $HARDPOD_CACHE/helm-toolchain.json. Each run gets its own Helm home folders, so nothing
 * from the machine's Helm configuration leaks in.
 */

const TOOLCHAIN_MANIFEST = join(CACHE_DIR, 'helm-toolchain.json');

/** Path of the helm binary, or why it is missing. */
export function findHelm(): { helm: string } | { missing: string } {
  if (!existsSync(TOOLCHAIN_MANIFEST)) return { missing: `${TOOLCHAIN_MANIFEST} not found (run scripts/setup/helm.sh)` };
  const { helm } = JSON.parse(readFileSync(TOOLCHAIN_MANIFEST, 'utf8')) as { helm?: string };
  if (!helm || !existsSync(helm)) return { missing: `the helm binary named in ${TOOLCHAIN_MANIFEST} is gone (run scripts/setup/helm.sh)` };
  return { helm };
}

/** Declares a suite that needs the helm binary; without it, it fails, naming what is missing. */
export function describeHelm(title: string, body: (helm: string) => void): void {
  const found = findHelm();
  describeWithTools(title, 'Helm', 'missing' in found ? found.missing : undefined, () => body('helm' in found ? found.helm : ''));
}

/** Runs helm with isolated config, cache and data folders under `home`. */
export function runHelm(helm: string, args: readonly string[], home: string, input?: string): SpawnSyncReturns<string> {
  return spawnSync(helm, args, {
    encoding: 'utf8',
    input,
    env: {
      PATH: process.env.PATH,
      HOME: home,
      HELM_CONFIG_HOME: join(home, 'config'),
      HELM_CACHE_HOME: join(home, 'cache'),
      HELM_DATA_HOME: join(home, 'data'),
    },
    timeout: 60_000,
  });
}
