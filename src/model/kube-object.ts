import type { ObjectMeta } from 'kubernetes-types/meta/v1';
import { HardpodError } from './errors';

/**
 * Any Kubernetes object as plain data. The core works on plain objects so that cdk8s, Pulumi and
 * YAML from CI all reach the same code.
 */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata?: ObjectMeta;
  readonly [field: string]: unknown;
}

/** Where an object came from, so findings can point users at it. */
export interface SourceLocation {
  /** File the object was read from, or `<stdin>`. */
  readonly file?: string;
  /** 1-based line of the object's first line in that file. */
  readonly line?: number;
  /** 0-based index of the YAML document in the file; the items of a List share their List's. */
  readonly documentIndex?: number;
  /**
   * Where in its List the object is (`items[3]`), for an item of a v1 List: items of one List may
   * share kind, namespace and name (a Knative Service and the core Service it makes).
   */
  readonly listItem?: string;
  /** The template that rendered the object, from a `# Source:` comment of `helm template` output. */
  readonly template?: string;
  /** cdk8s construct path, when the object was synthesized by cdk8s. */
  readonly constructPath?: string;
  /** Pulumi resource URN or name, when the object came from Pulumi. */
  readonly resourceName?: string;
}

/** An object together with where it came from. */
export interface LocatedObject {
  readonly object: KubeObject;
  readonly source: SourceLocation;
}

/** What identifies an object in a report: kind (and group, where part of it), namespace, name (or generateName) and file. */
export interface ObjectIdentity {
  readonly kind: string;
  /**
   * The object's API group when it is part of the object's identity: for a kind that is also the name
   * of a Kubernetes kind, of another group (a Knative `Service`: `serving.knative.dev`). Reports label
   * the object `Service.serving.knative.dev`; suppressions and baseline entries name it with it.
   * @default none: the kind alone names the object
   */
  readonly group?: string;
  readonly name: string;
  /** The object's `metadata.generateName` when it has no name (`name` is then ''): what identifies it instead. */
  readonly generateName?: string;
  readonly namespace?: string;
  readonly source: SourceLocation;
}

/**
 * A key naming one object of an input: where it was read (file and document, construct path or
 * resource) with its kind, namespace and name (or, for an object without a name, its generateName).
 * Findings carry these rather than the object, so reports and baselines match findings to their
 * objects by this key.
 */
export function objectIdentityKey(source: SourceLocation, kind: string, namespace: string | undefined, name: string, generateName?: string): string {
  return `${source.file ?? ''}\u0000${source.documentIndex ?? ''}\u0000${source.listItem ?? ''}\u0000${source.constructPath ?? ''}\u0000${source.resourceName ?? ''}\u0000${kind}\u0000${namespace ?? ''}\u0000${name}\u0000${generateName ?? ''}`;
}

/**
 * Whether two findings, or a finding and an object, are about the same object ({@link objectIdentityKey},
 * and the group, without building the key): an object's findings come together, so code walking them
 * builds a key only where the object changes.
 */
export function sameObjectIdentity(a: ObjectIdentity, b: ObjectIdentity): boolean {
  return a.name === b.name && a.kind === b.kind && a.group === b.group && a.namespace === b.namespace && a.generateName === b.generateName
    && a.source.file === b.source.file
    && a.source.documentIndex === b.source.documentIndex && a.source.listItem === b.source.listItem
    && a.source.constructPath === b.source.constructPath
    && a.source.resourceName === b.source.resourceName;
}

/**
 * The `metadata.generateName` that identifies an object without a name (the API server names it
 * at creation: `migrate-` becomes `migrate-x7k2p`), or undefined when the object has a name or no
 * generateName. Without it, every unnamed object of a kind and namespace would share one identity.
 */
export function generateNameOf(metadata: Readonly<Record<string, unknown>>): string | undefined {
  const generateName = metadata.generateName;
  return !(typeof metadata.name === 'string' && metadata.name !== '') && typeof generateName === 'string' && generateName !== '' ? generateName : undefined;
}

/**
 * Records that `owner` (a construct path) emits the object or objects known by `key`, refusing a
 * second owner: objects of one kind, namespace and name overwrite each other when applied.
 * `conflict` words the refusal, given the first owner.
 */
export function claimObjectKey(claimed: Map<string, string>, key: string, owner: string, conflict: (firstOwner: string) => string): void {
  const first = claimed.get(key);
  if (first !== undefined) throw new HardpodError(conflict(first), owner);
  claimed.set(key, owner);
}
