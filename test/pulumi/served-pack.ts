/**
 * Serves examples/pulumi-policy-pack the way the Pulumi CLI has it served: installed next to its
 * dependencies (hardpod by `file:../..`, a symlink to this repository, which resolves to the
 * built lib/), started with @pulumi/pulumi's own `run-policy-pack`, answering gRPC on a loopback
 * port it prints on stdout.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { overGrpc, type ServedPack } from './analyzer';

export const REPO = path.resolve(__dirname, '../..');
const PACK = path.join(REPO, 'examples/pulumi-policy-pack');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

/** Compiles the package (as `npm test` does before jest) when lib/ is missing or older than src/. */
export function ensureBuilt(): void {
  const fresh = () => fs.existsSync(path.join(REPO, 'lib/pulumi/index.js')) && newestMtime(path.join(REPO, 'lib')) >= newestMtime(path.join(REPO, 'src'));
  if (fresh()) return;
  // Test files run in parallel: one compiles, the others wait for it.
  const lock = path.join(os.tmpdir(), 'hardpod-lib-build.lock');
  const deadline = Date.now() + 600_000;
  while (!tryMkdir(lock)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${lock}`);
    // A lock left by a killed run is older than any compile.
    const since = Date.now() - (fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
    if (since > 900_000) fs.rmSync(lock, { recursive: true, force: true });
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
  }
  try {
    if (fresh()) return;
    const run = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '--build'], { cwd: REPO, encoding: 'utf8', timeout: 600_000 });
    if (run.status !== 0) throw new Error(`compiling hardpod for the policy pack failed:\n${run.stdout}${run.stderr}`);
  } finally {
    fs.rmdirSync(lock);
  }
}

function tryMkdir(dir: string): boolean {
  try {
    fs.mkdirSync(dir);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return false;
  }
}

const installed: string[] = [];

/** Removes every pack copy this test file installed. */
export function removeInstalledPacks(): void {
  for (const dir of installed.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/**
 * A copy of the example pack with its dependencies laid out as `npm install` leaves them: hardpod
 * as a symlink to this repository (`file:../..`). With `ownPolicyCopy`, @pulumi/policy is a copy
 * of its own, as npm installs it for the pack, while hardpod loads the repository's: two copies of
 * the module, as users get them.
 */
export function installPack(config?: string, ownPolicyCopy = false): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hardpod-pack-'));
  installed.push(dir);
  for (const file of ['index.ts', 'package.json', 'PulumiPolicy.yaml']) fs.copyFileSync(path.join(PACK, file), path.join(dir, file));
  if (config !== undefined) fs.writeFileSync(path.join(dir, 'hardpod.config.yaml'), config);
  const modules = path.join(dir, 'node_modules');
  fs.mkdirSync(path.join(modules, '@pulumi'), { recursive: true });
  fs.symlinkSync(REPO, path.join(modules, 'hardpod'));
  fs.symlinkSync(path.join(REPO, 'node_modules/@pulumi/pulumi'), path.join(modules, '@pulumi/pulumi'));
  if (ownPolicyCopy) {
    fs.cpSync(path.join(REPO, 'node_modules/@pulumi/policy'), path.join(modules, '@pulumi/policy'), { recursive: true });
    // Its own dependencies, which npm would hoist next to it.
    fs.mkdirSync(path.join(modules, '@grpc'));
    fs.symlinkSync(path.join(REPO, 'node_modules/@grpc/grpc-js'), path.join(modules, '@grpc/grpc-js'));
    fs.symlinkSync(path.join(REPO, 'node_modules/google-protobuf'), path.join(modules, 'google-protobuf'));
  } else {
    fs.symlinkSync(path.join(REPO, 'node_modules/@pulumi/policy'), path.join(modules, '@pulumi/policy'));
  }
  return dir;
}

export interface RunningPack extends ServedPack {
  readonly process: ChildProcess;
  readonly stop: () => void;
}

/** Starts the pack in `dir` and connects to it; rejects with its output when it does not come up. */
export function servePack(dir: string, env: NodeJS.ProcessEnv = {}): Promise<RunningPack> {
  const runner = path.join(REPO, 'node_modules/@pulumi/pulumi/cmd/run-policy-pack');
  // The engine address is only used for logging to the engine; no engine runs here.
  const child = spawn(process.execPath, [runner, '127.0.0.1:1', dir], { cwd: dir, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { child.kill(); reject(new Error(`the policy pack did not start within 120 s:\n${output}`)); }, 120_000);
    child.stderr!.on('data', (chunk) => { output += String(chunk); });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`the policy pack exited with ${code}:\n${output}`)); });
    child.stdout!.on('data', (chunk) => {
      output += String(chunk);
      const port = /^(\d+)\s*$/m.exec(output)?.[1];
      if (!port) return;
      clearTimeout(timer);
      const client = overGrpc(`127.0.0.1:${port}`);
      resolve({
        ...client,
        process: child,
        stop: () => {
          client.close();
          child.removeAllListeners('exit');
          if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGTERM');
        },
      });
    });
  });
}
