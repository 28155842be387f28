import type { Role, RoleBinding } from 'kubernetes-types/rbac/v1';
import { INT32_MAX } from './api-integers';
import { checkDnsLabel, checkLabels, isDnsLabel, isDnsSubdomain } from './api-values';
import { asKubeObject, MANAGED_BY_LABEL, NAMESPACE_NAME_LABEL, targetMinor } from './companions';
import { HardpodError } from './errors';
import { DIGEST_ONLY_RESOLVER } from './image';
import { claimObjectKey, type KubeObject } from './kube-object';
import { PROP_KEYS, refuseUnknownKeys } from './prop-keys';
import { ADMISSION_POLICY_MINOR, celList, celString, POD_SPEC_CEL, workloadResourceRules } from './workload-cel';
import type { BuildContext } from './workloads';
import { allowedSeLinuxTypes, CONFINING_PROFILE_TYPES, HOST_NAMESPACE_FIELDS } from '../rules/support/confinement';
import { isWorkloadGroup } from '../rules/support/hardened';

/**
 * The sanctioned way into shell-less images: ephemeral debug containers, granted to a group of
 * people in one namespace and always paired with an admission policy. The grant (patching
 * `pods/ephemeralcontainers`, attaching to them) is as strong as exec, so the policy admits a new
 * ephemeral container in that namespace only when it runs the approved digest-pinned debug image
 * with a restricted security context (the Pod Security `restricted` container requirements, the
 * pod's settings judged where the container sets none, so it holds where no Pod Security level is
 * enforced), takes no environment from Secrets or ConfigMaps (which would read objects the
 * group cannot get), mounts none of the pod's hostPath volumes (the node's files) and joins no pod
 * that shares the node's network, processes or IPC. Whoever adds it (the group, an admin, a
 * controller) gets the same answer. A second policy lets the group attach only to debug containers:
 * attaching to another container whose stdin is open is exec into it.
 */

/** Props of {@link buildDebugAccess}. */
export interface DebugAccessProps {
  /** Name of the Role, RoleBinding and (prefixed with the namespace) the admission policies. @default `debug` */
  readonly name?: string;
  /** Namespace whose pods may be debugged. */
  readonly namespace: string;
  /**
   * Group of people (as the cluster's authenticator names it) whose members may debug. A group that
   * holds workloads or everyone (system:serviceaccounts, system:serviceaccounts:<namespace>,
   * system:authenticated, system:unauthenticated) is refused.
   */
  readonly group: string;
  /**
   * The debug image: the tools a shell-less workload image lacks. Pinned by digest (a tag is
   * resolved through the lock file when one is configured); the admission policy admits exactly
   * this reference. Every debug access of one namespace names the same image (each policy judges
   * every ephemeral container added there), so a second image there is refused.
   */
  readonly image: string;
  /** User the debug container runs as. @default 65532 (the `nonroot` user of distroless images) */
  readonly runAsUser?: number;
  /** Group the debug container runs as. @default `runAsUser` */
  readonly runAsGroup?: number;
  /** Labels on every emitted object. @default none */
  readonly labels?: Readonly<Record<string, string>>;
}

/** What {@link buildDebugAccess} emits and what a person needs to use it. */
export interface DebugAccessObjects {
  /** Get, list and watch pods; patch their ephemeral containers; attach to them; read their logs. */
  readonly role: KubeObject;
  /** Binds the Role to the group. */
  readonly roleBinding: KubeObject;
  /**
   * Admits new ephemeral containers only with the approved image, a restricted security context
   * (what Pod Security `restricted` requires of a container, the pod's settings judged where the
   * container sets none), no environment from Secrets or ConfigMaps, no mount of the pod's hostPath volumes
   * and only into a pod that shares none of the node's namespaces.
   */
  readonly admissionPolicy: KubeObject;
  /** Applies the policy to the namespace, denying what it does not admit. */
  readonly admissionPolicyBinding: KubeObject;
  /**
   * Lets members of the group who may not exec in the namespace attach only to debug containers
   * (named `debugger…`, as kubectl debug names them): attaching to another container whose stdin is
   * open is exec into it.
   */
  readonly attachPolicy: KubeObject;
  /** Applies the attach policy to the namespace. */
  readonly attachPolicyBinding: KubeObject;
  /**
   * Refuses pods and pod templates in the namespace whose containers or init containers are named
   * `debugger…`: the attach policy tells debug containers by that name, so a workload container of
   * such a name would be one the group may attach to.
   */
  readonly reservedNamePolicy: KubeObject;
  /** Applies the reserved-name policy to the namespace. */
  readonly reservedNamePolicyBinding: KubeObject;
  /** Every object above, in apply order (the policies before the grant they guard). */
  readonly objects: readonly KubeObject[];
  /** The pinned debug image reference the policy admits. */
  readonly image: string;
  /**
   * The container fields `kubectl debug --custom` adds to its `restricted` profile: user, group,
   * read-only root filesystem. Write it to the file the command names.
   */
  readonly customContainer: Readonly<Record<string, unknown>>;
  /** The whole ephemeral container the command creates (for checks and for tools that add it themselves). */
  readonly debugContainer: Readonly<Record<string, unknown>>;
  /**
   * The `kubectl debug` command (for a POSIX shell, kubectl 1.30 or later) for one pod of the
   * namespace. For a 1.30 or 1.31 target it sets `KUBECTL_DEBUG_CUSTOM_PROFILE=true`, without which
   * kubectl 1.30 has no `--custom`.
   */
  kubectlDebugCommand(pod: string, options?: KubectlDebugOptions): string;
}

