/**
 * node:crypto, loaded on first use. Loading it costs several milliseconds, which a plain
 * `hardpod check` (no baseline, no report file, no signature keys) would pay for nothing.
 */
let loaded: typeof import('node:crypto') | undefined;

export function nodeCrypto(): typeof import('node:crypto') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loaded ??= require('node:crypto') as typeof import('node:crypto');
  return loaded;
}
