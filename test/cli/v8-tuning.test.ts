import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliMainPath } from './cli-process';
import { CLI_V8_FLAGS, cliV8Flags } from '../../src/cli/v8-tuning';

describe('the CLI\'s V8 settings', () => {
  test('this Node knows every flag, so setting them prints no warning on every run', () => {
    for (const flag of CLI_V8_FLAGS) {
      const run = spawnSync(process.execPath, ['-e', `require('node:v8').setFlagsFromString(${JSON.stringify(flag)})`], { encoding: 'utf8' });
      expect({ flag, status: run.status, stderr: run.stderr }).toEqual({ flag, status: 0, stderr: '' });
    }
  });

  test.each([
    ['nothing given', [], undefined, ['--no-turbo-inlining']],
    ['--turbo-inlining on the command line', ['--turbo-inlining'], undefined, []],
    ['--no_turbo_inlining on the command line', ['--no_turbo_inlining'], undefined, []],
    ['--turbo-inlining=true in NODE_OPTIONS', [], '--max-old-space-size=512  --turbo-inlining=true', []],
    ['other flags only', ['--enable-source-maps'], '--max-old-space-size=512', ['--no-turbo-inlining']],
  ])('%s', (_name, execArgv, nodeOptions, expected) => {
    expect(cliV8Flags(execArgv, nodeOptions)).toEqual(expected);
  });

  describe('the bin', () => {
    let dir: string;
    let input: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'hardpod-v8-'));
      input = join(dir, 'deployments.yaml');
      // Enough objects for the hot functions to be optimized.
      const docs = Array.from({ length: 1500 }, (_, i) => [
        'apiVersion: apps/v1', 'kind: Deployment', `metadata: {name: web-${i}, namespace: shop}`,
        'spec:', '  selector: {matchLabels: {app: web}}', '  template:', '    metadata: {labels: {app: web}}',
        '    spec:', '      containers:', `      - {name: app, image: "nginx:1.${i % 30}", securityContext: {privileged: ${i % 2 === 0}}}`,
      ].join('\n'));
      writeFileSync(input, docs.join('\n---\n'));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    /** How many inlining decisions TurboFan traced while the bin checked the input. */
    function inlinings(nodeFlags: readonly string[]): number {
      // Optimizing compiles on the main thread, so that they finish before the run does even on a busy machine.
      const run = spawnSync(process.execPath, [...nodeFlags, '--trace-turbo-inlining', '--no-concurrent-recompilation', cliMainPath(), 'check', '--format', 'json', input], { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
      expect(run.status).toBe(1);
      return run.stdout.split('\n').filter((line) => line.startsWith('Inlining ')).length;
    }

    test('optimizes without inlining, unless the user turns inlining on', () => {
      expect(inlinings([])).toBe(0);
      expect(inlinings(['--turbo-inlining'])).toBeGreaterThan(0);
    });
  });
});
