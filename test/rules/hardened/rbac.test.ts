import { check, outcome, violations } from './context';
import { evaluate } from '../../../src/engine';
import type { KubeObject } from '../../../src/model/kube-object';
import { rbacNoClusterAdmin } from '../../../src/rules/rbac-no-cluster-admin';
import { rbacNoEscalate } from '../../../src/rules/rbac-no-escalate';
import { rbacNoExec } from '../../../src/rules/rbac-no-exec';
import { rbacNoPodCreate } from '../../../src/rules/rbac-no-pod-create';
import { rbacNoSecretRead } from '../../../src/rules/rbac-no-secret-read';
import { rbacNoWildcards } from '../../../src/rules/rbac-no-wildcards';
import { located } from '../../engine/helpers';

const RBAC = 'rbac.authorization.k8s.io/v1';

function role(rules: Record<string, unknown>[], name = 'app', kind: 'Role' | 'ClusterRole' = 'Role'): KubeObject {
  return { apiVersion: RBAC, kind, metadata: { name, ...(kind === 'Role' ? { namespace: 'shop' } : {}) }, rules };
}
function binding(roleRef: { kind: string; name: string }, subjects: Record<string, unknown>[] = [{ kind: 'ServiceAccount', name: 'web', namespace: 'shop' }], kind: 'RoleBinding' | 'ClusterRoleBinding' = 'RoleBinding'): KubeObject {
  return { apiVersion: RBAC, kind, metadata: { name: 'b', ...(kind === 'RoleBinding' ? { namespace: 'shop' } : {}) }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', ...roleRef }, subjects };
}
const readConfig = role([{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list'] }]);

describe('rbac-no-cluster-admin', () => {
  test('passes a binding to a narrow role', () => {
    expect(outcome(check(rbacNoClusterAdmin, binding({ kind: 'Role', name: 'app' })))).toBe('pass');
  });
  test('fails any binding to cluster-admin', () => {
    expect(violations(check(rbacNoClusterAdmin, binding({ kind: 'ClusterRole', name: 'cluster-admin' }), {}))[0].message).toContain('in its namespace');
    const crb = binding({ kind: 'ClusterRole', name: 'cluster-admin' }, [{ kind: 'Group', name: 'ops', apiGroup: 'rbac.authorization.k8s.io' }], 'ClusterRoleBinding');
    expect(violations(check(rbacNoClusterAdmin, crb))[0]).toEqual({ path: 'roleRef.name', message: 'ClusterRoleBinding grants cluster-admin in the whole cluster' });
  });
});

describe('rbac-no-wildcards', () => {
  test('passes explicit rules', () => {
    expect(outcome(check(rbacNoWildcards, readConfig))).toBe('pass');
  });
  test('fails wildcards in verbs, apiGroups, resources (including pods/*) and nonResourceURLs', () => {
    const wild = role([
      { apiGroups: ['*'], resources: ['configmaps'], verbs: ['get'] },
      { apiGroups: [''], resources: ['pods/*'], verbs: ['*'] },
      { nonResourceURLs: ['*'], verbs: ['get'] },
    ], 'wild', 'ClusterRole');
    expect(violations(check(rbacNoWildcards, wild)).map((v) => v.path)).toEqual(['rules[0].apiGroups', 'rules[1].verbs', 'rules[1].resources', 'rules[2].nonResourceURLs']);
  });
  test('a nonResourceURL ending in * is a prefix wildcard; a * elsewhere is no wildcard to the authorizer', () => {
    const prefixes = role([{ nonResourceURLs: ['/healthz', '/*'], verbs: ['get'] }, { nonResourceURLs: ['/api/*'], verbs: ['get'] }, { nonResourceURLs: ['/a*b'], verbs: ['get'] }], 'urls', 'ClusterRole');
    expect(violations(check(rbacNoWildcards, prefixes)).map((v) => v.message)).toEqual([
      'ClusterRole rule rules[0] uses the wildcard "/*" in nonResourceURLs',
      'ClusterRole rule rules[1] uses the wildcard "/api/*" in nonResourceURLs',
    ]);
  });
});

describe('rbac-no-secret-read', () => {
  const secretReader = role([{ apiGroups: [''], resources: ['secrets'], verbs: ['list'] }], 'reader');
  test('passes a binding whose role reads no secrets', () => {
    expect(outcome(check(rbacNoSecretRead, binding({ kind: 'Role', name: 'app' }), { input: [readConfig] }))).toBe('pass');
  });
  test('fails a service account bound to a role that reads secrets', () => {
    const [v] = violations(check(rbacNoSecretRead, binding({ kind: 'Role', name: 'reader' }), { input: [secretReader] }));
    expect(v.message).toBe('grants ServiceAccount shop/web list on secrets through Role shop/reader (rules[0])');
  });
  test('a rule limited to named secrets reads no others', () => {
    const named = role([{ apiGroups: [''], resources: ['secrets'], resourceNames: ['web-tls'], verbs: ['get', 'list', 'watch'] }], 'named');
    expect(outcome(check(rbacNoSecretRead, binding({ kind: 'Role', name: 'named' }), { input: [named] }))).toBe('pass');
  });
  test('wildcards grant secrets too, and the default edit role is known without the input', () => {
    const everything = role([{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }], 'all');
    expect(outcome(check(rbacNoSecretRead, binding({ kind: 'Role', name: 'all' }), { input: [everything] }))).toBe('fail');
    expect(violations(check(rbacNoSecretRead, binding({ kind: 'ClusterRole', name: 'edit' })))[0].message).toContain('default ClusterRole edit');
    expect(outcome(check(rbacNoSecretRead, binding({ kind: 'ClusterRole', name: 'view' })))).toBe('pass');
  });
  test('people are not workloads: a binding to a user or group is not applicable', () => {
    expect(check(rbacNoSecretRead, binding({ kind: 'Role', name: 'reader' }, [{ kind: 'User', name: 'alice' }]), { input: [secretReader] })).toBe('not-applicable');
    expect(outcome(check(rbacNoSecretRead, binding({ kind: 'Role', name: 'reader' }, [{ kind: 'Group', name: 'system:serviceaccounts:shop' }]), { input: [secretReader] }))).toBe('fail');
  });
  test('a User subject named as a service account authenticates is that ServiceAccount', () => {
    const asUser = binding({ kind: 'Role', name: 'reader' }, [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'system:serviceaccount:shop:web' }]);
    const [v] = violations(check(rbacNoSecretRead, asUser, { input: [secretReader] }));
    expect(v.message).toBe('grants ServiceAccount shop/web list on secrets through Role shop/reader (rules[0])');
    // Not a service account user name: no namespace, or a name with a colon.
    for (const name of ['system:serviceaccount:web', 'system:serviceaccount:shop:web:x', 'system:serviceaccount::web']) {
      expect(check(rbacNoSecretRead, binding({ kind: 'Role', name: 'reader' }, [{ kind: 'User', name }]), { input: [secretReader] })).toBe('not-applicable');
    }
  });
  test('a role missing from partial input is unknown; from a complete context it fails', () => {
    const [v] = violations(check(rbacNoSecretRead, binding({ kind: 'Role', name: 'reader' })));
    expect(v.unknown).toBe(true);
    expect(outcome(check(rbacNoSecretRead, binding({ kind: 'Role', name: 'reader' }), { config: { cluster: { complete: true } } }))).toBe('fail');
    expect(outcome(check(rbacNoSecretRead, binding({ kind: 'Role', name: 'reader' }), { config: { cluster: { objects: [secretReader] } } }))).toBe('fail');
  });
  test('a Role of another namespace is not the one a RoleBinding names', () => {
    const elsewhere = { ...secretReader, metadata: { name: 'reader', namespace: 'other' } };
    expect(outcome(check(rbacNoSecretRead, binding({ kind: 'Role', name: 'reader' }), { input: [elsewhere] }))).toBe('unknown');
  });
});

describe('rbac-no-exec', () => {
  test('passes a role without exec-like subresources', () => {
    expect(outcome(check(rbacNoExec, binding({ kind: 'Role', name: 'app' }), { input: [readConfig] }))).toBe('pass');
  });
  test.each(['pods/exec', 'pods/attach', 'pods/portforward', 'nodes/proxy'])('get or create on %s counts as exec', (resource) => {
    for (const verb of ['get', 'create']) {
      const grant = role([{ apiGroups: [''], resources: [resource], verbs: [verb] }], 'x', 'ClusterRole');
      const result = check(rbacNoExec, binding({ kind: 'ClusterRole', name: 'x' }, undefined, 'ClusterRoleBinding'), { input: [grant] });
      expect(violations(result)[0].message).toContain(`${verb} on ${resource}`);
    }
  });
  test('a RoleBinding grants nothing on nodes, a ClusterRoleBinding does', () => {
    const proxy = role([{ apiGroups: [''], resources: ['nodes/proxy'], verbs: ['get'] }], 'proxy', 'ClusterRole');
    expect(outcome(check(rbacNoExec, binding({ kind: 'ClusterRole', name: 'proxy' }), { input: [proxy] }))).toBe('pass');
    expect(outcome(check(rbacNoExec, binding({ kind: 'ClusterRole', name: 'proxy' }, undefined, 'ClusterRoleBinding'), { input: [proxy] }))).toBe('fail');
  });
  test('exec limited to named pods is still exec', () => {
    const named = role([{ apiGroups: [''], resources: ['pods/exec'], resourceNames: ['web-0'], verbs: ['create'] }], 'n');
    expect(outcome(check(rbacNoExec, binding({ kind: 'Role', name: 'n' }), { input: [named] }))).toBe('fail');
  });
  test('*/exec matches the subresource; pods/* matches nothing (the authorizer has no such form); list is no exec', () => {
    const subresources = role([{ apiGroups: [''], resources: ['pods/*'], verbs: ['create'] }], 's');
    expect(outcome(check(rbacNoExec, binding({ kind: 'Role', name: 's' }), { input: [subresources] }))).toBe('pass');
    const anyExec = role([{ apiGroups: [''], resources: ['*/exec'], verbs: ['get'] }], 'e');
    expect(outcome(check(rbacNoExec, binding({ kind: 'Role', name: 'e' }), { input: [anyExec] }))).toBe('fail');
    const listOnly = role([{ apiGroups: [''], resources: ['pods/exec'], verbs: ['list'] }], 'l');
    expect(outcome(check(rbacNoExec, binding({ kind: 'Role', name: 'l' }), { input: [listOnly] }))).toBe('pass');
  });
  test('a User subject named as a service account authenticates gets exec like that ServiceAccount', () => {
    const exec = role([{ apiGroups: [''], resources: ['pods/exec'], verbs: ['create'] }], 'x');
    const asUser = binding({ kind: 'Role', name: 'x' }, [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'system:serviceaccount:shop:web' }]);
    expect(violations(check(rbacNoExec, asUser, { input: [exec] }))[0].message).toBe('grants ServiceAccount shop/web create on pods/exec through Role shop/x (rules[0])');
  });
  test('the debugging Role granted to people (pods/attach for a group) is not a workload grant', () => {
    const debug = role([{ apiGroups: [''], resources: ['pods/attach'], verbs: ['create', 'get'] }], 'debug');
    expect(check(rbacNoExec, binding({ kind: 'Role', name: 'debug' }, [{ kind: 'Group', name: 'sre', apiGroup: 'rbac.authorization.k8s.io' }]), { input: [debug] })).toBe('not-applicable');
  });
});

describe('rbac-no-pod-create', () => {
  const bindRole = (name: string) => binding({ kind: 'Role', name });
  test('passes a role that reads pods and workloads only', () => {
    const reader = role([{ apiGroups: ['', 'apps', 'batch'], resources: ['pods', 'deployments', 'jobs'], verbs: ['get', 'list', 'watch'] }], 'reader');
    expect(outcome(check(rbacNoPodCreate, bindRole('reader'), { input: [reader] }))).toBe('pass');
  });
  test('fails create on pods, and create, update or patch on a controller that starts pods', () => {
    const starter = role([
      { apiGroups: [''], resources: ['pods'], verbs: ['create', 'delete'] },
      { apiGroups: ['apps'], resources: ['deployments'], verbs: ['patch'] },
      { apiGroups: ['batch'], resources: ['cronjobs', 'jobs'], verbs: ['create'] },
    ], 'starter');
    expect(violations(check(rbacNoPodCreate, bindRole('starter'), { input: [starter] })).map((v) => v.message)).toEqual([
      'grants ServiceAccount shop/web create on pods through Role shop/starter (rules[0])',
      'grants ServiceAccount shop/web patch on deployments.apps through Role shop/starter (rules[1])',
      'grants ServiceAccount shop/web create on jobs.batch, create on cronjobs.batch through Role shop/starter (rules[2])',
    ]);
  });
  test('update or patch on pods/ephemeralcontainers adds a container to a running pod', () => {
    const debug = role([{ apiGroups: [''], resources: ['pods/ephemeralcontainers'], verbs: ['patch'] }], 'debugger');
    expect(violations(check(rbacNoPodCreate, bindRole('debugger'), { input: [debug] }))[0].message).toContain('patch on pods/ephemeralcontainers');
  });
  test('wildcards grant it; delete, a scale subresource or another group do not', () => {
    const wild = role([{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }], 'wild');
    expect(outcome(check(rbacNoPodCreate, bindRole('wild'), { input: [wild] }))).toBe('fail');
    const harmless = role([
      { apiGroups: ['apps'], resources: ['deployments/scale'], verbs: ['patch', 'update'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['delete', 'update', 'patch'] },
      { apiGroups: ['example.com'], resources: ['deployments'], verbs: ['create'] },
    ], 'harmless');
    expect(outcome(check(rbacNoPodCreate, bindRole('harmless'), { input: [harmless] }))).toBe('pass');
  });
  test('named objects: create names none, so it is not granted; patching a named Deployment still changes its template', () => {
    const named = role([{ apiGroups: ['', 'apps'], resources: ['pods', 'deployments'], resourceNames: ['web'], verbs: ['create', 'patch'] }], 'named');
    expect(violations(check(rbacNoPodCreate, bindRole('named'), { input: [named] })).map((v) => v.message))
      .toEqual(['grants ServiceAccount shop/web patch on deployments.apps through Role shop/named (rules[0])']);
  });
  test('extensions Deployments count up to Kubernetes 1.15, the last that served them', () => {
    const legacy = role([{ apiGroups: ['extensions'], resources: ['deployments'], verbs: ['create'] }], 'legacy');
    expect(outcome(check(rbacNoPodCreate, bindRole('legacy'), { input: [legacy], config: { kubernetesVersion: '1.15' } }))).toBe('fail');
    expect(outcome(check(rbacNoPodCreate, bindRole('legacy'), { input: [legacy], config: { kubernetesVersion: '1.16' } }))).toBe('pass');
  });
  test('the default edit and admin ClusterRoles start pods; view does not', () => {
    for (const name of ['edit', 'admin']) {
      const [first] = violations(check(rbacNoPodCreate, binding({ kind: 'ClusterRole', name }), {}));
      expect(first.message).toBe(`grants ServiceAccount shop/web create on pods, create/update/patch on replicationcontrollers through default ClusterRole ${name} (rules[2])`);
    }
    expect(outcome(check(rbacNoPodCreate, binding({ kind: 'ClusterRole', name: 'view' }), {}))).toBe('pass');
  });
  test('came with rule-set edition 3: a config pinned to edition 2 does not run it', () => {
    const starter = role([{ apiGroups: [''], resources: ['pods'], verbs: ['create'] }], 'starter');
    const objects = located(starter, bindRole('starter'));
    expect(evaluate(objects).findings.filter((f) => f.rule === rbacNoPodCreate.id).map((f) => f.outcome)).toEqual(['fail']);
    const pinned = evaluate(objects, { edition: 2 });
    expect(pinned.rules).not.toContain(rbacNoPodCreate.id);
    expect(pinned.findings.filter((f) => f.rule === rbacNoPodCreate.id)).toEqual([]);
  });
  test('a role not in the input leaves it unknown; people are not workloads', () => {
    expect(outcome(check(rbacNoPodCreate, bindRole('elsewhere'), {}))).toBe('unknown');
    const starter = role([{ apiGroups: [''], resources: ['pods'], verbs: ['create'] }], 'starter');
    const toPeople = binding({ kind: 'Role', name: 'starter' }, [{ kind: 'Group', name: 'deployers', apiGroup: 'rbac.authorization.k8s.io' }]);
    expect(check(rbacNoPodCreate, toPeople, { input: [starter] })).toBe('not-applicable');
  });
});

describe('rbac-no-escalate', () => {
  test('passes ordinary rules', () => {
    expect(outcome(check(rbacNoEscalate, readConfig))).toBe('pass');
  });
  test('fails bind, escalate and impersonate', () => {
    const escalating = role([
      { apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles'], verbs: ['bind', 'escalate'] },
      { apiGroups: [''], resources: ['serviceaccounts'], verbs: ['impersonate'] },
    ], 'esc', 'ClusterRole');
    expect(violations(check(rbacNoEscalate, escalating)).map((v) => v.message)).toEqual([
      'ClusterRole rule rules[0] grants bind on clusterroles, escalate on clusterroles',
      'ClusterRole rule rules[1] grants impersonate on serviceaccounts',
    ]);
  });
  test('impersonate on any user extra key is flagged like scopes, as the API server authorizes each key as userextras/<key>', () => {
    const extras = role([
      { apiGroups: ['authentication.k8s.io'], resources: ['userextras/foo'], verbs: ['impersonate'] },
      { apiGroups: ['*'], resources: ['*/bar'], verbs: ['*'] },
      { apiGroups: ['authentication.k8s.io'], resources: ['userextras/foo'], verbs: ['get'] },
      { apiGroups: [''], resources: ['userextras/foo'], verbs: ['impersonate'] },
    ], 'extras', 'ClusterRole');
    expect(violations(check(rbacNoEscalate, extras)).map((v) => v.message)).toEqual([
      'ClusterRole rule rules[0] grants impersonate on userextras/foo',
      'ClusterRole rule rules[1] grants impersonate on userextras/bar',
    ]);
  });
});

describe('aggregated ClusterRoles', () => {
  const aggregated: KubeObject = {
    apiVersion: RBAC,
    kind: 'ClusterRole',
    metadata: { name: 'monitoring' },
    aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'example.com/aggregate-to-monitoring': 'true' } }] },
    rules: [],
  };
  const part = (name: string, rules: Record<string, unknown>[]): KubeObject => ({
    apiVersion: RBAC, kind: 'ClusterRole', metadata: { name, labels: { 'example.com/aggregate-to-monitoring': 'true' } }, rules,
  });
  const bindAggregated = binding({ kind: 'ClusterRole', name: 'monitoring' }, undefined, 'ClusterRoleBinding');

  test('rules of the ClusterRoles it selects count', () => {
    const exec = part('monitoring-exec', [{ apiGroups: [''], resources: ['pods/exec'], verbs: ['create'] }]);
    const [v] = violations(check(rbacNoExec, bindAggregated, { input: [aggregated, exec] }));
    expect(v.message).toContain('through aggregated ClusterRole monitoring ((aggregated from ClusterRole monitoring-exec) rules[0])');
  });
  test('a null selector is an empty one to the API server: it selects every ClusterRole', () => {
    const everything: KubeObject = { ...aggregated, aggregationRule: { clusterRoleSelectors: [null] } };
    const exec = { ...part('unlabelled-exec', [{ apiGroups: [''], resources: ['pods/exec'], verbs: ['create'] }]), metadata: { name: 'unlabelled-exec' } };
    expect(violations(check(rbacNoExec, bindAggregated, { input: [everything, exec], config: { cluster: { complete: true } } }))[0].message)
      .toContain('(aggregated from ClusterRole unlabelled-exec) rules[0]');
  });
  test('without an offending rule in the input, others in the cluster may add one: unknown, unless complete', () => {
    const harmless = part('monitoring-read', [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }]);
    expect(outcome(check(rbacNoExec, bindAggregated, { input: [aggregated, harmless] }))).toBe('unknown');
    expect(outcome(check(rbacNoExec, bindAggregated, { input: [aggregated, harmless], config: { cluster: { complete: true } } }))).toBe('pass');
  });
});

