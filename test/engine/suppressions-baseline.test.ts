import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deployment, located } from './helpers';
import { baselineFromReport, evaluate, fingerprintOf, hasBlockingFindings, identityPath, readBaseline, unsuppressedNotChecked, writeBaseline } from '../../src/engine';
import { HardpodError } from '../../src/model/errors';
import type { KubeObject } from '../../src/model/kube-object';
import { formatText } from '../../src/reporters/text';

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
    // The error carries the annotation's field, for a reader that knows its line.
    const thrown = (() => {
      try {
        evaluate(located(unknownRule));
      } catch (error) {
        return error as HardpodError;
      }
      return undefined;
    })();
    expect(thrown?.field).toEqual({ source: located(unknownRule)[0].source, path: 'metadata.annotations["hardpod.dev/suppress.privilegd"]', label: 'annotation hardpod.dev/suppress.privilegd' });
  });

  it('names an object without a name by its generateName, as reports label it, and never by a name', () => {
    const job = (metadata: Record<string, unknown>): KubeObject => ({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { namespace: 'ci', ...metadata },
      spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'a', securityContext: { privileged: true } }] } } },
    });
    const entry = { rule: 'privileged', kind: 'Job', namespace: 'ci', generateName: 'migrate-', reason: 'the schema migration loads a kernel module, SEC-9' };
    const jobs = located(job({ generateName: 'migrate-' }), job({ generateName: 'other-' }), job({ name: 'migrate-' }), job({ name: 'migrate-x7k2p', generateName: 'migrate-' }));
    const report = evaluate(jobs, { level: 'baseline', suppressions: [entry] });
    expect(report.findings.map((f) => [f.name, f.generateName, f.outcome])).toEqual([
      ['', 'migrate-', 'suppressed'], ['', 'other-', 'fail'], ['migrate-', undefined, 'fail'], ['migrate-x7k2p', undefined, 'fail'],
    ]);
    expect(report.findings[0].suppression).toEqual({ rule: 'privileged', reason: entry.reason, source: 'config' });
    expect(report.unusedSuppressions).toEqual([]);
    // Unused, it is listed as the annotation of such an object is: no name, its generateName.
    const unused = evaluate(located(job({ generateName: 'other-' })), { level: 'baseline', suppressions: [entry] });
    expect(unused.unusedSuppressions).toEqual([{ ...entry, name: '', source: 'config' }]);
    expect(formatText(unused)).toContain('Unused suppression: privileged on Job ci/migrate-* (generateName) matched no finding; remove it from the config.');
    // A name matches named objects only: a name with a * is no name an object can have.
    const { generateName, ...named } = entry;
    expect(() => evaluate([], { suppressions: [{ ...entry, name: 'migrate-' }] })).toThrow(/give name or generateName, not both/);
    expect(() => evaluate([], { suppressions: [named as never] })).toThrow(/suppression needs name \(matched exactly\), or generateName for an object without a name/);
    expect(() => evaluate([], { suppressions: [{ ...named, name: 'migrate-* (generateName)' }] }))
      .toThrow(new RegExp(`no object's name holds a \\*; to name an object without a name by its generateName, write generateName: "${generateName}"`));
    expect(() => evaluate([], { suppressions: [{ ...entry, generateName: '' }] })).toThrow(/suppression generateName is empty/);
    expect(() => evaluate([], { suppressions: [{ ...entry, generateName: 3 } as never] })).toThrow(/suppression generateName must be a string, got a number/);
  });

  it('can be forbidden by the config, for config entries and annotations alike', () => {
    expect(() => evaluate([], { forbidSuppressions: true, suppressions: [{ rule: 'privileged', kind: 'Deployment', name: 'a', reason: 'x' }] })).toThrow(/forbidden/);
    const annotated = privileged('a', { annotations: { 'hardpod.dev/suppress.privileged': 'please' } });
    expect(() => evaluate(located(annotated), { forbidSuppressions: true })).toThrow(/forbidden/);
    expect(evaluate(located(privileged('b')), { level: 'baseline', forbidSuppressions: true }).findings[0].outcome).toBe('fail');
  });
});

/** A Prometheus Operator Prometheus: its pod fields sit right under spec, which no workloadKinds mapping can express. */
const prometheus = (metadata: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'monitoring.coreos.com/v1',
  kind: 'Prometheus',
  metadata: { name: 'k8s', namespace: 'monitoring', ...metadata },
  spec: {
    replicas: 2,
    serviceAccountName: 'prometheus-k8s',
    securityContext: { runAsNonRoot: true, runAsUser: 1000, fsGroup: 2000 },
    containers: [{ name: 'config-reloader', securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true } }],
  },
});
const PROMETHEUS_REASON = 'operator-made StatefulSet prometheus-k8s is checked from the cluster (kubectl get statefulset -o yaml | hardpod check -)';

