import { fixtureReport, FIXTURE_RULES } from './report-fixture';
import { parseXml, sarifValidator } from './validators';
import type { Finding } from '../../src/engine/report';
import { controlsView, formatControlsJson, formatControlsText } from '../../src/reporters/controls';
import { formatJson } from '../../src/reporters/json';
import { escapeXml, formatJunit } from '../../src/reporters/junit';
import { formatSarif, GITHUB_MAX_RESULTS_PER_RUN, githubSarifLimitProblem, githubSarifLocationProblem, sarifResultCount } from '../../src/reporters/sarif';
import { summaryLine } from '../../src/reporters/shared';
import { formatText, shouldColor } from '../../src/reporters/text';

describe('text reporter', () => {
  const report = fixtureReport();

  test('groups findings per object with field lines, remediation and the verdict', () => {
    const text = formatText(report);
    const web = text.indexOf('Deployment shop/web');
    const legacy = text.indexOf('Deployment shop/legacy');
    expect(web).toBeGreaterThanOrEqual(0);
    expect(legacy).toBeGreaterThan(web);
    const webBlock = text.slice(web, legacy);
    expect(webBlock).toContain('deploy/web.yaml:3');
    expect(webBlock).toContain('(from web/templates/deployment.yaml)');
    // Sorted by field line: namespace (7), image (17), privileged (19).
    expect(webBlock.indexOf('metadata.namespace:7')).toBeLessThan(webBlock.indexOf('containers[0].image:17'));
    expect(webBlock.indexOf('containers[0].image:17')).toBeLessThan(webBlock.indexOf('securityContext.privileged:19'));
    expect(webBlock).toContain('fix: Set privileged: false.');
    expect(webBlock).toMatch(/warn image-digest high/);
    expect(webBlock).toMatch(/unknown namespace-psa-labels/);
    expect(text).toContain('suppressed by annotation: node debugging, approved by SEC-12');
    expect(text).toMatch(/baselined image-digest/);
    expect(text).toContain('Not checked');
    expect(text).toContain('Widget w');
    expect(text).toContain('FAIL: 2 blocking findings (level hardened, Kubernetes 1.37');
    expect(text).not.toContain('Deployment shop/clean');
    // Each rule's remediation once, at its first finding.
    expect(text.split('fix: Pin images by digest.')).toHaveLength(2);
    expect(text).not.toContain('\u001b[');
  });

  test('words the summary so that checks and findings each add up, as one check can have several findings', () => {
    const summary = {
      objects: 1, checks: 13, pass: 12, fail: 2, unknown: 0, error: 0, suppressed: 0, notApplicable: 0, checksWithFindings: 1, baselined: 0,
    };
    expect(summaryLine({ ...report, summary })).toBe('1 object, 13 checks: 12 passed, 1 with findings, 0 not applicable; 2 findings: 2 failed');
    expect(summaryLine(report))
      .toBe('5 objects, 40 checks: 30 passed, 5 with findings, 5 not applicable; 5 findings: 2 failed (1 baselined), 1 unknown, 1 error, 1 suppressed');
    const clean = { ...summary, checks: 12, fail: 0, checksWithFindings: 0 };
    expect(summaryLine({ ...report, summary: clean })).toBe('1 object, 12 checks: 12 passed, 0 not applicable; no findings');
    // A lone ServiceAccount at level baseline: one check.
    const one = { ...clean, checks: 1, pass: 0, notApplicable: 1 };
    expect(summaryLine({ ...report, summary: one })).toBe('1 object, 1 check: 0 passed, 1 not applicable; no findings');
  });

  test('colours only when asked, and lists passing objects on request', () => {
    const coloured = formatText(report, { color: true, showPassing: true });
    expect(coloured).toContain('\u001b[31m');
    expect(coloured).toContain('Deployment shop/clean');
  });

  test('input text cannot drive the terminal: control and bidi characters in names, files, paths, messages and reasons are escaped', () => {
    const hostile = (text: string): string => `${text}\u001b[2K\r\u0007\u202e\u009b`;
    const escaped = '\\u001b[2K\\u000d\\u0007\\u202e\\u009b';
    const tainted = {
      ...report,
      objects: report.objects.map((o) => ({
        ...o,
        name: hostile(o.name),
        source: { ...o.source, file: o.source.file && hostile(o.source.file), template: o.source.template && hostile(o.source.template) },
      })),
      findings: report.findings.map((f) => ({
        ...f,
        name: hostile(f.name),
        path: hostile(f.path),
        message: hostile(f.message),
        source: { ...f.source, file: f.source.file && hostile(f.source.file), template: f.source.template && hostile(f.source.template) },
        ...(f.suppression ? { suppression: { ...f.suppression, reason: hostile(f.suppression.reason) } } : {}),
      })),
      notChecked: report.notChecked.map((o) => ({ ...o, name: hostile(o.name), reason: hostile(o.reason) })),
    };
    for (const text of [formatText(tainted, { showPassing: true }), formatText(tainted, { color: true, showPassing: true })]) {
      // Only newlines, and the reporter's own colour codes when asked for, remain.
      expect(text.replace(/\u001b\[\d+m/g, '')).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
      expect(text).toContain(`Deployment shop/web${escaped}`);
      expect(text).toContain(`deploy/web.yaml${escaped}`);
      expect(text).toContain(`node debugging, approved by SEC-12${escaped}`);
    }
    const controls = formatControlsText(tainted, { rules: FIXTURE_RULES });
    expect(controls).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
    expect(controls).toContain(escaped);
  });

  test('lists unused suppressions with where to remove them, and stale baseline entries', () => {
    const text = formatText({
      ...report,
      unusedSuppressions: [
        { rule: 'privileged', kind: 'Deployment', namespace: 'shop', name: 'web', reason: 'r', source: 'annotation' },
        { rule: 'image-digest', kind: 'Deployment', name: 'old', reason: 'r', source: 'config' },
      ],
      staleBaseline: [{ fingerprint: 'f', rule: 'probes', kind: 'Deployment', namespace: 'shop', name: 'web', path: 'spec.template.spec.containers[name="app"].readinessProbe' }],
    });
    expect(text).toContain('Unused suppression: privileged on Deployment shop/web matched no finding; remove the annotation hardpod.dev/suppress.privileged.');
    expect(text).toContain('Unused suppression: image-digest on Deployment old matched no finding; remove it from the config.');
    expect(text).toContain('Stale baseline: 1 entry matches no finding any more (fixed); write the baseline again with --write-baseline to drop it:');
    expect(text).toContain('  probes on Deployment shop/web spec.template.spec.containers[name="app"].readinessProbe');
  });

  test('findings that share a path and message still get their own rule, outcome, severity and line', () => {
    const path = 'spec.template.spec.containers[0].securityContext.privileged';
    const message = 'container "app" must not set securityContext.privileged=true';
    const base = report.findings[0];
    const on = (name: string, line: number, overrides: Partial<Finding>): Finding => ({ ...base, name, path, message, source: { file: 'all.yaml', line }, ...overrides });
    const findings = [
      on('a', 1, {}), on('b', 2, {}), on('c', 3, { enforcement: 'warn' }), on('d', 4, { outcome: 'suppressed', suppression: { rule: 'privileged', reason: 'approved', source: 'config' } }),
      on('e', 5, { baselined: true }), on('f', 6, { severity: 'low' }), on('g', 7, { rule: 'capabilities-restricted', pss: 'capabilities_restricted' }), on('h', 8, { pss: null }),
    ];
    const objects = findings.map((f) => ({ kind: f.kind, name: f.name, namespace: f.namespace, source: f.source }));
    const lines = formatText({ ...report, findings, objects }).split('\n').filter((line) => line.includes(path));
    const head = (tag: string, rule: string, severity: string, pss: string): string => `  ${tag} ${rule} ${severity}${pss}  ${path}`;
    expect(lines).toEqual([
      `${head('fail', 'privileged', 'critical', ' [PSS privileged]')}:1`, `${head('fail', 'privileged', 'critical', ' [PSS privileged]')}:2`,
      `${head('warn', 'privileged', 'critical', ' [PSS privileged]')}:3`, `${head('suppressed', 'privileged', 'critical', ' [PSS privileged]')}:4`,
      `${head('baselined', 'privileged', 'critical', ' [PSS privileged]')}:5`, `${head('fail', 'privileged', 'low', ' [PSS privileged]')}:6`,
      `${head('fail', 'capabilities-restricted', 'critical', ' [PSS capabilities_restricted]')}:7`, `${head('fail', 'privileged', 'critical', '')}:8`,
    ]);
  });

  test('a hand-built report whose findings are out of object order is grouped as the engine\'s would be', () => {
    // The objects' runs of findings in reverse, each run in its own order.
    const runs = ['legacy', 'debug', 'web'].map((name) => report.findings.filter((f) => f.name === name));
    const reordered = { ...report, findings: runs.flat() };
    expect(reordered.findings).toHaveLength(report.findings.length);
    expect(formatText(reordered)).toBe(formatText(report));
    expect(formatJunit(reordered)).toBe(formatJunit(report));
    // A finding of an object the report does not list gets a group of its own, after the listed ones.
    const stray = { ...report.findings[0], name: 'stray', source: { file: 'deploy/stray.yaml', line: 5 } };
    const text = formatText({ ...report, findings: [stray, ...report.findings] });
    expect(text.indexOf('FAIL Deployment shop/stray  deploy/stray.yaml:5')).toBeGreaterThan(text.indexOf('Deployment shop/legacy'));
  });

  test('an object\'s findings are in line order, equal lines in the order found, however many there are', () => {
    const base = report.findings[0];
    const object = { kind: base.kind, name: base.name, namespace: base.namespace, source: { file: 'many.yaml', line: 1 } };
    for (const count of [5, 40]) {
      // Lines count down, each given to two findings: the second of a pair was found after the first.
      const findings = Array.from({ length: count }, (_, i) => ({ ...base, path: `spec.f${i}`, source: { file: 'many.yaml', line: 100 - Math.floor(i / 2) } }));
      const printed = formatText({ ...report, findings, objects: [object] }).split('\n').filter((line) => line.includes('  spec.f')).map((line) => line.trim().split('  ')[1]);
      const expected = findings.map((f, i) => ({ f, i })).sort((a, b) => a.f.source.line - b.f.source.line || a.i - b.i).map(({ f }) => `${f.path}:${f.source.line}`);
      expect(printed).toEqual(expected);
    }
  });

  test('says PASS when nothing blocks', () => {
    const passing = { ...report, findings: report.findings.filter((f) => f.enforcement === 'warn') };
    expect(formatText(passing)).toContain('PASS: no blocking findings');
  });

  test.each([
    [{ isTTY: true }, {}, true],
    [{ isTTY: false }, {}, false],
    [{ isTTY: true }, { NO_COLOR: '1' }, false],
    [{ isTTY: false }, { FORCE_COLOR: '1' }, true],
    [{ isTTY: true }, { FORCE_COLOR: '0' }, false],
    [{ isTTY: true }, { TERM: 'dumb' }, false],
    [{ isTTY: true }, { NO_COLOR: '' }, true],
  ])('shouldColor(%j, %j) is %s', (stream, env, expected) => {
    expect(shouldColor(stream, env)).toBe(expected);
  });
});

describe('JSON reporter', () => {
  test('has the documented flat finding fields and a summary', () => {
    const json = JSON.parse(formatJson(fixtureReport()));
    expect(json.schemaVersion).toBe('1');
    expect(json.result).toBe('fail');
    expect(json.summary).toMatchObject({ objects: 5, fail: 2, blocking: 2, baselined: 1 });
    expect(json.findings).toHaveLength(6);
    for (const f of json.findings) {
      for (const key of ['rule', 'pss', 'severity', 'file', 'line', 'kind', 'name', 'namespace', 'path', 'message', 'outcome', 'blocking']) {
        expect(f).toHaveProperty(key);
      }
    }
    expect(json.findings[0]).toMatchObject({ rule: 'privileged', pss: 'privileged', severity: 'critical', file: 'deploy/web.yaml', line: 19, namespace: 'shop', blocking: true });
    expect(json.findings[0]).not.toHaveProperty('template');
    expect(json.findings[1]).toMatchObject({ rule: 'image-digest', pss: null, blocking: false, message: 'image "nginx:1.25" <is> not "pinned" & tagged' });
    expect(json.findings[3]).toMatchObject({ namespace: null, outcome: 'suppressed', suppression: { reason: 'node debugging, approved by SEC-12' } });
    expect(json.notChecked[0]).toMatchObject({ kind: 'Widget', file: 'crd/w.yaml', line: 4 });
  });
});

describe('SARIF reporter', () => {
  const validate = sarifValidator();

  test('is valid against the SARIF 2.1.0 schema', () => {
    const log = JSON.parse(formatSarif(fixtureReport(), { rules: FIXTURE_RULES, cwd: '/repo', root: '/repo', toolVersion: '1.2.3' }));
    const valid = validate(log);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  test('says when GitHub code scanning would reject the run for its number of results, counted as written', () => {
    const report = fixtureReport();
    const written = JSON.parse(formatSarif(report, { rules: FIXTURE_RULES, cwd: '/repo', root: '/repo' })).runs[0].results;
    expect(sarifResultCount(report)).toBe(written.length);
    expect(githubSarifLimitProblem(report)).toBeUndefined();
    const withResults = (count: number): typeof report => ({
      ...report,
      findings: Array.from({ length: count - report.notChecked.length }, (_, i) => ({ ...report.findings[0], name: `web-${i}` })),
    });
    expect(githubSarifLimitProblem(withResults(GITHUB_MAX_RESULTS_PER_RUN))).toBeUndefined();
    expect(githubSarifLimitProblem(withResults(GITHUB_MAX_RESULTS_PER_RUN + 1))).toMatch(/holds 25,001 results, and GitHub code scanning rejects a run of more than 25,000/);
  });

  test('the validator rejects a log that breaks the schema', () => {
    const log = JSON.parse(formatSarif(fixtureReport(), { rules: FIXTURE_RULES, cwd: '/repo', root: '/repo' }));
    log.runs[0].results[0].locations[0].physicalLocation.region.startLine = 0;
    expect(validate(log)).toBe(false);
    delete log.version;
    expect(validate(log)).toBe(false);
  });

  test('carries what GitHub code scanning needs', () => {
    const log = JSON.parse(formatSarif(fixtureReport(), { rules: FIXTURE_RULES, cwd: '/repo/sub', root: '/repo' }));
    const run = log.runs[0];
    const rules = run.tool.driver.rules;
    expect(rules.map((r: { id: string }) => r.id)).toEqual(['privileged', 'image-digest', 'namespace-psa-labels', 'namespace-psa-labels/unknown', 'not-checked']);
    expect(rules[0].help.text).toContain('Set privileged: false.');
    expect(rules[0].help.markdown).toContain('CIS Kubernetes Benchmark (v1.10) 5.2.2');
    expect(rules[0].properties['security-severity']).toBe('9.5');
    const [first, , unknown, suppressed, baselined] = run.results;
    expect(first.ruleId).toBe('privileged');
    expect(first.ruleIndex).toBe(0);
    expect(first.level).toBe('error');
    expect(first.locations[0].physicalLocation.artifactLocation).toEqual({ uri: 'sub/deploy/web.yaml', uriBaseId: '%SRCROOT%' });
    expect(first.locations[0].physicalLocation.region).toEqual({ startLine: 19 });
    expect(first.partialFingerprints['hardpodFinding/v1']).toMatch(/^[0-9a-f]{16}$/);
    expect(run.results[1].level).toBe('warning');
    expect(unknown).toMatchObject({ ruleId: 'namespace-psa-labels/unknown', ruleIndex: 3, kind: 'open', level: 'none' });
    expect(suppressed.suppressions).toEqual([{ kind: 'inSource', status: 'accepted', justification: 'node debugging, approved by SEC-12' }]);
    expect(baselined.baselineState).toBe('unchanged');
    expect(first.baselineState).toBe('new');
    // An object no rule could judge is a visible warning, not a clean result.
    const notChecked = run.results.at(-1);
    expect(notChecked).toMatchObject({ ruleId: 'not-checked', ruleIndex: 4, kind: 'fail', level: 'warning' });
    expect(notChecked.message.text).toBe('Widget w: not checked: spec.template looks like a pod template');
    expect(notChecked.locations[0].physicalLocation).toEqual({ artifactLocation: { uri: 'sub/crd/w.yaml', uriBaseId: '%SRCROOT%' }, region: { startLine: 4 } });
  });

  test('an unknown verdict is an open result of a descriptor without security-severity, so code scanning raises no security alert for it', () => {
    const log = JSON.parse(formatSarif(fixtureReport(), { rules: FIXTURE_RULES, cwd: '/repo', root: '/repo' }));
    expect(validate(log)).toBe(true);
    const run = log.runs[0];
    const rules: { id: string; defaultConfiguration: object; properties: Record<string, unknown> }[] = run.tool.driver.rules;
    const unknown = run.results.find((r: { properties: { outcome: string } }) => r.properties.outcome === 'unknown');
    // SARIF: evaluated, with too little information to decide; a result of another kind than fail has level none.
    expect(unknown).toMatchObject({ ruleId: 'namespace-psa-labels/unknown', kind: 'open', level: 'none' });
    expect(unknown.properties).not.toHaveProperty('severity');
    expect(unknown.message.text).toBe('Deployment shop/web: Not known from this input: the Namespace "shop" is not in the input');
    // Code scanning takes the security severity from the result's rule, whatever the result's level or kind.
    const descriptor = rules[unknown.ruleIndex];
    expect(descriptor.id).toBe(unknown.ruleId);
    expect(descriptor.properties).not.toHaveProperty('security-severity');
    expect(descriptor.properties.tags).not.toContain('security');
    expect(descriptor.defaultConfiguration).toEqual({ level: 'note' });
    // The rule's own descriptor, which its failures and errors point at, keeps its severity.
    expect(rules.find((r) => r.id === 'namespace-psa-labels')!.properties['security-severity']).toBe('5.5');
    for (const result of run.results) expect(rules[result.ruleIndex].id).toBe(result.ruleId);
  });

  test('ranks each rule by the severity the run configured, and makes a result an error only when it blocks', () => {
    const report = fixtureReport();
    // privileged (critical in the catalogue) downgraded to low; namespace-psa-labels (medium) raised to critical, its error under warn.
    const findings = report.findings.map((f) => (f.rule === 'privileged' ? { ...f, severity: 'low' as const } : f.rule === 'namespace-psa-labels' ? { ...f, enforcement: 'warn' as const } : f));
    const log = JSON.parse(formatSarif({ ...report, findings }, { rules: FIXTURE_RULES, ruleOverrides: { 'namespace-psa-labels': { severity: 'critical', enforcement: 'warn' } } }));
    expect(validate(log)).toBe(true);
    const descriptor = (id: string) => log.runs[0].tool.driver.rules.find((r: { id: string }) => r.id === id);
    expect(descriptor('privileged')).toMatchObject({ defaultConfiguration: { level: 'note' }, properties: { 'security-severity': '3.0', 'problem.severity': 'recommendation' } });
    expect(descriptor('namespace-psa-labels')).toMatchObject({ defaultConfiguration: { level: 'error' }, properties: { 'security-severity': '9.5', 'problem.severity': 'error' } });
    // Without the overrides, a rule's findings still give its configured severity.
    const fromFindings = JSON.parse(formatSarif({ ...report, findings }, { rules: FIXTURE_RULES })).runs[0].tool.driver.rules[0];
    expect(fromFindings.properties['security-severity']).toBe('3.0');
    // A blocking fail of the downgraded rule still fails the run: an error; a rule error under warn blocks nothing: a warning.
    const results = log.runs[0].results;
    expect(results[0]).toMatchObject({ ruleId: 'privileged', level: 'error' });
    expect(results.find((r: { properties: { outcome: string } }) => r.properties.outcome === 'error')).toMatchObject({ ruleId: 'namespace-psa-labels', level: 'warning' });
  });

  test('has no not-checked rule when every object was checked', () => {
    const log = JSON.parse(formatSarif({ ...fixtureReport(), notChecked: [] }, { rules: FIXTURE_RULES }));
    expect(log.runs[0].tool.driver.rules.map((r: { id: string }) => r.id)).not.toContain('not-checked');
    expect(validate(log)).toBe(true);
  });

  test('fingerprints ignore line numbers and messages', () => {
    const report = fixtureReport();
    const moved = { ...report, findings: report.findings.map((f) => ({ ...f, message: `${f.message}!`, source: { ...f.source, line: (f.source.line ?? 0) + 10 } })) };
    const print = (r: typeof report) => JSON.parse(formatSarif(r, { rules: FIXTURE_RULES }))
      .runs[0].results.map((x: { partialFingerprints: object }) => x.partialFingerprints);
    expect(print(moved)).toEqual(print(report));
  });

  test('files outside the root become file URIs', () => {
    const report = fixtureReport();
    const elsewhere = { ...report, findings: [{ ...report.findings[0], source: { file: '/elsewhere/x y.yaml', line: 2 } }] };
    const log = JSON.parse(formatSarif(elsewhere, { rules: FIXTURE_RULES, cwd: '/repo', root: '/repo' }));
    expect(validate(log)).toBe(true);
    expect(log.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('file:///elsewhere/x%20y.yaml');
  });

  test('every result names a file, as code scanning requires: from stdin the Helm template without a line, else <stdin>; without a file <input>', () => {
    const report = fixtureReport();
    const fromStdin = {
      ...report,
      findings: [
        { ...report.findings[0], source: { file: '<stdin>', line: 40, template: 'shop/templates/deployment.yaml' } },
        { ...report.findings[1], source: { file: '<stdin>', line: 5 } },
        { ...report.findings[2], source: { constructPath: 'app/web/Deployment' } },
      ],
      notChecked: [{ ...report.notChecked[0], source: { file: '<stdin>', line: 60, template: 'shop/templates/widget.yaml' } }],
    };
    const log = JSON.parse(formatSarif(fromStdin, { rules: FIXTURE_RULES, cwd: '/repo/sub', root: '/repo' }));
    expect(validate.errors ?? []).toEqual([]);
    expect(validate(log)).toBe(true);
    const locations = log.runs[0].results.map((r: { locations: Array<Record<string, unknown>> }) => r.locations[0]);
    expect(locations.map((l: Record<string, unknown>) => l.physicalLocation)).toEqual([
      { artifactLocation: { uri: 'sub/shop/templates/deployment.yaml', uriBaseId: '%SRCROOT%' } },
      { artifactLocation: { uri: '%3Cstdin%3E' }, region: { startLine: 5 } },
      { artifactLocation: { uri: '%3Cinput%3E' } },
      { artifactLocation: { uri: 'sub/shop/templates/widget.yaml', uriBaseId: '%SRCROOT%' } },
    ]);
    expect(locations[0].logicalLocations[0].fullyQualifiedName).toBe('Deployment shop/web:spec.template.spec.containers[0].securityContext.privileged');
    // The one result that points at <stdin> is worth a word to the CI step; a template or a file is not.
    expect(githubSarifLocationProblem(fromStdin)).toMatch(/^1 SARIF result points at <stdin>, which is no file of the repository/);
    expect(githubSarifLocationProblem(report)).toBeUndefined();
  });
});

describe('JUnit reporter', () => {
  test('is well-formed XML with one testsuite per object and failures for blocking findings', () => {
    const xml = formatJunit(fixtureReport());
    const doc = parseXml(xml);
    const root = doc.documentElement!;
    expect(root.nodeName).toBe('testsuites');
    expect(root.getAttribute('failures')).toBe('1');
    expect(root.getAttribute('errors')).toBe('1');
    expect(root.getAttribute('skipped')).toBe('5');
    const suites = Array.from(doc.getElementsByTagName('testsuite'));
    expect(suites.map((s) => s.getAttribute('name'))).toEqual(['Deployment shop/web', 'Pod debug', 'Deployment shop/legacy', 'Deployment shop/clean', 'Widget w']);
    const failure = doc.getElementsByTagName('failure')[0];
    expect(failure.getAttribute('message')).toBe('container "app" must not set securityContext.privileged=true');
    expect(failure.textContent).toContain('fix: Set privileged: false.');
    const skippedMessages = Array.from(doc.getElementsByTagName('skipped')).map((s) => s.getAttribute('message'));
    expect(skippedMessages).toContain('warning: image "nginx:1.25" <is> not "pinned" & tagged');
    const clean = suites[3].getElementsByTagName('testcase');
    expect(clean).toHaveLength(1);
    expect(clean[0].getElementsByTagName('failure')).toHaveLength(0);
    // An object no rule could judge is skipped with the reason, never a passing testcase.
    const widget = suites[4].getElementsByTagName('testcase');
    expect(widget).toHaveLength(1);
    expect(widget[0].getAttribute('name')).toBe('not checked');
    expect(widget[0].getElementsByTagName('skipped')[0].getAttribute('message')).toBe('not checked: spec.template looks like a pod template');
    expect(suites[4].getAttribute('skipped')).toBe('1');
  });

  test('marks a rule error an error only when it blocks, as the exit code does: under enforcement warn it is skipped', () => {
    const report = fixtureReport();
    const findings = report.findings.map((f) => (f.outcome === 'error' ? { ...f, enforcement: 'warn' as const } : f));
    const doc = parseXml(formatJunit({ ...report, findings }));
    expect(doc.documentElement!.getAttribute('errors')).toBe('0');
    expect(doc.getElementsByTagName('error')).toHaveLength(0);
    expect(doc.documentElement!.getAttribute('skipped')).toBe('6');
    const skippedMessages = Array.from(doc.getElementsByTagName('skipped')).map((s) => s.getAttribute('message'));
    expect(skippedMessages).toContain('rule error, not blocking (enforcement warn): rule namespace-psa-labels could not judge this object: boom\ufffd');
  });

  test('escapes markup and drops characters XML cannot hold', () => {
    expect(escapeXml('a<b>&"c"\u0001', true)).toBe('a&lt;b&gt;&amp;&quot;c&quot;\ufffd');
    expect(escapeXml('line\nnext', true)).toBe('line&#10;next');
    expect(escapeXml('line\nnext')).toBe('line\nnext');
    expect(() => parseXml(`<a b="${escapeXml('\u0000<&>"\ud800', true)}">${escapeXml(']]> \u001f')}</a>`)).not.toThrow();
  });
});

describe('controls view', () => {
  test('lists every NIST and CIS control the catalogue maps, with each object\'s verdict', () => {
    const view = controlsView(fixtureReport(), { rules: FIXTURE_RULES, controls: [] });
    const ids = view.controls.map((c) => `${c.framework} ${c.id}`);
    expect(ids).toEqual([
      'CIS Kubernetes Benchmark 5.2.1', 'CIS Kubernetes Benchmark 5.2.2', 'CIS Kubernetes Benchmark 5.5.1',
      'NIST SP 800-190 4.1.5', 'NIST SP 800-190 4.4.3', 'NIST SP 800-190 4.9.9',
    ]);
    const privileged = view.controls.find((c) => c.id === '5.2.2')!;
    expect(privileged.status).toBe('fails');
    const verdicts = Object.fromEntries(privileged.objects.map((o) => [o.name, o.verdict]));
    expect(verdicts).toEqual({ web: 'fails', debug: 'waived', legacy: 'satisfies', clean: 'satisfies', w: 'not-checked' });
    const digest = view.controls.find((c) => c.id === '5.5.1')!;
    // A baselined failure still fails the control.
    expect(digest.objects.find((o) => o.name === 'legacy')!.verdict).toBe('fails');
    const psa = view.controls.find((c) => c.id === '5.2.1')!;
    const psaVerdicts = Object.fromEntries(psa.objects.map((o) => [o.name, o.verdict]));
    expect(psaVerdicts).toEqual({ web: 'unknown', debug: 'satisfies', legacy: 'fails', clean: 'satisfies' });
    const notRun = view.controls.find((c) => c.id === '4.9.9')!;
    expect(notRun).toMatchObject({ assessed: false, status: 'not-assessed', notAssessedReason: 'not-run', objects: [] });
    expect(view.controls.find((c) => c.id === '4.4.3')!.interpretation).toBe(true);
  });

  test('an object that was not checked keeps a control from reading as satisfied', () => {
    const report = fixtureReport();
    const onlyWidgetLeft = { ...report, findings: report.findings.filter((f) => f.rule !== 'privileged') };
    const privileged = controlsView(onlyWidgetLeft, { rules: FIXTURE_RULES }).controls.find((c) => c.id === '5.2.2')!;
    expect(privileged.status).toBe('unknown');
    const checkedOnly = controlsView({ ...onlyWidgetLeft, notChecked: [] }, { rules: FIXTURE_RULES }).controls.find((c) => c.id === '5.2.2')!;
    expect(checkedOnly.status).toBe('satisfied');
    // Without a pod spec, an object is not listed under controls about pod specs at all.
    expect(checkedOnly.objects.map((o) => o.name)).not.toContain('w');
  });

  test('objects without a pod spec are not listed as satisfying pod controls; mapped workloads are', () => {
    const report = fixtureReport();
    const withMore = {
      ...report,
      objects: [
        ...report.objects,
        { kind: 'ServiceAccount', name: 'web', namespace: 'shop', source: { file: 'deploy/web.yaml', line: 40 }, podSpecs: 0 },
        { kind: 'Rollout', name: 'canary', namespace: 'shop', source: { file: 'deploy/rollout.yaml', line: 1 }, podSpecs: 1 },
      ],
    };
    const privileged = controlsView(withMore, { rules: FIXTURE_RULES }).controls.find((c) => c.id === '5.2.2')!;
    const names = privileged.objects.map((o) => `${o.kind} ${o.name}`);
    expect(names).toContain('Rollout canary');
    expect(names).not.toContain('ServiceAccount web');
  });

  test('text and JSON forms', () => {
    const text = formatControlsText(fixtureReport(), { rules: FIXTURE_RULES });
    expect(text).toContain('CIS Kubernetes Benchmark (v1.10)');
    expect(text).toMatch(/5\.2\.2 {2}FAILS {2}\(1 fail, 0 unknown, 1 not checked, 1 waived, 2 satisfy\)/);
    expect(text).toMatch(/ {4}not-checked {4}Widget w {2}crd\/w\.yaml:4/);
    expect(text).toContain('4.9.9  NOT ASSESSED: its rules do not run at level hardened, Kubernetes 1.37, rule-set edition 1  rules: not-at-this-level');
    const json = JSON.parse(formatControlsJson(fixtureReport(), { rules: FIXTURE_RULES, controls: [] }));
    expect(json.controls).toHaveLength(6);
    expect(json.schemaVersion).toBe('1');
  });
});

describe('suppressions and the baseline in every format', () => {
  const withUpkeep = {
    ...fixtureReport(),
    unusedSuppressions: [{ rule: 'image-digest', kind: 'Pod', name: 'debug', reason: 'vendor image', source: 'annotation' as const }],
    staleBaseline: [{ fingerprint: 'f', rule: 'privileged', kind: 'Deployment', namespace: 'shop', name: 'old', path: 'spec.template.spec.containers[name="app"].securityContext.privileged' }],
  };
  const unused = 'Unused suppression: image-digest on Pod debug matched no finding; remove the annotation hardpod.dev/suppress.image-digest.';
  const stale = 'Stale baseline: 1 entry matches no finding any more (fixed); write the baseline again with --write-baseline to drop it: '
    + 'privileged on Deployment shop/old spec.template.spec.containers[name="app"].securityContext.privileged';

  test('SARIF: configuration notifications of the invocation, still valid SARIF', () => {
    const log = JSON.parse(formatSarif(withUpkeep, { rules: FIXTURE_RULES, cwd: '/repo', root: '/repo' }));
    const validate = sarifValidator();
    expect(validate(log)).toBe(true);
    const [invocation] = log.runs[0].invocations;
    expect(invocation.executionSuccessful).toBe(true);
    expect(invocation.toolConfigurationNotifications).toEqual([
      { descriptor: { id: 'unused-suppression' }, level: 'warning', message: { text: unused }, properties: { suppression: withUpkeep.unusedSuppressions[0] } },
      { descriptor: { id: 'stale-baseline' }, level: 'warning', message: { text: stale }, properties: { baselineEntry: withUpkeep.staleBaseline[0] } },
    ]);
    // Nothing to say: no notifications.
    expect(JSON.parse(formatSarif(fixtureReport(), { rules: FIXTURE_RULES })).runs[0].invocations).toEqual([{ executionSuccessful: true }]);
  });

  test('JUnit: a suite of skipped testcases saying what to remove, counted in the totals', () => {
    const doc = parseXml(formatJunit(withUpkeep));
    const root = doc.documentElement!;
    expect(root.getAttribute('tests')).toBe(String(Number(parseXml(formatJunit(fixtureReport())).documentElement!.getAttribute('tests')) + 2));
    expect(root.getAttribute('skipped')).toBe('7');
    const suite = Array.from(doc.getElementsByTagName('testsuite')).at(-1)!;
    expect(suite.getAttribute('name')).toBe('suppressions and baseline');
    expect(suite.getAttribute('skipped')).toBe('2');
    const messages = Array.from(suite.getElementsByTagName('skipped')).map((s) => s.getAttribute('message'));
    expect(messages).toEqual([unused, stale]);
  });

  test('controls: a waived object shows each suppression\'s reason, and the view lists unused and stale entries', () => {
    const view = controlsView(withUpkeep, { rules: FIXTURE_RULES });
    const debug = view.controls.find((c) => c.id === '5.2.2')!.objects.find((o) => o.name === 'debug')!;
    expect(debug).toMatchObject({ verdict: 'waived', rules: ['privileged'], suppressions: [{ rule: 'privileged', reason: 'node debugging, approved by SEC-12', source: 'annotation' }] });
    expect(view.unusedSuppressions).toEqual(withUpkeep.unusedSuppressions);
    expect(view.staleBaseline).toEqual(withUpkeep.staleBaseline);

    const json = JSON.parse(formatControlsJson(withUpkeep, { rules: FIXTURE_RULES }));
    expect(json.controls.find((c: { id: string }) => c.id === '5.2.2').objects.find((o: { name: string }) => o.name === 'debug').suppressions[0].reason)
      .toBe('node debugging, approved by SEC-12');
    expect(json.unusedSuppressions).toEqual(withUpkeep.unusedSuppressions);
    expect(json.staleBaseline).toEqual(withUpkeep.staleBaseline);

    const text = formatControlsText(withUpkeep, { rules: FIXTURE_RULES });
    expect(text).toMatch(/ {4}waived {9}Pod debug {2}deploy\/debug\.yaml:1 {2}\[privileged\]\n {19}privileged suppressed by annotation: node debugging, approved by SEC-12\n/);
    expect(text).toContain(`\n${unused}\n`);
    expect(text).toContain('\n  privileged on Deployment shop/old spec.template.spec.containers[name="app"].securityContext.privileged\n');
  });
});
