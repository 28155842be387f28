import { check, deployment, namespaceObject, networkPolicyObject, outcome, serviceAccount, violations } from './context';
import type { KubeObject } from '../../../src/model/kube-object';
import { UNKNOWN_VALUE } from '../../../src/model/pod-view';
import { RULES } from '../../../src/rules/catalogue';
import { dedicatedServiceAccount } from '../../../src/rules/dedicated-service-account';
import { namespacePsaLabels } from '../../../src/rules/namespace-psa-labels';
import { networkPolicy } from '../../../src/rules/network-policy';
import { serviceAccountPresent } from '../../../src/rules/service-account-present';
import { serviceAccountToken } from '../../../src/rules/service-account-token';

describe('service-account-token', () => {
  test('passes when the pod opts out', () => {
    expect(outcome(check(serviceAccountToken, deployment()))).toBe('pass');
  });
  test('fails an explicit true on the pod, whatever the ServiceAccount says', () => {
    const result = check(serviceAccountToken, deployment({ pod: { automountServiceAccountToken: true } }), { input: [serviceAccount('web', 'shop', { automountServiceAccountToken: false })] });
    expect(violations(result)[0].message).toContain('sets automountServiceAccountToken: true');
  });
  test('when the pod is silent, its ServiceAccount in the input decides', () => {
    const silent = deployment({ pod: { automountServiceAccountToken: undefined } });
    expect(outcome(check(serviceAccountToken, silent, { input: [serviceAccount('web', 'shop', { automountServiceAccountToken: false })] }))).toBe('pass');
    expect(outcome(check(serviceAccountToken, silent, { input: [serviceAccount('web', 'shop')] }))).toBe('fail');
    // The account of another namespace is not this pod's.
    expect(outcome(check(serviceAccountToken, silent, { input: [serviceAccount('web', 'other', { automountServiceAccountToken: false })] }))).toBe('unknown');
  });
  test('a ServiceAccount missing from partial input is unknown; declared context or completeness decide', () => {
    const silent = deployment({ pod: { automountServiceAccountToken: undefined } });
    const [v] = violations(check(serviceAccountToken, silent));
    expect(v.unknown).toBe(true);
    expect(v.message).toContain('ServiceAccount "web" is not in the input');
    expect(outcome(check(serviceAccountToken, silent, { config: { cluster: { objects: [serviceAccount('web', 'shop', { automountServiceAccountToken: false })] } } }))).toBe('pass');
    expect(outcome(check(serviceAccountToken, silent, { config: { cluster: { complete: true } } }))).toBe('fail');
  });
  test('namespace-less helm output matches its namespace-less ServiceAccount', () => {
    const silent = deployment({ namespace: null, pod: { automountServiceAccountToken: undefined } });
    expect(outcome(check(serviceAccountToken, silent, { input: [serviceAccount('web', null, { automountServiceAccountToken: false })] }))).toBe('pass');
  });
  test('objects without pods are not applicable', () => {
    expect(check(serviceAccountToken, serviceAccount())).toBe('not-applicable');
  });
});

describe('service-account-present', () => {
  test('passes when the ServiceAccount is in the input or the cluster context', () => {
    expect(outcome(check(serviceAccountPresent, deployment(), { input: [serviceAccount()] }))).toBe('pass');
    expect(outcome(check(serviceAccountPresent, deployment(), { config: { cluster: { objects: [serviceAccount()] } } }))).toBe('pass');
  });
  test('missing from partial input is unknown, not a failure', () => {
    const [v] = violations(check(serviceAccountPresent, deployment()));
    expect(v).toEqual(expect.objectContaining({ unknown: true, path: 'spec.template.spec.serviceAccountName' }));
  });
  test('missing from a complete context fails', () => {
    expect(outcome(check(serviceAccountPresent, deployment(), { config: { cluster: { complete: true } } }))).toBe('fail');
  });
  test('the default account always exists', () => {
    expect(check(serviceAccountPresent, deployment({ pod: { serviceAccountName: undefined } }))).toBe('not-applicable');
  });
});