describe('not-checked suppressions', () => {
  it('acknowledge an object hardpod cannot check from the config: it stays listed, with the suppression and its reason', () => {
    const unsuppressed = evaluate(located(prometheus()));
    expect(unsuppressed.notChecked).toHaveLength(1);
    expect(unsuppressed.notChecked[0].suppression).toBeUndefined();
    const report = evaluate(located(prometheus(), privileged('web')), {
      suppressions: [{ rule: 'not-checked', kind: 'Prometheus', namespace: 'monitoring', name: 'k8s', reason: PROMETHEUS_REASON }],
    });
    expect(report.notChecked).toEqual([expect.objectContaining({
      kind: 'Prometheus',
      namespace: 'monitoring',
      name: 'k8s',
      reason: unsuppressed.notChecked[0].reason,
      suppression: { rule: 'not-checked', reason: PROMETHEUS_REASON, source: 'config' },
    })]);
    expect(unsuppressedNotChecked(report)).toEqual([]);
    expect(report.unusedSuppressions).toEqual([]);
    // It waives nothing else: the rules' findings on other objects stand, and no finding is counted suppressed.
    expect(report.summary.suppressed).toBe(0);
    expect(report.findings.some((f) => f.rule === 'privileged' && f.outcome === 'fail')).toBe(true);
    expect(report.rules).not.toContain('not-checked');
  });

  it('acknowledge it from the object\'s own annotation hardpod.dev/suppress.not-checked', () => {
    const report = evaluate(located(prometheus({ annotations: { 'hardpod.dev/suppress.not-checked': PROMETHEUS_REASON } })));
    expect(report.notChecked.map((item) => item.suppression)).toEqual([{ rule: 'not-checked', reason: PROMETHEUS_REASON, source: 'annotation' }]);
    expect(report.unusedSuppressions).toEqual([]);
  });

  it('match exactly, and one that acknowledges no object hardpod could not check is unused, from the config or an annotation', () => {
    const report = evaluate(located(prometheus(), deployment('web', { containers: [{ name: 'app' }] }, { annotations: { 'hardpod.dev/suppress.not-checked': 'stale' } })), {
      suppressions: [
        { rule: 'not-checked', kind: 'Prometheus', namespace: 'default', name: 'k8s', reason: 'another namespace' },
        { rule: 'not-checked', kind: 'Prometheus', name: 'k8s', reason: 'no namespace' },
        { rule: 'privileged', kind: 'Prometheus', namespace: 'monitoring', name: 'k8s', reason: 'another rule' },
      ],
    });
    expect(report.notChecked[0].suppression).toBeUndefined();
    expect(report.unusedSuppressions?.map((u) => [u.rule, u.kind, u.namespace, u.source])).toEqual([
      ['not-checked', 'Prometheus', 'default', 'config'],
      ['not-checked', 'Prometheus', undefined, 'config'],
      ['privileged', 'Prometheus', 'monitoring', 'config'],
      ['not-checked', 'Deployment', 'shop', 'annotation'],
    ]);
  });

  it('are validated as any suppression: a reason is required, forbidSuppressions refuses them, and not-checked is no rule to override', () => {
    const entry = { rule: 'not-checked', kind: 'Prometheus', namespace: 'monitoring', name: 'k8s', reason: PROMETHEUS_REASON };
    expect(() => evaluate([], { suppressions: [{ ...entry, reason: ' ' }] })).toThrow(/suppression of not-checked needs a non-empty reason/);
    expect(() => evaluate([], { forbidSuppressions: true, suppressions: [entry] })).toThrow(/forbidden/);
    expect(() => evaluate(located(prometheus({ annotations: { 'hardpod.dev/suppress.not-checked': '' } })))).toThrow(/annotation hardpod\.dev\/suppress\.not-checked.*non-empty reason/);
    expect(() => evaluate(located(prometheus({ annotations: { 'hardpod.dev/suppress.not-checked': PROMETHEUS_REASON } })), { forbidSuppressions: true })).toThrow(/forbidden/);
    expect(() => evaluate([], { suppressions: [{ ...entry, rule: 'not-check' }] })).toThrow(/unknown rule id "not-check" \(did you mean "not-checked"\?\); hardpod rules lists them \(or not-checked, for an object hardpod cannot check\)/);
    expect(() => evaluate([], { rules: { 'not-checked': { enforcement: 'warn' } } })).toThrow(/not-checked is no rule and takes no override.*suppression \{ rule: not-checked, kind, namespace, name, reason \}/);
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

  it('writes and reads baseline files atomically, and names a malformed file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hardpod-baseline-'));
    const file = join(dir, 'baseline.json');
    const written = await writeBaseline(file, evaluate(located(privileged('a')), { level: 'baseline' }));
    writeFileSync(join(dir, 'good.json'), readFileSync(file));
    // Written entry by entry, in exactly the layout JSON.stringify gives it.
    expect(readFileSync(file, 'utf8')).toBe(`${JSON.stringify(written, null, 2)}\n`);
    expect(readBaseline(file)).toEqual(written.findings);
    writeFileSync(file, '{"findings": 3}');
    expect(() => readBaseline(file)).toThrow(new RegExp(`${file}.*not a hardpod baseline file`));
    writeFileSync(file, '{');
    expect(() => readBaseline(file)).toThrow(/not valid JSON/);
    writeFileSync(file, '{\n  "version": 2,\n  "findings": [],\n}\n');
    expect(() => readBaseline(file)).toThrow(new RegExp(`${file}:4: baseline file is not valid JSON: .*; write it again with hardpod check --write-baseline`));
    const lines = readFileSync(file.replace('baseline.json', 'good.json'), 'utf8').split('\n');
    expect(lines[8]).toMatch(/^ {6}"namespace": "shop",$/);
    // An unquoted value on line 9: JSON.parse's message gives no position, and quotes the lines around it.
    writeFileSync(file, lines.map((line, i) => (i === 8 ? line.replace('"shop"', 'shop') : line)).join('\n'));
    expect(() => readBaseline(file)).toThrow(new Error(
      `${file}:9: baseline file is not valid JSON: unexpected "shop"; expected a JSON value: a string in double quotes, a number, true, false, null, an object or an array; `
      + 'write it again with hardpod check --write-baseline',
    ));
    // Cut short: the last line, not one past the end.
    writeFileSync(file, lines.slice(0, 10).join('\n') + '\n');
    expect(() => readBaseline(file)).toThrow(new RegExp(`${file}:10: baseline file is not valid JSON: the text ends inside a JSON value`));
    // A manifest given by mistake: its first line.
    writeFileSync(file, 'apiVersion: v1\nkind: Pod\n');
    expect(() => readBaseline(file)).toThrow(new RegExp(`${file}:1: baseline file is not valid JSON: unexpected "apiVersion"`));
    // A byte-order mark, as editors on Windows add, is skipped.
    writeFileSync(file, `\uFEFF${lines.join('\n')}`);
    expect(readBaseline(file)).toEqual(written.findings);
    expect(() => readBaseline(join(dir, 'missing.json'))).toThrow(/missing\.json: cannot read the baseline file: no such file or folder/);
    writeFileSync(file, '{"version": 4, "edition": "2", "findings": []}');
    expect(() => readBaseline(file)).toThrow(new RegExp(`${file}: edition must be the rule-set edition the baseline was written under \\(an integer from 1\\), got "2"`));
  });
});

