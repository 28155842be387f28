/**
 * The admission policies hardpod emits, on the real API server: every policy and binding is accepted,
 * and for a corpus of workloads (the Pod Security mutation corpus, variants aimed at each emitted rule,
 * every workload kind, suppressions, ephemeral containers) the server judges each emitted rule exactly
 * as evaluate() does: with the policies bound to warn, it warns with a rule's validation exactly when
 * evaluate() gives a failing finding of that rule; bound to deny, it refuses exactly the objects with
 * such a finding, naming a rule that fails.
 */
import { hardenedPod, mutationCorpus } from './mutations';
import { admissionPolicies, type AdmissionPolicies } from '../../src/admission';
import { evaluate, type EngineConfig } from '../../src/engine';
import type { KubeObject } from '../../src/model';
import type { Verdict } from '../harness/cluster';
import { describeCluster } from '../harness/cluster-suite';

type Fields = Record<string, any>;

const RUN_LABEL = 'hardpod.dev/test-run';
const MODE_LABEL = 'hardpod.dev/test-mode';
const SHA = (c: string, n = 64): string => `sha256:${c.repeat(n)}`;
const PINNED = `registry.example/app@${SHA('b')}`;

/** A Pod that passes every emitted rule: pinned images, read-only root filesystems, probes, its own ServiceAccount. */
function compliantPod(): Fields {
  const pod = structuredClone(hardenedPod()) as Fields;
  const app = pod.spec.containers[0];
  app.readinessProbe = { httpGet: { port: 'http', path: '/ready' } };
  app.livenessProbe = { tcpSocket: { port: 8080 } };
  pod.spec.serviceAccountName = 'app';
  return pod;
}

/** The compliant Pod changed by `mutate`, named. */
function variant(id: string, mutate: (spec: Fields, pod: Fields) => void): { id: string; object: Fields } {
  const pod = compliantPod();
  mutate(pod.spec, pod);
  return { id, object: pod };
}

/** Images each exercising a corner of the reference grammar, the digest and the registry rules. */
const IMAGES = [
  'registry.example/app:1.0', 'registry.example/app', 'nginx', 'nginx:latest', `registry.example/app:1.0@${SHA('c')}`,
  `Registry.Example/app@${SHA('c')}`, `registry.example:5000/app@${SHA('c')}`, `registry.example:99999/app@${SHA('c')}`,
  `localhost/app@${SHA('c')}`, `localhost:5000@${SHA('c')}`, `registry.example/app@${SHA('c', 63)}`, `registry.example/app@sha512:${'c'.repeat(128)}`,
  `registry.example/app@sha384:${'c'.repeat(64)}`, `registry.example/App@${SHA('c')}`, `registry.example/${'a'.repeat(240)}@${SHA('c')}`,
  `registry.example/${'a'.repeat(230)}@${SHA('c')}`, `index.docker.io/nginx@${SHA('c')}`, `docker.io/nginx@${SHA('c')}`, `DOCKER.IO/nginx@${SHA('c')}`,
  `INDEX.DOCKER.IO/library/nginx@${SHA('c')}`, `[::1]:5000/app@${SHA('c')}`, `a_b.c/app@${SHA('c')}`, `acme/app@${SHA('c')}`, `nginx@${SHA('c')}`,
  `ghcr.io/acme/api@${SHA('c')}`, `ghcr.io/acme@${SHA('c')}`, `ghcr.io/acmex/api@${SHA('c')}`, `GHCR.IO/acme/api:2@${SHA('c')}`,
  'c'.repeat(64), `c${'c'.repeat(63)}:1`, `registry.example/app@sha256:${'C'.repeat(64)}`, `registry.example//app@${SHA('c')}`,
  `registry.example/a__b/c---d@${SHA('c')}`, `registry.example/a___b@${SHA('c')}`, `reg-.example/app@${SHA('c')}`, `registry.example/app:-x@${SHA('c')}`,
];