describe('network-policy', () => {
  test('passes when a default-deny policy in the namespace selects the pod for both directions', () => {
    expect(outcome(check(networkPolicy, deployment(), { input: [networkPolicyObject()] }))).toBe('pass');
  });
  test('two policies can cover the two directions, with label selectors', () => {
    const ingress = networkPolicyObject({ podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: { matchLabels: { app: 'lb' } } }] }] }, 'shop', 'web-in');
    const egress = networkPolicyObject({ podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['web', 'api'] }] }, egress: [{ to: [{ namespaceSelector: {} }], ports: [{ port: 53, protocol: 'UDP' }] }] }, 'shop', 'dns-only');
    expect(outcome(check(networkPolicy, deployment(), { input: [ingress, egress] }))).toBe('pass');
  });
  test('a policy that allows all traffic in a direction fails, whatever else is in the cluster', () => {
    const open = networkPolicyObject({ podSelector: {}, policyTypes: ['Ingress', 'Egress'], ingress: [{}] }, 'shop', 'allow-all-in');
    const [v] = violations(check(networkPolicy, deployment(), { input: [open] }));
    expect(v.unknown).toBeUndefined();
    expect(v.message).toContain('"allow-all-in" selects the pod but allows all ingress traffic');
    // The API server reads a null rule as an empty one.
    const nullRule = networkPolicyObject({ podSelector: {}, policyTypes: ['Ingress', 'Egress'], ingress: [null] }, 'shop', 'allow-all-in');
    expect(violations(check(networkPolicy, deployment(), { input: [nullRule] }))[0].message).toContain('"allow-all-in" selects the pod but allows all ingress traffic');
    const everywhere = networkPolicyObject({ podSelector: {}, policyTypes: ['Egress', 'Ingress'], egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }] });
    expect(outcome(check(networkPolicy, deployment(), { input: [everywhere] }))).toBe('fail');
  });
  test('a pod on the node\'s network (hostNetwork) is not isolated by the policies that select it', () => {
    const [v] = violations(check(networkPolicy, deployment({ pod: { hostNetwork: true } }), { input: [networkPolicyObject()] }));
    expect(v).toEqual(expect.objectContaining({ path: 'spec.template.spec.hostNetwork' }));
    expect(v.message).toContain('NetworkPolicies do not reliably isolate');
    expect(outcome(check(networkPolicy, deployment({ pod: { hostNetwork: false } }), { input: [networkPolicyObject()] }))).toBe('pass');
  });
  test('policies of other namespaces or selecting other pods do not count', () => {
    const other = networkPolicyObject(undefined, 'other');
    const selective = networkPolicyObject({ podSelector: { matchLabels: { app: 'db' } }, policyTypes: ['Ingress', 'Egress'] });
    expect(outcome(check(networkPolicy, deployment(), { input: [other, selective] }))).toBe('unknown');
  });
  test('without a covering policy in the input the result is unknown (the platform may own them)', () => {
    const [v] = violations(check(networkPolicy, deployment()));
    expect(v.unknown).toBe(true);
    expect(v.message).toContain('for Ingress and Egress');
    expect(v.message).toContain('cluster.networkPolicies');
  });
  test('an ingress-only policy in partial input leaves egress unknown', () => {
    const ingressOnly = networkPolicyObject({ podSelector: {} });
    const [v] = violations(check(networkPolicy, deployment(), { input: [ingressOnly] }));
    expect(v).toEqual(expect.objectContaining({ unknown: true, message: expect.stringContaining('for Egress') }));
  });
  test('declared platform policies count, and declaring them makes absence a failure', () => {
    expect(outcome(check(networkPolicy, deployment(), { config: { cluster: { networkPolicies: [networkPolicyObject()] } } }))).toBe('pass');
    expect(outcome(check(networkPolicy, deployment(), { config: { cluster: { networkPolicies: [] } } }))).toBe('fail');
    expect(outcome(check(networkPolicy, deployment(), { config: { cluster: { complete: true } } }))).toBe('fail');
  });
  test('a platform policy declared without a namespace covers every namespace, namespace-less output included', () => {
    const everywhere = { cluster: { networkPolicies: [networkPolicyObject(undefined, null)] } };
    expect(outcome(check(networkPolicy, deployment(), { config: everywhere }))).toBe('pass');
    expect(outcome(check(networkPolicy, deployment({ namespace: null }), { config: everywhere }))).toBe('pass');
    // In the input, a namespace-less policy is installed with the output, into one namespace only.
    expect(outcome(check(networkPolicy, deployment(), { input: [networkPolicyObject(undefined, null)] }))).toBe('unknown');
  });
  test('namespace-less output is covered by namespace-less policies installed with it', () => {
    expect(outcome(check(networkPolicy, deployment({ namespace: null }), { input: [networkPolicyObject(undefined, null)] }))).toBe('pass');
  });
});

