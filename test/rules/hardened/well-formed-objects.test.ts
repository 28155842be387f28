import { check, deployment, namespaceObject, networkPolicyObject, serviceAccount, violations } from './context';
import { evaluate } from '../../../src/engine';
import { resolveConfig } from '../../../src/engine/config';
import type { KubeObject } from '../../../src/model/kube-object';
import { UNKNOWN_VALUE } from '../../../src/model/pod-view';
import { NEWEST_EDITION } from '../../../src/rules/catalogue';
import { wellFormedObjects } from '../../../src/rules/well-formed-objects';
import { inPreview, located } from '../../engine/helpers';

const RBAC = 'rbac.authorization.k8s.io/v1';

function role(fields: Record<string, unknown>, kind: 'Role' | 'ClusterRole' = 'Role', metadata: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: RBAC, kind, metadata: { name: 'reader', ...(kind === 'Role' ? { namespace: 'shop' } : {}), ...metadata }, ...fields };
}
function binding(fields: Record<string, unknown>, kind: 'RoleBinding' | 'ClusterRoleBinding' = 'RoleBinding'): KubeObject {
  return {
    apiVersion: RBAC,
    kind,
    metadata: { name: 'app-reader', ...(kind === 'RoleBinding' ? { namespace: 'shop' } : {}) },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'reader' },
    subjects: [{ kind: 'ServiceAccount', name: 'app', namespace: 'shop' }],
    ...fields,
  };
}

function limitRange(limits: unknown): KubeObject {
  return { apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'defaults', namespace: 'shop' }, spec: { limits } };
}

/** `path: message` of each finding. */
function problems(object: KubeObject): string[] {
  return violations(check(wellFormedObjects, object)).map((v) => `${v.path}: ${v.message}`);
}

describe('well-formed-objects: well-formed objects yield no finding', () => {
  it.each<[string, KubeObject]>([
    ['a Role with rules', role({ rules: [{ apiGroups: [''], resources: ['configmaps'], resourceNames: ['settings'], verbs: ['get', 'list'] }] })],
    ['a Role without rules', role({})],
    ['a Role with rules: null', role({ rules: null })],
    ['cluster-admin as Kubernetes ships it', role({
      rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }, { nonResourceURLs: ['*'], verbs: ['*'] }],
    }, 'ClusterRole', { name: 'cluster-admin', labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' }, annotations: { 'rbac.authorization.kubernetes.io/autoupdate': 'true' } })],
    ['an aggregated ClusterRole with rules: null', role({
      aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'rbac.example.com/aggregate-to-monitoring': 'true' } }] }, rules: null,
    }, 'ClusterRole', { name: 'monitoring' })],
    ['an aggregated ClusterRole without rules, selecting by expressions', role({
      aggregationRule: { clusterRoleSelectors: [{ matchExpressions: [{ key: 'tier', operator: 'In', values: ['a', 'b'] }, { key: 'legacy', operator: 'DoesNotExist' }] }] },
    }, 'ClusterRole', { name: 'monitoring' })],
    ['a ClusterRole with labels holding null (read as the empty string)', role({ rules: [] }, 'ClusterRole', { labels: { team: null } })],
    ['a RoleBinding to a ServiceAccount', binding({})],
    ['a RoleBinding without subjects', binding({ subjects: null })],
    ['a ClusterRoleBinding to a group and a user', binding({
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
      subjects: [{ kind: 'Group', name: 'ops', apiGroup: 'rbac.authorization.k8s.io' }, { kind: 'User', name: 'alice', apiGroup: 'rbac.authorization.k8s.io' }],
    }, 'ClusterRoleBinding')],
    ['a default-deny NetworkPolicy', networkPolicyObject()],
    ['a NetworkPolicy allowing all ingress (ingress: [{}])', networkPolicyObject({ podSelector: {}, policyTypes: ['Ingress'], ingress: [{}] })],
    ['a NetworkPolicy without policyTypes and with an empty spec', networkPolicyObject({})],
    // The API server reads a null entry of these lists as an empty object: all traffic, every port, every ClusterRole.
    ['a NetworkPolicy with null rules and ports', networkPolicyObject({ podSelector: {}, ingress: [null], egress: [{ ports: [null] }] })],
    ['an aggregated ClusterRole with a null selector', role({ aggregationRule: { clusterRoleSelectors: [null] } }, 'ClusterRole')],
    ['a NetworkPolicy with peers, ports and an ipBlock', networkPolicyObject({
      podSelector: { matchLabels: { app: 'web' } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [{ podSelector: { matchLabels: { app: 'lb' } } }, { namespaceSelector: {} }], ports: [{ protocol: 'TCP', port: 8080 }] }],
      egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }], ports: [{ port: 53, protocol: 'UDP' }] }, { to: [], ports: null }],
    })],
    ['a Namespace with Pod Security labels', namespaceObject()],
    ['a Namespace without labels', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } }],
    ['a ServiceAccount', serviceAccount('app', 'shop', { automountServiceAccountToken: false })],
    ['a ServiceAccount without automountServiceAccountToken', serviceAccount()],
    ['a LimitRange with Container defaults within min and max', limitRange([
      { type: 'Container', min: { cpu: '50m' }, defaultRequest: { cpu: '100m', memory: '64Mi' }, default: { cpu: '1', memory: '256Mi' }, max: { cpu: '2', memory: '1Gi' } },
      { type: 'PersistentVolumeClaim', max: { storage: '10Gi' } },
    ])],
    ['a LimitRange without limits', limitRange(null)],
  ])('%s', (_what, object) => {
    expect(check(wellFormedObjects, object)).toEqual([]);
  });
});

