import fc from 'fast-check';
import type { KubeObject } from '../../src/model/kube-object';
import { extractPodViews } from '../../src/model/pod-view';
import { namespacePsaLabels } from '../../src/rules/namespace-psa-labels';
import { networkPolicy } from '../../src/rules/network-policy';
import { rbacNoSecretRead } from '../../src/rules/rbac-no-secret-read';
import { serviceAccountPresent } from '../../src/rules/service-account-present';
import { serviceAccountToken } from '../../src/rules/service-account-token';
import { serviceAccountOf } from '../../src/rules/support/hardened';
import type { Cluster } from '../harness/cluster';
import { describeCluster } from '../harness/cluster-suite';
import { check, outcome } from '../rules/hardened/context';

/**
 * The cross-object hardened rules read NetworkPolicies, Namespaces, ServiceAccounts and pods the way
 * a real kube-apiserver does: label selectors are compared with the server's own selection of
 * stored Pods, NetworkPolicy policyTypes with what the server defaults them to, the service account
 * and token mount with what ServiceAccount admission makes of a Pod, and the Pod Security labels
 * with what the server accepts and what Pod Security admission then enforces.
 */

const NETWORKING = 'networking.k8s.io/v1';
const IMAGE = 'registry.example.com/app:1';

function pod(name: string, namespace: string, labels: Record<string, string>, spec: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, labels }, spec: { containers: [{ name: 'app', image: IMAGE }], ...spec } };
}

function policy(name: string, namespace: string, spec: Record<string, unknown>): KubeObject {
  return { apiVersion: NETWORKING, kind: 'NetworkPolicy', metadata: { name, namespace }, spec };
}

async function mustCreate(cluster: Cluster, object: KubeObject): Promise<Record<string, unknown>> {
  const created = await cluster.create(object);
  if (!created.allowed) throw new Error(`cannot create ${object.kind} ${object.metadata?.name}: ${created.status} ${created.message}`);
  return created.body as Record<string, unknown>;
}

/**
 * Defines a custom resource with a Kubernetes kind's name in another API group, as Calico, Cilium and
 * OpenShift do (version v1, fields kept as written), and waits until the server serves it.
 */
async function defineCustomKind(cluster: Cluster, group: string, kind: string, plural: string, scope: 'Namespaced' | 'Cluster'): Promise<void> {
  const definition = {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      scope,
      names: { plural, singular: kind.toLowerCase(), kind },
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { 'type': 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
    },
  };
  const created = await cluster.create(definition);
  if (!created.allowed) throw new Error(`cannot define ${kind} in ${group}: ${created.status} ${created.message}`);
  await cluster.waitUntil(`${kind} of ${group} is served`, async () => (await cluster.request('GET', `/apis/${group}/v1/${plural}`)).allowed);
}

// ---------------------------------------------------------------------------------------------
// Label selectors

const KEYS = ['app', 'tier', 'example.com/team'];
const VALUES = ['web', 'db', ''];

/** Every label set over KEYS where each key is absent or takes one of VALUES. */
function allLabelSets(): Record<string, string>[] {
  let sets: Record<string, string>[] = [{}];
  for (const key of KEYS) sets = sets.flatMap((set) => [set, ...VALUES.map((value) => ({ ...set, [key]: value }))]);
  return sets;
}

const keyArbitrary = fc.constantFrom(...KEYS);
const valuesArbitrary = fc.subarray(['web', 'db', 'api'], { minLength: 0 });
const expressionArbitrary = fc.oneof(
  fc.record({ key: keyArbitrary, operator: fc.constantFrom('In', 'NotIn'), values: valuesArbitrary }),
  fc.record({ key: keyArbitrary, operator: fc.constantFrom('Exists', 'DoesNotExist') }),
  // Malformed: the server refuses these, so such a policy selects nothing.
  fc.record({ key: keyArbitrary, operator: fc.constantFrom('In', 'NotIn') }),
  fc.record({ key: keyArbitrary, operator: fc.constantFrom('Exists', 'DoesNotExist'), values: fc.subarray(['web'], { minLength: 1 }) }),
);
const selectorArbitrary = fc.record({
  matchLabels: fc.dictionary(keyArbitrary, fc.constantFrom(...VALUES), { maxKeys: 2 }),
  matchExpressions: fc.array(expressionArbitrary, { maxLength: 3 }),
}, { requiredKeys: [] });

