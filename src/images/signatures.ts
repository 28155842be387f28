import { field } from './cosign-json';
import { COSIGN_SIGN_PREDICATE_TYPE, envelopeOfBundle, SIGSTORE_BUNDLE_MEDIA_TYPE, verifyDsseEnvelope } from './dsse';
import { imageName, isSha256Digest, parseImageRef, type ImageRef } from './image-ref';
import type { Descriptor, FetchedManifest, ManifestJson, RegistryClient } from './registry-client';
import { isRegistryNotFound, isRegistryUnavailable } from './registry-failures';
import { keysVerifying, noKeyVerifies, type SignatureKey } from './signature-keys';

/**
 * Key-based cosign signatures, found in a registry the way cosign stores them (simple-signing layers,
 * and Sigstore bundles, cosign v3's default) and verified with node:crypto. Keyless signatures
 * (Fulcio certificates, Rekor entries) are not read: a signature hardpod cannot verify with a
 * configured key is never counted.
 */

/** Annotation of a simple-signing layer holding the base64 signature over the layer's blob. */
export const COSIGN_SIGNATURE_ANNOTATION = 'dev.cosignproject.cosign/signature';
/** Media type of a cosign simple-signing payload layer. */
export const SIMPLE_SIGNING_MEDIA_TYPE = 'application/vnd.dev.cosign.simplesigning.v1+json';
/** Artifact type of a cosign signature manifest stored as an OCI 1.1 referrer. */
export const COSIGN_SIGNATURE_ARTIFACT_TYPE = 'application/vnd.dev.cosign.artifact.sig.v1+json';
/** `critical.type` of a cosign container image signature payload. */
export const COSIGN_PAYLOAD_TYPE = 'cosign container image signature';
/** The media type of the empty config OCI artifacts carry. */
const EMPTY_CONFIG_MEDIA_TYPE = 'application/vnd.oci.empty.v1+json';
/** Annotation cosign puts on a Sigstore bundle's manifest naming its statement's predicate type: a hint, which the signed statement decides. */
const BUNDLE_PREDICATE_ANNOTATION = 'dev.sigstore.bundle.predicateType';

/** Manifests and layers of one kind (signatures, attestations) read per image, at most: a registry cannot make a lock run fetch without end. */
const MAX_SIGNATURE_MANIFESTS = 16;
const MAX_SIGNATURE_LAYERS = 64;

/** The names of `keys` under which a simple-signing payload verifies, or why it does not bind to the image. */
export interface PayloadVerification {
  /** Names of the keys the signature verified with, whose payload names this image and repository. */
  readonly verifiedBy: readonly string[];
  /** Why the signature does not count, when verifiedBy is empty. */
  readonly problem?: string;
}

/**
 * Verifies one cosign simple-signing signature: `signature` (base64) must verify over
 * `payload` (the layer blob, already checked against the layer's digest) with one of `keys`, and the
 * payload must be a cosign container image signature for `digest` (`critical.image.docker-manifest-digest`)
 * in repository `ref` (`critical.identity.docker-reference`).
 */
export function verifySimpleSigning(
  payload: Buffer, signature: string, ref: ImageRef, digest: string, keys: readonly SignatureKey[],
): PayloadVerification {
  const bytes = /^[A-Za-z0-9+/]*={0,2}$/.test(signature.trim()) ? Buffer.from(signature.trim(), 'base64') : undefined;
  if (bytes === undefined || bytes.length === 0) return { verifiedBy: [], problem: 'its signature annotation is not base64' };
  const signers = keysVerifying(payload, bytes, keys);
  if (signers.length === 0) return { verifiedBy: [], problem: noKeyVerifies(keys) };
  const by = `a signature verified with ${signers.map((key) => key.name).join(', ')}`;
  let json: unknown;
  try {
    json = JSON.parse(payload.toString('utf8'));
  } catch {
    return { verifiedBy: [], problem: `${by} signs a payload that is not JSON` };
  }
  const critical = field(json, 'critical');
  if (typeof critical === 'string') return { verifiedBy: [], problem: `${by} signs a payload that ${critical}` };
  const type = field(critical.value, 'type');
  if (typeof type === 'string' || type.value !== COSIGN_PAYLOAD_TYPE) {
    return { verifiedBy: [], problem: `${by} signs a payload whose critical.type is not ${JSON.stringify(COSIGN_PAYLOAD_TYPE)}` };
  }
  const image = field(critical.value, 'image');
  const signedDigest = typeof image === 'string' ? image : field(image.value, 'docker-manifest-digest');
  if (typeof signedDigest === 'string') return { verifiedBy: [], problem: `${by} signs a payload whose critical.image ${signedDigest}` };
  if (signedDigest.value !== digest) {
    return { verifiedBy: [], problem: `${by} is for the image ${typeof signedDigest.value === 'string' ? signedDigest.value : 'of no digest'}, not this one (${digest})` };
  }
  const identity = field(critical.value, 'identity');
  const reference = typeof identity === 'string' ? identity : field(identity.value, 'docker-reference');
  if (typeof reference === 'string') return { verifiedBy: [], problem: `${by} signs a payload whose critical.identity ${reference}` };
  let signedName: string | undefined;
  try {
    signedName = typeof reference.value === 'string' ? imageName(parseImageRef(reference.value)) : undefined;
  } catch {
    signedName = undefined;
  }
  if (signedName !== imageName(ref)) {
    return { verifiedBy: [], problem: `${by} names the repository ${JSON.stringify(reference.value)}, not ${imageName(ref)}` };
  }
  return { verifiedBy: signers.map((key) => key.name) };
}

