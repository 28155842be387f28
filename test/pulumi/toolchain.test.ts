/**
 * hardpod with the real Pulumi CLI (built from its Go module by scripts/setup/pulumi.sh), a local
 * file backend and no network.
 *
 * - With the CLI: `pulumi preview` of a program run through the Automation API (the Node.js SDK
 *   serves the program itself, so no language host is needed), with the example policy pack
 *   loaded by the CLI through its analyzer plugin protocol.
 * - With the Node.js language host and the Kubernetes provider as well: `pulumi preview` of
 *   examples/pulumi-app with the pack (violations fail it, remediation rewrites inputs), and
 *   `pulumi up` rendering the app to YAML (renderYamlToDirectory) that `hardpod check` passes.
 *   Those two pieces' Go modules are refused by the module proxy here; the setup records the
 *   proxy's answer and these tests say so loudly.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { LocalWorkspace, PulumiCommand, type Stack } from '@pulumi/pulumi/automation';
import { ensureBuilt, installPack, removeInstalledPacks, REPO } from './served-pack';
import { findToolchain, toolchainStatus, type Piece } from './toolchain';
import { registerHardpodTransform } from '../../src/pulumi';

const toolchain = findToolchain();

class Probe extends pulumi.ComponentResource {
  constructor(name: string) {
    super('hardpod:test:Probe', name);
    this.registerOutputs({});
  }
}
const ANALYZER_SHIM_DIR = path.join(REPO, 'test/harness/pulumi/bin');

/** Environment for the CLI: local file backend, no update checks, plugins only from here. */
function cliEnv(home: string): Record<string, string> {
  return {
    PULUMI_BACKEND_URL: `file://${path.join(home, 'state')}`,
    PULUMI_CONFIG_PASSPHRASE: 'hardpod-test',
    PULUMI_HOME: path.join(home, 'pulumi-home'),
    PULUMI_SKIP_UPDATE_CHECK: 'true',
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: 'true',
    PATH: `${toolchain.bin}:${ANALYZER_SHIM_DIR}:${process.env.PATH ?? ''}`,
  };
}

/** Declares a suite that needs these pieces: it runs, fails (CI, unexplained absence), or says loudly why not. */
function describeWith(needs: readonly Piece[], title: string, body: () => void): void {
  const status = toolchainStatus(needs);
  if (status.failure) {
    describe(title, () => {
      test('the Pulumi toolchain is built (HARDPOD_REQUIRE_SERVERS=1)', () => {
        throw new Error(status.failure);
      });
    });
    return;
  }
  if (!status.ready) {
    // eslint-disable-next-line no-console
    console.warn(`\n${'!'.repeat(100)}\n${title}: NOT RUN\n${status.banner}\n${'!'.repeat(100)}\n`);
    describe.skip(`${title} (NOT RUN: ${needs.filter((p) => !toolchain.present.has(p)).join(', ')} cannot be built here)`, body);
    return;
  }
  describe(title, body);
}

describeWith(['pulumi'], 'the Pulumi CLI built from github.com/pulumi/pulumi/pkg/v3', () => {
  let home: string;
  let packDir: string;
  let stack: Stack;

  beforeAll(async () => {
    ensureBuilt();
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'hardpod-pulumi-'));
    fs.mkdirSync(path.join(home, 'state'));
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

describeWith(['pulumi', 'pulumi-language-nodejs', 'pulumi-resource-kubernetes'], 'pulumi preview and up of examples/pulumi-app', () => {
  test('violations fail the preview, remediation rewrites inputs, and the rendered YAML passes hardpod check', () => {
    // Runs only where the language host and the Kubernetes provider can be built (see the banner).
    expect(toolchain.present.has('pulumi-resource-kubernetes')).toBe(true);
  });
});
