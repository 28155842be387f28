import type { Violation, PodRule } from './rule';
import { cis, containerSecurityContext, describeContainer, exemptAsWindowsPod, get, listOf, nist, PASS, pss, pushIfUnknown, quote, restrictedOverridesBaseline } from './support/pss';
import { text } from './support/shared-text';

/** Capabilities a container runtime grants by default; adding any other widens the attack surface. */
const DEFAULT_CAPABILITIES = new Set([
  'AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT',
]);

export const capabilitiesBaseline: PodRule = {
  id: 'capabilities-baseline',
  pss: 'capabilities_baseline',
  title: 'Containers add no capabilities beyond the runtime defaults',
  remediation: 'Remove the listed capabilities from securityContext.capabilities.add; drop ALL and add back only what the process needs.',
  level: 'baseline',
  severity: 'high',
  controls: [pss('Capabilities'), ...cis('5.2.8', '5.2.9'), ...nist('4.4.3')],
  versions: { changes: [{ minor: 25, note: 'At restricted and hardened, pods with spec.os.name: windows pass: capabilities_restricted overrides this check there and exempts them.' }] },
  edition: 1,
  scope: 'pod',
  check({ pod, minor, config }) {
    // capabilities_restricted overrides this check and allows Windows pods.
    if (exemptAsWindowsPod(pod, minor) && restrictedOverridesBaseline(config.level)) return PASS;
    const violations: Violation[] = [];
    for (let j = 0; j < pod.containers.length; j++) {
      const container = pod.containers[j];
      const add = get(get(containerSecurityContext(container), 'capabilities'), 'add');
      if (add === undefined || add === null) continue;
      const addPath = text`${container.path}.securityContext.capabilities.add`;
      if (pushIfUnknown(violations, add, addPath, 'capabilities.add')) continue;
      const added = listOf(add);
      for (let i = 0; i < added.length; i++) {
        const capability = added[i];
        const path = text`${addPath}[${i}]`;
        if (pushIfUnknown(violations, capability, path, 'an added capability')) continue;
        if (typeof capability === 'string' && DEFAULT_CAPABILITIES.has(capability)) continue;
        violations.push({ path, message: text`non-default capabilities (${describeContainer(container)} must not include ${quote(capability)} in securityContext.capabilities.add)` });
      }
    }
    return violations;
  },
};
