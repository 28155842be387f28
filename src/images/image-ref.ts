import { HardpodError, isHardpodError } from '../model/errors';

/**
 * A container image reference, normalized the way the container runtime reads it: the Docker Hub
 * registry (`docker.io`) and its `library/` namespace are written out, everything else is kept as
 * given. Grammar: the distribution reference grammar (github.com/distribution/reference).
 */
export interface ImageRef {
  /** Registry host with optional port: `docker.io`, `ghcr.io`, `localhost:5000`, `[::1]:5000`. */
  readonly registry: string;
  /** Repository path inside the registry, e.g. `library/nginx` or `team/app/api`. */
  readonly repository: string;
  /** Tag, when the reference has one. A reference with neither tag nor digest means `latest`. */
  readonly tag?: string;
  /** Content digest, e.g. `sha256:` followed by 64 lowercase hex digits. */
  readonly digest?: string;
}

/** Docker Hub's canonical registry name; its API host is `registry-1.docker.io`. */
export const DOCKER_HUB = 'docker.io';
const LEGACY_DOCKER_HUB = 'index.docker.io';
/** The names Docker Hub goes by in config files, credential keys and mirror settings. */
const DOCKER_HUB_ALIASES = new Set([DOCKER_HUB, LEGACY_DOCKER_HUB, 'registry-1.docker.io']);

/** A registry host as image references name it: Docker Hub's other names (index.docker.io, registry-1.docker.io) as `docker.io`. */
export function canonicalRegistryHost(host: string): string {
  return DOCKER_HUB_ALIASES.has(host.toLowerCase()) ? DOCKER_HUB : host;
}

/**
 * Why `text` is not a registry host as image references write it (`ghcr.io`, `localhost:5000`,
 * `[::1]:5000`), or undefined: a URL, a path, an upper-case host or a name image references read
 * as a Docker Hub namespace would never match an image's registry.
 */
export function registryHostProblem(text: string): string | undefined {
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(text)) return 'is a URL; write the host without the scheme';
  if (text.includes('/')) return 'has a path; write the registry host alone';
  if (!isRegistryHost(text) && !text.startsWith('[')) return 'is not a registry host (a host has a "." or a ":port", or is localhost)';
  const problem = domainProblem(text);
  if (problem !== undefined) return `is not a registry host: ${problem}`;
  if (text !== text.toLowerCase()) return `has upper-case letters; write ${JSON.stringify(text.toLowerCase())}, as image references write it`;
  return undefined;
}
const NAME_MAX_LENGTH = 255;

// Pieces of the grammar, kept close to distribution/reference's regexp.go so they can be compared.
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN_NAME = /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*$/;
const IPV6 = /^\[[a-fA-F0-9:]+\]$/;
const PORT = /^[0-9]+$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST_ALGORITHM = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*$/;
const HEX_64_ONLY = /^[a-f0-9]{64}$/;
/** Hex lengths of the digest algorithms registries implement (go-digest); others are refused. */
const DIGEST_HEX_LENGTH: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };
const DIGEST_HEX: Record<string, RegExp> = { sha256: /^[a-f0-9]{64}$/, sha384: /^[a-f0-9]{96}$/, sha512: /^[a-f0-9]{128}$/ };

/**
 * The common, well-formed case in one pass (lowercase host with optional port, lowercase path, tag,
 * sha256 digest); anything else goes through the step-by-step parser, which explains what is wrong.
 * Synthesis parses every image reference, so this keeps lock-file resolution cheap.
 */
const DNS_LABEL = '[a-z0-9](?:[a-z0-9-]*[a-z0-9])?';
const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const SIMPLE_REFERENCE = new RegExp(
  `^(?:(${DNS_LABEL}(?:\\.${DNS_LABEL})*(?::[0-9]{1,5})?)/)?(${COMPONENT}(?:/${COMPONENT})*)(?::([\\w][\\w.-]{0,127}))?(?:@(sha256:[a-f0-9]{64}))?$`,
);

function invalid(text: string, what: string, where?: string): HardpodError {
  return new HardpodError(
    `invalid image reference ${JSON.stringify(text)}: ${what}; expected [registry[:port]/]repository[:tag][@sha256:<64 hex>]`,
    where,
  );
}

/** Whether `value` is `sha256:` and 64 lowercase hex digits: a digest registries serve by, or a key fingerprint. */
export function isSha256Digest(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith('sha256:') && DIGEST_HEX.sha256.test(value.slice('sha256:'.length));
}