describe('namespace-psa-labels', () => {
  test('passes when the Namespace in the input enforces restricted', () => {
    expect(outcome(check(namespacePsaLabels, deployment(), { input: [namespaceObject()] }))).toBe('pass');
  });
  test('fails a Namespace without the label or with a weaker level', () => {
    expect(violations(check(namespacePsaLabels, deployment(), { input: [namespaceObject('shop', {})] }))[0].message).toContain('no pod-security.kubernetes.io/enforce label');
    expect(violations(check(namespacePsaLabels, deployment(), { input: [namespaceObject('shop', { 'pod-security.kubernetes.io/enforce': 'baseline' })] }))[0].message).toContain('"baseline", not "restricted"');
  });
  test('labels declared in the cluster context count', () => {
    const cluster = { namespaces: [{ name: 'shop', labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } }] };
    expect(outcome(check(namespacePsaLabels, deployment(), { config: { cluster } }))).toBe('pass');
    expect(outcome(check(namespacePsaLabels, deployment(), { config: { cluster: { namespaces: [{ name: 'shop' }] } } }))).toBe('fail');
  });
  test('a Namespace missing from partial input is unknown', () => {
    const [v] = violations(check(namespacePsaLabels, deployment()));
    expect(v).toEqual(expect.objectContaining({ unknown: true, path: 'metadata.namespace' }));
    expect(outcome(check(namespacePsaLabels, deployment(), { config: { cluster: { complete: true } } }))).toBe('fail');
  });
  test('namespace-less helm output is unknown unless every namespace of a complete context enforces restricted', () => {
    const helm = deployment({ namespace: null });
    expect(outcome(check(namespacePsaLabels, helm, { input: [namespaceObject()] }))).toBe('unknown');
    const restricted = { 'pod-security.kubernetes.io/enforce': 'restricted' };
    expect(outcome(check(namespacePsaLabels, helm, { config: { cluster: { complete: true, namespaces: [{ name: 'a', labels: restricted }, { name: 'b', labels: restricted }] } } }))).toBe('pass');
    expect(outcome(check(namespacePsaLabels, helm, { config: { cluster: { complete: true, namespaces: [{ name: 'a', labels: restricted }, { name: 'b' }] } } }))).toBe('fail');
  });
});

