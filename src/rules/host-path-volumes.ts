import type { Violation, PodRule } from './rule';
import { isFields } from '../model/pod-view';
import { cis, forbiddenVolumeSource, listOf, nist, pss, quote, restrictedOverridesBaseline } from './support/pss';
import { text } from './support/shared-text';

/** hostPath volumes expose the node's filesystem (and runtime sockets) to the pod. */
export const hostPathVolumes: PodRule = {
  id: 'host-path-volumes',
  pss: 'hostPathVolumes',
  title: 'Pods do not mount hostPath volumes',
  remediation: 'Replace the hostPath volume with an emptyDir, configMap, secret, projected or persistentVolumeClaim volume.',
  level: 'baseline',
  severity: 'critical',
  controls: [pss('HostPath Volumes'), ...cis('5.2.12'), ...nist('4.5.5')],
  edition: 1,
  scope: 'pod',
  check({ pod, config }) {
    const violations: Violation[] = [];
    const volumes = listOf(pod.spec.volumes);
    for (let i = 0; i < volumes.length; i++) {
      const volume = volumes[i];
      if (!isFields(volume) || volume.hostPath === undefined || volume.hostPath === null) continue;
      // restrictedVolumes overrides this check and allows a volume that also has an allowed source.
      if (restrictedOverridesBaseline(config.level) && forbiddenVolumeSource(volume) === undefined) continue;
      violations.push({ path: text`${pod.specPath}.volumes[${i}].hostPath`, message: text`hostPath volumes (volume ${quote(volume.name)})` });
    }
    return violations;
  },
};
