import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { findToolchain } from './cluster';
import { freePorts, onFreePorts, portWasTaken } from './ports';
import { describeRegistry, startRegistry } from './registry';
import { describeWithTools } from './required-tools';

/** Holds a port on 127.0.0.1 until closed, as another process would. */
async function holdPort(): Promise<{ port: number; release: () => Promise<void> }> {
  // Hangs up on whoever connects (the harness probes the port), so that closing it waits for no one.
  const server = net.createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as net.AddressInfo).port, release: () => new Promise((resolve) => server.close(() => resolve())) };
}

const TAKEN = new Error('listen tcp 127.0.0.1:4001: bind: address already in use');

describe('free ports for test servers', () => {
  test('one call gives different ports, all free again once it returns', async () => {
    for (let round = 0; round < 20; round++) {
      const ports = await freePorts(8);
      expect(new Set(ports).size).toBe(8);
      for (const port of ports) {
        const server = net.createServer();
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen(port, '127.0.0.1', resolve);
        });
        await new Promise((resolve) => server.close(resolve));
      }
    }
  });

  test('a start whose port was taken runs again on new ports', async () => {
    const tried: number[][] = [];
    const started = await onFreePorts(3, async (ports) => {
      tried.push(ports);
      if (tried.length < 3) throw TAKEN;
      return ports;
    });
    expect(tried).toHaveLength(3);
    expect(started).toBe(tried[2]);
  });

  test('any other failure is not retried, and a port taken every time fails after the last attempt', async () => {
    let calls = 0;
    const other = new Error('etcd exited: data dir not writable');
    await expect(onFreePorts(1, async () => {
      calls++;
      throw other;
    })).rejects.toBe(other);
    expect(calls).toBe(1);

    calls = 0;
    await expect(onFreePorts(1, async () => {
      calls++;
      throw TAKEN;
    }, { attempts: 2 })).rejects.toBe(TAKEN);
    expect(calls).toBe(2);
  });
});

describeRegistry('docker-registry on a port another process took', () => {
  test('starts on the next port it is given, and its failure on the taken one is recognised', async () => {
    const held = await holdPort();
    const offered: number[] = [];
    const registry = await startRegistry({
      choosePorts: async (count) => {
        const ports = offered.length === 0 ? [held.port] : await freePorts(count);
        offered.push(...ports);
        return ports;
      },
    });
    try {
      expect(offered).toHaveLength(2);
      expect(offered[0]).toBe(held.port);
      expect(registry.host).toBe(`127.0.0.1:${offered[1]}`);
      const status = await new Promise<number>((resolve, reject) => {
        http.get(`${registry.url}/v2/`, (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        }).on('error', reject);
      });
      expect(status).toBe(200);
      expect(fs.readFileSync(path.join(registry.dir, `registry-${held.port}.log`), 'utf8')).toMatch(/address already in use/);
    } finally {
      await registry.stop();
      await held.release();
    }
  });
});

const toolchain = findToolchain('newest');
describeWithTools('etcd on a port another process took', 'etcd', 'missing' in toolchain ? toolchain.missing : undefined, () => {
  test('exits with a message that counts as the port being taken, so a cluster start tries new ports', async () => {
    if ('missing' in toolchain) throw new Error(toolchain.missing);
    const held = await holdPort();
    const [peer] = await freePorts(1);
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hardpod-etcd-port-'));
    try {
      const client = `http://127.0.0.1:${held.port}`;
      const output = await new Promise<string>((resolve) => {
        const etcd = spawn(toolchain.toolchain.etcd, [
          '--name', 'port-test', '--data-dir', dataDir,
          '--listen-client-urls', client, '--advertise-client-urls', client,
          '--listen-peer-urls', `http://127.0.0.1:${peer}`, '--initial-advertise-peer-urls', `http://127.0.0.1:${peer}`,
          '--initial-cluster', `port-test=http://127.0.0.1:${peer}`, '--logger=zap', '--log-outputs=stderr',
        ], { stdio: ['ignore', 'ignore', 'pipe'] });
        let stderr = '';
        etcd.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        etcd.on('close', () => resolve(stderr));
      });
      expect(portWasTaken(new Error(output))).toBe(true);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
      await held.release();
    }
  });
});
