import type { InputIndex, PodRule, Violation } from './rule';
import type { ClusterContext } from '../engine/config';
import type { KubeObject } from '../model/kube-object';
import { containerDefaults, limitRangeProblems } from '../model/limit-range';
import { asWritten } from '../model/not-known-yet';
import { isUnknownValue, type ContainerView } from '../model/pod-view';
import { parseQuantity } from '../model/quantity';
import { clusterObjects, KUBERNETES_GROUPS, namespaceOf } from './support/hardened';
import { describeContainer, get, nist, quote } from './support/pss';
import { booleanSetting } from './support/settings';
import { text } from './support/shared-text';

/**
 * Without requests the scheduler cannot place the pod fairly; without limits one container can
 * starve its node. The CPU limit may be made optional (`hardened.requireCpuLimit: false`), since
 * CPU limits throttle latency-sensitive services and CPU is compressible.
 */
export const resources: PodRule = {
  id: 'resources',
  title: 'Containers declare resource requests and limits',
  remediation: 'Set resources.requests.cpu, resources.requests.memory and resources.limits.memory (and resources.limits.cpu unless the config makes it optional) on every container, or from Kubernetes 1.34 in the pod\'s spec.resources for the containers that set none; a LimitRange of the namespace that gives defaults (in the input, or declared in the config\'s cluster.objects) bounds the containers that set none too.',
  level: 'hardened',
  severity: 'medium',
  // No CIS Kubernetes control covers resource bounds; NIST SP 800-190 4.4.3 (insecure runtime
  // configuration) is the closest countermeasure.
  controls: [...nist('4.4.3')],
  versions: { changes: [{ minor: 34, note: 'The pod\'s spec.resources (PodLevelResources, on by default) bounds the containers that set none.' }] },
  edition: 1,
  scope: 'pod',
  // The LimitRanges of the input: the LimitRanger admission plugin writes their defaults into containers.
  readsInput: true,
  settings: { requireCpuLimit: booleanSetting('requireCpuLimit') },
  check({ pod, config, minor, object, input }) {
    const requireCpuLimit = config.hardened.requireCpuLimit !== false;
    // Before 1.34 the PodLevelResources gate is off by default and the API server drops spec.resources.
    const podLevel = minor >= POD_LEVEL_RESOURCES ? podLevelBounds(pod.spec.resources) : NO_BOUNDS;
    // Read only for a container that misses a bound or a limit, and only when some LimitRange exists at all.
    const limitRanges = limitRangesOf(input, config.cluster);
    let defaults: LimitRangeDefaults | undefined;
    const violations: Violation[] = [];
    for (let i = 0; i < pod.containers.length; i++) {
      const container = pod.containers[i];
      // Ephemeral containers may not declare resources; they share the pod's.
      if (container.field === 'ephemeralContainers') continue;
      const base = text`${container.path}.resources`;
      const res = container.container.resources;
      if (isUnknownValue(res)) {
        violations.push({ path: base, message: text`resources of ${describeContainer(container)} are not known yet`, unknown: true });
        continue;
      }
      const limits = get(res, 'limits');
      const requests = get(res, 'requests');
      let missing = missingFields(requests, limits, podLevel, NO_BOUNDS, requireCpuLimit);
      if (limitRanges !== undefined && (missing !== undefined || requestWithoutLimit(requests, limits))) {
        defaults ??= limitRanges.defaultsFor(namespaceOf(object));
        if (missing !== undefined && defaults !== NO_DEFAULTS) missing = missingFields(requests, limits, podLevel, defaults, requireCpuLimit);
        addAboveDefaultLimits(container, base, requests, limits, defaults, violations);
      }
      if (missing !== undefined) {
        const unknown = isUnknownValue(limits) || isUnknownValue(requests);
        violations.push({ path: base, message: text`${describeContainer(container)} must set ${missing}`, ...(unknown ? { unknown } : {}) });
      }
      addRefusedValues(container, base, requests, limits, requireCpuLimit, violations);
    }
    return violations;
  },
};

