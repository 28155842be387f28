/**
 * Findings repeat the same few hundred paths and messages across thousands of objects
 * (`container "app" must set ...` at `spec.template.spec.containers[0]...`). Built with {@link text},
 * each distinct one is built once and then shared: later findings carry the same string, so
 * nothing downstream (the report's lookups by path, its text) copies or hashes a fresh one.
 */

/** Bounds the strings kept; past it the caches start over, so inputs of unique values cannot grow them without end. */
const MAX_SHARED_TEXTS = 100_000;

type Level = Map<string | number, unknown>;

/** Per call site (a tagged template's strings are one frozen array per site), then per substitution. */
let sites = new WeakMap<TemplateStringsArray, Level>();
const QUOTED = new Map<string, string>();
let count = 0;

/** Keeps a built string unless the bound is reached, in which case every cache starts over. */
function remember(level: Level, key: string | number, value: string): void {
  if (count >= MAX_SHARED_TEXTS) {
    sites = new WeakMap();
    QUOTED.clear();
    count = 0;
    return;
  }
  count++;
  level.set(key, value);
}

/**
 * A template literal whose result is shared per call site and substitution values:
 * `` text`${describeContainer(c)} has no ${probe}` ``. The substitutions are the cache keys, so they
 * should be shared strings themselves (a container path, another text's result) or short ones.
 */
export function text(strings: TemplateStringsArray, ...values: readonly (string | number)[]): string {
  let level = sites.get(strings);
  if (level === undefined) sites.set(strings, (level = new Map()));
  const last = values.length - 1;
  for (let i = 0; i < last; i++) {
    let next = level.get(values[i]) as Level | undefined;
    if (next === undefined) level.set(values[i], (next = new Map()));
    level = next;
  }
  const known = level.get(values[last]) as string | undefined;
  if (known !== undefined) return known;
  let result = strings[0];
  for (let i = 0; i < values.length; i++) result += `${values[i]}${strings[i + 1]}`;
  remember(level, values[last], result);
  return result;
}

/** A name in double quotes, escaped as JSON: `"app"`. Shared like {@link text}'s results, so it can key them. */
export function quoted(name: string): string {
  const known = QUOTED.get(name);
  if (known !== undefined) return known;
  const result = JSON.stringify(name);
  remember(QUOTED, name, result);
  return result;
}
