import fc from 'fast-check';
import type { KubeObject } from '../../src/model/kube-object';
import { rbacNoPodCreate } from '../../src/rules/rbac-no-pod-create';
import type { Cluster } from '../harness/cluster';
import { describeCluster } from '../harness/cluster-suite';
import { check, outcome } from '../rules/hardened/context';

/**
 * rbac-no-pod-create reads a Role as the API server's RBAC authorizer does: a service account bound
 * to a generated Role may start a pod (create one, add an ephemeral container to one, or create or
 * change a workload controller's template) exactly when the rule fails the binding. The server
 * answers SubjectAccessReviews for the service account; its wildcards, subresource forms, API groups
 * and resourceNames decide, not hardpod's reading of them.
 */

const RBAC = 'rbac.authorization.k8s.io/v1';
/** Every object name a generated rule may list in resourceNames: asking for each covers what it grants. */
const NAMES = ['web', 'api'];

interface Request { readonly verb: string; readonly group: string; readonly resource: string; readonly subresource?: string; readonly name?: string }

/** The requests that start a container of the caller's choosing, as the server would be asked them. */
function podStartingRequests(): Request[] {
  const requests: Request[] = [{ verb: 'create', group: '', resource: 'pods' }];
  for (const name of NAMES) for (const verb of ['update', 'patch']) requests.push({ verb, group: '', resource: 'pods', subresource: 'ephemeralcontainers', name });
  const controllers: [string, string][] = [['', 'replicationcontrollers'], ['apps', 'deployments'], ['apps', 'replicasets'], ['apps', 'statefulsets'], ['apps', 'daemonsets'], ['batch', 'jobs'], ['batch', 'cronjobs']];
  for (const [group, resource] of controllers) {
    requests.push({ verb: 'create', group, resource });
    for (const name of NAMES) for (const verb of ['update', 'patch']) requests.push({ verb, group, resource, name });
  }
  return requests;
}

const ruleArbitrary = fc.record({
  apiGroups: fc.subarray(['', 'apps', 'batch', 'extensions', '*', 'example.com'], { minLength: 1, maxLength: 2 }),
  resources: fc.subarray(['pods', 'pods/ephemeralcontainers', 'pods/*', '*/ephemeralcontainers', '*', 'deployments', 'deployments/scale', 'jobs', 'cronjobs', 'replicationcontrollers', 'statefulsets', 'configmaps'], { minLength: 1, maxLength: 3 }),
  verbs: fc.subarray(['create', 'update', 'patch', 'delete', 'get', '*'], { minLength: 1, maxLength: 2 }),
  resourceNames: fc.constantFrom([], [], ['web'], ['api', 'web']),
});

async function mayAny(cluster: Cluster, user: string, namespace: string, requests: readonly Request[]): Promise<Request[]> {
  const allowed: Request[] = [];
  for (const request of requests) {
    const review = await cluster.request('POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      spec: { user, resourceAttributes: { namespace, ...request } },
    });
    if (!review.allowed) throw new Error(`SubjectAccessReview refused: ${review.status} ${review.message}`);
    if ((review.body as { status?: { allowed?: boolean } }).status?.allowed === true) allowed.push(request);
  }
  return allowed;
}

async function mustCreate(cluster: Cluster, object: KubeObject): Promise<void> {
  const created = await cluster.create(object);
  if (!created.allowed) throw new Error(`cannot create ${object.kind} ${object.metadata?.name}: ${created.status} ${created.message}`);
}

function bindingTo(namespace: string, account: string, roleRef: { kind: string; name: string }): KubeObject {
  return {
    apiVersion: RBAC,
    kind: 'RoleBinding',
    metadata: { name: account, namespace },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', ...roleRef },
    subjects: [{ kind: 'ServiceAccount', name: account, namespace }],
  };
}

