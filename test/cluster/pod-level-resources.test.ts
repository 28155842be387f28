/**
 * Pod-level resources (`spec.resources`, on by default from Kubernetes 1.34) on the real API server:
 * the pod's requests and limits bound its containers together, the server keeps them and refuses a
 * container's that exceed them. The resources rule counts them from 1.34.
 */
import { evaluate } from '../../src/engine';
import { harden } from '../../src/hardening';
import type { KubeObject } from '../../src/model';
import { describeCluster } from '../harness/cluster-suite';

const IMAGE = `registry.example.com/app@sha256:${'a'.repeat(64)}`;
const POD_RESOURCES = { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } };

function pod(name: string, spec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: {
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      containers: ['app', 'sidecar'].map((container) => ({
        name: container,
        image: IMAGE,
        securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
      })),
      ...spec,
    },
  };
}

/** The resources rule's findings on a Pod judged at a Kubernetes version. */
function resourcesFindings(object: KubeObject, kubernetesVersion: string): string[] {
  const report = evaluate([{ object, source: { file: 'pod.yaml' } }], { level: 'hardened', kubernetesVersion });
  return report.findings.filter((f) => f.rule === 'resources').map((f) => `${f.outcome} ${f.path}: ${f.message}`);
}

describeCluster('pod-level resources', (cluster) => {
  test('the resources rule counts spec.resources for every container, as the server bounds them by it', async () => {
    const c = cluster();
    const namespace = await c.createPodSecurityNamespace('pod-level-resources', 'restricted');
    const shared = pod('shared', { resources: POD_RESOURCES });
    const created = await c.dryRunCreate(shared, namespace);
    expect({ status: created.status, warnings: created.warnings }).toEqual({ status: 201, warnings: [] });
    const stored = created.body as { spec: { resources?: unknown; containers: { resources?: unknown }[] } };
    const kept = { pod: stored.spec.resources, containers: stored.spec.containers.map((x) => x.resources ?? {}) };
    expect(kept).toEqual({ pod: POD_RESOURCES, containers: [{}, {}] });
    expect(resourcesFindings(shared, `1.${c.minor}`)).toEqual([]);
    // Before 1.34 the field is off by default and dropped: the containers are unbounded.
    expect(resourcesFindings(shared, '1.33')).toHaveLength(2);

    // A pod-level value the server refuses bounds nothing: the containers still need their own.
    const refusedPod = pod('refused', { resources: { limits: { cpu: 'lots', memory: '128Mi' } } });
    expect((await c.dryRunCreate(refusedPod, namespace)).status).toBe(400);
    expect(resourcesFindings(refusedPod, `1.${c.minor}`)).toEqual([0, 1].map(() => expect.stringContaining('must set resources.requests.cpu, resources.limits.cpu')));
  });

  test('harden() leaves the containers of a pod with pod-level resources within them', async () => {
    const c = cluster();
    const namespace = await c.createPodSecurityNamespace('pod-level-harden', 'restricted');
    // Only memory at pod level: cpu still gets the container defaults.
    const written = pod('hardened', { resources: { requests: { memory: '64Mi' }, limits: { memory: '128Mi' } } });
    const hardened = harden(written).object;
    const verdict = await c.dryRunCreate(hardened, namespace);
    expect({ status: verdict.status, message: verdict.message }).toEqual({ status: 201, message: undefined });
    const containers = (hardened.spec as { containers: { resources?: { requests?: object; limits?: object } }[] }).containers;
    expect(containers.map((x) => x.resources)).toEqual([0, 1].map(() => ({ requests: { cpu: '100m' }, limits: { cpu: '500m' } })));
    expect(resourcesFindings(hardened, `1.${c.minor}`)).toEqual([]);
  });
});
