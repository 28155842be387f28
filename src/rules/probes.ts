import type { KubeMinor, PodRule, Violation } from './rule';
import type { KubeObject } from '../model/kube-object';
import { NATIVE_SIDECAR_MINOR } from '../model/kubernetes-versions';
import { apiGroupOf, isFields, isUnknownValue, type ContainerView, type Fields, type PodView } from '../model/pod-view';
import { describeContainer, get, isSidecar, pushIfUnknown, quote, unknownAt } from './support/pss';
import { text } from './support/shared-text';

/** Pods that run to completion (Jobs, CronJobs, KEDA ScaledJobs) have nothing to probe for readiness. */
const RUN_TO_COMPLETION = new Set(['Never', 'OnFailure']);

/** The probes every long-running container needs, in the order their findings are listed. */
const REQUIRED_PROBES = ['readinessProbe', 'livenessProbe'] as const;

/**
 * Whether the container runs for the pod's whole life: a regular container, or a native sidecar.
 * Other init containers finish before the pod serves; ephemeral containers may not declare probes.
 * `unknown` when an init container's restartPolicy is not known yet.
 */
function longRunning(container: ContainerView, minor: KubeMinor): boolean | 'unknown' {
  return container.field === 'containers' || isSidecar(container, minor);
}

/** Probes whose port the kubelet resolves against the container's own ports. */
const PROBES = ['readinessProbe', 'livenessProbe', 'startupProbe'] as const;
/** The probe handlers with a port that may be a name (grpc's is a number). */
const NAMED_PORT_HANDLERS = ['httpGet', 'tcpSocket'] as const;
/** What the kubelet does when a probe fails every time. */
const PROBE_FAILS = 'the kubelet fails the probe every time';

/**
 * Lifecycle hooks, each with what a hook that always fails does: the kubelet kills a container whose
 * postStart hook fails, and goes on stopping one whose preStop hook fails
 * (pkg/kubelet/kuberuntime/kuberuntime_container.go, startContainer and executePreStopHook).
 */
const HOOKS = [
  ['postStart', 'postStart hook', 'and kills the container'],
  ['preStop', 'preStop hook', 'and stops the container without it'],
] as const;

/**
 * Probes and lifecycle hooks on a port name that no port of the container declares. The API server
 * admits them (it only checks the name's form), but the kubelet looks the name up in the container's
 * own ports and fails the probe or hook every time: the container never becomes ready, is restarted
 * forever, or (a postStart hook) is killed as it starts. They are this rule's, not well-formed-pod-spec's
 * (which says what the server refuses): like a missing probe, they break the container at run time.
 */
function checkPorts(violations: Violation[], container: ContainerView): void {
  for (let i = 0; i < PROBES.length; i++) {
    const probe = container.container[PROBES[i]];
    if (!isFields(probe)) continue;
    for (let h = 0; h < NAMED_PORT_HANDLERS.length; h++) {
      checkNamedPort(violations, container, probe, PROBES[i], NAMED_PORT_HANDLERS[h], PROBES[i], PROBE_FAILS);
    }
  }
  const lifecycle = container.container.lifecycle;
  if (!isFields(lifecycle)) return;
  for (let i = 0; i < HOOKS.length; i++) {
    const [field, what, consequence] = HOOKS[i];
    const hook = lifecycle[field];
    if (!isFields(hook)) continue;
    const hookField = text`lifecycle.${field}`;
    const fails = text`the kubelet fails the hook every time ${consequence}`;
    checkNamedPort(violations, container, hook, hookField, 'httpGet', what, fails);
    // A tcpSocket hook is kept in the API for compatibility only: the kubelet runs exec, httpGet and
    // sleep hooks and fails any other (pkg/kubelet/lifecycle/handlers.go, handlerRunner.Run).
    const tcpSocket = hook.tcpSocket;
    if (tcpSocket === undefined || tcpSocket === null) continue;
    const path = text`${container.path}.${hookField}.tcpSocket`;
    if (pushIfUnknown(violations, tcpSocket, path, text`whether ${describeContainer(container)} ${what} uses tcpSocket`)) continue;
    violations.push({ path, message: text`${describeContainer(container)} ${what} uses tcpSocket, which is not a hook the kubelet runs: ${fails}; use httpGet, exec or sleep` });
  }
}

/**
 * A probe or hook (`handler`, at `field` of the container) whose `kind` handler is on a port name the
 * container does not declare; `what` names it in messages, `fails` says what the kubelet then does.
 */
function checkNamedPort(
  violations: Violation[], container: ContainerView, handler: Fields, field: string, kind: 'httpGet' | 'tcpSocket', what: string, fails: string,
): void {
  const port = get(handler[kind], 'port');
  if (typeof port !== 'string') return;
  const path = text`${container.path}.${field}.${kind}.port`;
  if (pushIfUnknown(violations, port, path, text`the port of ${describeContainer(container)} ${what}`)) return;
  const declared = declaresPort(container.container.ports, port);
  if (declared === 'unknown') violations.push(unknownAt(text`${container.path}.ports`, text`whether ${describeContainer(container)} declares the port ${quote(port)} its ${what} is on`));
  else if (!declared) violations.push({ path, message: text`${describeContainer(container)} ${what} is on port ${quote(port)}, which no port of the container is named: ${fails}` });
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
 * probe a hung process is never restarted. Long-running containers need both, and probes and hooks
 * that the kubelet can run: one that always fails breaks the container as surely as a missing one.
 */
export const probes: PodRule = {
  id: 'probes',
  title: 'Long-running containers have liveness and readiness probes, and probes and lifecycle hooks that can succeed',
  remediation: 'Add a readinessProbe and a livenessProbe (httpGet, tcpSocket or grpc; exec needs a shell-less binary in the image) to every container, and to every sidecar init container (restartPolicy: Always); a probe or httpGet hook on a named port needs a port of that name in the same container, and a lifecycle hook uses httpGet, exec or sleep (the kubelet does not run tcpSocket hooks).',
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
      if (runs === true) checkPorts(violations, container);
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
