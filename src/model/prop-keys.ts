import type {
  Affinity, NodeAffinity, NodeSelector, NodeSelectorRequirement, NodeSelectorTerm, PodAffinity, PodAffinityTerm, PreferredSchedulingTerm,
  WeightedPodAffinityTerm,
} from 'kubernetes-types/core/v1';
import type { LabelSelector, LabelSelectorRequirement } from 'kubernetes-types/meta/v1';
import type { DebugAccessProps } from './debug-access';
import { didYouMean } from './did-you-mean';
import { HardpodError } from './errors';
import { isFields } from './pod-view';
import type {
  AllowRule, AutoscalingProps, ContainerProps, CronJobProps, DeploymentProps, DnsEgress, EnvFromProps, EnvRef, FilesMount, JobProps, KeyToPath,
  NamespaceProps, NetworkPeer, NetworkPortRule, NetworkProps, PortProps, ProbeAction, ProbeProps, ProbesProps, ResolvingDefaults, ResourceFieldRef,
  ResourcesProps, ServiceAccountTokenProps, ServiceProps, ServingWorkloadProps, StatefulSetProps, TolerationProps, TopologySpreadProps,
  VolumeClaimProps, WorkloadProps, WritablePath,
} from './workload-props';

/**
 * The keys every props object of the model takes. Props given from JSON, YAML or plain JavaScript
 * are not type-checked, and a misspelt key (`replica: 3`, `allowedRegistry`) would otherwise be
 * ignored without a word, leaving the default in force. Each list is typed as every key of its
 * interface, so the compiler refuses a list that misses a key or names one the props lack.
 */
type KeyList<T> = { readonly [K in keyof Required<T>]: true };

function keys<T>(list: KeyList<T>): readonly string[] {
  return Object.keys(list);
}

const CONTAINER: KeyList<ContainerProps> = {
  image: true,
  name: true,
  command: true,
  args: true,
  env: true,
  envFrom: true,
  port: true,
  ports: true,
  probes: true,
  writablePaths: true,
  files: true,
  resources: true,
  runAsUser: true,
  runAsGroup: true,
  readOnlyRootFilesystem: true,
  allowPrivilegeEscalation: true,
  privileged: true,
  runAsNonRoot: true,
  capabilities: true,
  preStopSleepSeconds: true,
};
const { name: _containerName, ...CONTAINER_WITHOUT_NAME } = CONTAINER;
const WORKLOAD: KeyList<WorkloadProps> = {
  ...CONTAINER_WITHOUT_NAME,
  name: true,
  containerName: true,
  namespace: true,
  labels: true,
  annotations: true,
  podLabels: true,
  podAnnotations: true,
  sidecars: true,
  initContainers: true,
  fsGroup: true,
  seccompProfile: true,
  automountServiceAccountToken: true,
  serviceAccountName: true,
  enableServiceLinks: true,
  hostUsers: true,
  supplementalGroupsPolicy: true,
  imagePullSecrets: true,
  unprivilegedPortStart: true,
  network: true,
  nodeSelector: true,
  tolerations: true,
  affinity: true,
  topologySpreadConstraints: true,
  priorityClassName: true,
  terminationGracePeriodSeconds: true,
};
const SERVING: KeyList<ServingWorkloadProps> = { ...WORKLOAD, service: true };
const DEPLOYMENT: KeyList<DeploymentProps> = {
  ...SERVING,
  replicas: true,
  podDisruptionBudget: true,
  autoscaling: true,
};
const JOB: KeyList<JobProps> = {
  ...WORKLOAD,
  backoffLimit: true,
  activeDeadlineSeconds: true,
  ttlSecondsAfterFinished: true,
  completions: true,
  parallelism: true,
  restartPolicy: true,
};

