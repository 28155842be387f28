/**
 * Everything the library emits, over a broad table of props: every workload builder (the model the
 * cdk8s constructs and Pulumi components render) and the namespace builder. The cluster suites send
 * all of it to the real API server.
 */
import {
  buildCronJob, buildDaemonSet, buildDeployment, buildJob, buildNamespace, buildStatefulSet,
  type BuildContext, type CronJobProps, type DeploymentProps, type JobProps, type KubeObject, type NamespaceProps,
  type StatefulSetProps, type WorkloadDefaults, type WorkloadProps,
} from '../../src/model';
import { WORKLOAD_PROP_SETS, type WorkloadPropSet } from '../fixtures/workload-props';

const IMAGE = `registry.example/team/app@sha256:${'c'.repeat(64)}`;
const SIDECAR_IMAGE = `registry.example/team/proxy@sha256:${'d'.repeat(64)}`;
const INIT_IMAGE = `registry.example/team/migrate@sha256:${'e'.repeat(64)}`;

/**
 * The PriorityClass the table's pods name (the shared prop table's too): it must exist when a Pod
 * naming it is created, so the suites that create Pods make it first ({@link schedulingPriorityClass}).
 */
export const SCHEDULING_PRIORITY_CLASS = 'business-critical';

/** The PriorityClass {@link SCHEDULING_PRIORITY_CLASS}, as a suite applies it before creating Pods. */
export function schedulingPriorityClass(): KubeObject {
  return { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: SCHEDULING_PRIORITY_CLASS }, value: 100000 } as KubeObject;
}

/** Objects emitted together (a namespace and its default-deny policy). */
export interface EmittedCase {
  /** Which builder and props, for failure messages. */
  readonly id: string;
  readonly objects: readonly KubeObject[];
}

type CommonProps = Omit<WorkloadProps, 'name' | 'image'>;

