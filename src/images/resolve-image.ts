import { applyLayer, filesystemFacts, imageFacts, imagePathDirectories, LayeredFilesystem, splitUser, type ImageConfigJson } from './image-facts';
import { formatImageRef, imageName, type ImageRef } from './image-ref';
import type { LockEntry } from './lock-file';
import { isIndexMediaType, notAnImageProblem, type Descriptor, type FetchedManifest, type RegistryClient } from './registry-client';
import { HardpodError } from '../model/errors';

/** How a tag is resolved into a lock entry. */
export interface ResolveImageOptions {
  /** Platform whose image facts are recorded for a multi-arch index. @default linux/amd64, else the first Linux platform, else the first platform */
  readonly platform?: string;
  /**
   * Read the layers for shell, tools, package manager and setuid/setgid files. Layers are also
   * read, whatever this says, when the config names its user instead of giving a number.
   * @default false
   */
  readonly inspect?: boolean;
  /** Clock for `resolvedAt`. @default the current time */
  readonly now?: () => Date;
}

/** `os/architecture[/variant]` of an index entry. */
function platformOf(descriptor: Descriptor): string | undefined {
  const platform = descriptor.platform;
  if (!platform?.os || !platform.architecture) return undefined;
  return [platform.os, platform.architecture, platform.variant].filter(Boolean).join('/');
}

/** Attestation manifests (buildkit provenance and SBOMs) sit in indexes as `unknown/unknown`. */
function isAttestation(descriptor: Descriptor): boolean {
  return descriptor.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest' || descriptor.platform?.os === 'unknown';
}

/**
 * Resolves a tag (or digest) to a lock entry: the digest it points at (the index digest for a
 * multi-arch image, each platform's manifest digest recorded), and the facts of one platform.
 * Every manifest and blob read is verified against its digest before anything is returned.
 */
export async function resolveImage(client: RegistryClient, ref: ImageRef, options: ResolveImageOptions = {}): Promise<LockEntry> {
  const name = imageName(ref);
  const top = ref.digest ? await client.getManifest(ref, ref.digest) : await client.getTagManifest(ref);
  let image: FetchedManifest = top;
  let platforms: Record<string, string> | undefined;
  if (isIndexMediaType(top.mediaType)) {
    const entries = (top.json.manifests ?? []).filter((entry) => !isAttestation(entry));
    platforms = {};
    for (const entry of entries) {
      const platform = platformOf(entry);
      if (platform && !(platform in platforms)) platforms[platform] = entry.digest;
    }
    const wanted = options.platform ?? 'linux/amd64';
    // Without a platform asked for, an index lacking linux/amd64 gives the facts of its first Linux
    // image (pods run Linux unless they say otherwise), not of whatever comes first (a Windows one).
    const chosen = entries.find((entry) => platformOf(entry) === wanted)
      ?? (options.platform ? undefined : entries.find((entry) => platformOf(entry)?.startsWith('linux/')) ?? entries[0]);
    if (!chosen) {
      throw new HardpodError(
        `${name} has no image for platform ${wanted}; it has ${Object.keys(platforms).join(', ') || 'no platforms'}`,
        name,
      );
    }
    image = await client.getManifest(ref, chosen.digest);
    if (isIndexMediaType(image.mediaType)) throw new HardpodError(`${name}: an index inside an index is not supported`, name);
  }
  const configDescriptor = image.json.config;
  if (!configDescriptor?.digest) throw new HardpodError(`the manifest ${image.digest} of ${name} has no config`, name);
  // A Helm chart or other artifact would get facts read from a config that is not an image's.
  const notAnImage = notAnImageProblem(image.json);
  if (notAnImage) throw new HardpodError(`${formatImageRef(ref)} ${notAnImage}`);
  const config = (await client.getJsonBlob(ref, configDescriptor.digest)) as ImageConfigJson;
  if (config === null || typeof config !== 'object') throw new HardpodError(`the config of ${name} is not a JSON object`, name);

  const { user, group } = splitUser(config.config?.User ?? '');
  const namedAccount = (user !== '' && !/^\d+$/.test(user)) || (group !== undefined && group !== '' && !/^\d+$/.test(group));
  let filesystem;
  if (options.inspect || namedAccount) {
    const files = new LayeredFilesystem();
    for (const layer of image.json.layers ?? []) {
      // One layer at a time: each is streamed through the hash and the tar parser, never held whole.
      const stream = await client.openBlob(ref, layer.digest);
      await applyLayer(files, stream, name, { zstd: /[+.]zstd$/.test(layer.mediaType ?? '') });
    }
    filesystem = filesystemFacts(files, imagePathDirectories(config));
  }
  const annotations = { ...(top.json.annotations ?? {}), ...(image.json.annotations ?? {}) };
  return {
    digest: top.digest,
    mediaType: top.mediaType,
    ...(platforms ? { platforms } : {}),
    resolvedAt: (options.now ?? (() => new Date()))().toISOString(),
    resolvedFrom: top.source,
    facts: imageFacts(config, annotations, filesystem),
  };
}
