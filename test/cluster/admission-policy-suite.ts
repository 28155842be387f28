/**
 * The admission policies hardpod emits, on a real API server: every policy and binding is accepted,
 * and for a corpus of workloads (admission-corpus.ts: the Pod Security mutation corpus, variants aimed
 * at each emitted rule, every workload kind, suppressions; and ephemeral containers) the server judges
 * each emitted rule exactly as evaluate() does: with the policies bound to warn, it warns with a rule's validation exactly when
 * evaluate() gives a failing finding of that rule; bound to deny, it refuses exactly the objects with
 * such a finding, naming a rule that fails. Run on the newest server, on the oldest the policies claim, and on
 * one between them (1.34).
 */
import {
  admissionCorpus, admissionCorpusConfig, CLUSTER_SCOPED_KINDS, compliantPod, EPHEMERAL_CONTAINERS, failingRules, variantFailing, workloadKinds,
} from './admission-corpus';
import { ADMISSION_POLICY_MINOR, admissionPolicies, type AdmissionPolicies } from '../../src/admission';
import type { EngineConfig } from '../../src/engine';
import type { KubeObject } from '../../src/model';
import { MIDDLE_SERVER_MINOR, type ClusterServer, type Verdict } from '../harness/cluster';
import { describeCluster } from '../harness/cluster-suite';

type Fields = Record<string, any>;

const RUN_LABEL = 'hardpod.dev/test-run';
/** Pod fields of the corpus that Kubernetes added after the oldest release the policies claim, which its server cannot decode. */
const FIELDS_AFTER_OLDEST: Readonly<Record<string, string>> = {
  'spec.volumes[0].image': 'image volumes, Kubernetes 1.31',
};
const MODE_LABEL = 'hardpod.dev/test-mode';

/** The rules whose policies a verdict names: `... ValidatingAdmissionPolicy '<prefix><rule>' ...`. */
function rulesNamed(texts: readonly string[], policies: AdmissionPolicies): Set<string> {
  const named = new Set<string>();
  for (const text of texts) for (const e of policies.emitted) if (text.includes(`ValidatingAdmissionPolicy '${e.policyName}'`)) named.add(e.rule);
  return named;
}

