import { createHash, type Hash } from 'node:crypto';
import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { PassThrough, type Readable } from 'node:stream';
import * as nodeTls from 'node:tls';
import { createSecureContext, rootCertificates, TLSSocket } from 'node:tls';
import { defaultCertsDirs, registryTlsFiles } from './certs-dirs';
import { dockerCredentials, type CredentialLookup, type RegistryCredential } from './credentials';
import { canonicalRegistryHost, digestProblem, DOCKER_HUB, imageName, isSha256Digest, type ImageRef } from './image-ref';
import { ForwardProxies, isLoopbackHost, withoutBrackets, type ProxyRoute } from './proxy';
import { describeBlocked, findRegistry, pullSources, type RegistriesConf, type RegistriesConfRegistry } from './registries-conf';
import { BaseFailure, isRegistryNotFound, NotFoundFailure, UnreachableFailure } from './registry-failures';
import { parseWwwAuthenticate, type AuthChallenge } from './www-authenticate';
import { HardpodError } from '../model/errors';
import { describeType } from '../model/pod-view';

/** Manifest media types, in the order they are offered in `Accept`. */
export const MEDIA_TYPES = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
} as const;
/** All four, so that no registry down-converts an index to one platform's manifest. */
export const MANIFEST_ACCEPT = Object.values(MEDIA_TYPES).join(', ');
const SCHEMA1 = /application\/vnd\.docker\.distribution\.manifest\.v1\+(prettyjws|json)/;

export function isIndexMediaType(mediaType: string): boolean {
  return mediaType === MEDIA_TYPES.ociIndex || mediaType === MEDIA_TYPES.dockerManifestList;
}

/** Config media types of container images: what container runtimes run. */
const IMAGE_CONFIG_TYPES = ['application/vnd.oci.image.config.v1+json', 'application/vnd.docker.container.image.v1+json'];
/** What other config media types commonly pushed to registries are, in words. */
const ARTIFACT_KINDS: Readonly<Record<string, string>> = {
  'application/vnd.cncf.helm.config.v1+json': 'a Helm chart',
  'application/vnd.oci.empty.v1+json': 'an OCI artifact',
  'application/vnd.wasm.config.v0+json': 'a WebAssembly module',
  'application/vnd.cncf.flux.config.v1+json': 'a Flux artifact',
};

/**
 * Why a manifest (not an index) is not a container image a runtime can run, or undefined: its
 * config is a Helm chart's, an OCI artifact's or anything else but an image config.
 */
export function notAnImageProblem(manifest: ManifestJson): string | undefined {
  const configType = manifest.config?.mediaType;
  if (configType === undefined || IMAGE_CONFIG_TYPES.includes(configType)) return undefined;
  const kind = ARTIFACT_KINDS[configType] ?? (manifest.artifactType !== undefined ? 'an OCI artifact' : undefined);
  const artifact = manifest.artifactType !== undefined ? `, its artifactType ${manifest.artifactType}` : '';
  return `is ${kind ? `${kind}, ` : ''}not a container image (its config media type is ${configType}${artifact}), so no container runtime can run it; ` +
    `an image's config is ${IMAGE_CONFIG_TYPES.join(' or ')}`;
}

/** How the client talks to registries. */
export interface RegistryClientOptions {
  /**
   * Registries (`host[:port]`) to reach as docker's `insecure-registries` and skopeo's
   * `--tls-verify=false` do: over HTTPS without checking the certificate when the registry speaks
   * TLS, else over plain HTTP. Loopback registries are always reached over plain HTTP.
   * @default []
   */
  readonly insecureRegistries?: readonly string[];
  /**
   * Pull-through mirrors per registry, tried in order before the mirrors of `registriesConf` and
   * the registry itself, e.g. `{ 'docker.io': ['https://mirror.example.com'] }`. References and
   * digests stay the upstream ones.
   * @default {}
   */
  readonly mirrors?: Readonly<Record<string, readonly string[]>>;
  /**
   * The containers registries configuration (registries.conf, see {@link loadRegistriesConf}), as
   * podman and CRI-O follow it: per image name, the `[[registry]]` of the longest matching prefix
   * gives the mirrors tried after `mirrors` (those with `mirror-by-digest-only` or `pull-from-mirror`
   * for one kind of pull only when the request is of that kind), the location that serves it,
   * `insecure`, and `blocked`, which refuses pulls from a location (its mirrors may still serve them).
   * @default none
   */
  readonly registriesConf?: RegistriesConf;
  /** Where credentials come from. @default docker config, REGISTRY_AUTH_FILE and containers auth.json */
  readonly credentials?: CredentialLookup;
  /**
   * certs.d folders, as docker and podman read them: a folder per registry (`host[:port]`) holding
   * the certificate authorities to trust for it (`*.crt`, beside the system's) and a client
   * certificate for mutual TLS (`NAME.cert` with `NAME.key`). The first folder holding one for a
   * registry is used for it.
   * @default ~/.config/containers/certs.d, /etc/containers/certs.d, /etc/docker/certs.d
   */
  readonly certsDirs?: readonly string[];
  /** Time limit for a response to start and for each pause while reading it. @default 30000 */
  readonly timeoutMs?: number;
  /** Retries after a 429, a 5xx or a connection failure. @default 3 */
  readonly retries?: number;
  /**
   * First backoff delay; doubles each retry. A `Retry-After` header (seconds or an HTTP date) wins;
   * one asking for more than 30 s fails the request at once. @default 250
   */
  readonly retryBaseMs?: number;
  /** Requests in flight at once, over all registries. @default 8 */
  readonly concurrency?: number;
  /** Largest manifest or config blob read into memory. @default 8 MiB */
  readonly maxDocumentBytes?: number;
  /** Receives one line per notable event (retries, rate limits); never credentials. @default none */
  readonly log?: (line: string) => void;
  /**
   * Environment to read forward proxies from, as docker, crane and skopeo do: `HTTPS_PROXY` for
   * HTTPS, `HTTP_PROXY` for plain HTTP (`http://[user:password@]host:port`), `NO_PROXY` for hosts
   * reached directly (lower-case names too; loopback hosts are always reached directly).
   * @default process.env
   */
  readonly proxyEnv?: Readonly<Record<string, string | undefined>>;
}

/** A manifest or index read from a registry, verified against its digest. */
/**
 * What makes parsed JSON no manifest the client can read (`null`, `manifests: {}`, a layer without
 * a digest), or undefined: a broken proxy or registry can send any JSON, and the facts and pinning
 * read these fields as the distribution spec shapes them.
 */
