import type { Affinity } from 'kubernetes-types/core/v1';
import type { LabelSelector } from 'kubernetes-types/meta/v1';
import type { ImageResolver } from './image';

/**
 * Framework-neutral description of a hardened workload. Everything here is plain data (no
 * functions) so that cdk8s constructs, Pulumi components and config files can all carry it.
 *
 * Every secure default names the hardening rule it satisfies; every default can be overridden or
 * omitted through the documented opt-out next to it.
 */

/** A Kubernetes resource quantity such as `100m`, `0.5`, `128Mi`. */
export type Quantity = string;

/** Linux capability names as Kubernetes writes them (without `CAP_`). */
export type Capability =
  | 'AUDIT_CONTROL' | 'AUDIT_READ' | 'AUDIT_WRITE' | 'BLOCK_SUSPEND' | 'BPF' | 'CHECKPOINT_RESTORE'
  | 'CHOWN' | 'DAC_OVERRIDE' | 'DAC_READ_SEARCH' | 'FOWNER' | 'FSETID' | 'IPC_LOCK' | 'IPC_OWNER'
  | 'KILL' | 'LEASE' | 'LINUX_IMMUTABLE' | 'MAC_ADMIN' | 'MAC_OVERRIDE' | 'MKNOD' | 'NET_ADMIN'
  | 'NET_BIND_SERVICE' | 'NET_BROADCAST' | 'NET_RAW' | 'PERFMON' | 'SETFCAP' | 'SETGID' | 'SETPCAP'
  | 'SETUID' | 'SYS_ADMIN' | 'SYS_BOOT' | 'SYS_CHROOT' | 'SYS_MODULE' | 'SYS_NICE' | 'SYS_PACCT'
  | 'SYS_PTRACE' | 'SYS_RAWIO' | 'SYS_RESOURCE' | 'SYS_TIME' | 'SYS_TTY_CONFIG' | 'SYSLOG' | 'WAKE_ALARM'
  | 'ALL';

/**
 * Requests and limits. Keys left out take the default; a key set to `false` is deliberately
 * omitted from the output (for example no CPU limit, to avoid CFS throttling).
 */
export interface ResourcesProps {
  /**
   * @default cpu `100m`, memory `128Mi` (rule `resources`); a default request above an explicit limit
   * is lowered to that limit, and an explicit request above an explicit limit is an error
   */
  readonly requests?: { readonly 'cpu'?: Quantity | false; readonly 'memory'?: Quantity | false; readonly 'ephemeral-storage'?: Quantity | false };
  /**
   * @default cpu `500m`, memory `256Mi` (rule `resources`); a limit below an explicit request is
   * raised to that request
   */
  readonly limits?: { readonly 'cpu'?: Quantity | false; readonly 'memory'?: Quantity | false; readonly 'ephemeral-storage'?: Quantity | false };
}

/** A port the workload serves. */
export interface PortProps {
  /**
   * The port clients use (the Service port). May be below 1024: the Service maps it to
   * `containerPort`, because a non-root process cannot bind below 1024.
   */
  readonly port: number;
  /**
   * The port the process listens on.
   * @default `port` when it is 1024 or above (or at least `unprivilegedPortStart`); otherwise required
   */
  readonly containerPort?: number;
  /**
   * A port name (at most 15 lowercase letters, digits and inner `-`, at least one letter), unique in the container.
   * When several ports share a `containerPort`, the container declares it once and each Service port
   * gets its own name.
   * @default `port-<containerPort>` for TCP, `udp-<containerPort>` / `sctp-<containerPort>` otherwise;
   * `port-<port>` (`udp-<port>` ...) for each of several ports sharing a `containerPort`
   */
  readonly name?: string;
  /** @default TCP */
  readonly protocol?: 'TCP' | 'UDP' | 'SCTP';
}

/**
 * The network action a probe takes. Exactly one of the fields. A `port` is a TCP container port
 * (`containerPort`, not the Service side of a mapping) or its name; one the container does not
 * declare is an error, as the probe would always fail (a number is not checked when the container
 * declares no ports).
 */
export interface ProbeAction {
  /** HTTP GET; `port` defaults to the container's first TCP port. @default none */
  readonly httpGet?: { readonly path: string; readonly port?: number | string; readonly scheme?: 'HTTP' | 'HTTPS' };
  /** TCP connect; `port` defaults to the container's first TCP port. @default none */
  readonly tcpSocket?: { readonly port?: number | string };
  /** gRPC health check; `port` defaults to the container's first TCP port. @default none */
  readonly grpc?: { readonly port?: number; readonly service?: string };
  /**
   * Runs a command in the container. Only allowed when the image facts (from the lock file) show
   * that the image holds `command[0]` (or a shell, for `sh`/`bash`); shell-less images cannot exec.
   * @default none
   */
  readonly exec?: { readonly command: readonly string[] };
}

