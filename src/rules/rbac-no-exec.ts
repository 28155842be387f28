import type { InputRule } from './rule';
import { checkWorkloadGrants, grants } from './support/hardened';
import { cis, nist } from './support/pss';

/**
 * Subresources that run commands in, or open streams to, other containers: holding any of them is
 * as strong as exec. Both verbs count, since the streaming endpoints accept GET (websockets) and
 * POST (create). A grant limited to named pods (`resourceNames`) is still exec into those pods.
 */
const EXEC_RESOURCES = ['pods/exec', 'pods/attach', 'pods/portforward', 'nodes/proxy'];
const EXEC_VERBS = ['get', 'create'];

export const rbacNoExec: InputRule = {
  id: 'rbac-no-exec',
  title: 'Workloads are not granted exec, attach, port-forward or node proxy',
  remediation: 'Remove pods/exec, pods/attach, pods/portforward and nodes/proxy from the roles bound to service accounts; debug with ephemeral containers granted to people, not workloads.',
  level: 'hardened',
  severity: 'high',
  // nodes/proxy is CIS 5.1.10; exec-like access for workloads is hardpod's extension of it.
  controls: [...cis('5.1.10'), ...nist('4.3.1')],
  edition: 1,
  scope: 'input',
  kinds: ['RoleBinding', 'ClusterRoleBinding'],
  check(context) {
    return checkWorkloadGrants(context, 'exec-like access', (rule) => {
      const found: string[] = [];
      for (let i = 0; i < EXEC_RESOURCES.length; i++) {
        const resource = EXEC_RESOURCES[i];
        // Nodes are cluster-scoped: a RoleBinding grants nothing on them, whatever its role says.
        if (resource.startsWith('nodes/') && context.object.kind === 'RoleBinding') continue;
        const verbs = EXEC_VERBS.filter((verb) => grants(rule, verb, '', resource));
        if (verbs.length > 0) found.push(`${verbs.join('/')} on ${resource}`);
      }
      return found.length > 0 ? found.join(', ') : undefined;
    });
  },
};