/** Props every workload kind accepts, each case exercising a different part of the model. */
const COMMON: Readonly<Record<string, CommonProps>> = {
  'minimal': {},
  'one port': { port: 8080 },
  'low service port mapped to a high container port': { ports: [{ port: 80, containerPort: 8080 }] },
  'several ports and protocols': { ports: [{ port: 8080, name: 'http' }, { port: 9090, name: 'metrics' }, { port: 5353, protocol: 'UDP' }] },
  'http, grpc and tcp probes': {
    ports: [{ port: 8080 }, { port: 9000 }],
    probes: { readiness: { httpGet: { path: '/ready' } }, liveness: { grpc: { port: 9000 } }, startup: { tcpSocket: {}, failureThreshold: 30, periodSeconds: 2 } },
  },
  'no probes': { port: 8080, probes: false },
  'writable paths': { writablePaths: ['/tmp', { path: '/var/cache/app', sizeLimit: '1Gi' }, { path: '/run', medium: 'Memory' }] },
  'custom resources, no cpu limit': { resources: { requests: { 'cpu': '250m', 'memory': '64Mi', 'ephemeral-storage': '1Gi' }, limits: { cpu: false, memory: '1Gi' } } },
  'explicit user and group': { runAsUser: 10001, runAsGroup: 10001 },
  'writable root filesystem': { readOnlyRootFilesystem: false },
  'NET_BIND_SERVICE added back': { capabilities: { add: ['NET_BIND_SERVICE'] }, port: 8080 },
  'command, args and env': { command: ['/app/server'], args: ['--listen', ':8080'], env: { LOG_LEVEL: 'debug', GREETING: 'hello, world' }, port: 8080 },
  'files from a Secret and a ConfigMap, env from a ConfigMap key and the pod': {
    runAsUser: 10001,
    runAsGroup: 10001,
    writablePaths: ['/tmp'],
    files: [
      { secret: 'db-credentials', mountPath: '/etc/db', items: [{ key: 'password', path: 'password' }, { key: 'tls.key', path: 'tls/key.pem' }] },
      { configMap: 'app-config', mountPath: '/etc/app', optional: true },
    ],
    env: { LOG_LEVEL: { configMapKeyRef: { name: 'app-config', key: 'log.level' } }, POD_NAME: { fieldRef: 'metadata.name' }, POD_IP: { fieldRef: 'status.podIP' } },
    sidecars: [{ name: 'proxy', image: SIDECAR_IMAGE, files: [{ secret: 'proxy-tls', mountPath: '/etc/tls' }], env: { NODE: { fieldRef: 'spec.nodeName' } }, ports: [{ port: 15001 }] }],
  },
  'service-account tokens as files, env from the container\'s requests and limits': {
    runAsUser: 10001,
    runAsGroup: 10001,
    files: [
      { serviceAccountToken: {}, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' },
      { serviceAccountToken: { audience: 'vault', expirationSeconds: 600 }, mountPath: '/var/run/secrets/vault' },
    ],
    env: { GOMAXPROCS: { resourceFieldRef: { resource: 'limits.cpu' } }, HEAP_MB: { resourceFieldRef: { resource: 'requests.memory', divisor: '1Mi' } } },
    initContainers: [{ name: 'wait', image: INIT_IMAGE, files: [{ serviceAccountToken: { audience: 'vault' }, mountPath: '/var/run/secrets/vault' }] }],
  },
  'sidecar and init container': {
    port: 8080,
    sidecars: [{ name: 'proxy', image: SIDECAR_IMAGE, ports: [{ port: 15001 }], writablePaths: ['/tmp'] }],
    initContainers: [{ name: 'migrate', image: INIT_IMAGE, args: ['up'], runAsUser: 2000 }],
  },
  'localhost seccomp profile': { seccompProfile: { type: 'Localhost', localhostProfile: 'profiles/app.json' } },
  'service account token mounted': { automountServiceAccountToken: true },
  'existing service account': { serviceAccountName: 'default' },
  'user namespace': { hostUsers: false },
  'strict supplemental groups': { supplementalGroupsPolicy: 'Strict' },
  'unprivileged port start lowered': { port: 80, unprivilegedPortStart: 80 },
  'network allow rules': {
    port: 8080,
    network: {
      ingress: [{ peer: { podLabels: { role: 'frontend' } }, ports: [{ port: 8080 }] }, { peer: { namespace: 'monitoring' } }, { peer: { namespace: '*', podLabels: { app: 'scraper' } } }],
      egress: [{ peer: { ipBlock: { cidr: '10.0.0.0/8', except: ['10.0.1.0/24'] } }, ports: [{ port: 5432 }, { port: 30000, endPort: 32767 }] }],
    },
  },
  'openshift dns': { network: { dns: 'openshift' } },
  'node-local dns': { network: { dns: { nodeLocalAddress: '169.254.20.10' } } },
  'no dns egress': { network: { dns: 'off' } },
  'no network policy': { network: { policy: false } },
  'labels, annotations and scheduling': {
    labels: { 'team': 'payments', 'app.kubernetes.io/part-of': 'shop' },
    annotations: { 'example.com/owner': 'payments@example.com' },
    podLabels: { tier: 'backend' },
    podAnnotations: { 'example.com/scrape': 'true' },
    nodeSelector: { 'kubernetes.io/os': 'linux' },
    terminationGracePeriodSeconds: 60,
  },
  'tolerations, affinity, topology spread and priority class': {
    tolerations: [
      { key: 'dedicated', operator: 'Equal', value: 'payments', effect: 'NoSchedule' },
      { key: 'example.com/maintenance', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      { operator: 'Exists', effect: 'PreferNoSchedule' },
    ],
    affinity: {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/arch', operator: 'In', values: ['amd64', 'arm64'] }, { key: 'example.com/cores', operator: 'Gt', values: ['2'] }] }],
        },
        preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 20, preference: { matchExpressions: [{ key: 'example.com/disk', operator: 'Exists' }] } }],
      },
      podAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [{
          weight: 10,
          podAffinityTerm: { labelSelector: { matchLabels: { app: 'cache' } }, namespaceSelector: {}, topologyKey: 'topology.kubernetes.io/zone' },
        }],
      },
      podAntiAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [{
          labelSelector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['batch'] }] }, namespaces: ['monitoring'], topologyKey: 'kubernetes.io/hostname',
        }],
      },
    },
    topologySpreadConstraints: [
      { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway' },
      { maxSkew: 2, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { tier: 'backend' } } },
    ],
    priorityClassName: SCHEDULING_PRIORITY_CLASS,
  },
  'pull secrets': { imagePullSecrets: ['registry-credentials'] },
  'service links and no preStop sleep': { port: 8080, enableServiceLinks: true, preStopSleepSeconds: false },
  'long preStop sleep': { port: 8080, preStopSleepSeconds: 20 },
};