describe('suppressions: matching and unused ones', () => {
  const inNamespace = (namespace: string | undefined) => privileged('a', { namespace });

  it('treats an empty namespace as no namespace, on the object and in the entry alike', () => {
    const noNamespace = { rule: 'privileged', kind: 'Deployment', name: 'a', reason: 'cluster-scoped render' };
    const emptyNamespace = { ...noNamespace, namespace: '' };
    for (const [object, entry] of [[inNamespace(''), noNamespace], [inNamespace(undefined), emptyNamespace], [inNamespace(''), emptyNamespace]] as const) {
      const report = evaluate(located(object), { level: 'baseline', suppressions: [entry] });
      expect(report.findings.map((f) => f.outcome)).toEqual(['suppressed']);
      expect(report.unusedSuppressions).toEqual([]);
    }
    // A real namespace still never matches an entry without one.
    expect(evaluate(located(inNamespace('shop')), { level: 'baseline', suppressions: [emptyNamespace] }).findings[0].outcome).toBe('fail');
  });

  it('matches an entry without a namespace to a cluster-scoped object that carries one (cdk8s sets its chart\'s), and the entry naming it too', () => {
    const binding = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'operator-admin', namespace: 'ops' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: [{ kind: 'ServiceAccount', name: 'operator', namespace: 'ops' }],
    };
    const entry = { rule: 'rbac-no-cluster-admin', kind: 'ClusterRoleBinding', name: 'operator-admin', reason: 'the operator installs CRDs, SEC-12' };
    for (const suppression of [entry, { ...entry, namespace: 'ops' }]) {
      const report = evaluate(located(binding), { level: 'hardened', suppressions: [suppression] });
      expect(report.findings.filter((f) => f.rule === 'rbac-no-cluster-admin').map((f) => f.outcome)).toEqual(['suppressed']);
      expect(report.unusedSuppressions).toEqual([]);
    }
    // A namespaced object's namespace still tells it apart.
    expect(evaluate(located(inNamespace('shop')), { level: 'baseline', suppressions: [{ ...entry, rule: 'privileged', kind: 'Deployment', name: 'a' }] }).findings[0].outcome).toBe('fail');
  });

  it('reports annotation suppressions that waived nothing, with their object and source, as it does config entries', () => {
    const notPrivileged = deployment('quiet', { containers: [{ name: 'app' }] }, { annotations: { 'hardpod.dev/suppress.privileged': 'was privileged once' } });
    const used = privileged('loud', { annotations: { 'hardpod.dev/suppress.privileged': 'CNI plugin' } });
    const report = evaluate(located(notPrivileged, used), {
      level: 'baseline',
      suppressions: [{ rule: 'host-ports', kind: 'Deployment', namespace: 'shop', name: 'loud', reason: 'legacy' }],
    });
    expect(report.findings.map((f) => [f.name, f.outcome])).toEqual([['loud', 'suppressed']]);
    expect(report.unusedSuppressions).toEqual([
      { rule: 'host-ports', kind: 'Deployment', namespace: 'shop', name: 'loud', reason: 'legacy', source: 'config' },
      { rule: 'privileged', kind: 'Deployment', namespace: 'shop', name: 'quiet', reason: 'was privileged once', source: 'annotation' },
    ]);
  });

  it('does not report as unused a suppression for a rule this run did not run (disabled, another level or edition)', () => {
    const suppressions = [
      { rule: 'privileged', kind: 'Deployment', namespace: 'shop', name: 'a', reason: 'node agent' },
      { rule: 'image-digest', kind: 'Deployment', namespace: 'shop', name: 'a', reason: 'built in place' },
    ];
    const annotated = privileged('a', { annotations: { 'hardpod.dev/suppress.read-only-root-filesystem': 'writes /var/cache' } });
    // Disabled by the config, or outside the level: the finding would be there, and the suppression with it.
    const report = evaluate(located(annotated), { level: 'baseline', suppressions, rules: { privileged: { enabled: false } } });
    expect(report.findings).toEqual([]);
    expect(report.unusedSuppressions).toEqual([]);
    // The same suppressions, where their rules run and find nothing, are unused.
    const fixed = deployment('a', { containers: [{ name: 'app', image: 'x@sha256:' + '0'.repeat(64), securityContext: { readOnlyRootFilesystem: true } }] });
    expect((evaluate(located(fixed), { suppressions }).unusedSuppressions ?? []).map((u) => u.rule)).toEqual(['privileged', 'image-digest']);
  });

  it('reads annotations from the object itself (each List item included), never from its pod template or a List', () => {
    const annotation = { 'hardpod.dev/suppress.privileged': 'reviewed' };
    const onTemplate = privileged('template');
    (onTemplate.spec as { template: { metadata: Record<string, unknown> } }).template.metadata.annotations = annotation;
    const list = { apiVersion: 'v1', kind: 'List', metadata: { annotations: annotation }, items: [privileged('item', { annotations: annotation }), privileged('plain')] };
    const report = evaluate(located(onTemplate, list), { level: 'baseline' });
    expect(report.findings.map((f) => [f.name, f.outcome])).toEqual([['template', 'fail'], ['item', 'suppressed'], ['plain', 'fail']]);
    expect(() => evaluate(located(list), { level: 'baseline', forbidSuppressions: true })).toThrow(/forbidden/);
  });
});

