import { COSIGN_SIGN_PREDICATE_TYPE, DSSE_ENVELOPE_MEDIA_TYPE, IN_TOTO_PAYLOAD_TYPE, verifyDsseEnvelope } from './dsse';
import type { ImageRef } from './image-ref';
import type { RegistryClient } from './registry-client';
import type { SignatureKey } from './signature-keys';
import { readCosignArtifacts, type CosignArtifactKind } from './signatures';

/**
 * Key-based cosign attestations: DSSE envelopes holding in-toto Statements, found in a registry the
 * way `cosign attest --key` stores them (DSSE envelope layers, and Sigstore bundles, cosign v3's
 * default) and verified with node:crypto against the signature keys. Keyless attestations are not read.
 */

/** Cosign attestations: DSSE envelope layers at `sha256-<hex>.att`, or referrers of type in-toto. */
export const COSIGN_ATTESTATIONS: CosignArtifactKind = {
  noun: 'attestation',
  tagSuffix: '.att',
  artifactType: IN_TOTO_PAYLOAD_TYPE,
  layerMediaType: DSSE_ENVELOPE_MEDIA_TYPE,
  layerNoun: 'DSSE envelope layer',
  bundles: (predicateType) => predicateType !== COSIGN_SIGN_PREDICATE_TYPE,
};

/**
 * The predicate type URIs `cosign attest --type NAME` records, by NAME (cosign v2's
 * `options.PredicateTypeMap`); any other `--type` is a URI recorded as given.
 */
export const COSIGN_PREDICATE_TYPES: Readonly<Record<string, string>> = {
  slsaprovenance: 'https://slsa.dev/provenance/v0.2',
  slsaprovenance02: 'https://slsa.dev/provenance/v0.2',
  slsaprovenance1: 'https://slsa.dev/provenance/v1',
  spdx: 'https://spdx.dev/Document',
  spdxjson: 'https://spdx.dev/Document',
  cyclonedx: 'https://cyclonedx.org/bom',
  link: 'https://in-toto.io/Link/v1',
  vuln: 'https://cosign.sigstore.dev/attestation/vuln/v1',
  openvex: 'https://openvex.dev/ns',
  custom: 'https://cosign.sigstore.dev/attestation/v1',
};

/** What looking for the attestations of one image found. */
export interface AttestationCheck {
  /** For each predicate type attested for this digest, the names of the keys that verified it (sorted, each once). */
  readonly verified: Readonly<Record<string, readonly string[]>>;
  /** Attestations that were found but do not count, and manifests that could not be read, in words. */
  readonly problems: readonly string[];
  /** Attestations (DSSE envelope layers) examined. */
  readonly examined: number;
}

/**
 * Finds the cosign attestations of `digest` in the repository of `ref` (the tag `sha256-<hex>.att`
 * where `cosign attest` stores them, then OCI 1.1 referrers of type `application/vnd.in-toto+json`)
 * and verifies each DSSE envelope with `keys` ({@link verifyDsseEnvelope}). A registry that cannot be
 * asked throws, as for signatures.
 */
export async function verifyImageAttestations(
  client: RegistryClient, ref: ImageRef, digest: string, keys: readonly SignatureKey[],
): Promise<AttestationCheck> {
  const verified = new Map<string, Set<string>>();
  const { problems, examined } = await readCosignArtifacts(client, ref, digest, COSIGN_ATTESTATIONS, ({ at, blob, fromBundle }, found) => {
    const result = verifyDsseEnvelope(blob, digest, keys);
    // A bundle of cosign's signature type is a signature, which the signature check counts.
    if (fromBundle && result.predicateType === COSIGN_SIGN_PREDICATE_TYPE) return;
    if (result.predicateType !== undefined) {
      const names = verified.get(result.predicateType) ?? new Set<string>();
      for (const name of result.verifiedBy) names.add(name);
      verified.set(result.predicateType, names);
    }
    if (result.problem !== undefined) found.push(`${at}: ${result.problem}`);
  });
  // Object.fromEntries defines own properties: a predicate type named `__proto__` stays data.
  const byType = Object.fromEntries([...verified.keys()].sort().map((type) => [type, [...verified.get(type)!].sort()]));
  return { verified: byType, problems, examined };
}