/** Options of {@link DebugAccessObjects.kubectlDebugCommand}. */
export interface KubectlDebugOptions {
  /** Container whose process namespace the debugger joins. @default none (the pod's own namespaces only) */
  readonly target?: string;
  /** File holding {@link DebugAccessObjects.customContainer} as JSON. @default `debug-container.json` */
  readonly customFile?: string;
  /** Attach a terminal (`-it`). @default true */
  readonly attach?: boolean;
  /**
   * Name of the debug container, starting with `debugger` (the group may attach to no other).
   * Ephemeral containers stay in the pod after they exit, so a name is used once per pod: run again
   * with the same name, kubectl adds nothing and reattaches to the old one.
   * @default none (kubectl names each one `debugger-<random>`)
   */
  readonly container?: string;
}

/**
 * kubectl 1.30 has `kubectl debug --custom` only with this variable set (on by default from 1.31, the
 * gate gone from 1.34); kubectl 1.30 may drive a cluster one minor newer.
 */
const CUSTOM_PROFILE_GATE = { variable: 'KUBECTL_DEBUG_CUSTOM_PROFILE=true', upToMinor: 31 };
const DEFAULT_DEBUG_USER = 65532;
/** How debug containers are named (kubectl debug names them `debugger-<random>`): the group attaches to no other. */
const DEBUG_CONTAINER_PREFIX = 'debugger';

/**
 * Pods, and the built-in objects holding a pod template, as the reserved-name policy matches them: a
 * pod when created (a container's name cannot change later, and a pod older than the policy must
 * stay updatable), a template whenever it is written, so `kubectl apply` of a workload fails at once
 * rather than its pods later.
 */
const POD_TEMPLATE_RESOURCE_RULES = workloadResourceRules((workload) => (workload.kind === 'Pod' ? ['CREATE'] : ['CREATE', 'UPDATE']), false);

/** Ephemeral containers a request adds: the ones whose names the pod did not have before. */
const ADDED_CONTAINERS =
  '(has(object.spec.ephemeralContainers) ? object.spec.ephemeralContainers : []).filter(c, ' +
  '!(has(oldObject.spec.ephemeralContainers) ? oldObject.spec.ephemeralContainers : []).exists(o, o.name == c.name))';

/** `has()` of a dotted path under `root` and of every field on the way: true when the whole path is set. */
function present(root: string, path: string): string {
  const parts = path.split('.');
  return parts.map((_, i) => `has(${root}.${parts.slice(0, i + 1).join('.')})`).join(' && ');
}

/**
 * The Pod Security `restricted` requirements (baseline's included) on what one added container `c`
 * of the pod `object` runs with, at a Kubernetes minor. Where a container setting falls back to the
 * pod's, the pod's is judged when the container sets none: a pod admitted where no Pod Security
 * level is enforced may carry any, and the debug container would run with it. The pod-level
 * settings themselves cannot change here (the subresource only adds ephemeral containers).
 */
