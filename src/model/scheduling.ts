import type { Affinity, PodSpec, Toleration, TopologySpreadConstraint } from 'kubernetes-types/core/v1';
import type { LabelSelector } from 'kubernetes-types/meta/v1';
import { INT64_MAX } from './api-integers';
import { checkLabels, checkOneOf, checkWhole, isDnsLabel, isDnsSubdomain, isLabelValue, qualifiedNameProblem } from './api-values';
import { fail } from './errors';
import { droppedFieldProblem } from './kubernetes-versions';
import { describeType, isFields } from './pod-view';
import { PROP_KEYS, refuseUnknownKeys } from './prop-keys';
import type { TopologySpreadProps, WorkloadProps } from './workload-props';

/**
 * The pod's scheduling fields (tolerations, affinity, topology spread constraints, priority class),
 * checked as the API server checks them (pkg/apis/core/validation: ValidateTolerations,
 * validateAffinity, validateTopologySpreadConstraints), so a mistake fails at synthesis, naming the
 * field, instead of when the manifest is applied. Props from JSON or YAML are not type-checked:
 * shapes and keys are checked too.
 */

type Fields = Record<string, unknown>;

/** `value` as an object, or an error naming `field` and what it must hold. */
function objectAt(value: unknown, field: string, holds: string, where: string): Fields {
  if (!isFields(value)) fail(`${field} must be an object (${holds}), got ${describeType(value)}`, where);
  return value;
}

/** The entries of an optional list; anything but a list (or nothing) is an error. */
function listAt(value: unknown, field: string, where: string): readonly unknown[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) fail(`${field} must be a list, got ${describeType(value)}`, where);
  return value;
}

/** The strings of an optional list of strings. */
function stringsAt(value: unknown, field: string, where: string): readonly string[] {
  const list = listAt(value, field, where);
  list.forEach((item, i) => {
    if (typeof item !== 'string') fail(`${field}[${i}] must be a string, got ${describeType(item)}`, where);
  });
  return list as readonly string[];
}

/** Fails unless `key` is a label key (`[prefix/]name`), as the API server's ValidateLabelName requires. */
function checkLabelKey(key: unknown, field: string, where: string): asserts key is string {
  if (typeof key !== 'string') fail(`${field} must be a label key such as app or example.com/team, got ${describeType(key)}`, where);
  if (key === '') fail(`${field} is empty: give a label key such as app or example.com/team`, where);
  const problem = qualifiedNameProblem(key);
  if (problem) fail(`${field} ${JSON.stringify(key)} is not a label key: ${problem} (such as app or example.com/team)`, where);
}

function checkLabelValue(value: unknown, field: string, where: string): void {
  if (typeof value !== 'string' || !isLabelValue(value)) {
    fail(
      `${field} ${JSON.stringify(value) ?? describeType(value)} is not a label value: at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit (or empty)`,
      where,
    );
  }
}

/**
 * Node labels the API server warns about in node affinity and topology keys (pkg/api/node): each has
 * a replacement that every supported kubelet sets.
 */
const DEPRECATED_NODE_LABELS: Readonly<Record<string, string>> = {
  'beta.kubernetes.io/arch': 'deprecated since v1.14; use "kubernetes.io/arch" instead',
  'beta.kubernetes.io/os': 'deprecated since v1.14; use "kubernetes.io/os" instead',
  'failure-domain.beta.kubernetes.io/region': 'deprecated since v1.17; use "topology.kubernetes.io/region" instead',
  'failure-domain.beta.kubernetes.io/zone': 'deprecated since v1.17; use "topology.kubernetes.io/zone" instead',
  'beta.kubernetes.io/instance-type': 'deprecated since v1.17; use "node.kubernetes.io/instance-type" instead',
  'app.kubernetes.io/created-by': 'deprecated since v1.9',
  'scheduler.alpha.kubernetes.io/preferAvoidPods': 'deprecated since v1.22; use Taints and Tolerations instead',
  'node-role.kubernetes.io/master': 'use "node-role.kubernetes.io/control-plane" instead',
};

