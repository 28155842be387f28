/**
 * Image locking speed, against floors measured in the same run:
 * 1. `hardpod lock` of 200 distinct images from a real local registry (Debian's docker-registry)
 *    against the same requests made raw at the same concurrency (HEAD of the tag, GET of the
 *    manifest and of the config): the ratio is what the client adds (hashing, verification,
 *    parsing, facts, writing the lock file).
 * 2. Synthesizing 1,000 workloads (model builders, then YAML) whose tags resolve through a
 *    1,000-entry lock file, read from disk every round, against the same workloads written with
 *    digests and no lock file. Both write the same manifests (checked before timing).
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { isDeepStrictEqual } from 'node:util';
import { stringify as stringifyYaml } from 'yaml';
import { ratioAgainstFloor, report } from './measure';
import { LockFileResolver, runLock, RegistryClient, serializeLockFile, type LockFile } from '../src/images';
import { buildDeployment } from '../src/model';
import { pushImage } from '../test/harness/oci-images';
import { missingRegistryTools, startRegistry } from '../test/harness/registry';

const IMAGES = 200;
const CONCURRENCY = 8;
const WORKLOADS = 1000;
const ROUNDS = 7;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

interface PushedImage {
  readonly id: string;
  readonly digest: string;
  readonly configDigest: string;
}

function rawRequest(agent: http.Agent, url: string, method: 'GET' | 'HEAD', accept: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const request = http.request(url, { method, agent, headers: { Accept: accept } }, (response) => {
      response.resume();
      response.on('end', resolve);
      if (response.statusCode !== 200) reject(new Error(`${method} ${url} answered ${response.statusCode}`));
    });
    request.on('error', reject);
    request.end();
  });
}

/**
 * The floor: the same three requests locking makes per image (HEAD of the tag, GET of the manifest,
 * GET of the config), `CONCURRENCY` in flight, kept-alive connections, bodies discarded unread.
 */