function restrictedChecks(minor: number): readonly { expression: string; message: string }[] {
  const sc = 'c.securityContext';
  const podSc = 'object.spec.securityContext';
  const profileTypes = celList(CONFINING_PROFILE_TYPES);
  const seLinuxTypes = allowedSeLinuxTypes(minor);
  // The kubelet takes the container's seLinuxOptions whole when it sets them, else the pod's.
  const seLinuxAllowed = (options: string) =>
    `(!has(${options}.type) || ${options}.type in ${celList(seLinuxTypes)}) && ` +
    `(!has(${options}.user) || ${options}.user == '') && (!has(${options}.role) || ${options}.role == '')`;
  return [
    {
      expression: `${present('c', 'securityContext.runAsNonRoot')} && ${sc}.runAsNonRoot == true`,
      message: 'must set securityContext.runAsNonRoot: true',
    },
    {
      expression: `${present('c', 'securityContext.runAsUser')} ? ${sc}.runAsUser != 0 : ` +
        `!(${present('object.spec', 'securityContext.runAsUser')} && ${podSc}.runAsUser == 0)`,
      message: 'must not run as user 0 (securityContext.runAsUser, its own or else the pod\'s)',
    },
    {
      expression: `${present('c', 'securityContext.allowPrivilegeEscalation')} && ${sc}.allowPrivilegeEscalation == false`,
      message: 'must set securityContext.allowPrivilegeEscalation: false',
    },
    {
      // Stricter than restricted, which allows adding NET_BIND_SERVICE: a non-root debugger cannot use it.
      expression: `${present('c', 'securityContext.capabilities.drop')} && ${sc}.capabilities.drop.exists(d, d == 'ALL') && ` +
        `(!has(${sc}.capabilities.add) || size(${sc}.capabilities.add) == 0)`,
      message: 'must drop ALL capabilities and add none',
    },
    {
      expression: `!(${present('c', 'securityContext.privileged')}) || ${sc}.privileged == false`,
      message: 'must not be privileged',
    },
    {
      // A container's own profile overrides the pod's: Unconfined there is unconfined whatever the pod says.
      expression: `${present('c', 'securityContext.seccompProfile')} ? ${sc}.seccompProfile.type in ${profileTypes} : ` +
        `(${present('object.spec', 'securityContext.seccompProfile')} && ${podSc}.seccompProfile.type in ${profileTypes})`,
      message: 'must run with the RuntimeDefault (or a Localhost) seccomp profile',
    },
    {
      // Without its own profile the container runs with the pod's. (The deprecated per-container
      // annotation cannot name it: validation refuses one for a container the pod does not have yet.)
      expression: `${present('c', 'securityContext.appArmorProfile')} ? ${sc}.appArmorProfile.type in ${profileTypes} : ` +
        `!(${present('object.spec', 'securityContext.appArmorProfile')}) || ${podSc}.appArmorProfile.type in ${profileTypes}`,
      message: 'must not run without AppArmor confinement (appArmorProfile, its own or else the pod\'s, may only be RuntimeDefault or Localhost)',
    },
    {
      expression: `${present('c', 'securityContext.seLinuxOptions')} ? ${seLinuxAllowed(`${sc}.seLinuxOptions`)} : ` +
        `(!(${present('object.spec', 'securityContext.seLinuxOptions')}) || ${seLinuxAllowed(`${podSc}.seLinuxOptions`)})`,
      message: `must not set a SELinux user or role, and may set only the type ${[...seLinuxTypes].filter((t) => t !== '').join(', ')} (securityContext.seLinuxOptions, its own or else the pod's)`,
    },
    {
      expression: `!(${present('c', 'securityContext.procMount')}) || ${sc}.procMount == 'Default'`,
      message: 'must keep the default masked /proc (securityContext.procMount: Default)',
    },
    {
      expression: `${present('c', 'securityContext.windowsOptions.hostProcess')} ? ${sc}.windowsOptions.hostProcess == false : ` +
        `!(${present('object.spec', 'securityContext.windowsOptions.hostProcess')} && ${podSc}.windowsOptions.hostProcess == true)`,
      message: 'must not be a Windows HostProcess container (securityContext.windowsOptions.hostProcess, its own or else the pod\'s)',
    },
  ];
}

/**
 * What the added container may read besides the pod's own data, for one container `c`. The kubelet
 * fetches every Secret and ConfigMap a container's environment names (the Node authorizer allows
 * that for ephemeral containers too), so an environment from them would hand the group any Secret
 * or ConfigMap of the namespace, which it cannot get. Mounts of the pod's own volumes (volumeMounts,
 * volumeDevices) stay allowed: they hold the data of the pod being debugged, which its containers
 * already see, and nothing the pod does not have. A hostPath volume is the exception: it holds the
 * node's files, not the pod's (Pod Security baseline refuses it). So is a pod in the node's network,
 * process or IPC namespace (baseline refuses that too): an ephemeral container always joins the
 * pod's namespaces, where it would see every process of the node (and read the environment and files of
 * other pods' processes that run as its user), reach what listens on the node's loopback, and share
 * the node's IPC.
 */