/** Checks a digest string (`sha256:<64 hex>`); returns an explanation when it is malformed. */
export function digestProblem(digest: string): string | undefined {
  const colon = digest.indexOf(':');
  if (colon <= 0) return `digest ${JSON.stringify(digest)} has no algorithm (write sha256:<hex>)`;
  const algorithm = digest.slice(0, colon);
  const hex = digest.slice(colon + 1);
  if (!DIGEST_ALGORITHM.test(algorithm)) return `digest algorithm ${JSON.stringify(algorithm)} is malformed`;
  const length = DIGEST_HEX_LENGTH[algorithm];
  if (length === undefined) return `digest algorithm ${JSON.stringify(algorithm)} is not supported (use sha256, sha384 or sha512)`;
  if (!DIGEST_HEX[algorithm].test(hex)) {
    return `a ${algorithm} digest needs exactly ${length} lowercase hex digits, got ${JSON.stringify(hex)}`;
  }
  return undefined;
}

function domainProblem(domain: string): string | undefined {
  let host = domain;
  let port: string | undefined;
  if (domain.startsWith('[')) {
    const close = domain.indexOf(']');
    if (close < 0) return `registry ${JSON.stringify(domain)} opens an IPv6 address with "[" but never closes it`;
    host = domain.slice(0, close + 1);
    const rest = domain.slice(close + 1);
    if (rest !== '') {
      if (!rest.startsWith(':')) return `registry ${JSON.stringify(domain)} has text after the IPv6 address that is not a port`;
      port = rest.slice(1);
    }
    if (!IPV6.test(host)) return `registry ${JSON.stringify(domain)} is not a valid bracketed IPv6 address (zones are not allowed)`;
  } else {
    const colon = domain.indexOf(':');
    if (colon >= 0) {
      host = domain.slice(0, colon);
      port = domain.slice(colon + 1);
    }
    if (!DOMAIN_NAME.test(host)) return `registry host ${JSON.stringify(host)} is not a valid host name`;
  }
  if (port !== undefined && !PORT.test(port)) return `registry port ${JSON.stringify(port)} is not a number`;
  if (port !== undefined && Number(port) > 65535) return `registry port ${port} is above 65535`;
  return undefined;
}

/**
 * Parses an image reference as the container runtime does and makes the Docker Hub defaults
 * explicit: `nginx` -> `docker.io/library/nginx`, `acme/app` -> `docker.io/acme/app`.
 * A reference with both a tag and a digest keeps both (the digest is what gets pulled).
 * @param text the reference as written by the user
 * @param where file, line or construct path to name in the error
 * @throws HardpodError for every malformed reference, saying what is wrong
 */
export function parseImageRef(text: string, where?: string): ImageRef {
  const known = typeof text === 'string' ? parsedRefs.get(text) : undefined;
  if (known) return known;
  const ref = Object.freeze(parseImageRefUncached(text, where));
  if (parsedRefs.size < MAX_PARSED_REFS) parsedRefs.set(text, ref);
  return ref;
}

/** References parsed so far: a run checks thousands of containers that share a few images. */
const parsedRefs = new Map<string, ImageRef>();
const MAX_PARSED_REFS = 10_000;

