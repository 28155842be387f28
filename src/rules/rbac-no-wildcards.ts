import type { ObjectRule, Violation } from './rule';
import { isKubernetesObject, policyRulesOf } from './support/hardened';
import { cis, nist } from './support/pss';

/**
 * A wildcard grants whatever is added later too (new resources, CRDs, subresources such as
 * `pods/exec`): list what is needed instead.
 */
export const rbacNoWildcards: ObjectRule = {
  id: 'rbac-no-wildcards',
  title: 'Roles grant no wildcard verbs, resources or API groups',
  remediation: 'Replace "*" in verbs, resources, apiGroups and nonResourceURLs with the exact names the subject needs.',
  level: 'hardened',
  severity: 'high',
  controls: [...cis('5.1.3'), ...nist('4.3.1')],
  edition: 1,
  scope: 'object',
  kinds: ['Role', 'ClusterRole'],
  check({ object }) {
    // A kind of that name in another group (an OpenShift authorization.openshift.io one) has its own schema and meaning.
    if (!isKubernetesObject(object)) return 'not-applicable';
    const violations: Violation[] = [];
    for (const rule of policyRulesOf(object)) {
      const fields: [string, readonly string[], (v: string) => boolean][] = [
        ['verbs', rule.verbs, (v) => v === '*'],
        ['apiGroups', rule.apiGroups, (v) => v === '*'],
        // `pods/*` and `*/scale` are wildcards too.
        ['resources', rule.resources, (v) => v.includes('*')],
        // The authorizer reads a trailing `*` as a prefix wildcard: `/api/*` grants every URL under /api/.
        ['nonResourceURLs', rule.nonResourceURLs, (v) => v.endsWith('*')],
      ];
      for (const [field, values, isWildcard] of fields) {
        const index = values.findIndex(isWildcard);
        if (index >= 0) violations.push({ path: `${rule.path}.${field}`, message: `${object.kind} rule ${rule.path} uses the wildcard ${JSON.stringify(values[index])} in ${field}` });
      }
    }
    return violations;
  },
};
