import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deployment, located } from './helpers';
import { baselineFromReport, evaluate, fingerprintOf, hasBlockingFindings, readBaseline, writeBaseline } from '../../src/engine';
import { HardpodError } from '../../src/model/errors';

const privileged = (name: string, metadata: Record<string, unknown> = {}) =>
  deployment(name, { containers: [{ name: 'app', securityContext: { privileged: true } }] }, metadata);

describe('suppressions', () => {
  it('suppresses a finding matched exactly on rule, kind, namespace and name, and reports it with its reason', () => {
    const report = evaluate(located(privileged('a'), privileged('b')), {
      level: 'baseline',
      suppressions: [{ rule: 'privileged', kind: 'Deployment', namespace: 'shop', name: 'a', reason: 'node agent, reviewed by security' }],
    });
    expect(report.findings.map((f) => [f.name, f.outcome])).toEqual([['a', 'suppressed'], ['b', 'fail']]);
    expect(report.findings[0].suppression).toEqual({ rule: 'privileged', reason: 'node agent, reviewed by security', source: 'config' });
    expect(report.summary).toMatchObject({ suppressed: 1, fail: 1 });
    expect(report.unusedSuppressions).toEqual([]);
  });

  it('does not match on a different namespace, a missing namespace or another kind, and lists the unused entry', () => {
    const entries = [
      { rule: 'privileged', kind: 'Deployment', name: 'a', reason: 'x' },
      { rule: 'privileged', kind: 'StatefulSet', namespace: 'shop', name: 'a', reason: 'x' },
      { rule: 'privileged', kind: 'Deployment', namespace: 'other', name: 'a', reason: 'x' },
    ];
    const report = evaluate(located(privileged('a')), { level: 'baseline', suppressions: entries });
    expect(report.findings[0].outcome).toBe('fail');
    expect(report.unusedSuppressions).toHaveLength(3);
  });

  it('reads suppressions from hardpod.dev/suppress.<rule-id> annotations', () => {
    const object = privileged('a', { annotations: { 'hardpod.dev/suppress.privileged': 'CNI plugin needs it' } });
    const report = evaluate(located(object), { level: 'baseline' });
    expect(report.findings[0]).toMatchObject({ outcome: 'suppressed', suppression: { source: 'annotation', reason: 'CNI plugin needs it' } });
    expect(hasBlockingFindings(report)).toBe(false);
  });

  it('validates suppressions eagerly: unknown rule ids and empty reasons are errors', () => {
    expect(() => evaluate([], { suppressions: [{ rule: 'no-such-rule', kind: 'Deployment', name: 'a', reason: 'x' }] })).toThrow(/unknown rule id "no-such-rule"/);
    expect(() => evaluate([], { suppressions: [{ rule: 'privileged', kind: 'Deployment', name: 'a', reason: '  ' }] })).toThrow(/non-empty reason/);
    expect(() => evaluate([], { suppressions: [{ rule: 'privileged', name: 'a', reason: 'x' } as never] })).toThrow(/kind/);
    const badAnnotation = privileged('a', { annotations: { 'hardpod.dev/suppress.privileged': '' } });
    expect(() => evaluate(located(badAnnotation))).toThrow(HardpodError);
    expect(() => evaluate(located(badAnnotation))).toThrow(/input\.yaml:1.*non-empty reason/);
    const unknownRule = privileged('a', { annotations: { 'hardpod.dev/suppress.privilegd': 'typo' } });
    expect(() => evaluate(located(unknownRule))).toThrow(/unknown rule id "privilegd"/);
  });

  it('can be forbidden by the config, for config entries and annotations alike', () => {
    expect(() => evaluate([], { forbidSuppressions: true, suppressions: [{ rule: 'privileged', kind: 'Deployment', name: 'a', reason: 'x' }] })).toThrow(/forbidden/);
    const annotated = privileged('a', { annotations: { 'hardpod.dev/suppress.privileged': 'please' } });
    expect(() => evaluate(located(annotated), { forbidSuppressions: true })).toThrow(/forbidden/);
    expect(evaluate(located(privileged('b')), { level: 'baseline', forbidSuppressions: true }).findings[0].outcome).toBe('fail');
  });
});

describe('adoption baseline', () => {
  it('fingerprints rule, kind, namespace, name and path, stable and distinct', () => {
    const base = { rule: 'privileged', kind: 'Deployment', namespace: 'shop', name: 'a', path: 'spec.x' };
    expect(fingerprintOf(base)).toMatch(/^[0-9a-f]{16}$/);
    expect(fingerprintOf(base)).toBe(fingerprintOf({ ...base }));
    for (const change of [{ rule: 'x' }, { kind: 'StatefulSet' }, { namespace: undefined }, { name: 'b' }, { path: 'spec.y' }]) {
      expect(fingerprintOf({ ...base, ...change })).not.toBe(fingerprintOf(base));
    }
  });

  it('marks known findings as baselined so only new findings block', () => {
    const before = evaluate(located(privileged('a')), { level: 'baseline' });
    const baseline = baselineFromReport(before);
    expect(baseline.findings).toHaveLength(1);
    const after = evaluate(located(privileged('a'), privileged('b')), { level: 'baseline', baseline: baseline.findings });
    expect(after.findings.map((f) => [f.name, !!f.baselined])).toEqual([['a', true], ['b', false]]);
    expect(after.summary.baselined).toBe(1);
    expect(hasBlockingFindings(after)).toBe(true);
    const onlyOld = evaluate(located(privileged('a')), { level: 'baseline', baseline: baseline.findings });
    expect(hasBlockingFindings(onlyOld)).toBe(false);
  });

  it('writes and reads baseline files atomically, and names a malformed file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hardpod-baseline-'));
    const file = join(dir, 'baseline.json');
    const written = writeBaseline(file, evaluate(located(privileged('a')), { level: 'baseline' }));
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(written);
    expect(readBaseline(file)).toEqual(written.findings);
    writeFileSync(file, '{"findings": 3}');
    expect(() => readBaseline(file)).toThrow(new RegExp(`${file}.*not a hardpod baseline file`));
    writeFileSync(file, '{');
    expect(() => readBaseline(file)).toThrow(/not valid JSON/);
    expect(() => readBaseline(join(dir, 'missing.json'))).toThrow(/missing\.json: cannot read the baseline file: no such file or folder/);
  });
});