function parseImageRefUncached(text: string, where?: string): ImageRef {
  const simple = typeof text === 'string' ? SIMPLE_REFERENCE.exec(text) : null;
  if (simple) {
    const [, first, path, tag, digest] = simple;
    const isHost = first !== undefined && isRegistryHost(first);
    let registry = isHost ? first : DOCKER_HUB;
    let repository = first !== undefined && !isHost ? `${first}/${path}` : path;
    const port = isHost ? /:(\d+)$/.exec(first) : null;
    const bareHex = first === undefined && tag === undefined && digest === undefined && HEX_64_ONLY.test(path);
    if (!bareHex && !(port && Number(port[1]) > 65535) && (first === undefined || isHost || PATH_COMPONENT.test(first))) {
      if (registry === LEGACY_DOCKER_HUB) registry = DOCKER_HUB;
      if (registry === DOCKER_HUB && !repository.includes('/')) repository = `library/${repository}`;
      if (registry.length + 1 + repository.length <= NAME_MAX_LENGTH) {
        return { registry, repository, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
      }
    }
  }
  return parseImageRefStepByStep(text, where);
}

/** The full parser: every rule of the grammar in turn, with an error that names the rule broken. Exported for tests. */
export function parseImageRefStepByStep(text: string, where?: string): ImageRef {
  if (typeof text !== 'string' || text.length === 0) throw invalid(String(text ?? ''), 'the reference is empty', where);
  if (text.trim() !== text) throw invalid(text, 'the reference has leading or trailing whitespace', where);
  if (/\s/.test(text)) throw invalid(text, 'the reference contains whitespace', where);
  if (HEX_64_ONLY.test(text)) throw invalid(text, 'a bare 64-hex string is an image id, not a repository name', where);

  let rest = text;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (digest.includes('@')) throw invalid(text, 'the reference has more than one "@"', where);
    const problem = digestProblem(digest);
    if (problem) throw invalid(text, problem, where);
  }

  // The tag follows the last ':' that comes after the last '/' (a ':' before it belongs to a port).
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const tagColon = rest.indexOf(':', lastSlash + 1);
  if (tagColon >= 0) {
    tag = rest.slice(tagColon + 1);
    rest = rest.slice(0, tagColon);
    if (!TAG.test(tag)) {
      throw invalid(text, `tag ${JSON.stringify(tag)} is not valid (letters, digits, "_", "." and "-", not starting with "." or "-", at most 128 characters)`, where);
    }
  }
  if (rest === '') throw invalid(text, 'the repository name is empty', where);

  // The first component is a registry when it looks like a host, has uppercase, or is a bracketed IPv6 address.
  let registry = DOCKER_HUB;
  let repository = rest;
  const slash = rest.indexOf('/');
  if (slash >= 0) {
    const first = rest.slice(0, slash);
    if (isRegistryHost(first) || first !== first.toLowerCase() || first.startsWith('[')) {
      registry = first;
      repository = rest.slice(slash + 1);
    }
  }
  if (registry !== DOCKER_HUB) {
    const problem = domainProblem(registry);
    if (problem) throw invalid(text, problem, where);
    if (registry === LEGACY_DOCKER_HUB) registry = DOCKER_HUB;
  }
  if (repository === '') throw invalid(text, 'the repository name is empty', where);
  if (repository !== repository.toLowerCase()) {
    throw invalid(text, `repository name ${JSON.stringify(repository)} must be lowercase`, where);
  }
  for (const component of repository.split('/')) {
    if (component === '') throw invalid(text, `repository name ${JSON.stringify(repository)} has an empty path component`, where);
    if (!PATH_COMPONENT.test(component)) {
      throw invalid(
        text,
        `repository path component ${JSON.stringify(component)} is not valid (lowercase letters and digits, separated by ".", "_", "__" or "-")`,
        where,
      );
    }
  }
  if (registry === DOCKER_HUB && !repository.includes('/')) repository = `library/${repository}`;
  const nameLength = registry.length + 1 + repository.length;
  if (nameLength > NAME_MAX_LENGTH) throw invalid(text, `the name is ${nameLength} characters long, more than ${NAME_MAX_LENGTH}`, where);

  return { registry, repository, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}

/**
 * Whether the first component of an image name is a registry host: it has a '.' or ':' or is
 * `localhost`. Otherwise image references read it as a Docker Hub namespace.
 */
function isRegistryHost(component: string): boolean {
  return component.includes('.') || component.includes(':') || component === 'localhost';
}

/** A configured registry prefix as it is matched: surrounding whitespace and trailing slashes ignored. */
export function registryPrefixOf(entry: string): string {
  return entry.trim().replace(/\/+$/, '');
}

/**
 * An allowedRegistries entry as image names are matched against it: trimmed, without trailing
 * slashes, and `index.docker.io` read as `docker.io`, as image references read it.
 */
export function allowedRegistryPrefix(entry: string): string {
  return registryPrefixOf(entry).replace(/^index\.docker\.io(?=\/|$)/, DOCKER_HUB);
}

/**
 * The image's name (`docker.io/library/nginx`) when it is under none of `prefixes` (made by
 * {@link allowedRegistryPrefix}), else undefined. Prefixes match whole path components; the host in
 * any case, as DNS reads it (`GHCR.IO/acme/api` is pulled from ghcr.io).
 */
export function outsideAllowedRegistries(ref: ImageRef, prefixes: readonly string[]): string | undefined {
  const name = `${ref.registry.toLowerCase()}/${ref.repository}`;
  for (let i = 0; i < prefixes.length; i++) {
    if (name === prefixes[i] || name.startsWith(`${prefixes[i]}/`)) return undefined;
  }
  return name;
}

/**
 * The image reference's name written out (`docker.io/library/nginx`) when it is under none of
 * `prefixes` (made by {@link allowedRegistryPrefix}), undefined when it is under one, or the error saying
 * why it is no image reference.
 * @internal
 */
export function outsideRegistryPrefixes(reference: string, prefixes: readonly string[]): string | undefined | HardpodError {
  try {
    return outsideAllowedRegistries(parseImageRef(reference), prefixes);
  } catch (error) {
    if (isHardpodError(error)) return error;
    throw error;
  }
}

/**
 * Why `entry` cannot be a registry prefix that image names are matched against (allowed registries),
 * or undefined. A prefix is a registry host (with optional port) as an image reference writes it,
 * optionally followed by repository path components; trailing slashes are ignored. The forms that
 * could never match an image (a URL, a wildcard, a tag or digest, an upper-case host, a first
 * component the runtime reads as a Docker Hub namespace) are refused, saying what to write instead.
 */
export function registryPrefixProblem(entry: string): string | undefined {
  const prefix = registryPrefixOf(entry);
  const problem = registryPrefixShapeProblem(prefix);
  return problem === undefined
    ? undefined
    : `${JSON.stringify(entry)} ${problem}; expected a registry host or host/path prefix as image references write it, e.g. registry.example.com, localhost:5000 or ghcr.io/acme`;
}

function registryPrefixShapeProblem(prefix: string): string | undefined {
  if (prefix === '') return 'is empty';
  const scheme = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.exec(prefix);
  if (scheme) return `is a URL; write it without ${scheme[0]} (${prefix.slice(scheme[0].length)})`;
  if (prefix.includes('*')) return `holds a wildcard; entries are prefixes matched on whole path components, so write ${JSON.stringify(prefix.replace(/\/?\*.*$/, ''))} to allow everything below it`;
  if (prefix.includes('@')) return 'names a digest, which is part of one image, not of a registry or repository prefix';
  const slash = prefix.indexOf('/');
  const host = slash < 0 ? prefix : prefix.slice(0, slash);
  const path = slash < 0 ? '' : prefix.slice(slash + 1);
  if (path.includes(':')) return `names a tag, which is part of one image, not of a repository prefix; write ${JSON.stringify(prefix.slice(0, prefix.lastIndexOf(':')))}`;
  if (!isRegistryHost(host) && !host.startsWith('[')) {
    return `starts with ${JSON.stringify(host)}, which image references read as a Docker Hub namespace, not a registry host; write ${JSON.stringify(`${DOCKER_HUB}/${prefix}`)}`;
  }
  const hostProblem = domainProblem(host);
  if (hostProblem !== undefined) return `has an invalid host: ${hostProblem}`;
  if (host !== host.toLowerCase()) return `has upper-case letters in its host, which image references write in lowercase; write ${JSON.stringify(host.toLowerCase())}`;
  if (path === '') return undefined;
  for (const component of path.split('/')) {
    if (!PATH_COMPONENT.test(component)) {
      return `has the repository path component ${JSON.stringify(component)}, which no image name holds (lowercase letters and digits, separated by ".", "_", "__" or "-")`;
    }
  }
  return undefined;
}

/** `registry/repository`, e.g. `docker.io/library/nginx`. */
export function imageName(ref: ImageRef): string {
  return `${ref.registry}/${ref.repository}`;
}

/** The fully written-out reference: `docker.io/library/nginx:1.27@sha256:...`, keeping tag and digest. */
export function formatImageRef(ref: ImageRef): string {
  return `${imageName(ref)}${ref.tag !== undefined ? `:${ref.tag}` : ''}${ref.digest !== undefined ? `@${ref.digest}` : ''}`;
}

/**
 * The key a tag is locked under: the normalized name with its tag, `latest` when none is written
 * (what the runtime pulls). Digest-only references need no lock entry and have no tag key.
 */
export function tagKey(ref: ImageRef): string {
  return `${imageName(ref)}:${ref.tag ?? 'latest'}`;
}

/** The reference pinned to a digest, keeping the tag for readers: `repo:tag@sha256:...`. */
export function withDigest(ref: ImageRef, digest: string): ImageRef {
  const problem = digestProblem(digest);
  if (problem) throw new HardpodError(`cannot pin ${formatImageRef(ref)}: ${problem}`);
  return { ...ref, digest };
}

