import type { DaemonSet, Deployment, StatefulSet } from 'kubernetes-types/apps/v1';
import type { CronJob, Job, JobSpec } from 'kubernetes-types/batch/v1';
import type {
  Container, ContainerPort, PersistentVolumeClaim, PodSecurityContext, PodSpec, PodTemplateSpec, Probe,
  Service, ServiceAccount, SeccompProfile, Volume, VolumeMount,
} from 'kubernetes-types/core/v1';
import type { NetworkPolicy } from 'kubernetes-types/networking/v1';
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1';
import {
  DEFAULT_KUBERNETES_MINOR, MANAGED_BY_LABEL, asKubeObject, buildNetworkPolicy, buildPodDisruptionBudget, buildService, buildServiceAccount,
  isDnsLabel, objectMeta, selectorLabels, type ServicePort,
} from './companions';
import { HardpodError } from './errors';
import { DIGEST_ONLY_RESOLVER, type ImageFacts, type ImageResolver, type ResolvedImage } from './image';
import type { KubeObject } from './kube-object';
import type {
  ContainerProps, CronJobProps, DaemonSetProps, DeploymentProps, JobProps, PortProps, ProbeProps, ResourcesProps,
  ServingWorkloadProps, StatefulSetProps, WorkloadDefaults, WorkloadProps,
} from './workload-props';
import { applySecureDefaults } from '../hardening/harden';
import { DEFAULT_RESOURCES, RUNTIME_DEFAULT_SECCOMP, type HardeningOptions } from '../hardening/secure-defaults';
import { parseImageRef } from '../images/image-ref';

/** What a builder needs besides the props: where it is (for errors), platform defaults, and the image resolver. */
export interface BuildContext {
  /** Construct path or resource name, named in every error. */
  readonly where: string;
  /** Platform defaults; explicit props win. @default none */
  readonly defaults?: WorkloadDefaults;
  /** Pins image references. @default accepts digest-pinned references only */
  readonly imageResolver?: ImageResolver;
}

/** A workload and the companion objects emitted with it. */
export interface WorkloadObjects<W> {
  readonly workload: W;
  /** The dedicated ServiceAccount, unless `serviceAccountName` names an existing one. */
  readonly serviceAccount?: ServiceAccount;
  readonly service?: Service;
  readonly networkPolicy?: NetworkPolicy;
  readonly podDisruptionBudget?: PodDisruptionBudget;
  /** Every object above, workload first. */
  readonly objects: readonly KubeObject[];
}

/** Non-root processes cannot bind below this port unless the sysctl lowers it. */
export const PRIVILEGED_PORT_LIMIT = 1024;
const DEFAULT_WRITABLE_SIZE = '64Mi';
const DEFAULT_PRESTOP_SECONDS = 5;
/** The native `sleep` lifecycle action is on by default from Kubernetes 1.30. */
const SLEEP_ACTION_MINOR = 30;
/**
 * Pod fields behind feature gates: the API server knows the field from `known`, and honours it
 * without a gate from `onByDefault`. In between it drops a field whose gate is off, so the pod
 * would run without the hardening it asked for and nobody would be told.
 */
const GATED_POD_FIELDS = {
  hostUsers: { known: 25, onByDefault: 33, gate: 'UserNamespacesSupport' },
  supplementalGroupsPolicy: { known: 31, onByDefault: 33, gate: 'SupplementalGroupsPolicy' },
} as const;
const SHELLS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh', 'busybox']);

type Role = 'main' | 'sidecar' | 'init';
type Mutable<T> = { -readonly [K in keyof T]: T[K] };

interface ResolvedContainer {
  readonly props: ContainerProps;
  readonly role: Role;
  readonly name: string;
  readonly image: ResolvedImage;
  readonly ports: readonly (Required<Pick<PortProps, 'port' | 'containerPort' | 'name' | 'protocol'>>)[];
}

function fail(message: string, where: string): never {
  throw new HardpodError(message, where);
}

