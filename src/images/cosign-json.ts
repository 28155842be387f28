/** Reading the JSON cosign writes as Go reads it. Internal to the signature and attestation checks. */

/** The one property of `object` named `name` ignoring case (Go's encoding/json matches so), or why there is none. */
export function field(object: unknown, name: string): { value: unknown } | string {
  if (object === null || typeof object !== 'object' || Array.isArray(object)) return 'is not an object';
  const keys = Object.keys(object).filter((key) => key.toLowerCase() === name.toLowerCase());
  if (keys.length === 0) return `has no ${name}`;
  if (keys.length > 1) return `names ${name} ${keys.length} times, spelt differently`;
  return { value: (object as Record<string, unknown>)[keys[0]] };
}

/** The value at a path of fields read as Go reads them (`0`: a list's first item), or undefined. */
export function fieldAt(object: unknown, ...path: readonly (string | 0)[]): unknown {
  let value = object;
  for (const name of path) {
    if (name === 0) {
      value = Array.isArray(value) ? value[0] : undefined;
      continue;
    }
    const found = field(value, name);
    value = typeof found === 'string' ? undefined : found.value;
  }
  return value;
}

/** A non-empty string at such a path, or undefined. */
export function textAt(object: unknown, ...path: readonly (string | 0)[]): string | undefined {
  const value = fieldAt(object, ...path);
  return typeof value === 'string' && value !== '' ? value : undefined;
}
