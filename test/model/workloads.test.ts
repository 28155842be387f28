import type { Container, PodSpec } from 'kubernetes-types/core/v1';
import {
  buildCronJob, buildDaemonSet, buildDeployment, buildJob, buildNamespace, buildStatefulSet, dnsEgressRule,
  type BuildContext, type ImageResolver, type KubeObject, type WorkloadProps,
} from '../../src/model';
import { HardpodError } from '../../src/model/errors';

const IMAGE = `ghcr.io/acme/web@sha256:${'a'.repeat(64)}`;
const SIDECAR = `ghcr.io/acme/proxy:1.2@sha256:${'b'.repeat(64)}`;
const ctx: BuildContext = { where: 'app/web' };

function podOf(object: KubeObject): PodSpec {
  const spec = object.spec as { template?: { spec: PodSpec }; jobTemplate?: { spec: { template: { spec: PodSpec } } } };
  return spec.template?.spec ?? spec.jobTemplate!.spec.template.spec;
}
function mainOf(object: KubeObject): Container {
  return podOf(object).containers[0];
}
function error(fn: () => unknown): HardpodError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(HardpodError);
    return e as HardpodError;
  }
  throw new Error('expected a HardpodError');
}

describe('buildDeployment defaults', () => {
  const built = buildDeployment({ name: 'web', image: IMAGE, port: 8080 }, ctx);
  const pod = podOf(built.workload as KubeObject);
  const main = pod.containers[0];

  it('emits the workload and its companions', () => {
    expect(built.objects.map((o) => o.kind)).toEqual(['Deployment', 'ServiceAccount', 'Service', 'NetworkPolicy', 'PodDisruptionBudget']);
  });
  it('hardens the pod', () => {
    expect(pod.securityContext).toEqual({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.enableServiceLinks).toBe(false);
    expect(pod.serviceAccountName).toBe('web');
    expect(pod.hostNetwork).toBeUndefined();
  });
  it('hardens the container and never invents a uid', () => {
    expect(main.securityContext).toEqual({
      privileged: false, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] },
    });
    expect(main.securityContext?.runAsUser).toBeUndefined();
    expect(main.resources).toEqual({ requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } });
  });
  it('adds tcp probes and the native sleep preStop', () => {
    expect(main.readinessProbe).toEqual({ tcpSocket: { port: 'port-8080' } });
    expect(main.livenessProbe).toEqual({ tcpSocket: { port: 'port-8080' } });
    expect(main.lifecycle).toEqual({ preStop: { sleep: { seconds: 5 } } });
  });
  it('denies all traffic but DNS and keeps two replicas available', () => {
    expect(built.networkPolicy?.spec?.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(built.networkPolicy?.spec?.ingress).toBeUndefined();
    expect(built.networkPolicy?.spec?.egress).toEqual([dnsEgressRule('kube-dns')]);
    expect(built.podDisruptionBudget?.spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: { 'app.kubernetes.io/name': 'web' } } });
    expect(built.serviceAccount?.automountServiceAccountToken).toBe(false);
  });
  it('is plain data that survives JSON', () => {
    expect(JSON.parse(JSON.stringify(built.objects))).toEqual(built.objects);
  });
});

