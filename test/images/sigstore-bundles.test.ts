import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NUMERIC_USER_DISTROLESS } from './fixtures';
import { readLockFile, type LockFile } from '../../src/images/lock-file';
import { cliMainPath, runHardpod, runHardpodAsync } from '../cli/cli-process';
import { describeWithCosign, podOfTeamImages, ReferrersRegistry, runCosign, signingConfig, signingScene } from '../harness/cosign';
import { getRegistryJson, pushBlob, pushImage, pushManifest, sha256 } from '../harness/oci-images';
import { startRegistry } from '../harness/registry';

/**
 * Signatures and attestations the real cosign CLI stores as Sigstore bundles (`--new-bundle-format`,
 * cosign v3's default): OCI 1.1 referrers whose layer is a bundle holding a DSSE envelope over an
 * in-toto Statement, verified by `hardpod lock` with the configured keys and judged by `hardpod check`.
 */

const SLSA = 'https://slsa.dev/provenance/v1';
/** The images of the test, one container each, in this order. */
const IMAGES = ['signed', 'otherkey', 'attested', 'copied', 'tampered'] as const;
type Name = (typeof IMAGES)[number];

const PROVENANCE = JSON.stringify({
  buildDefinition: { buildType: 'https://ci.example.com/build/v1', externalParameters: {} },
  runDetails: { builder: { id: 'https://ci.example.com/builder' } },
});

interface Descriptor { readonly digest: string; readonly mediaType: string; readonly size: number; readonly artifactType?: string }
interface Manifest { layers: Descriptor[]; subject: Descriptor; annotations?: Record<string, string> }

