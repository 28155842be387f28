import type { DaemonSet, Deployment, StatefulSet } from 'kubernetes-types/apps/v1';
import type { HorizontalPodAutoscaler } from 'kubernetes-types/autoscaling/v2';
import type { CronJob, Job, JobSpec } from 'kubernetes-types/batch/v1';
import type {
  Container, ContainerPort, EnvFromSource, EnvVar, PersistentVolumeClaim, PodSecurityContext, PodSpec, PodTemplateSpec, Probe,
  Service, ServiceAccount, SeccompProfile, Volume, VolumeMount, VolumeProjection,
} from 'kubernetes-types/core/v1';
import type { NetworkPolicy } from 'kubernetes-types/networking/v1';
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1';
import { INT32_MAX, INT64_MAX, isPortNumber } from './api-integers';
import { checkAnnotations, checkDnsLabel, checkLabels, checkOneOf, checkWhole, isDnsLabel, isDnsSubdomain, isPortName, shownNumber } from './api-values';
import { buildHorizontalPodAutoscaler, resolveAutoscaling, type ResolvedAutoscaling } from './autoscaling';
import {
  MANAGED_BY_LABEL, NAMESPACE_POLICY_NAME, WORKLOAD_LABEL, asKubeObject, buildNetworkPolicy, buildPodDisruptionBudget,
  buildService, buildServiceAccount, checkPodDisruptionBudget, checkServiceProps, objectMeta, selectorLabels, targetMinor, type ServicePort,
} from './companions';
import { cronScheduleProblem, timeZoneProblem } from './cron';
import { didYouMean } from './did-you-mean';
import { fail } from './errors';
import { DIGEST_ONLY_RESOLVER, exposedPortsOf, type ImageFacts, type ImageResolver, type ResolvedImage } from './image';
import { claimObjectKey, type KubeObject } from './kube-object';
import { droppedFieldProblem, NATIVE_SIDECAR_MINOR } from './kubernetes-versions';
import { describeType, isFields } from './pod-view';
import { PROP_KEYS, refuseUnknownKeys } from './prop-keys';
import { parseQuantity, quantityGreater } from './quantity';
import { schedulingSpec } from './scheduling';
import type {
  ContainerProps, ContainerResourcePath, CronJobProps, DaemonSetProps, DeploymentProps, EnvFromProps, EnvRef, FilesMount, JobProps, KeyToPath,
  PodFieldPath, PortProps, ProbeProps, ResourceFieldRef, ResourcesProps, ServiceAccountTokenProps, ServingWorkloadProps, StatefulSetProps,
  VolumeClaimProps, WorkloadDefaults, WorkloadProps,
} from './workload-props';
import { applySecureDefaults } from '../hardening/harden';
import { DEFAULT_RESOURCES, RUNTIME_DEFAULT_SECCOMP, type HardeningOptions } from '../hardening/secure-defaults';
import { allowedRegistryPrefix, outsideAllowedRegistries, parseImageRef } from '../images/image-ref';
import { SHELLS } from '../images/tool-names';

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
  /** With `autoscaling`: scales the workload (Deployment, StatefulSet). */
  readonly horizontalPodAutoscaler?: HorizontalPodAutoscaler;
  /** Every object above, workload first. */
  readonly objects: readonly KubeObject[];
}

/**
 * Records that `owner` (a construct path) emits the workload `name` in `namespace`, refusing a
 * second one of that name there, of any kind: both would emit companions (ServiceAccount,
 * NetworkPolicy, Service, PodDisruptionBudget, HorizontalPodAutoscaler) of one kind, namespace and name, each overwriting
 * the other on apply, and their pods would carry the same selector label.
 */
export function claimWorkloadName(claimed: Map<string, string>, name: string, namespace: string | undefined, owner: string): void {
  claimObjectKey(claimed, `${namespace ?? ''}/${name}`, owner, (first) =>
    `a workload named "${name}"${namespace !== undefined ? ` in namespace "${namespace}"` : ' without a namespace'} is already emitted by ${first}; ` +
      'both would emit a ServiceAccount, NetworkPolicy (and Service, PodDisruptionBudget, HorizontalPodAutoscaler) of that name, each overwriting the other on apply, ' +
      `and select each other's pods (label ${WORKLOAD_LABEL}: ${name}): give one of them another name (the name prop)`);
}

/** Non-root processes cannot bind below this port unless the sysctl lowers it. */
export const PRIVILEGED_PORT_LIMIT = 1024;
const DEFAULT_WRITABLE_SIZE = '64Mi';
const DEFAULT_PRESTOP_SECONDS = 5;
/** Kubernetes' default terminationGracePeriodSeconds. */
const DEFAULT_GRACE_SECONDS = 30;
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

type Role = 'main' | 'sidecar' | 'init';
type Mutable<T> = { -readonly [K in keyof T]: T[K] };

interface ResolvedContainer {
  readonly props: ContainerProps;
  readonly role: Role;
  readonly name: string;
  readonly image: ResolvedImage;
  /** One entry per Service port; `targetName` names the container port it maps to. */
  readonly ports: readonly (Required<Pick<PortProps, 'port' | 'containerPort' | 'name' | 'protocol'>> & { readonly targetName: string })[];
}

type Shape = 'object' | 'array' | 'string' | 'number' | 'string[]' | 'object[]';
const SHAPE_OK: Record<Shape, (v: unknown) => boolean> = {
  'object': isFields,
  'array': Array.isArray,
  'string': (v) => typeof v === 'string',
  'number': (v) => typeof v === 'number',
  'string[]': (v) => Array.isArray(v) && v.every((x) => typeof x === 'string'),
  'object[]': (v) => Array.isArray(v) && v.every(isFields),
};
const SHAPE_NAME: Record<Shape, string> = {
  'object': 'an object',
  'array': 'a list',
  'string': 'a string',
  'number': 'a number',
  'string[]': 'a list of strings',
  'object[]': 'a list of objects',
};

/**
 * Props from JSON, YAML or plain JavaScript are not type-checked: refuse a wrong shape here with the
 * field's name, instead of a TypeError deep inside or a silently mangled object. Undefined passes
 * (every field checked is optional); `false` passes where it is an opt-out.
 */
function checkShape(value: unknown, shape: Shape, field: string, where: string, falseAllowed = false): void {
  if (value === undefined || (falseAllowed && value === false) || SHAPE_OK[shape](value)) return;
  const got = value === null ? 'null' : Array.isArray(value) ? 'a list' : isFields(value) ? 'an object' : JSON.stringify(value) ?? typeof value;
  fail(`${field} must be ${SHAPE_NAME[shape]}${falseAllowed ? ' or false' : ''} (got ${got})`, where);
}

/** The largest user or group id the API server accepts. */
const MAX_ID = INT32_MAX;


function checkRegistry(reference: string, allowed: readonly string[] | undefined, where: string): void {
  if (!allowed) return;
  const outside = outsideAllowedRegistries(parseImageRef(reference, where), allowed.map(allowedRegistryPrefix));
  if (outside !== undefined) fail(`image "${reference}" is ${outside}, which is under none of the allowed registries (${allowed.join(', ')})`, where);
}

function portName(containerPort: number, protocol: string): string {
  return protocol === 'TCP' ? `port-${containerPort}` : `${protocol.toLowerCase()}-${containerPort}`;
}

function normalizePorts(c: ContainerProps, props: WorkloadProps, facts: ImageFacts | undefined, where: string): ResolvedContainer['ports'] {
  const declared: PortProps[] = [...(c.port !== undefined ? [{ port: c.port }] : []), ...(c.ports ?? [])];
  const lowest = props.unprivilegedPortStart ?? PRIVILEGED_PORT_LIMIT;
  const rootAllowed = props.runAsNonRoot === false || c.runAsNonRoot === false;
  const exposed = facts === undefined ? [] : exposedPortsOf(facts);
  const resolved = declared.map((p) => {
    if (!isPortNumber(p.port)) fail(`port ${p.port} is not a port number (1-65535)`, where);
    checkOneOf(p.protocol, ['TCP', 'UDP', 'SCTP'], `the protocol of port ${p.port}`, where);
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
    if (!isPortNumber(containerPort)) fail(`containerPort ${containerPort} is not a port number (1-65535)`, where);
    const protocol = p.protocol ?? 'TCP';
    if (exposed.length > 0 && !exposed.includes(`${containerPort}/${protocol.toLowerCase()}`)) {
      fail(`the image does not expose port ${containerPort}${protocol === 'TCP' ? '' : `/${protocol}`} (it exposes ${exposed.join(', ')}); listen on one of those or fix the image`, where);
    }
    if (p.name !== undefined && (typeof p.name !== 'string' || !isPortName(p.name))) {
      fail(`port name ${JSON.stringify(p.name)} is not a valid port name (at most 15 lowercase letters, digits and single inner "-", with at least one letter)`, where);
    }
    return { port: p.port, containerPort, protocol, explicitName: p.name };
  });
  // Several Service ports may map to one container port: the container declares it once, and each
  // Service port keeps its own name (named after its Service port when the container port's is taken).
  const targets = new Map<string, string>();
  const shared = new Set<string>();
  for (const p of resolved) {
    const key = `${p.containerPort}/${p.protocol}`;
    if (targets.has(key)) shared.add(key);
    else targets.set(key, p.explicitName ?? portName(p.containerPort, p.protocol));
  }
  const ports = resolved.map((p) => {
    const key = `${p.containerPort}/${p.protocol}`;
    const name = p.explicitName ?? (shared.has(key) ? portName(p.port, p.protocol) : targets.get(key)!);
    return { port: p.port, containerPort: p.containerPort, protocol: p.protocol, name, targetName: targets.get(key)! };
  });
  const unique = (values: string[], what: string, fix: string) => {
    const dup = values.find((v, i) => values.indexOf(v) !== i);
    if (dup !== undefined) fail(`two ports have the same ${what} ${dup}; ${fix}`, where);
  };
  unique(ports.map((p) => `${p.port}/${p.protocol}`), 'Service port', 'declare each port once');
  unique(ports.map((p) => p.name), 'name', 'give each port its own name');
  unique([...targets.values()], 'container port name', 'give each container port its own name');
  return ports;
}