function checkRegistry(reference: string, allowed: readonly string[] | undefined, where: string): void {
  if (!allowed) return;
  const ref = parseImageRef(reference, where);
  const name = `${ref.registry}/${ref.repository}`;
  if (allowed.some((entry) => name === entry || name.startsWith(entry.endsWith('/') ? entry : `${entry}/`))) return;
  fail(`image "${reference}" comes from ${ref.registry}, which is not an allowed registry (allowed: ${allowed.join(', ')})`, where);
}

function portName(containerPort: number, protocol: string): string {
  return protocol === 'TCP' ? `port-${containerPort}` : `${protocol.toLowerCase()}-${containerPort}`;
}

function normalizePorts(c: ContainerProps, props: WorkloadProps, facts: ImageFacts | undefined, where: string): ResolvedContainer['ports'] {
  const declared: PortProps[] = [...(c.port !== undefined ? [{ port: c.port }] : []), ...(c.ports ?? [])];
  const lowest = props.unprivilegedPortStart ?? PRIVILEGED_PORT_LIMIT;
  const rootAllowed = props.runAsNonRoot === false || c.runAsNonRoot === false;
  return declared.map((p) => {
    if (!Number.isInteger(p.port) || p.port < 1 || p.port > 65535) fail(`port ${p.port} is not a port number (1-65535)`, where);
    const containerPort = p.containerPort ?? (p.port >= lowest || rootAllowed ? p.port : undefined);
    if (containerPort === undefined || (containerPort < lowest && !rootAllowed)) {
      const asked = containerPort ?? p.port;
      fail(
        `port ${asked} is below ${lowest} and a non-root process cannot bind it (adding NET_BIND_SERVICE does not help without root). ` +
          `Either serve it through the Service: { port: ${p.port}, containerPort: ${Math.max(8000 + (asked % 1000), PRIVILEGED_PORT_LIMIT)} } with the process listening there, ` +
          `or set unprivilegedPortStart: ${asked} to allow binding from ${asked} up (sysctl net.ipv4.ip_unprivileged_port_start)`,
        where,
      );
    }
    if (!Number.isInteger(containerPort) || containerPort < 1 || containerPort > 65535) fail(`containerPort ${containerPort} is not a port number (1-65535)`, where);
    const exposed = facts?.exposedPorts;
    if (exposed && exposed.length > 0 && !exposed.includes(containerPort)) {
      fail(`the image does not expose port ${containerPort} (it exposes ${exposed.join(', ')}); listen on one of those or fix the image`, where);
    }
    const protocol = p.protocol ?? 'TCP';
    return { port: p.port, containerPort, protocol, name: p.name ?? portName(containerPort, protocol) };
  });
}

function resolveContainer(c: ContainerProps, role: Role, index: number, props: WorkloadProps, ctx: BuildContext): ResolvedContainer {
  const name = role === 'main' ? (props.containerName ?? 'main') : c.name;
  const where = name ? `${ctx.where} (container ${name})` : `${ctx.where} (${role === 'init' ? 'initContainers' : 'sidecars'}[${index}])`;
  if (!name) fail(`every ${role === 'init' ? 'init container' : 'sidecar'} needs a name`, where);
  if (typeof c.image !== 'string' || c.image === '') fail('image is required (a digest-pinned reference)', where);
  const image = (ctx.imageResolver ?? DIGEST_ONLY_RESOLVER).resolve(c.image, where);
  checkRegistry(image.reference, ctx.defaults?.allowedRegistries, where);
  const ports = normalizePorts(c, props, image.facts, where);
  return { props: c, role, name, image, ports };
}

function checkExecTool(command: readonly string[], facts: ImageFacts | undefined, where: string): void {
  const tool = command[0];
  if (!tool) fail('an exec probe needs a command', where);
  const base = tool.slice(tool.lastIndexOf('/') + 1);
  const lockHint = 'use an httpGet, tcpSocket or grpc probe, or run `npx hardpod lock` (with layer inspection) so the image\'s tools are known';
  if (!facts) fail(`an exec probe runs "${tool}", but nothing is known about the image's tools; ${lockHint}`, where);
  const present = SHELLS.has(base) ? facts.hasShell === true : (facts.tools ?? []).some((t) => t === tool || t.slice(t.lastIndexOf('/') + 1) === base);
  if (!present) fail(`an exec probe runs "${tool}", which the image does not contain; use an httpGet, tcpSocket or grpc probe`, where);
}