const NO_FOREIGN_DATA_CHECKS: readonly { expression: string; message: string }[] = [
  {
    // Every envFrom source (secretRef, configMapRef) reads an object of the namespace.
    expression: '!has(c.envFrom) || size(c.envFrom) == 0',
    message: 'must not take environment variables from Secrets or ConfigMaps (envFrom)',
  },
  {
    // An allow list, so a source added to a later API version is refused until judged.
    expression: '!has(c.env) || c.env.all(e, !has(e.valueFrom) || has(e.valueFrom.fieldRef) || has(e.valueFrom.resourceFieldRef))',
    message: 'must not take environment variables from Secrets, ConfigMaps or files (env valueFrom): plain values, fieldRef and resourceFieldRef are allowed',
  },
  {
    expression: '!has(c.volumeMounts) || !has(object.spec.volumes) || ' +
      'c.volumeMounts.all(m, !object.spec.volumes.exists(v, v.name == m.name && has(v.hostPath)))',
    message: 'must not mount hostPath volumes of the pod (volumeMounts): they are the node\'s files, not the pod\'s',
  },
  // Judged per added container, like the rest, so an update that adds none passes.
  ...HOST_NAMESPACE_FIELDS.map((field) => ({
    expression: `!(has(object.spec.${field}) && object.spec.${field} == true)`,
    message: `must not join a pod that shares the node's namespaces (${field}): the debugger would share them too`,
  })),
];