const DEPLOYMENT_ONLY: Readonly<Record<string, Partial<DeploymentProps>>> = {
  'one replica (no PodDisruptionBudget)': { replicas: 1, port: 8080 },
  'five replicas, custom budget': { replicas: 5, port: 8080, podDisruptionBudget: { minAvailable: '60%' } },
  'no budget': { replicas: 3, podDisruptionBudget: false },
  'NodePort service': { port: 8080, service: { type: 'NodePort' } },
  'LoadBalancer service': { port: 8080, service: { type: 'LoadBalancer' } },
  'no service': { port: 8080, service: false },
  'LoadBalancer service with annotations, source ranges and Local traffic policy': {
    port: 8080,
    service: {
      type: 'LoadBalancer',
      annotations: { 'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internal', 'example.com/idle-timeout': '60' },
      loadBalancerSourceRanges: ['10.0.0.0/8', '203.0.113.0/24', 'fd00::/8'],
      externalTrafficPolicy: 'Local',
    },
  },
  'NodePort service with Cluster traffic policy': { port: 8080, service: { type: 'NodePort', externalTrafficPolicy: 'Cluster' } },
  'autoscaled (defaults: CPU 80%, minReplicas 2, a budget)': { port: 8080, autoscaling: { maxReplicas: 10 } },
  'autoscaled on CPU and memory from one replica (no budget)': { port: 8080, autoscaling: { minReplicas: 1, maxReplicas: 5, cpuUtilization: 150, memoryUtilization: 70 } },
  'autoscaled with a sidecar and a custom budget': {
    port: 8080,
    sidecars: [{ name: 'proxy', image: SIDECAR_IMAGE, ports: [{ port: 15001 }] }],
    autoscaling: { minReplicas: 4, maxReplicas: 40, memoryUtilization: 90 },
    podDisruptionBudget: { minAvailable: '50%' },
  },
};

const STATEFULSET_ONLY: Readonly<Record<string, Partial<StatefulSetProps>>> = {
  'persistent volumes': { port: 5432, runAsUser: 999, runAsGroup: 999, volumeClaims: [{ name: 'data', mountPath: '/var/lib/data', storage: '10Gi' }, { name: 'wal', mountPath: '/var/lib/wal', storage: '1Gi', storageClassName: 'fast', accessModes: ['ReadWriteOncePod'] }] },
  'three replicas': { replicas: 3, port: 5432 },
  'persistent volume with explicit fsGroup': { fsGroup: 2000, volumeClaims: [{ name: 'data', mountPath: '/data', storage: '1Gi' }] },
  'autoscaled, with Service annotations': {
    port: 5432,
    autoscaling: { minReplicas: 3, maxReplicas: 7, cpuUtilization: 75 },
    service: { annotations: { 'example.com/owner': 'data' } },
  },
};

const JOB_ONLY: Readonly<Record<string, Partial<JobProps>>> = {
  'parallel job': { completions: 10, parallelism: 3, backoffLimit: 1, activeDeadlineSeconds: 600, ttlSecondsAfterFinished: 60 },
  'restart on failure': { restartPolicy: 'OnFailure' },
};

const CRONJOB_ONLY: Readonly<Record<string, Partial<CronJobProps>>> = {
  'time zone and history': { timeZone: 'Europe/Berlin', concurrencyPolicy: 'Replace', successfulJobsHistoryLimit: 1, failedJobsHistoryLimit: 5, startingDeadlineSeconds: 120 },
  'macro schedule': { schedule: '@daily' },
};

/** Platform defaults a team might set, applied to the whole table once more. */
const DEFAULTS: Readonly<Record<string, WorkloadDefaults>> = {
  'no platform defaults': {},
  'platform defaults': {
    allowedRegistries: ['registry.example/team'],
    resources: { requests: { cpu: '50m' }, limits: { memory: '512Mi' } },
    labels: { 'platform.example.com/tenant': 'shop' },
    dns: 'openshift',
    imagePullSecrets: ['platform-pull'],
    writableSizeLimit: '128Mi',
    kubernetesMinor: 37,
  },
};

/** One row of the table: a workload kind, its props and the platform defaults in force. */
export type WorkloadCase = WorkloadPropSet & {
  readonly kind: Exclude<WorkloadPropSet['kind'], 'Namespace'>;
  readonly id: string;
  /** Hardened output expected: no opt-out in the props. The shared table's rows do not promise that. */
  readonly hardened: boolean;
};

/**
 * Every workload kind over every props case, twice (without and with platform defaults), plus the
 * prop table the front doors' own tests share. Names are unique across the whole table, so one
 * namespace can hold every case's ServiceAccount.
 */
