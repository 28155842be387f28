import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { CliContext } from './command';
import { imageUsesIn, type ImageUse } from '../images/lock-images';
import { LOCK_COLLECT_ENV, PLACEHOLDER_DIGEST } from '../images/lock-resolver';
import { readManifests } from '../loader';
import { HardpodError } from '../model/errors';

/**
 * The images an infrastructure program in the current folder uses, learned by running it once: a
 * cdk8s app (its cdk8s.yaml `app` command, synthesizing into a temporary folder) or a Pulumi
 * Node.js program (under Pulumi's mocks: no engine, no cluster, no state). hardpod's constructs and
 * components resolve images through the lock file, which records every reference while
 * HARDPOD_LOCK_COLLECT names a file; a tag it lacks gets a placeholder digest, so the program runs
 * to the end.
 */

export interface AppImageOptions {
  /** Pulumi stack whose `Pulumi.<stack>.yaml` config the program reads. @default none: the program runs without config */
  readonly stack?: string;
}

const CDK8S_CONFIG = 'cdk8s.yaml';
const PULUMI_PROJECT = 'Pulumi.yaml';
/** The stack name a Pulumi program sees when no stack is named. */
const DEFAULT_STACK = 'hardpod-lock';
/** What a secret config value reads as: `hardpod lock` cannot decrypt it, and images do not come from secrets. */
const SECRET_PLACEHOLDER = 'hardpod-lock-secret-placeholder';

export function imageUsesOfApp(context: CliContext, options: AppImageOptions = {}): ImageUse[] {
  if (existsSync(join(context.cwd, CDK8S_CONFIG))) return imageUsesOfCdk8sApp(context);
  if (existsSync(join(context.cwd, PULUMI_PROJECT))) return imageUsesOfPulumiProgram(context, options);
  throw new HardpodError(`give manifest files or folders, or run \`hardpod lock\` in a cdk8s app folder (with ${CDK8S_CONFIG}) or a Pulumi project (with ${PULUMI_PROJECT})`, 'hardpod lock');
}

/**
 * Runs the program (`run`) with a fresh collection file, in a temporary folder it may write to,
 * and returns what the program recorded, then what `run` found besides.
 */
function collecting(run: (collectFile: string, dir: string) => readonly ImageUse[]): ImageUse[] {
  const dir = mkdtempSync(join(tmpdir(), 'hardpod-lock-'));
  try {
    const collectFile = join(dir, 'images.jsonl');
    const found = run(collectFile, dir);
    const recorded = existsSync(collectFile)
      ? readFileSync(collectFile, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as ImageUse)
      : [];
    return [...recorded, ...found];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function failed(what: string, result: SpawnSyncReturns<string>, where: string): HardpodError {
  const output = (result.error?.message ?? (result.stderr || result.stdout)).trim().slice(-4000);
  return new HardpodError(`${what} failed with exit code ${result.status}:\n${output}`, where);
}

function readYaml(file: string): unknown {
  try {
    return parseYaml(readFileSync(file, 'utf8')) as unknown;
  } catch (error) {
    throw new HardpodError(`cannot read it as YAML: ${(error as Error).message}`, file);
  }
}

function imageUsesOfCdk8sApp(context: CliContext): ImageUse[] {
  const configFile = join(context.cwd, CDK8S_CONFIG);
  const app = (readYaml(configFile) as { app?: unknown } | null)?.app;
  if (typeof app !== 'string' || app.trim() === '') throw new HardpodError('cdk8s.yaml has no `app` command to run', configFile);
  return collecting((collectFile, dir) => {
    const outdir = join(dir, 'dist');
    const result = spawnSync(app, {
      shell: true,
      cwd: context.cwd,
      env: { ...context.env, [LOCK_COLLECT_ENV]: collectFile, CDK8S_OUTDIR: outdir },
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    if (result.status !== 0) throw failed(`the cdk8s app (\`${app}\`)`, result, configFile);
    // Images written directly in manifests (not through hardpod constructs) count too.
    if (!existsSync(outdir) || readdirSync(outdir).length === 0) return [];
    return imageUsesIn(readManifests([outdir]).objects).filter((use) => !use.reference.endsWith(`@${PLACEHOLDER_DIGEST}`));
  });
}

function imageUsesOfPulumiProgram(context: CliContext, options: AppImageOptions): ImageUse[] {
  const projectFile = join(context.cwd, PULUMI_PROJECT);
  const project = readYaml(projectFile) as { name?: unknown; runtime?: unknown; main?: unknown } | null;
  const runtime = typeof project?.runtime === 'string' ? project.runtime : (project?.runtime as { name?: unknown } | undefined)?.name;
  if (runtime !== 'nodejs') throw new HardpodError(`hardpod lock runs Pulumi programs of the nodejs runtime, not ${JSON.stringify(runtime)}; give the rendered manifests instead`, projectFile);
  if (typeof project?.name !== 'string' || project.name === '') throw new HardpodError('the project has no name', projectFile);
  if (project.main !== undefined && typeof project.main !== 'string') throw new HardpodError('main must be the path of the program', projectFile);
  const entry = resolve(context.cwd, project.main ?? '.');
  const stack = options.stack ?? DEFAULT_STACK;
  const config = options.stack === undefined ? {} : stackConfig(join(context.cwd, `Pulumi.${options.stack}.yaml`), project.name);
  return collecting((collectFile) => {
    const result = spawnSync(process.execPath, [join(__dirname, '..', 'pulumi', 'collect-images.js'), context.cwd, entry, project.name as string, stack], {
      cwd: context.cwd,
      env: { ...context.env, [LOCK_COLLECT_ENV]: collectFile, PULUMI_CONFIG: JSON.stringify(config) },
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    if (result.status !== 0) throw failed(`the Pulumi program (${entry}, under Pulumi's mocks)`, result, projectFile);
    return [];
  });
}

/**
 * A stack's config as Pulumi hands it to a program (PULUMI_CONFIG): keys namespaced
 * (`project:key`, a bare key belongs to the project), values as strings, objects as JSON. Secret
 * values cannot be decrypted here and read as a placeholder.
 */
function stackConfig(file: string, projectName: string): Record<string, string> {
  if (!existsSync(file)) throw new HardpodError('no such stack config file (hardpod lock --stack names a stack of this project)', file);
  const config = (readYaml(file) as { config?: unknown } | null)?.config ?? {};
  if (typeof config !== 'object' || config === null || Array.isArray(config)) throw new HardpodError('config must be a mapping of keys to values', file);
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(config)) {
    const name = key.includes(':') ? key : `${projectName}:${key}`;
    const secret = typeof value === 'object' && value !== null && 'secure' in value;
    out[name] = secret ? SECRET_PLACEHOLDER : typeof value === 'string' ? value : JSON.stringify(value);
  }
  return out;
}
