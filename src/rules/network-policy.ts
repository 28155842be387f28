import type { InputIndex, InputRule, InputRuleContext, Violation } from './rule';
import type { KubeObject } from '../model/kube-object';
import { isFields } from '../model/pod-view';
import { clusterObjects, describeNamespace, groupsOf, nameOf, namespaceOf, oncePerEvaluation, selectorMatches } from './support/hardened';
import { cis, get, nist, PASS } from './support/pss';
import { text } from './support/shared-text';

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
    const { policies, selectsRuntimeLabels } = policiesFor(context, namespace);
    // The platform's policies are known when it declares them (even as an empty list).
    const policiesKnown = context.cluster.complete === true || context.cluster.networkPolicies !== undefined;
    let violations: Violation[] | undefined;
    for (let i = 0; i < context.pods.length; i++) {
      const pod = context.pods[i];
      if (pod.spec.hostNetwork === true) {
        // Policies isolate pods by their own addresses; one on the node's network has none of its own.
        (violations ??= []).push({
          path: text`${pod.specPath}.hostNetwork`,
          message: 'the pod uses the node\'s network (hostNetwork: true), which NetworkPolicies do not reliably isolate (Kubernetes leaves it to the network plugin, and most treat it as node traffic); remove hostNetwork',
        });
        continue;
      }
      const labels = selectsRuntimeLabels ? runtimeLabels(context.object, pod.labels, context.minor) : pod.labels;
      const unisolated: Direction[] = [];
      for (let j = 0; j < DIRECTIONS.length; j++) {
        const direction = DIRECTIONS[j];
        let isolated = false;
        // Policies add up: one rule that allows everything opens the direction whatever the others say.
        let open: KubeObject | undefined;
        for (let k = 0; k < policies.length; k++) {
          const policy = policies[k];
          if (!policy.types.includes(direction) || !selectorMatches(policy.selector, labels)) continue;
          isolated = true;
          if (policy.allowsAll[direction]) {
            open = policy.object;
            break;
          }
        }
        if (!isolated) unisolated.push(direction);
        else if (open) (violations ??= []).push({ path: text`${pod.metadataPath}.labels`, message: `NetworkPolicy ${JSON.stringify(nameOf(open))} selects the pod but allows all ${direction.toLowerCase()} traffic, so the pod is not isolated for ${direction}; narrow that rule to the peers and ports the workload needs` });
      }
      if (unisolated.length === 0) continue;
      const first = unisolated[0], second = unisolated[1];
      const directions = second === undefined ? first : text`${first} and ${second}`;
      const types = second === undefined ? first : text`${first}, ${second}`;
      const what = text`no NetworkPolicy in ${describeNamespace(namespace)} selects the pod for ${directions}, so that traffic is not denied by default`;
      const fix = text`add a default-deny NetworkPolicy (podSelector: {}, policyTypes: [${types}])`;
      const path = text`${pod.metadataPath}.labels`;
      (violations ??= []).push(policiesKnown
        ? { path, message: text`${what}; ${fix}` }
        : { path, message: text`${what} as far as this input shows; ${fix}, or declare the policies the platform owns in cluster.networkPolicies`, unknown: true });
    }
    return violations ?? PASS;
  },
};

/** A NetworkPolicy with what the check asks of it for every pod, read once. */
interface PolicyFacts {
  readonly object: KubeObject;
  readonly selector: unknown;
  readonly types: readonly string[];
  readonly allowsAll: Readonly<Record<Direction, boolean>>;
}

/** The policies that may select a namespace's pods: the input's in the namespace, then the platform's. */
interface NamespacePolicies {
  readonly policies: readonly PolicyFacts[];
  /** Whether any of them selects on a label that controllers add, so that pods need their runtime labels. */
  readonly selectsRuntimeLabels: boolean;
}

/** Per evaluation (per input index), each namespace's policies: thousands of workloads share a few namespaces. */
const BY_NAMESPACE = new WeakMap<InputIndex, Map<string | undefined, NamespacePolicies>>();

function policiesFor(context: InputRuleContext, namespace: string | undefined): NamespacePolicies {
  return oncePerEvaluation(BY_NAMESPACE, context.input, namespace, () => {
    // A platform policy declared without a namespace stands for one installed in every namespace.
    const objects: KubeObject[] = [];
    for (const group of groupsOf('NetworkPolicy', context.minor)) for (const p of context.input.byKind('NetworkPolicy', group)) if (namespaceOf(p) === namespace) objects.push(p);
    for (const p of clusterObjects(context.cluster, 'NetworkPolicy', context.minor)) if (namespaceOf(p) === undefined || namespaceOf(p) === namespace) objects.push(p);
    return {
      policies: objects.map((object) => ({
        object,
        selector: get(object.spec, 'podSelector'),
        types: policyTypesOf(object),
        allowsAll: { Ingress: allowsAll(object, 'Ingress'), Egress: allowsAll(object, 'Egress') },
      })),
      // The labels controllers add matter only to policies that select on them, which few do.
      selectsRuntimeLabels: objects.some(selectsOnRuntimeLabel),
    };
  });
}

