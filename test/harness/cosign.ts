import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CACHE_DIR } from './cache-dir';
import { missingRegistryTools } from './registry';
import { describeWithTools } from './required-tools';

/**
 * The cosign CLI built by scripts/setup/cosign.sh from github.com/sigstore/cosign/v2 (the Go module
 * proxy's release), which signs test images in the local registry exactly as release pipelines do.
 */

const TOOLCHAIN_MANIFEST = join(CACHE_DIR, 'cosign-toolchain.json');

function findCosign(): { cosign: string } | { missing: string } {
  if (!existsSync(TOOLCHAIN_MANIFEST)) return { missing: `${TOOLCHAIN_MANIFEST} not found (run scripts/setup/cosign.sh)` };
  const { cosign } = JSON.parse(readFileSync(TOOLCHAIN_MANIFEST, 'utf8')) as { cosign?: string };
  if (!cosign || !existsSync(cosign)) return { missing: `the cosign named in ${TOOLCHAIN_MANIFEST} is gone (run scripts/setup/cosign.sh)` };
  return { cosign };
}

/**
 * Runs cosign in `cwd` with an empty key password (COSIGN_PASSWORD), never asking; throws with its
 * output when it fails. `env` adds variables (COSIGN_EXPERIMENTAL=1 for the OCI 1.1 referrers mode).
 */
export function runCosign(cosign: string, args: readonly string[], cwd: string, env: Readonly<Record<string, string>> = {}): string {
  const run = spawnSync(cosign, args, {
    cwd,
    encoding: 'utf8',
    timeout: 60_000,
    // No Sigstore service is reached: TUF and the transparency log stay off, and HOME keeps cosign's cache out of the user's.
    env: { PATH: process.env.PATH, HOME: cwd, COSIGN_PASSWORD: '', COSIGN_YES: 'true', TUF_ROOT: join(cwd, '.sigstore'), ...env },
  });
  if (run.status !== 0) throw new Error(`cosign ${args.join(' ')} failed (${run.status ?? run.signal}):\n${run.stdout}${run.stderr}`);
  return run.stdout;
}

/** Declares a suite that needs cosign and the registry tools: skipped loudly without them, failed under CI. */
export function describeWithCosign(title: string, body: (cosign: string) => void): void {
  const found = findCosign();
  const registry = missingRegistryTools();
  const missing = 'missing' in found ? found.missing : registry.length > 0 ? `missing ${registry.join(', ')} (run scripts/setup/registry.sh)` : undefined;
  describeWithTools(title, 'cosign and the registry tools', missing, () => body('cosign' in found ? found.cosign : ''));
}
