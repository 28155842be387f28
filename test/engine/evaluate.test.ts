import { deployment, inPreview, located, restrictedPod } from './helpers';
import { evaluate, hasBlockingFindings, NEWEST_KUBERNETES_VERSION, resolveConfig } from '../../src/engine';
import { HardpodError } from '../../src/model/errors';
import { UNKNOWN_VALUE } from '../../src/model/pod-view';
import { NEWEST_EDITION, RULES } from '../../src/rules/catalogue';

const privilegedPod = (name = 'root') => deployment(name, { containers: [{ name: 'app', image: 'nginx', securityContext: { privileged: true } }] });

describe('evaluate: outcomes', () => {
  it('passes a restricted pod at restricted with no findings, counting the passes', () => {
    const report = evaluate(located(restrictedPod()), { level: 'restricted' });
    expect(report.findings).toEqual([]);
    expect(report.summary.pass).toBeGreaterThan(10);
    expect(report.summary.fail).toBe(0);
    expect(hasBlockingFindings(report)).toBe(false);
  });

  it('fails a privileged container with the upstream check id, exact path, location and controls', () => {
    const report = evaluate(located(privilegedPod()), { level: 'baseline' });
    const finding = report.findings.find((f) => f.rule === 'privileged')!;
    expect(finding).toMatchObject({
      pss: 'privileged',
      outcome: 'fail',
      severity: 'critical',
      enforcement: 'deny',
      kind: 'Deployment',
      name: 'root',
      namespace: 'shop',
      path: 'spec.template.spec.containers[0].securityContext.privileged',
      source: { file: 'input.yaml', line: 1 },
    });
    expect(finding.message).toContain('privileged (container "app" must not set securityContext.privileged=true)');
    expect(finding.controls).toEqual(expect.arrayContaining([{ framework: 'CIS Kubernetes Benchmark', edition: 'v1.10', id: '5.2.2' }]));
    expect(hasBlockingFindings(report)).toBe(true);
  });

  it('counts checks and findings apart: a check with two violations is one check with findings, and the checks add up', () => {
    const twoPrivileged = deployment('two', { containers: ['a', 'b'].map((name) => ({ name, image: 'nginx', securityContext: { privileged: true } })) });
    const { summary } = evaluate(located(twoPrivileged), { level: 'baseline' });
    expect(summary.fail).toBe(2);
    expect(summary.checksWithFindings).toBe(1);
    expect(summary.pass + summary.notApplicable + summary.checksWithFindings).toBe(summary.checks);
    const mixed = evaluate(located(twoPrivileged, restrictedPod('ok')), { level: 'hardened' }).summary;
    expect(mixed.unknown).toBeGreaterThan(0);
    expect(mixed.pass + mixed.notApplicable + mixed.checksWithFindings).toBe(mixed.checks);
  });

  it('turns a check that throws into an error finding on that object only, and runs the rules after it', () => {
    // privileged runs first at baseline; host-namespaces and host-ports come after it.
    const root = deployment('root', { hostNetwork: true, containers: [{ name: 'app', image: 'nginx', securityContext: { privileged: true }, ports: [{ containerPort: 80, hostPort: 80 }] }] });
    const input = located(restrictedPod('first'), root, restrictedPod('last'));
    const clean = evaluate(input, { level: 'baseline' });
    const privileged = RULES.find((rule) => rule.id === 'privileged')!;
    const spy = jest.spyOn(privileged, 'check').mockImplementation((context) => {
      if (context.object.metadata?.name === 'root') throw new Error('boom');
      return [];
    });
    try {
      const report = evaluate(input, { level: 'baseline' });
      expect(report.findings.filter((f) => f.outcome === 'error')).toEqual([
        expect.objectContaining({ rule: 'privileged', name: 'root', path: '', message: 'rule privileged could not judge this object: boom' }),
      ]);
      const judged = (r: typeof report): string[] => r.findings.filter((f) => f.rule !== 'privileged').map((f) => `${f.name} ${f.rule} ${f.path}`);
      expect(judged(clean)).toEqual(expect.arrayContaining(['root host-namespaces spec.template.spec.hostNetwork', 'root host-ports spec.template.spec.containers[0].ports[0].hostPort']));
      expect(judged(report)).toEqual(judged(clean));
      expect(report.summary).toEqual({ ...clean.summary, fail: clean.summary.fail - 1, error: 1 });
    } finally {
      spy.mockRestore();
    }
  });

  it('a rule that cannot apply under the config is counted not applicable without being called, the report unchanged', () => {
    const hinted = RULES.filter((rule) => rule.appliesUnder !== undefined);
    expect(hinted.map((rule) => rule.id)).toEqual(expect.arrayContaining(['allowed-registries', 'image-minimal', 'image-no-setuid', 'image-non-root-user', 'image-port-exposed', 'image-tool-present']));
    const input = located(restrictedPod('first'), privilegedPod(), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: {} });
    for (const config of [{}, { hardened: { allowedRegistries: ['registry.example.com'] } }, { hardened: { requireMinimalImages: true } }]) {
      const checks = hinted.map((rule) => jest.spyOn(rule, 'check'));
      try {
        const report = evaluate(input, config);
        const resolved = resolveConfig(config);
        hinted.forEach((rule, i) => expect([rule.id, checks[i].mock.calls.length > 0]).toEqual([rule.id, rule.appliesUnder!(resolved)]));
        const inapplicable = hinted.filter((rule) => !rule.appliesUnder!(resolved)).map((rule) => rule.id);
        expect(report.inapplicableRules).toEqual(inapplicable);
        // The same evaluation with every rule called: the same report, counts included, except that the
        // rules the config gives nothing to judge are listed once rather than as not applicable on each object.
        const unhinted = hinted.map((rule) => jest.spyOn(rule as Required<typeof rule>, 'appliesUnder').mockReturnValue(true));
        try {
          const called = evaluate(input, config);
          const objects = called.objects.map(({ notApplicable, ...object }) => {
            const judgedNothing = inapplicable.filter((id) => notApplicable?.includes(id));
            // Pod rules: not applicable on each object holding a pod spec, and on no other.
            expect([object.name, judgedNothing]).toEqual([object.name, object.podSpecs! > 0 ? inapplicable : []]);
            const rest = notApplicable?.filter((id) => !inapplicable.includes(id)) ?? [];
            return rest.length > 0 ? { ...object, notApplicable: rest } : object;
          });
          expect({ ...called, objects, inapplicableRules: inapplicable }).toEqual(report);
        } finally {
          unhinted.forEach((spy) => spy.mockRestore());
        }
      } finally {
        checks.forEach((spy) => spy.mockRestore());
      }
    }
  });

  it('counts objects without a pod spec as not applicable', () => {
    const report = evaluate(located({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: {} }), { level: 'baseline' });
    expect(report.findings).toEqual([]);
    expect(report.summary.notApplicable).toBeGreaterThan(0);
    expect(report.summary.pass).toBe(0);
  });

  it('reports a value that is not known yet as unknown, not as pass or fail', () => {
    const report = evaluate(inPreview(deployment('p', { containers: [{ name: 'app', securityContext: { privileged: UNKNOWN_VALUE } }] })), { level: 'baseline' });
    const finding = report.findings.find((f) => f.rule === 'privileged')!;
    expect(finding.outcome).toBe('unknown');
    expect(report.summary.unknown).toBeGreaterThan(0);
    expect(hasBlockingFindings(report)).toBe(false);
  });

  it('refuses the unknown-value marker outside a Pulumi preview, where it would turn failures into unknowns', () => {
    const sneaky = (source: Record<string, string | number>) => [{ object: deployment('p', { containers: UNKNOWN_VALUE }), source }];
    expect(() => evaluate(sneaky({ file: 'app.yaml', line: 7 }), { level: 'baseline' }))
      .toThrow(/^app\.yaml:7: spec\.template\.spec\.containers holds Pulumi's unknown-value marker/);
    expect(() => evaluate(sneaky({ constructPath: 'app/web/Deployment' }), { level: 'baseline' })).toThrow(/^app\/web\/Deployment: spec\.template/);
    expect(() => evaluate(sneaky({}), { level: 'baseline' })).toThrow(HardpodError);
    // The same object from a preview is judged unknown by every check; a marker where no check looks changes nothing and is not searched for.
    const preview = evaluate(inPreview(deployment('p', { containers: UNKNOWN_VALUE })), { level: 'baseline' }).summary;
    expect(preview).toMatchObject({ pass: 0, fail: 0, unknown: preview.checks - preview.notApplicable });
    expect(evaluate(located(restrictedPod('p', { subdomain: UNKNOWN_VALUE })), { level: 'restricted' }).findings).toEqual([]);
  });

  it('turns a rule that throws into an error finding and keeps evaluating', () => {
    jest.isolateModules(() => {
      jest.doMock('../../src/rules/catalogue', () => {
        const actual = jest.requireActual('../../src/rules/catalogue');
        const throwing = { ...actual.RULES.find((r: { id: string }) => r.id === 'privileged'), id: 'throwing-rule', check: () => { throw new Error('boom'); } };
        const rules = [...actual.RULES, throwing];
        return { ...actual, RULES: rules, ruleById: (id: string) => rules.find((r) => r.id === id) };
      });
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const engine = require('../../src/engine') as typeof import('../../src/engine');
      const report = engine.evaluate(located(privilegedPod('one'), privilegedPod('two')), { level: 'baseline' });
      const errors = report.findings.filter((f) => f.outcome === 'error');
      expect(errors.map((f) => [f.rule, f.name])).toEqual([['throwing-rule', 'one'], ['throwing-rule', 'two']]);
      expect(errors[0].message).toContain('boom');
      expect(report.findings.filter((f) => f.rule === 'privileged' && f.outcome === 'fail')).toHaveLength(2);
      expect(report.summary.error).toBe(2);
      expect(engine.hasBlockingFindings(report)).toBe(true);
    });
  });

  it('reports an object the extractor cannot read as an error, not a crash', () => {
    const securityContext = Object.defineProperty({}, 'privileged', { enumerable: true, get: () => { throw new Error('unreadable'); } });
    const report = evaluate(located(deployment('p', { containers: [{ name: 'app', securityContext }] }), privilegedPod('other')), { level: 'baseline' });
    expect(report.findings.find((f) => f.outcome === 'error')).toMatchObject({ name: 'p', message: expect.stringContaining('unreadable') });
    expect(report.findings.some((f) => f.name === 'other' && f.outcome === 'fail')).toBe(true);
  });

  it('reports wrong types as findings instead of passing silently', () => {
    const report = evaluate(located(
      deployment('a', { containers: {} as unknown as [] }),
      deployment('b', { containers: [{ name: 'app', securityContext: { capabilities: 'ALL' } }] }),
    ), { level: 'restricted' });
    expect(report.findings).toEqual(expect.arrayContaining([
      expect.objectContaining({ name: 'a', rule: 'well-formed-pod-spec', path: 'spec.template.spec.containers', outcome: 'fail' }),
      expect.objectContaining({ name: 'b', rule: 'well-formed-pod-spec', path: 'spec.template.spec.containers[0].securityContext.capabilities' }),
      expect.objectContaining({ name: 'b', rule: 'capabilities-restricted', outcome: 'fail' }),
    ]));
  });
});