/** Role, RoleBinding and the admission policy that make ephemeral debug containers the only way in. */
export function buildDebugAccess(props: DebugAccessProps, ctx: BuildContext): DebugAccessObjects {
  const where = ctx.where;
  refuseUnknownKeys(props, PROP_KEYS.debugAccess, '', where);
  const name = props.name ?? 'debug';
  if (isDnsSubdomain(name) && !isDnsLabel(name)) {
    throw new HardpodError(
      `name ${JSON.stringify(name)} is not a DNS label: hardpod names debug access with one (lowercase letters, digits and "-", at most 63 characters, no ".") ` +
        'because it is also the last part of the admission policy name hardpod-debug.<namespace>.<name>, although a Role alone would accept it',
      where,
    );
  }
  for (const [field, value] of [['name', name], ['namespace', props.namespace]] as const) checkDnsLabel(value, field, where);
  checkLabels(props.labels, 'labels', where);
  checkLabels(ctx.defaults?.labels, 'the platform default labels', where);
  if (typeof props.group !== 'string' || props.group.trim() === '') {
    // The API server takes a blank group name, but no one is in that group: the grant would be dead.
    throw new HardpodError(`group must name the group of people who may debug (got ${JSON.stringify(props.group)}; hardpod refuses a blank name, which no one's group has)`, where);
  }
  if (isWorkloadGroup(props.group)) {
    // The same groups the hardened RBAC rules (rbac-no-exec) refuse to give exec-like access.
    throw new HardpodError(
      `group ${JSON.stringify(props.group)} is not a group of people: every service account is in system:serviceaccounts (and system:serviceaccounts:<namespace>), ` +
        'every request in system:authenticated or system:unauthenticated, and the grant is as strong as exec, which workloads and everyone must not hold; ' +
        'name the group of people who may debug',
      where,
    );
  }
  const minor = targetMinor(ctx.defaults?.kubernetesMinor, where);
  if (minor < ADMISSION_POLICY_MINOR) {
    throw new HardpodError(`debug access is always paired with a ValidatingAdmissionPolicy (admissionregistration.k8s.io/v1, Kubernetes 1.${ADMISSION_POLICY_MINOR}+), but the target is 1.${minor} (kubernetesMinor)`, where);
  }
  const runAsUser = props.runAsUser ?? DEFAULT_DEBUG_USER;
  const runAsGroup = props.runAsGroup ?? runAsUser;
  for (const [field, value] of [['runAsUser', runAsUser], ['runAsGroup', runAsGroup]] as const) {
    if (!Number.isInteger(value) || value < 1 || value > INT32_MAX) throw new HardpodError(`${field} ${value} must be a non-root numeric id (1 to ${INT32_MAX})`, where);
  }
  const image = (ctx.imageResolver ?? DIGEST_ONLY_RESOLVER).resolve(props.image, `${where} (debug image)`).reference;

  const labels = { ...ctx.defaults?.labels, ...props.labels, ...MANAGED_BY_LABEL };
  const policyName = `hardpod-debug.${props.namespace}.${name}`;
  const attachPolicyName = `hardpod-debug-attach.${props.namespace}.${name}`;
  const role: Role = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name, namespace: props.namespace, labels, annotations: { 'hardpod.dev/admission-policy': policyName } },
    rules: [
      { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['pods/ephemeralcontainers'], verbs: ['patch'] },
      // Attach streams over a websocket (GET) or SPDY (POST, `create`); the attach policy keeps it to debug containers.
      { apiGroups: [''], resources: ['pods/attach'], verbs: ['get', 'create'] },
      // kubectl debug shows the log instead when the debug container has exited or attach fails. It
      // reads any container's, but attach already streams any container's output.
      { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] },
    ],
  };
  const roleBinding: RoleBinding = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name, namespace: props.namespace, labels },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: props.group }],
  };
  const imageLiteral = celString(image);
  // Every policy fails closed: one that cannot be evaluated refuses rather than lets through.
  const validatingPolicy = (policy: string, spec: Readonly<Record<string, unknown>>): KubeObject => asKubeObject({
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicy',
    metadata: { name: policy, labels },
    spec: { failurePolicy: 'Fail', ...spec },
  });
  // Each policy denies, in the debugged namespace only.
  const bindingOf = (policy: string): KubeObject => asKubeObject({
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicyBinding',
    metadata: { name: policy, labels },
    spec: {
      policyName: policy,
      validationActions: ['Deny'],
      matchResources: { namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: props.namespace } } },
    },
  });

  const admissionPolicy = validatingPolicy(policyName, {
    matchConstraints: {
      resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['UPDATE'], resources: ['pods/ephemeralcontainers'] }],
    },
    variables: [{ name: 'added', expression: ADDED_CONTAINERS }],
    validations: [
      {
        expression: `variables.added.all(c, c.image == ${imageLiteral})`,
        message: `ephemeral containers in namespace ${props.namespace} must run the approved debug image ${image}`,
        reason: 'Forbidden',
      },
      ...[...restrictedChecks(minor), ...NO_FOREIGN_DATA_CHECKS].map((check) => ({
        expression: `variables.added.all(c, ${check.expression})`,
        message: `ephemeral containers in namespace ${props.namespace} ${check.message}`,
        reason: 'Forbidden',
      })),
    ],
  });
  const admissionPolicyBinding = bindingOf(policyName);

  const attachPolicy = validatingPolicy(attachPolicyName, {
    matchConstraints: {
      resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CONNECT'], resources: ['pods/attach'] }],
    },
    // Only what the grant adds: someone who may exec (an admin in the group too) may attach anywhere.
    matchConditions: [
      { name: 'debug-group', expression: `has(request.userInfo.groups) && request.userInfo.groups.exists(g, g == ${celString(props.group)})` },
      {
        name: 'cannot-exec',
        expression: "!authorizer.group('').resource('pods').subresource('exec').namespace(request.namespace).name(request.name).check('create').allowed()",
      },
    ],
    validations: [{
      // No container named: the server picks the pod's default one.
      expression: `has(object.container) && object.container.startsWith(${celString(DEBUG_CONTAINER_PREFIX)})`,
      message: `members of ${props.group} may attach only to debug containers (named ${DEBUG_CONTAINER_PREFIX}…, as kubectl debug names them) ` +
        `in namespace ${props.namespace}: attaching to another container whose stdin is open is exec into it`,
      reason: 'Forbidden',
    }],
  });
  const attachPolicyBinding = bindingOf(attachPolicyName);

  const reservedNamePolicyName = `hardpod-debug-names.${props.namespace}.${name}`;
  const prefix = celString(DEBUG_CONTAINER_PREFIX);
  const reservedNamePolicy = validatingPolicy(reservedNamePolicyName, {
    matchConstraints: { resourceRules: POD_TEMPLATE_RESOURCE_RULES },
    variables: [{ name: 'spec', expression: POD_SPEC_CEL }],
    validations: [{
      expression: `!variables.spec.containers.exists(c, c.name.startsWith(${prefix})) && `
        + `!(has(variables.spec.initContainers) && variables.spec.initContainers.exists(c, c.name.startsWith(${prefix})))`,
      message: `containers in namespace ${props.namespace} may not be named ${DEBUG_CONTAINER_PREFIX}…: the name is kept for debug containers, `
        + `which members of ${props.group} may attach to; rename the container`,
      reason: 'Forbidden',
    }],
  });
  const reservedNamePolicyBinding = bindingOf(reservedNamePolicyName);

  const customContainer = {
    securityContext: { runAsUser, runAsGroup, readOnlyRootFilesystem: true },
  };
  const debugContainer = {
    name: 'debugger',
    image,
    stdin: true,
    tty: true,
    securityContext: {
      runAsNonRoot: true,
      runAsUser,
      runAsGroup,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    },
  };
  const namespace = props.namespace;
  return {
    role: asKubeObject(role),
    roleBinding: asKubeObject(roleBinding),
    admissionPolicy,
    admissionPolicyBinding,
    attachPolicy,
    attachPolicyBinding,
    reservedNamePolicy,
    reservedNamePolicyBinding,
    objects: [
      admissionPolicy, admissionPolicyBinding, attachPolicy, attachPolicyBinding, reservedNamePolicy, reservedNamePolicyBinding,
      asKubeObject(role), asKubeObject(roleBinding),
    ],
    image,
    customContainer,
    debugContainer,
    kubectlDebugCommand(pod: string, options: KubectlDebugOptions = {}): string {
      const args = minor <= CUSTOM_PROFILE_GATE.upToMinor ? [CUSTOM_PROFILE_GATE.variable] : [];
      args.push('kubectl', 'debug', '--namespace', namespace, pod);
      if (options.attach ?? true) args.push('-it');
      args.push(`--image=${image}`);
      if (options.container !== undefined) {
        if (!options.container.startsWith(DEBUG_CONTAINER_PREFIX)) {
          throw new HardpodError(
            `debug container name ${JSON.stringify(options.container)} must start with "${DEBUG_CONTAINER_PREFIX}": the group may attach to no other container (${attachPolicyName})`,
            where,
          );
        }
        args.push(`--container=${options.container}`);
      }
      if (options.target) args.push(`--target=${options.target}`);
      args.push('--profile=restricted', `--custom=${options.customFile ?? 'debug-container.json'}`);
      return args.map(shellWord).join(' ');
    },
  };
}

