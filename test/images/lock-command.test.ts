import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runHardpod } from '../cli/cli-process';

/** `hardpod lock` behaviour that needs no registry: --offline checks, input and lock-file errors. */
describe('hardpod lock without a registry', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hardpod-lock-command-'));
  });
  const lock = (args: string[], input = '') => runHardpod(['lock', ...args], { cwd: dir, input, env: { HOME: dir, DOCKER_CONFIG: dir } });

  it('refuses empty input as check does, so a failed render piped in does not pass --check', () => {
    fs.writeFileSync(path.join(dir, 'empty.yaml'), '');
    for (const args of [['--check', '--offline', 'empty.yaml'], ['--check', '--offline', '-'], ['--update', 'empty.yaml'], ['empty.yaml']]) {
      const result = lock(args);
      expect(result.status).toBe(2);
      expect(result.stderr).toMatch(/no Kubernetes objects found, so nothing was locked; give --allow-empty/);
      expect(result.stdout).not.toMatch(/every image in use is locked/);
    }
    const allowed = lock(['--check', '--offline', '--allow-empty', 'empty.yaml']);
    expect(allowed.status).toBe(0);
  });
});