function buildProbe(p: ProbeProps, kind: string, c: ResolvedContainer, where: string): Probe {
  const actions = (['httpGet', 'tcpSocket', 'grpc', 'exec'] as const).filter((a) => p[a] !== undefined);
  if (actions.length !== 1) fail(`the ${kind} probe needs exactly one of httpGet, tcpSocket, grpc or exec (got ${actions.length})`, where);
  const defaultPort = (): string | number => {
    const first = c.ports.find((port) => port.protocol === 'TCP');
    if (!first) fail(`the ${kind} probe has no port and the container declares no TCP port`, where);
    return first.name;
  };
  const probe: Mutable<Probe> = {};
  if (p.httpGet) {
    probe.httpGet = { path: p.httpGet.path, port: p.httpGet.port ?? defaultPort(), ...(p.httpGet.scheme ? { scheme: p.httpGet.scheme } : {}) };
  }
  if (p.tcpSocket) probe.tcpSocket = { port: p.tcpSocket.port ?? defaultPort() };
  if (p.grpc) {
    const port = p.grpc.port ?? c.ports.find((x) => x.protocol === 'TCP')?.containerPort;
    if (port === undefined) fail(`the ${kind} grpc probe has no port and the container declares no TCP port`, where);
    probe.grpc = { port, ...(p.grpc.service !== undefined ? { service: p.grpc.service } : {}) };
  }
  if (p.exec) {
    checkExecTool(p.exec.command, c.image.facts, where);
    probe.exec = { command: [...p.exec.command] };
  }
  for (const timing of ['initialDelaySeconds', 'periodSeconds', 'timeoutSeconds', 'failureThreshold', 'successThreshold'] as const) {
    if (p[timing] !== undefined) probe[timing] = p[timing];
  }
  return probe;
}

function pathSlug(path: string): string {
  const slug = path.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return (slug || 'root').slice(0, 50).replace(/-+$/, '');
}

/** Everything that differs per workload kind. */
interface KindTraits {
  /** Long-running pods behind a Service (not Jobs). */
  readonly serving: boolean;
  readonly restartPolicy?: 'Never' | 'OnFailure';
}

type ResourceMap = Record<string, Record<string, string>>;

/** Platform and container resources merged: values to set, and `[section, key]` pairs deliberately omitted. */
function resourcesFor(c: ContainerProps, defaults: WorkloadDefaults): { explicit: ResourceMap; omitted: [string, string][] } {
  const explicit: ResourceMap = {};
  const omitted: [string, string][] = [];
  const layers: (ResourcesProps | undefined)[] = [defaults.resources, c.resources];
  for (const section of ['requests', 'limits'] as const) {
    const merged: Record<string, string | false> = {};
    for (const layer of layers) Object.assign(merged, layer?.[section] ?? {});
    for (const [key, value] of Object.entries(merged)) {
      if (value === false) omitted.push([section, key]);
      else if (value !== undefined) (explicit[section] ??= {})[key] = value;
    }
  }
  return { explicit, omitted };
}

