import type { InputRule, Violation } from './rule';
import { isUnknownValue } from '../model/pod-view';
import { lookup, missing, namespaceOf, serviceAccountOf } from './support/hardened';
import { cis, nist } from './support/pss';
import { quoted, text } from './support/shared-text';

/**
 * A mounted service-account token lets anyone who gets code execution in the pod talk to the API
 * server as the pod. The pod's `automountServiceAccountToken` wins; when it is unset, the
 * ServiceAccount's decides, and Kubernetes mounts the token unless one of them says false.
 */
export const serviceAccountToken: InputRule = {
  id: 'service-account-token',
  title: 'Service account tokens are not mounted',
  remediation: 'Set spec.automountServiceAccountToken: false on the pod (or on its ServiceAccount); mount a projected token only where the workload calls the API.',
  level: 'hardened',
  severity: 'medium',
  controls: [...cis('5.1.6'), ...nist('4.3.1')],
  edition: 1,
  scope: 'input',
  check(context) {
    if (context.pods.length === 0) return 'not-applicable';
    const violations: Violation[] = [];
    for (let i = 0; i < context.pods.length; i++) {
      const pod = context.pods[i];
      const path = text`${pod.specPath}.automountServiceAccountToken`;
      const onPod = pod.spec.automountServiceAccountToken;
      if (isUnknownValue(onPod)) {
        violations.push({ path, message: 'automountServiceAccountToken is not known yet', unknown: true });
        continue;
      }
      if (onPod === false) continue;
      if (onPod === true) {
        violations.push({ path, message: 'the pod sets automountServiceAccountToken: true, so the token is mounted whatever its ServiceAccount says' });
        continue;
      }
      const account = serviceAccountOf(pod);
      if (account.unknown) {
        violations.push({ path, message: 'the pod does not set automountServiceAccountToken and its service account is not known yet', unknown: true });
        continue;
      }
      const namespace = namespaceOf(context.object);
      const serviceAccount = lookup(context, 'ServiceAccount', namespace, account.name);
      if (!serviceAccount) {
        violations.push(missing(context.cluster, path, text`the pod does not set automountServiceAccountToken: false, and its ServiceAccount ${quoted(account.name)} is not in the input, so whether the token is mounted depends on that ServiceAccount`, 'set it on the pod, or add the ServiceAccount to the input or to cluster.objects'));
        continue;
      }
      const onAccount = serviceAccount.automountServiceAccountToken;
      if (isUnknownValue(onAccount)) violations.push({ path, message: text`automountServiceAccountToken of ServiceAccount ${quoted(account.name)} is not known yet`, unknown: true });
      else if (onAccount !== false) violations.push({ path, message: text`neither the pod nor its ServiceAccount ${quoted(account.name)} sets automountServiceAccountToken: false, so the token is mounted` });
    }
    return violations;
  },
};
