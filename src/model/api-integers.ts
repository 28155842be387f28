/**
 * The API's integer fields, as the API server decodes JSON numbers into them. int32 fields take
 * -2^31 to 2^31 - 1. int64 fields take whole numbers below 2^63 in magnitude, which among
 * JavaScript's numbers means at most 2^63 - 1024: 2^63 - 1 is no double (it rounds to 2^63, out of
 * range), and -2^63, written as JSON, reads as a number below the range.
 */

/** The largest value of the API's int32 fields (replicas, probe seconds, ids). */
export const INT32_MAX = 2 ** 31 - 1;
export const INT32_MIN = -(2 ** 31);
/** The largest JavaScript number an int64 field of the API takes. */
export const INT64_MAX = 2 ** 63 - 1024;

/** A whole number an int32 field of the API takes. */
export function isInt32(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX;
}

/** A whole number an int64 field of the API takes. */
export function isInt64(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && Math.abs(value) <= INT64_MAX;
}

/** A TCP or UDP port number: 1 to 65535. */
export function isPortNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 65535;
}