/** Keys of each builder's props, and of the objects nested in them. */
export const PROP_KEYS = {
  container: keys<ContainerProps>(CONTAINER),
  deployment: keys<DeploymentProps>(DEPLOYMENT),
  statefulSet: keys<StatefulSetProps>({ ...DEPLOYMENT, volumeClaims: true }),
  daemonSet: keys<ServingWorkloadProps>(SERVING),
  job: keys<JobProps>(JOB),
  cronJob: keys<CronJobProps>({
    ...JOB,
    schedule: true,
    timeZone: true,
    concurrencyPolicy: true,
    successfulJobsHistoryLimit: true,
    failedJobsHistoryLimit: true,
    startingDeadlineSeconds: true,
  }),
  namespace: keys<NamespaceProps>({ name: true, labels: true, podSecurity: true, podSecurityVersion: true, defaultDeny: true, dns: true }),
  podSecurity: keys<NonNullable<NamespaceProps['podSecurity']>>({ enforce: true, audit: true, warn: true }),
  debugAccess: keys<DebugAccessProps>({ name: true, namespace: true, group: true, image: true, runAsUser: true, runAsGroup: true, labels: true }),
  port: keys<PortProps>({ port: true, containerPort: true, name: true, protocol: true }),
  probes: keys<ProbesProps>({ readiness: true, liveness: true, startup: true }),
  probe: keys<ProbeProps>({
    httpGet: true,
    tcpSocket: true,
    grpc: true,
    exec: true,
    initialDelaySeconds: true,
    periodSeconds: true,
    timeoutSeconds: true,
    failureThreshold: true,
    successThreshold: true,
  }),
  httpGet: keys<NonNullable<ProbeAction['httpGet']>>({ path: true, port: true, scheme: true }),
  tcpSocket: keys<NonNullable<ProbeAction['tcpSocket']>>({ port: true }),
  grpc: keys<NonNullable<ProbeAction['grpc']>>({ port: true, service: true }),
  exec: keys<NonNullable<ProbeAction['exec']>>({ command: true }),
  writablePath: keys<WritablePath>({ path: true, sizeLimit: true, medium: true }),
  files: keys<FilesMount>({ secret: true, configMap: true, serviceAccountToken: true, mountPath: true, items: true, optional: true, subPath: true }),
  serviceAccountToken: keys<ServiceAccountTokenProps>({ audience: true, expirationSeconds: true }),
  keyToPath: keys<KeyToPath>({ key: true, path: true }),
  envFrom: keys<EnvFromProps>({ configMap: true, prefix: true, optional: true }),
  envRef: keys<EnvRef>({ configMapKeyRef: true, fieldRef: true, resourceFieldRef: true }),
  resourceFieldRef: keys<ResourceFieldRef>({ resource: true, divisor: true }),
  configMapKeyRef: keys<NonNullable<EnvRef['configMapKeyRef']>>({ name: true, key: true, optional: true }),
  resourceNames: keys<NonNullable<ResourcesProps['limits']>>({ 'cpu': true, 'memory': true, 'ephemeral-storage': true }),
  resources: keys<ResourcesProps>({ requests: true, limits: true }),
  capabilities: keys<NonNullable<ContainerProps['capabilities']>>({ add: true, drop: true }),
  network: keys<NetworkProps>({ policy: true, dns: true, ingress: true, egress: true }),
  allowRule: keys<AllowRule>({ peer: true, ports: true }),
  peer: keys<NetworkPeer>({ podLabels: true, namespace: true, ipBlock: true }),
  ipBlock: keys<NonNullable<NetworkPeer['ipBlock']>>({ cidr: true, except: true }),
  networkPort: keys<NetworkPortRule>({ port: true, protocol: true, endPort: true }),
  volumeClaim: keys<VolumeClaimProps>({ name: true, mountPath: true, storage: true, storageClassName: true, accessModes: true, containers: true }),
  podDisruptionBudget: keys<Exclude<NonNullable<DeploymentProps['podDisruptionBudget']>, false>>({ minAvailable: true, maxUnavailable: true, unhealthyPodEvictionPolicy: true }),
  service: keys<ServiceProps>({ type: true, annotations: true, loadBalancerSourceRanges: true, externalTrafficPolicy: true }),
  autoscaling: keys<AutoscalingProps>({ minReplicas: true, maxReplicas: true, cpuUtilization: true, memoryUtilization: true }),
  dns: keys<Extract<DnsEgress, object>>({ nodeLocalAddress: true }),
  seccompProfile: keys<{ type: unknown; localhostProfile: unknown }>({ type: true, localhostProfile: true }),
  toleration: keys<TolerationProps>({ key: true, operator: true, value: true, effect: true, tolerationSeconds: true }),
  topologySpread: keys<TopologySpreadProps>({
    maxSkew: true,
    topologyKey: true,
    whenUnsatisfiable: true,
    labelSelector: true,
    minDomains: true,
    nodeAffinityPolicy: true,
    nodeTaintsPolicy: true,
    matchLabelKeys: true,
  }),
  labelSelector: keys<LabelSelector>({ matchLabels: true, matchExpressions: true }),
  labelSelectorRequirement: keys<LabelSelectorRequirement>({ key: true, operator: true, values: true }),
  affinity: keys<Affinity>({ nodeAffinity: true, podAffinity: true, podAntiAffinity: true }),
  nodeAffinity: keys<NodeAffinity>({ requiredDuringSchedulingIgnoredDuringExecution: true, preferredDuringSchedulingIgnoredDuringExecution: true }),
  nodeSelector: keys<NodeSelector>({ nodeSelectorTerms: true }),
  nodeSelectorTerm: keys<NodeSelectorTerm>({ matchExpressions: true, matchFields: true }),
  nodeSelectorRequirement: keys<NodeSelectorRequirement>({ key: true, operator: true, values: true }),
  preferredSchedulingTerm: keys<PreferredSchedulingTerm>({ weight: true, preference: true }),
  /** Pod affinity and pod anti-affinity take the same keys. */
  podAffinity: keys<PodAffinity>({ requiredDuringSchedulingIgnoredDuringExecution: true, preferredDuringSchedulingIgnoredDuringExecution: true }),
  podAffinityTerm: keys<PodAffinityTerm>({
    labelSelector: true, namespaceSelector: true, namespaces: true, topologyKey: true, matchLabelKeys: true, mismatchLabelKeys: true,
  }),
  weightedPodAffinityTerm: keys<WeightedPodAffinityTerm>({ weight: true, podAffinityTerm: true }),
} as const;