describe('well-formed-objects: a value the API server refuses in a field the checks read is a finding naming it', () => {
  it.each<[string, KubeObject, string[]]>([
    ['a rule that lists no verbs (a typo such as verb:)', role({ rules: [{ apiGroups: [''], resources: ['secrets'], verb: ['get'] }] }),
      ['rules[0].verbs: verbs must list at least one verb (such as get), got nothing']],
    ['a rule for resources without apiGroups or resources', role({ rules: [{ apiGroups: [], verbs: ['get'] }] }), [
      'rules[0].apiGroups: apiGroups must list at least one API group ("" for the core group) in a rule for resources, got an empty list',
      'rules[0].resources: resources must list at least one resource (such as pods) in a rule for resources, got nothing',
    ]],
    ['nonResourceURLs in a Role, and with resources', role({ rules: [{ apiGroups: [''], resources: ['pods'], nonResourceURLs: ['/metrics'], verbs: ['get'] }] }), [
      'rules[0].nonResourceURLs: a Role cannot grant nonResourceURLs, which are not namespaced: grant them in a ClusterRole',
      'rules[0].nonResourceURLs: a rule cannot grant both nonResourceURLs and resources (it has apiGroups, resources): write one rule for each',
    ]],
    ['an aggregationRule without selectors', role({ aggregationRule: { clusterRoleSelectors: [] } }, 'ClusterRole'),
      ['aggregationRule.clusterRoleSelectors: clusterRoleSelectors must list at least one label selector when aggregationRule is set, got an empty list']],
    ['label keys and values the API server refuses', role({}, 'ClusterRole', { labels: { 'Example.com/team': 'web', 'team': '-web' } }), [
      'metadata.labels.Example.com/team: "Example.com/team" is not a label key: its prefix "Example.com" is not a DNS subdomain (lowercase letters, digits, "-" and ".", at most 253 characters)',
      'metadata.labels.team: "-web" is not a label value: at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit (or empty)',
    ]],
    ['a selector key and value the API server refuses', networkPolicyObject({ podSelector: { matchExpressions: [{ key: 'a b', operator: 'In', values: ['x y'] }] } }), [
      'spec.podSelector.matchExpressions[0].key: "a b" is not a label key: its name part must be 1 to 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit',
      'spec.podSelector.matchExpressions[0].values[0]: "x y" is not a label value: at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit (or empty)',
    ]],
    ['roleRef to another API group, with a name that is no path segment', binding({ roleRef: { apiGroup: 'rbac', kind: 'Role', name: 'a/b' } }), [
      'roleRef.apiGroup: apiGroup must be "rbac.authorization.k8s.io" (or absent), got a string ("rbac")',
      'roleRef.name: "a/b" is no role name: a name cannot be "." or ".." or contain "/" or "%"',
    ]],
    ['subjects the API server refuses', binding({
      subjects: [
        { kind: 'ServiceAccount', name: 'App', apiGroup: 'rbac.authorization.k8s.io' },
        { kind: 'User', name: '' },
        { kind: 'Group', name: 'ops', apiGroup: 'v1' },
      ],
    }, 'ClusterRoleBinding'), [
      'roleRef.kind: kind must be "ClusterRole", got a string ("Role")',
      'subjects[0].name: "App" is no ServiceAccount name: a DNS subdomain (lowercase letters, digits, "-" and ".", at most 253 characters)',
      'subjects[0].apiGroup: apiGroup of a ServiceAccount subject must be "" (the core group) or absent, got a string ("rbac.authorization.k8s.io")',
      'subjects[0].namespace: namespace of a ServiceAccount subject of a ClusterRoleBinding must be a non-empty string, got nothing',
      'subjects[1].name: name must be a non-empty string, got a string ("")',
      'subjects[2].apiGroup: apiGroup must be "rbac.authorization.k8s.io" (or absent), got a string ("v1")',
    ]],
    ['peers the API server refuses', networkPolicyObject({
      podSelector: {},
      ingress: [{ from: [{}, { podSelector: {}, ipBlock: { cidr: '10.0.0.0/8' } }] }],
      egress: [{ to: [{ ipBlock: { cidr: '10.0.0.1/8' } }, { ipBlock: { cidr: '10.0.0.0/8', except: ['11.0.0.0/16', 'x'] } }, { ipBlock: {} }] }],
      policyTypes: ['Ingress', 'Egress', 'Ingress'],
    }), [
      'spec.policyTypes: policyTypes must list at most two types ("Ingress" and "Egress"), got 3',
      'spec.ingress[0].from[0]: a peer must have a podSelector, a namespaceSelector or an ipBlock, got none: write podSelector: {} for every pod of the namespace',
      'spec.ingress[0].from[1]: a peer with an ipBlock cannot also have a podSelector or namespaceSelector: write them as two peers',
      'spec.egress[0].to[0].ipBlock.cidr: cidr "10.0.0.1/8" has bits set beyond its prefix length, which the API server refuses: write the network address, 10.0.0.0/8',
      'spec.egress[0].to[1].ipBlock.except[0]: except "11.0.0.0/16" is not inside cidr 10.0.0.0/8: each except must be a smaller network within it',
      'spec.egress[0].to[1].ipBlock.except[1]: except "x" is not a CIDR: write an IPv4 or IPv6 address and a prefix length without leading zeros, e.g. 10.0.0.0/8 or fd00::/8',
      'spec.egress[0].to[2].ipBlock.cidr: cidr must be a CIDR (such as 10.0.0.0/8), got nothing',
    ]],
    ['ports the API server refuses', networkPolicyObject({
      podSelector: {},
      ingress: [{ ports: [{ protocol: 'tcp', port: 0 }, { port: 'HTTP' }, { port: 8080, endPort: 80 }, { port: 'http', endPort: 9000 }, { port: 8080.5, endPort: '9000' }] }],
    }), [
      'spec.ingress[0].ports[0].protocol: protocol must be "TCP", "UDP" or "SCTP", got a string ("tcp")',
      'spec.ingress[0].ports[0].port: port must be a port number from 1 to 65535 or a port name, got a number (0)',
      'spec.ingress[0].ports[1].port: port "HTTP" is no port name: at most 15 lowercase letters, digits and "-", with a letter, no "-" at either end or twice in a row',
      'spec.ingress[0].ports[2].endPort: endPort must be a port number from port (8080) to 65535, got a number (80)',
      'spec.ingress[0].ports[3].endPort: endPort needs port to be a port number, the start of the range, got a string ("http")',
      'spec.ingress[0].ports[4].endPort: endPort must be a whole number that fits in 32 bits, got a string ("9000")',
      'spec.ingress[0].ports[4].port: port must be a port number from 1 to 65535 or a port name, got a number (8080.5)',
    ]],
  ])('%s', (_what, object, expected) => {
    expect(problems(object)).toEqual(expected);
  });
});