/**
 * Containers running side by side share the pod's network: two cannot listen on one port, and a port
 * name declared twice is resolved to the first container's port by Services and name-selecting
 * probes (the API server warns of both).
 */
function checkPodPorts(containers: readonly ResolvedContainer[], where: string): void {
  const ports = new Map<string, string>();
  const names = new Map<string, string>();
  for (const c of containers) {
    for (const p of containerPorts(c)) {
      const port = `${p.containerPort}/${p.protocol}`;
      const other = ports.get(port);
      if (other !== undefined) {
        fail(`containers "${other}" and "${c.name}" both listen on port ${port}, but the containers of a pod share one network and only one can bind it; give "${c.name}" another containerPort`, where);
      }
      ports.set(port, c.name);
      const named = names.get(p.name!);
      if (named !== undefined) {
        fail(
          `containers "${named}" and "${c.name}" both declare a port named "${p.name}"; Services and probes selecting it by name would use "${named}"'s: ` +
            `give "${c.name}"'s port another name`,
          where,
        );
      }
      names.set(p.name!, c.name);
    }
  }
}

/** The container's own port list: one entry per container port, however many Service ports map to it. */
function containerPorts(c: ResolvedContainer): ContainerPort[] {
  const seen = new Set<string>();
  return c.ports.filter((p) => !seen.has(p.targetName) && seen.add(p.targetName))
    .map((p) => ({ name: p.targetName, containerPort: p.containerPort, protocol: p.protocol }));
}

const CONTAINER_SHAPES: readonly (readonly [keyof ContainerProps, Shape])[] = [
  ['command', 'string[]'], ['args', 'string[]'], ['port', 'number'], ['ports', 'object[]'],
  ['writablePaths', 'array'], ['files', 'object[]'], ['resources', 'object'], ['capabilities', 'object'], ['envFrom', 'array'],
];
const POD_SHAPES: readonly (readonly [keyof StatefulSetProps, Shape])[] = [
  ['containerName', 'string'], ['namespace', 'string'], ['sidecars', 'array'], ['initContainers', 'array'], ['labels', 'object'],
  ['podLabels', 'object'], ['annotations', 'object'], ['podAnnotations', 'object'], ['nodeSelector', 'object'],
  ['network', 'object'], ['imagePullSecrets', 'string[]'], ['volumeClaims', 'object[]'],
  ['tolerations', 'array'], ['affinity', 'object'], ['topologySpreadConstraints', 'array'], ['priorityClassName', 'string'],
];

/** Shape and keys of one container's props (see checkShape), and env names for the target `minor`; other values are checked where they are used. */
function checkContainerShape(c: ContainerProps, where: string, minor: number): void {
  for (const [field, shape] of CONTAINER_SHAPES) checkShape(c[field], shape, field, where);
  checkShape(c.probes, 'object', 'probes', where, true);
  for (const kind of ['readiness', 'liveness', 'startup'] as const) checkShape(c.probes ? c.probes[kind] : undefined, 'object', `probes.${kind}`, where);
  for (const section of ['requests', 'limits'] as const) checkShape(c.resources?.[section], 'object', `resources.${section}`, where);
  for (const list of ['add', 'drop'] as const) checkShape(c.capabilities?.[list], 'string[]', `capabilities.${list}`, where);
  c.ports?.forEach((port, i) => refuseUnknownKeys(port, PROP_KEYS.port, `ports[${i}]`, where));
  c.writablePaths?.forEach((path, i) => refuseUnknownKeys(path, PROP_KEYS.writablePath, `writablePaths[${i}]`, where));
  c.files?.forEach((entry, i) => {
    refuseUnknownKeys(entry, PROP_KEYS.files, `files[${i}]`, where);
    checkShape(entry.items, 'object[]', `files[${i}].items`, where);
    entry.items?.forEach((item, j) => refuseUnknownKeys(item, PROP_KEYS.keyToPath, `files[${i}].items[${j}]`, where));
    checkShape(entry.serviceAccountToken, 'object', `files[${i}].serviceAccountToken`, where);
    refuseUnknownKeys(entry.serviceAccountToken, PROP_KEYS.serviceAccountToken, `files[${i}].serviceAccountToken`, where);
  });
  refuseUnknownKeys(c.resources, PROP_KEYS.resources, 'resources', where);
  for (const section of ['requests', 'limits'] as const) refuseUnknownKeys(c.resources?.[section], PROP_KEYS.resourceNames, `resources.${section}`, where);
  refuseUnknownKeys(c.capabilities, PROP_KEYS.capabilities, 'capabilities', where);
  refuseUnknownKeys(c.probes, PROP_KEYS.probes, 'probes', where);
  for (const kind of ['readiness', 'liveness', 'startup'] as const) {
    const probe = c.probes ? c.probes[kind] : undefined;
    refuseUnknownKeys(probe, PROP_KEYS.probe, `probes.${kind}`, where);
    for (const action of ['httpGet', 'tcpSocket', 'grpc', 'exec'] as const) refuseUnknownKeys(probe?.[action], PROP_KEYS[action], `probes.${kind}.${action}`, where);
  }
  if (Array.isArray(c.env)) fail("env must be an object { NAME: 'value' } (got a list; hardpod does not take Kubernetes' [{ name, value }] form)", where);
  checkShape(c.env, 'object', 'env', where);
  for (const [name, value] of Object.entries(c.env ?? {})) {
    const problem = envNameProblem(name, minor);
    if (problem !== undefined) fail(`env name ${JSON.stringify(name)} ${problem}`, where);
    if (typeof value !== 'string') checkEnvRef(value, `env.${name}`, where);
  }
  c.envFrom?.forEach((source, i) => checkEnvFrom(source, `envFrom[${i}]`, where, minor));
}

/** The API server's rule for environment variable names and envFrom prefixes: non-empty printable ASCII without "=". */
const ENV_NAME = /^[\x20-\x3c\x3e-\x7e]+$/;
/** Kubernetes 1.32 turned RelaxedEnvironmentVariableValidation on by default: before, names follow {@link STRICT_ENV_NAME}. */
const RELAXED_ENV_NAMES_MINOR = 32;
/** Environment variable names before 1.32 (IsEnvVarName): letters, digits, "_", "-" and ".", not starting with a digit. */
const STRICT_ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

/** What is wrong with an environment variable name (or envFrom prefix) for the target's API server, or undefined. */
function envNameProblem(name: string, minor: number): string | undefined {
  if (!ENV_NAME.test(name)) return 'is not a variable name (non-empty printable ASCII without "=")';
  if (minor >= RELAXED_ENV_NAMES_MINOR) return undefined;
  if (STRICT_ENV_NAME.test(name) && name !== '.' && !name.startsWith('..')) return undefined;
  return `is refused by the API server of the target, 1.${minor} (kubernetesMinor): before Kubernetes 1.${RELAXED_ENV_NAMES_MINOR} a variable name is letters, ` +
    'digits, "_", "-" and ".", not starting with a digit, nor "." or ".." (any printable ASCII without "=" from 1.32, where RelaxedEnvironmentVariableValidation is on by default)';
}

/** Why a Secret in the environment (at `field`) is refused. */
function secretInEnvironment(field: string): string {
  return `${field} puts a Secret in the environment, which rule secrets-as-files (level hardened, the default) fails: ` +
    'environment variables leak into child processes, crash dumps and logs; mount the Secret with files: [{ secret, mountPath }] and read the file';
}

/** An envFrom source: a ConfigMap, checked as the target's API server checks it; Secrets are refused. */
function checkEnvFrom(source: unknown, field: string, where: string, minor: number): void {
  if (!isFields(source)) fail(`${field} must be an object { configMap, prefix?, optional? } (got ${describeType(source)})`, where);
  for (const secret of ['secret', 'secretRef']) if (secret in source) fail(secretInEnvironment(`${field}.${secret}`), where);
  if ('configMapRef' in source) fail(`${field}.configMapRef is Kubernetes' form; hardpod takes the ConfigMap's name as configMap: 'app-settings'`, where);
  refuseUnknownKeys(source, PROP_KEYS.envFrom, field, where);
  const { configMap, prefix, optional } = source as Partial<EnvFromProps>;
  if (configMap === undefined) fail(`${field}.configMap is required: the name of the ConfigMap whose keys become variables`, where);
  // The API server checks the name as a prefix of generated names, which may end in "-".
  const admittedIn = typeof configMap === 'string' && configMap.endsWith('-') ? 'in envFrom, where it reads a trailing "-" as a prefix of generated names' : undefined;
  checkObjectName(configMap, `${field}.configMap`, 'ConfigMap', where, admittedIn);
  // An empty prefix is no prefix, as the API server reads it.
  if (prefix !== undefined && (typeof prefix !== 'string' || (prefix !== '' && !ENV_NAME.test(prefix)))) {
    fail(`${field}.prefix ${JSON.stringify(prefix) ?? describeType(prefix)} is not the start of a variable name (printable ASCII without "=")`, where);
  }
  const prefixProblem = prefix ? envNameProblem(prefix, minor) : undefined;
  if (prefixProblem !== undefined) fail(`${field}.prefix ${JSON.stringify(prefix)} ${prefixProblem}`, where);
  if (optional !== undefined && typeof optional !== 'boolean') fail(`${field}.optional must be true or false (got ${describeType(optional)})`, where);
}

/** The container's envFrom as the API writes it. */
function envFromSources(sources: readonly EnvFromProps[]): EnvFromSource[] {
  return sources.map(({ configMap, prefix, optional }) => ({
    configMapRef: { name: configMap, ...(optional !== undefined ? { optional } : {}) },
    ...(prefix ? { prefix } : {}),
  }));
}

