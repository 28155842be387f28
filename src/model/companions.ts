import { isIP } from 'node:net';
import type { Namespace, Service, ServiceAccount } from 'kubernetes-types/core/v1';
import type { ObjectMeta } from 'kubernetes-types/meta/v1';
import type { NetworkPolicy, NetworkPolicyEgressRule, NetworkPolicyIngressRule, NetworkPolicyPeer, NetworkPolicyPort } from 'kubernetes-types/networking/v1';
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1';
import { HardpodError } from './errors';
import type { KubeObject } from './kube-object';
import type { AllowRule, DnsEgress, NamespaceProps, NetworkPeer, PodSecurityLevel, WorkloadDefaults } from './workload-props';

/** Label every emitted object carries. */
export const MANAGED_BY_LABEL = { 'app.kubernetes.io/managed-by': 'hardpod' } as const;
/** The label that selects a workload's pods, and that other workloads' policies match on. */
export const WORKLOAD_LABEL = 'app.kubernetes.io/name';
/** The Kubernetes minor manifests target unless the defaults say otherwise. */
export const DEFAULT_KUBERNETES_MINOR = 33;
/** The label the API server sets on every Namespace to its name, for selecting one namespace. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** A DNS label (RFC 1123): what Kubernetes accepts as the name of a namespace, workload or companion. */
export function isDnsLabel(name: unknown): name is string {
  return typeof name === 'string' && name.length <= 63 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name);
}

/** Fails unless `value` is a DNS label; `field` names it in the message (`namespace`, `container name`). */
export function checkDnsLabel(value: unknown, field: string, where: string | undefined): void {
  if (!isDnsLabel(value)) throw new HardpodError(`${field} ${JSON.stringify(value)} is not a DNS label (lowercase letters, digits and "-", at most 63 characters)`, where);
}

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

/** A Service in front of the workload's pods; `headless` for StatefulSets. */
export function buildService(
  metadata: ObjectMeta,
  selector: Record<string, string>,
  ports: readonly ServicePort[],
  options: { type?: string; headless?: boolean } = {},
): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata,
    spec: {
      ...(options.headless ? { clusterIP: 'None' } : { type: options.type ?? 'ClusterIP' }),
      selector: { ...selector },
      ...(ports.length > 0 ? { ports: ports.map((p) => ({ ...p })) } : {}),
    },
  };
}

/** The budget fields of a workload's `podDisruptionBudget` prop. */
export interface DisruptionBudget {
  readonly minAvailable?: number | string;
  readonly maxUnavailable?: number | string;
}

/**
 * Throws unless the API accepts `budget` and it will be emitted: never both fields (the API rejects
 * that), and an explicit budget only for `replicas` > 1 (a budget is emitted only then).
 * @param replicas the workload's replicas, when it has any
 */
export function checkPodDisruptionBudget(budget: DisruptionBudget | false | undefined, replicas: number | undefined, where?: string): void {
  if (budget === undefined || budget === false) return;
  if (budget.minAvailable !== undefined && budget.maxUnavailable !== undefined) {
    throw new HardpodError(
      `podDisruptionBudget sets both minAvailable (${budget.minAvailable}) and maxUnavailable (${budget.maxUnavailable}); the API accepts only one: keep one of them`,
      where,
    );
  }
  if (replicas !== undefined && replicas <= 1) {
    throw new HardpodError(
      `podDisruptionBudget is set but replicas is ${replicas}, and a PodDisruptionBudget is emitted only for replicas > 1: raise replicas, or remove podDisruptionBudget`,
      where,
    );
  }
}

/** At most `maxUnavailable` (default 1) pods evicted at once by voluntary disruptions. */
export function buildPodDisruptionBudget(
  metadata: ObjectMeta,
  selector: Record<string, string>,
  budget: DisruptionBudget = {},
  where?: string,
): PodDisruptionBudget {
  checkPodDisruptionBudget(budget, undefined, where);
  const limit = budget.minAvailable !== undefined ? { minAvailable: budget.minAvailable } : { maxUnavailable: budget.maxUnavailable ?? 1 };
  return { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata, spec: { ...limit, selector: { matchLabels: { ...selector } } } };
}

/**
 * Throws unless `cidr` is an IPv4 or IPv6 address with a prefix length in range (`10.0.0.0/8`).
 * @param field what the CIDR is, for the message (`ipBlock.cidr`)
 */