/** A word for a POSIX shell: quoted only when it needs to be. */
function shellWord(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`;
}

/**
 * Two debug accesses with one name in one namespace would emit the same Role, RoleBinding and
 * admission policy, each overwriting the other. Two with different images in one namespace would
 * leave no way in: each admission policy judges every ephemeral container added there and admits
 * only its own image. Records `built` as emitted by `owner` in `claimed` (one map per app or stack:
 * `<namespace>/<name>` to the owner, `<namespace>/<name> image` to the image); throws, naming both,
 * on either clash.
 * @param nameArg what the name is called where `owner` was declared (the `name` prop or arg)
 */
export function claimDebugAccess(claimed: Map<string, string>, built: DebugAccessObjects, owner: string, nameArg: string): void {
  const meta = built.role.metadata as { name: string; namespace: string };
  const key = `${meta.namespace}/${meta.name}`;
  const imageSuffix = ' image';
  for (const [otherKey, otherImage] of claimed) {
    if (!otherKey.startsWith(`${meta.namespace}/`) || !otherKey.endsWith(imageSuffix) || otherImage === built.image) continue;
    const otherName = otherKey.slice(meta.namespace.length + 1, -imageSuffix.length);
    throw new HardpodError(
      `debug access "${meta.name}" in namespace "${meta.namespace}" admits the debug image ${built.image}, but ${claimed.get(`${meta.namespace}/${otherName}`)} ` +
        `emits debug access "${otherName}" there, admitting ${otherImage}: each admission policy judges every ephemeral container added in the namespace ` +
        'and admits only its own image, so together they would refuse every debug container; give every debug access of a namespace the same image',
      owner,
    );
  }
  claimObjectKey(claimed, key, owner, (other) =>
    `debug access "${meta.name}" in namespace "${meta.namespace}" is already emitted by ${other}; both would emit the same Role, RoleBinding and ` +
      `admission policy, each overwriting the other: give one of them another name (the ${nameArg})`);
  claimed.set(`${key}${imageSuffix}`, built.image);
}
