/**
 * The contract between the `hardpod` entry point and its commands. Each command lives in
 * `commands/<name>.ts` and is listed in `commands/index.ts`; it is loaded only when it runs, so
 * one command's dependencies never slow another down.
 */

/** What a command may touch: its arguments, the streams, the working folder and the environment. */
export interface CliContext {
  /** Arguments after the command name. */
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** True when standard output is a terminal (for colour). */
  readonly stdoutIsTTY: boolean;
  /** True when standard error is a terminal (for a progress bar redrawn in place). @default false */
  readonly stderrIsTTY?: boolean;
  /** Writes to standard output. */
  stdout(text: string): void;
  /** Writes to standard error (diagnostics, never results). */
  stderr(text: string): void;
}

/** A command: returns the process exit code. User mistakes are thrown as HardpodError (exit 2). */
export interface Command {
  /** Usage text printed by `hardpod <name> --help`. */
  readonly usage: string;
  run(context: CliContext): Promise<number> | number;
}

/** A registry entry: the name and one-line summary shown by `hardpod --help`, and a lazy loader. */
export interface CommandEntry {
  readonly name: string;
  readonly summary: string;
  load(): Promise<Command>;
}

/** Exit codes shared by every command. */
export const EXIT = {
  /** Nothing blocking was found. */
  ok: 0,
  /** Blocking findings. */
  findings: 1,
  /** Usage error, unreadable or unparseable input, invalid config. */
  usage: 2,
  /** A bug in hardpod (printed with its stack). */
  internal: 3,
} as const;
