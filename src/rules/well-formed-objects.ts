import type { ObjectRule } from './rule';
import { isPortNumber } from '../model/api-integers';
import { isDnsSubdomain, isInsideCidr, isLabelValue, isPortName, qualifiedNameProblem, refusedCidrProblem } from '../model/api-values';
import type { KubeObject } from '../model/kube-object';
import { limitRangeProblems } from '../model/limit-range';
import { asWritten } from '../model/not-known-yet';
import {
  checkFields, checkStringList, describeType, isFields, isUnknownValue, objectItems, shapeProblem, stringMap,
  type Expected, type FieldTypes, type ObjectList, type ShapeProblem,
} from '../model/pod-view';
import { isKubernetesObject } from './support/hardened';

/**
 * The cross-object rules (RBAC, NetworkPolicy coverage, namespace labels, service account tokens,
 * LimitRange defaults) read these objects' fields as absent when they have the wrong type: `verbs:
 * get` would grant nothing, `subjects: {...}` would bind no one, `policyTypes: Ingress` would isolate
 * nothing. The API server refuses every such object, and every object with a value it refuses in
 * those fields (a rule without verbs, a peer without a selector, a port out of range, a LimitRange
 * default above its max): an object that is never created isolates no pod, names no one and writes
 * no defaults. This rule turns each such field into a finding instead of a pass.
 */
export const wellFormedObjects: ObjectRule = {
  id: 'well-formed-objects',
  title: 'RBAC objects, NetworkPolicies, Namespaces, ServiceAccounts and LimitRanges have the types and values Kubernetes accepts',
  remediation: 'Fix the field to the type and value the Kubernetes API accepts (see the message); the API server would reject the object, and the RBAC, NetworkPolicy, namespace, service account and resources checks cannot judge it (a LimitRange the server refuses gives no container its defaults).',
  level: 'hardened',
  severity: 'high',
  controls: [],
  edition: 2,
  scope: 'object',
  kinds: ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding', 'NetworkPolicy', 'Namespace', 'ServiceAccount', 'LimitRange'],
  check({ object, minor }) {
    // A kind of that name in another group (a Calico NetworkPolicy) has its own schema, which its own API server judges.
    if (!isKubernetesObject(object, minor)) return 'not-applicable';
    // In a Pulumi preview, a string not known yet is still a string: judge the values as written.
    return wellFormedObjectProblems(asWritten(object), minor);
  },
};

/**
 * What the API server would refuse in the fields of `object` that the cross-object rules read (none
 * for other kinds, or a kind of that name in another API group). Also what the config refuses in the
 * objects its cluster context declares.
 * @param minor the Kubernetes minor, which decides the API groups a kind is served in. @default the newest
 * @internal
 */
export function wellFormedObjectProblems(written: KubeObject, minor?: number): ShapeProblem[] {
  const problems: ShapeProblem[] = [];
  if (!isKubernetesObject(written, minor)) return problems;
  switch (written.kind) {
    case 'Role':
      checkPolicyRules(written.rules, true, problems);
      break;
    case 'ClusterRole':
      checkPolicyRules(written.rules, false, problems);
      // Aggregation matches ClusterRoles by their labels.
      checkLabels(written, problems);
      checkAggregationRule(written.aggregationRule, problems);
      break;
    case 'RoleBinding':
    case 'ClusterRoleBinding':
      checkRoleRef(written, problems);
      checkSubjects(written.subjects, written.kind === 'ClusterRoleBinding', problems);
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
    case 'LimitRange':
      problems.push(...limitRangeProblems(written));
      break;
  }
  return problems;
}

const SERVICE_ACCOUNT_FIELDS: FieldTypes = new Map<string, Expected>([['automountServiceAccountToken', 'boolean']]);

/** `metadata.labels`: the loader has checked that metadata is an object. */
function checkLabels(object: KubeObject, problems: ShapeProblem[]): void {
  if (isFields(object.metadata)) checkLabelMap(object.metadata.labels, 'metadata', '.labels', problems);
}

