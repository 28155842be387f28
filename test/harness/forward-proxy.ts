/**
 * A forward proxy as corporate networks have (squid, a cloud egress proxy): HTTP CONNECT tunnels for
 * HTTPS and absolute-form requests for plain HTTP, on 127.0.0.1. It resolves the names it is given
 * itself (names only the proxy can reach, as behind a real one), may ask for Basic credentials
 * (407) or refuse hosts its policy does not allow (403), and records what it was asked for.
 */
import * as http from 'node:http';
import * as net from 'node:net';

export interface ForwardProxyOptions {
  /** Host names the proxy resolves to another address, e.g. `{ 'registry.hardpod.test': '127.0.0.1' }`. */
  readonly hosts?: Readonly<Record<string, string>>;
  /** `user:password` the proxy asks for (407 without them). */
  readonly credentials?: string;
  /** Host names the proxy refuses to connect to (403). */
  readonly deny?: readonly string[];
}

export class ForwardProxy {
  static async start(options: ForwardProxyOptions = {}): Promise<ForwardProxy> {
    const proxy = new ForwardProxy(http.createServer(), options);
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  /** CONNECT targets (`host:port`) and absolute URLs asked for, with whether they were let through. */
  readonly asked: { target: string; allowed: boolean }[] = [];
  /** Connections clients opened to the proxy. */
  connections = 0;
  private readonly sockets = new Set<net.Socket>();

  private constructor(
    private readonly server: http.Server,
    private readonly options: ForwardProxyOptions,
  ) {
    server.on('connection', (socket) => {
      this.connections++;
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    server.on('connect', (request: http.IncomingMessage, client: net.Socket, head: Buffer) => {
      const target = request.url ?? '';
      const allowed = this.authorized(request);
      this.asked.push({ target, allowed });
      if (!allowed) {
        client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="proxy"\r\n\r\n');
        return;
      }
      const colon = target.lastIndexOf(':');
      const host = target.slice(0, colon).replace(/^\[|\]$/g, '');
      if (this.options.deny?.includes(host)) {
        client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
        return;
      }
      const upstream = net.connect(Number(target.slice(colon + 1)), this.options.hosts?.[host] ?? host, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        if (head.length > 0) upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      this.sockets.add(upstream);
      upstream.once('close', () => this.sockets.delete(upstream));
      upstream.on('error', () => client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n'));
      client.on('error', () => upstream.destroy());
    });
    server.on('request', (request: http.IncomingMessage, response: http.ServerResponse) => {
      const target = request.url ?? '';
      const allowed = this.authorized(request);
      this.asked.push({ target, allowed });
      if (!allowed) {
        response.writeHead(407, { 'Proxy-Authenticate': 'Basic realm="proxy"' });
        response.end();
        return;
      }
      const url = new URL(target);
      const headers = { ...request.headers };
      delete headers['proxy-authorization'];
      const forwarded = http.request({
        hostname: this.options.hosts?.[url.hostname] ?? url.hostname,
        port: url.port || 80,
        path: `${url.pathname}${url.search}`,
        method: request.method,
        headers,
      }, (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      });
      forwarded.on('error', () => {
        response.writeHead(502);
        response.end();
      });
      request.pipe(forwarded);
    });
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as net.AddressInfo).port}`;
  }

  private authorized(request: http.IncomingMessage): boolean {
    if (this.options.credentials === undefined) return true;
    return request.headers['proxy-authorization'] === `Basic ${Buffer.from(this.options.credentials).toString('base64')}`;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
