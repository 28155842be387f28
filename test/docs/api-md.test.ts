import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDeployment, buildStatefulSet, type KubeObject } from '../../src/model';

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

test('the replicas default API.md documents for each workload kind is the one emitted', () => {
  const api = readFileSync(join(root, 'API.md'), 'utf8');
  const documented = (props: string): string => {
    const section = api.split(`\n### ${props}\n`)[1].split('\n### ')[0];
    return /##### replicas\?[\s\S]*?###### Default\s+```ts\s+(\S+)\s+```/.exec(section)![1];
  };
  const image = `ghcr.io/acme/web@sha256:${'a'.repeat(64)}`;
  const emitted = (object: KubeObject): string => String((object.spec as { replicas: number }).replicas);
  expect(documented('DeploymentProps')).toBe(emitted(buildDeployment({ name: 'web', image, port: 8080 }, { where: 'web' }).workload as KubeObject));
  expect(documented('StatefulSetProps')).toBe(emitted(buildStatefulSet({ name: 'db', image, port: 5432 }, { where: 'db' }).workload as KubeObject));
});
