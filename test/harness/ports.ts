/**
 * Ports for servers the tests start as separate processes (etcd, kube-apiserver, docker-registry),
 * which take a port number on their command line or in a config file rather than binding port 0.
 */
import * as net from 'node:net';

/**
 * `count` different ports that were free on 127.0.0.1 a moment ago. Every probe stays bound until
 * all are chosen, so the kernel cannot hand the same port out twice in one call.
 */
export async function freePorts(count: number): Promise<number[]> {
  const probes: net.Server[] = [];
  try {
    for (let index = 0; index < count; index++) {
      const probe = net.createServer();
      probes.push(probe);
      await new Promise<void>((resolve, reject) => {
        probe.once('error', reject);
        probe.listen(0, '127.0.0.1', resolve);
      });
    }
    return probes.map((probe) => (probe.address() as net.AddressInfo).port);
  } finally {
    await Promise.all(probes.map((probe) => new Promise<void>((resolve) => (probe.listening ? probe.close(() => resolve()) : resolve()))));
  }
}

/** One port that was free on 127.0.0.1 a moment ago. */
export async function freePort(): Promise<number> {
  return (await freePorts(1))[0];
}

/** Whether a server failed to start because its port was taken: what Go servers (etcd, kube-apiserver, docker-registry) log then. */
export function portWasTaken(error: unknown): boolean {
  return error instanceof Error && /bind: address already in use/.test(error.message);
}

export interface OnFreePortsOptions {
  /**
   * How many sets of ports to try.
   * @default 3
   */
  readonly attempts?: number;
  /**
   * Chooses the ports of one attempt.
   * @default freePorts
   */
  readonly choose?: (count: number) => Promise<number[]>;
}

/**
 * Runs `start` with `count` free ports. Another process may bind a port between its choice and the
 * server's own bind; when `start` fails because of that, it runs again on new ports.
 */
export async function onFreePorts<T>(count: number, start: (ports: number[]) => Promise<T>, options: OnFreePortsOptions = {}): Promise<T> {
  const attempts = options.attempts ?? 3;
  const choose = options.choose ?? freePorts;
  for (let attempt = 1; ; attempt++) {
    try {
      return await start(await choose(count));
    } catch (error) {
      if (attempt >= attempts || !portWasTaken(error)) throw error;
    }
  }
}
