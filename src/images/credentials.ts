import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { canonicalRegistryHost, DOCKER_HUB } from './image-ref';
import { HardpodError } from '../model/errors';
import { readUserFile } from '../model/files';
import { parseJsonText } from '../model/json-text';

/**
 * Registry credentials from the files and helpers the container tools already use. Secrets are
 * never logged, printed or put in error messages.
 */

/** Credentials for one registry. */
export interface RegistryCredential {
  readonly username?: string;
  readonly password?: string;
  /** An OAuth2 refresh token (`identitytoken`), exchanged at the token realm. */
  readonly identityToken?: string;
}

/** Where credentials come from; every field defaults to what docker and podman read. */
export interface CredentialSourceOptions {
  /** Environment to read DOCKER_CONFIG, REGISTRY_AUTH_FILE, XDG_RUNTIME_DIR and HOME from. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** Home directory. @default os.homedir() */
  readonly home?: string;
  /** Time limit for a `docker-credential-*` helper. @default 10000 */
  readonly helperTimeoutMs?: number;
}

export type CredentialLookup = (registry: string, repository: string) => RegistryCredential | undefined;

/** The server URL docker uses for Docker Hub in config files and credential helpers. */
const DOCKER_HUB_SERVER_URL = 'https://index.docker.io/v1/';

/** Normalizes a config key (`https://index.docker.io/v1/`, `ghcr.io/org`) to `host[/path]`. */
export function normalizeCredentialKey(key: string): string {
  let host = key.replace(/^[a-z]+:\/\//i, '');
  host = host.replace(/\/+$/, '');
  const slash = host.indexOf('/');
  const domain = slash >= 0 ? host.slice(0, slash) : host;
  let path = slash >= 0 ? host.slice(slash + 1) : '';
  // Docker writes `index.docker.io/v1/`; the path is an API version, not a namespace.
  if (/^v[12]$/.test(path)) path = '';
  const normalizedDomain = canonicalRegistryHost(domain.toLowerCase());
  return path ? `${normalizedDomain}/${path}` : normalizedDomain;
}

interface AuthEntry {
  auth?: string;
  username?: string;
  password?: string;
  identitytoken?: string;
}
interface AuthConfigFile {
  auths?: Record<string, AuthEntry>;
  credHelpers?: Record<string, string>;
  credsStore?: string;
}

function readJsonFile(path: string): AuthConfigFile | undefined {
  if (!existsSync(path)) return undefined;
  // Read up to the input limit (the path may be a pipe); a mistake is named by its line only:
  // JSON.parse's messages paste the text around it, secrets included.
  const parsed = parseJsonText(readUserFile(path, 'registry credentials file'), { secret: true });
  if (!parsed.ok) throw new HardpodError(`cannot read registry credentials: ${parsed.problem}; expected a JSON object with "auths"`, `${path}:${parsed.line}`);
  const { value } = parsed;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new HardpodError('cannot read registry credentials: not an object; expected a JSON object with "auths"', path);
  }
  return value as AuthConfigFile;
}

function fromAuthEntry(entry: AuthEntry, file: string, key: string): RegistryCredential | undefined {
  if (entry.identitytoken) return { identityToken: entry.identitytoken, ...(entry.username ? { username: entry.username } : {}) };
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw new HardpodError(`auths[${JSON.stringify(key)}].auth is not base64 of "user:password"`, file);
    return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  if (entry.username !== undefined && entry.password !== undefined) return { username: entry.username, password: entry.password };
  return undefined;
}

/** Finds the entry for `registry/repository`, preferring the longest `host/namespace` prefix. */
function findAuth(file: AuthConfigFile, path: string, registry: string, repository: string): RegistryCredential | undefined {
  const wanted = `${registry}/${repository}`;
  let best: { length: number; entry: AuthEntry; key: string } | undefined;
  for (const [key, entry] of Object.entries(file.auths ?? {})) {
    const normalized = normalizeCredentialKey(key);
    if (normalized === registry || wanted === normalized || wanted.startsWith(`${normalized}/`)) {
      if (!best || normalized.length > best.length) best = { length: normalized.length, entry, key };
    }
  }
  return best ? fromAuthEntry(best.entry, path, best.key) : undefined;
}

function runHelper(helper: string, registry: string, timeoutMs: number, env: NodeJS.ProcessEnv): RegistryCredential | undefined {
  const serverUrl = registry === DOCKER_HUB ? DOCKER_HUB_SERVER_URL : registry;
  // Found on the PATH of the environment the lookup was made for; its output is never logged.
  const result = spawnSync(`docker-credential-${helper}`, ['get'], { input: serverUrl, timeout: timeoutMs, encoding: 'utf8', env });
  // EPIPE: the helper exited without reading the server URL (it has nothing); its exit status says so.
  if (result.error && (result.error as NodeJS.ErrnoException).code !== 'EPIPE') {
    throw new HardpodError(`credential helper docker-credential-${helper} could not run (${(result.error as NodeJS.ErrnoException).code ?? 'error'})`, `credentials for ${registry}`);
  }
  // Helpers exit non-zero with "credentials not found" when they hold nothing for the server.
  if (result.status !== 0) return undefined;
  let answer: { Username?: string; Secret?: string };
  try {
    answer = JSON.parse(result.stdout) as { Username?: string; Secret?: string };
  } catch {
    throw new HardpodError(`credential helper docker-credential-${helper} printed something that is not JSON`, `credentials for ${registry}`);
  }
  if (!answer.Secret) return undefined;
  // Docker's convention: the user name `<token>` marks an identity (refresh) token.
  if (answer.Username === '<token>') return { identityToken: answer.Secret };
  return { username: answer.Username ?? '', password: answer.Secret };
}

/**
 * Credential lookup in the order podman and docker use: REGISTRY_AUTH_FILE, the containers
 * auth.json files, then the docker config (credHelpers, auths, credsStore).
 */
export function dockerCredentials(options: CredentialSourceOptions = {}): CredentialLookup {
  const env = options.env ?? process.env;
  const home = options.home ?? env.HOME ?? homedir();
  const timeoutMs = options.helperTimeoutMs ?? 10_000;
  const containersFiles = [
    env.REGISTRY_AUTH_FILE,
    env.XDG_RUNTIME_DIR ? join(env.XDG_RUNTIME_DIR, 'containers', 'auth.json') : undefined,
    join(home, '.config', 'containers', 'auth.json'),
  ].filter((path): path is string => !!path);
  const dockerConfig = join(env.DOCKER_CONFIG ?? join(home, '.docker'), 'config.json');
  const cache = new Map<string, RegistryCredential | undefined>();

  return (registry, repository) => {
    const cacheKey = `${registry}/${repository}`;
    if (cache.has(cacheKey)) return cache.get(cacheKey);
    let found: RegistryCredential | undefined;
    for (const path of containersFiles) {
      const file = readJsonFile(path);
      found = file && findAuth(file, path, registry, repository);
      if (found) break;
    }
    if (!found) {
      const file = readJsonFile(dockerConfig);
      if (file) {
        const helper = Object.entries(file.credHelpers ?? {}).find(([key]) => normalizeCredentialKey(key) === registry)?.[1];
        // A registry's own helper wins; then an entry in auths; then the store for everything else.
        found = helper ? runHelper(helper, registry, timeoutMs, env) : findAuth(file, dockerConfig, registry, repository);
        if (!found && !helper && file.credsStore) found = runHelper(file.credsStore, registry, timeoutMs, env);
      }
    }
    cache.set(cacheKey, found);
    return found;
  };
}
