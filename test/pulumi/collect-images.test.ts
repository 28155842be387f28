import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureBuilt, REPO } from './served-pack';

/**
 * collect-images.js runs a Pulumi program under Pulumi's mocks for `hardpod lock`. A program that
 * fails is reported as Pulumi's own runtime reports it: a mistake by its message, a bug with its stack.
 */

let dir: string;

beforeAll(() => {
  ensureBuilt();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hardpod-collect-'));
  fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  fs.writeFileSync(path.join(dir, 'package.json'), '{"name": "shop"}');
}, 600_000);

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function runProgram(body: string): { status: number | null; stderr: string } {
  const entry = path.join(dir, 'index.js');
  fs.writeFileSync(entry, `const pulumi = require('@pulumi/pulumi');\nconst hp = require(${JSON.stringify(path.join(REPO, 'lib/pulumi'))});\n${body}\n`);
  const result = spawnSync(process.execPath, [path.join(REPO, 'lib/pulumi/collect-images.js'), dir, entry, 'shop', 'dev'], { encoding: 'utf8', timeout: 120_000 });
  return { status: result.status, stderr: result.stderr };
}

const IMAGE = `ghcr.io/acme/web@sha256:${'a'.repeat(64)}`;
const STACK_FRAME = /^\s+at /m;

describe('collect-images.js', () => {
  test('a mistake in a component\'s props is said by its message, naming the component, without a stack trace', () => {
    const run = runProgram(`new hp.HardenedDeployment('web', { image: '${IMAGE}', prot: 8080 });`);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('hardpod:index:HardenedDeployment web: unknown prop "prot" (did you mean "port"?)');
    expect(run.stderr).not.toMatch(STACK_FRAME);
  });

  test('a mistake found once an Output is known, and a missing config value, are said the same way', () => {
    const late = runProgram(`new hp.HardenedDeployment('web', { image: '${IMAGE}', namespace: pulumi.output('Shop_1'), port: 8080 });`);
    expect(late.status).toBe(1);
    expect(late.stderr).toMatch(/hardpod:index:HardenedDeployment web.*Shop_1/);
    expect(late.stderr).not.toMatch(STACK_FRAME);
    const config = runProgram('new pulumi.Config().require(\'webTag\');');
    expect(config.status).toBe(1);
    expect(config.stderr).toContain('Missing required configuration variable \'shop:webTag\'');
    expect(config.stderr).not.toMatch(STACK_FRAME);
  });

  test('a bug keeps its stack trace', () => {
    const run = runProgram('const options = undefined;\noptions.port;');
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('TypeError');
    expect(run.stderr).toMatch(STACK_FRAME);
  });
});