/** Keys of {@link ResolvingDefaults}. */
export const DEFAULTS_KEYS = keys<ResolvingDefaults>({
  allowedRegistries: true,
  resources: true,
  seccompProfile: true,
  labels: true,
  dns: true,
  imagePullSecrets: true,
  writableSizeLimit: true,
  kubernetesMinor: true,
  imageResolver: true,
  lockFile: true,
});

/**
 * Refuses a key of `value` (when it is an object) that `known` lacks, naming the field it sits in
 * (`probes.readiness`, '' for the props themselves) and the closest known key.
 */
export function refuseUnknownKeys(value: unknown, known: readonly string[], field: string, where: string, how: KeyWording = {}): void {
  if (!isFields(value)) return;
  const { noun = 'prop', listAlways = false } = how;
  for (const key of Object.keys(value)) {
    if (known.includes(key)) continue;
    const list = listAlways || known.length <= 12 ? `; expected one of ${known.join(', ')}` : '';
    throw new HardpodError(`unknown ${noun} ${JSON.stringify(field ? `${field}.${key}` : key)}${didYouMean(key, known)}${list}`, where);
  }
}

/** How {@link refuseUnknownKeys} words its error. */
export interface KeyWording {
  /** What a key is called: `option` for options, `property` for a plugin's properties. @default prop */
  readonly noun?: string;
  /** List every known key, however many. @default only up to 12 */
  readonly listAlways?: boolean;
}
