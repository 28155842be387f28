import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, watch, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliMainPath, runHardpod, type CliResult } from './cli-process';
import { fingerprintOf } from '../../src/engine/baseline';
import { emptyLockFile, LOCK_FILE_NAME, serializeLockFile } from '../../src/images/lock-file';
import { RULES } from '../../src/rules/catalogue';
import { parseXml, sarifValidator } from '../reporters/validators';

/** A Deployment, its Namespace, ServiceAccount and NetworkPolicy that pass every hardened rule. */
const HARDENED_APP = readFileSync(join(__dirname, 'hardened-app.yaml'), 'utf8');

/** The hardened app with its container made privileged, on the line after the app's last. */
const PRIVILEGED_APP = `${HARDENED_APP}          privileged: true\n`;
const PRIVILEGED_LINE = HARDENED_APP.split('\n').length;

const POD = `apiVersion: v1
kind: Pod
metadata:
  name: plain
spec:
  containers:
  - name: app
    image: nginx
`;

/** A JobSet: its pod templates sit in a list, `spec.replicatedJobs[].template.spec.template`. */
const JOBSET = `apiVersion: jobset.x-k8s.io/v1alpha2
kind: JobSet
metadata:
  name: trainer
spec:
  replicatedJobs:
  - name: workers
    replicas: 2
    template:
      spec:
        template:
          spec:
            hostNetwork: true
            containers:
            - name: app
              image: nginx
              securityContext:
                privileged: true
`;