/** A node label key, refused when the API server would warn that it is deprecated. */
function checkNodeLabelKey(key: unknown, field: string, where: string): void {
  checkLabelKey(key, field, where);
  const deprecated = DEPRECATED_NODE_LABELS[key];
  if (deprecated) fail(`${field} "${key}" is a deprecated node label (the API server warns about it: ${deprecated}); hardpod refuses it`, where);
}

// ---- tolerations --------------------------------------------------------------------------------

const TOLERATION_OPERATORS = ['Exists', 'Equal'];
const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

function toleration(value: unknown, field: string, where: string): Toleration {
  const t = objectAt(value, field, 'key, operator, value, effect, tolerationSeconds', where);
  refuseUnknownKeys(t, PROP_KEYS.toleration, field, where);
  // '' is what the API server reads as left out (no key, operator Equal, every effect), so it passes as such.
  if (t.key !== undefined && t.key !== '') checkLabelKey(t.key, `${field}.key`, where);
  if (t.operator !== '') checkOneOf(t.operator, TOLERATION_OPERATORS, `${field}.operator`, where);
  if (t.effect !== '') checkOneOf(t.effect, TAINT_EFFECTS, `${field}.effect`, where);
  const exists = t.operator === 'Exists';
  if (!t.key && !exists) {
    fail(`${field} has no key, which matches every taint, so its operator must be Exists (got ${t.operator ? JSON.stringify(t.operator) : 'none, which means Equal'}): set operator: 'Exists', or give the taint's key`, where);
  }
  if (t.value !== undefined && typeof t.value !== 'string') fail(`${field}.value must be a string, got ${describeType(t.value)}`, where);
  if (exists && t.value) {
    fail(`${field}.value ${JSON.stringify(t.value)} is given with operator Exists, which matches every value of the key; the API server refuses it: drop value, or use operator Equal`, where);
  }
  if (!exists && t.value) checkLabelValue(t.value, `${field}.value`, where);
  if (t.tolerationSeconds !== undefined) {
    if (typeof t.tolerationSeconds === 'number' && Number.isInteger(t.tolerationSeconds) && t.tolerationSeconds < 0) {
      fail(`${field}.tolerationSeconds ${t.tolerationSeconds} is negative, which Kubernetes treats as 0 (evict at once); hardpod refuses it: use 0`, where);
    }
    checkWhole(t.tolerationSeconds, `${field}.tolerationSeconds`, 0, where, INT64_MAX);
    if (t.effect !== 'NoExecute') {
      fail(`${field}.tolerationSeconds needs effect NoExecute (got ${t.effect ? JSON.stringify(t.effect) : 'none'}): only a NoExecute taint evicts, after tolerationSeconds; set effect: 'NoExecute' or drop tolerationSeconds`, where);
    }
  }
  const out: Record<string, unknown> = {};
  for (const key of PROP_KEYS.toleration) if (t[key] !== undefined) out[key] = t[key];
  return out as Toleration;
}

// ---- label selectors ----------------------------------------------------------------------------

const SELECTOR_OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

/** A label selector (metav1 ValidateLabelSelector): label matchLabels, and expressions whose values fit their operator. */
function checkLabelSelector(value: unknown, field: string, where: string): LabelSelector {
  const selector = objectAt(value, field, 'matchLabels, matchExpressions', where);
  refuseUnknownKeys(selector, PROP_KEYS.labelSelector, field, where);
  if (selector.matchLabels !== undefined) {
    checkLabels(objectAt(selector.matchLabels, `${field}.matchLabels`, '{ key: value }', where), `${field}.matchLabels`, where);
  }
  listAt(selector.matchExpressions, `${field}.matchExpressions`, where).forEach((item, i) => {
    const at = `${field}.matchExpressions[${i}]`;
    const r = objectAt(item, at, 'key, operator, values', where);
    refuseUnknownKeys(r, PROP_KEYS.labelSelectorRequirement, at, where);
    checkLabelKey(r.key, `${at}.key`, where);
    checkRequirement(r.operator, r.values, SELECTOR_OPERATORS, at, where);
  });
  return selector as LabelSelector;
}

