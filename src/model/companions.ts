import type { Namespace, Service, ServiceAccount } from 'kubernetes-types/core/v1';
import type { ObjectMeta } from 'kubernetes-types/meta/v1';
import type { NetworkPolicy, NetworkPolicyEgressRule, NetworkPolicyIngressRule, NetworkPolicyPeer, NetworkPolicyPort } from 'kubernetes-types/networking/v1';
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1';
import { INT32_MAX, isPortNumber } from './api-integers';
import { checkAnnotations, checkCidr, checkDnsLabel, checkLabels, checkOneOf, ipFamily, isDnsLabel, isInsideCidr, isPortName, parseCidr } from './api-values';
import { HardpodError } from './errors';
import type { KubeObject } from './kube-object';
import { NEWEST_KUBERNETES_MINOR, POD_SECURITY_VERSION } from './kubernetes-versions';
import { describeType } from './pod-view';
import { PROP_KEYS, refuseUnknownKeys } from './prop-keys';
import type { AllowRule, DnsEgress, NamespaceProps, NetworkPeer, PodSecurityLevel, ServiceProps, WorkloadDefaults } from './workload-props';

/** Name of the namespace-wide default-deny NetworkPolicy a hardened Namespace emits (a common name for platform-owned ones too). */
export const NAMESPACE_POLICY_NAME = 'default-deny';

/** Label every emitted object carries. */
export const MANAGED_BY_LABEL = { 'app.kubernetes.io/managed-by': 'hardpod' } as const;
/** The label that selects a workload's pods, and that other workloads' policies match on. */
export const WORKLOAD_LABEL = 'app.kubernetes.io/name';
/** The Kubernetes minor manifests target unless the defaults say otherwise. */
export const DEFAULT_KUBERNETES_MINOR = 33;

/**
 * The target minor from the defaults' `kubernetesMinor`. Anything but a whole number is refused:
 * `1.33` (the version, not its minor) would read as a target older than every gated field.
 */
export function targetMinor(kubernetesMinor: unknown, where?: string): number {
  if (kubernetesMinor === undefined) return DEFAULT_KUBERNETES_MINOR;
  if (typeof kubernetesMinor !== 'number' || !Number.isInteger(kubernetesMinor) || kubernetesMinor < 0) {
    throw new HardpodError(
      `kubernetesMinor ${typeof kubernetesMinor === 'number' ? kubernetesMinor : JSON.stringify(kubernetesMinor)} is not a Kubernetes minor: write the minor alone, as a whole number, e.g. ${DEFAULT_KUBERNETES_MINOR} for Kubernetes 1.${DEFAULT_KUBERNETES_MINOR}`,
      where,
    );
  }
  return kubernetesMinor;
}
/** The label the API server sets on every Namespace to its name, for selecting one namespace. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** Labels that select the pods of the workload called `name`. */
export function selectorLabels(name: string): Record<string, string> {
  return { [WORKLOAD_LABEL]: name };
}

/** Metadata shared by a workload and its companions. */
export function objectMeta(
  name: string,
  namespace: string | undefined,
  labels: Readonly<Record<string, string>>,
  annotations?: Readonly<Record<string, string>>,
): ObjectMeta {
  return {
    name,
    ...(namespace !== undefined ? { namespace } : {}),
    labels: { ...labels },
    ...(annotations && Object.keys(annotations).length > 0 ? { annotations: { ...annotations } } : {}),
  };
}

/** A dedicated ServiceAccount whose token is never mounted by default. */
export function buildServiceAccount(metadata: ObjectMeta): ServiceAccount {
  return { apiVersion: 'v1', kind: 'ServiceAccount', metadata, automountServiceAccountToken: false };
}

export interface ServicePort {
  readonly name: string;
  readonly port: number;
  readonly targetPort: string | number;
  readonly protocol: 'TCP' | 'UDP' | 'SCTP';
}

