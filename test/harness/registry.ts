/**
 * A real OCI registry for tests: Debian's docker-registry (distribution 2.8) on 127.0.0.1 and a free
 * port, configured by file, anonymous, with htpasswd Basic auth, or behind a small ES256 token
 * server. Stopped by PID. Without the binaries a suite fails, naming them.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createPrivateKey, randomUUID, sign, X509Certificate, type KeyObject } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { onFreePorts, type OnFreePortsOptions } from './ports';
import { describeWithTools } from './required-tools';

export const REGISTRY_BINARIES = ['docker-registry', 'skopeo', 'umoci', 'htpasswd', 'openssl'] as const;

/** Missing binaries, or an empty list when all are on PATH. */
export function missingRegistryTools(): string[] {
  return REGISTRY_BINARIES.filter((binary) => spawnSync('sh', ['-c', `command -v ${binary}`]).status !== 0);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export type RegistryAuth =
  | { readonly kind: 'none' }
  | { readonly kind: 'htpasswd'; readonly username: string; readonly password: string }
  | { readonly kind: 'token'; readonly username: string; readonly password: string };

export interface StartRegistryOptions {
  readonly auth?: RegistryAuth;
  /** Storage shared with another registry (e.g. an anonymous one the test pushes through). */
  readonly storageDir?: string;
  /**
   * Chooses the port of each attempt to start.
   * @default freePorts
   */
  readonly choosePorts?: OnFreePortsOptions['choose'];
}

/**
 * A self-signed certificate (P-256) for the given IP addresses and host names, as a registry with a
 * certificate authority of its own serves: `certFile` is what a client is given to trust it.
 */
export function selfSignedCertificate(names: readonly string[]): { key: string; cert: string; certFile: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hardpod-tls-'));
  const keyFile = path.join(dir, 'key.pem');
  const certFile = path.join(dir, 'cert.pem');
  const made = spawnSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyFile, '-out', certFile,
    '-days', '2', '-subj', '/CN=hardpod-test-registry', '-addext', `subjectAltName=${names.map((name) => `${net.isIP(name) ? 'IP' : 'DNS'}:${name}`).join(',')}`,
  ], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`openssl could not make the registry certificate: ${made.stderr}`);
  return { key: fs.readFileSync(keyFile, 'utf8'), cert: fs.readFileSync(certFile, 'utf8'), certFile };
}

