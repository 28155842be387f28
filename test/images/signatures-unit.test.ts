import { constants, createHash, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { cosignSignature, keyPair, scratchFiles, signatureKey, type KeyType, type TestKeyPair } from './signing-keys';
import { loadConfig, resolveConfig, type EngineConfig } from '../../src/engine/config';
import { evaluate } from '../../src/engine/evaluate';
import { parseImageRef } from '../../src/images/image-ref';
import { parseLockFile, type LockEntry, type LockedImageFacts } from '../../src/images/lock-file';
import { LockFileResolver } from '../../src/images/lock-resolver';
import { keysVerifying, signatureKeyFingerprint, type SignatureKey } from '../../src/images/signature-keys';
import { verifySimpleSigning } from '../../src/images/signatures';
import { imageSigned } from '../../src/rules/image-signed';
import { located } from '../engine/helpers';
import { lockFileWithFacts } from '../fixtures/lock-file';
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
const signed = (bytes: Buffer, pair: { privateKey: KeyObject }) => cosignSignature(pair, bytes).toString('base64');

/** The key types cosign signs with, besides `cosign generate-key-pair`'s ECDSA P-256, two pairs each (RSA-4096 is left out: slow to make). */
const TYPES: readonly KeyType[] = ['ecdsa-p384', 'ecdsa-p521', 'rsa-2048', 'rsa-3072', 'ed25519'];
const PAIRS = Object.fromEntries(TYPES.map((type) => [type, [keyPair(type), keyPair(type)]])) as Record<KeyType, [TestKeyPair, TestKeyPair]>;
/** Public keys of types cosign does not sign with, by file name. */
const REFUSED_KEYS: Readonly<Record<string, { publicKey: KeyObject }>> = {
  'rsa1024.pub': generateKeyPairSync('rsa', { modulusLength: 1024 }),
  'secp256k1.pub': generateKeyPairSync('ec', { namedCurve: 'secp256k1' }),
  'dsa.pub': generateKeyPairSync('dsa', { modulusLength: 1024, divisorLength: 160 }),
  'x25519.pub': generateKeyPairSync('x25519'),
  'ed448.pub': generateKeyPairSync('ed448'),
};
/** The refusal's list of accepted key types, as a pattern. */
const ACCEPTED = 'ECDSA keys on P-256 \\(as `cosign generate-key-pair` makes them\\), P-384 or P-521, RSA keys of 2048, 3072 or 4096 bits, and Ed25519 keys';

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

  test('reads ECDSA P-384 and P-521, RSA 2048 and 3072 and Ed25519 keys, as `cosign import-key-pair` writes their cosign.pub, each with its fingerprint', () => {
    for (const type of TYPES) file(`${type}.pub`, PAIRS[type][0].publicPem);
    const path = file('types.yaml', ['images:', '  signatures:', '    keys:', ...TYPES.map((type) => `      - { name: ${type}, publicKey: ${type}.pub }`), ''].join('\n'));
    const keys = resolveConfig(loadConfig(path)).images.signatures?.keys ?? [];
    expect(keys.map((k) => [k.name, k.fingerprint])).toEqual(TYPES.map((type) => [type, signatureKeyFingerprint(PAIRS[type][0].publicKey)]));
    expect(keys.map((k) => k.publicKey.asymmetricKeyType)).toEqual(['ec', 'ec', 'rsa', 'rsa', 'ed25519']);
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
    ...([
      ['rsa1024.pub', 'an RSA key of 1024 bits'],
      ['secp256k1.pub', 'an ECDSA key on curve secp256k1'],
      ['dsa.pub', 'a DSA key'],
      ['x25519.pub', 'an X25519 key, which agrees keys and signs nothing'],
      ['ed448.pub', 'an Ed448 key'],
    ] as const).map(([name, what]): [string, string[], RegExp] => [
      `${what.split(',')[0]}`, ['images:', '  signatures:', '    keys:', `      - { name: a, publicKey: ${name} }`],
      new RegExp(`:4 \\(images\\.signatures\\.keys\\[0\\]\\.publicKey\\): signature key "a": the file .*${name.replace('.', '\\.')} is ${what}; hardpod verifies ${ACCEPTED}$`),
    ]),
    ['duplicate name', ['images:', '  signatures:', '    keys:', '      - { name: a, publicKey: cosign.pub }', '      - { name: a, publicKey: ci.pub }'], /:5 \(images\.signatures\.keys\[1\]\.name\): signature key name "a" is given twice, first at .*:4/],
    ['same key twice', ['images:', '  signatures:', '    keys:', '      - { name: a, publicKey: cosign.pub }', '      - { name: b, publicKey: cosign.pub }'], /\(images\.signatures\.keys\[1\]\.publicKey\): signature key "b" is the same key as the one at/],
    ['null value', ['images:', '  signatures:', '    keys:', '      - { name: a, publicKey: }'], /\(images\.signatures\.keys\[0\]\.publicKey\): images\.signatures\.keys\[0\]\.publicKey has no value/],
  ];
  test.each(cases)('refuses %s, naming the file, line and key', (name, lines, expected) => {
    file('cosign.pub', RELEASE.publicPem);
    file('ci.pub', CI.publicPem);
    file('cosign.key', '-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n');
    file('notes.txt', 'hello\n');
    for (const [refused, pair] of Object.entries(REFUSED_KEYS)) file(refused, pair.publicKey.export({ type: 'spki', format: 'pem' }) as string);
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
  test.each(TYPES)('verifies the signature of a %s key made as cosign makes it, and not one by another key of that type', (type) => {
    const [mine, another] = PAIRS[type];
    const bytes = payload();
    const typed = [...keys, key(type, mine)];
    expect(verifySimpleSigning(bytes, signed(bytes, mine), REF, DIGEST, typed)).toEqual({ verifiedBy: [type] });
    expect(verifySimpleSigning(bytes, signed(bytes, another), REF, DIGEST, typed).problem).toBe(`its signature verifies with none of the configured keys (release, ci, ${type})`);
    const tampered = Buffer.from(bytes.toString().replace('team/app', 'team/app2'));
    expect(verifySimpleSigning(tampered, signed(bytes, mine), REF, DIGEST, typed).verifiedBy).toEqual([]);
  });
  test('each key is held to the scheme cosign signs with for its type: another digest or RSA padding does not verify', () => {
    const bytes = payload();
    const verifiedBy = (pair: { publicKey: KeyObject }, signature: Buffer) => verifySimpleSigning(bytes, signature.toString('base64'), REF, DIGEST, [key('k', pair)]).verifiedBy;
    const [p384] = PAIRS['ecdsa-p384'];
    const [p521] = PAIRS['ecdsa-p521'];
    const [rsa] = PAIRS['rsa-2048'];
    expect(verifiedBy(p384, sign('sha384', bytes, p384.privateKey))).toEqual(['k']);
    expect(verifiedBy(p384, sign('sha256', bytes, p384.privateKey))).toEqual([]);
    expect(verifiedBy(p521, sign('sha512', bytes, p521.privateKey))).toEqual(['k']);
    expect(verifiedBy(p521, sign('sha256', bytes, p521.privateKey))).toEqual([]);
    expect(verifiedBy(RELEASE, sign('sha384', bytes, RELEASE.privateKey))).toEqual([]);
    expect(verifiedBy(rsa, sign('sha256', bytes, rsa.privateKey))).toEqual(['k']);
    expect(verifiedBy(rsa, sign('sha512', bytes, rsa.privateKey))).toEqual([]);
    expect(verifiedBy(rsa, sign('sha256', bytes, { key: rsa.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING }))).toEqual([]);
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

describe('keysVerifying: Ed25519ph, as cosign signs with an Ed25519 key', () => {
  // RFC 8032 section 7.3, test vector Ed25519ph "abc": node:crypto cannot make such signatures.
  const rfc = { publicKey: createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from('ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf', 'hex').toString('base64url') }, format: 'jwk' }) };
  const SIGNATURE = Buffer.from('98a70222f0b8121aa9d30f813d683f809e462b469c7ff87639499bb94e6dae4131f85042463c2a355a2003d062adf5aaa10b8c61e636062aaad11c2a26083406', 'hex');
  const keys = [key('other', PAIRS.ed25519[0]), key('rfc', rfc)];
  const names = (data: Buffer, signature: Buffer) => keysVerifying(data, signature, keys).map((k) => k.name);
  test('verifies the RFC 8032 Ed25519ph test vector with its key only', () => {
    expect(names(Buffer.from('abc'), SIGNATURE)).toEqual(['rfc']);
  });
  test('refuses it over another message, changed in R or S, with S not reduced, or cut short', () => {
    expect(names(Buffer.from('abd'), SIGNATURE)).toEqual([]);
    for (const at of [0, 31, 32, 63]) {
      const changed = Buffer.from(SIGNATURE);
      changed[at] = (changed[at] + 1) % 256;
      expect([at, names(Buffer.from('abc'), changed)]).toEqual([at, []]);
    }
    // S + L is the same scalar mod L, refused as RFC 8032 requires (S < L): no second form of one signature.
    const l = 2n ** 252n + 27742317777372353535851937790883648493n;
    const s = BigInt(`0x${Buffer.from(SIGNATURE.subarray(32)).reverse().toString('hex')}`);
    const malleable = Buffer.concat([SIGNATURE.subarray(0, 32), Buffer.from((s + l).toString(16).padStart(64, '0'), 'hex').reverse()]);
    expect(names(Buffer.from('abc'), malleable)).toEqual([]);
    expect(names(Buffer.from('abc'), SIGNATURE.subarray(0, 63))).toEqual([]);
  });
  test('a pure Ed25519 signature, as older cosign versions made, verifies too; the prehashed message is no pure signature', () => {
    const [pair] = PAIRS.ed25519;
    expect(names(Buffer.from('abc'), sign(null, Buffer.from('abc'), pair.privateKey))).toEqual(['other']);
    expect(names(Buffer.from('abc'), sign(null, createHash('sha512').update('abc').digest(), pair.privateKey))).toEqual([]);
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
    expect(imageSigned.edition).toBe(4);
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
  const entry = (signatures: unknown) => lockFileWithFacts(DIGEST, { signatures });
  test('reads a signature record, and refuses one whose shape the rule could not trust, at its line', () => {
    const good = { checked: [{ name: 'release', key: signatureKeyFingerprint(RELEASE.publicKey) }], verified: ['release'] };
    expect(parseLockFile(entry(good), 'hardpod.lock.json').images['registry.example.com/team/app:1.2.3'].facts?.signatures).toEqual(good);
    for (const bad of [[], { checked: [], verified: ['release'] }, { checked: [{ name: 'release', key: 'abc' }], verified: [] }, { checked: [{ name: 'release' }], verified: [] }, { verified: [] }]) {
      expect(() => parseLockFile(entry(bad), 'hardpod.lock.json')).toThrow(/hardpod\.lock\.json:\d+: .*facts\.signatures must be an object \{ checked/);
    }
  });
});