interface Expression { key: string; operator: string; values?: string[] }

/** The `labelSelector` query of a (valid) LabelSelector, as kubectl would write it. */
function selectorQuery(selector: { matchLabels?: Record<string, string>; matchExpressions?: Expression[] }): string {
  const terms: string[] = [];
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) terms.push(`${key}=${value}`);
  for (const e of selector.matchExpressions ?? []) {
    if (e.operator === 'In') terms.push(`${e.key} in (${(e.values ?? []).join(',')})`);
    else if (e.operator === 'NotIn') terms.push(`${e.key} notin (${(e.values ?? []).join(',')})`);
    else if (e.operator === 'Exists') terms.push(e.key);
    else terms.push(`!${e.key}`);
  }
  return terms.join(',');
}

describeCluster('network-policy selects pods as the API server does', (cluster) => {
  let namespace: string;
  const pods: KubeObject[] = [];
  let counter = 0;
  let acceptedCount = 0;
  let refusedCount = 0;
  let partialCount = 0;

  beforeAll(async () => {
    namespace = await cluster().createNamespace(cluster().uniqueNamespaceName('netpol-selectors'));
    const sets = allLabelSets();
    for (let i = 0; i < sets.length; i++) pods.push(pod(`p${i}`, namespace, sets[i]));
    await Promise.all(pods.map((p) => mustCreate(cluster(), p)));
  }, 120_000);

  test('a deny-all policy covers exactly the pods the server lists for its podSelector; a refused policy covers none', async () => {
    // An absent podSelector is an empty one to the server.
    await fc.assert(fc.asyncProperty(fc.option(selectorArbitrary, { nil: undefined }), async (podSelector) => {
      const denyAll = policy(`deny-${counter++}`, namespace, { ...(podSelector ? { podSelector } : {}), policyTypes: ['Ingress', 'Egress'] });
      const accepted = (await cluster().dryRunCreate(denyAll)).allowed;
      let serverSelected = new Set<string>();
      if (accepted) {
        const query = selectorQuery(podSelector ?? {});
        const listed = await cluster().request('GET', `/api/v1/namespaces/${namespace}/pods${query ? `?labelSelector=${encodeURIComponent(query)}` : ''}`);
        if (!listed.allowed) throw new Error(`cannot list pods with ${query}: ${listed.status} ${listed.message}`);
        serverSelected = new Set((listed.body as { items: KubeObject[] }).items.map((p) => String(p.metadata?.name)));
      }
      const config = { cluster: { networkPolicies: [] } };
      if (accepted) acceptedCount++;
      else refusedCount++;
      if (serverSelected.size > 0 && serverSelected.size < pods.length) partialCount++;
      const covered = new Set(pods.filter((p) => outcome(check(networkPolicy, p, { input: [denyAll], config })) === 'pass').map((p) => String(p.metadata?.name)));
      expect({ podSelector, accepted, covered: [...covered].sort() }).toEqual({ podSelector, accepted, covered: [...serverSelected].sort() });
    }), { numRuns: 150 });
    // The runs held refused selectors and selectors choosing some pods but not all.
    expect(Math.min(acceptedCount, refusedCount, partialCount)).toBeGreaterThan(10);
  }, 300_000);
});