function containerSpec(
  c: ResolvedContainer,
  traits: KindTraits,
  volumes: Volume[],
  usedVolumeNames: Set<string>,
  defaults: WorkloadDefaults,
  extraMounts: readonly VolumeMount[],
  where: string,
): Container {
  const p = c.props;
  const container: Mutable<Container> = { name: c.name, image: c.image.reference };
  if (p.command) container.command = [...p.command];
  if (p.args) container.args = [...p.args];
  if (p.env && Object.keys(p.env).length > 0) container.env = Object.entries(p.env).map(([name, value]) => ({ name, value }));
  if (c.ports.length > 0) {
    container.ports = c.ports.map((port): ContainerPort => ({ name: port.name, containerPort: port.containerPort, protocol: port.protocol }));
  }

  const mounts: VolumeMount[] = [...extraMounts];
  for (const entry of p.writablePaths ?? []) {
    const w = typeof entry === 'string' ? { path: entry } : entry;
    if (!w.path.startsWith('/')) fail(`writable path "${w.path}" must be absolute`, where);
    let volumeName = pathSlug(w.path);
    for (let i = 2; usedVolumeNames.has(volumeName); i++) volumeName = `${pathSlug(w.path).slice(0, 46)}-${i}`;
    usedVolumeNames.add(volumeName);
    const sizeLimit = w.sizeLimit ?? defaults.writableSizeLimit ?? DEFAULT_WRITABLE_SIZE;
    volumes.push({ name: volumeName, emptyDir: { sizeLimit, ...(w.medium ? { medium: w.medium } : {}) } });
    mounts.push({ name: volumeName, mountPath: w.path });
  }
  if (mounts.length > 0) container.volumeMounts = mounts;

  if (c.role === 'init' && p.probes) fail('init containers cannot have probes', where);
  if (c.role !== 'init' && p.probes !== false) {
    const firstTcp = c.ports.find((port) => port.protocol === 'TCP');
    const probes = p.probes ?? (firstTcp && traits.serving ? { readiness: { tcpSocket: {} }, liveness: { tcpSocket: {} } } : {});
    if (probes.readiness) container.readinessProbe = buildProbe(probes.readiness, 'readiness', c, where);
    if (probes.liveness) container.livenessProbe = buildProbe(probes.liveness, 'liveness', c, where);
    if (probes.startup) container.startupProbe = buildProbe(probes.startup, 'startup', c, where);
  }

  const minor = defaults.kubernetesMinor ?? DEFAULT_KUBERNETES_MINOR;
  const sleepSupported = minor >= SLEEP_ACTION_MINOR;
  const preStop = p.preStopSleepSeconds ?? (sleepSupported && traits.serving && c.role !== 'init' && c.ports.length > 0 ? DEFAULT_PRESTOP_SECONDS : false);
  if (preStop !== false) {
    if (c.role === 'init') fail('init containers cannot have a preStop hook', where);
    if (!sleepSupported) fail(`preStopSleepSeconds needs the native sleep action of Kubernetes 1.${SLEEP_ACTION_MINOR}+, but the target is 1.${minor}`, where);
    if (!Number.isInteger(preStop) || preStop < 1) fail(`preStopSleepSeconds ${preStop} must be a whole number of seconds >= 1`, where);
    // The native sleep action (Kubernetes 1.30+) needs no `sleep` binary, so it works in shell-less images.
    container.lifecycle = { preStop: { sleep: { seconds: preStop } } };
  }
  const { explicit } = resourcesFor(p, defaults);
  if (Object.keys(explicit).length > 0) container.resources = explicit;
  return container;
}