describe('well-formed-objects: a LimitRange the API server refuses is a finding at each refused field, as it writes no defaults', () => {
  it.each<[string, KubeObject, string[]]>([
    ['a default above max', limitRange([{ type: 'Container', default: { memory: '512Mi', cpu: '1' }, defaultRequest: { memory: '64Mi', cpu: '100m' }, max: { memory: '256Mi' } }]), [
      'spec.limits[0].default.memory: default of memory ("512Mi") is above its max ("256Mi"): the API server requires min <= defaultRequest <= default <= max',
    ]],
    ['a default that is not a quantity', limitRange([{ type: 'Container', default: { memory: 'lots', cpu: '1' } }]), [
      'spec.limits[0].default.memory: default of memory must be a resource quantity (such as 500m, 2 or 256Mi), got a string ("lots")',
    ]],
    ['a second Container item, and a Pod item with defaults', limitRange([{ type: 'Container', default: { cpu: '1' } }, { type: 'Container' }, { type: 'Pod', default: { cpu: '1' } }]), [
      'spec.limits[1].type: type "Container" is given again (first in spec.limits[0]): a LimitRange has one item per type; merge the two',
      'spec.limits[2].default: a limit of type "Pod" cannot have default: LimitRanger writes defaults into containers, so give them in an item of type "Container"',
    ]],
  ])('%s', (_what, object, expected) => {
    expect(problems(object)).toEqual(expected);
  });

  it('reports the LimitRange and the pod it leaves unbounded, and passes both once the LimitRange is fixed', () => {
    const pod = deployment({ container: { resources: undefined } });
    const refused = limitRange([{ type: 'Container', default: { memory: '512Mi', cpu: '1' }, max: { memory: '256Mi' } }]);
    const failures = (range: KubeObject) => evaluate(located(range, pod))
      .findings.filter((f) => f.outcome === 'fail' && (f.rule === 'resources' || f.rule === wellFormedObjects.id)).map((f) => `${f.rule} ${f.kind} ${f.path}`);
    expect(failures(refused)).toEqual(['well-formed-objects LimitRange spec.limits[0].default.memory', 'resources Deployment spec.template.spec.containers[0].resources']);
    expect(failures(limitRange([{ type: 'Container', default: { memory: '256Mi', cpu: '1' }, max: { memory: '256Mi' } }]))).toEqual([]);
  });

  it('a LimitRange of another API group is not judged', () => {
    expect(check(wellFormedObjects, { ...limitRange([{ type: 'container' }]), apiVersion: 'example.com/v1' })).toBe('not-applicable');
  });
});

