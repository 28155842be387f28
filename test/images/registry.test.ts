import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { NAMED_USER_HARDENED, NUMERIC_USER_DISTROLESS, ROOT_WITH_SHELL } from './fixtures';
import { parseImageRef } from '../../src/images/image-ref';
import { RegistryClient } from '../../src/images/registry-client';
import { resolveImage } from '../../src/images/resolve-image';
import { HardpodError } from '../../src/model/errors';
import { ForwardProxy } from '../harness/forward-proxy';
import { buildWithUmoci, pushImage, pushIndex, sha256 } from '../harness/oci-images';
import { freePort } from '../harness/ports';
import { describeRegistry, selfSignedCertificate, startRegistry, type TestRegistry } from '../harness/registry';
import { RegistryProxy } from '../harness/registry-proxy';

const NO_CREDENTIALS = () => undefined;

describeRegistry('registry client against a real docker-registry', () => {
  let registry: TestRegistry;
  let single: Awaited<ReturnType<typeof pushImage>>;
  let multi: Awaited<ReturnType<typeof pushIndex>>;
  let root: Awaited<ReturnType<typeof pushImage>>;
  const clients: RegistryClient[] = [];
  const client = (options: ConstructorParameters<typeof RegistryClient>[0] = {}) => {
    const made = new RegistryClient({ credentials: NO_CREDENTIALS, retryBaseMs: 10, ...options });
    clients.push(made);
    return made;
  };

  beforeAll(async () => {
    registry = await startRegistry();
    single = await pushImage(registry.url, 'team/distroless', 'v1', NUMERIC_USER_DISTROLESS);
    root = await pushImage(registry.url, 'team/rooty', 'v1', ROOT_WITH_SHELL);
    multi = await pushIndex(registry.url, 'team/multi', '2.0', [NAMED_USER_HARDENED, { ...NUMERIC_USER_DISTROLESS, architecture: 'arm64', variant: 'v8' }]);
  });
  afterAll(async () => {
    clients.forEach((made) => made.close());
    await registry?.stop();
  });

  it('resolves a single-platform tag to the digest of the manifest that was pushed', async () => {
    const entry = await resolveImage(client(), parseImageRef(`${registry.host}/team/distroless:v1`));
    expect(entry.digest).toBe(single.digest);
    expect(entry.mediaType).toBe('application/vnd.oci.image.manifest.v1+json');
    expect(entry.platforms).toBeUndefined();
    expect(entry.resolvedFrom).toBe(registry.url);
    expect(entry.facts).toMatchObject({ user: '65532:65532', uid: 65532, gid: 65532, exposedPorts: [8443], exposed: ['8443/tcp'], inspected: false, platform: 'linux/amd64' });
  });

  it('without a platform asked for, an index lacking linux/amd64 gives the facts of its first Linux image, not of a Windows one listed first', async () => {
    const mixed = await pushIndex(registry.url, 'team/mixed', '1.0', [
      { ...ROOT_WITH_SHELL, os: 'windows', user: 'ContainerUser' },
      { ...NUMERIC_USER_DISTROLESS, architecture: 'arm64', variant: 'v8' },
    ]);
    const entry = await resolveImage(client(), parseImageRef(`${registry.host}/team/mixed:1.0`));
    expect(entry.digest).toBe(mixed.digest);
    expect(entry.facts).toMatchObject({ platform: 'linux/arm64/v8', uid: 65532 });
    // Asked for, the Windows image is read.
    expect((await resolveImage(client(), parseImageRef(`${registry.host}/team/mixed:1.0`), { platform: 'windows/amd64' })).facts).toMatchObject({ platform: 'windows/amd64', user: 'ContainerUser' });
  });

  it('pins a multi-arch index by its own digest, records each platform, and skips the attestation', async () => {
    const entry = await resolveImage(client(), parseImageRef(`${registry.host}/team/multi:2.0`));
    expect(entry.digest).toBe(multi.digest);
    expect(entry.mediaType).toBe('application/vnd.oci.image.index.v1+json');
    expect(entry.platforms).toEqual({ 'linux/amd64': multi.children[0].digest, 'linux/arm64/v8': multi.children[1].digest });
    expect(Object.values(entry.platforms ?? {})).not.toContain(multi.attestation.digest);
  });

  it('resolves a named user through /etc/passwd and reads the layers with whiteouts applied', async () => {
    const entry = await resolveImage(client(), parseImageRef(`${registry.host}/team/multi:2.0`));
    expect(entry.facts).toMatchObject({
      user: 'app',
      uid: 1000,
      gid: 1001,
      userName: 'app',
      userResolved: true,
      workingDir: '/srv',
      exposedPorts: [8080, 9090],
      volumes: ['/data'],
      inspected: true,
      hasShell: true,
      hasPackageManager: false,
      setuidFiles: [],
      baseName: 'docker.io/library/debian:12',
      baseDigest: `sha256:${'b'.repeat(64)}`,
    });
    expect(entry.facts?.tools).toEqual(['dash', 'sh', 'wget']);
  });

  it('reads facts of another platform when asked', async () => {
    const entry = await resolveImage(client(), parseImageRef(`${registry.host}/team/multi:2.0`), { platform: 'linux/arm64/v8', inspect: true });
    expect(entry.digest).toBe(multi.digest);
    expect(entry.facts).toMatchObject({ uid: 65532, platform: 'linux/arm64/v8', hasShell: false, tools: [] });
    await expect(resolveImage(client(), parseImageRef(`${registry.host}/team/multi:2.0`), { platform: 'linux/s390x' })).rejects.toThrow(/no image for platform linux\/s390x; it has linux\/amd64, linux\/arm64\/v8/);
  });

  it('inspects a root image with a shell, a package manager and a setuid binary (Docker v2 media types)', async () => {
    const entry = await resolveImage(client(), parseImageRef(`${registry.host}/team/rooty:v1`), { inspect: true });
    expect(entry.digest).toBe(root.digest);
    expect(entry.mediaType).toBe('application/vnd.docker.distribution.manifest.v2+json');
    expect(entry.facts).toMatchObject({ uid: 0, gid: 0, userName: 'root', hasShell: true, hasPackageManager: true, setuidFiles: ['/usr/bin/su'] });
  });

  it('resolves an image written by umoci and copied by skopeo, numeric facts without layers', async () => {
    buildWithUmoci(registry.host, 'tools/umoci', 'v3', { user: '4242:4243', port: '7000/tcp', files: { 'hello.txt': 'hi\n' } });
    const entry = await resolveImage(client(), parseImageRef(`${registry.host}/tools/umoci:v3`));
    const raw = await fetch(`${registry.url}/v2/tools/umoci/manifests/${entry.digest}`, { headers: { Accept: 'application/vnd.oci.image.manifest.v1+json' } });
    expect(sha256(Buffer.from(await raw.arrayBuffer()))).toBe(entry.digest);
    expect(entry.facts).toMatchObject({ uid: 4242, gid: 4243, exposedPorts: [7000] });
  });

  it('reads zstd-compressed layers (skopeo --dest-compress-format zstd) to resolve a named user', async () => {
    buildWithUmoci(registry.host, 'tools/zstd', 'v1', {
      user: 'app:app',
      port: '8080/tcp',
      files: { 'etc/passwd': 'root:x:0:0::/root:/sbin/nologin\napp:x:1234:1235::/home/app:/sbin/nologin\n', 'etc/group': 'root:x:0:\napp:x:1235:\n' },
      compression: 'zstd',
    });
    const entry = await resolveImage(client(), parseImageRef(`${registry.host}/tools/zstd:v1`), { inspect: true });
    const raw = await fetch(`${registry.url}/v2/tools/zstd/manifests/${entry.digest}`, { headers: { Accept: 'application/vnd.oci.image.manifest.v1+json' } });
    const manifest = (await raw.json()) as { layers: { mediaType: string }[] };
    expect(manifest.layers.map((l) => l.mediaType)).toEqual(['application/vnd.oci.image.layer.v1.tar+zstd']);
    // The user is a name: only the layers' /etc/passwd and /etc/group turn it into numbers.
    expect(entry.facts).toMatchObject({ uid: 1234, gid: 1235, userName: 'app', exposedPorts: [8080], hasShell: false });
  });

  it('reads zstd:chunked layers, many frames one after another, to the last file', async () => {
    // Each file is a frame of its own: /etc/passwd and /etc/group come after a dozen other files.
    const files: Record<string, string> = {};
    for (let i = 0; i < 12; i++) files[`usr/share/doc/file-${i}.txt`] = `${'documentation '.repeat(400)}${i}\n`;
    files['etc/passwd'] = 'root:x:0:0::/root:/sbin/nologin\napp:x:2345:2346::/home/app:/sbin/nologin\n';
    files['etc/group'] = 'root:x:0:\napp:x:2346:\n';
    buildWithUmoci(registry.host, 'tools/chunked', 'v1', { user: 'app:app', port: '8080/tcp', files, compression: 'zstd:chunked' });
    const entry = await resolveImage(client(), parseImageRef(`${registry.host}/tools/chunked:v1`), { inspect: true });
    const raw = await fetch(`${registry.url}/v2/tools/chunked/manifests/${entry.digest}`, { headers: { Accept: 'application/vnd.oci.image.manifest.v1+json' } });
    const manifest = (await raw.json()) as { layers: { mediaType: string; digest: string }[] };
    expect(manifest.layers.map((l) => l.mediaType)).toEqual(['application/vnd.oci.image.layer.v1.tar+zstd']);
    const blob = Buffer.from(await (await fetch(`${registry.url}/v2/tools/chunked/blobs/${manifest.layers[0].digest}`)).arrayBuffer());
    expect(frameStarts(blob)).toBeGreaterThan(10);
    expect(entry.facts).toMatchObject({ uid: 2345, gid: 2346, userName: 'app', exposedPorts: [8080], hasShell: false });
  });

  it('asks HEAD first with the full Accept list, then GETs only by digest', async () => {
    const proxy = await RegistryProxy.start(registry.url);
    try {
      await resolveImage(client(), parseImageRef(`${proxy.host}/team/distroless:v1`));
      expect(proxy.requests[0]).toMatchObject({ method: 'HEAD', path: '/v2/team/distroless/manifests/v1' });
      expect(proxy.requests[0].accept?.split(', ').sort()).toEqual([
        'application/vnd.docker.distribution.manifest.list.v2+json',
        'application/vnd.docker.distribution.manifest.v2+json',
        'application/vnd.oci.image.index.v1+json',
        'application/vnd.oci.image.manifest.v1+json',
      ]);
      const gets = proxy.requests.filter((request) => request.method === 'GET');
      expect(gets.every((request) => /sha256:/.test(request.path))).toBe(true);
    } finally {
      await proxy.stop();
    }
  });

  it('reads the tag with a GET, hashing what it gets, from a registry that does not serve HEAD (405, 501)', async () => {
    const proxy = await RegistryProxy.start(registry.url);
    try {
      for (const code of [405, 501]) {
        proxy.faults = { headStatus: code };
        proxy.requests.length = 0;
        const log: string[] = [];
        const ref = parseImageRef(`${proxy.host}/team/multi:2.0`);
        expect((await resolveImage(client({ log: (line) => log.push(line) }), ref)).digest).toBe(multi.digest);
        expect((await client().resolveTag(ref)).digest).toBe(multi.digest);
        // One HEAD each, not retried; then the tag is read with a GET.
        expect(proxy.requests.filter((request) => request.method === 'HEAD')).toHaveLength(2);
        expect(proxy.requests.filter((request) => request.method === 'GET' && request.path === '/v2/team/multi/manifests/2.0')).toHaveLength(2);
        expect(log).toContain(`${proxy.host}: HEAD answered HTTP ${code}; reading tag 2.0 of ${proxy.host}/team/multi with a GET`);
      }
    } finally {
      await proxy.stop();
    }
  });

  it('hashes the manifest a tag serves when its HEAD names a digest the registry has no manifest for', async () => {
    const proxy = await RegistryProxy.start(registry.url);
    const wrong = `sha256:${'d'.repeat(64)}`;
    try {
      proxy.faults = { digestHeader: { method: 'HEAD', value: wrong } };
      const log: string[] = [];
      const ref = parseImageRef(`${proxy.host}/team/multi:2.0`);
      expect((await resolveImage(client({ log: (line) => log.push(line) }), ref)).digest).toBe(multi.digest);
      expect((await client().getTagManifest(ref)).digest).toBe(multi.digest);
      expect(log).toContain(`${proxy.host}/team/multi: the registry named ${wrong} for tag 2.0 but has no manifest by that digest; reading the tag with a GET`);
      // The GET names the same wrong digest: the bytes do not match it, and nothing is pinned.
      proxy.faults = { digestHeader: { value: wrong } };
      await expect(resolveImage(client(), ref)).rejects.toThrow(`content from ${proxy.url} does not match its digest: expected ${wrong}, got ${multi.digest}`);
    } finally {
      await proxy.stop();
    }
  });

  it('checks a tag against a sha512 Docker-Content-Digest in sha512, and pins its sha256 digest', async () => {
    const proxy = await RegistryProxy.start(registry.url);
    try {
      const raw = await fetch(`${registry.url}/v2/team/multi/manifests/2.0`, { headers: { Accept: 'application/vnd.oci.image.index.v1+json' } });
      const sha512 = `sha512:${createHash('sha512').update(Buffer.from(await raw.arrayBuffer())).digest('hex')}`;
      const ref = parseImageRef(`${proxy.host}/team/multi:2.0`);
      proxy.faults = { digestHeader: { value: sha512 } };
      expect((await resolveImage(client(), ref)).digest).toBe(multi.digest);
      const wrong = `sha512:${'d'.repeat(128)}`;
      proxy.faults = { digestHeader: { value: wrong } };
      await expect(resolveImage(client(), ref)).rejects.toThrow(`does not match its digest: expected ${wrong}, got ${sha512}`);
    } finally {
      await proxy.stop();
    }
  });

  it('refuses JSON that is no manifest (null, a list that is not one, a descriptor without a digest) with what is wrong, never a TypeError', async () => {
    const proxy = await RegistryProxy.start(registry.url);
    const ref = parseImageRef(`${proxy.host}/team/multi:2.0`);
    const index = 'application/vnd.oci.image.index.v1+json';
    try {
      for (const [body, problem] of [
        ['null', 'it is null, expected an object'],
        [JSON.stringify({ schemaVersion: 2, mediaType: index, manifests: {} }), 'manifests is an object, expected a list of descriptors'],
        [JSON.stringify({ schemaVersion: 2, mediaType: index, manifests: [null] }), 'manifests[0] is null, expected a descriptor object'],
        [JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'x' }, layers: [] }), 'config has no digest'],
      ]) {
        // The registry's HEAD is refused, so the tag is read with a GET, whose body the proxy replaces.
        proxy.faults = { headStatus: 405, manifestBody: body };
        await expect(resolveImage(client(), ref)).rejects.toThrow(new RegExp(`^${proxy.host}/team/multi: the manifest sha256:[0-9a-f]{64} of ${proxy.host}/team/multi is no image manifest or index: ${problem.replace(/[[\]]/g, '\\$&')}$`));
      }
    } finally {
      await proxy.stop();
    }
  });

  it('says a missing tag is not found (404) and names the repository', async () => {
    await expect(resolveImage(client(), parseImageRef(`${registry.host}/team/distroless:nope`))).rejects.toThrow(/tag nope not found in 127\.0\.0\.1:\d+\/team\/distroless \(HTTP 404/);
  });

  it('retries 429 and 500 with backoff and then succeeds', async () => {
    const proxy = await RegistryProxy.start(registry.url);
    const log: string[] = [];
    try {
      proxy.faults = { status: { code: 429, count: 2 } };
      const entry = await resolveImage(client({ log: (line) => log.push(line) }), parseImageRef(`${proxy.host}/team/distroless:v1`));
      expect(entry.digest).toBe(single.digest);
      proxy.faults = { status: { code: 500, count: 1 } };
      expect((await resolveImage(client({ log: (line) => log.push(line) }), parseImageRef(`${proxy.host}/team/distroless:v1`))).digest).toBe(single.digest);
      expect(log.filter((line) => /HTTP 429; retry/.test(line))).toHaveLength(2);
      expect(log.filter((line) => /HTTP 500; retry/.test(line))).toHaveLength(1);
    } finally {
      await proxy.stop();
    }
  });

  it('waits as long as Retry-After asks, in seconds or as an HTTP date, and fails at once when that is longer than 30 s', async () => {
    const proxy = await RegistryProxy.start(registry.url);
    try {
      const ref = parseImageRef(`${proxy.host}/team/distroless:v1`);
      // A date two seconds ahead (HTTP dates have whole seconds: a wait of more than one second).
      proxy.faults = { status: { code: 503, count: 1, retryAfter: () => new Date(Date.now() + 2000).toUTCString() } };
      const log: string[] = [];
      const started = Date.now();
      expect((await resolveImage(client({ log: (line) => log.push(line) }), ref)).digest).toBe(single.digest);
      expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
      expect(log).toEqual([expect.stringMatching(/: HTTP 503; retry 1 of 3 in 1\d{3} ms$/)]);
      proxy.faults = { status: { code: 429, count: 1, retryAfter: '1' } };
      log.length = 0;
      expect((await resolveImage(client({ log: (line) => log.push(line) }), ref)).digest).toBe(single.digest);
      expect(log).toEqual([expect.stringMatching(/: HTTP 429; retry 1 of 3 in 1000 ms$/)]);
      // Asking again before the hour is over would be refused again: one request, and the wait is said.
      proxy.faults = { status: { code: 429, count: 100, retryAfter: '3600' } };
      proxy.requests.length = 0;
      await expect(resolveImage(client(), ref)).rejects.toThrow(
        'the registry answered HTTP 429 and asks to wait 3600 s before asking again (Retry-After: 3600), longer than hardpod waits (30 s); try again later or use a mirror',
      );
      expect(proxy.requests).toHaveLength(1);
    } finally {
      await proxy.stop();
    }
  });

  it('gives up after the bounded retries with a clear error', async () => {
    const proxy = await RegistryProxy.start(registry.url);
    try {
      proxy.faults = { status: { code: 500, count: 100 } };
      await expect(resolveImage(client({ retries: 2 }), parseImageRef(`${proxy.host}/team/distroless:v1`))).rejects.toThrow(/HTTP 500 for tag v1 after 2 retries/);
      expect(proxy.requests).toHaveLength(3);
      proxy.faults = { status: { code: 429, count: 100 } };
      await expect(resolveImage(client({ retries: 1 }), parseImageRef(`${proxy.host}/team/distroless:v1`))).rejects.toThrow(/HTTP 429/);
    } finally {
      await proxy.stop();
    }
  });

  it('reports a registry that is down', async () => {
    const port = await freePort();
    const error = await resolveImage(client({ retries: 1 }), parseImageRef(`127.0.0.1:${port}/team/distroless:v1`)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(HardpodError);
    expect((error as Error).message).toMatch(new RegExp(`cannot reach the registry at http://127.0.0.1:${port}: ECONNREFUSED`));
  });

  it('times out on a registry that does not answer, and on a body that stalls', async () => {
    const proxy = await RegistryProxy.start(registry.url);
    try {
      proxy.faults = { delayMs: 2000 };
      await expect(resolveImage(client({ timeoutMs: 300, retries: 1 }), parseImageRef(`${proxy.host}/team/distroless:v1`))).rejects.toThrow(/no answer within 300 ms/);
      proxy.faults = { stallBodyMs: 2000 };
      await expect(resolveImage(client({ timeoutMs: 300, retries: 0 }), parseImageRef(`${proxy.host}/team/distroless:v1`))).rejects.toThrow(/no data from http:\/\/127.0.0.1:\d+ for 300 ms/);
    } finally {
      await proxy.stop();
    }
  });

  it('rejects manifests, configs and layers whose content does not match their digest', async () => {
    const proxy = await RegistryProxy.start(registry.url);
    try {
      const layerOnly = new RegExp(`/blobs/(?!${multi.children.map((child) => child.configDigest).join('|')})`);
      for (const tamper of [/\/manifests\/sha256:/, /\/blobs\/sha256:/, layerOnly]) {
        proxy.faults = { tamper };
        const error = await resolveImage(client(), parseImageRef(`${proxy.host}/team/multi:2.0`), { inspect: true }).catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(HardpodError);
        expect((error as Error).message).toMatch(/does not match its digest: expected sha256:[a-f0-9]{64}, got sha256:[a-f0-9]{64}/);
      }
    } finally {
      await proxy.stop();
    }
  });

  it('pulls through a mirror while keeping the upstream digest, and falls back when the mirror fails', async () => {
    const proxy = await RegistryProxy.start(registry.url);
    try {
      const ref = parseImageRef(`${registry.host}/team/distroless:v1`);
      const entry = await resolveImage(client({ mirrors: { [registry.host]: [proxy.url] } }), ref);
      expect(entry.digest).toBe(single.digest);
      expect(entry.resolvedFrom).toBe(proxy.url);
      expect(proxy.requests.length).toBeGreaterThan(0);
      const down = `http://127.0.0.1:${await freePort()}`;
      const fallback = await resolveImage(client({ retries: 0, mirrors: { [registry.host]: [down] } }), ref);
      expect(fallback.resolvedFrom).toBe(registry.url);
      // A plain-HTTP mirror written with https:// is said so, once, not retried.
      const log: string[] = [];
      const wrongScheme = await resolveImage(client({ log: (line) => log.push(line), mirrors: { [registry.host]: [`https://${proxy.host}`] } }), ref);
      expect(wrongScheme.resolvedFrom).toBe(registry.url);
      expect(log).toEqual([
        `mirror https://${proxy.host} failed for ${registry.host}/team/distroless (${registry.host}/team/distroless: cannot reach the registry: ` +
          `https://${proxy.host} answered in plain HTTP, not HTTPS; write its URL with http:// (http://${proxy.host}) if it is meant to); ` +
          'trying the next source, and not asking this mirror again',
      ]);
    } finally {
      await proxy.stop();
    }
  });

  it('goes past a mirror that cannot be reached for the rest of the run, instead of waiting for its retries on every request', async () => {
    const down = `http://127.0.0.1:${await freePort()}`;
    const log: string[] = [];
    const mirrored = client({ retries: 2, log: (line) => log.push(line), mirrors: { [registry.host]: [down] } });
    for (const tag of ['team/distroless:v1', 'team/multi:2.0']) {
      expect((await resolveImage(mirrored, parseImageRef(`${registry.host}/${tag}`))).resolvedFrom).toBe(registry.url);
    }
    // The first request's retries, then one line; the tags, manifests and configs after it go to the registry.
    expect(log).toEqual([
      expect.stringMatching(/ECONNREFUSED; retry 1 of 2/),
      expect.stringMatching(/ECONNREFUSED; retry 2 of 2/),
      `mirror ${down} failed for ${registry.host}/team/distroless (${registry.host}/team/distroless: cannot reach the registry at ${down}: ECONNREFUSED (after 2 retries)); ` +
        'trying the next source, and not asking this mirror again',
    ]);
  });

  it('asks a registry over HTTPS unless it is loopback (one listed as insecure is asked over HTTPS first)', () => {
    expect(client().registryBase('registry.example.com:5000')).toBe('https://registry.example.com:5000');
    expect(client({ insecureRegistries: ['registry.example.com:5000'] }).registryBase('registry.example.com:5000')).toBe('https://registry.example.com:5000');
    expect(client().registryBase('docker.io')).toBe('https://registry-1.docker.io');
    expect(client().registryBase('[::1]:5000')).toBe('http://[::1]:5000');
  });
  describe('through a forward proxy', () => {
    // A name only the proxy resolves, as behind a corporate proxy.
    const name = 'registry.hardpod.test';
    let front: RegistryProxy;
    let forward: ForwardProxy;
    let proxyUrl: string;
    beforeAll(async () => {
      front = await RegistryProxy.start(registry.url, selfSignedCertificate([name]));
      forward = await ForwardProxy.start({ hosts: { [name]: '127.0.0.1' }, credentials: 'egress:s3cret', deny: ['blocked.hardpod.test'] });
      proxyUrl = forward.url.replace('http://', 'http://egress:s3cret@');
    });
    afterAll(async () => {
      await forward?.stop();
      await front?.stop();
    });

    it('keeps tunnels and proxy connections alive: one CONNECT for every HTTPS request to a registry, one connection for plain HTTP', async () => {
      const secured = `${name}:${front.port}`;
      const before = forward.asked.length;
      const tunnelled = await resolveImage(client({ concurrency: 1, insecureRegistries: [secured], proxyEnv: { HTTPS_PROXY: proxyUrl } }), parseImageRef(`${secured}/team/multi:2.0`));
      expect(tunnelled.digest).toBe(multi.digest);
      expect(front.requests.length).toBeGreaterThan(3);
      expect(forward.asked.slice(before)).toEqual([{ target: secured, allowed: true }]);

      // A plain HTTP registry listed as insecure: its HTTPS probe in a tunnel, then every request on one connection.
      const plain = `${name}:${registry.host.split(':')[1]}`;
      const connections = forward.connections;
      const forwarded = await resolveImage(client({ concurrency: 1, insecureRegistries: [plain], proxyEnv: { HTTPS_PROXY: proxyUrl, HTTP_PROXY: proxyUrl } }), parseImageRef(`${plain}/team/multi:2.0`));
      expect(forwarded).toMatchObject({ digest: multi.digest, resolvedFrom: `http://${plain}` });
      expect(forward.asked.filter((asked) => asked.target.startsWith(`http://${plain}/v2/team/multi/`)).length).toBeGreaterThan(3);
      expect(forward.connections - connections).toBe(2);
    });

    it('names the proxy and what to do when it cannot be reached, refuses, or cannot reach the registry, never its credentials', async () => {
      const down = `127.0.0.1:${await freePort()}`;
      const unreachable = await resolveImage(client({ retries: 1, proxyEnv: { https_proxy: `http://egress:s3cret@${down}` } }), parseImageRef(`${name}/team/distroless:v1`)).catch((caught: unknown) => caught);
      expect(unreachable).toBeInstanceOf(HardpodError);
      expect((unreachable as Error).message).toBe(
        `${name}/team/distroless: cannot reach the registry at https://${name}: ECONNREFUSED through the proxy http://${down} (after 1 retries); ` +
          `check the proxy https_proxy names, or list ${name} in NO_PROXY if it is reached without the proxy`,
      );

      // A refusal is the proxy's answer for good: said at once, not retried.
      const log: string[] = [];
      const blocked = await resolveImage(client({ log: (line) => log.push(line), proxyEnv: { HTTPS_PROXY: proxyUrl } }), parseImageRef('blocked.hardpod.test/team/distroless:v1')).catch((caught: unknown) => caught);
      expect((blocked as Error).message).toBe(
        `blocked.hardpod.test: the proxy ${forward.url} refused to connect to blocked.hardpod.test:443 (HTTP 403 Forbidden); ` +
          'ask its administrators to let blocked.hardpod.test through, or list blocked.hardpod.test in NO_PROXY if it is reached without the proxy',
      );
      expect(log).toEqual([]);

      // The proxy could not reach the registry (HTTP 502): retried, as a connection that failed is.
      const gateway = await resolveImage(client({ retries: 1, proxyEnv: { HTTPS_PROXY: proxyUrl } }), parseImageRef(`${name}:${await freePort()}/team/distroless:v1`)).catch((caught: unknown) => caught);
      expect((gateway as Error).message).toMatch(new RegExp(`cannot reach the registry at https://${name.replace(/\./g, '\\.')}:(\\d+): the proxy ${forward.url} could not connect to ${name.replace(/\./g, '\\.')}:\\1 \\(HTTP 502 Bad Gateway\\) \\(after 1 retries\\); check the proxy HTTPS_PROXY names`));
      for (const error of [unreachable, blocked, gateway]) expect(String(error)).not.toMatch(/s3cret|egress/);
    });

    it('closes the connection to a proxy that never answers CONNECT when the client closes', async () => {
      const open = new Set<net.Socket>();
      const silent = net.createServer((socket) => {
        // Reads the CONNECT and never answers it.
        socket.resume();
        open.add(socket);
        socket.once('close', () => open.delete(socket));
      });
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      const silentUrl = `http://127.0.0.1:${(silent.address() as net.AddressInfo).port}`;
      try {
        const made = client({ timeoutMs: 200, retries: 0, proxyEnv: { HTTPS_PROXY: silentUrl } });
        await expect(resolveImage(made, parseImageRef(`${name}/team/distroless:v1`))).rejects.toThrow(`no answer within 200 ms through the proxy ${silentUrl} (after 0 retries)`);
        expect(open.size).toBe(1);
        made.close();
        // A connection left open would keep the command from exiting.
        for (let waited = 0; open.size > 0 && waited < 2000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
        expect(open.size).toBe(0);
      } finally {
        for (const socket of open) socket.destroy();
        await new Promise((resolve) => silent.close(resolve));
      }
    });
  });
});

describeRegistry('registry authentication against a real docker-registry', () => {
  const username = 'ci-bot';
  const password = 'pa55-w0rd-not-for-logs';
  let open: TestRegistry;
  let digest: string;
  beforeAll(async () => {
    open = await startRegistry();
    digest = (await pushImage(open.url, 'private/app', 'v1', NUMERIC_USER_DISTROLESS)).digest;
  });
  afterAll(async () => {
    await open?.stop();
  });

  function authFile(entries: Record<string, object>): NodeJS.ProcessEnv {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hardpod-auth-'));
    fs.writeFileSync(path.join(dir, 'auth.json'), JSON.stringify({ auths: entries }));
    return { REGISTRY_AUTH_FILE: path.join(dir, 'auth.json'), HOME: dir };
  }

  async function expectNoSecretIn(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
    const error = await promise.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(HardpodError);
    expect((error as Error).message).toMatch(pattern);
    expect((error as Error).message).not.toContain(password);
    expect((error as Error).message).not.toContain(Buffer.from(`${username}:${password}`).toString('base64'));
  }

  it('htpasswd Basic auth: credentials from REGISTRY_AUTH_FILE work; wrong or none are refused without leaking', async () => {
    const locked = await startRegistry({ auth: { kind: 'htpasswd', username, password }, storageDir: open.storageDir });
    const { dockerCredentials } = await import('../../src/images/credentials');
    try {
      const ref = parseImageRef(`${locked.host}/private/app:v1`);
      const good = new RegistryClient({ credentials: dockerCredentials({ env: authFile({ [locked.host]: { auth: Buffer.from(`${username}:${password}`).toString('base64') } }) }) });
      expect((await resolveImage(good, ref)).digest).toBe(digest);
      good.close();
      const wrong = new RegistryClient({ credentials: dockerCredentials({ env: authFile({ [`http://${locked.host}`]: { username, password: 'wrong' } }) }) });
      await expectNoSecretIn(resolveImage(wrong, ref), /refused access to .*private\/app \(HTTP 401\)/);
      wrong.close();
      const none = new RegistryClient({ credentials: NO_CREDENTIALS });
      await expectNoSecretIn(resolveImage(none, ref), /HTTP 401/);
      none.close();
    } finally {
      await locked.stop();
    }
  });

  it('follows a blob redirect to another origin without carrying the Authorization header', async () => {
    const locked = await startRegistry({ auth: { kind: 'htpasswd', username, password }, storageDir: open.storageDir });
    const front = await RegistryProxy.start(locked.url);
    const storage = await RegistryProxy.start(open.url);
    try {
      front.faults = { redirectBlobsTo: storage.url };
      const client = new RegistryClient({ credentials: () => ({ username, password }) });
      const entry = await resolveImage(client, parseImageRef(`${front.host}/private/app:v1`), { inspect: true });
      client.close();
      expect(entry.digest).toBe(digest);
      expect(front.requests.filter((request) => request.status === 307).every((request) => request.authorization)).toBe(true);
      const blobs = storage.requests.filter((request) => request.path.includes('/blobs/'));
      expect(blobs.length).toBeGreaterThanOrEqual(2);
      expect(blobs.every((request) => request.authorization === false)).toBe(true);
    } finally {
      await front.stop();
      await storage.stop();
      await locked.stop();
    }
  });

  it('never sends the upstream registry\'s credentials to a mirror', async () => {
    const mirror = await startRegistry({ auth: { kind: 'htpasswd', username, password }, storageDir: open.storageDir });
    const asked: string[] = [];
    try {
      const client = new RegistryClient({
        retries: 0,
        mirrors: { 'registry.example.invalid': [mirror.url] },
        credentials: (registry) => {
          asked.push(registry);
          return registry === 'registry.example.invalid' ? { username, password } : undefined;
        },
      });
      await expect(resolveImage(client, parseImageRef('registry.example.invalid/private/app:v1'))).rejects.toThrow(/cannot reach|ENOTFOUND|EAI_AGAIN/);
      client.close();
      expect(asked).toEqual([mirror.host]);
    } finally {
      await mirror.stop();
    }
  });

  it('asks a docker-credential helper named in credHelpers, and credsStore for the rest', async () => {
    const locked = await startRegistry({ auth: { kind: 'htpasswd', username, password }, storageDir: open.storageDir });
    const { dockerCredentials } = await import('../../src/images/credentials');
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'hardpod-helper-'));
    const bin = path.join(home, 'bin');
    fs.mkdirSync(bin);
    const log = path.join(home, 'asked.txt');
    // A helper as docker runs it: the server URL on stdin, {ServerURL, Username, Secret} on stdout.
    fs.writeFileSync(path.join(bin, 'docker-credential-test'), `#!/bin/sh\nread server\necho "$server" >> ${log}\nprintf '{"ServerURL":"%s","Username":"${username}","Secret":"${password}"}' "$server"\n`, { mode: 0o755 });
    fs.writeFileSync(path.join(bin, 'docker-credential-empty'), '#!/bin/sh\necho "credentials not found in native keychain"\nexit 1\n', { mode: 0o755 });
    fs.mkdirSync(path.join(home, '.docker'));
    const env = { HOME: home, PATH: `${bin}:${process.env.PATH}` };
    try {
      fs.writeFileSync(path.join(home, '.docker', 'config.json'), JSON.stringify({ credHelpers: { [locked.host]: 'test' }, credsStore: 'empty' }));
      const viaHelper = new RegistryClient({ credentials: dockerCredentials({ env }) });
      expect((await resolveImage(viaHelper, parseImageRef(`${locked.host}/private/app:v1`))).digest).toBe(digest);
      viaHelper.close();
      expect(fs.readFileSync(log, 'utf8').trim()).toBe(locked.host);

      fs.writeFileSync(path.join(home, '.docker', 'config.json'), JSON.stringify({ credsStore: 'empty' }));
      const viaStore = new RegistryClient({ credentials: dockerCredentials({ env }) });
      await expectNoSecretIn(resolveImage(viaStore, parseImageRef(`${locked.host}/private/app:v1`)), /HTTP 401/);
      viaStore.close();
    } finally {
      await locked.stop();
    }
  });

  it('Bearer token auth: a token from the realm with Basic credentials from ~/.docker/config.json; refused without', async () => {
    const locked = await startRegistry({ auth: { kind: 'token', username, password }, storageDir: open.storageDir });
    const { dockerCredentials } = await import('../../src/images/credentials');
    try {
      const ref = parseImageRef(`${locked.host}/private/app:v1`);
      const home = fs.mkdtempSync(path.join(os.tmpdir(), 'hardpod-home-'));
      fs.mkdirSync(path.join(home, '.docker'));
      fs.writeFileSync(path.join(home, '.docker', 'config.json'), JSON.stringify({ auths: { [locked.host]: { auth: Buffer.from(`${username}:${password}`).toString('base64') } } }));
      const good = new RegistryClient({ credentials: dockerCredentials({ env: { HOME: home } }) });
      expect((await resolveImage(good, ref, { inspect: true })).digest).toBe(digest);
      good.close();
      const requests = locked.tokenServer!.requests;
      expect(requests.length).toBeGreaterThan(0);
      expect(requests.every((request) => request.authorized && request.scope === 'repository:private/app:pull' && request.service === 'hardpod-test-registry')).toBe(true);
      // One token serves the HEAD, the manifests, the config and the layers.
      expect(requests).toHaveLength(1);
      const none = new RegistryClient({ credentials: NO_CREDENTIALS });
      await expectNoSecretIn(resolveImage(none, ref), /token service at http:\/\/127.0.0.1:\d+ refused a pull token .*HTTP 401/);
      none.close();
      const wrong = new RegistryClient({ credentials: () => ({ username, password: 'nope' }) });
      await expectNoSecretIn(resolveImage(wrong, ref), /refused a pull token/);
      wrong.close();
      // An identity token (OAuth2 refresh token) is exchanged with a POST, answered with access_token.
      const refresh = new RegistryClient({ credentials: () => ({ identityToken: password }) });
      expect((await resolveImage(refresh, ref)).digest).toBe(digest);
      refresh.close();
      expect(requests.some((request) => request.method === 'POST' && request.authorized && request.scope === 'repository:private/app:pull')).toBe(true);
    } finally {
      await locked.stop();
    }
  });
});

/** How many Zstandard frames start in `blob` (their magic number, little-endian), at least. */
function frameStarts(blob: Buffer): number {
  let count = 0;
  for (let at = blob.indexOf(ZSTD_MAGIC); at !== -1; at = blob.indexOf(ZSTD_MAGIC, at + 4)) count++;
  return count;
}

const ZSTD_MAGIC = Buffer.from([0x28, 0xb5, 0x2f, 0xfd]);
