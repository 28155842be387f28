import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { keyPair, scratchFiles, signatureKey } from './signing-keys';
import { loadConfig, resolveConfig, type EngineConfig } from '../../src/engine/config';
import { evaluate } from '../../src/engine/evaluate';
import { parseImageRef } from '../../src/images/image-ref';
import { parseLockFile, type LockEntry, type LockedImageFacts } from '../../src/images/lock-file';
import { LockFileResolver } from '../../src/images/lock-resolver';
import { signatureKeyFingerprint, type SignatureKey } from '../../src/images/signature-keys';
import { verifySimpleSigning } from '../../src/images/signatures';
import { NEWEST_EDITION } from '../../src/rules/catalogue';
import { imageSigned } from '../../src/rules/image-signed';
import { located } from '../engine/helpers';
import { check, deployment, outcome, PINNED_IMAGE, violations } from '../rules/hardened/context';

const file = scratchFiles('hardpod-signatures-');
const RELEASE = keyPair();
const CI = keyPair();
const OTHER = keyPair();
const key = signatureKey;

const DIGEST = PINNED_IMAGE.split('@')[1];
const REF = parseImageRef(PINNED_IMAGE);

/** A cosign simple-signing payload, byte for byte as cosign v2 writes it. */
function payload(digest = DIGEST, reference = 'registry.example.com/team/app', type = 'cosign container image signature'): Buffer {
  return Buffer.from(JSON.stringify({ critical: { identity: { 'docker-reference': reference }, image: { 'docker-manifest-digest': digest }, type }, optional: null }));
}
const signed = (bytes: Buffer, pair: { privateKey: KeyObject }) => sign('sha256', bytes, pair.privateKey).toString('base64');