/** An expression's operator and values: In and NotIn need values, Exists and DoesNotExist take none, Gt and Lt one. */
function checkRequirement(operator: unknown, rawValues: unknown, operators: readonly string[], at: string, where: string, preferred = false): void {
  if (operator === undefined) fail(`${at}.operator is required; expected one of ${operators.join(', ')}`, where);
  checkOneOf(operator, operators, `${at}.operator`, where);
  const values = stringsAt(rawValues, `${at}.values`, where);
  if ((operator === 'In' || operator === 'NotIn') && values.length === 0) fail(`${at}.values must hold at least one value with operator ${operator}`, where);
  if ((operator === 'Exists' || operator === 'DoesNotExist') && values.length > 0) fail(`${at}.values must be left out with operator ${operator}, which matches on the key alone`, where);
  if ((operator === 'Gt' || operator === 'Lt') && values.length !== 1) fail(`${at}.values must hold exactly one value with operator ${operator}`, where);
  if ((operator === 'Gt' || operator === 'Lt') && !isInt64(values[0])) {
    fail(
      `${at}.values[0] ${JSON.stringify(values[0])} is not a whole number, which operator ${operator} compares node labels with: the scheduler ` +
        'refuses the term, so the pod would never be scheduled (a required term) or the preference never apply; hardpod refuses it, although the API server admits it',
      where,
    );
  }
  values.forEach((v, j) => {
    if (preferred && !isLabelValue(v)) {
      fail(
        `${at}.values[${j}] ${JSON.stringify(v)} is not a label value, so no node label holds it and the preference never applies; ` +
          'hardpod refuses it, although the API server admits it (with a warning) in a preferred term: at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit',
        where,
      );
    }
    checkLabelValue(v, `${at}.values[${j}]`, where);
  });
}

/** A decimal 64-bit integer as the scheduler parses a Gt or Lt value (strconv.ParseInt), among label values: digits only. */
function isInt64(value: string): boolean {
  return /^[0-9]{1,19}$/.test(value) && BigInt(value) <= 0x7fffffffffffffffn;
}

// ---- affinity -----------------------------------------------------------------------------------

const NODE_OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', 'Lt'];
/** The only field a node selector term's matchFields may name. */
const NODE_NAME_FIELD = 'metadata.name';

/**
 * A node selector term. Label values are checked in preferred terms too: the API server admits an
 * invalid one there with a warning, but no node label can hold it.
 */
function checkNodeSelectorTerm(value: unknown, field: string, where: string, preferred = false): void {
  const term = objectAt(value, field, 'matchExpressions, matchFields', where);
  refuseUnknownKeys(term, PROP_KEYS.nodeSelectorTerm, field, where);
  listAt(term.matchExpressions, `${field}.matchExpressions`, where).forEach((item, i) => {
    const at = `${field}.matchExpressions[${i}]`;
    const r = objectAt(item, at, 'key, operator, values', where);
    refuseUnknownKeys(r, PROP_KEYS.nodeSelectorRequirement, at, where);
    checkNodeLabelKey(r.key, `${at}.key`, where);
    checkRequirement(r.operator, r.values, NODE_OPERATORS, at, where, preferred);
  });
  listAt(term.matchFields, `${field}.matchFields`, where).forEach((item, i) => {
    const at = `${field}.matchFields[${i}]`;
    const r = objectAt(item, at, 'key, operator, values', where);
    refuseUnknownKeys(r, PROP_KEYS.nodeSelectorRequirement, at, where);
    if (r.key !== NODE_NAME_FIELD) fail(`${at}.key ${JSON.stringify(r.key) ?? describeType(r.key)} is not a node field the API server selects on; expected ${NODE_NAME_FIELD}`, where);
    if (r.operator === undefined) fail(`${at}.operator is required; expected one of In, NotIn`, where);
    checkOneOf(r.operator, ['In', 'NotIn'], `${at}.operator`, where);
    const values = stringsAt(r.values, `${at}.values`, where);
    if (values.length !== 1) fail(`${at}.values must hold exactly one node name (got ${values.length})`, where);
    if (!isDnsSubdomain(values[0])) fail(`${at}.values[0] ${JSON.stringify(values[0])} is not a node name (lowercase letters, digits, "-" and ".", at most 253 characters)`, where);
  });
}