/** The downward API paths the API server accepts in an environment variable's fieldRef. */
const ENV_FIELD_PATHS: readonly PodFieldPath[] = [
  'metadata.name', 'metadata.namespace', 'metadata.uid', 'spec.nodeName', 'spec.serviceAccountName', 'status.hostIP', 'status.podIP', 'status.podIPs',
];
/** A key of a ConfigMap's or Secret's data, as the API server checks it. */
const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;

/**
 * Fails unless `key` is a key a Secret or ConfigMap can hold. The API server checks an env
 * reference's key so, but not a volume item's: there hardpod refuses it too (`deliberate`), as no
 * Secret or ConfigMap can hold the key and the kubelet would never mount the volume.
 */
function checkConfigKey(key: unknown, field: string, where: string, deliberate = false): void {
  // The kubelet writes keys as files next to its own `..data` link: a key starting with ".." is refused.
  if (typeof key !== 'string' || key.length > 253 || !CONFIG_KEY.test(key) || key === '.' || key.startsWith('..')) {
    const why = deliberate ? ': no Secret or ConfigMap can hold it, so the volume would never mount (hardpod refuses it, although the API server admits it here)' : '';
    fail(`${field} ${JSON.stringify(key) ?? typeof key} is not a data key (letters, digits, "-", "_" and ".", at most 253 characters, not "." or starting with "..")${why}`, where);
  }
}

/**
 * Fails unless `name` is a Secret or ConfigMap name (a DNS subdomain). The API server checks an env
 * reference's name so, but not a volume's, and an envFrom name only as a prefix of generated names
 * (a trailing "-" passes): there hardpod refuses it too (`admittedIn` says where the server admits it),
 * as no object can have the name and the pod would wait for it forever.
 */
function checkObjectName(name: unknown, field: string, kind: string, where: string, admittedIn?: string): void {
  if (!isDnsSubdomain(name)) {
    const why = admittedIn ? `: no ${kind} can have it, so the pod would wait for it forever (hardpod refuses it, although the API server admits it ${admittedIn})` : '';
    fail(`${field} ${JSON.stringify(name) ?? typeof name} is not a ${kind} name (lowercase letters, digits, "-" and ".", at most 253 characters)${why}`, where);
  }
}

/** An env value that is not a string: exactly one reference hardpod emits, checked as the API server would. */
function checkEnvRef(value: unknown, field: string, where: string): void {
  if (isFields(value) && 'secretKeyRef' in value) fail(secretInEnvironment(`${field}.secretKeyRef`), where);
  const expected = "a string, { configMapKeyRef: { name, key } }, { fieldRef: 'metadata.name' } or { resourceFieldRef: { resource: 'limits.cpu' } }";
  if (!isFields(value)) fail(`${field} must be ${expected} (got ${describeType(value)})`, where);
  refuseUnknownKeys(value, PROP_KEYS.envRef, field, where);
  const refs = PROP_KEYS.envRef.filter((key) => value[key] !== undefined);
  if (refs.length !== 1) fail(`${field} must give exactly one of configMapKeyRef, fieldRef and resourceFieldRef (got ${refs.length === 0 ? 'none' : refs.join(' and ')})`, where);
  const ref = value as EnvRef;
  if (ref.configMapKeyRef !== undefined) {
    checkShape(ref.configMapKeyRef, 'object', `${field}.configMapKeyRef`, where);
    refuseUnknownKeys(ref.configMapKeyRef, PROP_KEYS.configMapKeyRef, `${field}.configMapKeyRef`, where);
    checkObjectName(ref.configMapKeyRef.name, `${field}.configMapKeyRef.name`, 'ConfigMap', where);
    checkConfigKey(ref.configMapKeyRef.key, `${field}.configMapKeyRef.key`, where);
    if (ref.configMapKeyRef.optional !== undefined && typeof ref.configMapKeyRef.optional !== 'boolean') {
      fail(`${field}.configMapKeyRef.optional must be true or false (got ${describeType(ref.configMapKeyRef.optional)})`, where);
    }
  }
  if (ref.fieldRef !== undefined) checkOneOf(ref.fieldRef, ENV_FIELD_PATHS, `${field}.fieldRef`, where);
  if (ref.resourceFieldRef !== undefined) checkResourceFieldRef(ref.resourceFieldRef, `${field}.resourceFieldRef`, where);
}

/** The requests and limits the API server lets an environment variable read (hugepages aside: the builders set none). */
const CONTAINER_RESOURCE_PATHS: readonly ContainerResourcePath[] = [
  'limits.cpu', 'limits.memory', 'limits.ephemeral-storage', 'requests.cpu', 'requests.memory', 'requests.ephemeral-storage',
];
const CPU_DIVISORS = ['1', '1m'] as const;
const BYTE_DIVISORS = ['1', '1k', '1M', '1G', '1T', '1P', '1E', '1Ki', '1Mi', '1Gi', '1Ti', '1Pi', '1Ei'] as const;

/**
 * A resourceFieldRef as the API server checks it: a request or limit it knows, and a divisor among
 * the units it takes for that resource. The server compares the divisor in canonical form (so it
 * also takes `1000m` for `1`); hardpod takes only the units as written above, which say the same.
 */
function checkResourceFieldRef(ref: unknown, field: string, where: string): void {
  checkShape(ref, 'object', field, where);
  refuseUnknownKeys(ref, PROP_KEYS.resourceFieldRef, field, where);
  const { resource, divisor } = ref as ResourceFieldRef;
  if (resource === undefined) fail(`${field}.resource is missing: give the request or limit to read, one of ${CONTAINER_RESOURCE_PATHS.join(', ')}`, where);
  if (typeof resource === 'string' && /^(limits|requests)\.hugepages-/.test(resource)) {
    fail(`${field}.resource ${JSON.stringify(resource)} is a hugepages size, which the builders never request: hardpod refuses it, although the API server admits it; give one of ${CONTAINER_RESOURCE_PATHS.join(', ')}`, where);
  }
  checkOneOf(resource, CONTAINER_RESOURCE_PATHS, `${field}.resource`, where);
  if (divisor === undefined) return;
  const units: readonly string[] = resource.endsWith('.cpu') ? CPU_DIVISORS : BYTE_DIVISORS;
  if (typeof divisor !== 'string' || !units.includes(divisor)) {
    fail(
      `${field}.divisor ${JSON.stringify(divisor) ?? typeof divisor} is not a unit of ${resource}: give one of ${units.join(', ')} ` +
        '(the API server also admits these units written otherwise, such as 1000m for 1, and 0, which it reads as 1; hardpod takes each unit one way only)',
      where,
    );
  }
}

/** The container's env as the API writes it: literal values, and references resolved by the kubelet. */
function envVars(env: NonNullable<ContainerProps['env']>): EnvVar[] {
  return Object.entries(env).map(([name, value]): EnvVar => {
    if (typeof value === 'string') return { name, value };
    if (value.fieldRef !== undefined) return { name, valueFrom: { fieldRef: { fieldPath: value.fieldRef } } };
    if (value.resourceFieldRef !== undefined) {
      const { resource, divisor } = value.resourceFieldRef;
      return { name, valueFrom: { resourceFieldRef: { resource, ...(divisor !== undefined ? { divisor } : {}) } } };
    }
    const { name: configMap, key, optional } = value.configMapKeyRef!;
    return { name, valueFrom: { configMapKeyRef: { name: configMap, key, ...(optional !== undefined ? { optional } : {}) } } };
  });
}

/**
 * Mode of every file of a Secret or ConfigMap volume: owner read only. The kubelet makes the files
 * group-owned by the pod's fsGroup and adds group read, so the non-root user reads them through
 * that group (which buildPod sets) while other users of the node's processes cannot.
 */
const FILES_MODE = 0o400;

/** The sources a `files` entry names exactly one of. */
const FILES_SOURCES = ['secret', 'configMap', 'serviceAccountToken'] as const;

/**
 * The volume and read-only mount of each `files` entry, checked against the mounts already made. Single
 * files (`subPath`) of one Secret or ConfigMap share one volume in the pod (`shared`, keyed by source),
 * which lists the keys they mount.
 */