describe('opt-outs', () => {
  it('every security default can be overridden or omitted', () => {
    const built = buildDeployment({
      name: 'web',
      image: IMAGE,
      port: 8080,
      readOnlyRootFilesystem: false,
      allowPrivilegeEscalation: true,
      privileged: true,
      capabilities: { add: ['NET_ADMIN'] },
      seccompProfile: false,
      automountServiceAccountToken: true,
      enableServiceLinks: true,
      probes: false,
      preStopSleepSeconds: false,
      resources: { limits: { cpu: false } },
      replicas: 1,
      network: { policy: false },
      service: false,
      serviceAccountName: 'shared',
    }, ctx);
    const pod = podOf(built.workload as KubeObject);
    const main = pod.containers[0];
    expect(main.securityContext).toEqual({
      privileged: true, allowPrivilegeEscalation: true, readOnlyRootFilesystem: false, capabilities: { drop: ['ALL'], add: ['NET_ADMIN'] },
    });
    expect(pod.securityContext).toEqual({ runAsNonRoot: true });
    expect(pod.automountServiceAccountToken).toBe(true);
    expect(pod.enableServiceLinks).toBe(true);
    expect(pod.serviceAccountName).toBe('shared');
    expect(main.resources?.limits).toEqual({ memory: '256Mi' });
    expect(main.readinessProbe).toBeUndefined();
    expect(main.lifecycle).toBeUndefined();
    expect(built.objects.map((o) => o.kind)).toEqual(['Deployment']);
  });
  it('runAsNonRoot false allows root explicitly', () => {
    const built = buildDeployment({ name: 'web', image: IMAGE, runAsNonRoot: false, runAsUser: 0, port: 80 }, ctx);
    expect(podOf(built.workload as KubeObject).securityContext?.runAsNonRoot).toBe(false);
    expect(mainOf(built.workload as KubeObject).securityContext?.runAsUser).toBe(0);
    expect(mainOf(built.workload as KubeObject).ports).toEqual([{ name: 'port-80', containerPort: 80, protocol: 'TCP' }]);
  });
  it('an explicit request above the default limit raises the limit', () => {
    const built = buildDeployment({ name: 'web', image: IMAGE, resources: { requests: { memory: '1Gi' } } }, ctx);
    expect(mainOf(built.workload as KubeObject).resources).toEqual({ requests: { cpu: '100m', memory: '1Gi' }, limits: { cpu: '500m', memory: '1Gi' } });
  });
  it('platform defaults apply and explicit props win', () => {
    const defaults = { resources: { requests: { cpu: '50m' }, limits: { cpu: false as const } }, seccompProfile: { type: 'Localhost' as const, localhostProfile: 'p.json' }, labels: { team: 'a' }, imagePullSecrets: ['pull'] };
    const built = buildDeployment({ name: 'web', image: IMAGE, resources: { limits: { cpu: '2' } } }, { where: 'x', defaults });
    const pod = podOf(built.workload as KubeObject);
    expect(pod.containers[0].resources).toEqual({ requests: { cpu: '50m', memory: '128Mi' }, limits: { cpu: '2', memory: '256Mi' } });
    expect(pod.securityContext?.seccompProfile).toEqual({ type: 'Localhost', localhostProfile: 'p.json' });
    expect(pod.imagePullSecrets).toEqual([{ name: 'pull' }]);
    expect(built.objects.every((o) => o.metadata?.labels?.team === 'a')).toBe(true);
  });
});

describe('ports below 1024', () => {
  it('are served through the Service', () => {
    const built = buildDeployment({ name: 'web', image: IMAGE, ports: [{ port: 80, containerPort: 8080 }] }, ctx);
    expect(built.service?.spec?.ports).toEqual([{ name: 'port-8080', port: 80, targetPort: 'port-8080', protocol: 'TCP' }]);
    expect(mainOf(built.workload as KubeObject).ports?.[0].containerPort).toBe(8080);
  });
  it('or through the sysctl on request', () => {
    const built = buildDeployment({ name: 'web', image: IMAGE, port: 80, unprivilegedPortStart: 80 }, ctx);
    expect(podOf(built.workload as KubeObject).securityContext?.sysctls).toEqual([{ name: 'net.ipv4.ip_unprivileged_port_start', value: '80' }]);
  });
  it('and anything else is an error naming both ways', () => {
    const e = error(() => buildDeployment({ name: 'web', image: IMAGE, port: 443 }, ctx));
    expect(e.message).toContain('app/web');
    expect(e.message).toContain('containerPort');
    expect(e.message).toContain('unprivilegedPortStart: 443');
    expect(error(() => buildDeployment({ name: 'web', image: IMAGE, ports: [{ port: 80, containerPort: 81 }] }, ctx)).message).toContain('below 1024');
  });
});

