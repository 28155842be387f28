import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseLockFile, readLockFile, serializeLockFile, writeLockFile, type LockFile } from '../../src/images/lock-file';
import { LockFileResolver } from '../../src/images/lock-resolver';
import { HardpodError } from '../../src/model/errors';

const INDEX = `sha256:${'1'.repeat(64)}`;
const AMD = `sha256:${'2'.repeat(64)}`;
const ARM = `sha256:${'3'.repeat(64)}`;
const SINGLE = `sha256:${'4'.repeat(64)}`;

function sample(): LockFile {
  return {
    lockfileVersion: 1,
    images: {
      'ghcr.io/acme/web:v2': {
        resolvedFrom: 'https://ghcr.io',
        resolvedAt: '2026-01-01T00:00:00.000Z',
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        digest: SINGLE,
      },
      'docker.io/library/nginx:1.27': {
        digest: INDEX,
        mediaType: 'application/vnd.oci.image.index.v1+json',
        platforms: { 'linux/arm64/v8': ARM, 'linux/amd64': AMD },
        resolvedAt: '2026-01-01T00:00:00.000Z',
        resolvedFrom: 'https://registry-1.docker.io',
        facts: { uid: 101, gid: 101, user: 'nginx', exposed: ['80/tcp'], exposedPorts: [80] },
      },
    },
  };
}

describe('lock file', () => {
  it('serializes with sorted keys at every level, independent of insertion order', () => {
    const text = serializeLockFile(sample());
    const keys = Object.keys(JSON.parse(text).images);
    expect(keys).toEqual(['docker.io/library/nginx:1.27', 'ghcr.io/acme/web:v2']);
    expect(text.indexOf('"digest"')).toBeLessThan(text.indexOf('"mediaType"'));
    expect(text.indexOf('"linux/amd64"')).toBeLessThan(text.indexOf('"linux/arm64/v8"'));
    expect(text.endsWith('}\n')).toBe(true);
    const reversed: LockFile = { lockfileVersion: 1, images: Object.fromEntries(Object.entries(sample().images).reverse()) };
    expect(serializeLockFile(reversed)).toBe(text);
    expect(serializeLockFile(parseLockFile(text, 'x'))).toBe(text);
  });

  it('writes atomically and reads back synchronously', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hardpod-lock-'));
    const path = join(dir, 'hardpod.lock.json');
    await writeLockFile(path, sample());
    expect(readdirSync(dir)).toEqual(['hardpod.lock.json']);
    expect(readLockFile(path).images['docker.io/library/nginx:1.27'].digest).toBe(INDEX);
  });

  const broken: [string, string, RegExp][] = [
    ['not json', '{', /not valid JSON/],
    ['wrong version', '{"lockfileVersion":2,"images":{}}', /reads version 1/],
    ['images not object', '{"lockfileVersion":1,"images":[]}', /"images" must be an object/],
    ['key not normalized', `{"lockfileVersion":1,"images":{"nginx:1":{"digest":"${INDEX}","mediaType":"m","resolvedAt":"t","resolvedFrom":"u"}}}`, /should be written "docker.io\/library\/nginx:1"/],
    ['key with digest', `{"lockfileVersion":1,"images":{"docker.io/library/nginx@${INDEX}":{}}}`, /not a normalized tagged reference/],
    ['bad digest', '{"lockfileVersion":1,"images":{"docker.io/library/nginx:1":{"digest":"sha256:12","mediaType":"m","resolvedAt":"t","resolvedFrom":"u"}}}', /digest must be/],
    ['bad platform', `{"lockfileVersion":1,"images":{"docker.io/library/nginx:1":{"digest":"${INDEX}","mediaType":"m","resolvedAt":"t","resolvedFrom":"u","platforms":{"linux/amd64":"x"}}}}`, /platforms\["linux\/amd64"\]/],
  ];
  it.each(broken)('names the file and the problem: %s', (_name, text, message) => {
    expect(() => parseLockFile(text, '/app/hardpod.lock.json')).toThrow(HardpodError);
    expect(() => parseLockFile(text, '/app/hardpod.lock.json')).toThrow(message);
    expect(() => parseLockFile(text, '/app/hardpod.lock.json')).toThrow(/^\/app\/hardpod.lock.json(:\d+)?: /);
  });

  it('names the line of a JSON error and what was expected, without quoting the file, and skips a byte-order mark', () => {
    const text = '{\n  "lockfileVersion": 1,\n  "images": {\n    "x": nope\n  }\n}\n';
    expect(() => parseLockFile(text, 'hardpod.lock.json')).toThrow(new Error(
      'hardpod.lock.json:4: not valid JSON: unexpected "nope"; expected a JSON value: a string in double quotes, a number, true, false, null, an object or an array; '
      + 'fix it by hand, or delete it and run `npx hardpod lock` (with the PATH it was locked from, if any) to resolve every image again',
    ));
    expect(parseLockFile(`\uFEFF${serializeLockFile(sample())}`, 'hardpod.lock.json')).toEqual(sample());
  });

  it('refuses a key given twice (a merge gone wrong), naming both lines, rather than keeping the last', () => {
    const entry = (digest: string) => `{"digest":"${digest}","mediaType":"m","resolvedAt":"t","resolvedFrom":"u"}`;
    const text = [
      '{',
      '  "lockfileVersion": 1,',
      '  "images": {',
      `    "docker.io/library/nginx:1.27": ${entry(INDEX)},`,
      `    "ghcr.io/acme/web:v2": ${entry(SINGLE)},`,
      `    "docker.io/library/nginx:1.27": ${entry(AMD)}`,
      '  }',
      '}',
    ].join('\n');
    expect(() => parseLockFile(text, 'hardpod.lock.json')).toThrow(
      /^hardpod.lock.json:6: the key "docker.io\/library\/nginx:1.27" is given twice in one object, on lines 4 and 6/,
    );
    expect(() => parseLockFile(`\uFEFF${text}`, 'hardpod.lock.json', 'lazy')).toThrow(/lines 4 and 6/);
    // The same key in two objects is no duplicate.
    expect(parseLockFile(serializeLockFile(sample()), 'hardpod.lock.json').images['ghcr.io/acme/web:v2'].digest).toBe(SINGLE);
  });

  it('says which command creates a missing lock file', () => {
    expect(() => readLockFile('/nonexistent/hardpod.lock.json')).toThrow(/npx hardpod lock/);
  });
});

