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
