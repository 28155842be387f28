import { ApiObject, Chart, JsonPatch, Testing } from 'cdk8s';
import {
  HardenedCronJob, HardenedDaemonSet, HardenedDeployment, HardenedJob, HardenedNamespace, HardenedStatefulSet, Hardpod, HardpodDefaults, Peer,
} from '../../../src/cdk8s';
import { HardpodError } from '../../../src/model/errors';
import type { WorkloadProps } from '../../../src/model/workload-props';
import { writeLockFile } from '../../fixtures/lock-file';

const DIGEST = `sha256:${'a'.repeat(64)}`;
const IMAGE = `ghcr.io/acme/web@${DIGEST}`;

type Manifest = { kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> }; spec?: any; [k: string]: any };

function chart(): Chart {
  return new Chart(Testing.app(), 'test');
}
function synth(c: Chart): Manifest[] {
  return Testing.synth(c) as Manifest[];
}
function ofKind(manifests: Manifest[], kind: string): Manifest[] {
  return manifests.filter((m) => m.kind === kind);
}
function podSpec(m: Manifest): any {
  return m.kind === 'CronJob' ? m.spec.jobTemplate.spec.template.spec : m.spec.template.spec;
}

describe('HardenedDeployment', () => {
  it('props that are not an object (plain JavaScript, JSON) are an error naming the construct path, not a TypeError', () => {
    const c = chart();
    expect(() => new HardenedDeployment(c, 'web', undefined as never)).toThrow(new HardpodError('props must be an object (got undefined)', 'test/web'));
  });

  it('a misspelt prop (props read from JSON or YAML) is an error naming the construct path and the field', () => {
    const c = chart();
    const fromJson = JSON.parse('{"image": "' + IMAGE + '", "port": 8080, "resources": {"limit": {"memory": "1Gi"}}}');
    expect(() => new HardenedDeployment(c, 'web', fromJson)).toThrow(new HardpodError('unknown prop "resources.limit" (did you mean "limits"?); expected one of requests, limits', 'test/web (container main)'));
    expect(() => new HardenedCronJob(c, 'job', { image: IMAGE, schedule: '@daily', replicas: 2 } as never)).toThrow(new HardpodError('unknown prop "replicas"', 'test/job'));
    expect(() => new HardenedDeployment(c, 'gpu', { image: IMAGE, port: 8080, resources: { limits: { 'nvidia.com/gpu': '1' } } } as never))
      .toThrow(new HardpodError('unknown prop "resources.limits.nvidia.com/gpu"; expected one of cpu, memory, ephemeral-storage', 'test/gpu (container main)'));
  });
  it('the minimum synthesizes hardened', () => {
    const c = chart();
    new HardenedDeployment(c, 'web', { image: IMAGE, port: 8080 });
    const out = synth(c);
    expect(out.map((m) => m.kind).sort()).toEqual(['Deployment', 'NetworkPolicy', 'PodDisruptionBudget', 'Service', 'ServiceAccount']);
    const [deployment] = ofKind(out, 'Deployment');
    const pod = podSpec(deployment);
    expect(pod.securityContext).toEqual({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.containers[0].securityContext).toEqual({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, privileged: false, readOnlyRootFilesystem: true });
    expect(pod.containers[0].image).toBe(IMAGE);
    expect(pod.serviceAccountName).toBe(deployment.metadata.name);
    expect(deployment.metadata.name).toMatch(/^test-web-[0-9a-f]{8}$/);
  });

  it('every opt-out reaches the manifest', () => {
    const c = chart();
    new HardenedDeployment(c, 'web', {
      name: 'web',
      image: IMAGE,
      port: 8080,
      replicas: 1,
      readOnlyRootFilesystem: false,
      resources: { limits: { cpu: false } },
      seccompProfile: false,
      automountServiceAccountToken: true,
      enableServiceLinks: true,
      probes: false,
      preStopSleepSeconds: false,
      capabilities: { add: ['NET_ADMIN'] },
      allowPrivilegeEscalation: true,
      privileged: true,
      service: false,
      network: { policy: false },
      serviceAccountName: 'shared',
      hostUsers: false,
      supplementalGroupsPolicy: 'Strict',
    });
    const out = synth(c);
    expect(out.map((m) => m.kind)).toEqual(['Deployment']);
    const pod = podSpec(out[0]);
    expect(pod.securityContext).toEqual({ runAsNonRoot: true, supplementalGroupsPolicy: 'Strict' });
    expect(pod.hostUsers).toBe(false);
    expect(pod.automountServiceAccountToken).toBe(true);
    expect(pod.enableServiceLinks).toBe(true);
    const container = pod.containers[0];
    expect(container.securityContext).toEqual({ allowPrivilegeEscalation: true, capabilities: { add: ['NET_ADMIN'], drop: ['ALL'] }, privileged: true, readOnlyRootFilesystem: false });
    expect(container.resources.limits).toEqual({ memory: '256Mi' });
    expect(container.readinessProbe).toBeUndefined();
    expect(container.lifecycle).toBeUndefined();
  });

  it('probes, writable paths, sidecars, init containers and a low port through the Service', () => {
    const c = chart();
    new HardenedDeployment(c, 'web', {
      name: 'web',
      image: IMAGE,
      ports: [{ port: 80, containerPort: 8080 }],
      probes: { readiness: { httpGet: { path: '/healthz' } }, liveness: { grpc: {} }, startup: { tcpSocket: { port: 8080 }, failureThreshold: 30 } },
      writablePaths: ['/tmp'],
      sidecars: [{ name: 'proxy', image: IMAGE, runAsUser: 1337, port: 15000 }],
      initContainers: [{ name: 'migrate', image: IMAGE }],
    });
    const out = synth(c);
    const pod = podSpec(ofKind(out, 'Deployment')[0]);
    const [main, proxy] = pod.containers;
    expect(main.readinessProbe).toEqual({ httpGet: { path: '/healthz', port: 'port-8080' } });
    expect(main.livenessProbe).toEqual({ grpc: { port: 8080 } });
    expect(main.startupProbe).toEqual({ tcpSocket: { port: 8080 }, failureThreshold: 30 });
    expect(main.volumeMounts).toEqual([{ mountPath: '/tmp', name: 'tmp' }]);
    expect(pod.volumes).toEqual([{ emptyDir: { sizeLimit: '64Mi' }, name: 'tmp' }]);
    expect(proxy.securityContext.runAsUser).toBe(1337);
    expect(pod.initContainers[0].securityContext.readOnlyRootFilesystem).toBe(true);
    expect(ofKind(out, 'Service')[0].spec.ports).toEqual([{ name: 'port-8080', port: 80, protocol: 'TCP', targetPort: 'port-8080' }]);
  });

  it('a low port the container would bind is an error that names the path and both remedies', () => {
    const c = chart();
    expect(() => new HardenedDeployment(c, 'web', { image: IMAGE, port: 80 })).toThrow(HardpodError);
    try {
      new HardenedDeployment(c, 'web2', { image: IMAGE, port: 80 });
      throw new Error('expected a HardpodError');
    } catch (e) {
      expect((e as HardpodError).message).toMatch(/^test\/web2 \(container main\): port 80 is below 1024/);
      expect((e as HardpodError).message).toContain('containerPort');
      expect((e as HardpodError).message).toContain('unprivilegedPortStart');
    }
    new HardenedDeployment(c, 'web3', { image: IMAGE, port: 80, unprivilegedPortStart: 80 });
    const pod = podSpec(ofKind(synth(c), 'Deployment')[0]);
    expect(pod.securityContext.sysctls).toEqual([{ name: 'net.ipv4.ip_unprivileged_port_start', value: '80' }]);
  });

  it('a tag-only image is an error naming the construct path and the lock command', () => {
    const c = chart();
    expect(() => new HardenedDeployment(c, 'web', { image: 'nginx:1.27' })).toThrow(/test\/web \(container main\): image "nginx:1.27" is not pinned by digest.*npx hardpod lock/);
  });

  it('escape hatches still work on the emitted ApiObject', () => {
    const c = chart();
    const web = new HardenedDeployment(c, 'web', { image: IMAGE, port: 8080 });
    web.apiObject.addJsonPatch(JsonPatch.add('/spec/template/spec/priorityClassName', 'high'));
    expect(podSpec(ofKind(synth(c), 'Deployment')[0]).priorityClassName).toBe('high');
    expect(ApiObject.of(web.apiObject)).toBe(web.apiObject);
  });
});

describe('a long-running workload without a TCP port', () => {
  it('is refused at construction, naming the construct path, rather than failing the default level under Hardpod.enforce', () => {
    expect(() => new HardenedDeployment(chart(), 'worker', { image: IMAGE })).toThrow(/^test\/worker \(container main\): this long-running container declares no TCP port/);
  });
  it('with probes: false is still reported by rule probes, and a suppression with a reason lets it through', () => {
    const enforced = (annotations?: Record<string, string>): string => {
      const c = chart();
      new HardenedNamespace(c, 'ns', { name: 'shop' });
      new HardenedDeployment(c, 'worker', { image: IMAGE, namespace: 'shop', probes: false, ...(annotations ? { annotations } : {}) });
      Hardpod.enforce(c, { config: { level: 'hardened' } });
      try {
        synth(c);
        return '';
      } catch (e) {
        return (e as Error).message;
      }
    };
    expect(enforced()).toContain('[probes]');
    expect(enforced({ 'hardpod.dev/suppress.probes': 'a queue worker; its health is the queue depth alert' })).toBe('');
  });
});

describe('workload names', () => {
  it('a second workload of one name in one namespace, of any kind, is refused at construction, naming both paths', () => {
    const c = new Chart(Testing.app(), 'c', { namespace: 'shop' });
    new HardenedDeployment(c, 'api', { name: 'api', image: IMAGE, port: 8080 });
    expect(() => new HardenedCronJob(c, 'nightly', { name: 'api', image: IMAGE, schedule: '@daily' })).toThrow(new HardpodError(
      'a workload named "api" in namespace "shop" is already emitted by c/api; both would emit a ServiceAccount, NetworkPolicy (and Service, PodDisruptionBudget, HorizontalPodAutoscaler) ' +
        'of that name, each overwriting the other on apply, and select each other\'s pods (label app.kubernetes.io/name: api): give one of them another name (the name prop)',
      'c/nightly',
    ));
    // Another namespace, or another app, is another workload.
    new HardenedCronJob(c, 'staging', { name: 'api', namespace: 'staging', image: IMAGE, schedule: '@daily' });
    new HardenedDeployment(new Chart(Testing.app(), 'c', { namespace: 'shop' }), 'api', { name: 'api', image: IMAGE, port: 8080 });
  });

  it('a name not given is the one the chart generates, as for any ApiObject: without a hash where the chart disables them, or by its own generateObjectName', () => {
    const names = (c: Chart): string[] => synth(c).map((m) => `${m.kind} ${m.metadata.name}`);
    const plain = new Chart(Testing.app(), 'shop', { namespace: 'shop', disableResourceNameHashes: true });
    new HardenedDeployment(plain, 'web', { image: IMAGE, port: 8080 });
    new HardenedCronJob(plain, 'nightly', { image: IMAGE, schedule: '@daily' });
    new HardenedNamespace(plain, 'ns');
    new ApiObject(plain, 'settings', { apiVersion: 'v1', kind: 'ConfigMap' });
    expect(names(plain)).toEqual(expect.arrayContaining([
      'Deployment shop-web', 'Service shop-web', 'ServiceAccount shop-web', 'CronJob shop-nightly',
      'Namespace shop-ns', 'ConfigMap shop-settings',
    ]));
    class TeamChart extends Chart {
      generateObjectName(apiObject: ApiObject): string {
        return `team-a-${apiObject.kind.toLowerCase()}-${apiObject.node.id.toLowerCase()}`;
      }
    }
    const custom = new TeamChart(Testing.app(), 'shop', { namespace: 'shop' });
    new HardenedDeployment(custom, 'web', { image: IMAGE, port: 8080 });
    new ApiObject(custom, 'settings', { apiVersion: 'v1', kind: 'ConfigMap' });
    expect(names(custom)).toEqual(expect.arrayContaining(['Deployment team-a-deployment-web', 'Service team-a-deployment-web', 'ConfigMap team-a-configmap-settings']));
    // An override may read whatever cdk8s has set on an ApiObject when it asks for the name: its API group and version too.
    class GroupChart extends Chart {
      generateObjectName(apiObject: ApiObject): string {
        const group = apiObject.apiGroup.split('.')[0];
        return `${group}-${apiObject.apiVersion.split('/').pop()}-${apiObject.kind.toLowerCase()}-${apiObject.chart.node.id}-${apiObject.node.id}`;
      }
    }
    const grouped = new GroupChart(Testing.app(), 'shop', { namespace: 'shop' });
    new HardenedDeployment(grouped, 'web', { image: IMAGE, port: 8080 });
    new HardenedStatefulSet(grouped, 'db', { image: IMAGE, port: 5432 });
    new HardenedDaemonSet(grouped, 'agent', { image: IMAGE, port: 9100 });
    new HardenedJob(grouped, 'migrate', { image: IMAGE });
    new HardenedCronJob(grouped, 'nightly', { image: IMAGE, schedule: '@daily' });
    new HardenedNamespace(grouped, 'ns');
    new ApiObject(grouped, 'settings', { apiVersion: 'v1', kind: 'ConfigMap' });
    expect(names(grouped)).toEqual(expect.arrayContaining([
      'Deployment apps-v1-deployment-shop-web', 'ServiceAccount apps-v1-deployment-shop-web', 'StatefulSet apps-v1-statefulset-shop-db',
      'DaemonSet apps-v1-daemonset-shop-agent', 'Job batch-v1-job-shop-migrate', 'CronJob batch-v1-cronjob-shop-nightly',
      'Namespace core-v1-namespace-shop-ns', 'ConfigMap core-v1-configmap-shop-settings',
    ]));
    // By default the name keeps cdk8s's hash of the construct path.
    const hashed = new Chart(Testing.app(), 'shop');
    const web = new HardenedDeployment(hashed, 'web', { image: IMAGE, port: 8080 });
    expect(web.name).toMatch(/^shop-web-c8[0-9a-f]{6}$/);
  });
});

describe('workload names from an override of generateObjectName', () => {
  it('an override that fails, or gives no name, is an error naming the construct and what the override is given', () => {
    // metadata does not exist yet when cdk8s asks for a name: cdk8s cannot name a plain ApiObject with this either.
    class MetadataChart extends Chart {
      generateObjectName(apiObject: ApiObject): string {
        return `${apiObject.metadata.namespace}-${apiObject.node.id}`;
      }
    }
    const c = new MetadataChart(Testing.app(), 'shop', { namespace: 'shop' });
    expect(() => new ApiObject(c, 'settings', { apiVersion: 'v1', kind: 'ConfigMap' })).toThrow(TypeError);
    const given = 'it is given the object as cdk8s gives it any ApiObject it names: node (here shop/web\'s), kind, apiVersion, apiGroup and chart, '
      + 'before the object has a name or metadata; or set the name prop';
    expect(() => new HardenedDeployment(c, 'web', { image: IMAGE, port: 8080 })).toThrow(new HardpodError(
      `the chart's generateObjectName failed to name this Deployment (Cannot read properties of undefined (reading 'namespace')); ${given}`, 'shop/web',
    ));
    new HardenedDeployment(c, 'named', { name: 'web', image: IMAGE, port: 8080 });

    class PartialChart extends Chart {
      generateObjectName(apiObject: ApiObject): string {
        return (apiObject.kind === 'ConfigMap' ? 'settings' : undefined) as string;
      }
    }
    const partial = new PartialChart(Testing.app(), 'shop');
    expect(() => new HardenedDeployment(partial, 'web', { image: IMAGE, port: 8080 })).toThrow(new HardpodError(
      `the chart's generateObjectName returned nothing for this Deployment; expected its name, a non-empty string; ${given}`, 'shop/web',
    ));
  });
});

describe('other constructs', () => {
  it('HardenedStatefulSet: headless Service, volume claims, fsGroup', () => {
    const c = chart();
    new HardenedStatefulSet(c, 'db', {
      name: 'db', image: IMAGE, port: 5432, runAsUser: 999, runAsGroup: 999, volumeClaims: [{ name: 'data', mountPath: '/data', storage: '5Gi' }],
    });
    const out = synth(c);
    const sts = ofKind(out, 'StatefulSet')[0];
    expect(sts.spec.serviceName).toBe('db');
    expect(sts.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('5Gi');
    expect(podSpec(sts).securityContext).toMatchObject({ fsGroup: 999, fsGroupChangePolicy: 'OnRootMismatch' });
    expect(ofKind(out, 'Service')[0].spec.clusterIP).toBe('None');
    expect(ofKind(out, 'PodDisruptionBudget')).toHaveLength(0);
  });
  it('a CronJob\'s generated name fits the 52 characters the API allows a CronJob', () => {
    const c = chart();
    new HardenedCronJob(c, 'nightly-database-backup-job-for-acme-shop', { image: IMAGE, schedule: '0 3 * * *' });
    new HardenedDeployment(c, 'nightly-database-backup-job-for-acme-shop-web', { image: IMAGE, port: 8080 });
    const out = synth(c);
    const cron = ofKind(out, 'CronJob')[0];
    expect(cron.metadata.name.length).toBeLessThanOrEqual(52);
    expect(cron.metadata.name).toMatch(/nightly-database-backup-job-for-acme-shop-[0-9a-f]{8}$/);
    expect(ofKind(out, 'Deployment')[0].metadata.name.length).toBeGreaterThan(52);
  });
  it('podDisruptionBudget: both limits, or an explicit budget that would not be emitted, are errors naming the path', () => {
    const c = chart();
    expect(() => new HardenedDeployment(c, 'both', { image: IMAGE, port: 8080, podDisruptionBudget: { minAvailable: 1, maxUnavailable: 1 } })).toThrow(
      /^test\/both: podDisruptionBudget sets both minAvailable \(1\) and maxUnavailable \(1\); the API accepts only one/);
    expect(() => new HardenedDeployment(c, 'one', { image: IMAGE, port: 8080, replicas: 1, podDisruptionBudget: { minAvailable: 1 } })).toThrow(
      /^test\/one: podDisruptionBudget is set but replicas is 1, and a PodDisruptionBudget is emitted only for replicas > 1/);
    expect(() => new HardenedStatefulSet(c, 'db', { image: IMAGE, port: 8080, runAsGroup: 70, podDisruptionBudget: { maxUnavailable: 1 } })).toThrow(HardpodError);
    new HardenedDeployment(c, 'off', { image: IMAGE, port: 8080, replicas: 1, podDisruptionBudget: false });
    new HardenedDeployment(c, 'min', { name: 'min', image: IMAGE, port: 8080, replicas: 3, podDisruptionBudget: { minAvailable: 2 } });
    expect(ofKind(synth(c), 'PodDisruptionBudget').map((p) => p.spec.minAvailable)).toEqual([2]);
  });
  it('autoscaling: the HorizontalPodAutoscaler is an ApiObject child, the workload has no replicas, and refusals name the path', () => {
    const c = chart();
    const web = new HardenedDeployment(c, 'web', { name: 'web', image: IMAGE, port: 8080, autoscaling: { minReplicas: 3, maxReplicas: 9 } });
    new HardenedStatefulSet(c, 'db', { name: 'db', image: IMAGE, port: 5432, autoscaling: { maxReplicas: 3, memoryUtilization: 75 } });
    expect(web.horizontalPodAutoscaler).toBeInstanceOf(ApiObject);
    expect(web.node.tryFindChild('HorizontalPodAutoscaler')).toBe(web.horizontalPodAutoscaler);
    const out = synth(c);
    expect(ofKind(out, 'HorizontalPodAutoscaler').map((h) => [h.apiVersion, h.spec.scaleTargetRef, h.spec.minReplicas, h.spec.maxReplicas])).toEqual([
      ['autoscaling/v2', { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, 3, 9],
      ['autoscaling/v2', { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db' }, 1, 3],
    ]);
    expect(ofKind(out, 'Deployment')[0].spec.replicas).toBeUndefined();
    expect(ofKind(out, 'StatefulSet')[0].spec.replicas).toBeUndefined();
    // The budget follows minReplicas: one for the Deployment (3), none for the StatefulSet (1).
    expect(ofKind(out, 'PodDisruptionBudget').map((p) => p.metadata.name)).toEqual(['web']);
    expect(new HardenedDeployment(c, 'fixed', { image: IMAGE, port: 8080 }).horizontalPodAutoscaler).toBeUndefined();
    expect(() => new HardenedDeployment(c, 'both', { image: IMAGE, port: 8080, replicas: 2, autoscaling: { maxReplicas: 4 } })).toThrow(
      /^test\/both: replicas \(2\) and autoscaling are both set/);
  });
  it('service settings reach the Service and refusals name the path', () => {
    const c = chart();
    new HardenedDeployment(c, 'lb', {
      name: 'lb',
      image: IMAGE,
      port: 8080,
      service: { type: 'LoadBalancer', annotations: { 'example.com/lb': 'internal' }, loadBalancerSourceRanges: ['10.0.0.0/8'], externalTrafficPolicy: 'Local' },
    });
    const [service] = ofKind(synth(c), 'Service');
    expect((service.metadata as { annotations?: object }).annotations).toEqual({ 'example.com/lb': 'internal' });
    expect(service.spec).toMatchObject({ type: 'LoadBalancer', loadBalancerSourceRanges: ['10.0.0.0/8'], externalTrafficPolicy: 'Local' });
    expect(() => new HardenedDeployment(c, 'np', { image: IMAGE, port: 8080, service: { type: 'NodePort', loadBalancerSourceRanges: ['10.0.0.0/8'] } })).toThrow(
      /^test\/np: service\.loadBalancerSourceRanges restricts the clients of a cloud load balancer, but the Service is of type NodePort/);
  });
  it('HardenedDaemonSet', () => {
    const c = chart();
    new HardenedDaemonSet(c, 'agent', { image: IMAGE, port: 9100 });
    const out = synth(c);
    expect(out.map((m) => m.kind).sort()).toEqual(['DaemonSet', 'NetworkPolicy', 'Service', 'ServiceAccount']);
    expect(podSpec(ofKind(out, 'DaemonSet')[0]).containers[0].securityContext.capabilities).toEqual({ drop: ['ALL'] });
  });
  it('scheduling props reach every construct\'s pod spec; a spread constraint without labelSelector selects the construct\'s own pods, by its generated name', () => {
    const c = chart();
    const scheduling: Pick<WorkloadProps, 'tolerations' | 'affinity' | 'topologySpreadConstraints' | 'priorityClassName'> = {
      tolerations: [{ key: 'dedicated', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 }],
      affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/os', operator: 'In', values: ['linux'] }] }] } } },
      topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule' }],
      priorityClassName: 'batch-low',
    };
    new HardenedDeployment(c, 'web', { image: IMAGE, port: 8080, ...scheduling });
    new HardenedStatefulSet(c, 'db', { image: IMAGE, port: 5432, ...scheduling });
    new HardenedDaemonSet(c, 'agent', { image: IMAGE, port: 9100, ...scheduling });
    new HardenedJob(c, 'migrate', { image: IMAGE, ...scheduling });
    new HardenedCronJob(c, 'report', { image: IMAGE, schedule: '@daily', ...scheduling });
    const workloads = synth(c).filter((m) => ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'].includes(m.kind));
    expect(workloads).toHaveLength(5);
    for (const w of workloads) {
      const pod = podSpec(w);
      expect(pod.tolerations).toEqual(scheduling.tolerations);
      expect(pod.affinity).toEqual(scheduling.affinity);
      expect(pod.priorityClassName).toBe('batch-low');
      expect(pod.topologySpreadConstraints).toEqual([{ ...scheduling.topologySpreadConstraints![0], labelSelector: { matchLabels: { 'app.kubernetes.io/name': w.metadata.name } } }]);
    }
    const fromYaml = JSON.parse('{"image": "' + IMAGE + '", "port": 8080, "tolerations": [{"key": "gpu", "operator": "Exists", "efect": "NoSchedule"}]}');
    expect(() => new HardenedDeployment(c, 'gpu', fromYaml)).toThrow(new HardpodError('unknown prop "tolerations[0].efect" (did you mean "effect"?); expected one of key, operator, value, effect, tolerationSeconds', 'test/gpu'));
  });
  it('HardenedJob and HardenedCronJob', () => {
    const c = chart();
    new HardenedJob(c, 'migrate', { image: IMAGE, backoffLimit: 1 });
    new HardenedCronJob(c, 'report', { image: IMAGE, schedule: '0 3 * * *', timeZone: 'Europe/Berlin', concurrencyPolicy: 'Replace' });
    const out = synth(c);
    const job = ofKind(out, 'Job')[0];
    expect(job.spec.backoffLimit).toBe(1);
    expect(podSpec(job).restartPolicy).toBe('Never');
    const cron = ofKind(out, 'CronJob')[0];
    expect(cron.spec).toMatchObject({ schedule: '0 3 * * *', timeZone: 'Europe/Berlin', concurrencyPolicy: 'Replace' });
    expect(podSpec(cron).securityContext.runAsNonRoot).toBe(true);
    expect(ofKind(out, 'Service')).toHaveLength(0);
  });
  it('HardenedNamespace: restricted labels, pinned version, default deny, opt-outs', () => {
    const c = new Chart(Testing.app(), 'test', { namespace: 'elsewhere' });
    new HardenedNamespace(c, 'ns', { name: 'shop', podSecurityVersion: 'v1.31' });
    new HardenedNamespace(c, 'open', { name: 'open', defaultDeny: false, podSecurity: { warn: 'baseline' } });
    const out = synth(c);
    const [shop, open] = ofKind(out, 'Namespace');
    expect(shop.metadata.namespace).toBeUndefined();
    expect(shop.metadata.labels).toMatchObject({ 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/enforce-version': 'v1.31' });
    expect(open.metadata.labels?.['pod-security.kubernetes.io/warn']).toBe('baseline');
    expect(ofKind(out, 'NetworkPolicy').map((p) => p.metadata.namespace)).toEqual(['shop']);
  });
});

describe('escape hatches', () => {
  it('ApiObject.of(construct) returns the emitted workload or Namespace, and a weakening patch still fails enforce at synthesis', () => {
    const app = Testing.app();
    const c = new Chart(app, 'c', { namespace: 'shop' });
    const workloads = [
      new HardenedDeployment(c, 'web', { name: 'web', image: IMAGE, port: 8080 }),
      new HardenedStatefulSet(c, 'db', { name: 'db', image: IMAGE, port: 5432, runAsGroup: 70 }),
      new HardenedDaemonSet(c, 'agent', { name: 'agent', image: IMAGE, port: 9100 }),
      new HardenedJob(c, 'migrate', { name: 'migrate', image: IMAGE }),
      new HardenedCronJob(c, 'report', { name: 'report', image: IMAGE, schedule: '@daily' }),
    ];
    for (const workload of workloads) expect(ApiObject.of(workload)).toBe(workload.apiObject);
    const namespace = new HardenedNamespace(c, 'ns', { name: 'shop' });
    expect(ApiObject.of(namespace)).toBe(namespace.apiObject);
    ApiObject.of(workloads[0]).addJsonPatch(JsonPatch.replace('/spec/template/spec/containers/0/securityContext/privileged', true));
    Hardpod.enforce(app, { level: 'hardened', onWarning: () => {} });
    expect(() => app.synthYaml()).toThrow(/\[privileged\] c\/web\/Deployment \(Deployment shop\/web\) spec\.template\.spec\.containers\[0\]\.securityContext\.privileged/);
  });
});

describe('network allow rules', () => {
  it('allowTo opens both policies and maps Service ports to container ports', () => {
    const c = chart();
    const ns = new HardenedNamespace(c, 'ns', { name: 'shop' });
    const web = new HardenedDeployment(c, 'web', { name: 'web', namespace: ns.name, image: IMAGE, port: 8080 });
    const api = new HardenedDeployment(c, 'api', { name: 'api', namespace: ns.name, image: IMAGE, ports: [{ port: 80, containerPort: 9000 }] });
    web.allowTo(api, { port: 80 });
    api.allowFrom(Peer.namespace('monitoring'), { port: 9000 });
    web.allowFrom(Peer.anyNamespace());
    web.allowTo(Peer.ipBlock('10.0.0.0/8'), { port: 5432 });
    const policies = Object.fromEntries(ofKind(synth(c), 'NetworkPolicy').map((p) => [p.metadata.name, p.spec]));
    const inShop = { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } } };
    expect(policies.web.egress[1]).toEqual({ ports: [{ port: 9000, protocol: 'TCP' }], to: [{ ...inShop, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'api' } } }] });
    expect(policies.web.egress[2]).toEqual({ ports: [{ port: 5432, protocol: 'TCP' }], to: [{ ipBlock: { cidr: '10.0.0.0/8' } }] });
    expect(policies.web.ingress).toEqual([{ from: [{ namespaceSelector: {} }], ports: [{ port: 8080, protocol: 'TCP' }] }]);
    expect(policies.api.ingress).toEqual([
      { from: [{ ...inShop, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'web' } } }], ports: [{ port: 9000, protocol: 'TCP' }] },
      { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }], ports: [{ port: 9000, protocol: 'TCP' }] },
    ]);
  });
  it('across namespaces the peer carries a namespace selector', () => {
    const c = chart();
    const web = new HardenedDeployment(c, 'web', { name: 'web', namespace: 'front', image: IMAGE, port: 8080 });
    const api = new HardenedDeployment(c, 'api', { name: 'api', namespace: 'back', image: IMAGE, port: 9000 });
    api.allowFrom(web);
    const policies = Object.fromEntries(ofKind(synth(c), 'NetworkPolicy').map((p) => [p.metadata.name, p.spec]));
    expect(policies.api.ingress[0].from).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'front' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'web' } } }]);
    expect(policies.web.egress[1].to[0].namespaceSelector).toEqual({ matchLabels: { 'kubernetes.io/metadata.name': 'back' } });
  });
  it('a port the target does not serve, or a workload without policy, is an error naming the path', () => {
    const c = chart();
    const web = new HardenedDeployment(c, 'web', { image: IMAGE, port: 8080 });
    const api = new HardenedDeployment(c, 'api', { image: IMAGE, port: 9000 });
    expect(() => web.allowTo(api, { port: 1234 })).toThrow(/test\/api does not serve TCP port 1234/);
    const open = new HardenedDeployment(c, 'open', { image: IMAGE, port: 8080, network: { policy: false } });
    expect(() => open.allowFrom(web)).toThrow(/test\/open: cannot add a network allow rule/);
    const namespaced = new HardenedDeployment(c, 'namespaced', { image: IMAGE, port: 8080, namespace: 'shop' });
    expect(() => namespaced.allowTo(api)).toThrow(/test\/namespaced is in namespace "shop" but test\/api has none/);
  });
  it('a peer naming the policy\'s own namespace still selects it by name, so the rule means the same wherever it lives', () => {
    const c = new Chart(Testing.app(), 'test', { namespace: 'shop' });
    const web = new HardenedDeployment(c, 'web', { name: 'web', image: IMAGE, port: 8080 });
    web.allowFrom(Peer.pods({ role: 'scraper' }, 'shop'));
    web.allowFrom(Peer.pods({ role: 'local' }));
    const policy = ofKind(synth(c), 'NetworkPolicy')[0];
    expect(policy.spec.ingress.map((r: any) => r.from[0])).toEqual([
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } }, podSelector: { matchLabels: { role: 'scraper' } } },
      { podSelector: { matchLabels: { role: 'local' } } },
    ]);
  });
  it('allowFrom(self) and allowTo(self) open ingress and egress, so replicas can reach each other', () => {
    const c = new Chart(Testing.app(), 'test', { namespace: 'shop' });
    const db = new HardenedStatefulSet(c, 'db', { name: 'db', image: IMAGE, port: 5432, runAsGroup: 70 });
    const cache = new HardenedDeployment(c, 'cache', { name: 'cache', image: IMAGE, port: 6379 });
    db.allowFrom(db);
    cache.allowTo(cache);
    const policies = Object.fromEntries(ofKind(synth(c), 'NetworkPolicy').map((p) => [p.metadata.name, p.spec]));
    const self = (name: string) => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': name } } });
    expect(policies.db.ingress).toEqual([{ from: [self('db')], ports: [{ port: 5432, protocol: 'TCP' }] }]);
    expect(policies.db.egress.slice(1)).toEqual([{ to: [self('db')], ports: [{ port: 5432, protocol: 'TCP' }] }]);
    expect(policies.cache.ingress).toEqual([{ from: [self('cache')], ports: [{ port: 6379, protocol: 'TCP' }] }]);
    expect(policies.cache.egress.slice(1)).toEqual([{ to: [self('cache')], ports: [{ port: 6379, protocol: 'TCP' }] }]);
  });
  it('a sidecar\'s port can be opened (not served by the Service), and a wrong port\'s message names the protocols', () => {
    const c = chart();
    const web = new HardenedDeployment(c, 'web', { name: 'web', image: IMAGE, port: 8080, sidecars: [{ name: 'metrics', image: IMAGE, port: 9090 }] });
    web.allowFrom(Peer.namespace('monitoring'), { port: 9090 });
    const out = synth(c);
    expect(ofKind(out, 'NetworkPolicy')[0].spec.ingress[0].ports).toEqual([{ port: 9090, protocol: 'TCP' }]);
    expect(ofKind(out, 'Service')[0].spec.ports.map((p: any) => p.port)).toEqual([8080]);
    const dns = new HardenedDeployment(c, 'dns', { image: IMAGE, ports: [{ port: 53, containerPort: 5353, protocol: 'UDP' }], probes: false });
    expect(() => dns.allowFrom(Peer.namespace('x'), { port: 5353 })).toThrow(
      'test/dns: test/dns does not serve TCP port 5353 (it serves UDP 53 (container port 5353)): name one of those ports, with its protocol');
    expect(() => dns.allowFrom(Peer.namespace('x'), { port: 53, protocol: 'UDP' })).not.toThrow();
  });
  it('malformed peers, CIDRs, DNS addresses and ports are errors naming the construct path', () => {
    const c = chart();
    const web = new HardenedDeployment(c, 'web', { image: IMAGE, port: 8080 });
    const fails = (fn: () => unknown, message: RegExp) => {
      expect(fn).toThrow(HardpodError);
      expect(fn).toThrow(message);
    };
    fails(() => web.allowTo(Peer.ipBlock('10.0.0.0/33')), /^test\/web: ipBlock.cidr "10.0.0.0\/33" is not a CIDR: write an IPv4 or IPv6 address and a prefix length/);
    fails(() => web.allowTo(Peer.ipBlock('not-a-cidr')), /^test\/web: ipBlock.cidr "not-a-cidr" is not a CIDR/);
    fails(() => web.allowTo(Peer.ipBlock('10.0.0.0')), /ipBlock.cidr "10.0.0.0" is not a CIDR/);
    fails(() => web.allowTo(Peer.ipBlock('10.0.0.0/8', ['10.1.0.0/16', '10.2.0.0/x'])), /^test\/web: ipBlock.except\[1\] "10.2.0.0\/x" is not a CIDR/);
    fails(() => web.allowTo(Peer.namespace('')), /^test\/web: network peer namespace "" is not a namespace name/);
    fails(() => web.allowTo(Peer.pods({ '': 'x' })), /^test\/web: network peer podLabels .* has an empty key/);
    fails(() => web.allowTo(Peer.namespace('db'), { port: 0 }), /^test\/web: ports\[0\].port 0 is not a port: use a number from 1 to 65535/);
    fails(() => web.allowTo(Peer.namespace('db'), { port: 70000 }), /ports\[0\].port 70000 is not a port/);
    fails(() => web.allowFrom(Peer.namespace('db'), { port: 70000 }), /test\/web does not serve TCP port 70000/);
    const withNetwork = (network: object) => () => synth(((c2) => (new HardenedDeployment(c2, 'web', { image: IMAGE, port: 8080, network }), c2))(chart()));
    fails(withNetwork({ ingress: [{ peer: { namespace: 'x' }, ports: [{ port: 8000, endPort: 7000 }] }] }), /^test\/web: ports\[0\].endPort 7000 does not end a range from port 8000/);
    fails(withNetwork({ dns: { nodeLocalAddress: '169.254.20' } }), /^test\/web: dns.nodeLocalAddress "169.254.20" is not an IP address/);
    expect(withNetwork({ ingress: [{ peer: { namespace: 'x' }, ports: [{ port: 8000, endPort: 8100 }] }] })).not.toThrow();
    const v6 = chart();
    new HardenedDeployment(v6, 'web', { name: 'web', image: IMAGE, port: 8080, network: { dns: { nodeLocalAddress: 'fd00::a' }, egress: [{ peer: { ipBlock: { cidr: 'fd00::/8' } } }] } });
    expect(ofKind(synth(v6), 'NetworkPolicy')[0].spec.egress.map((r: any) => r.to[0].ipBlock.cidr)).toEqual(['fd00::a/128', 'fd00::/8']);
  });
  it('DNS egress is configurable per workload and by defaults', () => {
    const c = chart();
    HardpodDefaults.set(c, { dns: 'openshift' });
    new HardenedDeployment(c, 'a', { name: 'a', image: IMAGE, port: 8080 });
    new HardenedDeployment(c, 'b', { name: 'b', image: IMAGE, port: 8080, network: { dns: { nodeLocalAddress: '169.254.20.10' } } });
    new HardenedDeployment(c, 'c', { name: 'c', image: IMAGE, port: 8080, network: { dns: 'off' } });
    const policies = Object.fromEntries(ofKind(synth(c), 'NetworkPolicy').map((p) => [p.metadata.name, p.spec]));
    expect(policies.a.egress[0].ports[0].port).toBe(5353);
    expect(policies.b.egress[0].to).toEqual([{ ipBlock: { cidr: '169.254.20.10/32' } }]);
    expect(policies.c.egress).toBeUndefined();
  });
});

