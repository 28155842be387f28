import { javascript, typescript } from 'projen';
import { UpdateSnapshot } from 'projen/lib/javascript';

// Versions of the peer frameworks the adapters are built and tested against.
const CDK8S = '2.70.106';
const CONSTRUCTS = '10.8.1';
// 3.248 is the newest @pulumi/pulumi that supports Node.js 20.
const PULUMI = '3.248.0';
const PULUMI_KUBERNETES = '4.34.2';
const PULUMI_POLICY = '1.21.0';
// cdk8s-cli is pinned exactly: its validation-plugin contract is tested against this version.
const CDK8S_CLI = '2.207.60';

const project = new typescript.TypeScriptProject({
  name: 'hardpod',
  description:
    'Hardened-by-default Kubernetes workloads for cdk8s and Pulumi, with one rule engine for Pod Security Standards, CIS and NIST SP 800-190 controls at synthesis time and in CI.',
  license: 'Apache-2.0',
  copyrightOwner: 'The hardpod authors',
  defaultReleaseBranch: 'main',
  projenrcTs: true,
  packageManager: javascript.NodePackageManager.NPM,
  minNodeVersion: '20.12.0',
  typescriptVersion: '~5.9.3',
  github: false,
  release: false,
  buildWorkflow: false,
  depsUpgrade: false,
  pullRequestTemplate: false,
  sampleCode: false,
  prettier: false,
  eslint: true,
  eslintOptions: {
    dirs: ['src'],
    devdirs: ['test', 'bench', 'examples', 'scripts'],
  },
  bin: { hardpod: 'lib/cli/main.js' },
  // tar: npm's own streaming tar parser, used to read image layers without holding them in memory.
  // https-proxy-agent, http-proxy-agent: registries reached through HTTPS_PROXY / HTTP_PROXY (the
  // agents npm itself uses: CONNECT tunnels, and absolute-URL requests for plain HTTP).
  // @noble/curves: audited curve arithmetic, for the Ed25519ph signatures cosign makes with Ed25519
  // keys, which node:crypto does not verify (1.x: the last line that ships CommonJS).
  // smol-toml: the containers registries.conf (TOML) that lock and pin read; small, no dependencies,
  // and it reports the line and column of a syntax error.
  // packageurl-js: the purl specification's own parser, for the packages that VEX statements narrow
  // to (subcomponents) and scanners name; no dependencies.
  deps: [
    'yaml@^2.9.1', 'js-yaml@^4.1.0', 'kubernetes-types@^1.30.0', 'tar@^7.5.23', 'fzstd@^0.1.1', 'tldts@^7.0.0',
    'https-proxy-agent@^7.0.6', 'http-proxy-agent@^7.0.2', '@noble/curves@^1.9.6', 'smol-toml@^1.9.1',
    'packageurl-js@^2.0.1',
  ],
  peerDeps: [
    `cdk8s@^${CDK8S}`,
    `constructs@^${CONSTRUCTS}`,
    `@pulumi/pulumi@^${PULUMI}`,
    `@pulumi/kubernetes@^${PULUMI_KUBERNETES}`,
    `@pulumi/policy@^${PULUMI_POLICY}`,
  ],
  devDeps: [
    `cdk8s@${CDK8S}`,
    `constructs@${CONSTRUCTS}`,
    `@pulumi/pulumi@${PULUMI}`,
    `@pulumi/kubernetes@${PULUMI_KUBERNETES}`,
    `@pulumi/policy@${PULUMI_POLICY}`,
    `cdk8s-cli@${CDK8S_CLI}`,
    'cdk8s-plus-33@^2.5.57',
    '@types/js-yaml@^4.0.9',
    'fast-check@^4.10.2',
    'ajv@^8.20.0',
    // JUnit reports are parsed in tests with a real, strict XML parser.
    '@xmldom/xmldom@^0.9.12',
    'typedoc@^0.28.20',
    'typedoc-plugin-markdown@^4.14.1',
  ],
  tsconfig: {
    compilerOptions: {
      lib: ['es2022'],
      target: 'ES2022',
      module: 'commonjs',
      esModuleInterop: true,
      skipLibCheck: true,
      isolatedModules: false,
      // Source maps beside the output, not inside it: Node reads and scans every module it loads,
      // and inline maps (with their sources) triple what a `hardpod check` loads before its first line.
      // The .map files keep the sources (the package ships no src/); Node reads them only for --enable-source-maps.
      inlineSourceMap: false,
      inlineSources: true,
      sourceMap: true,
    },
  },
  tsconfigDev: {
    compilerOptions: {
      skipLibCheck: true,
      esModuleInterop: true,
      lib: ['es2022'],
      target: 'ES2022',
      // ts-jest transpiles each test file alone (fast); the typecheck task type-checks everything once.
      isolatedModules: true,
      // Examples that depend on the package by name (the policy pack's `file:../..`) type-check against src.
      paths: { 'hardpod': ['../src/index.ts'], 'hardpod/*': ['../src/*/index.ts'] },
    },
    // test/tsconfig.json sits in test/: these paths are relative to it.
    include: ['../bench/**/*.ts', '../examples/**/*.ts', '../scripts/**/*.ts'],
  },
  jestOptions: {
    updateSnapshot: UpdateSnapshot.NEVER,
    passWithNoTests: false,
    jestConfig: {
      testTimeout: 60_000,
      testPathIgnorePatterns: ['/node_modules/', '/lib/', '/examples/.*/dist/'],
      // The cluster and registry suites start real servers; they share one machine.
      maxWorkers: 2,
      // One kube-apiserver for all cluster suites of a run: started lazily by the first suite that
      // needs it, stopped here by PID.
      globalSetup: '<rootDir>/test/harness/jest-global-setup.ts',
      globalTeardown: '<rootDir>/test/harness/jest-global-teardown.ts',
      setupFiles: ['<rootDir>/test/setup/fast-check.ts'],
    },
  },
  gitignore: ['.hardpod-cache/', 'examples/*/dist/', '*.tgz', 'bench/results/'],
});

