import type { KeyObject } from 'node:crypto';
import { nodeCrypto } from '../model/lazy-crypto';

/**
 * The public keys cosign signatures and attestations are verified with: ECDSA P-256, as `cosign
 * generate-key-pair` makes them, read from PEM and verified with node:crypto.
 */

/** A public key signatures are verified with. */
export interface SignatureKey {
  /** The name the config gives it, recorded in the lock file. */
  readonly name: string;
  readonly publicKey: KeyObject;
  /** `sha256:` and the hex SHA-256 of the key's DER SubjectPublicKeyInfo: which key the name stood for when it was recorded. */
  readonly fingerprint: string;
}

/**
 * Reads an ECDSA P-256 public key in PEM (`-----BEGIN PUBLIC KEY-----`, as `cosign generate-key-pair`
 * writes cosign.pub). Returns the key, or what is wrong with the text.
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
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (key.asymmetricKeyType !== 'ec' || curve !== 'prime256v1') {
    return `is ${key.asymmetricKeyType === 'ec' ? `an ECDSA key on curve ${curve}` : `a${key.asymmetricKeyType === 'rsa' ? 'n' : ''} ${key.asymmetricKeyType} key`}; hardpod verifies ECDSA P-256 keys, as \`cosign generate-key-pair\` makes them`;
  }
  return key;
}

/** `sha256:<hex>` of the key's DER SubjectPublicKeyInfo. */
export function signatureKeyFingerprint(key: KeyObject): string {
  return `sha256:${nodeCrypto().createHash('sha256').update(key.export({ type: 'spki', format: 'der' })).digest('hex')}`;
}

/** The keys `signature` (ASN.1 ECDSA over SHA-256) verifies `data` with; bytes that are no such signature verify with none. */
export function keysVerifying(data: Buffer, signature: Buffer, keys: readonly SignatureKey[]): SignatureKey[] {
  return keys.filter((key) => {
    try {
      return nodeCrypto().verify('sha256', data, key.publicKey, signature);
    } catch {
      return false;
    }
  });
}

/** Why a signature counts for nothing: no configured key verifies it. */
export function noKeyVerifies(keys: readonly SignatureKey[]): string {
  return `its signature verifies with none of the configured keys (${keys.map((key) => key.name).join(', ')})`;
}
