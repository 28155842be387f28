import type { Violation, PodRule } from './rule';
import { cis, describeContainer, get, nist, pss, pushIfUnknown, quote } from './support/pss';

const PROBES = ['livenessProbe', 'readinessProbe', 'startupProbe'] as const;
const LIFECYCLE_HANDLERS = ['postStart', 'preStop'] as const;
const HANDLER_KINDS = ['httpGet', 'tcpSocket'] as const;

/** A probe or hook with a host lets the kubelet reach other hosts on the pod's behalf. */
export const hostProbesAndHostLifecycle: PodRule = {
  id: 'host-probes-and-host-lifecycle',
  pss: 'hostProbesAndHostLifecycle',
  title: 'Probes and lifecycle hooks do not name a host',
  remediation: 'Remove the host field from httpGet and tcpSocket probes and lifecycle handlers; they then target the pod itself.',
  level: 'baseline',
  severity: 'medium',
  controls: [pss('Host Probes / Lifecycle Hooks'), ...cis('5.7.3'), ...nist('4.4.3')],
  versions: { since: 34 },
  edition: 1,
  scope: 'pod',
  check({ pod }) {
    const violations: Violation[] = [];
    const visit = (describe: string, handler: unknown, handlerPath: string): void => {
      for (const kind of HANDLER_KINDS) {
        const host = get(get(handler, kind), 'host');
        const path = `${handlerPath}.${kind}.host`;
        if (host === undefined || host === null || host === '' || pushIfUnknown(violations, host, path, `${kind}.host`)) continue;
        violations.push({ path, message: `probe or lifecycle host (${describe} uses probe or lifecycle host ${quote(host)})` });
      }
    };
    for (const container of pod.containers) {
      const describe = describeContainer(container);
      for (const probe of PROBES) visit(describe, container.container[probe], `${container.path}.${probe}`);
      const lifecycle = container.container.lifecycle;
      for (const handler of LIFECYCLE_HANDLERS) visit(describe, get(lifecycle, handler), `${container.path}.lifecycle.${handler}`);
    }
    return violations;
  },
};
