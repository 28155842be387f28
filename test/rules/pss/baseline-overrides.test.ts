import { evaluate } from '../../../src/engine';
import type { Level } from '../../../src/rules';

/**
 * At restricted, upstream runs capabilities_restricted, seccompProfile_restricted and
 * restrictedVolumes in place of the baseline checks they override: a pod those allow is admitted
 * even when the baseline check alone would refuse it.
 */
function pssFindings(spec: Record<string, unknown>, level: Level, version: string): string[] {
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'shop' }, spec };
  return evaluate([{ object: pod, source: {} }], { level, kubernetesVersion: version }).findings
    .filter((f) => typeof f.pss === 'string')
    .map((f) => `${f.pss}@${f.path}`)
    .sort();
}

describe('baseline checks a restricted check overrides', () => {
  // Adds SYS_ADMIN and turns seccomp off: API validation refuses both for Windows pods, Pod Security does not.
  const windows = {
    os: { name: 'windows' },
    securityContext: { runAsNonRoot: true, seccompProfile: { type: 'Unconfined' } },
    containers: [{ name: 'c', image: 'x', securityContext: { allowPrivilegeEscalation: false, capabilities: { add: ['SYS_ADMIN'] } } }],
  };

  it.each(['1.25', '1.37'])('a Windows pod is judged by the restricted checks alone at restricted %s, which allow it', (version) => {
    expect(pssFindings(windows, 'restricted', version)).toEqual([]);
    expect(pssFindings(windows, 'hardened', version)).toEqual([]);
  });

  it('the same pod fails baseline, and restricted before 1.25 (no Windows exemption yet)', () => {
    expect(pssFindings(windows, 'baseline', '1.37')).toEqual([
      'capabilities_baseline@spec.containers[0].securityContext.capabilities.add[0]',
      'seccompProfile_baseline@spec.securityContext.seccompProfile.type',
    ]);
    expect(pssFindings(windows, 'restricted', '1.24')).toEqual(expect.arrayContaining([
      'capabilities_baseline@spec.containers[0].securityContext.capabilities.add[0]',
      'capabilities_restricted@spec.containers[0].securityContext.capabilities.add[0]',
      'seccompProfile_baseline@spec.securityContext.seccompProfile.type',
      'seccompProfile_restricted@spec.securityContext.seccompProfile.type',
    ]));
  });

  it('a Linux pod breaking a baseline check still fails it at restricted, next to the restricted check', () => {
    const linux = { ...windows, os: { name: 'linux' } };
    expect(pssFindings(linux, 'restricted', '1.37')).toEqual(expect.arrayContaining([
      'capabilities_baseline@spec.containers[0].securityContext.capabilities.add[0]',
      'seccompProfile_baseline@spec.securityContext.seccompProfile.type',
    ]));
  });

  it('a hostPath volume that also has an allowed source passes restricted, whose restrictedVolumes allows it, and fails baseline', () => {
    const spec = {
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [{ name: 'c', image: 'x', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }],
      volumes: [{ name: 'both', configMap: { name: 'cm' }, hostPath: { path: '/' } }, { name: 'host', hostPath: { path: '/' } }],
    };
    expect(pssFindings(spec, 'restricted', '1.37')).toEqual([
      'hostPathVolumes@spec.volumes[1].hostPath',
      'restrictedVolumes@spec.volumes[1].hostPath',
    ]);
    expect(pssFindings(spec, 'baseline', '1.37')).toEqual([
      'hostPathVolumes@spec.volumes[0].hostPath',
      'hostPathVolumes@spec.volumes[1].hostPath',
    ]);
  });
});