let dir: string;
beforeAll(() => {
  cliMainPath();
  dir = mkdtempSync(join(tmpdir(), 'hardpod-cli-'));
  writeFileSync(join(dir, 'hardened.yaml'), HARDENED_APP);
  writeFileSync(join(dir, 'privileged.yaml'), PRIVILEGED_APP);
  writeFileSync(join(dir, 'pod.yaml'), POD);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const check = (args: string[], options: Parameters<typeof runHardpod>[1] = {}): CliResult => runHardpod(['check', ...args], { cwd: dir, ...options });

/** A user mistake: exit 2, one message on stderr, no stack trace, nothing on stdout. */
function expectUsageError(result: CliResult, message: RegExp): void {
  expect(result.status).toBe(2);
  expect(result.stderr).toMatch(message);
  expect(result.stderr).not.toMatch(/\n\s+at /);
  expect(result.stdout).toBe('');
}

describe('hardpod check exit codes', () => {
  test('0 when nothing blocks (the hardened app at the default level)', () => {
    const result = check(['hardened.yaml']);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('PASS: no blocking findings (level hardened, Kubernetes 1.37');
    expect(result.status).toBe(0);
  });

  test('1 on blocking findings, with the field line of each', () => {
    const result = check(['privileged.yaml']);
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(new RegExp(String.raw`fail privileged critical \[PSS privileged\] {2}spec\.template\.spec\.containers\[0\]\.securityContext\.privileged:${PRIVILEGED_LINE}`));
    expect(result.stdout).toContain('FAIL: 1 blocking finding');
  });

  test('1 for fields of the wrong type in the objects the cross-object rules read, each at its line; not under edition 1', () => {
    const objects = [
      'apiVersion: v1', 'kind: ServiceAccount', 'metadata: {name: app, namespace: shop}', 'automountServiceAccountToken: false',
      '---', 'apiVersion: rbac.authorization.k8s.io/v1', 'kind: Role', 'metadata: {name: reader, namespace: shop}',
      'rules: "get secrets"',
      '---', 'apiVersion: rbac.authorization.k8s.io/v1', 'kind: RoleBinding', 'metadata: {name: app-reader, namespace: shop}',
      'roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}', 'subjects: [{kind: ServiceAccount, name: app, namespace: shop}]',
      '---', 'apiVersion: rbac.authorization.k8s.io/v1', 'kind: Role', 'metadata: {name: reader2, namespace: shop}', 'rules:', '- apiGroups: [""]',
      '  resources: secrets',
      '  verbs: get',
      '---', 'apiVersion: rbac.authorization.k8s.io/v1', 'kind: RoleBinding', 'metadata: {name: app-reader2, namespace: shop}',
      'roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader2}',
      'subjects: {kind: ServiceAccount, name: app, namespace: shop}',
      '---', 'apiVersion: networking.k8s.io/v1', 'kind: NetworkPolicy', 'metadata: {name: deny, namespace: shop}', 'spec:', '  podSelector: {}',
      '  policyTypes: Ingress',
      '---', 'apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: shop',
      '  labels: [pod-security.kubernetes.io/enforce=restricted]',
    ];
    writeFileSync(join(dir, 'malformed-objects.yaml'), `${objects.join('\n')}\n`);
    const line = (text: string): number => objects.indexOf(text) + 1;
    const result = check(['malformed-objects.yaml']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(1);
    const found = result.stdout.split('\n').filter((l) => l.includes('fail well-formed-objects')).map((l) => l.trim());
    expect(found).toEqual([
      `fail well-formed-objects high  rules:${line('rules: "get secrets"')}`,
      `fail well-formed-objects high  rules[0].resources:${line('  resources: secrets')}`,
      `fail well-formed-objects high  rules[0].verbs:${line('  verbs: get')}`,
      `fail well-formed-objects high  subjects:${line('subjects: {kind: ServiceAccount, name: app, namespace: shop}')}`,
      `fail well-formed-objects high  spec.policyTypes:${line('  policyTypes: Ingress')}`,
      `fail well-formed-objects high  metadata.labels:${line('  labels: [pod-security.kubernetes.io/enforce=restricted]')}`,
    ]);
    expect(result.stdout).toContain('verbs must be a list of strings, got a string ("get")');
    expect(result.stdout).toContain('FAIL: 6 blocking findings');
    // A team pinned to the first rule-set edition gets no new failing rule until it moves the edition.
    writeFileSync(join(dir, 'edition-1.yaml'), 'edition: 1\n');
    const pinned = check(['--config', 'edition-1.yaml', 'malformed-objects.yaml']);
    expect(pinned.stdout).toContain('PASS: no blocking findings (level hardened, Kubernetes 1.37, rule-set edition 1)');
    expect(pinned.status).toBe(0);
  });

  test('a finding under a key that reads as another key (0x1F: is 31) names it as kubectl does, at the key\'s own line', () => {
    const pod = ['apiVersion: v1', 'kind: Pod', 'metadata:', '  name: p', '  labels:', '    app: web', '    0x1F: 5', 'spec:', '  containers:', '  - name: c', '    image: nginx'];
    writeFileSync(join(dir, 'number-key.yaml'), `${pod.join('\n')}\n`);
    const result = check(['--level', 'baseline', '--format', 'json', 'number-key.yaml']);
    expect(result.status).toBe(1);
    const findings = (JSON.parse(result.stdout) as { findings: { rule: string; path: string; line: number }[] }).findings;
    expect(findings.map(({ rule, path, line }) => ({ rule, path, line }))).toEqual([{ rule: 'well-formed-pod-spec', path: 'metadata.labels.31', line: 7 }]);
  });

  test('2 with file and line for unparseable input', () => {
    writeFileSync(join(dir, 'broken.yaml'), `${POD}---\napiVersion: v1\nkind: Pod\nspec: {containers: [\n`);
    expectUsageError(check(['pod.yaml', 'broken.yaml']), /^hardpod check: error: broken\.yaml:13: invalid YAML: /);
  });

  test('2 for a document that is not an object', () => {
    writeFileSync(join(dir, 'scalar.yaml'), `${POD}---\n"just a string"\n`);
    expectUsageError(check(['scalar.yaml']), /scalar\.yaml:10: expected a Kubernetes object .* found a string/);
  });

  test('2 for an alias bomb, quickly', () => {
    const lines = ['apiVersion: v1', 'kind: ConfigMap', 'a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 10; i++) lines.push(`${'abcdefghij'[i]}: &${'abcdefghij'[i]} [${Array(10).fill(`*${'abcdefghij'[i - 1]}`).join(', ')}]`);
    writeFileSync(join(dir, 'bomb.yaml'), `${lines.join('\n')}\n`);
    expectUsageError(check(['bomb.yaml']), /bomb\.yaml:1: the document's aliases expand to more than/);
  });

  test.each([
    [['--level', 'strict', 'pod.yaml'], /^hardpod check: error: --level must be one of baseline, restricted, hardened, got "strict"/],
    [['--k8s-version', '2.0', 'pod.yaml'], /^hardpod check: error: --k8s-version: unsupported Kubernetes version "2\.0"/],
    [['--format', 'xml', 'pod.yaml'], /--format must be one of text, json, sarif, junit, github, controls, controls-json/],
    [['--frobnicate', 'pod.yaml'], /Unknown option '--frobnicate'.*see hardpod check --help/],
    // A misspelt flag or value names the one meant.
    [['--levl=restricted', 'pod.yaml'], /^hardpod check: error: Unknown option '--levl' \(did you mean "--level"\?\) \(see hardpod check --help\)\n$/],
    [['pod.yaml', '--format', 'sarf'], /^hardpod check: error: --format must be one of .*, got "sarf" \(did you mean "sarif"\?\)\n$/],
    [[], /give at least one file or folder to check, or - to read standard input/],
    // An empty value (`--output=$REPORT`, REPORT unset) names its option, not a file without a name.
    [['--output=', 'pod.yaml'], /^hardpod check: error: --output needs a value, got an empty one \(an unset variable\?\) \(see hardpod check --help\)\n$/],
    [['--lock-file', '', 'pod.yaml'], /^hardpod check: error: --lock-file needs a value, got an empty one/],
    // A wrapper's --config would otherwise be replaced by a user's, unseen.
    [['--config', 'platform.yaml', 'pod.yaml', '--config=team.yaml'], /^hardpod check: error: --config is given more than once; it takes one value, and a later one would replace an earlier one unseen/],
    [['--write-baseline', '-', 'pod.yaml'], /^hardpod check: error: --write-baseline needs a file name \(such as hardpod\.baseline\.json\): - would be a file named -/],
    [['missing.yaml'], /missing\.yaml: no such file or folder/],
    [['pod.yaml/x.yaml'], /^hardpod check: error: pod\.yaml\/x\.yaml: a part of the path before the file name is a file, not a folder\n$/],
    [['--output', 'pod.yaml/report.json', 'hardened.yaml'], /^hardpod check: error: pod\.yaml\/report\.json: cannot write the file: a part of the path before the file name is a file, not a folder\n$/],
    [['--baseline', 'missing-baseline.json', 'pod.yaml'], /missing-baseline\.json: cannot read the baseline file: no such file or folder/],
    // A folder where a file belongs: each file option says which file it could not read, without a stack trace.
    [['--config', '.', 'pod.yaml'], /^hardpod check: error: \.: cannot read the config file: is a folder, expected a file\n$/],
    [['--baseline', '.', 'pod.yaml'], /^hardpod check: error: \.: cannot read the baseline file: is a folder, expected a file\n$/],
    [['--lock-file', '.', 'pod.yaml'], /: cannot read the lock file: is a folder, expected a file\n$/],
  ])('2 for usage errors: %j', (args, message) => {
    expectUsageError(check(args), message);
  });

  test('2 for an input without any Kubernetes object, unless --allow-empty', () => {
    writeFileSync(join(dir, 'empty.yaml'), '# rendered nothing\n---\n');
    expectUsageError(check(['empty.yaml']), /^hardpod check: error: empty\.yaml: no Kubernetes objects found, so nothing was checked; give --allow-empty/);
    expectUsageError(check(['-']), /^hardpod check: error: -: no Kubernetes objects found/);
    const allowed = check(['--allow-empty', '--format', 'json', 'empty.yaml']);
    expect(allowed.status).toBe(0);
    expect(allowed.stderr).toBe('');
    expect(JSON.parse(allowed.stdout).summary.objects).toBe(0);
  });

  test('a config error names the config file and line', () => {
    writeFileSync(join(dir, 'bad-config.yaml'), 'level: hardened\nrules:\n  no-such-rule:\n    severity: high\n');
    expectUsageError(check(['--config', 'bad-config.yaml', 'pod.yaml']), /bad-config\.yaml:3/);
  });
  test('an override of a rule this run does not run (a later edition, a higher level, a later Kubernetes) is a warning naming its line and why; the exit code is the run\'s own', () => {
    writeFileSync(join(dir, 'idle-overrides.yaml'), [
      'edition: 1',
      'rules:',
      '  well-formed-objects: {severity: low}',
      '  image-digest: {enforcement: warn}',
      '  host-probes-and-host-lifecycle: {severity: low}',
      '  privileged: {severity: high}',
      // Only disables a rule that does not run anyway: as the user wants it.
      '  run-as-non-root: {enabled: false}',
      '',
    ].join('\n'));
    const args = ['--config', 'idle-overrides.yaml', '--level', 'baseline', '--k8s-version', '1.30'];
    const result = check([...args, 'privileged.yaml']);
    const warnings = [
      'idle-overrides.yaml:3 (rules.well-formed-objects): the override of well-formed-objects has no effect, as the rule does not run: it came in rule-set edition 2, and the config pins edition 1\n',
      'idle-overrides.yaml:4 (rules.image-digest): the override of image-digest has no effect, as the rule does not run: it is in level hardened, and this run checks level baseline\n',
      'idle-overrides.yaml:5 (rules.host-probes-and-host-lifecycle): the override of host-probes-and-host-lifecycle has no effect, as the rule does not run: it applies from Kubernetes 1.34, and this run judges 1.30\n',
    ].map((warning) => `hardpod check: warning: ${warning}`).join('');
    expect(result.stderr).toBe(warnings);
    expect(result.stdout).toContain('FAIL: 1 blocking finding');
    expect(result.status).toBe(1);
    const passing = check([...args, 'hardened.yaml']);
    expect(passing.stderr).toBe(warnings);
    expect(passing.status).toBe(0);
  });

  test('an error quoting the input escapes the control characters it holds', () => {
    writeFileSync(join(dir, 'hostile.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  "x\\eM\\rPASS": .inf\n');
    const result = check(['hostile.yaml']);
    expectUsageError(result, /hostile\.yaml:5: spec\.x\\u001bM\\u000dPASS reads as Infinity/);
    expect(result.stderr).not.toMatch(/[\u001b\r]/);
  });
});

describe('hardpod check inputs', () => {
  test('a kustomization folder is refused with the command that builds it; its files named on their own are checked', () => {
    mkdirSync(join(dir, 'kustomized'), { recursive: true });
    writeFileSync(join(dir, 'kustomized', 'kustomization.yaml'), 'resources: [pod.yaml]\nimages: [{ name: nginx, digest: "sha256:0000" }]\n');
    writeFileSync(join(dir, 'kustomized', 'pod.yaml'), PRIVILEGED_APP);
    expectUsageError(check(['kustomized']), /^hardpod check: error: kustomized: a kustomization \(it holds kustomization\.yaml\).*`kustomize build kustomized \| hardpod check -`/);
    expect(check([join('kustomized', 'pod.yaml')]).status).toBe(1);
  });

  test('stdin with -', () => {
    const result = check(['--format', 'json', '-'], { input: PRIVILEGED_APP });
    expect(result.status).toBe(1);
    const json = JSON.parse(result.stdout);
    expect(json.findings.map((f: { file: string }) => f.file)).toEqual(['<stdin>']);
  });

  test('a file holding the same object twice reports each copy under its own line, in text and JUnit', () => {
    const second = POD.replace('spec:\n', 'spec:\n  hostNetwork: true\n');
    const secondLine = POD.split('\n').length + 1;
    writeFileSync(join(dir, 'twice.yaml'), `${POD}---\n${second}`);
    const text = check(['--level', 'baseline', 'twice.yaml']);
    expect(text.status).toBe(1);
    // The first copy passes; the second copy's finding is under its own header, not the first's.
    expect(text.stdout).toMatch(new RegExp(String.raw`^FAIL Pod plain  twice\.yaml:${secondLine}\n  fail host-namespaces critical \[PSS hostNamespaces\]  spec\.hostNetwork:${secondLine + 5}\n`));
    expect(text.stdout).not.toContain('twice.yaml:1\n');
    const junit = parseXml(check(['--level', 'baseline', '--format', 'junit', 'twice.yaml']).stdout);
    const suites = Array.from(junit.getElementsByTagName('testsuite'));
    expect(suites.map((suite) => [suite.getAttribute('name'), suite.getAttribute('failures')])).toEqual([['Pod plain (twice.yaml) #1', '0'], ['Pod plain (twice.yaml) #2', '1']]);
  });

  test('two items of one List with the same kind and name (a Knative Service and the core Service it makes) are reported apart', () => {
    const core = '- apiVersion: v1\n  kind: Service\n  metadata: {name: hello, namespace: shop}\n  spec: {type: ExternalName, externalName: hello.example.com}\n';
    const knative = [
      '- apiVersion: serving.knative.dev/v1', '  kind: Service', '  metadata: {name: hello, namespace: shop}', '  spec:', '    template:', '      spec:',
      '        containers:', '        - {name: app, image: ghcr.io/acme/hello:1, securityContext: {privileged: true}}', '',
    ].join('\n');
    writeFileSync(join(dir, 'services.yaml'), `apiVersion: v1\nkind: List\nitems:\n${core}${knative}`);
    const text = check(['--level', 'baseline', 'services.yaml']);
    expect(text.status).toBe(1);
    // The finding is the Knative Service's (line 8), not the ExternalName Service's (line 4) before it.
    expect(text.stdout).toMatch(/^FAIL Service\.serving\.knative\.dev shop\/hello {2}services\.yaml:8\n {2}fail privileged /);
    const junit = parseXml(check(['--level', 'baseline', '--format', 'junit', 'services.yaml']).stdout);
    const suites = Array.from(junit.getElementsByTagName('testsuite'));
    expect(suites.map((suite) => suite.getAttribute('failures'))).toEqual(['0', '1']);
    const controls = JSON.parse(check(['--level', 'baseline', '--format', 'controls-json', 'services.yaml']).stdout);
    const privileged = controls.controls.find((control: { id: string }) => control.id === '5.2.2');
    expect(privileged.objects.map((object: { line: number; verdict: string }) => [object.line, object.verdict])).toEqual([[8, 'fails']]);
  });

  test('JUnit and SARIF name files from the repository root when hardpod runs in a subfolder, as GitLab and GitHub link them', () => {
    const repo = join(dir, 'monorepo');
    mkdirSync(join(repo, '.git'), { recursive: true });
    mkdirSync(join(repo, 'charts', 'web'), { recursive: true });
    writeFileSync(join(repo, 'charts', 'web', 'rendered.yaml'), PRIVILEGED_APP);
    const inChart = { cwd: join(repo, 'charts', 'web') };
    const junit = parseXml(check(['--format', 'junit', 'rendered.yaml'], inChart).stdout);
    const files = new Set([...Array.from(junit.getElementsByTagName('testsuite')), ...Array.from(junit.getElementsByTagName('testcase'))]
      .map((element) => element.getAttribute('file')));
    expect([...files]).toEqual(['charts/web/rendered.yaml']);
    const sarif = JSON.parse(check(['--format', 'sarif', 'rendered.yaml'], inChart).stdout);
    expect(sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation).toEqual({ uri: 'charts/web/rendered.yaml', uriBaseId: '%SRCROOT%' });
  });

  test('--format github writes error annotations on the file and line from the repository root, and exits as the text report does', () => {
    const repo = join(dir, 'gh-repo');
    mkdirSync(join(repo, '.git'), { recursive: true });
    mkdirSync(join(repo, 'deploy'), { recursive: true });
    writeFileSync(join(repo, 'deploy', 'app.yaml'), PRIVILEGED_APP);
    const result = check(['--format', 'github', 'app.yaml'], { cwd: join(repo, 'deploy') });
    expect(result.status).toBe(1);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines.filter((line) => line.startsWith('::error '))).toEqual([
      expect.stringMatching(new RegExp(`^::error file=deploy/app\\.yaml,line=${PRIVILEGED_LINE},title=hardpod privileged \\(critical\\)::Deployment shop/web `)),
    ]);
    expect(lines.at(-1)).toMatch(/^\d+ objects?, \d+ checks: .*1 failed$/);
    expect(check(['--format', 'github', 'hardened.yaml']).status).toBe(0);
  });

  test('JUnit: the same object in two folders (staging, production) gives each testcase its own GitLab key', () => {
    for (const stage of ['staging', 'production']) {
      mkdirSync(join(dir, 'overlays', stage), { recursive: true });
      writeFileSync(join(dir, 'overlays', stage, 'web.yaml'), PRIVILEGED_APP);
    }
    const result = check(['--format', 'junit', 'overlays']);
    expect(result.status).toBe(1);
    const doc = parseXml(result.stdout);
    // GitLab keys a testcase by its suite's name, classname and name, and keeps one per key.
    const keys = Array.from(doc.getElementsByTagName('testsuite')).flatMap((suite) => Array.from(suite.getElementsByTagName('testcase'))
      .map((testcase) => `${suite.getAttribute('name')}\u0000${testcase.getAttribute('classname')}\u0000${testcase.getAttribute('name')}`));
    expect(keys.length).toBeGreaterThan(2);
    expect(new Set(keys).size).toBe(keys.length);
    const suites = Array.from(doc.getElementsByTagName('testsuite')).map((suite) => suite.getAttribute('name'));
    expect(suites).toContain('Deployment shop/web (overlays/production/web.yaml)');
    expect(suites).toContain('Deployment shop/web (overlays/staging/web.yaml)');
    expect(suites).toContain('Namespace shop (overlays/staging/web.yaml)');
  });

  test('a finding through an alias is at the alias, and a file with CR-only line ends is refused at its line', () => {
    const anchored = POD.replace('    image: nginx\n', '    image: nginx\n    securityContext: &sc\n      privileged: true\n  initContainers:\n  - name: init\n    image: nginx\n    securityContext: *sc\n');
    writeFileSync(join(dir, 'alias.yaml'), anchored);
    const result = check(['--level', 'baseline', '--format', 'json', 'alias.yaml']);
    expect(result.status).toBe(1);
    const lines = (JSON.parse(result.stdout) as { findings: Array<{ path: string; line: number }> }).findings.map((f) => [f.path, f.line]);
    expect(lines).toEqual(expect.arrayContaining([['spec.containers[0].securityContext.privileged', 10], ['spec.initContainers[0].securityContext.privileged', 14]]));
    writeFileSync(join(dir, 'cr.yaml'), anchored.replace(/\n/g, '\r'));
    expectUsageError(check(['cr.yaml']), /^hardpod check: error: cr\.yaml:1: a line ends in a bare carriage return/);
  });

  test('folders recursively, and helm template output keeps the template', () => {
    const folder = join(dir, 'chart-out');
    mkdirSync(join(folder, 'nested'), { recursive: true });
    writeFileSync(join(folder, 'a.yaml'), HARDENED_APP);
    writeFileSync(join(folder, 'nested', 'b.yml'), `---\n# Source: shop/templates/pod.yaml\n${POD}`);
    writeFileSync(join(folder, 'nested', 'ignored.txt'), 'not: [');
    const result = check(['--level', 'baseline', '--format', 'json', 'chart-out']);
    expect(result.status).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json.summary.objects).toBe(5);
    const strict = JSON.parse(check(['--level', 'restricted', '--format', 'json', 'chart-out']).stdout);
    const podFinding = strict.findings.find((f: { name: string }) => f.name === 'plain');
    expect(podFinding).toMatchObject({ file: join('chart-out', 'nested', 'b.yml'), template: 'shop/templates/pod.yaml', kind: 'Pod' });
  });

  test('an unknown kind holding a pod template in a list (a JobSet) is listed as not checked, in text and JUnit, not passed', () => {
    writeFileSync(join(dir, 'jobset.yaml'), JOBSET);
    const text = check(['--level', 'baseline', 'jobset.yaml']);
    expect(text.status).toBe(0);
    expect(text.stdout).toContain('Not checked (kind not mapped to a pod template');
    expect(text.stdout).toContain('JobSet trainer  jobset.yaml:1  kind jobset.x-k8s.io/v1alpha2/JobSet is not a known workload kind, but spec.replicatedJobs[0].template.spec.template.spec looks like a pod spec');
    const junit = parseXml(check(['--level', 'baseline', '--format', 'junit', 'jobset.yaml']).stdout);
    const cases = Array.from(junit.getElementsByTagName('testcase')).map((c) => c.getAttribute('name'));
    expect(cases).toEqual(['not checked']);
  });

  test('operator kinds no workloadKinds mapping can express (Prometheus, Tekton Task, Strimzi Kafka) are listed as not checked, with what to check instead', () => {
    writeFileSync(join(dir, 'operators.yaml'), [
      'apiVersion: monitoring.coreos.com/v1\nkind: Prometheus\nmetadata: {name: k8s, namespace: monitoring}\nspec:\n  containers:\n  - name: config-reloader\n    securityContext: {privileged: true}\n',
      'apiVersion: tekton.dev/v1\nkind: Task\nmetadata: {name: build, namespace: ci}\nspec:\n  steps:\n  - name: build\n    image: docker:dind\n    securityContext: {privileged: true}\n',
      'apiVersion: kafka.strimzi.io/v1beta2\nkind: Kafka\nmetadata: {name: events, namespace: kafka}\nspec:\n  kafka:\n    replicas: 3\n    template:\n      kafkaContainer:\n        securityContext: {privileged: true}\n',
    ].join('---\n'));
    const text = check(['operators.yaml']);
    expect(text.status).toBe(0);
    expect(text.stdout).toContain('Not checked (kind not mapped to a pod template; each says how to check it):');
    expect(text.stdout).toContain('Prometheus monitoring/k8s  operators.yaml:1  kind monitoring.coreos.com/v1/Prometheus is not a known workload kind, but spec looks like a pod spec outside a pod template');
    expect(text.stdout).toContain('-n monitoring -o yaml | hardpod check -');
    const json = JSON.parse(check(['--format', 'json', 'operators.yaml']).stdout);
    expect(json.notChecked.map((item: { kind: string; line: number; reason: string }) => [item.kind, item.line, item.reason.replace(/.* but (\S+) .*/, '$1')])).toEqual([
      ['Prometheus', 1, 'spec'], ['Task', 9, 'spec.steps[0].securityContext'], ['Kafka', 18, 'spec.kafka.template.kafkaContainer.securityContext'],
    ]);
    for (const item of json.notChecked) expect(item.reason).toContain('which workloadKinds cannot map; check the workloads or pods made from it in the cluster instead');
    const sarif = JSON.parse(check(['--format', 'sarif', 'operators.yaml']).stdout);
    expect(sarif.runs[0].results.map((r: { ruleId: string }) => r.ruleId)).toEqual(['not-checked', 'not-checked', 'not-checked']);
  });

  test('a JobSet mapped with [*] in workloadKinds is checked: each replicated job\'s pod, with its real path and line', () => {
    writeFileSync(join(dir, 'jobset.yaml'), JOBSET);
    writeFileSync(join(dir, 'jobset-config.yaml'), "workloadKinds:\n  - { kind: JobSet, group: jobset.x-k8s.io, templatePath: 'spec.replicatedJobs[*].template.spec.template' }\n");
    const result = check(['--level', 'baseline', '--config', 'jobset-config.yaml', '--format', 'json', 'jobset.yaml']);
    expect(result.status).toBe(1);
    const json = JSON.parse(result.stdout);
    expect(json.notChecked).toEqual([]);
    const lineOf = (text: string): number => JOBSET.split('\n').findIndex((line) => line.includes(text)) + 1;
    expect(json.findings.map((f: { rule: string; path: string; line: number }) => [f.rule, f.path, f.line])).toEqual([
      ['privileged', 'spec.replicatedJobs[0].template.spec.template.spec.containers[0].securityContext.privileged', lineOf('privileged: true')],
      ['host-namespaces', 'spec.replicatedJobs[0].template.spec.template.spec.hostNetwork', lineOf('hostNetwork: true')],
    ]);
  });

  test('a folder below the one given that cannot be listed is exit 2 naming it, not an internal error', () => {
    // Permissions bind only a user other than root: as root, the CLI runs as nobody.
    const root = mkdtempSync(join(tmpdir(), 'hardpod-cli-perm-'));
    chmodSync(root, 0o755);
    mkdirSync(join(root, 'k8s', 'private'), { recursive: true });
    writeFileSync(join(root, 'k8s', 'pod.yaml'), POD);
    writeFileSync(join(root, 'k8s', 'private', 'pod.yaml'), POD);
    chmodSync(join(root, 'k8s', 'private'), 0);
    try {
      const asNobody = process.getuid?.() === 0 ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', process.execPath] : [process.execPath];
      const run = spawnSync(asNobody[0], [...asNobody.slice(1), cliMainPath(), 'check', 'k8s'], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
      expectUsageError({ status: run.status, stdout: run.stdout, stderr: run.stderr },
        /^hardpod check: error: k8s\/private: permission denied, so the manifests in it cannot be listed: make it readable, or give the files and folders to check\n$/);
    } finally {
      chmodSync(join(root, 'k8s', 'private'), 0o755);
      rmSync(root, { recursive: true, force: true });
    }
  });

  test('a pipe or device named as a file is read up to the size limit, like standard input, not until memory runs out', () => {
    // The address-space limit keeps a reader without a limit from taking the machine's memory.
    const run = spawnSync('bash', ['-c', `ulimit -v 4000000; exec "${process.execPath}" "${cliMainPath()}" check /dev/zero`], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    expectUsageError({ status: run.status, stdout: run.stdout, stderr: run.stderr }, /^hardpod check: error: \/dev\/zero: the input is larger than 256 MiB\n$/);
    // A pipe that ends is read whole: `hardpod check <(helm template ...)`.
    const piped = spawnSync('bash', ['-c', `exec "${process.execPath}" "${cliMainPath()}" check --format json <(cat privileged.yaml)`], { cwd: dir, encoding: 'utf8' });
    expect(piped.status).toBe(1);
    expect(JSON.parse(piped.stdout).findings[0].file).toMatch(/^\/dev\/fd\/\d+$/);
  });

  test('a pipe or device named as the config, baseline or lock file is read up to the size limit too, not until memory runs out', () => {
    for (const [option, what] of [['--config', 'config file'], ['--baseline', 'baseline file'], ['--lock-file', 'lock file']]) {
      const run = spawnSync('bash', ['-c', `ulimit -v 4000000; exec "${process.execPath}" "${cliMainPath()}" check ${option} /dev/zero hardened.yaml`], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
      expectUsageError({ status: run.status, stdout: run.stdout, stderr: run.stderr }, new RegExp(`^hardpod check: error: /dev/zero: the ${what} is larger than 256 MiB\n$`));
    }
    // A config that a pipe gives whole is read: `--config <(generator)`.
    const piped = spawnSync('bash', ['-c', `exec "${process.execPath}" "${cliMainPath()}" check --format json --config <(echo 'level: baseline') privileged.yaml`], { cwd: dir, encoding: 'utf8' });
    expect(piped.stderr).toBe('');
    expect(JSON.parse(piped.stdout).level).toBe('baseline');
  });

  test('a folder walk reads regular files only: a FIFO or device named like a manifest is listed, not waited on', () => {
    const folder = join(dir, 'special');
    mkdirSync(folder);
    writeFileSync(join(folder, 'app.yaml'), HARDENED_APP);
    expect(spawnSync('mkfifo', [join(folder, 'pipe.yaml')]).status).toBe(0);
    symlinkSync('/dev/zero', join(folder, 'zero.json'));
    // Without a limit of its own the run would wait on the FIFO until something writes to it.
    const run = spawnSync(process.execPath, [cliMainPath(), 'check', 'special'], { cwd: dir, encoding: 'utf8', timeout: 30_000 });
    expectUsageError({ status: run.status, stdout: run.stdout, stderr: run.stderr }, new RegExp([
      '^hardpod check: error: special: 2 files below it are not Kubernetes manifests, .*',
      '  special/pipe\\.yaml: a named pipe \\(FIFO\\), not a regular file: a folder walk reads regular files only; name it on its own to read it',
      '  special/zero\\.json: a device, not a regular file: a folder walk reads regular files only; name it on its own to read it',
      'give the folders or files that hold only manifests instead',
    ].join('\n')));
    expect(check(['special/app.yaml']).status).toBe(0);
    const pin = spawnSync(process.execPath, [cliMainPath(), 'pin', 'special'], { cwd: dir, encoding: 'utf8', timeout: 30_000 });
    expectUsageError({ status: pin.status, stdout: pin.stdout, stderr: pin.stderr }, /^hardpod pin: error: .*special\/pipe\.yaml: a named pipe \(FIFO\), not a regular file: a folder walk reads regular files only/);
  });

  test('a file reached twice (named twice, or named and inside a named folder) is checked once', () => {
    const folder = join(dir, 'twice');
    mkdirSync(folder);
    writeFileSync(join(folder, 'pod.yaml'), POD);
    const result = check(['--level', 'baseline', '--format', 'json', 'twice/pod.yaml', './twice/pod.yaml', join(folder, 'pod.yaml'), 'twice']);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout).summary.objects).toBe(1);
  });

  test('in a folder, the files the run reads or writes for itself are not taken for manifests; other YAML still is', () => {
    const folder = join(dir, 'own-files');
    mkdirSync(folder);
    writeFileSync(join(folder, 'pod.yaml'), POD);
    writeFileSync(join(folder, 'hardpod.config.yaml'), 'level: baseline\n');
    writeFileSync(join(folder, LOCK_FILE_NAME), serializeLockFile(emptyLockFile()));
    const inFolder = { cwd: folder };
    const written = check(['--config', 'hardpod.config.yaml', '--write-baseline', 'baseline.json', '.'], inFolder);
    expect(written.stderr).toBe('hardpod check: wrote 0 findings to baseline.json\n');
    expect(written.status).toBe(0);
    // Twice, so that the report of the first run is in the folder for the second.
    for (let run = 0; run < 2; run++) {
      const again = check(['--config', 'hardpod.config.yaml', '--baseline', 'baseline.json', '--format', 'json', '--output', 'report.json', '.'], inFolder);
      expect(again.stderr).toBe('');
      expect(again.status).toBe(0);
      expect(JSON.parse(readFileSync(join(folder, 'report.json'), 'utf8')).summary.objects).toBe(1);
    }
    writeFileSync(join(folder, 'values.yaml'), 'replicaCount: 1\n');
    expectUsageError(check(['--config', 'hardpod.config.yaml', '--baseline', 'baseline.json', '--output', 'report.json', '.'], inFolder), /^hardpod check: error: \.: 1 file below it is not a Kubernetes manifest, .*\n  values\.yaml:1: a Kubernetes object needs apiVersion/);
    // Named on its own, an own file is read like any other.
    expectUsageError(check(['--config', 'hardpod.config.yaml', 'hardpod.config.yaml'], inFolder), /hardpod\.config\.yaml:1: a Kubernetes object needs apiVersion/);
  });

  test('a report or baseline is never written over a file being checked', () => {
    writeFileSync(join(dir, 'mine.yaml'), POD);
    expectUsageError(check(['--output', 'mine.yaml', 'mine.yaml']), /^hardpod check: error: --output mine\.yaml is one of the files being checked, and writing there would replace it/);
    expectUsageError(check(['--write-baseline', join(dir, 'mine.yaml'), './mine.yaml']), /--write-baseline .*mine\.yaml is one of the files being checked/);
    expect(readFileSync(join(dir, 'mine.yaml'), 'utf8')).toBe(POD);
  });

  test('the report is never written over the baseline or another file the run reads, however the path is spelled', () => {
    mkdirSync(join(dir, 'own'), { recursive: true });
    expectUsageError(
      check(['--output', 'own/same.json', '--write-baseline', './own/../own/same.json', 'privileged.yaml']),
      /^hardpod check: error: --output own\/same\.json and --write-baseline \.\/own\/\.\.\/own\/same\.json are the same file, and the report would replace the baseline; give each its own file\n$/,
    );
    expect(readdirSync(join(dir, 'own'))).toEqual([]);
    writeFileSync(join(dir, 'own', 'config.yaml'), 'level: baseline\n');
    expectUsageError(check(['--config', 'own/config.yaml', '--output', join(dir, 'own', 'config.yaml'), 'privileged.yaml']), /--output .*config\.yaml is the --config file of this run/);
    expect(readFileSync(join(dir, 'own', 'config.yaml'), 'utf8')).toBe('level: baseline\n');
    // Refreshing the baseline in place is what --write-baseline is for.
    expect(check(['--write-baseline', 'own/b.json', 'privileged.yaml']).status).toBe(0);
    expect(check(['--baseline', 'own/b.json', '--write-baseline', './own/b.json', 'privileged.yaml']).status).toBe(0);
    expectUsageError(check(['--baseline', 'own/b.json', '--output', 'own/b.json', 'privileged.yaml']), /--output own\/b\.json is the --baseline file of this run/);
  });

  test('a suppression annotation in error is named by its own line, not its object\'s', () => {
    const annotated = (annotation: string): string => `${POD.replace('  name: plain\n', `  name: plain\n  labels:\n    app: plain\n  annotations:\n    ${annotation}\n`)}`;
    writeFileSync(join(dir, 'annotated.yaml'), `${POD}---\n${annotated('hardpod.dev/suppress.privileged: "   "')}`);
    expectUsageError(check(['annotated.yaml']), /^hardpod check: error: annotated\.yaml:17 \(annotation hardpod\.dev\/suppress\.privileged\): suppression of privileged needs a non-empty reason\n$/);
    writeFileSync(join(dir, 'annotated.yaml'), annotated('hardpod.dev/suppress.privilegd: typo'));
    expectUsageError(check(['annotated.yaml']), /^hardpod check: error: annotated\.yaml:8 \(annotation hardpod\.dev\/suppress\.privilegd\): suppression names unknown rule id "privilegd"/);
  });

  test('text that is not UTF-8 is refused with its line, not read with replacement characters', () => {
    const latin1 = Buffer.from(POD.replace('name: plain', 'name: caf\u00e9'), 'latin1');
    const offset = latin1.indexOf(0xe9);
    writeFileSync(join(dir, 'latin1.yaml'), latin1);
    expectUsageError(check(['latin1.yaml']), new RegExp(`^hardpod check: error: latin1\\.yaml:4: not valid UTF-8: byte 0xE9 at offset ${offset}; hardpod reads UTF-8`));
    expectUsageError(check(['-'], { input: latin1 }), /^hardpod check: error: <stdin>:4: not valid UTF-8: byte 0xE9/);
    writeFileSync(join(dir, 'utf16.yaml'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(POD, 'utf16le')]));
    expectUsageError(check(['utf16.yaml']), /^hardpod check: error: utf16\.yaml:1: encoded in UTF-16; hardpod reads UTF-8/);
  });

  test('--k8s-version judges by that version (seccomp is required from 1.19)', () => {
    const rulesAt = (version: string) => JSON.parse(check(['--level', 'restricted', '--k8s-version', version, '--format', 'json', 'pod.yaml']).stdout)
      .findings.map((f: { rule: string }) => f.rule);
    expect(rulesAt('1.18')).not.toContain('seccomp-profile-restricted');
    expect(rulesAt('1.37')).toContain('seccomp-profile-restricted');
  });
});

describe('hardpod check formats', () => {
  test('json has the documented fields with field lines', () => {
    const result = check(['--format', 'json', 'privileged.yaml']);
    expect(result.status).toBe(1);
    const json = JSON.parse(result.stdout);
    expect(json.schemaVersion).toBe('1');
    expect(json.findings).toEqual([expect.objectContaining({
      rule: 'privileged',
      pss: 'privileged',
      severity: 'critical',
      file: 'privileged.yaml',
      line: PRIVILEGED_LINE,
      kind: 'Deployment',
      name: 'web',
      namespace: 'shop',
      path: 'spec.template.spec.containers[0].securityContext.privileged',
    })]);
    expect(json.summary).toMatchObject({ objects: 4, fail: 1, blocking: 1 });
  });

  test('sarif is valid against the SARIF 2.1.0 schema, with repository-relative URIs', () => {
    const result = check(['--format', 'sarif', 'privileged.yaml', 'pod.yaml']);
    expect(result.status).toBe(1);
    const log = JSON.parse(result.stdout);
    const validate = sarifValidator();
    expect(validate(log)).toBe(true);
    const results = log.runs[0].results;
    expect(results.length).toBeGreaterThan(5);
    expect(results[0].locations[0].physicalLocation).toEqual({ artifactLocation: { uri: 'privileged.yaml', uriBaseId: '%SRCROOT%' }, region: { startLine: PRIVILEGED_LINE } });
    expect(log.runs[0].tool.driver.rules.length).toBeGreaterThan(20);
  });

  test('sarif names a code scanning category only when given one, so that the upload step\'s category applies to each chart', () => {
    // GitHub takes the file's category over the upload step's: a fixed one made the alerts of two charts replace each other.
    expect(JSON.parse(check(['--format', 'sarif', 'privileged.yaml']).stdout).runs[0].automationDetails).toBeUndefined();
    const log = JSON.parse(check(['--format', 'sarif', '--sarif-category', 'charts/web', 'privileged.yaml']).stdout);
    expect(sarifValidator()(log)).toBe(true);
    expect(log.runs[0].automationDetails).toEqual({ id: 'charts/web/' });
    expectUsageError(check(['--sarif-category', 'charts/web', 'privileged.yaml']), /--sarif-category applies to --format sarif only/);
    expectUsageError(check(['--format', 'sarif', '--sarif-category', ' ', 'privileged.yaml']), /--sarif-category " " is not a category name/);
  });

  test('sarif ranks rules by the severity the config gives them, with or without findings', () => {
    writeFileSync(join(dir, 'severities.yaml'), 'rules:\n  privileged: { severity: low }\n  host-ports: { severity: critical }\n');
    const log = JSON.parse(check(['--config', 'severities.yaml', '--format', 'sarif', 'privileged.yaml']).stdout);
    const severity = (id: string) => log.runs[0].tool.driver.rules.find((r: { id: string }) => r.id === id).properties['security-severity'];
    expect(severity('privileged')).toBe('3.0');
    expect(severity('host-ports')).toBe('9.5');
    expect(log.runs[0].results.find((r: { ruleId: string }) => r.ruleId === 'privileged').level).toBe('error');
  });

  test('sarif with more results than GitHub code scanning accepts comes with a warning, the report unchanged', () => {
    // Each of these Deployments has about a dozen findings at the hardened level.
    const deployments = Array.from({ length: 2200 }, (_, i) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: web-${i}, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: app, image: "nginx:1.27"}]
`).join('---\n');
    writeFileSync(join(dir, 'many.yaml'), deployments);
    const result = check(['--format', 'sarif', 'many.yaml']);
    expect(result.status).toBe(1);
    const results = JSON.parse(result.stdout).runs[0].results.length;
    expect(results).toBeGreaterThan(25_000);
    expect(result.stderr).toBe(`hardpod check: warning: the SARIF report holds ${results.toLocaleString('en-US')} results, and GitHub code scanning rejects a run of more than 25,000 (and shows at most 5,000): fix the most common findings first, or suppress those that are accepted, with their reasons\n`);
    // Below the limit: no warning.
    expect(check(['--format', 'sarif', 'privileged.yaml']).stderr).toBe('');
  });

  test('sarif from stdin points each result at its Helm template, or at <stdin> with a warning, so code scanning accepts it', () => {
    const lastSeparator = PRIVILEGED_APP.lastIndexOf('---\n') + 4;
    const rendered = `${PRIVILEGED_APP.slice(0, lastSeparator)}# Source: shop/templates/deployment.yaml\n${PRIVILEGED_APP.slice(lastSeparator)}`;
    const templated = check(['--format', 'sarif', '--level', 'baseline', '-'], { input: rendered });
    expect(templated.status).toBe(1);
    expect(templated.stderr).toBe('');
    const validate = sarifValidator();
    const log = JSON.parse(templated.stdout);
    expect(validate(log)).toBe(true);
    expect(log.runs[0].results.map((r: { locations: Array<{ physicalLocation: unknown }> }) => r.locations[0].physicalLocation))
      .toEqual([{ artifactLocation: { uri: 'shop/templates/deployment.yaml', uriBaseId: '%SRCROOT%' } }]);

    const bare = check(['--format', 'sarif', '--level', 'baseline', '-'], { input: PRIVILEGED_APP });
    expect(bare.status).toBe(1);
    const bareLog = JSON.parse(bare.stdout);
    expect(validate(bareLog)).toBe(true);
    expect(bareLog.runs[0].results[0].locations[0].physicalLocation).toEqual({ artifactLocation: { uri: '%3Cstdin%3E' }, region: { startLine: PRIVILEGED_LINE } });
    expect(bare.stderr).toMatch(/^hardpod check: warning: 1 SARIF result points at <stdin>, which is no file of the repository: .*# Source:/);
  });

  test('junit is well-formed XML with a failure per blocking finding', () => {
    const result = check(['--format', 'junit', 'privileged.yaml']);
    const doc = parseXml(result.stdout);
    expect(doc.getElementsByTagName('testsuite')).toHaveLength(4);
    expect(doc.getElementsByTagName('failure')).toHaveLength(1);
    expect(doc.documentElement!.getAttribute('failures')).toBe('1');
  });

  test('controls view lists NIST and CIS controls with the objects that satisfy or fail them', () => {
    const text = check(['--format', 'controls', 'privileged.yaml']).stdout;
    expect(text).toMatch(/CIS Kubernetes Benchmark \(v1\.10\)\n/);
    expect(text).toMatch(/ 5\.2\.2 {2}FAILS/);
    expect(text).toMatch(/fails {10}Deployment shop\/web {2}privileged\.yaml:\d+ {2}\[privileged\]/);
    const json = JSON.parse(check(['--format', 'controls-json', 'hardened.yaml']).stdout);
    const nist = json.controls.filter((c: { framework: string }) => c.framework === 'NIST SP 800-190');
    expect(nist.length).toBeGreaterThan(3);
    expect(json.controls.every((c: { status: string }) => c.status !== 'fails')).toBe(true);
    const privileged = json.controls.find((c: { id: string; framework: string }) => c.framework === 'CIS Kubernetes Benchmark' && c.id === '5.2.2');
    expect(privileged.objects).toEqual([expect.objectContaining({ kind: 'Deployment', name: 'web', verdict: 'satisfies' })]);
  });

  test('text is coloured only when forced, never with NO_COLOR', () => {
    expect(check(['privileged.yaml'], { env: { NO_COLOR: undefined, FORCE_COLOR: '1' } }).stdout).toContain('\u001b[31m');
    expect(check(['privileged.yaml']).stdout).not.toContain('\u001b[');
  });

  test('a report written with --output is never coloured, even with FORCE_COLOR set for the CI log', () => {
    expect(check(['--output', 'forced.txt', 'privileged.yaml'], { env: { NO_COLOR: undefined, FORCE_COLOR: '1' } }).status).toBe(1);
    const report = readFileSync(join(dir, 'forced.txt'), 'utf8');
    expect(report).toMatch(/^FAIL /m);
    expect(report).not.toContain('\u001b[');
  });

  test('a reader that closes the pipe early gets no error: exit code as without it, nothing on stderr', () => {
    const many = Array.from({ length: 400 }, (_, i) => POD.replace('name: plain', `name: plain-${i}`)).join('---\n');
    writeFileSync(join(dir, 'many.yaml'), many);
    // The shell's pipe: `head` reads one line and exits while hardpod is still writing.
    const run = spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" "${cliMainPath()}" check many.yaml | head -n 1 >/dev/null; echo "status \${PIPESTATUS[0]}" >&2`], {
      cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' },
    });
    expect(run.stderr).toBe('status 1\n');
  });

  test('a report or baseline path through a file where a folder belongs, or over a loop of links, is exit 2 naming it, not an internal error', () => {
    symlinkSync('loop.json', join(dir, 'loop.json'));
    expectUsageError(check(['--output', 'loop.json', 'hardened.yaml']), /^hardpod check: error: loop\.json: cannot write the file: a loop of symbolic links, which leads to no file\n$/);
    expectUsageError(check(['--write-baseline', 'pod.yaml/baseline.json', 'hardened.yaml']), /^hardpod check: error: pod\.yaml\/baseline\.json: cannot write the file: a part of the path before the file name is a file, not a folder\n$/);
    expect(readFileSync(join(dir, 'pod.yaml'), 'utf8')).toBe(POD);
    rmSync(join(dir, 'loop.json'));
  });

  test('a baseline or report that cannot be written is exit 2 naming the file and why (a missing folder), not an internal error', () => {
    expectUsageError(check(['--write-baseline', 'missing/baseline.json', 'privileged.yaml']), /^hardpod check: error: missing\/baseline\.json: cannot write the file: the folder missing does not exist \(create it first\)\n$/);
    expectUsageError(check(['--output', 'missing/report.json', 'privileged.yaml']), /^hardpod check: error: missing\/report\.json: cannot write the file: the folder missing does not exist \(create it first\)\n$/);
  });

  test('a read-only report or baseline (mode 0444) is refused naming it, before the input is read, and stays as it was', () => {
    const file = join(dir, 'protected.json');
    const refused = /^hardpod check: error: protected\.json: cannot write the file: it is read-only \(mode 0444\); make it writable \(chmod u\+w\) to have it replaced, or write to another file\n$/;
    for (const option of ['--output', '--write-baseline']) {
      writeFileSync(file, 'kept');
      chmodSync(file, 0o444);
      expectUsageError(check([option, 'protected.json', 'privileged.yaml']), refused);
      // Before the input is read: an input that cannot be read is not what is said.
      expectUsageError(check([option, 'protected.json', 'no-such-input.yaml']), refused);
      expect(readFileSync(file, 'utf8')).toBe('kept');
      expect(statSync(file).mode % 0o1000).toBe(0o444);
      expect(readdirSync(dir).filter((name) => name.includes('protected'))).toEqual(['protected.json']);
      rmSync(file);
    }
  });

  test('a rewritten report or baseline keeps its mode: a private one (0600) stays private, an executable one (0755) executable', () => {
    for (const mode of [0o600, 0o755]) {
      for (const option of ['--output', '--write-baseline']) {
        const file = join(dir, 'kept-mode.json');
        writeFileSync(file, 'previous');
        chmodSync(file, mode);
        expect(check([option, 'kept-mode.json', 'privileged.yaml']).status).toBe(option === '--output' ? 1 : 0);
        expect(readFileSync(file, 'utf8')).not.toBe('previous');
        expect({ option, mode: (statSync(file).mode % 0o1000).toString(8) }).toEqual({ option, mode: mode.toString(8) });
        rmSync(file);
      }
    }
  });

  test('Ctrl-C (SIGINT) or SIGTERM while the report is written stops the run as the signal does (130, 143 to a shell), the previous report kept and no temp file left', async () => {
    // A report of tens of megabytes: its writing takes long enough to be stopped halfway.
    const many = Array.from({ length: 3000 }, (_, i) => POD.replace('name: plain', `name: plain-${i}`)).join('---\n');
    const folder = mkdtempSync(join(tmpdir(), 'hardpod-cli-signal-'));
    writeFileSync(join(folder, 'many.yaml'), many);
    try {
      for (const signal of ['SIGINT', 'SIGTERM'] as const) {
        writeFileSync(join(folder, 'report.json'), 'previous');
        const stopped = await new Promise<{ code: number | null; stoppedBy: NodeJS.Signals | null; stderr: string; sent: boolean }>((resolve) => {
          const child = spawn(process.execPath, [cliMainPath(), 'check', '--format', 'json', '--output', 'report.json', 'many.yaml'], { cwd: folder, env: { ...process.env, NO_COLOR: '1' } });
          let stderr = '';
          let sent = false;
          child.stderr.on('data', (data: Buffer) => { stderr += data.toString(); });
          // The signal goes as soon as the temp file of the report appears.
          const watcher = watch(folder, (_, name) => {
            if (sent || !name?.endsWith('.tmp')) return;
            sent = true;
            child.kill(signal);
          });
          child.on('close', (code, received) => {
            watcher.close();
            resolve({ code, stoppedBy: received, stderr, sent });
          });
        });
        expect(stopped).toEqual({ code: null, stoppedBy: signal, stderr: '', sent: true });
        expect(readFileSync(join(folder, 'report.json'), 'utf8')).toBe('previous');
        expect(readdirSync(folder).sort()).toEqual(['many.yaml', 'report.json']);
      }
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  test('a report that cannot be written (a full disk) is exit 2 with the reason, not a pass', () => {
    const run = spawnSync('bash', ['-c', `"${process.execPath}" "${cliMainPath()}" check hardened.yaml > /dev/full`], { cwd: dir, encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toBe('hardpod: cannot write to standard output (ENOSPC)\n');
  });

  test('a report cut short by a full disk or a file size limit is never put in place: exit 2, the previous file kept', () => {
    writeFileSync(join(dir, 'limited.json'), 'previous');
    // `ulimit -f 4`: 4 KiB, a part of the report; the write past it is short, and the next one fails.
    const run = spawnSync('bash', ['-c', `ulimit -f 4; exec "${process.execPath}" "${cliMainPath()}" check --format json --output limited.json pod.yaml`], { cwd: dir, encoding: 'utf8' });
    expect(check(['--format', 'json', 'pod.yaml']).stdout.length).toBeGreaterThan(4096);
    expectUsageError({ status: run.status, stdout: run.stdout, stderr: run.stderr }, /^hardpod check: error: limited\.json: cannot write the file: larger than this process may write \(ulimit -f\)\n$/);
    expect(readFileSync(join(dir, 'limited.json'), 'utf8')).toBe('previous');
    expect(readdirSync(dir).filter((name) => name.includes('limited'))).toEqual(['limited.json']);
  });

  test('--output writes the report atomically and prints nothing', () => {
    const out = join(dir, 'reports');
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'report.sarif'), 'previous');
    const result = check(['--format', 'sarif', '--output', join('reports', 'report.sarif'), 'privileged.yaml']);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(JSON.parse(readFileSync(join(out, 'report.sarif'), 'utf8')).version).toBe('2.1.0');
    expect(readdirSync(out)).toEqual(['report.sarif']);
    expectUsageError(check(['--output', join('no-such-dir', 'r.txt'), 'pod.yaml']), /no-such-dir\/r\.txt: cannot write the file/);
  });

  test('SARIF fingerprints follow a container by name: a sidecar added before it keeps its alerts on it', () => {
    const withSidecar = PRIVILEGED_APP.replace('      containers:\n', '      containers:\n      - name: proxy\n        image: envoyproxy/envoy:v1.31.0\n');
    expect(withSidecar).not.toBe(PRIVILEGED_APP);
    writeFileSync(join(dir, 'with-sidecar.yaml'), withSidecar);
    const fingerprints = (file: string): Map<string, string> => {
      const log = JSON.parse(check(['--format', 'sarif', file]).stdout);
      expect(sarifValidator()(log)).toBe(true);
      const byFinding = new Map<string, string>();
      for (const result of log.runs[0].results) byFinding.set(`${result.ruleId} ${result.message.text}`, result.partialFingerprints['hardpodFinding/v1']);
      return byFinding;
    };
    const before = fingerprints('privileged.yaml');
    const after = fingerprints('with-sidecar.yaml');
    const appPrivileged = [...before.keys()].find((key) => key.startsWith('privileged ') && key.includes('"app"'))!;
    expect(appPrivileged).toBeDefined();
    expect(after.get(appPrivileged)).toBe(before.get(appPrivileged));
    // The sidecar's findings are new alerts: none takes over a fingerprint of the app container's.
    const proxyFingerprints = [...after].filter(([key]) => key.includes('"proxy"')).map(([, fingerprint]) => fingerprint);
    expect(proxyFingerprints.length).toBeGreaterThan(0);
    for (const fingerprint of proxyFingerprints) expect([...before.values()]).not.toContain(fingerprint);
  });

  test('--output /dev/stdout writes the report to standard output, a pipe or socket', () => {
    const result = check(['--format', 'json', '--output', '/dev/stdout', 'privileged.yaml']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(1);
    expect(JSON.parse(result.stdout).result).toBe('fail');
  });

  test('--output - writes the report to standard output, as - reads standard input, not to a file named -', () => {
    const result = check(['--format', 'json', '--output', '-', '-'], { input: PRIVILEGED_APP });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(1);
    expect(JSON.parse(result.stdout).findings.map((f: { file: string }) => f.file)).toEqual(['<stdin>']);
    expect(readdirSync(dir)).not.toContain('-');
  });
});

describe('hardpod check adoption', () => {
  test('a run that writes the baseline reports its findings as baselined, as the next check with it will, not a FAIL line with exit 0', () => {
    const written = check(['--write-baseline', 'report-baseline.json', 'privileged.yaml']);
    expect(written.status).toBe(0);
    expect(written.stdout).toMatch(/\(\d+ baselined\)\nPASS: no blocking findings/);
    expect(written.stdout).toBe(check(['--baseline', 'report-baseline.json', 'privileged.yaml']).stdout);
  });

  test('refreshing a baseline from part of the input says how many entries it drops that the run did not judge', () => {
    expect(check(['--write-baseline', 'partial.json', 'privileged.yaml', 'pod.yaml']).status).toBe(0);
    const refreshed = check(['--baseline', 'partial.json', '--write-baseline', 'partial.json', 'privileged.yaml']);
    expect(refreshed.status).toBe(0);
    expect(refreshed.stderr).toMatch(/^hardpod check: note: \d+ entr(y|ies) of the previous partial\.json \(such as [a-z-]+ on Pod [^)]*\) judged objects this run did not check/m);
    // A refresh over the same input drops nothing it did not judge.
    expect(check(['--baseline', 'partial.json', '--write-baseline', 'partial.json', 'privileged.yaml']).stderr).not.toMatch(/note:/);
  });
  test('baseline round trip: known findings pass, a new one fails', () => {
    const written = check(['--write-baseline', 'baseline.json', 'pod.yaml']);
    expect(written.status).toBe(0);
    expect(written.stderr).toMatch(/wrote \d+ findings to baseline\.json/);
    const baseline = JSON.parse(readFileSync(join(dir, 'baseline.json'), 'utf8'));
    expect(baseline.version).toBe(5);
    expect(baseline.findings.length).toBeGreaterThan(3);

    const again = check(['--baseline', 'baseline.json', '--format', 'json', 'pod.yaml']);
    expect(again.status).toBe(0);
    const report = JSON.parse(again.stdout);
    expect(report.findings.every((f: { baselined: boolean }) => f.baselined)).toBe(true);
    // Baselined counts the findings it keeps from blocking: fail and error, not unknown.
    expect(report.summary.baselined).toBe(report.summary.fail + report.summary.error);
    expect(report.summary.baselined).toBeGreaterThan(0);

    writeFileSync(join(dir, 'pod-worse.yaml'), `${POD}    securityContext:\n      privileged: true\n`);
    const worse = check(['--baseline', 'baseline.json', '--format', 'json', 'pod-worse.yaml']);
    expect(worse.status).toBe(1);
    const blocking = JSON.parse(worse.stdout).findings.filter((f: { blocking: boolean }) => f.blocking);
    expect(blocking.map((f: { rule: string }) => f.rule)).toEqual(['privileged']);
  });

  test('a new object with another generateName is new to the baseline, and is labelled by its generateName', () => {
    const job = (generateName: string): string => `apiVersion: batch/v1\nkind: Job\nmetadata: {generateName: ${generateName}}\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n      - {name: a, image: b, securityContext: {privileged: true}}\n`;
    writeFileSync(join(dir, 'gen-migrate.yaml'), job('migrate-'));
    writeFileSync(join(dir, 'gen-new.yaml'), job('brand-new-'));
    expect(check(['--level', 'baseline', '--write-baseline', 'gen-baseline.json', 'gen-migrate.yaml']).status).toBe(0);
    const result = check(['--level', 'baseline', '--baseline', 'gen-baseline.json', 'gen-migrate.yaml', 'gen-new.yaml']);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('NOTE Job migrate-* (generateName)  gen-migrate.yaml:1');
    expect(result.stdout).toContain('FAIL Job brand-new-* (generateName)  gen-new.yaml:1');
  });

  test('a baseline survives reordered containers, and an entry whose finding was fixed is reported as stale', () => {
    const containers = (...names: string[]): string => names.map((n) => `  - name: ${n}\n    image: nginx\n`).join('');
    const pod = (...names: string[]): string => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: two\n  namespace: shop\nspec:\n  containers:\n${containers(...names)}`;
    writeFileSync(join(dir, 'two.yaml'), pod('app', 'sidecar'));
    expect(check(['--write-baseline', 'two-baseline.json', 'two.yaml']).status).toBe(0);
    writeFileSync(join(dir, 'two.yaml'), pod('sidecar', 'app'));
    const reordered = check(['--baseline', 'two-baseline.json', 'two.yaml']);
    expect(reordered.status).toBe(0);
    expect(reordered.stdout).not.toContain('Stale baseline');
    writeFileSync(join(dir, 'two.yaml'), pod('app'));
    const fixed = check(['--baseline', 'two-baseline.json', 'two.yaml']);
    expect(fixed.status).toBe(0);
    expect(fixed.stdout).toMatch(/Stale baseline: \d+ entries match no finding any more \(fixed\); write the baseline again/);
    expect(fixed.stdout).toContain('containers[name="sidecar"]');
    expect(JSON.parse(check(['--baseline', 'two-baseline.json', '--format', 'json', 'two.yaml']).stdout).staleBaseline.length).toBeGreaterThan(0);
  });

  test('entries of an object no longer in the input are counted in every format without changing the exit code, and a rewrite drops them', () => {
    const pod = (name: string): string => `apiVersion: v1\nkind: Pod\nmetadata: {name: ${name}, namespace: shop}\nspec:\n  containers:\n  - {name: app, image: nginx, securityContext: {privileged: true}}\n`;
    for (const name of ['kept', 'gone', 'third']) writeFileSync(join(dir, `unmatched-${name}.yaml`), pod(name));
    const all = ['unmatched-kept.yaml', 'unmatched-gone.yaml', 'unmatched-third.yaml'];
    expect(check(['--level', 'baseline', '--write-baseline', 'unmatched.json', ...all]).status).toBe(0);
    const before = JSON.parse(readFileSync(join(dir, 'unmatched.json'), 'utf8')).findings;
    expect(before).toHaveLength(3);
    const kept = ['--level', 'baseline', '--baseline', 'unmatched.json', 'unmatched-kept.yaml', 'unmatched-third.yaml'];
    const text = check(kept);
    expect(text.status).toBe(0);
    expect(text.stdout).toContain('Baseline: 1 entry matched no finding: 1 of an object not in this input or a rule this run did not run '
      + '(deleted, or outside this run); write the baseline again from a run over every manifest, at the same level and config, to drop it.\n');
    expect(text.stdout).not.toContain('Stale baseline');
    const json = check([...kept, '--format', 'json']);
    expect(json.status).toBe(0);
    expect(JSON.parse(json.stdout).summary).toMatchObject({ baselineUnmatched: 1, baselined: 2, blocking: 0 });
    expect(JSON.parse(check(['--level', 'baseline', '--format', 'json', 'unmatched-kept.yaml']).stdout).summary.baselineUnmatched).toBe(0);
    const sarif = JSON.parse(check([...kept, '--format', 'sarif']).stdout);
    expect(sarif.runs[0].invocations[0].toolConfigurationNotifications).toEqual([
      expect.objectContaining({ descriptor: { id: 'unmatched-baseline' }, level: 'note', message: { text: expect.stringMatching(/^Baseline: 1 entry matched no finding/) } }),
    ]);
    expect(check([...kept, '--format', 'junit']).stdout).toMatch(/<testcase name="baseline entries that matched no finding" classname="hardpod\.baseline">\n {6}<skipped message="Baseline: 1 entry matched no finding/);
    // A rewrite keeps only current findings, in the file's stable order, and is the same file when nothing changed.
    const rewrite = ['--level', 'baseline', '--baseline', 'unmatched.json', '--write-baseline', 'unmatched.json', 'unmatched-kept.yaml', 'unmatched-third.yaml'];
    expect(check(rewrite).status).toBe(0);
    const written = readFileSync(join(dir, 'unmatched.json'), 'utf8');
    const after = JSON.parse(written).findings;
    expect(after).toEqual(before.filter((entry: { name: string }) => entry.name !== 'gone'));
    const fingerprints = after.map((entry: { fingerprint: string }) => entry.fingerprint);
    expect(fingerprints).toEqual([...fingerprints].sort());
    expect(check(rewrite).status).toBe(0);
    expect(readFileSync(join(dir, 'unmatched.json'), 'utf8')).toBe(written);
    expect(check(kept).stdout).not.toContain('matched no finding');
  });

  test('moving the edition past the one a baseline was written under says which new findings come from newer rules, and how to accept them', () => {
    writeFileSync(join(dir, 'sa.yaml'), 'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: sa, namespace: shop}\nautomountServiceAccountToken: "no"\n');
    writeFileSync(join(dir, 'edition-1.yaml'), 'edition: 1\n');
    writeFileSync(join(dir, 'edition-2.yaml'), 'edition: 2\n');
    expect(check(['--config', 'edition-1.yaml', '--write-baseline', 'edition-baseline.json', 'sa.yaml', 'pod.yaml']).status).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'edition-baseline.json'), 'utf8')).edition).toBe(1);
    const moved = check(['--config', 'edition-2.yaml', '--baseline', 'edition-baseline.json', 'sa.yaml', 'pod.yaml']);
    expect(moved.status).toBe(1);
    expect(moved.stderr).toBe(
      'hardpod check: note: edition-baseline.json was written under rule-set edition 1; 1 new finding comes from rules added since (well-formed-objects): '
      + 'fix it, or accept it by writing the baseline again (--baseline edition-baseline.json --write-baseline edition-baseline.json)\n',
    );
    // Under the edition it was written for, nothing to say.
    expect(check(['--config', 'edition-1.yaml', '--baseline', 'edition-baseline.json', 'sa.yaml', 'pod.yaml']).stderr).toBe('');
  });

  test('a Knative Service is known by its group, apart from the core Service of its name, and findings an earlier baseline gave it the core identity are new, with a note', () => {
    writeFileSync(join(dir, 'knative.yaml'), [
      'apiVersion: serving.knative.dev/v1',
      'kind: Service',
      'metadata: {name: web, namespace: shop}',
      'spec:',
      '  template:',
      '    spec:',
      '      containers:',
      '      - {name: app, image: nginx, securityContext: {privileged: true}}',
      '---',
      'apiVersion: v1',
      'kind: Service',
      'metadata: {name: web, namespace: shop}',
      'spec:',
      '  ports: [{port: 80}]',
      '',
    ].join('\n'));
    const result = check(['--level', 'baseline', '--format', 'json', 'knative.yaml']);
    expect(result.status).toBe(1);
    const json = JSON.parse(result.stdout);
    expect(json.findings.map((f: { kind: string; group: string | null }) => [f.kind, f.group])).toEqual([['Service', 'serving.knative.dev']]);
    expect(check(['--level', 'baseline', 'knative.yaml']).stdout).toContain('FAIL Service.serving.knative.dev shop/web  knative.yaml:1');
    // The entry version 4 wrote for it: the identity of the core Service.
    const path = 'spec.template.spec.containers[name="app"].securityContext.privileged';
    const entry = { fingerprint: fingerprintOf({ rule: 'privileged', kind: 'Service', namespace: 'shop', name: 'web', path }), rule: 'privileged', kind: 'Service', namespace: 'shop', name: 'web', path };
    writeFileSync(join(dir, 'knative-v4.json'), JSON.stringify({ version: 4, edition: 2, findings: [entry] }));
    const old = check(['--level', 'baseline', '--baseline', 'knative-v4.json', 'knative.yaml']);
    expect(old.status).toBe(1);
    expect(old.stderr).toBe('hardpod check: note: knative-v4.json was written before hardpod told objects of another API group from the Kubernetes kind of their name; '
      + '1 finding of such objects (such as privileged on Service.serving.knative.dev shop/web) is new to it: fix it, or accept it by writing the baseline again '
      + '(--baseline knative-v4.json --write-baseline knative-v4.json)\n');
    expect(check(['--level', 'baseline', '--baseline', 'knative-v4.json', '--write-baseline', 'knative-v4.json', 'knative.yaml']).status).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'knative-v4.json'), 'utf8')).findings).toEqual([expect.objectContaining({ kind: 'Service', group: 'serving.knative.dev', name: 'web' })]);
    const accepted = check(['--level', 'baseline', '--baseline', 'knative-v4.json', 'knative.yaml']);
    expect(accepted.status).toBe(0);
    expect(accepted.stderr).toBe('');
  });

  test('a config key without a value is an error naming its line, not the default', () => {
    writeFileSync(join(dir, 'no-edition.yaml'), 'level: hardened\nedition:\n');
    expectUsageError(check(['--config', 'no-edition.yaml', 'pod.yaml']), /no-edition\.yaml:2/);
  });

  test('config: level and a suppression with its reason, shown in the report', () => {
    writeFileSync(join(dir, 'hardpod.yaml'), [
      'level: baseline',
      'suppressions:',
      '  - rule: privileged',
      '    kind: Deployment',
      '    namespace: shop',
      '    name: web',
      '    reason: GPU driver installer, reviewed in SEC-42',
      '',
    ].join('\n'));
    const result = check(['--config', 'hardpod.yaml', 'privileged.yaml']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('suppressed by config: GPU driver installer, reviewed in SEC-42');
    expect(result.stdout).toContain('level baseline');
    // A flag overrides the config.
    expect(check(['--config', 'hardpod.yaml', '--level', 'restricted', 'pod.yaml']).stdout).toContain('level restricted');
  });

  test('a config suppression names a Job without a name by its generateName, as the report labels it; a name with a * is an error at its line', () => {
    writeFileSync(join(dir, 'generated-job.yaml'), 'apiVersion: batch/v1\nkind: Job\nmetadata: {generateName: migrate-, namespace: ci}\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n      - {name: a, image: b, securityContext: {privileged: true}}\n');
    const config = (name: string): string => `level: baseline\nsuppressions:\n  - rule: privileged\n    kind: Job\n    namespace: ci\n    ${name}\n    reason: loads a kernel module, SEC-9\n`;
    writeFileSync(join(dir, 'by-generate-name.yaml'), config('generateName: migrate-'));
    const result = check(['--config', 'by-generate-name.yaml', 'generated-job.yaml']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('NOTE Job ci/migrate-* (generateName)  generated-job.yaml:1');
    expect(result.stdout).toContain('suppressed by config: loads a kernel module, SEC-9');
    writeFileSync(join(dir, 'by-label.yaml'), config('name: migrate-*'));
    expectUsageError(check(['--config', 'by-label.yaml', 'generated-job.yaml']), /by-label\.yaml:6 \(suppressions\[0\]\.name\): .*write generateName: "migrate-"/);
  });

  test('a not-checked suppression acknowledges an operator object in every format, with its reason; one matching nothing is unused', () => {
    writeFileSync(join(dir, 'prometheus.yaml'), [
      'apiVersion: monitoring.coreos.com/v1',
      'kind: Prometheus',
      'metadata: {name: k8s, namespace: monitoring}',
      'spec:',
      '  replicas: 2',
      '  securityContext: {runAsNonRoot: true, runAsUser: 1000, fsGroup: 2000}',
      '  containers:',
      '  - name: config-reloader',
      '    securityContext: {allowPrivilegeEscalation: false, readOnlyRootFilesystem: true}',
      '',
    ].join('\n'));
    const reason = 'the operator\'s StatefulSet is checked from the cluster, SEC-7';
    writeFileSync(join(dir, 'not-checked.yaml'), [
      'suppressions:',
      '  - { rule: not-checked, kind: Prometheus, namespace: monitoring, name: k8s, reason: "the operator\'s StatefulSet is checked from the cluster, SEC-7" }',
      '  - { rule: not-checked, kind: Task, namespace: ci, name: build, reason: "removed pipeline" }',
      '',
    ].join('\n'));
    const args = (format: string): string[] => ['--config', 'not-checked.yaml', '--format', format, 'prometheus.yaml'];
    const text = check(args('text'));
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/\n {2}Prometheus monitoring\/k8s {2}prometheus\.yaml:1 {2}kind monitoring\.coreos\.com\/v1\/Prometheus is not a known workload kind[^\n]*\n {6}suppressed by config: the operator's StatefulSet is checked from the cluster, SEC-7\n/);
    expect(text.stdout).toContain('Unused suppression: not-checked on Task ci/build matched no object hardpod could not check; remove it from the config.');

    const json = JSON.parse(check(args('json')).stdout);
    expect(json.result).toBe('pass');
    expect(json.notChecked).toEqual([expect.objectContaining({ kind: 'Prometheus', name: 'k8s', line: 1, suppression: { rule: 'not-checked', reason, source: 'config' } })]);
    expect(json.unusedSuppressions).toEqual([{ rule: 'not-checked', kind: 'Task', namespace: 'ci', name: 'build', reason: 'removed pipeline', source: 'config' }]);

    const sarif = JSON.parse(check(args('sarif')).stdout);
    expect(sarifValidator()(sarif)).toBe(true);
    const [result] = sarif.runs[0].results;
    expect(result).toMatchObject({ ruleId: 'not-checked', level: 'warning', suppressions: [{ kind: 'external', status: 'accepted', justification: reason }] });
    expect(sarif.runs[0].invocations[0].toolConfigurationNotifications.map((n: { descriptor: { id: string } }) => n.descriptor.id)).toEqual(['unused-suppression']);

    const junit = parseXml(check(args('junit')).stdout);
    const skipped = Array.from(junit.getElementsByTagName('skipped')).map((s) => s.getAttribute('message'));
    expect(skipped[0]).toMatch(/^suppressed \(the operator's StatefulSet is checked from the cluster, SEC-7\): not checked: kind monitoring\.coreos\.com\/v1\/Prometheus/);
    expect(skipped[1]).toContain('Unused suppression: not-checked on Task ci/build');
    expect(junit.documentElement!.getAttribute('failures')).toBe('0');

    const controls = JSON.parse(check(args('controls-json')).stdout);
    const privileged = controls.controls.find((c: { id: string; framework: string }) => c.framework === 'CIS Kubernetes Benchmark' && c.id === '5.2.2');
    expect(privileged.status).toBe('waived');
    expect(privileged.objects).toEqual([expect.objectContaining({ kind: 'Prometheus', verdict: 'waived', rules: ['not-checked'], suppressions: [{ rule: 'not-checked', reason, source: 'config' }] })]);
    const controlsText = check(args('controls'));
    expect(controlsText.status).toBe(0);
    expect(controlsText.stdout).toMatch(/ 5\.2\.2 {2}WAIVED[^\n]*\n {4}waived {9}Prometheus monitoring\/k8s {2}prometheus\.yaml:1 {2}\[not-checked\]\n {19}not-checked suppressed by config: the operator's StatefulSet/);
    expect(controlsText.stdout).not.toMatch(/not-checked {5}Prometheus/);

    // The same object annotated instead.
    writeFileSync(join(dir, 'prometheus-annotated.yaml'), readFileSync(join(dir, 'prometheus.yaml'), 'utf8')
      .replace('metadata: {name: k8s, namespace: monitoring}', `metadata:\n  name: k8s\n  namespace: monitoring\n  annotations: {hardpod.dev/suppress.not-checked: "${reason}"}`));
    const annotated = JSON.parse(check(['--format', 'json', 'prometheus-annotated.yaml']).stdout);
    expect(annotated.notChecked[0].suppression).toEqual({ rule: 'not-checked', reason, source: 'annotation' });
    expect(annotated.unusedSuppressions).toEqual([]);
  });
});

describe('hardpod', () => {
  test('--help lists the commands; check --help its options; --version the package version', () => {
    const help = runHardpod(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/check .*\n.*rules /);
    const checkHelp = runHardpod(['check', '--help']);
    expect(checkHelp.status).toBe(0);
    for (const flag of ['--level', '--k8s-version', '--format', '--output', '--config', '--baseline', '--write-baseline']) expect(checkHelp.stdout).toContain(flag);
    // `help COMMAND` is the command's help, as in git and kubectl.
    expect(runHardpod(['help', 'check'])).toEqual(checkHelp);
    expect(runHardpod(['help', 'chek']).stderr).toMatch(/^hardpod: unknown command "chek" \(did you mean "check"\?\)/);
    const version = runHardpod(['--version']);
    expect(version.stdout.trim()).toBe(JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')).version);
  });

  test('after --, every argument is a path, also one named like an option or --help', () => {
    writeFileSync(join(dir, '--help'), PRIVILEGED_APP);
    writeFileSync(join(dir, '-h'), POD);
    const result = check(['--format', 'json', '--', '--help', '-h']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(1);
    expect([...new Set(JSON.parse(result.stdout).findings.map((f: { file: string }) => f.file))]).toEqual(['--help', '-h']);
  });

  test('no command or an unknown one is a usage error', () => {
    expect(runHardpod([]).status).toBe(2);
    const unknown = runHardpod(['chek']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/^hardpod: unknown command "chek" \(did you mean "check"\?\)\n\nUsage: hardpod <command>/);
    expect(unknown.stdout).toBe('');
  });

  test('rules takes no paths: one given is a usage error pointing at check, not ignored', () => {
    expectUsageError(runHardpod(['rules', '--level', 'hardened', 'k8s/']), /^hardpod rules: error: takes no arguments, got "k8s\/" \(to check files: hardpod check k8s\/\)\n$/);
  });

  test('rules lists the catalogue with level, severity and controls', () => {
    const text = runHardpod(['rules']);
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/privileged +baseline +critical/);
    const all = JSON.parse(runHardpod(['rules', '--format', 'json']).stdout);
    const baseline = JSON.parse(runHardpod(['rules', '--level', 'baseline', '--format', 'json']).stdout);
    expect(all.schemaVersion).toBe('1');
    expect(all.rules.map((r: { id: string }) => r.id)).toEqual(RULES.map((r) => r.id));
    expect(baseline.rules.length).toBeLessThan(all.rules.length);
    expect(baseline.rules.every((r: { level: string }) => r.level === 'baseline')).toBe(true);
    expect(all.rules.find((r: { id: string }) => r.id === 'privileged').controls)
      .toContainEqual({ framework: 'CIS Kubernetes Benchmark', edition: 'v1.10', id: '5.2.2', interpretation: false, field: null });
  });

  test('rules --format json carries what RULES.md shows: kinds, version changes, settings and which mappings are interpretations', () => {
    const { rules } = JSON.parse(runHardpod(['rules', '--format', 'json']).stdout);
    const byId = new Map<string, Record<string, unknown>>(rules.map((r: { id: string }) => [r.id, r]));
    expect(byId.get('run-as-non-root')).toMatchObject({
      kinds: null,
      since: null,
      changes: [{ version: '1.35', note: expect.stringContaining('hostUsers: false') }],
      settings: [],
    });
    expect(byId.get('rbac-no-wildcards')).toMatchObject({ scope: 'object', kinds: ['Role', 'ClusterRole'] });
    expect(byId.get('allowed-registries')).toMatchObject({ settings: ['hardened.allowedRegistries'], admission: { emitted: true } });
    expect(byId.get('rbac-no-wildcards')).toMatchObject({ admission: { emitted: true } });
    expect(byId.get('network-policy')).toMatchObject({ admission: { emitted: false, reason: expect.stringMatching(/reads the NetworkPolicies of the namespace/) } });
    expect(byId.get('privileged')).toMatchObject({ admission: { emitted: false, reason: expect.stringMatching(/^Pod Security admission enforces/) } });
    expect(byId.get('host-namespaces')!.controls).toContainEqual(expect.objectContaining({ id: '5.2.5', field: 'hostNetwork' }));
    expect((byId.get('run-as-non-root')!.controls as { framework: string; interpretation: boolean }[])
      .filter((c) => c.framework === 'NIST SP 800-190').every((c) => c.interpretation)).toBe(true);
  });
});
