/**
 * Jest glue for the real API servers: one server per release shared by every suite of a jest run, started by the
 * first suite that needs it and stopped by the global teardown; a suite run without the global setup
 * starts and stops its own. Without the toolchain a suite fails, naming what is missing ({@link describeWithTools}).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Cluster, CLUSTER_SERVERS, findToolchain, startCluster, stopEndpoint, type ClusterEndpoint, type ClusterServer } from './cluster';
import { describeWithTools } from './required-tools';

/** Set by the global setup: a directory where the shared server's endpoint is written down. */
const STATE_ENV = 'HARDPOD_CLUSTER_STATE';
const LOCK_TIMEOUT_MS = 10 * 60_000;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function withLock<T>(dir: string, body: () => Promise<T>): Promise<T> {
  const lock = path.join(dir, 'lock');
  const deadline = Date.now() + LOCK_TIMEOUT_MS;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${lock}`);
      await sleep(200);
    }
  }
  try {
    return await body();
  } finally {
    fs.rmdirSync(lock);
  }
}

function alive(endpoint: ClusterEndpoint): boolean {
  return [endpoint.pids.etcd, endpoint.pids.kubeApiserver].every((pid) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  });
}

/** The file a shared server's endpoint is written to: one per server of the harness. */
const endpointFileOf = (stateDir: string, server: ClusterServer): string => path.join(stateDir, `endpoint-${server}.json`);

/** The run's shared server of that release, started here if no suite started it yet. */
async function sharedCluster(stateDir: string, server: ClusterServer): Promise<Cluster> {
  return withLock(stateDir, async () => {
    const endpointFile = endpointFileOf(stateDir, server);
    const failedFile = path.join(stateDir, `failed-${server}.txt`);
    if (fs.existsSync(failedFile)) throw new Error(`the shared kube-apiserver failed to start earlier in this run:\n${fs.readFileSync(failedFile, 'utf8')}`);
    if (fs.existsSync(endpointFile)) {
      const endpoint = JSON.parse(fs.readFileSync(endpointFile, 'utf8')) as ClusterEndpoint;
      if (alive(endpoint)) return new Cluster(endpoint);
      throw new Error(`the shared kube-apiserver died during the run; logs in ${endpoint.runDir}`);
    }
    const found = findToolchain(server);
    if ('missing' in found) throw new Error(found.missing);
    try {
      const cluster = await startCluster(found.toolchain);
      fs.writeFileSync(endpointFile, JSON.stringify(cluster.endpoint));
      return cluster;
    } catch (error) {
      fs.writeFileSync(failedFile, (error as Error).message);
      throw error;
    }
  });
}

/** Global setup: only makes the shared-state directory; the server starts when a suite needs it. */
export function clusterGlobalSetup(): void {
  process.env[STATE_ENV] = fs.mkdtempSync(path.join(os.tmpdir(), 'hardpod-cluster-state-'));
}

/** Global teardown: stops the shared servers that were started, by PID. */
export async function clusterGlobalTeardown(): Promise<void> {
  const stateDir = process.env[STATE_ENV];
  if (!stateDir) return;
  for (const server of CLUSTER_SERVERS) {
    const endpointFile = endpointFileOf(stateDir, server);
    if (!fs.existsSync(endpointFile)) continue;
    const endpoint = JSON.parse(fs.readFileSync(endpointFile, 'utf8')) as ClusterEndpoint;
    await stopEndpoint(endpoint);
    console.log(`kube-apiserver ${endpoint.kubernetesVersion} stopped; its logs are kept in ${endpoint.runDir}`);
  }
  fs.rmSync(stateDir, { recursive: true, force: true });
}

/**
 * Declares a suite that runs against the real API server. `body` registers tests and gets a function
 * returning the started cluster (valid inside tests and hooks). Each server (`server`: the newest
 * release unless told) is shared by the run's suites that need it.
 */
export function describeCluster(title: string, body: (cluster: () => Cluster) => void, server: ClusterServer = 'newest'): void {
  const found = findToolchain(server);
  if ('missing' in found) {
    describeWithTools(title, 'a real kube-apiserver', found.missing, () => undefined);
    return;
  }
  describe(title, () => {
    let cluster: Cluster | undefined;
    let ownsCluster = false;
    beforeAll(async () => {
      const stateDir = process.env[STATE_ENV];
      if (stateDir && fs.existsSync(stateDir)) {
        cluster = await sharedCluster(stateDir, server);
      } else {
        cluster = await startCluster(found.toolchain);
        ownsCluster = true;
      }
    }, LOCK_TIMEOUT_MS);
    afterAll(async () => {
      if (cluster && ownsCluster) await cluster.stop();
    }, 60_000);
    body(() => {
      if (!cluster) throw new Error('the kube-apiserver did not start (see the beforeAll error)');
      return cluster;
    });
  });
}