describeWithCosign('Sigstore bundles: signed and attested by cosign with --new-bundle-format, verified by hardpod lock', ({ cosign, referrersRegistry }) => {
  let registry: ReferrersRegistry;
  let dir: string;
  const digests = {} as Record<Name, string>;
  const ref = (name: string, digest: string) => `${registry.host}/team/${name}@${digest}`;
  const bundled = ['--tlog-upload=false', '--new-bundle-format', '--allow-http-registry', '-y'];
  const lockOf = (): LockFile => readLockFile(path.join(dir, 'hardpod.lock.json'));
  const factsOf = (name: Name) => lockOf().images[`${registry.host}/team/${name}:v1`].facts;

  /** The bundle referrers of `digest`, with their manifests. */
  const bundlesOf = async (name: string, digest: string): Promise<{ digest: string; manifest: Manifest }[]> => {
    const index = await getRegistryJson(`${registry.url}/v2/team/${name}/referrers/${digest}`, 'application/vnd.oci.image.index.v1+json') as unknown as { manifests: Descriptor[] };
    return Promise.all(index.manifests.map(async (entry) => ({
      digest: entry.digest,
      manifest: await getRegistryJson(`${registry.url}/v2/team/${name}/manifests/${entry.digest}`, 'application/vnd.oci.image.manifest.v1+json') as unknown as Manifest,
    })));
  };

  beforeAll(async () => {
    cliMainPath();
    registry = await ReferrersRegistry.start(referrersRegistry);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hardpod-bundles-'));
    Object.assign(digests, await signingScene(cosign, registry.url, IMAGES, dir));
    fs.writeFileSync(path.join(dir, 'provenance.json'), PROVENANCE);

    runCosign(cosign, ['sign', '--key', 'cosign.key', ...bundled, ref('signed', digests.signed)], dir);
    runCosign(cosign, ['sign', '--key', 'other/cosign.key', ...bundled, ref('otherkey', digests.otherkey)], dir);
    runCosign(cosign, ['sign', '--key', 'cosign.key', ...bundled, ref('attested', digests.attested)], dir);
    runCosign(cosign, ['attest', '--key', 'cosign.key', '--type', 'slsaprovenance1', '--predicate', 'provenance.json', ...bundled, ref('attested', digests.attested)], dir);

    // A genuine bundle of another image, referring to this one: its statement still names the other digest.
    const other = (await pushImage(registry.url, 'team/copied', 'source', { ...NUMERIC_USER_DISTROLESS, labels: { image: 'copied-source' } })).digest;
    runCosign(cosign, ['sign', '--key', 'cosign.key', ...bundled, ref('copied', other)], dir);
    const [source] = await bundlesOf('copied', other);
    const copied = { ...source.manifest, subject: { ...source.manifest.subject, digest: digests.copied } };
    await pushManifest(registry.url, 'team/copied', sha256(JSON.stringify(copied)), copied);

    // A genuine bundle of another image whose statement was rewritten to name this one: the signature kept.
    const signedElsewhere = (await pushImage(registry.url, 'team/tampered', 'source', { ...NUMERIC_USER_DISTROLESS, labels: { image: 'tampered-source' } })).digest;
    runCosign(cosign, ['sign', '--key', 'cosign.key', ...bundled, ref('tampered', signedElsewhere)], dir);
    const [genuine] = await bundlesOf('tampered', signedElsewhere);
    const layer = genuine.manifest.layers[0];
    const bundle = JSON.parse(await (await fetch(`${registry.url}/v2/team/tampered/blobs/${layer.digest}`)).text()) as { dsseEnvelope: { payload: string } };
    const statement = Buffer.from(bundle.dsseEnvelope.payload, 'base64').toString('utf8');
    const rewritten = statement.replace(signedElsewhere.slice('sha256:'.length), digests.tampered.slice('sha256:'.length));
    expect(rewritten).not.toBe(statement);
    bundle.dsseEnvelope.payload = Buffer.from(rewritten).toString('base64');
    const changed = Buffer.from(JSON.stringify(bundle));
    const tampered = {
      ...genuine.manifest,
      layers: [{ ...layer, digest: await pushBlob(registry.url, 'team/tampered', changed), size: changed.length }],
      subject: { ...genuine.manifest.subject, digest: digests.tampered },
    };
    await pushManifest(registry.url, 'team/tampered', sha256(JSON.stringify(tampered)), tampered);

    fs.writeFileSync(path.join(dir, 'pod.yaml'), podOfTeamImages(registry.host, IMAGES));
    fs.writeFileSync(path.join(dir, 'hardpod.yaml'), signingConfig([SLSA]));
  }, 300_000);

  afterAll(async () => {
    await registry?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('cosign stored each as a Sigstore bundle referrer, whose statement names the image\'s digest', async () => {
    const [signature] = await bundlesOf('signed', digests.signed);
    expect(signature.manifest.annotations?.['dev.sigstore.bundle.predicateType']).toBe('https://sigstore.dev/cosign/sign/v1');
    expect(signature.manifest.layers.map((l) => l.mediaType)).toEqual(['application/vnd.dev.sigstore.bundle.v0.3+json']);
    const types = (await bundlesOf('attested', digests.attested)).map((b) => b.manifest.annotations?.['dev.sigstore.bundle.predicateType']).sort();
    expect(types).toEqual(['https://sigstore.dev/cosign/sign/v1', SLSA]);
  });

  test('hardpod lock verifies the bundles signed with the configured key, and says why the others count for nothing', async () => {
    const result = await runHardpodAsync(['lock', '--config', 'hardpod.yaml', 'pod.yaml'], { cwd: dir });
    expect(result.status).toBe(0);
    expect(factsOf('signed')?.signatures?.verified).toEqual(['release']);
    expect(factsOf('attested')?.signatures?.verified).toEqual(['release']);
    expect(factsOf('attested')?.attestations?.verified).toEqual({ [SLSA]: ['release'] });
    // The attestation is no signature, and the signature no attestation.
    expect(factsOf('signed')?.attestations?.verified).toEqual({});
    for (const name of ['otherkey', 'copied', 'tampered'] as const) expect(factsOf(name)?.signatures?.verified).toEqual([]);
    const host = registry.host;
    expect(result.stderr).toContain(`hardpod lock: ${host}/team/signed:v1 is signed with release\n`);
    expect(result.stderr).toMatch(new RegExp(`${host}/team/otherkey:v1: referrer sha256:[a-f0-9]{64}, Sigstore bundle 1: its signature verifies with none of the configured keys \\(release\\)`));
    expect(result.stderr).toMatch(new RegExp(`${host}/team/copied:v1: referrer sha256:[a-f0-9]{64}, Sigstore bundle 1: a signature verified with release \\(https://sigstore.dev/cosign/sign/v1\\) is about sha256:[a-f0-9]{64}, not this image \\(${digests.copied}\\)`));
    expect(result.stderr).toMatch(new RegExp(`${host}/team/tampered:v1: referrer sha256:[a-f0-9]{64}, Sigstore bundle 1: its signature verifies with none of the configured keys`));
    // A bundle cosign sign wrote is a signature, and said to be one.
    expect(result.stderr).not.toContain('an attestation verified with');
  }, 120_000);

  test('hardpod check passes the signed and attested image, and fails the others on image-signed', () => {
    const result = runHardpod(['check', '--config', 'hardpod.yaml', '--format', 'json', 'pod.yaml'], { cwd: dir });
    const findings = (JSON.parse(result.stdout) as { findings: { rule: string; outcome: string; message: string }[] }).findings;
    const failing = (rule: string) => findings.filter((f) => f.rule === rule && f.outcome === 'fail').map((f) => /container "([^"]+)"/.exec(f.message)?.[1]).sort();
    expect(failing('image-signed')).toEqual(['copied', 'otherkey', 'tampered']);
    expect(failing('image-attested')).toEqual(['copied', 'otherkey', 'signed', 'tampered']);
  });

  test('a registry without the referrers API: cosign stores the bundle under the referrers tag sha256-<hex>, and hardpod lock reads it there', async () => {
    const plain = await startRegistry();
    try {
      const digest = (await pushImage(plain.url, 'team/web', 'v1', { ...NUMERIC_USER_DISTROLESS, labels: { image: 'plain' } })).digest;
      runCosign(cosign, ['sign', '--key', 'cosign.key', ...bundled, `${plain.host}/team/web@${digest}`], dir);
      const tags = (await getRegistryJson(`${plain.url}/v2/team/web/tags/list`, 'application/json')).tags as string[];
      expect(tags.sort()).toEqual([`sha256-${digest.slice('sha256:'.length)}`, 'v1']);
      fs.writeFileSync(path.join(dir, 'plain.yaml'), podOfTeamImages(plain.host, ['web']));
      const result = await runHardpodAsync(['lock', '--config', 'hardpod.yaml', '--lock-file', 'plain.lock.json', 'plain.yaml'], { cwd: dir });
      expect(result.status).toBe(0);
      expect(result.stderr).toContain(`hardpod lock: ${plain.host}/team/web:v1 is signed with release\n`);
      expect(readLockFile(path.join(dir, 'plain.lock.json')).images[`${plain.host}/team/web:v1`].facts?.signatures?.verified).toEqual(['release']);
    } finally {
      await plain.stop();
    }
  }, 120_000);
});
