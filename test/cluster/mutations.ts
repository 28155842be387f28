/**
 * A corpus for the differential suite: hardened output with one securityContext or pod field changed
 * at a time (a few changes need a companion field so that API validation accepts the Pod, and say so).
 * Every case must be a valid Pod; only its Pod Security verdict is in question.
 */
import { harden } from '../../src/hardening';
import type { KubeObject } from '../../src/model';

type Fields = Record<string, unknown>;

export interface Mutation {
  /** Stable, readable id, e.g. `containers[0].securityContext.runAsUser=0`. */
  readonly id: string;
  readonly pod: KubeObject;
}

const DIGEST = (c: string): string => `registry.example/app@sha256:${c.repeat(64)}`;

/** What the library emits for a bare two-container Pod (one init container, one app container). */
export function hardenedPod(): KubeObject {
  return harden({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'base', labels: { 'app.kubernetes.io/name': 'base' } },
    spec: {
      initContainers: [{ name: 'init', image: DIGEST('a') }],
      containers: [{ name: 'app', image: DIGEST('b'), ports: [{ containerPort: 8080, name: 'http' }] }],
    },
  }).object;
}

/** Sets (or with `undefined` deletes) a dotted path, creating objects on the way. */
function setPath(target: Fields, path: string, value: unknown): void {
  const keys = path.split('.');
  let current = target;
  for (const key of keys.slice(0, -1)) {
    if (typeof current[key] !== 'object' || current[key] === null) current[key] = {};
    current = current[key] as Fields;
  }
  const last = keys[keys.length - 1];
  if (value === undefined) delete current[last];
  else current[last] = value;
}

/**
 * A change: path relative to the pod spec or to a container (a leading `/` means the pod spec even
 * in a container change), and the value (undefined removes it).
 */
type Change = readonly [path: string, value: unknown];

const SECCOMP_LOCALHOST = { type: 'Localhost', localhostProfile: 'profiles/audit.json' };

/** Changes at container level; each runs once on the app container and once on the init container. */
const CONTAINER_CHANGES: readonly (readonly Change[])[] = [
  [['securityContext', undefined]],
  [['securityContext.privileged', undefined]],
  [['securityContext.privileged', true], ['securityContext.allowPrivilegeEscalation', true]],
  [['securityContext.allowPrivilegeEscalation', true]],
  [['securityContext.allowPrivilegeEscalation', undefined]],
  [['securityContext.capabilities', undefined]],
  [['securityContext.capabilities.drop', []]],
  [['securityContext.capabilities.drop', ['NET_RAW']]],
  [['securityContext.capabilities.drop', ['all']]],
  [['securityContext.capabilities.drop', ['ALL', 'NET_RAW']]],
  [['securityContext.capabilities.add', ['NET_BIND_SERVICE']]],
  [['securityContext.capabilities.add', ['net_bind_service']]],
  [['securityContext.capabilities.add', ['CAP_NET_BIND_SERVICE']]],
  [['securityContext.capabilities.add', ['CHOWN']]],
  [['securityContext.capabilities.add', ['NET_RAW']]],
  [['securityContext.capabilities.add', ['SYS_ADMIN']]],
  [['securityContext.capabilities.add', ['ALL']]],
  [['securityContext.capabilities.add', ['AUDIT_WRITE', 'KILL', 'MKNOD', 'SETUID']]],
  [['securityContext.runAsNonRoot', false]],
  [['securityContext.runAsNonRoot', true]],
  [['securityContext.runAsUser', 0]],
  [['securityContext.runAsUser', 1000]],
  [['securityContext.runAsGroup', 0]],
  [['securityContext.readOnlyRootFilesystem', false]],
  [['securityContext.seccompProfile', { type: 'Unconfined' }]],
  [['securityContext.seccompProfile', { type: 'RuntimeDefault' }]],
  [['securityContext.seccompProfile', SECCOMP_LOCALHOST]],
  // API validation allows Unmasked only in a user namespace.
  [['securityContext.procMount', 'Unmasked'], ['/hostUsers', false]],
  [['securityContext.procMount', 'Default']],
  [['securityContext.seLinuxOptions', { type: 'container_t' }]],
  [['securityContext.seLinuxOptions', { type: 'container_init_t' }]],
  [['securityContext.seLinuxOptions', { type: 'container_kvm_t' }]],
  [['securityContext.seLinuxOptions', { type: 'container_engine_t' }]],
  [['securityContext.seLinuxOptions', { type: 'spc_t' }]],
  [['securityContext.seLinuxOptions', { type: 'unconfined_t' }]],
  [['securityContext.seLinuxOptions', { user: 'system_u' }]],
  [['securityContext.seLinuxOptions', { role: 'system_r' }]],
  [['securityContext.seLinuxOptions', { level: 's0:c123,c456' }]],
  [['securityContext.appArmorProfile', { type: 'RuntimeDefault' }]],
  [['securityContext.appArmorProfile', { type: 'Unconfined' }]],
  [['securityContext.appArmorProfile', { type: 'Localhost', localhostProfile: 'k8s-apparmor-example' }]],
  [['securityContext.windowsOptions', { runAsUserName: 'ContainerUser' }]],
  [['ports', [{ containerPort: 8080, hostPort: 8080 }]]],
  [['ports', [{ containerPort: 8080, hostPort: 0 }]]],
  [['livenessProbe', { httpGet: { port: 8080, path: '/healthz' } }]],
  [['livenessProbe', { httpGet: { port: 8080, path: '/healthz', host: '10.0.0.1' } }]],
  [['readinessProbe', { tcpSocket: { port: 8080, host: '10.0.0.1' } }]],
  [['lifecycle', { postStart: { httpGet: { port: 8080, host: '10.0.0.1' } } }]],
  [['lifecycle', { preStop: { tcpSocket: { port: 8080, host: 'localhost' } } }]],
  [['lifecycle', { preStop: { sleep: { seconds: 1 } } }]],
];