function checkWeight(weight: unknown, field: string, where: string): void {
  if (weight === undefined) fail(`${field} is required: a whole number from 1 to 100`, where);
  checkWhole(weight, field, 1, where, 100);
}

function checkNodeAffinity(value: unknown, field: string, where: string): void {
  const affinity = objectAt(value, field, 'requiredDuringSchedulingIgnoredDuringExecution, preferredDuringSchedulingIgnoredDuringExecution', where);
  refuseUnknownKeys(affinity, PROP_KEYS.nodeAffinity, field, where);
  const required = affinity.requiredDuringSchedulingIgnoredDuringExecution;
  if (required !== undefined) {
    const at = `${field}.requiredDuringSchedulingIgnoredDuringExecution`;
    const selector = objectAt(required, at, 'nodeSelectorTerms', where);
    refuseUnknownKeys(selector, PROP_KEYS.nodeSelector, at, where);
    const terms = listAt(selector.nodeSelectorTerms, `${at}.nodeSelectorTerms`, where);
    if (terms.length === 0) fail(`${at}.nodeSelectorTerms must hold at least one term (a node matching any term qualifies)`, where);
    terms.forEach((term, i) => checkNodeSelectorTerm(term, `${at}.nodeSelectorTerms[${i}]`, where));
  }
  listAt(affinity.preferredDuringSchedulingIgnoredDuringExecution, `${field}.preferredDuringSchedulingIgnoredDuringExecution`, where).forEach((item, i) => {
    const at = `${field}.preferredDuringSchedulingIgnoredDuringExecution[${i}]`;
    const preferred = objectAt(item, at, 'weight, preference', where);
    refuseUnknownKeys(preferred, PROP_KEYS.preferredSchedulingTerm, at, where);
    checkWeight(preferred.weight, `${at}.weight`, where);
    if (preferred.preference === undefined) fail(`${at}.preference is required: a node selector term (matchExpressions, matchFields)`, where);
    checkNodeSelectorTerm(preferred.preference, `${at}.preference`, where, true);
  });
}

/** The keys a label selector names, in matchLabels or matchExpressions. */
function selectorKeys(selector: LabelSelector | undefined): Set<string> {
  return new Set([...Object.keys(selector?.matchLabels ?? {}), ...(selector?.matchExpressions ?? []).map((e) => e.key)]);
}

/**
 * matchLabelKeys and mismatchLabelKeys of pod (anti-)affinity are honoured by default from Kubernetes
 * 1.31 (MatchLabelKeysInPodAffinity beta); before, the API server drops them (the gate is alpha and
 * off in 1.29 and 1.30, the fields unknown earlier) and the pods are placed as if they were not there.
 */
const MATCH_LABEL_KEYS_MINOR = 31;

function checkPodAffinityTerm(value: unknown, field: string, minor: number, where: string): void {
  const term = objectAt(value, field, 'labelSelector, topologyKey, namespaces, namespaceSelector, matchLabelKeys, mismatchLabelKeys', where);
  refuseUnknownKeys(term, PROP_KEYS.podAffinityTerm, field, where);
  if (term.labelSelector === undefined) {
    fail(
      `${field} has no labelSelector, so it matches no pod (the API server warns about it); hardpod refuses it: ` +
        'give labelSelector, e.g. { matchLabels: { \'app.kubernetes.io/name\': \'<workload name>\' } } for this workload\'s own pods',
      where,
    );
  }
  const labelSelector = checkLabelSelector(term.labelSelector, `${field}.labelSelector`, where);
  if (term.namespaceSelector !== undefined) checkLabelSelector(term.namespaceSelector, `${field}.namespaceSelector`, where);
  stringsAt(term.namespaces, `${field}.namespaces`, where).forEach((namespace, i) => {
    if (!isDnsLabel(namespace)) fail(`${field}.namespaces[${i}] ${JSON.stringify(namespace)} is not a namespace name (a DNS label: lowercase letters, digits and "-", at most 63 characters)`, where);
  });
  if (term.topologyKey === undefined) fail(`${field}.topologyKey is required: the node label whose value defines "together", such as kubernetes.io/hostname or topology.kubernetes.io/zone`, where);
  checkLabelKey(term.topologyKey, `${field}.topologyKey`, where);
  const match = stringsAt(term.matchLabelKeys, `${field}.matchLabelKeys`, where);
  const mismatch = stringsAt(term.mismatchLabelKeys, `${field}.mismatchLabelKeys`, where);
  for (const [list, keys] of [['matchLabelKeys', match], ['mismatchLabelKeys', mismatch]] as const) {
    if (keys.length > 0 && minor < MATCH_LABEL_KEYS_MINOR) {
      fail(droppedFieldProblem(
        `${field}.${list}`, MATCH_LABEL_KEYS_MINOR, 'MatchLabelKeysInPodAffinity', minor,
        'the pods would be placed without it: raise kubernetesMinor, or select the pods with labelSelector alone',
      ), where);
    }
    keys.forEach((key, i) => checkLabelKey(key, `${field}.${list}[${i}]`, where));
  }
  checkMergedKeys(match, labelSelector, field, where);
  match.forEach((key, i) => {
    if (mismatch.includes(key)) fail(`${field}.matchLabelKeys[${i}] "${key}" is also in mismatchLabelKeys, which the API server refuses: name it in one of them`, where);
  });
}