export function checkCidr(cidr: unknown, field: string, where?: string): void {
  const [address, prefix, ...rest] = typeof cidr === 'string' ? cidr.split('/') : [];
  const family = address !== undefined ? isIP(address) : 0;
  const maxPrefix = family === 6 ? 128 : 32;
  if (family === 0 || rest.length > 0 || prefix === undefined || !/^\d{1,3}$/.test(prefix) || Number(prefix) > maxPrefix) {
    throw new HardpodError(`${field} ${JSON.stringify(cidr)} is not a CIDR: write an IPv4 or IPv6 address and a prefix length, e.g. 10.0.0.0/8 or fd00::/8`, where);
  }
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
    const family = isIP(dns.nodeLocalAddress);
    if (family === 0) {
      throw new HardpodError(`dns.nodeLocalAddress ${JSON.stringify(dns.nodeLocalAddress)} is not an IP address: write one such as 169.254.20.10`, where);
    }
    return { to: [{ ipBlock: { cidr: `${dns.nodeLocalAddress}/${family === 6 ? 128 : 32}` } }], ports: DNS_PORTS(53) };
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
    (peer.ipBlock.except ?? []).forEach((cidr, i) => checkCidr(cidr, `ipBlock.except[${i}]`, where));
    return { ipBlock: { cidr: peer.ipBlock.cidr, ...(peer.ipBlock.except ? { except: [...peer.ipBlock.except] } : {}) } };
  }
  if (!peer.podLabels && peer.namespace === undefined) {
    throw new HardpodError('a network peer needs podLabels, a namespace (or "*") or an ipBlock', where);
  }
  if (peer.namespace !== undefined && peer.namespace !== '*' && !isDnsLabel(peer.namespace)) {
    throw new HardpodError(`network peer namespace ${JSON.stringify(peer.namespace)} is not a namespace name: use a DNS label (lowercase letters, digits and "-") or "*" for every namespace`, where);
  }
  for (const [key, value] of Object.entries(peer.podLabels ?? {})) {
    if (key === '' || typeof value !== 'string') {
      throw new HardpodError(`network peer podLabels ${JSON.stringify(peer.podLabels)} has an empty key or a non-string value: give label keys and string values`, where);
    }
  }
  const out: NetworkPolicyPeer = {};
  if (peer.podLabels) out.podSelector = { matchLabels: { ...peer.podLabels } };
  if (peer.namespace === '*') out.namespaceSelector = {};
  else if (peer.namespace !== undefined) out.namespaceSelector = { matchLabels: { [NAMESPACE_NAME_LABEL]: peer.namespace } };
  return out;
}

function checkPort(port: unknown, field: string, where?: string): void {
  if (typeof port === 'string' ? port === '' : !(Number.isInteger(port) && (port as number) >= 1 && (port as number) <= 65535)) {
    throw new HardpodError(`${field} ${JSON.stringify(port)} is not a port: use a number from 1 to 65535 or a port name`, where);
  }
}

function rulePorts(rule: AllowRule, where?: string): { ports?: NetworkPolicyPort[] } {
  if (!rule.ports || rule.ports.length === 0) return {};
  rule.ports.forEach((p, i) => {
    checkPort(p.port, `ports[${i}].port`, where);
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

/** A Namespace that enforces, audits and warns at Pod Security `restricted`, pinned to one version. */
export function buildNamespace(props: NamespaceProps, defaults: WorkloadDefaults = {}, where?: string): NamespaceObjects {
  checkDnsLabel(props.name, 'namespace name', where);
  const version = props.podSecurityVersion ?? `v1.${defaults.kubernetesMinor ?? DEFAULT_KUBERNETES_MINOR}`;
  if (!/^(v1\.\d+|latest)$/.test(version)) throw new HardpodError(`podSecurityVersion "${version}" is not valid: write v1.<minor>, e.g. v1.33`, where);
  const labels: Record<string, string> = { ...defaults.labels, ...props.labels, ...MANAGED_BY_LABEL };
  for (const mode of ['enforce', 'audit', 'warn'] as const) {
    const level = props.podSecurity?.[mode] ?? 'restricted';
    if (!LEVELS.includes(level)) throw new HardpodError(`podSecurity.${mode} "${level}" is not a Pod Security level (privileged, baseline, restricted)`, where);
    labels[`pod-security.kubernetes.io/${mode}`] = level;
    labels[`pod-security.kubernetes.io/${mode}-version`] = version;
  }
  const namespace: Namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: props.name, labels } };
  const networkPolicy =
    props.defaultDeny === false
      ? undefined
      : buildNetworkPolicy(objectMeta('default-deny', props.name, { ...defaults.labels, ...props.labels, ...MANAGED_BY_LABEL }), {}, { dns: props.dns ?? defaults.dns }, where);
  return { namespace, networkPolicy, objects: networkPolicy ? [asKubeObject(namespace), asKubeObject(networkPolicy)] : [asKubeObject(namespace)] };
}

/** kubernetes-types leaves apiVersion/kind optional; everything hardpod builds sets both. */
export function asKubeObject(object: object): KubeObject {
  return object as KubeObject;
}