/** A probe: one action plus timings. Timings default to Kubernetes' own defaults. */
export interface ProbeProps extends ProbeAction {
  /** @default 0 (Kubernetes' default) */
  readonly initialDelaySeconds?: number;
  /** @default 10 (Kubernetes' default) */
  readonly periodSeconds?: number;
  /** @default 1 (Kubernetes' default) */
  readonly timeoutSeconds?: number;
  /** @default 3 (Kubernetes' default) */
  readonly failureThreshold?: number;
  /** @default 1 (Kubernetes' default; must be 1 for liveness and startup) */
  readonly successThreshold?: number;
}

export interface ProbesProps {
  /** Gates traffic: the pod leaves the Service endpoints while it fails. @default none */
  readonly readiness?: ProbeProps;
  /** Restarts the container when it fails. @default none */
  readonly liveness?: ProbeProps;
  /** Holds the other probes back until the container has started. @default none */
  readonly startup?: ProbeProps;
}

/** A writable directory on an otherwise read-only root filesystem, backed by an emptyDir. */
export interface WritablePath {
  readonly path: string;
  /** @default the workload's `writableSizeLimit` default, `64Mi` */
  readonly sizeLimit?: Quantity;
  /** `Memory` backs the directory with tmpfs (counted against the memory limit). @default disk */
  readonly medium?: 'Memory';
}

/** One file of a Secret or ConfigMap: its `key`, written at `path` under the mount. */
export interface KeyToPath {
  /** The key in the Secret's or ConfigMap's data. */
  readonly key: string;
  /** A relative path under the mount (no `..`), e.g. `password` or `tls/key.pem`. */
  readonly path: string;
}

/**
 * A token of the pod's ServiceAccount, bound to the pod and renewed by the kubelet before it expires:
 * the way for a workload that calls the Kubernetes API (or a service that checks such tokens, such
 * as Vault) to get one while `automountServiceAccountToken` stays false (rule `service-account-token`).
 */
export interface ServiceAccountTokenProps {
  /**
   * Who the token is for: a service receiving it must check that it names it, so a token leaked
   * from one service is no key to another.
   * @default the API server's own audience; the mount then also holds `ca.crt` and `namespace`, as the
   * automounted token's does, so Kubernetes client libraries work with `mountPath`
   * /var/run/secrets/kubernetes.io/serviceaccount
   */
  readonly audience?: string;
  /** Lifetime of each token in seconds, at least 600; the kubelet writes a new one at 80% of it. @default 3600 */
  readonly expirationSeconds?: number;
}

/**
 * Files mounted read-only: exactly one of `secret`, `configMap` and `serviceAccountToken`. Each key
 * of a Secret or ConfigMap becomes a file named after it, unless `items` picks keys and file names;
 * a service-account token is the file `token`.
 */
export interface FilesMount {
  /** Name of the Secret whose keys become files. @default none (give one of `secret`, `configMap` and `serviceAccountToken`) */
  readonly secret?: string;
  /** Name of the ConfigMap whose keys become files. @default none (give one of `secret`, `configMap` and `serviceAccountToken`) */
  readonly configMap?: string;
  /** A token of the pod's ServiceAccount, as the file `token`. @default none (give one of `secret`, `configMap` and `serviceAccountToken`) */
  readonly serviceAccountToken?: ServiceAccountTokenProps;
  /** Absolute directory the files appear in; one source per path. */
  readonly mountPath: string;
  /** Only these keys of the Secret or ConfigMap, at these relative paths. @default every key, each as a file named after it */
  readonly items?: readonly KeyToPath[];
  /** `true` starts the pod even when the Secret or ConfigMap (or a key in `items`) is missing. @default false: the pod waits for it */
  readonly optional?: boolean;
  /**
   * One key of the Secret or ConfigMap, mounted as the single file `mountPath`, so the rest of the
   * image's directory stays in view: `{ configMap: 'nginx', subPath: 'nginx.conf', mountPath: '/etc/nginx/nginx.conf' }`.
   * Such a file is NOT updated when the Secret or ConfigMap changes (the kubelet updates only whole
   * directories): restart the pods to take a change. Mounts of one source share one volume. Not with
   * `items` (the key is the file), nor with `serviceAccountToken`: a single-file mount never receives the
   * token the kubelet renews, so the token would expire.
   * @default none: the whole Secret or ConfigMap as a directory at `mountPath`
   */
  readonly subPath?: string;
}

/**
 * Pod fields the kubelet can put in an environment variable (the downward API `fieldRef` paths the
 * API server accepts for env).
 */
export type PodFieldPath =
  | 'metadata.name' | 'metadata.namespace' | 'metadata.uid' | 'spec.nodeName' | 'spec.serviceAccountName'
  | 'status.hostIP' | 'status.podIP' | 'status.podIPs';

/** Requests and limits of its own container the kubelet can put in an environment variable. */
export type ContainerResourcePath =
  | 'limits.cpu' | 'limits.memory' | 'limits.ephemeral-storage' | 'requests.cpu' | 'requests.memory' | 'requests.ephemeral-storage';

