/**
 * `hardpod check` over 5,000 Deployments as a whole process, against a process that only parses the
 * same file with js-yaml: the floor any YAML-reading checker pays. Both run interleaved in the same
 * rounds. The CLI is the compiled bin (`npx tsc --build` first). Two inputs are measured:
 * - all-violating (2.9 MB): every Deployment violates some hardened rule (60,000 findings, 45,000
 *   blocking; no Namespaces, NetworkPolicies or ServiceAccounts, so the cross-object rules say unknown);
 * - mixed (5.3 MB): 80% of the Deployments pass every hardened rule and come with their ServiceAccount,
 *   plus each team's labelled Namespace and default-deny NetworkPolicy; the other 20% as above
 *   (about 9,700 findings), as in the CI of a team that has adopted hardpod.
 * For each input the same CLI also runs with every rule disabled (a config file), against the same
 * floor: what reading, extracting and reporting cost without any rule, so that the rules' own share
 * of the ratio is visible; and without the CLI's V8 settings (src/cli/v8-tuning.ts), to show their
 * share; and reading and evaluating alone, without field lines or a report, to show the report's
 * share. hardpod's loader alone (values and line index, as `check` reads) runs against the same
 * floor: reading must cost no more than the js-yaml parse. Then the mixed input as one List in JSON
 * (`kubectl get -A -o json`) runs against js-yaml parsing that file. Last, a check of one chart with a
 * team's config file runs against the same check without it: what reading the config costs.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAll } from 'js-yaml';
import { ratioAgainstFloor, report } from './measure';
import { CLI_V8_FLAGS } from '../src/cli/v8-tuning';
import { NEWEST_EDITION, RULES } from '../src/rules/catalogue';

const DEPLOYMENTS = 5000;
const REPO = join(__dirname, '..');
const MAIN = join(REPO, 'lib', 'cli', 'main.js');
const LOADER = join(REPO, 'lib', 'loader', 'index.js');
const EVALUATE = join(REPO, 'lib', 'engine', 'evaluate.js');

/** Deterministic pseudo-random numbers, so every run checks the same file. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 0x80000000;
    return state / 0x7fffffff;
  };
}

const TEAMS = ['payments', 'search', 'catalog', 'checkout', 'identity', 'media', 'ledger', 'notify'];
const PINNED_IMAGE = 'registry.example.com/shop/web@sha256:9f2b1c3d4e5f60718293a4b5c6d7e8f90123456789abcdef0123456789abcdef';

export interface DeploymentsOptions {
  /**
   * Share of Deployments that pass every hardened rule, as in the CI of a team that has adopted
   * hardpod: each comes with its ServiceAccount, and the input starts with every team's Namespace
   * (Pod Security labels) and default-deny NetworkPolicy. The other Deployments are the varied ones below.
   * @default 0 (every Deployment violates some rule; no companion objects)
   */
  readonly compliantShare?: number;
}

/**
 * Realistic, varied Deployments: `helm template` style comments, one to three containers, some init
 * containers, env, ports, resources and probes on some, security contexts from none to fully hardened,
 * block and flow style mixed. With `compliantShare`, that share is replaced by fully compliant ones.
 */