describe('network-policy reads policies as the API server does', () => {
  const config = { cluster: { networkPolicies: [] } };
  test('a selector the API server refuses selects nothing', () => {
    for (const expression of [
      { key: 'app', operator: 'NotIn' },
      { key: 'app', operator: 'NotIn', values: [] },
      { key: 'tier', operator: 'DoesNotExist', values: ['db'] },
      { key: 'app', operator: 'Exists', values: ['web'] },
      { key: 'app', operator: 'In', values: [1] },
    ]) {
      const refused = networkPolicyObject({ podSelector: { matchExpressions: [expression] }, policyTypes: ['Ingress', 'Egress'] });
      expect({ expression, outcome: outcome(check(networkPolicy, deployment(), { input: [refused], config })) }).toEqual({ expression, outcome: 'fail' });
    }
    const valid = networkPolicyObject({ podSelector: { matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['db'] }, { key: 'tier', operator: 'DoesNotExist' }] }, policyTypes: ['Ingress', 'Egress'] });
    expect(outcome(check(networkPolicy, deployment(), { input: [valid], config }))).toBe('pass');
  });
  test('policyTypes: [] is defaulted like an absent one', () => {
    const both = networkPolicyObject({ podSelector: {}, policyTypes: [], egress: [{ ports: [{ port: 53, protocol: 'UDP' }] }] });
    expect(outcome(check(networkPolicy, deployment(), { input: [both], config }))).toBe('pass');
  });
  test('an empty or null egress list does not make a policy isolate egress', () => {
    for (const egress of [[], null]) {
      const ingressOnly = networkPolicyObject({ podSelector: {}, egress });
      const [v] = violations(check(networkPolicy, deployment(), { input: [ingressOnly], config }));
      expect({ egress, message: v.message }).toEqual({ egress, message: expect.stringContaining('selects the pod for Egress') });
    }
  });
  test('labels the controller or API server adds to every pod are selectable', () => {
    const denyAll = (podSelector: Record<string, unknown>): readonly ReturnType<typeof networkPolicyObject>[] => [networkPolicyObject({ podSelector, policyTypes: ['Ingress', 'Egress'] })];
    const exists = (key: string): Record<string, unknown> => ({ matchExpressions: [{ key, operator: 'Exists' }] });
    const absent = (key: string): Record<string, unknown> => ({ matchExpressions: [{ key, operator: 'DoesNotExist' }] });
    expect(outcome(check(networkPolicy, deployment(), { input: denyAll(exists('pod-template-hash')), config }))).toBe('pass');
    expect(outcome(check(networkPolicy, deployment(), { input: denyAll(absent('pod-template-hash')), config }))).toBe('fail');
    const job = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'migrate', namespace: 'shop' }, spec: { template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'x' }] } } } };
    expect(outcome(check(networkPolicy, job, { input: denyAll({ matchLabels: { 'batch.kubernetes.io/job-name': 'migrate' } }), config }))).toBe('pass');
    expect(outcome(check(networkPolicy, job, { input: denyAll(absent('job-name')), config }))).toBe('fail');
    const cronJob = { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'nightly', namespace: 'shop' }, spec: { schedule: '@daily', jobTemplate: { spec: job.spec } } };
    expect(outcome(check(networkPolicy, cronJob, { input: denyAll(exists('batch.kubernetes.io/job-name')), config }))).toBe('pass');
    // A CronJob's Jobs get generated names, which no policy can list in advance.
    expect(outcome(check(networkPolicy, cronJob, { input: denyAll({ matchLabels: { 'job-name': 'nightly' } }), config }))).toBe('fail');
    // A bare Pod carries only its own labels.
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'shop', labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'x' }] } };
    expect(outcome(check(networkPolicy, pod, { input: denyAll(absent('pod-template-hash')), config }))).toBe('pass');
  });
});

describe('service accounts named through the deprecated serviceAccount field', () => {
  test('the deprecated field names the account when serviceAccountName is empty, and an unknown one is unknown', () => {
    const legacy = deployment({ pod: { serviceAccountName: '', serviceAccount: 'web' } });
    expect(outcome(check(dedicatedServiceAccount, legacy))).toBe('pass');
    expect(outcome(check(serviceAccountPresent, legacy, { input: [serviceAccount()] }))).toBe('pass');
    const pending = deployment({ pod: { serviceAccountName: undefined, serviceAccount: UNKNOWN_VALUE } });
    const [v] = violations(check(dedicatedServiceAccount, pending));
    expect(v).toEqual(expect.objectContaining({ unknown: true, path: 'spec.template.spec.serviceAccount' }));
    expect(outcome(check(serviceAccountPresent, pending))).toBe('unknown');
  });
});

