import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliMainPath, expectReadOnlyFileKept, runHardpodAsync, type CliResult } from './cli-process';
import { emptyLockFile, serializeLockFile } from '../../src/images/lock-file';

let dir: string;
let registry: Server;
/** Connections the registry received: a lock file that cannot be written must be refused before any. */
let connections = 0;

beforeAll(async () => {
  cliMainPath();
  dir = mkdtempSync(join(tmpdir(), 'hardpod-cli-lock-'));
  registry = createServer((socket) => {
    connections++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => registry.listen(0, '127.0.0.1', resolve));
  const { port } = registry.address() as AddressInfo;
  writeFileSync(join(dir, 'pod.yaml'), `apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  containers:
  - name: web
    image: 127.0.0.1:${port}/team/web:1.0
`);
  mkdirSync(join(dir, 'folder'));
});
afterAll(async () => {
  await new Promise((resolve) => registry.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

/** `hardpod lock ...args`, with a home of its own (no credentials), while this process answers as the registry. */
function lock(args: string[]): Promise<CliResult> {
  return runHardpodAsync(['lock', ...args], { cwd: dir, env: { HOME: dir, DOCKER_CONFIG: dir } });
}

describe('hardpod lock', () => {
  test('a lock file that cannot be written (a file where its folder belongs, a missing folder, a folder) is refused before any registry is asked', async () => {
    const cases: [string, string][] = [
      ['pod.yaml/hardpod.lock.json', 'a part of the path before the file name is a file, not a folder'],
      ['missing/hardpod.lock.json', 'the folder missing does not exist (create it first)'],
      ['folder', 'is a folder, expected a file'],
    ];
    for (const mode of [[], ['--update']]) {
      for (const [lockFile, reason] of cases) {
        const result = await lock([...mode, '--lock-file', lockFile, 'pod.yaml']);
        // --update needs the lock file it names: a missing one is said to be missing, with the command that creates it.
        const stderr = mode.length > 0 && lockFile !== 'folder'
          ? expect.stringMatching(new RegExp(`^hardpod lock: error: \\S*${lockFile}: (lock file not found; run \`npx hardpod lock\` to create it|cannot read the lock file: ${reason})\n$`))
          : `hardpod lock: error: ${lockFile}: cannot write the file: ${reason}\n`;
        expect({ lockFile, ...result }).toEqual({ lockFile, status: 2, stdout: '', stderr });
      }
    }
    const missing = await lock(['--update', '--lock-file', 'missing/hardpod.lock.json', 'pod.yaml']);
    expect(missing.stderr).toContain('missing/hardpod.lock.json: lock file not found; run `npx hardpod lock` to create it');
    expect(connections).toBe(0);
  });

  test('a read-only lock file (mode 0444) is refused naming it, before any registry is asked, and stays as it was', async () => {
    const text = serializeLockFile(emptyLockFile());
    writeFileSync(join(dir, 'protected.lock.json'), text);
    chmodSync(join(dir, 'protected.lock.json'), 0o444);
    for (const mode of [[], ['--update']]) {
      const result = await lock([...mode, '--lock-file', 'protected.lock.json', 'pod.yaml']);
      expect({ mode, ...result }).toEqual({
        mode,
        status: 2,
        stdout: '',
        stderr: 'hardpod lock: error: protected.lock.json: cannot write the file: it is read-only (mode 0444); make it writable (chmod u+w) to have it replaced, or write to another file\n',
      });
    }
    expect(connections).toBe(0);
    expectReadOnlyFileKept(dir, 'protected.lock.json', text);
  });
});
