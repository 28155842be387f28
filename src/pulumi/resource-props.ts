import type { ResolvedConfig } from '../engine/config';
import type { Finding } from '../engine/report';
import type { HardeningChange } from '../hardening/harden';
import { SECURE_DEFAULTS } from '../hardening/secure-defaults';
import { parseFieldPath } from '../model/field-path';
import type { KubeObject, SourceLocation } from '../model/kube-object';
import { UNKNOWN_VALUE, extractPodViews, isFields } from '../model/pod-view';
import { qualifiedKind } from '../reporters/shared';

/**
 * Turns Pulumi resource properties (as policies and transforms receive them) into plain
 * Kubernetes objects the core can check, and puts values the core cannot hold back afterwards.
 *
 * Pulumi hands a resource's properties over in three forms: policy arguments wrapped in a proxy
 * that throws on a value unknown during preview, transform arguments that hold `Output`s and
 * secret markers, and plain data under mocks. The core sees one form: plain JSON, where a value
 * not known yet is the engine's unknown marker {@link UNKNOWN_VALUE}, so rules report it as
 * `unknown` (never as a pass).
 */

/** A property value the core cannot read (an unknown, an `Output`, a secret marker), kept aside with its path. */
export interface OpaqueValue {
  readonly path: readonly (string | number)[];
  readonly value: unknown;
}

/** A plain copy of resource properties plus the values that were replaced by {@link UNKNOWN_VALUE}. */
export interface CheckableProps {
  readonly plain: Record<string, unknown>;
  readonly opaque: readonly OpaqueValue[];
}

/**
 * Decides what is opaque. `readThrows` says a read threw because the value is unknown (the policy
 * proxy's `UnknownValueError`); `isOpaque` recognises an opaque value that reads fine (an Output).
 */
export interface OpacityTest {
  /** True when a read threw because the value is unknown. @default no read error is expected */
  readonly readThrows?: (error: unknown) => boolean;
  /** True for a value that reads fine but cannot be judged now (an Output). @default only the unknown marker and class instances */
  readonly isOpaque?: (value: unknown) => boolean;
  /**
   * Read below @pulumi/policy's proxies, so that values they would unwrap on reading (secrets in
   * remediation inputs) are kept as they are and put back by {@link restoreOpaque}.
   * @default false
   */
  readonly unwrapPolicyProxies?: boolean;
}

/** Property names @pulumi/policy's proxies answer to, giving the object they wrap. */
const IS_POLICY_PROXY = '__isSpecialProxy';
const POLICY_PROXY_TARGET = '__getSpecialProxyTarget';

/** The plain object below @pulumi/policy's proxies (unknowns as the engine's marker), or the value itself. */
export function unwrapPolicyProxy(value: unknown): unknown {
  let current = value;
  for (let i = 0; i < 4 && typeof current === 'object' && current !== null; i++) {
    const fields = current as Record<string, unknown>;
    if (fields[IS_POLICY_PROXY] !== true) break;
    current = fields[POLICY_PROXY_TARGET];
  }
  return current;
}

