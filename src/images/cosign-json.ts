/** Reading the JSON cosign writes as Go reads it. Internal to the signature and attestation checks. */

/** The one property of `object` named `name` ignoring case (Go's encoding/json matches so), or why there is none. */
export function field(object: unknown, name: string): { value: unknown } | string {
  if (object === null || typeof object !== 'object' || Array.isArray(object)) return 'is not an object';
  const keys = Object.keys(object).filter((key) => key.toLowerCase() === name.toLowerCase());
  if (keys.length === 0) return `has no ${name}`;
  if (keys.length > 1) return `names ${name} ${keys.length} times, spelt differently`;
  return { value: (object as Record<string, unknown>)[keys[0]] };
}
