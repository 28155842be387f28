import type { InputRule, Violation } from './rule';
import { describeNamespace, lookup, missing, namespaceOf, serviceAccountOf } from './support/hardened';
import { nist } from './support/pss';

/**
 * A pod naming a ServiceAccount that does not exist is rejected at admission (or its controller
 * keeps failing), and a typo silently falls back to nothing: the account must ship with the workload
 * or be known to the cluster. The namespace's `default` account always exists.
 */
export const serviceAccountPresent: InputRule = {
  id: 'service-account-present',
  title: 'The service account a workload names exists',
  remediation: 'Add the ServiceAccount (with automountServiceAccountToken: false) next to the workload, or declare it in the config\'s cluster.objects when the platform owns it.',
  level: 'hardened',
  severity: 'low',
  controls: [...nist('4.3.1')],
  edition: 1,
  scope: 'input',
  check(context) {
    if (context.pods.length === 0) return 'not-applicable';
    const violations: Violation[] = [];
    let applicable = false;
    for (let i = 0; i < context.pods.length; i++) {
      const pod = context.pods[i];
      const account = serviceAccountOf(pod);
      if (account.unknown) {
        applicable = true;
        violations.push({ path: account.path, message: 'serviceAccountName is not known yet', unknown: true });
        continue;
      }
      if (account.name === 'default') continue;
      applicable = true;
      const namespace = namespaceOf(context.object);
      if (lookup(context, 'ServiceAccount', namespace, account.name)) continue;
      violations.push(missing(context.cluster, account.path, `ServiceAccount ${JSON.stringify(account.name)} (${describeNamespace(namespace)}) is not in the input`, 'add it to the input, or to cluster.objects when the platform owns it'));
    }
    return applicable ? violations : 'not-applicable';
  },
};