/** Workloads aimed at each emitted rule, in the test's namespace. */
function ruleVariants(): { id: string; object: Fields }[] {
  const variants = [
    variant('compliant', () => undefined),
    ...IMAGES.map((image) => variant(`app image ${image}`, (spec) => { spec.containers[0].image = image; })),
    ...IMAGES.slice(0, 3).map((image) => variant(`init image ${image}`, (spec) => { spec.initContainers[0].image = image; })),
    variant('app readOnlyRootFilesystem removed', (spec) => { delete spec.containers[0].securityContext.readOnlyRootFilesystem; }),
    variant('init readOnlyRootFilesystem false', (spec) => { spec.initContainers[0].securityContext.readOnlyRootFilesystem = false; }),
    variant('app securityContext removed', (spec) => { delete spec.containers[0].securityContext; }),
    variant('readinessProbe removed', (spec) => { delete spec.containers[0].readinessProbe; }),
    variant('livenessProbe removed', (spec) => { delete spec.containers[0].livenessProbe; }),
    variant('probe on an undeclared port name', (spec) => { spec.containers[0].readinessProbe = { httpGet: { port: 'metrics' } }; }),
    variant('startupProbe on an undeclared port name', (spec) => { spec.containers[0].startupProbe = { tcpSocket: { port: 'admin' } }; }),
    variant('postStart httpGet on an undeclared port name', (spec) => { spec.containers[0].lifecycle = { postStart: { httpGet: { port: 'web' } } }; }),
    variant('preStop tcpSocket hook', (spec) => { spec.containers[0].lifecycle = { preStop: { tcpSocket: { port: 8080 } } }; }),
    variant('preStop sleep hook', (spec) => { spec.containers[0].lifecycle = { preStop: { sleep: { seconds: 1 } } }; }),
    variant('run to completion without probes', (spec) => {
      spec.restartPolicy = 'Never';
      delete spec.containers[0].readinessProbe;
      delete spec.containers[0].livenessProbe;
    }),
    variant('sidecar without probes', (spec) => { spec.initContainers[0].restartPolicy = 'Always'; }),
    variant('sidecar with probes', (spec) => {
      Object.assign(spec.initContainers[0], { restartPolicy: 'Always', readinessProbe: { tcpSocket: { port: 9090 } }, livenessProbe: { tcpSocket: { port: 9090 } } });
    }),
    variant('no serviceAccountName', (spec) => { delete spec.serviceAccountName; }),
    variant('serviceAccountName default', (spec) => { spec.serviceAccountName = 'default'; }),
    variant('deprecated serviceAccount app', (spec) => { delete spec.serviceAccountName; spec.serviceAccount = 'app'; }),
    variant('env secretKeyRef', (spec) => { spec.containers[0].env = [{ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } }]; }),
    variant('init envFrom secretRef', (spec) => { spec.initContainers[0].envFrom = [{ secretRef: { name: 'db' } }]; }),
    variant('env configMapKeyRef', (spec) => { spec.containers[0].env = [{ name: 'MODE', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'mode' } } }]; }),
    variant('suppressed by annotation', (spec, pod) => {
      spec.containers[0].image = 'registry.example/app:1.0';
      pod.metadata.annotations = { 'hardpod.dev/suppress.image-digest': 'pinned at deploy time' };
    }),
    variant('suppression annotation of another rule', (spec, pod) => {
      spec.containers[0].image = 'registry.example/app:1.0';
      pod.metadata.annotations = { 'hardpod.dev/suppress.probes': 'a batch pod' };
    }),
    variant('windows pod', (spec) => {
      spec.os = { name: 'windows' };
      delete spec.securityContext;
      for (const c of [...spec.initContainers, ...spec.containers]) delete c.securityContext;
    }),
  ];
  const suppressed = variant('suppressed by config', (spec) => { delete spec.containers[0].securityContext.readOnlyRootFilesystem; });
  suppressed.object.metadata.name = 'suppressed-by-config';
  return [...variants, suppressed];
}