describe('golden-path defaults on App and Chart', () => {
  it('App defaults reach every construct, Chart defaults override them, props win', () => {
    const app = Testing.app();
    HardpodDefaults.set(app, { labels: { team: 'platform' }, resources: { requests: { cpu: '10m' }, limits: { cpu: false } }, imagePullSecrets: ['regcred'] });
    const c1 = new Chart(app, 'one');
    HardpodDefaults.set(c1, { labels: { tier: 'front' }, resources: { limits: { memory: '1Gi' } }, seccompProfile: { type: 'Localhost', localhostProfile: 'acme.json' } });
    new HardenedDeployment(c1, 'web', { image: IMAGE, port: 8080, resources: { requests: { cpu: '20m' } } });
    const c2 = new Chart(app, 'two');
    new HardenedCronJob(c2, 'job', { image: IMAGE, schedule: '@daily' });
    const web = ofKind(synth(c1), 'Deployment')[0];
    const pod = podSpec(web);
    expect(web.metadata.labels).toMatchObject({ team: 'platform', tier: 'front' });
    expect(pod.containers[0].resources).toEqual({ limits: { memory: '1Gi' }, requests: { cpu: '20m', memory: '128Mi' } });
    expect(pod.securityContext.seccompProfile).toEqual({ localhostProfile: 'acme.json', type: 'Localhost' });
    expect(pod.imagePullSecrets).toEqual([{ name: 'regcred' }]);
    const job = ofKind(synth(c2), 'CronJob')[0];
    expect(podSpec(job).containers[0].resources).toEqual({ limits: { memory: '256Mi' }, requests: { cpu: '10m', memory: '128Mi' } });
    expect(podSpec(job).securityContext.seccompProfile).toEqual({ type: 'RuntimeDefault' });
  });
  it('allowed registries are enforced for everything under the scope', () => {
    const app = Testing.app();
    HardpodDefaults.set(app, { allowedRegistries: ['registry.acme.io'] });
    const c = new Chart(app, 'c');
    expect(() => new HardenedJob(c, 'job', { image: IMAGE })).toThrow(/c\/job \(container main\): .*under none of the allowed registries/);
  });
  it('a second set on one scope merges over the first: a team adding labels keeps the platform\'s registries', () => {
    const app = Testing.app();
    const c = new Chart(app, 'c');
    HardpodDefaults.set(c, { allowedRegistries: ['registry.acme.io'], labels: { platform: 'acme' } });
    HardpodDefaults.set(c, { labels: { team: 'shop' } });
    expect(HardpodDefaults.of(c).labels).toEqual({ platform: 'acme', team: 'shop' });
    expect(() => new HardenedJob(c, 'job', { image: IMAGE })).toThrow(/c\/job \(container main\): .*under none of the allowed registries/);
  });
  it('an unknown key (defaults read from JSON or YAML) or an empty registry list is refused, naming the scope', () => {
    const app = Testing.app();
    const c = new Chart(app, 'c');
    expect(() => HardpodDefaults.set(c, { allowedRegistry: ['ghcr.io/acme'] } as never)).toThrow(
      /^HardpodDefaults\.set\(c\): unknown option "allowedRegistry" \(did you mean "allowedRegistries"\?\); expected one of allowedRegistries, /,
    );
    expect(() => HardpodDefaults.set(app, { allowedRegistries: [] })).toThrow(
      'HardpodDefaults.set(<app>) allowedRegistries: allowedRegistries must be a non-empty list of registry hosts or host/path prefixes',
    );
    expect(() => HardpodDefaults.set(app, null as never)).toThrow('HardpodDefaults.set(<app>): options must be a mapping of allowedRegistries, ');
  });
  it('defaults set on a scope after a hardened construct under it was created are refused, naming it, instead of being ignored', () => {
    const app = Testing.app();
    const c = new Chart(app, 'c');
    new HardenedDeployment(c, 'web', { image: IMAGE, port: 8080 });
    expect(() => HardpodDefaults.set(app, { allowedRegistries: ['registry.acme.io'] })).toThrow(new HardpodError(
      'c/web was created before these defaults and would not get them: set the defaults before adding hardened constructs under <app>', 'HardpodDefaults.set(<app>)'));
    expect(() => HardpodDefaults.set(c, { seccompProfile: false })).toThrow(/^HardpodDefaults\.set\(c\): c\/web was created before/);
    new HardenedNamespace(new Chart(app, 'ns'), 'ns');
    expect(() => HardpodDefaults.set(app.node.findChild('ns'), { labels: { team: 'a' } })).toThrow(/ns\/ns was created before/);
    // A scope that holds no hardened construct yet still takes them.
    const later = new Chart(app, 'later');
    HardpodDefaults.set(later, { allowedRegistries: ['registry.acme.io'] });
    expect(() => new HardenedJob(later, 'job', { image: IMAGE })).toThrow(/under none of the allowed registries/);
  });
  it('a lock file resolves tags and supplies the image user', () => {
    const lockFile = writeLockFile({ 'ghcr.io/acme/web:1.0': { digest: DIGEST, facts: { uid: 10001, gid: 10001 } } });
    const app = Testing.app();
    HardpodDefaults.set(app, { lockFile });
    const c = new Chart(app, 'c');
    new HardenedDeployment(c, 'web', { image: 'ghcr.io/acme/web:1.0', port: 8080 });
    const container = podSpec(ofKind(synth(c), 'Deployment')[0]).containers[0];
    expect(container.image).toBe(`ghcr.io/acme/web:1.0@${DIGEST}`);
    expect(container.securityContext).toMatchObject({ runAsUser: 10001, runAsGroup: 10001 });
    expect(() => new HardenedDeployment(c, 'other', { image: 'ghcr.io/acme/other:2.0', port: 8080 })).toThrow(/c\/other \(container main\).*no entry for ghcr.io\/acme\/other:2.0/);
  });
});