/** What looking for the signatures of one image found. */
export interface SignatureCheck {
  /** Names of the keys at least one signature verified with (sorted, each once). */
  readonly verified: readonly string[];
  /** Signatures that were found but do not count, and signature manifests that could not be read, in words. */
  readonly problems: readonly string[];
  /** Signatures (payload layers) examined. */
  readonly examined: number;
}

/** A kind of cosign artifact stored beside an image: signatures, attestations. */
export interface CosignArtifactKind {
  /** What one artifact is called in messages: `signature`, `attestation`. */
  readonly noun: string;
  /** Suffix of the tag cosign v2 stores them under by default, after `sha256-<hex>`: `.sig`, `.att`. */
  readonly tagSuffix: string;
  /** The artifact type of such a manifest stored as an OCI 1.1 referrer. */
  readonly artifactType: string;
  /** The media type of the layers that hold one artifact each. */
  readonly layerMediaType: string;
  /** What such a layer is called in messages: `cosign simple-signing layer`. */
  readonly layerNoun: string;
  /** Whether a Sigstore bundle whose statement has this predicate type is of this kind. */
  readonly bundles: (predicateType: string) => boolean;
}

/** Cosign signatures: simple-signing layers at `sha256-<hex>.sig`, or referrers. */
export const COSIGN_SIGNATURES: CosignArtifactKind = {
  noun: 'signature',
  tagSuffix: '.sig',
  artifactType: COSIGN_SIGNATURE_ARTIFACT_TYPE,
  layerMediaType: SIMPLE_SIGNING_MEDIA_TYPE,
  layerNoun: 'cosign simple-signing layer',
  bundles: (predicateType) => predicateType === COSIGN_SIGN_PREDICATE_TYPE,
};

/** One layer of a cosign artifact manifest, its blob fetched by digest (so verified against it). */
export interface CosignLayer {
  /** Where the layer is, for messages: `tag sha256-<hex>.sig, signature 1`. */
  readonly at: string;
  /** The layer's descriptor in its manifest. */
  readonly layer: Descriptor;
  /** The layer's blob; for a Sigstore bundle, the DSSE envelope it holds. */
  readonly blob: Buffer;
  /** The layer is a Sigstore bundle: `blob` is its DSSE envelope over an in-toto Statement. */
  readonly fromBundle?: boolean;
}

/** What reading the cosign artifacts of one digest found, before each layer is judged. */
interface CosignArtifactReading {
  /** Problems found reading manifests and layers, in words; the judge of the layers adds its own. */
  readonly problems: string[];
  /** Layers read. */
  readonly examined: number;
}

/**
 * Finds the cosign artifacts of one kind for `digest` in the repository of `ref` and hands each
 * layer of that kind, fetched by its digest, to `judge`: the legacy tag (`sha256-<hex>.sig`,
 * `sha256-<hex>.att`), then the OCI 1.1 referrers API (or, where the registry lacks it, the
 * referrers tag `sha256-<hex>` that clients write instead). A manifest that is malformed, whose
 * content does not match its digest, or a referrer whose subject is another image is a problem
 * reported, never an artifact. A registry that cannot be asked (no connection, refused credentials,
 * HTTP 5xx) throws: what the image carries is then not known.
 */
