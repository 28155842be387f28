import { deployment, located } from './helpers';
import type { InputRule } from '../../src/rules/rule';

/**
 * The engine hands input-scoped rules the whole input and the declared cluster context. A test rule
 * (namespace must exist) shows the contract: absent from partial input is unknown, absent from a
 * declared context is a failure.
 */
const namespaceExists: InputRule = {
  id: 'test-namespace-exists',
  title: 'namespace exists',
  remediation: 'create it',
  level: 'hardened',
  severity: 'medium',
  controls: [],
  edition: 1,
  scope: 'input',
  kinds: ['Deployment'],
  check({ object, input, cluster }) {
    const ns = object.metadata?.namespace;
    if (!ns) return 'not-applicable';
    if (input.get('Namespace', '', undefined, ns)) return [];
    if (cluster.namespaces?.some((n) => n.name === ns)) return [];
    if (cluster.namespaces || cluster.complete) return [{ path: 'metadata.namespace', message: `namespace ${ns} does not exist` }];
    return [{ path: 'metadata.namespace', message: `namespace ${ns} is not in the input`, unknown: true }];
  },
};

function engineWith(rule: InputRule): typeof import('../../src/engine') {
  let engine: typeof import('../../src/engine') | undefined;
  jest.isolateModules(() => {
    jest.doMock('../../src/rules/catalogue', () => {
      const actual = jest.requireActual('../../src/rules/catalogue');
      const rules = [...actual.RULES, rule];
      return { ...actual, RULES: rules, ruleById: (id: string) => rules.find((r) => r.id === id) };
    });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    engine = require('../../src/engine');
  });
  return engine!;
}

describe('input-scoped rules', () => {
  const engine = engineWith(namespaceExists);
  const workload = deployment('web', { containers: [{ name: 'app' }] });
  const outcome = (report: ReturnType<typeof engine.evaluate>) => report.findings.filter((f) => f.rule === namespaceExists.id).map((f) => f.outcome);

  it('says unknown when the other object is not in partial input and no cluster context is declared', () => {
    const report = engine.evaluate(located(workload), { level: 'hardened' });
    expect(outcome(report)).toEqual(['unknown']);
    expect(engine.hasBlockingFindings({ ...report, findings: report.findings.filter((f) => f.rule === namespaceExists.id) })).toBe(false);
  });

  it('passes when the input holds the other object', () => {
    const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } };
    expect(outcome(engine.evaluate(located(workload, ns), { level: 'hardened' }))).toEqual([]);
  });

  it('finds a cluster-scoped object by name whatever namespace it carries, as the API server drops it (cdk8s sets its chart\'s)', () => {
    const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', namespace: 'shop' } };
    expect(outcome(engine.evaluate(located(workload, ns), { level: 'hardened' }))).toEqual([]);
    // A kind of that name in another group is no Namespace of the API server's.
    const custom = { apiVersion: 'acme.io/v1', kind: 'Namespace', metadata: { name: 'shop', namespace: 'shop' } };
    expect(outcome(engine.evaluate(located(workload, custom), { level: 'hardened' }))).toEqual(['unknown']);
  });

  it('uses the declared cluster context: present passes, absent fails', () => {
    expect(outcome(engine.evaluate(located(workload), { level: 'hardened', cluster: { namespaces: [{ name: 'shop' }] } }))).toEqual([]);
    expect(outcome(engine.evaluate(located(workload), { level: 'hardened', cluster: { namespaces: [{ name: 'other' }] } }))).toEqual(['fail']);
    expect(outcome(engine.evaluate(located(workload), { level: 'hardened', cluster: { complete: true } }))).toEqual(['fail']);
  });

  it('does not run at lower levels', () => {
    expect(engine.evaluate(located(workload), { level: 'restricted' }).rules).not.toContain(namespaceExists.id);
  });

  it('validates the cluster context eagerly', () => {
    expect(() => engine.evaluate([], { cluster: { namespaces: [{ labels: {} }] } as never })).toThrow(/namespace needs a name/);
    expect(() => engine.evaluate([], { cluster: { networkPolicies: [{}] } as never })).toThrow(/apiVersion and kind/);
  });
});
