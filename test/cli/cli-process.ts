import { execFile, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import * as ts from 'typescript';

/**
 * Runs the real `hardpod` bin as a child process. The sources are transpiled (no type check: that
 * is the type-check step's job) into a cache folder keyed by their content, once per change, so
 * every CLI test runs the same JavaScript a user's `node lib/cli/main.js` runs (one transpile: seconds,
 * where a type-checking build of the whole project takes half a minute).
 * HARDPOD_CLI=path/to/main.js runs an existing build instead (e.g. lib/cli/main.js after `npx tsc --build`).
 */

const REPO = join(__dirname, '..', '..');

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.push(path);
  }
  return out.sort();
}

let built: string | undefined;

/** Path of the compiled `cli/main.js`. */
export function cliMainPath(): string {
  if (process.env.HARDPOD_CLI) return process.env.HARDPOD_CLI;
  if (built) return built;
  const src = join(REPO, 'src');
  const files = sourceFiles(src);
  const hash = createHash('sha256');
  for (const file of files) hash.update(file).update(readFileSync(file));
  // Outside the repo, so jest does not crawl the copy; node_modules is linked for module resolution.
  // One folder per checkout: a test run clears its checkout's older builds, never another checkout's
  // build that a run there is using.
  const root = join(tmpdir(), 'hardpod-cli-build', createHash('sha256').update(REPO).digest('hex').slice(0, 16));
  const target = join(root, hash.digest('hex').slice(0, 16));
  const main = join(target, 'lib', 'cli', 'main.js');
  if (!existsSync(main)) {
    const temp = `${target}.${process.pid}.tmp`;
    for (const file of files) {
      const output = ts.transpileModule(readFileSync(file, 'utf8'), {
        fileName: file,
        compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, sourceMap: false },
      });
      const out = join(temp, 'lib', relative(src, file).replace(/\.ts$/, '.js'));
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, output.outputText);
    }
    cpSync(join(REPO, 'package.json'), join(temp, 'package.json'));
    symlinkSync(join(REPO, 'node_modules'), join(temp, 'node_modules'), 'dir');
    try {
      renameSync(temp, target);
    } catch {
      // Another test file built the same sources at the same time: use its build.
      rmSync(temp, { recursive: true, force: true });
    }
    for (const old of readdirSync(root)) {
      if (old !== target.slice(root.length + 1) && !old.endsWith('.tmp')) rmSync(join(root, old), { recursive: true, force: true });
    }
  }
  built = main;
  return main;
}

export interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `hardpod ...args` in `cwd`, with `input` on standard input. Colour is off unless `env` turns it on. */
export interface RunOptions {
  readonly cwd?: string;
  /** Text, or bytes to send as they are (e.g. not UTF-8). */
  readonly input?: string | Buffer;
  readonly env?: Record<string, string | undefined>;
}

export function runHardpod(args: readonly string[], options: RunOptions = {}): CliResult {
  const result = spawnSync(process.execPath, [cliMainPath(), ...args], {
    cwd: options.cwd ?? REPO,
    input: options.input ?? '',
    encoding: 'utf8',
    env: childEnv(options),
    maxBuffer: 256 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * {@link runHardpod} without blocking this process, for commands that talk to a server the test
 * process itself runs (a registry answering `hardpod lock`). Nothing is sent on standard input.
 */
export function runHardpodAsync(args: readonly string[], options: Omit<RunOptions, 'input'> = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const run = { cwd: options.cwd ?? REPO, timeout: 60_000, env: childEnv(options), maxBuffer: 256 * 1024 * 1024 };
    execFile(process.execPath, [cliMainPath(), ...args], run, (error, stdout, stderr) => {
      resolve({ status: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
    });
  });
}

/** The child's environment: this one's, colour off, then `env` (undefined removes a variable). */
function childEnv(options: RunOptions): NodeJS.ProcessEnv {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined, ...options.env };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  return env as NodeJS.ProcessEnv;
}

/** A read-only (0444) file a command refused to replace: its text and mode as they were, and no temp file beside it. */
export function expectReadOnlyFileKept(dir: string, name: string, text: string): void {
  expect(readFileSync(join(dir, name), 'utf8')).toBe(text);
  expect(statSync(join(dir, name)).mode % 0o1000).toBe(0o444);
  expect(readdirSync(dir).filter((file) => file.endsWith('.tmp'))).toEqual([]);
}