/** A map of labels (`metadata.labels`, a selector's `matchLabels`): strings, and keys and values the API server accepts. */
function checkLabelMap(value: unknown, base: string, suffix: string, problems: ShapeProblem[]): void {
  const labels = stringMap(value, base, suffix, problems);
  for (const key in labels) {
    const v = labels[key];
    const path = `${base}${suffix}.${key}`;
    const keyMessage = labelKeyMessage(key);
    if (keyMessage) problems.push({ path, message: keyMessage });
    else if (typeof v === 'string' && !isUnknownValue(v) && !isLabelValue(v)) problems.push({ path, message: labelValueMessage(v) });
  }
}

/** Why `key` is not a label key the API server accepts, or undefined when it is one. */
function labelKeyMessage(key: string): string | undefined {
  const problem = key === '' ? 'it is empty' : qualifiedNameProblem(key);
  return problem === undefined ? undefined : `${JSON.stringify(key)} is not a label key: ${problem}`;
}

function labelValueMessage(value: string): string {
  return `${JSON.stringify(value)} is not a label value: at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit (or empty)`;
}

/** Entries of a list field, or undefined when it is of another type or not known yet (reported elsewhere, or judged later). */
function entries(value: unknown): number | undefined {
  if (value === undefined || value === null) return 0;
  return Array.isArray(value) ? value.length : undefined;
}

/** The string lists of a PolicyRule, each with what one entry is. */
const POLICY_RULE_LISTS: readonly (readonly [string, string])[] = [
  ['apiGroups', 'an API group'], ['resources', 'a resource'], ['resourceNames', 'a resource name'], ['verbs', 'a verb'], ['nonResourceURLs', 'a non-resource URL'],
];

const POLICY_RULES: ObjectList = { field: 'rules', plural: 'PolicyRules', singular: 'a PolicyRule', fields: 'apiGroups, resources and verbs' };

function checkPolicyRules(rules: unknown, namespaced: boolean, problems: ShapeProblem[]): void {
  for (const [rule, at] of objectItems(rules, 'rules', POLICY_RULES, problems)) {
    for (const [field, item] of POLICY_RULE_LISTS) checkStringList(rule[field], `${at}.${field}`, field, 'strings', item, problems);
    checkPolicyRuleLists(rule, at, namespaced, problems);
  }
}

/** Which lists a PolicyRule must have, as the API server validates it; a rule that grants nothing is a typo. */
function checkPolicyRuleLists(rule: Record<string, unknown>, path: string, namespaced: boolean, problems: ShapeProblem[]): void {
  const count = (field: string): number | undefined => entries(rule[field]);
  const describe = (field: string): string => (Array.isArray(rule[field]) ? 'an empty list' : describeType(rule[field]));
  if (count('verbs') === 0) problems.push({ path: `${path}.verbs`, message: `verbs must list at least one verb (such as get), got ${describe('verbs')}` });
  const urls = count('nonResourceURLs');
  if (urls === undefined) return;
  if (urls > 0) {
    if (namespaced) {
      problems.push({ path: `${path}.nonResourceURLs`, message: 'a Role cannot grant nonResourceURLs, which are not namespaced: grant them in a ClusterRole' });
    }
    const mixed = ['apiGroups', 'resources', 'resourceNames'].filter((field) => (count(field) ?? 0) > 0);
    if (mixed.length > 0) {
      problems.push({ path: `${path}.nonResourceURLs`, message: `a rule cannot grant both nonResourceURLs and resources (it has ${mixed.join(', ')}): write one rule for each` });
    }
    return;
  }
  if (count('apiGroups') === 0) {
    problems.push({ path: `${path}.apiGroups`, message: `apiGroups must list at least one API group ("" for the core group) in a rule for resources, got ${describe('apiGroups')}` });
  }
  if (count('resources') === 0) {
    problems.push({ path: `${path}.resources`, message: `resources must list at least one resource (such as pods) in a rule for resources, got ${describe('resources')}` });
  }
}

