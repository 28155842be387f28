/**
 * Windows pods (`spec.os.name: windows`) on the real API server: validation refuses the Linux-only
 * securityContext fields on them, and Pod Security `restricted` exempts them from its Linux-only
 * checks from v1.25. The hardened rules must not demand a field the server refuses there.
 */
import { evaluate } from '../../src/engine';
import { harden } from '../../src/hardening';
import type { KubeObject } from '../../src/model';
import { describeCluster } from '../harness/cluster-suite';
import { podFromTemplate } from '../harness/pod-security';

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

  test('harden() makes a Windows workload one that a restricted namespace admits and the hardened pod rules pass', async () => {
    const c = cluster();
    const namespace = await c.createPodSecurityNamespace('windows-harden', 'restricted');
    const deployment: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'windows-app' },
      spec: {
        selector: { matchLabels: { app: 'windows-app' } },
        template: {
          metadata: { labels: { app: 'windows-app' } },
          spec: { os: { name: 'windows' }, serviceAccountName: 'windows-app', containers: [{ name: 'app', image: IMAGE }] },
        },
      },
    };
    const account = await c.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'windows-app' } }, namespace);
    expect(account.status).toBe(201);
    const hardened = harden(deployment).object;
    const { status, message, warnings } = await c.dryRunCreate(podFromTemplate(hardened)!, namespace);
    expect({ status, message, warnings }).toEqual({ status: 201, message: undefined, warnings: [] });
    expect((await c.dryRunCreate(hardened, namespace)).warnings).toEqual([]);
    // Probes are the workload's own to write; no secure default can invent them.
    expect(failingRules(hardened, `1.${c.minor}`)).toEqual(['probes']);
  });
});
