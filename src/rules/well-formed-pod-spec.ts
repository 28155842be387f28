import type { KubeMinor, ObjectRule, Violation } from './rule';
import { isUnknownValue, type ContainerView, type PodView } from '../model/pod-view';
import { containerSecurityContext, describeContainer, get, podSecurityContext, unknownAt } from './support/pss';
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

/** The checks of what the server refuses that depend on the Kubernetes version, for every pod of the object. */
function versionedProblems(pods: readonly PodView[], minor: KubeMinor): Violation[] {
  const violations: Violation[] = [];
  for (let i = 0; i < pods.length; i++) {
    if (minor >= HOST_PROCESS_MINOR) hostProcessProblems(pods[i], violations);
  }
  return violations;
}

/**
 * Fields of the wrong type (`containers: {}`, `capabilities: "ALL"`), and a pod spec without any
 * container (`containers` missing or empty, e.g. misspelt `container:`), would make every other check
 * read nothing and pass; this rule turns each into a finding instead. So are the fields the API server
 * refuses for the OS a pod names (`readOnlyRootFilesystem` in a Windows pod): the checks that exempt
 * Windows pods would pass a pod that is never created. And ephemeral containers in a pod template or a
 * Pod to create, which the server refuses there: they would be judged as if they ran. And HostProcess
 * settings the server refuses together, from the version it checks them.
 */
export const wellFormedPodSpec: ObjectRule = {
  id: 'well-formed-pod-spec',
  title: 'Pod specs have the types and fields Kubernetes accepts',
  remediation: 'Fix the field to the type the Kubernetes API expects, or remove a field it refuses there (see the message); the API server would reject the pod, and hardpod cannot judge it.',
  level: 'baseline',
  severity: 'high',
  controls: [],
  edition: 1,
  versions: { changes: [{ minor: HOST_PROCESS_MINOR, note: 'The HostProcess settings of a pod must agree: the pod\'s and each container\'s hostProcess, every container a HostProcess container or none, and hostNetwork: true with them.' }] },
  scope: 'object',
  check({ pods, shapeProblems, minor }) {
    if (pods.length === 0 && shapeProblems.length === 0) return 'not-applicable';
    const versioned = versionedProblems(pods, minor);
    return versioned.length === 0 ? shapeProblems : [...shapeProblems, ...versioned];
  },
};
