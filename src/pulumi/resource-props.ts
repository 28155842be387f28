import type { KubeObject } from '../model/kube-object';
import { UNKNOWN_VALUE, isFields } from '../model/pod-view';

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
  const match = /^kubernetes:([^:]+):([^:]+)$/.exec(type);
  if (!match) return undefined;
  const [, module, kind] = match;
  if (NON_OBJECT_MODULES.has(module) || !module.includes('/')) return undefined;
  const [group, version] = module.split('/', 2);
  return { apiVersion: group === 'core' ? version : `${group}/${version}`, kind };
}

/** The type token of a Helm release: its objects are not individual resources, so no policy sees them. */
export const HELM_RELEASE_TYPE = 'kubernetes:helm.sh/v3:Release';

/**
 * A Kubernetes object from a resource's plain properties. apiVersion and kind come from the
 * properties (the SDK always sets them) or else from the type token.
 */
export function kubeObjectOf(type: string, plain: Record<string, unknown>): KubeObject | undefined {
  const fromType = kubernetesTypeOf(type);
  if (!fromType) return undefined;
  return {
    ...plain,
    apiVersion: typeof plain.apiVersion === 'string' && plain.apiVersion !== UNKNOWN_VALUE ? plain.apiVersion : fromType.apiVersion,
    kind: typeof plain.kind === 'string' && plain.kind !== UNKNOWN_VALUE ? plain.kind : fromType.kind,
  } as KubeObject;
}

/**
 * A field path as the engine writes it (`spec.template.spec.containers[0].image`) split into keys,
 * as Pulumi writes property paths.
 */
export function splitFieldPath(path: string): (string | number)[] {
  const keys: (string | number)[] = [];
  for (const part of path.split('.')) {
    if (!part) continue;
    const re = /([^[\]]+)|\[(\d+)\]/g;
    let m: RegExpExecArray | null;
    while ((m = re.exec(part)) !== null) keys.push(m[1] !== undefined ? m[1] : Number(m[2]));
  }
  return keys;
}