/**
 * A value no selector can name: it stands for what a controller generates (a template hash, a
 * UID), so `Exists` and `NotIn` select such a pod, and `In`, `DoesNotExist` and matchLabels do not.
 */
const GENERATED = ' generated by the controller';

/** Every label key {@link runtimeLabels} may add. */
const RUNTIME_LABEL_KEYS = new Set([
  'pod-template-hash', 'controller-revision-hash', 'statefulset.kubernetes.io/pod-name', 'apps.kubernetes.io/pod-index', 'pod-template-generation',
  'controller-uid', 'job-name', 'batch.kubernetes.io/controller-uid', 'batch.kubernetes.io/job-name', 'batch.kubernetes.io/job-completion-index',
]);

/** Whether a policy's pod selector names a label key that controllers add to pods. */
function selectsOnRuntimeLabel(policy: KubeObject): boolean {
  const selector = get(policy.spec, 'podSelector');
  const matchLabels = get(selector, 'matchLabels');
  if (isFields(matchLabels) && Object.keys(matchLabels).some((key) => RUNTIME_LABEL_KEYS.has(key))) return true;
  const expressions = get(selector, 'matchExpressions');
  return Array.isArray(expressions) && expressions.some((e: unknown) => RUNTIME_LABEL_KEYS.has(get(e, 'key') as string));
}

/**
 * The labels the pods of a built-in workload carry at runtime: the template's, plus those the API
 * server or the controller adds to every pod (a NetworkPolicy may select on them).
 */
function runtimeLabels(object: KubeObject, template: Readonly<Record<string, string>>, minor: number): Readonly<Record<string, string>> {
  const group = typeof object.apiVersion === 'string' && object.apiVersion.includes('/') ? object.apiVersion.slice(0, object.apiVersion.indexOf('/')) : '';
  if (group !== 'apps' && group !== 'batch' && group !== 'extensions') return template;
  const added: Record<string, string> = {};
  switch (object.kind) {
    case 'Deployment':
      added['pod-template-hash'] = GENERATED;
      break;
    case 'StatefulSet':
      added['controller-revision-hash'] = GENERATED;
      added['statefulset.kubernetes.io/pod-name'] = GENERATED;
      if (minor >= 28) added['apps.kubernetes.io/pod-index'] = GENERATED;
      break;
    case 'DaemonSet':
      added['controller-revision-hash'] = GENERATED;
      added['pod-template-generation'] = GENERATED;
      break;
    case 'Job':
    case 'CronJob': {
      const jobSpec = object.kind === 'Job' ? object.spec : get(get(object.spec, 'jobTemplate'), 'spec');
      if (get(jobSpec, 'manualSelector') === true) break;
      // The API server adds these to the Job's template unless the template sets them; a CronJob's Jobs get generated names.
      const jobName = object.kind === 'Job' && nameOf(object) !== '' ? nameOf(object) : GENERATED;
      const fromServer: Record<string, string> = { 'controller-uid': GENERATED, 'job-name': jobName };
      if (minor >= 27) Object.assign(fromServer, { 'batch.kubernetes.io/controller-uid': GENERATED, 'batch.kubernetes.io/job-name': jobName });
      for (const key in fromServer) if (!Object.prototype.hasOwnProperty.call(template, key)) added[key] = fromServer[key];
      if (get(jobSpec, 'completionMode') === 'Indexed' && minor >= 28) added['batch.kubernetes.io/job-completion-index'] = GENERATED;
      break;
    }
    default:
      return template;
  }
  return { ...template, ...added };
}

/**
 * `spec.policyTypes`, or what the API server defaults it to when it is absent or empty: Ingress,
 * plus Egress when there is at least one egress rule (`egress: []` or `null` adds nothing).
 */
function policyTypesOf(policy: KubeObject): readonly string[] {
  const types = get(policy.spec, 'policyTypes');
  if (Array.isArray(types) && types.length > 0) return types.filter((t): t is string => typeof t === 'string');
  const egress = get(policy.spec, 'egress');
  return Array.isArray(egress) && egress.length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
}

/** A rule with no peers (or an all-addresses ipBlock) and no ports allows everything. */
function allowsAll(policy: KubeObject, direction: Direction): boolean {
  const rules = get(policy.spec, direction === 'Ingress' ? 'ingress' : 'egress');
  if (!Array.isArray(rules)) return false;
  const peersKey = direction === 'Ingress' ? 'from' : 'to';
  return rules.some((rule: unknown) => {
    // The API server reads a null rule as an empty one: no peers and no ports.
    if (rule === null) return true;
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
