import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** API.md is generated from the TSDoc; CI fails when it no longer matches the sources. */
const root = join(__dirname, '..', '..');

test('API.md matches the sources (regenerate with `npx projen docgen`)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hardpod-api-md-'));
  try {
    const fresh = join(dir, 'API.md');
    const run = spawnSync('bash', [join(root, 'scripts', 'generate-api-md.sh')], {
      cwd: root, encoding: 'utf8', env: { ...process.env, API_MD: fresh },
    });
    expect(run.status).toBe(0);
    const generated = readFileSync(fresh, 'utf8');
    expect(generated).toMatch(/^# hardpod\/cdk8s$/m);
    expect(generated).toMatch(/HardenedDeployment/);
    expect(readFileSync(join(root, 'API.md'), 'utf8') === generated).toBe(true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 300_000);