/**
 * A request or limit of the container itself, as a number of `divisor`s rounded up: for instance
 * `GOMAXPROCS` from `limits.cpu`, or a heap size from `limits.memory` in `1Mi`. A limit the
 * container does not set reads as the node's allocatable amount.
 */
export interface ResourceFieldRef {
  readonly resource: ContainerResourcePath;
  /**
   * The unit: `1` or `1m` for cpu; `1`, `1k`, `1M`, `1G`, `1T`, `1P`, `1E`, `1Ki`, `1Mi`, `1Gi`, `1Ti`, `1Pi`
   * or `1Ei` for memory and ephemeral-storage.
   * @default 1
   */
  readonly divisor?: string;
}

/**
 * An environment variable's value taken from elsewhere when the container starts: exactly one of
 * `configMapKeyRef`, `fieldRef` and `resourceFieldRef`. There is no `secretKeyRef`: rule
 * `secrets-as-files` fails Secrets in the environment, so mount them with `files`.
 */
export interface EnvRef {
  /** A key of a ConfigMap. `optional: true` starts the container without the variable when it is missing. @default none */
  readonly configMapKeyRef?: { readonly name: string; readonly key: string; readonly optional?: boolean };
  /** A field of the pod, such as its name or namespace. @default none */
  readonly fieldRef?: PodFieldPath;
  /** A request or limit of this container. @default none */
  readonly resourceFieldRef?: ResourceFieldRef;
}

/**
 * Every key of a ConfigMap as an environment variable of that name (after `prefix`). There is no
 * Secret source: rule `secrets-as-files` fails Secrets in the environment, so mount them with `files`.
 */
export interface EnvFromProps {
  /** Name of the ConfigMap whose keys become variables. */
  readonly configMap: string;
  /**
   * Put before each key to make the variable's name, such as `APP_`: as the API server requires of
   * variable names, printable ASCII without `=` (for a `kubernetesMinor` before 1.32: letters, digits,
   * `_`, `-` and `.`, not starting with a digit).
   * @default none: each variable is named after its key
   */
  readonly prefix?: string;
  /** `true` starts the container without these variables when the ConfigMap is missing. @default false: the container waits for it */
  readonly optional?: boolean;
}

/** A seccomp profile, or `false` to omit it (fails rule `seccomp-profile-restricted`). */
export type SeccompProps = { readonly type: 'RuntimeDefault' } | { readonly type: 'Localhost'; readonly localhostProfile: string } | false;

