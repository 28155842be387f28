import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CACHE_DIR } from './cache-dir';
import { pushImage } from './oci-images';
import { missingRegistryTools } from './registry';
import { describeWithTools } from './required-tools';
import { runHardpod, runHardpodAsync, type CliResult } from '../cli/cli-process';
import { NUMERIC_USER_DISTROLESS } from '../images/fixtures';

/**
 * The cosign CLI built by scripts/setup/cosign.sh from github.com/sigstore/cosign/v2 (the Go module
 * proxy's release), which signs test images exactly as release pipelines do, and the registry built
 * by scripts/setup/referrers-registry.sh that serves the OCI 1.1 referrers API.
 */

/** A tool a set-up script built and named in `$HARDPOD_CACHE/<manifest>-toolchain.json` under `field`. */
function findTool(manifest: string, field: string, script: string): { path: string } | { missing: string } {
  const file = join(CACHE_DIR, `${manifest}-toolchain.json`);
  if (!existsSync(file)) return { missing: `${file} not found (run ${script})` };
  const path = (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string | undefined>)[field];
  if (!path || !existsSync(path)) return { missing: `the ${manifest} named in ${file} is gone (run ${script})` };
  return { path };
}

/**
 * Runs cosign in `cwd` with an empty key password (COSIGN_PASSWORD), never asking; throws with its
 * output when it fails. `env` adds variables (COSIGN_EXPERIMENTAL=1 for the OCI 1.1 referrers mode).
 */
export function runCosign(cosign: string, args: readonly string[], cwd: string, env: Readonly<Record<string, string>> = {}): string {
  const run = spawnSync(cosign, args, {
    cwd,
    encoding: 'utf8',
    timeout: 60_000,
    // No Sigstore service is reached: TUF and the transparency log stay off, and HOME keeps cosign's cache out of the user's.
    env: { PATH: process.env.PATH, HOME: cwd, COSIGN_PASSWORD: '', COSIGN_YES: 'true', TUF_ROOT: join(cwd, '.sigstore'), ...env },
  });
  if (run.status !== 0) throw new Error(`cosign ${args.join(' ')} failed (${run.status ?? run.signal}):\n${run.stdout}${run.stderr}`);
  return run.stdout;
}

/**
 * The scene of a signing test: one image per name pushed to `team/<name>:v1` (each its own digest,
 * by a label), and two cosign key pairs, `cwd/cosign.key` and `cwd/other/cosign.key`.
 * @returns the digest of each image, by name
 */
export async function signingScene<N extends string>(
  cosign: string, registryUrl: string, names: readonly N[], cwd: string,
): Promise<Record<N, string>> {
  const digests = {} as Record<N, string>;
  for (const [index, name] of names.entries()) {
    digests[name] = (await pushImage(registryUrl, `team/${name}`, 'v1', { ...NUMERIC_USER_DISTROLESS, labels: { image: name, index: String(index) } })).digest;
  }
  mkdirSync(join(cwd, 'other'));
  runCosign(cosign, ['generate-key-pair'], cwd);
  runCosign(cosign, ['generate-key-pair'], join(cwd, 'other'));
  return digests;
}

/** A Pod (`p` in namespace shop) with one container per name, running `host/team/<name>:v1`, or the image `images` gives it. */
export function podOfTeamImages(host: string, names: readonly string[], images: Readonly<Record<string, string>> = {}): string {
  return `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop}
spec:
  containers:
${names.map((name) => `    - {name: ${name}, image: '${images[name] ?? `${host}/team/${name}:v1`}'}`).join('\n')}
`;
}

/** The config of the signing tests: the key `release` (cosign.pub), and the attestations required, if any. */
export function signingConfig(required: readonly string[] = []): string {
  return [
    'images:',
    '  signatures:',
    '    keys:',
    '      - { name: release, publicKey: cosign.pub }',
    ...(required.length > 0 ? ['  attestations:', `    required: [${required.join(', ')}]`] : []),
    '',
  ].join('\n');
}

/** A finding of `hardpod check --format json`, as the image-rule suites read it. */
export interface CheckFinding {
  readonly rule: string;
  readonly outcome: string;
  readonly path: string;
  readonly message: string;
}

/**
 * `hardpod lock` of `pod.yaml` in the folder `dir()` gives (read when called: suites make it in
 * beforeAll), with a config and a lock file, and the findings of `rule` in `hardpod check` of it.
 */
export function lockAndCheck(dir: () => string, rule: string): {
  readonly lock: (config: string, lockFile?: string) => Promise<CliResult>;
  readonly findings: (config: string, lockFile?: string) => CheckFinding[];
} {
  return {
    lock: (config, lockFile = 'hardpod.lock.json') => runHardpodAsync(['lock', '--config', config, '--lock-file', lockFile, 'pod.yaml'], { cwd: dir() }),
    findings: (config, lockFile = 'hardpod.lock.json') => {
      const result = runHardpod(['check', '--config', config, '--lock-file', lockFile, '--format', 'json', 'pod.yaml'], { cwd: dir() });
      return (JSON.parse(result.stdout) as { findings: CheckFinding[] }).findings.filter((f) => f.rule === rule);
    },
  };
}

/** A running referrers registry (in memory), stopped by PID. */
export class ReferrersRegistry {
  static async start(binary: string): Promise<ReferrersRegistry> {
    const child = spawn(binary, [], { stdio: ['ignore', 'pipe', 'ignore'] });
    const host = await new Promise<string>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`${binary} did not say where it listens within 10 s`)), 10_000);
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const match = /listening on (\S+)\n/.exec(out);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${binary} exited with ${code}`));
      });
    });
    return new ReferrersRegistry(child, host);
  }

  private constructor(private readonly child: ChildProcess, readonly host: string) {}

  get url(): string {
    return `http://${this.host}`;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    process.kill(this.child.pid!, 'SIGTERM');
    await exited;
  }
}

/** What the signature suites run: cosign and the referrers registry. */
export interface SignatureTools {
  readonly cosign: string;
  readonly referrersRegistry: string;
}

/** Declares a suite that needs cosign, the referrers registry and the registry tools; without them it fails, naming what is missing. */
export function describeWithCosign(title: string, body: (tools: SignatureTools) => void): void {
  const cosign = findTool('cosign', 'cosign', 'scripts/setup/cosign.sh');
  const referrers = findTool('referrers-registry', 'referrersRegistry', 'scripts/setup/referrers-registry.sh');
  const registry = missingRegistryTools();
  const missing = 'missing' in cosign ? cosign.missing
    : 'missing' in referrers ? referrers.missing
      : registry.length > 0 ? `missing ${registry.join(', ')} (run scripts/setup/registry.sh)` : undefined;
  const path = (found: { path: string } | { missing: string }) => ('path' in found ? found.path : '');
  describeWithTools(title, 'cosign, the referrers registry and the registry tools', missing, () => body({ cosign: path(cosign), referrersRegistry: path(referrers) }));
}