/**
 * Values that declare nothing a cluster would run (otherwise they would count as set): a request or
 * limit that is not a quantity or is negative, which the API server refuses (or, for a bare sign or
 * dot, reads as 0), a request above its limit, which it refuses, and a required request or limit of
 * 0, which bounds nothing (the kubelet sets no limit of 0, and a request of 0 reserves nothing).
 */
function addRefusedValues(
  container: ContainerView, base: string, requests: unknown, limits: unknown, requireCpuLimit: boolean, out: Violation[],
): void {
  for (let i = 0; i < RESOURCE_NAMES.length; i++) {
    const name = RESOURCE_NAMES[i];
    const request = amountOf(get(requests, name));
    const limit = amountOf(get(limits, name));
    if (Number.isNaN(request)) out.push(notAQuantity(container, base, 'requests', name, get(requests, name)));
    if (Number.isNaN(limit)) out.push(notAQuantity(container, base, 'limits', name, get(limits, name)));
    if (request === 0) out.push(zero(container, base, 'requests', name, get(requests, name), 'which reserves nothing for it'));
    // The API server copies a limit to an absent request, so a limit of 0 then zeroes the request too.
    if (limit === 0 && (name === 'memory' || requireCpuLimit || !isSet(get(requests, name)))) {
      const copied = isSet(get(requests, name)) ? '' : ' (and, copied to the absent request, reserves nothing)';
      out.push(zero(container, base, 'limits', name, get(limits, name), text`which sets no limit at all${copied}`));
    }
    if (request !== undefined && limit !== undefined && request > limit) {
      out.push({
        path: text`${base}.requests.${name}`,
        message: text`${describeContainer(container)} requests more ${name} (${quote(get(requests, name))}) than its limit (${quote(get(limits, name))}), which the API server refuses: lower the request or raise the limit`,
      });
    }
  }
}

/**
 * The fields a container leaves unbounded, `a, b`, or undefined. The API server defaults a missing
 * request to the limit, so a limit alone bounds both; a pod-level request reserves for, and a
 * pod-level limit bounds, the containers that set none; so do the defaults a LimitRange writes.
 */
function missingFields(requests: unknown, limits: unknown, podLevel: Bounds, defaults: Bounds, requireCpuLimit: boolean): string | undefined {
  let missing: string | undefined;
  for (let j = 0; j < RESOURCE_NAMES.length; j++) {
    const name = RESOURCE_NAMES[j];
    const limit = isSet(get(limits, name));
    if (!isSet(get(requests, name)) && !limit && !podLevel[name].request && !defaults[name].request) missing = listed(missing, REQUEST_FIELDS[name]);
    if (!limit && !podLevel[name].limit && !defaults[name].limit && (name === 'memory' || requireCpuLimit)) missing = listed(missing, LIMIT_FIELDS[name]);
  }
  return missing;
}

/** The LimitRanges an evaluation knows of, with the defaults they write per namespace, worked out once each. */
interface LimitRanges {
  defaultsFor(namespace: string | undefined): LimitRangeDefaults;
}

/** What the LimitRanges of a namespace give, with the default limits as written (the first of several). */
type LimitRangeDefaults = Bounds & { readonly limits: Readonly<Partial<Record<ResourceName, unknown>>> };

/**
 * Per input index (an evaluation's own), or per cluster context when there is none (a Pulumi
 * transform): undefined when neither holds a LimitRange, as most evaluations do not.
 */
const LIMIT_RANGES = new WeakMap<InputIndex | ClusterContext, LimitRanges | null>();

function limitRangesOf(input: InputIndex | undefined, cluster: ClusterContext): LimitRanges | undefined {
  const key = input ?? cluster;
  let found = LIMIT_RANGES.get(key);
  if (found === undefined) LIMIT_RANGES.set(key, (found = readLimitRanges(input, cluster)));
  return found ?? undefined;
}

