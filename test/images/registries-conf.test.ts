import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseImageRef } from '../../src/images/image-ref';
import {
  findRegistry, loadRegistriesConf, parseRegistriesConf, prefixMatchLength, pullSources, registriesConfLocations,
  type RegistriesConf, type RegistriesConfRegistry,
} from '../../src/images/registries-conf';
import { RegistryClient } from '../../src/images/registry-client';

const FILE = '/conf/registries.conf';

function parse(text: string, dropIn = false): RegistriesConfRegistry[] {
  return parseRegistriesConf(text, FILE, { dropIn });
}

/** The message of what `run` throws. */
function errorOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected an error');
}

describe('registries.conf parsing', () => {
  it('reads [[registry]] tables and their mirrors, defaulting the prefix to the location as containers/image does', () => {
    const registries = parse(`
unqualified-search-registries = ["docker.io", "quay.io"]
short-name-mode = "enforcing"
credential-helpers = ["containers-auth.json"]

[aliases]
"nginx" = "docker.io/library/nginx"

[[registry]]
prefix = "example.com/foo/"
location = "internal.example.net/bar/"
insecure = true

[[registry.mirror]]
location = "mirror-0.local/mirror-for-foo"

[[registry.mirror]]
location = "mirror-1.local/mirrors/foo"
insecure = true
pull-from-mirror = "digest-only"

[[registry]]
location = "quay.io"
blocked = true
mirror-by-digest-only = true
`);
    expect(registries).toEqual([
      {
        prefix: 'example.com/foo',
        location: 'internal.example.net/bar',
        insecure: true,
        blocked: false,
        mirrorByDigestOnly: false,
        file: FILE,
        mirrors: [
          { location: 'mirror-0.local/mirror-for-foo', insecure: false, pullFromMirror: 'all' },
          { location: 'mirror-1.local/mirrors/foo', insecure: true, pullFromMirror: 'digest-only' },
        ],
      },
      { prefix: 'quay.io', location: 'quay.io', insecure: false, blocked: true, mirrorByDigestOnly: true, mirrors: [], file: FILE },
    ]);
  });

  it('keeps the first of two entries with one prefix, as containers/image does', () => {
    const registries = parse('[[registry]]\nlocation = "a.example.com"\n\n[[registry]]\nprefix = "a.example.com"\nlocation = "b.example.com"\n');
    expect(registries.map((r) => r.location)).toEqual(['a.example.com']);
  });

  it('reads the v1 insecure and block lists (not the search list); a drop-in or a file mixing formats is refused', () => {
    expect(parse(`
[registries.search]
registries = ["docker.io"]
[registries.insecure]
registries = ["registry3.com", "both.example.com"]
[registries.block]
registries = ["registry.untrusted.com", "both.example.com"]
`)).toEqual([
      { prefix: 'registry.untrusted.com', location: 'registry.untrusted.com', insecure: false, blocked: true, mirrorByDigestOnly: false, mirrors: [], file: FILE },
      { prefix: 'both.example.com', location: 'both.example.com', insecure: true, blocked: true, mirrorByDigestOnly: false, mirrors: [], file: FILE },
      { prefix: 'registry3.com', location: 'registry3.com', insecure: true, blocked: false, mirrorByDigestOnly: false, mirrors: [], file: FILE },
    ]);
    expect(errorOf(() => parse('[registries.block]\nregistries = ["a.example.com"]\n', true))).toBe(
      `${FILE}: a registries.conf.d drop-in must use the v2 format ([[registry]] tables); [registries.*] lists are v1, read in the main registries.conf only`,
    );
    expect(errorOf(() => parse('unqualified-search-registries = ["docker.io"]\n[registries.block]\nregistries = ["a.example.com"]\n'))).toBe(
      `${FILE}: mixes the v1 format ([registries.search], [registries.insecure], [registries.block]) with the v2 key "unqualified-search-registries"; write one format`,
    );
  });

  it('names the file and line of a TOML mistake, never with a stack trace', () => {
    expect(errorOf(() => parse('[[registry]]\nlocation = "a.example.com"\ninsecure = yes\n'))).toBe(
      `${FILE}:3: not valid TOML: invalid value (column 12); see containers-registries.conf(5)`,
    );
    expect(errorOf(() => parse('[[registry]]\nlocation = "a.example.com\n'))).toMatch(new RegExp(`^${FILE}:2: not valid TOML: .*\\(column \\d+\\)`));
  });

  it.each([
    ['an unknown top-level key', 'mirrors = ["m.example.com"]\n',
      'unknown key "mirrors" at the top level; expected one of registry, unqualified-search-registries, credential-helpers, short-name-mode, additional-layer-store-auth-helper, aliases (see containers-registries.conf(5); --no-registries-conf reads no such file)'],
    ['a misspelt registry key', '[[registry]]\nlocation = "a.example.com"\nmirror-by-digest-onyl = true\n',
      'unknown key "mirror-by-digest-onyl" in registry[0] (did you mean "mirror-by-digest-only"?); expected one of prefix, location, insecure, blocked, mirror-by-digest-only, mirror, pull-from-mirror (see containers-registries.conf(5); --no-registries-conf reads no such file)'],
    ['a global setting written below a table', '[[registry]]\nlocation = "a.example.com"\n[[registry.mirror]]\nlocation = "m.example.com"\nshort-name-mode = "permissive"\n',
      'unknown key "short-name-mode" in registry[0].mirror[0]; short-name-mode is a global setting: write it above the first table; expected one of location, insecure, pull-from-mirror (see containers-registries.conf(5); --no-registries-conf reads no such file)'],
    ['a string for a boolean', '[[registry]]\nlocation = "a.example.com"\ninsecure = "true"\n', 'registry[0].insecure must be true or false, got a string ("true")'],
    ['a mirror that is no table list', '[[registry]]\nlocation = "a.example.com"\nmirror = "m.example.com"\n',
      'registry[0].mirror must be [[registry.mirror]] tables (written [[registry.mirror]]), got a string ("m.example.com")'],
    ['a location that is a number', '[[registry]]\nlocation = 5000\n', 'registry[0].location must be a string, got a number (5000)'],
    ['an alias to a list', '[aliases]\n"nginx" = ["docker.io/library/nginx"]\n', 'aliases."nginx" must be a string (an image name), got a list'],
    ['a search list of numbers', 'unqualified-search-registries = [1]\n', 'unqualified-search-registries[0] must be a string, got a number (1)'],
    ['a registry table instead of a list', '[registry]\nlocation = "a.example.com"\n', 'registry must be [[registry]] tables (written [[registry]]), got an object'],
  ])('refuses %s, naming the file and key', (_what, text, reason) => {
    expect(errorOf(() => parse(text))).toBe(`${FILE}: ${reason}`);
  });

  it.each([
    ['a URL location', '[[registry]]\nlocation = "https://a.example.com"\n',
      'registry[0].location "https://a.example.com" is a URL; write host[:port][/path] without the scheme (insecure = true allows plain HTTP)'],
    ['neither prefix nor location', '[[registry]]\ninsecure = true\n',
      'registry[0] sets neither prefix nor location; give the location it pulls from (and the prefix of the names it applies to)'],
    ['a prefix without location', '[[registry]]\nprefix = "a.example.com"\n',
      'registry[0] (prefix "a.example.com") has no location; only a wildcard prefix (*.example.com) may leave it out'],
    ['a wildcard prefix with a path', '[[registry]]\nprefix = "*.example.com/team"\nlocation = "a.example.com"\n',
      'registry[0].prefix "*.example.com/team": a wildcard prefix is *.example.com, with no port, path, tag or digest'],
    ['pull-from-mirror on the registry', '[[registry]]\nlocation = "a.example.com"\npull-from-mirror = "all"\n',
      'registry[0].pull-from-mirror: set pull-from-mirror in a [[registry.mirror]], not in the [[registry]] (prefix "a.example.com")'],
    ['a mirror without location', '[[registry]]\nlocation = "a.example.com"\n[[registry.mirror]]\ninsecure = true\n',
      'registry[0].mirror[0] has no location (host[:port][/path] of the mirror)'],
    ['both mirror-by-digest-only and pull-from-mirror', '[[registry]]\nlocation = "a.example.com"\nmirror-by-digest-only = true\n[[registry.mirror]]\nlocation = "m.example.com"\npull-from-mirror = "tag-only"\n',
      'registry[0].mirror[0].pull-from-mirror: [[registry]] prefix "a.example.com" sets mirror-by-digest-only, so its mirrors cannot set pull-from-mirror; keep one'],
    ['an unknown pull-from-mirror', '[[registry]]\nlocation = "a.example.com"\n[[registry.mirror]]\nlocation = "m.example.com"\npull-from-mirror = "digest_only"\n',
      'registry[0].mirror[0].pull-from-mirror must be one of all, digest-only, tag-only, got "digest_only" (did you mean "digest-only"?)'],
    ['one location with two insecure settings', '[[registry]]\nprefix = "a.example.com/x"\nlocation = "a.example.com"\n[[registry]]\nprefix = "a.example.com/y"\nlocation = "a.example.com"\ninsecure = true\n',
      'registry "a.example.com" is given more than once with different insecure settings (prefixes "a.example.com/x" and "a.example.com/y")'],
    ['an unknown short-name-mode', 'short-name-mode = "strict"\n', 'short-name-mode must be one of disabled, enforcing, permissive, got "strict"'],
  ])('refuses %s, as containers/image does', (_what, text, reason) => {
    expect(errorOf(() => parse(text))).toBe(`${FILE}: ${reason}`);
  });
});

