import type { KubeMinor, PodRule, Violation } from './rule';
import type { KubeObject } from '../model/kube-object';
import { NATIVE_SIDECAR_MINOR } from '../model/kubernetes-versions';
import { apiGroupOf, isFields, isUnknownValue, type ContainerView, type PodView } from '../model/pod-view';
import { describeContainer, get, pushIfUnknown, quote, unknownAt } from './support/pss';
import { text } from './support/shared-text';

/** Pods that run to completion (Jobs, CronJobs, KEDA ScaledJobs) have nothing to probe for readiness. */
const RUN_TO_COMPLETION = new Set(['Never', 'OnFailure']);

/** The probes every long-running container needs, in the order their findings are listed. */
const REQUIRED_PROBES = ['readinessProbe', 'livenessProbe'] as const;

/**
 * Whether the container runs for the pod's whole life: a regular container, or a native sidecar
 * (an init container with `restartPolicy: Always`, from the minor whose API server keeps the field).
 * Other init containers finish before the pod serves; ephemeral containers may not declare probes.
 * `unknown` when an init container's restartPolicy is not known yet.
 */
function longRunning(container: ContainerView, minor: KubeMinor): boolean | 'unknown' {
  if (container.field === 'containers') return true;
  if (container.field !== 'initContainers' || minor < NATIVE_SIDECAR_MINOR) return false;
  const restartPolicy = container.container.restartPolicy;
  return isUnknownValue(restartPolicy) ? 'unknown' : restartPolicy === 'Always';
}

/** Probes whose port the kubelet resolves against the container's own ports. */
const PROBES = ['readinessProbe', 'livenessProbe', 'startupProbe'] as const;
/** The probe handlers with a port that may be a name (grpc's is a number). */
const NAMED_PORT_HANDLERS = ['httpGet', 'tcpSocket'] as const;

/**
 * Probes on a port name that no port of the container declares. The API server admits them (it only
 * checks the name's form), but the kubelet looks the name up in the container's own ports and fails
 * the probe every time: the container never becomes ready, or is restarted forever.
 */
function checkProbePorts(violations: Violation[], container: ContainerView): void {
  for (let i = 0; i < PROBES.length; i++) {
    const probe = container.container[PROBES[i]];
    if (!isFields(probe)) continue;
    for (let h = 0; h < NAMED_PORT_HANDLERS.length; h++) {
      const port = get(probe[NAMED_PORT_HANDLERS[h]], 'port');
      if (typeof port !== 'string') continue;
      const path = text`${container.path}.${PROBES[i]}.${NAMED_PORT_HANDLERS[h]}.port`;
      if (pushIfUnknown(violations, port, path, text`the port of ${describeContainer(container)} ${PROBES[i]}`)) continue;
      const declared = declaresPort(container.container.ports, port);
      if (declared === 'unknown') violations.push(unknownAt(text`${container.path}.ports`, text`whether ${describeContainer(container)} declares the port ${quote(port)} its ${PROBES[i]} is on`));
      else if (!declared) violations.push({ path, message: text`${describeContainer(container)} ${PROBES[i]} is on port ${quote(port)}, which no port of the container is named: the kubelet fails the probe every time` });
    }
  }
}

/** Whether a port of the list is named `name`; `unknown` when the list or a name is not known yet. */
function declaresPort(ports: unknown, name: string): boolean | 'unknown' {
  if (isUnknownValue(ports)) return 'unknown';
  if (!Array.isArray(ports)) return false;
  let unknown = false;
  for (let i = 0; i < ports.length; i++) {
    const portName = get(ports[i], 'name');
    if (portName === name) return true;
    if (isUnknownValue(portName)) unknown = true;
  }
  return unknown ? 'unknown' : false;
}

/**
 * Knative Serving gives the container that serves (the only one, or one with ports) a TCP readiness
 * probe on its port when it declares none: a Knative Service or Configuration written without one
 * has it.
 */
function readinessDefaulted(object: KubeObject, pod: PodView, container: ContainerView): boolean {
  if (container.field !== 'containers' || apiGroupOf(object.apiVersion) !== 'serving.knative.dev') return false;
  const regular = pod.spec.containers;
  const ports = container.container.ports;
  return (Array.isArray(regular) && regular.length === 1) || (Array.isArray(ports) && ports.length > 0);
}

/**
 * Without a readiness probe traffic reaches a container before it can serve; without a liveness
 * probe a hung process is never restarted. Long-running containers need both.
 */
export const probes: PodRule = {
  id: 'probes',
  title: 'Long-running containers have liveness and readiness probes',
  remediation: 'Add a readinessProbe and a livenessProbe (httpGet, tcpSocket or grpc; exec needs a shell-less binary in the image) to every container, and to every sidecar init container (restartPolicy: Always); a probe on a named port needs a port of that name in the same container.',
  level: 'hardened',
  severity: 'low',
  // Availability rather than confidentiality: no CIS Kubernetes or NIST SP 800-190 control names probes.
  controls: [],
  edition: 1,
  versions: { changes: [{ minor: NATIVE_SIDECAR_MINOR, note: 'Init containers with restartPolicy: Always are sidecars that need probes; before, the API server drops the field and they are ordinary init containers.' }] },
  scope: 'pod',
  check({ pod, object, minor }) {
    const restartPolicy = pod.spec.restartPolicy;
    if (typeof restartPolicy === 'string' && RUN_TO_COMPLETION.has(restartPolicy)) return 'not-applicable';
    const violations: Violation[] = [];
    for (let i = 0; i < pod.containers.length; i++) {
      const container = pod.containers[i];
      const runs = longRunning(container, minor);
      if (runs === false) continue;
      if (runs === true) checkProbePorts(violations, container);
      for (let j = 0; j < REQUIRED_PROBES.length; j++) {
        const probe = REQUIRED_PROBES[j];
        const value = container.container[probe];
        if (value !== undefined && value !== null && !isUnknownValue(value)) continue;
        if (probe === 'readinessProbe' && value == null && readinessDefaulted(object, pod, container)) continue;
        if (runs === 'unknown') {
          // Whether the probe is needed waits on the restartPolicy: one finding for the container.
          violations.push(unknownAt(text`${container.path}.restartPolicy`, text`whether ${describeContainer(container)} is a sidecar that needs probes`));
          break;
        }
        if (isUnknownValue(restartPolicy)) {
          // A pod that runs to completion needs none: one finding for the container, waiting on the pod's restartPolicy.
          violations.push(unknownAt(text`${pod.specPath}.restartPolicy`, text`whether the pod runs to completion (so that ${describeContainer(container)} needs no probes)`));
          break;
        }
        const path = text`${container.path}.${probe}`;
        if (pushIfUnknown(violations, value, path, probe)) continue;
        const sidecar = container.field === 'initContainers' ? ' (a sidecar: restartPolicy Always)' : '';
        violations.push({ path, message: text`${describeContainer(container)}${sidecar} has no ${probe}` });
      }
    }
    return violations;
  },
};
