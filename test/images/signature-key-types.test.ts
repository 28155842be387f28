import { createPublicKey, verify } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { keyPair, type KeyType } from './signing-keys';
import { readLockFile, type LockedImageFacts } from '../../src/images/lock-file';
import { signatureKeyFingerprint } from '../../src/images/signature-keys';
import { cliMainPath, runHardpodAsync } from '../cli/cli-process';
import { describeWithCosign, podOfTeamImages, ReferrersRegistry, runCosign, signingScene } from '../harness/cosign';
import { getRegistryJson } from '../harness/oci-images';

/**
 * Keys of the types `cosign import-key-pair` takes besides `cosign generate-key-pair`'s ECDSA P-256
 * (RSA 2048, 3072 and 4096, ECDSA P-384 and P-521, Ed25519), made with node:crypto and imported into cosign, which
 * signs and attests with them (simple-signing `.sig` tags and Sigstore bundles); `hardpod lock`
 * verifies each with the configured key of its type, and not a signature by another key of that type.
 */

const TYPES: readonly KeyType[] = ['rsa-2048', 'rsa-3072', 'rsa-4096', 'ecdsa-p384', 'ecdsa-p521', 'ed25519'];
const SLSA = 'https://slsa.dev/provenance/v1';
/** Per key type: an image signed in a `.sig` tag, one signed in a Sigstore bundle, one signed (both ways) by another key of the type. */
const IMAGES = TYPES.flatMap((type) => [`sig-${type}`, `bundle-${type}`, `other-${type}`]);

