import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A consumer project sees `hardpod`, `hardpod/cdk8s` and `hardpod/pulumi` both under modern
 * (node16, `exports`) and legacy CommonJS (node10, `typesVersions`) resolution, as the cdk8s
 * project template compiles. Uses the compiled `lib/` that `npm test` builds before jest.
 */
const root = join(__dirname, '..', '..');
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
let consumer: string;

beforeAll(() => {
  if (!existsSync(join(root, 'lib', 'index.d.ts'))) {
    throw new Error('lib/ is not built: run `npx tsc --build` (npm test builds it before jest)');
  }
  consumer = mkdtempSync(join(tmpdir(), 'hardpod-consumer-'));
  mkdirSync(join(consumer, 'node_modules'));
  symlinkSync(root, join(consumer, 'node_modules', 'hardpod'), 'dir');
  writeFileSync(join(consumer, 'consumer.ts'), [
    "import { HardpodError } from 'hardpod';",
    "import * as cdk8s from 'hardpod/cdk8s';",
    "import * as pulumi from 'hardpod/pulumi';",
    'export const error: HardpodError = new HardpodError("x");',
    'export const adapters = [cdk8s, pulumi];',
  ].join('\n'));
});

afterAll(() => rmSync(consumer, { recursive: true, force: true }));

function compile(moduleResolution: string, module: string) {
  return spawnSync(process.execPath, [tsc, '--noEmit', '--strict', '--skipLibCheck', '--types', 'node',
    '--typeRoots', join(root, 'node_modules', '@types'),
    '--moduleResolution', moduleResolution, '--module', module, 'consumer.ts'], { cwd: consumer, encoding: 'utf8' });
}

test.each([
  ['node10', 'commonjs'],
  ['node16', 'node16'],
])('subpaths resolve with moduleResolution %s', (moduleResolution, module) => {
  const run = compile(moduleResolution, module);
  expect(run.stdout + run.stderr).toBe('');
  expect(run.status).toBe(0);
});

test('a wrong subpath is an error, so the check above can fail', () => {
  writeFileSync(join(consumer, 'wrong.ts'), "import * as x from 'hardpod/nope'; export const y = x;");
  const run = spawnSync(process.execPath, [tsc, '--noEmit', '--moduleResolution', 'node10', '--module', 'commonjs', 'wrong.ts'], { cwd: consumer, encoding: 'utf8' });
  expect(run.status).not.toBe(0);
  expect(run.stdout).toMatch(/hardpod\/nope/);
});

test('the subpaths load at run time through package.json exports', () => {
  const run = spawnSync(process.execPath, ['-e', "require('hardpod'); require('hardpod/cdk8s'); require('hardpod/pulumi'); console.log('loaded')"], { cwd: consumer, encoding: 'utf8' });
  expect(run.stderr).toBe('');
  expect(run.stdout.trim()).toBe('loaded');
});
