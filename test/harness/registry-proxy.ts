/**
 * A loopback proxy in front of a real registry that misbehaves on request: answers with an error
 * status a number of times, stalls, or alters the bodies it relays (so their digest no longer
 * matches). It records every request it sees.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';

export interface ProxyFaults {
  /** Answer this status to the next `count` requests, with `Retry-After: retryAfter` (a function: made when answering; default 0 for 429, none otherwise). */
  status?: { code: number; count: number; retryAfter?: string | (() => string) };
  /** Wait this long before sending response headers. */
  delayMs?: number;
  /** Send headers, then stall the body this long. */
  stallBodyMs?: number;
  /** Alter GET bodies of paths matching this pattern (JSON gets a leading space, other bodies a flipped last byte). */
  tamper?: RegExp;
  /** Answer GETs of blobs with a 307 to this base URL (as registries send blob downloads to storage). */
  redirectBlobsTo?: string;
  /** Answer every HEAD with this status and no body (a registry or proxy that does not serve HEAD: 405, 501). */
  headStatus?: number;
  /** Replace the Docker-Content-Digest header of manifest answers (to `method` only, if given) with `value` (null: leave it out). */
  digestHeader?: { method?: 'HEAD' | 'GET'; value: string | null };
  /** Answer GETs of manifests with this body and no Docker-Content-Digest (a broken proxy's or registry's manifest). */
  manifestBody?: string;
}

export class RegistryProxy {

  /**
   * @param tls serve HTTPS with this key and certificate (PEM), as a registry with its own certificate authority does
   */
  static async start(upstream: string, tls?: { readonly key: string; readonly cert: string }): Promise<RegistryProxy> {
    let proxy: RegistryProxy | undefined;
    const listener = (request: http.IncomingMessage, response: http.ServerResponse) => {
      proxy!.handle(upstream, request, response).catch(() => {
        // The upstream went away (a test stopped it): answer like a broken gateway.
        if (!response.headersSent) response.writeHead(502);
        response.end();
      });
    };
    const server = tls ? https.createServer(tls, listener) : http.createServer(listener);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    proxy = new RegistryProxy(server, tls ? 'https' : 'http');
    return proxy;
  }

  faults: ProxyFaults = {};
  readonly requests: { method: string; path: string; status: number; accept?: string; authorization?: boolean }[] = [];

  private constructor(
    private readonly server: http.Server,
    private readonly scheme: 'http' | 'https',
  ) {}

  get host(): string {
    return `127.0.0.1:${this.port}`;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get url(): string {
    return `${this.scheme}://${this.host}`;
  }

  private async handle(upstream: string, request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const method = request.method ?? 'GET';
    const path = request.url ?? '/';
    const faults = this.faults;
    if (faults.delayMs) await new Promise((resolve) => setTimeout(resolve, faults.delayMs));
    if (faults.status && faults.status.count > 0) {
      faults.status.count--;
      this.requests.push({ method, path, status: faults.status.code });
      const retryAfter = typeof faults.status.retryAfter === 'function' ? faults.status.retryAfter() : faults.status.retryAfter ?? (faults.status.code === 429 ? '0' : undefined);
      response.writeHead(faults.status.code, retryAfter !== undefined ? { 'Retry-After': retryAfter } : {});
      response.end();
      return;
    }
    if (faults.headStatus !== undefined && method === 'HEAD') {
      this.requests.push({ method, path, status: faults.headStatus });
      response.writeHead(faults.headStatus);
      response.end();
      return;
    }
    if (faults.redirectBlobsTo && method === 'GET' && path.includes('/blobs/')) {
      this.requests.push({ method, path, status: 307, accept: request.headers.accept, authorization: request.headers.authorization !== undefined });
      response.writeHead(307, { Location: `${faults.redirectBlobsTo}${path}` });
      response.end();
      return;
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      if (typeof value === 'string' && name !== 'host') headers[name] = value;
    }
    const answer = await fetch(`${upstream}${path}`, { method, headers, redirect: 'manual' });
    const authorization = request.headers.authorization !== undefined;
    this.requests.push({ method, path, status: answer.status, accept: request.headers.accept, authorization });
    const outHeaders: Record<string, string> = {};
    answer.headers.forEach((value, name) => {
      if (!['content-encoding', 'transfer-encoding', 'connection', 'keep-alive'].includes(name)) outHeaders[name] = value;
    });
    if (faults.digestHeader && (faults.digestHeader.method ?? method) === method && path.includes('/manifests/')) {
      if (faults.digestHeader.value === null) delete outHeaders['docker-content-digest'];
      else outHeaders['docker-content-digest'] = faults.digestHeader.value;
    }
    if (outHeaders['www-authenticate']) outHeaders['www-authenticate'] = outHeaders['www-authenticate'].split(upstream).join(this.url);
    let body = method === 'HEAD' ? Buffer.alloc(0) : Buffer.from(await answer.arrayBuffer());
    if (faults.tamper && method === 'GET' && faults.tamper.test(path) && body.length > 0) {
      // JSON stays valid JSON (a leading space); other bodies get their last byte flipped.
      if (body[0] === 0x7b) {body = Buffer.concat([Buffer.from(' '), body]);} else {
        body = Buffer.from(body);
        body[body.length - 1] = body[body.length - 1] === 0 ? 1 : 0;
      }
    }
    if (faults.manifestBody !== undefined && method === 'GET' && path.includes('/manifests/')) {
      body = Buffer.from(faults.manifestBody);
      delete outHeaders['docker-content-digest'];
    }
    if (method !== 'HEAD') outHeaders['content-length'] = String(body.length);
    response.writeHead(answer.status, outHeaders);
    if (faults.stallBodyMs && body.length > 0) {
      response.write(body.subarray(0, 1));
      await new Promise((resolve) => setTimeout(resolve, faults.stallBodyMs));
      if (!response.destroyed) response.end(body.subarray(1));
      return;
    }
    response.end(body);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