function manifestShapeProblem(json: unknown): string | undefined {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return `it is ${describeType(json)}, expected an object`;
  const manifest = json as Record<string, unknown>;
  for (const field of ['mediaType', 'artifactType'] as const) {
    if (manifest[field] !== undefined && typeof manifest[field] !== 'string') return `${field} is ${describeType(manifest[field])}, expected a string`;
  }
  const descriptorProblem = (value: unknown, at: string): string | undefined => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return `${at} is ${describeType(value)}, expected a descriptor object`;
    const { digest, mediaType } = value as Record<string, unknown>;
    if (digest === undefined) return `${at} has no digest`;
    if (typeof digest !== 'string') return `${at}.digest is ${describeType(digest)}, expected a string`;
    if (mediaType !== undefined && typeof mediaType !== 'string') return `${at}.mediaType is ${describeType(mediaType)}, expected a string`;
    return undefined;
  };
  if (manifest.config !== undefined) {
    const problem = descriptorProblem(manifest.config, 'config');
    if (problem) return problem;
  }
  for (const list of ['manifests', 'layers'] as const) {
    const items = manifest[list];
    if (items === undefined) continue;
    if (!Array.isArray(items)) return `${list} is ${describeType(items)}, expected a list of descriptors`;
    for (let i = 0; i < items.length; i++) {
      const problem = descriptorProblem(items[i], `${list}[${i}]`);
      if (problem) return problem;
    }
  }
  return undefined;
}

export interface FetchedManifest {
  readonly digest: string;
  readonly mediaType: string;
  readonly bytes: Buffer;
  readonly json: ManifestJson;
  /** Base URL that served it (a mirror, or the registry). */
  readonly source: string;
}

export interface Descriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  readonly platform?: { readonly os?: string; readonly architecture?: string; readonly variant?: string };
  readonly annotations?: Readonly<Record<string, string>>;
  /** In an index of referrers: the type of the artifact (a signature, an SBOM). */
  readonly artifactType?: string;
}

export interface ManifestJson {
  readonly schemaVersion?: number;
  readonly mediaType?: string;
  /** Set on OCI artifacts (OCI image spec 1.1). */
  readonly artifactType?: string;
  readonly manifests?: readonly Descriptor[];
  readonly config?: Descriptor;
  readonly layers?: readonly Descriptor[];
  readonly annotations?: Readonly<Record<string, string>>;
  /** The manifest this one refers to (an OCI 1.1 referrer: a signature, an SBOM). */
  readonly subject?: Descriptor;
}

/** One place the requests for an image go: a mirror, or the registry (or where registries.conf says it is served). */
interface Source {
  /** Base URL: `https://mirror.example.com`, or a mirror URL with its path. */
  readonly base: string;
  /** The repository there. */
  readonly repository: string;
  /** The registry its credentials are looked up for: a mirror never gets the upstream registry's. */
  readonly credentialHost: string;
  /** The registry (`host[:port]`) an insecure-registry setting names; none for a mirror URL. */
  readonly host?: string;
  /** Listed as insecure: a password may go to it over plain HTTP. */
  readonly insecure: boolean;
  /** Listed as insecure and `base` is HTTPS: asked there unchecked, or over plain HTTP if it answers so (found on first use). */
  readonly probeScheme?: boolean;
  /** The registries.conf entry that blocks pulls from it. */
  readonly blockedBy?: RegistriesConfRegistry;
}

/** Counts requests in flight and makes the rest wait. */
class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly limit: number) {}
  async acquire(): Promise<() => void> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    };
  }
}

export { isLoopbackHost };

/**
 * The registrable domain by the Public Suffix List, private suffixes included: `a.b.example.com` ->
 * `example.com`, `registry.example.co.uk` -> `example.co.uk`, `team.github.io` stays whole. IP
 * addresses, single labels and names without a known suffix stay whole too.
 */
function registrableDomain(hostname: string): string {
  if (isIP(withoutBrackets(hostname)) || !hostname.includes('.')) return hostname;
  // Loaded on first use (a token challenge): the suffix list is large, and most runs never need it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { getDomain } = require('tldts') as typeof import('tldts');
  return getDomain(hostname, { allowPrivateDomains: true }) ?? hostname;
}

/**
 * Credentials go to a token realm only on the registry's own registrable domain (`auth.docker.io`
 * for `registry-1.docker.io`), or loopback to loopback; any other realm gets an anonymous request.
 */
export function realmMayReceiveCredentials(realmHostname: string, registryHostname: string): boolean {
  if (isLoopbackHost(realmHostname) && isLoopbackHost(registryHostname)) return true;
  return registrableDomain(realmHostname) === registrableDomain(registryHostname);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

interface RawResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: IncomingMessage;
  readonly url: URL;
}

/** A transient failure worth another attempt (connection refused, reset, timeout). */
class TransientError extends Error {}

/** Request options that may carry a secure context: https.request hands it to tls.connect. */
type TlsRequestOptions = https.RequestOptions & Pick<nodeTls.ConnectionOptions, 'secureContext'>;

/** Node 22.15 and later: the certificate authorities of a kind (`default`: what Node trusts; `system`: the operating system's store). */
const getCACertificates = (nodeTls as { getCACertificates?: (type: 'default' | 'system') => string[] }).getCACertificates;
let trustedByDefault: readonly string[] | undefined;

/**
 * The authorities every registry is trusted by where Node can list them (22.15 and later): Node's
 * own (Mozilla's list, NODE_EXTRA_CA_CERTS, the system's with --use-system-ca) and, as skopeo,
 * podman and docker trust it, the operating system's store. Read once per process (tens of
 * milliseconds). Undefined on Node 20, where Node's own defaults apply.
 */
function trustedAuthorities(): readonly string[] | undefined {
  if (getCACertificates === undefined) return undefined;
  return (trustedByDefault ??= [...new Set([...getCACertificates('default'), ...getCACertificates('system')])]);
}

let trustedContext: nodeTls.SecureContext | undefined;

/** One secure context trusting {@link trustedAuthorities}, shared by every registry without TLS files of its own in certs.d. */
function trustedSecureContext(): nodeTls.SecureContext | undefined {
  const trusted = trustedAuthorities();
  return trusted && (trustedContext ??= createSecureContext({ ca: [...trusted] }));
}

/**
 * A TLS handshake that failed for good: another attempt gets the same answer. `plain-http`: the
 * server answered in plain HTTP; `certificate`: its certificate is not trusted; `client-certificate`:
 * it asked for a client certificate and got none, or refused the one given; `handshake`: else.
 */
class TlsFailure extends Error {
  /** @param proxy the origin of the proxy whose tunnel the handshake went through */
  constructor(readonly kind: 'plain-http' | 'certificate' | 'client-certificate' | 'handshake', message: string, readonly code: string | undefined, readonly proxy: string | undefined) {
    super(message);
  }
}

/** The TLS failure an HTTPS request's error is, or undefined. */
function tlsFailureOf(error: NodeJS.ErrnoException, proxy: string | undefined): TlsFailure | undefined {
  const code = error.code;
  // Node 24 appends advice of its own (--use-system-ca) to a certificate's error: the message gives
  // hardpod's, which names the files hardpod reads.
  const text = error.message.split('\n')[0].replace(/; if the root CA is installed locally, try running Node\.js with --use-system-ca$/, '');
  // OpenSSL reads the first bytes of an HTTP answer as a record header: "wrong version number".
  if (/wrong version number|packet length too long|http request|unknown protocol/i.test(text)) return new TlsFailure('plain-http', text, code, proxy);
  // Alerts the server sends about the client's certificate (the server's own is judged here, without an alert).
  if (code && /ALERT_(CERTIFICATE_REQUIRED|BAD_CERTIFICATE|UNKNOWN_CA|CERTIFICATE_UNKNOWN|CERTIFICATE_EXPIRED|CERTIFICATE_REVOKED)/.test(code)) {
    return new TlsFailure('client-certificate', text, code, proxy);
  }
  if (code && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/.test(code)) return new TlsFailure('certificate', text, code, proxy);
  if (code === 'EPROTO' || code?.startsWith('ERR_SSL_') || code?.startsWith('ERR_TLS_')) return new TlsFailure('handshake', text, code, proxy);
  return undefined;
}

