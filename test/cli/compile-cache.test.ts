import { spawnSync } from 'node:child_process';
import { dirname, join, relative } from 'node:path';
import { cliMainPath } from './cli-process';
import { enableCompileCache } from '../../src/cli/compile-cache';

describe('the compile cache of the hardpod executable', () => {
  test('is enabled where Node has it, and its absence or failure never stops a run', () => {
    const calls: string[] = [];
    expect(enableCompileCache({ enableCompileCache: () => calls.push('enabled') })).toBe(true);
    expect(calls).toEqual(['enabled']);
    expect(enableCompileCache({})).toBe(false);
    expect(enableCompileCache({ enableCompileCache: () => { throw new Error('EROFS: read-only file system'); } })).toBe(false);
  });

  test('is enabled before any other module of hardpod loads, so that it covers them all', () => {
    const main = cliMainPath();
    const lib = dirname(dirname(main));
    // Modules enter require.cache in the order they load.
    const report = 'process.on("exit", () => process.stderr.write("LOADED " + JSON.stringify(Object.keys(require.cache)) + "\\n"))';
    const run = spawnSync(process.execPath, ['-e', `${report}; process.argv.splice(1, 0, ${JSON.stringify(main)}); require(${JSON.stringify(main)})`, '--', '--help'], { encoding: 'utf8' });
    const loaded = JSON.parse(/LOADED (.*)/.exec(run.stderr)![1]) as string[];
    const ours = loaded.filter((file) => file.startsWith(lib)).map((file) => relative(lib, file));
    expect(ours.slice(0, 2)).toEqual([join('cli', 'main.js'), join('cli', 'compile-cache.js')]);
    expect(ours.length).toBeGreaterThan(5);
  });
});
