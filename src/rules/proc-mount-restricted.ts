import { unmaskedProcMounts } from './proc-mount';
import type { PodRule } from './rule';
import { cis, nist, pss } from './support/pss';

/** Restricted keeps forbidding an unmasked /proc even for pods in a user namespace. */
export const procMountRestricted: PodRule = {
  id: 'proc-mount-restricted',
  pss: 'procMount_restricted',
  title: 'Containers keep the default masked /proc, even in a user namespace',
  remediation: 'Remove securityContext.procMount or set it to Default.',
  level: 'restricted',
  severity: 'high',
  controls: [pss('/proc Mount Type'), ...cis('5.7.3'), ...nist('4.4.3')],
  versions: { since: 35, changes: [{ minor: 35, note: 'Introduced when baseline procMount started allowing user-namespace pods.' }] },
  edition: 1,
  scope: 'pod',
  check({ pod }) {
    return unmaskedProcMounts(pod);
  },
};
