import { HardpodError } from './errors';
import { parseImageRef } from '../images/image-ref';

/**
 * What hardpod knows about an image's content, read once at lock time (never at synthesis), so
 * that defaults fit the image instead of breaking it.
 */
export interface ImageFacts {
  /** The image config's `User` as written (`app`, `1000:1000`). */
  readonly user?: string;
  /** Numeric user the image runs as (its `USER`, resolved against /etc/passwd). */
  readonly uid?: number;
  /** Numeric primary group of that user. */
  readonly gid?: number;
  /** Ports the image declares with `EXPOSE`. */
  readonly exposedPorts?: readonly number[];
  /** The same ports as written, with their protocol: `8080/tcp`, `53/udp`. */
  readonly exposed?: readonly string[];
  /** Whether the image holds a shell (`/bin/sh` or similar). */
  readonly hasShell?: boolean;
  /** Executables found in the image (names or absolute paths), e.g. `['wget', '/usr/bin/curl']`. */
  readonly tools?: readonly string[];
}

/**
 * The ports an image exposes as `port/protocol` in lower case (`8080/tcp`): `EXPOSE 8080` means TCP,
 * and a port is exposed for its protocol only (53/udp says nothing listens on 53/tcp).
 */
export function exposedPortsOf(facts: ImageFacts): string[] {
  // Facts recorded without `exposed` have the numbers alone, which can only mean TCP.
  const written = facts.exposed ?? (facts.exposedPorts ?? []).map(String);
  return written.map((port) => (port.includes('/') ? port.toLowerCase() : `${port}/tcp`));
}

/** An image reference a workload may use: pinned by digest, with whatever facts are known. */
export interface ResolvedImage {
  /** The digest-pinned reference, e.g. `ghcr.io/acme/web@sha256:...`. */
  readonly reference: string;
  /** Facts about the image, when a lock file recorded them. */
  readonly facts?: ImageFacts;
}

/**
 * Turns the image reference a user wrote into a digest-pinned one. Synthesis never touches the
 * network, so implementations read what a separate `lock` step recorded.
 */
export interface ImageResolver {
  /**
   * @param reference the reference as written by the user
   * @param where the construct path or resource name that uses it, for error messages
   * @throws HardpodError when the reference cannot be pinned
   */
  resolve(reference: string, where: string): ResolvedImage;
}

/** The message every resolver gives for a reference it cannot pin. */
export function unpinnedImageMessage(reference: string): string {
  return (
    `image "${reference}" is not pinned by digest. Workloads only run digest-pinned images: ` +
    'run `npx hardpod lock` to record its digest in hardpod.lock.json, ' +
    `or write the digest yourself ("${reference.replace(/@.*$/, '')}@sha256:<64 hex digits>")`
  );
}

/**
 * The resolver used when no lock file is configured: it accepts references that already carry a
 * digest (`name@sha256:...` or `name:tag@sha256:...`), refuses every other reference with the
 * way to pin it, and knows no image facts.
 */
export class DigestOnlyResolver implements ImageResolver {
  resolve(reference: string, where: string): ResolvedImage {
    // Reference as written (no normalisation): users see in the manifest what they wrote.
    if (parseImageRef(reference, where).digest === undefined) throw new HardpodError(unpinnedImageMessage(reference), where);
    return { reference };
  }
}

/** The shared default resolver instance. */
export const DIGEST_ONLY_RESOLVER: ImageResolver = new DigestOnlyResolver();