describe('registries.conf prefix matching', () => {
  it.each([
    ['docker.io/library/nginx', 'docker.io', 9],
    ['docker.io/library/nginx', 'docker.io/library', 17],
    ['docker.io/library/nginx', 'docker.io/library/nginx', 23],
    ['docker.io/library/nginx', 'docker.io/lib', -1],
    ['docker.io/library/nginx', 'docker.i', -1],
    // As containers/image: a prefix without a port matches the host with one.
    ['example.com:5000/team/app', 'example.com', 11],
    ['example.com:5000/team/app', 'example.com:5000', 16],
    ['example.com/team/app', 'example.com:5000', -1],
    ['a.example.com/team/app', '*.example.com', 13],
    ['a.b.example.com:5000/team/app', '*.example.com', 15],
    ['example.com/team/app', '*.example.com', -1],
    ['a.example.community/app', '*.example.com', -1],
    ['other.io/a.example.com/app', '*.example.com', -1],
  ])('%s against %s matches %d characters', (name, prefix, length) => {
    expect(prefixMatchLength(name, prefix)).toBe(length);
  });

  it('chooses the longest matching prefix', () => {
    const conf: RegistriesConf = {
      files: [FILE],
      registries: parse(`
[[registry]]
location = "docker.io"
[[registry]]
prefix = "docker.io/library"
location = "mirror.example.com/library"
[[registry]]
prefix = "*.example.com"
blocked = true
[[registry]]
location = "registry.example.com"
`),
    };
    expect(findRegistry(conf, 'docker.io/library/nginx')?.prefix).toBe('docker.io/library');
    expect(findRegistry(conf, 'docker.io/bitnami/redis')?.prefix).toBe('docker.io');
    expect(findRegistry(conf, 'registry.example.com/app')?.prefix).toBe('registry.example.com');
    expect(findRegistry(conf, 'other.example.com/app')?.prefix).toBe('*.example.com');
    expect(findRegistry(conf, 'ghcr.io/app')).toBeUndefined();
  });
});

