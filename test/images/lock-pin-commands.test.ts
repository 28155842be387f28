import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as nodeTls from 'node:tls';
import { NAMED_USER_HARDENED, NUMERIC_USER_DISTROLESS, podWithImages } from './fixtures';
import { readLockFile } from '../../src/images/lock-file';
import { cliMainPath } from '../cli/cli-process';
import { ForwardProxy } from '../harness/forward-proxy';
import { describeHelm, runHelm } from '../harness/helm';
import { pushImage, pushIndex } from '../harness/oci-images';
import { describeRegistry, selfSignedCertificate, startRegistry, type TestRegistry } from '../harness/registry';
import { RegistryProxy } from '../harness/registry-proxy';

/** Node 22.15 and later list the operating system's authorities (tls.getCACertificates), which hardpod then trusts. */
const NODE_LISTS_AUTHORITIES = typeof (nodeTls as { getCACertificates?: unknown }).getCACertificates === 'function';

/** Runs the real bin without blocking this process (the proxy under test lives here). */
function hardpod(args: string[], cwd: string, input = '', env: NodeJS.ProcessEnv = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliMainPath(), ...args], { cwd, env: { ...process.env, NO_COLOR: '1', CI: '1', HOME: cwd, DOCKER_CONFIG: cwd, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
    child.stdin.end(input);
  });
}

