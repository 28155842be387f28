import { NATIVE_SIDECAR_MINOR } from '../../model/kubernetes-versions';
import { isFields, isUnknownValue, type ContainerView, type Fields, type PodView } from '../../model/pod-view';
import { levelIncludes, type ControlMapping, type KubeMinor, type Level, type Violation } from '../rule';
import { quoted, text } from './shared-text';

/**
 * Shared reading helpers for the Pod Security Standards checks. Every reader tolerates wrong
 * types (the `well-formed-pod-spec` rule reports those), so a check never throws on odd input.
 */

/** The edition of the Pod Security Standards the controls are named after. */
export const PSS_EDITION = 'v1.37';
export const CIS_EDITION = 'v1.10';
export const NIST_EDITION = '2017';

export function pss(id: string): ControlMapping {
  return { framework: 'Pod Security Standards', edition: PSS_EDITION, id };
}
export function cis(...ids: string[]): ControlMapping[] {
  return ids.map((id) => ({ framework: 'CIS Kubernetes Benchmark', edition: CIS_EDITION, id }));
}
/** Controls narrowed to the findings at one field ({@link ControlMapping.field}). */
export function onField(field: string, controls: readonly ControlMapping[]): ControlMapping[] {
  return controls.map((control) => ({ ...control, field }));
}
/** NIST SP 800-190 names countermeasures, not fields: every mapping to it is an interpretation. */
export function nist(...ids: string[]): ControlMapping[] {
  return ids.map((id) => ({ framework: 'NIST SP 800-190', edition: NIST_EDITION, id, interpretation: true }));
}

/** A field of an object, or undefined when the holder is not an object. */
export function get(holder: unknown, key: string): unknown {
  return isFields(holder) ? holder[key] : undefined;
}

/** The pod-level securityContext when it is an object. */
export function podSecurityContext(pod: PodView): Fields | undefined {
  const sc = pod.spec.securityContext;
  return isFields(sc) ? sc : undefined;
}

/** A container's securityContext when it is an object. */
export function containerSecurityContext(container: ContainerView): Fields | undefined {
  const sc = container.container.securityContext;
  return isFields(sc) ? sc : undefined;
}

/**
 * `spec.os.name: windows`: the API server refuses the Linux-only fields (runAsUser, runAsGroup,
 * readOnlyRootFilesystem, capabilities, seccompProfile ...) in such a pod.
 */
export function isWindowsPod(pod: PodView): boolean {
  return get(pod.spec.os, 'name') === 'windows';
}

/**
 * `spec.os.name: windows` from 1.25: upstream's Linux-only restricted checks (allowPrivilegeEscalation,
 * capabilities_restricted, seccompProfile_restricted) allow these pods.
 */
export function exemptAsWindowsPod(pod: PodView, minor: KubeMinor): boolean {
  return minor >= 25 && isWindowsPod(pod);
}

/**
 * At restricted (and hardened, which includes it) upstream skips the baseline checks a restricted
 * check overrides (capabilities_baseline, seccompProfile_baseline, hostPathVolumes): the restricted
 * verdict stands for both. The baseline rules still run there to name what they find, but pass
 * what their restricted counterpart allows.
 */
export function restrictedOverridesBaseline(level: Level): boolean {
  return levelIncludes(level, 'restricted');
}

/**
 * Volume sources that keep data inside the pod's own objects, an OCI image, or go through a
 * PersistentVolumeClaim or CSI driver. Upstream allows `image` at every version (the check has one version).
 */
const RESTRICTED_VOLUME_SOURCES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'image', 'persistentVolumeClaim', 'projected', 'secret']);

/**
 * The source restrictedVolumes refuses a volume for (its first set source), or undefined when it
 * allows the volume: one allowed source is enough, as upstream tests those first. A volume with no
 * source at all is defaulted to emptyDir by the API server.
 */
export function forbiddenVolumeSource(volume: Fields): string | undefined {
  let forbidden: string | undefined;
  for (const key in volume) {
    if (key === 'name' || volume[key] === undefined || volume[key] === null) continue;
    if (RESTRICTED_VOLUME_SOURCES.has(key)) return undefined;
    forbidden ??= key;
  }
  return forbidden;
}

/**
 * Whether a container is a native sidecar at `minor`: an init container with `restartPolicy: Always`,
 * from the minor whose API server keeps the field (before, it drops it and the container is an
 * ordinary init container). `unknown` when such an init container's restartPolicy is not known yet.
 */
export function isSidecar(container: ContainerView, minor: KubeMinor): boolean | 'unknown' {
  if (container.field !== 'initContainers' || minor < NATIVE_SIDECAR_MINOR) return false;
  const restartPolicy = container.container.restartPolicy;
  return isUnknownValue(restartPolicy) ? 'unknown' : restartPolicy === 'Always';
}

/** `spec.hostUsers: false`: the pod runs in a user namespace (upstream relaxes some checks from 1.35). */
export function usesUserNamespace(pod: PodView): boolean {
  return pod.spec.hostUsers === false;
}

/** `"a", "b"`, as upstream quotes names in its reasons; shared (see shared-text.ts), so messages can be keyed by it. */
export function quote(value: unknown): string {
  return quoted(typeof value === 'string' ? value : textOf(value));
}

/** Any value as text; an object without a prototype (which String() cannot convert) as its JSON. */
function textOf(value: unknown): string {
  try {
    return String(value);
  } catch {
    return JSON.stringify(value) ?? Object.prototype.toString.call(value);
  }
}

/** A container's description in messages: `container "app"`, `init container "setup"`; shared (see shared-text.ts). */
export function describeContainer(container: ContainerView): string {
  const label = container.field === 'initContainers' ? 'init container' : container.field === 'ephemeralContainers' ? 'ephemeral container' : 'container';
  return container.name === undefined ? text`${label} "#${container.index}"` : text`${label} ${quoted(container.name)}`;
}

/** The result of a check that found nothing: shared, so passing checks allocate nothing. */
export const PASS: readonly Violation[] = Object.freeze([]);

/** A violation whose value is not known yet (a Pulumi output in preview). */
export function unknownAt(path: string, what: string): Violation {
  return { path, message: text`${what} is not known yet; it will be checked once the value is known`, unknown: true };
}

/** Pushes an `unknown` violation when the value is an unknown marker; true when it was. */
export function pushIfUnknown(violations: Violation[], value: unknown, path: string, what: string): boolean {
  if (!isUnknownValue(value)) return false;
  violations.push(unknownAt(path, what));
  return true;
}

/** Entries of a list field that is an array, else none. */
export function listOf(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : NO_ITEMS;
}

/** One empty list for every absent one: checks run for every container, most fields are absent. */
const NO_ITEMS: readonly unknown[] = Object.freeze([]);
