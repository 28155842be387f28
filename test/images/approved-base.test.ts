import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DISTROLESS_LIKE } from './fixtures';
import { readLockFile } from '../../src/images/lock-file';
import { cliMainPath, runHardpod, runHardpodAsync } from '../cli/cli-process';
import { pushImage, type TestImage } from '../harness/oci-images';
import { describeRegistry, startRegistry, type TestRegistry } from '../harness/registry';

/**
 * Images in a real docker-registry that record their base as builders do (buildah and BuildKit in a
 * manifest annotation, older tools in a config label, ko only the digest for a base given by digest):
 * `hardpod lock` records it, and the image-approved-base rule judges it in `hardpod check`.
 */

const BASE_NAME = 'org.opencontainers.image.base.name';
const BASE_DIGEST = 'org.opencontainers.image.base.digest';
const IMAGES = ['annotated', 'labelled', 'digest-only', 'hub'] as const;

describeRegistry('approved base images: recorded by hardpod lock from a real registry, judged by hardpod check', () => {
  let registry: TestRegistry;
  let dir: string;
  let baseDigest: string;

  beforeAll(async () => {
    cliMainPath();
    registry = await startRegistry();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hardpod-approved-base-'));
    const base = `${registry.host}/base/static`;
    baseDigest = (await pushImage(registry.url, 'base/static', '1', { user: '65532:65532', layers: [DISTROLESS_LIKE] })).digest;
    const built = (recorded: Pick<TestImage, 'annotations' | 'labels'>): TestImage => ({ user: '65532:65532', layers: [DISTROLESS_LIKE, [{ path: 'app/VERSION', content: '1\n' }]], ...recorded });
    await pushImage(registry.url, 'team/annotated', 'v1', built({ annotations: { [BASE_NAME]: `${base}:1`, [BASE_DIGEST]: baseDigest } }));
    await pushImage(registry.url, 'team/labelled', 'v1', built({ labels: { [BASE_NAME]: `${base}:1` } }));
    await pushImage(registry.url, 'team/digest-only', 'v1', built({ annotations: { [BASE_DIGEST]: baseDigest } }));
    await pushImage(registry.url, 'team/hub', 'v1', built({ annotations: { [BASE_NAME]: 'alpine:3.20' } }));
    const containers = [
      ...IMAGES.map((name) => `    - {name: ${name}, image: '${registry.host}/team/${name}:v1'}`),
      `    - {name: base, image: '${base}:1'}`,
    ];
    fs.writeFileSync(path.join(dir, 'pod.yaml'), `apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: shop}\nspec:\n  containers:\n${containers.join('\n')}\n`);
    fs.writeFileSync(path.join(dir, 'hardpod.config.yaml'), `hardened:\n  approvedBaseImages: ['${registry.host}/base']\n`);
  }, 120_000);
  afterAll(async () => {
    await registry?.stop();
  });

  it('hardpod lock records the base name from a manifest annotation or a config label, and the digest alone where only it is given', async () => {
    const locked = await runHardpodAsync(['lock', 'pod.yaml'], { cwd: dir, env: { HOME: dir, DOCKER_CONFIG: dir } });
    expect(locked.stderr).not.toMatch(/error/);
    expect(locked.status).toBe(0);
    const { images } = readLockFile(path.join(dir, 'hardpod.lock.json'));
    const facts = (name: string) => images[`${registry.host}/team/${name}:v1`].facts;
    expect(facts('annotated')).toMatchObject({ baseName: `${registry.host}/base/static:1`, baseDigest });
    expect(facts('labelled')).toMatchObject({ baseName: `${registry.host}/base/static:1` });
    expect(facts('digest-only')?.baseName).toBeUndefined();
    expect(facts('digest-only')?.baseDigest).toBe(baseDigest);
    expect(facts('hub')?.baseName).toBe('alpine:3.20');

    const result = runHardpod(['check', '--config', 'hardpod.config.yaml', '--format', 'json', 'pod.yaml'], { cwd: dir });
    expect(result.stderr).toBe('');
    const findings = (JSON.parse(result.stdout) as { findings: { rule: string; outcome: string; path: string; message: string }[] }).findings
      .filter((f) => f.rule === 'image-approved-base');
    // The base itself (containers[4]) and the images built on it pass; the others fail.
    expect(findings.map((f) => `${f.outcome} ${f.path}`)).toEqual(['fail spec.containers[2].image', 'fail spec.containers[3].image']);
    expect(findings[0].message).toContain(`it names only the digest of its base (${baseDigest})`);
    expect(findings[1].message).toContain(`is built on "alpine:3.20" (docker.io/library/alpine), which is under none of approvedBaseImages (${registry.host}/base)`);
  });

  it('hardpod lock --config says, as it records the base, which images image-approved-base will fail', async () => {
    const locked = await runHardpodAsync(['lock', '--config', 'hardpod.config.yaml', '--lock-file', 'configured.lock.json', 'pod.yaml'], { cwd: dir, env: { HOME: dir, DOCKER_CONFIG: dir } });
    expect(locked.status).toBe(0);
    const warnings = locked.stderr.split('\n').filter((line) => line.startsWith('hardpod lock: warning:'));
    expect(warnings).toEqual([
      `hardpod lock: warning: ${registry.host}/team/digest-only:v1 does not record which base image it was built on: it names only the digest of its base (${baseDigest}), `
        + `not the base's name (${BASE_NAME}); expected a base under approvedBaseImages (${registry.host}/base)`,
      `hardpod lock: warning: ${registry.host}/team/hub:v1 is built on "alpine:3.20" (docker.io/library/alpine), which is under none of approvedBaseImages (${registry.host}/base)`,
    ]);
  });
});