describe('images', () => {
  it('refuses a tag-only reference, naming the path and how to pin', () => {
    const e = error(() => buildDeployment({ name: 'web', image: 'ghcr.io/acme/web:1.0' }, ctx));
    expect(e.where).toContain('app/web');
    expect(e.message).toContain('ghcr.io/acme/web:1.0');
    expect(e.message).toContain('npx hardpod lock');
    expect(e.message).toContain('hardpod.lock.json');
  });
  it('refuses registries outside the allowed list', () => {
    const e = error(() => buildDeployment({ name: 'web', image: IMAGE }, { where: 'x', defaults: { allowedRegistries: ['registry.acme.io'] } }));
    expect(e.message).toContain('not an allowed registry');
    expect(() => buildDeployment({ name: 'web', image: IMAGE }, { where: 'x', defaults: { allowedRegistries: ['ghcr.io/acme'] } })).not.toThrow();
    expect(() => buildDeployment({ name: 'web', image: IMAGE }, { where: 'x', defaults: { allowedRegistries: ['ghcr.io/ac'] } })).toThrow(HardpodError);
  });
  const factsResolver = (facts: Record<string, unknown>): ImageResolver => ({ resolve: (reference) => ({ reference, facts }) });
  it('takes the uid and gid from image facts, per container', () => {
    const built = buildDeployment({
      name: 'web', image: IMAGE, sidecars: [{ name: 'proxy', image: SIDECAR, runAsUser: 2000 }],
    }, { where: 'x', imageResolver: factsResolver({ uid: 1001, gid: 1002 }) });
    const [main, proxy] = podOf(built.workload as KubeObject).containers;
    expect(main.securityContext?.runAsUser).toBe(1001);
    expect(main.securityContext?.runAsGroup).toBe(1002);
    expect(proxy.securityContext?.runAsUser).toBe(2000);
    expect(podOf(built.workload as KubeObject).securityContext?.runAsUser).toBeUndefined();
  });
  it('refuses an image whose user is root unless told', () => {
    expect(error(() => buildDeployment({ name: 'web', image: IMAGE }, { where: 'x', imageResolver: factsResolver({ uid: 0 }) })).message).toContain('runs as root');
    const built = buildDeployment({ name: 'web', image: IMAGE, runAsUser: 65532 }, { where: 'x', imageResolver: factsResolver({ uid: 0 }) });
    expect(mainOf(built.workload as KubeObject).securityContext?.runAsUser).toBe(65532);
  });
  it('allows exec probes only for tools the image has', () => {
    const probes = { readiness: { exec: { command: ['/usr/bin/wget', '-q', 'localhost'] } } };
    expect(error(() => buildDeployment({ name: 'web', image: IMAGE, probes }, ctx)).message).toContain('nothing is known');
    expect(error(() => buildDeployment({ name: 'web', image: IMAGE, probes }, { where: 'x', imageResolver: factsResolver({ tools: ['curl'] }) })).message).toContain('does not contain');
    const built = buildDeployment({ name: 'web', image: IMAGE, probes }, { where: 'x', imageResolver: factsResolver({ tools: ['wget'] }) });
    expect(mainOf(built.workload as KubeObject).readinessProbe?.exec?.command?.[0]).toBe('/usr/bin/wget');
    const shell = { liveness: { exec: { command: ['sh', '-c', 'true'] } } };
    expect(() => buildDeployment({ name: 'web', image: IMAGE, probes: shell }, { where: 'x', imageResolver: factsResolver({ hasShell: false }) })).toThrow(HardpodError);
  });
  it('refuses a port the image does not expose', () => {
    expect(error(() => buildDeployment({ name: 'web', image: IMAGE, port: 8080 }, { where: 'x', imageResolver: factsResolver({ exposedPorts: [9000] }) })).message).toContain('does not expose port 8080');
  });
});

