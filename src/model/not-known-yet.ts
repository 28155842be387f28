import { findValuePath, formatFieldPath, type PathSegment } from './field-path';
import type { KubeObject } from './kube-object';
import { isUnknownValue } from './pod-view';

/**
 * Values not known yet (a Pulumi preview's outputs, {@link UNKNOWN_VALUE}) in objects a check reads.
 * A check that reads one cannot be judged, whichever object holds it: the rule's own object or one
 * it consults (the Role a binding names, the Namespace of a workload). Rather than every rule
 * testing every field it reads, a preview's objects holding the marker are handed to checks behind
 * a read-through view that throws {@link NotKnownYet} on reading it, as Pulumi's own policy proxy
 * does; the engine records the check as unknown, naming the field. A field a check never reads
 * (an annotation, another namespace's NetworkPolicy) changes nothing.
 */

/** Thrown when a check reads a value not known yet: the check's outcome is unknown. */
export class NotKnownYet extends Error {
  /**
   * @param object the object holding the value, as it was given (not the view of it)
   * @param path where in that object
   */
  constructor(readonly object: KubeObject, readonly path: readonly PathSegment[]) {
    super(`${formatFieldPath(path) || 'the object'} is not known yet`);
    this.name = 'NotKnownYet';
  }
}

/** How deep the search for the marker looks, as the extractor does. */
const MAX_DEPTH = 65;

/** Where `object` holds the unknown-value marker (an empty path for the object itself), or undefined when nowhere. */
export function unknownMarkerPath(object: KubeObject): PathSegment[] | undefined {
  return findValuePath(object, isUnknownValue, MAX_DEPTH);
}

/**
 * The object as checks should read it: itself when it holds no value not known yet, else a view
 * that throws {@link NotKnownYet} on reading one. Only for a preview's objects: elsewhere the marker
 * is refused, never read as unknown.
 */
export function withUnknownsRevealed(object: KubeObject): KubeObject {
  return unknownMarkerPath(object) === undefined ? object : revealUnknowns(object, object, []);
}

/**
 * A view of `value` (found at `path` in `root`) that throws {@link NotKnownYet} when a read yields
 * the marker. One view per value, so that views compare equal where the values do (rules compare
 * objects and key caches on them).
 */
export function revealUnknowns<T extends object>(value: T, root: KubeObject, path: readonly PathSegment[]): T {
  const known = views.get(value);
  if (known !== undefined) return known as T;
  const view = new Proxy(value, {
    get(target, key, receiver) {
      const field: unknown = Reflect.get(target, key, receiver);
      if (typeof key === 'symbol' || !Object.prototype.hasOwnProperty.call(target, key)) return field;
      const segment: PathSegment = Array.isArray(target) && /^\d+$/.test(key) ? Number(key) : key;
      if (isUnknownValue(field)) throw new NotKnownYet(root, [...path, segment]);
      if (typeof field !== 'object' || field === null) return field;
      // A frozen property must read as itself (a proxy invariant); values below it are not watched.
      const descriptor = Object.getOwnPropertyDescriptor(target, key);
      if (descriptor && !descriptor.configurable && !descriptor.writable) return field;
      return revealUnknowns(field, root, [...path, segment]);
    },
  });
  views.set(value, view);
  written.set(view, value);
  return view;
}

const views = new WeakMap<object, object>();
/** Each view's value, for {@link asWritten}. */
const written = new WeakMap<object, object>();

/**
 * The value behind a view of {@link revealUnknowns} (or the value itself), with the marker where it
 * stands: for a check that judges each value not known yet on its own, as the shape checks do (a
 * string not known yet is still a string), rather than be judged unknown as a whole on the first.
 */
export function asWritten<T extends object>(value: T): T {
  return (written.get(value) as T | undefined) ?? value;
}
