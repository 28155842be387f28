import type { KeyObject } from 'node:crypto';
import { nodeCrypto } from '../model/lazy-crypto';

/**
 * The public keys cosign signatures and attestations are verified with, read from PEM and verified
 * with node:crypto, and each key type's signature scheme as cosign signs with it (sigstore's
 * `LoadDefaultSignerVerifier`, which `cosign sign --key` and `cosign attest --key` use): ECDSA
 * P-256 (`cosign generate-key-pair`), P-384 or P-521, RSA of 2048, 3072 or 4096 bits, and Ed25519
 * (`cosign import-key-pair`, or the public key of a KMS key).
 */

/** A public key signatures are verified with. */
export interface SignatureKey {
  /** The name the config gives it, recorded in the lock file. */
  readonly name: string;
  readonly publicKey: KeyObject;
  /** `sha256:` and the hex SHA-256 of the key's DER SubjectPublicKeyInfo: which key the name stood for when it was recorded. */
  readonly fingerprint: string;
}

/** The digest an ECDSA signature is made over, by the key's curve (node's name): sigstore's default for each curve. */
const ECDSA_DIGESTS: Readonly<Record<string, string>> = { prime256v1: 'sha256', secp384r1: 'sha384', secp521r1: 'sha512' };
/** The digest ECDSA signatures of `key` are made over, or undefined for a curve sigstore does not sign on. */
function ecdsaDigest(key: KeyObject): string | undefined {
  const curve = key.asymmetricKeyDetails?.namedCurve ?? '';
  return Object.prototype.hasOwnProperty.call(ECDSA_DIGESTS, curve) ? ECDSA_DIGESTS[curve] : undefined;
}
/** The RSA modulus sizes sigstore signs with (its algorithm registry; `cosign import-key-pair` refuses others). */
const RSA_BITS: readonly number[] = [2048, 3072, 4096];
/** The key types read, in words, for messages. */
export const ACCEPTED_KEY_TYPES = 'ECDSA keys on P-256 (as `cosign generate-key-pair` makes them), P-384 or P-521, RSA keys of 2048, 3072 or 4096 bits, and Ed25519 keys';

/** Key types hardpod does not read, in words. */
const OTHER_KEY_TYPES: Readonly<Record<string, string>> = {
  'dsa': 'a DSA key',
  'ed448': 'an Ed448 key',
  'rsa-pss': 'an RSA key restricted to PSS (an RSASSA-PSS SubjectPublicKeyInfo)',
  'x25519': 'an X25519 key, which agrees keys and signs nothing',
  'x448': 'an X448 key, which agrees keys and signs nothing',
  'dh': 'a Diffie-Hellman key, which agrees keys and signs nothing',
};

/** What `key` is, in words: `an ECDSA key on curve secp256k1`, `a DSA key`. */
function describeKey(key: KeyObject): string {
  const type = key.asymmetricKeyType ?? 'unknown';
  if (type === 'ec') return `an ECDSA key on curve ${key.asymmetricKeyDetails?.namedCurve ?? 'unknown'}`;
  if (type === 'rsa') return `an RSA key of ${key.asymmetricKeyDetails?.modulusLength ?? 'unknown'} bits`;
  return Object.prototype.hasOwnProperty.call(OTHER_KEY_TYPES, type) ? OTHER_KEY_TYPES[type] : `a key of type ${type}`;
}

/** Whether hardpod verifies signatures of `key`'s type and size. */
function isAcceptedKey(key: KeyObject): boolean {
  switch (key.asymmetricKeyType) {
    case 'ec': return ecdsaDigest(key) !== undefined;
    case 'rsa': return RSA_BITS.includes(key.asymmetricKeyDetails?.modulusLength ?? 0);
    case 'ed25519': return true;
    default: return false;
  }
}

/**
 * Reads a public key in PEM (`-----BEGIN PUBLIC KEY-----`, as `cosign generate-key-pair` and
 * `cosign import-key-pair` write cosign.pub) of a type {@link ACCEPTED_KEY_TYPES} names. Returns the
 * key, or what is wrong with the text.
 */
export function parseSignaturePublicKey(pem: string): KeyObject | string {
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem)) {
    return 'is a private key; give the public key (cosign.pub, which `cosign generate-key-pair` writes next to cosign.key), and keep the private key out of the config';
  }
  if (!/-----BEGIN PUBLIC KEY-----/.test(pem)) return 'is no PEM public key; expected -----BEGIN PUBLIC KEY----- (the cosign.pub that `cosign generate-key-pair` writes)';
  let key: KeyObject;
  try {
    key = nodeCrypto().createPublicKey({ key: pem, format: 'pem' });
  } catch (error) {
    return `is no readable public key (${(error as Error).message})`;
  }
  if (!isAcceptedKey(key)) return `is ${describeKey(key)}; hardpod verifies ${ACCEPTED_KEY_TYPES}`;
  return key;
}

/** `sha256:<hex>` of the key's DER SubjectPublicKeyInfo. */
export function signatureKeyFingerprint(key: KeyObject): string {
  return `sha256:${nodeCrypto().createHash('sha256').update(key.export({ type: 'spki', format: 'der' })).digest('hex')}`;
}

/**
 * Whether `signature` is one cosign makes over `data` with the private half of `key`: ECDSA (ASN.1)
 * over the curve's digest, RSA PKCS#1 v1.5 over SHA-256, and for Ed25519 either Ed25519ph, which
 * `cosign sign --key` and `cosign attest --key` sign with, or pure Ed25519, which older cosign
 * versions signed with (one cannot pass for the other: Ed25519ph signs under a prefix of its own).
 */
function verifiesWith(key: KeyObject, data: Buffer, signature: Buffer): boolean {
  const crypto = nodeCrypto();
  switch (key.asymmetricKeyType) {
    case 'ec': {
      const digest = ecdsaDigest(key);
      return digest !== undefined && crypto.verify(digest, data, key, signature);
    }
    case 'rsa': return crypto.verify('sha256', data, { key, padding: crypto.constants.RSA_PKCS1_PADDING }, signature);
    case 'ed25519': {
      if (crypto.verify(null, data, key, signature)) return true;
      return verifyEd25519ph(Buffer.from(key.export({ format: 'jwk' }).x ?? '', 'base64url'), data, signature);
    }
    default: return false;
  }
}

/** The keys `signature` verifies `data` with, each by its type's scheme; bytes that are no such signature verify with none. */
export function keysVerifying(data: Buffer, signature: Buffer, keys: readonly SignatureKey[]): SignatureKey[] {
  return keys.filter((key) => {
    try {
      return verifiesWith(key.publicKey, data, signature);
    } catch {
      return false;
    }
  });
}

/** Why a signature counts for nothing: no configured key verifies it. */
export function noKeyVerifies(keys: readonly SignatureKey[]): string {
  return `its signature verifies with none of the configured keys (${keys.map((key) => key.name).join(', ')})`;
}

/**
 * Whether `signature` is an Ed25519ph signature (RFC 8032: SHA-512 prehash, empty context) of `data`
 * by the raw 32-byte `publicKey`, verified strictly (canonical encodings, S < L), as cosign signs with
 * an Ed25519 key and node:crypto cannot check. The curve library loads on the first Ed25519 key only.
 */
function verifyEd25519ph(publicKey: Buffer, data: Buffer, signature: Buffer): boolean {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { ed25519ph } = require('@noble/curves/ed25519') as typeof import('@noble/curves/ed25519');
  return ed25519ph.verify(signature, data, publicKey, { zip215: false });
}