/** Applies the explicit opt-outs of a container after the secure defaults filled everything else. */
function applyContainerOptOuts(container: Container, c: ResolvedContainer, defaults: WorkloadDefaults, rootAllowed: boolean, where: string): void {
  const p = c.props;
  const sc = (container.securityContext ??= {}) as Mutable<NonNullable<Container['securityContext']>>;
  if (p.readOnlyRootFilesystem !== undefined) sc.readOnlyRootFilesystem = p.readOnlyRootFilesystem;
  if (p.allowPrivilegeEscalation !== undefined) sc.allowPrivilegeEscalation = p.allowPrivilegeEscalation;
  if (p.privileged !== undefined) sc.privileged = p.privileged;
  if (p.runAsNonRoot !== undefined) sc.runAsNonRoot = p.runAsNonRoot;
  if (p.capabilities?.drop) sc.capabilities = { ...sc.capabilities, drop: [...p.capabilities.drop] };
  if (p.capabilities?.add && p.capabilities.add.length > 0) sc.capabilities = { ...sc.capabilities, add: [...p.capabilities.add] };

  const uid = p.runAsUser ?? c.image.facts?.uid;
  if (p.runAsUser !== undefined) {
    if (!Number.isInteger(p.runAsUser) || p.runAsUser < 0) fail(`runAsUser ${p.runAsUser} is not a uid`, where);
    if (p.runAsUser === 0 && !rootAllowed) fail('runAsUser 0 is root; use a non-zero uid, or set runAsNonRoot: false to run as root on purpose', where);
    sc.runAsUser = p.runAsUser;
  } else if (uid === 0 && !rootAllowed) {
    fail(`image "${c.image.reference}" runs as root (uid 0, per the lock file); set runAsUser to a non-zero uid it supports, or runAsNonRoot: false`, where);
  } else if (uid === undefined && !rootAllowed && c.image.facts?.user !== undefined && !/^\d+(:\d+)?$/.test(c.image.facts.user)) {
    // The kubelet cannot prove a user name is not root and refuses to start the container.
    fail(
      `image "${c.image.reference}" runs as user "${c.image.facts.user}", a name the lock file could not resolve to a uid; ` +
        'the kubelet refuses names under runAsNonRoot: set runAsUser to its numeric uid (or lock with --inspect)',
      where,
    );
  }
  if (p.runAsGroup !== undefined) sc.runAsGroup = p.runAsGroup;

  if (container.resources) {
    for (const [section, key] of resourcesFor(p, defaults).omitted) {
      const bucket = (container.resources as Record<string, Record<string, unknown> | undefined>)[section];
      if (bucket) {
        delete bucket[key];
        if (Object.keys(bucket).length === 0) delete (container.resources as Record<string, unknown>)[section];
      }
    }
  }
}

interface PodBuild {
  readonly template: PodTemplateSpec;
  readonly main: ResolvedContainer;
  readonly selector: Record<string, string>;
  readonly labels: Record<string, string>;
}

/** Fails for a gated pod field the target version does not know, or would silently drop when it hardens. */
function checkGatedField(field: keyof typeof GATED_POD_FIELDS, value: unknown, hardens: boolean, minor: number, where: string): void {
  if (value === undefined) return;
  const { known, onByDefault, gate } = GATED_POD_FIELDS[field];
  if (minor < known) fail(`${field} is a pod field from Kubernetes 1.${known}, but the target is 1.${minor} (kubernetesMinor); its API server rejects it`, where);
  if (hardens && minor < onByDefault) {
    fail(`${field}: ${JSON.stringify(value)} needs Kubernetes 1.${onByDefault}+, where the ${gate} feature is on by default; the target is 1.${minor} (kubernetesMinor), whose API server drops the field unless that feature gate is on, and the pod would run without it`, where);
  }
}