describe('config: images.signatures', () => {
  test('reads PEM keys and key files relative to the config file, and resolves them with fingerprints', () => {
    file('cosign.pub', RELEASE.publicPem);
    const path = file('keys.yaml', [
      'images:',
      '  signatures:',
      '    keys:',
      '      - { name: release, publicKey: cosign.pub }',
      '      - name: ci',
      '        publicKey: |',
      ...CI.publicPem.trimEnd().split('\n').map((line) => `          ${line}`),
      '',
    ].join('\n'));
    const resolved = resolveConfig(loadConfig(path));
    expect(resolved.images.signatures?.required).toBe(false);
    expect(resolved.images.signatures?.keys.map((k) => [k.name, k.fingerprint])).toEqual([
      ['release', signatureKeyFingerprint(RELEASE.publicKey)],
      ['ci', signatureKeyFingerprint(CI.publicKey)],
    ]);
    expect(resolveConfig({}).images).toEqual({});
  });

  const cases: [string, string[], RegExp][] = [
    ['unknown key', ['images:', '  signature: {}'], /:2 \(images\.signature\): unknown images key "signature" \(did you mean "signatures"\?\)/],
    ['no keys', ['images:', '  signatures: { required: true }'], /:2 \(images\.signatures\): images\.signatures needs keys/],
    ['empty keys', ['images:', '  signatures: { keys: [] }'], /:2 \(images\.signatures\.keys\): .*non-empty list.*got an empty list/],
    ['required not boolean', ['images:', '  signatures: { keys: [{name: a, publicKey: x.pub}], required: "yes" }'], /\(images\.signatures\.required\): .*true or false, got a string/],
    ['missing name', ['images:', '  signatures:', '    keys:', '      - { publicKey: x.pub }'], /:4 \(images\.signatures\.keys\[0\]\): a signature key needs name/],
    ['misspelt field', ['images:', '  signatures:', '    keys:', '      - { name: a, publickey: x.pub }'], /:4 \(images\.signatures\.keys\[0\]\.publickey\): unknown signature key field "publickey" \(did you mean "publicKey"\?\)/],
    ['missing key file', ['images:', '  signatures:', '    keys:', '      - { name: a, publicKey: nowhere.pub }'], /:4 \(images\.signatures\.keys\[0\]\.publicKey\): signature key "a": publicKey is neither a PEM key .*nowhere\.pub does not exist/],
    ['private key', ['images:', '  signatures:', '    keys:', '      - { name: a, publicKey: cosign.key }'], /:4 \(images\.signatures\.keys\[0\]\.publicKey\): signature key "a": the file .*cosign\.key is a private key; give the public key/],
    ['not PEM', ['images:', '  signatures:', '    keys:', '      - { name: a, publicKey: notes.txt }'], /signature key "a": the file .*notes\.txt is no PEM public key/],
    ['RSA key', ['images:', '  signatures:', '    keys:', '      - { name: a, publicKey: rsa.pub }'], /signature key "a": the file .*rsa\.pub is an rsa key; hardpod verifies ECDSA P-256 keys/],
    ['P-384 key', ['images:', '  signatures:', '    keys:', '      - { name: a, publicKey: p384.pub }'], /is an ECDSA key on curve secp384r1; hardpod verifies ECDSA P-256/],
    ['duplicate name', ['images:', '  signatures:', '    keys:', '      - { name: a, publicKey: cosign.pub }', '      - { name: a, publicKey: ci.pub }'], /:5 \(images\.signatures\.keys\[1\]\.name\): signature key name "a" is given twice, first at .*:4/],
    ['same key twice', ['images:', '  signatures:', '    keys:', '      - { name: a, publicKey: cosign.pub }', '      - { name: b, publicKey: cosign.pub }'], /\(images\.signatures\.keys\[1\]\.publicKey\): signature key "b" is the same key as the one at/],
    ['null value', ['images:', '  signatures:', '    keys:', '      - { name: a, publicKey: }'], /\(images\.signatures\.keys\[0\]\.publicKey\): images\.signatures\.keys\[0\]\.publicKey has no value/],
  ];
  test.each(cases)('refuses %s, naming the file, line and key', (name, lines, expected) => {
    file('cosign.pub', RELEASE.publicPem);
    file('ci.pub', CI.publicPem);
    file('cosign.key', '-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n');
    file('notes.txt', 'hello\n');
    file('rsa.pub', generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }) as string);
    file('p384.pub', generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).publicKey.export({ type: 'spki', format: 'pem' }) as string);
    const path = file(`${name.replace(/\W/g, '-')}.yaml`, `${lines.join('\n')}\n`);
    expect(() => loadConfig(path)).toThrow(expected);
  });

  test('a config written in code names the key by its PEM text; errors name the config key', () => {
    expect(resolveConfig({ images: { signatures: { keys: [{ name: 'release', publicKey: RELEASE.publicPem }] } } }).images.signatures?.keys[0].name).toBe('release');
    expect(() => resolveConfig({ images: { signatures: { keys: [{ name: 'x', publicKey: 'no such file.pub' }] } } })).toThrow(/^config images\.signatures\.keys\[0\]\.publicKey: /);
  });
});

