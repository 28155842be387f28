import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { cliMainPath } from './cli-process';
import { keyPair } from '../images/signing-keys';

/**
 * What a plain `hardpod check` loads. Node's network and crypto modules and the registry client cost
 * a check tens of milliseconds to load and are never used by it: only `hardpod lock` and `pin` ask
 * a registry, and only signature keys, a baseline or a report file need node:crypto.
 */

const APP = join(__dirname, 'hardened-app.yaml');

/** Node built-ins, hardpod modules and npm packages a `hardpod` run loaded, beyond what the bare process had. */
function loadedBy(args: readonly string[]): { builtins: string[]; ours: string[]; packages: string[] } {
  const main = cliMainPath();
  const lib = dirname(dirname(main));
  // Into a file, with standard output and error closed: a pipe would load net for the stream itself.
  const reportFile = join(mkdtempSync(join(tmpdir(), 'hardpod-check-startup-')), 'loaded.json');
  const script = [
    'const before = new Set(process.moduleLoadList);',
    `process.on("exit", () => require("fs").writeFileSync(${JSON.stringify(reportFile)}, JSON.stringify({`,
    '  builtins: process.moduleLoadList.filter((m) => !before.has(m) && m.startsWith("NativeModule ")).map((m) => m.slice("NativeModule ".length)),',
    '  files: Object.keys(require.cache),',
    '})));',
    `process.argv.splice(1, 0, ${JSON.stringify(main)});`,
    `require(${JSON.stringify(main)});`,
  ].join('\n');
  const run = spawnSync(process.execPath, ['-e', script, '--', ...args], { stdio: 'ignore' });
  if (run.status !== 0) throw new Error(`hardpod ${args.join(' ')} exited ${run.status} (run it by hand to see why)`);
  const { builtins, files } = JSON.parse(readFileSync(reportFile, 'utf8')) as { builtins: string[]; files: string[] };
  return {
    builtins,
    ours: files.filter((file) => file.startsWith(lib)).map((file) => relative(lib, file).split('\\').join('/')),
    packages: [...new Set(files.map((file) => /[\\/]node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)/.exec(file)?.[1]).filter((name) => name !== undefined))],
  };
}

const NETWORK_AND_CRYPTO = ['http', 'https', 'tls', 'net', 'crypto', 'child_process', 'dgram'];
const REGISTRY_MODULES = ['images/registry-client.js', 'images/proxy.js', 'images/credentials.js'];

describe('hardpod check', () => {
  test('loads neither the registry client nor Node\'s network and crypto modules', () => {
    const { builtins, ours } = loadedBy(['check', APP]);
    expect(ours).toContain('engine/evaluate.js');
    expect(builtins.filter((name) => NETWORK_AND_CRYPTO.includes(name))).toEqual([]);
    expect(ours.filter((file) => REGISTRY_MODULES.includes(file))).toEqual([]);
  });

  test('reads a config file in block YAML without loading the yaml package, and one in other styles with it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hardpod-check-startup-'));
    const block = join(dir, 'block.yaml');
    writeFileSync(block, '# the team\'s settings\nlevel: restricted\nrules:\n  probes:\n    enforcement: warn\nsuppressions:\n  - rule: resources\n    kind: Deployment\n    name: web\n    reason: sized by the autoscaler\n');
    expect(loadedBy(['check', '--config', block, APP]).packages).not.toContain('yaml');
    // The check above can see it: an anchor is outside the block parser's subset.
    const anchored = join(dir, 'anchored.yaml');
    writeFileSync(anchored, 'level: &level restricted\n');
    expect(loadedBy(['check', '--config', anchored, APP]).packages).toContain('yaml');
  });

  test('loads node:crypto once the config names signature keys, which it reads (the check above can see it)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hardpod-check-startup-'));
    writeFileSync(join(dir, 'cosign.pub'), keyPair().publicPem);
    const config = join(dir, 'hardpod.config.json');
    writeFileSync(config, JSON.stringify({ images: { signatures: { keys: [{ name: 'release', publicKey: 'cosign.pub' }] } } }));
    const { builtins, ours } = loadedBy(['check', '--config', config, APP]);
    expect(builtins).toContain('crypto');
    expect(ours.filter((file) => REGISTRY_MODULES.includes(file))).toEqual([]);
  });
});
