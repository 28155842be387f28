import type { InputRule } from './rule';
import { checkWorkloadGrants, grants } from './support/hardened';
import { cis, nist } from './support/pss';

const READ_VERBS = ['get', 'list', 'watch'];

/**
 * A workload that can read Secrets can read every credential in its namespace (or cluster):
 * get, list or watch on `secrets`. A rule limited to named Secrets (`resourceNames`) is the
 * least-privilege way for a workload to read its own, and reads no other: the RBAC authorizer
 * matches it only for requests that name one of them.
 */
export const rbacNoSecretRead: InputRule = {
  id: 'rbac-no-secret-read',
  title: 'Workloads are not granted read access to Secrets',
  remediation: 'Mount the Secrets the workload needs as files instead of reading them from the API; if it must read one, grant get on that Secret only (resourceNames).',
  level: 'hardened',
  severity: 'high',
  controls: [...cis('5.1.2'), ...nist('4.3.1')],
  edition: 1,
  scope: 'input',
  kinds: ['RoleBinding', 'ClusterRoleBinding'],
  check(context) {
    return checkWorkloadGrants(context, 'read access to Secrets', (rule) => {
      if (rule.resourceNames.length > 0) return undefined;
      const verbs = READ_VERBS.filter((verb) => grants(rule, verb, '', 'secrets'));
      return verbs.length > 0 ? `${verbs.join('/')} on secrets` : undefined;
    });
  },
};
