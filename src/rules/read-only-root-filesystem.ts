import type { PodRule, Violation } from './rule';
import { cis, containerSecurityContext, describeContainer, isWindowsPod, nist, pushIfUnknown } from './support/pss';
import { text } from './support/shared-text';

/**
 * A writable root filesystem lets an intruder drop tools and persist changes inside the container.
 * Windows containers have no read-only root filesystem: the API server refuses the field in a pod
 * with `spec.os.name: windows`, so such pods are not judged.
 */
export const readOnlyRootFilesystem: PodRule = {
  id: 'read-only-root-filesystem',
  title: 'Containers run with a read-only root filesystem',
  remediation: 'Set securityContext.readOnlyRootFilesystem: true on every container and mount an emptyDir where the process must write (e.g. /tmp).',
  level: 'hardened',
  severity: 'medium',
  controls: [...cis('5.7.3'), ...nist('4.4.4')],
  edition: 1,
  scope: 'pod',
  check({ pod }) {
    if (isWindowsPod(pod)) return 'not-applicable';
    const violations: Violation[] = [];
    for (let i = 0; i < pod.containers.length; i++) {
      const container = pod.containers[i];
      const value = containerSecurityContext(container)?.readOnlyRootFilesystem;
      if (value === true) continue;
      const path = text`${container.path}.securityContext.readOnlyRootFilesystem`;
      if (pushIfUnknown(violations, value, path, 'securityContext.readOnlyRootFilesystem')) continue;
      violations.push({ path, message: text`${describeContainer(container)} must set securityContext.readOnlyRootFilesystem=true` });
    }
    return violations;
  },
};