function fileMounts(
  files: readonly FilesMount[], mounts: readonly VolumeMount[], usedVolumeNames: Set<string>, shared: Map<string, Volume>, where: string,
): { volumes: Volume[]; mounts: VolumeMount[] } {
  const volumes: Volume[] = [];
  const added: VolumeMount[] = [];
  files.forEach((entry, i) => {
    const at = `files[${i}]`;
    const sources = FILES_SOURCES.filter((key) => entry[key] !== undefined);
    if (sources.length !== 1) {
      fail(`${at} must name exactly one of secret, configMap and serviceAccountToken (got ${sources.length === 0 ? 'none' : sources.join(' and ')}); mount each source in its own entry`, where);
    }
    const kind = sources[0];
    const path = entry.mountPath;
    if (typeof path !== 'string' || !path.startsWith('/')) fail(`${at}.mountPath ${JSON.stringify(path) ?? typeof path} must be an absolute path such as /etc/app`, where);
    const clash = [...mounts, ...added].find((m) => m.mountPath === path);
    if (clash) fail(`${at}.mountPath "${path}" is mounted twice (files, writablePaths, volumeClaims): the API server refuses two volumes at one path; mount each path once`, where);
    if (kind === 'serviceAccountToken') {
      if (entry.subPath !== undefined) {
        fail(
          `${at}.subPath cannot mount a service-account token: a single-file (subPath) mount never receives the token the kubelet renews, ` +
            'so the token would expire and calls with it would fail; mount the token as a directory (leave subPath out)',
          where,
        );
      }
      for (const key of ['items', 'optional'] as const) {
        if (entry[key] !== undefined) fail(`${at}.${key} applies to a Secret or ConfigMap; a service-account token is always the one file \`token\``, where);
      }
      const name = uniqueVolumeName(`token-${pathSlug(path)}`, usedVolumeNames);
      volumes.push({ name, projected: { defaultMode: FILES_MODE, sources: tokenSources(entry.serviceAccountToken!, `${at}.serviceAccountToken`, where) } });
      added.push({ name, mountPath: path, readOnly: true });
      return;
    }
    const source = entry[kind];
    checkObjectName(source, `${at}.${kind}`, kind === 'secret' ? 'Secret' : 'ConfigMap', where, 'in a volume');
    if (entry.optional !== undefined && typeof entry.optional !== 'boolean') fail(`${at}.optional must be true or false (got ${describeType(entry.optional)})`, where);
    const items = (entry.items ?? []).map((item, j) => {
      checkConfigKey(item.key, `${at}.items[${j}].key`, where, true);
      const relative = item.path;
      // As the API server: relative, no ".." element, and not starting with ".." (the kubelet's own `..data` link).
      if (typeof relative !== 'string' || relative === '' || relative.startsWith('/') || relative.split('/').includes('..') || relative.startsWith('..')) {
        fail(`${at}.items[${j}].path ${JSON.stringify(relative) ?? typeof relative} must be a relative path under the mount, without ".." and not starting with "..", such as "password" or "tls/key.pem"`, where);
      }
      return { key: item.key, path: relative };
    });
    const prefix = kind === 'secret' ? 'secret' : 'config';
    if (entry.subPath !== undefined) {
      const key = entry.subPath;
      if (entry.items !== undefined) fail(`${at}.subPath names the one key mounted as the file mountPath, and items picks keys for a directory: give one of them`, where);
      checkConfigKey(key, `${at}.subPath`, where, true);
      const shareKey = JSON.stringify([kind, source, entry.optional ?? false]);
      let volume = shared.get(shareKey);
      if (volume === undefined) {
        const name = uniqueVolumeName(`${prefix}-${pathSlug(source!)}`, usedVolumeNames);
        const common = { defaultMode: FILES_MODE, items: [], ...(entry.optional !== undefined ? { optional: entry.optional } : {}) };
        volume = kind === 'secret' ? { name, secret: { secretName: source, ...common } } : { name, configMap: { name: source, ...common } };
        shared.set(shareKey, volume);
        volumes.push(volume);
      }
      // Only the keys mounted: a missing one stops the volume (unless optional) instead of leaving an empty directory where the file should be.
      const keys = (volume.secret ?? volume.configMap)!.items as KeyToPath[];
      if (!keys.some((item) => item.key === key)) keys.push({ key, path: key });
      added.push({ name: volume.name, mountPath: path, subPath: key, readOnly: true });
      return;
    }
    const name = uniqueVolumeName(`${prefix}-${pathSlug(path)}`, usedVolumeNames);
    const common = {
      defaultMode: FILES_MODE, ...(items.length > 0 ? { items } : {}), ...(entry.optional !== undefined ? { optional: entry.optional } : {}),
    };
    volumes.push(kind === 'secret' ? { name, secret: { secretName: source, ...common } } : { name, configMap: { name: source, ...common } });
    added.push({ name, mountPath: path, readOnly: true });
  });
  return { volumes, mounts: added };
}

/** The API server's bounds on a projected token's lifetime: at least 10 minutes, at most 2^32 seconds. */
const TOKEN_EXPIRATION_SECONDS = { min: 600, max: 2 ** 32, default: 3600 } as const;

/**
 * The projection of a service-account token: the token, and for the API server's own audience the
 * cluster's CA bundle and the pod's namespace beside it, as the automounted token comes, which is
 * what Kubernetes client libraries read from /var/run/secrets/kubernetes.io/serviceaccount.
 */
