import type { InputRule } from './rule';
import { checkWorkloadGrants, grants, type PolicyRuleView } from './support/hardened';
import { cis, nist } from './support/pss';

/**
 * Ways to make the cluster run a container of one's choosing. Whoever creates a pod picks its
 * service account, its volumes (any Secret of the namespace) and its image, so the grant is as
 * strong as everything the namespace holds (CIS 5.1.4). A workload controller does the same for
 * whoever creates or changes its pod template; an ephemeral container runs in a pod that exists.
 */
interface PodStartingGrant {
  readonly group: string;
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
  /** The last Kubernetes minor that serves the group for these resources. @default every minor */
  readonly lastMinor?: number;
}

const TEMPLATE_WRITES = ['create', 'update', 'patch'];
const POD_STARTING_GRANTS: readonly PodStartingGrant[] = [
  { group: '', resources: ['pods'], verbs: ['create'] },
  { group: '', resources: ['pods/ephemeralcontainers'], verbs: ['update', 'patch'] },
  { group: '', resources: ['replicationcontrollers'], verbs: TEMPLATE_WRITES },
  { group: 'apps', resources: ['deployments', 'replicasets', 'statefulsets', 'daemonsets'], verbs: TEMPLATE_WRITES },
  { group: 'batch', resources: ['jobs', 'cronjobs'], verbs: TEMPLATE_WRITES },
  // Kubernetes 1.16 stopped serving these as extensions/v1beta1: a grant there names nothing since.
  { group: 'extensions', resources: ['deployments', 'replicasets', 'daemonsets'], verbs: TEMPLATE_WRITES, lastMinor: 15 },
];

/**
 * What of {@link POD_STARTING_GRANTS} a role's rule grants, as `verb/verb on resource` parts. A rule
 * limited to named objects (`resourceNames`) grants no create, which names no object when it is
 * authorized, but still changes those objects.
 */
function podStartingGrantsOf(rule: PolicyRuleView, minor: number): string[] {
  const found: string[] = [];
  for (const grant of POD_STARTING_GRANTS) {
    if (grant.lastMinor !== undefined && minor > grant.lastMinor) continue;
    for (const resource of grant.resources) {
      const verbs = grant.verbs.filter((verb) => (verb !== 'create' || rule.resourceNames.length === 0) && grants(rule, verb, grant.group, resource));
      if (verbs.length > 0) found.push(`${verbs.join('/')} on ${grant.group === '' ? resource : `${resource}.${grant.group}`}`);
    }
  }
  return found;
}

export const rbacNoPodCreate: InputRule = {
  id: 'rbac-no-pod-create',
  title: 'Workloads are not granted to create pods or change pod templates',
  remediation: 'Remove create on pods, create/update/patch on Deployments, ReplicaSets, StatefulSets, DaemonSets, Jobs, CronJobs and ReplicationControllers, and update/patch on pods/ephemeralcontainers from the roles bound to service accounts; let a person or a delivery pipeline create workloads.',
  level: 'hardened',
  severity: 'high',
  // CIS 5.1.4 asks for create on pods; controllers and ephemeral containers start pods just the same.
  controls: [...cis('5.1.4'), ...nist('4.3.1')],
  edition: 3,
  scope: 'input',
  kinds: ['RoleBinding', 'ClusterRoleBinding'],
  check(context) {
    return checkWorkloadGrants(context, 'the right to start pods', (rule) => {
      const found = podStartingGrantsOf(rule, context.minor);
      return found.length > 0 ? found.join(', ') : undefined;
    });
  },
};
