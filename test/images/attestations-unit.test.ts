import type { KeyObject } from 'node:crypto';
import { cosignSignature, keyPair, scratchFiles, signatureKey, type KeyType } from './signing-keys';
import { whyNoAdmissionPolicy } from '../../src/admission/cel-rules';
import { loadConfig, resolveConfig, type EngineConfig } from '../../src/engine/config';
import { evaluate } from '../../src/engine/evaluate';
import { dssePae, envelopeOfBundle, verifyDsseEnvelope } from '../../src/images/dsse';
import { parseLockFile, type LockEntry, type LockedImageFacts } from '../../src/images/lock-file';
import { LockFileResolver } from '../../src/images/lock-resolver';
import { signatureKeyFingerprint, type SignatureKey } from '../../src/images/signature-keys';
import { ruleById } from '../../src/rules/catalogue';
import { imageAttested } from '../../src/rules/image-attested';
import { located } from '../engine/helpers';
import { lockFileWithFacts } from '../fixtures/lock-file';
import { check, deployment, outcome, PINNED_IMAGE, violations } from '../rules/hardened/context';

const file = scratchFiles('hardpod-attestations-');
const RELEASE = keyPair();
const CI = keyPair();
const OTHER = keyPair();
const key = signatureKey;
const DIGEST = PINNED_IMAGE.split('@')[1];
const HEX = DIGEST.slice('sha256:'.length);
const SPDX = 'https://spdx.dev/Document';
const SLSA = 'https://slsa.dev/provenance/v1';

/** An in-toto Statement as cosign v2 writes it. */
function statement(predicateType = SPDX, hex = HEX, type = 'https://in-toto.io/Statement/v0.1'): Buffer {
  return Buffer.from(JSON.stringify({ _type: type, predicateType, subject: [{ name: 'registry.example.com/team/app', digest: { sha256: hex } }], predicate: {} }));
}
function parsed(payload: Buffer): unknown {
  return JSON.parse(payload.toString('utf8'));
}
/** A DSSE envelope over `payload`, signed (over the PAE) with each of `pairs`. */
function envelope(payload: Buffer, pairs: { privateKey: KeyObject }[], payloadType = 'application/vnd.in-toto+json', signedType = payloadType): Buffer {
  return Buffer.from(JSON.stringify({
    payloadType,
    payload: payload.toString('base64'),
    signatures: pairs.map((pair) => ({ keyid: '', sig: cosignSignature(pair, dssePae(signedType, payload)).toString('base64') })),
  }));
}

describe('DSSE PAE', () => {
  test('is the DSSE v1 encoding: the spec\'s test vector, byte for byte', () => {
    expect(dssePae('http://example.com/HelloWorld', Buffer.from('hello world')).toString('latin1')).toBe('DSSEv1 29 http://example.com/HelloWorld 11 hello world');
  });
  test('lengths count bytes, not characters, and an empty body is length 0', () => {
    expect(dssePae('tÿpe', Buffer.from('é')).equals(Buffer.concat([Buffer.from('DSSEv1 5 '), Buffer.from('tÿpe'), Buffer.from(' 2 '), Buffer.from('é')]))).toBe(true);
    expect(dssePae('', Buffer.alloc(0)).toString()).toBe('DSSEv1 0  0 ');
  });
});