describe('well-formed-objects: each field of the wrong type is a finding naming it, the type expected and what was found', () => {
  it.each<[string, KubeObject, string[]]>([
    ['rules not a list', role({ rules: 'get secrets' }),
      ['rules: rules must be a list of PolicyRules (objects with apiGroups, resources and verbs), got a string ("get secrets")']],
    ['a rule not an object', role({ rules: ['get secrets'] }), ['rules[0]: a PolicyRule must be an object (apiGroups, resources and verbs), got a string ("get secrets")']],
    ['the lists of a PolicyRule not lists', role({ rules: [{ apiGroups: '', resources: 'secrets', verbs: 'get', resourceNames: 'db', nonResourceURLs: '/metrics' }] }), [
      'rules[0].apiGroups: apiGroups must be a list of strings, got a string ("")',
      'rules[0].resources: resources must be a list of strings, got a string ("secrets")',
      'rules[0].resourceNames: resourceNames must be a list of strings, got a string ("db")',
      'rules[0].verbs: verbs must be a list of strings, got a string ("get")',
      'rules[0].nonResourceURLs: nonResourceURLs must be a list of strings, got a string ("/metrics")',
    ]],
    ['an entry of a PolicyRule list not a string', role({ rules: [{ apiGroups: [''], resources: [{ name: 'secrets' }], verbs: ['get', 1] }] }), [
      'rules[0].resources[0]: a resource must be a string, got an object',
      'rules[0].verbs[1]: a verb must be a string, got a number (1)',
    ]],
    ['aggregationRule not an object', role({ aggregationRule: ['x'] }, 'ClusterRole'), ['aggregationRule: aggregationRule must be an object (clusterRoleSelectors), got a list']],
    ['clusterRoleSelectors not a list', role({ aggregationRule: { clusterRoleSelectors: { matchLabels: { a: 'b' } } } }, 'ClusterRole'),
      ['aggregationRule.clusterRoleSelectors: clusterRoleSelectors must be a list of label selectors, got an object']],
    ['a cluster role selector of the wrong type', role({ aggregationRule: { clusterRoleSelectors: ['a=b', { matchLabels: ['a=b'] }, { matchExpressions: [{ key: 'a', operator: 'in', values: 'b' }] }] } }, 'ClusterRole'), [
      'aggregationRule.clusterRoleSelectors[0]: a label selector must be an object (matchLabels and matchExpressions), got a string ("a=b")',
      'aggregationRule.clusterRoleSelectors[1].matchLabels: matchLabels must be a map of strings, got a list',
      'aggregationRule.clusterRoleSelectors[2].matchExpressions[0].values: values must be a list, got a string ("b")',
      'aggregationRule.clusterRoleSelectors[2].matchExpressions[0].operator: operator must be "In", "NotIn", "Exists" or "DoesNotExist", got a string ("in")',
    ]],
    ['selector requirements the API server refuses', role({
      aggregationRule: { clusterRoleSelectors: [{ matchExpressions: [{ operator: 'In', values: [] }, { key: 'a', operator: 'Exists', values: ['x'] }, { key: 'b', operator: 'NotIn' }] }] },
    }, 'ClusterRole'), [
      'aggregationRule.clusterRoleSelectors[0].matchExpressions[0].key: key must be a string, got nothing',
      'aggregationRule.clusterRoleSelectors[0].matchExpressions[0].values: values must be a list of at least one value with operator In, got an empty list',
      'aggregationRule.clusterRoleSelectors[0].matchExpressions[1].values: values must be empty with operator Exists, got 1 value',
      'aggregationRule.clusterRoleSelectors[0].matchExpressions[2].values: values must be a list of at least one value with operator NotIn, got nothing',
    ]],
    ['the labels of a ClusterRole (aggregation matches them)', role({}, 'ClusterRole', { labels: { aggregate: true } }), ['metadata.labels.aggregate: must be a string, got a boolean (true)']],
    ['subjects not a list', binding({ subjects: { kind: 'ServiceAccount', name: 'app', namespace: 'shop' } }),
      ['subjects: subjects must be a list of subjects (objects with kind, name and namespace), got an object']],
    ['a subject not an object, of an unknown kind, without a name', binding({ subjects: ['app', { kind: 'serviceaccount', name: 'app' }, { kind: 'ServiceAccount', namespace: 'shop' }, { kind: 'User', name: 7 }] }), [
      'subjects[0]: a subject must be an object (kind, name and namespace), got a string ("app")',
      'subjects[1].kind: kind must be "ServiceAccount", "User" or "Group", got a string ("serviceaccount")',
      'subjects[2].name: name must be a non-empty string, got nothing',
      'subjects[3].name: name must be a string, got a number (7)',
    ]],
    ['roleRef not an object', binding({ roleRef: 'cluster-admin' }), ['roleRef: roleRef must be an object naming the role (apiGroup, kind and name), got a string ("cluster-admin")']],
    ['roleRef missing', binding({ roleRef: undefined }), ['roleRef: roleRef must be an object naming the role (apiGroup, kind and name), got nothing']],
    ['roleRef fields', binding({ roleRef: { apiGroup: 1, kind: 'role', name: ['reader'] } }), [
      'roleRef.apiGroup: apiGroup must be a string, got a number (1)',
      'roleRef.name: name must be a string, got a list',
      'roleRef.kind: kind must be "Role" or "ClusterRole", got a string ("role")',
    ]],
    ['a ClusterRoleBinding to a Role', binding({ subjects: [], roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'reader' } }, 'ClusterRoleBinding'),
      ['roleRef.kind: kind must be "ClusterRole", got a string ("Role")']],
    ['policyTypes not a list', networkPolicyObject({ podSelector: {}, policyTypes: 'Ingress' }), ['spec.policyTypes: policyTypes must be a list of "Ingress" and "Egress", got a string ("Ingress")']],
    ['a policy type neither Ingress nor Egress', networkPolicyObject({ podSelector: {}, policyTypes: ['ingress', 1] }), [
      'spec.policyTypes[0]: a policy type must be "Ingress" or "Egress", got a string ("ingress")',
      'spec.policyTypes[1]: a policy type must be "Ingress" or "Egress", got a number (1)',
    ]],
    ['spec not an object', networkPolicyObject('deny all' as never), ['spec: spec must be an object (podSelector, policyTypes, ingress and egress), got a string ("deny all")']],
    ['podSelector not a selector', networkPolicyObject({ podSelector: 'app=web', policyTypes: ['Ingress'] }),
      ['spec.podSelector: a label selector must be an object (matchLabels and matchExpressions), got a string ("app=web")']],
    ['podSelector.matchExpressions not a list', networkPolicyObject({ podSelector: { matchExpressions: { key: 'app', operator: 'Exists' } } }),
      ['spec.podSelector.matchExpressions: matchExpressions must be a list of requirements (objects with key, operator and values), got an object']],
    ['ingress and egress not lists of rules', networkPolicyObject({ podSelector: {}, ingress: {}, egress: ['allow'] }), [
      'spec.ingress: ingress must be a list of rules (objects with from and ports), got an object',
      'spec.egress[0]: a NetworkPolicy egress rule must be an object (to and ports), got a string ("allow")',
    ]],
    ['peers and ports of the wrong type', networkPolicyObject({
      podSelector: {},
      ingress: [{ from: { ipBlock: { cidr: '0.0.0.0/0' } }, ports: { port: 80 } }],
      egress: [{ to: ['0.0.0.0/0', { ipBlock: '0.0.0.0/0' }, { ipBlock: { cidr: 0, except: '10.0.0.0/8' } }, { ipBlock: { cidr: '0.0.0.0/0', except: [10] } }], ports: [80] }],
    }), [
      'spec.ingress[0].from: from must be a list of peers (objects with podSelector, namespaceSelector or ipBlock), got an object',
      'spec.ingress[0].ports: ports must be a list of ports (objects with protocol and port), got an object',
      'spec.egress[0].to[0]: a peer must be an object (podSelector, namespaceSelector or ipBlock), got a string ("0.0.0.0/0")',
      'spec.egress[0].to[1].ipBlock: ipBlock must be an object (cidr and except), got a string ("0.0.0.0/0")',
      'spec.egress[0].to[2].ipBlock.cidr: cidr must be a string, got a number (0)',
      'spec.egress[0].to[2].ipBlock.except: except must be a list, got a string ("10.0.0.0/8")',
      'spec.egress[0].to[3].ipBlock.except[0]: a CIDR must be a string, got a number (10)',
      'spec.egress[0].ports[0]: a port must be an object (protocol and port), got a number (80)',
    ]],
    ['Namespace labels not a map', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: ['pod-security.kubernetes.io/enforce=restricted'] as never } },
      ['metadata.labels: labels must be a map of strings, got a list']],
    ['a Namespace label value not a string', namespaceObject('shop', { 'pod-security.kubernetes.io/enforce-version': 1.3 as never }),
      ['metadata.labels.pod-security.kubernetes.io/enforce-version: must be a string, got a number (1.3)']],
    ['automountServiceAccountToken not a boolean', serviceAccount('app', 'shop', { automountServiceAccountToken: 'false' }),
      ['automountServiceAccountToken: automountServiceAccountToken must be a boolean, got a string ("false")']],
    ['LimitRange limits not a list', limitRange({ type: 'Container' }),
      ['spec.limits: limits must be a list of LimitRange items (objects with a type and min, max, default, defaultRequest or maxLimitRequestRatio), got an object']],
  ])('%s', (_what, object, expected) => {
    expect(problems(object)).toEqual(expected);
  });

  it('reads no other kind (a workload is well-formed-pod-spec\'s), and reads every object of its kinds', () => {
    expect(wellFormedObjects.kinds).toEqual(['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding', 'NetworkPolicy', 'Namespace', 'ServiceAccount', 'LimitRange']);
    const report = evaluate(located(deployment({ pod: { automountServiceAccountToken: 'no' } })));
    expect(report.findings.filter((f) => f.rule === wellFormedObjects.id)).toEqual([]);
  });
});

