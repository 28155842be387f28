import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import type { KubeObject } from '../../src/model';
import { runHardpod } from '../cli/cli-process';
import { renderCdk8sExample, renderPulumiExample } from '../cluster/examples';

/**
 * examples/pulumi-app is the shop of examples/cdk8s-app: the same objects, and like it, it passes
 * `hardpod check`. Rendered under Pulumi's mocks, which test/pulumi/toolchain.test.ts holds to
 * what the real Kubernetes provider renders through the Pulumi CLI.
 */

const key = (o: KubeObject) => `${o.kind} ${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;

let pulumiObjects: KubeObject[];
let cdk8sObjects: KubeObject[];

beforeAll(() => {
  pulumiObjects = renderPulumiExample();
  cdk8sObjects = renderCdk8sExample();
}, 360_000);

describe('examples/pulumi-app', () => {
  test('emits the objects examples/cdk8s-app emits', () => {
    expect(pulumiObjects.map(key).sort()).toEqual(cdk8sObjects.map(key).sort());
    expect(pulumiObjects.length).toBeGreaterThanOrEqual(15);
  });

  test('every object but the NetworkPolicies is identical; the policies select the same pods, both ways', () => {
    for (const object of pulumiObjects) {
      const twin = cdk8sObjects.find((o) => key(o) === key(object))!;
      if (object.kind !== 'NetworkPolicy') {
        expect(object).toEqual(twin);
        continue;
      }
      // cdk8s's allowTo/allowFrom name the peer's namespace; the Pulumi program leaves it to the policy's own.
      const spec = object.spec as any;
      const twinSpec = twin.spec as any;
      expect(spec.podSelector).toEqual(twinSpec.podSelector);
      expect(spec.policyTypes).toEqual(twinSpec.policyTypes);
      expect((spec.ingress ?? []).length).toBe((twinSpec.ingress ?? []).length);
      expect((spec.egress ?? []).length).toBe((twinSpec.egress ?? []).length);
    }
  });

  test('passes hardpod check', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hardpod-pulumi-app-'));
    const file = path.join(dir, 'shop.yaml');
    fs.writeFileSync(file, pulumiObjects.map((o) => stringify(o)).join('---\n'));
    const run = runHardpod(['check', file]);
    expect(`${run.stdout}${run.stderr}`).not.toMatch(/\bfail\b.*[1-9]/i);
    expect(run.status).toBe(0);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
