import type { ObjectRule } from './rule';
import type { KubeObject } from '../model/kube-object';
import { asWritten } from '../model/not-known-yet';
import {
  checkFields, checkStringList, describeType, isFields, isUnknownValue, shapeProblem, stringMap,
  type Expected, type FieldTypes, type ShapeProblem,
} from '../model/pod-view';

/**
 * The cross-object rules (RBAC, NetworkPolicy coverage, namespace labels, service account tokens)
 * read these objects' fields as absent when they have the wrong type: `verbs: get` would grant
 * nothing, `subjects: {...}` would bind no one, `policyTypes: Ingress` would isolate nothing. The API
 * server refuses every such object; this rule turns each field into a finding instead of a pass.
 * It checks exactly the fields those rules read.
 */
export const wellFormedObjects: ObjectRule = {
  id: 'well-formed-objects',
  title: 'RBAC objects, NetworkPolicies, Namespaces and ServiceAccounts have the types Kubernetes expects',
  remediation: 'Fix the field to the type the Kubernetes API expects (see the message); the API server would reject the object, and the RBAC, NetworkPolicy, namespace and service account checks cannot judge it.',
  level: 'hardened',
  severity: 'high',
  controls: [],
  edition: 2,
  scope: 'object',
  kinds: ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding', 'NetworkPolicy', 'Namespace', 'ServiceAccount'],
  check({ object }) {
    // In a Pulumi preview, a string not known yet is still a string: judge the values as written.
    const written = asWritten(object);
    const problems: ShapeProblem[] = [];
    switch (written.kind) {
      case 'Role':
        checkPolicyRules(written.rules, problems);
        break;
      case 'ClusterRole':
        checkPolicyRules(written.rules, problems);
        // Aggregation matches ClusterRoles by their labels.
        checkLabels(written, problems);
        checkAggregationRule(written.aggregationRule, problems);
        break;
      case 'RoleBinding':
      case 'ClusterRoleBinding':
        checkRoleRef(written, problems);
        checkSubjects(written.subjects, problems);
        break;
      case 'NetworkPolicy':
        checkNetworkPolicySpec(written.spec, problems);
        break;
      case 'Namespace':
        checkLabels(written, problems);
        break;
      case 'ServiceAccount':
        checkFields(written, SERVICE_ACCOUNT_FIELDS, '', '', problems);
        break;
    }
    return problems;
  },
};

const SERVICE_ACCOUNT_FIELDS: FieldTypes = new Map<string, Expected>([['automountServiceAccountToken', 'boolean']]);

/** `metadata.labels`: the loader has checked that metadata is an object. */
function checkLabels(object: KubeObject, problems: ShapeProblem[]): void {
  if (isFields(object.metadata)) stringMap(object.metadata.labels, 'metadata', '.labels', problems);
}

/** The string lists of a PolicyRule, each with what one entry is. */
const POLICY_RULE_LISTS: readonly (readonly [string, string])[] = [
  ['apiGroups', 'an API group'], ['resources', 'a resource'], ['resourceNames', 'a resource name'], ['verbs', 'a verb'], ['nonResourceURLs', 'a non-resource URL'],
];

function checkPolicyRules(rules: unknown, problems: ShapeProblem[]): void {
  if (rules === undefined || rules === null) return;
  if (!Array.isArray(rules)) {
    problems.push(shapeProblem('rules', rules, `rules must be a list of PolicyRules (objects with apiGroups, resources and verbs), got ${describeType(rules)}`));
    return;
  }
  for (let i = 0; i < rules.length; i++) {
    const rule: unknown = rules[i];
    if (!isFields(rule)) {
      problems.push(shapeProblem(`rules[${i}]`, rule, `a PolicyRule must be an object (apiGroups, resources and verbs), got ${describeType(rule)}`));
      continue;
    }
    for (const [field, item] of POLICY_RULE_LISTS) checkStringList(rule[field], `rules[${i}].${field}`, field, 'strings', item, problems);
  }
}

function checkAggregationRule(aggregation: unknown, problems: ShapeProblem[]): void {
  if (aggregation === undefined || aggregation === null) return;
  if (!isFields(aggregation)) {
    problems.push(shapeProblem('aggregationRule', aggregation, `aggregationRule must be an object (clusterRoleSelectors), got ${describeType(aggregation)}`));
    return;
  }
  const selectors = aggregation.clusterRoleSelectors;
  if (selectors === undefined || selectors === null) return;
  if (!Array.isArray(selectors)) {
    problems.push(shapeProblem('aggregationRule.clusterRoleSelectors', selectors, `clusterRoleSelectors must be a list of label selectors, got ${describeType(selectors)}`));
    return;
  }
  for (let i = 0; i < selectors.length; i++) checkSelector(selectors[i], `aggregationRule.clusterRoleSelectors[${i}]`, problems);
}

const ROLE_REF_FIELDS: FieldTypes = new Map<string, Expected>([['apiGroup', 'string'], ['kind', 'string'], ['name', 'string']]);

