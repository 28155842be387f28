import { qualifiedNameProblem } from './api-values';
import type { KubeObject } from './kube-object';
import { describeType, isFields, isUnknownValue, objectItems, shapeProblem, type Fields, type ObjectList, type ShapeProblem } from './pod-view';
import { quantityNanos } from './quantity';

/**
 * What the API server refuses in a LimitRange's spec (ValidateLimitRange, after decoding and
 * defaulting): each refused field at its path, none when it admits the LimitRange. A refused one is
 * never created: it writes no defaults into containers and bounds nothing. Values not known yet
 * (a Pulumi preview's) are not judged.
 * @internal
 */
export function limitRangeProblems(written: KubeObject): ShapeProblem[] {
  const problems: ShapeProblem[] = [];
  const spec = written.spec;
  if (spec === undefined || spec === null) return problems;
  if (!isFields(spec)) {
    problems.push(shapeProblem('spec', spec, `spec must be an object (limits), got ${describeType(spec)}`));
    return problems;
  }
  // The first item of each type: the API server allows one item per type.
  const types = new Map<string, string>();
  // A null item is read as an empty one, which has no type: refused as not an object.
  for (const [item, at] of objectItems(spec.limits, 'spec.limits', ITEMS, problems)) {
    const type = limitType(item.type, `${at}.type`, problems);
    if (type !== undefined) {
      const first = types.get(type);
      if (first === undefined) types.set(type, at);
      else problems.push({ path: `${at}.type`, message: `type ${JSON.stringify(type)} is given again (first in ${first}): a LimitRange has one item per type; merge the two` });
    }
    checkItem(item, at, type === undefined && isUnknownValue(item.type) ? undefined : type ?? '', problems);
  }
  return problems;
}

const ITEMS: ObjectList = {
  field: 'limits', plural: 'LimitRange items', singular: 'a LimitRange item', fields: 'a type and min, max, default, defaultRequest or maxLimitRequestRatio',
};

const LIMIT_TYPES: readonly string[] = ['Container', 'Pod', 'PersistentVolumeClaim'];
const TYPE_EXPECTED = '"Container", "Pod" or "PersistentVolumeClaim" (or a fully qualified type, such as example.com/pool)';

/** The item's type when it is one the API server accepts, else undefined (a problem, or not known yet). */
function limitType(type: unknown, path: string, problems: ShapeProblem[]): string | undefined {
  if (isUnknownValue(type)) return undefined;
  // Absent or null, the type is empty.
  const text = type ?? '';
  if (typeof text !== 'string') {
    problems.push(shapeProblem(path, type, `type must be a string, ${TYPE_EXPECTED}, got ${describeType(type)}`));
    return undefined;
  }
  const problem = text === '' ? undefined : qualifiedNameProblem(text);
  if (text === '' || problem !== undefined || (!text.includes('/') && !LIMIT_TYPES.includes(text))) {
    problems.push({ path, message: `type must be ${TYPE_EXPECTED}, got ${describeType(type)}${problem === undefined ? '' : `: ${problem}`}` });
    return undefined;
  }
  return text;
}

const QUANTITY_MAPS = ['max', 'min', 'default', 'defaultRequest', 'maxLimitRequestRatio'] as const;
type QuantityMap = typeof QUANTITY_MAPS[number];
/** The amounts of a map by resource name, in billionths; a value not known yet, or refused, has none. */
type Amounts = ReadonlyMap<string, bigint>;

/**
 * An item's maps: resource names and quantities, then how they compare. `type` is '' for a refused
 * type (whose names are judged as any type's), undefined when not known yet.
 */