/** A Service in front of the workload's pods; `headless` for StatefulSets. Settings are checked by {@link checkServiceProps}. */
export function buildService(
  metadata: ObjectMeta,
  selector: Record<string, string>,
  ports: readonly ServicePort[],
  options: { type?: string; headless?: boolean; externalTrafficPolicy?: string; loadBalancerSourceRanges?: readonly string[] } = {},
): Service {
  const ranges = options.loadBalancerSourceRanges ?? [];
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata,
    spec: {
      ...(options.headless ? { clusterIP: 'None' } : { type: options.type ?? 'ClusterIP' }),
      selector: { ...selector },
      ...(ports.length > 0 ? { ports: ports.map((p) => ({ ...p })) } : {}),
      ...(options.externalTrafficPolicy ? { externalTrafficPolicy: options.externalTrafficPolicy } : {}),
      ...(ranges.length > 0 ? { loadBalancerSourceRanges: [...ranges] } : {}),
    },
  };
}

/** The annotation `loadBalancerSourceRanges` replaced; the API server reads it only when the field is empty. */
const SOURCE_RANGES_ANNOTATION = 'service.beta.kubernetes.io/load-balancer-source-ranges';
/** Deprecated for `service.kubernetes.io/topology-mode`: the API server warns about it. */
const TOPOLOGY_HINTS_ANNOTATION = 'service.kubernetes.io/topology-aware-hints';

/**
 * Throws unless the API server accepts the Service settings of a workload's `service` prop as the
 * Service it emits (`headless` for a StatefulSet's), without a warning.
 */
export function checkServiceProps(service: ServiceProps, headless: boolean, where?: string): void {
  checkOneOf(service.type, ['ClusterIP', 'NodePort', 'LoadBalancer'], 'service.type', where);
  const type = headless ? 'ClusterIP' : service.type ?? 'ClusterIP';
  const typeText = headless ? 'ClusterIP (a StatefulSet\'s Service is headless)' : service.type === undefined ? 'ClusterIP (the default)' : type;
  checkAnnotations(service.annotations, 'service.annotations', where);
  const annotations = service.annotations ?? {};
  if (SOURCE_RANGES_ANNOTATION in annotations) {
    throw new HardpodError(
      `service.annotations sets ${SOURCE_RANGES_ANNOTATION}, which loadBalancerSourceRanges replaced (the API server ignores the annotation when the field is set, ` +
        'and refuses it on a Service that is not of type LoadBalancer); hardpod refuses it: give the CIDRs as service.loadBalancerSourceRanges',
      where,
    );
  }
  if (TOPOLOGY_HINTS_ANNOTATION in annotations) {
    throw new HardpodError(
      `service.annotations sets ${TOPOLOGY_HINTS_ANNOTATION}, which is deprecated (the API server warns about it); hardpod refuses it: ` +
        'use service.kubernetes.io/topology-mode (Auto) instead',
      where,
    );
  }
  // "" and null are how the API reads a field left out (from JSON or YAML props): the default, emitted as nothing.
  const policy = service.externalTrafficPolicy as unknown;
  if (policy !== undefined && policy !== null && policy !== '') {
    checkOneOf(policy, ['Cluster', 'Local'], 'service.externalTrafficPolicy', where);
    if (type !== 'NodePort' && type !== 'LoadBalancer') {
      throw new HardpodError(
        `service.externalTrafficPolicy ${String(policy)} is for traffic from outside the cluster, but the Service is of type ${typeText}, which the API server refuses it on: ` +
          'set service.type to NodePort or LoadBalancer, or remove externalTrafficPolicy',
        where,
      );
    }
  }
  const ranges: unknown = service.loadBalancerSourceRanges;
  if (ranges === undefined) return;
  if (!Array.isArray(ranges)) throw new HardpodError(`service.loadBalancerSourceRanges must be a list of CIDRs such as ["203.0.113.0/24"] (got ${describeType(ranges)})`, where);
  if (ranges.length > 0 && type !== 'LoadBalancer') {
    throw new HardpodError(
      `service.loadBalancerSourceRanges restricts the clients of a cloud load balancer, but the Service is of type ${typeText}, which the API server refuses it on: ` +
        'set service.type to LoadBalancer, or remove loadBalancerSourceRanges',
      where,
    );
  }
  ranges.forEach((range: unknown, i) => {
    const field = `service.loadBalancerSourceRanges[${i}]`;
    if (typeof range === 'string' && range.trim() !== range && range.trim() !== '') {
      // The API server trims them (a leftover of the annotation the field replaced); the manifest should hold the CIDR alone.
      throw new HardpodError(`${field} ${JSON.stringify(range)} has spaces around the CIDR; hardpod refuses it although the API server trims them: write ${JSON.stringify(range.trim())}`, where);
    }
    checkCidr(range, field, where);
  });
}