/** One container of the pod: the main container, a sidecar or an init container. */
export interface ContainerProps {
  /** Image reference; must be pinned by digest, or resolvable to a digest by the image resolver (lock file). */
  readonly image: string;
  /**
   * Container name, a DNS label; required for sidecars and init containers (the main container's is `containerName`).
   * @default none (an error for sidecars and init containers)
   */
  readonly name?: string;
  /** Overrides the image's entrypoint. @default the image's ENTRYPOINT */
  readonly command?: readonly string[];
  /** @default the image's CMD */
  readonly args?: readonly string[];
  /**
   * Environment variables as `{ NAME: 'value' }` (names non-empty printable ASCII without `=`; for a
   * `kubernetesMinor` before 1.32, letters, digits, `_`, `-` and `.`, not starting with a digit), or a
   * reference whose value the kubelet fills in: `{ NAME: { configMapKeyRef: { name, key } } }`,
   * `{ NAME: { fieldRef: 'metadata.name' } }` or `{ NAME: { resourceFieldRef: { resource: 'limits.cpu' } } }`.
   * Secrets stay out of the environment (rule
   * `secrets-as-files`): a `secretKeyRef` is refused; mount the Secret with `files`.
   * @default none
   */
  readonly env?: Readonly<Record<string, string | EnvRef>>;
  /**
   * ConfigMaps whose every key becomes an environment variable: `[{ configMap: 'app-settings', prefix: 'APP_' }]`.
   * A variable of `env` wins over one of the same name from here, and a later ConfigMap over an earlier one.
   * Secrets stay out of the environment (rule `secrets-as-files`): a Secret source is refused; mount the
   * Secret with `files`.
   * @default none
   */
  readonly envFrom?: readonly EnvFromProps[];
  /** Shorthand for `ports: [{ port }]`. @default none */
  readonly port?: number;
  /** Ports the container serves. A Service is emitted when the main container has any. @default none */
  readonly ports?: readonly PortProps[];
  /**
   * Probes. A long-running container (Deployment, StatefulSet, DaemonSet) needs both `readiness`
   * and `liveness` (rule `probes`): explicit probes lacking either are an error. `false` emits none,
   * which rule `probes` still fails for a long-running container: suppress it there with a reason
   * (annotation `hardpod.dev/suppress.probes`).
   * @default for a container with a TCP port: readiness and liveness `tcpSocket` on its first TCP port (rule `probes`);
   * a long-running container without one is an error (give probes, or `false`); none for Jobs and CronJobs
   */
  readonly probes?: ProbesProps | false;
  /**
   * Directories that must stay writable; each becomes an emptyDir with a size limit, so the root
   * filesystem can stay read-only.
   * @default none
   */
  readonly writablePaths?: readonly (string | WritablePath)[];
  /**
   * Secrets, ConfigMaps and service-account tokens mounted read-only as files, each at its own
   * absolute `mountPath` (not also a writable path). Files are readable by the owner and the pod's
   * `fsGroup` only, so a workload with files needs an fsGroup (see `fsGroup`).
   * @default none
   */
  readonly files?: readonly FilesMount[];
  /** Requests and limits, merged key by key over the defaults. @default the platform defaults, else see ResourcesProps (rule `resources`) */
  readonly resources?: ResourcesProps;
  /**
   * User id the container runs as. Never invented: when neither this nor the image facts give
   * one, it is left out and the kubelet verifies the image's user is not root.
   * @default the image's numeric user from the lock file, when it is not 0
   */
  readonly runAsUser?: number;
  /** @default the image's numeric group from the lock file, when it is not 0 */
  readonly runAsGroup?: number;
  /** Opt-out: `false` lets the container write to its root filesystem. @default true (rule `read-only-root-filesystem`) */
  readonly readOnlyRootFilesystem?: boolean;
  /** Opt-out. @default false (rule `allow-privilege-escalation`) */
  readonly allowPrivilegeEscalation?: boolean;
  /** Opt-out. @default false (rule `privileged`) */
  readonly privileged?: boolean;
  /** Opt-out: `false` allows this container to run as root. @default inherited from the pod, true (rule `run-as-non-root`) */
  readonly runAsNonRoot?: boolean;
  /**
   * Capabilities. Every capability is dropped; `add` puts typed ones back (fails rule
   * `capabilities-restricted` for anything but NET_BIND_SERVICE, which is useless without root anyway).
   * @default drop `ALL`, add nothing (rule `capabilities-restricted`)
   */
  readonly capabilities?: { readonly add?: readonly Capability[]; readonly drop?: readonly Capability[] };
  /**
   * Seconds the native `sleep` preStop action waits, so endpoints are removed before the process
   * stops. Must be below `terminationGracePeriodSeconds`. `false` emits no preStop hook.
   * @default 5 for long-running containers with ports, none otherwise
   */
  readonly preStopSleepSeconds?: number | false;
}

/** A peer of a network allow rule. Fields combine as in NetworkPolicy (pods AND namespace). */
export interface NetworkPeer {
  /** Pods with these labels. @default any pod (of the namespace, when one is given) */
  readonly podLabels?: Readonly<Record<string, string>>;
  /**
   * Namespace by name (label `kubernetes.io/metadata.name`). Left out with `podLabels`: the
   * policy's own namespace. `*` means every namespace.
   * @default the policy's own namespace
   */
  readonly namespace?: string;
  /** An IP block instead of pods. @default none */
  readonly ipBlock?: { readonly cidr: string; readonly except?: readonly string[] };
}

export interface NetworkPortRule {
  readonly port: number | string;
  /** @default TCP */
  readonly protocol?: 'TCP' | 'UDP' | 'SCTP';
  /** Last port of a range starting at `port`. @default a single port */
  readonly endPort?: number;
}

/** Allows traffic with a peer, optionally only on some ports. */
export interface AllowRule {
  readonly peer: NetworkPeer;
  /** @default every port */
  readonly ports?: readonly NetworkPortRule[];
}

/**
 * Where DNS queries go, so the default-deny egress policy can let them through:
 * `kube-dns` (pods `k8s-app=kube-dns` in `kube-system`, port 53), `openshift` (the
 * `openshift-dns` pods, port 5353), `{ nodeLocalAddress }` (a NodeLocal DNSCache link-local
 * address such as `169.254.20.10`, port 53), or `off` (no DNS egress).
 */
export type DnsEgress = 'kube-dns' | 'openshift' | 'off' | { readonly nodeLocalAddress: string };

export interface NetworkProps {
  /**
   * Opt-out: `false` emits no NetworkPolicy. Rule `network-policy` then fails when the input holds
   * the namespace's policies (or the config declares them), and is `unknown` otherwise (a warning
   * under `Hardpod.enforce`, not a failure).
   * @default true: deny all ingress and egress except the rules below (rule `network-policy`)
   */
  readonly policy?: boolean;
  /** @default `kube-dns` */
  readonly dns?: DnsEgress;
  /** @default none */
  readonly ingress?: readonly AllowRule[];
  /** @default none */
  readonly egress?: readonly AllowRule[];
}

/**
 * Defaults a platform team sets once for everything it builds (a cdk8s App or Chart, a Pulumi
 * stack). Plain data; explicit workload props always win.
 */
