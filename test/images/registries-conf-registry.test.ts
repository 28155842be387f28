import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NAMED_USER_HARDENED, NUMERIC_USER_DISTROLESS, podWithImages } from './fixtures';
import { readLockFile } from '../../src/images/lock-file';
import { cliMainPath, runHardpod, runHardpodAsync } from '../cli/cli-process';
import { pushImage } from '../harness/oci-images';
import { describeRegistry, startRegistry, type TestRegistry } from '../harness/registry';
import { RegistryProxy } from '../harness/registry-proxy';

/** The environment of a run whose home holds the registries.conf: nothing of the machine's is read. */
function homeEnv(home: string): Record<string, string | undefined> {
  return { HOME: home, DOCKER_CONFIG: home, CI: '1', CONTAINERS_REGISTRIES_CONF: undefined, REGISTRIES_CONFIG_PATH: undefined };
}

describeRegistry('hardpod lock with a registries.conf, against real registries', () => {
  let upstream: TestRegistry;
  let mirror: TestRegistry;
  /** In front of the mirror: records what it was asked. */
  let proxy: RegistryProxy;
  let web: string;
  let api: string;
  let dir: string;

  beforeAll(async () => {
    cliMainPath();
    upstream = await startRegistry();
    mirror = await startRegistry();
    proxy = await RegistryProxy.start(mirror.url);
    // team/web exists only at the mirror; digests/api at both.
    web = (await pushImage(mirror.url, 'hub/team/web', 'v1', NAMED_USER_HARDENED)).digest;
    api = (await pushImage(upstream.url, 'digests/api', 'v1', NUMERIC_USER_DISTROLESS)).digest;
    await pushImage(mirror.url, 'hub/digests/api', 'v1', NUMERIC_USER_DISTROLESS);
  }, 120_000);
  afterAll(async () => {
    await proxy?.stop();
    await mirror?.stop();
    await upstream?.stop();
  });
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hardpod-registries-conf-'));
    const containers = path.join(dir, '.config', 'containers');
    fs.mkdirSync(path.join(containers, 'registries.conf.d'), { recursive: true });
    fs.writeFileSync(path.join(containers, 'registries.conf'), `unqualified-search-registries = ["docker.io"]

[[registry]]
prefix = "${upstream.host}/team"
location = "${upstream.host}/team"

[[registry.mirror]]
location = "${proxy.host}/hub/team"

[[registry]]
location = "${upstream.host}/digests"
mirror-by-digest-only = true

[[registry.mirror]]
location = "${proxy.host}/hub/digests"

[[registry]]
prefix = "registry.example.invalid/remapped"
location = "${upstream.host}/digests"
`);
    fs.writeFileSync(path.join(containers, 'registries.conf.d', '50-blocked.conf'), `[[registry]]\nlocation = "${upstream.host}/blocked"\nblocked = true\n`);
    proxy.requests.length = 0;
  });

  it('pulls through the mirror and the location the file names, records the upstream reference, and asks a mirror for digests only never for a tag', async () => {
    fs.writeFileSync(path.join(dir, 'app.yaml'), podWithImages([`${upstream.host}/team/web:v1`, `${upstream.host}/digests/api:v1`, 'registry.example.invalid/remapped/api:v1']));
    const result = await runHardpodAsync(['lock', 'app.yaml'], { cwd: dir, env: homeEnv(dir) });
    expect(result.stderr).not.toMatch(/failed|error/);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`+ ${upstream.host}/team/web:v1 ${web}\n`);
    expect(result.stdout).toContain(`+ ${upstream.host}/digests/api:v1 ${api}\n`);
    const lock = readLockFile(path.join(dir, 'hardpod.lock.json'));
    expect(Object.keys(lock.images)).toEqual([`${upstream.host}/digests/api:v1`, `${upstream.host}/team/web:v1`, 'registry.example.invalid/remapped/api:v1']);
    // Served from another registry's location, locked under its own name.
    expect(lock.images['registry.example.invalid/remapped/api:v1']).toMatchObject({ digest: api, resolvedFrom: upstream.url });
    expect(lock.images[`${upstream.host}/team/web:v1`]).toMatchObject({ digest: web, resolvedFrom: proxy.url, facts: { uid: 1000 } });
    // The tag is looked up at the registry; its content, by digest, comes from the mirror.
    expect(lock.images[`${upstream.host}/digests/api:v1`]).toMatchObject({ digest: api, resolvedFrom: upstream.url, facts: { uid: 65532 } });
    const asked = proxy.requests.map((request) => `${request.method} ${request.path}`);
    expect(asked).toContain('HEAD /v2/hub/team/web/manifests/v1');
    expect(asked.filter((request) => request.startsWith('HEAD /v2/hub/digests/') || request.includes('/manifests/v1'))).toEqual(['HEAD /v2/hub/team/web/manifests/v1']);
    expect(asked).toContain(`GET /v2/hub/digests/api/manifests/${api}`);
  });

  it('tries --mirror URLs before the file\'s mirrors, and reads no file with --no-registries-conf', async () => {
    fs.writeFileSync(path.join(dir, 'app.yaml'), podWithImages([`${upstream.host}/team/web:v1`]));
    const down = 'http://127.0.0.1:9';
    const first = await runHardpodAsync(['lock', '--mirror', `${upstream.host}=${down}`, 'app.yaml'], { cwd: dir, env: homeEnv(dir) });
    expect(first.status).toBe(0);
    expect(first.stderr).toContain(`mirror ${down} failed for ${upstream.host}/team/web`);
    expect(readLockFile(path.join(dir, 'hardpod.lock.json')).images[`${upstream.host}/team/web:v1`].resolvedFrom).toBe(proxy.url);

    const without = await runHardpodAsync(['lock', '--no-registries-conf', '--lock-file', 'other.json', 'app.yaml'], { cwd: dir, env: homeEnv(dir) });
    expect(without.status).toBe(2);
    expect(without.stdout).toMatch(/^$/);
    expect(without.stderr).toMatch(new RegExp(`tag v1 not found in ${upstream.host}/team/web \\(HTTP 404 from ${upstream.url}\\)`));
  });

  it('refuses an image of a blocked registry, naming the drop-in that blocks it, and writes nothing', async () => {
    fs.writeFileSync(path.join(dir, 'blocked.yaml'), podWithImages([`${upstream.host}/blocked/app:1.0`]));
    const result = await runHardpodAsync(['lock', 'blocked.yaml'], { cwd: dir, env: homeEnv(dir) });
    expect(result.status).toBe(2);
    const dropIn = path.join(dir, '.config', 'containers', 'registries.conf.d', '50-blocked.conf');
    expect(result.stderr).toContain(`${upstream.host}/blocked/app: pulls from ${upstream.host}/blocked are blocked: its [[registry]] sets blocked = true in ${dropIn}`);
    expect(fs.existsSync(path.join(dir, 'hardpod.lock.json'))).toBe(false);
  });
});

