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

/** At most `maxUnavailable` (default 1) pods evicted at once by voluntary disruptions. */
export function buildPodDisruptionBudget(
  metadata: ObjectMeta,
  selector: Record<string, string>,
  budget: { minAvailable?: number | string; maxUnavailable?: number | string } = {},
): PodDisruptionBudget {
  const limit = budget.minAvailable !== undefined ? { minAvailable: budget.minAvailable } : { maxUnavailable: budget.maxUnavailable ?? 1 };
  return { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata, spec: { ...limit, selector: { matchLabels: { ...selector } } } };
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
  if (typeof dns === 'object' && typeof dns.nodeLocalAddress === 'string' && /^[0-9a-fA-F.:]+$/.test(dns.nodeLocalAddress)) {
    const bits = dns.nodeLocalAddress.includes(':') ? 128 : 32;
    return { to: [{ ipBlock: { cidr: `${dns.nodeLocalAddress}/${bits}` } }], ports: DNS_PORTS(53) };
  }
  throw new HardpodError(`dns ${JSON.stringify(dns)} is not valid: use 'kube-dns', 'openshift', 'off' or { nodeLocalAddress: '169.254.20.10' }`, where);
}

/** A NetworkPolicy peer for an allow rule, relative to the namespace the policy lives in. */
export function networkPeer(peer: NetworkPeer, policyNamespace: string | undefined, where?: string): NetworkPolicyPeer {
  if (peer.ipBlock) {
    if (peer.podLabels || peer.namespace) throw new HardpodError('a network peer is either an ipBlock or pods/namespace, not both', where);
    return { ipBlock: { cidr: peer.ipBlock.cidr, ...(peer.ipBlock.except ? { except: [...peer.ipBlock.except] } : {}) } };
  }
  if (!peer.podLabels && peer.namespace === undefined) {
    throw new HardpodError('a network peer needs podLabels, a namespace (or "*") or an ipBlock', where);
  }
  const out: NetworkPolicyPeer = {};
  if (peer.podLabels) out.podSelector = { matchLabels: { ...peer.podLabels } };
  if (peer.namespace === '*') {out.namespaceSelector = {};} else if (peer.namespace !== undefined && (!peer.podLabels || peer.namespace !== policyNamespace)) {
    out.namespaceSelector = { matchLabels: { [NAMESPACE_NAME_LABEL]: peer.namespace } };
  }
  return out;
}

function rulePorts(rule: AllowRule): { ports?: NetworkPolicyPort[] } {
  if (!rule.ports || rule.ports.length === 0) return {};
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
  const ns = metadata.namespace;
  const ingress: NetworkPolicyIngressRule[] = (rules.ingress ?? []).map((r) => ({ from: [networkPeer(r.peer, ns, where)], ...rulePorts(r) }));
  const egress: NetworkPolicyEgressRule[] = (rules.egress ?? []).map((r) => ({ to: [networkPeer(r.peer, ns, where)], ...rulePorts(r) }));
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