export interface WorkloadDefaults {
  /** Registries (host, or host/path prefix) images may come from. @default any registry */
  readonly allowedRegistries?: readonly string[];
  /** Resources for every container, merged key by key. @default see ResourcesProps */
  readonly resources?: ResourcesProps;
  /** @default RuntimeDefault (rule `seccomp-profile-restricted`) */
  readonly seccompProfile?: SeccompProps;
  /** Labels added to every emitted object. @default none */
  readonly labels?: Readonly<Record<string, string>>;
  /** @default `kube-dns` */
  readonly dns?: DnsEgress;
  /** Pull secrets for private registries. @default none */
  readonly imagePullSecrets?: readonly string[];
  /** Size limit of each writable path. @default `64Mi` */
  readonly writableSizeLimit?: Quantity;
  /** Kubernetes minor the manifests target, e.g. 33: which API fields and features the manifests may use. @default 33 */
  readonly kubernetesMinor?: number;
}

/**
 * Lets the pods be scheduled onto (and stay on) nodes with a matching taint. A toleration without a
 * `key` matches every taint, and then needs `operator: 'Exists'`.
 */
export interface TolerationProps {
  /** The taint key, a label key such as `dedicated` or `example.com/gpu`. @default every taint key (needs operator Exists) */
  readonly key?: string;
  /** `Exists` matches any value of the key (give no `value`); `Equal` matches `value` only. @default Equal */
  readonly operator?: 'Exists' | 'Equal';
  /** The taint value `Equal` matches, a label value. @default empty */
  readonly value?: string;
  /** The taint effect to match. @default every effect */
  readonly effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
  /**
   * Seconds the pods stay on a node after a matching `NoExecute` taint appears; needs
   * `effect: 'NoExecute'`, 0 evicts at once.
   * @default forever
   */
  readonly tolerationSeconds?: number;
}

/** Spreads the pods over a node topology (zones, nodes) so one failure takes few of them. */
export interface TopologySpreadProps {
  /** How many more matching pods one topology domain may hold than the least loaded one; at least 1. */
  readonly maxSkew: number;
  /** The node label whose values are the domains, such as `topology.kubernetes.io/zone` or `kubernetes.io/hostname`. */
  readonly topologyKey: string;
  /** `DoNotSchedule` keeps a pod pending rather than break the skew; `ScheduleAnyway` only prefers spreading. */
  readonly whenUnsatisfiable: 'DoNotSchedule' | 'ScheduleAnyway';
  /**
   * The pods counted when spreading. Kubernetes counts none when it is left out (the API server warns
   * that such a constraint matches no pod), so hardpod fills in the workload's own pods.
   * @default the pod's own selector labels, `{ matchLabels: { 'app.kubernetes.io/name': <name> } }`
   */
  readonly labelSelector?: LabelSelector;
  /**
   * With `whenUnsatisfiable: DoNotSchedule`, the fewest domains to count: while fewer domains hold
   * matching pods, the emptiest counts as holding none, so pods spread onto new domains (nodes a
   * cluster autoscaler adds) rather than pile up. Kubernetes 1.27+.
   * @default none: the domains there are
   */
  readonly minDomains?: number;
  /**
   * Whether the pod's nodeAffinity and nodeSelector decide which nodes' domains count (`Honor`) or
   * every node's do (`Ignore`). Kubernetes 1.26+.
   * @default none: Kubernetes' default, Honor
   */
  readonly nodeAffinityPolicy?: 'Honor' | 'Ignore';
  /**
   * Whether nodes with taints the pod does not tolerate are left out of the domains (`Honor`) or
   * count (`Ignore`). Kubernetes 1.26+.
   * @default none: Kubernetes' default, Ignore
   */
  readonly nodeTaintsPolicy?: 'Honor' | 'Ignore';
  /**
   * Pod label keys whose values narrow the pods counted to those sharing the new pod's values, such as
   * `['pod-template-hash']`, so a Deployment's rollout spreads its new pods on their own instead of
   * counting the old ones about to go. Label keys, each once and not a key of `labelSelector` (nor of
   * the selector hardpod fills in when it is left out), as the API server requires: it merges them
   * into the labelSelector of each pod it creates (from 1.34). Kubernetes 1.27+.
   * @default none: every pod labelSelector matches counts
   */
  readonly matchLabelKeys?: readonly string[];
}

/** Golden-path defaults as the cdk8s and Pulumi front doors take them: the model's, and how images resolve. */
export interface ResolvingDefaults extends WorkloadDefaults {
  /** Resolves image references to digests (and image facts). @default accepts digest-pinned references only */
  readonly imageResolver?: ImageResolver;
  /**
   * Path of a `hardpod.lock.json` (written by `npx hardpod lock`) to resolve image tags from; read
   * once, when the defaults are set. Ignored when `imageResolver` is given.
   * @default none
   */
  readonly lockFile?: string;
}