describe('verifyDsseEnvelope', () => {
  const keys = [key('release', RELEASE), key('ci', CI)];
  test('verifies a statement about this digest signed with a configured key, and names its predicate type and gives the statement', () => {
    expect(verifyDsseEnvelope(envelope(statement(), [RELEASE]), DIGEST, keys)).toEqual({ predicateType: SPDX, verifiedBy: ['release'], statement: parsed(statement()) });
    const v1 = statement(SLSA, HEX, 'https://in-toto.io/Statement/v1');
    expect(verifyDsseEnvelope(envelope(v1, [OTHER, CI]), DIGEST, keys)).toEqual({ predicateType: SLSA, verifiedBy: ['ci'], statement: parsed(v1) });
  });
  test.each(['ecdsa-p384', 'ecdsa-p521', 'rsa-2048', 'ed25519'] as KeyType[])('verifies an envelope signed with a %s key as cosign signs it, and not one by another key of that type', (type) => {
    const [mine, another] = [keyPair(type), keyPair(type)];
    const typed = [...keys, key(type, mine)];
    expect(verifyDsseEnvelope(envelope(statement(), [mine]), DIGEST, typed))
      .toEqual({ predicateType: SPDX, verifiedBy: [type], statement: parsed(statement()) });
    expect(verifyDsseEnvelope(envelope(statement(), [another]), DIGEST, typed)).toEqual({ verifiedBy: [], problem: `its signature verifies with none of the configured keys (release, ci, ${type})` });
  });
  test('names the envelope as its reader reads it: the signature a Sigstore bundle holds is called a signature', () => {
    const other = 'e'.repeat(64);
    const sign = statement('https://sigstore.dev/cosign/sign/v1', other, 'https://in-toto.io/Statement/v1');
    expect(verifyDsseEnvelope(envelope(sign, [RELEASE]), DIGEST, keys, 'a signature')).toEqual({
      verifiedBy: [], problem: `a signature verified with release (https://sigstore.dev/cosign/sign/v1) is about sha256:${other}, not this image (${DIGEST})`,
    });
    expect(verifyDsseEnvelope(envelope(statement(SPDX, other), [RELEASE]), DIGEST, keys).problem).toBe(`an attestation verified with release (${SPDX}) is about sha256:${other}, not this image (${DIGEST})`);
  });
  test('accepts URL-safe base64 without padding, as DSSE allows', () => {
    const payload = statement();
    const json = JSON.parse(envelope(payload, [RELEASE]).toString()) as { payload: string };
    json.payload = payload.toString('base64url');
    expect(verifyDsseEnvelope(Buffer.from(JSON.stringify(json)), DIGEST, keys).verifiedBy).toEqual(['release']);
  });
  test('refuses another key, a signature over the payload alone, a changed payload or type, another subject', () => {
    expect(verifyDsseEnvelope(envelope(statement(), [OTHER]), DIGEST, keys).problem).toMatch(/verifies with none of the configured keys \(release, ci\)/);
    // Signed as older tools did, over the payload rather than its PAE: not DSSE.
    const payload = statement();
    const raw = JSON.stringify({ payloadType: 'application/vnd.in-toto+json', payload: payload.toString('base64'), signatures: [{ sig: cosignSignature(RELEASE, payload).toString('base64') }] });
    expect(verifyDsseEnvelope(Buffer.from(raw), DIGEST, keys).verifiedBy).toEqual([]);
    const tampered = JSON.parse(envelope(payload, [RELEASE]).toString()) as { payload: string };
    tampered.payload = statement(SLSA).toString('base64');
    expect(verifyDsseEnvelope(Buffer.from(JSON.stringify(tampered)), DIGEST, keys).problem).toMatch(/verifies with none/);
    // The payload type is signed: one changed after signing does not verify, and another type is refused.
    expect(verifyDsseEnvelope(envelope(payload, [RELEASE], 'application/vnd.in-toto+json', 'application/json'), DIGEST, keys).problem).toMatch(/verifies with none/);
    expect(verifyDsseEnvelope(envelope(payload, [RELEASE], 'application/json'), DIGEST, keys).problem).toMatch(/payloadType is "application\/json", not "application\/vnd\.in-toto\+json"/);
    const other = statement(SPDX, 'e'.repeat(64));
    expect(verifyDsseEnvelope(envelope(other, [RELEASE]), DIGEST, keys).problem).toMatch(/an attestation verified with release \(https:\/\/spdx\.dev\/Document\) is about sha256:e{64}, not this image/);
  });
  test('malformed envelopes and statements are problems, never exceptions', () => {
    const bad = ['not json', 'null', '[]', '{"payloadType":"application/vnd.in-toto+json"}', '{"payloadType":"application/vnd.in-toto+json","payload":"%%","signatures":[]}',
      '{"payloadType":"application/vnd.in-toto+json","payload":"e30=","signatures":[]}', '{"payloadType":"application/vnd.in-toto+json","payload":"e30=","signatures":[{"sig":"%%"}]}'];
    for (const text of bad) {
      const result = verifyDsseEnvelope(Buffer.from(text), DIGEST, keys);
      expect([text, result.verifiedBy]).toEqual([text, []]);
      expect(result.problem).toEqual(expect.any(String));
    }
    for (const body of ['not json', '{}', '{"_type":"https://in-toto.io/Statement/v0.1"}', `{"_type":"https://in-toto.io/Statement/v0.1","predicateType":"${SPDX}"}`, `{"_type":"https://in-toto.io/Statement/v0.1","predicateType":"${SPDX}","subject":[{"digest":1}]}`]) {
      const result = verifyDsseEnvelope(envelope(Buffer.from(body), [RELEASE]), DIGEST, keys);
      expect([body, result.verifiedBy, result.predicateType]).toEqual([body, [], undefined]);
      expect(result.problem).toMatch(/an attestation verified with release /);
    }
  });
});

