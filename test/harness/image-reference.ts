import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CACHE_DIR } from './cache-dir';
import { describeWithTools } from './required-tools';

/**
 * The image reference reader built by scripts/setup/image-reference.sh from
 * github.com/distribution/reference: how the kubelet and container runtimes read an image reference.
 */

const TOOLCHAIN_MANIFEST = join(CACHE_DIR, 'image-reference-toolchain.json');

/** How distribution/reference reads one reference: its parts, or its error. */
export interface DistributionReading {
  readonly input: string;
  readonly error?: string;
  readonly domain?: string;
  readonly path?: string;
  readonly tag?: string;
  readonly digest?: string;
}

function findReader(): { reader: string } | { missing: string } {
  if (!existsSync(TOOLCHAIN_MANIFEST)) return { missing: `${TOOLCHAIN_MANIFEST} not found (run scripts/setup/image-reference.sh)` };
  const { imageReference } = JSON.parse(readFileSync(TOOLCHAIN_MANIFEST, 'utf8')) as { imageReference?: string };
  if (!imageReference || !existsSync(imageReference)) return { missing: `the reader named in ${TOOLCHAIN_MANIFEST} is gone (run scripts/setup/image-reference.sh)` };
  return { reader: imageReference };
}

/** Reads every reference (none may hold a newline) with distribution/reference, in one process. */
export function readWithDistribution(reader: string, references: readonly string[]): DistributionReading[] {
  const run = spawnSync(reader, [], { input: `${references.join('\n')}\n`, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`${reader} failed (${run.status}): ${run.stderr}`);
  const readings = run.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as DistributionReading);
  if (readings.length !== references.length) throw new Error(`${reader} read ${readings.length} references of ${references.length}`);
  return readings;
}

/** Declares a suite that needs the reader; without it, it fails, naming what is missing. */
export function describeWithDistribution(title: string, body: (reader: string) => void): void {
  const found = findReader();
  describeWithTools(title, 'the image reference reader', 'missing' in found ? found.missing : undefined, () => body('reader' in found ? found.reader : ''));
}