/**
 * matchLabelKeys of a pod affinity term or a spread constraint. The API server merges them into the
 * labelSelector of each pod it creates (an `In` expression holding the pod's value of the key) and
 * refuses the pod when a key is then named twice: one labelSelector names too, or one listed twice.
 * `defaulted` says the labelSelector is the one hardpod filled in.
 */
function checkMergedKeys(keys: readonly string[], labelSelector: LabelSelector, field: string, where: string, defaulted = false): void {
  const own = selectorKeys(labelSelector);
  const selector = defaulted ? 'of the labelSelector hardpod fills in (the workload\'s own selector label)' : 'of labelSelector';
  keys.forEach((key, i) => {
    if (own.has(key)) fail(`${field}.matchLabelKeys[${i}] "${key}" is also a key ${selector}; the API server refuses the pods: name it in one of them`, where);
    const first = keys.indexOf(key);
    if (first !== i) {
      fail(`${field}.matchLabelKeys[${i}] "${key}" repeats matchLabelKeys[${first}]; the API server refuses the pods that carry the label: name each key once`, where);
    }
  });
}

function checkPodAffinity(value: unknown, field: string, minor: number, where: string): void {
  const affinity = objectAt(value, field, 'requiredDuringSchedulingIgnoredDuringExecution, preferredDuringSchedulingIgnoredDuringExecution', where);
  refuseUnknownKeys(affinity, PROP_KEYS.podAffinity, field, where);
  listAt(affinity.requiredDuringSchedulingIgnoredDuringExecution, `${field}.requiredDuringSchedulingIgnoredDuringExecution`, where)
    .forEach((term, i) => checkPodAffinityTerm(term, `${field}.requiredDuringSchedulingIgnoredDuringExecution[${i}]`, minor, where));
  listAt(affinity.preferredDuringSchedulingIgnoredDuringExecution, `${field}.preferredDuringSchedulingIgnoredDuringExecution`, where).forEach((item, i) => {
    const at = `${field}.preferredDuringSchedulingIgnoredDuringExecution[${i}]`;
    const weighted = objectAt(item, at, 'weight, podAffinityTerm', where);
    refuseUnknownKeys(weighted, PROP_KEYS.weightedPodAffinityTerm, at, where);
    checkWeight(weighted.weight, `${at}.weight`, where);
    if (weighted.podAffinityTerm === undefined) fail(`${at}.podAffinityTerm is required: { labelSelector, topologyKey }`, where);
    checkPodAffinityTerm(weighted.podAffinityTerm, `${at}.podAffinityTerm`, minor, where);
  });
}

function checkAffinity(value: unknown, minor: number, where: string): Affinity {
  const affinity = objectAt(value, 'affinity', 'nodeAffinity, podAffinity, podAntiAffinity', where);
  refuseUnknownKeys(affinity, PROP_KEYS.affinity, 'affinity', where);
  if (affinity.nodeAffinity !== undefined) checkNodeAffinity(affinity.nodeAffinity, 'affinity.nodeAffinity', where);
  if (affinity.podAffinity !== undefined) checkPodAffinity(affinity.podAffinity, 'affinity.podAffinity', minor, where);
  if (affinity.podAntiAffinity !== undefined) checkPodAffinity(affinity.podAntiAffinity, 'affinity.podAntiAffinity', minor, where);
  return affinity as Affinity;
}