describe('config: images.attestations', () => {
  test('reads the required predicate types; attestations need signature keys', () => {
    file('cosign.pub', RELEASE.publicPem);
    const path = file('ok.yaml', `images:\n  signatures:\n    keys: [{ name: release, publicKey: cosign.pub }]\n  attestations:\n    required: [${SPDX}, ${SLSA}, 'https://example.com/custom/v1']\n`);
    expect(resolveConfig(loadConfig(path)).images.attestations).toEqual({ required: [SPDX, SLSA, 'https://example.com/custom/v1'] });
  });
  const keys = ['  signatures:', '    keys: [{ name: release, publicKey: cosign.pub }]'];
  const cases: [string, string[], RegExp][] = [
    ['no signature keys', ['images:', '  attestations:', `    required: [${SPDX}]`], /:2 \(images\.attestations\): images\.attestations needs images\.signatures\.keys/],
    ['misspelt key', ['images:', ...keys, '  attestation: {}'], /:4 \(images\.attestation\): unknown images key "attestation" \(did you mean "attestations"\?\)/],
    ['not an object', ['images:', ...keys, '  attestations: [x]'], /:4 \(images\.attestations\): images\.attestations must be an object/],
    ['no required', ['images:', ...keys, '  attestations: {}'], /:4 \(images\.attestations\): images\.attestations needs required/],
    ['misspelt required', ['images:', ...keys, '  attestations: { require: [] }'], /:4 \(images\.attestations\.require\): unknown images\.attestations key "require" \(did you mean "required"\?\)/],
    ['empty required', ['images:', ...keys, '  attestations:', '    required: []'], /:5 \(images\.attestations\.required\): .*non-empty list of predicate type URIs, got an empty list/],
    ['required a string', ['images:', ...keys, '  attestations:', `    required: ${SPDX}`], /:5 \(images\.attestations\.required\): .*got a string/],
    ['cosign type name', ['images:', ...keys, '  attestations:', '    required:', `      - ${SPDX}`, '      - slsaprovenance1'],
      /:7 \(images\.attestations\.required\[1\]\): "slsaprovenance1" is a cosign --type name, not a predicate type; write the URI cosign records for it: https:\/\/slsa\.dev\/provenance\/v1/],
    ['spdxjson', ['images:', ...keys, '  attestations:', '    required: [spdxjson]'], /"spdxjson" is a cosign --type name.*https:\/\/spdx\.dev\/Document/],
    ['no URI', ['images:', ...keys, '  attestations:', '    required:', '      - an SBOM'], /:6 \(images\.attestations\.required\[0\]\): "an SBOM" is no predicate type URI/],
    ['not a string', ['images:', ...keys, '  attestations:', '    required:', '      - 3'], /:6 \(images\.attestations\.required\[0\]\): a required predicate type must be a URI string, got a number/],
    ['twice', ['images:', ...keys, '  attestations:', '    required:', `      - ${SPDX}`, `      - ${SPDX}`], /:7 \(images\.attestations\.required\[1\]\): predicate type https:\/\/spdx\.dev\/Document is required twice, first at .*:6/],
  ];
  test.each(cases)('refuses %s, naming the file, line and key', (name, lines, expected) => {
    file('cosign.pub', RELEASE.publicPem);
    const path = file(`${name.replace(/\W/g, '-')}.yaml`, `${lines.join('\n')}\n`);
    expect(() => loadConfig(path)).toThrow(expected);
  });
  test('a config written in code: errors name the config key', () => {
    expect(() => resolveConfig({ images: { signatures: { keys: [{ name: 'release', publicKey: RELEASE.publicPem }] }, attestations: { required: ['cyclonedx'] } } }))
      .toThrow(/^config images\.attestations\.required\[0\]: "cyclonedx" is a cosign --type name.*https:\/\/cyclonedx\.org\/bom/);
  });
});