// The core is framework-free: only the adapters may import cdk8s, constructs or @pulumi/*.
const FRAMEWORK_IMPORTS = ['cdk8s', 'cdk8s/*', 'cdk8s-plus-*', 'constructs', 'constructs/*', '@pulumi/*'];
project.eslint?.addOverride({
  files: ['src/**/*.ts'],
  excludedFiles: ['src/cdk8s/**', 'src/pulumi/**'],
  rules: {
    'no-restricted-imports': ['error', {
      patterns: [{ group: FRAMEWORK_IMPORTS, message: 'The hardpod core is framework-free; put framework code in src/cdk8s or src/pulumi.' }],
    }],
  },
});

// Benchmarks, examples and scripts are type-checked through test/tsconfig.json, which includes
// them; the default project service only finds the root tsconfig (src/ only).
project.eslint?.addOverride({
  files: ['bench/**/*.ts', 'examples/**/*.ts', 'scripts/**/*.ts'],
  parserOptions: { projectService: false, project: './test/tsconfig.json' },
} as javascript.EslintOverride);

// Optional peers: the core works without any framework installed.
project.package.addField('peerDependenciesMeta', {
  'cdk8s': { optional: true },
  'constructs': { optional: true },
  '@pulumi/pulumi': { optional: true },
  '@pulumi/kubernetes': { optional: true },
  '@pulumi/policy': { optional: true },
});

// Subpath exports; typesVersions makes the subpaths resolve under node10/CommonJS resolution too.
project.package.addField('exports', {
  '.': { types: './lib/index.d.ts', default: './lib/index.js' },
  './cdk8s': { types: './lib/cdk8s/index.d.ts', default: './lib/cdk8s/index.js' },
  './pulumi': { types: './lib/pulumi/index.d.ts', default: './lib/pulumi/index.js' },
  './package.json': './package.json',
});
project.package.addField('typesVersions', {
  '*': {
    cdk8s: ['lib/cdk8s/index.d.ts'],
    pulumi: ['lib/pulumi/index.d.ts'],
  },
});

project.addTask('example', {
  description: 'Synthesize examples/cdk8s-app into YAML and check it with hardpod',
  exec: 'bash scripts/example.sh',
});
project.addTask('rules', {
  description: 'Generate RULES.md from the rule metadata',
  exec: 'ts-node --project test/tsconfig.json scripts/generate-rules-md.ts',
});
project.addTask('time-zones', {
  description: 'Generate src/model/time-zone-names.ts from the time zone database of the Go toolchain',
  exec: 'ts-node --project test/tsconfig.json scripts/generate-time-zone-names.ts',
});
project.addTask('docgen', {
  description: 'Generate API.md from the TSDoc of hardpod, hardpod/cdk8s and hardpod/pulumi',
  exec: 'bash scripts/generate-api-md.sh',
});
project.addTask('bench', {
  description: 'Run the benchmarks and print ratios against their floors',
  exec: 'ts-node --project test/tsconfig.json bench/run.ts',
});

// npm test: type-check everything, build lib/ (the CLI, packaging and cdk8s-cli plugin tests run
// the compiled code), install or build the test-time servers and tools (registry, etcd,
// kube-apiserver, Pulumi, Node.js releases) into a cache outside the repo (idempotent, fast when
// cached), then jest, then jest on the other Node.js releases.
const typecheck = project.addTask('typecheck', {
  description: 'Type-check sources, tests, examples and benchmarks',
  exec: 'tsc --noEmit -p test/tsconfig.json',
});
project.testTask.prependExec('bash scripts/setup-test-env.sh');
// Then the suites again on the current LTS releases of Node.js (scripts/setup/node-releases.sh).
project.testTask.exec('bash scripts/test-node-releases.sh', { receiveArgs: true });
project.testTask.prependSpawn(project.compileTask);
project.testTask.prependSpawn(typecheck);

project.synth();
