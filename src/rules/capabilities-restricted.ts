import type { Violation, PodRule } from './rule';
import { isUnknownValue } from '../model/pod-view';
import { cis, containerSecurityContext, describeContainer, get, isWindowsPod, listOf, nist, pss, pushIfUnknown, quote, unknownAt } from './support/pss';

/** Containers drop ALL capabilities and may add back only NET_BIND_SERVICE. */
export const capabilitiesRestricted: PodRule = {
  id: 'capabilities-restricted',
  pss: 'capabilities_restricted',
  title: 'Containers drop all capabilities',
  remediation: 'Set securityContext.capabilities.drop: ["ALL"] on every container, and add back at most NET_BIND_SERVICE.',
  level: 'restricted',
  severity: 'high',
  controls: [pss('Capabilities'), ...cis('5.2.8', '5.2.9', '5.2.10'), ...nist('4.4.3')],
  versions: { since: 22, changes: [{ minor: 25, note: 'Pods with spec.os.name: windows are exempt.' }] },
  edition: 1,
  scope: 'pod',
  check({ pod, minor }) {
    if (minor >= 25 && isWindowsPod(pod)) return [];
    const violations: Violation[] = [];
    for (const container of pod.containers) {
      const capabilities = get(containerSecurityContext(container), 'capabilities');
      const capsPath = `${container.path}.securityContext.capabilities`;
      const drop = get(capabilities, 'drop');
      const dropped = listOf(drop);
      if (!pushIfUnknown(violations, drop, `${capsPath}.drop`, 'capabilities.drop') && !dropped.includes('ALL')) {
        // An entry not known yet may be ALL.
        violations.push(dropped.some(isUnknownValue)
          ? unknownAt(`${capsPath}.drop`, 'capabilities.drop')
          : { path: `${capsPath}.drop`, message: `unrestricted capabilities (${describeContainer(container)} must set securityContext.capabilities.drop=["ALL"])` });
      }
      const add = get(capabilities, 'add');
      if (pushIfUnknown(violations, add, `${capsPath}.add`, 'capabilities.add')) continue;
      listOf(add).forEach((capability, i) => {
        const path = `${capsPath}.add[${i}]`;
        if (pushIfUnknown(violations, capability, path, 'an added capability') || capability === 'NET_BIND_SERVICE') return;
        violations.push({ path, message: `unrestricted capabilities (${describeContainer(container)} must not include ${quote(capability)} in securityContext.capabilities.add)` });
      });
    }
    return violations;
  },
};