describe('well-formed-objects: a kind of another API group has its own schema, which it does not judge', () => {
  const foreign: readonly KubeObject[] = [
    // Calico's policy selects with a string expression and names its directions `types`.
    { apiVersion: 'projectcalico.org/v3', kind: 'NetworkPolicy', metadata: { name: 'deny', namespace: 'shop' }, spec: { selector: 'all()', types: ['Ingress', 'Egress'], podSelector: 'all()' } },
    { apiVersion: 'crd.projectcalico.org/v1', kind: 'NetworkPolicy', metadata: { name: 'deny', namespace: 'shop' }, spec: { policyTypes: 'Ingress' } },
    // OpenShift's RoleBinding names its role without a kind (a namespace says Role).
    { apiVersion: 'authorization.openshift.io/v1', kind: 'RoleBinding', metadata: { name: 'b', namespace: 'shop' }, roleRef: { name: 'admin' }, subjects: [{ kind: 'ServiceAccount', name: 'web' }] },
    { apiVersion: 'authorization.openshift.io/v1', kind: 'ClusterRole', metadata: { name: 'r' }, rules: [{ verbs: 'get', resources: ['pods'] }] },
    { apiVersion: 'example.com/v1', kind: 'ServiceAccount', metadata: { name: 'web', namespace: 'shop' }, automountServiceAccountToken: 'no' },
    { apiVersion: 'example.com/v1', kind: 'Namespace', metadata: { name: 'shop', labels: { 'not a label': 'x' } } },
  ];
  it('is not applicable to it, and a config may declare it in cluster.objects', () => {
    for (const object of foreign) {
      expect({ apiVersion: object.apiVersion, kind: object.kind, result: check(wellFormedObjects, object) }).toEqual({ apiVersion: object.apiVersion, kind: object.kind, result: 'not-applicable' });
      expect(() => resolveConfig({ cluster: { objects: [object] } })).not.toThrow();
    }
    // The Kubernetes kind written so is still judged, in any version of its group.
    expect(problems({ ...role({ rules: [{ apiGroups: [''], resources: ['pods'], verbs: 'get' }] }), apiVersion: 'rbac.authorization.k8s.io/v1beta1' })).toHaveLength(1);
  });
  it('judges an extensions/v1beta1 NetworkPolicy where the Kubernetes version serves it (up to 1.15)', () => {
    const legacy = { ...networkPolicyObject({ podSelector: {}, policyTypes: 'Ingress' }), apiVersion: 'extensions/v1beta1' };
    expect(violations(check(wellFormedObjects, legacy, { config: { kubernetesVersion: '1.15' } })).map((v) => v.path)).toEqual(['spec.policyTypes']);
    expect(check(wellFormedObjects, legacy, { config: { kubernetesVersion: '1.16' } })).toBe('not-applicable');
  });
});

