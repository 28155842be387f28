import type { Violation, PodRule } from './rule';
import { cis, containerSecurityContext, describeContainer, nist, pss, pushIfUnknown } from './support/pss';

/** Privileged containers disable most security mechanisms and get full access to the host. */
export const privileged: PodRule = {
  id: 'privileged',
  pss: 'privileged',
  title: 'Containers are not privileged',
  remediation: 'Remove securityContext.privileged or set it to false; grant only the specific capabilities the process needs.',
  level: 'baseline',
  severity: 'critical',
  controls: [pss('Privileged Containers'), ...cis('5.2.2'), ...nist('4.4.3')],
  edition: 1,
  scope: 'pod',
  check({ pod }) {
    const violations: Violation[] = [];
    for (const container of pod.containers) {
      const value = containerSecurityContext(container)?.privileged;
      const path = `${container.path}.securityContext.privileged`;
      if (pushIfUnknown(violations, value, path, 'securityContext.privileged')) continue;
      if (value === true) violations.push({ path, message: `privileged (${describeContainer(container)} must not set securityContext.privileged=true)` });
    }
    return violations;
  },
};