describe('registries.conf pull sources', () => {
  const [remapped, digestOnly, perMirror, wildcard] = parse(`
[[registry]]
prefix = "example.com/foo"
location = "internal.example.net/bar"
[[registry.mirror]]
location = "mirror-0.local/mirror-for-foo"
[[registry.mirror]]
location = "mirror-1.local:5000/mirrors/foo"
insecure = true

[[registry]]
location = "quay.io"
mirror-by-digest-only = true
[[registry.mirror]]
location = "cache.local/quay"

[[registry]]
location = "ghcr.io"
[[registry.mirror]]
location = "digests.local/ghcr"
pull-from-mirror = "digest-only"
[[registry.mirror]]
location = "tags.local/ghcr"
pull-from-mirror = "tag-only"

[[registry]]
prefix = "*.example.org"
insecure = true
`);

  it('rewrites the name onto each mirror, then the location, as the man page example does', () => {
    expect(pullSources(remapped, 'example.com/foo/image', false)).toEqual([
      { name: 'mirror-0.local/mirror-for-foo/image', insecure: false, mirror: true },
      { name: 'mirror-1.local:5000/mirrors/foo/image', insecure: true, mirror: true },
      { name: 'internal.example.net/bar/image', insecure: false, mirror: false },
    ]);
  });

  it('asks mirrors for digests only by digest, and mirrors for tags only by tag', () => {
    expect(pullSources(digestOnly, 'quay.io/team/app', false)).toEqual([{ name: 'quay.io/team/app', insecure: false, mirror: false }]);
    expect(pullSources(digestOnly, 'quay.io/team/app', true).map((s) => s.name)).toEqual(['cache.local/quay/team/app', 'quay.io/team/app']);
    expect(pullSources(perMirror, 'ghcr.io/team/app', false).map((s) => s.name)).toEqual(['tags.local/ghcr/team/app', 'ghcr.io/team/app']);
    expect(pullSources(perMirror, 'ghcr.io/team/app', true).map((s) => s.name)).toEqual(['digests.local/ghcr/team/app', 'ghcr.io/team/app']);
  });

  it('keeps the name under a wildcard prefix without location, and the names of unconfigured registries', () => {
    expect(pullSources(wildcard, 'registry.example.org/team/app', false)).toEqual([{ name: 'registry.example.org/team/app', insecure: true, mirror: false }]);
    expect(pullSources(undefined, 'ghcr.io/team/app', true)).toEqual([{ name: 'ghcr.io/team/app', insecure: false, mirror: false }]);
  });

  it('refuses a location that makes no image name of the name', () => {
    const [whole] = parse('[[registry]]\nprefix = "docker.io/library/nginx"\nlocation = "mirror.example.com"\n');
    expect(errorOf(() => pullSources(whole, 'docker.io/library/nginx', false))).toBe(
      `docker.io/library/nginx: [[registry]] prefix "docker.io/library/nginx" in ${FILE} maps it to "mirror.example.com", ` +
        'which is no image name (host[:port]/repository, as image references write it); fix the location',
    );
  });
});

