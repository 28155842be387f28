import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NUMERIC_USER_DISTROLESS } from './fixtures';
import { readLockFile, serializeLockFile, type LockedProvenance, type LockFile } from '../../src/images/lock-file';
import { cliMainPath } from '../cli/cli-process';
import { describeWithCosign, lockAndCheck, podOfTeamImages, ReferrersRegistry, runCosign, signingConfig, signingScene } from '../harness/cosign';
import { pushImage } from '../harness/oci-images';
import { startRegistry, type TestRegistry } from '../harness/registry';

/**
 * SLSA v1 provenance attested by the real cosign CLI (`cosign attest --type slsaprovenance1`), stored
 * both ways cosign stores it (DSSE envelopes at the `.att` tag, and Sigstore bundles with
 * `--new-bundle-format`), read by `hardpod lock` and judged against `images.attestations.provenance`
 * by `hardpod check`.
 */

const SLSA1 = 'https://slsa.dev/provenance/v1';
const BUILDER = 'https://github.com/acme/ci/.github/workflows/build.yml@refs/heads/main';
const EVIL_BUILDER = 'https://github.com/evil/ci/.github/workflows/build.yml@refs/heads/main';
const REPO = 'https://github.com/acme/app';
const EVIL_REPO = 'https://github.com/evil/app';
const BUILD_TYPE = 'https://actions.github.io/buildtypes/workflow/v1';
/** The builds of the test: one image each, per storage form. */
const BUILDS = { good: [BUILDER, REPO], wrongbuilder: [EVIL_BUILDER, REPO], wrongsource: [BUILDER, EVIL_REPO] } as const;
type Build = keyof typeof BUILDS;
const NAMES = Object.keys(BUILDS) as Build[];
/** The images of the pod, in this order: `att-<build>` in the registry without referrers, `bundle-<build>` in the one with. */
const CONTAINERS = [...NAMES.map((name) => `att-${name}`), ...NAMES.map((name) => `bundle-${name}`)];

/** A SLSA v1 predicate as GitHub Actions' build type writes it. */
function predicate([builderId, repository]: readonly [string, string]): string {
  return JSON.stringify({
    buildDefinition: {
      buildType: BUILD_TYPE,
      externalParameters: { workflow: { ref: 'refs/heads/main', repository, path: '.github/workflows/build.yml' } },
      internalParameters: { github: { event_name: 'push', repository_id: '1' } },
      resolvedDependencies: [{ uri: `git+${repository}@refs/heads/main`, digest: { gitCommit: 'c'.repeat(40) } }],
    },
    runDetails: { builder: { id: builderId }, metadata: { invocationId: `${repository}/actions/runs/1/attempts/1` } },
  });
}

const PROVENANCE_CONFIG = [
  '    provenance:',
  `      builderIds: [${BUILDER}]`,
  `      sourceRepositories: [${REPO}]`,
  '',
].join('\n');