function buildPod(
  props: WorkloadProps,
  traits: KindTraits,
  ctx: BuildContext,
  extra: { mounts?: readonly VolumeMount[]; needsFsGroup?: boolean } = {},
): PodBuild {
  const defaults = ctx.defaults ?? {};
  const where = ctx.where;
  if (!isDnsLabel(props.name)) {
    fail(`name "${props.name}" is not a DNS label (lowercase letters, digits and "-", at most 63 characters)`, where);
  }
  const portStart = props.unprivilegedPortStart;
  if (portStart !== undefined && (!Number.isInteger(portStart) || portStart < 0 || portStart > 65535)) {
    fail(`unprivilegedPortStart ${portStart} is not a port number`, where);
  }
  const minor = defaults.kubernetesMinor ?? DEFAULT_KUBERNETES_MINOR;
  // Only the values that harden need the gate: hostUsers: true and Merge are what a dropped field means anyway.
  checkGatedField('hostUsers', props.hostUsers, props.hostUsers === false, minor, where);
  checkGatedField('supplementalGroupsPolicy', props.supplementalGroupsPolicy, props.supplementalGroupsPolicy === 'Strict', minor, where);
  const main = resolveContainer({ ...props, name: undefined }, 'main', 0, props, ctx);
  const sidecars = (props.sidecars ?? []).map((c, i) => resolveContainer(c, 'sidecar', i, props, ctx));
  const inits = (props.initContainers ?? []).map((c, i) => resolveContainer(c, 'init', i, props, ctx));
  const names = new Set<string>();
  for (const c of [main, ...sidecars, ...inits]) {
    if (names.has(c.name)) fail(`two containers are named "${c.name}"`, where);
    names.add(c.name);
  }

  const volumes: Volume[] = [];
  const usedVolumeNames = new Set<string>((extra.mounts ?? []).map((m) => m.name));
  const whereOf = (c: ResolvedContainer) => `${where} (container ${c.name})`;
  const spec: Mutable<PodSpec> = { containers: [] };
  if (props.serviceAccountName !== undefined) spec.serviceAccountName = props.serviceAccountName;
  else spec.serviceAccountName = props.name;
  if (props.hostUsers !== undefined) spec.hostUsers = props.hostUsers;
  const pullSecrets = props.imagePullSecrets ?? defaults.imagePullSecrets;
  if (pullSecrets && pullSecrets.length > 0) spec.imagePullSecrets = pullSecrets.map((name) => ({ name }));
  if (props.nodeSelector) spec.nodeSelector = { ...props.nodeSelector };
  if (props.terminationGracePeriodSeconds !== undefined) spec.terminationGracePeriodSeconds = props.terminationGracePeriodSeconds;
  if (traits.restartPolicy) spec.restartPolicy = traits.restartPolicy;
  if (inits.length > 0) spec.initContainers = inits.map((c) => containerSpec(c, traits, volumes, usedVolumeNames, defaults, [], whereOf(c)));
  spec.containers = [
    containerSpec(main, traits, volumes, usedVolumeNames, defaults, extra.mounts ?? [], whereOf(main)),
    ...sidecars.map((c) => containerSpec(c, traits, volumes, usedVolumeNames, defaults, [], whereOf(c))),
  ];
  if (volumes.length > 0) spec.volumes = volumes;

  const securityContext: Mutable<PodSecurityContext> = {};
  const fsGroup = props.fsGroup ?? (extra.needsFsGroup ? (props.runAsGroup ?? main.image.facts?.gid) : undefined);
  if (extra.needsFsGroup && props.fsGroup === undefined && fsGroup === undefined) {
    fail('persistent volumes need an fsGroup so the non-root user can write them: set fsGroup (or runAsGroup), lock the image so its group is known, or set fsGroup: false', where);
  }
  if (fsGroup !== undefined && fsGroup !== false) {
    securityContext.fsGroup = fsGroup;
    // Skips the recursive chown on every start when the volume root already has the right group.
    securityContext.fsGroupChangePolicy = 'OnRootMismatch';
  }
  if (props.supplementalGroupsPolicy) (securityContext as Record<string, unknown>).supplementalGroupsPolicy = props.supplementalGroupsPolicy;
  if (props.unprivilegedPortStart !== undefined) {
    securityContext.sysctls = [{ name: 'net.ipv4.ip_unprivileged_port_start', value: String(props.unprivilegedPortStart) }];
  }
  if (Object.keys(securityContext).length > 0) spec.securityContext = securityContext;

  const seccomp = props.seccompProfile ?? defaults.seccompProfile;
  const facts = new Map<string, ImageFacts | undefined>([main, ...sidecars, ...inits].map((c) => [c.image.reference, c.image.facts]));
  const platformResources = defaults.resources;
  const options: HardeningOptions = {
    imageFacts: (image) => facts.get(image),
    seccompProfile: seccomp ? (seccomp as SeccompProfile) : RUNTIME_DEFAULT_SECCOMP,
    resources: {
      requests: { ...DEFAULT_RESOURCES.requests, ...withoutFalse(platformResources?.requests) },
      limits: { ...DEFAULT_RESOURCES.limits, ...withoutFalse(platformResources?.limits) },
    },
  };
  applySecureDefaults(spec, options);

  // Explicit opt-outs, applied after the defaults so that they win.
  const podSc = (spec.securityContext ??= {}) as Mutable<PodSecurityContext>;
  if (seccomp === false) delete podSc.seccompProfile;
  if (props.runAsNonRoot === false) podSc.runAsNonRoot = false;
  if (props.automountServiceAccountToken !== undefined) spec.automountServiceAccountToken = props.automountServiceAccountToken;
  if (props.enableServiceLinks !== undefined) spec.enableServiceLinks = props.enableServiceLinks;
  const all = [...inits, main, ...sidecars];
  const containers = [...(spec.initContainers ?? []), ...spec.containers];
  all.forEach((c, i) => {
    const rootAllowed = props.runAsNonRoot === false || c.props.runAsNonRoot === false;
    applyContainerOptOuts(containers[i], c, defaults, rootAllowed, whereOf(c));
  });

  const selector = selectorLabels(props.name);
  const labels = { ...defaults.labels, ...props.labels, ...selector, ...MANAGED_BY_LABEL };
  const template: PodTemplateSpec = {
    metadata: {
      labels: { ...labels, ...props.podLabels },
      ...(props.podAnnotations ? { annotations: { ...props.podAnnotations } } : {}),
    },
    spec,
  };
  return { template, main, selector, labels };
}

