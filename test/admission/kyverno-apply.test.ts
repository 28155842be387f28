/**
 * The Kyverno policies hardpod emits, of both kinds (ValidatingPolicy and the legacy ClusterPolicy),
 * in the real Kyverno CLI (built by scripts/setup/kyverno.sh): `kyverno apply` loads every policy,
 * and for the corpus the ValidatingAdmissionPolicies are proven on (test/cluster/admission-corpus.ts),
 * and Pods holding ephemeral containers, Kyverno fails a rule on an object exactly when evaluate()
 * gives a failing finding of that rule, and passes or skips it (a suppression) otherwise. Offline:
 * Kyverno judges each object as it would on create, so the matching of the ephemeralcontainers
 * subresource itself is not exercised here, only the Pod it sends.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { kyvernoPolicies, kyvernoPoliciesYaml, kyvernoValidatingPolicies, kyvernoValidatingPoliciesYaml, type AdmissionPolicies } from '../../src/admission';
import type { KubeObject } from '../../src/model';
import {
  admissionCorpus, admissionCorpusConfig, CLUSTER_SCOPED_KINDS, compliantPod, EPHEMERAL_CONTAINERS, failingRules, policyJudges,
} from '../cluster/admission-corpus';
import { describeKyverno, readKyvernoOutput, runKyverno, type KyvernoResult } from '../harness/kyverno';

const NAMESPACE = 'shop';

/** The corpus, each object in a namespace and named uniquely per kind and namespace (Kyverno reports by name). */
function corpus(): { id: string; object: KubeObject }[] {
  const ephemeral = EPHEMERAL_CONTAINERS.map((container, i) => {
    const pod = compliantPod();
    pod.metadata = { name: `ephemeral-${i}` };
    pod.spec.ephemeralContainers = [container];
    return { id: `ephemeral container ${JSON.stringify(container)}`, object: pod };
  });
  const taken = new Set<string>();
  return [...admissionCorpus(), ...ephemeral].map(({ id, object }, i) => {
    const copy = structuredClone(object);
    if (!CLUSTER_SCOPED_KINDS.has(copy.kind)) copy.metadata = { ...copy.metadata, namespace: copy.metadata.namespace ?? NAMESPACE };
    const key = (name: string): string => `${copy.kind}/${copy.metadata.namespace}/${name}`;
    if (taken.has(key(copy.metadata.name))) copy.metadata.name = `${copy.metadata.name}-${i}`;
    taken.add(key(copy.metadata.name));
    return { id, object: copy as KubeObject };
  });
}

/** Each kind of Kyverno policy hardpod emits, and what tells its results and warnings apart. */
const KINDS = [
  {
    kind: 'ValidatingPolicy',
    policies: kyvernoValidatingPolicies,
    yaml: kyvernoValidatingPoliciesYaml,
    // The current kind: Kyverno warns about nothing.
    expectedWarning: undefined,
    // Kyverno's CLI reads failure actions of ClusterPolicies only: under --audit-warn it reports every
    // ValidatingPolicy failure as a warning, Deny or not, so the unit tests hold the validation actions.
    warnIs: 'validationActions [Audit, Warn]',
    ruleOf: (result: KyvernoResult): string | undefined => (result.rule === undefined ? result.policy.replace(/^hardpod-/, '') : undefined),
  },
  {
    kind: 'ClusterPolicy',
    policies: kyvernoPolicies,
    yaml: kyvernoPoliciesYaml,
    expectedWarning: /kyverno\.io\/v1 ClusterPolicy is deprecated/,
    warnIs: 'failureAction Audit',
    ruleOf: (result: KyvernoResult): string | undefined => result.rule,
  },
] as const;