describeCluster('network-policy sees the labels the API server adds to a Job\'s pods', (cluster) => {
  test('policies selecting on them judge the Job as written like the Job as stored', async () => {
    const namespace = await cluster().createNamespace(cluster().uniqueNamespaceName('netpol-job'));
    const written: KubeObject = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'migrate', namespace },
      spec: { template: { metadata: { labels: { app: 'web' } }, spec: { restartPolicy: 'Never', containers: [{ name: 'app', image: IMAGE }] } } },
    };
    const stored = (await mustCreate(cluster(), written)) as unknown as KubeObject;
    const storedLabels = ((stored.spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels);
    const added = Object.keys(storedLabels).filter((key) => key !== 'app');
    expect(added).toEqual(expect.arrayContaining(['job-name', 'batch.kubernetes.io/job-name', 'controller-uid']));
    const selectors: Record<string, unknown>[] = [];
    for (const key of added) {
      selectors.push({ matchExpressions: [{ key, operator: 'Exists' }] }, { matchExpressions: [{ key, operator: 'DoesNotExist' }] });
      // UIDs are not known before the Job is created; the job name is.
      if (storedLabels[key] === 'migrate') selectors.push({ matchLabels: { [key]: 'migrate' } }, { matchExpressions: [{ key, operator: 'NotIn', values: ['migrate'] }] });
    }
    const config = { cluster: { networkPolicies: [] } };
    for (const podSelector of selectors) {
      const input = [policy('deny', namespace, { podSelector, policyTypes: ['Ingress', 'Egress'] })];
      const asWritten = outcome(check(networkPolicy, written, { input, config }));
      expect({ podSelector, asWritten }).toEqual({ podSelector, asWritten: outcome(check(networkPolicy, stored, { input, config })) });
    }
  }, 60_000);
});

// ---------------------------------------------------------------------------------------------
// policyTypes defaulting

const RULE_SETS: Record<string, unknown> = {
  null: null,
  empty: [],
  allowAll: [{}],
  someone: [{ ports: [{ port: 53, protocol: 'UDP' }] }],
};

describeCluster('network-policy reads policyTypes as the API server defaults them', (cluster) => {
  let namespace: string;
  beforeAll(async () => {
    namespace = await cluster().createNamespace(cluster().uniqueNamespaceName('netpol-types'));
  });

  test('the rule says the same about a policy as written and as the server stores it', async () => {
    const typeVariants: (string[] | null | undefined)[] = [undefined, null, [], ['Ingress'], ['Egress'], ['Ingress', 'Egress']];
    let i = 0;
    const defaulted = new Set<string>();
    for (const policyTypes of typeVariants) {
      for (const ingressKey of ['absent', 'empty', 'allowAll', 'someone']) {
        for (const egressKey of ['absent', 'null', 'empty', 'allowAll', 'someone']) {
          const spec: Record<string, unknown> = { podSelector: {} };
          if (policyTypes !== undefined) spec.policyTypes = policyTypes;
          if (ingressKey !== 'absent') spec.ingress = RULE_SETS[ingressKey];
          if (egressKey !== 'absent') spec.egress = RULE_SETS[egressKey];
          const written = policy(`types-${i++}`, namespace, spec);
          const created = await cluster().create(written);
          if (!created.allowed) throw new Error(`the server refused ${JSON.stringify(spec)}: ${created.message}`);
          const stored = created.body as KubeObject;
          const workload = pod('p', namespace, { app: 'web' });
          const config = { cluster: { networkPolicies: [] } };
          const judge = (p: KubeObject): unknown => {
            const result = check(networkPolicy, workload, { input: [p], config });
            return result === 'not-applicable' ? result : result.map((v) => v.message.replace(/"types-\d+"/, 'P')).sort();
          };
          expect({ spec, judged: judge(written) }).toEqual({ spec, judged: judge(stored) });
          const storedTypes = (stored.spec as Record<string, unknown>).policyTypes;
          if (!Array.isArray(policyTypes) || policyTypes.length === 0) defaulted.add(JSON.stringify(storedTypes));
        }
      }
    }
    // Absent, null and empty policyTypes were defaulted both ways.
    expect(defaulted).toEqual(new Set(['["Ingress"]', '["Ingress","Egress"]']));
  }, 120_000);
});

// ---------------------------------------------------------------------------------------------
// Service accounts

interface TokenVolume {
  readonly name: string;
  readonly projected?: { readonly sources: readonly { readonly serviceAccountToken?: unknown }[] };
}

