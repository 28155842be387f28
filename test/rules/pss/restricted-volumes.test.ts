import { evaluate } from '../../../src/engine';
import type { KubeObject } from '../../../src/model/kube-object';

function podWithVolumes(volumes: unknown[]): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'volumes' },
    spec: {
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [{ name: 'app', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }],
      volumes,
    },
  };
}

const findings = (volumes: unknown[], version = '1.37') =>
  evaluate([{ object: podWithVolumes(volumes), source: {} }], { level: 'restricted', kubernetesVersion: version }).findings.map((f) => `${f.pss}@${f.path}`);

describe('restricted volume types', () => {
  it.each(['1.0', '1.25', '1.37'])('allows image volumes at %s, as the API server does', (version) => {
    expect(findings([{ name: 'tools', image: { reference: 'registry.example/tools@sha256:' + 'c'.repeat(64) } }], version)).toEqual([]);
  });

  it('allows the projected, CSI and ephemeral sources, and a volume without a source (defaulted to emptyDir)', () => {
    expect(findings([
      { name: 'token', projected: { sources: [] } },
      { name: 'csi', csi: { driver: 'secrets-store.csi.k8s.io' } },
      { name: 'scratch', ephemeral: { volumeClaimTemplate: { spec: {} } } },
      { name: 'plain' },
    ])).toEqual([]);
  });

  it('refuses other and unknown sources at the source field, and hostPath at baseline too', () => {
    expect(findings([{ name: 'nfs', nfs: { server: 'x', path: '/' } }, { name: 'odd', somethingNew: {} }])).toEqual([
      'restrictedVolumes@spec.volumes[0].nfs',
      'restrictedVolumes@spec.volumes[1].somethingNew',
    ]);
    expect(findings([{ name: 'host', hostPath: { path: '/' } }]).sort()).toEqual([
      'hostPathVolumes@spec.volumes[0].hostPath',
      'restrictedVolumes@spec.volumes[0].hostPath',
    ]);
  });
});