describe.each(KINDS)('Kyverno $kind', ({ kind, policies: emit, yaml: toYaml, expectedWarning, warnIs, ruleOf }) => {
  describeKyverno(`Kyverno ${kind}: the real Kyverno judges each emitted rule as evaluate() does`, (kyverno) => {
    let dir: string;
    beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'hardpod-kyverno-')); });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    /** Applies the policies of `config` to the objects, offline; the results of Kyverno's policy report. */
    const apply = (policies: AdmissionPolicies, objects: readonly KubeObject[], extra: readonly string[] = []): KyvernoResult[] => {
      writeFileSync(join(dir, 'policies.yaml'), toYaml(policies));
      writeFileSync(join(dir, 'objects.yaml'), objects.map((o) => `---\n${stringify(o, { lineWidth: 0 })}`).join(''));
      const run = runKyverno(kyverno, ['apply', join(dir, 'policies.yaml'), '--resource', join(dir, 'objects.yaml'), '--policy-report', '--output-format', 'json', ...extra], dir);
      if (run.error) throw run.error;
      // Exit status 1 when a rule fails; anything else, or no report, is Kyverno refusing the input.
      if (run.status !== 0 && run.status !== 1) throw new Error(`kyverno apply exited ${run.status}: ${run.stderr}\n${run.stdout.slice(0, 2000)}`);
      return readKyvernoOutput(run.stdout).results;
    };

    test('every policy loads without a warning (a ClusterPolicy: but its deprecation), and judges a compliant Pod passing', () => {
      const pod = compliantPod();
      pod.metadata = { name: 'compliant', namespace: NAMESPACE };
      const policies = emit(admissionCorpusConfig(NAMESPACE));
      writeFileSync(join(dir, 'policies.yaml'), toYaml(policies));
      writeFileSync(join(dir, 'objects.yaml'), stringify(pod));
      const run = runKyverno(kyverno, ['apply', join(dir, 'policies.yaml'), '--resource', join(dir, 'objects.yaml'), '--policy-report', '--output-format', 'json'], dir);
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      const { warnings, results } = readKyvernoOutput(run.stdout);
      expect(warnings.filter((line) => expectedWarning === undefined || !expectedWarning.test(line))).toEqual([]);
      const judging = policies.emitted.filter((e) => policyJudges(e.rule, 'Pod'));
      expect(results.map((r) => `${r.policy} ${ruleOf(r)} ${r.result}`).sort()).toEqual(judging.map((e) => `${e.policyName} ${e.rule} pass`).sort());
    });

    test('per object and rule, Kyverno fails the rule exactly when evaluate() fails it, and names what fails and the remediation', () => {
      const config = admissionCorpusConfig(NAMESPACE);
      const policies = emit(config);
      expect(policies.emitted.map((e) => e.rule)).toEqual([
        'image-digest', 'allowed-registries', 'read-only-root-filesystem', 'dedicated-service-account', 'secrets-as-files', 'probes', 'not-default-namespace',
        'rbac-no-cluster-admin', 'rbac-no-wildcards', 'rbac-no-escalate',
      ]);
      const objects = corpus();
      const results = apply(policies, objects.map((o) => o.object));
      const byObject = new Map<string, KyvernoResult[]>();
      for (const result of results) {
        for (const resource of result.resources) {
          const key = `${resource.kind}/${resource.namespace ?? ''}/${resource.name}`;
          byObject.set(key, [...byObject.get(key) ?? [], result]);
        }
      }
      const mismatches: string[] = [];
      let failing = 0;
      let skipped = 0;
      for (const { id, object } of objects) {
        const expected = failingRules(object, config, policies);
        if (expected.size > 0) failing++;
        const judged = byObject.get(`${object.kind}/${object.metadata?.namespace ?? ''}/${object.metadata?.name}`) ?? [];
        for (const { rule, policyName } of policies.emitted) {
          const verdicts = judged.filter((r) => r.policy === policyName && ruleOf(r) === rule);
          // A policy matching other kinds (an RBAC rule's, for a Pod) judges nothing here.
          if (!policyJudges(rule, object.kind)) {
            if (verdicts.length > 0) mismatches.push(`${id}: ${rule}: Kyverno judges a ${object.kind}, which the policy does not match: ${JSON.stringify(verdicts)}`);
            continue;
          }
          if (verdicts.length !== 1 || !['pass', 'fail', 'skip'].includes(verdicts[0].result)) {
            mismatches.push(`${id}: ${rule}: Kyverno reports ${JSON.stringify(verdicts)}`);
            continue;
          }
          const [verdict] = verdicts;
          if (verdict.result === 'skip') skipped++;
          if ((verdict.result === 'fail') !== expected.has(rule)) {
            mismatches.push(`${id}: ${rule}: evaluate() ${expected.has(rule) ? 'fails' : 'does not fail'} it, Kyverno: ${verdict.result} ${verdict.message ?? ''}`);
          } else if (verdict.result === 'fail' && !((verdict.message ?? '').startsWith(`hardpod ${rule}:`) && (verdict.message ?? '').includes('Remediation:'))) {
            mismatches.push(`${id}: ${rule}: the failure names neither the rule nor the remediation: ${verdict.message}`);
          }
        }
      }
      expect(mismatches).toEqual([]);
      // The corpus exercises both outcomes, and the suppressions.
      expect(failing).toBeGreaterThan(50);
      expect(skipped).toBeGreaterThanOrEqual(2);
    }, 600_000);

    test(`warn enforcement is ${warnIs}: Kyverno reports the same failures as warnings under --audit-warn`, () => {
      const config = { ...admissionCorpusConfig(NAMESPACE), enforcement: 'warn' as const };
      const policies = emit(config);
      const objects = corpus().slice(0, 40).map((o) => o.object);
      const results = apply(policies, objects, ['--audit-warn']);
      expect(results.filter((r) => r.result === 'fail')).toEqual([]);
      const warned = results.filter((r) => r.result === 'warn').map((r) => `${r.resources[0].name} ${ruleOf(r)}`).sort();
      const expected = objects.flatMap((o) => [...failingRules(o, config, policies)].map((rule) => `${o.metadata?.name} ${rule}`)).sort();
      expect(warned).toEqual(expected);
      expect(expected.length).toBeGreaterThan(10);
    }, 300_000);
  });
});
