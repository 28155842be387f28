import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CACHE_DIR } from './cache-dir';
import { describeWithTools } from './required-tools';

/**
 * The real Kyverno CLI, built from its Go module by scripts/setup/kyverno.sh, which records where it
 * is in $HARDPOD_CACHE/kyverno-toolchain.json. It applies policies offline (`kyverno apply`), with
 * its own home folder, so nothing from the machine's kubeconfig or Kyverno settings leaks in.
 */

const TOOLCHAIN_MANIFEST = join(CACHE_DIR, 'kyverno-toolchain.json');

/** Path of the kyverno binary, or why it is missing. */
export function findKyverno(): { kyverno: string } | { missing: string } {
  if (!existsSync(TOOLCHAIN_MANIFEST)) return { missing: `${TOOLCHAIN_MANIFEST} not found (run scripts/setup/kyverno.sh)` };
  const { kyverno } = JSON.parse(readFileSync(TOOLCHAIN_MANIFEST, 'utf8')) as { kyverno?: string };
  if (!kyverno || !existsSync(kyverno)) return { missing: `the kyverno binary named in ${TOOLCHAIN_MANIFEST} is gone (run scripts/setup/kyverno.sh)` };
  return { kyverno };
}

/** Declares a suite that needs the kyverno binary; without it, it fails, naming what is missing. */
export function describeKyverno(title: string, body: (kyverno: string) => void): void {
  const found = findKyverno();
  describeWithTools(title, 'the Kyverno CLI', 'missing' in found ? found.missing : undefined, () => body('kyverno' in found ? found.kyverno : ''));
}

/** Runs kyverno with `home` as its home folder and no kubeconfig. */
export function runKyverno(kyverno: string, args: readonly string[], home: string): SpawnSyncReturns<string> {
  return spawnSync(kyverno, args, {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: home, KUBECONFIG: join(home, 'no-kubeconfig') },
    maxBuffer: 256 * 1024 * 1024,
    timeout: 300_000,
  });
}

/** One result of Kyverno's policy report. */
export interface KyvernoResult {
  readonly policy: string;
  /** The rule of a ClusterPolicy; a ValidatingPolicy is one rule and reports none. */
  readonly rule?: string;
  readonly result: string;
  readonly message?: string;
  readonly resources: readonly { readonly kind: string; readonly namespace?: string; readonly name: string }[];
}

/** Kyverno's output: its warnings (lines `Warning: ...`, on standard output), then the policy report. */
export function readKyvernoOutput(stdout: string): { warnings: string[]; results: KyvernoResult[] } {
  const lines = stdout.split('\n');
  const warnings = lines.filter((line) => line.startsWith('Warning: '));
  const report = JSON.parse(lines.filter((line) => !line.startsWith('Warning: ')).join('\n')) as { results?: KyvernoResult[] };
  return { warnings, results: report.results ?? [] };
}