function checkRoleRef(binding: KubeObject, problems: ShapeProblem[]): void {
  const ref = binding.roleRef;
  if (!isFields(ref)) {
    problems.push(shapeProblem('roleRef', ref, `roleRef must be an object naming the role (apiGroup, kind and name), got ${describeType(ref)}`));
    return;
  }
  checkFields(ref, ROLE_REF_FIELDS, 'roleRef', '', problems);
  // The checks read a binding without a role kind or name as granting nothing.
  const kinds = binding.kind === 'ClusterRoleBinding' ? ['ClusterRole'] : ['Role', 'ClusterRole'];
  checkOneOf(ref.kind, 'roleRef.kind', kinds, problems);
  if (ref.name === undefined || ref.name === null) problems.push({ path: 'roleRef.name', message: `name must be a string, got ${describeType(ref.name)}` });
}

const SUBJECT_FIELDS: FieldTypes = new Map<string, Expected>([['apiGroup', 'string'], ['kind', 'string'], ['name', 'string'], ['namespace', 'string']]);
const SUBJECT_KINDS = ['ServiceAccount', 'User', 'Group'];

function checkSubjects(subjects: unknown, problems: ShapeProblem[]): void {
  if (subjects === undefined || subjects === null) return;
  if (!Array.isArray(subjects)) {
    problems.push(shapeProblem('subjects', subjects, `subjects must be a list of subjects (objects with kind, name and namespace), got ${describeType(subjects)}`));
    return;
  }
  for (let i = 0; i < subjects.length; i++) {
    const subject: unknown = subjects[i];
    const path = `subjects[${i}]`;
    if (!isFields(subject)) {
      problems.push(shapeProblem(path, subject, `a subject must be an object (kind, name and namespace), got ${describeType(subject)}`));
      continue;
    }
    checkFields(subject, SUBJECT_FIELDS, path, '', problems);
    // A subject of another kind, or without a name, is no workload to the checks: a silent pass.
    checkOneOf(subject.kind, `${path}.kind`, SUBJECT_KINDS, problems);
    if (subject.name === undefined || subject.name === null) problems.push({ path: `${path}.name`, message: `name must be a string, got ${describeType(subject.name)}` });
  }
}

/** A field that must hold one of a few strings (an enum of the API); a wrong type is reported by {@link checkFields}. */
function checkOneOf(value: unknown, path: string, allowed: readonly string[], problems: ShapeProblem[]): void {
  if (isUnknownValue(value) || allowed.includes(value as string) || (value !== undefined && value !== null && typeof value !== 'string')) return;
  problems.push({ path, message: `${path.slice(path.lastIndexOf('.') + 1)} must be ${oneOf(allowed)}, got ${describeType(value)}` });
}

