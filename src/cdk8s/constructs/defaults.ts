import type { IConstruct } from 'constructs';
import { LockFileResolver } from '../../images/lock-resolver';
import { HardpodError } from '../../model/errors';
import { mergeDefaults } from '../../model/merge-defaults';
import { DEFAULTS_KEYS } from '../../model/prop-keys';
import type { ResolvingDefaults } from '../../model/workload-props';
import { allowedRegistries } from '../../rules/allowed-registries';
import { checkOptionKeys, scopeLabel } from '../validation/options';

/**
 * Golden-path defaults a platform team sets once on an App or Chart; every hardened construct
 * under that scope uses them. A nearer scope (a Chart) overrides a farther one (the App) field by
 * field, and explicit construct props always win.
 */
export type HardpodDefaultsProps = ResolvingDefaults;

const DEFAULTS = new WeakMap<IConstruct, HardpodDefaultsProps>();
/** Hardened constructs that have read their defaults (they read them once, when created). */
const READERS = new WeakSet<IConstruct>();

const checkAllowedRegistries = allowedRegistries.settings!.allowedRegistries;

export class HardpodDefaults {
  /**
   * Sets the defaults for every hardened construct under `scope` (merged over those of enclosing
   * scopes, and over those an earlier call set on the same scope, field by field: labels and
   * resources key by key). Constructs read them when they are created, so set them before adding workloads:
   * setting them on a scope that already holds a hardened construct throws, naming it.
   * An unknown key or an empty `allowedRegistries` throws here.
   */
  static set(scope: IConstruct, defaults: HardpodDefaultsProps): void {
    const where = `HardpodDefaults.set(${scopeLabel(scope)})`;
    checkOptionKeys(defaults, DEFAULTS_KEYS, where);
    // Ignored by a construct created before, they would fail open (allowedRegistries, seccompProfile ...).
    const early = scope.node.findAll().find((c) => READERS.has(c));
    if (early !== undefined) {
      throw new HardpodError(
        `${early.node.path} was created before these defaults and would not get them: set the defaults before adding hardened constructs under ${scopeLabel(scope)}`,
        where,
      );
    }
    // An empty list would refuse every image with an unhelpful message: the config's check says what is expected.
    const registriesProblem = checkAllowedRegistries(defaults.allowedRegistries);
    if (registriesProblem !== undefined) throw new HardpodError(registriesProblem, `${where} allowedRegistries`);
    const resolver = defaults.imageResolver ?? (defaults.lockFile !== undefined ? LockFileResolver.fromFile(defaults.lockFile) : undefined);
    const own: HardpodDefaultsProps = { ...defaults, ...(resolver ? { imageResolver: resolver } : {}) };
    const earlier = DEFAULTS.get(scope);
    DEFAULTS.set(scope, earlier === undefined ? own : mergeDefaults(earlier, own));
  }

  /** The defaults in force at `construct`: those of every enclosing scope, nearest winning. */
  static of(construct: IConstruct): HardpodDefaultsProps {
    let merged: HardpodDefaultsProps = {};
    let found = false;
    for (const scope of construct.node.scopes) {
      const own = DEFAULTS.get(scope);
      if (!own) continue;
      found = true;
      merged = mergeDefaults(merged, own);
    }
    return found ? merged : {};
  }
}

/** The defaults in force at a hardened construct being created; {@link HardpodDefaults.set} on its scopes is refused afterwards. */
export function readDefaults(construct: IConstruct): HardpodDefaultsProps {
  READERS.add(construct);
  return HardpodDefaults.of(construct);
}
