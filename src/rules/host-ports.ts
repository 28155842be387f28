import type { Violation, PodRule } from './rule';
import { isFields } from '../model/pod-view';
import { cis, describeContainer, listOf, nist, pss, pushIfUnknown } from './support/pss';
import { text } from './support/shared-text';

/** A hostPort binds the node's port: it bypasses network policy and limits scheduling. */
export const hostPorts: PodRule = {
  id: 'host-ports',
  pss: 'hostPorts',
  title: 'Containers do not bind host ports',
  remediation: 'Remove hostPort from container ports; expose the port through a Service instead.',
  level: 'baseline',
  severity: 'high',
  controls: [pss('HostPorts'), ...cis('5.2.13'), ...nist('4.4.2')],
  edition: 1,
  scope: 'pod',
  check({ pod }) {
    const violations: Violation[] = [];
    for (let j = 0; j < pod.containers.length; j++) {
      const container = pod.containers[j];
      const ports = listOf(container.container.ports);
      for (let i = 0; i < ports.length; i++) {
        const port = ports[i];
        if (!isFields(port)) continue;
        const path = text`${container.path}.ports[${i}].hostPort`;
        const value = port.hostPort;
        if (pushIfUnknown(violations, value, path, 'hostPort')) continue;
        if (value !== undefined && value !== null && value !== 0) {
          violations.push({ path, message: text`hostPort (${describeContainer(container)} uses hostPort ${String(value)})` });
        }
      }
    }
    return violations;
  },
};