describe('adoption baseline: identity across edits', () => {
  const app = (containers: Record<string, unknown>[], name = 'a') => deployment(name, { containers });
  const bad = { name: 'app', securityContext: { privileged: true } };
  const sidecar = { name: 'sidecar' };
  const at = (object: ReturnType<typeof app>, file: string, documentIndex: number) =>
    [{ object, source: { file, line: 1 + documentIndex * 10, documentIndex } }];

  it('identifies a container by its name: reordering containers, adding one, moving the document or renaming the file keeps old findings known', () => {
    const before = at(app([sidecar, bad]), 'a.yaml', 0);
    const baseline = baselineFromReport(evaluate(before, { level: 'baseline' }), before);
    expect(baseline.findings).toEqual([expect.objectContaining({ rule: 'privileged', path: 'spec.template.spec.containers[name="app"].securityContext.privileged' })]);
    for (const after of [
      at(app([bad, sidecar]), 'a.yaml', 0),
      at(app([{ name: 'init' }, sidecar, bad]), 'a.yaml', 0),
      at(app([sidecar, bad]), 'renamed.yaml', 3),
    ]) {
      const report = evaluate(after, { level: 'baseline', baseline: baseline.findings });
      expect(report.findings.map((f) => f.baselined)).toEqual([true]);
      expect(hasBlockingFindings(report)).toBe(false);
    }
    // The items of a List given as it is (a cdk8s Include of a List) are identified the same way.
    const list = [{ object: { apiVersion: 'v1', kind: 'List', items: [app([sidecar, bad])] }, source: { constructPath: 'app/include' } }];
    expect(baselineFromReport(evaluate(list, { level: 'baseline' }), list).findings.map((f) => f.path))
      .toEqual(['spec.template.spec.containers[name="app"].securityContext.privileged']);
    // A second privileged container is a new finding.
    const more = evaluate(at(app([{ ...bad, name: 'other' }, sidecar, bad]), 'a.yaml', 0), { level: 'baseline', baseline: baseline.findings });
    expect(more.findings.map((f) => [f.path, !!f.baselined])).toEqual([
      ['spec.template.spec.containers[0].securityContext.privileged', false],
      ['spec.template.spec.containers[2].securityContext.privileged', true],
    ]);
  });

  it('identifies an added capability by its value and a sysctl by its name: one added before an old one is the new finding', () => {
    const pod = (add: string[], sysctls: string[]): KubeObject => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'shop' },
      spec: { securityContext: { sysctls: sysctls.map((name) => ({ name, value: '1' })) }, containers: [{ name: 'app', securityContext: { capabilities: { add } } }] },
    });
    const before = located(pod(['NET_ADMIN'], ['kernel.msgmax']));
    const baseline = baselineFromReport(evaluate(before, { level: 'baseline' }), before).findings;
    expect(baseline.map((e) => e.path).sort()).toEqual([
      'spec.containers[name="app"].securityContext.capabilities.add[="NET_ADMIN"]',
      'spec.securityContext.sysctls[name="kernel.msgmax"].name',
    ]);
    const report = evaluate(located(pod(['SYS_ADMIN', 'NET_ADMIN'], ['kernel.shmmax', 'kernel.msgmax'])), { level: 'baseline', baseline });
    expect(report.findings.filter((f) => !f.baselined).map((f) => f.message)).toEqual([
      expect.stringContaining('"SYS_ADMIN"'),
      expect.stringContaining('kernel.shmmax'),
    ]);
    expect(report.staleBaseline).toEqual([]);
  });

  it('still matches version 3 entries of added capabilities, written with the index', () => {
    const object = deployment('a', { containers: [{ name: 'app', securityContext: { capabilities: { add: ['NET_ADMIN'] } } }] });
    const path = 'spec.template.spec.containers[name="app"].securityContext.capabilities.add[0]';
    const entry = { fingerprint: fingerprintOf({ rule: 'capabilities-baseline', kind: 'Deployment', namespace: 'shop', name: 'a', path }), rule: 'capabilities-baseline', kind: 'Deployment', namespace: 'shop', name: 'a', path };
    const report = evaluate(located(object), { level: 'baseline', baseline: [entry] });
    expect(report.findings.map((f) => f.baselined)).toEqual([true]);
    expect(report.staleBaseline).toEqual([]);
  });

  it('keeps the index for items without a unique key', () => {
    const object = deployment('a', { containers: [{ name: 'x' }, { name: 'x' }, {}], volumes: [{ name: 'data' }] });
    expect(identityPath(object, 'spec.template.spec.containers[1].image')).toBe('spec.template.spec.containers[1].image');
    expect(identityPath(object, 'spec.template.spec.containers[2].image')).toBe('spec.template.spec.containers[2].image');
    expect(identityPath(object, 'spec.template.spec.volumes[0].hostPath')).toBe('spec.template.spec.volumes[name="data"].hostPath');
    expect(identityPath(object, 'metadata.annotations["a.b/c"]')).toBe('metadata.annotations["a.b/c"]');
  });

  it('still reads version 1 files, whose fingerprints use list indexes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hardpod-baseline-v1-'));
    const file = join(dir, 'v1.json');
    const path = 'spec.template.spec.containers[0].securityContext.privileged';
    const entry = { fingerprint: fingerprintOf({ rule: 'privileged', kind: 'Deployment', namespace: 'shop', name: 'a', path }), rule: 'privileged', kind: 'Deployment', namespace: 'shop', name: 'a', path };
    writeFileSync(file, JSON.stringify({ version: 1, findings: [entry] }));
    const report = evaluate(located(app([bad])), { level: 'baseline', baseline: readBaseline(file) });
    expect(report.findings.map((f) => f.baselined)).toEqual([true]);
    expect(report.staleBaseline).toEqual([]);
    writeFileSync(file, JSON.stringify({ version: 9, findings: [] }));
    expect(() => readBaseline(file)).toThrow(new RegExp(`${file}: baseline file version 9 is not one this hardpod reads \\(1, 2, 3, 4 or 5\\); upgrade hardpod, or write the baseline again`));
  });

  it('writes the identity the baseline matches by when given the objects', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hardpod-baseline-v2-'));
    const file = join(dir, 'baseline.json');
    const objects = located(app([sidecar, bad]));
    const report = evaluate(objects, { level: 'baseline' });
    // As the CLI does: findings point at their field's line through a copy of their object's source.
    for (const finding of report.findings) (finding as { source: object }).source = { ...finding.source, line: 42 };
    const written = await writeBaseline(file, report, objects);
    expect(written.version).toBe(5);
    expect(written.findings.map((f) => f.path)).toEqual(['spec.template.spec.containers[name="app"].securityContext.privileged']);
    expect(readBaseline(file)).toEqual(written.findings);
    const reordered = evaluate(located(app([bad, sidecar])), { level: 'baseline', baseline: readBaseline(file) });
    expect(hasBlockingFindings(reordered)).toBe(false);
  });

  it('identifies each finding by its own object, however the findings of objects alike are ordered', () => {
    // Both objects have a privileged container at index 1, named differently: each entry must name its own.
    const objects = located(app([sidecar, bad]), app([{ name: 'init' }, { ...bad, name: 'web' }], 'b'));
    const report = evaluate(objects, { level: 'baseline' });
    const [a, b] = report.findings;
    const interleaved = { ...report, findings: [a, b, a, b] };
    expect(baselineFromReport(interleaved, objects).findings.map((f) => `${f.name} ${f.path}`).sort()).toEqual([
      'a spec.template.spec.containers[name="app"].securityContext.privileged',
      'b spec.template.spec.containers[name="web"].securityContext.privileged',
    ]);
    expect(new Set(baselineFromReport(interleaved, objects).findings.map((f) => f.fingerprint)).size).toBe(2);
  });

  it('lists entries whose finding is gone as stale, but not entries for rules or objects outside the run', () => {
    const objects = located(app([bad]), app([bad], 'b'));
    const baseline = baselineFromReport(evaluate(objects, { level: 'baseline' }), objects).findings;
    const duplicated = [...baseline, ...baseline];
    const fixedA = evaluate(located(app([{ name: 'app' }]), app([bad], 'b')), { level: 'baseline', baseline: duplicated });
    expect(fixedA.staleBaseline).toEqual([expect.objectContaining({ name: 'a', rule: 'privileged' })]);
    // Only b checked: a's entry is not judged.
    expect(evaluate(located(app([bad], 'b')), { level: 'baseline', baseline }).staleBaseline).toEqual([]);
    // The rule did not run: nothing is known about its findings.
    expect(evaluate(located(app([{ name: 'app' }])), { level: 'baseline', baseline, rules: { privileged: { enabled: false } } }).staleBaseline).toEqual([]);
  });

  it('counts every entry that matched no finding, those of objects no longer in the input too, and fails nothing for it', () => {
    const objects = located(app([bad]), app([bad], 'b'));
    const baseline = baselineFromReport(evaluate(objects, { level: 'baseline' }), objects).findings;
    expect(evaluate(objects, { level: 'baseline', baseline }).summary.baselineUnmatched).toBe(0);
    // b was deleted: its entry matches nothing, whether or not the run could have judged it.
    const deleted = evaluate(located(app([bad])), { level: 'baseline', baseline: [...baseline, ...baseline] });
    expect(deleted.summary.baselineUnmatched).toBe(1);
    expect(deleted.staleBaseline).toEqual([]);
    expect(hasBlockingFindings(deleted)).toBe(false);
    // a fixed as well: its entry is stale, and counted among those that matched nothing.
    const fixed = evaluate(located(app([{ name: 'app' }])), { level: 'baseline', baseline });
    expect(fixed.summary.baselineUnmatched).toBe(2);
    expect(fixed.staleBaseline).toHaveLength(1);
    // The rule did not run: its entries matched nothing either.
    expect(evaluate(objects, { level: 'baseline', baseline, rules: { privileged: { enabled: false } } }).summary.baselineUnmatched).toBe(2);
    expect(evaluate(objects, { level: 'baseline' }).summary.baselineUnmatched).toBe(0);
  });

  it('identifies an object without a name by its generateName, never by the empty name or a name equal to it', () => {
    const job = (metadata: Record<string, unknown>, securityContext: Record<string, unknown> = { privileged: true }): KubeObject => ({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata,
      spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'a', securityContext }] } } },
    });
    const migrate = located(job({ generateName: 'migrate-' }));
    const baseline = baselineFromReport(evaluate(migrate, { level: 'baseline' }), migrate).findings;
    expect(baseline).toEqual([expect.objectContaining({ kind: 'Job', name: '', generateName: 'migrate-' })]);
    const report = evaluate(located(job({ generateName: 'migrate-' }), job({ generateName: 'brand-new-' }), job({ name: 'migrate-' })), { level: 'baseline', baseline });
    expect(report.findings.map((f) => [f.name, f.generateName, !!f.baselined])).toEqual([['', 'migrate-', true], ['', 'brand-new-', false], ['migrate-', undefined, false]]);
    expect(report.objects.map((o) => o.generateName)).toEqual(['migrate-', 'brand-new-', undefined]);
    expect(hasBlockingFindings(report)).toBe(true);
    // Fixed: the entry is stale for its own object only.
    expect(evaluate(located(job({ generateName: 'migrate-' }, {})), { level: 'baseline', baseline }).staleBaseline).toEqual(baseline);
    expect(evaluate(located(job({ generateName: 'other-' }, {})), { level: 'baseline', baseline }).staleBaseline).toEqual([]);
  });

  it('keeps the fingerprints of named objects, so baselines written before still match them', () => {
    // The fingerprint of this finding as every earlier version wrote it.
    expect(fingerprintOf({ rule: 'privileged', kind: 'Deployment', namespace: 'shop', name: 'a', path: 'spec.x' })).toBe('15ef77ce9043e184');
    expect(fingerprintOf({ rule: 'privileged', kind: 'Job', name: '', generateName: 'migrate-', path: 'spec.x' }))
      .not.toBe(fingerprintOf({ rule: 'privileged', kind: 'Job', name: '', path: 'spec.x' }));
  });

  it('counts as baselined only the failures and errors the baseline keeps from blocking', () => {
    // Unknowns (the ServiceAccount is not in the input) are baselined too, but are counted as unknown.
    const objects = located(deployment('a', { serviceAccountName: 'x', containers: [{ name: 'app', image: 'nginx', securityContext: { privileged: true } }] }));
    const baseline = baselineFromReport(evaluate(objects), objects).findings;
    const report = evaluate(objects, { baseline });
    expect(report.summary.unknown).toBeGreaterThan(0);
    expect(report.findings.filter((f) => f.outcome === 'unknown').every((f) => f.baselined)).toBe(true);
    expect(report.summary.baselined).toBe(report.summary.fail);
    const suppressed = evaluate(objects, { baseline, suppressions: [{ rule: 'privileged', kind: 'Deployment', namespace: 'shop', name: 'a', reason: 'reviewed' }] });
    expect(suppressed.summary.baselined).toBe(suppressed.summary.fail);
  });
});