describeCluster('rbac-no-pod-create reads Roles as the RBAC authorizer does', (cluster) => {
  test('generated Roles: the rule fails a binding exactly when the server lets its service account start a pod', async () => {
    const c = cluster();
    const namespace = await c.createNamespace(c.uniqueNamespaceName('pod-create'));
    const roles = fc.sample(fc.array(ruleArbitrary, { minLength: 1, maxLength: 3 }), { numRuns: 60, seed: 5104 });
    const cases = roles.map((rules, i) => {
      const account = `sa-${i}`;
      const role: KubeObject = { apiVersion: RBAC, kind: 'Role', metadata: { name: account, namespace }, rules };
      return { account, role, binding: bindingTo(namespace, account, { kind: 'Role', name: account }) };
    });
    for (const { role, binding } of cases) {
      await mustCreate(c, role);
      await mustCreate(c, binding);
    }
    const requests = podStartingRequests();
    // The authorizer reads Roles from a cache: wait until the last one is in force (its control rule grants get on configmaps).
    const control: KubeObject = { apiVersion: RBAC, kind: 'Role', metadata: { name: 'control', namespace }, rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }] };
    await mustCreate(c, control);
    await mustCreate(c, bindingTo(namespace, 'control', { kind: 'Role', name: 'control' }));
    await c.waitUntil('the last Role is in force', async () => (await mayAny(c, `system:serviceaccount:${namespace}:control`, namespace, [{ verb: 'get', group: '', resource: 'configmaps' }])).length === 1);

    let starting = 0;
    for (const { account, role, binding } of cases) {
      const allowed = await mayAny(c, `system:serviceaccount:${namespace}:${account}`, namespace, requests);
      const verdict = outcome(check(rbacNoPodCreate, binding, { input: [role] }));
      expect({ rules: role.rules, verdict }).toEqual({ rules: role.rules, verdict: allowed.length > 0 ? 'fail' : 'pass' });
      if (allowed.length > 0) starting++;
    }
    // The sample holds both kinds of Role.
    expect(Math.min(starting, cases.length - starting)).toBeGreaterThan(10);
  }, 300_000);

  test('the default edit role starts pods (through the rules it aggregates) and view does not; extensions is not served', async () => {
    const c = cluster();
    const namespace = await c.createNamespace(c.uniqueNamespaceName('pod-create-defaults'));
    // The server keeps edit's and view's rules in these ClusterRoles; the controller manager copies them into edit and view.
    for (const [account, part] of [['edits', 'system:aggregate-to-edit'], ['views', 'system:aggregate-to-view']]) {
      await mustCreate(c, bindingTo(namespace, account, { kind: 'ClusterRole', name: part }));
    }
    const requests = podStartingRequests();
    await c.waitUntil('the bindings are in force', async () => (await mayAny(c, `system:serviceaccount:${namespace}:edits`, namespace, requests)).length > 0);
    const editAllows = await mayAny(c, `system:serviceaccount:${namespace}:edits`, namespace, requests);
    // Every request but ephemeral containers: edit grants those to no one.
    expect(editAllows).toEqual(requests.filter((r) => r.subresource !== 'ephemeralcontainers'));
    expect(await mayAny(c, `system:serviceaccount:${namespace}:views`, namespace, requests)).toEqual([]);
    expect(outcome(check(rbacNoPodCreate, bindingTo(namespace, 'edits', { kind: 'ClusterRole', name: 'edit' })))).toBe('fail');
    expect(outcome(check(rbacNoPodCreate, bindingTo(namespace, 'admins', { kind: 'ClusterRole', name: 'admin' })))).toBe('fail');
    expect(outcome(check(rbacNoPodCreate, bindingTo(namespace, 'views', { kind: 'ClusterRole', name: 'view' })))).toBe('pass');
    // The authorizer would grant extensions Deployments, but this server serves no such API: only 1.15 and older count them.
    expect((await c.request('GET', '/apis/extensions/v1beta1')).status).toBe(404);
  }, 120_000);

  test('update on pods/ephemeralcontainers adds a container to an existing pod', async () => {
    const c = cluster();
    const namespace = await c.createNamespace(c.uniqueNamespaceName('ephemeral-grant'));
    const role: KubeObject = { apiVersion: RBAC, kind: 'Role', metadata: { name: 'debugger', namespace }, rules: [{ apiGroups: [''], resources: ['pods/ephemeralcontainers'], verbs: ['update'] }] };
    await mustCreate(c, role);
    await mustCreate(c, bindingTo(namespace, 'debugger', { kind: 'Role', name: 'debugger' }));
    const pod: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace }, spec: { containers: [{ name: 'app', image: 'registry.example.com/app:1' }] } };
    await mustCreate(c, pod);
    const as = { user: `system:serviceaccount:${namespace}:debugger` };
    const path = `/api/v1/namespaces/${namespace}/pods/web/ephemeralcontainers`;
    let added: Awaited<ReturnType<Cluster['request']>> | undefined;
    await c.waitUntil('the Role is in force', async () => {
      const current = await c.request('GET', `/api/v1/namespaces/${namespace}/pods/web`);
      const body = current.body as KubeObject & { spec: Record<string, unknown> };
      body.spec.ephemeralContainers = [{ name: 'shell', image: 'registry.example.com/any-image:1' }];
      added = await c.request('PUT', path, body, 'application/json', as);
      return added.allowed;
    });
    expect(((added!.body as { spec: { ephemeralContainers: { image: string }[] } }).spec.ephemeralContainers)[0].image).toBe('registry.example.com/any-image:1');
    expect(outcome(check(rbacNoPodCreate, bindingTo(namespace, 'debugger', { kind: 'Role', name: 'debugger' }), { input: [role] }))).toBe('fail');
  }, 120_000);
});