/** What a request's error is: a TLS failure, a failure worth another attempt, or the error itself. */
function classifyRequestError(error: NodeJS.ErrnoException, secure: boolean, route: ProxyRoute | undefined): Error {
  if (error instanceof TransientError || error instanceof HardpodError) return error;
  const handshake = secure ? tlsFailureOf(error, route?.origin) : undefined;
  if (handshake) return handshake;
  const via = route ? ` through the proxy ${route.origin}` : '';
  if (error.code && ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH'].includes(error.code)) {
    return new TransientError(`${error.code}${via}`);
  }
  return new TransientError(`${error.message}${via}`);
}

/**
 * What a failed TLS handshake means and what to do about it.
 * @param insecureHost the registry (`host[:port]`) that --insecure-registry would name, when the URL is the registry's own
 */
function describeTlsFailure(failure: TlsFailure, url: URL, insecureHost: string | undefined): string {
  const origin = failure.proxy ? `${url.origin} (reached through the proxy ${failure.proxy})` : url.origin;
  if (failure.kind === 'plain-http') {
    const fix = insecureHost !== undefined
      ? `if it is meant to, list it as an insecure registry (--insecure-registry ${insecureHost})`
      : `write its URL with http:// (http://${url.host}) if it is meant to`;
    return `${origin} answered in plain HTTP, not HTTPS; ${fix}`;
  }
  if (failure.kind === 'certificate') {
    // A proxy that inspects TLS answers with a certificate of its own authority.
    const authority = failure.proxy ? 'the registry, or the proxy if it inspects TLS, uses' : 'the registry uses';
    return `the TLS certificate of ${origin} is not trusted (${failure.message}${failure.code ? `, ${failure.code}` : ''}); ` +
      `if ${authority} a private certificate authority, put its certificate in /etc/docker/certs.d/${url.host}/ca.crt (or a --certs-dir), ` +
      `${getCACertificates === undefined ? '' : 'add it to the operating system\'s store, '}or give it to Node.js: NODE_EXTRA_CA_CERTS=/path/to/ca.pem`;
  }
  if (failure.kind === 'client-certificate') {
    const what = failure.code?.includes('CERTIFICATE_REQUIRED') ? 'asks for a client certificate (mutual TLS) and none was given' : 'refused the client certificate given';
    return `${origin} ${what} (${failure.code}); put the certificate and its key in /etc/docker/certs.d/${url.host}/client.cert and client.key (or a --certs-dir)`;
  }
  return `the TLS handshake with ${origin} failed (${failure.message})`;
}

/**
 * The error for an answer the proxy gave itself instead of relaying the registry's: a CONNECT it
 * refused (https-proxy-agent hands its answer over as the response, on a socket that is not the
 * registry's TLS), or a 407 to a plain HTTP request. Undefined for the registry's own answers.
 */
function proxyRefusal(response: IncomingMessage, url: URL, route: ProxyRoute): Error | undefined {
  const secure = url.protocol === 'https:';
  const status = response.statusCode ?? 0;
  if (secure ? response.socket instanceof TLSSocket : status !== 407) return undefined;
  const answer = `HTTP ${status}${response.statusMessage ? ` ${response.statusMessage}` : ''}`;
  const target = secure ? `connect to ${url.hostname}:${url.port || 443}` : `forward a request to ${url.host}`;
  if (status >= 500) return new TransientError(`the proxy ${route.origin} could not ${target} (${answer})`);
  const fix = status === 407
    ? `it asks for credentials: give them in ${route.variable} (http://user:password@host:port, percent-encoded), or check the ones there`
    : `ask its administrators to let ${url.host} through, or list ${url.hostname} in NO_PROXY if it is reached without the proxy`;
  return new UnreachableFailure(`the proxy ${route.origin} refused to ${target} (${answer}); ${fix}`, url.host);
}

interface CachedAuthorization {
  readonly value: string;
  readonly expires: number;
}

/**
 * A client for the OCI distribution API built on node:http and node:https: HEAD then GET with the
 * full Accept list, Bearer and Basic challenges, retries with backoff, bounded concurrency, and
 * every manifest and blob hashed against the digest it claims.
 */
export class RegistryClient {
  private readonly options: Required<Omit<RegistryClientOptions, 'log' | 'proxyEnv' | 'registriesConf'>> & Pick<RegistryClientOptions, 'log' | 'registriesConf'>;
  private readonly semaphore: Semaphore;
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;
  /** For the hosts of registries listed as insecure: HTTPS without checking certificates. */
  private readonly unverifiedHttpsAgent: https.Agent;
  /** Hosts reached that way; registries.conf adds those it lists as insecure as they are asked. */
  private readonly unverifiedHosts: Set<string>;
  /** Agents for the registries reached through HTTPS_PROXY and HTTP_PROXY. */
  private readonly proxies: ForwardProxies;
  /** The base URL each registry listed as insecure answered on (HTTPS, else plain HTTP), found once. */
  private readonly insecureBases = new Map<string, Promise<string>>();
  /** Mirrors that could not be reached: the rest of the run goes past them. */
  private readonly unreachableMirrors = new Set<string>();
  /** Mirrors registries.conf blocks, said once. */
  private readonly blockedMirrorsSaid = new Set<string>();
  /** Authorization per base URL and repository, reused until it expires. */
  private readonly authorizations = new Map<string, CachedAuthorization>();
  /** Bearer tokens per realm, service and scope. */
  private readonly tokens = new Map<string, Promise<CachedAuthorization>>();
  /** The TLS settings from certs.d per registry host, read once, and the folder of the client certificate shown, if any. */
  private readonly tlsByHost = new Map<string, { readonly options: TlsRequestOptions; readonly clientFolder?: string }>();

  constructor(options: RegistryClientOptions = {}) {
    this.options = {
      // Keyed as image references name registries: a mirror for index.docker.io serves docker.io.
      insecureRegistries: (options.insecureRegistries ?? []).map(canonicalRegistryHost),
      mirrors: canonicalMirrorKeys(options.mirrors ?? {}),
      credentials: options.credentials ?? dockerCredentials(),
      certsDirs: options.certsDirs ?? defaultCertsDirs(),
      timeoutMs: options.timeoutMs ?? 30_000,
      retries: options.retries ?? 3,
      retryBaseMs: options.retryBaseMs ?? 250,
      concurrency: options.concurrency ?? 8,
      maxDocumentBytes: options.maxDocumentBytes ?? 8 * 1024 * 1024,
      log: options.log,
      registriesConf: options.registriesConf,
    };
    if (!(this.options.concurrency >= 1)) throw new HardpodError('registry concurrency must be at least 1', 'concurrency');
    this.semaphore = new Semaphore(this.options.concurrency);
    this.httpAgent = new http.Agent({ keepAlive: true, maxSockets: this.options.concurrency });
    this.httpsAgent = new https.Agent({ keepAlive: true, maxSockets: this.options.concurrency });
    this.unverifiedHttpsAgent = new https.Agent({ keepAlive: true, maxSockets: this.options.concurrency, rejectUnauthorized: false });
    this.proxies = new ForwardProxies(options.proxyEnv ?? process.env, this.options.concurrency);
    this.unverifiedHosts = new Set(this.options.insecureRegistries.map((registry) => new URL(this.registryBase(registry)).host));
  }

