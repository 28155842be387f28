import type { AnyRule } from './rule';
import { wellFormedPodSpec } from './well-formed-pod-spec';

/**
 * Every rule hardpod knows, in report order. Each rule lives in its own file named after its id.
 * Add a rule by importing it here (Pod Security Standards checks first, then hardpod's own).
 */
export const RULES: readonly AnyRule[] = [
  wellFormedPodSpec,
  // Pod Security Standards (baseline, restricted)
  // hardened: hardpod's own controls
];

/** The newest rule-set edition: a config without an edition pin runs every rule. */
export const NEWEST_EDITION: number = RULES.reduce((max, rule) => Math.max(max, rule.edition), 1);

const BY_ID = new Map(RULES.map((rule) => [rule.id, rule]));

/** The rule with this id, or undefined. */
export function ruleById(id: string): AnyRule | undefined {
  return BY_ID.get(id);
}
