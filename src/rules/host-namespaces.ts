import type { Violation, PodRule } from './rule';
import { isUnknownValue } from '../model/pod-view';
import { cis, nist, PASS, pss, unknownAt } from './support/pss';
import { text } from './support/shared-text';

const HOST_NAMESPACE_FIELDS = ['hostNetwork', 'hostPID', 'hostIPC'] as const;

/** Sharing the host's network, process or IPC namespace breaks the pod's isolation from the node. */
export const hostNamespaces: PodRule = {
  id: 'host-namespaces',
  pss: 'hostNamespaces',
  title: 'Pods do not share host namespaces',
  remediation: 'Remove hostNetwork, hostPID and hostIPC from the pod spec (or set them to false).',
  level: 'baseline',
  severity: 'critical',
  controls: [pss('Host Namespaces'), ...cis('5.2.3', '5.2.4', '5.2.5'), ...nist('4.4.3', '4.4.2')],
  edition: 1,
  scope: 'pod',
  check({ pod }) {
    let violations: Violation[] | undefined;
    for (let i = 0; i < HOST_NAMESPACE_FIELDS.length; i++) {
      const field = HOST_NAMESPACE_FIELDS[i];
      const value = pod.spec[field];
      if (value === true) (violations ??= []).push({ path: text`${pod.specPath}.${field}`, message: text`host namespaces (${field}=true)` });
      else if (isUnknownValue(value)) (violations ??= []).push(unknownAt(text`${pod.specPath}.${field}`, field));
    }
    return violations ?? PASS;
  },
};
