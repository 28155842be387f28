import { Chart, Testing } from 'cdk8s';
import type { Construct } from 'constructs';
import {
  HardenedCronJob, HardenedDaemonSet, HardenedDeployment, HardenedJob, HardenedNamespace, HardenedStatefulSet, HardpodDefaults,
  type HardenedDeploymentProps,
} from '../../../src/cdk8s';
import { NEWEST_KUBERNETES_MINOR, OLDEST_KUBERNETES_MINOR } from '../../../src/engine/config';
import { evaluate } from '../../../src/engine/evaluate';
import type { ImageResolver, KubeObject } from '../../../src/model';

const IMAGE = `ghcr.io/acme/web@sha256:${'a'.repeat(64)}`;
const SIDECAR = `ghcr.io/acme/proxy:1.0@sha256:${'b'.repeat(64)}`;
const MINORS = Array.from({ length: NEWEST_KUBERNETES_MINOR - OLDEST_KUBERNETES_MINOR + 1 }, (_, i) => OLDEST_KUBERNETES_MINOR + i);

/** Props that change what the pod looks like without opting out of any restricted control. */
const PROP_TABLE: Record<string, Omit<HardenedDeploymentProps, 'image'>> = {
  'defaults': {},
  'port': { port: 8080 },
  'low port through the Service': { ports: [{ port: 80, containerPort: 8080 }, { port: 53, containerPort: 5353, protocol: 'UDP' }] },
  'low port through the sysctl': { port: 80, unprivilegedPortStart: 80 },
  'probes': { port: 8080, probes: { readiness: { httpGet: { path: '/ready' } }, liveness: { grpc: {} }, startup: { tcpSocket: {} } } },
  'writable paths': { writablePaths: ['/tmp', { path: '/cache', sizeLimit: '1Gi', medium: 'Memory' }] },
  'sidecars and init containers': {
    port: 8080,
    sidecars: [{ name: 'proxy', image: SIDECAR, runAsUser: 1337, port: 15001, writablePaths: ['/tmp'] }],
    initContainers: [{ name: 'init', image: SIDECAR, runAsUser: 1337, runAsGroup: 1337 }],
  },
  'explicit user and fsGroup': { runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001 },
  'Localhost seccomp': { seccompProfile: { type: 'Localhost', localhostProfile: 'profiles/acme.json' } },
  'NET_BIND_SERVICE added': { capabilities: { add: ['NET_BIND_SERVICE'] } },
  'no CPU limit, no probes, no preStop': { port: 8080, resources: { limits: { cpu: false } }, probes: false, preStopSleepSeconds: false },
  'user namespaces and strict groups': { hostUsers: false, supplementalGroupsPolicy: 'Strict' },
  'pull secrets, env, command': { imagePullSecrets: ['regcred'], env: { A: 'b' }, command: ['/app'], args: ['--serve'] },
  'existing service account, writable root': { serviceAccountName: 'shared', readOnlyRootFilesystem: false, automountServiceAccountToken: true },
};

const factsResolver: ImageResolver = { resolve: (reference) => ({ reference, facts: { uid: 65532, gid: 65532, tools: ['wget'] } }) };

function emitAll(scope: Construct, id: string, props: Omit<HardenedDeploymentProps, 'image'>): void {
  const withImage = { ...props, image: IMAGE };
  // Long-running kinds need a TCP port for their default probes; Jobs also run without one.
  const serving = props.port === undefined && props.ports === undefined ? { ...withImage, port: 8080 } : withImage;
  new HardenedDeployment(scope, `${id}-deployment`, serving);
  new HardenedStatefulSet(scope, `${id}-statefulset`, { ...serving, volumeClaims: [{ name: 'data', mountPath: '/data', storage: '1Gi' }], fsGroup: 2000 });
  new HardenedDaemonSet(scope, `${id}-daemonset`, serving);
  new HardenedJob(scope, `${id}-job`, withImage);
  new HardenedCronJob(scope, `${id}-cronjob`, { ...withImage, schedule: '*/5 * * * *' });
}

function synthesize(): KubeObject[] {
  const app = Testing.app();
  const chart = new Chart(app, 'restricted');
  new HardenedNamespace(chart, 'ns', { name: 'shop' });
  Object.entries(PROP_TABLE).forEach(([, props], i) => emitAll(chart, `case${i}`, props));
  // Image facts from a lock file: uid/gid come from the image, an exec probe uses a tool it has.
  const locked = new Chart(app, 'locked');
  HardpodDefaults.set(locked, { imageResolver: factsResolver });
  const wget = { exec: { command: ['wget', '-q', 'localhost:8080'] } };
  emitAll(locked, 'facts', { port: 8080, probes: { readiness: wget, liveness: wget } });
  return [...Testing.synth(chart), ...Testing.synth(locked)] as KubeObject[];
}

describe('every construct passes Pod Security Standards restricted', () => {
  const objects = synthesize();
  const workloads = objects.filter((o) => ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'].includes(o.kind));

  it('emits one workload of each kind per props case', () => {
    expect(workloads).toHaveLength((Object.keys(PROP_TABLE).length + 1) * 5);
  });

  it.each(MINORS)('at Kubernetes 1.%i: zero findings', (minor) => {
    const report = evaluate(objects.map((object) => ({ object, source: {} })), { level: 'restricted', kubernetesVersion: `1.${minor}` });
    const findings = report.findings.map((f) => `${f.rule} ${f.outcome}: ${JSON.stringify(f).slice(0, 300)}`);
    expect(findings).toEqual([]);
  });

  it('the same check fails an opted-out workload, so the zero above is earned', () => {
    const chart = new Chart(Testing.app(), 'control');
    new HardenedDeployment(chart, 'root', { image: IMAGE, port: 8080, privileged: true, runAsNonRoot: false, seccompProfile: false });
    const report = evaluate((Testing.synth(chart) as KubeObject[]).map((object) => ({ object, source: {} })), { level: 'restricted', kubernetesVersion: '1.37' });
    const failed = new Set(report.findings.filter((f) => f.outcome === 'fail').map((f) => f.rule));
    for (const rule of ['privileged', 'run-as-non-root']) expect(failed.has(rule)).toBe(true);
    expect([...failed].some((rule) => rule.startsWith('seccomp-profile'))).toBe(true);
  });
});