function withoutFalse(values: Readonly<Record<string, string | false | undefined>> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(values ?? {})) if (typeof value === 'string') out[key] = value;
  return out;
}

function finish<W extends object>(
  workload: W,
  props: WorkloadProps,
  pod: PodBuild,
  ctx: BuildContext,
  options: { service?: ServingWorkloadProps['service']; headless?: boolean; replicas?: number; pdb?: DeploymentProps['podDisruptionBudget'] },
): WorkloadObjects<W> {
  const meta = () => objectMeta(props.name, props.namespace, pod.labels);
  const serviceAccount = props.serviceAccountName === undefined ? buildServiceAccount(meta()) : undefined;
  const ports: ServicePort[] = pod.main.ports.map((p) => ({ name: p.name, port: p.port, targetPort: p.name, protocol: p.protocol }));
  const service =
    options.headless || (options.service !== undefined && ports.length > 0 && options.service !== false)
      ? buildService(meta(), pod.selector, ports, { headless: options.headless, type: options.service ? options.service.type : undefined })
      : undefined;
  const network = props.network ?? {};
  const networkPolicy =
    network.policy === false
      ? undefined
      : buildNetworkPolicy(meta(), pod.selector, {
        ingress: network.ingress, egress: network.egress, dns: network.dns ?? ctx.defaults?.dns,
      }, ctx.where);
  const podDisruptionBudget =
    options.replicas !== undefined && options.replicas > 1 && options.pdb !== false
      ? buildPodDisruptionBudget(meta(), pod.selector, options.pdb)
      : undefined;
  const objects = [workload, serviceAccount, service, networkPolicy, podDisruptionBudget]
    .filter((o): o is NonNullable<typeof o> => o !== undefined)
    .map(asKubeObject);
  return { workload, serviceAccount, service, networkPolicy, podDisruptionBudget, objects };
}

function workloadMeta(props: WorkloadProps, pod: PodBuild) {
  return objectMeta(props.name, props.namespace, pod.labels, props.annotations);
}

function checkReplicas(replicas: number, where: string): number {
  if (!Number.isInteger(replicas) || replicas < 0) fail(`replicas ${replicas} is not a whole number >= 0`, where);
  return replicas;
}

/** A hardened Deployment with its ServiceAccount, Service (when ports), NetworkPolicy and PodDisruptionBudget (replicas > 1). */
export function buildDeployment(props: DeploymentProps, ctx: BuildContext): WorkloadObjects<Deployment> {
  const pod = buildPod(props, { serving: true }, ctx);
  const replicas = checkReplicas(props.replicas ?? 2, ctx.where);
  const workload: Deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: workloadMeta(props, pod),
    spec: { replicas, selector: { matchLabels: { ...pod.selector } }, template: pod.template },
  };
  return finish(workload, props, pod, ctx, { service: props.service ?? {}, replicas, pdb: props.podDisruptionBudget });
}