function checkAggregationRule(aggregation: unknown, problems: ShapeProblem[]): void {
  if (aggregation === undefined || aggregation === null) return;
  if (!isFields(aggregation)) {
    problems.push(shapeProblem('aggregationRule', aggregation, `aggregationRule must be an object (clusterRoleSelectors), got ${describeType(aggregation)}`));
    return;
  }
  const selectors = aggregation.clusterRoleSelectors;
  if (entries(selectors) === 0) {
    const got = Array.isArray(selectors) ? 'an empty list' : describeType(selectors);
    problems.push({ path: 'aggregationRule.clusterRoleSelectors', message: `clusterRoleSelectors must list at least one label selector when aggregationRule is set, got ${got}` });
    return;
  }
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
  checkRbacGroup(ref.apiGroup, 'roleRef.apiGroup', problems);
  checkName(ref.name, 'roleRef.name', problems);
  // The role's name is a path segment of its URL.
  const name = ref.name;
  if (typeof name === 'string' && !isUnknownValue(name) && (name === '.' || name === '..' || /[/%]/.test(name))) {
    problems.push({ path: 'roleRef.name', message: `${JSON.stringify(name)} is no role name: a name cannot be "." or ".." or contain "/" or "%"` });
  }
}

const RBAC_GROUP = 'rbac.authorization.k8s.io';

/** An apiGroup that must be the RBAC group; the API server fills it in when it is empty or absent. */
function checkRbacGroup(group: unknown, path: string, problems: ShapeProblem[]): void {
  if (typeof group !== 'string' || group === '' || group === RBAC_GROUP || isUnknownValue(group)) return;
  problems.push({ path, message: `apiGroup must be "${RBAC_GROUP}" (or absent), got ${describeType(group)}` });
}

/** A name the API server requires: a string, not empty. */
function checkName(name: unknown, path: string, problems: ShapeProblem[]): void {
  if (name === undefined || name === null || name === '') problems.push({ path, message: `name must be a non-empty string, got ${describeType(name)}` });
}

const SUBJECT_FIELDS: FieldTypes = new Map<string, Expected>([['apiGroup', 'string'], ['kind', 'string'], ['name', 'string'], ['namespace', 'string']]);
const SUBJECT_KINDS = ['ServiceAccount', 'User', 'Group'];

const SUBJECTS: ObjectList = { field: 'subjects', plural: 'subjects', singular: 'a subject', fields: 'kind, name and namespace' };

function checkSubjects(subjects: unknown, clusterWide: boolean, problems: ShapeProblem[]): void {
  for (const [subject, path] of objectItems(subjects, 'subjects', SUBJECTS, problems)) {
    checkFields(subject, SUBJECT_FIELDS, path, '', problems);
    // A subject of another kind, or without a name, is no workload to the checks: a silent pass.
    checkOneOf(subject.kind, `${path}.kind`, SUBJECT_KINDS, problems);
    checkName(subject.name, `${path}.name`, problems);
    if (subject.kind === 'ServiceAccount') checkServiceAccountSubject(subject, path, clusterWide, problems);
    else if (subject.kind === 'User' || subject.kind === 'Group') checkRbacGroup(subject.apiGroup, `${path}.apiGroup`, problems);
  }
}

function checkServiceAccountSubject(subject: Record<string, unknown>, path: string, clusterWide: boolean, problems: ShapeProblem[]): void {
  const { name, apiGroup, namespace } = subject;
  if (typeof name === 'string' && name !== '' && !isUnknownValue(name) && !isDnsSubdomain(name)) {
    problems.push({ path: `${path}.name`, message: `${JSON.stringify(name)} is no ServiceAccount name: a DNS subdomain (lowercase letters, digits, "-" and ".", at most 253 characters)` });
  }
  if (typeof apiGroup === 'string' && apiGroup !== '' && !isUnknownValue(apiGroup)) {
    problems.push({ path: `${path}.apiGroup`, message: `apiGroup of a ServiceAccount subject must be "" (the core group) or absent, got ${describeType(apiGroup)}` });
  }
  // A RoleBinding's ServiceAccount without a namespace is in the binding's namespace; a ClusterRoleBinding has none.
  if (clusterWide && (namespace === undefined || namespace === null || namespace === '')) {
    problems.push({ path: `${path}.namespace`, message: `namespace of a ServiceAccount subject of a ClusterRoleBinding must be a non-empty string, got ${describeType(namespace)}` });
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
      if (types.length > 2) problems.push({ path: 'spec.policyTypes', message: `policyTypes must list at most two types ("Ingress" and "Egress"), got ${types.length}` });
    }
  }
  for (const [field, peersField] of RULE_PEERS) {
    // The API server reads a null rule as an empty one, which allows all traffic.
    const rules: ObjectList = { field, plural: 'rules', singular: `a NetworkPolicy ${field} rule`, fields: `${peersField} and ports`, nullIsEmpty: true };
    for (const [rule, at] of objectItems(spec[field], `spec.${field}`, rules, problems)) {
      checkPeers(rule[peersField], `${at}.${peersField}`, peersField, problems);
      for (const [port, portAt] of objectItems(rule.ports, `${at}.ports`, POLICY_PORTS, problems)) checkPolicyPort(port, portAt, problems);
    }
  }
}