export function deploymentsYaml(count: number, options: DeploymentsOptions = {}): string {
  const next = random(42);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
  const teams = TEAMS;
  const images = ['nginx:1.27', 'ghcr.io/acme/api:2.4.1', PINNED_IMAGE, 'redis:7', 'quay.io/acme/worker:v3'];
  // A stream of its own, so the default variant stays byte for byte what it always was.
  const nextCompliant = random(7);
  const compliantShare = options.compliantShare ?? 0;
  const docs: string[] = compliantShare > 0 ? TEAMS.map(teamCompanions) : [];
  for (let i = 0; i < count; i++) {
    const team = pick(teams);
    const name = `${team}-${i}`;
    if (compliantShare > 0 && nextCompliant() < compliantShare) {
      docs.push(compliantDeployment(team, name));
      continue;
    }
    const hardened = next() < 0.25;
    const lines: string[] = [
      '---',
      `# Source: ${team}/templates/deployment.yaml`,
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      `  name: ${name}`,
      `  namespace: ${team}`,
      'spec:',
      `  replicas: ${1 + Math.floor(next() * 5)}`,
      '  selector:',
      `    matchLabels: {app: ${name}}`,
      '  template:',
      '    metadata:',
      `      labels: {app: ${name}}`,
      '    spec:',
    ];
    if (hardened) {
      lines.push(`      serviceAccountName: ${name}`, '      automountServiceAccountToken: false', '      securityContext: {runAsNonRoot: true, runAsUser: 10001, seccompProfile: {type: RuntimeDefault}}');
    } else if (next() < 0.3) {
      lines.push('      hostNetwork: true');
    }
    if (next() < 0.1) {
      lines.push('      initContainers:', '      - name: migrate', `        image: ${pick(images)}`, '        command: ["/bin/migrate", "--up"]');
    }
    lines.push('      containers:');
    const containers = next() < 0.1 ? 2 : 1;
    for (let c = 0; c < containers; c++) {
      lines.push(`      - name: ${c === 0 ? 'app' : `sidecar-${c}`}`, `        image: ${pick(images)}`);
      if (next() < 0.4) lines.push('        ports:', `        - containerPort: ${8000 + c}`);
      if (next() < 0.2) lines.push('        env:', '        - name: LOG_LEVEL', '          value: info');
      if (hardened || next() < 0.2) lines.push('        resources:', '          requests: {cpu: 100m, memory: 128Mi}', '          limits: {memory: 256Mi}');
      if (hardened || next() < 0.2) lines.push(`        readinessProbe: {httpGet: {path: /ready, port: ${8000 + c}}}`, `        livenessProbe: {httpGet: {path: /live, port: ${8000 + c}}}`);
      if (hardened) {
        lines.push('        securityContext:', '          allowPrivilegeEscalation: false', '          readOnlyRootFilesystem: true', '          capabilities: {drop: [ALL]}');
      } else if (next() < 0.2) {
        lines.push('        securityContext:', '          privileged: true');
      }
    }
    docs.push(lines.join('\n'));
  }
  return `${docs.join('\n')}\n`;
}

/** A team's Namespace with Pod Security labels and its default-deny NetworkPolicy. */
function teamCompanions(team: string): string {
  return [
    '---', 'apiVersion: v1', 'kind: Namespace', 'metadata:', `  name: ${team}`, '  labels:',
    '    pod-security.kubernetes.io/enforce: restricted', '    pod-security.kubernetes.io/warn: restricted', '    pod-security.kubernetes.io/audit: restricted',
    '---', 'apiVersion: networking.k8s.io/v1', 'kind: NetworkPolicy', 'metadata:', '  name: default-deny', `  namespace: ${team}`,
    'spec:', '  podSelector: {}', '  policyTypes: [Ingress, Egress]',
  ].join('\n');
}

/** A Deployment that passes every hardened rule, with its ServiceAccount. */
function compliantDeployment(team: string, name: string): string {
  return [
    '---', `# Source: ${team}/templates/serviceaccount.yaml`, 'apiVersion: v1', 'kind: ServiceAccount', 'metadata:', `  name: ${name}`, `  namespace: ${team}`,
    'automountServiceAccountToken: false',
    '---', `# Source: ${team}/templates/deployment.yaml`, 'apiVersion: apps/v1', 'kind: Deployment', 'metadata:', `  name: ${name}`, `  namespace: ${team}`,
    'spec:', '  replicas: 2', '  selector:', `    matchLabels: {app: ${name}}`, '  template:', '    metadata:', `      labels: {app: ${name}}`, '    spec:',
    `      serviceAccountName: ${name}`, '      automountServiceAccountToken: false',
    '      securityContext: {runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, seccompProfile: {type: RuntimeDefault}}',
    '      containers:', '      - name: app', `        image: ${PINNED_IMAGE}`, '        ports:', '        - containerPort: 8080',
    '        resources:', '          requests: {cpu: 100m, memory: 128Mi}', '          limits: {cpu: 500m, memory: 256Mi}',
    '        readinessProbe: {httpGet: {path: /ready, port: 8080}}', '        livenessProbe: {httpGet: {path: /live, port: 8080}}',
    '        securityContext:', '          allowPrivilegeEscalation: false', '          readOnlyRootFilesystem: true', '          capabilities: {drop: [ALL]}',
  ].join('\n');
}

