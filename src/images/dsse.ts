import { field } from './cosign-json';
import { keysVerifying, noKeyVerifies, type SignatureKey } from './signature-keys';

/**
 * DSSE envelopes over in-toto Statements, as cosign signs attestations (and, in Sigstore bundles,
 * signatures), verified with node:crypto against the signature keys.
 */

/** Media type of a layer holding one DSSE envelope (cosign's attestation layers). */
export const DSSE_ENVELOPE_MEDIA_TYPE = 'application/vnd.dsse.envelope.v1+json';
/** The DSSE payload type of an in-toto Statement; also the artifact type of attestations stored as OCI 1.1 referrers. */
export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
/** The in-toto Statement versions whose subject and predicateType are read. */
const IN_TOTO_STATEMENT_TYPES: readonly string[] = ['https://in-toto.io/Statement/v0.1', 'https://in-toto.io/Statement/v1'];

/**
 * The DSSE v1 Pre-Authentication Encoding, the bytes a DSSE signature signs:
 * `"DSSEv1" SP LEN(type) SP type SP LEN(body) SP body`, where LEN is the length in bytes as ASCII
 * decimal without leading zeros, SP one space, and `type` is taken as UTF-8.
 */
export function dssePae(payloadType: string, payload: Buffer): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([
    Buffer.from(`DSSEv1 ${type.length} `, 'ascii'), type,
    Buffer.from(` ${payload.length} `, 'ascii'), payload,
  ]);
}

/** Base64 as DSSE allows it (standard or URL-safe, padding optional), or undefined for anything else. */
function decodeBase64(text: unknown): Buffer | undefined {
  if (typeof text !== 'string' || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(text) || text.length % 4 === 1) return undefined;
  return Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
}

/** What verifying one DSSE envelope found. */
export interface EnvelopeVerification {
  /** The statement's predicate type, when the envelope verified and names this digest. */
  readonly predicateType?: string;
  /** Names of the keys a signature of the envelope verified with, when it names this digest. */
  readonly verifiedBy: readonly string[];
  /** Why the envelope does not count, when verifiedBy is empty. */
  readonly problem?: string;
  /** The in-toto Statement as parsed, when the envelope verified and names this digest: what the predicate says is read from it. */
  readonly statement?: unknown;
}

/**
 * Verifies one DSSE envelope as `cosign attest --key` writes it: its payloadType is
 * `application/vnd.in-toto+json`, a signature (base64) verifies over the PAE of that
 * type and the decoded payload with one of `keys`, and the payload is an in-toto Statement one of
 * whose subjects has the SHA-256 digest of `digest`. The subject's name is not compared: cosign
 * names the repository it attested in, and the digest identifies the image wherever it is copied.
 * `what` names the envelope in problems: an attestation, or the signature a Sigstore bundle holds.
 */