/** Changes at pod-spec level. */
const POD_CHANGES: readonly (readonly Change[])[] = [
  [['securityContext', undefined]],
  [['securityContext.runAsNonRoot', false]],
  [['securityContext.runAsNonRoot', undefined]],
  [['securityContext.runAsUser', 0]],
  [['securityContext.runAsUser', 65532]],
  [['securityContext.runAsGroup', 0]],
  [['securityContext.fsGroup', 0]],
  [['securityContext.supplementalGroups', [0]]],
  [['securityContext.seccompProfile', undefined]],
  [['securityContext.seccompProfile', { type: 'Unconfined' }]],
  [['securityContext.seccompProfile', SECCOMP_LOCALHOST]],
  [['securityContext.seLinuxOptions', { type: 'container_t' }]],
  [['securityContext.seLinuxOptions', { type: 'spc_t' }]],
  [['securityContext.seLinuxOptions', { user: 'system_u' }]],
  [['securityContext.seLinuxOptions', { role: 'system_r' }]],
  [['securityContext.appArmorProfile', { type: 'Unconfined' }]],
  [['securityContext.appArmorProfile', { type: 'RuntimeDefault' }]],
  [['securityContext.sysctls', [{ name: 'kernel.shm_rmid_forced', value: '0' }]]],
  [['securityContext.sysctls', [{ name: 'net.ipv4.ip_local_port_range', value: '1024 65535' }]]],
  [['securityContext.sysctls', [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }]]],
  [['securityContext.sysctls', [{ name: 'net.ipv4.tcp_keepalive_time', value: '600' }]]],
  [['securityContext.sysctls', [{ name: 'net.ipv4.tcp_rmem', value: '4096 87380 6291456' }]]],
  [['securityContext.sysctls', [{ name: 'kernel.msgmax', value: '65536' }]]],
  [['securityContext.sysctls', [{ name: 'net.core.somaxconn', value: '1024' }]]],
  [['hostNetwork', true]],
  [['hostPID', true]],
  [['hostIPC', true]],
  [['hostUsers', false]],
  [['hostUsers', true]],
  [['automountServiceAccountToken', true]],
  [['volumes', [{ name: 'v', emptyDir: {} }]]],
  [['volumes', [{ name: 'v', hostPath: { path: '/var/run' } }]]],
  [['volumes', [{ name: 'v', configMap: { name: 'c' } }]]],
  [['volumes', [{ name: 'v', secret: { secretName: 's' } }]]],
  [['volumes', [{ name: 'v', projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } }]]],
  [['volumes', [{ name: 'v', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } }]]],
  [['volumes', [{ name: 'v', persistentVolumeClaim: { claimName: 'data' } }]]],
  [['volumes', [{ name: 'v', csi: { driver: 'csi.example.com' } }]]],
  [['volumes', [{ name: 'v', ephemeral: { volumeClaimTemplate: { spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } } } }]]],
  [['volumes', [{ name: 'v', image: { reference: DIGEST('c') } }]]],
  [['volumes', [{ name: 'v', nfs: { server: 'nfs.example', path: '/export' } }]]],
  [['volumes', [{ name: 'v', iscsi: { targetPortal: '10.0.0.2:3260', iqn: 'iqn.2001-04.com.example:storage', lun: 0 } }]]],
];