describeCluster('service-account rules agree with ServiceAccount admission', (cluster) => {
  let namespace: string;
  beforeAll(async () => {
    namespace = await cluster().createNamespace(cluster().uniqueNamespaceName('sa-rules'));
  });

  test('the account a pod runs as, whether it exists, and whether its token is mounted', async () => {
    const accountSettings: Record<string, boolean | undefined> = { 'sa-unset': undefined, 'sa-true': true, 'sa-false': false };
    const accounts: KubeObject[] = Object.entries(accountSettings).map(([name, automount]) => ({
      apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace }, ...(automount === undefined ? {} : { automountServiceAccountToken: automount }),
    }));
    await Promise.all(accounts.map((a) => mustCreate(cluster(), a)));
    const defaultAccount: KubeObject = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace } };
    const names = [undefined, '', 'sa-unset', 'sa-true', 'sa-false', 'missing'];
    let i = 0;
    let mountedSeen = 0;
    let refused = 0;
    for (const serviceAccountName of names) {
      for (const serviceAccount of names) {
        for (const automount of [undefined, true, false]) {
          const spec: Record<string, unknown> = {};
          if (serviceAccountName !== undefined) spec.serviceAccountName = serviceAccountName;
          if (serviceAccount !== undefined) spec.serviceAccount = serviceAccount;
          if (automount !== undefined) spec.automountServiceAccountToken = automount;
          const written = pod(`sa-${i++}`, namespace, {}, spec);
          const created = await cluster().create(written);
          const [view] = extractPodViews(written).views;
          const context = { input: [...accounts, defaultAccount], config: { cluster: { complete: true } } };
          const present = outcome(check(serviceAccountPresent, written, context));
          if (!created.allowed) {
            // Only a pod naming an account that does not exist is refused.
            expect({ spec, message: created.message, present }).toEqual({ spec, message: expect.stringContaining('serviceaccount'), present: 'fail' });
            refused++;
            continue;
          }
          const stored = created.body as { spec: { serviceAccountName: string; volumes?: TokenVolume[] } };
          const mounted = (stored.spec.volumes ?? []).some((v) => v.projected?.sources.some((s) => s.serviceAccountToken !== undefined) === true);
          if (mounted) mountedSeen++;
          expect({ spec, account: serviceAccountOf(view).name }).toEqual({ spec, account: stored.spec.serviceAccountName });
          expect({ spec, present: present === 'fail' }).toEqual({ spec, present: false });
          expect({ spec, tokenRule: outcome(check(serviceAccountToken, written, context)) }).toEqual({ spec, tokenRule: mounted ? 'fail' : 'pass' });
        }
      }
    }
    expect(mountedSeen).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  }, 120_000);
});

// ---------------------------------------------------------------------------------------------
// Pod Security labels

