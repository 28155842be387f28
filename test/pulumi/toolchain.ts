/**
 * The Pulumi toolchain that scripts/setup/pulumi.sh builds into the cache: the CLI and the
 * Kubernetes provider, and which of them are there.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CACHE_DIR } from '../harness/cache-dir';

export const PULUMI_VERSION = '3.248.0';
export const PIECES = ['pulumi', 'pulumi-resource-kubernetes'] as const;
export type Piece = (typeof PIECES)[number];

export interface Toolchain {
  /** Directory holding bin/ (what PulumiCommand.get takes as its root). */
  readonly root: string;
  readonly bin: string;
  /** Pieces that are built and cached. */
  readonly present: ReadonlySet<Piece>;
}

export function findToolchain(): Toolchain {
  const root = path.join(CACHE_DIR, `pulumi-${PULUMI_VERSION}`);
  const bin = path.join(root, 'bin');
  const present = new Set<Piece>(PIECES.filter((piece) => fs.existsSync(path.join(bin, piece))));
  return { root, bin, present };
}

/** Why a suite needing these pieces cannot run (naming the set-up script), or undefined when they are built. */
export function missingPieces(toolchain: Toolchain, needs: readonly Piece[]): string | undefined {
  const missing = needs.filter((piece) => !toolchain.present.has(piece));
  return missing.length === 0 ? undefined : `${missing.join(', ')} not built in ${toolchain.bin} (run scripts/setup/pulumi.sh)`;
}