/** What every workload kind shares: identity, the main container, sidecars and pod settings. */
export interface WorkloadProps extends Omit<ContainerProps, 'name'> {
  /** Name of the workload and its companion objects (ServiceAccount, Service, NetworkPolicy ...). */
  readonly name: string;
  /** Name of the main container, a DNS label. @default `main` */
  readonly containerName?: string;
  /** A DNS label. @default none (cluster default namespace; fails the `not in default namespace` control) */
  readonly namespace?: string;
  /** Labels on every emitted object; hardpod's own `app.kubernetes.io/name` and `app.kubernetes.io/managed-by` are refused. @default none */
  readonly labels?: Readonly<Record<string, string>>;
  /** Annotations on the workload object. @default none */
  readonly annotations?: Readonly<Record<string, string>>;
  /** Extra labels on the pods only; hardpod's own `app.kubernetes.io/name` and `app.kubernetes.io/managed-by` are refused. @default none */
  readonly podLabels?: Readonly<Record<string, string>>;
  /** @default none */
  readonly podAnnotations?: Readonly<Record<string, string>>;
  /**
   * Containers next to the main one; each is hardened the same way and needs a `name`. In a Job or
   * CronJob they are native sidecars (init containers with `restartPolicy: Always`, started before
   * the init containers and stopped when the main container ends, so the Job completes), which needs
   * a target of Kubernetes 1.29+ (`kubernetesMinor`); older targets are an error.
   * @default none
   */
  readonly sidecars?: readonly ContainerProps[];
  /** Containers that run to completion before the others start. @default none */
  readonly initContainers?: readonly ContainerProps[];
  /** Opt-out: `false` lets containers run as root. @default true (rule `run-as-non-root`) */
  readonly runAsNonRoot?: boolean;
  /**
   * Group owning mounted volumes. `false` emits none.
   * @default the main container's group (`runAsGroup`, else the image's group unless it is 0) when persistent volumes or
   * `files` are mounted, with fsGroupChangePolicy OnRootMismatch; without one that is an error
   */
  readonly fsGroup?: number | false;
  /** @default the platform default, RuntimeDefault (rule `seccomp-profile-restricted`) */
  readonly seccompProfile?: SeccompProps;
  /** Opt-out. @default false (rule `service-account-token`) */
  readonly automountServiceAccountToken?: boolean;
  /**
   * Run under an existing ServiceAccount instead of the dedicated one emitted by default.
   * @default a dedicated ServiceAccount named after the workload, token automount off (rule `dedicated-service-account`)
   */
  readonly serviceAccountName?: string;
  /** Opt-out. @default false: Service environment variables are not injected */
  readonly enableServiceLinks?: boolean;
  /**
   * Opt-in: `false` runs the pod in a user namespace. Needs a target of Kubernetes 1.33+
   * (`kubernetesMinor`), where user namespaces are on by default; older targets are an error, as
   * their API servers drop the field unless a feature gate is on.
   * @default omitted
   */
  readonly hostUsers?: boolean;
  /**
   * Opt-in `Strict`: no groups from the image's /etc/group. Needs a target of Kubernetes 1.33+
   * (`kubernetesMinor`), where the feature is on by default; older targets are an error.
   * @default omitted
   */
  readonly supplementalGroupsPolicy?: 'Strict' | 'Merge';
  /** Pull secrets for private registries. @default the platform default, none */
  readonly imagePullSecrets?: readonly string[];
  /**
   * Sets the safe sysctl `net.ipv4.ip_unprivileged_port_start` so non-root processes may bind
   * from this port upwards. Prefer mapping low ports in the Service.
   * @default omitted
   */
  readonly unprivilegedPortStart?: number;
  /** Network policy settings. @default default deny, DNS to kube-dns */
  readonly network?: NetworkProps;
  /** Node selector. @default none */
  readonly nodeSelector?: Readonly<Record<string, string>>;
  /**
   * Taints the pods tolerate: nodes tainted with them (dedicated or special hardware nodes) may run
   * the pods, and a matching NoExecute taint does not evict them (for `tolerationSeconds`, when given).
   * @default none: the pods run only on untainted nodes (besides the tolerations the cluster adds itself)
   */
  readonly tolerations?: readonly TolerationProps[];
  /**
   * Node affinity and pod (anti-)affinity, as Kubernetes writes them (`nodeAffinity`,
   * `podAffinity`, `podAntiAffinity`); emitted as given, after checking what the API server
   * checks. Prefer `topologySpreadConstraints` to spread replicas.
   * @default none
   */
  readonly affinity?: Affinity;
  /**
   * Spreads the pods over zones or nodes. A constraint without a `labelSelector` counts the
   * workload's own pods (its selector labels).
   * @default none: the scheduler's own default spreading
   */
  readonly topologySpreadConstraints?: readonly TopologySpreadProps[];
  /**
   * Name of a PriorityClass: its priority orders the pods in the scheduling queue and lets them
   * preempt pods of lower priority. The class must exist when the pods are created.
   * @default none: the cluster's default PriorityClass, else priority 0
   */
  readonly priorityClassName?: string;
  /** Must be above every `preStopSleepSeconds`. @default Kubernetes' own (30) */
  readonly terminationGracePeriodSeconds?: number;
}

