import { setFlagsFromString } from 'node:v8';

/**
 * V8 settings for the CLI process, applied before any of hardpod's code runs hot. Only the `hardpod`
 * executable applies them: code that imports hardpod (a cdk8s app, a Pulumi program) keeps its own.
 */

/**
 * A check is a short process: much of its time passes before the hot functions (the YAML parser,
 * the rules, the report) are optimized, and TurboFan compiles them on one background thread. Without
 * inlining each compile is much cheaper, so optimized code arrives sooner; `npm run bench` measures
 * the CLI with and without this (5 to 10% of a 5,000-Deployment check on Node 20, about 4% on Node 22).
 */
export const CLI_V8_FLAGS = ['--no-turbo-inlining'] as const;

/**
 * {@link CLI_V8_FLAGS} without the ones whose setting the user gave Node (on the command line or in
 * NODE_OPTIONS): the user's choice wins, and it lets a benchmark measure the CLI without them.
 */
export function cliV8Flags(execArgv: readonly string[], nodeOptions: string | undefined): string[] {
  const given = [...execArgv, ...(nodeOptions ?? '').split(/\s+/)].map(flagName);
  return CLI_V8_FLAGS.filter((flag) => !given.includes(flagName(flag)));
}

/** Applies {@link cliV8Flags} to this process. */
export function applyCliV8Flags(execArgv: readonly string[], nodeOptions: string | undefined): void {
  const flags = cliV8Flags(execArgv, nodeOptions);
  if (flags.length > 0) setFlagsFromString(flags.join(' '));
}

/** `--no-turbo-inlining`, `--turbo_inlining=true` -> `turbo-inlining`: the setting a flag is about. */
function flagName(flag: string): string {
  return flag.replace(/^--?/, '').replace(/=.*$/, '').replace(/_/g, '-').replace(/^no-/, '');
}
