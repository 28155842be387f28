/**
 * A real Kubernetes API server for tests: Debian's etcd plus kube-apiserver built from the Go module
 * k8s.io/kubernetes (scripts/setup/kube-apiserver.sh), both started on 127.0.0.1 and free ports with
 * openssl certificates, token authentication, RBAC and a Pod Security admission configuration.
 *
 * The API is small on purpose so that other suites can prove things on it: start, create namespaces,
 * dry-run create or server-side apply objects, and read verdicts with their warnings.
 */
import { spawn, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import { CACHE_DIR } from './cache-dir';
import { onFreePorts } from './ports';
import { parseWarningHeaders } from './warnings';
import type { KubeObject } from '../../src/model';

export { parseWarningHeaders } from './warnings';

/** Binaries written down by scripts/setup/kube-apiserver.sh. */
export interface ClusterToolchain {
  /** e.g. `1.37.2` */
  readonly kubernetesVersion: string;
  readonly kubeApiserver: string;
  /** kubectl, for the commands the library hands to people: of the same version for the newest server, the newest one for older servers. */
  readonly kubectl: string;
  readonly etcd: string;
}

/** A user (and groups) the admin token impersonates, so RBAC judges the request as theirs. */
export interface Impersonation {
  readonly user: string;
  readonly groups?: readonly string[];
}

/** How to reach a running cluster; plain data so it can be shared between jest workers. */
export interface ClusterEndpoint {
  readonly url: string;
  readonly token: string;
  readonly caFile: string;
  /** Directory with the certificates, configuration and the `etcd.log` / `kube-apiserver.log` files. */
  readonly runDir: string;
  readonly kubernetesVersion: string;
  readonly pids: { readonly etcd: number; readonly kubeApiserver: number };
  /** etcd's data directory (on tmpfs when available), removed on stop. */
  readonly etcdDataDir: string;
}

/** What the server said about one request. */
export interface Verdict {
  /** HTTP status code. */
  readonly status: number;
  /** The request succeeded (2xx). */
  readonly allowed: boolean;
  /** Texts of the `Warning: 299` headers, unquoted, in order. */
  readonly warnings: readonly string[];
  /** `Status.message` when the request failed. */
  readonly message?: string;
  /** `Status.reason` when the request failed (Forbidden, Invalid, BadRequest ...). */
  readonly reason?: string;
  /** The parsed response body. */
  readonly body: unknown;
}

/**
 * The API servers scripts/setup/kube-apiserver.sh builds, each written down in its own manifest:
 * - `newest`: the pinned release every cluster suite runs on (with kubectl);
 * - `oldest-admission`: the oldest release the admission policies claim (ADMISSION_POLICY_MINOR),
 *   whose CEL libraries and ValidatingAdmissionPolicy are the ones those policies must work on;
 * - `middle`: a release between the two (1.34, MIDDLE_SERVER_MINOR), where pod-level resources are on
 *   by default and Pod Security baseline starts refusing a probe's or lifecycle handler's `host`, so the
 *   policies are proven inside the range they claim and not only at its ends.
 */
export const CLUSTER_SERVERS = ['newest', 'oldest-admission', 'middle'] as const;
export type ClusterServer = typeof CLUSTER_SERVERS[number];
/** The Kubernetes minor of the `middle` server (MIDDLE_VERSION in scripts/setup/kube-apiserver.sh). */
export const MIDDLE_SERVER_MINOR = 34;
const TOOLCHAIN_MANIFESTS: Readonly<Record<ClusterServer, string>> = {
  'newest': path.join(CACHE_DIR, 'cluster-toolchain.json'),
  'oldest-admission': path.join(CACHE_DIR, 'cluster-oldest-admission-toolchain.json'),
  'middle': path.join(CACHE_DIR, 'cluster-middle-toolchain.json'),
};
const RUNS_DIR = path.join(CACHE_DIR, 'cluster-runs');
/** Logs of this many recent runs are kept for looking at failures. */
const KEEP_RUNS = 5;
const READY_TIMEOUT_MS = 180_000;
/** How long a request may wait with no byte from the server. */
const REQUEST_IDLE_TIMEOUT_MS = 30_000;
/** Upper bound on a server's life, should a test run die before stopping it. */
const MAX_LIFETIME_SECONDS = 3 * 3600;
const FIELD_MANAGER = 'hardpod-test';

/** The toolchain of a server, or why it is not there. */
export function findToolchain(server: ClusterServer = 'newest'): { toolchain: ClusterToolchain } | { missing: string } {
  const manifest = TOOLCHAIN_MANIFESTS[server];
  if (!fs.existsSync(manifest)) {
    return { missing: `${manifest} not found; run scripts/setup/kube-apiserver.sh (npm test does)` };
  }
  const toolchain = JSON.parse(fs.readFileSync(manifest, 'utf8')) as ClusterToolchain;
  for (const [name, file] of [['kube-apiserver', toolchain.kubeApiserver], ['kubectl', toolchain.kubectl], ['etcd', toolchain.etcd]] as const) {
    try {
      fs.accessSync(file, fs.constants.X_OK);
    } catch {
      return { missing: `${name} binary ${JSON.stringify(file)} named in ${manifest} is not executable; run scripts/setup/kube-apiserver.sh` };
    }
  }
  return { toolchain };
}

function openssl(args: readonly string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** CA, serving certificate for 127.0.0.1, service-account key and an admin token. */
function writePki(dir: string): string {
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '30', '-subj', '/CN=hardpod-test-ca',
    '-keyout', 'ca.key', '-out', 'ca.crt',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=kube-apiserver', '-keyout', 'apiserver.key', '-out', 'apiserver.csr'], dir);
  fs.writeFileSync(path.join(dir, 'apiserver.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  openssl(['x509', '-req', '-in', 'apiserver.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '30',
    '-out', 'apiserver.crt', '-extfile', 'apiserver.ext'], dir);
  openssl(['genrsa', '-out', 'sa.key', '2048'], dir);
  const token = execFileSync('openssl', ['rand', '-hex', '24'], { encoding: 'utf8' }).trim();
  // token,user,uid,"group1,group2"
  fs.writeFileSync(path.join(dir, 'tokens.csv'), `${token},hardpod-admin,hardpod-admin-uid,"system:masters"\n`, { mode: 0o600 });
  return token;
}

/**
 * Pod Security admission: namespaces without labels are not judged (privileged everywhere), so every
 * verdict in the suites comes from the labels the test set on its namespace.
 */
const ADMISSION_CONFIGURATION = `apiVersion: apiserver.config.k8s.io/v1
kind: AdmissionConfiguration
plugins:
- name: PodSecurity
  configuration:
    apiVersion: pod-security.admission.config.k8s.io/v1
    kind: PodSecurityConfiguration
    defaults:
      enforce: privileged
      enforce-version: latest
      audit: privileged
      audit-version: latest
      warn: privileged
      warn-version: latest
    exemptions:
      usernames: []
      runtimeClasses: []
      namespaces: []
`;

function pruneOldRuns(): void {
  if (!fs.existsSync(RUNS_DIR)) return;
  const runs = fs.readdirSync(RUNS_DIR).sort();
  for (const old of runs.slice(0, Math.max(0, runs.length - KEEP_RUNS))) {
    const dir = path.join(RUNS_DIR, old);
    // A server another test run still uses keeps its directory.
    const endpointFile = path.join(dir, 'endpoint.json');
    if (fs.existsSync(endpointFile)) {
      const { pids } = JSON.parse(fs.readFileSync(endpointFile, 'utf8')) as ClusterEndpoint;
      if (isAlive(pids.kubeApiserver) || isAlive(pids.etcd)) continue;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Starts a detached process (it outlives the jest worker that started it) with output in logFile. */
function startProcess(binary: string, args: readonly string[], logFile: string, cwd: string): number {
  const log = fs.openSync(logFile, 'a');
  // `timeout` forwards our SIGTERM to the server and ends it anyway should nobody stop it.
  const child = spawn('timeout', ['-k', '10', String(MAX_LIFETIME_SECONDS), binary, ...args], {
    cwd,
    detached: true,
    stdio: ['ignore', log, log],
    env: Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('ETCD_'))),
  });
  fs.closeSync(log);
  child.unref();
  if (child.pid === undefined) throw new Error(`could not start ${binary}`);
  return child.pid;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function tail(file: string, lines = 15): string {
  if (!fs.existsSync(file)) return `(no ${file})`;
  return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts etcd and kube-apiserver and waits until /readyz answers ok. */
export async function startCluster(toolchain: ClusterToolchain): Promise<Cluster> {
  pruneOldRuns();
  fs.mkdirSync(RUNS_DIR, { recursive: true });
  return onFreePorts(3, (ports) => startClusterOn(toolchain, ports));
}

async function startClusterOn(toolchain: ClusterToolchain, [etcdClient, etcdPeer, apiPort]: number[]): Promise<Cluster> {
  const runDir = fs.mkdtempSync(path.join(RUNS_DIR, `${new Date().toISOString().replace(/[:.]/g, '-')}-`));
  const shm = fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();
  const etcdDataDir = fs.mkdtempSync(path.join(shm, 'hardpod-etcd-'));
  const token = writePki(runDir);
  fs.writeFileSync(path.join(runDir, 'admission.yaml'), ADMISSION_CONFIGURATION);

  const etcdUrl = `http://127.0.0.1:${etcdClient}`;
  const etcdPid = startProcess(toolchain.etcd, [
    '--name', 'hardpod-test', '--data-dir', etcdDataDir,
    '--listen-client-urls', etcdUrl, '--advertise-client-urls', etcdUrl,
    '--listen-peer-urls', `http://127.0.0.1:${etcdPeer}`, '--initial-advertise-peer-urls', `http://127.0.0.1:${etcdPeer}`,
    '--initial-cluster', `hardpod-test=http://127.0.0.1:${etcdPeer}`,
    '--logger=zap', '--log-outputs=stderr',
  ], path.join(runDir, 'etcd.log'), runDir);

  const apiserverPid = startProcess(toolchain.kubeApiserver, [
    `--etcd-servers=${etcdUrl}`,
    '--bind-address=127.0.0.1', '--advertise-address=127.0.0.1', `--secure-port=${apiPort}`,
    '--tls-cert-file=apiserver.crt', '--tls-private-key-file=apiserver.key', '--client-ca-file=ca.crt',
    '--token-auth-file=tokens.csv', '--authorization-mode=RBAC',
    '--service-account-issuer=https://kubernetes.default.svc',
    '--service-account-key-file=sa.key', '--service-account-signing-key-file=sa.key',
    '--service-cluster-ip-range=10.0.0.0/24',
    // The kubernetes Service's endpoints may not point at loopback; nothing here needs them.
    '--endpoint-reconciler-type=none',
    // Lets privileged fixtures reach Pod Security admission instead of failing validation first.
    '--allow-privileged=true',
    '--admission-control-config-file=admission.yaml',
    '--enable-admission-plugins=PodSecurity,ValidatingAdmissionPolicy',
    '--profiling=false',
  ], path.join(runDir, 'kube-apiserver.log'), runDir);

  const endpoint: ClusterEndpoint = {
    url: `https://127.0.0.1:${apiPort}`,
    token,
    caFile: path.join(runDir, 'ca.crt'),
    runDir,
    kubernetesVersion: toolchain.kubernetesVersion,
    pids: { etcd: etcdPid, kubeApiserver: apiserverPid },
    etcdDataDir,
  };
  fs.writeFileSync(path.join(runDir, 'endpoint.json'), JSON.stringify(endpoint, null, 2));
  const cluster = new Cluster(endpoint);
  try {
    await cluster.waitReady(READY_TIMEOUT_MS);
  } catch (error) {
    await cluster.stop();
    throw error;
  }
  return cluster;
}

interface ApiResource {
  readonly name: string;
  readonly namespaced: boolean;
  readonly kind: string;
}

/** One running API server. Its methods never throw for a refused request: they return the verdict. */
export class Cluster {
  private readonly ca: Buffer;
  private readonly agent: https.Agent;
  private readonly discovery = new Map<string, Promise<readonly ApiResource[]>>();
  private namespaceCounter = 0;

  constructor(public readonly endpoint: ClusterEndpoint) {
    this.ca = fs.readFileSync(endpoint.caFile);
    this.agent = new https.Agent({ keepAlive: true, maxSockets: 8, ca: this.ca });
  }

  /** `v1.37` for a 1.37.x server: the Pod Security version its `latest` means. */
  get podSecurityVersion(): string {
    const [major, minor] = this.endpoint.kubernetesVersion.split('.');
    return `v${major}.${minor}`;
  }

  /** The Kubernetes minor, e.g. 37. */
  get minor(): number {
    return Number(this.endpoint.kubernetesVersion.split('.')[1]);
  }

  /** Where to look when something went wrong. */
  get logs(): { readonly etcd: string; readonly kubeApiserver: string } {
    return { etcd: path.join(this.endpoint.runDir, 'etcd.log'), kubeApiserver: path.join(this.endpoint.runDir, 'kube-apiserver.log') };
  }

  /**
   * Sends one request and reads the whole answer. A keep-alive socket the server closed while idle
   * fails with ECONNRESET on reuse before anything was sent; that request is sent again once on a
   * new socket (the remedy Node's http documentation gives), anything else is an error.
   */
  async request(method: string, urlPath: string, body?: unknown, contentType = 'application/json', as?: Impersonation): Promise<Verdict> {
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    try {
      return await this.send(method, urlPath, payload, contentType, as);
    } catch (error) {
      if (!(error instanceof StaleSocketError)) throw error;
      return this.send(method, urlPath, payload, contentType, as);
    }
  }

  /** A kubeconfig for kubectl with the admin token (add `--as`/`--as-group` to act as someone else), written into `dir`. */
  writeKubeconfig(dir: string): string {
    const file = path.join(dir, 'kubeconfig');
    fs.writeFileSync(file, JSON.stringify({
      'apiVersion': 'v1',
      'kind': 'Config',
      'clusters': [{ name: 'hardpod-test', cluster: { 'server': this.endpoint.url, 'certificate-authority': this.endpoint.caFile } }],
      'users': [{ name: 'admin', user: { token: this.endpoint.token } }],
      'contexts': [{ name: 'hardpod-test', context: { cluster: 'hardpod-test', user: 'admin' } }],
      'current-context': 'hardpod-test',
    }), { mode: 0o600 });
    return file;
  }

  private send(method: string, urlPath: string, payload: string | undefined, contentType: string, as?: Impersonation): Promise<Verdict> {
    return new Promise((resolve, reject) => {
      const request = https.request(`${this.endpoint.url}${urlPath}`, {
        method,
        agent: this.agent,
        headers: {
          Authorization: `Bearer ${this.endpoint.token}`,
          Accept: 'application/json',
          ...(as ? { 'Impersonate-User': as.user, ...(as.groups?.length ? { 'Impersonate-Group': [...as.groups] } : {}) } : {}),
          ...(payload === undefined ? {} : { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(payload) }),
        },
      }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = text.length > 0 ? JSON.parse(text) : undefined;
          } catch {
            // Not JSON (e.g. /readyz answers `ok`): keep the text.
          }
          // rawHeaders keeps repeated Warning headers apart; the joined form is ambiguous because
          // warning texts contain commas.
          const warningValues: string[] = [];
          for (let i = 0; i < response.rawHeaders.length; i += 2) {
            if (response.rawHeaders[i].toLowerCase() === 'warning') warningValues.push(response.rawHeaders[i + 1]);
          }
          const status = response.statusCode ?? 0;
          const allowed = status >= 200 && status < 300;
          const failure = !allowed && isRecord(parsed) ? parsed : undefined;
          resolve({
            status,
            allowed,
            warnings: parseWarningHeaders(warningValues),
            ...(failure && typeof failure.message === 'string' ? { message: failure.message } : !allowed ? { message: text } : {}),
            ...(failure && typeof failure.reason === 'string' ? { reason: failure.reason } : {}),
            body: parsed,
          });
        });
      });
      request.on('error', (error: NodeJS.ErrnoException) => {
        reject(request.reusedSocket && error.code === 'ECONNRESET' ? new StaleSocketError(error.message) : error);
      });
      // Whatever holds the port when the server could not bind it may accept and never answer.
      request.setTimeout(REQUEST_IDLE_TIMEOUT_MS, () => request.destroy(new Error(`${method} ${urlPath}: no answer for ${REQUEST_IDLE_TIMEOUT_MS / 1000} s`)));
      if (payload !== undefined) request.write(payload);
      request.end();
    });
  }

  /** Polls /readyz until it answers 200, failing early with the log tails if a process died. */
  async waitReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = 'no answer yet';
    while (Date.now() < deadline) {
      for (const [name, pid, log] of [['etcd', this.endpoint.pids.etcd, this.logs.etcd], ['kube-apiserver', this.endpoint.pids.kubeApiserver, this.logs.kubeApiserver]] as const) {
        if (!isAlive(pid)) throw new Error(`${name} (pid ${pid}) exited while starting; last lines of ${log}:\n${tail(log)}`);
      }
      try {
        const answer = await this.request('GET', '/readyz');
        if (answer.status === 200) return;
        last = `/readyz ${answer.status}: ${String(answer.body).slice(0, 2000)}`;
      } catch (error) {
        last = (error as Error).message;
      }
      await sleep(500);
    }
    throw new Error(`kube-apiserver not ready after ${timeoutMs / 1000} s (${last}); last lines of ${this.logs.kubeApiserver}:\n${tail(this.logs.kubeApiserver)}`);
  }

  /** The resources the server serves for one group/version, from discovery (cached). */
  private resources(apiVersion: string): Promise<readonly ApiResource[]> {
    let found = this.discovery.get(apiVersion);
    if (!found) {
      const prefix = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
      found = this.request('GET', prefix).then((answer) => {
        if (!answer.allowed || !isRecord(answer.body) || !Array.isArray(answer.body.resources)) {
          throw new Error(`the server does not serve ${apiVersion} (${answer.status} ${answer.message ?? ''})`);
        }
        return (answer.body.resources as ApiResource[]).filter((r) => !r.name.includes('/'));
      });
      found.catch(() => this.discovery.delete(apiVersion));
      this.discovery.set(apiVersion, found);
    }
    return found;
  }

  /** The collection path for an object (`/apis/apps/v1/namespaces/ns/deployments`), found by discovery. */
  async collectionPath(apiVersion: string, kind: string, namespace?: string): Promise<string> {
    const resource = (await this.resources(apiVersion)).find((r) => r.kind === kind);
    if (!resource) throw new Error(`the server has no kind ${kind} in ${apiVersion}`);
    const prefix = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    if (!resource.namespaced) return `${prefix}/${resource.name}`;
    if (!namespace) throw new Error(`${kind} is namespaced: pass a namespace`);
    return `${prefix}/namespaces/${encodeURIComponent(namespace)}/${resource.name}`;
  }

  /** A namespace name not used before in this run. */
  uniqueNamespaceName(prefix: string): string {
    const stem = prefix.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'ns';
    return `${stem}-${process.pid.toString(36)}-${(this.namespaceCounter++).toString(36)}`;
  }

  /**
   * Creates a namespace with these labels (Pod Security reads them at creation) and its `default`
   * ServiceAccount, which the ServiceAccount admission plugin needs and no controller-manager makes here.
   */
  async createNamespace(name: string, labels: Readonly<Record<string, string>> = {}): Promise<string> {
    const created = await this.request('POST', '/api/v1/namespaces?fieldValidation=Strict',
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
    if (!created.allowed) throw new Error(`cannot create namespace ${name}: ${created.status} ${created.message}`);
    const account = await this.request('POST', `/api/v1/namespaces/${encodeURIComponent(name)}/serviceaccounts`,
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default' } });
    if (!account.allowed) throw new Error(`cannot create ServiceAccount default in ${name}: ${account.status} ${account.message}`);
    return name;
  }

  /**
   * A fresh namespace that enforces and warns at this Pod Security level, pinned to a version
   * (default: the server's own, e.g. v1.37).
   */
  createPodSecurityNamespace(prefix: string, level: 'privileged' | 'baseline' | 'restricted', version = this.podSecurityVersion): Promise<string> {
    return this.createNamespace(this.uniqueNamespaceName(prefix), podSecurityLabels(level, version));
  }

  /**
   * Dry-run creates the object (`dryRun=All`, `fieldValidation=Strict`): admission and validation run,
   * nothing is stored. A namespaced object goes to `namespace`, or to its own metadata.namespace.
   */
  async dryRunCreate(object: KubeObjectLike, namespace?: string): Promise<Verdict> {
    return this.create(object, namespace, true);
  }

  /** Creates the object for real (strict field validation), or only dry-runs it. */
  async create(object: KubeObjectLike, namespace?: string, dryRun = false): Promise<Verdict> {
    const ns = namespace ?? object.metadata?.namespace;
    const target = ns === undefined ? object : { ...object, metadata: { ...object.metadata, namespace: ns } };
    const collection = await this.collectionPath(object.apiVersion, object.kind, ns);
    return this.request('POST', `${collection}?${dryRun ? 'dryRun=All&' : ''}fieldValidation=Strict`, target);
  }

  /** Server-side apply (`application/apply-patch+yaml`, strict field validation, forced), optionally as dry run. */
  async apply(object: KubeObjectLike, options: { namespace?: string; dryRun?: boolean } = {}): Promise<Verdict> {
    const ns = options.namespace ?? object.metadata?.namespace;
    const name = object.metadata?.name;
    if (!name) throw new Error(`server-side apply needs metadata.name (${object.kind})`);
    const target = ns === undefined ? object : { ...object, metadata: { ...object.metadata, namespace: ns } };
    const collection = await this.collectionPath(object.apiVersion, object.kind, ns);
    const query = `${options.dryRun ? 'dryRun=All&' : ''}fieldValidation=Strict&fieldManager=${FIELD_MANAGER}&force=true`;
    // JSON is YAML, so the object goes as it is.
    return this.request('PATCH', `${collection}/${encodeURIComponent(name)}?${query}`, target, 'application/apply-patch+yaml');
  }

  /**
   * Repeats `probe` until it returns true, e.g. until a just-bound ValidatingAdmissionPolicy (which
   * the server loads asynchronously) refuses a known-bad dry run. Throws with `what` on timeout.
   */
  async waitUntil(what: string, probe: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await probe())) {
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting until ${what}`);
      await sleep(250);
    }
  }

  /** Stops kube-apiserver, then etcd, by PID; removes etcd's data. Logs stay in runDir. */
  async stop(): Promise<void> {
    this.agent.destroy();
    await stopEndpoint(this.endpoint);
  }
}

/** Stops the processes of an endpoint (also from another process than the one that started them). */
export async function stopEndpoint(endpoint: ClusterEndpoint): Promise<void> {
  for (const pid of [endpoint.pids.kubeApiserver, endpoint.pids.etcd]) {
    if (!isAlive(pid)) continue;
    process.kill(pid, 'SIGTERM');
    const deadline = Date.now() + 15_000;
    while (isAlive(pid) && Date.now() < deadline) await sleep(100);
    if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  }
  fs.rmSync(endpoint.etcdDataDir, { recursive: true, force: true });
}

/** Any Kubernetes object as plain data. */
export type KubeObjectLike = KubeObject;

/** Labels that make Pod Security enforce and warn at a level and version. */
export function podSecurityLabels(level: 'privileged' | 'baseline' | 'restricted', version: string): Record<string, string> {
  return {
    'pod-security.kubernetes.io/enforce': level,
    'pod-security.kubernetes.io/enforce-version': version,
    'pod-security.kubernetes.io/warn': level,
    'pod-security.kubernetes.io/warn-version': version,
  };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A reused keep-alive socket was already closed by the server. */
class StaleSocketError extends Error {}
