/**
 * The `yaml` package (the parser that keeps lines and comments), loaded on first use. Loading it costs
 * more than a small check, and a plain `hardpod check` (no config file, input hardpod's own loader
 * reads) never needs it.
 */
let loaded: typeof import('yaml') | undefined;

export function yamlModule(): typeof import('yaml') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loaded ??= require('yaml') as typeof import('yaml');
  return loaded;
}