function readLimitRanges(input: InputIndex | undefined, cluster: ClusterContext): LimitRanges | null {
  // One the API server refuses is never created: it writes nothing.
  const inInput = (input === undefined ? [] : input.byKind('LimitRange', KUBERNETES_GROUPS.LimitRange)).filter(isAdmitted);
  const declared = clusterObjects(cluster, 'LimitRange').filter(isAdmitted);
  if (inInput.length === 0 && declared.length === 0) return null;
  const byNamespace = new Map<string | undefined, LimitRangeDefaults>();
  return {
    defaultsFor(namespace) {
      let bounds = byNamespace.get(namespace);
      if (bounds === undefined) {
        // The input's of the namespace (namespace-less output with its namespace-less ones, installed
        // together); a declared one without a namespace stands for one in every namespace.
        const ranges: KubeObject[] = [];
        for (let i = 0; i < inInput.length; i++) if (namespaceOf(inInput[i]) === namespace) ranges.push(inInput[i]);
        for (let i = 0; i < declared.length; i++) {
          const at = namespaceOf(declared[i]);
          if (at === undefined || at === namespace) ranges.push(declared[i]);
        }
        byNamespace.set(namespace, (bounds = limitRangeDefaults(ranges)));
      }
      return bounds;
    },
  };
}

/** In a preview, values not known yet are not judged: the LimitRange counts, and reading such a value is unknown. */
function isAdmitted(range: KubeObject): boolean {
  return limitRangeProblems(asWritten(range)).length === 0;
}

/**
 * What the LimitRanger admission plugin writes into a container that sets no request or limit of
 * a resource: each Container item's defaults ({@link containerDefaults}). Several LimitRanges add up
 * (the first to give a value writes it). Only amounts above 0 count.
 */
function limitRangeDefaults(ranges: readonly KubeObject[]): LimitRangeDefaults {
  if (ranges.length === 0) return NO_DEFAULTS;
  const cpu = { request: false, limit: false }, memory = { request: false, limit: false };
  const limits: Partial<Record<ResourceName, unknown>> = {};
  const out = { cpu, memory, limits };
  for (let i = 0; i < ranges.length; i++) {
    const items = get(ranges[i].spec, 'limits');
    if (!Array.isArray(items)) continue;
    for (let j = 0; j < items.length; j++) {
      const item: unknown = items[j];
      if (get(item, 'type') !== 'Container') continue;
      for (let k = 0; k < RESOURCE_NAMES.length; k++) {
        const name = RESOURCE_NAMES[k];
        const { limit, request } = containerDefaults(item, name);
        if (isDeclared(limit)) out[name].limit = true;
        if (limit !== undefined && limits[name] === undefined) limits[name] = limit;
        if (isDeclared(request)) out[name].request = true;
      }
    }
  }
  return out;
}

/** Whether the container sets a request of a resource without its limit, which a LimitRange may then write. */
function requestWithoutLimit(requests: unknown, limits: unknown): boolean {
  for (let i = 0; i < RESOURCE_NAMES.length; i++) if (isSet(get(requests, RESOURCE_NAMES[i])) && !isSet(get(limits, RESOURCE_NAMES[i]))) return true;
  return false;
}

/** A request above the default limit a LimitRange writes beside it: the API server refuses the pod. */
function addAboveDefaultLimits(
  container: ContainerView, base: string, requests: unknown, limits: unknown, defaults: LimitRangeDefaults, out: Violation[],
): void {
  for (let i = 0; i < RESOURCE_NAMES.length; i++) {
    const name = RESOURCE_NAMES[i];
    const written = defaults.limits[name];
    if (written === undefined || isSet(get(limits, name))) continue;
    const request = amountOf(get(requests, name));
    const limit = amountOf(written);
    if (request === undefined || limit === undefined || !(request > limit)) continue;
    out.push({
      path: text`${base}.requests.${name}`,
      message: text`${describeContainer(container)} requests more ${name} (${quote(get(requests, name))}) than the default limit (${quote(written)}) a LimitRange of its namespace writes for it, which the API server refuses: lower the request or set a limit`,
    });
  }
}

