import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliMainPath, expectReadOnlyFileKept, runHardpodAsync, type CliResult } from './cli-process';
import { writeLockFile } from '../fixtures/lock-file';

const DIGEST = `sha256:${'a'.repeat(64)}`;

let dir: string;
let registry: Server;
/** Connections the registry received: a file that cannot be rewritten must be refused before any. */
let connections = 0;
let host: string;

beforeAll(async () => {
  cliMainPath();
  dir = mkdtempSync(join(tmpdir(), 'hardpod-cli-pin-'));
  registry = createServer((socket) => {
    connections++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => registry.listen(0, '127.0.0.1', resolve));
  host = `127.0.0.1:${(registry.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => registry.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

/** A Pod whose container runs `image`, with a comment the rewrite keeps. */
const pod = (image: string): string => `apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  containers:
  - name: web
    image: ${image}  # the web tier
`;

/** `hardpod pin ...args`, with a home of its own (no credentials), while this process answers as the registry. */
function pin(args: string[]): Promise<CliResult> {
  return runHardpodAsync(['pin', ...args], { cwd: dir, env: { HOME: dir, DOCKER_CONFIG: dir } });
}

describe('hardpod pin --write', () => {
  test('a read-only manifest (mode 0444) with a tag to pin is refused naming it, before any registry is asked, and stays as it was', async () => {
    const text = pod(`${host}/team/web:1.0`);
    writeFileSync(join(dir, 'web.yaml'), text);
    chmodSync(join(dir, 'web.yaml'), 0o444);
    // Pinned already, and so not rewritten: its mode is no reason to refuse the run.
    writeFileSync(join(dir, 'pinned.yaml'), pod(`${host}/team/api:1.0@${DIGEST}`));
    chmodSync(join(dir, 'pinned.yaml'), 0o444);
    const result = await pin(['--write', 'web.yaml', 'pinned.yaml']);
    expect(result).toEqual({
      status: 2,
      stdout: '',
      stderr: 'hardpod pin: error: web.yaml: cannot write the file: it is read-only (mode 0444); make it writable (chmod u+w) to have it replaced, or write to another file\n',
    });
    expect(connections).toBe(0);
    expectReadOnlyFileKept(dir, 'web.yaml', text);
  });

  test('a rewritten manifest keeps its mode and its comments', async () => {
    const lockFile = writeLockFile({ 'registry.example.com/team/web:1.0': { digest: DIGEST } }, dir);
    for (const mode of [0o600, 0o755]) {
      writeFileSync(join(dir, 'kept.yaml'), pod('registry.example.com/team/web:1.0'));
      chmodSync(join(dir, 'kept.yaml'), mode);
      const result = await pin(['--write', '--offline', '--lock-file', lockFile, 'kept.yaml']);
      expect(result).toEqual({ status: 0, stdout: '', stderr: 'hardpod pin: pinned 1 image in 1 file\n' });
      expect(readFileSync(join(dir, 'kept.yaml'), 'utf8')).toBe(pod(`registry.example.com/team/web:1.0@${DIGEST}`));
      expect((statSync(join(dir, 'kept.yaml')).mode % 0o1000).toString(8)).toBe(mode.toString(8));
    }
  });
});
