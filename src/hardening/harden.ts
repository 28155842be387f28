import type { Container, PodSpec } from 'kubernetes-types/core/v1';
import {
  KEEP, REMOVE, SECURE_DEFAULTS,
  type ContainerFieldDefault, type HardeningOptions, type PodFieldDefault, type RuleId,
} from './secure-defaults';
import { valueAtPath } from '../model/field-path';
import type { KubeObject } from '../model/kube-object';
import { CONTAINER_LIST_FIELDS, expandLists, extractPodViews, type ExtractOptions } from '../model/pod-view';

/** One change harden() made, with the reason and the rule it satisfies. */
export interface HardeningChange {
  /** Path from the object root, e.g. `spec.template.spec.containers[0].securityContext.privileged`. */
  readonly path: string;
  /** Value before (undefined when the field was absent). */
  readonly from: unknown;
  /** Value after (undefined when the field was removed). */
  readonly to: unknown;
  readonly reason: string;
  /** The rule the change satisfies; absent for defence-in-depth defaults without a rule. */
  readonly rule?: RuleId;
  /** Id of the secure-defaults entry that made the change. */
  readonly default: string;
}

export interface HardenResult<T> {
  readonly object: T;
  readonly changes: readonly HardeningChange[];
}

const CONTAINER_DEFAULTS = SECURE_DEFAULTS.filter((d): d is ContainerFieldDefault => d.scope === 'container');
const POD_DEFAULTS = SECURE_DEFAULTS.filter((d): d is PodFieldDefault => d.scope === 'pod');

type Mutable = Record<string, unknown>;

function setPath(target: Mutable, path: readonly string[], value: unknown): void {
  let current = target;
  for (const key of path.slice(0, -1)) {
    const next = current[key];
    if (next === null || typeof next !== 'object') current[key] = {};
    current = current[key] as Mutable;
  }
  current[path[path.length - 1]] = value;
}

function removePath(target: Mutable, path: readonly string[]): void {
  const parent = valueAtPath(target, path.slice(0, -1));
  if (parent && typeof parent === 'object') delete (parent as Mutable)[path[path.length - 1]];
}

function apply(
  target: Mutable,
  path: readonly string[],
  outcome: unknown,
  prefix: string,
  entry: PodFieldDefault | ContainerFieldDefault,
  changes: HardeningChange[] | undefined,
): void {
  if (outcome === KEEP) return;
  const from = valueAtPath(target, path);
  if (outcome === REMOVE) removePath(target, path);
  else setPath(target, path, outcome);
  changes?.push({
    path: `${prefix}${path.join('.')}`,
    from,
    to: outcome === REMOVE ? undefined : outcome,
    reason: entry.reason,
    rule: entry.rules[0],
    default: entry.id,
  });
}

/**
 * Applies the secure-defaults table to a pod spec in place. The builders call this on specs they
 * just created; harden() calls it on a copy. `prefix` is the pod spec's path in its object.
 */
export function applySecureDefaults(pod: PodSpec, options: HardeningOptions = {}, prefix = '', changes?: HardeningChange[]): void {
  const windows = pod.os?.name === 'windows';
  for (const entry of POD_DEFAULTS) {
    if (windows && entry.linuxOnly) continue;
    apply(pod as unknown as Mutable, entry.path, entry.secure(valueAtPath(pod, entry.path), pod, options), prefix, entry, changes);
  }
  for (const list of CONTAINER_LIST_FIELDS) {
    const containers = pod[list] as Container[] | undefined;
    if (!containers) continue;
    containers.forEach((container, index) => {
      const containerPrefix = `${prefix}${list}[${index}].`;
      for (const entry of CONTAINER_DEFAULTS) {
        if ((windows && entry.linuxOnly) || !entry.lists.includes(list)) continue;
        const outcome = entry.secure(valueAtPath(container, entry.path), container, pod, options);
        apply(container as unknown as Mutable, entry.path, outcome, containerPrefix, entry, changes);
      }
    });
  }
}

/** Options of harden(): the secure defaults' inputs, plus custom workload kinds to look into. */
export interface HardenOptions extends HardeningOptions, ExtractOptions {}

/**
 * Returns a hardened copy of any workload object (Pod, Deployment, StatefulSet, DaemonSet,
 * ReplicaSet, ReplicationController, Job, CronJob, PodTemplate, a v1 List of them, or a custom
 * kind mapped in `workloadKinds`) and every change made, each with its reason and rule. Objects
 * without a pod template come back unchanged.
 * Pure and idempotent: harden(harden(x).object) makes no changes.
 */
export function harden<T extends KubeObject>(object: T, options: HardenOptions = {}): HardenResult<T> {
  const copy = structuredClone(object) as T;
  const changes: HardeningChange[] = [];
  for (const item of expandLists(copy)) {
    for (const view of extractPodViews(item.object, options).views) {
      // A malformed pod spec is shown as a frozen empty object: nothing to harden there.
      if (Object.isFrozen(view.spec)) continue;
      const prefix = item.path ? `${item.path}.${view.specPath}.` : `${view.specPath}.`;
      applySecureDefaults(view.spec as unknown as PodSpec, options, prefix, changes);
    }
  }
  return { object: copy, changes };
}