export async function readCosignArtifacts(
  client: RegistryClient, ref: ImageRef, digest: string, kind: CosignArtifactKind,
  judge: (layer: CosignLayer, problems: string[]) => void,
): Promise<CosignArtifactReading> {
  const repository: ImageRef = { registry: ref.registry, repository: ref.repository };
  const hex = digest.slice('sha256:'.length);
  const problems: string[] = [];
  let examined = 0;
  /** Manifests already read, by digest: the legacy tag and a referrer may name the same one. */
  const seen = new Set<string>();

  /** Reads `what`, or records why it could not be read (and returns undefined); rethrows an unavailable registry. */
  const attempt = async <T>(what: string, read: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await read();
    } catch (error) {
      if (isRegistryUnavailable(error)) throw error;
      if (isRegistryNotFound(error)) return undefined;
      problems.push(`${what}: ${(error as Error).message}`);
      return undefined;
    }
  };

  /** Hands the layers of one manifest to the judge: this kind's layers, or a Sigstore bundle's envelopes. */
  const examine = async (manifest: FetchedManifest, where: string, bundle = false): Promise<void> => {
    if (seen.has(manifest.digest)) return;
    seen.add(manifest.digest);
    const ofKind = (type: unknown): boolean => (bundle ? typeof type === 'string' && SIGSTORE_BUNDLE_MEDIA_TYPE.test(type) : type === kind.layerMediaType);
    const layers = (manifest.json.layers ?? []).filter((layer) => ofKind(layer.mediaType));
    if (layers.length === 0) {
      problems.push(`${where} (${manifest.digest}) holds no ${bundle ? 'Sigstore bundle layer' : `${kind.layerNoun} (${kind.layerMediaType})`}`);
      return;
    }
    for (const [index, layer] of layers.entries()) {
      if (examined >= MAX_SIGNATURE_LAYERS) {
        problems.push(`more than ${MAX_SIGNATURE_LAYERS} ${kind.noun}s; the rest were not read`);
        return;
      }
      examined++;
      const at = `${where}, ${bundle ? 'Sigstore bundle' : kind.noun} ${index + 1}`;
      if (!bundle && kind === COSIGN_SIGNATURES && typeof layer.annotations?.[COSIGN_SIGNATURE_ANNOTATION] !== 'string') {
        problems.push(`${at} has no ${COSIGN_SIGNATURE_ANNOTATION} annotation (a keyless or unsigned layer)`);
        continue;
      }
      if (!isSha256Digest(layer.digest)) {
        problems.push(`${at}: its layer digest ${JSON.stringify(layer.digest)} is not sha256:<64 hex>`);
        continue;
      }
      // Fetched by digest, so the blob is the one the layer descriptor names.
      const blob = await attempt(`${at}: payload ${layer.digest}`, () => client.getBlob(repository, layer.digest));
      if (blob === undefined) {
        if (!problems.at(-1)?.startsWith(`${at}:`)) problems.push(`${at}: its payload ${layer.digest} is not in the registry`);
        continue;
      }
      if (!bundle) {
        judge({ at, layer, blob }, problems);
        continue;
      }
      const envelope = envelopeOfBundle(blob);
      if (typeof envelope === 'string') problems.push(`${at}: ${envelope}`);
      else judge({ at, layer, blob: envelope, fromBundle: true }, problems);
    }
  };

  // 1. The legacy tag, where cosign v2 stores signatures (`.sig`) and attestations (`.att`).
  const legacyTag = `sha256-${hex}${kind.tagSuffix}`;
  const legacy = await attempt(`the ${kind.noun} tag ${legacyTag}`, () => client.getManifest(repository, legacyTag));
  if (legacy !== undefined) await examine(legacy, `tag ${legacyTag}`);

  // 2. OCI 1.1 referrers, or the referrers tag a client writes where the registry lacks the API.
  const fallbackTag = `sha256-${hex}`;
  let referrers: ManifestJson | undefined;
  let via: string;
  const served = await attempt(`the referrers of ${digest}`, () => client.getReferrers(repository, digest));
  if (served !== undefined) {
    referrers = served;
    via = 'referrer';
  } else {
    const index = await attempt(`the referrers tag ${fallbackTag}`, () => client.getManifest(repository, fallbackTag));
    via = `referrer (tag ${fallbackTag})`;
    if (index !== undefined) {
      if (index.json.manifests === undefined) problems.push(`the referrers tag ${fallbackTag} is a manifest, not an index of referrers`);
      else referrers = index.json;
    }
  }
  // A descriptor's artifactType says what a referrer is; where it is missing or only names the empty
  // config (some registries list the config's media type), the manifest itself is read to tell.
  const candidates = (referrers?.manifests ?? []).filter((entry: Descriptor) => {
    const type = entry.artifactType;
    return type === undefined || type === kind.artifactType || type === EMPTY_CONFIG_MEDIA_TYPE || SIGSTORE_BUNDLE_MEDIA_TYPE.test(type);
  });
  for (const entry of candidates.slice(0, MAX_SIGNATURE_MANIFESTS)) {
    if (!isSha256Digest(entry.digest)) {
      problems.push(`${via} ${JSON.stringify(entry.digest)} has no sha256 digest`);
      continue;
    }
    const at = `${via} ${entry.digest}`;
    const manifest = await attempt(at, () => client.getManifest(repository, entry.digest));
    if (manifest === undefined) continue;
    const type = manifest.json.artifactType ?? manifest.json.config?.mediaType;
    const bundle = type !== undefined && SIGSTORE_BUNDLE_MEDIA_TYPE.test(type);
    // Another kind of referrer (a signature, an SBOM) is none of this check's business; a bundle
    // says what its statement is about, and one that says nothing is read by both kinds.
    const predicateType = manifest.json.annotations?.[BUNDLE_PREDICATE_ANNOTATION];
    if (bundle ? typeof predicateType === 'string' && !kind.bundles(predicateType) : type !== kind.artifactType) continue;
    // A referrer names the image it refers to; one listed for another image is not this image's.
    if (manifest.json.subject?.digest !== digest) {
      problems.push(`${at} refers to ${JSON.stringify(manifest.json.subject?.digest ?? null)}, not ${digest}`);
      continue;
    }
    await examine(manifest, at, bundle);
  }
  if (candidates.length > MAX_SIGNATURE_MANIFESTS) problems.push(`more than ${MAX_SIGNATURE_MANIFESTS} referrers that may be ${kind.noun}s; the rest were not read`);
  return { problems, examined };
}