export function workloadCases(): WorkloadCase[] {
  const cases: WorkloadCase[] = [];
  let n = 0;
  const add = (row: Omit<WorkloadPropSet, 'title'> & { kind: WorkloadCase['kind'] }, id: string, defaults: WorkloadDefaults, hardened = true): void => {
    const props = { ...row.props, name: `app-${n++}` };
    cases.push({ ...row, props, defaults, id, title: id, hardened } as WorkloadCase);
  };
  for (const [defaultsId, defaults] of Object.entries(DEFAULTS)) {
    for (const [caseId, props] of Object.entries(COMMON)) {
      const base = { ...props, name: '', image: IMAGE };
      // Long-running kinds need a TCP port for their default probes; Jobs also run without one.
      const serving = props.port === undefined && props.ports === undefined ? { ...base, port: 8080 } : base;
      add({ kind: 'Deployment', props: serving }, `Deployment ${caseId} (${defaultsId})`, defaults);
      add({ kind: 'StatefulSet', props: serving }, `StatefulSet ${caseId} (${defaultsId})`, defaults);
      add({ kind: 'DaemonSet', props: serving }, `DaemonSet ${caseId} (${defaultsId})`, defaults);
      add({ kind: 'Job', props: base }, `Job ${caseId} (${defaultsId})`, defaults);
      add({ kind: 'CronJob', props: { ...base, schedule: '*/15 * * * *' } }, `CronJob ${caseId} (${defaultsId})`, defaults);
    }
    for (const [caseId, props] of Object.entries(DEPLOYMENT_ONLY)) {
      add({ kind: 'Deployment', props: { port: 8080, ...props, name: '', image: IMAGE } }, `Deployment ${caseId} (${defaultsId})`, defaults);
    }
    for (const [caseId, props] of Object.entries(STATEFULSET_ONLY)) {
      add({ kind: 'StatefulSet', props: { port: 5432, ...props, name: '', image: IMAGE } }, `StatefulSet ${caseId} (${defaultsId})`, defaults);
    }
    for (const [caseId, props] of Object.entries(JOB_ONLY)) {
      add({ kind: 'Job', props: { ...props, name: '', image: IMAGE } }, `Job ${caseId} (${defaultsId})`, defaults);
    }
    for (const [caseId, props] of Object.entries(CRONJOB_ONLY)) {
      add({ kind: 'CronJob', props: { schedule: '0 3 * * *', ...props, name: '', image: IMAGE } }, `CronJob ${caseId} (${defaultsId})`, defaults);
    }
  }
  for (const set of WORKLOAD_PROP_SETS) {
    if (set.kind !== 'Namespace') add(set as WorkloadCase, `${set.kind} ${set.title} (shared prop table)`, set.defaults ?? {}, false);
  }
  return cases;
}

/** What the model builders emit for a case (the objects both front doors render). */
export function buildWithModel(c: WorkloadCase): KubeObject[] {
  const ctx: BuildContext = { where: c.id, defaults: c.defaults };
  switch (c.kind) {
    case 'Deployment': return [...buildDeployment(c.props, ctx).objects];
    case 'StatefulSet': return [...buildStatefulSet(c.props, ctx).objects];
    case 'DaemonSet': return [...buildDaemonSet(c.props, ctx).objects];
    case 'Job': return [...buildJob(c.props, ctx).objects];
    case 'CronJob': return [...buildCronJob(c.props, ctx).objects];
  }
}

/** Namespaces the library emits: every Pod Security level and mode, pinned versions, DNS variants. */
export function emittedNamespaces(): EmittedCase[] {
  const table: Readonly<Record<string, Omit<NamespaceProps, 'name'>>> = {
    'defaults': {},
    'labels': { labels: { 'team': 'payments', 'example.com/cost-center': '1234' } },
    'baseline enforce, restricted warn': { podSecurity: { enforce: 'baseline', audit: 'restricted', warn: 'restricted' } },
    'privileged': { podSecurity: { enforce: 'privileged', audit: 'privileged', warn: 'privileged' } },
    'pinned v1.25': { podSecurityVersion: 'v1.25' },
    'latest': { podSecurityVersion: 'latest' },
    'no default deny': { defaultDeny: false },
    'openshift dns': { dns: 'openshift' },
    'node-local dns': { dns: { nodeLocalAddress: '169.254.20.10' } },
    'no dns': { dns: 'off' },
  };
  const cases: EmittedCase[] = [];
  let n = 0;
  for (const [id, props] of Object.entries(table)) {
    for (const [defaultsId, defaults] of Object.entries(DEFAULTS)) {
      cases.push({ id: `Namespace ${id} (${defaultsId})`, objects: buildNamespace({ ...props, name: `emitted-ns-${n++}` }, defaults, id).objects });
    }
  }
  return cases;
}