// ---- topology spread ----------------------------------------------------------------------------

const WHEN_UNSATISFIABLE = ['DoNotSchedule', 'ScheduleAnyway'];

/**
 * Fields of a topology spread constraint the API server keeps only from a Kubernetes minor on (where
 * their feature gate is on by default); before, it drops them and the pods are placed without them.
 */
type VersionedSpreadField = 'minDomains' | 'nodeAffinityPolicy' | 'nodeTaintsPolicy' | 'matchLabelKeys';
const SPREAD_FIELD_MINORS: Readonly<Record<VersionedSpreadField, { readonly minor: number; readonly gate: string }>> = {
  minDomains: { minor: 27, gate: 'MinDomainsInPodTopologySpread' },
  matchLabelKeys: { minor: 27, gate: 'MatchLabelKeysInPodTopologySpread' },
  nodeAffinityPolicy: { minor: 26, gate: 'NodeInclusionPolicyInPodTopologySpread' },
  nodeTaintsPolicy: { minor: 26, gate: 'NodeInclusionPolicyInPodTopologySpread' },
};
const NODE_INCLUSION_POLICIES = ['Honor', 'Ignore'] as const;

function topologySpread(
  value: unknown, field: string, selector: Readonly<Record<string, string>>, minor: number, where: string,
): TopologySpreadConstraint {
  const c = objectAt(value, field, 'maxSkew, topologyKey, whenUnsatisfiable, labelSelector', where) as unknown as TopologySpreadProps;
  refuseUnknownKeys(c, PROP_KEYS.topologySpread, field, where);
  if (c.maxSkew === undefined) fail(`${field}.maxSkew is required: how many more pods one domain may hold than the emptiest, 1 or more`, where);
  if (typeof c.maxSkew === 'number' && Number.isInteger(c.maxSkew) && c.maxSkew < 1) {
    fail(`${field}.maxSkew ${c.maxSkew} must be 1 or more (the API server refuses less): it is how many more pods one domain may hold than the emptiest`, where);
  }
  checkWhole(c.maxSkew, `${field}.maxSkew`, 1, where);
  if (c.topologyKey === undefined || c.topologyKey === '') {
    fail(`${field}.topologyKey is required: the node label whose values are the domains, such as topology.kubernetes.io/zone or kubernetes.io/hostname`, where);
  }
  checkTopologyKey(c.topologyKey, `${field}.topologyKey`, where);
  if (c.whenUnsatisfiable === undefined) fail(`${field}.whenUnsatisfiable is required; expected one of ${WHEN_UNSATISFIABLE.join(', ')}`, where);
  checkOneOf(c.whenUnsatisfiable, WHEN_UNSATISFIABLE, `${field}.whenUnsatisfiable`, where);
  const labelSelector = c.labelSelector !== undefined
    ? JSON.parse(JSON.stringify(checkLabelSelector(c.labelSelector, `${field}.labelSelector`, where))) as LabelSelector
    : { matchLabels: { ...selector } };
  for (const [name, { minor: since, gate }] of Object.entries(SPREAD_FIELD_MINORS)) {
    if (c[name as VersionedSpreadField] !== undefined && minor < since) {
      fail(droppedFieldProblem(`${field}.${name}`, since, gate, minor, 'the pods would be placed without it: raise kubernetesMinor, or leave it out'), where);
    }
  }
  if (c.minDomains !== undefined) {
    checkWhole(c.minDomains, `${field}.minDomains`, 1, where);
    if (c.whenUnsatisfiable !== 'DoNotSchedule') {
      fail(`${field}.minDomains needs whenUnsatisfiable: DoNotSchedule (got ${c.whenUnsatisfiable}), as the API server requires: ScheduleAnyway ignores it`, where);
    }
  }
  checkOneOf(c.nodeAffinityPolicy, NODE_INCLUSION_POLICIES, `${field}.nodeAffinityPolicy`, where);
  checkOneOf(c.nodeTaintsPolicy, NODE_INCLUSION_POLICIES, `${field}.nodeTaintsPolicy`, where);
  const matchLabelKeys = stringsAt(c.matchLabelKeys, `${field}.matchLabelKeys`, where);
  matchLabelKeys.forEach((key, i) => checkLabelKey(key, `${field}.matchLabelKeys[${i}]`, where));
  checkMergedKeys(matchLabelKeys, labelSelector, field, where, c.labelSelector === undefined);
  return {
    maxSkew: c.maxSkew,
    topologyKey: c.topologyKey,
    whenUnsatisfiable: c.whenUnsatisfiable,
    labelSelector,
    ...(c.minDomains !== undefined ? { minDomains: c.minDomains } : {}),
    ...(c.nodeAffinityPolicy !== undefined ? { nodeAffinityPolicy: c.nodeAffinityPolicy } : {}),
    ...(c.nodeTaintsPolicy !== undefined ? { nodeTaintsPolicy: c.nodeTaintsPolicy } : {}),
    ...(matchLabelKeys.length > 0 ? { matchLabelKeys: [...matchLabelKeys] } : {}),
  };
}

