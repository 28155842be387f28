import { constants, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signatureKeyFingerprint, type SignatureKey } from '../../src/images/signature-keys';

/** Keys and config files for the signature and attestation unit tests. */

/** A key pair of a type cosign signs with (by default ECDSA P-256, as `cosign generate-key-pair` makes it), the public key as PEM SubjectPublicKeyInfo. */
export interface TestKeyPair {
  readonly publicPem: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

export function keyPair(type: KeyType = 'ecdsa-p256'): TestKeyPair {
  const { publicKey, privateKey } = type === 'ed25519' ? generateKeyPairSync('ed25519')
    : type.startsWith('rsa-') ? generateKeyPairSync('rsa', { modulusLength: Number(type.slice('rsa-'.length)) })
      : generateKeyPairSync('ec', { namedCurve: EC_CURVES[type] });
  return { publicPem: publicKey.export({ type: 'spki', format: 'pem' }) as string, privateKey, publicKey };
}

/** The key types cosign signs with (`cosign generate-key-pair` makes ecdsa-p256; `cosign import-key-pair` takes all). */
export type KeyType = 'ecdsa-p256' | 'ecdsa-p384' | 'ecdsa-p521' | 'rsa-2048' | 'rsa-3072' | 'rsa-4096' | 'ed25519';
const EC_CURVES: Readonly<Record<string, string>> = { 'ecdsa-p256': 'prime256v1', 'ecdsa-p384': 'secp384r1', 'ecdsa-p521': 'secp521r1' };
const EC_DIGESTS: Readonly<Record<string, string>> = { prime256v1: 'sha256', secp384r1: 'sha384', secp521r1: 'sha512' };

/**
 * A signature over `data` in the scheme cosign signs with for the key's type (sigstore's default
 * algorithm per key): ECDSA (ASN.1) over SHA-256, SHA-384 or SHA-512 by curve, RSA PKCS#1 v1.5 over
 * SHA-256. Ed25519 here is pure Ed25519, as older cosign versions signed: node:crypto cannot make the
 * Ed25519ph signatures cosign 2.6 makes (the cosign tests make those with cosign itself).
 */
export function cosignSignature(pair: { readonly privateKey: KeyObject }, data: Buffer): Buffer {
  const key = pair.privateKey;
  if (key.asymmetricKeyType === 'ed25519') return sign(null, data, key);
  if (key.asymmetricKeyType === 'rsa') return sign('sha256', data, { key, padding: constants.RSA_PKCS1_PADDING });
  return sign(EC_DIGESTS[key.asymmetricKeyDetails!.namedCurve!], data, key);
}

/** The configured key `name` for `pair`, as the resolved config holds it. */
export function signatureKey(name: string, pair: { readonly publicKey: KeyObject }): SignatureKey {
  return { name, publicKey: pair.publicKey, fingerprint: signatureKeyFingerprint(pair.publicKey) };
}

/** A function writing files into a fresh temporary folder (`prefix` names it) and returning their paths. */
export function scratchFiles(prefix: string): (name: string, text: string) => string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return (name, text) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
}