/** Each workload kind, holding the pod spec of a compliant Pod and of one failing several rules. */
function workloadKinds(): { id: string; object: Fields }[] {
  const failing = (): Fields => {
    const spec = compliantPod().spec;
    spec.containers[0].image = 'nginx:1.27';
    delete spec.containers[0].securityContext.readOnlyRootFilesystem;
    spec.containers[0].env = [{ name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'api', key: 'token' } } }];
    return spec;
  };
  const labels = { 'app.kubernetes.io/name': 'kind' };
  const template = (spec: Fields, restartPolicy?: string): Fields =>
    ({ metadata: { labels }, spec: restartPolicy ? { ...spec, restartPolicy } : spec });
  const kinds: [string, string, (spec: Fields) => Fields][] = [
    ['apps/v1', 'Deployment', (spec) => ({ selector: { matchLabels: labels }, template: template(spec) })],
    ['apps/v1', 'StatefulSet', (spec) => ({ serviceName: 'kind', selector: { matchLabels: labels }, template: template(spec) })],
    ['apps/v1', 'DaemonSet', (spec) => ({ selector: { matchLabels: labels }, template: template(spec) })],
    ['apps/v1', 'ReplicaSet', (spec) => ({ selector: { matchLabels: labels }, template: template(spec) })],
    ['v1', 'ReplicationController', (spec) => ({ selector: labels, template: template(spec) })],
    ['batch/v1', 'Job', (spec) => ({ template: template(spec, 'Never') })],
    ['batch/v1', 'CronJob', (spec) => ({ schedule: '0 * * * *', jobTemplate: { spec: { template: template(spec, 'OnFailure') } } })],
  ];
  const out: { id: string; object: Fields }[] = [];
  for (const [apiVersion, kind, body] of kinds) {
    for (const [which, spec] of [['compliant', compliantPod().spec], ['failing', failing()]] as const) {
      out.push({ id: `${kind} ${which}`, object: { apiVersion, kind, metadata: { name: `${kind.toLowerCase()}-${which}` }, spec: body(spec) } });
    }
  }
  for (const [which, spec] of [['compliant', compliantPod().spec], ['failing', failing()]] as const) {
    out.push({ id: `PodTemplate ${which}`, object: { apiVersion: 'v1', kind: 'PodTemplate', metadata: { name: `podtemplate-${which}` }, template: template(spec) } });
  }
  // In the default namespace (a Deployment: no ServiceAccount is looked up for it there).
  out.push({ id: 'Deployment in default', object: { ...out[0].object, metadata: { name: 'in-default', namespace: 'default' } } });
  return out;
}

/** The rules whose policies a verdict names: `... ValidatingAdmissionPolicy '<prefix><rule>' ...`. */
function rulesNamed(texts: readonly string[], policies: AdmissionPolicies): Set<string> {
  const named = new Set<string>();
  for (const text of texts) for (const e of policies.emitted) if (text.includes(`ValidatingAdmissionPolicy '${e.policyName}'`)) named.add(e.rule);
  return named;
}