  /** The requests in flight at once. */
  get concurrency(): number {
    return this.options.concurrency;
  }

  /** Closes kept-alive connections. */
  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
    this.unverifiedHttpsAgent.destroy();
    this.proxies.close();
  }

  /**
   * Base URL of the registry itself: HTTPS unless loopback; Docker Hub's API host. A registry listed
   * as insecure is asked over HTTPS first, and over plain HTTP when it answers that way.
   */
  registryBase(registry: string): string {
    const host = registry === DOCKER_HUB ? 'registry-1.docker.io' : registry;
    const hostname = host.replace(/:\d+$/, '');
    return `${isLoopbackHost(hostname) ? 'http' : 'https'}://${host}`;
  }

  /**
   * Where the requests for `ref` go: the mirrors given as URLs, the mirrors registries.conf gives
   * the kind of request (by digest, or by tag), then the registry or the location registries.conf
   * serves it from. A mirror registries.conf blocks is left out, with a line said once.
   */
  private sources(ref: ImageRef, byDigest: boolean): Source[] {
    const conf = this.options.registriesConf;
    const name = imageName(ref);
    const ownHost = new URL(this.registryBase(ref.registry)).host;
    const urlMirrors = (this.options.mirrors[ref.registry] ?? []).map((base) => base.replace(/\/+$/, '')).map((base): Source => {
      const host = new URL(base).host;
      return {
        base,
        repository: ref.repository,
        // A mirror gets its own credentials, never the upstream registry's.
        credentialHost: host === ownHost ? ref.registry : host,
        insecure: this.options.insecureRegistries.includes(ref.registry),
        ...this.blockedAt(`${host}/${ref.repository}`),
      };
    });
    const confSources = pullSources(conf && findRegistry(conf, name), name, byDigest).map((source) => {
      const slash = source.name.indexOf('/');
      const registry = canonicalRegistryHost(source.name.slice(0, slash));
      const insecure = source.insecure || this.options.insecureRegistries.includes(registry);
      const base = this.registryBase(registry);
      const probeScheme = insecure && base.startsWith('https:');
      if (probeScheme) this.unverifiedHosts.add(new URL(base).host);
      const found: Source = {
        base,
        repository: source.name.slice(slash + 1),
        credentialHost: registry,
        host: registry,
        insecure,
        probeScheme,
        ...this.blockedAt(source.name),
      };
      return { mirror: source.mirror, source: found };
    });
    const mirrors = [...urlMirrors, ...confSources.filter((found) => found.mirror).map((found) => found.source)].filter((mirror) => {
      if (mirror.blockedBy !== undefined && !this.blockedMirrorsSaid.has(mirror.base)) {
        this.blockedMirrorsSaid.add(mirror.base);
        this.options.log?.(`mirror ${mirror.base} is not asked: ${describeBlocked(mirror.blockedBy)}`);
      }
      return mirror.blockedBy === undefined && !this.unreachableMirrors.has(mirror.base);
    });
    return [...mirrors, confSources[confSources.length - 1].source];
  }

  /** The registries.conf entry that blocks pulls of `name` (`host[:port]/repository`), as an optional field. */
  private blockedAt(name: string): { blockedBy?: RegistriesConfRegistry } {
    const conf = this.options.registriesConf;
    const entry = conf && findRegistry(conf, name);
    return entry?.blocked ? { blockedBy: entry } : {};
  }

  /**
   * The base URL a registry listed as insecure answers on: `https://` when it speaks TLS (its
   * certificate unchecked), `http://` when it answers in plain HTTP. Asked once, at `/v2/`.
   */
  private insecureBase(httpsBase: string): Promise<string> {
    let found = this.insecureBases.get(httpsBase);
    if (!found) {
      found = this.send('GET', new URL(`${httpsBase}/v2/`), { Accept: 'application/json' }).then(
        (response) => {
          response.body.resume();
          return httpsBase;
        },
        (error: unknown) => {
          if (error instanceof TlsFailure && error.kind === 'plain-http') return httpsBase.replace(/^https:/, 'http:');
          // Any other failure is the registry's to report when it is asked; the next request asks again.
          this.insecureBases.delete(httpsBase);
          return httpsBase;
        },
      );
      this.insecureBases.set(httpsBase, found);
    }
    return found;
  }

  /**
   * The digest a tag points to: HEAD with the full Accept list and `Docker-Content-Digest`; when a
   * registry leaves that header out, or does not serve HEAD, a GET and the sha256 of the raw bytes.
   */
  async resolveTag(ref: ImageRef): Promise<{ digest: string; mediaType: string; source: string }> {
    const { digest, mediaType, source } = await this.headTag(ref);
    return { digest, mediaType, source };
  }

  /**
   * The manifest or index a tag points to, verified: the digest its HEAD names, then the manifest
   * fetched by that digest and hashed. A registry or proxy whose HEAD names a digest it has no
   * manifest for (a wrong `Docker-Content-Digest`) is asked for the tag with a GET, and the bytes it
   * serves are hashed (and checked against that answer's own header). `source` is the base URL that
   * answered for the tag.
   */
  async getTagManifest(ref: ImageRef): Promise<FetchedManifest> {
    const tag = ref.tag ?? 'latest';
    const head = await this.headTag(ref);
    if (head.fetched) return head.fetched;
    try {
      return { ...(await this.getManifest(ref, head.digest)), source: head.source };
    } catch (error) {
      if (!isRegistryNotFound(error)) throw error;
      this.options.log?.(`${imageName(ref)}: the registry named ${head.digest} for tag ${tag} but has no manifest by that digest; reading the tag with a GET`);
      return this.withSources(ref, false, (source) => this.fetchManifestFrom(source, ref, tag, undefined));
    }
  }

  /** HEAD of a tag; the manifest itself when it had to be read with a GET. */
  private async headTag(ref: ImageRef): Promise<{ digest: string; mediaType: string; source: string; fetched?: FetchedManifest }> {
    const tag = ref.tag ?? 'latest';
    return this.withSources(ref, false, async (source) => {
      const response = await this.request(source, ref, 'HEAD', `manifests/${tag}`, MANIFEST_ACCEPT);
      response.body.resume();
      if (headNotServed(response.status)) {
        // Some registries and proxies refuse HEAD (405, 501): a GET answers, as crane and skopeo fall back.
        this.options.log?.(`${response.url.host}: HEAD answered HTTP ${response.status}; reading tag ${tag} of ${imageName(ref)} with a GET`);
        const fetched = await this.fetchManifestFrom(source, ref, tag, undefined);
        return { digest: fetched.digest, mediaType: fetched.mediaType, source: source.base, fetched };
      }
      this.expectOk(response, ref, `tag ${tag}`);
      const digest = headerValue(response.headers['docker-content-digest']);
      const mediaType = headerValue(response.headers['content-type']) ?? '';
      if (isSha256Digest(digest)) return { digest, mediaType: mediaType.split(';')[0].trim(), source: source.base };
      const fetched = await this.fetchManifestFrom(source, ref, tag, undefined);
      return { digest: fetched.digest, mediaType: fetched.mediaType, source: source.base, fetched };
    });
  }

  /** A manifest or index by digest (verified) or by tag (hashed; checked against the header). */
  async getManifest(ref: ImageRef, reference: string): Promise<FetchedManifest> {
    const expected = reference.includes(':') ? reference : undefined;
    return this.withSources(ref, expected !== undefined, (source) => this.fetchManifestFrom(source, ref, reference, expected));
  }

  /** A small blob (an image config) read whole, verified, and parsed as JSON. */
  async getJsonBlob(ref: ImageRef, digest: string): Promise<unknown> {
    return this.withSources(ref, true, async (source) => {
      const response = await this.request(source, ref, 'GET', `blobs/${digest}`, '*/*');
      this.expectOk(response, ref, `blob ${digest}`, response.body);
      const bytes = await this.readVerified(response, ref, digest);
      try {
        return JSON.parse(bytes.toString('utf8')) as unknown;
      } catch {
        throw new HardpodError(`blob ${digest} of ${imageName(ref)} is not JSON`, imageName(ref));
      }
    });
  }

  /** A small blob read whole and verified against its digest. */
  async getBlob(ref: ImageRef, digest: string): Promise<Buffer> {
    return this.withSources(ref, true, async (source) => {
      const response = await this.request(source, ref, 'GET', `blobs/${digest}`, '*/*');
      this.expectOk(response, ref, `blob ${digest}`, response.body);
      return this.readVerified(response, ref, digest);
    });
  }

  /**
   * The OCI 1.1 referrers of a manifest (`GET /v2/<name>/referrers/<digest>`): an image index of
   * descriptors, optionally filtered by `artifactType`; undefined when the registry does not serve
   * the API (HTTP 404, as distribution 2.8 answers). The index is not content-addressed: every
   * manifest it lists is to be fetched by its digest, which verifies it.
   */
  async getReferrers(ref: ImageRef, digest: string, artifactType?: string): Promise<ManifestJson | undefined> {
    const query = artifactType === undefined ? '' : `?artifactType=${encodeURIComponent(artifactType)}`;
    try {
      return await this.withSources(ref, true, async (source) => {
        const response = await this.request(source, ref, 'GET', `referrers/${digest}${query}`, MEDIA_TYPES.ociIndex);
        this.expectOk(response, ref, `referrers of ${digest}`, response.body);
        const bytes = await this.readBody(response, ref);
        let json: unknown;
        try {
          json = JSON.parse(bytes.toString('utf8'));
        } catch {
          throw new HardpodError(`the referrers of ${digest} in ${imageName(ref)} are not JSON`, imageName(ref));
        }
        const malformed = manifestShapeProblem(json);
        const mediaType = (json as ManifestJson | null)?.mediaType;
        if (malformed !== undefined || mediaType !== MEDIA_TYPES.ociIndex || !Array.isArray((json as ManifestJson).manifests)) {
          throw new HardpodError(`the referrers of ${digest} in ${imageName(ref)} are no OCI image index: ${malformed ?? `mediaType ${JSON.stringify(mediaType)}, manifests ${describeType((json as ManifestJson).manifests)}`}`, imageName(ref));
        }
        return json as ManifestJson;
      });
    } catch (error) {
      if (isRegistryNotFound(error)) return undefined;
      throw error;
    }
  }

  /**
   * A blob as a stream that is hashed while it flows. The stream errors at its end when the bytes
   * do not match `digest`, so a consumer must treat anything read as untrusted until it ends.
   */
  async openBlob(ref: ImageRef, digest: string): Promise<Readable> {
    const release = await this.semaphore.acquire();
    try {
      const response = await this.withSources(ref, true, async (source) => {
        const answer = await this.request(source, ref, 'GET', `blobs/${digest}`, '*/*', true);
        this.expectOk(answer, ref, `blob ${digest}`, answer.body);
        return answer;
      });
      const output = new PassThrough();
      const hash = createHash(digest.split(':')[0]);
      response.body.on('data', (chunk: Buffer) => hash.update(chunk));
      response.body.on('error', (error) => {
        release();
        output.destroy(error);
      });
      response.body.on('end', () => {
        release();
        const actual = digestOf(hash, digest);
        if (actual !== digest) output.destroy(mismatch(ref, digest, actual, response.url));
        else output.end();
      });
      output.on('close', () => {
        release();
        response.body.destroy();
      });
      response.body.pipe(output, { end: false });
      return output;
    } catch (error) {
      release();
      throw error;
    }
  }

  private async fetchManifestFrom(source: Source, ref: ImageRef, reference: string, expectedDigest: string | undefined): Promise<FetchedManifest> {
    const response = await this.request(source, ref, 'GET', `manifests/${reference}`, MANIFEST_ACCEPT);
    this.expectOk(response, ref, expectedDigest ? `manifest ${expectedDigest}` : `tag ${reference}`, response.body);
    const headerDigest = headerValue(response.headers['docker-content-digest']);
    const algorithm = (expectedDigest ?? 'sha256:').split(':')[0];
    const bytes = await this.readBody(response, ref);
    const actual = `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
    if (expectedDigest !== undefined && expectedDigest !== actual) throw mismatch(ref, expectedDigest, actual, response.url);
    if (expectedDigest === undefined && headerDigest !== undefined) {
      // A tag's bytes are checked against the header in its own algorithm (a registry may name
      // sha512); the digest pinned stays the sha256 every tool uses. An algorithm that cannot be
      // computed here is not checked, as crane does not check it either.
      const headerAlgorithm = headerDigest.split(':')[0];
      const computed = headerAlgorithm === algorithm ? actual
        : digestProblem(headerDigest) === undefined ? `${headerAlgorithm}:${createHash(headerAlgorithm).update(bytes).digest('hex')}` : undefined;
      if (computed !== undefined && computed !== headerDigest) throw mismatch(ref, headerDigest, computed, response.url);
    }
    const contentType = (headerValue(response.headers['content-type']) ?? '').split(';')[0].trim();
    let json: ManifestJson;
    try {
      json = JSON.parse(bytes.toString('utf8')) as ManifestJson;
    } catch {
      throw new HardpodError(`the manifest ${actual} of ${imageName(ref)} is not JSON`, imageName(ref));
    }
    const malformed = manifestShapeProblem(json);
    if (malformed !== undefined) throw new HardpodError(`the manifest ${actual} of ${imageName(ref)} is no image manifest or index: ${malformed}`, imageName(ref));
    const mediaType = json.mediaType ?? contentType;
    if (SCHEMA1.test(mediaType) || json.schemaVersion === 1) {
      throw new HardpodError(`${imageName(ref)} is stored as a Docker schema 1 manifest, which cannot be pinned safely; push it again with a current tool`, imageName(ref));
    }
    if (json.mediaType && contentType && contentType !== json.mediaType && !contentType.startsWith('application/json')) {
      throw new HardpodError(`the registry sent ${imageName(ref)}'s manifest as ${contentType} but it declares ${json.mediaType}`, imageName(ref));
    }
    if (!Object.values(MEDIA_TYPES).includes(mediaType as (typeof MEDIA_TYPES)[keyof typeof MEDIA_TYPES])) {
      throw new HardpodError(`the manifest of ${imageName(ref)} has media type ${JSON.stringify(mediaType)}, which is not an image or an image index`, imageName(ref));
    }
    return { digest: actual, mediaType, bytes, json, source: source.base };
  }

  /**
   * Runs `action` against each mirror, then the registry, until one answers. A registry that
   * registries.conf blocks is not asked: when no mirror answered, that is the error.
   */
  private async withSources<T>(ref: ImageRef, byDigest: boolean, action: (source: Source) => Promise<T>): Promise<T> {
    const sources = this.sources(ref, byDigest);
    let lastError: unknown;
    for (const [index, source] of sources.entries()) {
      const isLast = index === sources.length - 1;
      if (isLast && source.blockedBy !== undefined) throw this.blockedError(ref, source.blockedBy, byDigest, index > 0 ? lastError : undefined);
      try {
        return await action(source.probeScheme ? { ...source, base: await this.insecureBase(source.base) } : source);
      } catch (error) {
        lastError = error;
        // A digest mismatch is never retried elsewhere silently: it is reported.
        if (isLast || !(error instanceof BaseFailure)) throw error;
        // A mirror that cannot be reached is not asked again: each request would wait for its retries.
        const skipped = error instanceof UnreachableFailure && !this.unreachableMirrors.has(source.base);
        if (skipped) this.unreachableMirrors.add(source.base);
        this.options.log?.(`mirror ${source.base} failed for ${imageName(ref)} (${(error as Error).message}); trying the next source${skipped ? ', and not asking this mirror again' : ''}`);
      }
    }
    throw lastError;
  }

  /** Why a pull from a registry registries.conf blocks was refused, and what its mirrors did. */
  private blockedError(ref: ImageRef, blockedBy: RegistriesConfRegistry, byDigest: boolean, mirrorError: unknown): HardpodError {
    const entry = this.options.registriesConf && findRegistry(this.options.registriesConf, imageName(ref));
    const digestOnly = !byDigest && entry !== undefined && entry.mirrors.length > 0
      && entry.mirrors.every((mirror) => entry.mirrorByDigestOnly || mirror.pullFromMirror === 'digest-only');
    const mirrors = mirrorError !== undefined ? `; no mirror could serve it (${(mirrorError as Error).message})`
      : digestOnly ? `; its mirrors serve pulls by digest only (${entry.mirrorByDigestOnly ? 'mirror-by-digest-only' : 'pull-from-mirror = "digest-only"'}), and a tag is looked up by tag` : '';
    return new HardpodError(`${describeBlocked(blockedBy)}${mirrors}`, imageName(ref));
  }

  private expectOk(response: RawResponse, ref: ImageRef, what: string, body?: IncomingMessage): void {
    if (response.status >= 200 && response.status < 300) return;
    body?.resume();
    const name = imageName(ref);
    const where = `${name} (${response.url.origin})`;
    if (response.status === 404) throw new NotFoundFailure(`${what} not found in ${name} (HTTP 404 from ${response.url.origin})`, where);
    if (response.status === 401 || response.status === 403) {
      throw new BaseFailure(
        `the registry refused access to ${name} (HTTP ${response.status}); check the credentials for ${ref.registry} in ~/.docker/config.json, ` +
          '$REGISTRY_AUTH_FILE or a credential helper, and that the repository exists',
        where,
      );
    }
    if (response.status === 429) throw new BaseFailure(`the registry kept answering HTTP 429 (too many requests) for ${what} after ${this.options.retries} retries; try again later or use a mirror`, where);
    throw new BaseFailure(`the registry answered HTTP ${response.status} for ${what}${isRetriedStatus(response.status) ? ` after ${this.options.retries} retries` : ''}`, where);
  }

  /** Reads a small body whole, refusing bodies above maxDocumentBytes. */
  private async readBody(response: RawResponse, ref: ImageRef): Promise<Buffer> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response.body) {
      size += (chunk as Buffer).length;
      if (size > this.options.maxDocumentBytes) {
        response.body.destroy();
        throw new HardpodError(`a document of ${imageName(ref)} is larger than ${this.options.maxDocumentBytes} bytes`, imageName(ref));
      }
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks);
  }

  private async readVerified(response: RawResponse, ref: ImageRef, digest: string): Promise<Buffer> {
    const bytes = await this.readBody(response, ref);
    const actual = digestOf(createHash(digest.split(':')[0]).update(bytes), digest);
    if (actual !== digest) throw mismatch(ref, digest, actual, response.url);
    return bytes;
  }

  /**
   * One API request with authentication, redirects, retries and the concurrency bound.
   * The caller consumes or discards the body. `holding` means the caller holds a concurrency slot.
   */
  private async request(source: Source, ref: ImageRef, method: 'GET' | 'HEAD', path: string, accept: string, holding = false): Promise<RawResponse> {
    const url = new URL(`${source.base}/v2/${source.repository}/${path}`);
    const authKey = `${source.base}|${source.repository}`;
    let challenged = false;
    for (let attempt = 0; ; attempt++) {
      const release = holding ? () => undefined : await this.semaphore.acquire();
      let response: RawResponse;
      try {
        const cached = this.authorizations.get(authKey);
        const authorization = cached && cached.expires > Date.now() ? cached.value : undefined;
        response = await this.send(method, url, { Accept: accept, ...(authorization ? { Authorization: authorization } : {}) });
      } catch (error) {
        release();
        if (error instanceof TransientError && attempt < this.options.retries) {
          const delay = this.options.retryBaseMs * 2 ** attempt;
          this.options.log?.(`${url.host}: ${error.message}; retry ${attempt + 1} of ${this.options.retries} in ${delay} ms`);
          await sleep(delay);
          continue;
        }
        if (error instanceof TransientError) {
          throw new UnreachableFailure(`cannot reach the registry at ${url.origin}: ${error.message} (after ${this.options.retries} retries)${this.proxyHint(url)}${this.clientCertificateHint(url)}`, imageName(ref));
        }
        if (error instanceof TlsFailure) {
          throw new UnreachableFailure(`cannot reach the registry: ${describeTlsFailure(error, url, source.host)}`, imageName(ref));
        }
        throw error;
      }
      // The body is the caller's from here; for a GET it holds the slot until it is read.
      if (method === 'GET' && !holding) {
        response.body.once('close', release);
        response.body.once('end', release);
      } else {
        release();
      }
      const remaining = headerValue(response.headers['ratelimit-remaining']);
      if (remaining !== undefined && /^0\b/.test(remaining)) this.options.log?.(`${url.host}: rate limit reached (ratelimit-remaining: ${remaining})`);

      if (response.status === 401 && !challenged) {
        response.body.resume();
        challenged = true;
        const value = await this.authorize(ref, source, url, response.headers['www-authenticate']);
        if (value) {
          this.authorizations.set(authKey, value);
          attempt--;
          continue;
        }
        return response;
      }
      if (isRetriedStatus(response.status) && attempt < this.options.retries) {
        response.body.resume();
        const delay = this.retryDelay(response, attempt, `${imageName(ref)} (${url.origin})`);
        this.options.log?.(`${url.host}: HTTP ${response.status}; retry ${attempt + 1} of ${this.options.retries} in ${delay} ms`);
        await sleep(delay);
        continue;
      }
      return response;
    }
  }

  /**
   * How long to wait before asking again after a 429 or 5xx: what its `Retry-After` asks (seconds
   * or an HTTP date), else the backoff. A wait longer than {@link MAX_RETRY_AFTER_MS} fails at once:
   * asking sooner would only be refused again (and count against a rate limit).
   */
  private retryDelay(response: RawResponse, attempt: number, where: string): number {
    const header = headerValue(response.headers['retry-after']);
    const asked = retryAfterMs(header);
    if (asked === undefined) return this.options.retryBaseMs * 2 ** attempt;
    if (asked > MAX_RETRY_AFTER_MS) {
      throw new BaseFailure(
        `the registry answered HTTP ${response.status} and asks to wait ${Math.ceil(asked / 1000)} s before asking again (Retry-After: ${header}), ` +
          `longer than hardpod waits (${MAX_RETRY_AFTER_MS / 1000} s); try again later${response.status === 429 ? ' or use a mirror' : ''}`,
        where,
      );
    }
    return asked;
  }

  /** Answers a 401 challenge: a Bearer token from the realm, or Basic credentials. */
  private async authorize(ref: ImageRef, source: Source, url: URL, header: string | string[] | undefined): Promise<CachedAuthorization | undefined> {
    const challenges = parseWwwAuthenticate(header);
    const credential = this.options.credentials(source.credentialHost, source.repository);
    const bearer = challenges.find((challenge) => challenge.scheme === 'bearer' && challenge.params.realm);
    if (bearer) return this.bearerToken(ref, source, url, bearer, credential);
    const basic = challenges.find((challenge) => challenge.scheme === 'basic');
    if (basic && credential?.username !== undefined && credential.password !== undefined) {
      // Plain HTTP carries the password in clear: only to loopback, or a registry the user named insecure.
      if (url.protocol !== 'https:' && !isLoopbackHost(url.hostname) && !source.insecure) {
        throw new HardpodError(`refusing to send a password to ${url.origin} over plain HTTP`, imageName(ref));
      }
      const value = `Basic ${Buffer.from(`${credential.username}:${credential.password}`).toString('base64')}`;
      return { value, expires: Number.POSITIVE_INFINITY };
    }
    return undefined;
  }

  private bearerToken(
    ref: ImageRef,
    source: Source,
    url: URL,
    challenge: AuthChallenge,
    credential: RegistryCredential | undefined,
  ): Promise<CachedAuthorization> {
    let realm: URL;
    try {
      realm = new URL(challenge.params.realm);
    } catch {
      throw new HardpodError(`the registry's token realm ${JSON.stringify(challenge.params.realm)} is not a URL`, imageName(ref));
    }
    if (realm.protocol !== 'https:' && !(realm.protocol === 'http:' && isLoopbackHost(realm.hostname))) {
      throw new HardpodError(`refusing the token realm ${realm.origin}: tokens are only fetched over HTTPS (or plain HTTP on loopback)`, imageName(ref));
    }
    const trusted = realmMayReceiveCredentials(realm.hostname, url.hostname);
    const service = challenge.params.service;
    const scope = `repository:${source.repository}:pull`;
    const key = `${realm.href}|${service ?? ''}|${scope}|${trusted && credential ? 'auth' : 'anonymous'}`;
    const sent = trusted ? credential : undefined;
    const cached = this.tokens.get(key);
    const fetch = () => this.fetchToken(key, ref, source.credentialHost, realm, service, scope, sent);
    if (cached) return cached.then((token) => (token.expires > Date.now() ? token : fetch()));
    return fetch();
  }

  private fetchToken(
    key: string,
    ref: ImageRef,
    credentialHost: string,
    realm: URL,
    service: string | undefined,
    scope: string,
    credential: RegistryCredential | undefined,
  ): Promise<CachedAuthorization> {
    const pending = (async () => {
      const tokenUrl = new URL(realm.href);
      let method: 'GET' | 'POST' = 'GET';
      let body: string | undefined;
      const headers: Record<string, string> = { Accept: 'application/json' };
      if (credential?.identityToken) {
        method = 'POST';
        const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: credential.identityToken, client_id: 'hardpod', scope });
        if (service) form.set('service', service);
        body = form.toString();
        headers['Content-Type'] = 'application/x-www-form-urlencoded';
      } else {
        if (service) tokenUrl.searchParams.set('service', service);
        tokenUrl.searchParams.set('scope', scope);
        if (credential?.username !== undefined && credential.password !== undefined) {
          headers.Authorization = `Basic ${Buffer.from(`${credential.username}:${credential.password}`).toString('base64')}`;
        }
      }
      let response: RawResponse | undefined;
      for (let attempt = 0; ; attempt++) {
        try {
          response = await this.send(method, tokenUrl, headers, body);
        } catch (error) {
          if (error instanceof TransientError && attempt < this.options.retries) {
            await sleep(this.options.retryBaseMs * 2 ** attempt);
            continue;
          }
          if (error instanceof TransientError) throw new BaseFailure(`cannot reach the token service at ${realm.origin}: ${error.message}${this.proxyHint(realm)}`, imageName(ref));
          if (error instanceof TlsFailure) throw new BaseFailure(`cannot reach the token service: ${describeTlsFailure(error, realm, undefined)}`, imageName(ref));
          throw error;
        }
        if (isRetriedStatus(response.status) && attempt < this.options.retries) {
          response.body.resume();
          await sleep(this.retryDelay(response, attempt, `${imageName(ref)} (token service ${realm.origin})`));
          continue;
        }
        break;
      }
      if (response.status !== 200) {
        response.body.resume();
        throw new BaseFailure(
          `the token service at ${realm.origin} refused a pull token for ${imageName(ref)} (HTTP ${response.status}); check the credentials for ${credentialHost}`,
          imageName(ref),
        );
      }
      const text = (await this.readBody(response, ref)).toString('utf8');
      let answer: { token?: string; access_token?: string; expires_in?: number };
      try {
        answer = JSON.parse(text) as typeof answer;
      } catch {
        throw new HardpodError(`the token service at ${realm.origin} answered something that is not JSON`, imageName(ref));
      }
      const token = answer.token ?? answer.access_token;
      if (!token) throw new HardpodError(`the token service at ${realm.origin} answered without a token`, imageName(ref));
      const lifetime = typeof answer.expires_in === 'number' && answer.expires_in > 0 ? answer.expires_in : 60;
      // Renew a little early so a token never expires in flight.
      return { value: `Bearer ${token}`, expires: Date.now() + Math.max(lifetime - 10, 1) * 1000 };
    })();
    this.tokens.set(key, pending);
    pending.catch(() => this.tokens.delete(key));
    return pending;
  }

  /** What to do about a URL that could not be reached through a proxy; empty when it is reached directly. */
  /**
   * Over TLS 1.3 a registry that refuses the client certificate it was shown closes the connection
   * after the handshake, which reads as a reset: where one was shown, the message says which.
   */
  private clientCertificateHint(url: URL): string {
    const folder = url.protocol === 'https:' ? this.tlsByHost.get(url.host)?.clientFolder : undefined;
    return folder === undefined ? '' : `; it was shown the client certificate in ${folder}: if the registry refuses it, it closes the connection so`;
  }

  private proxyHint(url: URL): string {
    const route = this.proxies.route(url);
    return route ? `; check the proxy ${route.variable} names, or list ${url.hostname} in NO_PROXY if it is reached without the proxy` : '';
  }

  /** One HTTP exchange, following redirects without carrying Authorization to another origin. */
  private async send(method: string, start: URL, headers: Record<string, string>, body?: string): Promise<RawResponse> {
    let url = start;
    let currentHeaders = headers;
    for (let hop = 0; hop <= 5; hop++) {
      const response = await this.sendOnce(method, url, currentHeaders, body);
      if (![301, 302, 303, 307, 308].includes(response.status)) return response;
      response.body.resume();
      const location = headerValue(response.headers.location);
      if (!location) return response;
      const next = new URL(location, url);
      if (next.protocol === 'http:' && url.protocol === 'https:' && !isLoopbackHost(next.hostname)) {
        throw new HardpodError(`refusing a redirect from ${url.origin} to plain HTTP at ${next.origin}`, url.host);
      }
      if (next.origin !== url.origin) {
        // Blob downloads are redirected to storage or a CDN: the registry's credentials stay behind.
        const { Authorization: _dropped, ...rest } = currentHeaders;
        currentHeaders = rest;
      }
      url = next;
    }
    throw new HardpodError(`too many redirects starting at ${start.origin}`, start.host);
  }

  /**
   * The TLS settings of a registry host as request options: the authorities it is trusted by
   * ({@link trustedAuthorities}, and its certs.d folder's) and the client certificate certs.d holds,
   * in one secure context made once per host with such files (and one shared by the hosts without),
   * rather than once per connection.
   */
  private tlsFor(host: string): TlsRequestOptions {
    let tls = this.tlsByHost.get(host);
    if (tls === undefined) {
      const files = registryTlsFiles(host, this.options.certsDirs);
      const client = files?.client;
      let secureContext: nodeTls.SecureContext | undefined;
      if (files !== undefined && (files.ca.length > 0 || client !== undefined)) {
        const trusted = trustedAuthorities();
        // As docker trusts a certs.d folder's authorities: beside the others.
        const ca = files.ca.length > 0 ? [...(trusted ?? rootCertificates), ...files.ca] : trusted;
        try {
          secureContext = createSecureContext({ ...(ca ? { ca: [...ca] } : {}), ...(client ? { cert: client.cert, key: client.key } : {}) });
        } catch (error) {
          // Authorities that are no certificates are passed over; a client certificate and key that do not go together are not.
          const what = client ? `the client certificate and key in ${files.folder}` : 'the certificate authorities';
          throw new HardpodError(`${what} cannot be used: ${(error as Error).message}`, host);
        }
      } else {
        secureContext = trustedSecureContext();
      }
      tls = { options: secureContext ? { secureContext } : {}, ...(client ? { clientFolder: files!.folder } : {}) };
      this.tlsByHost.set(host, tls);
    }
    return tls.options;
  }

  private sendOnce(method: string, url: URL, headers: Record<string, string>, body?: string): Promise<RawResponse> {
    const secure = url.protocol === 'https:';
    if (!secure && url.protocol !== 'http:') return Promise.reject(new HardpodError(`unsupported URL scheme ${url.protocol}`, url.href));
    const timeoutMs = this.options.timeoutMs;
    const unverified = this.unverifiedHosts.has(url.host);
    const route = this.proxies.route(url);
    const via = route ? ` through the proxy ${route.origin}` : '';
    const agent = route?.agent ?? (!secure ? this.httpAgent : unverified ? this.unverifiedHttpsAgent : this.httpsAgent);
    const tls = secure && !unverified ? this.tlsFor(url.host) : undefined;
    return new Promise((resolve, reject) => {
      const request = (secure ? https : http).request(
        url,
        {
          method,
          agent,
          // Through a tunnel, TLS with the registry is set up with the request's options.
          ...(route && unverified ? { rejectUnauthorized: false } : {}),
          ...tls,
          headers: { 'User-Agent': 'hardpod', ...headers, ...(body !== undefined ? { 'Content-Length': Buffer.byteLength(body) } : {}) },
        },
        (response) => {
          clearTimeout(headerTimer);
          const refused = route ? proxyRefusal(response, url, route) : undefined;
          if (refused) {
            response.resume();
            reject(refused);
            return;
          }
          // A body idle for longer than the limit fails the download instead of hanging.
          const socket = response.socket;
          const onIdle = () => response.destroy(new HardpodError(`no data from ${url.origin}${via} for ${timeoutMs} ms`, url.host));
          socket.setTimeout(timeoutMs);
          socket.on('timeout', onIdle);
          const stopWatching = () => {
            socket.setTimeout(0);
            socket.off('timeout', onIdle);
          };
          response.once('end', stopWatching);
          response.once('close', stopWatching);
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body: response, url });
        },
      );
      const headerTimer = setTimeout(() => {
        const error = new TransientError(`no answer within ${timeoutMs} ms${via}`);
        request.destroy(error);
        // A request still waiting for its socket (a proxy silent after CONNECT) reports no error of its own.
        reject(error);
      }, timeoutMs);
      request.on('error', (error: NodeJS.ErrnoException) => {
        clearTimeout(headerTimer);
        reject(classifyRequestError(error, secure, route));
      });
      if (body !== undefined) request.write(body);
      request.end();
    });
  }
}