/** The budget fields of a workload's `podDisruptionBudget` prop. */
export interface DisruptionBudget {
  readonly minAvailable?: number | string;
  readonly maxUnavailable?: number | string;
  readonly unhealthyPodEvictionPolicy?: 'AlwaysAllow' | 'IfHealthyBudget';
}

/**
 * `spec.unhealthyPodEvictionPolicy` of a PodDisruptionBudget is beta and on by default from
 * Kubernetes 1.27 (GA in 1.31); before that the API server drops it or refuses it.
 */
export const UNHEALTHY_POD_EVICTION_POLICY_MINOR = 27;

/**
 * Whether `value` (a whole number or a percentage, already checked) of `field` leaves no pod to
 * evict: the disruption controller rounds percentages up, so minAvailable "67%" of 3 is 3.
 */
function blocksEveryEviction(field: 'minAvailable' | 'maxUnavailable', value: number | string, replicas: number | undefined): boolean {
  const percent = typeof value === 'string' ? Number(value.slice(0, -1)) : undefined;
  if (field === 'maxUnavailable') return percent !== undefined ? percent === 0 : value === 0;
  if (percent !== undefined) return percent === 100 || (replicas !== undefined && Math.ceil((percent * replicas) / 100) >= replicas);
  return replicas !== undefined && (value as number) >= replicas;
}

/**
 * Throws unless the API accepts `budget` and it will be emitted: never both fields (the API rejects
 * that), and an explicit budget only for `replicas` > 1 (a budget is emitted only then).
 * @param replicas the workload's replicas, when it has any (an autoscaled workload's minReplicas)
 * @param replicasField the prop `replicas` comes from, for the messages
 */
export function checkPodDisruptionBudget(
  budget: DisruptionBudget | false | undefined, replicas: number | undefined, where?: string, replicasField = 'replicas',
): void {
  if (budget === undefined || budget === false) return;
  if (budget.minAvailable !== undefined && budget.maxUnavailable !== undefined) {
    throw new HardpodError(
      `podDisruptionBudget sets both minAvailable (${budget.minAvailable}) and maxUnavailable (${budget.maxUnavailable}); the API accepts only one: keep one of them`,
      where,
    );
  }
  for (const field of ['minAvailable', 'maxUnavailable'] as const) {
    const value = budget[field];
    if (value === undefined) continue;
    const ok = typeof value === 'number'
      ? Number.isInteger(value) && value >= 0 && value <= INT32_MAX
      : typeof value === 'string' && /^\d+%$/.test(value) && Number(value.slice(0, -1)) <= 100;
    if (!ok) {
      throw new HardpodError(
        `podDisruptionBudget.${field} ${JSON.stringify(value)} is not a number of pods or a percentage: use a whole number >= 0 or a percentage from 0% to 100% such as "50%"`,
        where,
      );
    }
  }
  if (replicas !== undefined && replicas <= 1) {
    throw new HardpodError(
      `podDisruptionBudget is set but ${replicasField} is ${replicas}, and a PodDisruptionBudget is emitted only for ${replicasField} > 1: raise ${replicasField}, or remove podDisruptionBudget`,
      where,
    );
  }
  for (const field of ['minAvailable', 'maxUnavailable'] as const) {
    const value = budget[field];
    if (value === undefined || !blocksEveryEviction(field, value, replicas)) continue;
    throw new HardpodError(
      `podDisruptionBudget.${field} ${JSON.stringify(value)}${replicas !== undefined ? ` with ${replicasField} ${replicas}` : ''} blocks every voluntary eviction, ` +
        'so a node drain or cluster upgrade waits on these pods forever; hardpod refuses it although the API server accepts it: ' +
        `let at least one pod go (maxUnavailable >= 1, or minAvailable below ${replicasField}), or set podDisruptionBudget: false`,
      where,
    );
  }
  const policy = budget.unhealthyPodEvictionPolicy;
  if (policy !== undefined && policy !== 'AlwaysAllow' && policy !== 'IfHealthyBudget') {
    throw new HardpodError(`podDisruptionBudget.unhealthyPodEvictionPolicy ${JSON.stringify(policy)} is not a policy: use AlwaysAllow or IfHealthyBudget`, where);
  }
}