describe('hardpod lock and pin reading a registries.conf, before any registry is asked', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hardpod-registries-conf-flags-'));
    fs.writeFileSync(path.join(dir, 'app.yaml'), podWithImages(['registry.example.invalid/team/app:1.0']));
  });

  it('names the file and line of a malformed file, the key of a wrong one, without a stack trace', () => {
    fs.writeFileSync(path.join(dir, 'bad.conf'), '[[registry]]\nlocation = "registry.example.invalid"\ninsecure = yes\n');
    fs.writeFileSync(path.join(dir, 'wrong.conf'), '[[registry]]\nlocation = "registry.example.invalid"\ninsecure = "yes"\n');
    const cases: [string[], Record<string, string>, string][] = [
      [['lock', '--registries-conf', 'bad.conf', 'app.yaml'], {}, `hardpod lock: error: ${path.join(dir, 'bad.conf')}:3: not valid TOML: invalid value (column 12)`],
      [['pin', '--offline', 'app.yaml'], { CONTAINERS_REGISTRIES_CONF: 'wrong.conf' }, 'hardpod pin: error: wrong.conf: registry[0].insecure must be true or false, got a string ("yes")'],
      [['lock', '--check', '--offline', '--registries-conf', 'missing.conf', 'app.yaml'], {}, `hardpod lock: error: ${path.join(dir, 'missing.conf')}: registries configuration not found`],
      [['lock', '--registries-conf', 'bad.conf', '--no-registries-conf', 'app.yaml'], {}, 'hardpod lock: error: --registries-conf and --no-registries-conf exclude each other'],
    ];
    for (const [args, env, message] of cases) {
      const result = runHardpod(args, { cwd: dir, env: { ...homeEnv(dir), ...env } });
      expect({ args, status: result.status }).toEqual({ args, status: 2 });
      expect(result.stderr).toContain(message);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('documents the flags and what registries.conf settings apply in lock and pin --help', () => {
    for (const command of ['lock', 'pin']) {
      const help = runHardpod([command, '--help']).stdout;
      expect(help).toContain('--registries-conf FILE');
      expect(help).toContain('--no-registries-conf');
      expect(help).toMatch(/mirror-by-digest-only\) is never asked for a tag/);
      expect(help).toMatch(/unqualified-search-registries,\s+short-name-mode and \[aliases\] do not apply/);
    }
  });
});
