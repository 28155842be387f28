import type { ObjectMeta } from 'kubernetes-types/meta/v1';

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
  /** 0-based index of the YAML document (or List item) in the file. */
  readonly documentIndex?: number;
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
