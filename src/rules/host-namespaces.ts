import type { Violation, PodRule } from './rule';
import { isUnknownValue } from '../model/pod-view';
import { HOST_NAMESPACE_FIELDS } from './support/confinement';
import { cis, nist, onField, PASS, pss, unknownAt } from './support/pss';
import { text } from './support/shared-text';

/** Sharing the host's network, process or IPC namespace breaks the pod's isolation from the node. */
export const hostNamespaces: PodRule = {
  id: 'host-namespaces',
  pss: 'hostNamespaces',
  title: 'Pods do not share host namespaces',
  remediation: 'Remove hostNetwork, hostPID and hostIPC from the pod spec (or set them to false).',
  level: 'baseline',
  severity: 'critical',
  // CIS numbers each namespace apart, and NIST SP 800-190 4.4.2 (network access) is the host network's alone.
  controls: [
    pss('Host Namespaces'), ...onField('hostPID', cis('5.2.3')), ...onField('hostIPC', cis('5.2.4')), ...onField('hostNetwork', cis('5.2.5')),
    ...nist('4.4.3'), ...onField('hostNetwork', nist('4.4.2')),
  ],
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