describe('namespace-psa-labels reads the labels as Pod Security admission does', () => {
  const ENFORCE = 'pod-security.kubernetes.io/enforce';
  const VERSION = 'pod-security.kubernetes.io/enforce-version';
  const judged = (labels: Record<string, string>, where: 'input' | 'declared', kubernetesVersion = '1.37') => check(namespacePsaLabels, deployment(), where === 'input'
    ? { input: [namespaceObject('shop', labels)], config: { kubernetesVersion } }
    : { config: { kubernetesVersion, cluster: { namespaces: [{ name: 'shop', labels }] } } });
  test('a Namespace in the input with an invalid Pod Security label is refused by the API server, so it fails', () => {
    const refused: Record<string, unknown>[] = [{ [ENFORCE]: 'restricted', [VERSION]: 1.3 }, { [ENFORCE]: 'Restricted' }, { [ENFORCE]: 'restricted', [VERSION]: '1.37' }, { [ENFORCE]: 'restricted', 'pod-security.kubernetes.io/warn': 'strict' }];
    for (const labels of refused) {
      const [v] = violations(check(namespacePsaLabels, deployment(), { input: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels } } as unknown as KubeObject] }));
      expect({ labels, message: v.message }).toEqual({ labels, message: expect.stringContaining('refuses to create the Namespace') });
    }
  });
  test('a custom resource of kind Namespace is not the workload\'s namespace: its labels are no Pod Security labels', () => {
    const labels = { [ENFORCE]: 'restricted' };
    const custom = { apiVersion: 'example.com/v1', kind: 'Namespace', metadata: { name: 'shop', labels } } as KubeObject;
    expect(outcome(check(namespacePsaLabels, deployment(), { input: [custom] }))).toBe('unknown');
    expect(outcome(check(namespacePsaLabels, deployment(), { config: { cluster: { objects: [custom] } } }))).toBe('unknown');
    expect(outcome(check(namespacePsaLabels, deployment(), { input: [custom, namespaceObject('shop', labels)] }))).toBe('pass');
    expect(outcome(check(namespacePsaLabels, deployment({ namespace: null }), { input: [custom], config: { cluster: { complete: true, namespaces: [{ name: 'a', labels }] } } }))).toBe('pass');
  });
  test('a declared namespace with an invalid level or version fails: the API server refuses such labels, so the declaration is mistaken', () => {
    const mistaken: Record<string, string>[] = [{ [ENFORCE]: 'Restricted' }, { [ENFORCE]: 'restricted', [VERSION]: '1.30' }, { [ENFORCE]: 'restricted', 'pod-security.kubernetes.io/audit-version': '' }];
    for (const labels of mistaken) {
      const [v] = violations(judged(labels, 'declared'));
      expect({ labels, message: v.message }).toEqual({ labels, message: expect.stringContaining('declared in the cluster context with invalid Pod Security labels') });
    }
    const object = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { [ENFORCE]: 'restricted', [VERSION]: '1.30' } } } as KubeObject;
    expect(outcome(check(namespacePsaLabels, deployment(), { config: { cluster: { objects: [object] } } }))).toBe('fail');
  });
  test('restricted pinned to a version before its last added check (hostProbesAndHostLifecycle, v1.34) fails', () => {
    const [v] = violations(judged({ [ENFORCE]: 'restricted', [VERSION]: 'v1.33' }, 'input'));
    expect(v.message).toContain('enforces restricted as of v1.33');
    expect(v.message).toContain('added to restricted up to v1.34');
    expect(outcome(judged({ [ENFORCE]: 'restricted', [VERSION]: 'v1.0' }, 'declared'))).toBe('fail');
    // Judged at 1.22, a pin older than v1.22 lacks its capabilities check.
    expect(violations(judged({ [ENFORCE]: 'restricted', [VERSION]: 'v1.18' }, 'input', '1.22'))[0].message).toContain('lacks checks Pod Security added to restricted up to v1.22');
    expect(outcome(judged({ [ENFORCE]: 'restricted', [VERSION]: 'v1.23' }, 'input', '1.33'))).toBe('pass');
    for (const version of ['latest', 'v1.34', 'v1.37', 'v1.40']) expect(outcome(judged({ [ENFORCE]: 'restricted', [VERSION]: version }, 'input'))).toBe('pass');
  });
  test('a pin just before any Pod Security check restricted gained fails when judged at that check\'s version', () => {
    // procMount_restricted (v1.35) keeps for restricted what baseline procMount relaxed at v1.35:
    // a v1.34 pin already forbids all it forbids, so it adds nothing to pin for.
    const relaxationCounterparts = ['proc-mount-restricted'];
    const versioned = RULES.filter((rule) => rule.pss !== undefined && (rule.versions?.since ?? 0) > 0);
    expect(versioned.map((rule) => rule.id)).toEqual(expect.arrayContaining(relaxationCounterparts));
    for (const rule of versioned) {
      const since = rule.versions?.since as number;
      const result = judged({ [ENFORCE]: 'restricted', [VERSION]: `v1.${since - 1}` }, 'input', `1.${since}`);
      const verdict = outcome(result) === 'fail' && violations(result)[0].message.includes('lacks checks') ? 'fail (pin)' : outcome(result);
      expect({ rule: rule.id, verdict }).toEqual({ rule: rule.id, verdict: relaxationCounterparts.includes(rule.id) ? 'pass' : 'fail (pin)' });
    }
  });
  test('before Kubernetes 1.23 no Pod Security admission is on by default to enforce the labels, so they do not pass', () => {
    for (const kubernetesVersion of ['1.0', '1.21', '1.22']) {
      for (const where of ['input', 'declared'] as const) {
        const [v] = violations(judged({ [ENFORCE]: 'restricted' }, where, kubernetesVersion));
        expect({ kubernetesVersion, where, message: v.message }).toEqual({ kubernetesVersion, where, message: expect.stringContaining('has no Pod Security admission on by default') });
      }
    }
    expect(outcome(judged({ [ENFORCE]: 'restricted' }, 'input', '1.23'))).toBe('pass');
    expect(outcome(judged({ [ENFORCE]: 'restricted', [VERSION]: 'v1.23' }, 'input', '1.23'))).toBe('pass');
  });
  test('namespace-less output in a complete context fails when any namespace pins an old restricted', () => {
    const helm = deployment({ namespace: null });
    const namespaces: { name: string; labels: Record<string, string> }[] = [{ name: 'a', labels: { [ENFORCE]: 'restricted' } }, { name: 'b', labels: { [ENFORCE]: 'restricted', [VERSION]: 'v1.20' } }];
    const cluster = { complete: true, namespaces };
    const [v] = violations(check(namespacePsaLabels, helm, { config: { cluster } }));
    expect(v.message).toContain('could land in "b"');
  });
});

