import type { Violation, PodRule } from './rule';
import type { ContainerView } from '../model/pod-view';
import { cis, describeContainer, get, nist, pss, pushIfUnknown, quote } from './support/pss';
import { text } from './support/shared-text';

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
    let violations: Violation[] | undefined;
    for (let i = 0; i < pod.containers.length; i++) {
      const container = pod.containers[i];
      for (let j = 0; j < PROBES.length; j++) {
        const probe = PROBES[j];
        const handler = container.container[probe];
        if (handler !== undefined && handler !== null) violations = checkHandler(container, handler, `.${probe}`, violations);
      }
      const lifecycle = container.container.lifecycle;
      if (lifecycle === undefined || lifecycle === null) continue;
      for (let j = 0; j < LIFECYCLE_HANDLERS.length; j++) {
        const name = LIFECYCLE_HANDLERS[j];
        const handler = get(lifecycle, name);
        if (handler !== undefined && handler !== null) violations = checkHandler(container, handler, `.lifecycle.${name}`, violations);
      }
    }
    return violations ?? [];
  },
};

/** Adds a violation per httpGet or tcpSocket host of one probe or handler; paths are built only for violations. */
function checkHandler(container: ContainerView, handler: unknown, suffix: string, violations: Violation[] | undefined): Violation[] | undefined {
  for (let i = 0; i < HANDLER_KINDS.length; i++) {
    const kind = HANDLER_KINDS[i];
    const host = get(get(handler, kind), 'host');
    if (host === undefined || host === null || host === '') continue;
    const path = text`${container.path}${suffix}.${kind}.host`;
    violations ??= [];
    if (!pushIfUnknown(violations, host, path, `${kind}.host`)) {
      violations.push({ path, message: text`probe or lifecycle host (${describeContainer(container)} uses probe or lifecycle host ${quote(host)})` });
    }
  }
  return violations;
}
