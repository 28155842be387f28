import type { ClusterContext } from '../../engine/config';
import type { KubeObject } from '../../model/kube-object';
import { NEWEST_KUBERNETES_MINOR } from '../../model/kubernetes-versions';
import { inApiGroup, isFields, isUnknownValue, type PodView } from '../../model/pod-view';
import type { InputIndex, InputRuleContext, Violation } from '../rule';
import { quoted, text } from './shared-text';

/**
 * Shared reading helpers for hardpod's own (`hardened`) controls, in particular the cross-object
 * ones: what the input and the declared cluster context hold, and when a missing object means
 * "absent" (fail) rather than "not in this input" (unknown).
 */

/** `metadata.namespace` of an object, or undefined (namespace-less `helm template` output, cdk8s charts without one). */
export function namespaceOf(object: KubeObject): string | undefined {
  const ns = isFields(object.metadata) ? object.metadata.namespace : undefined;
  return typeof ns === 'string' && ns !== '' ? ns : undefined;
}

/** `metadata.name` of an object, or ``. */
export function nameOf(object: unknown): string {
  const name = isFields(object) && isFields(object.metadata) ? object.metadata.name : undefined;
  return typeof name === 'string' ? name : '';
}

/**
 * `metadata.labels` of an object as a string map (non-string values dropped).
 * @param keys the only labels to read: a label a check does not read cannot make it unknown in a preview
 * @default every label
 */
export function labelsOf(object: unknown, keys?: readonly string[]): Readonly<Record<string, string>> {
  const labels = isFields(object) && isFields(object.metadata) ? object.metadata.labels : undefined;
  const out: Record<string, string> = {};
  if (!isFields(labels)) return out;
  if (keys === undefined) {
    for (const key in labels) if (typeof labels[key] === 'string') out[key] = labels[key] as string;
  } else {
    for (const key of keys) if (Object.prototype.hasOwnProperty.call(labels, key) && typeof labels[key] === 'string') out[key] = labels[key] as string;
  }
  return out;
}

/** `namespace "x"`, or for namespace-less output `the namespace it is applied to`, for messages. */
export function describeNamespace(namespace: string | undefined): string {
  return namespace === undefined ? 'the namespace it is applied to' : text`namespace ${quoted(namespace)}`;
}

/**
 * The service account a pod runs as: `serviceAccountName`, else the deprecated `serviceAccount`,
 * else `default` (what the API server fills in). `explicit` says whether the spec names one.
 */
export function serviceAccountOf(pod: PodView): { name: string; explicit: boolean; path: string; unknown: boolean } {
  const fromName = pod.spec.serviceAccountName;
  if (isUnknownValue(fromName)) return { name: '', explicit: true, path: text`${pod.specPath}.serviceAccountName`, unknown: true };
  if (typeof fromName === 'string' && fromName !== '') return { name: fromName, explicit: true, path: text`${pod.specPath}.serviceAccountName`, unknown: false };
  const legacy = pod.spec.serviceAccount;
  if (isUnknownValue(legacy)) return { name: '', explicit: true, path: text`${pod.specPath}.serviceAccount`, unknown: true };
  if (typeof legacy === 'string' && legacy !== '') return { name: legacy, explicit: true, path: text`${pod.specPath}.serviceAccount`, unknown: false };
  return { name: 'default', explicit: false, path: text`${pod.specPath}.serviceAccountName`, unknown: false };
}

/**
 * The namespaced kinds rules {@link lookup} in the namespace of the object naming them (a workload's
 * ServiceAccount, a RoleBinding's Role). Declared in the cluster context without a namespace, such an
 * object would match no namespaced object, so the config refuses it. A NetworkPolicy without one is
 * not here: declared so, it means one in every namespace.
 */
export const NAMESPACED_LOOKUP_KINDS: ReadonlySet<string> = new Set(['ServiceAccount', 'Role']);

const RBAC_GROUP = 'rbac.authorization.k8s.io';

