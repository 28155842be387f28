import { EXIT, type CliContext } from './command';
import { COMMANDS } from './commands';
import { hardpodVersion } from './version';
import { didYouMean } from '../model/did-you-mean';
import { isHardpodError } from '../model/errors';
import { printable } from '../reporters/shared';

/** Usage of `hardpod` itself, listing the registered commands. */
export function mainUsage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'Usage: hardpod <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `hardpod <command> --help` for the options of a command.',
    'Exit codes: 0 nothing blocking, 1 blocking findings, 2 usage or input error, 3 internal error.',
    '',
  ].join('\n');
}

/**
 * Runs one command line (without `node` and the script) and returns the exit code. User mistakes
 * (HardpodError) print one line naming the file, line or flag; anything else is a bug and keeps its stack.
 */
export async function runCli(argv: readonly string[], base: Omit<CliContext, 'args'>): Promise<number> {
  const [name, ...args] = argv;
  // `hardpod help check`, as git and kubectl read it: the command's own help.
  if (name === 'help' && args.length > 0) return runCli([args[0], '--help'], base);
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? base.stderr : base.stdout)(mainUsage());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === '--version' || name === '-v') {
    base.stdout(`${hardpodVersion()}\n`);
    return EXIT.ok;
  }
  const entry = COMMANDS.find((c) => c.name === name);
  if (!entry) {
    base.stderr(`hardpod: unknown command ${JSON.stringify(name)}${didYouMean(name, COMMANDS.map((c) => c.name))}\n\n${mainUsage()}`);
    return EXIT.usage;
  }
  try {
    const command = await entry.load();
    // After `--`, every argument is a path: `hardpod check -- --help` checks a file named --help.
    const end = args.indexOf('--');
    const options = end === -1 ? args : args.slice(0, end);
    if (options.includes('--help') || options.includes('-h')) {
      base.stdout(command.usage);
      return EXIT.ok;
    }
    return await command.run({ ...base, args });
  } catch (error) {
    if (isHardpodError(error)) {
      // Errors about the command line name the command (`hardpod check`, or with its option,
      // `hardpod check --k8s-version`) as their place; the command is already the prefix.
      const prefix = `hardpod ${name}: `;
      const message = error.message.startsWith(prefix) ? error.message.slice(prefix.length)
        : error.message.startsWith(`hardpod ${name} --`) ? error.message.slice(prefix.length - 1) : error.message;
      // Messages quote the input (names, keys, values): each line is made safe to print.
      base.stderr(`${prefix}error: ${message.split('\n').map(printable).join('\n')}\n`);
      return EXIT.usage;
    }
    base.stderr(`hardpod ${name}: internal error (please report it): ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
    return EXIT.internal;
  }
}