describe('LockFileResolver', () => {
  const resolver = new LockFileResolver(sample(), 'app/hardpod.lock.json');

  it('pins a locked tag, keeping the tag, with its facts', () => {
    const resolved = resolver.resolve('nginx:1.27', 'app/web');
    expect(resolved.reference).toBe(`docker.io/library/nginx:1.27@${INDEX}`);
    expect(resolved.facts?.uid).toBe(101);
    expect(resolver.resolve('ghcr.io/acme/web:v2', 'app/api').reference).toBe(`ghcr.io/acme/web:v2@${SINGLE}`);
  });

  it('accepts digest references and finds facts by index or platform digest', () => {
    expect(resolver.resolve(`nginx@${ARM}`, 'app/web').facts?.uid).toBe(101);
    expect(resolver.resolve(`example.com/other@${SINGLE}`, 'app/web')).toEqual({ reference: `example.com/other@${SINGLE}` });
  });

  it('refuses an unlocked tag, naming the construct path and the command', () => {
    let thrown: unknown;
    try {
      resolver.resolve('nginx:1.28', 'app/web/Deployment');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(HardpodError);
    expect((thrown as HardpodError).where).toBe('app/web/Deployment');
    expect((thrown as HardpodError).message).toMatch(/app\/hardpod.lock.json has no entry for docker.io\/library\/nginx:1.28/);
    expect((thrown as HardpodError).message).toMatch(/npx hardpod lock/);
  });

  it('refuses an untagged reference unless latest is locked', () => {
    expect(() => resolver.resolve('nginx', 'app/web')).toThrow(/docker.io\/library\/nginx:latest/);
  });

  it('reports malformed references with the construct path', () => {
    expect(() => resolver.resolve('Bad/Ref', 'app/web')).toThrow(/^app\/web: invalid image reference/);
  });

  it('reads from a file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hardpod-lock-'));
    const path = join(dir, 'hardpod.lock.json');
    writeFileSync(path, serializeLockFile(sample()));
    expect(LockFileResolver.fromFile(path).resolve('nginx:1.27', 'x').reference).toContain(INDEX);
    expect(readFileSync(path, 'utf8')).toBe(serializeLockFile(sample()));
  });
});

describe('LockFileResolver reading a file lazily', () => {
  it('checks an entry when it is used, naming the file and the entry', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hardpod-lock-'));
    const path = join(dir, 'hardpod.lock.json');
    const lock = sample();
    writeFileSync(path, serializeLockFile({ ...lock, images: { ...lock.images, 'ghcr.io/acme/broken:v1': { ...lock.images['ghcr.io/acme/web:v2'], digest: 'sha256:short' } } }));
    const resolver = LockFileResolver.fromFile(path);
    expect(resolver.resolve('ghcr.io/acme/web:v2', 'app').reference).toContain(SINGLE);
    expect(() => resolver.resolve('ghcr.io/acme/broken:v1', 'app')).toThrow(/images\["ghcr.io\/acme\/broken:v1"\].digest must be/);
    expect(() => readLockFile(path)).toThrow(/broken/);
  });
});

describe('LockFileResolver mirror references', () => {
  it('emits the mirror name with the upstream digest; the lock keeps the upstream key', () => {
    const resolver = new LockFileResolver(sample(), 'hardpod.lock.json', { mirrorReferences: { 'docker.io': 'mirror.example.com:5000/hub' } });
    expect(resolver.resolve('nginx:1.27', 'app').reference).toBe(`mirror.example.com:5000/hub/library/nginx:1.27@${INDEX}`);
    expect(resolver.resolve(`nginx@${ARM}`, 'app').reference).toBe(`mirror.example.com:5000/hub/library/nginx@${ARM}`);
    expect(resolver.resolve('ghcr.io/acme/web:v2', 'app').reference).toBe(`ghcr.io/acme/web:v2@${SINGLE}`);
    expect(() => new LockFileResolver(sample(), 'x', { mirrorReferences: { 'docker.io': 'https://mirror/' } })).toThrow(/host\[:port\]\[\/path\]/);
  });
});