describe('other builders', () => {
  it('writablePaths become size-limited emptyDirs', () => {
    const built = buildDaemonSet({ name: 'agent', image: IMAGE, writablePaths: ['/tmp', { path: '/var/cache/nginx', sizeLimit: '1Gi', medium: 'Memory' }] }, ctx);
    const pod = podOf(built.workload as KubeObject);
    expect(pod.volumes).toEqual([{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }, { name: 'var-cache-nginx', emptyDir: { sizeLimit: '1Gi', medium: 'Memory' } }]);
    expect(pod.containers[0].volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }, { name: 'var-cache-nginx', mountPath: '/var/cache/nginx' }]);
    expect(built.podDisruptionBudget).toBeUndefined();
  });
  it('StatefulSet: headless Service, claims, fsGroup OnRootMismatch', () => {
    const built = buildStatefulSet({ name: 'db', image: IMAGE, port: 5432, runAsUser: 999, runAsGroup: 999, volumeClaims: [{ name: 'data', mountPath: '/var/lib/postgresql', storage: '10Gi' }] }, ctx);
    const pod = podOf(built.workload as KubeObject);
    expect(pod.securityContext).toMatchObject({ fsGroup: 999, fsGroupChangePolicy: 'OnRootMismatch' });
    expect(built.service?.spec?.clusterIP).toBe('None');
    expect(built.workload.spec?.serviceName).toBe('db');
    expect(built.workload.spec?.replicas).toBe(1);
    expect(pod.containers[0].volumeMounts).toEqual([{ name: 'data', mountPath: '/var/lib/postgresql' }]);
    expect(error(() => buildStatefulSet({ name: 'db', image: IMAGE, volumeClaims: [{ name: 'd', mountPath: '/d', storage: '1Gi' }] }, ctx)).message).toContain('fsGroup');
  });
  it('Job and CronJob: no Service, no preStop, Never restarts', () => {
    const job = buildJob({ name: 'migrate', image: IMAGE, port: 8080 }, ctx);
    expect(job.objects.map((o) => o.kind)).toEqual(['Job', 'ServiceAccount', 'NetworkPolicy']);
    expect(podOf(job.workload as KubeObject).restartPolicy).toBe('Never');
    expect(mainOf(job.workload as KubeObject).lifecycle).toBeUndefined();
    const cron = buildCronJob({ name: 'report', image: IMAGE, schedule: '0 3 * * *' }, ctx);
    expect(cron.workload.spec).toMatchObject({ schedule: '0 3 * * *', concurrencyPolicy: 'Forbid' });
    expect(mainOf(cron.workload as KubeObject).securityContext?.readOnlyRootFilesystem).toBe(true);
    expect(() => buildCronJob({ name: 'report', image: IMAGE, schedule: 'daily' }, ctx)).toThrow(/not a cron schedule/);
  });
  it('sidecars and init containers need names and are hardened alike', () => {
    expect(error(() => buildDeployment({ name: 'web', image: IMAGE, sidecars: [{ image: SIDECAR }] }, ctx)).message).toContain('needs a name');
    const built = buildDeployment({ name: 'web', image: IMAGE, initContainers: [{ name: 'init', image: SIDECAR }] }, ctx);
    expect(podOf(built.workload as KubeObject).initContainers?.[0].securityContext?.capabilities).toEqual({ drop: ['ALL'] });
  });
  it('namespace: restricted everywhere, pinned version, default deny', () => {
    const ns = buildNamespace({ name: 'shop' }, { kubernetesMinor: 32 });
    expect(ns.namespace.metadata?.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/enforce-version': 'v1.32',
      'pod-security.kubernetes.io/audit': 'restricted',
      'pod-security.kubernetes.io/warn': 'restricted',
    });
    expect(ns.networkPolicy?.spec?.podSelector).toEqual({});
    expect(buildNamespace({ name: 'shop', defaultDeny: false }).objects).toHaveLength(1);
  });
  it('dns egress targets', () => {
    expect(dnsEgressRule('off')).toBeUndefined();
    expect(dnsEgressRule('openshift')?.ports?.[0].port).toBe(5353);
    expect(dnsEgressRule({ nodeLocalAddress: '169.254.20.10' })?.to).toEqual([{ ipBlock: { cidr: '169.254.20.10/32' } }]);
    expect(() => dnsEgressRule('coredns' as never)).toThrow(HardpodError);
  });
});

