import type { KubeMinor, ObjectRule, Violation } from './rule';
import { NATIVE_SIDECAR_MINOR } from '../model/kubernetes-versions';
import { isUnknownValue, type ContainerView, type PodView } from '../model/pod-view';
import { containerSecurityContext, describeContainer, get, isSidecar, podSecurityContext, pushIfUnknown, unknownAt } from './support/pss';
import { text } from './support/shared-text';

/**
 * HostProcess containers are beta and on by default from Kubernetes 1.23 (the WindowsHostProcessContainers
 * gate; alpha and off in 1.22, the field unknown before): from then the API server checks that the pod's
 * HostProcess settings agree.
 */
const HOST_PROCESS_MINOR = 23;

/** A `windowsOptions.hostProcess` as the server reads it: true, false, unset (`undefined`), or not known yet. */
type HostProcess = boolean | undefined | 'unknown';

function hostProcessOf(securityContext: unknown): HostProcess {
  const value = get(get(securityContext, 'windowsOptions'), 'hostProcess');
  if (isUnknownValue(value)) return 'unknown';
  // Another type is a shape problem of its own: the server refuses it while decoding.
  return typeof value === 'boolean' ? value : undefined;
}

/**
 * What the API server refuses in the HostProcess settings of a pod (validateWindowsHostProcessPod in
 * k8s.io/kubernetes pkg/apis/core/validation): a container's `hostProcess` that differs from the pod's,
 * HostProcess containers beside others (a container is one when it sets `hostProcess: true`, or sets
 * nothing and the pod does), and HostProcess containers without `hostNetwork: true`.
 */
function hostProcessProblems(pod: PodView, violations: Violation[]): void {
  const podPath = text`${pod.specPath}.securityContext.windowsOptions.hostProcess`;
  const podValue = hostProcessOf(podSecurityContext(pod));
  if (podValue === 'unknown') {
    violations.push(unknownAt(podPath, 'whether the pod\'s HostProcess settings agree'));
    return;
  }
  let hostProcess: ContainerView | undefined;
  let other: ContainerView | undefined;
  for (let i = 0; i < pod.containers.length; i++) {
    const container = pod.containers[i];
    const value = hostProcessOf(containerSecurityContext(container));
    const path = text`${container.path}.securityContext.windowsOptions.hostProcess`;
    if (value === 'unknown') {
      violations.push(unknownAt(path, 'whether the pod\'s HostProcess settings agree'));
      return;
    }
    if (podValue !== undefined && value !== undefined && value !== podValue) {
      violations.push({
        path,
        message: text`${describeContainer(container)} sets hostProcess: ${String(value)} while the pod sets hostProcess: ${String(podValue)}, which the API server refuses: set it only on the pod, or to the same value`,
      });
    }
    if (value ?? podValue) hostProcess ??= container;
    else other ??= container;
  }
  if (!hostProcess) return;
  if (other) {
    violations.push({
      path: pod.specPath,
      message: text`${describeContainer(hostProcess)} is a HostProcess container and ${describeContainer(other)} is not, which the API server refuses: either every container of the pod is a HostProcess container or none is`,
    });
  }
  const hostNetwork = pod.spec.hostNetwork;
  const hostNetworkPath = text`${pod.specPath}.hostNetwork`;
  if (isUnknownValue(hostNetwork)) violations.push(unknownAt(hostNetworkPath, 'whether the pod with HostProcess containers sets hostNetwork: true'));
  else if (hostNetwork !== true) violations.push({ path: hostNetworkPath, message: 'the pod runs HostProcess containers without hostNetwork: true, which the API server refuses: set hostNetwork: true' });
}

/** What only a sidecar may have among init containers, each as messages name it. */
const SIDECAR_ONLY_FIELDS = [
  ['livenessProbe', 'a livenessProbe'], ['readinessProbe', 'a readinessProbe'], ['startupProbe', 'a startupProbe'], ['lifecycle', 'lifecycle hooks'],
] as const;

/**
 * Probes and lifecycle hooks on an init container that is no sidecar, which the API server refuses
 * ("may not be set for init containers without restartPolicy=Always", validateInitContainers in
 * pkg/apis/core/validation). Before 1.29 no init container is a sidecar: 1.28's server drops an init
 * container's restartPolicy, as its SidecarContainers gate is alpha and off (v1.28.0
 * pkg/features/kube_features.go; dropDisabledFields in pkg/api/pod/util.go), and then refuses the
 * probes of what is left an ordinary init container (validateInitContainers of v1.28.0); earlier
 * servers know no restartPolicy there at all.
 */
