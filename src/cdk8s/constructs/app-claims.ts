import type { IConstruct } from 'constructs';

/**
 * Claims kept per app (the root of the construct tree): for each object key, the construct path
 * that emits it, so a second construct emitting the same object is refused naming both.
 */
export class AppClaims {
  private readonly byApp = new WeakMap<IConstruct, Map<string, string>>();

  /** The claims of the app that `scope` belongs to. */
  of(scope: IConstruct): Map<string, string> {
    const root = scope.node.root;
    let claims = this.byApp.get(root);
    if (claims === undefined) this.byApp.set(root, (claims = new Map()));
    return claims;
  }
}
