/**
 * Probes and lifecycle hooks of init containers, on the real API server: it refuses each on an init
 * container without `restartPolicy: Always`, and admits them on a sidecar (one with it). The
 * well-formed-pod-spec findings must name exactly the fields the server refuses. The server is the
 * newest version; at 1.28 and older the same sidecar is refused, as that server drops its
 * restartPolicy (see the rule, and the unit tests for the older versions).
 */
import { evaluate } from '../../src/engine/evaluate';
import type { KubeObject } from '../../src/model/kube-object';
import type { Verdict } from '../harness/cluster';
import { describeCluster } from '../harness/cluster-suite';

const IMAGE = `registry.example/app@sha256:${'a'.repeat(64)}`;
const FIELDS: Readonly<Record<string, unknown>> = {
  livenessProbe: { tcpSocket: { port: 15000 } },
  readinessProbe: { httpGet: { path: '/ready', port: 15000 } },
  startupProbe: { exec: { command: ['/proxy', 'ready'] } },
  lifecycle: { preStop: { sleep: { seconds: 5 } } },
};

function deploymentWith(init: Record<string, unknown>): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web' },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { initContainers: [{ name: 'proxy', image: IMAGE, ...init }], containers: [{ name: 'app', image: IMAGE }] } },
    },
  };
}

/** The fields the server refuses on an init container. */
function refusedFields(verdict: Verdict): string[] {
  return [...(verdict.message ?? '').matchAll(/([a-zA-Z][\w.[\]]*): Forbidden: may not be set for init containers without restartPolicy=Always/g)].map((m) => m[1]).sort();
}

function wellFormedPaths(object: KubeObject, minor: number): string[] {
  const report = evaluate([{ object, source: { file: '<generated>' } }], { level: 'baseline', kubernetesVersion: `1.${minor}` });
  return report.findings.filter((f) => f.rule === 'well-formed-pod-spec').map((f) => f.path).sort();
}

describeCluster('probes and lifecycle hooks of init containers: the server and the engine agree', (cluster) => {
  test('refused on an init container without restartPolicy: Always, admitted on a sidecar', async () => {
    const c = cluster();
    const namespace = await c.createNamespace(c.uniqueNamespaceName('init-probes'));
    const judged: string[] = [];
    const expected: string[] = [];
    for (const restartPolicy of [undefined, 'Always']) {
      for (const [field, value] of [...Object.entries(FIELDS), ['all', undefined] as const]) {
        const init: Record<string, unknown> = field === 'all' ? { ...FIELDS } : { [field]: value };
        if (restartPolicy) init.restartPolicy = restartPolicy;
        const object = deploymentWith(init);
        const verdict = await c.dryRunCreate(object, namespace);
        const what = `${field} with restartPolicy ${restartPolicy ?? 'unset'}`;
        judged.push(`${what}: server ${verdict.status} refuses ${JSON.stringify(refusedFields(verdict))}; hardpod ${JSON.stringify(wellFormedPaths(object, c.minor))}`);
        const fields = restartPolicy ? [] : (field === 'all' ? Object.keys(FIELDS) : [field]).map((f) => `spec.template.spec.initContainers[0].${f}`).sort();
        expected.push(`${what}: server ${restartPolicy ? 201 : 422} refuses ${JSON.stringify(fields)}; hardpod ${JSON.stringify(fields)}`);
      }
    }
    expect(judged).toEqual(expected);
  });

  test('at 1.28 a sidecar with probes is judged as that server judges it: an ordinary init container whose probes it refuses', () => {
    const sidecar = deploymentWith({ restartPolicy: 'Always', ...FIELDS });
    expect(wellFormedPaths(sidecar, cluster().minor)).toEqual([]);
    expect(wellFormedPaths(sidecar, 29)).toEqual([]);
    expect(wellFormedPaths(sidecar, 28)).toEqual(Object.keys(FIELDS).map((f) => `spec.template.spec.initContainers[0].${f}`).sort());
  });
});
