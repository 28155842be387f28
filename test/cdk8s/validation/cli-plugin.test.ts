import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Validation } from 'cdk8s-cli/lib/plugins';
import { stringify } from 'yaml';
import { hardenedDeploymentManifest, prometheusManifest, PROMETHEUS_REASON } from './fixtures';
import { HardpodValidation, type CliValidationContext } from '../../../src/cdk8s';

/**
 * The cdk8s-cli validation plugin, run the way users run it: `cdk8s synth` of the pinned cdk8s-cli
 * loads the compiled class from a local plugin package named in cdk8s.yaml `validations:`.
 */

const REPO = join(__dirname, '..', '..', '..');
const CDK8S = join(REPO, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s');
const COMPILED = join(REPO, 'lib', 'cdk8s', 'index.js');

// The real ValidationContext of the pinned CLI (its only runtime export of `cdk8s-cli/plugins`).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ValidationContext } = require('cdk8s-cli/plugins') as { ValidationContext: new (manifests: readonly string[], pkg: string, version: string, metadata?: object, stdout?: boolean) => CliValidationContext & { report: { success: boolean; toJson(): any; toString(): string } } };

// Compile-time proof that the class satisfies the CLI's plugin interface.
const asPlugin: Validation = new HardpodValidation({ level: 'hardened' });

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** `npx tsc --build` when lib/ is missing or older than src/ (npm test compiles before jest). */
function ensureCompiled(): void {
  if (existsSync(COMPILED) && statSync(COMPILED).mtimeMs >= newestMtime(join(REPO, 'src'))) return;
  // Emits even when another area has a type error (noEmitOnError is off); the type-check step reports those.
  spawnSync(process.execPath, [join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '--build'], { cwd: REPO, encoding: 'utf8' });
  if (!existsSync(join(REPO, 'lib', 'cdk8s', 'validation', 'cli-plugin.js'))) throw new Error('npx tsc --build did not produce lib/cdk8s/validation/cli-plugin.js');
}

interface Project {
  readonly dir: string;
  /** Where the fake `npm` on PATH records any call. */
  readonly npmCalls: string;
}

/**
 * A cdk8s project: `app: node main.js`, with cdk8s, constructs and hardpod itself (this checkout)
 * in its node_modules; a local plugin package `./hardpod-plugin` that re-exports the compiled
 * hardpod/cdk8s; and a fake `npm` first on PATH that records calls and fails, so any attempt to
 * install the plugin is seen. `plugin` is what cdk8s.yaml names as the plugin package.
 */
function project(app: string, properties: Record<string, unknown>, files: Record<string, string> = {}, plugin = './hardpod-plugin'): Project {
  const dir = mkdtempSync(join(tmpdir(), 'hardpod-cdk8s-cli-'));
  mkdirSync(join(dir, 'node_modules'));
  for (const dependency of ['cdk8s', 'constructs']) symlinkSync(join(REPO, 'node_modules', dependency), join(dir, 'node_modules', dependency), 'dir');
  symlinkSync(REPO, join(dir, 'node_modules', 'hardpod'), 'dir');
  mkdirSync(join(dir, 'hardpod-plugin'));
  writeFileSync(join(dir, 'hardpod-plugin', 'package.json'), JSON.stringify({ name: 'hardpod-plugin', version: '1.0.0', main: 'index.js' }));
  writeFileSync(join(dir, 'hardpod-plugin', 'index.js'), `module.exports = require(${JSON.stringify(COMPILED)});\n`);
  writeFileSync(join(dir, 'main.js'), app);
  writeFileSync(join(dir, 'cdk8s.yaml'), stringify({
    language: 'typescript',
    app: 'node main.js',
    validations: [{ package: plugin, version: '1.0.0', class: 'HardpodValidation', properties }],
  }));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const bin = join(dir, 'fake-bin');
  mkdirSync(bin);
  const npmCalls = join(dir, 'npm-calls.log');
  writeFileSync(join(bin, 'npm'), `#!/bin/sh\necho "npm $*" >> ${JSON.stringify(npmCalls)}\nexit 1\n`);
  chmodSync(join(bin, 'npm'), 0o755);
  return { dir, npmCalls };
}

function synth(p: Project, ...args: string[]): { status: number | null; output: string } {
  // --no-check-upgrade: otherwise the CLI asks the npm registry for its newest version on every run.
  // --plugins-dir: where npm-named plugins would be installed (default ~/.cdk8s/plugins).
  const result = spawnSync(CDK8S, ['synth', '--no-check-upgrade', '--plugins-dir', join(p.dir, 'plugins'), ...args], {
    cwd: p.dir,
    encoding: 'utf8',
    env: { ...process.env, PATH: `${join(p.dir, 'fake-bin')}:${process.env.PATH}`, FORCE_COLOR: '0', NO_COLOR: '1' },
    timeout: 120_000,
  });
  return { status: result.status, output: `${result.stdout}\n${result.stderr}` };
}

/** A cdk8s app (CommonJS) with one chart `prod` holding a Deployment with `image`, plus what `extra` adds. */
function appSource(image: string, extra = ''): string {
  return [
    "const { App, Chart, ApiObject } = require('cdk8s');",
    'const app = new App();',
    "const chart = new Chart(app, 'prod');",
    `new ApiObject(chart, 'web', ${JSON.stringify(hardenedDeploymentManifest('web', 'shop', image))});`,
    extra,
    'app.synth();',
  ].join('\n');
}

describe('HardpodValidation under cdk8s synth (cdk8s-cli 2.207.60)', () => {
  beforeAll(ensureCompiled, 180_000);

  test('the pinned CLI is the one under test', () => {
    expect(JSON.parse(readFileSync(join(REPO, 'node_modules', 'cdk8s-cli', 'package.json'), 'utf8')).version).toBe('2.207.60');
    expect(typeof asPlugin.validate).toBe('function');
  });

  test('a violating app fails synth (exit 2), naming the rule and the construct path, without npm', () => {
    const p = project(appSource('nginx:1.27'), { level: 'hardened', k8sVersion: '1.33' });
    const reportFile = join(p.dir, 'reports.json');
    const { status, output } = synth(p, '--validation-reports-output-file', reportFile);
    expect(status).toBe(2);
    expect(output).toContain('image-digest');
    expect(output).toContain('Resource Name: prod/web (Deployment shop/web)');
    expect(output).toContain('container "app" image "nginx:1.27" is not pinned by digest');
    expect(output).toContain('Validation failed');
    expect(existsSync(p.npmCalls)).toBe(false);
    expect(output).not.toContain('Installing validation plugin');
    const { reports } = JSON.parse(readFileSync(reportFile, 'utf8'));
    expect(reports).toHaveLength(1);
    expect(reports[0].summary).toEqual(expect.objectContaining({ status: 'failure', metadata: expect.objectContaining({ level: 'hardened', kubernetesVersion: '1.33' }) }));
    const digest = reports[0].violations.find((v: any) => v.ruleName === 'image-digest');
    expect(digest.recommendation).toBe('Images are pinned by digest');
    expect(digest.violatingConstructs).toEqual([expect.objectContaining({
      resourceName: 'prod/web (Deployment shop/web)',
      manifestPath: 'dist/prod.k8s.yaml',
      locations: ['spec.template.spec.containers[0].image: container "app" image "nginx:1.27" is not pinned by digest'],
    })]);
  });

  test('a finding on an item of a v1 List (an included kubectl export) names the List\'s construct path and the item\'s place in it, as Hardpod.enforce does', () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'debug', namespace: 'shop' }, spec: { containers: [{ name: 'shell', image: 'busybox', securityContext: { privileged: true } }] } };
    const worker = { apiVersion: 'batch.acme.io/v1', kind: 'Worker', metadata: { name: 'worker', namespace: 'shop' }, spec: { podTemplate: { spec: { containers: [{ name: 'a', image: 'nginx' }] } } } };
    const settings = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'shop' } };
    const app = [
      "const { App, Chart, Include } = require('cdk8s');",
      'const app = new App();',
      "new Include(new Chart(app, 'prod'), 'exported', { url: 'exported.yaml' });",
      'app.synth();',
    ].join('\n');
    const p = project(app, { level: 'baseline' }, { 'exported.yaml': stringify({ apiVersion: 'v1', kind: 'List', items: [settings, pod, worker] }) });
    const reportFile = join(p.dir, 'reports.json');
    const { status, output } = synth(p, '--validation-reports-output-file', reportFile);
    expect(status).toBe(2);
    expect(output).toContain('Resource Name: prod/exported/object0-list items[1] (Pod shop/debug)');
    const { violations } = JSON.parse(readFileSync(reportFile, 'utf8')).reports[0];
    const named = (rule: string) => violations.find((v: any) => v.ruleName === rule).violatingConstructs
      .map((r: any) => [r.resourceName, r.manifestPath]);
    expect(named('privileged')).toEqual([['prod/exported/object0-list items[1] (Pod shop/debug)', 'dist/prod.k8s.yaml']]);
    expect(named('not-checked')).toEqual([['prod/exported/object0-list items[2] (Worker shop/worker)', 'dist/prod.k8s.yaml']]);
  });

  test('a clean app synthesizes (exit 0), with the plugin named as the installed package\'s lib/cdk8s and a config file', () => {
    const companions = `
new ApiObject(chart, 'ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } });
new ApiObject(chart, 'sa', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'web', namespace: 'shop' }, automountServiceAccountToken: false });
new ApiObject(chart, 'deny', { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'deny', namespace: 'shop' }, spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } });`;
    const p = project(appSource(`registry.example.com/shop/web:1@sha256:${'c'.repeat(64)}`, companions), { config: 'hardpod.yaml' }, {
      'hardpod.yaml': '# platform policy\nlevel: hardened\nhardened:\n  allowedRegistries: [registry.example.com]\n',
    }, './node_modules/hardpod/lib/cdk8s');
    const { status, output } = synth(p);
    expect(output).toMatch(/Status +│ success/);
    expect(output).toMatch(/failing +│ 0 /);
    expect(status).toBe(0);
    expect(existsSync(join(p.dir, 'dist', 'prod.k8s.yaml'))).toBe(true);
    expect(existsSync(p.npmCalls)).toBe(false);
  });

  test('a package not written as ./path is taken for an npm name and installed with npm', () => {
    const p = project(appSource('nginx'), {}, {}, 'hardpod-plugin');
    const { status, output } = synth(p);
    expect(output).toContain('Installing validation plugin: hardpod-plugin@1.0.0');
    expect(readFileSync(p.npmCalls, 'utf8')).toBe(`npm install hardpod-plugin@1.0.0 --no-save --prefix ${join(p.dir, 'plugins', 'hardpod-plugin', '1.0.0')}\n`);
    expect(status).not.toBe(0);
  });

  test('config may be written inline in cdk8s.yaml, checked as a config file is, its mistakes naming the validations entry and key', () => {
    const reports = (p: Project): { status: number | null; output: string; violations: any[] } => {
      const reportFile = join(p.dir, 'reports.json');
      const { status, output } = synth(p, '--validation-reports-output-file', reportFile);
      return { status, output, violations: JSON.parse(readFileSync(reportFile, 'utf8')).reports[0].violations };
    };
    const inline = reports(project(appSource('nginx:1.27'), { config: { kubernetesVersion: '1.33', rules: { 'image-digest': { enforcement: 'warn' }, 'host-probes-and-host-lifecycle': { severity: 'low' } } } }));
    expect(inline.violations.map((v: any) => v.ruleName)).toContain('image-digest (warn, not failing)');
    expect(inline.output).toMatch(/kubernetesVersion +│ 1\.33/);
    // An override of a rule the run does not run is said, without failing the run.
    expect(inline.output).toContain('How to fix: cdk8s.yaml validations[HardpodValidation].properties.config.rules.host-probes-and-host-lifecycle: the override of host-probes-and-host-lifecycle has no effect, as the rule does not run: it applies from Kubernetes 1.34, and this run judges 1.33');
    expect(inline.status).toBe(0);

    const where = 'cdk8s.yaml validations[HardpodValidation].properties.config';
    for (const [config, message] of [
      [{ rules: { 'image-digets': { enforcement: 'warn' } } }, `${where}.rules.image-digets: unknown rule id "image-digets" (did you mean "image-digest"?); hardpod rules lists them`],
      [{ kubernetesVersion: 1.3 }, `${where}.kubernetesVersion: Kubernetes version 1.3 is a number; write it as a quoted string such as "1.37" (YAML reads 1.30 as 1.3)`],
      [['level: baseline'], 'cdk8s.yaml validations[HardpodValidation].properties.config: config must be the path of a hardpod config file, or the config itself as a mapping of its settings (level, rules ...), got a list'],
    ] as const) {
      const refused = reports(project(appSource('nginx:1.27'), { config }));
      expect(refused.violations).toEqual([expect.objectContaining({ ruleName: 'hardpod-config', fix: message })]);
      expect(refused.status).toBe(2);
      expect(refused.output).not.toMatch(/^\s+at .*\.js:\d+/m);
    }
  });

  test('a bad property is reported as a failed hardpod-config violation, not a stack trace', () => {
    const p = project(appSource('nginx'), { level: 'strict' });
    const { status, output } = synth(p);
    expect(status).toBe(2);
    expect(output).toContain('hardpod-config');
    expect(output).toContain('level must be one of baseline, restricted, hardened, got "strict"');
    expect(output).not.toMatch(/^\s+at .*\.js:\d+/m);
  });
});

