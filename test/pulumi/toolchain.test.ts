/**
 * hardpod with the real Pulumi CLI and Kubernetes provider (built from their Go modules by
 * scripts/setup/pulumi.sh), a local file backend and no network. Programs run through the
 * Automation API: the Node.js SDK serves the program itself, so no language host is needed (its
 * Go module is one the module proxy refuses). The CLI loads the example policy pack through its
 * analyzer plugin protocol, and the provider renders manifests to a folder (renderYamlToDirectory)
 * rather than applying them, so no cluster is needed either.
 *
 * - A program with no provider resources: the pack is loaded, and a mistake in its config fails the preview.
 * - examples/pulumi-app: `pulumi up` with the pack judging the update renders it; the rendered YAML
 *   is what the mocks of test/pulumi/example-app.test.ts render, and `hardpod check` passes it.
 * - A plain Deployment: its violations fail the preview; with remediation the pack rewrites its inputs.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { LocalWorkspace, PulumiCommand, type Stack } from '@pulumi/pulumi/automation';
import { parseAllDocuments } from 'yaml';
import { ensureBuilt, installPack, removeInstalledPacks, REPO } from './served-pack';
import { findToolchain, missingPieces } from './toolchain';
import type { KubeObject } from '../../src/model';
import { registerHardpodTransform } from '../../src/pulumi';
import { runHardpod } from '../cli/cli-process';
import { renderPulumiExample } from '../cluster/examples';
import { describeWithTools } from '../harness/required-tools';

const toolchain = findToolchain();

class Probe extends pulumi.ComponentResource {
  constructor(name: string) {
    super('hardpod:test:Probe', name);
    this.registerOutputs({});
  }
}
const ANALYZER_SHIM_DIR = path.join(REPO, 'test/harness/pulumi/bin');

/** Environment for the CLI: local file backend, no update checks, plugins only from here. */
function cliEnv(home: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PULUMI_BACKEND_URL: `file://${path.join(home, 'state')}`,
    PULUMI_CONFIG_PASSPHRASE: 'hardpod-test',
    PULUMI_HOME: path.join(home, 'pulumi-home'),
    PULUMI_SKIP_UPDATE_CHECK: 'true',
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: 'true',
    PATH: `${toolchain.bin}:${ANALYZER_SHIM_DIR}:${process.env.PATH ?? ''}`,
    ...extra,
  };
}

/** A fresh folder for a suite's state, its Pulumi home and the CLI's working directory. */
function newHome(): string {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'hardpod-pulumi-'));
  fs.mkdirSync(path.join(home, 'state'));
  return home;
}

describeWithTools('the Pulumi CLI built from github.com/pulumi/pulumi/pkg/v3', 'Pulumi toolchain', missingPieces(toolchain, ['pulumi']), () => {
  let home: string;
  let packDir: string;
  let stack: Stack;

  beforeAll(async () => {
    ensureBuilt();
    home = newHome();
    packDir = installPack();
    const pulumiCommand = await PulumiCommand.get({ root: toolchain.root });
    // A program with no provider resources: the Kubernetes provider is not needed to run it. It
    // registers the stack transform, which needs an engine that runs transforms (mocks do not).
    const program = async () => {
      registerHardpodTransform({ harden: true });
      new Probe('probe');
      return { ok: true };
    };
    stack = await LocalWorkspace.createOrSelectStack(
      { stackName: 'dev', projectName: 'hardpod-toolchain', program },
      { pulumiCommand, envVars: cliEnv(home), workDir: home },
    );
  }, 600_000);

  afterAll(() => {
    if (home) fs.rmSync(home, { recursive: true, force: true });
    removeInstalledPacks();
  });

  test('reports the version it was built as', () => {
    const run = spawnSync(path.join(toolchain.bin, 'pulumi'), ['version'], { encoding: 'utf8' });
    expect(run.stdout.trim()).toBe('v3.248.0');
  });

  test('previews with a local file backend and loads the hardpod policy pack', async () => {
    const result = await stack.preview({ policyPacks: [packDir] });
    expect(result.stdout).toMatch(/Policies:[\s\S]*hardpod@v0\.1\.0/);
    expect(result.changeSummary.create).toBeGreaterThanOrEqual(2);
  }, 600_000);

  test('a mistake in the pack\'s hardpod config fails the preview with the config file and key', async () => {
    const broken = installPack('level: strict\n');
    const error = await stack.preview({ policyPacks: [broken] }).then(() => undefined, (e: Error) => e);
    expect(error?.message).toMatch(/hardpod policy pack: \S+hardpod\.config\.yaml:1 \(level\): unknown level "strict"; expected one of baseline, restricted, hardened/);
    expect(error?.message).toMatch(/policy pack "\S+" failed to start/);
    // A user mistake, so no stack trace.
    expect(error?.message).not.toMatch(/\bat \S+ \(\S+:\d+:\d+\)/);
  }, 600_000);
});