describeRegistry('hardpod lock and hardpod pin against a real docker-registry', () => {
  let registry: TestRegistry;
  let web: string;
  let worker: string;
  let dir: string;

  const deployment = (host: string, webTag = 'v1') => `# the web tier
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web   # keep this name
spec:
  template:
    spec:
      initContainers:
        - name: init
          image: "${host}/team/worker:1.0"   # double quoted
      containers:
        - name: web
          image: ${host}/team/web:${webTag}
          ports: [{containerPort: 8080}]
        - name: pinned
          image: '${host}/team/worker@sha256:${'c'.repeat(64)}'
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly}
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
            - {name: job, image: '${host}/team/worker:1.0'}
`;

  beforeAll(async () => {
    cliMainPath();
    registry = await startRegistry();
    web = (await pushImage(registry.url, 'team/web', 'v1', NAMED_USER_HARDENED)).digest;
    worker = (await pushImage(registry.url, 'team/worker', '1.0', NUMERIC_USER_DISTROLESS)).digest;
  }, 120_000);
  afterAll(async () => {
    await registry?.stop();
  });
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hardpod-lock-cli-'));
    fs.writeFileSync(path.join(dir, 'app.yaml'), deployment(registry.host));
  });

  it('locks every tag used by the manifests, with digests, platforms and facts', async () => {
    const result = await hardpod(['lock', 'app.yaml'], dir);
    expect(result.stderr).toMatch(/resolved 127\.0\.0\.1:\d+\/team\/web:v1 \(\d\/2\)/);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`+ ${registry.host}/team/web:v1 ${web}`);
    const lock = readLockFile(path.join(dir, 'hardpod.lock.json'));
    expect(Object.keys(lock.images)).toEqual([`${registry.host}/team/web:v1`, `${registry.host}/team/worker:1.0`]);
    expect(lock.images[`${registry.host}/team/worker:1.0`]).toMatchObject({ digest: worker, resolvedFrom: registry.url, facts: { uid: 65532 } });
    expect(lock.images[`${registry.host}/team/web:v1`].facts).toMatchObject({ uid: 1000, gid: 1001, exposedPorts: [8080, 9090] });
    const again = await hardpod(['lock', 'app.yaml'], dir);
    expect(again.stdout).toMatch(/hardpod.lock.json is up to date \(2 images\)/);
    // The folder holds the lock file now: it is not taken for a manifest.
    const folder = await hardpod(['lock', '--check', '--offline', '.'], dir);
    expect(folder.stderr).toBe('');
    expect(folder.status).toBe(0);
  });

  it('--check fails on a missing entry, warns on a moved tag, and --update moves it', async () => {
    expect((await hardpod(['lock', 'app.yaml'], dir)).status).toBe(0);
    expect((await hardpod(['lock', '--check', 'app.yaml'], dir)).status).toBe(0);

    fs.writeFileSync(path.join(dir, 'app.yaml'), deployment(registry.host, 'v2'));
    await pushImage(registry.url, 'team/web', 'v2', NUMERIC_USER_DISTROLESS);
    const missing = await hardpod(['lock', '--check', 'app.yaml'], dir);
    expect(missing.status).toBe(1);
    expect(missing.stdout).toMatch(new RegExp(`missing: ${registry.host}/team/web:v2 \\(used at .*app.yaml:14 spec.template.spec.containers\\[0\\].image\\)`));

    fs.writeFileSync(path.join(dir, 'app.yaml'), deployment(registry.host));
    const lockBefore = fs.readFileSync(path.join(dir, 'hardpod.lock.json'));
    const moved = (await pushImage(registry.url, 'team/worker', '1.0', { ...NUMERIC_USER_DISTROLESS, user: '7:7' })).digest;
    try {
      const warned = await hardpod(['lock', '--check', 'app.yaml'], dir);
      expect(warned.status).toBe(0);
      expect(warned.stdout).toContain(`warning: outdated: ${registry.host}/team/worker:1.0 is locked to ${worker}, the registry now has ${moved}`);
      expect((await hardpod(['lock', '--check', '--fail-on-outdated', 'app.yaml'], dir)).status).toBe(1);
      expect(fs.readFileSync(path.join(dir, 'hardpod.lock.json'))).toEqual(lockBefore);

      const updated = await hardpod(['lock', '--update', 'app.yaml'], dir);
      expect(updated.status).toBe(0);
      expect(updated.stdout).toContain(`~ ${registry.host}/team/worker:1.0 ${worker} -> ${moved}`);
      expect(readLockFile(path.join(dir, 'hardpod.lock.json')).images[`${registry.host}/team/worker:1.0`].facts?.uid).toBe(7);
    } finally {
      await pushImage(registry.url, 'team/worker', '1.0', NUMERIC_USER_DISTROLESS);
    }
  });

  it('--check --fail-on-outdated fails on a locked tag that is gone (exit 1) or whose registry cannot be asked (exit 2)', async () => {
    const entry = { digest: `sha256:${'e'.repeat(64)}`, mediaType: 'application/vnd.oci.image.manifest.v1+json', resolvedAt: '2026-01-01T00:00:00.000Z', resolvedFrom: registry.url };
    const gone = `${registry.host}/team/nope:1.0`;
    const unreachable = '127.0.0.1:9/team/app:1.0';
    fs.writeFileSync(path.join(dir, 'hardpod.lock.json'), JSON.stringify({ lockfileVersion: 1, images: { [gone]: entry, [unreachable]: entry } }));
    fs.writeFileSync(path.join(dir, 'gone.yaml'), podWithImages([gone]));
    fs.writeFileSync(path.join(dir, 'both.yaml'), podWithImages([gone, unreachable]));

    const warned = await hardpod(['lock', '--check', 'gone.yaml'], dir);
    expect(warned.status).toBe(0);
    expect(warned.stdout).toMatch(new RegExp(`warning: gone: ${gone} is locked, but the registry no longer has it: .*HTTP 404`));

    const failed = await hardpod(['lock', '--check', '--fail-on-outdated', 'gone.yaml'], dir);
    expect(failed.status).toBe(1);
    expect(failed.stdout).toMatch(new RegExp(`^gone: ${gone} is locked`, 'm'));
    expect(failed.stdout).not.toMatch(/every image in use is locked/);

    const cannotTell = await hardpod(['lock', '--check', '--fail-on-outdated', 'both.yaml'], dir);
    expect(cannotTell.status).toBe(2);
    expect(cannotTell.stderr).toMatch(new RegExp(`error: could not check ${unreachable}: .*cannot reach`));
    expect(cannotTell.stdout).not.toMatch(/every image in use is locked/);
  });

  it('leaves the lock file byte for byte when a mirror returns content that does not match its digest', async () => {
    expect((await hardpod(['lock', 'app.yaml'], dir)).status).toBe(0);
    const lockFile = path.join(dir, 'hardpod.lock.json');
    const before = fs.readFileSync(lockFile);
    const proxy = await RegistryProxy.start(registry.url);
    try {
      proxy.faults = { tamper: /\/manifests\/sha256:/ };
      const result = await hardpod(['lock', '--update', '--mirror', `${registry.host}=${proxy.url}`, 'app.yaml'], dir);
      expect(result.status).toBe(2);
      expect(result.stderr).toMatch(/does not match its digest/);
      expect(result.stderr).toMatch(/hardpod.lock.json was not changed/);
      expect(fs.readFileSync(lockFile)).toEqual(before);
      expect(fs.readdirSync(dir).sort()).toEqual(['app.yaml', 'hardpod.lock.json']);
    } finally {
      await proxy.stop();
    }
  });

  it('says at once what to do about a registry that answers HTTPS in plain HTTP, or whose certificate is not trusted', async () => {
    // 0.0.0.0 reaches this machine's registry without being a loopback name: HTTPS is asked, as for any registry host.
    const plain = `0.0.0.0:${registry.host.split(':')[1]}`;
    fs.writeFileSync(path.join(dir, 'plain.yaml'), podWithImages([`${plain}/team/web:v1`]));
    const refused = await hardpod(['lock', 'plain.yaml'], dir);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain(`cannot reach the registry: https://${plain} answered in plain HTTP, not HTTPS; if it is meant to, list it as an insecure registry (--insecure-registry ${plain})\n`);
    expect(refused.stderr).not.toMatch(/retry|SSL routines/);
    expect((await hardpod(['lock', '--insecure-registry', plain, 'plain.yaml'], dir)).stdout).toContain(`+ ${plain}/team/web:v1 ${web}`);
    expect(readLockFile(path.join(dir, 'hardpod.lock.json')).images[`${plain}/team/web:v1`].resolvedFrom).toBe(`http://${plain}`);

    const tls = selfSignedCertificate(['0.0.0.0', '127.0.0.1']);
    const front = await RegistryProxy.start(registry.url, tls);
    try {
      const secured = `0.0.0.0:${front.port}`;
      fs.writeFileSync(path.join(dir, 'tls.yaml'), podWithImages([`${secured}/team/web:v1`]));
      const untrusted = await hardpod(['pin', 'tls.yaml'], dir);
      expect(untrusted.status).toBe(2);
      expect(untrusted.stderr).toContain(
        `cannot reach the registry: the TLS certificate of https://${secured} is not trusted (self-signed certificate, DEPTH_ZERO_SELF_SIGNED_CERT); ` +
          `if the registry uses a private certificate authority, put its certificate in /etc/docker/certs.d/${secured}/ca.crt (or a --certs-dir), ` +
          `${NODE_LISTS_AUTHORITIES ? 'add it to the operating system\'s store, ' : ''}or give it to Node.js: NODE_EXTRA_CA_CERTS=/path/to/ca.pem\n`,
      );
      expect(untrusted.stderr).not.toMatch(/retry/);
      const trusted = await hardpod(['pin', 'tls.yaml'], dir, '', { NODE_EXTRA_CA_CERTS: tls.certFile });
      expect(trusted.stdout).toContain(`${secured}/team/web:v1@${web}`);
      // The operating system's store (SSL_CERT_FILE, as OpenSSL and Go read it), as skopeo and docker
      // trust it, where Node can list it; and NODE_EXTRA_CA_CERTS beside a certs.d folder's authorities.
      const bySystemStore = await hardpod(['pin', 'tls.yaml'], dir, '', { SSL_CERT_FILE: tls.certFile });
      const certs = path.join(dir, 'other-certs.d');
      fs.mkdirSync(path.join(certs, secured), { recursive: true });
      fs.writeFileSync(path.join(certs, secured, 'ca.crt'), selfSignedCertificate(['registry.example.com']).cert);
      const besideCertsDir = await hardpod(['pin', '--certs-dir', certs, 'tls.yaml'], dir, '', { NODE_EXTRA_CA_CERTS: tls.certFile });
      for (const run of [bySystemStore, besideCertsDir]) {
        if (NODE_LISTS_AUTHORITIES) expect(run.stdout).toContain(`${secured}/team/web:v1@${web}`);
        else expect(run.stderr).toContain(`the TLS certificate of https://${secured} is not trusted (self-signed certificate, DEPTH_ZERO_SELF_SIGNED_CERT)`);
      }
      // Listed as insecure, as docker's insecure-registries: HTTPS without checking the certificate.
      const insecure = await hardpod(['pin', '--insecure-registry', secured, 'tls.yaml'], dir);
      expect(insecure.stderr).toBe('hardpod pin: would pin 1 image in 1 file (run with --write to rewrite them)\n');
      expect(insecure.stdout).toContain(`${secured}/team/web:v1@${web}`);
      expect((await hardpod(['lock', '--insecure-registry', secured, 'tls.yaml'], dir)).status).toBe(0);
      expect(readLockFile(path.join(dir, 'hardpod.lock.json')).images[`${secured}/team/web:v1`]).toMatchObject({ digest: web, resolvedFrom: `https://${secured}` });
    } finally {
      await front.stop();
    }
  });

  it('trusts a registry\'s private certificate authority, and shows it a client certificate, from a certs.d folder as docker and podman read them', async () => {
    const tls = selfSignedCertificate(['0.0.0.0', '127.0.0.1']);
    const client = selfSignedCertificate(['hardpod-client']);
    // A registry that asks every client for a certificate its own authority (here: the client's self-signed one) issued.
    const mutualTls = { ...tls, ca: [client.cert], requestCert: true, rejectUnauthorized: true };
    const front = await RegistryProxy.start(registry.url, mutualTls);
    try {
      const secured = `0.0.0.0:${front.port}`;
      fs.writeFileSync(path.join(dir, 'mtls.yaml'), podWithImages([`${secured}/team/web:v1`]));
      const certs = fs.mkdtempSync(path.join(os.tmpdir(), 'hardpod-certs-d-'));
      const folder = path.join(certs, secured);
      fs.mkdirSync(folder);
      fs.copyFileSync(tls.certFile, path.join(folder, 'ca.crt'));

      // The authority alone: the registry refuses the handshake for want of a client certificate.
      const noClient = await hardpod(['pin', '--certs-dir', certs, 'mtls.yaml'], dir);
      expect(noClient.status).toBe(2);
      expect(noClient.stderr).toContain(
        `cannot reach the registry: https://${secured} asks for a client certificate (mutual TLS) and none was given (ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED); ` +
          `put the certificate and its key in /etc/docker/certs.d/${secured}/client.cert and client.key (or a --certs-dir)\n`,
      );
      expect(noClient.stdout).toBe('');

      fs.writeFileSync(path.join(folder, 'client.cert'), client.cert);
      const missingKey = await hardpod(['pin', '--certs-dir', certs, 'mtls.yaml'], dir);
      expect(missingKey.status).toBe(2);
      expect(missingKey.stderr).toContain(`${path.join(folder, 'client.cert')}: a client certificate needs its key client.key beside it`);

      // Another client certificate, which the registry's authority did not issue.
      const stranger = selfSignedCertificate(['stranger']);
      fs.writeFileSync(path.join(folder, 'client.cert'), stranger.cert);
      fs.writeFileSync(path.join(folder, 'client.key'), stranger.key);
      const refused = await hardpod(['pin', '--certs-dir', certs, 'mtls.yaml'], dir);
      expect(refused.status).toBe(2);
      // Over TLS 1.3 the refusal arrives as a closed connection: the message names the certificate shown.
      expect(refused.stderr).toContain(`; it was shown the client certificate in ${folder}: if the registry refuses it, it closes the connection so\n`);
      expect(refused.stdout).toBe('');

      // The registry's client certificate with another's key: refused before any connection, naming the folder.
      fs.writeFileSync(path.join(folder, 'client.cert'), client.cert);
      const mismatched = await hardpod(['pin', '--certs-dir', certs, 'mtls.yaml'], dir);
      expect(mismatched.status).toBe(2);
      expect(mismatched.stderr).toContain(`the client certificate and key in ${folder} cannot be used: `);
      expect(mismatched.stderr).toMatch(/key values mismatch/);

      fs.writeFileSync(path.join(folder, 'client.key'), client.key);
      const pinned = await hardpod(['pin', '--certs-dir', certs, 'mtls.yaml'], dir);
      expect(pinned.stderr).toBe('hardpod pin: would pin 1 image in 1 file (run with --write to rewrite them)\n');
      expect(pinned.stdout).toContain(`${secured}/team/web:v1@${web}`);
      expect((await hardpod(['lock', '--certs-dir', certs, '--lock-file', 'mtls.lock.json', 'mtls.yaml'], dir)).status).toBe(0);
      expect(readLockFile(path.join(dir, 'mtls.lock.json')).images[`${secured}/team/web:v1`]).toMatchObject({ digest: web, resolvedFrom: `https://${secured}` });

      const wrong = await hardpod(['lock', '--certs-dir', path.join(certs, 'nope'), 'mtls.yaml'], dir);
      expect(wrong.status).toBe(2);
      expect(wrong.stderr).toContain(`hardpod lock: error: --certs-dir ${path.join(certs, 'nope')}: not a folder`);
    } finally {
      await front.stop();
    }
  });

  it('reaches registries through the proxy HTTPS_PROXY and HTTP_PROXY name, except the hosts NO_PROXY names, as docker and crane do', async () => {
    // A name only the proxy resolves, as behind a corporate proxy.
    const name = 'registry.hardpod.test';
    const tls = selfSignedCertificate([name]);
    const front = await RegistryProxy.start(registry.url, tls);
    const proxy = await ForwardProxy.start({ hosts: { [name]: '127.0.0.1' }, credentials: 'egress:s3cr@t' });
    const proxyUrl = proxy.url.replace('http://', 'http://egress:s3cr%40t@');
    try {
      const secured = `${name}:${front.port}`;
      const plain = `${name}:${registry.host.split(':')[1]}`;
      fs.writeFileSync(path.join(dir, 'p.yaml'), podWithImages([`${secured}/team/web:v1`, `${plain}/team/worker:1.0`]));
      const env = { HTTPS_PROXY: proxyUrl, http_proxy: proxyUrl, NODE_EXTRA_CA_CERTS: tls.certFile };
      const locked = await hardpod(['lock', '--insecure-registry', plain, 'p.yaml'], dir, '', env);
      expect(locked.stderr).not.toMatch(/error|retry/);
      expect(locked.stdout).toContain(`+ ${secured}/team/web:v1 ${web}\n`);
      expect(locked.stdout).toContain(`+ ${plain}/team/worker:1.0 ${worker}\n`);
      // HTTPS through CONNECT tunnels; the insecure registry's HTTPS probe, then plain HTTP with the whole URL.
      expect(proxy.asked).toEqual(expect.arrayContaining([
        { target: secured, allowed: true },
        { target: plain, allowed: true },
        { target: `http://${plain}/v2/team/worker/manifests/1.0`, allowed: true },
      ]));
      expect(readLockFile(path.join(dir, 'hardpod.lock.json')).images[`${plain}/team/worker:1.0`].resolvedFrom).toBe(`http://${plain}`);

      // pin asks the registries, not the lock file. A registry listed as insecure: TLS inside the tunnel, its certificate unchecked.
      fs.rmSync(path.join(dir, 'hardpod.lock.json'));
      const unchecked = await hardpod(['pin', '--insecure-registry', secured, '--insecure-registry', plain, 'p.yaml'], dir, '', { ...env, NODE_EXTRA_CA_CERTS: undefined });
      expect(unchecked.stderr).toBe('hardpod pin: would pin 2 images in 1 file (run with --write to rewrite them)\n');
      expect(unchecked.stdout).toContain(`${secured}/team/web:v1@${web}`);
      const untrusted = await hardpod(['pin', 'p.yaml'], dir, '', { ...env, NODE_EXTRA_CA_CERTS: undefined });
      expect(untrusted.stderr).toContain(`the TLS certificate of https://${secured} (reached through the proxy ${proxy.url}) is not trusted`);

      // Without the proxy's credentials: its 407, said at once, naming the variable to fix and never the password.
      const wrong = proxy.url.replace('http://', 'http://egress:guess@');
      const refused = await hardpod(['pin', '--insecure-registry', plain, 'p.yaml'], dir, '', { ...env, HTTPS_PROXY: wrong, http_proxy: wrong });
      expect(refused.status).toBe(2);
      expect(refused.stderr).toContain(
        `the proxy ${proxy.url} refused to connect to ${secured} (HTTP 407 Proxy Authentication Required); ` +
          'it asks for credentials: give them in HTTPS_PROXY (http://user:password@host:port, percent-encoded), or check the ones there\n',
      );
      expect(refused.stderr).not.toMatch(/guess|retry/);
      const socks = await hardpod(['pin', 'p.yaml'], dir, '', { ...env, HTTPS_PROXY: 'socks5://egress:s3cr%40t@127.0.0.1:1080' });
      expect(socks.status).toBe(2);
      expect(socks.stderr).toContain(`${secured}/team/web:v1 (p.yaml:6): HTTPS_PROXY: names a socks5 proxy; registries are reached through http:// or https:// proxies\n`);
      expect(socks.stderr).not.toMatch(/s3cr/);

      // A host NO_PROXY names is asked directly, and this one resolves only through the proxy.
      const asked = proxy.asked.length;
      const direct = await hardpod(['pin', 'p.yaml'], dir, '', { ...env, NO_PROXY: 'localhost,.hardpod.test' });
      expect(direct.status).toBe(2);
      expect(direct.stderr).toMatch(new RegExp(`cannot reach the registry at https://${secured.replace(/\./g, '\\.')}: (ENOTFOUND|EAI_AGAIN) \\(after 3 retries\\)\n`));
      expect(proxy.asked).toHaveLength(asked);
    } finally {
      await proxy.stop();
      await front.stop();
    }
  });

  it('pulls Docker Hub images through a mirror named by any of Docker Hub\'s names (docker.io, index.docker.io, registry-1.docker.io)', async () => {
    const nginx = (await pushImage(registry.url, 'library/nginx', '1.27', NUMERIC_USER_DISTROLESS)).digest;
    fs.writeFileSync(path.join(dir, 'hub.yaml'), podWithImages(['nginx:1.27']));
    for (const name of ['docker.io', 'index.docker.io', 'registry-1.docker.io']) {
      fs.rmSync(path.join(dir, 'hardpod.lock.json'), { force: true });
      const result = await hardpod(['lock', '--mirror', `${name}=${registry.url}`, 'hub.yaml'], dir);
      expect({ name, status: result.status, stdout: result.stdout }).toEqual({ name, status: 0, stdout: `+ docker.io/library/nginx:1.27 ${nginx}\nwrote hardpod.lock.json\n` });
      expect(readLockFile(path.join(dir, 'hardpod.lock.json')).images['docker.io/library/nginx:1.27'].resolvedFrom).toBe(registry.url);
    }
  });

  it('without PATH, runs the cdk8s app once and locks the images it resolves and writes', async () => {
    const lib = path.join(path.dirname(cliMainPath()), '..');
    fs.rmSync(path.join(dir, 'app.yaml'));
    fs.writeFileSync(path.join(dir, 'cdk8s.yaml'), 'language: typescript\napp: node app.js\n');
    // A stand-in for a cdk8s app: resolves one image through the lock file (as hardpod constructs
    // do) and writes a manifest with another image written directly, into CDK8S_OUTDIR.
    fs.writeFileSync(path.join(dir, 'app.js'), `
      const fs = require('node:fs');
      const { LockFileResolver } = require(${JSON.stringify(path.join(lib, 'images', 'lock-resolver.js'))});
      const web = LockFileResolver.fromFile('hardpod.lock.json').resolve('${registry.host}/team/web:v1', 'app/web/Deployment');
      fs.mkdirSync(process.env.CDK8S_OUTDIR, { recursive: true });
      fs.writeFileSync(process.env.CDK8S_OUTDIR + '/app.k8s.yaml', [
        'apiVersion: v1', 'kind: Pod', 'metadata: {name: p}', 'spec:', '  containers:',
        '    - {name: web, image: "' + web.reference + '"}', '    - {name: worker, image: "${registry.host}/team/worker:1.0"}', '',
      ].join('\\n'));
    `);
    const result = await hardpod(['lock'], dir);
    expect(result.stderr).not.toMatch(/error/);
    expect(result.status).toBe(0);
    const lock = readLockFile(path.join(dir, 'hardpod.lock.json'));
    expect(Object.keys(lock.images)).toEqual([`${registry.host}/team/web:v1`, `${registry.host}/team/worker:1.0`]);
    expect(lock.images[`${registry.host}/team/web:v1`].digest).toBe(web);
    expect(fs.readdirSync(dir).sort()).toEqual(['app.js', 'cdk8s.yaml', 'hardpod.lock.json']);
    expect((await hardpod(['lock', '--check', '--offline'], dir)).status).toBe(0);
  });

  it('without PATH, runs the Pulumi program once under Pulumi\'s mocks and locks the images its components use', async () => {
    const lib = path.join(path.dirname(cliMainPath()), '..');
    fs.rmSync(path.join(dir, 'app.yaml'));
    // A real Pulumi TypeScript program on hardpod's components, with the project's own @pulumi/pulumi and ts-node.
    fs.symlinkSync(path.join(__dirname, '..', '..', 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    fs.writeFileSync(path.join(dir, 'Pulumi.yaml'), 'name: shop\nruntime:\n  name: nodejs\n  options: {typescript: true}\n');
    fs.writeFileSync(path.join(dir, 'Pulumi.dev.yaml'), 'config:\n  shop:webTag: v1\n  shop:dbPassword:\n    secure: AAABAGx0aGlzIGlzIG5vdCByZWFs\n');
    fs.writeFileSync(path.join(dir, 'index.ts'), `
      import * as pulumi from '@pulumi/pulumi';
      import { HardenedCronJob, HardenedDeployment, setHardpodDefaults } from ${JSON.stringify(path.join(lib, 'pulumi'))};
      const config = new pulumi.Config();
      config.requireSecret('dbPassword');
      setHardpodDefaults({ lockFile: 'hardpod.lock.json' });
      new HardenedDeployment('web', { namespace: 'shop', image: '${registry.host}/team/web:' + config.require('webTag'), port: 8080 });
      // An image known only as an Output, as when it comes from another resource (its user set
      // explicitly: image facts cannot shape a pod whose image is not known when the program runs).
      new HardenedCronJob('nightly', {
        namespace: 'shop', image: pulumi.output('${registry.host}/team/worker:1.0'), schedule: '0 3 * * *', runAsUser: 10001, runAsGroup: 10001,
      });
    `);
    const result = await hardpod(['lock', '--stack', 'dev'], dir);
    expect(result.stderr).not.toMatch(/error|warning/);
    expect(result.status).toBe(0);
    const lock = readLockFile(path.join(dir, 'hardpod.lock.json'));
    expect(Object.keys(lock.images)).toEqual([`${registry.host}/team/web:v1`, `${registry.host}/team/worker:1.0`]);
    expect(lock.images[`${registry.host}/team/web:v1`].digest).toBe(web);
    expect(lock.images[`${registry.host}/team/worker:1.0`].digest).toBe(worker);
    expect(fs.readdirSync(dir).sort()).toEqual(['Pulumi.dev.yaml', 'Pulumi.yaml', 'hardpod.lock.json', 'index.ts', 'node_modules']);
    const check = await hardpod(['lock', '--check', '--offline', '--stack', 'dev'], dir);
    expect([check.status, check.stderr]).toEqual([0, '']);

    // Without the stack's config the program itself fails, and hardpod lock says so with the program's words.
    const withoutConfig = await hardpod(['lock'], dir);
    expect(withoutConfig.status).toBe(2);
    expect(withoutConfig.stderr).toMatch(/Pulumi\.yaml: the Pulumi program .* failed/);
    expect(withoutConfig.stderr).toMatch(/Missing required configuration variable 'shop:dbPassword'|shop:dbPassword/);
    const unknownStack = await hardpod(['lock', '--stack', 'prod'], dir);
    expect(unknownStack.status).toBe(2);
    expect(unknownStack.stderr).toMatch(/Pulumi\.prod\.yaml: no such stack config file/);
  });

  it('pin prints a diff, and --write changes only the image values, keeping comments and quotes', async () => {
    const file = path.join(dir, 'app.yaml');
    const original = fs.readFileSync(file, 'utf8');
    const diff = await hardpod(['pin', 'app.yaml'], dir);
    expect(diff.status).toBe(0);
    expect(diff.stdout).toContain(`-          image: ${registry.host}/team/web:v1\n+          image: ${registry.host}/team/web:v1@${web}`);
    expect(diff.stderr).toMatch(/would pin 3 images in 1 file/);
    expect(fs.readFileSync(file, 'utf8')).toBe(original);

    const written = await hardpod(['pin', '--write', 'app.yaml'], dir);
    expect(written.status).toBe(0);
    const expected = original
      .replace(`"${registry.host}/team/worker:1.0"`, `"${registry.host}/team/worker:1.0@${worker}"`)
      .replace(`image: ${registry.host}/team/web:v1`, `image: ${registry.host}/team/web:v1@${web}`)
      .replace(`'${registry.host}/team/worker:1.0'`, `'${registry.host}/team/worker:1.0@${worker}'`);
    expect(fs.readFileSync(file, 'utf8')).toBe(expected);
    expect(expected).toContain('# double quoted');
    expect(fs.readdirSync(dir)).toEqual(['app.yaml']);
    const again = await hardpod(['pin', '--write', 'app.yaml'], dir);
    expect(again.stderr).toMatch(/every image is already pinned/);
  });

  it('locks tag@digest references at the digest they pin, so their facts are known', async () => {
    expect((await hardpod(['pin', '--write', 'app.yaml'], dir)).status).toBe(0);
    expect(fs.readdirSync(dir)).toEqual(['app.yaml']);
    const result = await hardpod(['lock', '--inspect', 'app.yaml'], dir);
    expect(result.status).toBe(0);
    const lock = readLockFile(path.join(dir, 'hardpod.lock.json'));
    expect(lock.images[`${registry.host}/team/web:v1`]).toMatchObject({ digest: web, facts: { uid: 1000, inspected: true } });
    expect(lock.images[`${registry.host}/team/worker:1.0`].digest).toBe(worker);
    expect((await hardpod(['lock', '--check', 'app.yaml'], dir)).status).toBe(0);
  });

  it('refuses a tag@digest reference whose digest is not the tag\'s, in whichever order the containers come', async () => {
    const wrong = `${registry.host}/team/web:v1@${worker}`;
    const plain = `${registry.host}/team/web:v1`;
    for (const images of [[wrong, plain], [plain, wrong], [wrong]]) {
      fs.writeFileSync(path.join(dir, 'p.yaml'), podWithImages(images));
      const result = await hardpod(['lock', 'p.yaml'], dir);
      expect(result.status).toBe(2);
      expect(result.stderr).toContain(`${plain} (used at ${path.join(dir, 'p.yaml')}:${6 + images.indexOf(wrong)} spec.containers[${images.indexOf(wrong)}].image): the reference pins ${worker}, but the tag points to ${web}`);
      expect(fs.existsSync(path.join(dir, 'hardpod.lock.json'))).toBe(false);
    }
  });

  it('locks a tag@digest reference that pins one platform\'s image of a multi-arch tag, but not its attestation', async () => {
    const multi = await pushIndex(registry.url, 'team/multi', '2.0', [NAMED_USER_HARDENED, { ...NUMERIC_USER_DISTROLESS, architecture: 'arm64', variant: 'v8' }]);
    const arm64 = `${registry.host}/team/multi:2.0@${multi.children[1].digest}`;
    fs.writeFileSync(path.join(dir, 'p.yaml'), podWithImages([arm64]));
    const result = await hardpod(['lock', 'p.yaml'], dir);
    expect(result.stderr).not.toMatch(/error/);
    expect(result.status).toBe(0);
    const entry = readLockFile(path.join(dir, 'hardpod.lock.json')).images[`${registry.host}/team/multi:2.0`];
    expect(entry).toMatchObject({ digest: multi.digest, platforms: { 'linux/arm64/v8': multi.children[1].digest } });
    expect((await hardpod(['lock', '--check', 'p.yaml'], dir)).status).toBe(0);

    fs.rmSync(path.join(dir, 'hardpod.lock.json'));
    fs.writeFileSync(path.join(dir, 'p.yaml'), podWithImages([`${registry.host}/team/multi:2.0@${multi.attestation.digest}`]));
    const attestation = await hardpod(['lock', 'p.yaml'], dir);
    expect(attestation.status).toBe(2);
    expect(attestation.stderr).toContain(`the reference pins ${multi.attestation.digest}, but the tag points to ${multi.digest}, and none of its platform images is that digest`);
  });

  describeHelm('a Helm chart pushed with helm push', (helm) => {
    it('is refused as an image by lock and pin, instead of pinned with facts read from the chart\'s config', async () => {
      const home = fs.mkdtempSync(path.join(os.tmpdir(), 'hardpod-helm-'));
      const source = path.join(home, 'web-chart');
      const packaged = path.join(home, 'web-chart-0.1.0.tgz');
      for (const args of [['create', source], ['package', source, '--destination', home], ['push', packaged, `oci://${registry.host}/charts`, '--plain-http']]) {
        const made = runHelm(helm, args, home);
        expect({ args, status: made.status, stderr: made.stderr }).toMatchObject({ status: 0 });
      }
      const chart = `${registry.host}/charts/web-chart:0.1.0`;
      fs.writeFileSync(path.join(dir, 'p.yaml'), podWithImages([chart]));
      const problem = `${chart} is a Helm chart, not a container image (its config media type is application/vnd.cncf.helm.config.v1+json), so no container runtime can run it`;
      const locked = await hardpod(['lock', 'p.yaml'], dir);
      expect(locked.status).toBe(2);
      expect(locked.stderr).toContain(problem);
      expect(fs.existsSync(path.join(dir, 'hardpod.lock.json'))).toBe(false);
      const pinned = await hardpod(['pin', '--write', 'p.yaml'], dir);
      expect(pinned.status).toBe(2);
      expect(pinned.stderr).toContain(problem);
      expect(fs.readFileSync(path.join(dir, 'p.yaml'), 'utf8')).toBe(podWithImages([chart]));
    });
  });

  it('pin leaves every file byte for byte when one image cannot be resolved', async () => {
    const second = path.join(dir, 'z-broken.yaml');
    fs.writeFileSync(second, deployment(registry.host, 'does-not-exist'));
    const before = [fs.readFileSync(path.join(dir, 'app.yaml')), fs.readFileSync(second)];
    const result = await hardpod(['pin', '--write', '.'], dir);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/1 image\(s\) could not be resolved; no file was changed/);
    expect(result.stderr).toMatch(/team\/web:does-not-exist .*z-broken.yaml:14.*not found/);
    expect([fs.readFileSync(path.join(dir, 'app.yaml')), fs.readFileSync(second)]).toEqual(before);
  });

  it('pin rewrites a file reached twice once, and refuses a file that is not UTF-8 before changing any', async () => {
    const written = await hardpod(['pin', '--write', 'app.yaml', './app.yaml', '.'], dir);
    expect(written.stderr).toBe('hardpod pin: pinned 3 images in 1 file\n');
    expect(written.status).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'app.yaml'), 'utf8')).toContain(`image: ${registry.host}/team/web:v1@${web}`);

    fs.writeFileSync(path.join(dir, 'app.yaml'), deployment(registry.host));
    const latin1 = Buffer.from(`# caf\u00e9\n${deployment(registry.host)}`, 'latin1');
    fs.writeFileSync(path.join(dir, 'latin1.yaml'), latin1);
    const before = fs.readFileSync(path.join(dir, 'app.yaml'));
    const refused = await hardpod(['pin', '--write', '.'], dir);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/latin1\.yaml:1: not valid UTF-8: byte 0xE9 at offset 5; hardpod reads UTF-8/);
    expect(fs.readFileSync(path.join(dir, 'latin1.yaml'))).toEqual(latin1);
    expect(fs.readFileSync(path.join(dir, 'app.yaml'))).toEqual(before);
  });

  it('pin - works as a Helm post-renderer, and --kustomize prints images[].digest entries', async () => {
    const rendered = await hardpod(['pin', '-'], dir, deployment(registry.host));
    expect(rendered.status).toBe(0);
    expect(rendered.stdout).toContain(`image: ${registry.host}/team/web:v1@${web}`);
    expect(rendered.stdout).toContain('# keep this name');
    // app.yaml also runs team/worker pinned to another digest, which an entry for team/worker would repin.
    const refused = await hardpod(['pin', '--kustomize', 'app.yaml'], dir);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain(`kustomize \`images:\` entries match ${registry.host}/team/worker whatever its tag`);
    fs.writeFileSync(path.join(dir, 'app.yaml'), deployment(registry.host).replace(`'${registry.host}/team/worker@sha256:${'c'.repeat(64)}'`, `'${registry.host}/team/other@sha256:${'c'.repeat(64)}'`));
    const kustomize = await hardpod(['pin', '--kustomize', 'app.yaml'], dir);
    expect(kustomize.stdout).toBe(`images:\n- name: ${registry.host}/team/worker\n  digest: ${worker}\n- name: ${registry.host}/team/web\n  digest: ${web}\n`);
  });

  it('pin --offline uses only the lock file', async () => {
    const offline = await hardpod(['pin', '--offline', 'app.yaml'], dir);
    expect(offline.status).toBe(2);
    expect(offline.stderr).toMatch(/2 tag\(s\) have no entry in the lock file; run `npx hardpod lock PATH...` first/);
    expect((await hardpod(['lock', 'app.yaml'], dir)).status).toBe(0);
    expect((await hardpod(['pin', '--offline', '--write', 'app.yaml'], dir)).status).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'app.yaml'), 'utf8')).toContain(`@${web}`);
  });
});
