import type { Container, PodSpec, ResourceRequirements, SeccompProfile } from 'kubernetes-types/core/v1';
import { valueAtPath } from '../model/field-path';
import type { ImageFacts } from '../model/image';
import type { ContainerListField } from '../model/pod-view';
import { quantityGreater } from '../model/quantity';

/** Rule ids the secure defaults satisfy; the rule catalogue uses the same ids (file name == id). */
export type RuleId =
  | 'privileged'
  | 'allow-privilege-escalation'
  | 'run-as-non-root'
  | 'run-as-user'
  | 'capabilities-baseline'
  | 'capabilities-restricted'
  | 'seccomp-profile-baseline'
  | 'seccomp-profile-restricted'
  | 'read-only-root-filesystem'
  | 'resources'
  | 'service-account-token'
  | 'dedicated-service-account'
  | 'host-namespaces'
  | 'network-policy'
  | 'probes';

/** Returned by a default to leave the field as it is. */
export const KEEP: unique symbol = Symbol('keep');
/** Returned by a default to delete the field. */
export const REMOVE: unique symbol = Symbol('remove');
export type DefaultOutcome = unknown | typeof KEEP | typeof REMOVE;

/** Built-in requests and limits, used when neither the object nor the platform defaults give one. */
export const DEFAULT_RESOURCES: Readonly<{ requests: Readonly<Record<string, string>>; limits: Readonly<Record<string, string>> }> = {
  requests: { cpu: '100m', memory: '128Mi' },
  limits: { cpu: '500m', memory: '256Mi' },
};

export const RUNTIME_DEFAULT_SECCOMP: SeccompProfile = { type: 'RuntimeDefault' };

/** What a secure default may consult besides the object itself. */
export interface HardeningOptions {
  /** Facts about an image reference (uid, gid ...), when a lock file recorded them. */
  readonly imageFacts?: (image: string) => ImageFacts | undefined;
  /** Requests and limits to fill in. @default DEFAULT_RESOURCES */
  readonly resources?: { readonly requests?: Readonly<Record<string, string>>; readonly limits?: Readonly<Record<string, string>> };
  /** Seccomp profile to set where none (or Unconfined) is. @default RuntimeDefault */
  readonly seccompProfile?: SeccompProfile;
}

/** The container lists of a pod spec a default applies to. */
export type ContainerList = ContainerListField;
const ALL_LISTS: readonly ContainerList[] = ['initContainers', 'containers', 'ephemeralContainers'];
// Ephemeral containers may not set resources, ports or probes.
const RUNNABLE_LISTS: readonly ContainerList[] = ['initContainers', 'containers'];

interface DefaultBase {
  /** Stable id of the entry, e.g. `container.privileged`. */
  readonly id: string;
  /** Rule ids this default satisfies (empty for defence in depth without a rule of its own). */
  readonly rules: readonly RuleId[];
  /** Why, in one sentence; shown with every change harden() makes. */
  readonly reason: string;
}

/** A field of the pod spec. */
export interface PodFieldDefault extends DefaultBase {
  readonly scope: 'pod';
  /** Path inside the pod spec. */
  readonly path: readonly string[];
  /** Only meaningful for Linux pods (skipped when `spec.os.name` is `windows`). */
  readonly linuxOnly?: boolean;
  readonly secure: (current: unknown, pod: PodSpec, options: HardeningOptions) => DefaultOutcome;
}

/** A field of every container in the listed container lists. */
export interface ContainerFieldDefault extends DefaultBase {
  readonly scope: 'container';
  readonly path: readonly string[];
  readonly lists: readonly ContainerList[];
  readonly linuxOnly?: boolean;
  readonly secure: (current: unknown, container: Container, pod: PodSpec, options: HardeningOptions) => DefaultOutcome;
}

/**
 * A default that no field of the pod can carry: it is met by an object emitted next to the
 * workload (ServiceAccount, NetworkPolicy) or by props (probes). The builders honour these;
 * harden() cannot, since it returns one object.
 */
export interface CompanionDefault extends DefaultBase {
  readonly scope: 'companion';
  readonly satisfiedBy: string;
}

export type SecureDefault = PodFieldDefault | ContainerFieldDefault | CompanionDefault;

function fixedValue(value: unknown, isSecure: (current: unknown) => boolean) {
  return (current: unknown): DefaultOutcome => (isSecure(current) ? KEEP : value);
}

