import fc from 'fast-check';
import { check, outcome } from './context';
import type { KubeObject } from '../../../src/model/kube-object';
import { rbacNoExec } from '../../../src/rules/rbac-no-exec';
import { rbacNoSecretRead } from '../../../src/rules/rbac-no-secret-read';
import type { Cluster } from '../../harness/cluster';
import { describeCluster } from '../../harness/cluster-suite';

/**
 * The RBAC rules judge grants the way the real RBAC authorizer does: random Roles and ClusterRoles
 * bound to a ServiceAccount are created on a real kube-apiserver, which is asked with
 * SubjectAccessReviews whether that account may exec (get or create on pods/exec, pods/attach,
 * pods/portforward, nodes/proxy, for any pod or a named one) and read Secrets (get, list or watch
 * without a name). rbac-no-exec and rbac-no-secret-read must fail exactly when the server says yes.
 */

const RBAC = 'rbac.authorization.k8s.io/v1';
const CANARY = { apiGroups: [''], resources: ['configmaps'], verbs: ['get'] };

const ruleArbitrary = fc.record({
  verbs: fc.subarray(['get', 'list', 'watch', 'create', 'update', '*'], { minLength: 1 }),
  apiGroups: fc.subarray(['', 'apps', '*'], { minLength: 1 }),
  resources: fc.subarray(['pods', 'pods/exec', 'pods/attach', 'pods/portforward', 'pods/*', '*/exec', '*/proxy', 'nodes/proxy', 'nodes', 'secrets', '*'], { minLength: 1 }),
  resourceNames: fc.constantFrom([], ['x']),
});
const caseArbitrary = fc.record({
  shape: fc.constantFrom('Role+RoleBinding', 'ClusterRole+RoleBinding', 'ClusterRole+ClusterRoleBinding'),
  rules: fc.array(ruleArbitrary, { minLength: 1, maxLength: 3 }),
});

interface Access {
  readonly verb: string;
  readonly resource: string;
  readonly subresource?: string;
  readonly name?: string;
  readonly namespaced: boolean;
}

async function allowed(cluster: Cluster, namespace: string, account: string, access: Access): Promise<boolean> {
  const review = await cluster.request('POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SubjectAccessReview',
    spec: {
      user: `system:serviceaccount:${namespace}:${account}`,
      groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'],
      resourceAttributes: {
        verb: access.verb,
        group: '',
        resource: access.resource,
        ...(access.subresource ? { subresource: access.subresource } : {}),
        ...(access.name ? { name: access.name } : {}),
        ...(access.namespaced ? { namespace } : {}),
      },
    },
  });
  if (!review.allowed) throw new Error(`SubjectAccessReview failed: ${review.status} ${review.message}`);
  return (review.body as { status?: { allowed?: boolean } }).status?.allowed === true;
}

const EXEC_ACCESS: Access[] = [];
for (const verb of ['get', 'create']) {
  for (const name of [undefined, 'x']) {
    for (const subresource of ['exec', 'attach', 'portforward']) EXEC_ACCESS.push({ verb, resource: 'pods', subresource, name, namespaced: true });
    EXEC_ACCESS.push({ verb, resource: 'nodes', subresource: 'proxy', name, namespaced: false });
  }
}
const SECRET_ACCESS: Access[] = ['get', 'list', 'watch'].map((verb) => ({ verb, resource: 'secrets', namespaced: true }));

async function anyAllowed(cluster: Cluster, namespace: string, account: string, accesses: Access[]): Promise<boolean> {
  const answers = await Promise.all(accesses.map((a) => allowed(cluster, namespace, account, a)));
  return answers.some((a) => a);
}

describeCluster('RBAC rules agree with the real RBAC authorizer', (cluster) => {
  let namespace: string;
  let counter = 0;
  beforeAll(async () => {
    namespace = await cluster().createNamespace(cluster().uniqueNamespaceName('rbac-differential'));
  });

  test('rbac-no-exec and rbac-no-secret-read fail exactly when a SubjectAccessReview allows', async () => {
    await fc.assert(fc.asyncProperty(caseArbitrary, async ({ shape, rules }) => {
      const id = `${namespace}-${counter++}`;
      const account = `sa-${id}`;
      const [roleKind, bindingKind] = shape.split('+') as ['Role' | 'ClusterRole', 'RoleBinding' | 'ClusterRoleBinding'];
      const role: KubeObject = {
        apiVersion: RBAC,
        kind: roleKind,
        metadata: { name: `role-${id}`, ...(roleKind === 'Role' ? { namespace } : {}) },
        rules: [...rules, CANARY],
      };
      const binding: KubeObject = {
        apiVersion: RBAC,
        kind: bindingKind,
        metadata: { name: `binding-${id}`, ...(bindingKind === 'RoleBinding' ? { namespace } : {}) },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: roleKind, name: `role-${id}` },
        subjects: [{ kind: 'ServiceAccount', name: account, namespace }],
      };
      for (const object of [role, binding]) {
        const created = await cluster().create(object);
        if (!created.allowed) throw new Error(`cannot create ${object.kind}: ${created.status} ${created.message}`);
      }
      // The authorizer reads roles and bindings from informers: wait until the canary grant is seen.
      const deadline = Date.now() + 20_000;
      while (!(await allowed(cluster(), namespace, account, { verb: 'get', resource: 'configmaps', namespaced: true }))) {
        if (Date.now() > deadline) throw new Error(`the authorizer never saw ${binding.metadata?.name}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const serverExec = await anyAllowed(cluster(), namespace, account, EXEC_ACCESS);
      const serverSecrets = await anyAllowed(cluster(), namespace, account, SECRET_ACCESS);
      const context = { input: [role] };
      expect({ shape, rules, exec: outcome(check(rbacNoExec, binding, context)) === 'fail' }).toEqual({ shape, rules, exec: serverExec });
      expect({ shape, rules, secrets: outcome(check(rbacNoSecretRead, binding, context)) === 'fail' }).toEqual({ shape, rules, secrets: serverSecrets });
    }), { numRuns: 60 });
  }, 300_000);
});