function checkItem(item: Fields, at: string, type: string | undefined, problems: ShapeProblem[]): void {
  const amounts = {} as Record<QuantityMap, Amounts>;
  const keys = new Set<string>();
  for (const field of QUANTITY_MAPS) {
    const map = item[field];
    const path = `${at}.${field}`;
    const found = new Map<string, bigint>();
    amounts[field] = found;
    if (map === undefined || map === null) continue;
    if (!isFields(map)) {
      problems.push(shapeProblem(path, map, `${field} must be a map of resource names to quantities (such as memory: 256Mi), got ${describeType(map)}`));
      continue;
    }
    const names = Object.keys(map);
    for (const name of names) {
      const value = map[name];
      if (isUnknownValue(value)) continue;
      const amount = quantityNanos(value);
      if (amount === undefined) problems.push({ path: `${path}.${name}`, message: `${field} of ${name} must be a resource quantity (such as 500m, 2 or 256Mi), got ${describeType(value)}` });
      else found.set(name, amount);
    }
    // A Pod's limits bound the sum of its containers': LimitRanger writes defaults only into containers.
    if (type === 'Pod' && (field === 'default' || field === 'defaultRequest')) {
      if (names.length > 0) problems.push({ path, message: `a limit of type "Pod" cannot have ${field}: LimitRanger writes defaults into containers, so give them in an item of type "Container"` });
      continue;
    }
    for (const name of names) {
      keys.add(name);
      const problem = resourceNameProblem(name, type);
      if (problem !== undefined) problems.push({ path: `${path}.${name}`, message: `${JSON.stringify(name)} is no resource a limit${type ? ` of type ${JSON.stringify(type)}` : ''} can name: ${problem}` });
    }
  }
  // A claim's LimitRange bounds the storage it requests.
  if (type === 'PersistentVolumeClaim' && !hasKey(item.min, 'storage') && !hasKey(item.max, 'storage')) {
    problems.push({ path: at, message: 'a limit of type "PersistentVolumeClaim" needs min.storage or max.storage, got neither' });
  }
  for (const name of keys) compareAmounts(item, at, name, amounts, type, problems);
}

function hasKey(map: unknown, key: string): boolean {
  return isFields(map) && Object.prototype.hasOwnProperty.call(map, key);
}

const STANDARD_RESOURCES: ReadonlySet<string> = new Set([
  'cpu', 'memory', 'ephemeral-storage', 'requests.cpu', 'requests.memory', 'requests.ephemeral-storage', 'limits.cpu', 'limits.memory',
  'limits.ephemeral-storage', 'pods', 'resourcequotas', 'services', 'replicationcontrollers', 'secrets', 'configmaps', 'persistentvolumeclaims',
  'storage', 'requests.storage', 'services.nodeports', 'services.loadbalancers',
]);
const CONTAINER_RESOURCES: ReadonlySet<string> = new Set(['cpu', 'memory', 'ephemeral-storage']);
const HUGE_PAGES = 'hugepages-';

/**
 * Why the API server refuses `name` as a resource of a limit of the type: a qualified name, a
 * standard resource unless it has a domain, and for a Pod or a Container one a container can
 * request (an extended resource when it has a domain other than kubernetes.io).
 */
function resourceNameProblem(name: string, type: string | undefined): string | undefined {
  const problem = name === '' ? 'it is empty' : qualifiedNameProblem(name);
  if (problem !== undefined) return problem;
  const qualified = name.includes('/');
  if (!qualified && !STANDARD_RESOURCES.has(name) && !name.startsWith(HUGE_PAGES) && !name.startsWith(`requests.${HUGE_PAGES}`)) {
    return 'it is neither a standard resource (such as cpu, memory, ephemeral-storage or storage) nor fully qualified (such as example.com/gpu)';
  }
  if (type !== 'Pod' && type !== 'Container') return undefined;
  if (!qualified) {
    return CONTAINER_RESOURCES.has(name) || name.startsWith(HUGE_PAGES) ? undefined : 'a container requests cpu, memory, ephemeral-storage, hugepages-<size> or an extended resource (such as example.com/gpu)';
  }
  // Quota names an extended resource requests.<name>, which must be a qualified name too.
  if (!isNativeResource(name) && (name.startsWith('requests.') || qualifiedNameProblem(`requests.${name}`) !== undefined)) {
    return 'it is not an extended resource name: a domain and a name, not starting with "requests.", that a quota can name as requests.<name>';
  }
  return undefined;
}

/** A resource of Kubernetes itself: no domain, or one of kubernetes.io. */
function isNativeResource(name: string): boolean {
  return !name.includes('/') || name.includes('kubernetes.io/');
}

/** GPUs, huge pages and other resources that cannot be overcommitted: a default request must equal the default limit. */
function isOvercommitAllowed(name: string): boolean {
  return isNativeResource(name) && !name.startsWith(HUGE_PAGES);
}

const ONE = 10n ** 9n;
const MILLI = 10n ** 6n;
/** Go's largest int64 milli-value: beyond it, amounts compare as whole units. */
const MAX_MILLI_VALUE = (2n ** 63n - 1n) / 1000n;

/**
 * How the API server compares one resource's values: min <= defaultRequest <= default <= max, a
 * maxLimitRequestRatio from 1 to max/min, and a default request equal to the default limit for a
 * resource that cannot be overcommitted. A Container's default is taken from max, and its
 * defaultRequest from default, then min, when absent: a comparison with a value so taken repeats one
 * of the given values, and is not made again (except for a default request that must equal max).
 */