/** A null port is read as an empty one: every port (of TCP). */
const POLICY_PORTS: ObjectList = { field: 'ports', plural: 'ports', singular: 'a port', fields: 'protocol and port', nullIsEmpty: true };

function checkPeers(peers: unknown, path: string, field: string, problems: ShapeProblem[]): void {
  const list: ObjectList = { field, plural: 'peers', singular: 'a peer', fields: 'podSelector, namespaceSelector or ipBlock' };
  for (const [peer, at] of objectItems(peers, path, list, problems)) {
    checkSelector(peer.podSelector, `${at}.podSelector`, problems);
    checkSelector(peer.namespaceSelector, `${at}.namespaceSelector`, problems);
    const block = peer.ipBlock;
    const given = (key: string): boolean => peer[key] !== undefined && peer[key] !== null;
    if (!given('podSelector') && !given('namespaceSelector') && !given('ipBlock')) {
      problems.push({ path: at, message: 'a peer must have a podSelector, a namespaceSelector or an ipBlock, got none: write podSelector: {} for every pod of the namespace' });
    } else if (given('ipBlock') && (given('podSelector') || given('namespaceSelector'))) {
      problems.push({ path: at, message: 'a peer with an ipBlock cannot also have a podSelector or namespaceSelector: write them as two peers' });
    }
    if (block === undefined || block === null) continue;
    if (!isFields(block)) {
      problems.push(shapeProblem(`${at}.ipBlock`, block, `ipBlock must be an object (cidr and except), got ${describeType(block)}`));
      continue;
    }
    checkFields(block, IP_BLOCK_FIELDS, at, '.ipBlock', problems);
    checkIpBlock(block, `${at}.ipBlock`, problems);
  }
}

/** ipBlock.cidr and ipBlock.except as the API server validates them: CIDRs, each except a smaller network within cidr. */
function checkIpBlock(block: Record<string, unknown>, path: string, problems: ShapeProblem[]): void {
  const { cidr, except } = block;
  if (cidr === undefined || cidr === null || cidr === '') {
    problems.push({ path: `${path}.cidr`, message: `cidr must be a CIDR (such as 10.0.0.0/8), got ${describeType(cidr)}` });
  } else if (typeof cidr === 'string' && !isUnknownValue(cidr)) {
    const problem = refusedCidrProblem(cidr);
    if (problem) problems.push({ path: `${path}.cidr`, message: `cidr ${JSON.stringify(cidr)} ${problem}` });
  }
  if (!Array.isArray(except)) return;
  checkStringList(except, `${path}.except`, 'except', 'CIDRs', 'a CIDR', problems);
  const outer = typeof cidr === 'string' && !isUnknownValue(cidr) && refusedCidrProblem(cidr) === undefined ? cidr : undefined;
  for (let i = 0; i < except.length; i++) {
    const entry: unknown = except[i];
    if (entry !== null && (typeof entry !== 'string' || isUnknownValue(entry))) continue;
    // A null entry is read as the empty string.
    const text = entry ?? '';
    const problem = refusedCidrProblem(text);
    if (problem) {problems.push({ path: `${path}.except[${i}]`, message: `except ${JSON.stringify(text)} ${problem}` });} else if (outer !== undefined && !isInsideCidr(text, outer)) {
      problems.push({ path: `${path}.except[${i}]`, message: `except ${JSON.stringify(text)} is not inside cidr ${outer}: each except must be a smaller network within it` });
    }
  }
}

const PROTOCOLS = ['TCP', 'UDP', 'SCTP'];
const PORT_FIELDS: FieldTypes = new Map<string, Expected>([['protocol', 'string'], ['endPort', 'int32']]);

