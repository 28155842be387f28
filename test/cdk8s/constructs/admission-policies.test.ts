import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Chart, Testing } from 'cdk8s';
import { kyvernoPolicies, kyvernoValidatingPolicies } from '../../../src/admission/kyverno-policy';
import { admissionPolicies } from '../../../src/admission/validating-admission-policy';
import { HardpodAdmissionPolicies } from '../../../src/cdk8s';
import type { EngineConfig } from '../../../src/engine/config';
import type { KubeObject } from '../../../src/model/kube-object';

const CONFIG: EngineConfig = {
  rules: { 'probes': { enabled: false }, 'read-only-root-filesystem': { enforcement: 'warn' } },
  hardened: { allowedRegistries: ['ghcr.io/acme'] },
};

describe('HardpodAdmissionPolicies (cdk8s)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hardpod-admission-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('emits the policies hardpod admission-policy writes for the config, cluster-scoped in a namespaced chart', () => {
    const chart = new Chart(Testing.app(), 'platform', { namespace: 'platform' });
    const policies = new HardpodAdmissionPolicies(chart, 'admission', { config: CONFIG, namePrefix: 'acme-' });
    const objects = Testing.synth(chart) as KubeObject[];
    expect(objects).toEqual(admissionPolicies(CONFIG, { namePrefix: 'acme-' }).objects);
    expect(objects.every((o) => o.metadata?.namespace === undefined)).toBe(true);
    expect(policies.policies.emitted.map((e) => e.rule)).toContain('allowed-registries');
    expect(policies.policies.emitted.map((e) => e.rule)).not.toContain('probes');
    const readOnly = objects.find((o) => o.metadata?.name === 'acme-read-only-root-filesystem' && o.kind === 'ValidatingAdmissionPolicyBinding');
    expect((readOnly?.spec as { validationActions: string[] }).validationActions).toEqual(['Warn']);
  });

  test('format kyverno emits the Kyverno ValidatingPolicies, kyverno-cluster-policy the ClusterPolicies, with no Kubernetes version floor', () => {
    const chart = new Chart(Testing.app(), 'kyverno', { namespace: 'platform' });
    new HardpodAdmissionPolicies(chart, 'current', { config: CONFIG, format: 'kyverno', k8sVersion: '1.29' });
    new HardpodAdmissionPolicies(chart, 'legacy', { config: CONFIG, format: 'kyverno-cluster-policy', namePrefix: 'legacy-' });
    const objects = Testing.synth(chart) as KubeObject[];
    expect(objects).toEqual([
      ...kyvernoValidatingPolicies({ ...CONFIG, kubernetesVersion: '1.29' }).objects,
      ...kyvernoPolicies(CONFIG, { namePrefix: 'legacy-' }).objects,
    ]);
    expect(objects.every((o) => o.metadata?.namespace === undefined)).toBe(true);
    expect(() => new HardpodAdmissionPolicies(new Chart(Testing.app(), 'g'), 'admission', { format: 'gatekeeper' as never }))
      .toThrow(/^g\/admission format: format "gatekeeper" is not one hardpod writes; expected one of vap, kyverno, kyverno-cluster-policy/);
  });

  test('reads a config file as Hardpod.enforce does, a mistake in it naming its file and line', () => {
    const good = join(dir, 'hardpod.yaml');
    writeFileSync(good, 'rules:\n  probes:\n    enabled: false\n');
    const fromFile = new HardpodAdmissionPolicies(new Chart(Testing.app(), 'a'), 'admission', { config: good });
    expect(fromFile.policies.emitted.map((e) => e.rule)).not.toContain('probes');
    const bad = join(dir, 'old.yaml');
    writeFileSync(bad, '# the cluster\nkubernetesVersion: "1.29"\n');
    expect(() => new HardpodAdmissionPolicies(new Chart(Testing.app(), 'b'), 'admission', { config: bad }))
      .toThrow(new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2 \\(kubernetesVersion\\): ValidatingAdmissionPolicy is served as admissionregistration.k8s.io/v1 from Kubernetes 1.30`));
    expect(() => new HardpodAdmissionPolicies(new Chart(Testing.app(), 'c'), 'admission', { k8sVersion: '1.29' }))
      .toThrow(/^c\/admission k8sVersion: ValidatingAdmissionPolicy is served/);
  });

  test('refuses a misspelt prop and says what of the config it cannot carry', () => {
    expect(() => new HardpodAdmissionPolicies(new Chart(Testing.app(), 'd'), 'admission', { namePrefx: 'x-' } as never))
      .toThrow(/^d\/admission: unknown property "namePrefx" \(did you mean "namePrefix"\?\)/);
    expect(() => new HardpodAdmissionPolicies(new Chart(Testing.app(), 'e'), 'admission', { onWarning: 'log' as never })).toThrow(/^e\/admission onWarning: onWarning must be a function/);
    const warnings: string[] = [];
    const config: EngineConfig = { suppressions: [{ rule: 'image-digest', kind: 'CronJob', name: 'nightly', reason: 'vendor image' }] };
    new HardpodAdmissionPolicies(new Chart(Testing.app(), 'f'), 'admission', { config, onWarning: (message) => warnings.push(message) });
    expect(warnings).toEqual([expect.stringMatching(/^hardpod warning: f\/admission: the suppression of image-digest on CronJob nightly is not carried: /)]);
  });
});
