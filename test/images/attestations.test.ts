import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NUMERIC_USER_DISTROLESS } from './fixtures';
import { readLockFile } from '../../src/images/lock-file';
import { cliMainPath, runHardpod, runHardpodAsync } from '../cli/cli-process';
import { describeWithCosign, podOfTeamImages, ReferrersRegistry, runCosign, signingConfig, signingScene } from '../harness/cosign';
import { getRegistryJson, pushBlob, pushImage, pushManifest, sha256 } from '../harness/oci-images';
import { startRegistry, type TestRegistry } from '../harness/registry';

/**
 * Attestations made by the real cosign CLI (`cosign attest --key`, built from its Go module) in a real
 * docker-registry and a registry serving the referrers API, then verified by `hardpod lock` and judged
 * by `hardpod check`.
 */

const SPDX = 'https://spdx.dev/Document';
const SLSA = 'https://slsa.dev/provenance/v0.2';
/** The images of the test, one container each, in this order. */
const IMAGES = ['attested', 'sbomonly', 'otherkey', 'copied', 'tampered', 'unattested'] as const;
type Name = (typeof IMAGES)[number];

function pod(host: string, names: readonly string[] = IMAGES): string {
  return podOfTeamImages(host, names);
}

const SBOM = JSON.stringify({
  spdxVersion: 'SPDX-2.3',
  SPDXID: 'SPDXRef-DOCUMENT',
  name: 'app',
  dataLicense: 'CC0-1.0',
  documentNamespace: 'https://example.com/spdx/app',
  creationInfo: { created: '2026-01-01T00:00:00Z', creators: ['Tool: test'] },
  packages: [{ name: 'musl', SPDXID: 'SPDXRef-musl', versionInfo: '1.2.5', downloadLocation: 'NOASSERTION' }],
});
const PROVENANCE = JSON.stringify({
  builder: { id: 'https://ci.example.com/builder' },
  buildType: 'https://ci.example.com/build/v1',
  invocation: { configSource: { uri: 'git+https://git.example.com/team/app', digest: { sha1: 'a'.repeat(40) } } },
  materials: [],
});

