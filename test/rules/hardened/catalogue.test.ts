import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { deployment, namespaceObject, networkPolicyObject, serviceAccount } from './context';
import { evaluate } from '../../../src/engine/evaluate';
import { hasBlockingFindings } from '../../../src/engine/report';
import { RULES } from '../../../src/rules/catalogue';

const HARDENED = RULES.filter((rule) => rule.level === 'hardened');
const CROSS_OBJECT = ['service-account-token', 'service-account-present', 'network-policy', 'namespace-psa-labels'];
const located = (objects: readonly object[]) => objects.map((object, i) => ({ object: object as never, source: { file: 'app.yaml', documentIndex: i } }));

describe('hardened rules in the catalogue', () => {
  test('each rule has its own file named after its id, and full metadata', () => {
    expect(HARDENED.map((r) => r.id)).toEqual(expect.arrayContaining(['read-only-root-filesystem', 'resources', 'image-digest', 'allowed-registries', 'rbac-no-exec', ...CROSS_OBJECT]));
    for (const rule of HARDENED) {
      expect(existsSync(join(__dirname, '../../../src/rules', `${rule.id}.ts`))).toBe(true);
      expect(rule.title.length).toBeGreaterThan(10);
      expect(rule.remediation.length).toBeGreaterThan(20);
      expect(['low', 'medium', 'high', 'critical']).toContain(rule.severity);
      for (const control of rule.controls) {
        expect(control.edition).toMatch(control.framework === 'CIS Kubernetes Benchmark' ? /^v1\.10$/ : /\S/);
        if (control.framework === 'NIST SP 800-190') expect(control.interpretation).toBe(true);
      }
    }
  });

  test('a complete hardened application passes every rule through evaluate', () => {
    const objects = [namespaceObject(), serviceAccount(), networkPolicyObject(), deployment()];
    const report = evaluate(located(objects), { hardened: { allowedRegistries: ['registry.example.com'] } });
    expect(report.findings).toEqual([]);
    for (const rule of HARDENED) expect(report.rules).toContain(rule.id);
  });

  test('partial input: the workload alone gets unknown, not failing, cross-object findings', () => {
    const report = evaluate(located([deployment()]));
    const byRule = new Map(report.findings.map((f) => [f.rule, f]));
    for (const id of ['service-account-present', 'network-policy', 'namespace-psa-labels']) {
      expect(byRule.get(id)).toEqual(expect.objectContaining({ outcome: 'unknown', kind: 'Deployment', name: 'web' }));
    }
    expect(report.findings.filter((f) => f.outcome !== 'unknown')).toEqual([]);
    expect(hasBlockingFindings(report)).toBe(false);
  });

  test('the same partial input with a complete cluster context fails', () => {
    const report = evaluate(located([deployment()]), { cluster: { complete: true } });
    const failing = new Set(report.findings.filter((f) => f.outcome === 'fail').map((f) => f.rule));
    expect([...failing].sort()).toEqual(['namespace-psa-labels', 'network-policy', 'service-account-present']);
    expect(hasBlockingFindings(report)).toBe(true);
  });

  test('restricted and baseline levels do not run hardened rules', () => {
    const report = evaluate(located([deployment({ container: { image: 'nginx' } })]), { level: 'restricted' });
    expect(report.rules.some((id) => HARDENED.some((r) => r.id === id))).toBe(false);
    expect(report.findings).toEqual([]);
  });
});