/**
 * At most `maxUnavailable` (default 1) pods evicted at once by voluntary disruptions. Pods that run
 * but are not Ready may always be evicted (AlwaysAllow, where the target has the field): otherwise,
 * with every replica unhealthy (a crash loop, a dependency down), the budget refuses every eviction
 * and node drains hang, which is why the Kubernetes docs recommend AlwaysAllow.
 * @param kubernetesMinor the target Kubernetes minor (defaults' `kubernetesMinor`)
 */
export function buildPodDisruptionBudget(
  metadata: ObjectMeta,
  selector: Record<string, string>,
  budget: DisruptionBudget = {},
  where?: string,
  kubernetesMinor: number = DEFAULT_KUBERNETES_MINOR,
): PodDisruptionBudget {
  checkPodDisruptionBudget(budget, undefined, where);
  const minor = targetMinor(kubernetesMinor, where);
  const limit = budget.minAvailable !== undefined ? { minAvailable: budget.minAvailable } : { maxUnavailable: budget.maxUnavailable ?? 1 };
  const supported = minor >= UNHEALTHY_POD_EVICTION_POLICY_MINOR;
  if (budget.unhealthyPodEvictionPolicy !== undefined && !supported) {
    throw new HardpodError(
      `podDisruptionBudget.unhealthyPodEvictionPolicy needs Kubernetes 1.${UNHEALTHY_POD_EVICTION_POLICY_MINOR}+, but the target is 1.${minor} (kubernetesMinor), ` +
        'whose API server drops or refuses the field: remove it, or raise kubernetesMinor',
      where,
    );
  }
  const policy = budget.unhealthyPodEvictionPolicy ?? (supported ? 'AlwaysAllow' : undefined);
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata,
    spec: { ...limit, selector: { matchLabels: { ...selector } }, ...(policy ? { unhealthyPodEvictionPolicy: policy } : {}) },
  };
}

/** Throws unless every `except` CIDR is a strict subset of `cidr`, as the API server requires. */
function checkExcept(cidr: string, except: readonly string[], where?: string): void {
  if ('problem' in parseCidr(cidr)) return;
  except.forEach((text, i) => {
    checkCidr(text, `ipBlock.except[${i}]`, where);
    if (!isInsideCidr(text, cidr)) throw new HardpodError(`ipBlock.except[${i}] ${JSON.stringify(text)} is not inside ipBlock.cidr ${cidr}: each except must be a smaller network within it`, where);
  });
}

const DNS_PORTS = (port: number): NetworkPolicyPort[] => [{ protocol: 'UDP', port }, { protocol: 'TCP', port }];

/** The egress rule that lets pods resolve names, or undefined for `off`. */
export function dnsEgressRule(dns: DnsEgress = 'kube-dns', where?: string): NetworkPolicyEgressRule | undefined {
  if (dns === 'off') return undefined;
  if (dns === 'kube-dns') {
    return {
      to: [{ namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
      ports: DNS_PORTS(53),
    };
  }
  if (dns === 'openshift') {
    return {
      to: [{ namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: 'openshift-dns' } }, podSelector: { matchLabels: { 'dns.operator.openshift.io/daemonset-dns': 'default' } } }],
      ports: DNS_PORTS(5353),
    };
  }
  if (typeof dns === 'object' && dns !== null && typeof dns.nodeLocalAddress === 'string') {
    const family = ipFamily(dns.nodeLocalAddress);
    const cidr = `${dns.nodeLocalAddress}/${family === 6 ? 128 : 32}`;
    const parsed = parseCidr(cidr);
    if (family === 0) throw new HardpodError(`dns.nodeLocalAddress ${JSON.stringify(dns.nodeLocalAddress)} is not an IP address: write one such as 169.254.20.10`, where);
    if ('problem' in parsed) throw new HardpodError(`dns.nodeLocalAddress ${JSON.stringify(dns.nodeLocalAddress)} becomes ipBlock.cidr ${cidr}, which ${parsed.problem}`, where);
    return { to: [{ ipBlock: { cidr } }], ports: DNS_PORTS(53) };
  }
  throw new HardpodError(`dns ${JSON.stringify(dns)} is not valid: use 'kube-dns', 'openshift', 'off' or { nodeLocalAddress: '169.254.20.10' }`, where);
}