describe('registries.conf files', () => {
  let root: string;
  let home: string;
  let system: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'hardpod-registries-conf-'));
    home = join(root, 'home');
    system = join(root, 'etc', 'containers');
    mkdirSync(join(home, '.config', 'containers', 'registries.conf.d'), { recursive: true });
    mkdirSync(join(system, 'registries.conf.d'), { recursive: true });
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const entry = (prefix: string, location: string) => `[[registry]]\nprefix = "${prefix}"\nlocation = "${location}"\n`;
  const load = (env: Record<string, string> = {}, file?: string) => loadRegistriesConf({ env, home, systemDir: system, ...(file ? { file } : {}) });
  const userFile = () => join(home, '.config', 'containers', 'registries.conf');
  const userDropIn = (name: string) => join(home, '.config', 'containers', 'registries.conf.d', name);
  const systemDropIn = (name: string) => join(system, 'registries.conf.d', name);

  it('searches as containers/image does: a named file, else the user\'s, else the system\'s, each with its drop-in folders', () => {
    const named = join(root, 'ci.conf');
    expect(registriesConfLocations({ env: { CONTAINERS_REGISTRIES_CONF: named, REGISTRIES_CONFIG_PATH: '/other' }, home, systemDir: system })).toEqual({
      file: named, named: true, dropInDirs: [join(system, 'registries.conf.d'), join(home, '.config', 'containers', 'registries.conf.d')],
    });
    expect(registriesConfLocations({ file: '/flag.conf', env: { CONTAINERS_REGISTRIES_CONF: named }, home, systemDir: system }).file).toBe('/flag.conf');
    expect(registriesConfLocations({ env: { REGISTRIES_CONFIG_PATH: named }, home, systemDir: system }).file).toBe(named);
    expect(registriesConfLocations({ env: {}, home, systemDir: system })).toEqual({
      file: join(system, 'registries.conf'), named: false, dropInDirs: [join(system, 'registries.conf.d'), join(home, '.config', 'containers', 'registries.conf.d')],
    });
    writeFileSync(userFile(), '');
    // The user's file replaces the system's, drop-ins included.
    expect(registriesConfLocations({ env: {}, home, systemDir: system })).toEqual({
      file: userFile(), named: false, dropInDirs: [join(home, '.config', 'containers', 'registries.conf.d')],
    });
  });

  it('applies the drop-ins in lexical order, the system\'s before the user\'s; a later entry of a prefix replaces the earlier whole', () => {
    writeFileSync(join(system, 'registries.conf'), `${entry('docker.io', 'docker.io')}[[registry.mirror]]\nlocation = "system-mirror.local"\n${entry('quay.io', 'quay.io')}`);
    writeFileSync(systemDropIn('20-b.conf'), entry('docker.io', 'from-20.local'));
    writeFileSync(systemDropIn('10-a.conf'), `${entry('docker.io', 'from-10.local')}${entry('ghcr.io', 'ghcr.io')}`);
    writeFileSync(systemDropIn('30-ignored.toml'), 'not read');
    mkdirSync(systemDropIn('40-folder.conf'));
    writeFileSync(userDropIn('00-user.conf'), entry('ghcr.io', 'user-ghcr.local'));
    const conf = load();
    expect(conf.files).toEqual([join(system, 'registries.conf'), systemDropIn('10-a.conf'), systemDropIn('20-b.conf'), userDropIn('00-user.conf')]);
    expect(conf.registries.map((r) => [r.prefix, r.location, r.mirrors.length, r.file])).toEqual([
      ['docker.io', 'from-20.local', 0, systemDropIn('20-b.conf')],
      ['ghcr.io', 'user-ghcr.local', 0, userDropIn('00-user.conf')],
      ['quay.io', 'quay.io', 0, join(system, 'registries.conf')],
    ]);
  });

  it('reads the user\'s file and drop-ins alone when the user has a registries.conf', () => {
    writeFileSync(join(system, 'registries.conf'), entry('quay.io', 'quay.io'));
    writeFileSync(systemDropIn('10.conf'), entry('ghcr.io', 'ghcr.io'));
    writeFileSync(userFile(), entry('docker.io', 'docker.io'));
    writeFileSync(userDropIn('10.conf'), entry('registry.k8s.io', 'registry.k8s.io'));
    expect(load().registries.map((r) => r.prefix)).toEqual(['docker.io', 'registry.k8s.io']);
  });

  it('reads nothing when no file is at the default places; a named file must exist', () => {
    expect(load()).toEqual({ files: [], registries: [] });
    const missing = join(root, 'missing.conf');
    expect(errorOf(() => load({ CONTAINERS_REGISTRIES_CONF: missing }))).toBe(`${missing}: registries configuration not found`);
    expect(errorOf(() => load({}, missing))).toBe(`${missing}: registries configuration not found`);
  });

  it('names the drop-in a mistake is in', () => {
    writeFileSync(systemDropIn('50-bad.conf'), '[[registry]]\nlocation = "a.example.com"\nblock = true\n');
    expect(errorOf(() => load())).toMatch(new RegExp(`^${systemDropIn('50-bad.conf')}: unknown key "block" in registry\\[0\\] \\(did you mean "blocked"\\?\\)`));
  });

  it('reads the short-name aliases Debian\'s containers-common ships without applying them', () => {
    writeFileSync(systemDropIn('shortnames.conf'), '[aliases]\n  # docker\n  "alpine" = "docker.io/library/alpine"\n  "opensuse/leap" = "registry.opensuse.org/opensuse/leap"\n');
    expect(load().registries).toEqual([]);
  });
});

