/**
 * Windows pods (`spec.os.name: windows`) on the real API server: validation refuses the Linux-only
 * securityContext fields on them, and Pod Security `restricted` exempts them from its Linux-only
 * checks from v1.25. The hardened rules must not demand a field the server refuses there.
 */
import { evaluate } from '../../src/engine';
import type { KubeObject } from '../../src/model';
import { describeCluster } from '../harness/cluster-suite';

const IMAGE = `registry.example.com/app@sha256:${'a'.repeat(64)}`;

/** A Windows Pod that Pod Security `restricted` admits: runAsNonRoot is all it asks of one. */
function windowsPod(name: string, container: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: { os: { name: 'windows' }, securityContext: { runAsNonRoot: true }, containers: [{ name: 'app', image: IMAGE, ...container }] },
  };
}

/** The rules of a level that fail the object on their own (cross-object facts left out). */
function failingRules(object: KubeObject, kubernetesVersion: string): string[] {
  const report = evaluate([{ object, source: { file: 'windows.yaml' } }], { level: 'hardened', kubernetesVersion });
  return [...new Set(report.findings.filter((f) => f.outcome === 'fail').map((f) => f.rule))].sort();
}

describeCluster('hardened rules on Windows pods', (cluster) => {
  test('read-only-root-filesystem does not demand the field the server refuses on a Windows pod', async () => {
    const c = cluster();
    const namespace = await c.createPodSecurityNamespace('windows-rootfs', 'restricted');
    const admitted = await c.dryRunCreate(windowsPod('plain'), namespace);
    expect({ status: admitted.status, warnings: admitted.warnings }).toEqual({ status: 201, warnings: [] });
    const readOnly = await c.dryRunCreate(windowsPod('read-only', { securityContext: { readOnlyRootFilesystem: true } }), namespace);
    expect({ status: readOnly.status, message: readOnly.message }).toEqual({ status: 422, message: expect.stringContaining('readOnlyRootFilesystem: Forbidden: cannot be set for a windows pod') });
    expect(failingRules(windowsPod('plain'), `1.${c.minor}`)).not.toContain('read-only-root-filesystem');
  });
});
