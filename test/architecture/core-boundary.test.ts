import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * The core (`hardpod`) must load without cdk8s, constructs or any @pulumi package: they are optional peers
 * reached only through `hardpod/cdk8s` and `hardpod/pulumi`. Loading the core in a fresh process
 * and listing what it pulled in proves it for the whole import graph, not only direct imports.
 */
const root = join(__dirname, '..', '..');

function modulesLoadedBy(entry: string): string[] {
  const script = `require(${JSON.stringify(entry)}); process.stdout.write(JSON.stringify(Object.keys(require.cache)));`;
  const run = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, TS_NODE_PROJECT: join(root, 'test', 'tsconfig.json') },
  });
  if (run.status !== 0) throw new Error(`loading ${entry} failed:\n${run.stderr}`);
  return JSON.parse(run.stdout) as string[];
}

const FRAMEWORK = /node_modules[\\/](cdk8s|cdk8s-plus-\d+|constructs|@pulumi[\\/][^\\/]+)[\\/]/;

test('the core entry point loads no framework package', () => {
  const loaded = modulesLoadedBy('./src/index.ts');
  expect(loaded.some((m) => m.includes(`${join('src', 'index.ts')}`))).toBe(true);
  expect(loaded.filter((m) => FRAMEWORK.test(m))).toEqual([]);
});

test('the cdk8s entry point does load cdk8s (the check above can see framework modules)', () => {
  const loaded = modulesLoadedBy('./src/cdk8s/index.ts');
  expect(loaded.some((m) => /node_modules[\\/]cdk8s[\\/]/.test(m))).toBe(true);
});
