import type { ObjectRule, Violation } from './rule';
import { grants, isKubernetesObject, policyRulesOf, type PolicyRuleView } from './support/hardened';
import { cis, nist } from './support/pss';

/** Verbs that let a subject grant itself more than it has. */
const ESCALATING: readonly { verb: string; group: string; resources: readonly string[] }[] = [
  { verb: 'bind', group: 'rbac.authorization.k8s.io', resources: ['roles', 'clusterroles'] },
  { verb: 'escalate', group: 'rbac.authorization.k8s.io', resources: ['roles', 'clusterroles'] },
  { verb: 'impersonate', group: '', resources: ['users', 'groups', 'serviceaccounts'] },
  { verb: 'impersonate', group: 'authentication.k8s.io', resources: ['userextras/scopes', 'uids'] },
];

/**
 * The API server authorizes impersonating each user extra as `userextras/<key>`, for any key: the
 * extras a rule may grant are those its own `userextras/<key>` and `*\/<key>` resources name
 * (`*` is caught by `userextras/scopes` above).
 */
function userExtrasNamedBy(rule: PolicyRuleView): string[] {
  const out: string[] = [];
  for (let i = 0; i < rule.resources.length; i++) {
    const resource = rule.resources[i];
    if (resource.startsWith('userextras/')) out.push(resource);
    else if (resource.startsWith('*/')) out.push(`userextras/${resource.slice(2)}`);
  }
  return out;
}

/** bind, escalate and impersonate bypass RBAC's own guard against granting more than one holds. */
export const rbacNoEscalate: ObjectRule = {
  id: 'rbac-no-escalate',
  title: 'Roles grant no bind, escalate or impersonate',
  remediation: 'Remove the bind, escalate and impersonate verbs; let an administrator create the bindings the application needs.',
  level: 'hardened',
  severity: 'high',
  controls: [...cis('5.1.8'), ...nist('4.3.1')],
  edition: 1,
  scope: 'object',
  kinds: ['Role', 'ClusterRole'],
  check({ object }) {
    // A kind of that name in another group (an OpenShift authorization.openshift.io one) has its own schema and meaning.
    if (!isKubernetesObject(object)) return 'not-applicable';
    const violations: Violation[] = [];
    for (const rule of policyRulesOf(object)) {
      const found = new Set<string>();
      for (const e of ESCALATING) for (const resource of e.resources) if (grants(rule, e.verb, e.group, resource)) found.add(`${e.verb} on ${resource}`);
      for (const resource of userExtrasNamedBy(rule)) if (grants(rule, 'impersonate', 'authentication.k8s.io', resource)) found.add(`impersonate on ${resource}`);
      if (found.size > 0) violations.push({ path: `${rule.path}.verbs`, message: `${object.kind} rule ${rule.path} grants ${[...found].join(', ')}` });
    }
    return violations;
  },
};