function compareAmounts(
  item: Fields, at: string, name: string, amounts: Record<QuantityMap, Amounts>, type: string | undefined, problems: ShapeProblem[],
): void {
  const written = (field: QuantityMap): string => {
    const value = (item[field] as Fields)[name];
    return typeof value === 'string' ? JSON.stringify(value) : String(value);
  };
  const problem = (field: QuantityMap, message: string): void => {
    problems.push({ path: `${at}.${field}.${name}`, message: `${message}: the API server requires min <= defaultRequest <= default <= max` });
  };
  const min = amounts.min.get(name), max = amounts.max.get(name);
  const limit = amounts.default.get(name), request = amounts.defaultRequest.get(name), ratio = amounts.maxLimitRequestRatio.get(name);
  if (min !== undefined && max !== undefined && min > max) problem('min', `min of ${name} (${written('min')}) is above its max (${written('max')})`);
  if (request !== undefined && min !== undefined && min > request) problem('defaultRequest', `defaultRequest of ${name} (${written('defaultRequest')}) is below its min (${written('min')})`);
  if (request !== undefined && max !== undefined && request > max) problem('defaultRequest', `defaultRequest of ${name} (${written('defaultRequest')}) is above its max (${written('max')})`);
  if (request !== undefined && limit !== undefined && request > limit) problem('defaultRequest', `defaultRequest of ${name} (${written('defaultRequest')}) is above its default (${written('default')})`);
  if (limit !== undefined && min !== undefined && min > limit) problem('default', `default of ${name} (${written('default')}) is below its min (${written('min')})`);
  if (limit !== undefined && max !== undefined && limit > max) problem('default', `default of ${name} (${written('default')}) is above its max (${written('max')})`);
  if (ratio !== undefined) {
    const path = `${at}.maxLimitRequestRatio.${name}`;
    if (ratio < ONE) {
      problems.push({ path, message: `maxLimitRequestRatio of ${name} (${written('maxLimitRequestRatio')}) is below 1: a limit is never below its request, so the ratio must be 1 or more` });
    } else if (min !== undefined && max !== undefined && ratioAboveMaxOverMin(ratio, min, max)) {
      problems.push({ path, message: `maxLimitRequestRatio of ${name} (${written('maxLimitRequestRatio')}) is above max / min (${written('max')} / ${written('min')}): no container within them could use it` });
    }
  }
  if (isOvercommitAllowed(name) || request === undefined) return;
  if (limit !== undefined && limit !== request) {
    problems.push({ path: `${at}.defaultRequest.${name}`, message: `defaultRequest of ${name} (${written('defaultRequest')}) must equal its default (${written('default')}): ${name} cannot be overcommitted` });
  } else if (limit === undefined && type === 'Container' && max !== undefined && max !== request && !hasKey(item.default, name)) {
    problems.push({ path: `${at}.defaultRequest.${name}`, message: `defaultRequest of ${name} (${written('defaultRequest')}) must equal its max (${written('max')}), which the API server takes as its default: ${name} cannot be overcommitted` });
  }
}

/**
 * Whether the ratio is above max / min as the API server works it out: in floats, from milli-units
 * when every value fits in them, else from units, each rounded away from zero.
 */
function ratioAboveMaxOverMin(ratio: bigint, min: bigint, max: bigint): boolean {
  const units = [ratio, min, max].map((v) => roundAway(v, ONE));
  const fine = units.every((v) => v < MAX_MILLI_VALUE);
  const [r, low, high] = fine ? [ratio, min, max].map((v) => roundAway(v, MILLI)) : units;
  return (fine ? Number(r) / 1000 : Number(r)) > Number(high) / Number(low);
}

function roundAway(value: bigint, unit: bigint): bigint {
  const whole = value / unit;
  if (whole * unit === value) return whole;
  return value > 0n ? whole + 1n : whole - 1n;
}

/**
 * What a Container item of a LimitRange the API server admits writes into a container that sets no
 * request or limit of the resource, as the server stores the item: `default`, else `max`, into its
 * limits; `defaultRequest`, else that limit, else `min`, into its requests. A given null is 0 (and
 * stands); undefined when nothing is written. Only the values taken are read: in a preview, another
 * may not be known yet.
 * @internal
 */
export function containerDefaults(item: unknown, name: string): { readonly limit: unknown; readonly request: unknown } {
  const limit = storedValue(item, 'default', name) ?? storedValue(item, 'max', name);
  return { limit, request: storedValue(item, 'defaultRequest', name) ?? limit ?? storedValue(item, 'min', name) };
}

function storedValue(item: unknown, field: QuantityMap, name: string): unknown {
  const map = isFields(item) ? item[field] : undefined;
  if (!hasKey(map, name)) return undefined;
  return (map as Fields)[name] ?? 0;
}