const MAX_DEPTH = 64;

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  if (!isFields(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * Copies resource properties into plain JSON. Values the core cannot read become
 * {@link UNKNOWN_VALUE} and are listed in `opaque` with their path, so {@link restoreOpaque} can put
 * them back into a rewritten copy.
 */
export function toCheckable(props: unknown, test: OpacityTest = {}): CheckableProps {
  const opaque: OpaqueValue[] = [];
  const copy = (raw: unknown, path: (string | number)[]): unknown => {
    const value = test.unwrapPolicyProxies ? unwrapPolicyProxy(raw) : raw;
    if (value === UNKNOWN_VALUE || (test.isOpaque?.(value) ?? false)) {
      opaque.push({ path, value });
      return UNKNOWN_VALUE;
    }
    if (path.length > MAX_DEPTH) return value;
    if (Array.isArray(value)) {
      const out: unknown[] = [];
      for (let i = 0; i < value.length; i++) out.push(read(value, i, path));
      return out;
    }
    // Proxies of plain objects report Object.prototype; class instances (assets, resources) stay opaque.
    if (isPlainRecord(value)) {
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(value)) {
        const field = read(value, key, path);
        if (field !== undefined) out[key] = field;
      }
      return out;
    }
    if (typeof value === 'object' && value !== null) {
      opaque.push({ path, value });
      return UNKNOWN_VALUE;
    }
    return value;
  };
  const read = (container: object, key: string | number, path: (string | number)[]): unknown => {
    let value: unknown;
    try {
      value = (container as Record<string | number, unknown>)[key];
    } catch (error) {
      if (!test.readThrows?.(error)) throw error;
      // The proxy's own copy of the unknown is not reachable; the engine's marker stands for it.
      opaque.push({ path: [...path, key], value: UNKNOWN_VALUE });
      return UNKNOWN_VALUE;
    }
    return copy(value, [...path, key]);
  };
  const plain = copy(props, []);
  return { plain: isPlainRecord(plain) ? plain : {}, opaque };
}

/**
 * Puts opaque values back at their paths in a rewritten copy (for example after harden()).
 * A path whose value the rewrite replaced with a known value keeps the new value.
 */
export function restoreOpaque(rewritten: Record<string, unknown>, opaque: readonly OpaqueValue[]): Record<string, unknown> {
  for (const { path, value } of opaque) {
    let parent: unknown = rewritten;
    for (const key of path.slice(0, -1)) {
      parent = isFields(parent) || Array.isArray(parent) ? (parent as Record<string | number, unknown>)[key] : undefined;
    }
    const last = path[path.length - 1];
    if ((isFields(parent) || Array.isArray(parent)) && (parent as Record<string | number, unknown>)[last] === UNKNOWN_VALUE) {
      (parent as Record<string | number, unknown>)[last] = value;
    }
  }
  return rewritten;
}

/** Pulumi type tokens of @pulumi/kubernetes that are not Kubernetes objects themselves. */
const NON_OBJECT_MODULES = new Set(['helm.sh/v3', 'helm.sh/v4', 'yaml', 'yaml/v2', 'kustomize', 'kustomize/v2']);

/**
 * The Kubernetes apiVersion and kind a @pulumi/kubernetes type token stands for:
 * `kubernetes:apps/v1:Deployment` -> `apps/v1` `Deployment`, `kubernetes:core/v1:Pod` -> `v1` `Pod`.
 * Undefined for tokens that are not Kubernetes objects (providers, Helm releases and charts,
 * YAML and kustomize components).
 */
export function kubernetesTypeOf(type: string): { apiVersion: string; kind: string } | undefined {
  return isPatchType(type) ? undefined : typeTokenParts(type);
}

function typeTokenParts(type: string): { apiVersion: string; kind: string } | undefined {
  const match = /^kubernetes:([^:]+):([^:]+)$/.exec(type);
  if (!match) return undefined;
  const [, module, kind] = match;
  if (NON_OBJECT_MODULES.has(module) || !module.includes('/')) return undefined;
  const [group, version] = module.split('/', 2);
  return { apiVersion: group === 'core' ? version : `${group}/${version}`, kind };
}

/**
 * True for @pulumi/kubernetes patch resources (`kubernetes:apps/v1:DeploymentPatch` ...): partial
 * server-side-apply patches of an object that exists elsewhere, so judging one as a complete object
 * would report fields the patch merely leaves alone, and rewriting one would take ownership of them.
 */
export function isPatchType(type: string): boolean {
  return /^kubernetes:[^:]+:[^:]+Patch$/.test(type) && typeTokenParts(type) !== undefined;
}

/**
 * The object a patch resource patches, as far as the patch spells it out (apiVersion and kind of
 * the patched kind), so callers can tell whether it touches a pod template. Undefined for other types.
 */
export function patchedObjectOf(type: string, plain: Record<string, unknown>): KubeObject | undefined {
  const parts = isPatchType(type) ? typeTokenParts(type) : undefined;
  return parts ? withTypeOf(parts.apiVersion, parts.kind.slice(0, -'Patch'.length), plain) : undefined;
}

function withTypeOf(apiVersion: string, kind: string, plain: Record<string, unknown>): KubeObject {
  // A typed list's items are objects of its kind, and @pulumi/kubernetes takes them without apiVersion
  // and kind (as the API server lists them): say what they are, or the engine could not read them.
  const itemKind = kind.endsWith('List') && kind !== 'List' ? kind.slice(0, -'List'.length) : undefined;
  const items = itemKind !== undefined && Array.isArray(plain.items)
    ? { items: plain.items.map((item: unknown) => (isFields(item) ? withTypeOf(apiVersion, itemKind, item as Record<string, unknown>) : item)) }
    : {};
  return {
    ...plain,
    ...items,
    apiVersion: typeof plain.apiVersion === 'string' && plain.apiVersion !== UNKNOWN_VALUE ? plain.apiVersion : apiVersion,
    kind: typeof plain.kind === 'string' && plain.kind !== UNKNOWN_VALUE ? plain.kind : kind,
  } as KubeObject;
}

/** True when the object holds (or, for a known workload kind, should hold) a pod spec. */
export function holdsPodSpec(object: KubeObject, config: ResolvedConfig): boolean {
  const extraction = extractPodViews(object, config.workloadKinds);
  return extraction.views.length > 0 || extraction.shapeProblems.length > 0 || extraction.notCheckedReason !== undefined;
}

/**
 * `Kind namespace/name` as messages name an object, and `items[1] (Kind namespace/name)` for an item of
 * a List (`kubernetes:core/v1:List`, a DeploymentList), whose items may share kind, namespace and name.
 * In preview a name or namespace may come from a resource not created yet (`namespace: ns.metadata.name`):
 * it is said so, not shown as Pulumi's marker.
 */
export function objectName(
  object: { readonly kind: string; readonly group?: string; readonly name: string; readonly namespace?: string; readonly source?: SourceLocation },
): string {
  const shown = (value: string, what: string) => (value === UNKNOWN_VALUE ? `(${what} not known yet)` : value);
  const name = `${qualifiedKind(object)} ${object.namespace ? `${shown(object.namespace, 'namespace')}/` : ''}${shown(object.name, 'name')}`;
  return object.source?.listItem ? `${object.source.listItem} (${name})` : name;
}

/** Why a patch of a workload is not checked, and what to do instead. */
export function patchNotChecked(type: string, name: string): string {
  return `${type} ${name}: a patch changes only some fields of an object that exists elsewhere, so hardpod cannot judge the pod it ` +
    'leaves behind and never rewrites it; check the object it patches (where it is declared, or with `hardpod check` on the live object).';
}

/** The type token of a Helm release: its objects are not individual resources, so no policy sees them. */
export const HELM_RELEASE_TYPE = 'kubernetes:helm.sh/v3:Release';

/**
 * A Kubernetes object from a resource's plain properties. apiVersion and kind come from the
 * properties (the SDK always sets them) or else from the type token.
 */
export function kubeObjectOf(type: string, plain: Record<string, unknown>): KubeObject | undefined {
  const fromType = kubernetesTypeOf(type);
  return fromType ? withTypeOf(fromType.apiVersion, fromType.kind, plain) : undefined;
}

/**
 * A field path as the engine writes it (`spec.template.spec.containers[0].image`, quoted keys
 * included) split into keys, as Pulumi writes property paths: the loader's parser, in a fresh copy.
 */
export function splitFieldPath(path: string): (string | number)[] {
  return [...parseFieldPath(path)];
}

/** The rules each secure default satisfies, by the default's id. */
const RULES_OF_DEFAULT: ReadonlyMap<string, readonly string[]> = new Map(SECURE_DEFAULTS.map((d) => [d.id, d.rules]));

/**
 * Rules that fail on the object and are neither suppressed nor baselined: the only ones a rewrite
 * may act on. A setting that passes, is waived, or is allowed by the config is the user's choice.
 */
export function failingRuleIds(findings: readonly Finding[]): ReadonlySet<string> {
  return new Set(findings.filter((f) => f.outcome === 'fail' && !f.baselined).map((f) => f.rule));
}

/** True when a harden() change satisfies one of the rules (a default may satisfy several; the change names its first). */
export function changeSatisfies(change: HardeningChange, rules: ReadonlySet<string>): boolean {
  return (change.rule !== undefined && rules.has(change.rule)) || (RULES_OF_DEFAULT.get(change.default)?.some((r) => rules.has(r)) ?? false);
}

/**
 * Applies harden() changes to plain properties in place. Changes under a value unknown now are left
 * out (the next run makes them once it is known). Returns the changes applied.
 */
export function applyChanges(plain: Record<string, unknown>, changes: readonly HardeningChange[]): HardeningChange[] {
  const applied: HardeningChange[] = [];
  for (const change of changes) {
    const keys = splitFieldPath(change.path);
    if (crossesUnknown(plain, keys) || change.from === UNKNOWN_VALUE) continue;
    setOrDelete(plain, keys, change.to === undefined ? undefined : structuredClone(change.to));
    applied.push(change);
  }
  return applied;
}

function crossesUnknown(root: unknown, keys: readonly (string | number)[]): boolean {
  let node = root;
  for (const key of keys.slice(0, -1)) {
    if (node === null || typeof node !== 'object') return false;
    node = (node as Record<string | number, unknown>)[key];
    if (node === UNKNOWN_VALUE) return true;
  }
  return false;
}

function setOrDelete(root: Record<string, unknown>, keys: readonly (string | number)[], value: unknown): void {
  let node: Record<string | number, unknown> = root;
  for (let i = 0; i < keys.length - 1; i++) {
    const next = node[keys[i]];
    if (next === null || typeof next !== 'object') {
      if (value === undefined) return;
      node[keys[i]] = typeof keys[i + 1] === 'number' ? [] : {};
    }
    node = node[keys[i]] as Record<string | number, unknown>;
  }
  const last = keys[keys.length - 1];
  if (value === undefined) delete node[last];
  else node[last] = value;
}