/**
 * Changes to the Pod's metadata: the annotations older Pod Security versions read (seccomp before
 * 1.19, AppArmor), including values that contradict the fields.
 */
const METADATA_CHANGES: readonly (readonly Change[])[] = [
  [['annotations', { 'seccomp.security.alpha.kubernetes.io/pod': 'runtime/default' }]],
  // API validation refuses an annotation that contradicts the field, so the field goes.
  [['annotations', { 'seccomp.security.alpha.kubernetes.io/pod': 'unconfined' }], ['/securityContext.seccompProfile', undefined]],
  [['annotations', { 'container.seccomp.security.alpha.kubernetes.io/app': 'unconfined' }]],
  [['annotations', { 'container.apparmor.security.beta.kubernetes.io/app': 'runtime/default' }]],
  [['annotations', { 'container.apparmor.security.beta.kubernetes.io/app': 'unconfined' }]],
  [['annotations', { 'container.apparmor.security.beta.kubernetes.io/init': 'localhost/k8s-apparmor-example' }]],
  [['annotations', { 'example.com/unrelated': 'true' }]],
];

function applyChanges(spec: Fields, target: Fields, changes: readonly Change[]): void {
  for (const [path, value] of changes) {
    if (path.startsWith('/')) setPath(spec, path.slice(1), structuredClone(value));
    else setPath(target, path, structuredClone(value));
  }
}

function describe(prefix: string, changes: readonly Change[]): string {
  return changes.map(([path, value]) => `${path.startsWith('/') ? `spec.${path.slice(1)}` : `${prefix}${path}`}=${value === undefined ? '<removed>' : JSON.stringify(value)}`).join(' + ');
}

/** Every mutation of the hardened Pod; names are DNS labels so they can be created. */
export function mutationCorpus(): Mutation[] {
  const corpus: Mutation[] = [{ id: 'hardened (unchanged)', pod: hardenedPod() }];
  const add = (id: string, mutate: (spec: Fields, metadata: Fields) => void): void => {
    const pod = structuredClone(hardenedPod()) as KubeObject & { metadata: Fields; spec: Fields };
    mutate(pod.spec, pod.metadata);
    pod.metadata.name = `mutation-${corpus.length}`;
    corpus.push({ id, pod });
  };
  for (const changes of POD_CHANGES) add(describe('spec.', changes), (spec) => applyChanges(spec, spec, changes));
  for (const changes of METADATA_CHANGES) add(describe('metadata.', changes), (spec, metadata) => applyChanges(spec, metadata, changes));
  for (const list of ['containers', 'initContainers'] as const) {
    for (const changes of CONTAINER_CHANGES) {
      // Init containers run to completion: probes and lifecycle hooks are not allowed there.
      if (list === 'initContainers' && changes.some(([path]) => /^(livenessProbe|readinessProbe|lifecycle)/.test(path))) continue;
      add(describe(`spec.${list}[0].`, changes), (spec) => applyChanges(spec, (spec[list] as Fields[])[0], changes));
    }
  }
  return corpus;
}

/** An ephemeral container added to a running Pod through the `ephemeralcontainers` subresource. */
export interface EphemeralMutation {
  readonly id: string;
  readonly container: Record<string, unknown>;
}

/** Fields ephemeral containers may not have (API validation refuses them), so their changes are left out. */
const NOT_FOR_EPHEMERAL = /^(ports|livenessProbe|readinessProbe|startupProbe|lifecycle|resources)/;

/**
 * The hardened app container as an ephemeral debug container (what ephemeral containers may not
 * carry removed), then with each container change that applies to one; changes that also need a
 * pod-level field are left out, as the subresource cannot change the pod.
 */
export function ephemeralMutationCorpus(): EphemeralMutation[] {
  const app = (hardenedPod().spec as { containers: Fields[] }).containers[0];
  const base: Fields = { name: 'debugger', image: DIGEST('d') };
  for (const [key, value] of Object.entries(app)) if (!NOT_FOR_EPHEMERAL.test(key) && key !== 'name' && key !== 'image') base[key] = structuredClone(value);
  const corpus: EphemeralMutation[] = [{ id: 'hardened (unchanged)', container: base }];
  for (const changes of CONTAINER_CHANGES) {
    if (changes.some(([path]) => path.startsWith('/') || NOT_FOR_EPHEMERAL.test(path))) continue;
    const container = structuredClone(base);
    applyChanges({}, container, changes);
    container.name = `debugger-${corpus.length}`;
    corpus.push({ id: describe('spec.ephemeralContainers[0].', changes), container });
  }
  return corpus;
}