/**
 * The API group of each Kubernetes kind the cross-object rules read. A kind of that name in another
 * group (a Calico or Cilium NetworkPolicy, an OpenShift `authorization.openshift.io` RoleBinding) is
 * another resource, with its own schema and meaning: rules neither read it for the Kubernetes one
 * nor judge it as one. Any version of the group is the same resource (`rbac.authorization.k8s.io/v1beta1`);
 * {@link groupsOf} adds `extensions` for NetworkPolicies where the Kubernetes version serves it.
 */
export const KUBERNETES_GROUPS = {
  Namespace: '',
  ServiceAccount: '',
  LimitRange: '',
  NetworkPolicy: 'networking.k8s.io',
  Role: RBAC_GROUP,
  ClusterRole: RBAC_GROUP,
  RoleBinding: RBAC_GROUP,
  ClusterRoleBinding: RBAC_GROUP,
} as const;

/** A Kubernetes kind the cross-object rules read. */
export type KubernetesKind = keyof typeof KUBERNETES_GROUPS;

/**
 * Kubernetes 1.15 was the last to serve NetworkPolicies as `extensions/v1beta1` too: the same objects
 * as its `networking.k8s.io` ones. 1.16 serves no such group, and refuses such an object.
 */
const LAST_EXTENSIONS_NETWORK_POLICY_MINOR = 15;
const NETWORK_POLICY_GROUPS_WITH_EXTENSIONS: readonly string[] = [KUBERNETES_GROUPS.NetworkPolicy, 'extensions'];

const GROUP_LISTS: ReadonlyMap<string, readonly string[]> = new Map(Object.entries(KUBERNETES_GROUPS).map(([kind, group]) => [kind, [group]]));

/**
 * The API groups a Kubernetes minor serves the objects of a kind in: its group in
 * {@link KUBERNETES_GROUPS}, and `extensions` for NetworkPolicies up to 1.15; none for other kinds.
 */
export function groupsOf(kind: string, minor: number = NEWEST_KUBERNETES_MINOR): readonly string[] {
  if (kind === 'NetworkPolicy' && minor <= LAST_EXTENSIONS_NETWORK_POLICY_MINOR) return NETWORK_POLICY_GROUPS_WITH_EXTENSIONS;
  return GROUP_LISTS.get(kind) ?? [];
}

/** True when the object is of a kind in {@link KUBERNETES_GROUPS}, in an API group the Kubernetes minor serves that kind in ({@link groupsOf}). */
export function isKubernetesObject(object: Pick<KubeObject, 'apiVersion' | 'kind'>, minor: number = NEWEST_KUBERNETES_MINOR): boolean {
  const groups = groupsOf(object.kind, minor);
  for (let i = 0; i < groups.length; i++) if (inApiGroup(object.apiVersion, groups[i])) return true;
  return false;
}

/**
 * Finds an object by kind, namespace and name in the input, then in the declared cluster context
 * (`cluster.objects`, and `cluster.networkPolicies` for NetworkPolicies): only the kind's
 * Kubernetes API group ({@link KUBERNETES_GROUPS}). A namespace-less object of the input matches
 * namespace-less objects only: they are installed together.
 */
export function lookup(context: Pick<InputRuleContext, 'input' | 'cluster'>, kind: KubernetesKind, namespace: string | undefined, name: string): KubeObject | undefined {
  const fromInput = context.input.get(kind, KUBERNETES_GROUPS[kind], namespace, name);
  if (fromInput) return fromInput;
  for (const object of clusterObjects(context.cluster, kind)) {
    if (nameOf(object) === name && namespaceOf(object) === namespace) return object;
  }
  return undefined;
}