export function verifyDsseEnvelope(
  envelope: Buffer, digest: string, keys: readonly SignatureKey[], what: 'an attestation' | 'a signature' = 'an attestation',
): EnvelopeVerification {
  let json: unknown;
  try {
    json = JSON.parse(envelope.toString('utf8'));
  } catch {
    return { verifiedBy: [], problem: 'its envelope is not JSON' };
  }
  const payloadType = field(json, 'payloadType');
  if (typeof payloadType === 'string') return { verifiedBy: [], problem: `its envelope ${payloadType}` };
  if (payloadType.value !== IN_TOTO_PAYLOAD_TYPE) {
    return { verifiedBy: [], problem: `its envelope's payloadType is ${JSON.stringify(payloadType.value)}, not ${JSON.stringify(IN_TOTO_PAYLOAD_TYPE)}` };
  }
  const encoded = field(json, 'payload');
  const payload = typeof encoded === 'string' ? undefined : decodeBase64(encoded.value);
  if (payload === undefined) return { verifiedBy: [], problem: 'its envelope\'s payload is missing or not base64' };
  const signatures = field(json, 'signatures');
  if (typeof signatures === 'string' || !Array.isArray(signatures.value) || signatures.value.length === 0) {
    return { verifiedBy: [], problem: 'its envelope holds no signatures' };
  }
  const pae = dssePae(IN_TOTO_PAYLOAD_TYPE, payload);
  const signers = new Set<SignatureKey>();
  for (const entry of signatures.value) {
    const sig = field(entry, 'sig');
    const bytes = typeof sig === 'string' ? undefined : decodeBase64(sig.value);
    if (bytes === undefined || bytes.length === 0) continue;
    for (const key of keysVerifying(pae, bytes, keys)) signers.add(key);
  }
  const names = keys.filter((key) => signers.has(key)).map((key) => key.name);
  if (names.length === 0) return { verifiedBy: [], problem: noKeyVerifies(keys) };
  const by = `${what} verified with ${names.join(', ')}`;
  let statement: unknown;
  try {
    statement = JSON.parse(payload.toString('utf8'));
  } catch {
    return { verifiedBy: [], problem: `${by} signs a payload that is not JSON` };
  }
  const type = field(statement, '_type');
  if (typeof type === 'string' || typeof type.value !== 'string' || !IN_TOTO_STATEMENT_TYPES.includes(type.value)) {
    return { verifiedBy: [], problem: `${by} signs a payload that is no in-toto Statement (_type ${typeof type === 'string' ? 'missing' : JSON.stringify(type.value)})` };
  }
  const predicateType = field(statement, 'predicateType');
  if (typeof predicateType === 'string' || typeof predicateType.value !== 'string' || predicateType.value === '') {
    return { verifiedBy: [], problem: `${by} signs a statement with no predicateType` };
  }
  const subjects = field(statement, 'subject');
  if (typeof subjects === 'string' || !Array.isArray(subjects.value)) return { verifiedBy: [], problem: `${by} signs a statement with no subject list` };
  const hex = digest.slice('sha256:'.length);
  const named: string[] = [];
  for (const subject of subjects.value) {
    const digests = field(subject, 'digest');
    const sha256 = typeof digests === 'string' ? digests : field(digests.value, 'sha256');
    if (typeof sha256 === 'string') continue;
    if (sha256.value === hex) return { predicateType: predicateType.value, verifiedBy: names, statement };
    named.push(typeof sha256.value === 'string' ? `sha256:${sha256.value}` : JSON.stringify(sha256.value));
  }
  return {
    verifiedBy: [],
    problem: `${by} (${predicateType.value}) is about ${named.length === 0 ? 'no sha256 subject' : named.join(', ')}, not this image (${digest})`,
  };
}

/** The predicate type of the in-toto Statement `cosign sign` signs into a Sigstore bundle: a signature of the image, not an attestation. */
export const COSIGN_SIGN_PREDICATE_TYPE = 'https://sigstore.dev/cosign/sign/v1';

/** Media types of Sigstore bundles (`application/vnd.dev.sigstore.bundle.v0.3+json`, cosign v3's default format), as layers and artifact types. */
export const SIGSTORE_BUNDLE_MEDIA_TYPE = /^application\/vnd\.dev\.sigstore\.bundle(\.v0\.\d+)?\+json\b/;

/**
 * The DSSE envelope of a key-signed Sigstore bundle, as JSON bytes for {@link verifyDsseEnvelope},
 * or why the bundle is not one hardpod reads: keyless (its verification material is a Fulcio
 * certificate), a message signature rather than an envelope, or no bundle at all. The bundle's
 * transparency-log entries are not read, as for signatures stored the older way.
 */
export function envelopeOfBundle(blob: Buffer): Buffer | string {
  let json: unknown;
  try {
    json = JSON.parse(blob.toString('utf8'));
  } catch {
    return 'its Sigstore bundle is not JSON';
  }
  const mediaType = field(json, 'mediaType');
  if (typeof mediaType === 'string' || typeof mediaType.value !== 'string' || !SIGSTORE_BUNDLE_MEDIA_TYPE.test(mediaType.value)) {
    return `its Sigstore bundle has no bundle mediaType (got ${typeof mediaType === 'string' ? 'none' : JSON.stringify(mediaType.value)})`;
  }
  const material = field(json, 'verificationMaterial');
  const keyless = typeof material !== 'string' && ['certificate', 'x509CertificateChain'].some((name) => typeof field(material.value, name) !== 'string');
  if (keyless) return 'it is a keyless Sigstore bundle (a Fulcio certificate), which hardpod does not read; sign with a key (cosign sign --key)';
  const envelope = field(json, 'dsseEnvelope');
  if (typeof envelope === 'string') {
    return typeof field(json, 'messageSignature') === 'string'
      ? 'its Sigstore bundle holds no DSSE envelope'
      : 'its Sigstore bundle holds a message signature over a blob, not a DSSE envelope over an image';
  }
  return Buffer.from(JSON.stringify(envelope.value), 'utf8');
}
