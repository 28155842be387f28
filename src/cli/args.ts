import { parseArgs, type ParseArgsConfig } from 'node:util';
import { didYouMean } from '../model/did-you-mean';
import { HardpodError } from '../model/errors';

/** One flag: a string (`--level hardened`) or a boolean (`--update`), given once or, with `multiple`, repeatedly. */
export interface FlagSpec {
  readonly type: 'string' | 'boolean';
  readonly multiple?: boolean;
  readonly short?: string;
  readonly default?: string | boolean | readonly string[] | readonly boolean[];
}

/** The flags a command accepts, by long name. */
export type FlagSpecs = Readonly<Record<string, FlagSpec>>;

type FlagValue<S extends FlagSpec> = (S['type'] extends 'boolean' ? boolean : string) extends infer V ? (S['multiple'] extends true ? V[] : V) : never;

/** Parsed flags, typed by their specs (absent when not given and without default), and positional arguments. */
export interface ParsedArgs<T extends FlagSpecs> {
  readonly values: { readonly [K in keyof T]?: FlagValue<T[K]> };
  readonly positionals: readonly string[];
}

/**
 * node's parseArgs, strict, with its errors turned into HardpodErrors naming the command, so a
 * mistyped flag is a one-line message and exit code 2, not a stack trace.
 */
export function parseCommandArgs<T extends FlagSpecs>(command: string, args: readonly string[], options: T): ParsedArgs<T> {
  try {
    const parsed = parseArgs({ args: [...args], options: options as ParseArgsConfig['options'], allowPositionals: true, strict: true, tokens: true });
    refuseRepeatedValues(command, parsed.tokens, options);
    // No option takes an empty value: `--output=$REPORT` with REPORT unset would otherwise fail
    // later, naming no file and no option, or fall back to a default unseen.
    for (const [name, value] of Object.entries(parsed.values)) {
      if (value === '' || (Array.isArray(value) && value.includes(''))) {
        throw new HardpodError(`--${name} needs a value, got an empty one (an unset variable?) (see hardpod ${command} --help)`, `hardpod ${command}`);
      }
    }
    return { values: parsed.values, positionals: parsed.positionals } as unknown as ParsedArgs<T>;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
      const message = (error as Error).message.replace(/\. To specify a positional argument.*$/s, '');
      const unknown = code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? /^Unknown option '(.+)'$/.exec(message)?.[1] : undefined;
      const flags = Object.entries(options).flatMap(([name, spec]) => [`--${name}`, ...(spec.short ? [`-${spec.short}`] : [])]);
      const suggestion = unknown === undefined ? '' : didYouMean(unknown, [...flags, '--help', '-h']);
      throw new HardpodError(`${message}${suggestion} (see hardpod ${command} --help)`, `hardpod ${command}`);
    }
    throw error;
  }
}

/**
 * A flag that takes one value, given twice, would silently take the last: a wrapper's
 * `--config platform.yaml "$@"` would lose the platform's config to a user's `--config`.
 */
function refuseRepeatedValues(command: string, tokens: ReturnType<typeof parseArgs>['tokens'], options: FlagSpecs): void {
  const seen = new Set<string>();
  for (const token of tokens ?? []) {
    if (token.kind !== 'option') continue;
    const spec = options[token.name];
    if (spec === undefined || spec.type !== 'string' || spec.multiple === true) continue;
    if (seen.has(token.name)) {
      throw new HardpodError(`--${token.name} is given more than once; it takes one value, and a later one would replace an earlier one unseen (see hardpod ${command} --help)`, `hardpod ${command}`);
    }
    seen.add(token.name);
  }
}

/** Checks that a flag's value is one of `allowed`. */
export function oneOf<T extends string>(command: string, flag: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new HardpodError(`--${flag} must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}${didYouMean(value, allowed)}`, `hardpod ${command}`);
  }
  return value as T;
}
