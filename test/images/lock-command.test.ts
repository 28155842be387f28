import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runHardpod } from '../cli/cli-process';

/** `hardpod lock` behaviour that needs no registry: --offline checks, input and lock-file errors. */
describe('hardpod lock without a registry', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hardpod-lock-command-'));
  });
  const lock = (args: string[], input = '') => runHardpod(['lock', ...args], { cwd: dir, input, env: { HOME: dir, DOCKER_CONFIG: dir } });

  it('refuses empty input as check does, so a failed render piped in does not pass --check', () => {
    fs.writeFileSync(path.join(dir, 'empty.yaml'), '');
    for (const args of [['--check', '--offline', 'empty.yaml'], ['--check', '--offline', '-'], ['--update', 'empty.yaml'], ['empty.yaml']]) {
      const result = lock(args);
      expect(result.status).toBe(2);
      expect(result.stderr).toMatch(/no Kubernetes objects found, so nothing was locked; give --allow-empty/);
      expect(result.stdout).not.toMatch(/every image in use is locked/);
    }
    const allowed = lock(['--check', '--offline', '--allow-empty', 'empty.yaml']);
    expect(allowed.status).toBe(0);
  });

  it('refuses a flag the run would ignore, rather than asking registries under --offline or writing under --fail-on-outdated', () => {
    fs.writeFileSync(path.join(dir, 'tagged.yaml'), pod('registry.invalid/team/web:1.0'));
    const refused: [string[], RegExp][] = [
      [['--offline', 'tagged.yaml'], /^hardpod lock: error: --offline applies to --check only \(hardpod lock --check --offline\)\n$/],
      [['--update', '--offline', 'tagged.yaml'], /^hardpod lock: error: --offline applies to --check only/],
      [['--fail-on-outdated', 'tagged.yaml'], /^hardpod lock: error: --fail-on-outdated applies to --check only \(hardpod lock --check --fail-on-outdated\)\n$/],
      [['--check', '--offline', '--fail-on-outdated', 'tagged.yaml'], /^hardpod lock: error: --fail-on-outdated and --offline exclude each other: whether a locked tag moved is known only by asking its registry\n$/],
      [['--stack', 'dev', 'tagged.yaml'], /^hardpod lock: error: --stack applies to the Pulumi program that lock and lock --check run without PATH; with PATH, the manifests are read as they are\n$/],
      [['--stack', 'dev', '--update'], /^hardpod lock: error: --stack applies to .*; --update re-resolves the entries of the lock file without running it\n$/],
    ];
    for (const [args, message] of refused) {
      const result = lock(args);
      expect({ args, status: result.status, stderr: result.stderr }).toEqual({ args, status: 2, stderr: expect.stringMatching(message) });
      expect(result.stdout).toBe('');
    }
    expect(fs.existsSync(path.join(dir, 'hardpod.lock.json'))).toBe(false);
  });

  const DIGEST = `sha256:${'d'.repeat(64)}`;
  const pod = (image: string) => `apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  containers:
    - name: web
      image: ${image}
`;

  it('refuses a named --lock-file that does not exist when it reads one, as check does; plain lock creates it', () => {
    fs.writeFileSync(path.join(dir, 'tagged.yaml'), pod('registry.example.com/team/web:1.0'));
    fs.writeFileSync(path.join(dir, 'pinned.yaml'), pod(`registry.example.com/team/web@${DIGEST}`));
    for (const result of [
      lock(['--update', '--lock-file', 'typo.json']),
      lock(['--update', '--lock-file', 'typo.json', 'pinned.yaml']),
      lock(['--check', '--offline', '--lock-file', 'typo.json', 'tagged.yaml']),
      runHardpod(['pin', '--offline', '--lock-file', 'typo.json', 'tagged.yaml'], { cwd: dir }),
    ]) {
      expect(result.status).toBe(2);
      expect(result.stderr).toMatch(/typo\.json: lock file not found; run `npx hardpod lock` to create it/);
    }
    expect(fs.existsSync(path.join(dir, 'typo.json'))).toBe(false);

    const created = lock(['--lock-file', 'new.json', 'pinned.yaml']);
    expect(created.status).toBe(0);
    expect(created.stdout).toMatch(/wrote new\.json/);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'new.json'), 'utf8'))).toEqual({ lockfileVersion: 1, images: {} });
  });

  it('names the line of the image field, as pin and check do, in errors and missing entries', () => {
    fs.writeFileSync(path.join(dir, 'bad.yaml'), `apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: web
      image: Team/App:1.0
`);
    const bad = lock(['--check', '--offline', 'bad.yaml']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/bad\.yaml:8 spec\.containers\[0\]\.image: invalid image reference/);

    fs.writeFileSync(path.join(dir, 'two.yaml'), `apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: a
      image: registry.example.com/team/a:1.0
    - name: b
      image: registry.example.com/team/b:1.0
`);
    const missing = lock(['--check', '--offline', 'two.yaml']);
    expect(missing.status).toBe(1);
    expect(missing.stdout).toMatch(/missing: registry\.example\.com\/team\/a:1\.0 \(used at .*two\.yaml:8 spec\.containers\[0\]\.image\)/);
    expect(missing.stdout).toMatch(/missing: registry\.example\.com\/team\/b:1\.0 \(used at .*two\.yaml:10 spec\.containers\[1\]\.image\)/);
  });
});
