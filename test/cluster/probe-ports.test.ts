/**
 * Probes on a named port, on the real API server: the server only checks the name's form, so it admits
 * a probe on a name that no port of the container declares, which the kubelet then fails every time.
 * The probes rule flags it; well-formed-pod-spec, which says what the server refuses, does not.
 */
import { evaluate } from '../../src/engine';
import type { KubeObject } from '../../src/model';
import { describeCluster } from '../harness/cluster-suite';

const IMAGE = `registry.example.com/app@sha256:${'a'.repeat(64)}`;

function pod(port: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'probed' },
    spec: {
      containers: [{
        name: 'app',
        image: IMAGE,
        ports: [{ name: 'http', containerPort: 8080 }],
        readinessProbe: { httpGet: { path: '/ready', port } },
        livenessProbe: { tcpSocket: { port } },
      }],
    },
  };
}

/** The findings of the probes and well-formed-pod-spec rules on a Pod. */
function findings(object: KubeObject, kubernetesVersion: string): string[] {
  const report = evaluate([{ object, source: { file: 'pod.yaml' } }], { level: 'hardened', kubernetesVersion });
  return report.findings.filter((f) => (f.rule === 'probes' || f.rule === 'well-formed-pod-spec')).map((f) => `${f.rule} ${f.path}`);
}

describeCluster('probe ports', (cluster) => {
  test('a probe on an undeclared port name is admitted by the server and fails the probes rule', async () => {
    const c = cluster();
    const namespace = await c.createNamespace(c.uniqueNamespaceName('probe-ports'));
    const undeclared = pod('htpp');
    const verdict = await c.dryRunCreate(undeclared, namespace);
    expect({ status: verdict.status, warnings: verdict.warnings }).toEqual({ status: 201, warnings: [] });
    expect(findings(undeclared, `1.${c.minor}`)).toEqual(['probes spec.containers[0].readinessProbe.httpGet.port', 'probes spec.containers[0].livenessProbe.tcpSocket.port']);
    const declared = pod('http');
    expect((await c.dryRunCreate(declared, namespace)).status).toBe(201);
    expect(findings(declared, `1.${c.minor}`)).toEqual([]);
  });
});