describe('HardpodValidation with the CLI\'s own ValidationContext', () => {
  function manifests(documents: object[]): string {
    const dir = mkdtempSync(join(tmpdir(), 'hardpod-plugin-'));
    const file = join(dir, 'app.k8s.yaml');
    writeFileSync(file, documents.map((d) => stringify(d)).join('---\n'));
    return file;
  }

  test('unknown and warn findings are listed as not failing, and the run succeeds', async () => {
    const file = manifests([hardenedDeploymentManifest('web', 'shop', 'nginx')]);
    const context = new ValidationContext([file], 'hardpod', '1.0.0', { web: { path: 'prod/web' } });
    const dir = mkdtempSync(join(tmpdir(), 'hardpod-plugin-config-'));
    writeFileSync(join(dir, 'hardpod.json'), JSON.stringify({ rules: { 'image-digest': { enforcement: 'warn' } } }));
    await new HardpodValidation({ config: join(dir, 'hardpod.json') }).validate(context);
    expect(context.report.success).toBe(true);
    const names = context.report.toJson().violations.map((v: any) => v.ruleName);
    expect(names).toEqual(expect.arrayContaining(['image-digest (warn, not failing)', 'network-policy (unknown, not failing)']));
    expect(names.some((n: string) => !n.includes('not failing'))).toBe(false);
  });

  test('an override of a rule the run does not run is a hardpod-config warning naming its file and line, or its key under the validations entry; the run still succeeds', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hardpod-plugin-idle-'));
    const file = join(dir, 'hardpod.yaml');
    writeFileSync(file, 'edition: 1\nrules:\n  privileged: {severity: high}\n  well-formed-objects: {severity: low}\n');
    const run = async (properties: Record<string, unknown>) => {
      const context = new ValidationContext([manifests([hardenedDeploymentManifest()])], 'hardpod', '1.0.0', {});
      await new HardpodValidation(properties).validate(context);
      return { success: context.report.success, violations: context.report.toJson().violations.filter((v: any) => v.ruleName.startsWith('hardpod-config')) };
    };
    const warning = (fix: string) => ({
      ruleName: 'hardpod-config (warning, not failing)',
      recommendation: 'A rule override in the config applies to a rule the run runs: one outside the pinned edition, the level or the rule\'s Kubernetes versions has no effect',
      fix,
      violatingConstructs: [],
    });
    const fromFile = await run({ level: 'baseline', config: file });
    expect(fromFile.violations).toEqual([
      warning(`${file}:4 (rules.well-formed-objects): the override of well-formed-objects has no effect, as the rule does not run: it came in rule-set edition 2, and the config pins edition 1`),
    ]);
    expect(fromFile.success).toBe(true);
    const inline = await run({ level: 'baseline', config: { rules: { 'image-digest': { enforcement: 'warn' } } } });
    expect(inline.violations).toEqual([
      warning('cdk8s.yaml validations[HardpodValidation].properties.config.rules.image-digest: the override of image-digest has no effect, as the rule does not run: it is in level hardened, and this run checks level baseline'),
    ]);
    expect(inline.success).toBe(true);
  });

  test('an object of a kind hardpod cannot read that holds a pod template fails the run as a not-checked violation', async () => {
    const worker = {
      apiVersion: 'batch.acme.io/v1',
      kind: 'Worker',
      metadata: { name: 'worker', namespace: 'shop' },
      spec: { podTemplate: { spec: { hostPID: true, containers: [{ name: 'a', image: 'nginx', securityContext: { privileged: true } }] } } },
    };
    const context = new ValidationContext([manifests([worker])], 'hardpod', '1.0.0', {});
    await new HardpodValidation({ level: 'baseline' }).validate(context);
    expect(context.report.success).toBe(false);
    const json = context.report.toJson();
    expect(json.summary.metadata.notChecked).toBe('1');
    const notChecked = json.violations.find((v: any) => v.ruleName === 'not-checked');
    expect(notChecked.fix).toContain('workloadKinds');
    expect(notChecked.violatingConstructs).toHaveLength(1);
    expect(notChecked.violatingConstructs[0].locations[0]).toContain('kind batch.acme.io/v1/Worker is not a known workload kind');
  });

  test('an object no mapping can express (a Prometheus) fails the run until a not-checked suppression acknowledges it, by config file or annotation', async () => {
    const run = async (properties: Record<string, unknown>, annotations?: Record<string, string>) => {
      const context = new ValidationContext([manifests([prometheusManifest(annotations)])], 'hardpod', '1.0.0', {});
      await new HardpodValidation(properties).validate(context);
      return { success: context.report.success, json: context.report.toJson() };
    };
    const unacknowledged = await run({ level: 'baseline' });
    expect(unacknowledged.success).toBe(false);
    const violation = unacknowledged.json.violations.find((v: any) => v.ruleName === 'not-checked');
    expect(violation.violatingConstructs[0].locations[0]).toContain('which workloadKinds cannot map');
    expect(violation.fix).toContain('hardpod.dev/suppress.not-checked');

    const dir = mkdtempSync(join(tmpdir(), 'hardpod-plugin-not-checked-'));
    writeFileSync(join(dir, 'hardpod.yaml'), `level: baseline\nsuppressions:\n  - { rule: not-checked, kind: Prometheus, namespace: monitoring, name: k8s, reason: "${PROMETHEUS_REASON}" }\n`);
    const configured = await run({ config: join(dir, 'hardpod.yaml') });
    expect(configured.success).toBe(true);
    expect(configured.json.violations).toEqual([]);
    expect(configured.json.summary.metadata).toMatchObject({ notChecked: '0', notCheckedSuppressed: '1' });

    const annotated = await run({ level: 'baseline' }, { 'hardpod.dev/suppress.not-checked': PROMETHEUS_REASON });
    expect(annotated.success).toBe(true);
    expect(annotated.json.violations).toEqual([]);
  });

  test('a resource is named by its kind, namespace and name, and by its construct only when the construct metadata tells it apart', async () => {
    const privileged = hardenedDeploymentManifest('web', 'shop', 'nginx');
    (privileged.spec as any).template.spec.containers[0].securityContext.privileged = true;
    const serviceAccount = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'web', namespace: 'shop' }, automountServiceAccountToken: false };
    const other = hardenedDeploymentManifest('api', 'shop', 'nginx');
    (other.spec as any).template.spec.containers[0].securityContext.privileged = true;
    // cdk8s records one construct path per name, the last object's: here the ServiceAccount's.
    const metadata = { web: { path: 'prod/web/ServiceAccount' }, api: { path: 'prod/api/Deployment' } };
    const context = new ValidationContext([manifests([privileged, serviceAccount, other])], 'hardpod', '1.0.0', metadata);
    await new HardpodValidation({ level: 'baseline' }).validate(context);
    const resources = context.report.toJson().violations.find((v: any) => v.ruleName === 'privileged').violatingConstructs;
    expect(resources.map((r: any) => r.resourceName)).toEqual(['Deployment shop/web', 'prod/api/Deployment (Deployment shop/api)']);
    expect(JSON.stringify(resources)).not.toContain('ServiceAccount');
  });

  test('cross-object rules see every manifest of the app together', async () => {
    const deny = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'deny', namespace: 'shop' }, spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } };
    const context = new ValidationContext([manifests([hardenedDeploymentManifest()]), manifests([deny])], 'hardpod', '1.0.0', {});
    await new HardpodValidation({ config: undefined }).validate(context);
    const names = context.report.toJson().violations.map((v: any) => v.ruleName);
    expect(names).not.toContain('network-policy (unknown, not failing)');
    expect(names).toContain('service-account-present (unknown, not failing)');
  });

  test('two objects of one kind, namespace and name (two charts\' Deployments named web in shop) fail the run, naming both manifests, as Hardpod.enforce fails synthesis', async () => {
    const run = async (files: string[]) => {
      const context = new ValidationContext(files, 'hardpod', '1.0.0', {});
      await new HardpodValidation({ level: 'baseline' }).validate(context);
      return { success: context.report.success, json: context.report.toJson() };
    };
    const clusterRole = (namespace: string) => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'reader', namespace }, rules: [] });
    const a = manifests([hardenedDeploymentManifest('web', 'shop'), clusterRole('shop')]);
    const b = manifests([hardenedDeploymentManifest('api', 'shop'), hardenedDeploymentManifest('web', 'shop'), clusterRole('staging')]);
    const both = await run([a, b]);
    expect(both.success).toBe(false);
    const duplicates = both.json.violations.find((v: any) => v.ruleName === 'duplicate-object');
    expect(duplicates.violatingConstructs.map((r: any) => [r.resourceName, r.manifestPath, r.locations])).toEqual([
      ['Deployment shop/web', b, [`${b} (document 2): Deployment shop/web is also emitted by ${a} (document 1); applied, one would overwrite the other: give one of them another name or namespace`]],
      ['ClusterRole reader', b, [`${b} (document 3): ClusterRole reader is also emitted by ${a} (document 2); applied, one would overwrite the other: give one of them another name (it is cluster-scoped: a namespace does not tell it apart)`]],
    ]);
    expect(both.json.summary.metadata.duplicates).toBe('2');
    // The same name in another namespace is another object.
    const staging = manifests([hardenedDeploymentManifest('web', 'staging')]);
    expect((await run([a, staging])).json.violations.map((v: any) => v.ruleName)).not.toContain('duplicate-object');
  });

  test('an item of a v1 List is an object of its own: a copy of it elsewhere fails the run as a duplicate', async () => {
    const listed = manifests([{ apiVersion: 'v1', kind: 'List', items: [hardenedDeploymentManifest('web', 'shop')] }]);
    const plain = manifests([hardenedDeploymentManifest('web', 'shop')]);
    const context = new ValidationContext([listed, plain], 'hardpod', '1.0.0', {});
    await new HardpodValidation({ level: 'baseline' }).validate(context);
    expect(context.report.success).toBe(false);
    const duplicates = context.report.toJson().violations.find((v: any) => v.ruleName === 'duplicate-object');
    expect(duplicates.violatingConstructs.map((r: any) => r.locations)).toEqual([
      [`${plain} (document 1): Deployment shop/web is also emitted by ${listed} (document 1, items[0]); applied, one would overwrite the other: give one of them another name or namespace`],
    ]);
  });

  test('an item of a v1 List the construct metadata does not name is named by its document and its place in the List, as items of one List may share kind, namespace and name', async () => {
    const pod = (image: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'debug', namespace: 'shop' }, spec: { containers: [{ name: 'shell', image, securityContext: { privileged: true } }] } });
    const file = manifests([hardenedDeploymentManifest('web', 'shop'), { apiVersion: 'v1', kind: 'List', items: [pod('busybox'), pod('alpine')] }]);
    const context = new ValidationContext([file], 'hardpod', '1.0.0', {});
    await new HardpodValidation({ level: 'baseline' }).validate(context);
    const resources = context.report.toJson().violations.find((v: any) => v.ruleName === 'privileged').violatingConstructs;
    expect(resources.map((r: any) => r.resourceName)).toEqual([`${file} (document 2, items[0]) (Pod shop/debug)`, `${file} (document 2, items[1]) (Pod shop/debug)`]);
  });

  test('a manifest mistake in an object the construct metadata does not name is located by its document in the file', async () => {
    const bad = hardenedDeploymentManifest('web', 'shop');
    (bad.metadata as Record<string, unknown>).annotations = { 'hardpod.dev/suppress.image-digest': '' };
    const file = manifests([hardenedDeploymentManifest('api', 'shop'), { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'web', namespace: 'shop' } }, bad]);
    const context = new ValidationContext([file], 'hardpod', '1.0.0', {});
    await new HardpodValidation({}).validate(context);
    expect(context.report.toJson().violations[0].fix).toBe(`${file} (document 3) (annotation hardpod.dev/suppress.image-digest): suppression of image-digest needs a non-empty reason`);
    // A document that is no object is counted the same way, from 1.
    writeFileSync(file, 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\n- not an object\n');
    const listed = new ValidationContext([file], 'hardpod', '1.0.0', {});
    await new HardpodValidation({}).validate(listed);
    expect(listed.report.toJson().violations[0].fix).toBe(`${file}: document 2 is not a Kubernetes object (expected apiVersion and kind)`);
  });

  test('unknown properties and unquoted versions are refused', async () => {
    for (const [properties, message] of [[{ levle: 'hardened' }, 'unknown property "levle"'], [{ k8sVersion: 1.3 }, 'k8sVersion must be a quoted string']] as const) {
      const context = new ValidationContext([manifests([hardenedDeploymentManifest()])], 'hardpod', '1.0.0', {});
      await new HardpodValidation(properties as never).validate(context);
      expect(context.report.success).toBe(false);
      expect(context.report.toJson().violations[0].fix).toContain(message);
    }
  });
});
