import type { Violation, PodRule } from './rule';
import { isFields } from '../model/pod-view';
import { cis, listOf, nist, PASS, podSecurityContext, pss, pushIfUnknown, quote } from './support/pss';
import { text } from './support/shared-text';

/** The safe (namespaced, isolated) sysctls, as the list grew by Kubernetes minor. */
const SAFE_1_0 = ['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_unprivileged_port_start'];
const SAFE_1_27 = [...SAFE_1_0, 'net.ipv4.ip_local_reserved_ports'];
const SAFE_1_29 = [...SAFE_1_27, 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes'];
const SAFE_1_32 = [...SAFE_1_29, 'net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem'];
const SAFE_1_37 = [...SAFE_1_32, 'net.ipv4.tcp_slow_start_after_idle', 'net.ipv4.tcp_notsent_lowat'];
/** Newest first, so lookup finds the list of the highest minor not above the judged one. */
const SAFE_BY_MINOR: readonly (readonly [number, ReadonlySet<string>])[] = [
  [37, new Set(SAFE_1_37)], [32, new Set(SAFE_1_32)], [29, new Set(SAFE_1_29)], [27, new Set(SAFE_1_27)], [0, new Set(SAFE_1_0)],
];

/** The safe sysctls at a Kubernetes minor. */
export function safeSysctls(minor: number): ReadonlySet<string> {
  // An index loop, not `for (const [since, names] of ...)`: destructuring runs the iterator protocol
  // per entry, which costs a microsecond a call before V8 optimizes it, and this runs once per pod.
  for (let i = 0; i < SAFE_BY_MINOR.length; i++) if (minor >= SAFE_BY_MINOR[i][0]) return SAFE_BY_MINOR[i][1];
  return SAFE_BY_MINOR[SAFE_BY_MINOR.length - 1][1];
}

/** Unsafe sysctls can disable security mechanisms or affect every pod on the node. */
export const sysctls: PodRule = {
  id: 'sysctls',
  pss: 'sysctls',
  title: 'Pods set only safe sysctls',
  remediation: 'Remove sysctls outside the safe set from spec.securityContext.sysctls (see the Kubernetes list of safe sysctls for the target version).',
  level: 'baseline',
  severity: 'high',
  controls: [pss('Sysctls'), ...cis('5.7.3'), ...nist('4.4.3')],
  versions: {
    changes: [
      { minor: 27, note: 'net.ipv4.ip_local_reserved_ports becomes safe.' },
      { minor: 29, note: 'net.ipv4.tcp_keepalive_time, tcp_fin_timeout, tcp_keepalive_intvl and tcp_keepalive_probes become safe.' },
      { minor: 32, note: 'net.ipv4.tcp_rmem and net.ipv4.tcp_wmem become safe.' },
      { minor: 37, note: 'net.ipv4.tcp_slow_start_after_idle and net.ipv4.tcp_notsent_lowat become safe.' },
    ],
  },
  edition: 1,
  scope: 'pod',
  check({ pod, minor }) {
    const entries = listOf(podSecurityContext(pod)?.sysctls);
    if (entries.length === 0) return PASS;
    const safe = safeSysctls(minor);
    const violations: Violation[] = [];
    const basePath = text`${pod.specPath}.securityContext.sysctls`;
    for (let i = 0; i < entries.length; i++) {
      const sysctl = entries[i];
      const name = isFields(sysctl) ? sysctl.name : sysctl;
      const path = text`${basePath}[${i}].name`;
      if (pushIfUnknown(violations, name, path, 'sysctl name')) continue;
      if (typeof name === 'string' && safe.has(name)) continue;
      violations.push({ path, message: text`forbidden sysctls (${typeof name === 'string' ? name : quote(name)})` });
    }
    return violations;
  },
};
