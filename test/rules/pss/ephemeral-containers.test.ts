import { evaluate } from '../../../src/engine';
import type { KubeObject } from '../../../src/model/kube-object';

/**
 * Upstream fixtures exercise containers and initContainers only; ephemeral containers are checked the same way.
 * They are only ever in a running Pod, as read back from the server (with a resourceVersion).
 */
function podWithEphemeral(debug: Record<string, unknown>, spec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'shell-less', resourceVersion: '1' },
    spec: {
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [{ name: 'app', image: 'app', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }],
      ephemeralContainers: [{ name: 'debugger', image: 'busybox', targetContainerName: 'app', ...debug }],
      ...spec,
    },
  };
}

const restrictedDebug = { securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } };

function pssIds(object: KubeObject, level: 'baseline' | 'restricted', version = '1.37'): string[] {
  return evaluate([{ object, source: {} }], { level, kubernetesVersion: version }).findings.map((f) => `${f.pss}@${f.path}`);
}

describe('ephemeral containers', () => {
  it('a debug container with a restricted security context passes restricted', () => {
    expect(pssIds(podWithEphemeral(restrictedDebug), 'restricted')).toEqual([]);
  });

  it.each([
    ['privileged', { securityContext: { ...restrictedDebug.securityContext, privileged: true } }, 'securityContext.privileged'],
    ['capabilities_baseline', { securityContext: { ...restrictedDebug.securityContext, capabilities: { drop: ['ALL'], add: ['SYS_PTRACE'] } } }, 'securityContext.capabilities.add[0]'],
    ['procMount', { securityContext: { ...restrictedDebug.securityContext, procMount: 'Unmasked' } }, 'securityContext.procMount'],
    ['seLinuxOptions', { securityContext: { ...restrictedDebug.securityContext, seLinuxOptions: { type: 'spc_t' } } }, 'securityContext.seLinuxOptions'],
    ['seccompProfile_baseline', { securityContext: { ...restrictedDebug.securityContext, seccompProfile: { type: 'Unconfined' } } }, 'securityContext.seccompProfile.type'],
    ['appArmorProfile', { securityContext: { ...restrictedDebug.securityContext, appArmorProfile: { type: 'Unconfined' } } }, 'securityContext.appArmorProfile.type'],
    ['windowsHostProcess', { securityContext: { ...restrictedDebug.securityContext, windowsOptions: { hostProcess: true } } }, 'securityContext.windowsOptions.hostProcess'],
    ['hostProbesAndHostLifecycle', { ...restrictedDebug, lifecycle: { preStop: { httpGet: { host: '10.0.0.1', port: 80 } } } }, 'lifecycle.preStop.httpGet.host'],
  ])('baseline %s fires on the ephemeral container', (check, debug, field) => {
    expect(pssIds(podWithEphemeral(debug), 'baseline')).toContain(`${check}@spec.ephemeralContainers[0].${field}`);
  });

  it.each([
    ['allowPrivilegeEscalation', { securityContext: { capabilities: { drop: ['ALL'] } } }, 'securityContext.allowPrivilegeEscalation'],
    ['capabilities_restricted', { securityContext: { allowPrivilegeEscalation: false } }, 'securityContext.capabilities.drop'],
    ['runAsNonRoot', { securityContext: { ...restrictedDebug.securityContext, runAsNonRoot: false } }, 'securityContext.runAsNonRoot'],
    ['runAsUser', { securityContext: { ...restrictedDebug.securityContext, runAsUser: 0 } }, 'securityContext.runAsUser'],
    ['seccompProfile_restricted', { securityContext: { ...restrictedDebug.securityContext, seccompProfile: { type: 'Unconfined' } } }, 'securityContext.seccompProfile.type'],
    ['procMount_restricted', { securityContext: { ...restrictedDebug.securityContext, procMount: 'Unmasked' } }, 'securityContext.procMount'],
  ])('restricted %s fires on the ephemeral container', (check, debug, field) => {
    expect(pssIds(podWithEphemeral(debug), 'restricted')).toContain(`${check}@spec.ephemeralContainers[0].${field}`);
  });

  it('implicit runAsNonRoot and seccomp failures name the ephemeral container when the pod sets neither', () => {
    const ids = pssIds(podWithEphemeral(restrictedDebug, { securityContext: {} }), 'restricted');
    expect(ids).toEqual(expect.arrayContaining([
      'runAsNonRoot@spec.ephemeralContainers[0].securityContext.runAsNonRoot',
      'seccompProfile_restricted@spec.ephemeralContainers[0].securityContext.seccompProfile.type',
    ]));
  });

  it('Windows pods skip the Linux-only restricted checks from 1.25, not before', () => {
    // The app container without the Linux-only fields, which the API server refuses in a Windows pod.
    const windows = podWithEphemeral({}, { os: { name: 'windows' }, securityContext: { runAsNonRoot: true }, containers: [{ name: 'app', image: 'app' }] });
    expect(pssIds(windows, 'restricted', '1.25')).toEqual([]);
    expect(pssIds(windows, 'restricted', '1.24').map((id) => id.split('@')[0]).sort()).toEqual(
      expect.arrayContaining(['allowPrivilegeEscalation', 'capabilities_restricted', 'seccompProfile_restricted']),
    );
  });
});
