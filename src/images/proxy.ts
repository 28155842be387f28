import type http from 'node:http';
import { BlockList, isIP } from 'node:net';
import { HttpProxyAgent } from 'http-proxy-agent';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { HardpodError } from '../model/errors';

/** A host as URL.hostname writes an IPv6 address (`[::1]`), without the brackets: `::1`. */
export function withoutBrackets(hostname: string): string {
  return hostname.replace(/^\[|\]$/g, '');
}

/** Whether a host name (`localhost`, `127.0.0.1`, `[::1]`) is this machine's loopback. */
export function isLoopbackHost(hostname: string): boolean {
  const host = withoutBrackets(hostname);
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** A forward proxy read from the environment. */
export interface ProxySetting {
  /** The proxy URL, credentials included: never printed. */
  readonly url: URL;
  /** The variable it was read from (`HTTPS_PROXY`, `http_proxy` ...), for messages that say what to change. */
  readonly variable: string;
}

/**
 * Forward proxies from the environment, read as docker, crane and skopeo (Go's
 * net/http.ProxyFromEnvironment) read them: `HTTPS_PROXY` (or `https_proxy`) for HTTPS URLs,
 * `HTTP_PROXY` (or `http_proxy`) for plain HTTP, `NO_PROXY` (or `no_proxy`) for the hosts reached
 * directly. Loopback hosts are always reached directly.
 */
export interface ProxySettings {
  /**
   * The proxy for `url`, or undefined when it is reached directly.
   * @throws HardpodError naming the variable when the proxy it names is not an http:// or https:// URL
   */
  proxyFor(url: URL): ProxySetting | undefined;
}

type Env = Readonly<Record<string, string | undefined>>;

/** The first of the upper- and lower-case variable that is set and not blank, as Go reads them. */
function envValue(env: Env, upper: string): { variable: string; value: string } | undefined {
  for (const variable of [upper, upper.toLowerCase()]) {
    const value = env[variable]?.trim();
    if (value) return { variable, value };
  }
  return undefined;
}

function proxySetting(found: { variable: string; value: string } | undefined): ProxySetting | undefined {
  if (found === undefined) return undefined;
  const { variable, value } = found;
  // As Go reads it: a proxy written without a scheme is an http:// one.
  const text = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    // The value is not shown: it may hold the proxy's password.
    throw new HardpodError('is not a proxy URL; expected http://host:port or https://host:port (with user:password@ before the host if the proxy asks for them)', variable);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new HardpodError(`names a ${url.protocol.slice(0, -1)} proxy; registries are reached through http:// or https:// proxies`, variable);
  }
  return { url, variable };
}

/** Reads the proxy variables of `env`. */
export function proxySettingsFrom(env: Env): ProxySettings {
  // A proxy is read when a request needs it, as Go reads it: one no request uses is never an error
  // (a socks5:// HTTP_PROXY left for other tools, `lock --check --offline`).
  const proxies = new Map<string, ProxySetting | undefined>();
  const proxy = (variable: 'HTTPS_PROXY' | 'HTTP_PROXY') => {
    if (!proxies.has(variable)) proxies.set(variable, proxySetting(envValue(env, variable)));
    return proxies.get(variable);
  };
  const noProxy = (envValue(env, 'NO_PROXY')?.value ?? '').split(',').map((entry) => entry.trim().toLowerCase()).filter((entry) => entry !== '');
  const everything = noProxy.includes('*');
  const subnets = new BlockList();
  const names: { name: string; port?: string; subdomainsOnly: boolean }[] = [];
  for (const entry of noProxy) {
    const [address, prefix] = entry.split('/');
    if (prefix !== undefined && isIP(address) !== 0 && /^\d+$/.test(prefix)) {
      subnets.addSubnet(address, Number(prefix), isIP(address) === 6 ? 'ipv6' : 'ipv4');
      continue;
    }
    // host, host:port, [v6]:port, .domain or *.domain (subdomains only); a bare IPv6 address has colons of its own.
    const match = /^(\*?\.)?(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(isIP(entry) === 6 ? `[${entry}]` : entry);
    if (!match) continue;
    names.push({ name: withoutBrackets(match[2]), ...(match[3] !== undefined ? { port: match[3] } : {}), subdomainsOnly: match[1] !== undefined });
  }
  const direct = (url: URL): boolean => {
    const host = withoutBrackets(url.hostname).toLowerCase();
    if (everything || isLoopbackHost(host)) return true;
    const family = isIP(host);
    if (family !== 0 && subnets.check(host, family === 6 ? 'ipv6' : 'ipv4')) return true;
    const port = url.port || (url.protocol === 'https:' ? '443' : '80');
    return names.some((entry) => {
      if (entry.port !== undefined && entry.port !== port) return false;
      if (host === entry.name) return !entry.subdomainsOnly;
      return family === 0 && host.endsWith(`.${entry.name}`);
    });
  };
  return {
    proxyFor(url) {
      return direct(url) ? undefined : proxy(url.protocol === 'https:' ? 'HTTPS_PROXY' : 'HTTP_PROXY');
    },
  };
}

/** How a URL is reached through a proxy: the agent to send with, and what messages say. */
export interface ProxyRoute {
  /** HTTPS: a CONNECT tunnel, TLS with the registry inside it; plain HTTP: the whole URL sent to the proxy. */
  readonly agent: http.Agent;
  /** The proxy's origin, without credentials: what messages name. */
  readonly origin: string;
  /** The variable the proxy was read from. */
  readonly variable: string;
}

/**
 * The agents that reach registries through the proxies of the environment, kept alive as the
 * direct ones are (a tunnel is opened once per registry and reused).
 */
export class ForwardProxies {
  private readonly settings: ProxySettings;
  private readonly agents = new Map<string, http.Agent>();
  /** Closes every connection to a proxy, those still waiting for its answer to CONNECT too. */
  private closing = new AbortController();

  constructor(env: Env, private readonly maxSockets: number) {
    this.settings = proxySettingsFrom(env);
  }

  /**
   * The proxy route for `url`, or undefined when it is reached directly.
   * @throws HardpodError naming the variable when the proxy it names is not an http:// or https:// URL
   */
  route(url: URL): ProxyRoute | undefined {
    const proxy = this.settings.proxyFor(url);
    if (proxy === undefined) return undefined;
    const secure = url.protocol === 'https:';
    const key = `${secure ? 'https' : 'http'} ${proxy.url.href}`;
    let agent = this.agents.get(key);
    if (!agent) {
      const options = { keepAlive: true, maxSockets: this.maxSockets, signal: this.closing.signal };
      agent = secure ? new HttpsProxyAgent(proxy.url, options) : new HttpProxyAgent(proxy.url, options);
      this.agents.set(key, agent);
    }
    return { agent, origin: proxy.url.origin, variable: proxy.variable };
  }

  /** Closes every connection to a proxy; a request after this opens new ones, as with the direct agents. */
  close(): void {
    for (const agent of this.agents.values()) agent.destroy();
    this.agents.clear();
    this.closing.abort();
    this.closing = new AbortController();
  }
}