/** A hardened StatefulSet with a headless Service, persistent volumes (fsGroup set) and the usual companions. */
export function buildStatefulSet(props: StatefulSetProps, ctx: BuildContext): WorkloadObjects<StatefulSet> {
  const claims = props.volumeClaims ?? [];
  const mounts = claims.map((c) => ({ name: c.name, mountPath: c.mountPath }));
  const pod = buildPod(props, { serving: true }, ctx, { mounts, needsFsGroup: claims.length > 0 });
  const replicas = checkReplicas(props.replicas ?? 1, ctx.where);
  const volumeClaimTemplates: PersistentVolumeClaim[] = claims.map((c) => ({
    metadata: { name: c.name },
    spec: {
      accessModes: [...(c.accessModes ?? ['ReadWriteOnce'])],
      ...(c.storageClassName !== undefined ? { storageClassName: c.storageClassName } : {}),
      resources: { requests: { storage: c.storage } },
    },
  }));
  const workload: StatefulSet = {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: workloadMeta(props, pod),
    spec: {
      replicas,
      serviceName: props.name,
      selector: { matchLabels: { ...pod.selector } },
      template: pod.template,
      ...(volumeClaimTemplates.length > 0 ? { volumeClaimTemplates } : {}),
    },
  };
  return finish(workload, props, pod, ctx, { headless: props.service !== false, service: props.service, replicas, pdb: props.podDisruptionBudget });
}

/** A hardened DaemonSet (one pod per node) with its companions; no PodDisruptionBudget. */
export function buildDaemonSet(props: DaemonSetProps, ctx: BuildContext): WorkloadObjects<DaemonSet> {
  const pod = buildPod(props, { serving: true }, ctx);
  const workload: DaemonSet = {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: workloadMeta(props, pod),
    spec: { selector: { matchLabels: { ...pod.selector } }, template: pod.template },
  };
  return finish(workload, props, pod, ctx, { service: props.service ?? {} });
}

function jobSpec(props: JobProps, pod: PodBuild): JobSpec {
  return {
    backoffLimit: props.backoffLimit ?? 3,
    ttlSecondsAfterFinished: props.ttlSecondsAfterFinished ?? 3600,
    ...(props.activeDeadlineSeconds !== undefined ? { activeDeadlineSeconds: props.activeDeadlineSeconds } : {}),
    ...(props.completions !== undefined ? { completions: props.completions } : {}),
    ...(props.parallelism !== undefined ? { parallelism: props.parallelism } : {}),
    template: pod.template,
  };
}

/** A hardened Job (no Service) with its ServiceAccount and NetworkPolicy. */
export function buildJob(props: JobProps, ctx: BuildContext): WorkloadObjects<Job> {
  const pod = buildPod(props, { serving: false, restartPolicy: props.restartPolicy ?? 'Never' }, ctx);
  const workload: Job = { apiVersion: 'batch/v1', kind: 'Job', metadata: workloadMeta(props, pod), spec: jobSpec(props, pod) };
  return finish(workload, props, pod, ctx, {});
}

/** A hardened CronJob (no overlapping runs by default) with its ServiceAccount and NetworkPolicy. */
export function buildCronJob(props: CronJobProps, ctx: BuildContext): WorkloadObjects<CronJob> {
  if (typeof props.schedule !== 'string' || props.schedule.trim().split(/\s+/).length < 5 && !props.schedule.startsWith('@')) {
    fail(`schedule "${props.schedule}" is not a cron schedule (five fields such as "0 3 * * *", or @daily)`, ctx.where);
  }
  const pod = buildPod(props, { serving: false, restartPolicy: props.restartPolicy ?? 'Never' }, ctx);
  const workload: CronJob = {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: workloadMeta(props, pod),
    spec: {
      schedule: props.schedule,
      ...(props.timeZone !== undefined ? { timeZone: props.timeZone } : {}),
      concurrencyPolicy: props.concurrencyPolicy ?? 'Forbid',
      successfulJobsHistoryLimit: props.successfulJobsHistoryLimit ?? 3,
      failedJobsHistoryLimit: props.failedJobsHistoryLimit ?? 1,
      ...(props.startingDeadlineSeconds !== undefined ? { startingDeadlineSeconds: props.startingDeadlineSeconds } : {}),
      jobTemplate: { metadata: { labels: { ...pod.labels } }, spec: jobSpec(props, pod) },
    },
  };
  return finish(workload, props, pod, ctx, {});
}