describeCluster('namespace-psa-labels agrees with Pod Security admission', (cluster) => {
  test('passes a Namespace exactly when the server accepts it and enforces every restricted check', async () => {
    const c = cluster();
    const version = `1.${c.minor}`;
    const restrictedContainer = {
      name: 'app',
      image: IMAGE,
      securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
    };
    // Refused by restricted at any version (no runAsNonRoot), from v1.23 on (runAsUser 0), and from
    // v1.34 on (a probe host: hostProbesAndHostLifecycle, the last check restricted gained).
    const notRestricted = { containers: [{ name: 'app', image: IMAGE }] };
    const rootUser = { containers: [{ ...restrictedContainer, securityContext: { ...restrictedContainer.securityContext, runAsUser: 0 } }] };
    const probeHost = { containers: [{ ...restrictedContainer, livenessProbe: { httpGet: { host: '169.254.169.254', port: 8080 } } }] };
    const levels = [undefined, 'restricted', 'baseline', 'privileged', 'Restricted', ''];
    const versions = [undefined, 'latest', `v${version}`, 'v1.34', 'v1.33', 'v1.30', 'v1.23', 'v1.22', 'v1.0', 'v1.99', version, 'LATEST'];
    const seen = new Set<string>();
    for (const level of levels) {
      for (const enforceVersion of versions) {
        const labels: Record<string, string> = {};
        if (level !== undefined) labels['pod-security.kubernetes.io/enforce'] = level;
        if (enforceVersion !== undefined) labels['pod-security.kubernetes.io/enforce-version'] = enforceVersion;
        const name = c.uniqueNamespaceName('psa-labels');
        const namespaceObject: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } };
        const created = await c.request('POST', '/api/v1/namespaces?fieldValidation=Strict', namespaceObject);
        let enforcesRestricted = false;
        if (created.allowed) {
          await mustCreate(c, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: name } });
          const refusesPlain = !(await c.dryRunCreate(pod('plain', name, {}, notRestricted))).allowed;
          const refusesRootUser = !(await c.dryRunCreate(pod('root', name, {}, rootUser))).allowed;
          const refusesProbeHost = !(await c.dryRunCreate(pod('probe', name, {}, probeHost))).allowed;
          enforcesRestricted = refusesPlain && refusesRootUser && (c.minor < 34 || refusesProbeHost);
        }
        const workload = pod('web', name, {}, notRestricted);
        const judged = outcome(check(namespacePsaLabels, workload, { input: [namespaceObject], config: { kubernetesVersion: version } }));
        expect({ labels, accepted: created.allowed, pass: judged === 'pass' }).toEqual({ labels, accepted: created.allowed, pass: enforcesRestricted });
        seen.add(`${created.allowed}/${judged}`);
        // Declared in the cluster context instead, as a namespace the platform owns: the same verdict.
        for (const context of [{ namespaces: [{ name, labels }] }, { objects: [namespaceObject] }]) {
          const declared = outcome(check(namespacePsaLabels, workload, { config: { kubernetesVersion: version, cluster: context } }));
          expect({ labels, context: Object.keys(context)[0], pass: declared === 'pass' }).toEqual({ labels, context: Object.keys(context)[0], pass: enforcesRestricted });
        }
      }
    }
    expect([...seen].sort()).toEqual(['false/fail', 'true/fail', 'true/pass']);
    // A version written as a YAML number is no string: the server refuses the Namespace too.
    const name = c.uniqueNamespaceName('psa-numeric');
    const numeric = { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/enforce-version': 1.3 } } };
    expect((await c.request('POST', '/api/v1/namespaces', numeric)).allowed).toBe(false);
    expect(outcome(check(namespacePsaLabels, pod('web', name, {}, notRestricted), { input: [numeric as unknown as KubeObject] }))).toBe('fail');
  }, 120_000);

  test('a custom resource of kind Namespace is not the namespace Pod Security reads', async () => {
    const c = cluster();
    const group = `psa-${process.pid.toString(36)}.example.com`;
    await defineCustomKind(c, group, 'Namespace', 'namespaces', 'Cluster');
    const name = c.uniqueNamespaceName('custom-kind');
    const custom: KubeObject = { apiVersion: `${group}/v1`, kind: 'Namespace', metadata: { name, labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } };
    expect((await c.request('POST', `/apis/${group}/v1/namespaces`, custom)).status).toBe(201);
    // The server knows no namespace of that name: a Pod there is refused, whatever the custom object's labels.
    const refused = await c.dryRunCreate(pod('web', name, {}), name);
    expect({ status: refused.status, message: refused.message }).toEqual({ status: 404, message: `namespaces "${name}" not found` });
    expect(outcome(check(namespacePsaLabels, pod('web', name, {}), { input: [custom] }))).toBe('unknown');
  }, 60_000);
});

// ---------------------------------------------------------------------------------------------
// Kinds of other API groups