function resourceDefault(section: 'requests' | 'limits', resource: 'cpu' | 'memory'): ContainerFieldDefault {
  const other = section === 'requests' ? 'limits' : 'requests';
  return {
    id: `container.resources.${section}.${resource}`,
    scope: 'container',
    path: ['resources', section, resource],
    lists: RUNNABLE_LISTS,
    rules: ['resources'],
    reason: `a ${resource} ${section === 'requests' ? 'request lets the scheduler place the pod' : 'limit bounds what one container can take from its neighbours'}`,
    secure: (current, container, pod, options) => {
      if (current !== undefined) return KEEP;
      // Pod-level resources (spec.resources, Kubernetes 1.34+) bound the containers together: a
      // container default could exceed them, and the API server refuses such a pod.
      if (valueAtPath(pod, ['resources', 'requests', resource]) !== undefined || valueAtPath(pod, ['resources', 'limits', resource]) !== undefined) return KEEP;
      const fallback = (options.resources?.[section] ?? DEFAULT_RESOURCES[section])[resource] ?? DEFAULT_RESOURCES[section][resource];
      const counterpart = (container.resources as ResourceRequirements | undefined)?.[other]?.[resource];
      if (counterpart === undefined) return fallback;
      // Keep request <= limit: never emit a default that contradicts what the object already says.
      if (section === 'limits' && quantityGreater(String(counterpart), fallback)) return counterpart;
      if (section === 'requests' && quantityGreater(fallback, String(counterpart))) return counterpart;
      return fallback;
    },
  };
}

const isTrue = (v: unknown) => v === true;
const isFalse = (v: unknown) => v === false;
const notTrue = (v: unknown) => v !== true;
const isUnconfined = (v: unknown) => (v as SeccompProfile | undefined)?.type === 'Unconfined';

/**
 * The one table of secure defaults. The workload builders apply it to everything they emit and
 * harden() applies it to any workload object, so both always agree.
 */