function main(): void {
  // Compile the bin as users run it; errors elsewhere in the tree do not stop the emit.
  spawnSync('npx', ['tsc', '--build'], { cwd: REPO, stdio: 'inherit' });
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing after npx tsc --build`);

  const dir = mkdtempSync(join(tmpdir(), 'hardpod-bench-'));
  try {
    // Every Deployment violating something (the worst case: 60,000 findings, 12 MB of report), and
    // the mix a team's CI sees once it has adopted hardpod: 80% compliant with their companions.
    measure(dir, 'all-violating', 'check 5000 Deployments vs js-yaml parse (whole process)', {});
    measure(dir, 'mixed', 'check 5000 Deployments, 80% compliant, vs js-yaml parse (whole process)', { compliantShare: 0.8 });
    measureList(dir);
    measureConfig(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The mixed input as one List in JSON, as `kubectl get -A -o json` writes it (four-space indent):
 * one document of 9,000 items, whose field lines come from the JSON outline, not the block index.
 */
function measureList(dir: string): void {
  const file = join(dir, 'list.json');
  const items = loadAll(deploymentsYaml(DEPLOYMENTS, { compliantShare: 0.8 })).filter((item) => item !== null);
  writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' }, items }, null, 4));
  const megabytes = statSync(file).size / 1024 / 1024;
  const check = (): void => {
    const run = spawnSync(process.execPath, [MAIN, 'check', file], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    if (run.status !== 1) throw new Error(`hardpod check exited ${run.status}: ${run.stderr}`);
  };
  const floor = (): void => {
    execFileSync(process.execPath, ['-e', `require('js-yaml').loadAll(require('fs').readFileSync(${JSON.stringify(file)}, 'utf8'))`], { cwd: REPO, stdio: 'ignore' });
  };
  const { ratio, subjectMs, floorMs } = ratioAgainstFloor(check, floor, 7);
  console.log(`list: ${megabytes.toFixed(2)} MB; hardpod check ${subjectMs.toFixed(0)} ms, js-yaml parse ${floorMs.toFixed(0)} ms (median, whole processes)`);
  report('check the mixed input as a kubectl get -o json List vs js-yaml parse (whole process)', ratio, 1.5, `${items.length} items, ${Math.round(items.length / (subjectMs / 1000))} objects/s`);
}

/**
 * A team's config in block style: an override, two suppressions and namespaces the platform owns.
 * Each setting leaves the findings of the input as they are (its Namespaces come with it), so that
 * only reading and applying the config differ.
 */
const TEAM_CONFIG = [
  '# hardpod settings of the payments team',
  'level: hardened',
  `edition: ${NEWEST_EDITION}`,
  'rules:',
  '  probes: { severity: medium }',
  'suppressions:',
  '  - { rule: resources, kind: Deployment, namespace: payments, name: payments-0, reason: "sized by the autoscaler; PAY-12" }',
  '  - rule: network-policy',
  '    kind: Deployment',
  '    namespace: search',
  '    name: search-0',
  "    reason: the mesh's policy covers it",
  'cluster:',
  '  namespaces:',
  ...['platform', 'monitoring', 'ingress', 'cert-manager'].flatMap((name) => [`    - name: ${name}`, '      labels:', '        pod-security.kubernetes.io/enforce: restricted']),
].join('\n');

/**
 * What a config file adds to a check of one chart (40 Deployments, as the mixed input): the same
 * check with and without `--config`, in interleaved rounds. Reading, validating and applying the
 * settings should cost a few percent at most.
 */
function measureConfig(dir: string): void {
  const file = join(dir, 'chart.yaml');
  writeFileSync(file, deploymentsYaml(40, { compliantShare: 0.8 }));
  const configFile = join(dir, 'hardpod.config.yaml');
  writeFileSync(configFile, `${TEAM_CONFIG}\n`);
  const check = (args: readonly string[]) => (): void => {
    const run = spawnSync(process.execPath, [MAIN, 'check', ...args, file], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    if (run.status !== 0 && run.status !== 1) throw new Error(`hardpod check ${args.join(' ')} exited ${run.status}: ${run.stderr}`);
  };
  const { ratio, subjectMs, floorMs } = ratioAgainstFloor(check(['--config', configFile]), check([]), 15);
  console.log(`config: hardpod check of 40 Deployments ${subjectMs.toFixed(0)} ms with a config file, ${floorMs.toFixed(0)} ms without (median, whole processes)`);
  report('check one chart with a config file vs without (whole process)', ratio, 1.05, `about ${((ratio - 1) * floorMs).toFixed(0)} ms for the config`);
}

function measure(dir: string, variant: string, name: string, options: DeploymentsOptions): void {
  const file = join(dir, `${variant}.yaml`);
  writeFileSync(file, deploymentsYaml(DEPLOYMENTS, options));
  const megabytes = statSync(file).size / 1024 / 1024;
  const noRules = join(dir, 'no-rules.json');
  writeFileSync(noRules, JSON.stringify({ rules: Object.fromEntries(RULES.map((rule) => [rule.id, { enabled: false }])) }));

  // Exit 1 (findings) is the expected outcome with rules, 0 without; anything else fails the benchmark.
  const check = (args: readonly string[], expectedStatus: number, nodeFlags: readonly string[] = []): void => {
    const run = spawnSync(process.execPath, [...nodeFlags, MAIN, 'check', ...args, file], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    if (run.status !== expectedStatus) throw new Error(`hardpod check ${args.join(' ')} exited ${run.status}: ${run.stderr}`);
  };
  const subject = (): void => check([], 1);
  const floor = (): void => {
    execFileSync(process.execPath, ['-e', `require('js-yaml').loadAll(require('fs').readFileSync(${JSON.stringify(file)}, 'utf8'))`], { cwd: REPO, stdio: 'ignore' });
  };
  const { ratio, subjectMs, floorMs } = ratioAgainstFloor(subject, floor, 7);
  const withoutRules = ratioAgainstFloor(() => check(['--config', noRules], 0), floor, 7);
  // The user's own V8 flags win over the CLI's (src/cli/v8-tuning.ts): this is the CLI without them.
  const untuned = ratioAgainstFloor(() => check([], 1, ['--turbo-inlining']), floor, 7);
  const reading = ratioAgainstFloor(() => {
    execFileSync(process.execPath, ['-e', `require(${JSON.stringify(LOADER)}).readManifests([${JSON.stringify(file)}])`], { cwd: REPO, stdio: 'ignore' });
  }, floor, 7);
  // The report's share: the same reading and evaluation, with the CLI's V8 settings, in a process
  // that neither looks up field lines nor writes a report.
  const withoutReport = ratioAgainstFloor(() => {
    const script = `require(${JSON.stringify(EVALUATE)}).evaluate(require(${JSON.stringify(LOADER)}).readManifests([${JSON.stringify(file)}]).objects, {})`;
    execFileSync(process.execPath, [...CLI_V8_FLAGS, '-e', script], { cwd: REPO, stdio: 'ignore' });
  }, floor, 7);
  const perSecond = Math.round(DEPLOYMENTS / (subjectMs / 1000));
  console.log(`${variant}: ${megabytes.toFixed(2)} MB; hardpod check ${subjectMs.toFixed(0)} ms, js-yaml parse ${floorMs.toFixed(0)} ms (median, whole processes)`);
  console.log(`${variant}: with every rule disabled ${withoutRules.subjectMs.toFixed(0)} ms, ${withoutRules.ratio.toFixed(2)}x the parse`);
  console.log(`${variant}: without the CLI's V8 settings ${untuned.subjectMs.toFixed(0)} ms, ${untuned.ratio.toFixed(2)}x the parse`);
  console.log(`${variant}: reading and evaluating alone (no field lines, no report) ${withoutReport.subjectMs.toFixed(0)} ms, ${withoutReport.ratio.toFixed(2)}x the parse`);
  report(name, ratio, 1.5, `${perSecond} Deployments/s; ${withoutRules.ratio.toFixed(2)}x with every rule disabled, ${untuned.ratio.toFixed(2)}x without the CLI's V8 settings, ${withoutReport.ratio.toFixed(2)}x reading and evaluating without a report`);
  report(`read ${variant} input with hardpod's loader vs js-yaml parse (whole process)`, reading.ratio, 1, `${reading.subjectMs.toFixed(0)} ms vs ${reading.floorMs.toFixed(0)} ms`);
}

if (require.main === module) main();