/**
 * The Service in front of a serving workload's pods. Settings other than `type` need a Service to
 * go on: giving them while the main container declares no port (so no Service is emitted) is an error.
 */
export interface ServiceProps {
  /** A StatefulSet takes only ClusterIP (its Service is headless). @default ClusterIP */
  readonly type?: 'ClusterIP' | 'NodePort' | 'LoadBalancer';
  /**
   * Annotations on the Service, where cloud load balancer controllers read their settings (such as
   * `service.beta.kubernetes.io/aws-load-balancer-scheme`). Keys are `[prefix/]name` and values
   * strings, as the API server requires. Two are refused: `service.beta.kubernetes.io/load-balancer-source-ranges`
   * (use `loadBalancerSourceRanges`, which replaced it and wins over it) and the deprecated
   * `service.kubernetes.io/topology-aware-hints` (the API server warns about it; use `service.kubernetes.io/topology-mode`).
   * @default none
   */
  readonly annotations?: Readonly<Record<string, string>>;
  /**
   * Client networks allowed through the cloud load balancer, as CIDRs such as `203.0.113.0/24` or
   * `2001:db8::/32` (network addresses, IPv6 written the RFC 5952 way). Only for type LoadBalancer,
   * as the API server requires; enforced by the cloud provider.
   * @default every client (none listed)
   */
  readonly loadBalancerSourceRanges?: readonly string[];
  /**
   * `Local` routes outside traffic only to pods on the node that took it, keeping the client's source
   * address and skipping a second hop (nodes without a pod fail the load balancer's health check);
   * `Cluster` spreads it over every pod. Only for types NodePort and LoadBalancer, as the API server requires.
   * @default omitted: the API server sets Cluster for NodePort and LoadBalancer
   */
  readonly externalTrafficPolicy?: 'Cluster' | 'Local';
}

/** Workloads that keep pods running behind a Service. */
export interface ServingWorkloadProps extends WorkloadProps {
  /** Opt-out: `false` emits no Service even when ports are declared. @default a ClusterIP Service when ports are declared */
  readonly service?: false | ServiceProps;
}

/**
 * A HorizontalPodAutoscaler (autoscaling/v2) that scales the workload between `minReplicas` and
 * `maxReplicas` on the pods' CPU and memory use. Utilization is a percentage of the pods' requests:
 * every container must request the resource (the defaults do), else the autoscaler cannot compute
 * it (FailedGetResourceMetric) and never scales, which is an error here.
 */
export interface AutoscalingProps {
  /**
   * The fewest replicas, a whole number >= 1 (0 needs the API server's HPAScaleToZero feature gate
   * and an Object or External metric, neither of which hardpod emits). A PodDisruptionBudget is
   * emitted by default when it is above 1.
   * @default 2 for a Deployment, 1 for a StatefulSet (as `replicas`)
   */
  readonly minReplicas?: number;
  /** The most replicas, a whole number >= minReplicas. */
  readonly maxReplicas: number;
  /**
   * Target average CPU use, in percent of the pods' CPU request (above 100 allowed: use may exceed the request).
   * @default 80 (the API server's own default target) when memoryUtilization is not given; none otherwise
   */
  readonly cpuUtilization?: number;
  /** Target average memory use, in percent of the pods' memory request. @default none */
  readonly memoryUtilization?: number;
}

export interface DeploymentProps extends ServingWorkloadProps {
  /** Not with `autoscaling`, which sets the count itself (the workload is then emitted without one). @default 2 */
  readonly replicas?: number;
  /**
   * Opt-out: `false` emits no PodDisruptionBudget. Only one of `minAvailable` and `maxUnavailable`;
   * a budget that lets no pod go (maxUnavailable 0, minAvailable "100%" or >= replicas) is an error,
   * as node drains would wait on it forever. `unhealthyPodEvictionPolicy` needs a target of 1.27+.
   * @default a PodDisruptionBudget with maxUnavailable 1 when replicas > 1, and unhealthyPodEvictionPolicy
   * AlwaysAllow (pods that run but are not Ready may be evicted, so drains do not hang) when the target
   * (`kubernetesMinor`) is 1.27+
   */
  readonly podDisruptionBudget?: false | {
    readonly minAvailable?: number | string;
    readonly maxUnavailable?: number | string;
    readonly unhealthyPodEvictionPolicy?: 'AlwaysAllow' | 'IfHealthyBudget';
  };
  /**
   * A HorizontalPodAutoscaler targeting the workload. The workload is then emitted without
   * `spec.replicas`: the autoscaler owns the count, and a count in the manifest would reset it to
   * that number on every apply (then the autoscaler scales again), so `replicas` with `autoscaling`
   * is an error. The PodDisruptionBudget default follows `minReplicas` instead of `replicas`.
   * A workload created without `spec.replicas` starts with one pod until the autoscaler raises it to `minReplicas`.
   * A running workload moved from `replicas` to `autoscaling` drops to one pod on that apply, unless
   * `replicas` is first removed from its last-applied configuration (client-side apply) or applied
   * alone under a field manager of its own (server-side apply), as Kubernetes' migration guide describes.
   * @default none: a fixed `replicas`
   */
  readonly autoscaling?: AutoscalingProps;
}