describeCluster('admission policies: the server judges each emitted rule as evaluate() does', (cluster) => {
  let namespace = '';
  let config: EngineConfig = {};
  let warn: AdmissionPolicies;
  let deny: AdmissionPolicies;
  let run = '';

  const labelled = (object: Fields, mode: string): KubeObject => {
    const copy = structuredClone(object);
    const labels = { ...copy.metadata.labels, [RUN_LABEL]: run, [MODE_LABEL]: mode };
    copy.metadata = { ...copy.metadata, namespace: copy.metadata.namespace ?? namespace, labels };
    return copy as KubeObject;
  };
  /** The emitted rules evaluate() fails the object on; an unknown or error outcome of one would make the comparison moot. */
  const failingRules = (object: KubeObject): Set<string> => {
    const report = evaluate([{ object, source: { file: 'corpus' } }], config);
    const emitted = new Set(warn.emitted.map((e) => e.rule));
    const findings = report.findings.filter((f) => emitted.has(f.rule));
    const unclear = findings.filter((f) => f.outcome === 'unknown' || f.outcome === 'error');
    if (unclear.length > 0) throw new Error(`evaluate() is not clear about ${object.metadata?.name}: ${JSON.stringify(unclear)}`);
    return new Set(findings.filter((f) => f.outcome === 'fail').map((f) => f.rule));
  };
  const describeVerdict = (verdict: Verdict): string => `${verdict.status} ${verdict.message ?? ''} ${verdict.warnings.join(' | ')}`;

  beforeAll(async () => {
    const c = cluster();
    namespace = await c.createNamespace(c.uniqueNamespaceName('admission-policies'));
    run = namespace;
    const account = await c.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'app' } }, namespace);
    if (!account.allowed) throw new Error(`cannot create ServiceAccount app: ${account.message}`);
    config = {
      hardened: { allowedRegistries: ['registry.example', 'docker.io/library', 'ghcr.io/acme'] },
      suppressions: [{ rule: 'read-only-root-filesystem', kind: 'Pod', namespace, name: 'suppressed-by-config', reason: 'a legacy app that writes to /var' }],
    };
    const selector = (mode: string) => ({ matchLabels: { [RUN_LABEL]: run, [MODE_LABEL]: mode } });
    warn = admissionPolicies({ ...config, enforcement: 'warn' }, { namePrefix: `${run}-warn-`, objectSelector: selector('warn') });
    deny = admissionPolicies(config, { namePrefix: `${run}-deny-`, objectSelector: selector('deny') });
    for (const object of [...warn.objects, ...deny.objects]) {
      const created = await c.create(object);
      if (!created.allowed || created.warnings.length > 0) throw new Error(`${object.kind} ${object.metadata?.name}: ${describeVerdict(created)}`);
    }
    // The server loads new policies asynchronously: wait until each warns on, and refuses, a Pod failing every emitted rule.
    const canary = compliantPod();
    canary.metadata = { name: 'canary' };
    canary.spec.containers[0].image = 'ghcr.io/other/app:1';
    delete canary.spec.containers[0].securityContext.readOnlyRootFilesystem;
    delete canary.spec.containers[0].readinessProbe;
    canary.spec.containers[0].env = [{ name: 'X', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }];
    delete canary.spec.serviceAccountName;
    const everyRule = warn.emitted.map((e) => e.rule).filter((rule) => rule !== 'not-default-namespace');
    await c.waitUntil('every warn policy warns', async () => {
      const verdict = await c.dryRunCreate(labelled(canary, 'warn'));
      return everyRule.every((rule) => rulesNamed(verdict.warnings, warn).has(rule));
    }, 60_000);
    for (const rule of everyRule) {
      // Each deny policy on its own: a canary failing that rule alone is refused.
      const only = variantFailing(rule);
      await c.waitUntil(`the deny policy of ${rule} refuses`, async () => {
        const verdict = await c.dryRunCreate(labelled(only, 'deny'));
        return !verdict.allowed && rulesNamed([verdict.message ?? ''], deny).has(rule);
      }, 60_000);
    }
    const inDefault = workloadKinds().find((k) => k.id === 'Deployment in default')!.object;
    await c.waitUntil('the not-default-namespace policies judge', async () => {
      const verdict = await c.dryRunCreate(labelled(inDefault, 'warn'));
      const refused = await c.dryRunCreate(labelled(inDefault, 'deny'));
      return rulesNamed(verdict.warnings, warn).has('not-default-namespace') && !refused.allowed;
    }, 60_000);
  }, 240_000);

  test('the emitted rules are the ones the design names that CEL expresses exactly', () => {
    expect(warn.emitted.map((e) => e.rule)).toEqual([
      'image-digest', 'allowed-registries', 'read-only-root-filesystem', 'dedicated-service-account', 'secrets-as-files', 'probes', 'not-default-namespace',
    ]);
  });

  const corpus = (): { id: string; object: Fields }[] => [
    ...mutationCorpus().map((m) => ({ id: `mutation ${m.id}`, object: m.pod as Fields })),
    ...ruleVariants(),
    ...workloadKinds(),
  ];

  test('per object and rule, the server warns with the rule\'s validation exactly when evaluate() fails it', async () => {
    const mismatches: string[] = [];
    let failing = 0;
    for (const { id, object } of corpus()) {
      const sent = labelled(object, 'warn');
      const expected = failingRules(sent);
      if (expected.size > 0) failing++;
      const verdict = await cluster().dryRunCreate(sent);
      if (!verdict.allowed) {
        mismatches.push(`${id}: refused by the server (${describeVerdict(verdict)})`);
        continue;
      }
      const warned = rulesNamed(verdict.warnings, warn);
      const diff = [...new Set([...expected, ...warned])].filter((rule) => expected.has(rule) !== warned.has(rule));
      if (diff.length > 0) mismatches.push(`${id}: evaluate() fails [${[...expected].join(', ')}], the server warns [${[...warned].join(', ')}]: ${verdict.warnings.join(' | ')}`);
    }
    expect(mismatches).toEqual([]);
    // The corpus exercises both outcomes.
    expect(failing).toBeGreaterThan(50);
  }, 600_000);

  test('bound to deny, the server refuses exactly the objects evaluate() fails, naming a failing rule', async () => {
    const mismatches: string[] = [];
    for (const { id, object } of corpus()) {
      const sent = labelled(object, 'deny');
      const expected = failingRules(sent);
      const verdict = await cluster().dryRunCreate(sent);
      if (expected.size === 0 && !verdict.allowed) mismatches.push(`${id}: refused though evaluate() fails no emitted rule (${describeVerdict(verdict)})`);
      if (expected.size > 0) {
        const named = [...rulesNamed([verdict.message ?? ''], deny)];
        if (verdict.allowed || named.length === 0 || !named.every((rule) => expected.has(rule))) {
          mismatches.push(`${id}: evaluate() fails [${[...expected].join(', ')}], the server says ${describeVerdict(verdict)}`);
        } else if (!(verdict.message ?? '').includes('Remediation:')) {
          mismatches.push(`${id}: the refusal gives no remediation: ${verdict.message}`);
        }
      }
    }
    expect(mismatches).toEqual([]);
  }, 600_000);

  test('ephemeral containers added to a running Pod are judged as evaluate() judges the Pod holding them', async () => {
    const pod = labelled({ ...compliantPod(), metadata: { name: 'debugged' } }, 'warn');
    const created = await cluster().create(pod);
    expect(created.allowed).toBe(true);
    const containers: Fields[] = [
      { name: 'debugger', image: PINNED, securityContext: { readOnlyRootFilesystem: true } },
      { name: 'debugger', image: 'busybox:1.36', securityContext: { readOnlyRootFilesystem: true } },
      { name: 'debugger', image: PINNED },
      { name: 'debugger', image: PINNED, securityContext: { readOnlyRootFilesystem: true }, envFrom: [{ secretRef: { name: 'db' } }] },
    ];
    const mismatches: string[] = [];
    for (const container of containers) {
      const withEphemeral = structuredClone(pod) as Fields;
      withEphemeral.spec.ephemeralContainers = [container];
      const expected = failingRules(withEphemeral as KubeObject);
      const verdict = await cluster().request('PATCH', `/api/v1/namespaces/${namespace}/pods/debugged/ephemeralcontainers?dryRun=All`,
        { spec: { ephemeralContainers: [container] } }, 'application/strategic-merge-patch+json');
      const warned = rulesNamed(verdict.warnings, warn);
      if (!verdict.allowed || [...expected].sort().join() !== [...warned].sort().join()) {
        mismatches.push(`${JSON.stringify(container)}: evaluate() fails [${[...expected].join(', ')}], the server: ${describeVerdict(verdict)}`);
      }
    }
    expect(mismatches).toEqual([]);
  }, 120_000);
});

/** A compliant Pod changed to fail one emitted rule only. */
function variantFailing(rule: string): Fields {
  const pod = compliantPod();
  pod.metadata = { name: `canary-${rule}` };
  const app = pod.spec.containers[0];
  if (rule === 'image-digest') app.image = 'registry.example/app:1.0';
  else if (rule === 'allowed-registries') app.image = `ghcr.io/other/app@${SHA('c')}`;
  else if (rule === 'read-only-root-filesystem') delete app.securityContext.readOnlyRootFilesystem;
  else if (rule === 'dedicated-service-account') delete pod.spec.serviceAccountName;
  else if (rule === 'secrets-as-files') app.env = [{ name: 'X', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }];
  else if (rule === 'probes') delete app.readinessProbe;
  else throw new Error(`no canary for ${rule}`);
  return pod;
}
