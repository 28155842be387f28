import type { Violation, PodRule } from './rule';
import { isFields } from '../model/pod-view';
import { cis, forbiddenVolumeSource, listOf, nist, pss, quote } from './support/pss';
import { text } from './support/shared-text';

/** Restricted pods use only volume types that do not reach into the node or external storage directly. */
export const restrictedVolumes: PodRule = {
  id: 'restricted-volumes',
  pss: 'restrictedVolumes',
  title: 'Pods use only restricted volume types',
  remediation: 'Use configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected or secret volumes; reach other storage through a PersistentVolumeClaim.',
  level: 'restricted',
  severity: 'high',
  controls: [pss('Volume Types'), ...cis('5.2.12'), ...nist('4.5.5')],
  edition: 1,
  scope: 'pod',
  check({ pod }) {
    const violations: Violation[] = [];
    const volumes = listOf(pod.spec.volumes);
    for (let i = 0; i < volumes.length; i++) {
      const volume = volumes[i];
      if (!isFields(volume)) continue;
      const forbidden = forbiddenVolumeSource(volume);
      if (forbidden !== undefined) {
        violations.push({ path: text`${pod.specPath}.volumes[${i}].${forbidden}`, message: text`restricted volume types (volume ${quote(volume.name)} uses restricted volume type ${quote(forbidden)})` });
      }
    }
    return violations;
  },
};