function tokenSources(token: ServiceAccountTokenProps, field: string, where: string): VolumeProjection[] {
  const { audience, expirationSeconds = TOKEN_EXPIRATION_SECONDS.default } = token;
  if (audience !== undefined && (typeof audience !== 'string' || audience.trim() === '')) {
    fail(`${field}.audience ${JSON.stringify(audience) ?? typeof audience} must be the non-empty name a receiving service checks (such as vault), or left out for the API server's own`, where);
  }
  if (!Number.isInteger(expirationSeconds) || expirationSeconds < TOKEN_EXPIRATION_SECONDS.min || expirationSeconds > TOKEN_EXPIRATION_SECONDS.max) {
    fail(`${field}.expirationSeconds ${JSON.stringify(expirationSeconds) ?? typeof expirationSeconds} must be a whole number of seconds from ${TOKEN_EXPIRATION_SECONDS.min} (10 minutes) to 2^32, as the API server requires`, where);
  }
  const sources: VolumeProjection[] = [{ serviceAccountToken: { path: 'token', expirationSeconds, ...(audience !== undefined ? { audience } : {}) } }];
  if (audience === undefined) {
    sources.push(
      { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
      { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
    );
  }
  return sources;
}

/** Shape and keys of the workload's own props (see checkShape); containers are checked by checkContainerShape. */
function checkPodShape(props: WorkloadProps, propKeys: readonly string[], where: string): void {
  if (!isFields(props)) fail('props are missing: a workload needs at least { image } (a digest-pinned reference)', where);
  for (const [field, shape] of POD_SHAPES) checkShape(props[field as keyof WorkloadProps], shape, field, where);
  checkShape((props as ServingWorkloadProps).service, 'object', 'service', where, true);
  const service = (props as ServingWorkloadProps).service;
  if (service) checkShape(service.annotations, 'object', 'service.annotations', where);
  refuseUnknownKeys(props, propKeys, '', where);
  refuseUnknownKeys(props.network, PROP_KEYS.network, 'network', where);
  refuseUnknownKeys(props.network?.dns, PROP_KEYS.dns, 'network.dns', where);
  refuseUnknownKeys(props.seccompProfile, PROP_KEYS.seccompProfile, 'seccompProfile', where);
  refuseUnknownKeys((props as ServingWorkloadProps).service, PROP_KEYS.service, 'service', where);
  refuseUnknownKeys((props as DeploymentProps).podDisruptionBudget, PROP_KEYS.podDisruptionBudget, 'podDisruptionBudget', where);
  (props as StatefulSetProps).volumeClaims?.forEach((claim, i) => refuseUnknownKeys(claim, PROP_KEYS.volumeClaim, `volumeClaims[${i}]`, where));
  for (const direction of ['ingress', 'egress'] as const) {
    const rules = props.network?.[direction];
    checkShape(rules, 'object[]', `network.${direction}`, where);
    rules?.forEach((rule, i) => {
      const field = `network.${direction}[${i}]`;
      if (!isFields(rule.peer)) fail(`${field}.peer must be an object (podLabels, namespace or ipBlock)`, where);
      refuseUnknownKeys(rule, PROP_KEYS.allowRule, field, where);
      refuseUnknownKeys(rule.peer, PROP_KEYS.peer, `${field}.peer`, where);
      refuseUnknownKeys(rule.peer.ipBlock, PROP_KEYS.ipBlock, `${field}.peer.ipBlock`, where);
      if (Array.isArray(rule.ports)) rule.ports.forEach((port, j) => refuseUnknownKeys(port, PROP_KEYS.networkPort, `${field}.ports[${j}]`, where));
    });
  }
}

function resolveContainer(c: ContainerProps, role: Role, index: number, props: WorkloadProps, ctx: BuildContext, minor: number): ResolvedContainer {
  const list = role === 'init' ? 'initContainers' : 'sidecars';
  if (role !== 'main' && !isFields(c)) fail(`${list}[${index}] must be an object with a name and an image`, ctx.where);
  const name = role === 'main' ? (props.containerName ?? 'main') : c.name;
  const where = name ? `${ctx.where} (container ${name})` : `${ctx.where} (${list}[${index}])`;
  if (!name) fail(`every ${role === 'init' ? 'init container' : 'sidecar'} needs a name`, where);
  checkDnsLabel(name, 'container name', where);
  // The main container's keys are the workload's own, checked with them.
  if (role !== 'main') refuseUnknownKeys(c, PROP_KEYS.container, '', where);
  checkContainerShape(c, where, minor);
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
  if (facts.tools === undefined && facts.hasShell === undefined) {
    fail(`an exec probe runs "${tool}", but the lock file was written without reading the image's layers; ${lockHint}`, where);
  }
  // The tool itself must be there: an image with dash holds a shell, but not bash. Facts without
  // the tool list say only whether some shell is there.
  const present = facts.tools !== undefined
    ? facts.tools.some((t) => t === tool || t.slice(t.lastIndexOf('/') + 1) === base)
    : SHELLS.includes(base) && facts.hasShell === true;
  if (!present) fail(`an exec probe runs "${tool}", which the image does not contain; use an httpGet, tcpSocket or grpc probe`, where);
}

/**
 * The kubelet resolves a named probe port against the container's own ports and fails the probe
 * when it finds none; a number the container does not listen on (such as the Service side of an
 * 80 -> 8080 mapping) never answers. Either way the pod never becomes ready, or a liveness probe
 * restarts it forever. Probes connect over TCP, so the port must be a TCP one.
 */
function checkProbePort(port: number | string, kind: string, c: ResolvedContainer, where: string): void {
  const declared = containerPorts(c);
  if (typeof port === 'number' && declared.length === 0) return;
  const match = declared.find((p) => (typeof port === 'string' ? p.name === port : p.containerPort === port) && p.protocol === 'TCP');
  if (match) return;
  const listed = declared.length > 0
    ? `the container declares ${declared.map((p) => `${p.containerPort}/${p.protocol} (named ${p.name})`).join(', ')}`
    : 'the container declares no ports';
  const servicePort = typeof port === 'number' ? c.ports.find((p) => p.port === port && p.containerPort !== port) : undefined;
  const hint = servicePort
    ? `; ${port} is the Service port, the container listens on ${servicePort.containerPort}`
    : typeof port === 'string' ? '; the kubelet cannot resolve the name and the probe always fails' : '; nothing answers there, so the probe always fails';
  fail(`the ${kind} probe's port ${JSON.stringify(port)} is not a TCP port of this container (${listed})${hint}: probe one of its TCP ports, by number or name`, where);
}

function buildProbe(p: ProbeProps, kind: string, c: ResolvedContainer, where: string): Probe {
  const actions = (['httpGet', 'tcpSocket', 'grpc', 'exec'] as const).filter((a) => p[a] !== undefined);
  if (actions.length !== 1) fail(`the ${kind} probe needs exactly one of httpGet, tcpSocket, grpc or exec (got ${actions.length})`, where);
  for (const action of actions) checkShape(p[action], 'object', `probes.${kind}.${action}`, where);
  if (p.exec && !SHAPE_OK['string[]'](p.exec.command)) fail(`probes.${kind}.exec.command must be a list of strings, such as ['/healthcheck']`, where);
  // The API server refuses these types and values, and would only say so at deploy time.
  checkShape(p.httpGet?.path, 'string', `probes.${kind}.httpGet.path`, where);
  // '' is what the API server defaults to HTTP, as it is left out here.
  if (p.httpGet?.scheme !== undefined && !['HTTP', 'HTTPS', ''].includes(p.httpGet.scheme)) {
    fail(`probes.${kind}.httpGet.scheme must be HTTP or HTTPS (got ${JSON.stringify(p.httpGet.scheme)})`, where);
  }
  checkShape(p.grpc?.service, 'string', `probes.${kind}.grpc.service`, where);
  // A gRPC probe's port is a number only: the API has no port name there.
  checkShape(p.grpc?.port, 'number', `probes.${kind}.grpc.port`, where);
  for (const action of ['httpGet', 'tcpSocket'] as const) {
    const port = p[action]?.port;
    if (port !== undefined && typeof port !== 'number' && typeof port !== 'string') {
      fail(`probes.${kind}.${action}.port must be a port number or a port name (got ${JSON.stringify(port) ?? typeof port})`, where);
    }
  }
  for (const port of [p.httpGet?.port, p.tcpSocket?.port, p.grpc?.port]) {
    if (typeof port === 'number' && !isPortNumber(port)) fail(`the ${kind} probe's port ${port} is not a port number (1-65535)`, where);
    if (typeof port === 'string' && !isPortName(port)) {
      fail(`the ${kind} probe's port ${JSON.stringify(port)} is neither a port number nor a port name (at most 15 lowercase letters, digits and single inner "-", with at least one letter)`, where);
    }
  }
  // 0 is what the API reads as unset: it stands for the field's default.
  for (const timing of ['initialDelaySeconds', 'periodSeconds', 'timeoutSeconds', 'failureThreshold', 'successThreshold'] as const) {
    checkWhole(p[timing], `probes.${kind}.${timing}`, 0, where);
  }
  // The API server refuses anything else: only readiness can need several successes in a row.
  if (kind !== 'readiness' && p.successThreshold !== undefined && p.successThreshold > 1) {
    fail(`probes.${kind}.successThreshold must be 1 (only a readiness probe may need more successes)`, where);
  }
  const defaultPort = (): string | number => {
    const first = c.ports.find((port) => port.protocol === 'TCP');
    if (!first) fail(`the ${kind} probe has no port and the container declares no TCP port`, where);
    return first.targetName;
  };
  for (const port of [p.httpGet?.port, p.tcpSocket?.port, p.grpc?.port]) if (port !== undefined) checkProbePort(port, kind, c, where);
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

/** `base`, or `base-2`, `base-3` ... when taken: a DNS label unique among the pod's volumes, recorded as used. */
function uniqueVolumeName(base: string, used: Set<string>): string {
  let name = base;
  for (let i = 2; used.has(name); i++) name = `${base.slice(0, 46)}-${i}`;
  used.add(name);
  return name;
}

/** Everything that differs per workload kind. */
interface KindTraits {
  /** The keys the kind's props take ({@link PROP_KEYS}). */
  readonly propKeys: readonly string[];
  /** Long-running pods behind a Service (not Jobs). */
  readonly serving: boolean;
  readonly restartPolicy?: 'Never' | 'OnFailure';
}

type ResourceMap = Record<string, Record<string, string>>;

/** Fails unless `value` is a non-negative Kubernetes quantity such as `100m`, `0.5` or `128Mi`. */
function checkQuantity(value: unknown, field: string, where: string, positive = false): void {
  if (typeof value === 'string' && value.trim() !== '' && /^\s*[+-]?\.?(?:[eE][+-]?\d*|[KMGTPE]i|[numkMGTPE])?\s*$/.test(value)) {
    // The API server reads a sign or a dot alone as 0; that is a typo far more often than a wish.
    fail(`${field} ${JSON.stringify(value)} has no digits; hardpod refuses it although the API server would read it as 0: write a quantity such as 100m, 0.5 or 128Mi (or 0)`, where);
  }
  const parsed = typeof value === 'string' ? parseQuantity(value) : undefined;
  if (parsed === undefined || parsed < 0) fail(`${field} ${JSON.stringify(value)} is not a quantity (such as 100m, 0.5, 128Mi or 10Gi)`, where);
  if (positive && !(parsed > 0)) fail(`${field} ${JSON.stringify(value)} must be more than zero (such as 1Gi or 10Gi)`, where);
}

/**
 * Platform and container resources merged: values to set, and `[section, key]` pairs deliberately
 * omitted. A request above its limit is refused by the API server, so a default gives way to an
 * explicit value: a default limit is raised to an explicit request, a default request lowered to
 * an explicit limit. Two values from the same layer that contradict each other are an error.
 */
function resourcesFor(c: ContainerProps, defaults: WorkloadDefaults, where: string): { explicit: ResourceMap; omitted: [string, string][] } {
  const explicit: ResourceMap = {};
  const omitted: [string, string][] = [];
  const layers: [ResourcesProps | undefined, string][] = [[defaults.resources, 'the platform default resources'], [c.resources, 'resources']];
  for (const section of ['requests', 'limits'] as const) {
    const merged: Record<string, string | false> = {};
    for (const [layer, name] of layers) {
      for (const [key, value] of Object.entries(layer?.[section] ?? {})) {
        if (value !== false && value !== undefined) checkQuantity(value, `${name}.${section}.${key}`, where);
        if (value !== undefined) merged[key] = value;
      }
    }
    for (const [key, value] of Object.entries(merged)) {
      if (value === false) omitted.push([section, key]);
      else (explicit[section] ??= {})[key] = value;
    }
  }
  const own = (section: 'requests' | 'limits', key: string) => typeof (c.resources?.[section] as Record<string, unknown> | undefined)?.[key] === 'string';
  for (const [key, request] of Object.entries(explicit.requests ?? {})) {
    const limit = explicit.limits?.[key];
    if (limit === undefined || !quantityGreater(request, limit)) continue;
    if (own('requests', key) !== own('limits', key)) {
      if (own('requests', key)) explicit.limits[key] = request;
      else explicit.requests[key] = limit;
      continue;
    }
    const from = own('requests', key) ? 'resources' : 'the platform default resources';
    fail(`${from} set a ${key} request ${request} above its limit ${limit}, which the API server rejects; lower the request or raise the limit`, where);
  }
  return { explicit, omitted };
}

/** What the containers of one pod share while they are built. */
interface PodParts {
  readonly volumes: Volume[];
  readonly usedVolumeNames: Set<string>;
  /** The volumes of single-file mounts, by source (see fileMounts). */
  readonly sharedFileVolumes: Map<string, Volume>;
  readonly defaults: WorkloadDefaults;
  readonly terminationGracePeriodSeconds: number;
}

/** Why a long-running container must have both probes, and how to opt out: shared by the refusals below. */
const PROBES_REQUIRED =
  'rule probes (level hardened, the default) fails a long-running container without a readinessProbe and a livenessProbe';
const PROBES_OPT_OUT =
  'or opt out with probes: false, which rule probes still reports, so it then needs a suppression with a reason ' +
  '(the annotation hardpod.dev/suppress.probes: <reason> in the workload\'s annotations, or a suppression in the config)';

/**
 * A long-running container without a TCP port gets no default probes, and rule `probes` (level
 * hardened, the default) fails without them: refuse rather than emit what the default check fails.
 */
const NO_DEFAULT_PROBES =
  `this long-running container declares no TCP port, so it gets no default probes, and ${PROBES_REQUIRED}: ` +
  'give probes: { readiness, liveness } explicitly ' +
  `(exec with a tool the image holds, grpc, or httpGet/tcpSocket on a port the container declares), ${PROBES_OPT_OUT}`;

/** The probes rule `probes` requires of every long-running container. */
const REQUIRED_PROBE_KINDS = ['readiness', 'liveness'] as const;

/** Explicit probes of a long-running container that lack one rule `probes` requires: refused for the same reason. */
function incompleteProbes(missing: readonly string[]): string {
  return `probes gives this long-running container no ${missing.map((kind) => `${kind} probe`).join(' and no ')}, and ${PROBES_REQUIRED}: ` +
    `give both, probes: { readiness, liveness }, ${PROBES_OPT_OUT}`;
}

function containerSpec(c: ResolvedContainer, traits: KindTraits, pod: PodParts, extraMounts: readonly VolumeMount[], where: string): Container {
  const p = c.props;
  const { volumes, usedVolumeNames, sharedFileVolumes, defaults } = pod;
  const container: Mutable<Container> = { name: c.name, image: c.image.reference };
  if (p.command) container.command = [...p.command];
  if (p.args) container.args = [...p.args];
  if (p.env && Object.keys(p.env).length > 0) container.env = envVars(p.env);
  if (p.envFrom && p.envFrom.length > 0) container.envFrom = envFromSources(p.envFrom);
  if (c.ports.length > 0) container.ports = containerPorts(c);

  const mounts: VolumeMount[] = [...extraMounts];
  for (const [index, entry] of (p.writablePaths ?? []).entries()) {
    const w = typeof entry === 'string' ? { path: entry } : entry;
    if (!isFields(w) || typeof w.path !== 'string') fail(`writablePaths[${index}] must be a path or { path, sizeLimit?, medium? }`, where);
    if (!w.path.startsWith('/')) fail(`writable path "${w.path}" must be absolute`, where);
    // Two volumes on one mountPath are refused by the API server.
    if (mounts.some((m) => m.mountPath === w.path)) fail(`"${w.path}" is mounted twice (writablePaths, volumeClaims); mount each path once`, where);
    const volumeName = uniqueVolumeName(pathSlug(w.path), usedVolumeNames);
    const sizeLimit = w.sizeLimit ?? defaults.writableSizeLimit ?? DEFAULT_WRITABLE_SIZE;
    checkQuantity(sizeLimit, w.sizeLimit !== undefined ? `the sizeLimit of ${w.path}` : 'writableSizeLimit', where);
    volumes.push({ name: volumeName, emptyDir: { sizeLimit, ...(w.medium ? { medium: w.medium } : {}) } });
    mounts.push({ name: volumeName, mountPath: w.path });
  }
  const files = fileMounts(p.files ?? [], mounts, usedVolumeNames, sharedFileVolumes, where);
  volumes.push(...files.volumes);
  mounts.push(...files.mounts);
  if (mounts.length > 0) container.volumeMounts = mounts;

  if (c.role === 'init' && p.probes) fail('init containers cannot have probes', where);
  if (c.role !== 'init' && p.probes !== false) {
    const firstTcp = c.ports.find((port) => port.protocol === 'TCP');
    if (p.probes === undefined && traits.serving && !firstTcp) fail(NO_DEFAULT_PROBES, where);
    const probes = p.probes ?? (firstTcp && traits.serving ? { readiness: { tcpSocket: {} }, liveness: { tcpSocket: {} } } : {});
    if (probes.readiness) container.readinessProbe = buildProbe(probes.readiness, 'readiness', c, where);
    if (probes.liveness) container.livenessProbe = buildProbe(probes.liveness, 'liveness', c, where);
    if (probes.startup) container.startupProbe = buildProbe(probes.startup, 'startup', c, where);
    const missing = traits.serving ? REQUIRED_PROBE_KINDS.filter((kind) => !probes[kind]) : [];
    if (missing.length > 0) fail(incompleteProbes(missing), where);
  }

  const minor = targetMinor(defaults.kubernetesMinor, where);
  const sleepSupported = minor >= SLEEP_ACTION_MINOR;
  const preStop = p.preStopSleepSeconds ?? (sleepSupported && traits.serving && c.role !== 'init' && c.ports.length > 0 ? DEFAULT_PRESTOP_SECONDS : false);
  if (preStop !== false) {
    if (c.role === 'init') fail('init containers cannot have a preStop hook', where);
    if (!sleepSupported) fail(`preStopSleepSeconds needs the native sleep action of Kubernetes 1.${SLEEP_ACTION_MINOR}+, but the target is 1.${minor}`, where);
    if (preStop === 0) {
      // API servers before 1.33 refuse a zero sleep, and it delays nothing.
      fail('preStopSleepSeconds 0 is refused by hardpod (API servers before 1.33 refuse it too, and it delays nothing): use false to omit the hook, or >= 1', where);
    }
    if (!Number.isInteger(preStop) || preStop < 1) fail(`preStopSleepSeconds ${preStop} must be a whole number of seconds >= 1`, where);
    // The kubelet kills the container when the grace period ends, sleep or not.
    if (preStop >= pod.terminationGracePeriodSeconds) {
      const which = p.preStopSleepSeconds === undefined ? `the default preStopSleepSeconds ${preStop}` : `preStopSleepSeconds ${preStop}`;
      fail(
        `${which} must be below terminationGracePeriodSeconds (${pod.terminationGracePeriodSeconds}): the API server allows up to it, but hardpod refuses it ` +
          'because the container would be killed without time to shut down; lower it (false omits it) or raise terminationGracePeriodSeconds',
        where,
      );
    }
    // The native sleep action (Kubernetes 1.30+) needs no `sleep` binary, so it works in shell-less images.
    container.lifecycle = { preStop: { sleep: { seconds: preStop } } };
  }
  const { explicit } = resourcesFor(p, defaults, where);
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
    if (!Number.isInteger(p.runAsUser) || p.runAsUser < 0 || p.runAsUser > MAX_ID) fail(`runAsUser ${p.runAsUser} is not a uid (a whole number from 0 to ${MAX_ID})`, where);
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
  checkWhole(p.runAsGroup, 'runAsGroup', 0, where, MAX_ID);
  if (p.runAsGroup !== undefined) sc.runAsGroup = p.runAsGroup;

  if (container.resources) {
    for (const [section, key] of resourcesFor(p, defaults, where).omitted) {
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
    fail(droppedFieldProblem(`${field}: ${JSON.stringify(value)}`, onByDefault, gate, minor, 'the pod would run without it'), where);
  }
}

/**
 * Workload names are DNS labels for every kind: the name also names the Service (a DNS label),
 * ServiceAccount, NetworkPolicy and PodDisruptionBudget, and is the value of the selector label.
 */
function checkWorkloadName(name: unknown, where: string): void {
  if (isDnsSubdomain(name) && !isDnsLabel(name)) {
    fail(
      `name ${JSON.stringify(name)} is not a DNS label: hardpod names every workload with one (lowercase letters, digits and "-", at most 63 characters, no ".") ` +
        'because the name also names its Service and labels its pods, although this kind alone would accept it',
      where,
    );
  }
  checkDnsLabel(name, 'name', where);
  if (name === NAMESPACE_POLICY_NAME) {
    fail(
      `name "${NAMESPACE_POLICY_NAME}" is the name of the namespace-wide NetworkPolicy a HardenedNamespace emits (and platforms often install): ` +
        'the workload\'s own NetworkPolicy of that name would replace it on apply, and the namespace would lose its default deny; give the workload another name',
      where,
    );
  }
}

/** hardpod's own labels: the selector (names the pods, matched by the Service and policies) and managed-by. */
const OWN_LABELS = [WORKLOAD_LABEL, ...Object.keys(MANAGED_BY_LABEL)];

function checkOwnLabels(props: WorkloadProps, defaults: WorkloadDefaults, where: string): void {
  const sources = { 'labels': props.labels, 'podLabels': props.podLabels, 'the platform default labels': defaults.labels };
  for (const [field, labels] of Object.entries(sources)) {
    const own = OWN_LABELS.find((key) => labels !== undefined && key in labels);
    if (own) fail(`${field} sets "${own}", a label hardpod sets itself (the selector is the workload name, managed-by is hardpod); use another label`, where);
  }
}

/** Mounts of the StatefulSet's volume claims, one per claim, checked. */
function claimMounts(claims: readonly VolumeClaimProps[], where: string): VolumeMount[] {
  const mounts: VolumeMount[] = [];
  claims.forEach((claim, i) => {
    const at = `volumeClaims[${i}]`;
    checkDnsLabel(claim.name, `${at}.name`, where);
    if (mounts.some((m) => m.name === claim.name)) fail(`two volumeClaims are named "${claim.name}"`, where);
    if (typeof claim.mountPath !== 'string' || !claim.mountPath.startsWith('/')) fail(`${at}.mountPath ${JSON.stringify(claim.mountPath)} must be an absolute path`, where);
    if (mounts.some((m) => m.mountPath === claim.mountPath)) fail(`"${claim.mountPath}" is mounted twice (volumeClaims); mount each path once`, where);
    checkQuantity(claim.storage, `${at}.storage`, where, true);
    // An empty storageClassName is the API's way to ask for no dynamic provisioning, so it passes.
    if (claim.storageClassName !== undefined && claim.storageClassName !== '' && !isDnsSubdomain(claim.storageClassName)) {
      fail(`${at}.storageClassName ${JSON.stringify(claim.storageClassName)} is not a StorageClass name (lowercase letters, digits, "-" and ".", at most 253 characters)`, where);
    }
    mounts.push({ name: claim.name, mountPath: claim.mountPath });
  });
  return mounts;
}

/**
 * The claims' mounts (`mounts[i]` of `claims[i]`) by the name of each container they go into: the
 * containers a claim names, else the main one (`mainName`); `names` are the pod's containers.
 */
function claimMountsByContainer(
  claims: readonly VolumeClaimProps[], mounts: readonly VolumeMount[], mainName: string, names: readonly string[], where: string,
): Map<string, VolumeMount[]> {
  const byContainer = new Map<string, VolumeMount[]>();
  claims.forEach((claim, i) => {
    const at = `volumeClaims[${i}].containers`;
    checkShape(claim.containers, 'string[]', at, where);
    const targets = claim.containers ?? [mainName];
    if (targets.length === 0) {
      fail(`${at} is empty, so the volume would be mounted nowhere: name the containers that use it, or leave containers out for the main container (${mainName})`, where);
    }
    targets.forEach((name, j) => {
      if (!names.includes(name)) fail(`${at}[${j}] "${name}" is not a container of the pod${didYouMean(name, names)}; expected one of ${names.join(', ')}`, where);
      const first = targets.indexOf(name);
      if (first !== j) fail(`${at}[${j}] "${name}" repeats ${at}[${first}]: a container takes the volume once, at mountPath`, where);
      byContainer.set(name, [...(byContainer.get(name) ?? []), mounts[i]]);
    });
  });
  return byContainer;
}

function buildPod(
  props: WorkloadProps,
  traits: KindTraits,
  ctx: BuildContext,
  extra: { claims?: readonly VolumeClaimProps[] } = {},
): PodBuild {
  const defaults = ctx.defaults ?? {};
  const where = ctx.where;
  checkPodShape(props, traits.propKeys, where);
  checkWorkloadName(props.name, where);
  if (props.namespace !== undefined) checkDnsLabel(props.namespace, 'namespace', where);
  checkOwnLabels(props, defaults, where);
  checkLabels(props.labels, 'labels', where);
  checkLabels(props.podLabels, 'podLabels', where);
  checkLabels(defaults.labels, 'the platform default labels', where);
  checkLabels(props.nodeSelector, 'nodeSelector', where);
  checkAnnotations(props.annotations, 'annotations', where);
  checkAnnotations(props.podAnnotations, 'podAnnotations', where);
  if (props.serviceAccountName === '') {
    fail('serviceAccountName "" would run the pods as the namespace\'s default ServiceAccount; hardpod refuses it: omit serviceAccountName for a dedicated one, or name one', where);
  }
  if (props.serviceAccountName !== undefined && !isDnsSubdomain(props.serviceAccountName)) {
    fail(`serviceAccountName ${JSON.stringify(props.serviceAccountName)} is not a ServiceAccount name (lowercase letters, digits, "-" and ".", at most 253 characters)`, where);
  }
  const grace = props.terminationGracePeriodSeconds;
  if (typeof grace === 'number' && grace < 0) {
    // The API server silently turns a negative grace period into 1 second.
    fail(`terminationGracePeriodSeconds ${grace} is negative, which the API server would turn into 1 second; hardpod refuses it: use a whole number >= 0`, where);
  }
  checkWhole(grace, 'terminationGracePeriodSeconds', 0, where, INT64_MAX);
  if (props.fsGroup !== false) checkWhole(props.fsGroup, 'fsGroup', 0, where, MAX_ID);
  const mounts = claimMounts(extra.claims ?? [], where);
  const portStart = props.unprivilegedPortStart;
  if (portStart !== undefined && (!Number.isInteger(portStart) || portStart < 0 || portStart > 65535)) {
    // The API server passes any sysctl value on; the kernel refuses one outside 0-65535 and the pod never starts.
    fail(`unprivilegedPortStart ${portStart} is not a port number (a whole number from 0 to 65535, which the kernel requires)`, where);
  }
  const minor = targetMinor(defaults.kubernetesMinor, where);
  // Only the values that harden need the gate: hostUsers: true and Merge are what a dropped field means anyway.
  checkGatedField('hostUsers', props.hostUsers, props.hostUsers === false, minor, where);
  checkGatedField('supplementalGroupsPolicy', props.supplementalGroupsPolicy, props.supplementalGroupsPolicy === 'Strict', minor, where);
  const scheduling = schedulingSpec(props, selectorLabels(props.name), minor, where);
  const main = resolveContainer({ ...props, name: undefined }, 'main', 0, props, ctx, minor);
  const sidecars = (props.sidecars ?? []).map((c, i) => resolveContainer(c, 'sidecar', i, props, ctx, minor));
  const inits = (props.initContainers ?? []).map((c, i) => resolveContainer(c, 'init', i, props, ctx, minor));
  const names = new Set<string>();
  for (const c of [main, ...sidecars, ...inits]) {
    if (names.has(c.name)) fail(`two containers are named "${c.name}"`, where);
    names.add(c.name);
  }
  // Init containers that are not sidecars have exited before the others start.
  checkPodPorts([main, ...sidecars], where);
  const claimed = claimMountsByContainer(extra.claims ?? [], mounts, main.name, [...names], where);

  const volumes: Volume[] = [];
  const parts: PodParts = {
    volumes,
    usedVolumeNames: new Set<string>(mounts.map((m) => m.name)),
    sharedFileVolumes: new Map(),
    defaults,
    terminationGracePeriodSeconds: props.terminationGracePeriodSeconds ?? DEFAULT_GRACE_SECONDS,
  };
  const whereOf = (c: ResolvedContainer) => `${where} (container ${c.name})`;
  const spec: Mutable<PodSpec> = { containers: [] };
  if (props.serviceAccountName !== undefined) spec.serviceAccountName = props.serviceAccountName;
  else spec.serviceAccountName = props.name;
  if (props.hostUsers !== undefined) spec.hostUsers = props.hostUsers;
  const pullSecrets = props.imagePullSecrets ?? defaults.imagePullSecrets;
  if (pullSecrets && pullSecrets.length > 0) spec.imagePullSecrets = pullSecrets.map((name) => ({ name }));
  if (props.nodeSelector) spec.nodeSelector = { ...props.nodeSelector };
  Object.assign(spec, scheduling);
  if (props.terminationGracePeriodSeconds !== undefined) spec.terminationGracePeriodSeconds = props.terminationGracePeriodSeconds;
  if (traits.restartPolicy) spec.restartPolicy = traits.restartPolicy;
  // A sidecar among the regular containers of a run-to-completion pod keeps it running after the main
  // container exits: the Job never completes. As a native sidecar (an init container that restarts
  // always) it starts before the init containers, which may need it, and stops when the main one ends.
  const nativeSidecars = !traits.serving && sidecars.length > 0;
  if (nativeSidecars && minor < NATIVE_SIDECAR_MINOR) {
    fail(
      `sidecars of a Job or CronJob are emitted as native sidecars (init containers with restartPolicy: Always), on by default from Kubernetes 1.${NATIVE_SIDECAR_MINOR}, ` +
        `but the target is 1.${minor} (kubernetesMinor); as ordinary containers they would keep the pod running after the main container exits, ` +
        'so the Job would never complete (nor a CronJob with concurrencyPolicy Forbid run again): raise kubernetesMinor, or run the sidecar\'s work in the main container',
      where,
    );
  }
  const initOrder = nativeSidecars ? [...sidecars, ...inits] : inits;
  const regular = nativeSidecars ? [main] : [main, ...sidecars];
  const specOf = (c: ResolvedContainer): Container => {
    const container = containerSpec(c, traits, parts, claimed.get(c.name) ?? [], whereOf(c));
    return nativeSidecars && c.role === 'sidecar' ? { ...container, restartPolicy: 'Always' } : container;
  };
  if (initOrder.length > 0) spec.initContainers = initOrder.map(specOf);
  spec.containers = regular.map(specOf);
  if (volumes.length > 0) spec.volumes = volumes;

  const securityContext: Mutable<PodSecurityContext> = {};
  // Persistent volumes must be writable by the non-root user, files of Secrets, ConfigMaps and tokens (mode 0400) readable: both through the fsGroup.
  const hasFiles = volumes.some((v) => v.secret !== undefined || v.configMap !== undefined || v.projected !== undefined);
  const needsFsGroup = mounts.length > 0 || hasFiles;
  // An image's gid 0 (root's group) is no group to hand volumes to: better the error below.
  const imageGid = main.image.facts?.gid === 0 ? undefined : main.image.facts?.gid;
  const fsGroup = props.fsGroup ?? (needsFsGroup ? (props.runAsGroup ?? imageGid) : undefined);
  if (needsFsGroup && props.fsGroup === undefined && fsGroup === undefined) {
    const what = mounts.length > 0
      ? 'persistent volumes need an fsGroup so the non-root user can write them'
      : 'files (Secrets, ConfigMaps and tokens, mode 0400) need an fsGroup so the non-root user can read them';
    fail(`${what}: set fsGroup (or runAsGroup), lock the image so its group is known, or set fsGroup: false`, where);
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
  const all = [...initOrder, ...regular];
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
  options: {
    service?: ServingWorkloadProps['service'];
    headless?: boolean;
    replicas?: number;
    pdb?: DeploymentProps['podDisruptionBudget'];
    /** With `autoscaling`: the autoscaler, whose minReplicas stands for `replicas`. */
    autoscaling?: { readonly resolved: ResolvedAutoscaling; readonly kind: 'Deployment' | 'StatefulSet' };
  },
): WorkloadObjects<W> {
  const meta = () => objectMeta(props.name, props.namespace, pod.labels);
  const serviceAccount = props.serviceAccountName === undefined ? buildServiceAccount(meta()) : undefined;
  const ports: ServicePort[] = pod.main.ports.map((p) => ({ name: p.name, port: p.port, targetPort: p.targetName, protocol: p.protocol }));
  const settings = options.service || undefined;
  if (settings) checkServiceProps(settings, options.headless === true, ctx.where);
  const emitsService = options.headless || (options.service !== undefined && ports.length > 0 && options.service !== false);
  if (settings && !emitsService) {
    const given = (['annotations', 'loadBalancerSourceRanges', 'externalTrafficPolicy'] as const).filter((key) => settings[key] !== undefined);
    if (given.length > 0) fail(`service.${given[0]} is set, but no Service is emitted: the main container declares no ports; declare the ports it serves, or remove service.${given[0]}`, ctx.where);
  }
  const service = emitsService
    ? buildService(objectMeta(props.name, props.namespace, pod.labels, settings?.annotations), pod.selector, ports, {
      headless: options.headless,
      type: settings?.type,
      externalTrafficPolicy: settings?.externalTrafficPolicy,
      loadBalancerSourceRanges: settings?.loadBalancerSourceRanges,
    })
    : undefined;
  const network = props.network ?? {};
  const networkPolicy =
    network.policy === false
      ? undefined
      : buildNetworkPolicy(meta(), pod.selector, {
        ingress: network.ingress, egress: network.egress, dns: network.dns ?? ctx.defaults?.dns,
      }, ctx.where);
  // An autoscaled workload may run as few as minReplicas pods: the budget must let one of those go.
  const autoscaling = options.autoscaling;
  const replicas = autoscaling ? autoscaling.resolved.minReplicas : options.replicas;
  checkPodDisruptionBudget(options.pdb, replicas, ctx.where, autoscaling ? 'autoscaling.minReplicas' : 'replicas');
  const podDisruptionBudget =
    replicas !== undefined && replicas > 1 && options.pdb !== false
      ? buildPodDisruptionBudget(meta(), pod.selector, options.pdb, ctx.where, ctx.defaults?.kubernetesMinor)
      : undefined;
  const horizontalPodAutoscaler = autoscaling
    ? buildHorizontalPodAutoscaler(meta(), autoscaling.kind, autoscaling.resolved, pod.template.spec!, ctx.where)
    : undefined;
  const objects = [workload, serviceAccount, service, networkPolicy, podDisruptionBudget, horizontalPodAutoscaler]
    .filter((o): o is NonNullable<typeof o> => o !== undefined)
    .map(asKubeObject);
  return { workload, serviceAccount, service, networkPolicy, podDisruptionBudget, horizontalPodAutoscaler, objects };
}

function workloadMeta(props: WorkloadProps, pod: PodBuild) {
  return objectMeta(props.name, props.namespace, pod.labels, props.annotations);
}

/** Replicas of a Deployment and of a StatefulSet unless told (and their autoscalers' minReplicas). */
const DEPLOYMENT_REPLICAS = 2;
const STATEFULSET_REPLICAS = 1;

/**
 * `spec.replicas`, left out of an autoscaled workload: the autoscaler owns the count, and a count
 * in the manifest would set it back on every apply (the autoscaler then scaling again).
 */
function fixedReplicas(replicas: number | undefined): { replicas?: number } {
  return replicas !== undefined ? { replicas } : {};
}

function checkReplicas(replicas: number, where: string): number {
  if (!Number.isInteger(replicas) || replicas < 0 || replicas > INT32_MAX) {
    fail(`replicas ${shownNumber(replicas)} is not a whole number from 0 to ${INT32_MAX}`, where);
  }
  return replicas;
}

/**
 * A hardened Deployment with its ServiceAccount, Service (when ports), NetworkPolicy, PodDisruptionBudget
 * (replicas, or autoscaling.minReplicas, > 1) and HorizontalPodAutoscaler (with `autoscaling`).
 */
export function buildDeployment(props: DeploymentProps, ctx: BuildContext): WorkloadObjects<Deployment> {
  const pod = buildPod(props, { propKeys: PROP_KEYS.deployment, serving: true }, ctx);
  const autoscaling = resolveAutoscaling(props.autoscaling, props.replicas, DEPLOYMENT_REPLICAS, 'Deployment', ctx.defaults?.kubernetesMinor, ctx.where);
  const replicas = autoscaling ? undefined : checkReplicas(props.replicas ?? DEPLOYMENT_REPLICAS, ctx.where);
  const workload: Deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: workloadMeta(props, pod),
    spec: { ...fixedReplicas(replicas), selector: { matchLabels: { ...pod.selector } }, template: pod.template },
  };
  return finish(workload, props, pod, ctx, {
    service: props.service ?? {},
    replicas,
    pdb: props.podDisruptionBudget,
    autoscaling: autoscaling && { resolved: autoscaling, kind: 'Deployment' },
  });
}

/** A hardened StatefulSet with a headless Service, persistent volumes (fsGroup set) and the usual companions. */
export function buildStatefulSet(props: StatefulSetProps, ctx: BuildContext): WorkloadObjects<StatefulSet> {
  const claims = props?.volumeClaims ?? [];
  const pod = buildPod(props, { propKeys: PROP_KEYS.statefulSet, serving: true }, ctx, { claims });
  if (props.service && props.service.type !== undefined && props.service.type !== 'ClusterIP') {
    fail(`service.type ${props.service.type} is not possible: a StatefulSet gets a headless Service (stable pod DNS names); expose it through a separate Service`, ctx.where);
  }
  const autoscaling = resolveAutoscaling(props.autoscaling, props.replicas, STATEFULSET_REPLICAS, 'StatefulSet', ctx.defaults?.kubernetesMinor, ctx.where);
  const replicas = autoscaling ? undefined : checkReplicas(props.replicas ?? STATEFULSET_REPLICAS, ctx.where);
  claims.forEach((c, i) => c?.accessModes?.forEach((mode, j) => {
    checkOneOf(mode, ['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOncePod'], `volumeClaims[${i}].accessModes[${j}]`, ctx.where);
  }));
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
      ...fixedReplicas(replicas),
      serviceName: props.name,
      selector: { matchLabels: { ...pod.selector } },
      template: pod.template,
      ...(volumeClaimTemplates.length > 0 ? { volumeClaimTemplates } : {}),
    },
  };
  return finish(workload, props, pod, ctx, {
    headless: props.service !== false,
    service: props.service,
    replicas,
    pdb: props.podDisruptionBudget,
    autoscaling: autoscaling && { resolved: autoscaling, kind: 'StatefulSet' },
  });
}

/** A hardened DaemonSet (one pod per node) with its companions; no PodDisruptionBudget. */
export function buildDaemonSet(props: DaemonSetProps, ctx: BuildContext): WorkloadObjects<DaemonSet> {
  const pod = buildPod(props, { propKeys: PROP_KEYS.daemonSet, serving: true }, ctx);
  const workload: DaemonSet = {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: workloadMeta(props, pod),
    spec: { selector: { matchLabels: { ...pod.selector } }, template: pod.template },
  };
  return finish(workload, props, pod, ctx, { service: props.service ?? {} });
}

function jobSpec(props: JobProps, pod: PodBuild, where: string): JobSpec {
  checkWhole(props.backoffLimit, 'backoffLimit', 0, where);
  checkWhole(props.activeDeadlineSeconds, 'activeDeadlineSeconds', 0, where, INT64_MAX);
  for (const field of ['ttlSecondsAfterFinished', 'completions', 'parallelism'] as const) checkWhole(props[field], field, 0, where);
  return {
    backoffLimit: props.backoffLimit ?? 3,
    ttlSecondsAfterFinished: props.ttlSecondsAfterFinished ?? 3600,
    ...(props.activeDeadlineSeconds !== undefined ? { activeDeadlineSeconds: props.activeDeadlineSeconds } : {}),
    ...(props.completions !== undefined ? { completions: props.completions } : {}),
    ...(props.parallelism !== undefined ? { parallelism: props.parallelism } : {}),
    template: pod.template,
  };
}

/** A Job's pods run to completion: `Always` is refused by the API server. */
const JOB_RESTART_POLICIES = ['Never', 'OnFailure'];

/** A hardened Job (no Service) with its ServiceAccount and NetworkPolicy. */
export function buildJob(props: JobProps, ctx: BuildContext): WorkloadObjects<Job> {
  checkOneOf(props?.restartPolicy, JOB_RESTART_POLICIES, 'restartPolicy', ctx.where);
  const pod = buildPod(props, { propKeys: PROP_KEYS.job, serving: false, restartPolicy: props.restartPolicy ?? 'Never' }, ctx);
  const workload: Job = { apiVersion: 'batch/v1', kind: 'Job', metadata: workloadMeta(props, pod), spec: jobSpec(props, pod, ctx.where) };
  return finish(workload, props, pod, ctx, {});
}

/** The CronJob controller appends 11 characters to name its Jobs, which must stay DNS labels. */
const CRONJOB_MAX_NAME = 52;
/** Checks the CronJob name, schedule and time zone as the API server would. */
function checkSchedule(props: CronJobProps, where: string): void {
  checkOneOf(props.concurrencyPolicy, ['Allow', 'Forbid', 'Replace'], 'concurrencyPolicy', where);
  for (const field of ['successfulJobsHistoryLimit', 'failedJobsHistoryLimit'] as const) checkWhole(props[field], field, 0, where);
  checkWhole(props.startingDeadlineSeconds, 'startingDeadlineSeconds', 0, where, INT64_MAX);
  if (props.name.length > CRONJOB_MAX_NAME) fail(`name "${props.name}" has ${props.name.length} characters; a CronJob name may have at most ${CRONJOB_MAX_NAME}, as its Jobs are named after it`, where);
  const schedule = props.schedule;
  if (typeof schedule !== 'string') fail(`schedule must be a cron schedule such as "0 3 * * *" or @daily (got ${typeof schedule})`, where);
  const scheduleProblem = cronScheduleProblem(schedule);
  if (scheduleProblem) {
    fail(`schedule "${schedule}" is not a cron schedule the API server accepts (${scheduleProblem}); write five fields (minute hour day-of-month month day-of-week) such as "0 3 * * *", or one of @hourly, @daily, @weekly, @monthly, @yearly, @every <duration>`, where);
  }
  if (props.timeZone !== undefined) {
    if (typeof props.timeZone !== 'string') fail(`timeZone must be an IANA time zone name such as Europe/Berlin (got ${typeof props.timeZone})`, where);
    const zoneProblem = timeZoneProblem(props.timeZone);
    if (zoneProblem) fail(`timeZone ${JSON.stringify(props.timeZone)} is refused by the API server: ${zoneProblem} (an IANA name such as Europe/Berlin or Etc/UTC)`, where);
  }
}

/** A hardened CronJob (no overlapping runs by default) with its ServiceAccount and NetworkPolicy. */
export function buildCronJob(props: CronJobProps, ctx: BuildContext): WorkloadObjects<CronJob> {
  checkOneOf(props?.restartPolicy, JOB_RESTART_POLICIES, 'restartPolicy', ctx.where);
  const pod = buildPod(props, { propKeys: PROP_KEYS.cronJob, serving: false, restartPolicy: props.restartPolicy ?? 'Never' }, ctx);
  checkSchedule(props, ctx.where);
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
      jobTemplate: { metadata: { labels: { ...pod.labels } }, spec: jobSpec(props, pod, ctx.where) },
    },
  };
  return finish(workload, props, pod, ctx, {});
}
