/**
 * The Pulumi toolchain that scripts/setup/pulumi.sh builds into the cache: which pieces are there,
 * and, for each missing one, whether the setup recorded why it cannot be built here.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CACHE_DIR } from '../harness/cache-dir';

export const PULUMI_VERSION = '3.248.0';
export const PIECES = ['pulumi', 'pulumi-language-nodejs', 'pulumi-resource-kubernetes'] as const;
export type Piece = (typeof PIECES)[number];

export interface Toolchain {
  /** Directory holding bin/ (what PulumiCommand.get takes as its root). */
  readonly root: string;
  readonly bin: string;
  /** Pieces that are built and cached. */
  readonly present: ReadonlySet<Piece>;
  /** Pieces the setup found unbuildable, with the reason it recorded (the module proxy's answer). */
  readonly unavailable: ReadonlyMap<Piece, string>;
}

export function findToolchain(): Toolchain {
  const root = path.join(CACHE_DIR, `pulumi-${PULUMI_VERSION}`);
  const bin = path.join(root, 'bin');
  const present = new Set<Piece>();
  const unavailable = new Map<Piece, string>();
  for (const piece of PIECES) {
    if (fs.existsSync(path.join(bin, piece))) present.add(piece);
    const record = path.join(root, 'unavailable', `${piece}.txt`);
    if (!present.has(piece) && fs.existsSync(record)) unavailable.set(piece, fs.readFileSync(record, 'utf8').trim());
  }
  return { root, bin, present, unavailable };
}

/**
 * What a suite may do with the toolchain. Under HARDPOD_REQUIRE_SERVERS=1 (CI) a piece that is
 * missing without a recorded reason is a failure (the setup did not run or broke); a piece the
 * setup proved unbuildable here is reported loudly, and the tests needing it are skipped by name.
 */
export function toolchainStatus(needs: readonly Piece[]): { ready: boolean; banner?: string; failure?: string } {
  const toolchain = findToolchain();
  const missing = needs.filter((p) => !toolchain.present.has(p));
  if (missing.length === 0) return { ready: true };
  const unexplained = missing.filter((p) => !toolchain.unavailable.has(p));
  const lines = [
    `PULUMI TOOLCHAIN INCOMPLETE in ${toolchain.root}: missing ${missing.join(', ')}.`,
    ...missing.map((p) => (toolchain.unavailable.has(p) ? `--- ${p} cannot be built here:\n${toolchain.unavailable.get(p)}` : `--- ${p}: not built (run scripts/setup/pulumi.sh)`)),
  ];
  const banner = lines.join('\n');
  if (process.env.HARDPOD_REQUIRE_SERVERS === '1' && unexplained.length > 0) return { ready: false, banner, failure: banner };
  return { ready: false, banner };
}