describe('roles of another API group are not the RBAC role a binding grants', () => {
  // OpenShift's authorization.openshift.io has Role and ClusterRole kinds of its own; any version of the RBAC group is RBAC.
  const OPENSHIFT = 'authorization.openshift.io/v1';
  const readsSecrets = [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }];
  test('a Role or ClusterRole of another group neither passes nor fails the binding', () => {
    for (const kind of ['Role', 'ClusterRole'] as const) {
      const bound = binding({ kind, name: 'reader' });
      const harmless = { ...role([], 'reader', kind), apiVersion: OPENSHIFT };
      const reader = { ...role(readsSecrets, 'reader', kind), apiVersion: OPENSHIFT };
      expect({ kind, outcome: outcome(check(rbacNoSecretRead, bound, { input: [harmless] })) }).toEqual({ kind, outcome: 'unknown' });
      expect({ kind, outcome: outcome(check(rbacNoSecretRead, bound, { config: { cluster: { objects: [harmless] } } })) }).toEqual({ kind, outcome: 'unknown' });
      // The RBAC role of that name decides, whichever comes last in the input.
      expect({ kind, outcome: outcome(check(rbacNoSecretRead, bound, { input: [role(readsSecrets, 'reader', kind), harmless] })) }).toEqual({ kind, outcome: 'fail' });
      expect({ kind, outcome: outcome(check(rbacNoSecretRead, bound, { input: [role([], 'reader', kind), reader] })) }).toEqual({ kind, outcome: 'pass' });
      // A group whose name begins with RBAC's is another group.
      const lookalike = { ...role([], 'reader', kind), apiVersion: 'rbac.authorization.k8s.io.example.com/v1' };
      expect({ kind, outcome: outcome(check(rbacNoSecretRead, bound, { input: [lookalike] })) }).toEqual({ kind, outcome: 'unknown' });
      const v1beta1 = { ...role(readsSecrets, 'reader', kind), apiVersion: 'rbac.authorization.k8s.io/v1beta1' };
      expect({ kind, outcome: outcome(check(rbacNoSecretRead, bound, { input: [v1beta1] })) }).toEqual({ kind, outcome: 'fail' });
    }
  });
  test('a ClusterRole of another group adds no rules to an aggregated ClusterRole', () => {
    const selectors = [{ matchLabels: { 'example.com/aggregate-to-monitoring': 'true' } }];
    const aggregated: KubeObject = { ...role([], 'monitoring', 'ClusterRole'), aggregationRule: { clusterRoleSelectors: selectors } };
    const exec = role([{ apiGroups: [''], resources: ['pods/exec'], verbs: ['create'] }], 'monitoring-exec', 'ClusterRole');
    const foreign: KubeObject = { ...exec, apiVersion: OPENSHIFT, metadata: { name: 'monitoring-exec', labels: selectors[0].matchLabels } };
    const bound = binding({ kind: 'ClusterRole', name: 'monitoring' }, undefined, 'ClusterRoleBinding');
    expect(outcome(check(rbacNoExec, bound, { input: [aggregated, foreign], config: { cluster: { complete: true } } }))).toBe('pass');
  });
});