describe('evaluate: levels, versions and editions', () => {
  it('runs restricted rules at restricted and hardened, not at baseline', () => {
    const pod = deployment('p', { containers: [{ name: 'app' }] });
    expect(evaluate(located(pod), { level: 'baseline' }).findings).toEqual([]);
    expect(evaluate(located(pod), { level: 'restricted' }).findings.map((f) => f.pss)).toEqual(expect.arrayContaining(['runAsNonRoot', 'allowPrivilegeEscalation']));
    expect(evaluate(located(pod), { level: 'hardened' }).rules).toEqual(expect.arrayContaining(['run-as-non-root']));
  });

  it('applies version gates: runAsUser from 1.23, host probes from 1.34', () => {
    const pod = restrictedPod('p', {
      securityContext: { runAsNonRoot: true, runAsUser: 0, seccompProfile: { type: 'RuntimeDefault' } },
    });
    expect(evaluate(located(pod), { level: 'restricted', kubernetesVersion: '1.22' }).findings).toEqual([]);
    expect(evaluate(located(pod), { level: 'restricted', kubernetesVersion: '1.23' }).findings.map((f) => f.pss)).toEqual(['runAsUser']);
    const report = evaluate(located(pod), { level: 'restricted' });
    expect(report.kubernetesVersion).toBe(NEWEST_KUBERNETES_VERSION);
    expect(report.rules).toContain('host-probes-and-host-lifecycle');
    expect(evaluate(located(pod), { level: 'restricted', kubernetesVersion: '1.33' }).rules).not.toContain('host-probes-and-host-lifecycle');
  });

  it('waives runAsNonRoot and runAsUser for user-namespace pods from 1.35 only', () => {
    const pod = deployment('p', {
      hostUsers: false,
      securityContext: { runAsUser: 0, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [{ name: 'app', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }],
    });
    expect(evaluate(located(pod), { level: 'restricted', kubernetesVersion: '1.35' }).findings).toEqual([]);
    expect(evaluate(located(pod), { level: 'restricted', kubernetesVersion: '1.34' }).findings.map((f) => f.pss).sort()).toEqual(['runAsNonRoot', 'runAsUser']);
  });

  it('rejects unsupported versions, levels and editions with a HardpodError naming the key', () => {
    expect(() => evaluate([], { kubernetesVersion: '1.38' })).toThrow(HardpodError);
    expect(() => evaluate([], { kubernetesVersion: '2.0' })).toThrow(/kubernetesVersion.*1\.N/);
    expect(() => evaluate([], { level: 'strict' as never })).toThrow(/level/);
    expect(() => evaluate([], { edition: 99 })).toThrow(/edition/);
    expect(resolveConfig({ kubernetesVersion: 'v1.30' }).minor).toBe(30);
    // A patch version, as a cluster reports it, means its minor.
    expect(resolveConfig({ kubernetesVersion: 'v1.30.2' })).toMatchObject({ minor: 30, kubernetesVersion: '1.30' });
    expect(() => evaluate([], { kubernetesVersion: '1.30.2.1' })).toThrow(/unsupported Kubernetes version "1\.30\.2\.1"; expected 1\.N \(or 1\.N\.P\)/);
  });

  it('runs only the rules of the pinned edition', () => {
    jest.isolateModules(() => {
      jest.doMock('../../src/rules/catalogue', () => {
        const actual = jest.requireActual('../../src/rules/catalogue');
        const later = { ...actual.RULES.find((r: { id: string }) => r.id === 'privileged'), id: 'later-rule', edition: actual.NEWEST_EDITION + 1 };
        const rules = [...actual.RULES, later];
        return { ...actual, RULES: rules, NEWEST_EDITION: later.edition, ruleById: (id: string) => rules.find((r) => r.id === id) };
      });
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const engine = require('../../src/engine') as typeof import('../../src/engine');
      const input = located(privilegedPod());
      const current = NEWEST_EDITION;
      const pinned = engine.evaluate(input, { level: 'baseline', edition: current });
      const newest = engine.evaluate(input, { level: 'baseline' });
      expect(pinned.edition).toBe(current);
      expect(pinned.rules).not.toContain('later-rule');
      expect(pinned.findings.some((f) => f.rule === 'later-rule')).toBe(false);
      expect(newest.edition).toBe(current + 1);
      expect(newest.findings.some((f) => f.rule === 'later-rule')).toBe(true);
    });
  });

  it('lists exactly the rules of the level, version and edition', () => {
    const report = evaluate([], { level: 'baseline', kubernetesVersion: '1.0' });
    const expected = RULES.filter((r) => r.level === 'baseline' && (r.versions?.since ?? 0) <= 0).map((r) => r.id);
    expect(report.rules).toEqual(expected);
  });
});

describe('evaluate: severity and enforcement come from config', () => {
  it('overrides severity and enforcement per rule', () => {
    const report = evaluate(located(privilegedPod()), { level: 'baseline', rules: { privileged: { severity: 'low', enforcement: 'warn' } } });
    expect(report.findings[0]).toMatchObject({ rule: 'privileged', severity: 'low', enforcement: 'warn' });
    expect(hasBlockingFindings(report)).toBe(false);
  });

  it('applies a default enforcement and can disable a rule', () => {
    expect(evaluate(located(privilegedPod()), { level: 'baseline', enforcement: 'warn' }).findings[0].enforcement).toBe('warn');
    const disabled = evaluate(located(privilegedPod()), { level: 'baseline', rules: { privileged: { enabled: false } } });
    expect(disabled.findings).toEqual([]);
    expect(disabled.rules).not.toContain('privileged');
  });

  it('refuses overrides of unknown rules or with unknown values', () => {
    expect(() => evaluate([], { rules: { 'no-such-rule': { severity: 'low' } } })).toThrow(/unknown rule id "no-such-rule"/);
    expect(() => evaluate([], { rules: { privileged: { severity: 'urgent' as never } } })).toThrow(/severity/);
    expect(() => evaluate([], { rules: { privileged: { enforcement: 'block' as never } } })).toThrow(/enforcement/);
  });
});

describe('evaluate: input shapes', () => {
  it('expands v1 Lists (nested) and checks every item', () => {
    const list = { apiVersion: 'v1', kind: 'List', items: [privilegedPod('a'), { apiVersion: 'v1', kind: 'List', items: [privilegedPod('b')] }] };
    const report = evaluate(located(list), { level: 'baseline' });
    expect(report.findings.map((f) => f.name).sort()).toEqual(['a', 'b']);
    expect(report.summary.objects).toBe(2);
    expect(report.objects.map((o) => [o.name, o.podSpecs])).toEqual([['a', 1], ['b', 1]]);
    // Each item is known by its place in the List, so items alike in kind and name stay apart.
    expect(report.objects.map((o) => o.source.listItem)).toEqual(['items[0]', 'items[1].items[0]']);
    expect(report.findings.map((f) => f.source.listItem)).toEqual(['items[0]', 'items[1].items[0]']);
  });

  it('checks every built-in workload kind at its template path', () => {
    const spec = { containers: [{ name: 'app', securityContext: { privileged: true } }] };
    const template = { metadata: {}, spec };
    const objects = [
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'pod' }, spec },
      ...['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'].map((kind) => ({ apiVersion: 'apps/v1', kind, metadata: { name: kind }, spec: { template } })),
      { apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'rc' }, spec: { template } },
      { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'job' }, spec: { template } },
      { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'cron' }, spec: { jobTemplate: { spec: { template } } } },
      { apiVersion: 'v1', kind: 'PodTemplate', metadata: { name: 'pt' }, template },
    ];
    const report = evaluate(located(...objects), { level: 'baseline' });
    expect(report.findings.map((f) => f.path)).toEqual([
      'spec.containers[0].securityContext.privileged',
      ...Array(5).fill('spec.template.spec.containers[0].securityContext.privileged'),
      'spec.template.spec.containers[0].securityContext.privileged',
      'spec.jobTemplate.spec.template.spec.containers[0].securityContext.privileged',
      'template.spec.containers[0].securityContext.privileged',
    ]);
  });

  it('checks Argo Rollouts, Knative Services and KEDA ScaledJobs, and CRDs mapped in the config', () => {
    const spec = { containers: [{ name: 'app', securityContext: { privileged: true } }] };
    const objects = [
      { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: { name: 'rollout' }, spec: { template: { spec } } },
      { apiVersion: 'serving.knative.dev/v1', kind: 'Service', metadata: { name: 'ksvc' }, spec: { template: { spec } } },
      { apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledJob', metadata: { name: 'scaled' }, spec: { jobTargetRef: { template: { spec } } } },
      { apiVersion: 'example.com/v1', kind: 'Worker', metadata: { name: 'worker' }, spec: { podTemplate: { spec } } },
    ];
    const unmapped = evaluate(located(...objects), { level: 'baseline' });
    expect(unmapped.findings.map((f) => f.name)).toEqual(['rollout', 'ksvc', 'scaled']);
    expect(unmapped.notChecked).toEqual([expect.objectContaining({ kind: 'Worker', name: 'worker', reason: expect.stringContaining('spec.podTemplate') })]);
    const mapped = evaluate(located(...objects), { level: 'baseline', workloadKinds: [{ kind: 'Worker', group: 'example.com', templatePath: 'spec.podTemplate' }] });
    expect(mapped.findings.find((f) => f.name === 'worker')?.path).toBe('spec.podTemplate.spec.containers[0].securityContext.privileged');
    expect(mapped.notChecked).toEqual([]);
  });

  it('a Rollout that points at a Deployment (workloadRef) instead of holding a template has no pod of its own; one with neither is broken', () => {
    const rollout = (name: string, spec: Record<string, unknown>) => ({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: { name }, spec });
    const podSpec = { containers: [{ name: 'app', securityContext: { privileged: true } }] };
    const report = evaluate(located(
      rollout('by-reference', { workloadRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' } }),
      rollout('both', { workloadRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, template: { spec: podSpec } }),
      rollout('neither', { replicas: 2 }),
    ), { level: 'baseline' });
    expect(report.findings.map((f) => [f.name, f.rule, f.path])).toEqual([
      ['both', 'privileged', 'spec.template.spec.containers[0].securityContext.privileged'],
      ['neither', 'well-formed-pod-spec', 'spec.template'],
    ]);
    expect(report.objects.map((o) => o.podSpecs)).toEqual([0, 1, 0]);
    // Mapped kinds can say the same.
    const worker = { apiVersion: 'example.com/v1', kind: 'Worker', metadata: { name: 'w' }, spec: { deploymentRef: 'web' } };
    const workloadKinds = [{ kind: 'Worker', templatePath: 'spec.template', referencePath: 'spec.deploymentRef' }];
    expect(evaluate(located(worker), { level: 'baseline', workloadKinds }).findings).toEqual([]);
    expect(evaluate(located(worker), { level: 'baseline', workloadKinds: [{ kind: 'Worker', templatePath: 'spec.template' }] }).findings.map((f) => f.rule)).toEqual(['well-formed-pod-spec']);
  });

  it('does not mistake a core Service for a Knative Service', () => {
    const report = evaluate(located({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [] } }), { level: 'baseline' });
    expect(report.findings).toEqual([]);
    expect(report.notChecked).toEqual([]);
  });

  it('refuses input that is not an object with a kind, naming where it came from', () => {
    expect(() => evaluate([{ object: 'text' as never, source: { file: 'x.yaml', line: 3 } }])).toThrow(/x\.yaml:3/);
    const list = { apiVersion: 'v1', kind: 'List', items: [privilegedPod('a'), 'oops'] };
    expect(() => evaluate([{ object: list, source: { file: 'l.yaml', line: 1 } }])).toThrow(/l\.yaml:1: items\[1\] is not a Kubernetes object/);
  });
});