/** `"A"`, `"A" or "B"`, `"A", "B" or "C"`. */
function oneOf(values: readonly string[]): string {
  const quoted = values.map((v) => JSON.stringify(v));
  return quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}`;
}

const POLICY_TYPES = ['Ingress', 'Egress'];
/** A NetworkPolicy's rule lists, each with the field holding its peers. */
const RULE_PEERS: readonly (readonly [string, string])[] = [['ingress', 'from'], ['egress', 'to']];
const IP_BLOCK_FIELDS: FieldTypes = new Map<string, Expected>([['cidr', 'string'], ['except', 'array']]);

function checkNetworkPolicySpec(spec: unknown, problems: ShapeProblem[]): void {
  if (spec === undefined || spec === null) return;
  if (!isFields(spec)) {
    problems.push(shapeProblem('spec', spec, `spec must be an object (podSelector, policyTypes, ingress and egress), got ${describeType(spec)}`));
    return;
  }
  checkSelector(spec.podSelector, 'spec.podSelector', problems);
  const types = spec.policyTypes;
  if (types !== undefined && types !== null) {
    if (!Array.isArray(types)) {
      problems.push(shapeProblem('spec.policyTypes', types, `policyTypes must be a list of "Ingress" and "Egress", got ${describeType(types)}`));
    } else {
      for (let i = 0; i < types.length; i++) if (!isUnknownValue(types[i]) && !POLICY_TYPES.includes(types[i])) problems.push({ path: `spec.policyTypes[${i}]`, message: `a policy type must be "Ingress" or "Egress", got ${describeType(types[i])}` });
    }
  }
  for (const [field, peersField] of RULE_PEERS) {
    const rules = spec[field];
    if (rules === undefined || rules === null) continue;
    const path = `spec.${field}`;
    if (!Array.isArray(rules)) {
      problems.push(shapeProblem(path, rules, `${field} must be a list of rules (objects with ${peersField} and ports), got ${describeType(rules)}`));
      continue;
    }
    for (let i = 0; i < rules.length; i++) {
      const rule: unknown = rules[i];
      // The API server reads a null rule as an empty one, which allows all traffic.
      if (rule === null) continue;
      if (!isFields(rule)) {
        problems.push(shapeProblem(`${path}[${i}]`, rule, `a NetworkPolicy ${field} rule must be an object (${peersField} and ports), got ${describeType(rule)}`));
        continue;
      }
      checkPeers(rule[peersField], `${path}[${i}].${peersField}`, peersField, problems);
      const ports = rule.ports;
      if (Array.isArray(ports)) {
        // A null port is read as an empty one: every port (of TCP).
        for (let j = 0; j < ports.length; j++) {
          if (ports[j] !== null && !isFields(ports[j])) problems.push(shapeProblem(`${path}[${i}].ports[${j}]`, ports[j], `a port must be an object (protocol and port), got ${describeType(ports[j])}`));
        }
      } else if (ports !== undefined && ports !== null) {
        problems.push(shapeProblem(`${path}[${i}].ports`, ports, `ports must be a list of ports (objects with protocol and port), got ${describeType(ports)}`));
      }
    }
  }
}

function checkPeers(peers: unknown, path: string, field: string, problems: ShapeProblem[]): void {
  if (peers === undefined || peers === null) return;
  if (!Array.isArray(peers)) {
    problems.push(shapeProblem(path, peers, `${field} must be a list of peers (objects with podSelector, namespaceSelector or ipBlock), got ${describeType(peers)}`));
    return;
  }
  for (let i = 0; i < peers.length; i++) {
    const peer: unknown = peers[i];
    if (!isFields(peer)) {
      problems.push(shapeProblem(`${path}[${i}]`, peer, `a peer must be an object (podSelector, namespaceSelector or ipBlock), got ${describeType(peer)}`));
      continue;
    }
    const block = peer.ipBlock;
    if (block === undefined || block === null) continue;
    if (!isFields(block)) {
      problems.push(shapeProblem(`${path}[${i}].ipBlock`, block, `ipBlock must be an object (cidr and except), got ${describeType(block)}`));
      continue;
    }
    checkFields(block, IP_BLOCK_FIELDS, `${path}[${i}]`, '.ipBlock', problems);
    if (Array.isArray(block.except)) checkStringList(block.except, `${path}[${i}].ipBlock.except`, 'except', 'CIDRs', 'a CIDR', problems);
  }
}

const REQUIREMENT_FIELDS: FieldTypes = new Map<string, Expected>([['key', 'string'], ['operator', 'string'], ['values', 'array']]);
const OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

/**
 * A label selector (`matchLabels`, `matchExpressions`). The checks read a malformed one as selecting
 * nothing (`selectorMatches`), as the API server refuses an object holding it: each way it can be
 * malformed is a finding here. A null selector is an empty one, which selects everything.
 */
function checkSelector(selector: unknown, path: string, problems: ShapeProblem[]): void {
  if (selector === undefined || selector === null) return;
  if (!isFields(selector)) {
    problems.push(shapeProblem(path, selector, `a label selector must be an object (matchLabels and matchExpressions), got ${describeType(selector)}`));
    return;
  }
  stringMap(selector.matchLabels, path, '.matchLabels', problems);
  const expressions = selector.matchExpressions;
  if (expressions === undefined || expressions === null) return;
  if (!Array.isArray(expressions)) {
    problems.push(shapeProblem(`${path}.matchExpressions`, expressions, `matchExpressions must be a list of requirements (objects with key, operator and values), got ${describeType(expressions)}`));
    return;
  }
  for (let i = 0; i < expressions.length; i++) {
    const expression: unknown = expressions[i];
    const at = `${path}.matchExpressions[${i}]`;
    if (!isFields(expression)) {
      problems.push(shapeProblem(at, expression, `a requirement must be an object (key, operator and values), got ${describeType(expression)}`));
      continue;
    }
    checkFields(expression, REQUIREMENT_FIELDS, at, '', problems);
    if (expression.key === undefined || expression.key === null) problems.push({ path: `${at}.key`, message: `key must be a string, got ${describeType(expression.key)}` });
    checkOneOf(expression.operator, `${at}.operator`, OPERATORS, problems);
    const values = expression.values;
    if (Array.isArray(values)) checkStringList(values, `${at}.values`, 'values', 'strings', 'a value', problems);
    else if (values !== undefined && values !== null) continue;
    // The API server requires values for In and NotIn and refuses them for Exists and DoesNotExist.
    const operator = expression.operator;
    const count = Array.isArray(values) ? values.length : 0;
    if ((operator === 'In' || operator === 'NotIn') && count === 0) problems.push({ path: `${at}.values`, message: `values must be a list of at least one value with operator ${operator}, got ${Array.isArray(values) ? 'an empty list' : describeType(values)}` });
    if ((operator === 'Exists' || operator === 'DoesNotExist') && count > 0) problems.push({ path: `${at}.values`, message: `values must be empty with operator ${operator}, got ${count} value${count === 1 ? '' : 's'}` });
  }
}