describe('bindings and roles of another API group are not judged as RBAC objects', () => {
  const OPENSHIFT = 'authorization.openshift.io/v1';
  test('a binding of another group, whatever its roleRef, is not applicable to the binding rules', () => {
    // OpenShift's RoleBinding names its role without a kind.
    const openshift = { ...binding({ kind: 'Role', name: 'admin' }), apiVersion: OPENSHIFT, roleRef: { name: 'admin' } };
    const clusterAdmin = { ...binding({ kind: 'ClusterRole', name: 'cluster-admin' }, undefined, 'ClusterRoleBinding'), apiVersion: 'example.com/v1' };
    const reader = role([{ apiGroups: [''], resources: ['secrets', 'pods/exec'], verbs: ['get', 'create'] }], 'reader');
    const readerBinding = { ...binding({ kind: 'Role', name: 'reader' }), apiVersion: 'example.com/v1' };
    for (const rule of [rbacNoSecretRead, rbacNoExec, rbacNoClusterAdmin]) {
      for (const object of [openshift, clusterAdmin, readerBinding]) {
        expect({ rule: rule.id, apiVersion: object.apiVersion, result: check(rule, object, { input: [reader] }) }).toEqual({ rule: rule.id, apiVersion: object.apiVersion, result: 'not-applicable' });
      }
    }
    // Any version of the RBAC group is RBAC.
    expect(outcome(check(rbacNoSecretRead, { ...readerBinding, apiVersion: 'rbac.authorization.k8s.io/v1beta1' }, { input: [reader] }))).toBe('fail');
  });
  test('a role of another group is not applicable to the role rules', () => {
    const wild = role([{ apiGroups: ['*'], resources: ['*'], verbs: ['*', 'escalate', 'bind', 'impersonate'] }], 'wild', 'ClusterRole');
    for (const rule of [rbacNoWildcards, rbacNoEscalate]) {
      expect({ rule: rule.id, result: check(rule, { ...wild, apiVersion: OPENSHIFT }) }).toEqual({ rule: rule.id, result: 'not-applicable' });
      expect({ rule: rule.id, outcome: outcome(check(rule, { ...wild, apiVersion: 'rbac.authorization.k8s.io/v1beta1' })) }).toEqual({ rule: rule.id, outcome: 'fail' });
    }
  });
});
