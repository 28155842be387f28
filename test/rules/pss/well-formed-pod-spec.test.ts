import { evaluate } from '../../../src/engine';
import type { KubeObject } from '../../../src/model/kube-object';
import { UNKNOWN_VALUE } from '../../../src/model/pod-view';
import { deployment, inPreview, located } from '../../engine/helpers';

/**
 * The well-formed-pod-spec checks whose verdict depends on the Kubernetes version. What the current
 * server refuses is proven against it in test/cluster; the older versions' verdicts are here.
 */
const IMAGE = `registry.example/app@sha256:${'a'.repeat(64)}`;

function wellFormed(object: KubeObject, kubernetesVersion: string): string[] {
  return evaluate(located(object), { level: 'baseline', kubernetesVersion }).findings
    .filter((f) => f.rule === 'well-formed-pod-spec').map((f) => `${f.outcome} ${f.path}: ${f.message}`);
}

describe('HostProcess settings the API server refuses together', () => {
  const mixed = deployment('hp', {
    securityContext: { windowsOptions: { hostProcess: true } },
    initContainers: [{ name: 'setup', image: IMAGE, securityContext: { windowsOptions: { hostProcess: false } } }],
    containers: [{ name: 'app', image: IMAGE }],
  });

  it('are refused from 1.23, where HostProcess containers are on by default', () => {
    expect(wellFormed(mixed, '1.23')).toEqual([
      'fail spec.template.spec.initContainers[0].securityContext.windowsOptions.hostProcess: init container "setup" sets hostProcess: false while the pod sets hostProcess: true, which the API server refuses: set it only on the pod, or to the same value',
      'fail spec.template.spec: container "app" is a HostProcess container and init container "setup" is not, which the API server refuses: either every container of the pod is a HostProcess container or none is',
      'fail spec.template.spec.hostNetwork: the pod runs HostProcess containers without hostNetwork: true, which the API server refuses: set hostNetwork: true',
    ]);
    expect(wellFormed(mixed, '1.22')).toEqual([]);
  });

  it('a HostProcess pod whose containers agree, on the host network, is well formed', () => {
    const agreed = deployment('hp', {
      hostNetwork: true,
      securityContext: { windowsOptions: { hostProcess: true } },
      containers: [{ name: 'app', image: IMAGE, securityContext: { windowsOptions: { hostProcess: true } } }],
    });
    expect(wellFormed(agreed, '1.37')).toEqual([]);
  });

  it('a setting not known yet in a preview is unknown, not a failure', () => {
    const preview = deployment('hp', {
      securityContext: { windowsOptions: { hostProcess: true } },
      containers: [{ name: 'app', image: IMAGE, securityContext: { windowsOptions: { hostProcess: UNKNOWN_VALUE } } }],
    });
    const findings = evaluate(inPreview(preview), { level: 'baseline' }).findings.filter((f) => f.rule === 'well-formed-pod-spec');
    expect(findings.map((f) => `${f.outcome} ${f.path}`)).toEqual(['unknown spec.template.spec.containers[0].securityContext.windowsOptions.hostProcess']);
    const network = deployment('hp', { hostNetwork: UNKNOWN_VALUE, containers: [{ name: 'app', image: IMAGE, securityContext: { windowsOptions: { hostProcess: true } } }] });
    const networkFindings = evaluate(inPreview(network), { level: 'baseline' }).findings.filter((f) => f.rule === 'well-formed-pod-spec');
    expect(networkFindings.map((f) => `${f.outcome} ${f.path}`)).toEqual(['unknown spec.template.spec.hostNetwork']);
  });
});

describe('probes and lifecycle hooks of init containers', () => {
  const probe = { tcpSocket: { port: 15000 } };
  const sidecar = { name: 'proxy', image: IMAGE, restartPolicy: 'Always', readinessProbe: probe, livenessProbe: probe, startupProbe: probe, lifecycle: { preStop: { sleep: { seconds: 5 } } } };
  const pod = (init: Record<string, unknown>) => deployment('web', { initContainers: [init], containers: [{ name: 'app', image: IMAGE }] });

  it('a sidecar (restartPolicy: Always) may have them from 1.29; before, the API server drops restartPolicy and refuses them', () => {
    expect(wellFormed(pod(sidecar), '1.29')).toEqual([]);
    expect(wellFormed(pod(sidecar), '1.37')).toEqual([]);
    const refused = (field: string, what: string) => `fail spec.template.spec.initContainers[0].${field}: init container "proxy" has ${what}, which the API server refuses before Kubernetes 1.29: it drops restartPolicy: Always from init containers there (native sidecars are off), so the container is an ordinary init container; remove it, or run the sidecar as a regular container`;
    const at128 = [
      refused('livenessProbe', 'a livenessProbe'), refused('readinessProbe', 'a readinessProbe'), refused('startupProbe', 'a startupProbe'), refused('lifecycle', 'lifecycle hooks'),
    ];
    expect(wellFormed(pod(sidecar), '1.28')).toEqual(at128);
    expect(wellFormed(pod(sidecar), '1.20')).toEqual(at128);
  });

  it('an init container that is no sidecar may not have them at any version', () => {
    const plain = { name: 'setup', image: IMAGE, livenessProbe: probe };
    const message = 'fail spec.template.spec.initContainers[0].livenessProbe: init container "setup" has a livenessProbe, which the API server refuses on an init container without restartPolicy: Always: remove it, or make the container a sidecar (restartPolicy: Always)';
    expect(wellFormed(pod(plain), '1.37')).toEqual([message]);
    expect(wellFormed(pod({ ...plain, restartPolicy: 'OnFailure' }), '1.37')).toEqual([message]);
    expect(wellFormed(pod({ ...plain, livenessProbe: null }), '1.37')).toEqual([]);
  });

  it('an init container whose restartPolicy is not known yet may be a sidecar: unknown, not a failure', () => {
    const preview = pod({ ...sidecar, restartPolicy: UNKNOWN_VALUE });
    const findings = evaluate(inPreview(preview), { level: 'baseline' }).findings.filter((f) => f.rule === 'well-formed-pod-spec');
    expect(findings.map((f) => `${f.outcome} ${f.path}`)).toEqual(['unknown spec.template.spec.initContainers[0].restartPolicy']);
    // At 1.28 the field is dropped whatever it holds.
    expect(evaluate(inPreview(preview), { level: 'baseline', kubernetesVersion: '1.28' }).findings.filter((f) => f.rule === 'well-formed-pod-spec').map((f) => f.outcome))
      .toEqual(['fail', 'fail', 'fail', 'fail']);
  });
});