/** Mirrors keyed by registry as image references name it, Docker Hub's aliases merged into docker.io. */
function canonicalMirrorKeys(mirrors: Readonly<Record<string, readonly string[]>>): Record<string, readonly string[]> {
  const keyed: Record<string, string[]> = {};
  for (const [registry, bases] of Object.entries(mirrors)) (keyed[canonicalRegistryHost(registry)] ??= []).push(...bases);
  return keyed;
}

/** The longest `Retry-After` waited for before another attempt. */
const MAX_RETRY_AFTER_MS = 30_000;

/**
 * The wait a `Retry-After` header asks for, in ms: delay-seconds or an HTTP date (RFC 9110 10.2.3);
 * undefined when there is none or it cannot be read.
 */
function retryAfterMs(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** A status worth another attempt: too many requests, or a server error other than 501 (Not Implemented, which stays so). */
function isRetriedStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status !== 501);
}

/**
 * A HEAD answer that says the method is not served rather than anything about the tag: 405 and 501,
 * and a 400 from a proxy that cannot relay HEAD. Not 404 (no such tag), 401/403 (access), 429 (rate).
 */
function headNotServed(status: number): boolean {
  return status === 405 || status === 501 || status === 400;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function digestOf(hash: Hash, digest: string): string {
  return `${digest.split(':')[0]}:${hash.digest('hex')}`;
}

function mismatch(ref: ImageRef, claimed: string, actual: string, url: URL): HardpodError {
  return new HardpodError(
    `content from ${url.origin} does not match its digest: expected ${claimed}, got ${actual}. ` +
      'The registry, a mirror or a proxy altered it; nothing was written',
    imageName(ref),
  );
}
