import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signatureKeyFingerprint, type SignatureKey } from '../../src/images/signature-keys';

/** Keys and config files for the signature and attestation unit tests. */

/** A key pair as `cosign generate-key-pair` makes it: ECDSA P-256, the public key as PEM SubjectPublicKeyInfo. */
export interface TestKeyPair {
  readonly publicPem: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

export function keyPair(): TestKeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return { publicPem: publicKey.export({ type: 'spki', format: 'pem' }) as string, privateKey, publicKey };
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