describe('image-attested', () => {
  const release = key('release', RELEASE);
  const ci = key('ci', CI);
  const withAttestations = (
    attestations: LockedImageFacts['attestations'] | 'no entry', required: string[] = [SPDX, SLSA],
    keys: { name: string; publicKey: string }[] = [{ name: 'release', publicKey: RELEASE.publicPem }],
  ): EngineConfig => {
    const facts: LockedImageFacts = { uid: 1000, ...(attestations !== undefined && attestations !== 'no entry' ? { attestations } : {}) };
    const images: Record<string, LockEntry> = attestations === 'no entry' ? {} : {
      'registry.example.com/team/app:1.2.3': { digest: DIGEST, mediaType: 'application/vnd.oci.image.manifest.v1+json', resolvedAt: 't', resolvedFrom: 'https://registry.example.com', facts },
    };
    const imageFacts = new LockFileResolver({ lockfileVersion: 1, images });
    return { hardened: { imageFacts }, images: { signatures: { keys }, attestations: { required } } };
  };
  const checkedWith = (...keys: SignatureKey[]) => keys.map((k) => ({ name: k.name, key: k.fingerprint }));

  test('passes an image with a verified attestation of each required type', () => {
    expect(outcome(check(imageAttested, deployment(), { config: withAttestations({ checked: checkedWith(release), verified: { [SPDX]: ['release'], [SLSA]: ['release'], 'https://x.example/other': ['release'] } }) }))).toBe('pass');
  });
  test('fails an image lacking a required type, naming each missing one', () => {
    const [v] = violations(check(imageAttested, deployment(), { config: withAttestations({ checked: checkedWith(release), verified: { [SPDX]: ['release'] } }) }));
    expect(v).toMatchObject({ path: 'spec.template.spec.containers[0].image' });
    expect(v.unknown).toBeUndefined();
    expect(v.message).toMatch(/container "app"'s image .* carries no attestation verified with a configured key \(release\) for its digest of the required https:\/\/slsa\.dev\/provenance\/v1$/);
    const [none] = violations(check(imageAttested, deployment(), { config: withAttestations({ checked: checkedWith(release), verified: {} }) }));
    expect(none.message).toMatch(/of the required https:\/\/spdx\.dev\/Document, https:\/\/slsa\.dev\/provenance\/v1$/);
  });
  test('a key replaced under the same name is not credited: unknown; no record or no entry: unknown', () => {
    const stale = { checked: [{ name: 'release', key: ci.fingerprint }], verified: { [SPDX]: ['release'], [SLSA]: ['release'] } };
    const [v] = violations(check(imageAttested, deployment(), { config: withAttestations(stale) }));
    expect(v).toMatchObject({ unknown: true });
    expect(v.message).toMatch(/whether .* is attested \(https:\/\/spdx\.dev\/Document, https:\/\/slsa\.dev\/provenance\/v1\) with release is not known.*hardpod lock --update --config/);
    expect(outcome(check(imageAttested, deployment(), { config: withAttestations(undefined) }))).toBe('unknown');
    expect(outcome(check(imageAttested, deployment(), { config: withAttestations('no entry') }))).toBe('unknown');
  });
  test('not applicable without required types, without keys or without a lock file; a predicate type named __proto__ is data', () => {
    const config = withAttestations({ checked: checkedWith(release), verified: {} });
    expect(outcome(check(imageAttested, deployment(), { config: { hardened: config.hardened, images: { signatures: { keys: [{ name: 'release', publicKey: RELEASE.publicPem }] } } } }))).toBe('not-applicable');
    expect(outcome(check(imageAttested, deployment(), { config: { hardened: config.hardened } }))).toBe('not-applicable');
    expect(outcome(check(imageAttested, deployment(), { config: { images: config.images } }))).toBe('not-applicable');
    expect(outcome(check(imageAttested, deployment(), { config: withAttestations({ checked: checkedWith(release), verified: {} }, ['https://x.example/__proto__']) }))).toBe('fail');
  });
  test('with two keys, any one verifying a type suffices; one never checked leaves a missing type unknown', () => {
    const both = [{ name: 'release', publicKey: RELEASE.publicPem }, { name: 'ci', publicKey: CI.publicPem }];
    expect(outcome(check(imageAttested, deployment(), { config: withAttestations({ checked: checkedWith(release, ci), verified: { [SPDX]: ['ci'], [SLSA]: ['release'] } }, undefined, both) }))).toBe('pass');
    expect(outcome(check(imageAttested, deployment(), { config: withAttestations({ checked: checkedWith(release), verified: { [SPDX]: ['release'] } }, undefined, both) }))).toBe('unknown');
    expect(outcome(check(imageAttested, deployment(), { config: withAttestations({ checked: checkedWith(release, ci), verified: { [SPDX]: ['release'] } }, undefined, both) }))).toBe('fail');
  });
  test('is a hardened rule of edition 4 with image-signed, mapped to NIST SP 800-190 4.1.5, and not emitted at admission', () => {
    expect(imageAttested.edition).toBe(4);
    expect(imageAttested.edition).toBe(ruleById('image-signed')!.edition);
    expect(imageAttested.level).toBe('hardened');
    expect(imageAttested.controls.map((c) => `${c.framework} ${c.id}`)).toEqual(['NIST SP 800-190 4.1.5']);
    expect(whyNoAdmissionPolicy(imageAttested)).toMatch(/reads the attestations hardpod lock verified/);
    const config = withAttestations({ checked: checkedWith(release), verified: {} });
    const pod = located(deployment());
    expect(evaluate(pod, config).findings.filter((f) => f.rule === 'image-attested').map((f) => f.outcome)).toEqual(['fail']);
    const pinned = evaluate(pod, { ...config, edition: imageAttested.edition - 1 });
    expect(pinned.findings.filter((f) => f.rule === 'image-attested')).toEqual([]);
  });
});

describe('lock file: facts.attestations', () => {
  const entry = (attestations: unknown) => lockFileWithFacts(DIGEST, { attestations });
  test('reads an attestation record, and refuses one whose shape the rule could not trust, at its line', () => {
    const fingerprint = signatureKeyFingerprint(RELEASE.publicKey);
    const good = { checked: [{ name: 'release', key: fingerprint }], verified: { [SPDX]: ['release'] } };
    expect(parseLockFile(entry(good), 'hardpod.lock.json').images['registry.example.com/team/app:1.2.3'].facts?.attestations).toEqual(good);
    for (const bad of [[], { checked: [], verified: { [SPDX]: ['release'] } }, { checked: [{ name: 'release', key: fingerprint }], verified: ['release'] },
      { checked: [{ name: 'release', key: fingerprint }], verified: { [SPDX]: 'release' } }, { checked: [{ name: 'release' }], verified: {} }, { verified: {} }]) {
      expect(() => parseLockFile(entry(bad), 'hardpod.lock.json')).toThrow(/hardpod\.lock\.json:\d+: .*facts\.attestations must be an object \{ checked: \[\{ name, key \}\], verified: \{ <predicate type>/);
    }
  });
});

describe('envelopeOfBundle', () => {
  const dsse = { payloadType: 'application/vnd.in-toto+json', payload: Buffer.from('{}').toString('base64'), signatures: [{ sig: 'MEUC' }] };
  const bundle = (fields: Record<string, unknown>) => Buffer.from(JSON.stringify({ mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json', ...fields }));

  test('gives the DSSE envelope of a bundle signed with a key, as the JSON the envelope check reads', () => {
    const found = envelopeOfBundle(bundle({ verificationMaterial: { publicKey: { hint: 'abc' } }, dsseEnvelope: dsse }));
    expect(Buffer.isBuffer(found) && JSON.parse(found.toString('utf8'))).toEqual(dsse);
    // A bundle of an older version, and fields spelt as Go reads them, alike.
    const old = envelopeOfBundle(Buffer.from(JSON.stringify({ MediaType: 'application/vnd.dev.sigstore.bundle+json;version=0.2', DSSEEnvelope: dsse })));
    expect(Buffer.isBuffer(old)).toBe(true);
  });

  test('says why it reads no other bundle: keyless, a message signature, no envelope, not a bundle, not JSON', () => {
    expect(envelopeOfBundle(bundle({ verificationMaterial: { certificate: { rawBytes: 'MII' } }, dsseEnvelope: dsse }))).toMatch(/keyless Sigstore bundle \(a Fulcio certificate\)/);
    expect(envelopeOfBundle(bundle({ verificationMaterial: { x509CertificateChain: { certificates: [] } }, dsseEnvelope: dsse }))).toMatch(/keyless/);
    expect(envelopeOfBundle(bundle({ verificationMaterial: { publicKey: {} }, messageSignature: { signature: 'MEUC' } }))).toMatch(/a message signature over a blob, not a DSSE envelope/);
    expect(envelopeOfBundle(bundle({ verificationMaterial: { publicKey: {} } }))).toBe('its Sigstore bundle holds no DSSE envelope');
    expect(envelopeOfBundle(Buffer.from(JSON.stringify({ mediaType: 'application/spdx+json', dsseEnvelope: dsse })))).toMatch(/has no bundle mediaType \(got "application\/spdx\+json"\)/);
    expect(envelopeOfBundle(Buffer.from('{'))).toBe('its Sigstore bundle is not JSON');
  });
});