/** The ES256 token server that the registry trusts for `auth.token`. */
export class TokenServer {
  static async start(dir: string, username: string, password: string, service: string, issuer: string) {
    const keyFile = path.join(dir, 'token-key.pem');
    const certFile = path.join(dir, 'token-cert.pem');
    const made = spawnSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', '/CN=hardpod-test-token-issuer',
    ], { encoding: 'utf8' });
    if (made.status !== 0) throw new Error(`openssl could not make the token certificate: ${made.stderr}`);
    const key: KeyObject = createPrivateKey(fs.readFileSync(keyFile));
    const x5c = new X509Certificate(fs.readFileSync(certFile)).raw.toString('base64');
    const expected = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
    let instance: TokenServer | undefined;
    // The OAuth2 refresh-token grant (docker's `identitytoken`): the password doubles as refresh token.
    const answer = (request: http.IncomingMessage, response: http.ServerResponse, form: URLSearchParams | undefined) => {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      const params = form ?? url.searchParams;
      const authorized = form ? form.get('grant_type') === 'refresh_token' && form.get('refresh_token') === password : request.headers.authorization === expected;
      instance?.requests.push({ authorized, scope: params.get('scope'), service: params.get('service'), method: request.method ?? 'GET' });
      if (!authorized) {
        response.writeHead(401, { 'Content-Type': 'application/json' });
        response.end('{"errors":[{"code":"UNAUTHORIZED"}]}');
        return;
      }
      const scope = params.get('scope') ?? '';
      const [type, name, actions] = scope.split(':');
      const now = Math.floor(Date.now() / 1000);
      const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
      const header = b64({ alg: 'ES256', typ: 'JWT', x5c: [x5c] });
      const claims = b64({
        iss: issuer,
        sub: username,
        aud: service,
        exp: now + 300,
        nbf: now - 10,
        iat: now,
        jti: randomUUID(),
        access: type === 'repository' ? [{ type, name, actions: actions.split(',').filter((action) => action === 'pull') }] : [],
      });
      const signature = sign('sha256', Buffer.from(`${header}.${claims}`), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url');
      response.writeHead(200, { 'Content-Type': 'application/json' });
      const token = `${header}.${claims}.${signature}`;
      response.end(JSON.stringify(form ? { access_token: token, expires_in: 300 } : { token, expires_in: 300 }));
    };
    const server = http.createServer((request, response) => {
      if (request.method !== 'POST') {
        answer(request, response, undefined);
        return;
      }
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => answer(request, response, new URLSearchParams(body)));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    instance = new TokenServer(server, `http://127.0.0.1:${port}/token`);
    return { server: instance, certFile };
  }

  /** Token requests seen: whether Basic credentials came along and the scope asked for. */
  readonly requests: { authorized: boolean; scope: string | null; service: string | null; method: string }[] = [];
  private constructor(
    private readonly server: http.Server,
    readonly realm: string,
  ) {}

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** A running docker-registry. */
export class TestRegistry {
  constructor(
    private readonly child: ChildProcess,
    /** `127.0.0.1:<port>`, as written in image references. */
    readonly host: string,
    /** Directory of the config, logs and (unless shared) storage. */
    readonly dir: string,
    readonly storageDir: string,
    readonly tokenServer?: TokenServer,
  ) {}

  get url(): string {
    return `http://${this.host}`;
  }

  get pid(): number {
    return this.child.pid!;
  }

  async stop(): Promise<void> {
    await this.tokenServer?.stop();
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      process.kill(this.pid, 'SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(resolve, 5000)))]);
      clearTimeout(timer);
      if (this.child.exitCode === null && this.child.signalCode === null) process.kill(this.pid, 'SIGKILL');
    }
  }
}

/** Starts docker-registry on 127.0.0.1 and a free port and waits until it answers /v2/. */
export async function startRegistry(options: StartRegistryOptions = {}): Promise<TestRegistry> {
  const auth = options.auth ?? { kind: 'none' };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hardpod-registry-'));
  const storageDir = options.storageDir ?? path.join(dir, 'data');
  fs.mkdirSync(storageDir, { recursive: true });
  const config: string[] = [
    'version: 0.1',
    'log: {level: warn, accesslog: {disabled: true}}',
    `storage: {filesystem: {rootdirectory: ${JSON.stringify(storageDir)}}, delete: {enabled: true}, cache: {blobdescriptor: inmemory}}`,
  ];
  let tokenServer: TokenServer | undefined;
  if (auth.kind === 'htpasswd') {
    const made = spawnSync('htpasswd', ['-Bbn', auth.username, auth.password], { encoding: 'utf8' });
    if (made.status !== 0) throw new Error(`htpasswd failed: ${made.stderr}`);
    const file = path.join(dir, 'htpasswd');
    fs.writeFileSync(file, made.stdout);
    config.push(`auth: {htpasswd: {realm: hardpod-test, path: ${JSON.stringify(file)}}}`);
  } else if (auth.kind === 'token') {
    const service = 'hardpod-test-registry';
    const issuer = 'hardpod-test-issuer';
    const started = await TokenServer.start(dir, auth.username, auth.password, service, issuer);
    tokenServer = started.server;
    config.push(`auth: {token: {realm: ${JSON.stringify(tokenServer.realm)}, service: ${service}, issuer: ${issuer}, rootcertbundle: ${JSON.stringify(started.certFile)}}}`);
  }
  try {
    return await onFreePorts(1, ([port]) => serveRegistry(port, { config, dir, storageDir, tokenServer }), { choose: options.choosePorts });
  } catch (error) {
    await tokenServer?.stop(); // stopping twice is harmless: a closed server just calls back
    throw error;
  }
}

interface RegistrySetup {
  /** The lines of config.yml but its `http` one, which names the port. */
  readonly config: readonly string[];
  readonly dir: string;
  readonly storageDir: string;
  readonly tokenServer?: TokenServer;
}

/** Runs docker-registry on one port and waits until it answers. */
async function serveRegistry(port: number, { config, dir, storageDir, tokenServer }: RegistrySetup): Promise<TestRegistry> {
  const configFile = path.join(dir, `config-${port}.yml`);
  fs.writeFileSync(configFile, `${[...config, `http: {addr: "127.0.0.1:${port}", secret: "hardpod-test-secret"}`].join('\n')}\n`);
  const logFile = path.join(dir, `registry-${port}.log`);
  const log = fs.openSync(logFile, 'a');
  const child = spawn('docker-registry', ['serve', configFile], { stdio: ['ignore', log, log] });
  fs.closeSync(log);
  const registry = new TestRegistry(child, `127.0.0.1:${port}`, dir, storageDir, tokenServer);
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`docker-registry exited with ${child.exitCode}:\n${fs.readFileSync(logFile, 'utf8')}`);
    }
    // Bounded: whatever else holds the port may accept and never answer.
    const status = await new Promise<number>((resolve) => {
      const request = http.get(`${registry.url}/v2/`, { timeout: 1000 }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      request.on('timeout', () => request.destroy());
      request.on('error', () => resolve(0));
    });
    if (status === 200 || status === 401) return registry;
    if (Date.now() > deadline) {
      await registry.stop();
      throw new Error(`docker-registry did not answer on ${registry.url} within 15 s`);
    }
    await sleep(100);
  }
}

/** Declares a suite that needs the registry binaries; without them it fails, naming them. */
export function describeRegistry(title: string, body: () => void): void {
  const missing = missingRegistryTools();
  describeWithTools(title, 'registry tools', missing.length === 0 ? undefined : `missing ${missing.join(', ')} (run scripts/setup/registry.sh)`, body);
}