describe('a kind of another API group is not the Kubernetes object of that kind', () => {
  /** The object with another apiVersion: a Calico or Cilium NetworkPolicy, a ServiceAccount custom resource. */
  const inGroup = (object: KubeObject, apiVersion: string): KubeObject => ({ ...object, apiVersion });
  const POLICY_GROUPS = ['projectcalico.org/v3', 'crd.projectcalico.org/v1', 'cilium.io/v2'];

  test('a NetworkPolicy of Calico or Cilium does not cover the pod, in the input or declared in cluster.objects', () => {
    for (const apiVersion of POLICY_GROUPS) {
      // Written as a networking.k8s.io one would be: the group alone makes it another resource.
      const foreign = inGroup(networkPolicyObject(), apiVersion);
      expect({ apiVersion, outcome: outcome(check(networkPolicy, deployment(), { input: [foreign] })) }).toEqual({ apiVersion, outcome: 'unknown' });
      expect({ apiVersion, outcome: outcome(check(networkPolicy, deployment(), { config: { cluster: { objects: [foreign] } } })) }).toEqual({ apiVersion, outcome: 'unknown' });
      // Nor does one that would allow all traffic fail the pod that a Kubernetes policy covers.
      const open = inGroup(networkPolicyObject({ podSelector: {}, policyTypes: ['Ingress', 'Egress'], ingress: [{}], egress: [{}] }, 'shop', 'allow-all'), apiVersion);
      expect({ apiVersion, outcome: outcome(check(networkPolicy, deployment(), { input: [open, networkPolicyObject()] })) }).toEqual({ apiVersion, outcome: 'pass' });
    }
  });
  test('an extensions/v1beta1 NetworkPolicy is a Kubernetes one up to 1.15, which served it, and nothing from 1.16, which does not', () => {
    const legacy = inGroup(networkPolicyObject(), 'extensions/v1beta1');
    for (const [kubernetesVersion, expected] of [['1.15', 'pass'], ['1.8', 'pass'], ['1.16', 'unknown'], ['1.37', 'unknown']] as const) {
      const input = outcome(check(networkPolicy, deployment(), { input: [legacy], config: { kubernetesVersion } }));
      const declared = outcome(check(networkPolicy, deployment(), { config: { kubernetesVersion, cluster: { objects: [legacy] } } }));
      expect({ kubernetesVersion, input, declared }).toEqual({ kubernetesVersion, input: expected, declared: expected });
    }
    // Declared as the platform's policies, one the cluster does not serve is refused.
    expect(outcome(check(networkPolicy, deployment(), { config: { kubernetesVersion: '1.15', cluster: { networkPolicies: [legacy] } } }))).toBe('pass');
    expect(() => check(networkPolicy, deployment(), { config: { kubernetesVersion: '1.16', cluster: { networkPolicies: [legacy] } } })).toThrow('config cluster.networkPolicies[0].apiVersion: cluster.networkPolicies: Kubernetes 1.16 serves no NetworkPolicy as extensions/v1beta1 (1.15 was the last to); write it as networking.k8s.io/v1');
  });
  test('a ServiceAccount custom resource is not the workload\'s ServiceAccount, and does not hide the one of that name', () => {
    const silent = deployment({ pod: { automountServiceAccountToken: undefined } });
    const foreign = inGroup(serviceAccount('web', 'shop', { automountServiceAccountToken: false }), 'example.com/v1');
    expect(outcome(check(serviceAccountToken, silent, { input: [foreign] }))).toBe('unknown');
    expect(outcome(check(serviceAccountToken, silent, { config: { cluster: { objects: [foreign] } } }))).toBe('unknown');
    expect(outcome(check(serviceAccountPresent, deployment(), { input: [foreign] }))).toBe('unknown');
    expect(outcome(check(serviceAccountPresent, deployment(), { config: { cluster: { objects: [foreign] } } }))).toBe('unknown');
    // Both in the input, under the same namespace and name: the core one decides, whichever comes last.
    const mounting = inGroup(serviceAccount('web', 'shop', { automountServiceAccountToken: true }), 'example.com/v1');
    expect(outcome(check(serviceAccountToken, silent, { input: [serviceAccount('web', 'shop', { automountServiceAccountToken: false }), mounting] }))).toBe('pass');
    expect(outcome(check(serviceAccountToken, silent, { input: [serviceAccount('web', 'shop'), foreign] }))).toBe('fail');
  });
});