/** Objects of one Kubernetes kind the declared cluster context holds, of the API groups the minor serves it in ({@link groupsOf}). */
export function clusterObjects(cluster: ClusterContext, kind: KubernetesKind, minor: number = NEWEST_KUBERNETES_MINOR): readonly KubeObject[] {
  // Most runs declare no cluster context, and rules ask once per pod: no list is made for nothing.
  if (cluster.objects === undefined && (kind !== 'NetworkPolicy' || cluster.networkPolicies === undefined)) return NO_OBJECTS;
  const out: KubeObject[] = [];
  if (kind === 'NetworkPolicy') for (const object of cluster.networkPolicies ?? []) if (isKubernetesObject(object, minor)) out.push(object);
  for (const object of cluster.objects ?? []) if (object.kind === kind && isKubernetesObject(object, minor)) out.push(object);
  return out;
}

const NO_OBJECTS: readonly KubeObject[] = Object.freeze([]);

/** Objects of one Kubernetes kind (its API group only) from the input and the declared cluster context, input first. */
export function objectsOfKind(context: Pick<InputRuleContext, 'input' | 'cluster'>, kind: KubernetesKind): readonly KubeObject[] {
  return [...context.input.byKind(kind, KUBERNETES_GROUPS[kind]), ...clusterObjects(context.cluster, kind)];
}

/** True when the config says the input (with the cluster context) is everything there is. */
export function isComplete(cluster: ClusterContext): boolean {
  return cluster.complete === true;
}

/**
 * The outcome for an object that is not in the input nor in the cluster context: a `fail` when the
 * context is declared complete, otherwise `unknown` (CI input is usually partial).
 */
export function missing(cluster: ClusterContext, path: string, message: string, howToDeclare: string): Violation {
  return isComplete(cluster)
    ? { path, message: text`${message}, and the cluster context is declared complete` }
    : { path, message: text`${message}; not known from this input (${howToDeclare})`, unknown: true };
}

// ---------------------------------------------------------------------------------------------
// Label selectors (NetworkPolicy podSelector), as the API server matches them.

/**
 * Whether a label selector (`matchLabels` and `matchExpressions`) selects these labels. An empty
 * selector selects everything; a malformed one (wrong types, unknown operator, `In`/`NotIn`
 * without values, `Exists`/`DoesNotExist` with values) selects nothing, as the API server refuses
 * an object holding it.
 */
export function selectorMatches(selector: unknown, labels: Readonly<Record<string, string>>): boolean {
  if (selector === undefined || selector === null) return true;
  if (!isFields(selector)) return false;
  const matchLabels = selector.matchLabels;
  if (matchLabels !== undefined && matchLabels !== null) {
    if (!isFields(matchLabels)) return false;
    for (const key in matchLabels) {
      if (typeof matchLabels[key] !== 'string' || !Object.prototype.hasOwnProperty.call(labels, key) || labels[key] !== matchLabels[key]) return false;
    }
  }
  const expressions = selector.matchExpressions;
  if (expressions !== undefined && expressions !== null) {
    if (!Array.isArray(expressions)) return false;
    for (const expression of expressions) if (!expressionMatches(expression, labels)) return false;
  }
  return true;
}

function expressionMatches(expression: unknown, labels: Readonly<Record<string, string>>): boolean {
  if (!isFields(expression) || typeof expression.key !== 'string') return false;
  const has = Object.prototype.hasOwnProperty.call(labels, expression.key);
  const value = labels[expression.key];
  const raw = expression.values;
  if (raw !== undefined && raw !== null && (!Array.isArray(raw) || raw.some((v) => typeof v !== 'string'))) return false;
  const values: readonly unknown[] = Array.isArray(raw) ? raw : [];
  switch (expression.operator) {
    // The API server requires values for In and NotIn and refuses them for Exists and DoesNotExist.
    case 'In': return values.length > 0 && has && values.includes(value);
    case 'NotIn': return values.length > 0 && (!has || !values.includes(value));
    case 'Exists': return values.length === 0 && has;
    case 'DoesNotExist': return values.length === 0 && !has;
    default: return false;
  }
}

// ---------------------------------------------------------------------------------------------
// RBAC: what a PolicyRule grants, matched as the API server's RBAC authorizer matches it.

