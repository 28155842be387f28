import { parseArgs, type ParseArgsConfig } from 'node:util';
import { HardpodError } from '../model/errors';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * node's parseArgs, strict, with its errors turned into HardpodErrors naming the command, so a
 * mistyped flag is a one-line message and exit code 2, not a stack trace.
 */
export function parseCommandArgs<T extends Options>(command: string, args: readonly string[], options: T) {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
      throw new HardpodError(`${(error as Error).message.replace(/\. To specify a positional argument.*$/s, '')} (see hardpod ${command} --help)`, `hardpod ${command}`);
    }
    throw error;
  }
}

/** Checks that a flag's value is one of `allowed`. */
export function oneOf<T extends string>(command: string, flag: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new HardpodError(`--${flag} must be one of ${allowed.join(', ')}, got "${value}"`, `hardpod ${command}`);
  }
  return value as T;
}