/**
 * Finds the cosign signatures of `digest` in the repository of `ref` and verifies them with `keys`:
 * the legacy tag `sha256-<hex>.sig`, then the OCI 1.1 referrers API (or, where the registry lacks
 * it, the referrers tag `sha256-<hex>` that clients write instead). A signature manifest that is
 * malformed, or whose content does not match its digest, is a problem reported, never a signature.
 * A registry that cannot be asked (no connection, refused credentials, HTTP 5xx) throws: whether the
 * image is signed is then not known.
 */
export async function verifyImageSignatures(
  client: RegistryClient, ref: ImageRef, digest: string, keys: readonly SignatureKey[],
): Promise<SignatureCheck> {
  const verified = new Set<string>();
  const { problems, examined } = await readCosignArtifacts(client, ref, digest, COSIGN_SIGNATURES, ({ at, layer, blob, fromBundle }, found) => {
    const result = fromBundle
      ? verifyBundleSignature(blob, digest, keys)
      : verifySimpleSigning(blob, layer.annotations![COSIGN_SIGNATURE_ANNOTATION], ref, digest, keys);
    for (const name of result.verifiedBy) verified.add(name);
    if (result.problem !== undefined) found.push(`${at}: ${result.problem}`);
  });
  return { verified: [...verified].sort(), problems, examined };
}

/**
 * Verifies the DSSE envelope of a Sigstore bundle as a signature of `digest`: it must verify with one
 * of `keys`, over an in-toto Statement about that digest whose predicate type is cosign's signature
 * type. The statement names the digest alone, not the repository, so such a signature counts
 * wherever the image is copied. A verified attestation is no signature, and no problem either: the
 * attestation check reads it.
 */
function verifyBundleSignature(envelope: Buffer, digest: string, keys: readonly SignatureKey[]): PayloadVerification {
  const result = verifyDsseEnvelope(envelope, digest, keys, 'a signature');
  if (result.predicateType === undefined) return { verifiedBy: [], problem: result.problem };
  return { verifiedBy: result.predicateType === COSIGN_SIGN_PREDICATE_TYPE ? result.verifiedBy : [] };
}