describe('verifySimpleSigning: a cosign simple-signing layer checked with node:crypto', () => {
  const keys = [key('release', RELEASE), key('ci', CI)];
  test('verifies a payload signed with a configured key, for this digest and repository', () => {
    const bytes = payload();
    expect(verifySimpleSigning(bytes, signed(bytes, RELEASE), REF, DIGEST, keys)).toEqual({ verifiedBy: ['release'] });
    expect(verifySimpleSigning(bytes, signed(bytes, CI), REF, DIGEST, keys)).toEqual({ verifiedBy: ['ci'] });
  });
  test('Docker Hub names compare normalized (cosign writes index.docker.io/library/nginx)', () => {
    const hub = parseImageRef('nginx:1.27');
    const bytes = payload(DIGEST, 'index.docker.io/library/nginx');
    expect(verifySimpleSigning(bytes, signed(bytes, RELEASE), hub, DIGEST, keys)).toEqual({ verifiedBy: ['release'] });
  });
  test('refuses a signature made with another key, a tampered payload, another digest, another repository, another type', () => {
    const bytes = payload();
    expect(verifySimpleSigning(bytes, signed(bytes, OTHER), REF, DIGEST, keys).problem).toMatch(/verifies with none of the configured keys \(release, ci\)/);
    const tampered = Buffer.from(bytes.toString().replace('team/app', 'team/app2'));
    expect(verifySimpleSigning(tampered, signed(bytes, RELEASE), REF, DIGEST, keys)).toMatchObject({ verifiedBy: [] });
    const other = payload(`sha256:${'e'.repeat(64)}`);
    expect(verifySimpleSigning(other, signed(other, RELEASE), REF, DIGEST, keys).problem).toMatch(/verified with release is for the image sha256:e+, not this one/);
    const repo = payload(DIGEST, 'registry.example.com/team/other');
    expect(verifySimpleSigning(repo, signed(repo, RELEASE), REF, DIGEST, keys).problem).toMatch(/names the repository "registry.example.com\/team\/other", not registry.example.com\/team\/app/);
    const type = payload(DIGEST, undefined, 'something else');
    expect(verifySimpleSigning(type, signed(type, RELEASE), REF, DIGEST, keys).problem).toMatch(/critical\.type is not/);
  });
  test('malformed payloads and signatures are problems, never exceptions', () => {
    for (const text of ['not json', 'null', '[]', '{"critical":1}', '{"critical":{"type":"cosign container image signature"}}', '{"critical":{"type":"cosign container image signature","image":{"docker-manifest-digest":1}}}']) {
      const bytes = Buffer.from(text);
      const result = verifySimpleSigning(bytes, signed(bytes, RELEASE), REF, DIGEST, keys);
      expect(result.verifiedBy).toEqual([]);
      expect(result.problem).toEqual(expect.any(String));
    }
    expect(verifySimpleSigning(payload(), '%%%', REF, DIGEST, keys).problem).toMatch(/not base64/);
    expect(verifySimpleSigning(payload(), '', REF, DIGEST, keys).problem).toMatch(/not base64/);
  });
  test('a digest key given twice in different case is ambiguous, not guessed', () => {
    const bytes = Buffer.from(JSON.stringify({ critical: { identity: { 'docker-reference': 'registry.example.com/team/app' }, image: { 'docker-manifest-digest': DIGEST, 'Docker-Manifest-Digest': `sha256:${'e'.repeat(64)}` }, type: 'cosign container image signature' } }));
    expect(verifySimpleSigning(bytes, signed(bytes, RELEASE), REF, DIGEST, keys).problem).toMatch(/names docker-manifest-digest 2 times/);
  });
});

