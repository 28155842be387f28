import type { Violation, PodRule } from './rule';
import { isUnknownValue } from '../model/pod-view';
import { cis, containerSecurityContext, describeContainer, exemptAsWindowsPod, get, listOf, nist, onField, PASS, pss, quote, unknownAt } from './support/pss';
import { text } from './support/shared-text';

/** Containers drop ALL capabilities and may add back only NET_BIND_SERVICE. */
export const capabilitiesRestricted: PodRule = {
  id: 'capabilities-restricted',
  pss: 'capabilities_restricted',
  title: 'Containers drop all capabilities',
  remediation: 'Set securityContext.capabilities.drop: ["ALL"] on every container, and add back at most NET_BIND_SERVICE.',
  level: 'restricted',
  severity: 'high',
  // CIS 5.2.9 is about capabilities added; one not dropped bears on 5.2.8 (NET_RAW is granted by default) and 5.2.10.
  controls: [pss('Capabilities'), ...cis('5.2.8'), ...onField('capabilities.add', cis('5.2.9')), ...cis('5.2.10'), ...nist('4.4.3')],
  versions: { since: 22, changes: [{ minor: 25, note: 'Pods with spec.os.name: windows are exempt.' }] },
  edition: 1,
  scope: 'pod',
  check({ pod, minor }) {
    if (exemptAsWindowsPod(pod, minor)) return PASS;
    let violations: Violation[] | undefined;
    for (let j = 0; j < pod.containers.length; j++) {
      const container = pod.containers[j];
      const capabilities = get(containerSecurityContext(container), 'capabilities');
      const drop = get(capabilities, 'drop');
      const dropped = listOf(drop);
      if (!dropped.includes('ALL')) {
        const path = text`${container.path}${CAPABILITIES}.drop`;
        // The list, or an entry of it, not known yet may hold ALL.
        (violations ??= []).push(isUnknownValue(drop) || dropped.some(isUnknownValue)
          ? unknownAt(path, 'capabilities.drop')
          : { path, message: text`unrestricted capabilities (${describeContainer(container)} must set securityContext.capabilities.drop=["ALL"])` });
      }
      const add = get(capabilities, 'add');
      if (isUnknownValue(add)) {
        (violations ??= []).push(unknownAt(text`${container.path}${CAPABILITIES}.add`, 'capabilities.add'));
        continue;
      }
      const added = listOf(add);
      for (let i = 0; i < added.length; i++) {
        const capability = added[i];
        if (capability === 'NET_BIND_SERVICE') continue;
        const path = text`${container.path}${CAPABILITIES}.add[${i}]`;
        (violations ??= []).push(isUnknownValue(capability)
          ? unknownAt(path, 'an added capability')
          : { path, message: text`unrestricted capabilities (${describeContainer(container)} must not include ${quote(capability)} in securityContext.capabilities.add)` });
      }
    }
    return violations ?? PASS;
  },
};

const CAPABILITIES = '.securityContext.capabilities';
