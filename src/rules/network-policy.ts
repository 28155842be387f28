import type { InputRule, Violation } from './rule';
import type { KubeObject } from '../model/kube-object';
import { isFields } from '../model/pod-view';
import { clusterObjects, describeNamespace, nameOf, namespaceOf, selectorMatches } from './support/hardened';
import { cis, get, nist } from './support/pss';

type Direction = 'Ingress' | 'Egress';
const DIRECTIONS: readonly Direction[] = ['Ingress', 'Egress'];

/**
 * A pod no NetworkPolicy selects accepts and opens any connection. A pod is isolated in a
 * direction once any policy with that policy type selects it (default deny, then the union of the
 * policies' rules is allowed), unless one of those policies allows everything in that direction.
 */
export const networkPolicy: InputRule = {
  id: 'network-policy',
  title: 'Pods are isolated by NetworkPolicies for ingress and egress',
  remediation: 'Add a default-deny NetworkPolicy to the namespace (podSelector: {}, policyTypes: [Ingress, Egress]) and allow only the traffic the workload needs; declare platform-owned policies in the config\'s cluster.networkPolicies (without a namespace for one the platform installs in every namespace).',
  level: 'hardened',
  severity: 'medium',
  controls: [...cis('5.3.2'), ...nist('4.3.3', '4.4.2')],
  edition: 1,
  scope: 'input',
  check(context) {
    if (context.pods.length === 0) return 'not-applicable';
    const namespace = namespaceOf(context.object);
    // A platform policy declared without a namespace stands for one installed in every namespace.
    const policies = [
      ...context.input.byKind('NetworkPolicy').filter((p) => namespaceOf(p) === namespace),
      ...clusterObjects(context.cluster, 'NetworkPolicy').filter((p) => namespaceOf(p) === undefined || namespaceOf(p) === namespace),
    ];
    // The platform's policies are known when it declares them (even as an empty list).
    const policiesKnown = context.cluster.complete === true || context.cluster.networkPolicies !== undefined;
    const violations: Violation[] = [];
    for (const pod of context.pods) {
      const selecting = policies.filter((p) => selectorMatches(get(p.spec, 'podSelector'), pod.labels));
      const unisolated: Direction[] = [];
      for (const direction of DIRECTIONS) {
        const isolating = selecting.filter((p) => policyTypesOf(p).includes(direction));
        if (isolating.length === 0) {
          unisolated.push(direction);
          continue;
        }
        // Policies add up: one rule that allows everything opens the direction whatever the others say.
        const open = isolating.find((p) => allowsAll(p, direction));
        if (open) violations.push({ path: `${pod.metadataPath}.labels`, message: `NetworkPolicy ${JSON.stringify(nameOf(open))} selects the pod but allows all ${direction.toLowerCase()} traffic` });
      }
      if (unisolated.length === 0) continue;
      const what = `no NetworkPolicy in ${describeNamespace(namespace)} selects the pod for ${unisolated.join(' and ')}, so that traffic is not denied by default`;
      violations.push(policiesKnown
        ? { path: `${pod.metadataPath}.labels`, message: what }
        : { path: `${pod.metadataPath}.labels`, message: `${what} as far as this input shows; policies the platform owns are not known (declare them in cluster.networkPolicies)`, unknown: true });
    }
    return violations;
  },
};

/** `spec.policyTypes`, or what the API server defaults it to: Ingress, plus Egress when egress rules exist. */
function policyTypesOf(policy: KubeObject): readonly string[] {
  const types = get(policy.spec, 'policyTypes');
  if (Array.isArray(types)) return types.filter((t): t is string => typeof t === 'string');
  return get(policy.spec, 'egress') !== undefined ? ['Ingress', 'Egress'] : ['Ingress'];
}

/** A rule with no peers (or an all-addresses ipBlock) and no ports allows everything. */
function allowsAll(policy: KubeObject, direction: Direction): boolean {
  const rules = get(policy.spec, direction === 'Ingress' ? 'ingress' : 'egress');
  if (!Array.isArray(rules)) return false;
  const peersKey = direction === 'Ingress' ? 'from' : 'to';
  return rules.some((rule: unknown) => {
    if (!isFields(rule)) return false;
    const ports = rule.ports;
    if (Array.isArray(ports) && ports.length > 0) return false;
    const peers = rule[peersKey];
    if (!Array.isArray(peers) || peers.length === 0) return true;
    return peers.some(isEverywhere);
  });
}

function isEverywhere(peer: unknown): boolean {
  const block = get(peer, 'ipBlock');
  const cidr = get(block, 'cidr');
  const except = get(block, 'except');
  return (cidr === '0.0.0.0/0' || cidr === '::/0') && (!Array.isArray(except) || except.length === 0);
}