/** A NetworkPolicy port: protocol, port (a number or a name) and endPort (a range from a numbered port). */
function checkPolicyPort(port: Record<string, unknown>, path: string, problems: ShapeProblem[]): void {
  checkFields(port, PORT_FIELDS, path, '', problems);
  if (port.protocol !== null) checkOneOf(port.protocol ?? 'TCP', `${path}.protocol`, PROTOCOLS, problems);
  const number = port.port;
  if (typeof number === 'number') {
    if (!isPortNumber(number)) problems.push({ path: `${path}.port`, message: `port must be a port number from 1 to 65535 or a port name, got ${describeType(number)}` });
  } else if (typeof number === 'string') {
    if (!isUnknownValue(number) && !isPortName(number)) {
      problems.push({ path: `${path}.port`, message: `port ${JSON.stringify(number)} is no port name: at most 15 lowercase letters, digits and "-", with a letter, no "-" at either end or twice in a row` });
    }
  } else if (number !== undefined && number !== null) {
    problems.push(shapeProblem(`${path}.port`, number, `port must be a port number or a port name, got ${describeType(number)}`));
  }
  const end = port.endPort;
  if (typeof end !== 'number' || !Number.isInteger(end)) return;
  if (typeof number !== 'number') {
    problems.push({ path: `${path}.endPort`, message: `endPort needs port to be a port number, the start of the range, got ${describeType(number)}` });
  } else if (!isPortNumber(end) || end < number) {
    problems.push({ path: `${path}.endPort`, message: `endPort must be a port number from port (${number}) to 65535, got ${describeType(end)}` });
  }
}

const REQUIREMENT_FIELDS: FieldTypes = new Map<string, Expected>([['key', 'string'], ['operator', 'string'], ['values', 'array']]);
const OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

/**
 * A label selector (`matchLabels`, `matchExpressions`). The checks read a malformed one as selecting
 * nothing (`selectorMatches`), as the API server refuses an object holding it: each way it can be
 * malformed is a finding here. A null selector is an empty one, which selects everything.
 */
const REQUIREMENTS: ObjectList = { field: 'matchExpressions', plural: 'requirements', singular: 'a requirement', fields: 'key, operator and values' };

function checkSelector(selector: unknown, path: string, problems: ShapeProblem[]): void {
  if (selector === undefined || selector === null) return;
  if (!isFields(selector)) {
    problems.push(shapeProblem(path, selector, `a label selector must be an object (matchLabels and matchExpressions), got ${describeType(selector)}`));
    return;
  }
  checkLabelMap(selector.matchLabels, path, '.matchLabels', problems);
  for (const [expression, at] of objectItems(selector.matchExpressions, `${path}.matchExpressions`, REQUIREMENTS, problems)) {
    checkFields(expression, REQUIREMENT_FIELDS, at, '', problems);
    const key = expression.key;
    if (key === undefined || key === null) {problems.push({ path: `${at}.key`, message: `key must be a string, got ${describeType(key)}` });} else if (typeof key === 'string' && !isUnknownValue(key)) {
      const keyMessage = labelKeyMessage(key);
      if (keyMessage) problems.push({ path: `${at}.key`, message: keyMessage });
    }
    checkOneOf(expression.operator, `${at}.operator`, OPERATORS, problems);
    const values = expression.values;
    if (Array.isArray(values)) {
      checkStringList(values, `${at}.values`, 'values', 'strings', 'a value', problems);
      values.forEach((v: unknown, j) => {
        if (typeof v === 'string' && !isUnknownValue(v) && !isLabelValue(v)) problems.push({ path: `${at}.values[${j}]`, message: labelValueMessage(v) });
      });
    } else if (values !== undefined && values !== null) {continue;}
    // The API server requires values for In and NotIn and refuses them for Exists and DoesNotExist.
    const operator = expression.operator;
    const count = Array.isArray(values) ? values.length : 0;
    if ((operator === 'In' || operator === 'NotIn') && count === 0) problems.push({ path: `${at}.values`, message: `values must be a list of at least one value with operator ${operator}, got ${Array.isArray(values) ? 'an empty list' : describeType(values)}` });
    if ((operator === 'Exists' || operator === 'DoesNotExist') && count > 0) problems.push({ path: `${at}.values`, message: `values must be empty with operator ${operator}, got ${count} value${count === 1 ? '' : 's'}` });
  }
}