describeWithCosign('cosign attestations: made by cosign attest, verified by hardpod lock, judged by hardpod check', ({ cosign, referrersRegistry }) => {
  let registry: TestRegistry;
  let dir: string;
  let host: string;
  const digests = {} as Record<Name, string>;

  const attest = (target: string, type: string, predicate: string, key = 'cosign.key', ...extra: string[]) => runCosign(
    cosign, ['attest', '--key', key, '--type', type, '--predicate', predicate, '--tlog-upload=false', '--allow-http-registry', '-y', ...extra, target], dir,
  );
  const attTag = (digest: string) => `sha256-${digest.slice('sha256:'.length)}.att`;
  const attestationsOf = (name: Name, lock = 'hardpod.lock.json') => readLockFile(path.join(dir, lock)).images[`${host}/team/${name}:v1`].facts?.attestations;

  beforeAll(async () => {
    cliMainPath();
    registry = await startRegistry();
    host = registry.host;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hardpod-attest-'));
    Object.assign(digests, await signingScene(cosign, registry.url, IMAGES, dir));
    fs.writeFileSync(path.join(dir, 'sbom.spdx.json'), SBOM);
    fs.writeFileSync(path.join(dir, 'provenance.json'), PROVENANCE);
    const at = (name: string, digest: string) => `${host}/team/${name}@${digest}`;

    // An SBOM and a SLSA provenance: cosign appends both envelopes to the one .att manifest.
    attest(at('attested', digests.attested), 'spdxjson', 'sbom.spdx.json');
    attest(at('attested', digests.attested), 'slsaprovenance', 'provenance.json');
    attest(at('sbomonly', digests.sbomonly), 'spdxjson', 'sbom.spdx.json');
    attest(at('otherkey', digests.otherkey), 'spdxjson', 'sbom.spdx.json', 'other/cosign.key');
    attest(at('otherkey', digests.otherkey), 'slsaprovenance', 'provenance.json', 'other/cosign.key');

    // Genuine attestations of another image of the repository, copied to this digest's .att tag.
    const source = (await pushImage(registry.url, 'team/copied', 'source', { ...NUMERIC_USER_DISTROLESS, labels: { attest: 'copied-source' } })).digest;
    attest(at('copied', source), 'spdxjson', 'sbom.spdx.json');
    attest(at('copied', source), 'slsaprovenance', 'provenance.json');
    await pushManifest(registry.url, 'team/copied', attTag(digests.copied), await getRegistryJson(`${registry.url}/v2/team/copied/manifests/${attTag(source)}`));

    // A signed SBOM statement changed afterwards: the envelope keeps its signature, its payload says more.
    attest(at('tampered', digests.tampered), 'spdxjson', 'sbom.spdx.json');
    attest(at('tampered', digests.tampered), 'slsaprovenance', 'provenance.json');
    const manifest = await getRegistryJson(`${registry.url}/v2/team/tampered/manifests/${attTag(digests.tampered)}`) as { layers: { digest: string; size: number; annotations?: Record<string, string> }[] };
    const index = manifest.layers.findIndex((layer) => layer.annotations?.predicateType === SPDX);
    expect(index).toBeGreaterThanOrEqual(0);
    const envelope = JSON.parse(Buffer.from(await (await fetch(`${registry.url}/v2/team/tampered/blobs/${manifest.layers[index].digest}`)).arrayBuffer()).toString()) as { payload: string };
    const statement = Buffer.from(envelope.payload, 'base64').toString();
    const changed = statement.replace('"versionInfo":"1.2.5"', '"versionInfo":"1.2.6"');
    expect(changed).not.toBe(statement);
    const blob = Buffer.from(JSON.stringify({ ...envelope, payload: Buffer.from(changed).toString('base64') }));
    manifest.layers[index] = { ...manifest.layers[index], digest: await pushBlob(registry.url, 'team/tampered', blob), size: blob.length };
    await pushManifest(registry.url, 'team/tampered', attTag(digests.tampered), manifest);

    fs.writeFileSync(path.join(dir, 'pod.yaml'), pod(host));
    fs.writeFileSync(path.join(dir, 'hardpod.yaml'), signingConfig([SPDX, SLSA]));
  }, 240_000);

  afterAll(async () => {
    await registry?.stop();
  });

  test('hardpod lock records per digest which predicate types the configured key attested, and not another key\'s, another digest\'s or a tampered envelope', () => {
    const result = runHardpod(['lock', '--config', 'hardpod.yaml', 'pod.yaml'], { cwd: dir });
    expect(result.stderr).not.toMatch(/Error|at .*\.js:\d+/);
    expect(result.status).toBe(0);
    const fingerprint = attestationsOf('attested')!.checked[0].key;
    expect(fingerprint).toMatch(/^sha256:[a-f0-9]{64}$/);
    const expected: Record<Name, Record<string, string[]>> = {
      attested: { [SLSA]: ['release'], [SPDX]: ['release'] },
      sbomonly: { [SPDX]: ['release'] },
      otherkey: {},
      copied: {},
      tampered: { [SLSA]: ['release'] },
      unattested: {},
    };
    // What the v0.2 provenance says is recorded wherever it verified: cosign kept the predicate as written.
    const build = { predicateType: SLSA, verifiedBy: ['release'], builderId: 'https://ci.example.com/builder', buildType: 'https://ci.example.com/build/v1', sources: ['git+https://git.example.com/team/app'] };
    for (const name of IMAGES) {
      const provenance = Object.prototype.hasOwnProperty.call(expected[name], SLSA) ? [build] : [];
      expect([name, attestationsOf(name)]).toEqual([name, { checked: [{ name: 'release', key: fingerprint }], verified: expected[name], provenance }]);
    }
    const say = (name: Name) => `${host}/team/${name}:v1`;
    expect(result.stderr).toContain(`hardpod lock: ${say('attested')} is attested: ${SLSA} (release), ${SPDX} (release)\n`);
    expect(result.stderr).toContain(`hardpod lock: warning: ${say('sbomonly')} lacks a verified attestation of the required ${SLSA}\n`);
    expect(result.stderr).toContain(`hardpod lock: ${say('unattested')} carries no attestation that verifies with a configured key (no cosign attestation found)\n`);
    expect(result.stderr).toMatch(new RegExp(`${say('otherkey')}: tag ${attTag(digests.otherkey)}, attestation 1: its signature verifies with none of the configured keys \\(release\\)`));
    expect(result.stderr).toContain(`${say('copied')}: tag ${attTag(digests.copied)}, attestation 1: an attestation verified with release (${SPDX}) is about sha256:`);
    expect(result.stderr).toContain(`not this image (${digests.copied})`);
    expect(result.stderr).toMatch(new RegExp(`${say('tampered')}: tag ${attTag(digests.tampered)}, attestation 1: its signature verifies with none of the configured keys`));
  }, 120_000);

  test('hardpod check fails image-attested for each image lacking a verified attestation of a required type, naming the types', () => {
    const result = runHardpod(['check', '--config', 'hardpod.yaml', '--format', 'json', 'pod.yaml'], { cwd: dir });
    expect(result.status).toBe(1);
    const report = JSON.parse(result.stdout) as { findings: { rule: string; outcome: string; path: string; message: string }[] };
    const findings = report.findings.filter((f) => f.rule === 'image-attested');
    const failing: Name[] = ['sbomonly', 'otherkey', 'copied', 'tampered', 'unattested'];
    expect(findings.map((f) => `${f.outcome} ${f.path}`)).toEqual(failing.map((name) => `fail spec.containers[${IMAGES.indexOf(name)}].image`));
    const message = (name: Name) => findings.find((f) => f.path === `spec.containers[${IMAGES.indexOf(name)}].image`)!.message;
    expect(message('sbomonly')).toMatch(new RegExp(`carries no attestation verified with a configured key \\(release\\) for its digest of the required ${SLSA.replace(/\./g, '\\.')}$`));
    expect(message('tampered')).toMatch(/of the required https:\/\/spdx\.dev\/Document$/);
    expect(message('otherkey')).toMatch(/of the required https:\/\/spdx\.dev\/Document, https:\/\/slsa\.dev\/provenance\/v0\.2$/);
  }, 60_000);

  test('an entry locked before attestations were configured is unknown, then checked at its locked digest by plain lock', () => {
    fs.writeFileSync(path.join(dir, 'some.yaml'), pod(host, ['attested']));
    fs.writeFileSync(path.join(dir, 'keys-only.yaml'), 'images:\n  signatures:\n    keys:\n      - { name: release, publicKey: cosign.pub }\n');
    expect(runHardpod(['lock', '--config', 'keys-only.yaml', '--lock-file', 'later.lock.json', 'some.yaml'], { cwd: dir }).status).toBe(0);
    expect(attestationsOf('attested', 'later.lock.json')).toBeUndefined();
    const unknown = runHardpod(['check', '--config', 'hardpod.yaml', '--lock-file', 'later.lock.json', '--format', 'json', 'some.yaml'], { cwd: dir });
    expect((JSON.parse(unknown.stdout) as { findings: { rule: string; outcome: string }[] }).findings.filter((f) => f.rule === 'image-attested').map((f) => f.outcome)).toEqual(['unknown']);
    const filled = runHardpod(['lock', '--config', 'hardpod.yaml', '--lock-file', 'later.lock.json', 'some.yaml'], { cwd: dir });
    expect(filled.status).toBe(0);
    expect(attestationsOf('attested', 'later.lock.json')?.verified).toEqual({ [SLSA]: ['release'], [SPDX]: ['release'] });
    const passed = runHardpod(['check', '--config', 'hardpod.yaml', '--lock-file', 'later.lock.json', '--format', 'json', 'some.yaml'], { cwd: dir });
    expect((JSON.parse(passed.stdout) as { findings: { rule: string }[] }).findings.filter((f) => f.rule === 'image-attested')).toEqual([]);
  }, 120_000);

  test('a registry serving the OCI 1.1 referrers API: a cosign DSSE envelope stored as an in-toto referrer verifies; another key\'s does not', async () => {
    const referrers = await ReferrersRegistry.start(referrersRegistry);
    try {
      const web = (await pushImage(referrers.url, 'team/web', 'v1', { ...NUMERIC_USER_DISTROLESS, labels: { attest: 'web' } })).digest;
      const other = (await pushImage(referrers.url, 'team/other', 'v1', { ...NUMERIC_USER_DISTROLESS, labels: { attest: 'other' } })).digest;
      // cosign attest --no-upload prints the DSSE envelope it would store; stored here as cosign's
      // WriteAttestationsReferrer stores it: artifactType application/vnd.in-toto+json, empty config.
      const referrer = async (repository: string, digest: string, key: string) => {
        const envelope = Buffer.from(attest(`${referrers.host}/${repository}@${digest}`, 'spdxjson', 'sbom.spdx.json', key, '--no-upload').trim());
        const config = Buffer.from('{}');
        await pushBlob(referrers.url, repository, config);
        const layer = await pushBlob(referrers.url, repository, envelope);
        const manifest = {
          schemaVersion: 2,
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          artifactType: 'application/vnd.in-toto+json',
          config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: sha256(config), size: config.length },
          layers: [{ mediaType: 'application/vnd.dsse.envelope.v1+json', digest: layer, size: envelope.length }],
          subject: { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest, size: 0 },
        };
        await pushManifest(referrers.url, repository, sha256(JSON.stringify(manifest)), manifest);
      };
      await referrer('team/web', web, 'cosign.key');
      await referrer('team/other', other, 'other/cosign.key');
      const tags = (await getRegistryJson(`${referrers.url}/v2/team/web/tags/list`, 'application/json')).tags;
      expect(tags).toEqual(['v1']);

      fs.writeFileSync(path.join(dir, 'referrers.yaml'), podOfTeamImages(referrers.host, ['web', 'other']));
      const result = await runHardpodAsync(['lock', '--config', 'hardpod.yaml', '--lock-file', 'referrers.lock.json', 'referrers.yaml'], { cwd: dir });
      expect(result.status).toBe(0);
      expect(result.stderr).toContain(`hardpod lock: ${referrers.host}/team/web:v1 is attested: ${SPDX} (release)\n`);
      expect(result.stderr).toMatch(/team\/other:v1: referrer sha256:[a-f0-9]{64}, attestation 1: its signature verifies with none of the configured keys \(release\)/);
      const lock = readLockFile(path.join(dir, 'referrers.lock.json'));
      expect(lock.images[`${referrers.host}/team/web:v1`].facts?.attestations?.verified).toEqual({ [SPDX]: ['release'] });
      expect(lock.images[`${referrers.host}/team/other:v1`].facts?.attestations?.verified).toEqual({});
    } finally {
      await referrers.stop();
    }
  }, 120_000);
});