export interface VolumeClaimProps {
  /** A DNS label, unique among the claims. */
  readonly name: string;
  /** An absolute path, not also a writable path. */
  readonly mountPath: string;
  /** e.g. `10Gi` */
  readonly storage: Quantity;
  /** @default the cluster's default storage class */
  readonly storageClassName?: string;
  /** @default ReadWriteOnce */
  readonly accessModes?: readonly ('ReadWriteOnce' | 'ReadOnlyMany' | 'ReadWriteMany' | 'ReadWriteOncePod')[];
  /**
   * Names of the containers the volume is mounted into, at `mountPath`: the main container's
   * (`containerName`), sidecars' and init containers', such as `['main', 'backup']` for a backup sidecar
   * reading the data. Each at most once.
   * @default the main container only
   */
  readonly containers?: readonly string[];
}

/** A StatefulSet always gets a headless Service (`service: false` omits it); a `service.type` other than ClusterIP is an error. */
export interface StatefulSetProps extends DeploymentProps {
  /**
   * One replica unless told: the members of a stateful set often need to be told how to form a cluster. Not with
   * `autoscaling`, which sets the count itself (the workload is then emitted without one).
   * @default 1
   */
  readonly replicas?: number;
  /** Persistent volumes, one set per replica, mounted into the main container (or the containers each names). @default none */
  readonly volumeClaims?: readonly VolumeClaimProps[];
}

export type DaemonSetProps = ServingWorkloadProps;

export interface JobProps extends WorkloadProps {
  /** @default 3 */
  readonly backoffLimit?: number;
  /** @default none */
  readonly activeDeadlineSeconds?: number;
  /** Finished Jobs are deleted after this many seconds. @default 3600 */
  readonly ttlSecondsAfterFinished?: number;
  /** @default 1 (Kubernetes' default) */
  readonly completions?: number;
  /** @default 1 (Kubernetes' default) */
  readonly parallelism?: number;
  /** @default Never */
  readonly restartPolicy?: 'Never' | 'OnFailure';
}

/** A CronJob's name has at most 52 characters: its controller appends 11 to name the Jobs. */
export interface CronJobProps extends JobProps {
  /**
   * Five cron fields, e.g. `0 3 * * *`, or one of `@yearly`, `@annually`, `@monthly`, `@weekly`,
   * `@daily`, `@midnight`, `@hourly`, `@every <duration>`. No `TZ=`/`CRON_TZ=` prefix: use `timeZone`.
   */
  readonly schedule: string;
  /**
   * An IANA time zone, e.g. `Europe/Berlin`: a name of the time zone database Go embeds, which the
   * API server reads (case-sensitive; links such as `US/Pacific` included, names it dropped such as
   * `US/Pacific-New` refused).
   * @default the controller's time zone
   */
  readonly timeZone?: string;
  /** @default Forbid */
  readonly concurrencyPolicy?: 'Allow' | 'Forbid' | 'Replace';
  /** @default 3 */
  readonly successfulJobsHistoryLimit?: number;
  /** @default 1 */
  readonly failedJobsHistoryLimit?: number;
  /** Skip a run that could not start within this many seconds. @default no deadline */
  readonly startingDeadlineSeconds?: number;
}

/** Pod Security Admission level. */
export type PodSecurityLevel = 'privileged' | 'baseline' | 'restricted';

export interface NamespaceProps {
  readonly name: string;
  /** @default none besides the Pod Security labels */
  readonly labels?: Readonly<Record<string, string>>;
  /** @default restricted for enforce, audit and warn */
  readonly podSecurity?: { readonly enforce?: PodSecurityLevel; readonly audit?: PodSecurityLevel; readonly warn?: PodSecurityLevel };
  /**
   * Pinned Pod Security version, e.g. `v1.37`, or `latest`. An API server older than the pin enforces its own latest.
   * @default the newest version hardpod judges (v1.37), or `v1.<kubernetesMinor>` from the defaults when that is newer
   */
  readonly podSecurityVersion?: string;
  /**
   * Opt-out: `false` emits no namespace-wide default-deny NetworkPolicy.
   * @default a policy denying all ingress and egress of every pod in the namespace, except DNS (rule `network-policy`)
   */
  readonly defaultDeny?: boolean;
  /** @default `kube-dns` */
  readonly dns?: DnsEgress;
}