describe('well-formed-objects in the engine', () => {
  const malformed = role({ rules: [{ apiGroups: [''], resources: ['secrets'], verbs: 'get' }] });

  it('is the first rule of edition 2: a config pinned to edition 1 does not run it; without a pin it runs', () => {
    expect(wellFormedObjects.edition).toBe(2);
    const newest = evaluate(located(malformed));
    expect(newest.edition).toBe(NEWEST_EDITION);
    expect(newest.rules).toContain(wellFormedObjects.id);
    expect(newest.findings.filter((f) => f.rule === wellFormedObjects.id).map((f) => `${f.outcome} ${f.path}`)).toEqual(['fail rules[0].verbs']);
    const pinned = evaluate(located(malformed), { edition: 1 });
    expect(pinned.edition).toBe(1);
    expect(pinned.rules).not.toContain(wellFormedObjects.id);
    expect(pinned.findings).toEqual([]);
    expect(evaluate(located(malformed), { edition: 2 }).findings.map((f) => f.rule)).toEqual([wellFormedObjects.id]);
  });

  it('runs at the hardened level only', () => {
    expect(evaluate(located(malformed), { level: 'restricted' }).rules).not.toContain(wellFormedObjects.id);
    expect(evaluate(located(malformed), { level: 'baseline' }).findings).toEqual([]);
  });

  it('in a Pulumi preview, a string not known yet is a string; a list or object not known yet is unknown', () => {
    const names = [
      serviceAccount(UNKNOWN_VALUE, 'shop', { automountServiceAccountToken: UNKNOWN_VALUE }),
      binding({ subjects: [{ kind: 'ServiceAccount', name: UNKNOWN_VALUE, namespace: UNKNOWN_VALUE }], roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: UNKNOWN_VALUE } }),
      namespaceObject('shop', { 'pod-security.kubernetes.io/enforce': 'restricted', 'team': UNKNOWN_VALUE }),
      role({ rules: [{ apiGroups: [''], resources: [UNKNOWN_VALUE], verbs: ['get'] }] }),
      limitRange([{ type: 'Container', default: { cpu: UNKNOWN_VALUE }, max: { cpu: '1' } }]),
    ];
    expect(evaluate(inPreview(...names)).findings.filter((f) => f.rule === wellFormedObjects.id)).toEqual([]);
    const unknownTypes = networkPolicyObject({ podSelector: {}, policyTypes: UNKNOWN_VALUE });
    const lists = evaluate(inPreview(role({ rules: UNKNOWN_VALUE }), unknownTypes, malformed));
    expect(lists.findings.filter((f) => f.rule === wellFormedObjects.id).map((f) => `${f.name} ${f.outcome} ${f.path}`)).toEqual([
      'reader unknown rules', 'default-deny unknown spec.policyTypes', 'reader fail rules[0].verbs',
    ]);
  });
});
