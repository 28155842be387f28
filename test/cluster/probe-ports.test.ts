/**
 * Probes and lifecycle hooks on a named port, on the real API server: the server only checks the
 * name's form, so it admits a probe or hook on a name that no port of the container declares, which
 * the kubelet then fails every time. It admits a tcpSocket hook too, which the kubelet never runs.
 * The probes rule flags them; well-formed-pod-spec, which says what the server refuses, does not.
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

/** A Pod whose probes are on the declared port and whose hook is `hook`. */
function hooked(hook: Record<string, unknown>): KubeObject {
  const object = pod('http');
  const container = (object.spec as { containers: Record<string, unknown>[] }).containers[0];
  container.lifecycle = hook;
  return object;
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

  test('a lifecycle hook on an undeclared port name, or a tcpSocket hook, is admitted by the server and fails the probes rule', async () => {
    const c = cluster();
    const namespace = await c.createNamespace(c.uniqueNamespaceName('hook-ports'));
    const cases: [string, Record<string, unknown>, string[]][] = [
      ['postStart on an undeclared name', { postStart: { httpGet: { path: '/warm', port: 'htpp' } } }, ['probes spec.containers[0].lifecycle.postStart.httpGet.port']],
      ['preStop on an undeclared name', { preStop: { httpGet: { path: '/drain', port: 'admin' } } }, ['probes spec.containers[0].lifecycle.preStop.httpGet.port']],
      ['tcpSocket postStart', { postStart: { tcpSocket: { port: 'http' } } }, ['probes spec.containers[0].lifecycle.postStart.tcpSocket']],
      ['tcpSocket preStop', { preStop: { tcpSocket: { port: 8080 } } }, ['probes spec.containers[0].lifecycle.preStop.tcpSocket']],
      ['hooks on the declared name and a number', { postStart: { httpGet: { port: 'http' } }, preStop: { httpGet: { port: 8080 } } }, []],
    ];
    const judged: string[] = [];
    for (const [what, hook] of cases) {
      const object = hooked(hook);
      const verdict = await c.dryRunCreate(object, namespace);
      judged.push(`${what}: server ${verdict.status} ${JSON.stringify(verdict.warnings)}; hardpod ${JSON.stringify(findings(object, `1.${c.minor}`))}`);
    }
    expect(judged).toEqual(cases.map(([what, , expected]) => `${what}: server 201 []; hardpod ${JSON.stringify(expected)}`));
  });
});