/** One rule of a Role or ClusterRole, with its path in the object. */
export interface PolicyRuleView {
  readonly path: string;
  readonly verbs: readonly string[];
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly resourceNames: readonly string[];
  readonly nonResourceURLs: readonly string[];
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** The rules of a Role or ClusterRole (`rules[]`); malformed entries are skipped. */
export function policyRulesOf(role: KubeObject, pathPrefix = 'rules'): PolicyRuleView[] {
  const rules = Array.isArray(role.rules) ? role.rules : [];
  const out: PolicyRuleView[] = [];
  rules.forEach((rule: unknown, i) => {
    if (!isFields(rule)) return;
    out.push({
      path: `${pathPrefix}[${i}]`,
      verbs: strings(rule.verbs),
      apiGroups: strings(rule.apiGroups),
      resources: strings(rule.resources),
      resourceNames: strings(rule.resourceNames),
      nonResourceURLs: strings(rule.nonResourceURLs),
    });
  });
  return out;
}

/**
 * RBAC resource matching as the authorizer does it (rbac/v1 ResourceMatches): `*`, the exact
 * `resource/subresource`, or `*\/subresource`. `pods/*` is no wildcard to the authorizer: it matches nothing.
 */
function resourceMatches(ruleResource: string, resource: string): boolean {
  if (ruleResource === '*' || ruleResource === resource) return true;
  const slash = resource.indexOf('/');
  return slash >= 0 && ruleResource === `*/${resource.slice(slash + 1)}`;
}

/**
 * True when the rule grants `verb` on `resource` (`secrets`, `pods/exec`) of the API group
 * (`` for the core group), for some object of that resource (`resourceNames` is not looked at).
 */
export function grants(rule: PolicyRuleView, verb: string, apiGroup: string, resource: string): boolean {
  return (rule.verbs.includes('*') || rule.verbs.includes(verb))
    && (rule.apiGroups.includes('*') || rule.apiGroups.includes(apiGroup))
    && rule.resources.some((r) => resourceMatches(r, resource));
}

/**
 * The RBAC rules of the default ClusterRoles that matter to hardpod's checks, from Kubernetes'
 * bootstrap policy: bindings to these need no ClusterRole object in the input. `view` grants
 * neither secrets, exec nor starting pods; `edit` and `admin` grant all three.
 */
const WRITE = ['create', 'delete', 'deletecollection', 'patch', 'update'];
const WRITE_AND_READ = [...WRITE, 'get', 'list', 'watch'];
/** What `edit` (and so `admin`, which holds all of it) grants that the checks read. */
const EDIT_RULES: readonly PolicyRuleView[] = [
  { path: 'rules[0]', verbs: WRITE_AND_READ, apiGroups: [''], resources: ['secrets'], resourceNames: [], nonResourceURLs: [] },
  { path: 'rules[1]', verbs: WRITE_AND_READ, apiGroups: [''], resources: ['pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy'], resourceNames: [], nonResourceURLs: [] },
  { path: 'rules[2]', verbs: WRITE, apiGroups: [''], resources: ['pods', 'replicationcontrollers'], resourceNames: [], nonResourceURLs: [] },
  { path: 'rules[3]', verbs: WRITE, apiGroups: ['apps'], resources: ['daemonsets', 'deployments', 'replicasets', 'statefulsets'], resourceNames: [], nonResourceURLs: [] },
  { path: 'rules[4]', verbs: WRITE, apiGroups: ['batch'], resources: ['cronjobs', 'jobs'], resourceNames: [], nonResourceURLs: [] },
  { path: 'rules[5]', verbs: WRITE, apiGroups: ['extensions'], resources: ['daemonsets', 'deployments', 'replicasets'], resourceNames: [], nonResourceURLs: [] },
];
export const DEFAULT_CLUSTER_ROLES: Readonly<Record<string, readonly PolicyRuleView[]>> = {
  'cluster-admin': [
    { path: 'rules[0]', verbs: ['*'], apiGroups: ['*'], resources: ['*'], resourceNames: [], nonResourceURLs: [] },
  ],
  'admin': EDIT_RULES,
  'edit': EDIT_RULES,
  'view': [],
};

/** The user name a service account authenticates as is this prefix, then `<namespace>:<name>`. */
const SERVICE_ACCOUNT_USER_PREFIX = 'system:serviceaccount:';

/**
 * The `<namespace>/<name>` of the ServiceAccount a `User` subject names, or undefined when it
 * names a person: the authorizer matches a User subject by user name, and a service account's
 * user name is `system:serviceaccount:<namespace>:<name>`.
 */
function serviceAccountUser(userName: string): string | undefined {
  if (!userName.startsWith(SERVICE_ACCOUNT_USER_PREFIX)) return undefined;
  const parts = userName.slice(SERVICE_ACCOUNT_USER_PREFIX.length).split(':');
  return parts.length === 2 && parts[0] !== '' && parts[1] !== '' ? `${parts[0]}/${parts[1]}` : undefined;
}

/**
 * A group that holds workloads: every service account is in `system:serviceaccounts` and
 * `system:serviceaccounts:<namespace>`, and every request (a workload's too) in
 * `system:authenticated` or `system:unauthenticated`.
 */
export function isWorkloadGroup(name: string): boolean {
  return name.startsWith('system:serviceaccounts') || name === 'system:authenticated' || name === 'system:unauthenticated';
}

/**
 * A subject that is a workload: a ServiceAccount, a User whose name is a service account's user
 * name, or a group workloads are in.
 */
export function workloadSubjects(binding: KubeObject): { path: string; description: string }[] {
  const subjects = Array.isArray(binding.subjects) ? binding.subjects : [];
  const out: { path: string; description: string }[] = [];
  subjects.forEach((subject: unknown, i) => {
    if (!isFields(subject) || typeof subject.name !== 'string') return;
    const path = `subjects[${i}]`;
    if (subject.kind === 'ServiceAccount') {
      const ns = typeof subject.namespace === 'string' ? subject.namespace : namespaceOf(binding);
      out.push({ path, description: `ServiceAccount ${ns ? `${ns}/` : ''}${subject.name}` });
    } else if (subject.kind === 'User') {
      const account = serviceAccountUser(subject.name);
      if (account) out.push({ path, description: `ServiceAccount ${account}` });
    } else if (subject.kind === 'Group' && isWorkloadGroup(subject.name)) {
      out.push({ path, description: `group ${subject.name}` });
    }
  });
  return out;
}

/** `roleRef` of a binding: `{ kind: Role | ClusterRole, name }`, or undefined when malformed. */
export function roleRefOf(binding: KubeObject): { kind: 'Role' | 'ClusterRole'; name: string } | undefined {
  const ref = binding.roleRef;
  if (!isFields(ref) || typeof ref.name !== 'string' || (ref.kind !== 'Role' && ref.kind !== 'ClusterRole')) return undefined;
  return { kind: ref.kind, name: ref.name };
}

/** What a binding grants: the role's label, its rules, and whether more rules may come from outside the input. */
export interface GrantedRules {
  readonly role: string;
  readonly rules: readonly PolicyRuleView[];
  /** Set for an aggregated ClusterRole when ClusterRoles outside the input may add rules to it. */
  readonly openAggregation?: string;
}

/**
 * The rules a binding grants, from the referenced Role or ClusterRole in the input or cluster
 * context, or the default ClusterRoles; `undefined` when the role is not known. An aggregated
 * ClusterRole (`aggregationRule`) holds the rules of every ClusterRole its selectors match, which
 * the controller fills in: those are collected from the input and the cluster context.
 */
export function rulesGrantedBy(context: Pick<InputRuleContext, 'input' | 'cluster'>, binding: KubeObject): GrantedRules | undefined {
  const ref = roleRefOf(binding);
  if (!ref) return undefined;
  const namespace = ref.kind === 'Role' ? namespaceOf(binding) : undefined;
  const role = lookup(context, ref.kind, namespace, ref.name);
  const label = `${ref.kind} ${ref.kind === 'Role' && namespace ? `${namespace}/` : ''}${ref.name}`;
  if (!role) {
    if (ref.kind === 'ClusterRole' && DEFAULT_CLUSTER_ROLES[ref.name]) return { role: `default ${label}`, rules: DEFAULT_CLUSTER_ROLES[ref.name] };
    return undefined;
  }
  const aggregation = ref.kind === 'ClusterRole' && isFields(role.aggregationRule) ? role.aggregationRule : undefined;
  if (!aggregation) return { role: label, rules: policyRulesOf(role) };
  const selectors = Array.isArray(aggregation.clusterRoleSelectors) ? aggregation.clusterRoleSelectors : [];
  const rules = [...policyRulesOf(role)];
  for (const source of objectsOfKind(context, 'ClusterRole')) {
    if (source === role) continue;
    // A null selector is an empty one to the API server, which selects every ClusterRole.
    if (!selectors.some((selector: unknown) => selector !== undefined && selectorMatches(selector, labelsOf(source)))) continue;
    rules.push(...policyRulesOf(source, `(aggregated from ClusterRole ${nameOf(source)}) rules`));
  }
  return {
    role: `aggregated ${label}`,
    rules,
    ...(context.cluster.complete ? {} : { openAggregation: `${label} aggregates the rules of every ClusterRole its aggregationRule selects, and ClusterRoles outside the input may match` }),
  };
}

/**
 * Shared body of the "a binding grants workloads X" rules: for each RoleBinding or
 * ClusterRoleBinding with a workload subject, the rules of its role that grant X fail; a role
 * that is neither in the input, the cluster context nor a default ClusterRole is `unknown`.
 */
export function checkWorkloadGrants(context: InputRuleContext, what: string, offends: (rule: PolicyRuleView) => string | undefined): readonly Violation[] | 'not-applicable' {
  const binding = context.object;
  // A binding of another group (OpenShift's authorization.openshift.io) has its own schema and meaning.
  if (!isKubernetesObject(binding)) return 'not-applicable';
  const subjects = workloadSubjects(binding);
  if (subjects.length === 0) return 'not-applicable';
  const ref = roleRefOf(binding);
  if (!ref) return [{ path: 'roleRef', message: 'roleRef must name a Role or ClusterRole (kind and name)' }];
  const granted = rulesGrantedBy(context, binding);
  const who = subjects.map((s) => s.description).join(', ');
  if (!granted) {
    return [missing(context.cluster, 'roleRef', `the ${ref.kind} ${JSON.stringify(ref.name)} this binding grants to ${who} is not in the input, so whether it grants ${what} is not known`, 'add it to the input or to cluster.objects')];
  }
  const violations: Violation[] = [];
  for (let i = 0; i < granted.rules.length; i++) {
    const rule = granted.rules[i];
    const offence = offends(rule);
    if (offence) violations.push({ path: 'roleRef', message: `grants ${who} ${offence} through ${granted.role} (${rule.path})` });
  }
  // Known offences fail; without one, an open aggregation leaves the answer unknown.
  if (violations.length === 0 && granted.openAggregation) {
    violations.push({ path: 'roleRef', message: `whether ${who} gets ${what} is not known: ${granted.openAggregation} (declare them in cluster.objects, or set cluster.complete)`, unknown: true });
  }
  return violations;
}

/**
 * The value for `key` worked out once per evaluation: `cache` holds one map per input index (an
 * evaluation's own), so thousands of workloads sharing a few namespaces pay for each once.
 */
export function oncePerEvaluation<K, V>(cache: WeakMap<InputIndex, Map<K, V>>, input: InputIndex, key: K, compute: () => V): V {
  let values = cache.get(input);
  if (!values) cache.set(input, (values = new Map()));
  let value = values.get(key);
  if (value === undefined) values.set(key, (value = compute()));
  return value;
}