/**
 * A NetworkPolicy peer for an allow rule. A named namespace always becomes a namespaceSelector,
 * even the policy's own: the same rule then means the same thing wherever the policy lives, and
 * a namespace only known later (a Pulumi Output) gives the same shape.
 */
export function networkPeer(peer: NetworkPeer, where?: string): NetworkPolicyPeer {
  if (typeof peer !== 'object' || peer === null) throw new HardpodError(`network peer ${JSON.stringify(peer)} is not a peer: give podLabels, a namespace or an ipBlock`, where);
  if (peer.ipBlock) {
    if (peer.podLabels || peer.namespace !== undefined) throw new HardpodError('a network peer is either an ipBlock or pods/namespace, not both', where);
    checkCidr(peer.ipBlock.cidr, 'ipBlock.cidr', where);
    checkExcept(peer.ipBlock.cidr, peer.ipBlock.except ?? [], where);
    return { ipBlock: { cidr: peer.ipBlock.cidr, ...(peer.ipBlock.except ? { except: [...peer.ipBlock.except] } : {}) } };
  }
  if (!peer.podLabels && peer.namespace === undefined) {
    throw new HardpodError('a network peer needs podLabels, a namespace (or "*") or an ipBlock', where);
  }
  if (peer.namespace !== undefined && peer.namespace !== '*' && !isDnsLabel(peer.namespace)) {
    // The API server would take any label value here, but a namespace of that name cannot exist: the rule would match nothing.
    throw new HardpodError(
      `network peer namespace ${JSON.stringify(peer.namespace)} is not a namespace name, so the rule would match nothing (hardpod refuses it): ` +
        'use a DNS label (lowercase letters, digits and "-") or "*" for every namespace',
      where,
    );
  }
  checkLabels(peer.podLabels, 'network peer podLabels', where);
  const out: NetworkPolicyPeer = {};
  if (peer.podLabels) out.podSelector = { matchLabels: { ...peer.podLabels } };
  if (peer.namespace === '*') out.namespaceSelector = {};
  else if (peer.namespace !== undefined) out.namespaceSelector = { matchLabels: { [NAMESPACE_NAME_LABEL]: peer.namespace } };
  return out;
}

function checkPort(port: unknown, field: string, where?: string): void {
  if (typeof port === 'string' ? !isPortName(port) : !isPortNumber(port)) {
    throw new HardpodError(
      `${field} ${JSON.stringify(port)} is not a port: use a number from 1 to 65535 or a port name (at most 15 lowercase letters, digits and single inner "-", with at least one letter)`,
      where,
    );
  }
}

function rulePorts(rule: AllowRule, where?: string): { ports?: NetworkPolicyPort[] } {
  if (!rule.ports || rule.ports.length === 0) return {};
  rule.ports.forEach((p, i) => {
    checkPort(p.port, `ports[${i}].port`, where);
    checkOneOf(p.protocol, ['TCP', 'UDP', 'SCTP'], `ports[${i}].protocol`, where);
    if (p.endPort === undefined) return;
    if (typeof p.port !== 'number' || !Number.isInteger(p.endPort) || p.endPort < p.port || p.endPort > 65535) {
      throw new HardpodError(`ports[${i}].endPort ${JSON.stringify(p.endPort)} does not end a range from port ${JSON.stringify(p.port)}: use a numeric port and an endPort from it up to 65535`, where);
    }
  });
  return { ports: rule.ports.map((p) => ({ protocol: p.protocol ?? 'TCP', port: p.port, ...(p.endPort !== undefined ? { endPort: p.endPort } : {}) })) };
}

/**
 * A default-deny NetworkPolicy (ingress and egress) for the pods `podSelector` matches, with the
 * allow rules and DNS egress. An empty selector covers every pod in the namespace.
 */
