import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NUMERIC_USER_DISTROLESS } from './fixtures';
import { readLockFile, type LockFile } from '../../src/images/lock-file';
import { cliMainPath, runHardpod, runHardpodAsync } from '../cli/cli-process';
import { describeWithCosign, podOfTeamImages, ReferrersRegistry, runCosign, signingConfig, signingScene } from '../harness/cosign';
import { getRegistryJson, pushBlob, pushImage, pushIndex, pushManifest, sha256 } from '../harness/oci-images';
import { startRegistry, type TestRegistry } from '../harness/registry';
import { RegistryProxy } from '../harness/registry-proxy';

/**
 * Signatures made by the real cosign CLI (built from its Go module) in a real docker-registry, then
 * found and verified by `hardpod lock` and judged by `hardpod check`.
 */

/** The images of the test, one container each, in this order. */
const IMAGES = ['signed', 'twice', 'referrer', 'otherkey', 'unsigned', 'copied', 'tampered', 'renamed', 'malformed'] as const;
type Name = (typeof IMAGES)[number];

function pod(host: string, names: readonly string[] = IMAGES): string {
  return podOfTeamImages(host, names);
}

describeWithCosign('cosign signatures: made by cosign, verified by hardpod lock, judged by hardpod check', ({ cosign, referrersRegistry }) => {
  let registry: TestRegistry;
  let dir: string;
  const digests = {} as Record<Name, string>;
  let host: string;

  const sign = (name: string, digest: string, key: string, ...extra: string[]) => runCosign(
    cosign, ['sign', '--key', key, '--tlog-upload=false', '--allow-http-registry', '-y', ...extra, `${host}/team/${name}@${digest}`], dir,
    extra.length > 0 ? { COSIGN_EXPERIMENTAL: '1' } : {},
  );
  const sigTag = (digest: string) => `sha256-${digest.slice('sha256:'.length)}.sig`;
  const lockOf = (): LockFile => readLockFile(path.join(dir, 'hardpod.lock.json'));
  const signaturesOf = (name: Name) => lockOf().images[`${host}/team/${name}:v1`].facts?.signatures;

  beforeAll(async () => {
    cliMainPath();
    registry = await startRegistry();
    host = registry.host;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hardpod-cosign-'));
    Object.assign(digests, await signingScene(cosign, registry.url, IMAGES, dir));

    sign('signed', digests.signed, 'cosign.key');
    // Two signatures in one manifest: another key's does not hide the configured one's.
    sign('twice', digests.twice, 'other/cosign.key');
    sign('twice', digests.twice, 'cosign.key');
    // An OCI 1.1 referrer: distribution 2.8 has no referrers API, so cosign writes the referrers tag sha256-<hex>.
    sign('referrer', digests.referrer, 'cosign.key', '--registry-referrers-mode=oci-1-1');
    sign('otherkey', digests.otherkey, 'other/cosign.key');

    // A genuine signature of another image of the repository, copied to this digest's signature tag.
    const source = (await pushImage(registry.url, 'team/copied', 'source', { ...NUMERIC_USER_DISTROLESS, labels: { image: 'copied-source' } })).digest;
    sign('copied', source, 'cosign.key');
    await pushManifest(registry.url, 'team/copied', sigTag(digests.copied), await getRegistryJson(`${registry.url}/v2/team/copied/manifests/${sigTag(source)}`));

    // A signed payload changed afterwards (a layer pointing at the changed blob, the signature kept).
    sign('tampered', digests.tampered, 'cosign.key');
    const manifest = await getRegistryJson(`${registry.url}/v2/team/tampered/manifests/${sigTag(digests.tampered)}`) as { layers: { digest: string; size: number }[] };
    const payload = Buffer.from(await (await fetch(`${registry.url}/v2/team/tampered/blobs/${manifest.layers[0].digest}`)).arrayBuffer());
    const changed = Buffer.from(payload.toString('utf8').replace('"optional":null', '"optional":{"approved":"yes"}'));
    expect(changed.equals(payload)).toBe(false);
    manifest.layers[0] = { ...manifest.layers[0], digest: await pushBlob(registry.url, 'team/tampered', changed), size: changed.length };
    await pushManifest(registry.url, 'team/tampered', sigTag(digests.tampered), manifest);

    // The same image in two repositories, signed in one: the signature copied over names the other repository.
    const same = (await pushImage(registry.url, 'team/renamed-source', 'v1', { ...NUMERIC_USER_DISTROLESS, labels: { image: 'renamed' } })).digest;
    digests.renamed = (await pushImage(registry.url, 'team/renamed', 'v1', { ...NUMERIC_USER_DISTROLESS, labels: { image: 'renamed' } })).digest;
    expect(same).toBe(digests.renamed);
    sign('renamed-source', same, 'cosign.key');
    const copy = spawnSync('skopeo', [
      'copy', '--src-tls-verify=false', '--dest-tls-verify=false', '--preserve-digests',
      `docker://${host}/team/renamed-source:${sigTag(same)}`, `docker://${host}/team/renamed:${sigTag(same)}`,
    ], { encoding: 'utf8' });
    if (copy.status !== 0) throw new Error(`skopeo copy failed: ${copy.stderr}`);

    // A signature tag holding a manifest with no signature layer.
    await pushBlob(registry.url, 'team/malformed', Buffer.from('{}'));
    await pushManifest(registry.url, 'team/malformed', sigTag(digests.malformed), {
      schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256('{}'), size: 2 }, layers: [],
    });

    fs.writeFileSync(path.join(dir, 'pod.yaml'), pod(host));
    fs.writeFileSync(path.join(dir, 'hardpod.yaml'), signingConfig());
  }, 240_000);

  afterAll(async () => {
    await registry?.stop();
  });

  test('hardpod lock records the configured key as verified only for the images cosign signed with it, for their digest and repository', () => {
    const result = runHardpod(['lock', '--config', 'hardpod.yaml', 'pod.yaml'], { cwd: dir });
    expect(result.stderr).not.toMatch(/Error|at .*\.js:\d+/);
    expect(result.status).toBe(0);
    const fingerprint = signaturesOf('signed')!.checked[0].key;
    expect(fingerprint).toMatch(/^sha256:[a-f0-9]{64}$/);
    for (const name of IMAGES) {
      expect([name, signaturesOf(name)]).toEqual([name, { checked: [{ name: 'release', key: fingerprint }], verified: ['signed', 'twice', 'referrer'].includes(name) ? ['release'] : [] }]);
    }
    const say = (name: Name) => `${host}/team/${name}:v1`;
    expect(result.stderr).toContain(`hardpod lock: ${say('signed')} is signed with release\n`);
    expect(result.stderr).toContain(`hardpod lock: ${say('referrer')} is signed with release\n`);
    expect(result.stderr).toContain(`hardpod lock: warning: ${say('unsigned')} carries no signature that verifies with a configured key (no cosign signature found)\n`);
    expect(result.stderr).toMatch(new RegExp(`${say('otherkey')}: tag ${sigTag(digests.otherkey)}, signature 1: its signature verifies with none of the configured keys \\(release\\)`));
    expect(result.stderr).toMatch(new RegExp(`${say('twice')}: tag ${sigTag(digests.twice)}, signature 1: its signature verifies with none of the configured keys`));
    expect(result.stderr).toContain(`${say('copied')}: tag ${sigTag(digests.copied)}, signature 1: a signature verified with release is for the image `);
    expect(result.stderr).toContain(`not this one (${digests.copied})`);
    expect(result.stderr).toMatch(new RegExp(`${say('tampered')}: tag ${sigTag(digests.tampered)}, signature 1: its signature verifies with none of the configured keys`));
    expect(result.stderr).toContain(`${say('renamed')}: tag ${sigTag(digests.renamed)}, signature 1: a signature verified with release names the repository "${host}/team/renamed-source", not ${host}/team/renamed`);
    expect(result.stderr).toContain(`${say('malformed')}: tag ${sigTag(digests.malformed)} (`);
    expect(result.stderr).toContain('holds no cosign simple-signing layer');
  }, 120_000);

  test('hardpod check fails image-signed for every image no configured key signed; a config pinned to the edition before sees no such finding', () => {
    const result = runHardpod(['check', '--config', 'hardpod.yaml', '--format', 'json', 'pod.yaml'], { cwd: dir });
    expect(result.status).toBe(1);
    const report = JSON.parse(result.stdout) as { findings: { rule: string; outcome: string; path: string; message: string }[] };
    const findings = report.findings.filter((f) => f.rule === 'image-signed');
    const failing = ['otherkey', 'unsigned', 'copied', 'tampered', 'renamed', 'malformed'];
    expect(findings.map((f) => `${f.outcome} ${f.path}`)).toEqual(failing.map((name) => `fail spec.containers[${IMAGES.indexOf(name as Name)}].image`));
    expect(findings[0].message).toMatch(/carries no signature that verifies with a configured key \(release\)/);

    fs.writeFileSync(path.join(dir, 'edition-3.yaml'), `edition: 3\n${fs.readFileSync(path.join(dir, 'hardpod.yaml'), 'utf8')}`);
    const pinned = runHardpod(['check', '--config', 'edition-3.yaml', '--format', 'json', 'pod.yaml'], { cwd: dir });
    expect((JSON.parse(pinned.stdout) as { findings: { rule: string }[] }).findings.filter((f) => f.rule === 'image-signed')).toEqual([]);
  }, 60_000);

  test('a payload altered on its way from the registry does not match its layer digest: reported, not verified', async () => {
    const proxy = await RegistryProxy.start(registry.url);
    try {
      const payloadDigest = ((await getRegistryJson(`${registry.url}/v2/team/signed/manifests/${sigTag(digests.signed)}`)) as { layers: { digest: string }[] }).layers[0].digest;
      proxy.faults = { tamper: new RegExp(`/blobs/${payloadDigest}$`) };
      fs.writeFileSync(path.join(dir, 'signed.yaml'), pod(host, ['signed']));
      const result = await runHardpodAsync(['lock', '--config', 'hardpod.yaml', '--lock-file', 'proxied.lock.json', '--mirror', `${host}=${proxy.url}`, 'signed.yaml'], { cwd: dir });
      expect(result.status).toBe(0);
      expect(result.stderr).toContain(`${host}/team/signed:v1 carries no signature that verifies with a configured key`);
      expect(result.stderr).toContain(`payload ${payloadDigest}: `);
      expect(result.stderr).toContain('does not match its digest');
      expect(readLockFile(path.join(dir, 'proxied.lock.json')).images[`${host}/team/signed:v1`].facts?.signatures?.verified).toEqual([]);
    } finally {
      await proxy.stop();
    }
  }, 60_000);

  test('an entry locked before keys were configured gets its signatures checked at its locked digest by plain lock; required refuses unsigned images and writes nothing', () => {
    fs.writeFileSync(path.join(dir, 'some.yaml'), pod(host, ['signed', 'unsigned']));
    expect(runHardpod(['lock', '--lock-file', 'later.lock.json', 'some.yaml'], { cwd: dir }).status).toBe(0);
    const before = readLockFile(path.join(dir, 'later.lock.json'));
    expect(before.images[`${host}/team/signed:v1`].facts?.signatures).toBeUndefined();
    const unknown = runHardpod(['check', '--config', 'hardpod.yaml', '--lock-file', 'later.lock.json', '--format', 'json', 'some.yaml'], { cwd: dir });
    expect((JSON.parse(unknown.stdout) as { findings: { rule: string; outcome: string }[] }).findings.filter((f) => f.rule === 'image-signed').map((f) => f.outcome)).toEqual(['unknown', 'unknown']);

    fs.writeFileSync(path.join(dir, 'required.yaml'), 'images:\n  signatures:\n    required: true\n    keys:\n      - { name: release, publicKey: cosign.pub }\n');
    const text = fs.readFileSync(path.join(dir, 'later.lock.json'), 'utf8');
    const refused = runHardpod(['lock', '--config', 'required.yaml', '--lock-file', 'later.lock.json', 'some.yaml'], { cwd: dir });
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain(`${host}/team/unsigned:v1 (used at `);
    expect(refused.stderr).toContain('images.signatures.required, and no signature verifies with a configured key (release) (none found)');
    expect(refused.stderr).not.toContain(`${host}/team/signed:v1 (used at`);
    expect(fs.readFileSync(path.join(dir, 'later.lock.json'), 'utf8')).toBe(text);

    const filled = runHardpod(['lock', '--config', 'hardpod.yaml', '--lock-file', 'later.lock.json', 'some.yaml'], { cwd: dir });
    expect(filled.status).toBe(0);
    const after = readLockFile(path.join(dir, 'later.lock.json'));
    for (const name of ['signed', 'unsigned']) {
      const key = `${host}/team/${name}:v1`;
      expect(after.images[key].resolvedAt).toBe(before.images[key].resolvedAt);
      expect(after.images[key].facts?.signatures?.verified).toEqual(name === 'signed' ? ['release'] : []);
    }
    // Recorded now: the next lock asks nothing and changes nothing.
    const again = runHardpod(['lock', '--config', 'hardpod.yaml', '--lock-file', 'later.lock.json', 'some.yaml'], { cwd: dir });
    expect(again.stdout).toContain('later.lock.json is up to date');
    expect(again.stderr).not.toContain('is signed with');
  }, 120_000);
  test('a multi-arch image is verified at its index digest, and a container pinned to one platform\'s digest is judged by the index\'s signatures', async () => {
    const platforms = [{ ...NUMERIC_USER_DISTROLESS, architecture: 'amd64' }, { ...NUMERIC_USER_DISTROLESS, architecture: 'arm64', labels: { arch: 'arm64' } }];
    const signed = await pushIndex(registry.url, 'team/multi', 'v1', platforms);
    const unsigned = await pushIndex(registry.url, 'team/multi-unsigned', 'v1', platforms.map((p) => ({ ...p, labels: { unsigned: 'yes', ...p.labels } })));
    // cosign signs the index digest the tag names, not its platform images.
    sign('multi', signed.digest, 'cosign.key');
    fs.writeFileSync(path.join(dir, 'multi.yaml'), pod(host, ['multi', 'multi-unsigned']));
    const lock = runHardpod(['lock', '--config', 'hardpod.yaml', '--lock-file', 'multi.lock.json', 'multi.yaml'], { cwd: dir });
    expect(lock.status).toBe(0);
    const entries = readLockFile(path.join(dir, 'multi.lock.json')).images;
    expect(entries[`${host}/team/multi:v1`].digest).toBe(signed.digest);
    expect(entries[`${host}/team/multi:v1`].facts?.signatures?.verified).toEqual(['release']);
    expect(entries[`${host}/team/multi-unsigned:v1`].facts?.signatures?.verified).toEqual([]);
    expect(Object.values(entries[`${host}/team/multi:v1`].platforms ?? {}).sort()).toEqual(signed.children.map((c) => c.digest).sort());

    // Each container pinned to the arm64 image of its index, as a node of that platform would pull it.
    const [, arm] = signed.children;
    const [, unsignedArm] = unsigned.children;
    fs.writeFileSync(path.join(dir, 'pinned.yaml'), podOfTeamImages(host, ['multi', 'multi-unsigned'], {
      'multi': `${host}/team/multi:v1@${arm.digest}`,
      'multi-unsigned': `${host}/team/multi-unsigned:v1@${unsignedArm.digest}`,
    }));
    const check = runHardpod(['check', '--config', 'hardpod.yaml', '--lock-file', 'multi.lock.json', '--format', 'json', 'pinned.yaml'], { cwd: dir });
    const findings = (JSON.parse(check.stdout) as { findings: { rule: string; outcome: string; path: string }[] }).findings.filter((f) => f.rule === 'image-signed');
    expect(findings.map((f) => `${f.outcome} ${f.path}`)).toEqual(['fail spec.containers[1].image']);
  }, 120_000);

  test('a registry serving the OCI 1.1 referrers API: the signature cosign stored as a referrer verifies, another key\'s does not', async () => {
    const referrers = await ReferrersRegistry.start(referrersRegistry);
    try {
      const signedDigest = (await pushImage(referrers.url, 'team/web', 'v1', { ...NUMERIC_USER_DISTROLESS, labels: { image: 'web' } })).digest;
      const otherDigest = (await pushImage(referrers.url, 'team/other', 'v1', { ...NUMERIC_USER_DISTROLESS, labels: { image: 'other' } })).digest;
      const signWith = (repository: string, digest: string, key: string) => runCosign(cosign, [
        'sign', '--key', key, '--tlog-upload=false', '--allow-http-registry', '-y', '--registry-referrers-mode=oci-1-1', `${referrers.host}/${repository}@${digest}`,
      ], dir, { COSIGN_EXPERIMENTAL: '1' });
      signWith('team/web', signedDigest, 'cosign.key');
      signWith('team/other', otherDigest, 'other/cosign.key');
      // Other referrers, shaped as cosign v3 (a Sigstore bundle) and SBOM tools push them: empty config,
      // the kind in the manifest's artifactType (which this registry lists as the config's media type).
      const empty = { mediaType: 'application/vnd.oci.empty.v1+json', digest: sha256('{}'), size: 2 };
      const referrer = async (repository: string, subject: string, artifactType: string, content: string) => {
        const layer = Buffer.from(content);
        await pushBlob(referrers.url, repository, Buffer.from('{}'));
        const layerDigest = await pushBlob(referrers.url, repository, layer);
        const manifest = {
          schemaVersion: 2,
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          artifactType,
          config: empty,
          layers: [{ mediaType: artifactType, digest: layerDigest, size: layer.length }],
          subject: { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: subject, size: 0 },
        };
        return (await pushManifest(referrers.url, repository, sha256(JSON.stringify(manifest)), manifest)).digest;
      };
      await referrer('team/web', signedDigest, 'application/spdx+json', '{"spdxVersion":"SPDX-2.3"}');
      const bundle = await referrer('team/other', otherDigest, 'application/vnd.dev.sigstore.bundle.v0.3+json', '{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json"}');
      // The registry answers for the referrers itself: cosign wrote neither the .sig tag nor the referrers tag.
      const tags = (await getRegistryJson(`${referrers.url}/v2/team/web/tags/list`, 'application/json')).tags;
      expect(tags).toEqual(['v1']);
      const index = await getRegistryJson(`${referrers.url}/v2/team/web/referrers/${signedDigest}`, 'application/vnd.oci.image.index.v1+json') as { manifests: { digest: string }[] };
      expect(index.manifests).toHaveLength(2);

      fs.writeFileSync(path.join(dir, 'referrers.yaml'), podOfTeamImages(referrers.host, ['web', 'other']));
      const result = await runHardpodAsync(['lock', '--config', 'hardpod.yaml', '--lock-file', 'referrers.lock.json', 'referrers.yaml'], { cwd: dir });
      expect(result.status).toBe(0);
      expect(result.stderr).toContain(`hardpod lock: ${referrers.host}/team/web:v1 is signed with release\n`);
      expect(result.stderr).toContain(`${referrers.host}/team/other:v1: referrer sha256:`);
      expect(result.stderr).toMatch(/referrer sha256:[a-f0-9]{64}, signature 1: its signature verifies with none of the configured keys \(release\)/);
      expect(result.stderr).toContain(`${referrers.host}/team/other:v1: referrer ${bundle}, Sigstore bundle 1: its Sigstore bundle holds no DSSE envelope`);
      expect(result.stderr).not.toContain('spdx');
      const lock = readLockFile(path.join(dir, 'referrers.lock.json'));
      expect(lock.images[`${referrers.host}/team/web:v1`].facts?.signatures?.verified).toEqual(['release']);
      expect(lock.images[`${referrers.host}/team/other:v1`].facts?.signatures?.verified).toEqual([]);
    } finally {
      await referrers.stop();
    }
  }, 120_000);
});