function initContainerProblems(pod: PodView, minor: KubeMinor, violations: Violation[]): void {
  for (let i = 0; i < pod.containers.length; i++) {
    const container = pod.containers[i];
    if (container.field !== 'initContainers') continue;
    const sidecar = isSidecar(container, minor);
    if (sidecar === true) continue;
    for (let j = 0; j < SIDECAR_ONLY_FIELDS.length; j++) {
      const [field, what] = SIDECAR_ONLY_FIELDS[j];
      const value = container.container[field];
      if (value === undefined || value === null) continue;
      const path = text`${container.path}.${field}`;
      if (sidecar === 'unknown') {
        // One finding for the container: all its fields wait on whether it is a sidecar.
        violations.push(unknownAt(text`${container.path}.restartPolicy`, text`whether ${describeContainer(container)} is a sidecar, which may have ${what}`));
        break;
      }
      if (pushIfUnknown(violations, value, path, text`whether ${describeContainer(container)} has ${what}`)) continue;
      violations.push({
        path,
        message: minor >= NATIVE_SIDECAR_MINOR || container.container.restartPolicy !== 'Always'
          ? text`${describeContainer(container)} has ${what}, which the API server refuses on an init container without restartPolicy: Always: remove it, or make the container a sidecar (restartPolicy: Always)`
          : text`${describeContainer(container)} has ${what}, which the API server refuses before Kubernetes 1.${NATIVE_SIDECAR_MINOR}: it drops restartPolicy: Always from init containers there (native sidecars are off), so the container is an ordinary init container; remove it, or run the sidecar as a regular container`,
      });
    }
  }
}

/** The checks of what the server refuses that depend on the Kubernetes version, for every pod of the object. */
function versionedProblems(pods: readonly PodView[], minor: KubeMinor): Violation[] {
  const violations: Violation[] = [];
  for (let i = 0; i < pods.length; i++) {
    if (minor >= HOST_PROCESS_MINOR) hostProcessProblems(pods[i], violations);
    initContainerProblems(pods[i], minor, violations);
  }
  return violations;
}

/**
 * Fields of the wrong type (`containers: {}`, `capabilities: "ALL"`), and a pod spec without any
 * container (`containers` missing or empty, e.g. misspelt `container:`), would make every other check
 * read nothing and pass; this rule turns each into a finding instead. So are the fields the API server
 * refuses for the OS a pod names (`readOnlyRootFilesystem` in a Windows pod): the checks that exempt
 * Windows pods would pass a pod that is never created. And ephemeral containers in a pod template or a
 * Pod to create, which the server refuses there: they would be judged as if they ran. And, as the
 * Kubernetes version judged has them, HostProcess settings the server refuses together and probes or
 * lifecycle hooks on an init container that is no sidecar.
 */
export const wellFormedPodSpec: ObjectRule = {
  id: 'well-formed-pod-spec',
  title: 'Pod specs have the types and fields Kubernetes accepts',
  remediation: 'Fix the field to the type the Kubernetes API expects, or remove a field it refuses there (see the message); the API server would reject the pod, and hardpod cannot judge it.',
  level: 'baseline',
  severity: 'high',
  controls: [],
  edition: 1,
  versions: {
    changes: [
      { minor: HOST_PROCESS_MINOR, note: 'The HostProcess settings of a pod must agree: the pod\'s and each container\'s hostProcess, every container a HostProcess container or none, and hostNetwork: true with them.' },
      { minor: NATIVE_SIDECAR_MINOR, note: 'Init containers with restartPolicy: Always are sidecars, which may have probes and lifecycle hooks; before, the API server drops the field and refuses them, as on every other init container.' },
    ],
  },
  scope: 'object',
  check({ pods, shapeProblems, minor }) {
    if (pods.length === 0 && shapeProblems.length === 0) return 'not-applicable';
    const versioned = versionedProblems(pods, minor);
    return versioned.length === 0 ? shapeProblems : [...shapeProblems, ...versioned];
  },
};