describe('image users and Kubernetes versions', () => {
  const resolver = (facts: Record<string, unknown>): ImageResolver => ({ resolve: (reference) => ({ reference, facts }) });
  it('a user name the lock file could not resolve is an error, a resolved one is fine', () => {
    expect(error(() => buildDeployment({ name: 'web', image: IMAGE }, { where: 'x', imageResolver: resolver({ user: 'app' }) })).message).toContain('runAsUser to its numeric uid');
    expect(() => buildDeployment({ name: 'web', image: IMAGE }, { where: 'x', imageResolver: resolver({ user: 'app', uid: 1000 }) })).not.toThrow();
    expect(() => buildDeployment({ name: 'web', image: IMAGE }, { where: 'x', imageResolver: resolver({ user: '1000:1000' }) })).not.toThrow();
    expect(() => buildDeployment({ name: 'web', image: IMAGE, runAsUser: 1000 }, { where: 'x', imageResolver: resolver({ user: 'app' }) })).not.toThrow();
  });
  it('the native sleep preStop is only defaulted where Kubernetes has it', () => {
    const old = buildDeployment({ name: 'web', image: IMAGE, port: 8080 }, { where: 'x', defaults: { kubernetesMinor: 29 } });
    expect(mainOf(old.workload as KubeObject).lifecycle).toBeUndefined();
    expect(error(() => buildDeployment({ name: 'web', image: IMAGE, preStopSleepSeconds: 3 }, { where: 'x', defaults: { kubernetesMinor: 29 } })).message).toContain('1.30+');
    expect(mainOf(buildDeployment({ name: 'web', image: IMAGE, preStopSleepSeconds: 3 }, ctx).workload as KubeObject).lifecycle).toEqual({ preStop: { sleep: { seconds: 3 } } });
  });
  it('user namespaces and strict supplemental groups need a target where the API server honours them', () => {
    const build = (props: Partial<WorkloadProps>, kubernetesMinor: number) => buildDeployment({ name: 'web', image: IMAGE, ...props }, { where: 'shop/web', defaults: { kubernetesMinor } });
    const podSpec = (props: Partial<WorkloadProps>, minor: number): Record<string, unknown> =>
      ((build(props, minor).workload as KubeObject).spec as { template: { spec: Record<string, unknown> } }).template.spec;
    expect(podSpec({ hostUsers: false }, 33).hostUsers).toBe(false);
    expect(podSpec({ supplementalGroupsPolicy: 'Strict' }, 33).securityContext).toMatchObject({ supplementalGroupsPolicy: 'Strict' });
    // Between the field's introduction and its default-on version the API server drops it silently.
    const dropped = error(() => build({ hostUsers: false }, 32));
    expect(dropped.message).toMatch(/^shop\/web: hostUsers: false needs Kubernetes 1\.33\+.*UserNamespacesSupport.*target is 1\.32/);
    expect(error(() => build({ supplementalGroupsPolicy: 'Strict' }, 31)).message).toMatch(/supplementalGroupsPolicy: "Strict" needs Kubernetes 1\.33\+.*SupplementalGroupsPolicy/);
    // The values a dropped field amounts to are fine wherever the field exists, and unknown before.
    expect(podSpec({ hostUsers: true }, 30).hostUsers).toBe(true);
    expect(podSpec({ supplementalGroupsPolicy: 'Merge' }, 31).securityContext).toMatchObject({ supplementalGroupsPolicy: 'Merge' });
    expect(error(() => build({ hostUsers: true }, 24)).message).toMatch(/hostUsers is a pod field from Kubernetes 1\.25, but the target is 1\.24/);
    expect(error(() => build({ supplementalGroupsPolicy: 'Merge' }, 30)).message).toMatch(/from Kubernetes 1\.31, but the target is 1\.30/);
  });
});