export const SECURE_DEFAULTS: readonly SecureDefault[] = [
  {
    id: 'pod.runAsNonRoot',
    scope: 'pod',
    path: ['securityContext', 'runAsNonRoot'],
    rules: ['run-as-non-root'],
    // Not Linux-only: Windows pods may set it (ContainerAdministrator is root there), and restricted requires it of them too.
    reason: 'the kubelet refuses to start a container whose user is root',
    secure: fixedValue(true, isTrue),
  },
  {
    id: 'pod.runAsUser',
    scope: 'pod',
    path: ['securityContext', 'runAsUser'],
    rules: ['run-as-user'],
    linuxOnly: true,
    reason: 'uid 0 is root; without a uid the kubelet checks that the image user is not root',
    secure: (current) => (current === 0 ? REMOVE : KEEP),
  },
  {
    id: 'pod.seccompProfile',
    scope: 'pod',
    path: ['securityContext', 'seccompProfile'],
    rules: ['seccomp-profile-restricted', 'seccomp-profile-baseline'],
    linuxOnly: true,
    reason: 'a seccomp profile blocks the system calls containers never need',
    secure: (current, _pod, options) =>
      current === undefined || isUnconfined(current) ? (options.seccompProfile ?? RUNTIME_DEFAULT_SECCOMP) : KEEP,
  },
  {
    id: 'pod.automountServiceAccountToken',
    scope: 'pod',
    path: ['automountServiceAccountToken'],
    rules: ['service-account-token'],
    reason: 'a mounted API token is a credential an intruder can use against the cluster',
    secure: fixedValue(false, isFalse),
  },
  {
    id: 'pod.enableServiceLinks',
    scope: 'pod',
    path: ['enableServiceLinks'],
    rules: [],
    reason: 'service links inject the address of every Service in the namespace into the environment',
    secure: fixedValue(false, isFalse),
  },
  ...(['hostNetwork', 'hostPID', 'hostIPC'] as const).map(
    (field): PodFieldDefault => ({
      id: `pod.${field}`,
      scope: 'pod',
      path: [field],
      rules: ['host-namespaces'],
      reason: 'sharing a host namespace lets the pod see or reach host processes and interfaces',
      secure: fixedValue(false, notTrue),
    }),
  ),
  {
    id: 'container.privileged',
    scope: 'container',
    path: ['securityContext', 'privileged'],
    lists: ALL_LISTS,
    rules: ['privileged'],
    linuxOnly: true,
    reason: 'a privileged container has every capability and all host devices',
    secure: fixedValue(false, isFalse),
  },
  {
    id: 'container.allowPrivilegeEscalation',
    scope: 'container',
    path: ['securityContext', 'allowPrivilegeEscalation'],
    lists: ALL_LISTS,
    rules: ['allow-privilege-escalation'],
    linuxOnly: true,
    reason: 'no_new_privs stops setuid binaries from gaining privileges',
    secure: fixedValue(false, isFalse),
  },
  {
    id: 'container.runAsNonRoot',
    scope: 'container',
    path: ['securityContext', 'runAsNonRoot'],
    lists: ALL_LISTS,
    rules: ['run-as-non-root'],
    reason: 'a container must not opt out of the pod-wide non-root check',
    secure: (current) => (current === false ? true : KEEP),
  },
  {
    id: 'container.runAsUser',
    scope: 'container',
    path: ['securityContext', 'runAsUser'],
    lists: ALL_LISTS,
    rules: ['run-as-user'],
    linuxOnly: true,
    reason: 'uid 0 is root; a known non-root image user is made explicit, an unknown one is never invented',
    secure: (current, container, pod, options) => {
      if (current !== undefined && current !== 0) return KEEP;
      // Pod-level defaults run first, so a pod-level uid here is never 0.
      const known = pod.securityContext?.runAsUser === undefined && container.image ? options.imageFacts?.(container.image)?.uid : undefined;
      if (known !== undefined && known > 0) return known;
      return current === 0 ? REMOVE : KEEP;
    },
  },
  {
    id: 'container.runAsGroup',
    scope: 'container',
    path: ['securityContext', 'runAsGroup'],
    lists: ALL_LISTS,
    rules: ['run-as-user'],
    linuxOnly: true,
    reason: 'the image\'s known group is made explicit so files it owns stay readable',
    secure: (current, container, pod, options) => {
      if (current !== undefined || pod.securityContext?.runAsGroup !== undefined || !container.image) return KEEP;
      const gid = options.imageFacts?.(container.image)?.gid;
      return gid !== undefined && gid > 0 ? gid : KEEP;
    },
  },
  {
    id: 'container.capabilities.drop',
    scope: 'container',
    path: ['securityContext', 'capabilities', 'drop'],
    lists: ALL_LISTS,
    rules: ['capabilities-restricted'],
    linuxOnly: true,
    reason: 'a non-root process needs no capabilities; dropping ALL removes the runtime\'s defaults',
    secure: (current) => (Array.isArray(current) && current.includes('ALL') ? KEEP : ['ALL']),
  },
  {
    id: 'container.capabilities.add',
    scope: 'container',
    path: ['securityContext', 'capabilities', 'add'],
    lists: ALL_LISTS,
    rules: ['capabilities-restricted', 'capabilities-baseline'],
    linuxOnly: true,
    reason: 'only NET_BIND_SERVICE may be added back, and a non-root process cannot use even that',
    secure: (current) => {
      if (current === undefined || !Array.isArray(current)) return KEEP;
      const kept = current.filter((c) => c === 'NET_BIND_SERVICE');
      if (kept.length === current.length) return KEEP;
      return kept.length === 0 ? REMOVE : kept;
    },
  },
  {
    id: 'container.seccompProfile',
    scope: 'container',
    path: ['securityContext', 'seccompProfile'],
    lists: ALL_LISTS,
    rules: ['seccomp-profile-baseline', 'seccomp-profile-restricted'],
    linuxOnly: true,
    reason: 'a container must not opt out of the pod\'s seccomp profile',
    secure: (current) => (isUnconfined(current) ? REMOVE : KEEP),
  },
  {
    id: 'container.readOnlyRootFilesystem',
    scope: 'container',
    path: ['securityContext', 'readOnlyRootFilesystem'],
    lists: ALL_LISTS,
    rules: ['read-only-root-filesystem'],
    linuxOnly: true,
    reason: 'an intruder cannot drop tools or alter binaries on a read-only root filesystem',
    secure: fixedValue(true, isTrue),
  },
  resourceDefault('requests', 'cpu'),
  resourceDefault('requests', 'memory'),
  resourceDefault('limits', 'cpu'),
  resourceDefault('limits', 'memory'),
  {
    id: 'workload.serviceAccount',
    scope: 'companion',
    rules: ['dedicated-service-account'],
    satisfiedBy: 'a ServiceAccount per workload with automountServiceAccountToken false',
    reason: 'RBAC granted to one workload must not leak to every pod using the namespace default account',
  },
  {
    id: 'workload.networkPolicy',
    scope: 'companion',
    rules: ['network-policy'],
    satisfiedBy: 'a NetworkPolicy per workload denying all ingress and egress except declared rules and DNS',
    reason: 'without a policy every pod can reach and be reached by every other pod',
  },
  {
    id: 'workload.probes',
    scope: 'companion',
    rules: ['probes'],
    satisfiedBy: 'readiness and liveness probes from props (tcpSocket on the first port by default)',
    reason: 'probes keep traffic away from pods that are not ready and restart hung ones',
  },
];
