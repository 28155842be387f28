import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliMainPath, runHardpod } from '../cli/cli-process';
import { writeLockFile } from '../fixtures/lock-file';
import { describeHelm, runHelm } from '../harness/helm';

/**
 * `helm template` output as CI meets it, rendered by the real Helm 3 CLI from a chart in
 * test/fixtures/helm: checked by `hardpod check -`, and pinned by `hardpod pin -` running as Helm's
 * post-renderer (Helm writes the rendered manifests to its stdin and reads the pinned ones back).
 */

const CHART = join(__dirname, '..', 'fixtures', 'helm', 'shop');
const IMAGE = 'registry.example.com/shop/web';
const DIGEST = `sha256:${'4'.repeat(64)}`;

interface JsonFinding {
  readonly rule: string;
  readonly outcome: string;
  readonly blocking: boolean;
  readonly line: number;
  readonly template?: string;
  readonly kind: string;
  readonly path: string;
}

describeHelm('helm template output through the real Helm 3 CLI', (helm) => {
  let home: string;
  let lockFile: string;
  let postRenderer: string;

  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'hardpod-helm-'));
    lockFile = writeLockFile({ [`${IMAGE}:1.4.2`]: { digest: DIGEST } }, home);
    // What `npm install hardpod` puts on PATH: an executable `hardpod`.
    postRenderer = join(home, 'hardpod');
    writeFileSync(postRenderer, `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(cliMainPath())} "$@"\n`);
    chmodSync(postRenderer, 0o755);
  });
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  const render = (...args: string[]) => {
    const result = runHelm(helm, ['template', 'shop', CHART, ...args], home);
    if (result.error) throw result.error;
    return result;
  };
  const check = (manifests: string, ...args: string[]) => {
    const result = runHardpod(['check', '-', '--format', 'json', ...args], { input: manifests });
    const findings = result.status === 2 ? [] : (JSON.parse(result.stdout) as { findings: JsonFinding[] }).findings;
    return { status: result.status, stderr: result.stderr, findings };
  };
  /** 1-based line of the first line of `text` that contains `needle`. */
  const lineOf = (text: string, needle: string) => text.split('\n').findIndex((line) => line.includes(needle)) + 1;

  test('hardpod check reads the render from stdin and names each finding\'s template and line', () => {
    const rendered = render();
    expect(rendered.stderr).toBe('');
    expect(rendered.status).toBe(0);
    expect(rendered.stdout).toContain('# Source: shop/templates/deployment.yaml');

    const { status, findings } = check(rendered.stdout);
    // The tag is not pinned: image-digest blocks.
    expect(status).toBe(1);
    const digest = findings.filter((f) => f.rule === 'image-digest');
    expect(digest).toHaveLength(1);
    expect(digest[0]).toMatchObject({ outcome: 'fail', blocking: true, template: 'shop/templates/deployment.yaml', kind: 'Deployment' });
    expect(digest[0].line).toBe(lineOf(rendered.stdout, `image: "${IMAGE}:1.4.2"`));
    // Namespace-less chart output: what depends on the namespace is unknown, not failed.
    const psa = findings.find((f) => f.rule === 'namespace-psa-labels');
    expect(psa?.outcome).toBe('unknown');
    // The chart's ServiceAccount and default-deny NetworkPolicy are in the render and count.
    expect(findings.filter((f) => f.rule === 'service-account-present' || f.rule === 'network-policy')).toEqual([]);
    expect(findings.filter((f) => f.blocking).map((f) => f.rule)).toEqual(['image-digest']);
  });

  test('a value that breaks the hardening fails the check at the rendered line of its template', () => {
    const rendered = render('--set', 'privileged=true');
    expect(rendered.status).toBe(0);
    const { status, findings } = check(rendered.stdout);
    expect(status).toBe(1);
    const privileged = findings.find((f) => f.rule === 'privileged')!;
    expect(privileged).toMatchObject({ blocking: true, template: 'shop/templates/deployment.yaml', path: 'spec.template.spec.containers[0].securityContext.privileged' });
    expect(privileged.line).toBe(lineOf(rendered.stdout, 'privileged: true'));
  });

  test('hardpod pin - as Helm\'s post-renderer pins the image from the lock file; the pinned render passes', () => {
    const plain = render();
    const pinned = render('--post-renderer', postRenderer, '--post-renderer-args', 'pin', '--post-renderer-args', '-',
      '--post-renderer-args', '--offline', '--post-renderer-args', `--lock-file=${lockFile}`);
    expect(pinned.stderr).toBe('');
    expect(pinned.status).toBe(0);
    expect(pinned.stdout).toContain(`image: "${IMAGE}:1.4.2@${DIGEST}"`);
    expect(pinned.stdout).not.toContain(`image: "${IMAGE}:1.4.2"`);
    // Only the image changed: every other object and field comes back from the post-renderer as Helm rendered it.
    const objectsOf = (text: string) => text.split(/^---$/m).map((doc) => doc.replace(/^# Source: .*$/m, '').trim()).filter(Boolean).sort();
    expect(objectsOf(pinned.stdout)).toEqual(objectsOf(plain.stdout.replace(`${IMAGE}:1.4.2"`, `${IMAGE}:1.4.2@${DIGEST}"`)));

    const { status, findings } = check(pinned.stdout);
    expect(findings.filter((f) => f.blocking)).toEqual([]);
    expect(status).toBe(0);
  });

  test('a folder holding the render (--output-dir) beside a template whose expressions are all quoted is refused at the template\'s line, not judged', () => {
    const folder = mkdtempSync(join(home, 'mixed-'));
    const rendered = render('--output-dir', join(folder, 'rendered'));
    expect(rendered.status).toBe(0);
    // The render alone reads, every object keeping its template.
    const alone = runHardpod(['check', folder, '--format', 'json', '--level', 'restricted']);
    expect(alone.status).toBe(0);
    expect((JSON.parse(alone.stdout) as { findings: JsonFinding[] }).findings.every((f) => f.template?.startsWith('shop/templates/'))).toBe(true);
    // A template with nothing but quoted expressions is valid YAML, and otherwise passes restricted.
    writeFileSync(join(folder, 'debug-pod.yaml'), [
      'apiVersion: v1', 'kind: Pod', 'metadata:', '  name: "{{ .Release.Name }}-debug"', 'spec:',
      '  securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}', '  containers:',
      '    - name: debug', '      image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"',
      '      securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}', '',
    ].join('\n'));
    const mixed = runHardpod(['check', folder, '--level', 'restricted']);
    expect(mixed.stdout).toBe('');
    expect(mixed.stderr).toContain(`${join(folder, 'debug-pod.yaml')}:4: metadata.name "{{ .Release.Name }}-debug" holds a template expression`);
    expect(mixed.stderr).toContain('if it is a Helm template, check what it renders');
    expect(mixed.status).toBe(2);
  });

  test('--helm-chart points SARIF results at the templates in the repository, where Helm names them by the chart\'s name', () => {
    // A repository whose chart folder is not named as the chart is (deploy/storefront holds chart shop).
    const repo = join(home, 'repo');
    const folder = join(repo, 'deploy', 'storefront');
    mkdirSync(join(repo, '.git'), { recursive: true });
    cpSync(CHART, folder, { recursive: true });
    const rendered = runHelm(helm, ['template', 'shop', folder], home);
    expect(rendered.stdout).toContain('# Source: shop/templates/deployment.yaml');
    const sarif = (...args: string[]) => runHardpod(['check', '-', '--format', 'sarif', ...args], { input: rendered.stdout, cwd: repo });
    type Sarif = { runs: { results: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[] };
    const uris = (run: { stdout: string }) =>
      [...new Set((JSON.parse(run.stdout) as Sarif).runs[0].results.map((r) => r.locations[0].physicalLocation.artifactLocation.uri))];
    const relocated = sarif('--helm-chart', 'deploy/storefront');
    expect(relocated.status).toBe(1);
    expect(uris(relocated)).toEqual(['deploy/storefront/templates/deployment.yaml']);
    expect(existsSync(join(repo, uris(relocated)[0]))).toBe(true);
    // Without it, the results name a file the repository does not have.
    expect(uris(sarif())).toEqual(['shop/templates/deployment.yaml']);
    // The text report names the template where it is, beside the rendered line.
    const text = runHardpod(['check', '-', '--helm-chart', 'deploy/storefront'], { input: rendered.stdout, cwd: repo });
    expect(text.stdout).toMatch(/^FAIL Deployment shop {2}<stdin>:\d+ \(from deploy\/storefront\/templates\/deployment\.yaml\)$/m);
  });

  test('--helm-chart naming no chart, or another chart than the input\'s, is a usage error saying what it found', () => {
    const rendered = render().stdout;
    const run = (dir: string) => runHardpod(['check', '-', '--helm-chart', dir], { input: rendered, cwd: home });
    const other = join(home, 'other-chart');
    mkdirSync(other, { recursive: true });
    writeFileSync(join(other, 'Chart.yaml'), 'apiVersion: v2\nname: billing\nversion: 0.1.0\n');
    expect([run('nowhere').status, run('nowhere').stderr]).toEqual([2, 'hardpod check: error: --helm-chart "nowhere" is not a folder: give the folder of the chart that rendered the input (the one holding Chart.yaml)\n']);
    expect(run('.').stderr).toMatch(/--helm-chart "\." holds no Chart\.yaml/);
    const wrong = run('other-chart');
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toBe('hardpod check: error: --helm-chart "other-chart": no object of the input was rendered by chart "billing" (its Chart.yaml\'s name); its # Source: comments name the chart "shop"\n');
    writeFileSync(join(other, 'Chart.yaml'), 'apiVersion: v2\nversion: 0.1.0\n');
    expect(run('other-chart').stderr).toBe('hardpod check: error: other-chart/Chart.yaml: has no chart name (name: <chart>), which Helm starts every # Source: path of the templates it renders with\n');
  });

  test('an image the lock file lacks fails the render with hardpod\'s message, and nothing is printed', () => {
    const failed = render('--set', 'image.tag=9.9.9', '--post-renderer', postRenderer, '--post-renderer-args', 'pin', '--post-renderer-args', '-',
      '--post-renderer-args', '--offline', '--post-renderer-args', `--lock-file=${lockFile}`);
    expect(failed.status).not.toBe(0);
    expect(failed.stdout).toBe('');
    expect(failed.stderr).toContain(`${IMAGE}:9.9.9`);
    expect(failed.stderr).toMatch(/no entry in the lock file/);
  });
});