describe('an object of another API group than the Kubernetes kind of its name', () => {
  const containers = [{ name: 'app', image: 'nginx', securityContext: { privileged: true } }];
  const knative = (metadata: Record<string, unknown> = {}): KubeObject => ({
    apiVersion: 'serving.knative.dev/v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'shop', ...metadata },
    spec: { template: { spec: { containers } } },
  });
  const coreService: KubeObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop' }, spec: { ports: [{ port: 80 }] } };
  const path = 'spec.template.spec.containers[name="app"].securityContext.privileged';
  const coreIdentity = { rule: 'privileged', kind: 'Service', namespace: 'shop', name: 'web', path };

  it('is known by its kind and group in findings, reports, suppressions and baseline entries', () => {
    const objects = located(knative({ annotations: { 'hardpod.dev/suppress.host-ports': 'serves on 8080' } }), coreService);
    const report = evaluate(objects, { level: 'baseline' });
    expect(report.findings.map((f) => [f.kind, f.group, f.name, f.outcome])).toEqual([['Service', 'serving.knative.dev', 'web', 'fail']]);
    expect(report.objects.map((o) => [o.kind, o.group])).toEqual([['Service', 'serving.knative.dev'], ['Service', undefined]]);
    expect(report.unusedSuppressions).toEqual([{ rule: 'host-ports', kind: 'Service', group: 'serving.knative.dev', namespace: 'shop', name: 'web', reason: 'serves on 8080', source: 'annotation' }]);
    const text = formatText(report);
    expect(text).toContain('FAIL Service.serving.knative.dev shop/web  input.yaml:1');
    expect(text).toContain('Unused suppression: host-ports on Service.serving.knative.dev shop/web matched no finding');
    const [entry] = baselineFromReport(report, objects).findings;
    expect(entry).toMatchObject({ kind: 'Service', group: 'serving.knative.dev', namespace: 'shop', name: 'web', path });
    expect(entry.fingerprint).toBe(fingerprintOf({ ...coreIdentity, group: 'serving.knative.dev' }));
    expect(entry.fingerprint).not.toBe(fingerprintOf(coreIdentity));
    expect(evaluate(objects, { level: 'baseline', baseline: [entry] }).findings.map((f) => f.baselined)).toEqual([true]);
  });

  it('is neither waived by a suppression or baseline entry of the Kubernetes kind of that name, nor makes one of its own waive that kind', () => {
    const core = { rule: 'privileged', kind: 'Service', namespace: 'shop', name: 'web', reason: 'the core Service' };
    const byCore = evaluate(located(knative()), { level: 'baseline', suppressions: [core] });
    expect(byCore.findings.map((f) => f.outcome)).toEqual(['fail']);
    expect(byCore.unusedSuppressions).toEqual([{ ...core, source: 'config' }]);
    const withGroup = { ...core, group: 'serving.knative.dev', reason: 'reviewed in SEC-3' };
    expect(evaluate(located(knative()), { level: 'baseline', suppressions: [withGroup] }).findings.map((f) => f.outcome)).toEqual(['suppressed']);
    // A group names the object's own: apps for a Deployment, whose kind alone names it too.
    const deploymentEntry = { rule: 'privileged', kind: 'Deployment', namespace: 'shop', name: 'a', reason: 'x' };
    expect(evaluate(located(privileged('a')), { level: 'baseline', suppressions: [{ ...deploymentEntry, group: 'apps' }] }).findings[0].outcome).toBe('suppressed');
    expect(evaluate(located(privileged('a')), { level: 'baseline', suppressions: [{ ...deploymentEntry, group: 'apps.example.com' }] }).findings[0].outcome).toBe('fail');
    // An entry of the core Service's identity (as versions before 5 also wrote for the Knative one) does not match, and is stale: the rule ran on the core Service.
    const coreEntry = { fingerprint: fingerprintOf(coreIdentity), ...coreIdentity };
    const report = evaluate(located(knative(), coreService), { level: 'baseline', baseline: [coreEntry] });
    expect(report.findings.map((f) => f.baselined ?? false)).toEqual([false]);
    expect(hasBlockingFindings(report)).toBe(true);
    expect(report.staleBaseline).toEqual([coreEntry]);
    // The Knative Service's entry is not stale for the core Service alone: that object is not in the input.
    const knativeEntry = baselineFromReport(evaluate(located(knative()), { level: 'baseline' }), located(knative())).findings;
    const coreOnly = evaluate(located(coreService), { level: 'baseline', baseline: knativeEntry });
    expect(coreOnly.staleBaseline).toEqual([]);
    expect(coreOnly.summary.baselineUnmatched).toBe(1);
  });

  it('is named in a suppression by kind and group; a kind holding a dot is an error saying so', () => {
    const entry = { rule: 'privileged', kind: 'Service', namespace: 'shop', name: 'web', reason: 'x' };
    expect(() => evaluate([], { suppressions: [{ ...entry, kind: 'Service.serving.knative.dev' }] }))
      .toThrow(/suppression kind "Service\.serving\.knative\.dev" holds a dot, which no kind does; write kind: Service with group: serving\.knative\.dev/);
    expect(() => evaluate([], { suppressions: [{ ...entry, group: '' }] })).toThrow(/suppression group is empty/);
    expect(() => evaluate([], { suppressions: [{ ...entry, group: 1 } as never] })).toThrow(/suppression group must be a string, got a number/);
  });

  it('keeps the fingerprints of objects of the Kubernetes groups and of kinds Kubernetes does not have, so baselines written before still match them', () => {
    const meta = { name: 'web', namespace: 'shop' };
    const objects = located(
      deployment('web', { containers }),
      { apiVersion: 'v1', kind: 'Pod', metadata: meta, spec: { containers } },
      { apiVersion: 'batch/v1', kind: 'CronJob', metadata: meta, spec: { jobTemplate: { spec: { template: { spec: { restartPolicy: 'Never', containers } } } } } },
      { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: meta, spec: { template: { spec: { containers } } } },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name: 'ci-admin' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
        subjects: [{ kind: 'ServiceAccount', name: 'ci', namespace: 'ci' }],
      },
    );
    const written = baselineFromReport(evaluate(objects), objects).findings;
    const fingerprint = (kind: string, rule: string): string | undefined => written.find((e) => e.kind === kind && e.rule === rule)?.fingerprint;
    // As every earlier version wrote them.
    expect([fingerprint('Deployment', 'privileged'), fingerprint('Pod', 'privileged'), fingerprint('CronJob', 'privileged'), fingerprint('Rollout', 'privileged'), fingerprint('ClusterRoleBinding', 'rbac-no-cluster-admin')])
      .toEqual(['944d25784e5d4188', 'b39871e50563ccd0', 'f9d3b67b12154656', '0ac40075b8fe18db', 'e611499cbe4d93ed']);
    expect(written.every((e) => e.group === undefined)).toBe(true);
  });
});