describeWithCosign('SLSA provenance contents: attested by cosign, recorded by hardpod lock, judged by hardpod check', ({ cosign, referrersRegistry }) => {
  let registry: TestRegistry;
  let referrers: ReferrersRegistry;
  let dir: string;
  const refOf: Record<string, string> = {};
  const keyOf = (container: string) => refOf[container].replace(/@sha256:.*$/, '');

  const { lock, findings: attested } = lockAndCheck(() => dir, 'image-attested');
  const at = (container: string) => `spec.containers[${CONTAINERS.indexOf(container)}].image`;

  beforeAll(async () => {
    cliMainPath();
    registry = await startRegistry();
    referrers = await ReferrersRegistry.start(referrersRegistry);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hardpod-provenance-'));
    const attDigests = await signingScene(cosign, registry.url, NAMES.map((name) => `att-${name}`), dir);
    const flags = ['--tlog-upload=false', '--allow-http-registry', '-y'];
    for (const [index, name] of NAMES.entries()) {
      fs.writeFileSync(path.join(dir, `${name}.json`), predicate(BUILDS[name]));
      const att = `att-${name}`;
      refOf[att] = `${registry.host}/team/${att}:v1@${attDigests[att]}`;
      runCosign(cosign, ['attest', '--key', 'cosign.key', '--type', 'slsaprovenance1', '--predicate', `${name}.json`, ...flags, `${registry.host}/team/${att}@${attDigests[att]}`], dir);
      const bundle = `bundle-${name}`;
      const digest = (await pushImage(referrers.url, `team/${bundle}`, 'v1', { ...NUMERIC_USER_DISTROLESS, labels: { image: bundle, index: String(index) } })).digest;
      refOf[bundle] = `${referrers.host}/team/${bundle}:v1@${digest}`;
      runCosign(cosign, ['attest', '--key', 'cosign.key', '--type', 'slsaprovenance1', '--predicate', `${name}.json`, '--new-bundle-format', ...flags, `${referrers.host}/team/${bundle}@${digest}`], dir);
    }
    fs.writeFileSync(path.join(dir, 'pod.yaml'), podOfTeamImages(registry.host, CONTAINERS, Object.fromEntries(CONTAINERS.map((c) => [c, refOf[c].replace(/@sha256:.*$/, '')]))));
    fs.writeFileSync(path.join(dir, 'any-build.yaml'), signingConfig([SLSA1]));
    fs.writeFileSync(path.join(dir, 'hardpod.yaml'), signingConfig([SLSA1]) + PROVENANCE_CONFIG);
  }, 300_000);

  afterAll(async () => {
    await registry?.stop();
    await referrers?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('hardpod lock records the builder, build type and sources of each provenance, in the .att tag and in Sigstore bundles alike', async () => {
    const result = await lock('hardpod.yaml');
    expect(result.stderr).not.toMatch(/Error|at .*\.js:\d+/);
    expect(result.status).toBe(0);
    const images = readLockFile(path.join(dir, 'hardpod.lock.json')).images;
    for (const container of CONTAINERS) {
      const [builderId, repository] = BUILDS[container.replace(/^(att|bundle)-/, '') as Build];
      const expected: LockedProvenance[] = [{
        predicateType: SLSA1, verifiedBy: ['release'], builderId, buildType: BUILD_TYPE, sources: [repository, `git+${repository}@refs/heads/main`],
      }];
      const facts = images[keyOf(container)].facts?.attestations;
      expect([container, facts?.verified, facts?.provenance]).toEqual([container, { [SLSA1]: ['release'] }, expected]);
      expect(result.stderr).toContain(`hardpod lock: ${keyOf(container)}: ${SLSA1} provenance (release): a build by ${builderId} from ${repository}, git+${repository}@refs/heads/main\n`);
    }
    // What the conditions do not allow is said at lock time too.
    const warned = (container: string) => result.stderr.split('\n').filter((line) => line.startsWith(`hardpod lock: warning: ${keyOf(container)}: `));
    for (const form of ['att', 'bundle']) {
      expect(warned(`${form}-good`)).toEqual([]);
      expect(warned(`${form}-wrongbuilder`)).toEqual([
        `hardpod lock: warning: ${keyOf(`${form}-wrongbuilder`)}: images.attestations.provenance does not allow that build: builder ${EVIL_BUILDER} is none of builderIds (${BUILDER})`,
      ]);
      expect(warned(`${form}-wrongsource`)).toEqual([
        `hardpod lock: warning: ${keyOf(`${form}-wrongsource`)}: images.attestations.provenance does not allow that build: source ${EVIL_REPO}, git+${EVIL_REPO}@refs/heads/main is none of sourceRepositories (${REPO})`,
      ]);
    }
  }, 120_000);

  test('hardpod check fails image-attested for a build by another builder or from another repository, naming both, and passes the allowed build', () => {
    const findings = attested('hardpod.yaml');
    const failing = ['att-wrongbuilder', 'att-wrongsource', 'bundle-wrongbuilder', 'bundle-wrongsource'];
    expect(findings.map((f) => `${f.outcome} ${f.path}`)).toEqual(failing.map((container) => `fail ${at(container)}`));
    const message = (container: string) => findings.find((f) => f.path === at(container))!.message;
    for (const form of ['att', 'bundle']) {
      expect(message(`${form}-wrongbuilder`)).toBe(
        `container "${form}-wrongbuilder"'s image "${keyOf(`${form}-wrongbuilder`)}" was not built as images.attestations.provenance requires: its ${SLSA1} provenance `
        + `(verified with release) is of a build by ${EVIL_BUILDER} from ${REPO}, git+${REPO}@refs/heads/main: builder ${EVIL_BUILDER} is none of builderIds (${BUILDER})`,
      );
      expect(message(`${form}-wrongsource`)).toMatch(new RegExp(
        `is of a build by ${BUILDER.replace(/\./g, '\\.')} from ${EVIL_REPO}, git\\+${EVIL_REPO}@refs/heads/main: source ${EVIL_REPO}, git\\+${EVIL_REPO}@refs/heads/main is none of sourceRepositories \\(${REPO}\\)$`,
      ));
    }
    // Without the conditions, any provenance the key signed counts, as before.
    expect(attested('any-build.yaml')).toEqual([]);
  });

  test('a lock file written before hardpod read provenance leaves the images unknown; plain hardpod lock reads it at the locked digest', async () => {
    const before: LockFile = readLockFile(path.join(dir, 'hardpod.lock.json'));
    // The lock file as an earlier hardpod wrote it: attestations recorded, their contents not.
    const older = {
      ...before,
      images: Object.fromEntries(Object.entries(before.images).map(([key, entry]) => {
        const { provenance, ...attestations } = entry.facts!.attestations!;
        expect(provenance).toHaveLength(1);
        return [key, { ...entry, facts: { ...entry.facts, attestations } }];
      })),
    };
    fs.writeFileSync(path.join(dir, 'older.lock.json'), serializeLockFile(older));
    const unknown = attested('hardpod.yaml', 'older.lock.json');
    expect(unknown.map((f) => f.outcome)).toEqual(CONTAINERS.map(() => 'unknown'));
    expect(unknown[0].message).toMatch(/meets images\.attestations\.provenance is not known: .*run `npx hardpod lock --config <config>`$/);
    const relocked = await lock('hardpod.yaml', 'older.lock.json');
    expect(relocked.status).toBe(0);
    const after = readLockFile(path.join(dir, 'older.lock.json'));
    expect(after.images).toEqual(before.images);
    expect(attested('hardpod.yaml', 'older.lock.json').map((f) => `${f.outcome} ${f.path}`)).toEqual(
      ['att-wrongbuilder', 'att-wrongsource', 'bundle-wrongbuilder', 'bundle-wrongsource'].map((container) => `fail ${at(container)}`),
    );
  }, 120_000);
});