describe('image-signed', () => {
  const release = key('release', RELEASE);
  const ci = key('ci', CI);
  const withSignatures = (signatures: LockedImageFacts['signatures'] | 'no entry', keys: { name: string; publicKey: string }[] = [{ name: 'release', publicKey: RELEASE.publicPem }]): EngineConfig => {
    const facts: LockedImageFacts = { uid: 1000, ...(signatures !== undefined && signatures !== 'no entry' ? { signatures } : {}) };
    const images: Record<string, LockEntry> = signatures === 'no entry' ? {} : {
      'registry.example.com/team/app:1.2.3': { digest: DIGEST, mediaType: 'application/vnd.oci.image.manifest.v1+json', resolvedAt: 't', resolvedFrom: 'https://registry.example.com', facts },
    };
    return { hardened: { imageFacts: new LockFileResolver({ lockfileVersion: 1, images }) }, images: { signatures: { keys } } };
  };
  const checkedWith = (...keys: SignatureKey[]) => keys.map((k) => ({ name: k.name, key: k.fingerprint }));

  test('passes an image a configured key verified', () => {
    expect(outcome(check(imageSigned, deployment(), { config: withSignatures({ checked: checkedWith(release), verified: ['release'] }) }))).toBe('pass');
  });
  test('fails an image whose signatures were checked with every configured key and none verified', () => {
    const [v] = violations(check(imageSigned, deployment(), { config: withSignatures({ checked: checkedWith(release), verified: [] }) }));
    expect(v).toMatchObject({ path: 'spec.template.spec.containers[0].image' });
    expect(v.message).toMatch(/container "app"'s image .* carries no signature that verifies with a configured key \(release\) for its digest and repository/);
    expect(v.unknown).toBeUndefined();
  });
  test('a key replaced under the same name is not credited with what the old key verified: unknown until locked again', () => {
    const stale = { checked: [{ name: 'release', key: ci.fingerprint }], verified: ['release'] };
    const [v] = violations(check(imageSigned, deployment(), { config: withSignatures(stale) }));
    expect(v).toMatchObject({ unknown: true });
    expect(v.message).toMatch(/whether .* is signed with release is not known: the lock file was written before that key was configured.*hardpod lock --update --config/);
  });
  test('unknown when the lock file has no signature record, or no entry; not applicable without keys or without a lock file', () => {
    expect(outcome(check(imageSigned, deployment(), { config: withSignatures(undefined) }))).toBe('unknown');
    expect(outcome(check(imageSigned, deployment(), { config: withSignatures('no entry') }))).toBe('unknown');
    expect(outcome(check(imageSigned, deployment(), { config: { hardened: withSignatures(undefined).hardened } }))).toBe('not-applicable');
    expect(outcome(check(imageSigned, deployment(), { config: { images: { signatures: { keys: [{ name: 'release', publicKey: RELEASE.publicPem }] } } } }))).toBe('not-applicable');
  });
  test('with two keys, one verifying suffices; one never checked leaves an unverified image unknown', () => {
    const both = [{ name: 'release', publicKey: RELEASE.publicPem }, { name: 'ci', publicKey: CI.publicPem }];
    expect(outcome(check(imageSigned, deployment(), { config: withSignatures({ checked: checkedWith(release, ci), verified: ['ci'] }, both) }))).toBe('pass');
    expect(outcome(check(imageSigned, deployment(), { config: withSignatures({ checked: checkedWith(release), verified: ['release'] }, both) }))).toBe('pass');
    expect(outcome(check(imageSigned, deployment(), { config: withSignatures({ checked: checkedWith(release), verified: [] }, both) }))).toBe('unknown');
    expect(outcome(check(imageSigned, deployment(), { config: withSignatures({ checked: checkedWith(release, ci), verified: [] }, both) }))).toBe('fail');
  });
  test('is a rule of a new edition: a config pinned to the edition before it sees no new finding', () => {
    expect(imageSigned.edition).toBe(NEWEST_EDITION);
    expect(imageSigned.controls.map((c) => `${c.framework} ${c.id}`)).toEqual(['CIS Docker Benchmark 4.5', 'NIST SP 800-190 4.1.5']);
    const config = withSignatures({ checked: checkedWith(release), verified: [] });
    const pod = located(deployment());
    const newest = evaluate(pod, config);
    expect(newest.findings.filter((f) => f.rule === 'image-signed').map((f) => f.outcome)).toEqual(['fail']);
    const pinned = evaluate(pod, { ...config, edition: imageSigned.edition - 1 });
    expect(pinned.rules).not.toContain('image-signed');
    expect(pinned.findings.filter((f) => f.rule === 'image-signed')).toEqual([]);
  });
});

describe('lock file: facts.signatures', () => {
  const entry = (signatures: unknown) => JSON.stringify({
    lockfileVersion: 1,
    images: { 'registry.example.com/team/app:1.2.3': { digest: DIGEST, mediaType: 'application/vnd.oci.image.manifest.v1+json', resolvedAt: 't', resolvedFrom: 'x', facts: { signatures } } },
  }, null, 2);
  test('reads a signature record, and refuses one whose shape the rule could not trust, at its line', () => {
    const good = { checked: [{ name: 'release', key: signatureKeyFingerprint(RELEASE.publicKey) }], verified: ['release'] };
    expect(parseLockFile(entry(good), 'hardpod.lock.json').images['registry.example.com/team/app:1.2.3'].facts?.signatures).toEqual(good);
    for (const bad of [[], { checked: [], verified: ['release'] }, { checked: [{ name: 'release', key: 'abc' }], verified: [] }, { checked: [{ name: 'release' }], verified: [] }, { verified: [] }]) {
      expect(() => parseLockFile(entry(bad), 'hardpod.lock.json')).toThrow(/hardpod\.lock\.json:\d+: .*facts\.signatures must be an object \{ checked/);
    }
  });
});
