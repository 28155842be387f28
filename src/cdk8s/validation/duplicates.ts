import { isHardpodError } from '../../model/errors';
import { claimObjectKey, type LocatedObject, type ObjectIdentity, type SourceLocation } from '../../model/kube-object';
import { apiGroupOf, isClusterScoped, locatedItems } from '../../model/pod-view';
import { objectLabel } from '../../reporters/shared';

/** An object that another object of the input emits too, and the error saying so. */
export interface DuplicateObject {
  readonly object: ObjectIdentity;
  /** `owner: Deployment shop/web is also emitted by first-owner; ...` */
  readonly message: string;
}

/**
 * Each object that another object of the input emits with the same API group, kind, namespace and
 * name (two charts' workloads both named `web` in `shop`): applied, one would silently overwrite the
 * other; the items of a v1 List count as objects of their own. `ownerOf` names where an object comes
 * from (its construct path, its manifest document, with `listItem` set for an item of a List).
 */
export function duplicateObjects(objects: readonly LocatedObject[], ownerOf: (source: SourceLocation) => string): DuplicateObject[] {
  const claimed = new Map<string, string>();
  const duplicates: DuplicateObject[] = [];
  // A v1 List (an included `kubectl get -o yaml`) applies each of its items: each is an object of its own.
  const items = objects.flatMap((located) => locatedItems(located));
  for (const { object, source } of items) {
    const name = object.metadata?.name;
    if (typeof name !== 'string' || name === '') continue;
    // The chart's namespace that cdk8s sets on a cluster-scoped object names no other object.
    const clusterScoped = isClusterScoped(object);
    const namespace = clusterScoped ? undefined : object.metadata?.namespace || undefined;
    const key = `${apiGroupOf(object.apiVersion)}\u0000${object.kind}\u0000${namespace ?? ''}\u0000${name}`;
    try {
      // The label is built only for a conflict: this runs over every object at each synthesis.
      claimObjectKey(claimed, key, ownerOf(source), (first) =>
        `${objectLabel({ kind: object.kind, name, namespace, source })} is also emitted by ${first}; applied, one would overwrite the other: `
        + `give one of them another name${clusterScoped ? ' (it is cluster-scoped: a namespace does not tell it apart)' : ' or namespace'}`);
    } catch (error) {
      if (!isHardpodError(error)) throw error;
      duplicates.push({ object: { kind: object.kind, name, namespace, source }, message: error.message });
    }
  }
  return duplicates;
}