/** The first minor whose API server keeps a pod's spec.resources by default (PodLevelResources beta). */
const POD_LEVEL_RESOURCES = 34;

/** Whether a request and a limit are given per resource (by the pod's own spec.resources, or LimitRange defaults). */
type Bounds = Readonly<Record<ResourceName, { readonly request: boolean; readonly limit: boolean }>>;
const NO_BOUNDS: Bounds = Object.freeze({ cpu: { request: false, limit: false }, memory: { request: false, limit: false } });
/** A namespace without LimitRanges: nothing written. */
const NO_DEFAULTS: LimitRangeDefaults = Object.freeze({ ...NO_BOUNDS, limits: {} });

/**
 * A pod-level limit bounds every container that sets none (the kubelet gives it the pod's limit as
 * its own), and a pod-level request is what the scheduler reserves; without a pod-level request, the
 * API server defaults it to the pod-level limit. Only amounts above 0 count.
 */
function podLevelBounds(podResources: unknown): Bounds {
  if (podResources === undefined || podResources === null) return NO_BOUNDS;
  const requests = get(podResources, 'requests');
  const limits = get(podResources, 'limits');
  const bounds = (name: ResourceName) => {
    const limit = isDeclared(get(limits, name));
    return { request: limit || isDeclared(get(requests, name)), limit };
  };
  return { cpu: bounds('cpu'), memory: bounds('memory') };
}

/** A quantity above 0, or a value not known yet. */
function isDeclared(value: unknown): boolean {
  if (isUnknownValue(value)) return true;
  const amount = amountOf(value);
  return amount !== undefined && amount > 0;
}

const RESOURCE_NAMES = ['cpu', 'memory'] as const;
type ResourceName = typeof RESOURCE_NAMES[number];
const REQUEST_FIELDS = { cpu: 'resources.requests.cpu', memory: 'resources.requests.memory' } as const;
const LIMIT_FIELDS = { cpu: 'resources.limits.cpu', memory: 'resources.limits.memory' } as const;

/** `a, b`: a list of fields, shared per combination. */
function listed(list: string | undefined, field: string): string {
  return list === undefined ? field : text`${list}, ${field}`;
}

/** A request or limit as a number: undefined when absent or not known yet, NaN when not a quantity of 0 or more. */
function amountOf(value: unknown): number | undefined {
  if (value === undefined || value === null || isUnknownValue(value)) return undefined;
  const amount = typeof value === 'number' ? value : typeof value === 'string' ? quantityOf(value) : undefined;
  return amount === undefined || amount < 0 ? NaN : amount;
}

function zero(container: ContainerView, base: string, kind: string, name: ResourceName, value: unknown, effect: string): Violation {
  return {
    path: text`${base}.${kind}.${name}`,
    message: text`${describeContainer(container)} sets resources.${kind}.${name} to ${quote(value)}, ${effect}: give a quantity above 0 such as ${EXAMPLES[name]}`,
  };
}

const EXAMPLES = { cpu: '100m or 1', memory: '128Mi or 1Gi' } as const;

function notAQuantity(container: ContainerView, base: string, kind: string, name: string, value: unknown): Violation {
  return {
    path: text`${base}.${kind}.${name}`,
    message: text`${describeContainer(container)} sets resources.${kind}.${name} to ${quote(value)}, which is not a resource quantity of 0 or more: give one such as 500m, 2 or 256Mi`,
  };
}

/** Manifests repeat a few quantities (`100m`, `128Mi`) thousands of times: each is parsed once. */
const QUANTITIES = new Map<string, number | undefined>();
const MAX_CACHED_QUANTITIES = 1_000;

function quantityOf(written: string): number | undefined {
  if (QUANTITIES.has(written)) return QUANTITIES.get(written);
  const amount = parseQuantity(written);
  if (QUANTITIES.size < MAX_CACHED_QUANTITIES) QUANTITIES.set(written, amount);
  return amount;
}

function isSet(value: unknown): boolean {
  return (typeof value === 'string' && value.trim() !== '') || typeof value === 'number' || isUnknownValue(value);
}
