import type { PodRule } from './rule';
import { serviceAccountOf } from './support/hardened';
import { cis, nist } from './support/pss';

/** Pods sharing the namespace's `default` service account share every permission granted to it. */
export const dedicatedServiceAccount: PodRule = {
  id: 'dedicated-service-account',
  title: 'Pods run as a dedicated service account, not `default`',
  remediation: 'Create a ServiceAccount for the workload (with automountServiceAccountToken: false) and set spec.serviceAccountName to it.',
  level: 'hardened',
  severity: 'medium',
  controls: [...cis('5.1.5'), ...nist('4.3.1')],
  edition: 1,
  scope: 'pod',
  check({ pod }) {
    const account = serviceAccountOf(pod);
    if (account.unknown) return [{ path: account.path, message: 'serviceAccountName is not known yet', unknown: true }];
    if (account.name !== 'default') return [];
    return [{
      path: account.path,
      message: account.explicit ? 'the pod runs as the namespace\'s default service account; name a dedicated one' : 'serviceAccountName is not set, so the pod runs as the namespace\'s default service account',
    }];
  },
};
