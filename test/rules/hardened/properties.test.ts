import fc from 'fast-check';
import { deployment, namespaceObject, networkPolicyObject, serviceAccount } from './context';
import { evaluate } from '../../../src/engine/evaluate';
import type { KubeObject } from '../../../src/model/kube-object';
import { UNKNOWN_VALUE } from '../../../src/model/pod-view';
import { RULES } from '../../../src/rules/catalogue';
import { PREVIEW_SOURCE } from '../../engine/helpers';

/**
 * Property-based: whatever shape the fields the hardened rules read have (wrong types, unknown
 * values, missing pieces), a hardened rule never throws (an `error` finding), it judges.
 */

const HARDENED = new Set(RULES.filter((r) => r.level === 'hardened').map((r) => r.id));
const anyValue = fc.oneof(fc.anything({ maxDepth: 3 }), fc.constant(UNKNOWN_VALUE), fc.constant(null), fc.constant('*'));
const fieldsOf = (keys: string[]) => fc.dictionary(fc.constantFrom(...keys), anyValue, { maxKeys: keys.length });
const listOrAnything = (item: fc.Arbitrary<unknown>) => fc.oneof(anyValue, fc.array(fc.oneof(item, anyValue), { maxLength: 3 }));

const CONTAINER_KEYS = ['image', 'env', 'envFrom', 'resources', 'readinessProbe', 'livenessProbe', 'securityContext'];
const POD_KEYS = ['serviceAccountName', 'serviceAccount', 'automountServiceAccountToken', 'restartPolicy'];
const selector = fc.oneof(anyValue, fc.record({ matchLabels: anyValue, matchExpressions: listOrAnything(fieldsOf(['key', 'operator', 'values'])) }, { requiredKeys: [] }));
const policyRule = fieldsOf(['verbs', 'apiGroups', 'resources', 'resourceNames', 'nonResourceURLs']);

const wildDeployment = fc.record({ container: fieldsOf(CONTAINER_KEYS), pod: fieldsOf(POD_KEYS), namespace: fc.oneof(fc.constant(null), fc.constantFrom('shop', 'default')) })
  .map(({ container, pod, namespace }) => deployment({ container, pod, namespace }));
const wildPolicy = fc.record({ podSelector: selector, policyTypes: anyValue, ingress: listOrAnything(fieldsOf(['from', 'ports'])), egress: listOrAnything(fieldsOf(['to', 'ports'])) }, { requiredKeys: [] })
  .map((spec) => networkPolicyObject(spec as Record<string, unknown>));
const wildRole = fc.record({ kind: fc.constantFrom('Role', 'ClusterRole'), rules: listOrAnything(policyRule), aggregationRule: fc.oneof(fc.constant(undefined), anyValue, fc.record({ clusterRoleSelectors: listOrAnything(selector) })) })
  .map(({ kind, rules, aggregationRule }): KubeObject => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind, metadata: { name: 'r', namespace: 'shop' }, rules, ...(aggregationRule === undefined ? {} : { aggregationRule }) }));
const wildBinding = fc.record({ kind: fc.constantFrom('RoleBinding', 'ClusterRoleBinding'), roleRef: fc.oneof(anyValue, fc.record({ kind: fc.constantFrom('Role', 'ClusterRole', 'Other'), name: fc.constantFrom('r', 'cluster-admin', 'edit') })), subjects: listOrAnything(fc.record({ kind: fc.constantFrom('ServiceAccount', 'Group', 'User'), name: fc.constantFrom('web', 'system:serviceaccounts', 'alice'), namespace: anyValue }, { requiredKeys: [] })) })
  .map(({ kind, roleRef, subjects }): KubeObject => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind, metadata: { name: 'b', namespace: 'shop' }, roleRef, subjects }));
const wildServiceAccount = fieldsOf(['automountServiceAccountToken']).map((extra) => serviceAccount('web', 'shop', extra));
const wildNamespace = fc.oneof(anyValue, fc.dictionary(fc.constantFrom('pod-security.kubernetes.io/enforce', 'x'), anyValue)).map((labels) => ({ ...namespaceObject(), metadata: { name: 'shop', labels } }) as KubeObject);

describe('hardened rules on any shape', () => {
  it('never throw: every finding is a judgement, none an error', () => {
    fc.assert(fc.property(
      fc.array(fc.oneof(wildDeployment, wildPolicy, wildRole, wildBinding, wildServiceAccount, wildNamespace), { minLength: 1, maxLength: 6 }),
      fc.constantFrom({}, { complete: true }, { networkPolicies: [] }),
      (objects, cluster) => {
        const report = evaluate(objects.map((object, i) => ({ object, source: { ...PREVIEW_SOURCE, documentIndex: i } })), { cluster, hardened: { allowedRegistries: ['registry.example.com'] } });
        const errors = report.findings.filter((f) => f.outcome === 'error' && HARDENED.has(f.rule));
        expect(errors).toEqual([]);
      },
    ), { numRuns: 300 });
  });
});