describeCluster('a kind of another API group is another resource to the API server', (cluster) => {
  const suffix = process.pid.toString(36);
  let namespace: string;
  beforeAll(async () => {
    namespace = await cluster().createNamespace(cluster().uniqueNamespaceName('other-groups'));
  });

  test('a NetworkPolicy of another group is not among the server\'s NetworkPolicies, and does not cover the pod', async () => {
    const c = cluster();
    const group = `netpol-${suffix}.example.com`;
    await defineCustomKind(c, group, 'NetworkPolicy', 'networkpolicies', 'Namespaced');
    const denyAll = { podSelector: {}, policyTypes: ['Ingress', 'Egress'] };
    const custom: KubeObject = { ...policy('default-deny', namespace, denyAll), apiVersion: `${group}/v1` };
    expect((await c.request('POST', `/apis/${group}/v1/namespaces/${namespace}/networkpolicies`, custom)).status).toBe(201);
    const web = pod('web', namespace, { app: 'web' });
    const listed = async (): Promise<string[]> => ((await c.request('GET', `/apis/networking.k8s.io/v1/namespaces/${namespace}/networkpolicies`)).body as { items: KubeObject[] }).items.map((p) => String(p.metadata?.name));
    expect(await listed()).toEqual([]);
    expect(outcome(check(networkPolicy, web, { input: [custom] }))).toBe('unknown');
    expect(outcome(check(networkPolicy, web, { input: [custom], config: { cluster: { complete: true } } }))).toBe('fail');
    // The Kubernetes one of the same name is another object, and the one that isolates the pod.
    await mustCreate(c, policy('default-deny', namespace, denyAll));
    expect(await listed()).toEqual(['default-deny']);
    expect(outcome(check(networkPolicy, web, { input: [custom, policy('default-deny', namespace, denyAll)] }))).toBe('pass');
  }, 60_000);

  test('the server serves no extensions/v1beta1 NetworkPolicy (1.16 and later), so such a policy covers no pod', async () => {
    const c = cluster();
    const legacy: KubeObject = { ...policy('legacy-deny', namespace, { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }), apiVersion: 'extensions/v1beta1' };
    const refused = await c.request('POST', `/apis/extensions/v1beta1/namespaces/${namespace}/networkpolicies`, legacy);
    expect(refused.status).toBe(404);
    expect(c.minor).toBeGreaterThan(15);
    expect(outcome(check(networkPolicy, pod('web', namespace, { app: 'web' }), { input: [legacy], config: { kubernetesVersion: `1.${c.minor}` } }))).toBe('unknown');
  }, 60_000);

  test('a ServiceAccount of another group is no account a pod can run as', async () => {
    const c = cluster();
    const group = `accounts-${suffix}.example.com`;
    await defineCustomKind(c, group, 'ServiceAccount', 'serviceaccounts', 'Namespaced');
    const custom: KubeObject = { apiVersion: `${group}/v1`, kind: 'ServiceAccount', metadata: { name: 'web', namespace }, automountServiceAccountToken: false };
    expect((await c.request('POST', `/apis/${group}/v1/namespaces/${namespace}/serviceaccounts`, custom)).status).toBe(201);
    const web = pod('web-sa', namespace, {}, { serviceAccountName: 'web' });
    const refused = await c.dryRunCreate(web);
    expect({ allowed: refused.allowed, message: refused.message }).toEqual({ allowed: false, message: expect.stringContaining('serviceaccount "web" not found') });
    const complete = { config: { cluster: { complete: true } } };
    expect(outcome(check(serviceAccountPresent, web, { input: [custom], ...complete }))).toBe('fail');
    expect(outcome(check(serviceAccountToken, web, { input: [custom], ...complete }))).toBe('fail');
  }, 60_000);

  test('a Role of another group grants nothing through a RoleBinding naming a Role', async () => {
    const c = cluster();
    const group = `roles-${suffix}.example.com`;
    await defineCustomKind(c, group, 'Role', 'roles', 'Namespaced');
    const rules = [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }];
    const custom: KubeObject = { apiVersion: `${group}/v1`, kind: 'Role', metadata: { name: 'reader', namespace }, rules };
    expect((await c.request('POST', `/apis/${group}/v1/namespaces/${namespace}/roles`, custom)).status).toBe(201);
    const binding: KubeObject = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'reader', namespace },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'reader' },
      subjects: [{ kind: 'ServiceAccount', name: 'web', namespace }],
    };
    await mustCreate(c, binding);
    const mayRead = async (): Promise<boolean> => {
      const review = await c.request('POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SubjectAccessReview',
        spec: { user: `system:serviceaccount:${namespace}:web`, resourceAttributes: { verb: 'get', resource: 'configmaps', namespace } },
      });
      return (review.body as { status?: { allowed?: boolean } }).status?.allowed === true;
    };
    // The binding grants nothing while no RBAC Role of that name exists, and what the RBAC one says once it does.
    expect(await mayRead()).toBe(false);
    await mustCreate(c, { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'reader', namespace }, rules });
    await c.waitUntil('the RBAC Role is in force', mayRead);
    expect(outcome(check(rbacNoSecretRead, binding, { input: [{ ...custom, rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }] }] }))).toBe('unknown');
  }, 60_000);
});