export function buildNetworkPolicy(
  metadata: ObjectMeta,
  podSelector: Record<string, string>,
  rules: { ingress?: readonly AllowRule[]; egress?: readonly AllowRule[]; dns?: DnsEgress },
  where?: string,
): NetworkPolicy {
  const ingress: NetworkPolicyIngressRule[] = (rules.ingress ?? []).map((r) => ({ from: [networkPeer(r.peer, where)], ...rulePorts(r, where) }));
  const egress: NetworkPolicyEgressRule[] = (rules.egress ?? []).map((r) => ({ to: [networkPeer(r.peer, where)], ...rulePorts(r, where) }));
  const dns = dnsEgressRule(rules.dns, where);
  if (dns) egress.unshift(dns);
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata,
    spec: {
      podSelector: Object.keys(podSelector).length > 0 ? { matchLabels: { ...podSelector } } : {},
      policyTypes: ['Ingress', 'Egress'],
      ...(ingress.length > 0 ? { ingress } : {}),
      ...(egress.length > 0 ? { egress } : {}),
    },
  };
}

export interface NamespaceObjects {
  readonly namespace: Namespace;
  /** Namespace-wide default deny, unless `defaultDeny: false`. */
  readonly networkPolicy?: NetworkPolicy;
  readonly objects: readonly KubeObject[];
}

const LEVELS: readonly PodSecurityLevel[] = ['privileged', 'baseline', 'restricted'];

/**
 * A Namespace that enforces, audits and warns at Pod Security `restricted`, pinned to one version:
 * by default the newest hardpod judges (or the target's, when newer). An older API server treats
 * a newer pin as its own latest, so the pin admits nothing more on the target, and on an upgraded
 * cluster it still has every check Pod Security added up to that version.
 */
export function buildNamespace(props: NamespaceProps, defaults: WorkloadDefaults = {}, where?: string): NamespaceObjects {
  refuseUnknownKeys(props, PROP_KEYS.namespace, '', where ?? 'namespace');
  refuseUnknownKeys(props.podSecurity, PROP_KEYS.podSecurity, 'podSecurity', where ?? 'namespace');
  refuseUnknownKeys(props.dns, PROP_KEYS.dns, 'dns', where ?? 'namespace');
  checkDnsLabel(props.name, 'namespace name', where);
  checkLabels(props.labels, 'labels', where);
  checkLabels(defaults.labels, 'the platform default labels', where);
  const version = props.podSecurityVersion ?? `v1.${Math.max(targetMinor(defaults.kubernetesMinor, where), NEWEST_KUBERNETES_MINOR)}`;
  if (version !== 'latest' && !(typeof version === 'string' && POD_SECURITY_VERSION.test(version))) {
    throw new HardpodError(`podSecurityVersion ${JSON.stringify(version)} is not valid: write v1.<minor> without leading zeros, e.g. v1.${NEWEST_KUBERNETES_MINOR}, or latest`, where);
  }
  const labels: Record<string, string> = { ...defaults.labels, ...props.labels, ...MANAGED_BY_LABEL };
  for (const mode of ['enforce', 'audit', 'warn'] as const) {
    const level = props.podSecurity?.[mode] ?? 'restricted';
    if (!LEVELS.includes(level)) throw new HardpodError(`podSecurity.${mode} "${level}" is not a Pod Security level (privileged, baseline, restricted)`, where);
    labels[`pod-security.kubernetes.io/${mode}`] = level;
    labels[`pod-security.kubernetes.io/${mode}-version`] = version;
  }
  const namespace: Namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: props.name, labels } };
  const policyMeta = objectMeta(NAMESPACE_POLICY_NAME, props.name, { ...defaults.labels, ...props.labels, ...MANAGED_BY_LABEL });
  const networkPolicy = props.defaultDeny === false ? undefined : buildNetworkPolicy(policyMeta, {}, { dns: props.dns ?? defaults.dns }, where);
  return { namespace, networkPolicy, objects: networkPolicy ? [asKubeObject(namespace), asKubeObject(networkPolicy)] : [asKubeObject(namespace)] };
}

/** kubernetes-types leaves apiVersion/kind optional; everything hardpod builds sets both. */
export function asKubeObject(object: object): KubeObject {
  return object as KubeObject;
}