describeWithCosign('signature keys of every type cosign imports: signed and attested by cosign, verified by hardpod lock', ({ cosign, referrersRegistry }) => {
  let registry: ReferrersRegistry;
  let dir: string;
  let digests: Record<string, string>;
  let facts: Record<string, LockedImageFacts | undefined>;
  let stderr: string;
  const ref = (name: string) => `${registry.host}/team/${name}@${digests[name]}`;
  const signFlags = ['--tlog-upload=false', '--allow-http-registry', '-y'];
  const bundled = [...signFlags, '--new-bundle-format'];
  const attest = (key: string, name: string, ...flags: string[]) => runCosign(
    cosign, ['attest', '--key', key, '--type', 'slsaprovenance1', '--predicate', 'provenance.json', ...signFlags, ...flags, ref(name)], dir,
  );

  beforeAll(async () => {
    cliMainPath();
    registry = await ReferrersRegistry.start(referrersRegistry);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hardpod-key-types-'));
    digests = await signingScene(cosign, registry.url, IMAGES, dir);
    fs.writeFileSync(path.join(dir, 'provenance.json'), JSON.stringify({ buildDefinition: { buildType: 'https://ci.example.com/build/v1' }, runDetails: { builder: { id: 'https://ci.example.com' } } }));

    for (const type of TYPES) {
      // Two keys of the type, as PKCS #8 PEM, imported as cosign.key/cosign.pub in a folder each.
      for (const folder of [type, `${type}-other`]) {
        fs.mkdirSync(path.join(dir, folder));
        fs.writeFileSync(path.join(dir, folder, 'key.pem'), keyPair(type).privateKey.export({ type: 'pkcs8', format: 'pem' }));
        runCosign(cosign, ['import-key-pair', '--key', 'key.pem', '--output-key-prefix', 'cosign'], path.join(dir, folder));
      }
      const key = `${type}/cosign.key`;
      const other = `${type}-other/cosign.key`;
      runCosign(cosign, ['sign', '--key', key, ...signFlags, ref(`sig-${type}`)], dir);
      runCosign(cosign, ['sign', '--key', key, ...bundled, ref(`bundle-${type}`)], dir);
      runCosign(cosign, ['sign', '--key', other, ...signFlags, ref(`other-${type}`)], dir);
      runCosign(cosign, ['sign', '--key', other, ...bundled, ref(`other-${type}`)], dir);
    }
    // Attestations: a DSSE envelope in a `.att` tag, and one in a Sigstore bundle, each with a key of another type.
    attest('ed25519/cosign.key', 'sig-ed25519');
    attest('ecdsa-p384/cosign.key', 'bundle-ecdsa-p384', '--new-bundle-format');
    attest('rsa-3072-other/cosign.key', 'other-rsa-3072');

    fs.writeFileSync(path.join(dir, 'pod.yaml'), podOfTeamImages(registry.host, IMAGES));
    fs.writeFileSync(path.join(dir, 'hardpod.yaml'), [
      'images:',
      '  signatures:',
      '    keys:',
      ...TYPES.map((type) => `      - { name: ${type}, publicKey: ${type}/cosign.pub }`),
      '  attestations:',
      `    required: [${SLSA}]`,
      '',
    ].join('\n'));
    const lock = await runHardpodAsync(['lock', '--config', 'hardpod.yaml', 'pod.yaml'], { cwd: dir });
    expect(lock.stderr).not.toMatch(/Error|at .*\.js:\d+/);
    expect(lock.status).toBe(0);
    stderr = lock.stderr;
    const images = readLockFile(path.join(dir, 'hardpod.lock.json')).images;
    facts = Object.fromEntries(IMAGES.map((name) => [name, images[`${registry.host}/team/${name}:v1`]?.facts]));
  }, 300_000);

  afterAll(async () => {
    await registry?.stop();
  });

  test('cosign imported each key as the PEM public key node:crypto made, which hardpod records by its fingerprint', () => {
    const checked = TYPES.map((type) => ({ name: type, key: signatureKeyFingerprint(createPublicKey(fs.readFileSync(path.join(dir, type, 'key.pem')))) }));
    for (const name of IMAGES) expect([name, facts[name]?.signatures?.checked]).toEqual([name, checked]);
  });

  test.each(TYPES)('key type %s: its signatures in a .sig tag and in a Sigstore bundle verify with it alone; another key\'s of the type do not', (type) => {
    expect(facts[`sig-${type}`]?.signatures?.verified).toEqual([type]);
    expect(facts[`bundle-${type}`]?.signatures?.verified).toEqual([type]);
    expect(facts[`other-${type}`]?.signatures?.verified).toEqual([]);
    const other = `${registry.host}/team/other-${type}:v1`;
    const none = `its signature verifies with none of the configured keys (${TYPES.join(', ')})`;
    expect(stderr).toContain(`${other}: tag sha256-${digests[`other-${type}`].slice('sha256:'.length)}.sig, signature 1: ${none}`);
    expect(stderr).toMatch(new RegExp(`${other.replace(/[.]/g, '\\.')}: referrer sha256:[a-f0-9]{64}, Sigstore bundle 1: ${none.replace(/[()]/g, '\\$&')}`));
  });

  test('attestations verify with the key that made them, in a .att tag (Ed25519) and in a Sigstore bundle (ECDSA P-384); one by another RSA key does not', () => {
    expect(facts['sig-ed25519']?.attestations?.verified).toEqual({ [SLSA]: ['ed25519'] });
    expect(facts['bundle-ecdsa-p384']?.attestations?.verified).toEqual({ [SLSA]: ['ecdsa-p384'] });
    expect(facts['other-rsa-3072']?.attestations?.verified).toEqual({});
    expect(facts['sig-rsa-2048']?.attestations?.verified).toEqual({});
  });

  test('cosign signs with an Ed25519 key in Ed25519ph, not pure Ed25519: the .sig signature is no pure Ed25519 signature of its payload', async () => {
    const name = 'sig-ed25519';
    const manifest = await getRegistryJson(`${registry.url}/v2/team/${name}/manifests/sha256-${digests[name].slice('sha256:'.length)}.sig`) as { layers: { digest: string; annotations: Record<string, string> }[] };
    const layer = manifest.layers[0];
    const payload = Buffer.from(await (await fetch(`${registry.url}/v2/team/${name}/blobs/${layer.digest}`)).arrayBuffer());
    const signature = Buffer.from(layer.annotations['dev.cosignproject.cosign/signature'], 'base64');
    expect(signature.length).toBe(64);
    expect(verify(null, payload, createPublicKey(fs.readFileSync(path.join(dir, 'ed25519', 'cosign.pub'))), signature)).toBe(false);
    // Yet hardpod counted it (above): the Ed25519ph verification did.
    expect(facts[name]?.signatures?.verified).toEqual(['ed25519']);
  });
});