describe('the registry client and registries.conf', () => {
  it('refuses a pull from a blocked registry without asking it, naming the file and the prefix', async () => {
    const conf: RegistriesConf = { files: [FILE], registries: parse('[[registry]]\nlocation = "registry.example.invalid/team"\nblocked = true\n') };
    const client = new RegistryClient({ registriesConf: conf, retries: 0, credentials: () => undefined });
    try {
      await expect(client.resolveTag(parseImageRef('registry.example.invalid/team/app:1.0'))).rejects.toThrow(
        `registry.example.invalid/team/app: pulls from registry.example.invalid/team are blocked: its [[registry]] sets blocked = true in ${FILE}`,
      );
    } finally {
      client.close();
    }
  });

  it('says a tag cannot come from mirrors for digests only when the registry is blocked', async () => {
    const conf: RegistriesConf = {
      files: [FILE],
      registries: parse('[[registry]]\nlocation = "registry.example.invalid"\nblocked = true\nmirror-by-digest-only = true\n[[registry.mirror]]\nlocation = "mirror.example.invalid"\n'),
    };
    const client = new RegistryClient({ registriesConf: conf, retries: 0, credentials: () => undefined });
    try {
      await expect(client.resolveTag(parseImageRef('registry.example.invalid/team/app:1.0'))).rejects.toThrow(
        `registry.example.invalid/team/app: pulls from registry.example.invalid are blocked: its [[registry]] sets blocked = true in ${FILE}; ` +
          'its mirrors serve pulls by digest only (mirror-by-digest-only), and a tag is looked up by tag',
      );
    } finally {
      client.close();
    }
  });
});
