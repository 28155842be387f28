import type { Violation, PodRule } from './rule';
import { isUnknownValue } from '../model/pod-view';
import { cis, containerSecurityContext, describeContainer, nist, PASS, pss, unknownAt } from './support/pss';
import { text } from './support/shared-text';

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
    let violations: Violation[] | undefined;
    for (let i = 0; i < pod.containers.length; i++) {
      const container = pod.containers[i];
      const value = containerSecurityContext(container)?.privileged;
      if (value === true) {
        (violations ??= []).push({ path: text`${container.path}${FIELD}`, message: text`privileged (${describeContainer(container)} must not set securityContext.privileged=true)` });
      } else if (isUnknownValue(value)) {
        (violations ??= []).push(unknownAt(text`${container.path}${FIELD}`, 'securityContext.privileged'));
      }
    }
    return violations ?? PASS;
  },
};

const FIELD = '.securityContext.privileged';
