/**
 * Kubernetes resource quantities (`100m`, `1.5`, `128Mi`, `1G`, `1e3`) as numbers, so requests and
 * limits can be compared. Returns undefined for text that is not a quantity.
 */
const SUFFIX: Readonly<Record<string, number>> = {
  '': 1,
  'n': 1e-9,
  'u': 1e-6,
  'm': 1e-3,
  'k': 1e3,
  'M': 1e6,
  'G': 1e9,
  'T': 1e12,
  'P': 1e15,
  'E': 1e18,
  'Ki': 2 ** 10,
  'Mi': 2 ** 20,
  'Gi': 2 ** 30,
  'Ti': 2 ** 40,
  'Pi': 2 ** 50,
  'Ei': 2 ** 60,
};
/**
 * What the API server's quantity parser (resource.ParseQuantity) accepts: a sign, digits, a fraction,
 * then a decimal exponent or a suffix. It reads a number written without any digit (`.`, `+`, `Mi`) as 0.
 */
const QUANTITY = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?)$/;

export function parseQuantity(quantity: string | number): number | undefined {
  if (typeof quantity === 'number') return quantity;
  const match = QUANTITY.exec(quantity.trim());
  // Digits are required here: a request written without any (`.`) declares nothing meant.
  if (!match || (match[2] === '' && (match[3] ?? '') === '')) return undefined;
  const base = Number(`${match[1]}${match[2] || '0'}.${match[3] || '0'}`);
  if (match[4] !== undefined) return base * 10 ** Number(match[4]);
  return base * SUFFIX[match[5] ?? ''];
}

/** True when both are quantities and `a` is strictly greater than `b`. */
export function quantityGreater(a: string | number, b: string | number): boolean {
  const x = parseQuantity(a);
  const y = parseQuantity(b);
  return x !== undefined && y !== undefined && x > y;
}

const DECIMAL_EXPONENTS: Readonly<Record<string, number>> = { '': 0, 'n': -9, 'u': -6, 'm': -3, 'k': 3, 'M': 6, 'G': 9, 'T': 12, 'P': 15, 'E': 18 };
const BINARY_EXPONENTS: Readonly<Record<string, number>> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const INT64_MAX = 2n ** 63n - 1n;
const NANOS = 10n ** 9n;
/** Beyond this power of ten, an amount is read as this power: no quantity meant is that far from 1. */
const MAX_POWER = 1_000;

/**
 * A quantity exactly as the API server decodes it from JSON, in billionths (its finest unit), so that
 * quantities compare as its validation compares them: undefined when it refuses the value. A JSON
 * null is 0; a number is read as written; text is trimmed. The server rounds an amount finer than a
 * billionth away from zero, and caps one with a binary suffix (`Ki` ... `Ei`) at 2^63 - 1.
 * @internal
 */
export function quantityNanos(value: unknown): bigint | undefined {
  if (value === null) return 0n;
  if (typeof value === 'number') return Number.isFinite(value) ? quantityNanos(String(value)) : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  const match = text === '' ? null : QUANTITY.exec(text);
  if (!match) return undefined;
  const [, sign, whole, fraction = '', exponent, suffix = ''] = match;
  let power = -fraction.length;
  if (exponent !== undefined) {
    const parsed = BigInt(exponent);
    // The exponent is read as a 64-bit integer, then used as a 32-bit one.
    if (parsed > INT64_MAX || parsed < -INT64_MAX - 1n) return undefined;
    power += Number(BigInt.asIntN(32, parsed));
  } else {
    power += DECIMAL_EXPONENTS[suffix] ?? 0;
  }
  let amount = BigInt(`${whole}${fraction}` || '0') * 2n ** BigInt(BINARY_EXPONENTS[suffix] ?? 0);
  power = Math.min(power + 9, MAX_POWER);
  if (power >= 0) {
    amount *= 10n ** BigInt(power);
  } else if (amount !== 0n) {
    // Rounded up: far below a billionth, any amount is one.
    const divisor = 10n ** BigInt(Math.min(-power, MAX_POWER));
    amount = power < -MAX_POWER ? 1n : (amount + divisor - 1n) / divisor;
  }
  if (BINARY_EXPONENTS[suffix] !== undefined && amount > INT64_MAX * NANOS) amount = INT64_MAX * NANOS;
  return sign === '-' ? -amount : amount;
}