/**
 * A topology key must be a label key. The API server checks only that it is there, but no node can
 * carry a label of another key: with DoNotSchedule the pods would never be scheduled.
 */
function checkTopologyKey(key: unknown, field: string, where: string): void {
  if (typeof key === 'string' && qualifiedNameProblem(key)) {
    fail(`${field} ${JSON.stringify(key)} is not a label key (${qualifiedNameProblem(key)}), so no node can carry it and the constraint could never be met; hardpod refuses it, although the API server admits it`, where);
  }
  checkNodeLabelKey(key, field, where);
}

// ---- the pod's fields ---------------------------------------------------------------------------

/**
 * The pod spec's scheduling fields from the props, checked for an API server of Kubernetes 1.`minor`;
 * `selector` (the pod's own selector labels) is what a topology spread constraint without a
 * labelSelector counts.
 */
export function schedulingSpec(props: WorkloadProps, selector: Readonly<Record<string, string>>, minor: number, where: string): Partial<PodSpec> {
  const spec: Partial<Record<keyof PodSpec, unknown>> = {};
  const tolerations = listAt(props.tolerations, 'tolerations', where).map((t, i) => toleration(t, `tolerations[${i}]`, where));
  if (tolerations.length > 0) spec.tolerations = tolerations;
  // Copied, so the emitted objects share nothing with the props.
  if (props.affinity !== undefined) spec.affinity = JSON.parse(JSON.stringify(checkAffinity(props.affinity, minor, where))) as Affinity;
  const constraints = listAt(props.topologySpreadConstraints, 'topologySpreadConstraints', where)
    .map((c, i) => topologySpread(c, `topologySpreadConstraints[${i}]`, selector, minor, where));
  constraints.forEach((c, i) => {
    // One constraint per pair: the API server refuses a second one for the same key and action.
    const first = constraints.findIndex((o) => o.topologyKey === c.topologyKey && o.whenUnsatisfiable === c.whenUnsatisfiable);
    if (first !== i) {
      fail(
        `topologySpreadConstraints[${i}] repeats topologyKey ${c.topologyKey} with whenUnsatisfiable ${c.whenUnsatisfiable} of topologySpreadConstraints[${first}], ` +
          'which the API server refuses: merge them into one (one pair of topologyKey and whenUnsatisfiable per constraint)',
        where,
      );
    }
  });
  if (constraints.length > 0) spec.topologySpreadConstraints = constraints;
  const priority = props.priorityClassName;
  if (priority !== undefined) {
    if (priority === '') fail('priorityClassName "" names no PriorityClass; hardpod refuses it (the API server reads it as none): leave priorityClassName out for the cluster\'s default', where);
    if (!isDnsSubdomain(priority)) {
      fail(`priorityClassName ${JSON.stringify(priority) ?? describeType(priority)} is not a PriorityClass name (lowercase letters, digits, "-" and ".", at most 253 characters)`, where);
    }
    spec.priorityClassName = priority;
  }
  return spec as Partial<PodSpec>;
}
