import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiObject, App, Chart, Include, JsonPatch, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-33';
import { addCompanions, DIGEST, hardenedDeploymentManifest, PINNED, prometheusManifest, PROMETHEUS_REASON } from './fixtures';
import { HardenedDeployment, HardenedNamespace, Hardpod } from '../../../src/cdk8s';
import type { Report } from '../../../src/engine/report';
import { HardpodError } from '../../../src/model/errors';
import { vulnerableDebianImageFacts, writeLockFile } from '../../fixtures/lock-file';
import { keyPair, signatureKey } from '../../images/signing-keys';

function chart(namespace?: string): Chart {
  return new Chart(Testing.app(), 'test', namespace ? { namespace } : {});
}

/** The message Testing.synth throws, or '' when it synthesizes. */
function synthError(c: Chart): string {
  try {
    Testing.synth(c);
    return '';
  } catch (error) {
    return (error as Error).message;
  }
}

describe('Hardpod.enforce', () => {
  test('a clean app of plain ApiObjects synthesizes, and every object was judged', () => {
    const c = chart();
    addCompanions(c);
    new ApiObject(c, 'web', hardenedDeploymentManifest() as never);
    let report: Report | undefined;
    Hardpod.enforce(c, { config: { hardened: { allowedRegistries: ['registry.example.com'] } }, onReport: (r) => { report = r; } });
    expect(Testing.synth(c)).toHaveLength(4);
    expect(report?.findings).toEqual([]);
    expect(report?.objects.map((o) => o.source.constructPath).sort()).toEqual(['test/default-deny', 'test/namespace', 'test/service-account', 'test/web']);
  });

  test('a violating plain ApiObject fails Testing.synth, naming the construct path, rule and field', () => {
    const c = chart();
    addCompanions(c);
    const manifest = hardenedDeploymentManifest('web', 'shop', 'nginx:latest');
    new ApiObject(c, 'web', manifest as never);
    Hardpod.enforce(c);
    const message = synthError(c);
    expect(message).toContain('Validation failed with the following errors');
    expect(message).toContain('[image-digest] test/web (Deployment shop/web) spec.template.spec.containers[0].image: container "app" image "nginx:latest" is not pinned by digest');
    expect(message).toContain('Fix: Reference every image by digest');
  });

  test('app.synth() fails too, and writes no manifest', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'hardpod-enforce-'));
    const app = new App({ outdir });
    const c = new Chart(app, 'prod');
    new ApiObject(c, 'web', hardenedDeploymentManifest('web', 'shop', 'nginx') as never);
    Hardpod.enforce(app);
    expect(() => app.synth()).toThrow(/\[image-digest\] prod\/web \(Deployment shop\/web\)/);
    expect(readdirSync(outdir)).toEqual([]);
  });

  test('on the app, failures are not prefixed with its empty path ("[]"), and the app still synthesizes its charts', () => {
    const app = Testing.app();
    const c = new Chart(app, 'prod');
    new ApiObject(c, 'web', hardenedDeploymentManifest('web', 'shop', 'nginx') as never);
    Hardpod.enforce(app);
    Hardpod.enforce(app, { level: 'baseline' });
    const message = synthError(c);
    expect(message).not.toContain('[]');
    expect(message).toContain('\n  [Hardpod.enforce] [image-digest] prod/web (Deployment shop/web)');
    const clean = Testing.app();
    const ok = new Chart(clean, 'prod');
    addCompanions(ok);
    new ApiObject(ok, 'web', hardenedDeploymentManifest() as never);
    Hardpod.enforce(clean, { config: { hardened: { allowedRegistries: ['registry.example.com'] } } });
    expect(clean.synthYaml()).toContain('kind: Deployment');
  });

  test('enforce called twice on one scope (a platform library and the app) gives each failure and warning once', () => {
    const app = Testing.app();
    const c = new Chart(app, 'prod');
    new ApiObject(c, 'web', hardenedDeploymentManifest('web', 'shop', 'nginx') as never);
    const warnings: string[] = [];
    // One callback, as where both leave onWarning to its default (standard error).
    const onWarning = (m: string): void => { warnings.push(m); };
    Hardpod.enforce(app, { onWarning });
    Hardpod.enforce(app, { onWarning });
    Hardpod.enforce(app, { level: 'baseline', onWarning });
    const lines = synthError(c).split('\n').filter((line) => line.includes('[image-digest]'));
    expect(lines).toEqual([expect.stringMatching(/^ {2}\[Hardpod\.enforce\] \[image-digest\] prod\/web \(Deployment shop\/web\)/)]);
    expect(warnings.filter((m) => m.includes('[network-policy]'))).toHaveLength(1);
  });

  test('enforcing the app leaves the name hardpod free for a chart of the user\'s', () => {
    const app = Testing.app();
    Hardpod.enforce(app, { onWarning: () => undefined });
    const c = new Chart(app, 'hardpod');
    new ApiObject(c, 'web', hardenedDeploymentManifest('web', 'shop', 'nginx') as never);
    expect(synthError(c)).toContain('[image-digest] hardpod/web (Deployment shop/web)');
  });

  test('enforce on the app and on one of its charts lists a failure both find once, under the app; the chart\'s stricter level adds its own', () => {
    const app = Testing.app();
    const c = new Chart(app, 'prod');
    const manifest = hardenedDeploymentManifest('web', 'shop', 'nginx') as { spec: { template: { spec: { containers: { securityContext: Record<string, unknown> }[] } } } };
    manifest.spec.template.spec.containers[0].securityContext.privileged = true;
    new ApiObject(c, 'web', manifest as never);
    const warnings: string[] = [];
    const onWarning = (m: string): void => { warnings.push(m); };
    Hardpod.enforce(app, { level: 'baseline', onWarning });
    Hardpod.enforce(c, { onWarning });
    const lines = synthError(c).split('\n');
    expect(lines.filter((line) => line.includes('[privileged]'))).toEqual([expect.stringMatching(/^ {2}\[Hardpod\.enforce\] \[privileged\] prod\/web /)]);
    expect(lines.filter((line) => line.includes('[image-digest]'))).toEqual([expect.stringMatching(/^ {2}\[prod\] \[image-digest\] prod\/web /)]);
    // The same level on both: every failure and warning once.
    const same = Testing.app();
    const inner = new Chart(same, 'prod');
    new ApiObject(inner, 'web', hardenedDeploymentManifest('web', 'shop', 'nginx') as never);
    warnings.length = 0;
    Hardpod.enforce(same, { onWarning });
    Hardpod.enforce(inner, { onWarning });
    expect(synthError(inner).split('\n').filter((line) => line.includes('[image-digest]'))).toHaveLength(1);
    expect(warnings.filter((m) => m.includes('[network-policy]'))).toHaveLength(1);
  });

  test('cdk8s-plus constructs are checked through their ApiObjects', () => {
    const c = chart('shop');
    new kplus.Deployment(c, 'plus', { containers: [{ image: 'nginx:1.27', portNumber: 8080 }] });
    Hardpod.enforce(c, { level: 'restricted' });
    const message = synthError(c);
    // cdk8s-plus drops no capabilities and sets no seccomp profile: restricted fails on both.
    expect(message).toMatch(/\[capabilities-restricted\] test\/plus\/Resource \(Deployment shop\/test-plus-c8[0-9a-f]+\)/);
    expect(message).toMatch(/\[seccomp-profile-restricted\] test\/plus\/Resource/);
    expect(message).not.toContain('[image-digest]');
  });

  test('included YAML is checked, each object under its own construct path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hardpod-include-'));
    const file = join(dir, 'vendor.yaml');
    writeFileSync(file, [
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: shop}\ndata: {a: b}',
      'apiVersion: v1\nkind: Pod\nmetadata: {name: debug, namespace: shop}\nspec:\n  containers:\n  - name: shell\n    image: busybox\n    securityContext: {privileged: true}',
    ].join('\n---\n'));
    const c = chart();
    new Include(c, 'vendor', { url: file });
    Hardpod.enforce(c, { level: 'baseline' });
    expect(synthError(c)).toContain('[privileged] test/vendor/debug-pod-shop (Pod shop/debug) spec.containers[0].securityContext.privileged');
  });

  test('a finding on an item of a v1 List (an included kubectl export, or an ApiObject whose body is a List) names the List\'s construct path and the item\'s place in it', () => {
    const pod = (name: string, annotations?: Record<string, string>): Record<string, unknown> => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: 'shop', ...(annotations ? { annotations } : {}) },
      spec: { hostPID: true, containers: [{ name: 'shell', image: 'busybox', securityContext: { privileged: true } }] },
    });
    const worker = { apiVersion: 'batch.acme.io/v1', kind: 'Worker', metadata: { name: 'worker', namespace: 'shop' }, spec: { podTemplate: { spec: { containers: [{ name: 'a', image: 'nginx' }] } } } };
    const dir = mkdtempSync(join(tmpdir(), 'hardpod-include-'));
    const file = join(dir, 'exported.yaml');
    const settings = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'shop' } };
    writeFileSync(file, `apiVersion: v1\nkind: List\nitems:\n- ${JSON.stringify(settings)}\n- ${JSON.stringify(pod('debug'))}\n- ${JSON.stringify(worker)}\n`);
    const app = Testing.app();
    const c = new Chart(app, 'prod');
    new Include(c, 'exported', { url: file });
    new ApiObject(c, 'inline', { apiVersion: 'v1', kind: 'List', items: [pod('shell')] } as never);
    const warnings: string[] = [];
    Hardpod.enforce(app, { level: 'baseline', config: { rules: { 'host-namespaces': { enforcement: 'warn' } } }, onWarning: (m) => warnings.push(m) });
    const message = synthError(c);
    expect(message).toContain('[privileged] prod/exported/object0-list items[1] (Pod shop/debug) spec.containers[0].securityContext.privileged');
    expect(message).toContain('[privileged] prod/inline items[0] (Pod shop/shell) spec.containers[0].securityContext.privileged');
    expect(message).toContain('[not-checked] prod/exported/object0-list items[2] (Worker shop/worker): hardpod cannot check it');
    expect(warnings).toContainEqual(expect.stringMatching(/^hardpod warning \(warn, not failing\): \[host-namespaces\] prod\/exported\/object0-list items\[1\] \(Pod shop\/debug\) spec\.hostPID: /));
    // A mistake in an item's own annotations names the item too.
    const bad = Testing.app();
    new ApiObject(new Chart(bad, 'prod'), 'inline', { apiVersion: 'v1', kind: 'List', items: [settings, pod('shell', { 'hardpod.dev/suppress.privileged': '' })] } as never);
    Hardpod.enforce(bad, { level: 'baseline', onWarning: () => undefined });
    expect(synthError(bad.node.findChild('prod') as Chart)).toMatch(/hardpod: prod\/inline items\[1\] \(annotation hardpod\.dev\/suppress\.privileged\): .*needs a non-empty reason/);
  });

  test('hardpod constructs are checked like any other, and pass every hardened rule with their namespace', () => {
    const c = chart('shop');
    new HardenedNamespace(c, 'ns', { name: 'shop' });
    new HardenedDeployment(c, 'web', { image: PINNED, port: 8080 });
    let report: Report | undefined;
    Hardpod.enforce(c, { onReport: (r) => { report = r; } });
    expect(synthError(c)).toBe('');
    expect(report?.objects.map((o) => o.kind).sort()).toEqual(['Deployment', 'Namespace', 'NetworkPolicy', 'NetworkPolicy', 'PodDisruptionBudget', 'Service', 'ServiceAccount']);
    expect(report?.findings).toEqual([]);
  });

  test('findings that do not fail synthesis (unknown, warn) are warnings, and reach onReport', () => {
    const c = chart();
    new ApiObject(c, 'web', hardenedDeploymentManifest('web', 'shop', 'nginx') as never);
    let report: Report | undefined;
    const warnings: string[] = [];
    Hardpod.enforce(c, { config: { rules: { 'image-digest': { enforcement: 'warn' } } }, onReport: (r) => { report = r; }, onWarning: (m) => warnings.push(m) });
    expect(synthError(c)).toBe('');
    expect(warnings).toContainEqual(expect.stringMatching(/^hardpod warning \(warn, not failing\): \[image-digest\] test\/web \(Deployment shop\/web\) /));
    expect(warnings).toContainEqual(expect.stringMatching(/^hardpod warning \(unknown, not failing\): \[network-policy\] test\/web \(Deployment shop\/web\) /));
    const outcomes = new Map(report!.findings.map((f) => [f.rule, `${f.outcome}/${f.enforcement}`]));
    expect(outcomes.get('image-digest')).toBe('fail/warn');
    // Partial input: the Namespace, ServiceAccount and NetworkPolicy are not in this chart.
    expect(outcomes.get('network-policy')).toBe('unknown/deny');
    expect(outcomes.get('namespace-psa-labels')).toBe('unknown/deny');
  });

  test('an object of a kind hardpod cannot read that holds a pod template fails synthesis as not checked, naming the fix', () => {
    const worker = (c: Chart): ApiObject => new ApiObject(c, 'worker', {
      apiVersion: 'batch.acme.io/v1',
      kind: 'Worker',
      metadata: { name: 'worker' },
      spec: { podTemplate: { spec: { hostPID: true, containers: [{ name: 'a', image: 'nginx', securityContext: { privileged: true } }] } } },
    });
    const unmapped = chart('shop');
    worker(unmapped);
    Hardpod.enforce(unmapped, { level: 'baseline' });
    const message = synthError(unmapped);
    expect(message).toContain('[not-checked] test/worker (Worker shop/worker): hardpod cannot check it: kind batch.acme.io/v1/Worker is not a known workload kind');
    expect(message).toContain('(workloadKinds)');
    // Mapped, the kind is checked like any workload.
    const mapped = chart('shop');
    worker(mapped);
    Hardpod.enforce(mapped, { level: 'baseline', config: { workloadKinds: [{ kind: 'Worker', group: 'batch.acme.io', templatePath: 'spec.podTemplate' }] } });
    const checked = synthError(mapped);
    expect(checked).not.toContain('[not-checked]');
    expect(checked).toContain('[privileged] test/worker (Worker shop/worker) spec.podTemplate.spec.containers[0].securityContext.privileged');
  });

  test('an object no mapping can express (a Prometheus) fails synthesis until a not-checked suppression acknowledges it, by annotation or config', () => {
    const app = (annotations?: Record<string, string>): Chart => {
      const c = chart();
      addCompanions(c);
      new ApiObject(c, 'web', hardenedDeploymentManifest() as never);
      new ApiObject(c, 'prometheus', prometheusManifest(annotations) as never);
      return c;
    };
    const config = { hardened: { allowedRegistries: ['registry.example.com'] } };
    const unacknowledged = app();
    Hardpod.enforce(unacknowledged, { config, onWarning: () => undefined });
    const message = synthError(unacknowledged);
    expect(message).toContain('[not-checked] test/prometheus (Prometheus monitoring/k8s): hardpod cannot check it: kind monitoring.coreos.com/v1/Prometheus is not a known workload kind');
    expect(message).toContain('acknowledge it with its reason (the annotation hardpod.dev/suppress.not-checked: <reason>, or a suppression { rule: not-checked, kind, namespace, name, reason } in the config)');

    let report: Report | undefined;
    const annotated = app({ 'hardpod.dev/suppress.not-checked': PROMETHEUS_REASON });
    Hardpod.enforce(annotated, { config, onReport: (r) => { report = r; }, onWarning: () => undefined });
    expect(synthError(annotated)).toBe('');
    expect(report?.notChecked.map((item) => [item.source.constructPath, item.suppression])).toEqual([['test/prometheus', { rule: 'not-checked', reason: PROMETHEUS_REASON, source: 'annotation' }]]);

    const suppression = { rule: 'not-checked', kind: 'Prometheus', namespace: 'monitoring', name: 'k8s', reason: PROMETHEUS_REASON };
    const configured = app();
    Hardpod.enforce(configured, { config: { ...config, suppressions: [suppression] }, onWarning: () => undefined });
    expect(synthError(configured)).toBe('');
    // A suppression of another object acknowledges nothing here.
    const elsewhere = app();
    Hardpod.enforce(elsewhere, { config: { ...config, suppressions: [{ ...suppression, namespace: 'observability' }] }, onWarning: () => undefined });
    expect(synthError(elsewhere)).toContain('[not-checked] test/prometheus');
  });

  test('a workload without its NetworkPolicy (network.policy: false) is a network-policy warning, given once however many charts synthesize', () => {
    const app = Testing.app();
    const c = new Chart(app, 'c', { namespace: 'shop' });
    new Chart(app, 'other');
    new HardenedDeployment(c, 'w', { image: PINNED, port: 8080, network: { policy: false } });
    const warnings: string[] = [];
    Hardpod.enforce(app, { config: { hardened: { allowedRegistries: ['registry.example.com'] } }, onWarning: (m) => warnings.push(m) });
    app.synthYaml();
    Testing.synth(c);
    const network = warnings.filter((m) => m.includes('[network-policy]'));
    expect(network).toHaveLength(1);
    expect(network[0]).toMatch(/^hardpod warning \(unknown, not failing\): \[network-policy\] c\/w\/Deployment \(Deployment shop\/c-w-[0-9a-f]+\) .*no NetworkPolicy in namespace "shop" selects the pod/);
  });

  test('objects are evaluated once per synthesis, not again for each chart cdk8s synthesizes, and again once they change', () => {
    const app = Testing.app();
    const web = new Chart(app, 'web');
    addCompanions(web);
    const deployment = new ApiObject(web, 'web', hardenedDeploymentManifest() as never);
    for (const id of ['a', 'b', 'c']) new ApiObject(new Chart(app, id), 'settings', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: id, namespace: 'shop' } });
    const reports: Report[] = [];
    Hardpod.enforce(app, { config: { hardened: { allowedRegistries: ['registry.example.com'] } }, onReport: (r) => reports.push(r) });
    // cdk8s validates the app once, then again for each of its four charts.
    app.synth();
    expect(reports).toHaveLength(1);
    app.synthYaml();
    expect(reports).toHaveLength(1);
    // A change made through any channel (here a JSON patch) is evaluated.
    deployment.addJsonPatch(JsonPatch.replace('/spec/template/spec/containers/0/image', 'nginx'));
    expect(() => app.synthYaml()).toThrow(/\[image-digest\] web\/web \(Deployment shop\/web\)/);
    expect(reports).toHaveLength(2);
    expect(() => app.synthYaml()).toThrow(/\[image-digest\] web\/web \(Deployment shop\/web\)/);
  });

  test('each object is read at the first two of the validations cdk8s makes of a synthesis, not at each chart\'s, with the app and a chart both enforced', () => {
    let reads = 0;
    class Counted extends ApiObject {
      toJson(): any {
        reads++;
        return super.toJson();
      }
    }
    const make = (enforce: boolean): { app: App; first: Chart } => {
      const app = Testing.app();
      const charts = ['a', 'b', 'c', 'd'].map((id) => new Chart(app, id));
      for (const c of charts) new Counted(c, 'settings', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: c.node.id, namespace: 'shop' } });
      if (enforce) {
        Hardpod.enforce(app, { onWarning: () => undefined });
        Hardpod.enforce(charts[0], { level: 'baseline', onWarning: () => undefined });
      }
      return { app, first: charts[0] };
    };
    // What cdk8s reads itself, without enforcement: each synthesis entry point reads in its own way.
    const readsOf = (synthesize: (built: { app: App; first: Chart }) => unknown, enforce: boolean): number => {
      reads = 0;
      synthesize(make(enforce));
      return reads;
    };
    // Four objects: app.synth() and synthYaml() validate the app five times (once, then for each chart), Testing.synth once.
    expect(readsOf(({ app }) => app.synth(), true) - readsOf(({ app }) => app.synth(), false)).toBe(2 * 4);
    expect(readsOf(({ app }) => app.synthYaml(), true) - readsOf(({ app }) => app.synthYaml(), false)).toBe(2 * 4);
    expect(readsOf(({ first }) => Testing.synth(first), true) - readsOf(({ first }) => Testing.synth(first), false)).toBe(4);
  });

  test('an object that a validation validated after hardpod\'s changes (as a library completing objects at synthesis does, cdk8s having no Aspects) fails the synthesis', () => {
    const app = Testing.app();
    // A platform's app enforces at its creation, before the charts (and their validations) exist.
    Hardpod.enforce(app, { config: { hardened: { allowedRegistries: ['registry.example.com'] } }, onWarning: () => undefined });
    const web = new Chart(app, 'web');
    addCompanions(web);
    const deployment = new ApiObject(web, 'web', hardenedDeploymentManifest() as never);
    let completed = false;
    web.node.addValidation({
      validate: () => {
        if (!completed) deployment.addJsonPatch(JsonPatch.replace('/spec/template/spec/containers/0/image', 'nginx'));
        completed = true;
        return [];
      },
    });
    new Chart(app, 'other');
    expect(() => app.synthYaml()).toThrow(/\[image-digest\] web\/web \(Deployment shop\/web\)/);
  });

  test('two objects of one kind, namespace and name (two charts\' Deployments named web in shop) fail synthesis, naming both construct paths', () => {
    // Plain ApiObjects: hardened workloads already refuse a second workload of one name at construction.
    const app = Testing.app();
    const a = new Chart(app, 'a', { namespace: 'shop' });
    const b = new Chart(app, 'b', { namespace: 'shop' });
    new ApiObject(a, 'web', hardenedDeploymentManifest('web', 'shop') as never);
    new ApiObject(b, 'web', hardenedDeploymentManifest('web', 'shop') as never);
    Hardpod.enforce(app, { onWarning: () => undefined });
    expect(synthError(a)).toContain('hardpod: b/web: Deployment shop/web is also emitted by a/web; applied, one would overwrite the other');
    // The same name in another namespace, or for another kind, is another object.
    const clean = Testing.app();
    new HardenedDeployment(new Chart(clean, 'a', { namespace: 'shop' }), 'web', { name: 'web', image: PINNED, port: 8080 });
    new HardenedDeployment(new Chart(clean, 'b', { namespace: 'staging' }), 'web', { name: 'web', image: PINNED, port: 8080 });
    Hardpod.enforce(clean, { config: { hardened: { allowedRegistries: ['registry.example.com'] } }, onWarning: () => undefined });
    expect(() => clean.synthYaml()).not.toThrow();
  });

  test('an object that an included v1 List holds, emitted again elsewhere, fails synthesis as a duplicate', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hardpod-include-'));
    const file = join(dir, 'exported.yaml');
    writeFileSync(file, `apiVersion: v1\nkind: List\nitems:\n- ${JSON.stringify(hardenedDeploymentManifest('web', 'shop'))}\n`);
    const app = Testing.app();
    const a = new Chart(app, 'a', { namespace: 'shop' });
    new Include(a, 'exported', { url: file });
    new ApiObject(new Chart(app, 'b', { namespace: 'shop' }), 'web', hardenedDeploymentManifest('web', 'shop') as never);
    Hardpod.enforce(app, { onWarning: () => undefined });
    expect(synthError(a)).toMatch(/hardpod: b\/web: Deployment shop\/web is also emitted by a\/exported\/[^ ]+ items\[0\]; applied, one would overwrite the other/);
  });

  test('a ClusterRole of a chart with a namespace is the one its binding grants, though cdk8s gives it the chart\'s namespace', () => {
    // cdk8s (and cdk8s-plus) set the chart's namespace on every ApiObject, cluster-scoped ones too;
    // the API server drops it, so the binding grants this very ClusterRole.
    const c = chart('shop');
    const role = new kplus.ClusterRole(c, 'debugger');
    role.allow(['create'], kplus.ApiResource.custom({ apiGroup: '', resourceType: 'pods/exec' }));
    role.bind(new kplus.ServiceAccount(c, 'worker'));
    expect(Testing.synth(c).find((o) => o.kind === 'ClusterRole').metadata.namespace).toBe('shop');
    const warnings: string[] = [];
    Hardpod.enforce(c, { onWarning: (m) => warnings.push(m) });
    expect(synthError(c)).toMatch(/\[rbac-no-exec\] test\/debugger\/ClusterRoleBinding\/Resource \(ClusterRoleBinding .*\) roleRef: grants ServiceAccount shop\/test-worker-c8[0-9a-f]+ create on pods\/exec through ClusterRole test-debugger-c8[0-9a-f]+/);
    expect(warnings.join('\n')).not.toContain('is not in the input');
  });

  test('two charts\' cluster-scoped objects of one name are one object, whatever namespace their charts give them', () => {
    const app = Testing.app();
    for (const namespace of ['shop', 'staging']) {
      const c = new Chart(app, namespace, { namespace });
      new ApiObject(c, 'reader', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'reader' }, rules: [] } as never);
    }
    Hardpod.enforce(app, { onWarning: () => undefined });
    expect(synthError(app.node.findChild('shop') as Chart)).toContain('hardpod: staging/reader: ClusterRole reader is also emitted by shop/reader; applied, one would overwrite the other');
  });

  test('a suppression annotation with a reason waives one rule on one object', () => {
    const c = chart();
    addCompanions(c);
    const manifest = hardenedDeploymentManifest('web', 'shop', 'nginx');
    (manifest.metadata as Record<string, unknown>).annotations = { 'hardpod.dev/suppress.image-digest': 'vendor image, pinned by the mirror' };
    new ApiObject(c, 'web', manifest as never);
    Hardpod.enforce(c);
    expect(synthError(c)).toBe('');
  });

  test('an invalid suppression is a validation error naming the construct, not a crash', () => {
    const c = chart();
    const manifest = hardenedDeploymentManifest();
    (manifest.metadata as Record<string, unknown>).annotations = { 'hardpod.dev/suppress.image-digest': '' };
    new ApiObject(c, 'web', manifest as never);
    Hardpod.enforce(c);
    expect(synthError(c)).toMatch(/hardpod: test\/web .*needs a non-empty reason/);
  });

  test('the Kubernetes version is honoured', () => {
    const make = (): Chart => {
      const c = chart();
      addCompanions(c);
      const manifest = hardenedDeploymentManifest();
      const spec = ((manifest.spec as any).template.spec);
      delete spec.securityContext.seccompProfile;
      new ApiObject(c, 'web', manifest as never);
      return c;
    };
    const current = make();
    Hardpod.enforce(current, { level: 'restricted' });
    expect(synthError(current)).toContain('[seccomp-profile-restricted]');
    // Before 1.19 the restricted seccomp check did not exist upstream.
    const old = make();
    Hardpod.enforce(old, { level: 'restricted', k8sVersion: '1.18' });
    expect(synthError(old)).toBe('');
  });

  test('bad options are rejected when enforce is called, with a clear message', () => {
    expect(() => Hardpod.enforce(chart(), { level: 'strict' as never })).toThrow('Hardpod.enforce(test) level: unknown level "strict"; expected one of baseline, restricted, hardened');
    expect(() => Hardpod.enforce(chart(), { k8sVersion: '2.0' })).toThrow(/Hardpod.enforce\(test\) k8sVersion: unsupported Kubernetes version "2.0"/);
    expect(() => Hardpod.enforce(chart(), { config: { rules: { 'no-such-rule': {} } } })).toThrow(/config.rules.no-such-rule: unknown rule id/);
    expect(() => Hardpod.enforce(chart(), { levle: 'baseline' } as never)).toThrow('Hardpod.enforce(test): unknown option "levle" (did you mean "level"?); expected one of level, ');
    expect(() => Hardpod.enforce(Testing.app(), null as never)).toThrow('Hardpod.enforce(<app>): options must be a mapping of level, ');
    expect(() => Hardpod.enforce(Testing.app(), null as never)).toThrow(HardpodError);
    // From plain JavaScript: refused now, not a TypeError when the first warning comes at synthesis.
    expect(() => Hardpod.enforce(chart(), { onWarning: 'stderr' as never })).toThrow('Hardpod.enforce(test) onWarning: onWarning must be a function, got a string ("stderr")');
    expect(() => Hardpod.enforce(chart(), { onReport: {} as never })).toThrow('Hardpod.enforce(test) onReport: onReport must be a function, got an object');
  });

  test('image facts from a lock file reach the image rules, and a named lock file must exist', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hardpod-enforce-lock-'));
    const lockFile = writeLockFile({ 'registry.example.com/shop/web:1.0': { digest: DIGEST, facts: { uid: 0, gid: 0 } } }, dir);
    const withLock = chart();
    addCompanions(withLock);
    new ApiObject(withLock, 'web', hardenedDeploymentManifest() as never);
    Hardpod.enforce(withLock, { config: { hardened: { allowedRegistries: ['registry.example.com'] } }, lockFile });
    // The image's user is root and nothing sets runAsUser: the kubelet would refuse to start it.
    expect(synthError(withLock)).toMatch(/\[image-non-root-user\] test\/web /);

    const withoutLock = chart();
    addCompanions(withoutLock);
    new ApiObject(withoutLock, 'web', hardenedDeploymentManifest() as never);
    Hardpod.enforce(withoutLock, { config: { hardened: { allowedRegistries: ['registry.example.com'] } } });
    expect(synthError(withoutLock)).toBe('');

    expect(() => Hardpod.enforce(chart(), { lockFile: join(dir, 'missing.json') })).toThrow(/missing\.json: lock file not found/);
  });

  test('the vulnerability gate and approved base images judge the lock file\'s facts at synthesis, as hardpod check does', () => {
    const release = keyPair();
    const dir = mkdtempSync(join(tmpdir(), 'hardpod-enforce-gate-'));
    const lockFile = writeLockFile({ 'registry.example.com/shop/web:1.0': { digest: DIGEST, facts: vulnerableDebianImageFacts(signatureKey('release', release).fingerprint) } }, dir);
    const gated = chart();
    addCompanions(gated);
    new ApiObject(gated, 'web', hardenedDeploymentManifest() as never);
    Hardpod.enforce(gated, {
      config: {
        hardened: { allowedRegistries: ['registry.example.com'], approvedBaseImages: ['cgr.dev/chainguard'] },
        images: { signatures: { keys: [{ name: 'release', publicKey: release.publicPem }] }, vulnerabilities: {} },
      },
      lockFile,
    });
    const error = synthError(gated);
    expect(error).toMatch(/\[image-vulnerabilities\] test\/web .*has 1 vulnerability of high or more severe \(trivy, finished at no stated time\): CVE-2024-0001 \(critical, fix available\)/);
    expect(error).toMatch(/\[image-approved-base\] test\/web .*is built on "docker\.io\/library\/debian:12"/);
  });

  test('an override of a rule the enforcement does not run is a warning naming its file and line, or the option, and why; given once per app', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hardpod-idle-'));
    const file = join(dir, 'hardpod.yaml');
    writeFileSync(file, 'edition: 1\nrules:\n  privileged: {severity: high}\n  well-formed-objects: {severity: low}\n  run-as-non-root: {enabled: false}\n');
    const app = Testing.app();
    const c = new Chart(app, 'prod');
    new ApiObject(c, 'web', hardenedDeploymentManifest() as never);
    const warnings: string[] = [];
    const onWarning = (m: string): void => { warnings.push(m); };
    // A platform library's enforcement and the app's, with one config file.
    Hardpod.enforce(app, { config: file, onWarning });
    Hardpod.enforce(app, { config: file, onWarning });
    Hardpod.enforce(c, { level: 'baseline', k8sVersion: '1.30', config: { rules: { 'image-digest': { enforcement: 'warn' }, 'host-probes-and-host-lifecycle': { severity: 'low' } } }, onWarning });
    const idle = [
      `hardpod warning: ${file}:4 (rules.well-formed-objects): the override of well-formed-objects has no effect, as the rule does not run: it came in rule-set edition 2, and the config pins edition 1`,
      'hardpod warning: Hardpod.enforce(prod) config.rules.image-digest: the override of image-digest has no effect, as the rule does not run: it is in level hardened, and this run checks level baseline',
      'hardpod warning: Hardpod.enforce(prod) config.rules.host-probes-and-host-lifecycle: the override of host-probes-and-host-lifecycle has no effect, as the rule does not run: it applies from Kubernetes 1.34, and this run judges 1.30',
    ];
    expect(warnings).toEqual(idle);
    // Said when enforce is called, not again at synthesis.
    synthError(c);
    expect(warnings.filter((m) => m.includes('has no effect'))).toEqual(idle);
  });

  test('a config file is read, and its mistakes name the file and line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hardpod-config-'));
    const good = join(dir, 'hardpod.yaml');
    writeFileSync(good, '# platform policy\nlevel: baseline\n');
    const c = chart();
    new ApiObject(c, 'web', hardenedDeploymentManifest('web', 'shop', 'nginx') as never);
    Hardpod.enforce(c, { config: good });
    expect(synthError(c)).toBe('');
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'level: hardened\nrules:\n  image-digest:\n    severity: extreme\n');
    expect(() => Hardpod.enforce(chart(), { config: bad })).toThrow(new RegExp(`${bad.replace(/[.]/g, '\\.')}:4 .*unknown severity "extreme"`));
  });
});