/** Declares the suite on one of the harness's servers. */
export function describeAdmissionPolicies(title: string, server: ClusterServer): void {
  describeCluster(title, (cluster) => {
    let namespace = '';
    let config: EngineConfig = {};
    let warn: AdmissionPolicies;
    let deny: AdmissionPolicies;
    let run = '';
    /** The corpus objects the server cannot decode, by field: on the oldest server, fields added since. */
    const unknownFields = new Map<string, string[]>();
    const unknownToServer = (id: string, verdict: Verdict, found: Map<string, string[]>): boolean => {
      const field = /strict decoding error: unknown field "([^"]+)"/.exec(verdict.message ?? '')?.[1];
      if (verdict.status !== 400 || field === undefined || server === 'newest') return false;
      found.set(field, [...found.get(field) ?? [], id]);
      return true;
    };

    const labelled = (object: Fields, mode: string): KubeObject => {
      const copy = structuredClone(object);
      const labels = { ...copy.metadata.labels, [RUN_LABEL]: run, [MODE_LABEL]: mode };
      const where = CLUSTER_SCOPED_KINDS.has(copy.kind) ? {} : { namespace: copy.metadata.namespace ?? namespace };
      copy.metadata = { ...copy.metadata, ...where, labels };
      return copy as KubeObject;
    };
    const describeVerdict = (verdict: Verdict): string => `${verdict.status} ${verdict.message ?? ''} ${verdict.warnings.join(' | ')}`;

    beforeAll(async () => {
      const c = cluster();
      namespace = await c.createNamespace(c.uniqueNamespaceName('admission-policies'));
      run = namespace;
      const account = await c.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'app' } }, namespace);
      if (!account.allowed) throw new Error(`cannot create ServiceAccount app: ${account.message}`);
      config = admissionCorpusConfig(namespace);
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
      const workloadRules = everyRule.filter((rule) => !rule.startsWith('rbac-'));
      await c.waitUntil('every warn policy of a workload rule warns', async () => {
        const verdict = await c.dryRunCreate(labelled(canary, 'warn'));
        return workloadRules.every((rule) => rulesNamed(verdict.warnings, warn).has(rule));
      }, 60_000);
      for (const rule of everyRule.filter((r) => !workloadRules.includes(r))) {
        await c.waitUntil(`the warn policy of ${rule} warns`, async () => {
          const verdict = await c.dryRunCreate(labelled(variantFailing(rule), 'warn'));
          return rulesNamed(verdict.warnings, warn).has(rule);
        }, 60_000);
      }
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

    test('the server is the release the suite is for', () => {
      const minor = Number(cluster().endpoint.kubernetesVersion.split('.')[1]);
      if (server === 'oldest-admission') expect(minor).toBe(ADMISSION_POLICY_MINOR);
      else if (server === 'middle') expect(minor).toBe(MIDDLE_SERVER_MINOR);
      else expect(minor).toBeGreaterThan(MIDDLE_SERVER_MINOR);
    });

    test('the emitted rules are the ones the design names that CEL expresses exactly', () => {
      expect(warn.emitted.map((e) => e.rule)).toEqual([
        'image-digest', 'allowed-registries', 'read-only-root-filesystem', 'dedicated-service-account', 'secrets-as-files', 'probes', 'not-default-namespace',
        'rbac-no-cluster-admin', 'rbac-no-wildcards', 'rbac-no-escalate',
      ]);
    });

    test('the API server\'s own requests are exempt from the RBAC policies: it reconciles its bootstrap roles (cluster-admin holds every wildcard) at each start', async () => {
      const role = labelled(variantFailing('rbac-no-wildcards'), 'deny');
      const path = '/apis/rbac.authorization.k8s.io/v1/clusterroles?dryRun=All';
      const asApiServer = await cluster().request('POST', path, role, 'application/json', { user: 'system:apiserver', groups: ['system:masters'] });
      const asAdmin = await cluster().request('POST', path, role, 'application/json', { user: 'platform-admin', groups: ['system:masters'] });
      expect([asApiServer.status, asApiServer.message]).toEqual([201, undefined]);
      expect(asAdmin.allowed).toBe(false);
      expect([...rulesNamed([asAdmin.message ?? ''], deny)]).toEqual(['rbac-no-wildcards']);
    });

    test('an aggregated ClusterRole is judged when created, and its updates are left to the aggregation controller that writes its rules', async () => {
      const c = cluster();
      const aggregated = labelled({ ...variantFailing('rbac-no-wildcards'), rules: [] }, 'deny') as Fields;
      aggregated.metadata.name = `${run}-aggregated`;
      aggregated.aggregationRule = { clusterRoleSelectors: [{ matchLabels: { 'hardpod.dev/aggregate-to': run } }] };
      const plain = labelled({ ...variantFailing('rbac-no-wildcards'), rules: [] }, 'deny') as Fields;
      plain.metadata.name = `${run}-plain`;
      try {
        for (const role of [aggregated, plain]) expect((await c.create(role as KubeObject)).status).toBe(201);
        const wildcard = [{ apiGroups: [''], resources: ['pods'], verbs: ['*'] }];
        const update = async (role: Fields): Promise<Verdict> => {
          const stored = (await c.request('GET', `/apis/rbac.authorization.k8s.io/v1/clusterroles/${role.metadata.name}`)).body as Fields;
          return c.request('PUT', `/apis/rbac.authorization.k8s.io/v1/clusterroles/${role.metadata.name}?dryRun=All`, { ...stored, rules: wildcard });
        };
        expect((await update(aggregated)).status).toBe(200);
        const refused = await update(plain);
        expect([refused.allowed, [...rulesNamed([refused.message ?? ''], deny)]]).toEqual([false, ['rbac-no-wildcards']]);
        // Created with the wildcard written in, the aggregated ClusterRole is refused, as evaluate() fails it.
        const created = await c.dryRunCreate({ ...aggregated, metadata: { ...aggregated.metadata, name: `${run}-aggregated-2` }, rules: wildcard } as Fields as KubeObject);
        expect(created.allowed).toBe(false);
      } finally {
        for (const role of [aggregated, plain]) await c.request('DELETE', `/apis/rbac.authorization.k8s.io/v1/clusterroles/${role.metadata.name}`);
      }
    });

    test('per object and rule, the server warns with the rule\'s validation exactly when evaluate() fails it', async () => {
      const mismatches: string[] = [];
      let failing = 0;
      for (const { id, object } of admissionCorpus()) {
        const sent = labelled(object, 'warn');
        const expected = failingRules(sent, config, warn);
        if (expected.size > 0) failing++;
        const verdict = await cluster().dryRunCreate(sent);
        if (unknownToServer(id, verdict, unknownFields)) continue;
        if (!verdict.allowed) {
          mismatches.push(`${id}: refused by the server (${describeVerdict(verdict)})`);
          continue;
        }
        const warned = rulesNamed(verdict.warnings, warn);
        const diff = [...new Set([...expected, ...warned])].filter((rule) => expected.has(rule) !== warned.has(rule));
        if (diff.length > 0) mismatches.push(`${id}: evaluate() fails [${[...expected].join(', ')}], the server warns [${[...warned].join(', ')}]: ${verdict.warnings.join(' | ')}`);
      }
      expect(mismatches).toEqual([]);
      // The objects left out are exactly those using a field the server's release does not have.
      expect([...unknownFields.keys()]).toEqual(server === 'oldest-admission' ? Object.keys(FIELDS_AFTER_OLDEST) : []);
      // The corpus exercises both outcomes.
      expect(failing).toBeGreaterThan(50);
    }, 600_000);

    test('bound to deny, the server refuses exactly the objects evaluate() fails, naming a failing rule', async () => {
      const mismatches: string[] = [];
      for (const { id, object } of admissionCorpus()) {
        const sent = labelled(object, 'deny');
        const expected = failingRules(sent, config, warn);
        const verdict = await cluster().dryRunCreate(sent);
        if (unknownToServer(id, verdict, unknownFields)) continue;
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
      // The objects left out are exactly those using a field the server's release does not have.
      expect([...unknownFields.keys()]).toEqual(server === 'oldest-admission' ? Object.keys(FIELDS_AFTER_OLDEST) : []);
    }, 600_000);

    test('ephemeral containers added to a running Pod are judged as evaluate() judges the Pod holding them', async () => {
      const pod = labelled({ ...compliantPod(), metadata: { name: 'debugged' } }, 'warn');
      const created = await cluster().create(pod);
      expect(created.allowed).toBe(true);
      const mismatches: string[] = [];
      for (const container of EPHEMERAL_CONTAINERS) {
        const withEphemeral = structuredClone(pod) as Fields;
        withEphemeral.spec.ephemeralContainers = [container];
        const expected = failingRules(withEphemeral as KubeObject, config, warn);
        const verdict = await cluster().request('PATCH', `/api/v1/namespaces/${namespace}/pods/debugged/ephemeralcontainers?dryRun=All`,
          { spec: { ephemeralContainers: [container] } }, 'application/strategic-merge-patch+json');
        const warned = rulesNamed(verdict.warnings, warn);
        if (!verdict.allowed || [...expected].sort().join() !== [...warned].sort().join()) {
          mismatches.push(`${JSON.stringify(container)}: evaluate() fails [${[...expected].join(', ')}], the server: ${describeVerdict(verdict)}`);
        }
      }
      expect(mismatches).toEqual([]);
    }, 120_000);
  }, server);
}
