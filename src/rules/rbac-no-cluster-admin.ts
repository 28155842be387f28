import type { ObjectRule } from './rule';
import { isKubernetesObject, roleRefOf } from './support/hardened';
import { cis, nist } from './support/pss';

/** cluster-admin is every permission on every object: no application needs it. */
export const rbacNoClusterAdmin: ObjectRule = {
  id: 'rbac-no-cluster-admin',
  title: 'No binding grants cluster-admin',
  remediation: 'Bind a Role (or ClusterRole) that lists only the verbs and resources the subject needs instead of cluster-admin.',
  level: 'hardened',
  severity: 'critical',
  controls: [...cis('5.1.1'), ...nist('4.3.1')],
  edition: 1,
  scope: 'object',
  kinds: ['RoleBinding', 'ClusterRoleBinding'],
  check({ object }) {
    // A kind of that name in another group (an OpenShift authorization.openshift.io one) has its own schema and meaning.
    if (!isKubernetesObject(object)) return 'not-applicable';
    const ref = roleRefOf(object);
    if (!ref || ref.kind !== 'ClusterRole' || ref.name !== 'cluster-admin') return [];
    const scope = object.kind === 'RoleBinding' ? 'in its namespace' : 'in the whole cluster';
    return [{ path: 'roleRef.name', message: `${object.kind} grants cluster-admin ${scope}` }];
  },
};