const EXAMPLE = path.join(REPO, 'examples/pulumi-app/index.ts');
const objectKey = (o: KubeObject) => `${o.kind} ${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;

/** The objects the provider rendered into `dir` (renderYamlToDirectory: one folder for CRDs, one for the rest). */
function renderedObjects(dir: string): KubeObject[] {
  const files = ['0-crd', '1-manifest'].flatMap((folder) => {
    const at = path.join(dir, folder);
    return fs.existsSync(at) ? fs.readdirSync(at).map((file) => path.join(at, file)) : [];
  });
  return files.flatMap((file) => parseAllDocuments(fs.readFileSync(file, 'utf8')).map((document) => document.toJSON() as KubeObject));
}

describeWithTools('programs through the Pulumi CLI and the Kubernetes provider', 'Pulumi toolchain', missingPieces(toolchain, ['pulumi', 'pulumi-resource-kubernetes']), () => {
  let home: string;
  let pulumiCommand: PulumiCommand;

  beforeAll(async () => {
    ensureBuilt();
    home = newHome();
    pulumiCommand = await PulumiCommand.get({ root: toolchain.root });
  }, 600_000);

  afterAll(() => {
    if (home) fs.rmSync(home, { recursive: true, force: true });
    removeInstalledPacks();
  });

  /** A stack of its own running `program` inline, the CLI given `env` on top of {@link cliEnv}. */
  async function stackOf(project: string, program: () => void, env: Record<string, string> = {}): Promise<Stack> {
    const workDir = fs.mkdtempSync(path.join(home, `${project}-`));
    return LocalWorkspace.createOrSelectStack(
      { stackName: 'dev', projectName: project, program: async () => program() },
      { pulumiCommand, envVars: cliEnv(home, env), workDir },
    );
  }

  /** A plain Deployment, as a team writes it without hardpod, rendered to `dir` by the provider. */
  function plainDeployment(dir: string): void {
    const provider = new k8s.Provider('render', { renderYamlToDirectory: dir });
    new k8s.apps.v1.Deployment('plain', {
      metadata: { name: 'plain', namespace: 'shop' },
      spec: {
        selector: { matchLabels: { app: 'plain' } },
        template: {
          metadata: { labels: { app: 'plain' } },
          spec: { containers: [{ name: 'app', image: 'registry.acme.example/shop/plain:1.0', securityContext: { privileged: true } }] },
        },
      },
    }, { provider });
  }

  test('examples/pulumi-app deploys under the pack, rendering what its mocked render holds, which hardpod check passes', async () => {
    const rendered = path.join(home, 'shop-rendered');
    // One run of the program (up skips the preview; the pack judges the update): the example is a
    // module, which runs once per process.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const stack = await stackOf('shop', () => require(EXAMPLE));
    await stack.setConfig('renderDirectory', { value: rendered });
    const up = await stack.up({ policyPacks: [installPack()] });
    expect(up.summary.result).toBe('succeeded');
    expect(up.stdout).toMatch(/Policies:[\s\S]*hardpod@v0\.1\.0/);
    expect(up.stdout).not.toMatch(/mandatory|advisory/);

    const objects = renderedObjects(rendered);
    const mocked = renderPulumiExample();
    expect(objects.map(objectKey).sort()).toEqual(mocked.map(objectKey).sort());
    for (const object of objects) expect(object).toEqual(mocked.find((twin) => objectKey(twin) === objectKey(object)));

    const check = runHardpod(['check', rendered, '--format', 'json']);
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
    const report = JSON.parse(check.stdout) as { summary: { objects: number; fail: number; unknown: number } };
    expect(report.summary).toEqual(expect.objectContaining({ objects: objects.length, fail: 0, unknown: 0 }));
  }, 600_000);

  test('the pack fails a plain Deployment\'s preview; with remediation it rewrites the inputs the provider renders', async () => {
    const packDir = installPack('level: restricted\n');
    const failing = await stackOf('plain', () => plainDeployment(path.join(home, 'plain-not-rendered')));
    const error = await failing.preview({ policyPacks: [packDir] }).then(() => undefined, (e: Error) => e);
    expect(error?.message).toMatch(/mandatory/);
    for (const rule of ['privileged', 'run-as-non-root', 'allow-privilege-escalation']) expect(error?.message).toContain(rule);
    expect(fs.existsSync(path.join(home, 'plain-not-rendered'))).toBe(false);

    const rendered = path.join(home, 'plain-rendered');
    const remediated = await stackOf('plain', () => plainDeployment(rendered), { HARDPOD_REMEDIATE: '1' });
    const up = await remediated.up({ policyPacks: [packDir] });
    expect(up.summary.result).toBe('succeeded');
    const [deployment] = renderedObjects(rendered).filter((o) => o.kind === 'Deployment');
    const container = (deployment.spec as any).template.spec.containers[0];
    expect(container.securityContext).toEqual(expect.objectContaining({ privileged: false, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } }));
    const check = runHardpod(['check', '--level', 'restricted', rendered]);
    expect(check.stdout).toMatch(/PASS: no blocking findings \(level restricted/);
    expect(check.status).toBe(0);
  }, 600_000);
});