async function rawRequests(base: string, images: readonly PushedImage[]): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const manifest = 'application/vnd.oci.image.manifest.v1+json';
  let next = 0;
  const worker = async () => {
    while (next < images.length) {
      const image = images[next++];
      const repository = `${base}/v2/bench/img-${image.id}`;
      await rawRequest(agent, `${repository}/manifests/v1`, 'HEAD', manifest);
      await rawRequest(agent, `${repository}/manifests/${image.digest}`, 'GET', manifest);
      await rawRequest(agent, `${repository}/blobs/${image.configDigest}`, 'GET', '*/*');
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  agent.destroy();
}

async function lockBench(): Promise<void> {
  const missing = missingRegistryTools();
  if (missing.length > 0) {
    const message = `lock benchmark needs ${missing.join(', ')} (run scripts/setup/registry.sh)`;
    if (process.env.HARDPOD_REQUIRE_SERVERS === '1') throw new Error(message);
    console.log(`${'!'.repeat(78)}\n!! NOT RUN: ${message}\n${'!'.repeat(78)}`);
    return;
  }
  const registry = await startRegistry();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hardpod-lock-bench-'));
  try {
    const ids = Array.from({ length: IMAGES }, (_, i) => String(i).padStart(3, '0'));
    const pushed: PushedImage[] = [];
    for (const id of ids) {
      const image = await pushImage(registry.url, `bench/img-${id}`, 'v1', { user: `${1000 + Number(id)}:1000`, exposedPorts: ['8080/tcp'], layers: [[{ path: 'app', content: 'shared layer' }]] });
      pushed.push({ id, digest: image.digest, configDigest: image.configDigest });
    }
    const uses = ids.map((id) => ({ reference: `${registry.host}/bench/img-${id}:v1`, where: `bench ${id}` }));
    const lockFilePath = path.join(dir, 'hardpod.lock.json');
    const lockOnce = async () => {
      fs.rmSync(lockFilePath, { force: true });
      const client = new RegistryClient({ concurrency: CONCURRENCY, credentials: () => undefined });
      try {
        const result = await runLock({ lockFilePath, uses, mode: 'lock', client });
        if (result.added.length !== IMAGES) throw new Error(`locked ${result.added.length} images, expected ${IMAGES}`);
      } finally {
        client.close();
      }
    };
    await lockOnce();
    await rawRequests(registry.url, pushed);
    const ratios: number[] = [];
    const lockTimes: number[] = [];
    const rawTimes: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      let start = performance.now();
      await rawRequests(registry.url, pushed);
      const floor = performance.now() - start;
      start = performance.now();
      await lockOnce();
      const subject = performance.now() - start;
      rawTimes.push(floor);
      lockTimes.push(subject);
      ratios.push(subject / floor);
    }
    const lockMs = median(lockTimes);
    report(
      `lock ${IMAGES} images vs the same requests made raw`,
      median(ratios),
      1.3,
      `${(IMAGES / (lockMs / 1000)).toFixed(0)} images/s at concurrency ${CONCURRENCY}; ${lockMs.toFixed(0)} ms vs ${median(rawTimes).toFixed(0)} ms raw`,
    );
  } finally {
    await registry.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function synthBench(): void {
  const digest = (i: number) => `sha256:${i.toString(16).padStart(64, '0')}`;
  const lock: LockFile = {
    lockfileVersion: 1,
    images: Object.fromEntries(Array.from({ length: WORKLOADS }, (_, i) => [
      `ghcr.io/acme/svc-${i}:1.0`,
      {
        digest: digest(i),
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        resolvedAt: '2026-01-01T00:00:00.000Z',
        resolvedFrom: 'https://ghcr.io',
        facts: { user: '65532:65532', uid: 65532, gid: 65532, exposedPorts: [8080] },
      },
    ])),
  };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hardpod-lock-bench-'));
  const lockFilePath = path.join(dir, 'hardpod.lock.json');
  fs.writeFileSync(lockFilePath, serializeLockFile(lock));
  const props = (i: number, image: string) => ({ name: `svc-${i}`, image, port: 8080, runAsUser: 65532, runAsGroup: 65532 });
  // A synthesis: build every workload with the model builders and write the manifests as YAML.
  const build = (image: (i: number) => string, imageResolver?: LockFileResolver) =>
    Array.from({ length: WORKLOADS }, (_, i) => buildDeployment(props(i, image(i)), { where: `bench/svc-${i}`, ...(imageResolver ? { imageResolver } : {}) }).objects).flat();
  const synthesize = (image: (i: number) => string, imageResolver?: LockFileResolver) => build(image, imageResolver).map((object) => stringifyYaml(object)).join('---\n');
  // The lock file is read and parsed in every round, as each `cdk8s synth` process does.
  const withLock = () => synthesize((i) => `ghcr.io/acme/svc-${i}:1.0`, LockFileResolver.fromFile(lockFilePath));
  const withDigests = () => synthesize((i) => `ghcr.io/acme/svc-${i}:1.0@${digest(i)}`);
  // Same objects (fields may come in another order: the lock's facts set the user first).
  if (!isDeepStrictEqual(build((i) => `ghcr.io/acme/svc-${i}:1.0`, LockFileResolver.fromFile(lockFilePath)), build((i) => `ghcr.io/acme/svc-${i}:1.0@${digest(i)}`))) {
    throw new Error('the lock-file synthesis and the digest synthesis must write the same manifests');
  }
  const { ratio, subjectMs, floorMs } = ratioAgainstFloor(() => void withLock(), () => void withDigests(), 15);
  report(`synthesize ${WORKLOADS} workloads with a ${WORKLOADS}-entry lock file vs digests written out`, ratio, 1.05, `${subjectMs.toFixed(0)} ms vs ${floorMs.toFixed(0)} ms`);
  fs.rmSync(dir, { recursive: true, force: true });
}

void (async () => {
  synthBench();
  await lockBench();
})().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
