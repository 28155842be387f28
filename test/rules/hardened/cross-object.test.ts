import { check, deployment, namespaceObject, networkPolicyObject, outcome, serviceAccount, violations } from './context';
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
    const everywhere = networkPolicyObject({ podSelector: {}, policyTypes: ['Egress', 'Ingress'], egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }] });
    expect(outcome(check(networkPolicy, deployment(), { input: [everywhere] }))).toBe('fail');
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
