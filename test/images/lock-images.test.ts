import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { serializeLockFile, type LockFile } from '../../src/images/lock-file';
import { imageUsesIn, runLock } from '../../src/images/lock-images';
import { RegistryClient } from '../../src/images/registry-client';
import { HardpodError } from '../../src/model/errors';
import { freePort } from '../harness/ports';

const DIGEST = `sha256:${'e'.repeat(64)}`;

describe('runLock without a reachable registry', () => {
  let dir: string;
  let host: string;
  let client: RegistryClient;
  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hardpod-runlock-'));
    host = `127.0.0.1:${await freePort()}`;
    client = new RegistryClient({ retries: 0, credentials: () => undefined });
  });
  afterEach(() => client.close());

  it('--check says a locked tag could not be verified (a warning), and lists a missing one', async () => {
    const lock: LockFile = {
      lockfileVersion: 1,
      images: { [`${host}/team/app:v1`]: { digest: DIGEST, mediaType: 'application/vnd.oci.image.manifest.v1+json', resolvedAt: 't', resolvedFrom: `http://${host}` } },
    };
    const lockFilePath = path.join(dir, 'hardpod.lock.json');
    fs.writeFileSync(lockFilePath, serializeLockFile(lock));
    const uses = [{ reference: `${host}/team/app:v1`, where: 'a.yaml:1' }, { reference: `${host}/team/new:v2`, where: 'a.yaml:9' }, { reference: `x@${DIGEST}`, where: 'a.yaml:20' }];
    const result = await runLock({ lockFilePath, uses, mode: 'check', client });
    expect(result.written).toBe(false);
    expect(result.missing).toEqual([uses[1]]);
    expect(result.outdated).toEqual([]);
    expect(result.unverified).toEqual([{ key: `${host}/team/app:v1`, reason: expect.stringContaining('cannot reach the registry') }]);
  });

  it('a failed resolution writes nothing and names each image and where it is used', async () => {
    const lockFilePath = path.join(dir, 'hardpod.lock.json');
    const error = await runLock({ lockFilePath, uses: [{ reference: `${host}/team/app:v1`, where: 'deploy.yaml:3' }], mode: 'lock', client }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(HardpodError);
    expect((error as Error).message).toMatch(/1 of 1 images could not be resolved; .*hardpod.lock.json was not changed:\n {2}127.0.0.1:\d+\/team\/app:v1 \(used at deploy.yaml:3\): .*ECONNREFUSED/);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('refuses to write a lock file edited while the registry answered, and keeps the edit', async () => {
    const lockFilePath = path.join(dir, 'hardpod.lock.json');
    const edited = serializeLockFile({ lockfileVersion: 1, images: {} }).replace('{}', '{ }');
    const manifest = { schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { digest: DIGEST }, layers: [] };
    const slowRegistry = {
      concurrency: 1,
      async getTagManifest() {
        // A colleague's edit lands while the registry is being asked.
        fs.writeFileSync(lockFilePath, edited);
        return { digest: DIGEST, mediaType: manifest.mediaType, bytes: Buffer.from(''), json: manifest, source: `http://${host}` };
      },
      async getJsonBlob() {
        return { config: { User: '1000' } };
      },
    } as unknown as RegistryClient;
    const error = await runLock({ lockFilePath, uses: [{ reference: `${host}/team/app:v1`, where: 'a.yaml:1' }], mode: 'lock', client: slowRegistry })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(HardpodError);
    expect((error as Error).message).toBe(`${lockFilePath}: the file was created after hardpod read it (edited meanwhile?); nothing was written: run the command again`);
    expect(fs.readFileSync(lockFilePath, 'utf8')).toBe(edited);
    expect(fs.readdirSync(dir)).toEqual(['hardpod.lock.json']);
  });

  it('finds images in every container list of every workload kind', () => {
    const cronJob = {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'c' },
      spec: { jobTemplate: { spec: { template: { spec: { initContainers: [{ name: 'i', image: 'init:1' }], containers: [{ name: 'm', image: 'main:1' }] } } } } },
    };
    const uses = imageUsesIn([{ object: cronJob, source: { file: 'c.yaml', line: 4 } }]);
    expect(uses).toEqual([
      { reference: 'init:1', where: 'c.yaml:4 spec.jobTemplate.spec.template.spec.initContainers[0].image' },
      { reference: 'main:1', where: 'c.yaml:4 spec.jobTemplate.spec.template.spec.containers[0].image' },
    ]);
  });
});
