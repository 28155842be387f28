import { parseQuantity, quantityNanos } from '../../src/model/quantity';

describe('quantityNanos: a quantity as the API server decodes it', () => {
  it.each<[unknown, bigint]>([
    ['1', 10n ** 9n],
    ['100m', 10n ** 8n],
    ['0.1', 10n ** 8n],
    ['1.5', 15n * 10n ** 8n],
    ['1Gi', 2n ** 30n * 10n ** 9n],
    ['1G', 10n ** 18n],
    ['1e3', 10n ** 12n],
    ['1E', 10n ** 27n],
    ['-1', -(10n ** 9n)],
    [' 2 ', 2n * 10n ** 9n],
    ['1.', 10n ** 9n],
    ['+1', 10n ** 9n],
    [1.5, 15n * 10n ** 8n],
    [1073741824, 2n ** 30n * 10n ** 9n],
    // Without any digit, a number is 0; so is null.
    ['.', 0n],
    ['+', 0n],
    ['Mi', 0n],
    [null, 0n],
    // Finer than a billionth is rounded away from zero; a binary amount is capped at 2^63 - 1.
    ['0.1n', 1n],
    ['1e-20', 1n],
    ['-1e-20', -1n],
    ['10Ei', (2n ** 63n - 1n) * 10n ** 9n],
  ])('%p', (value, nanos) => {
    expect(quantityNanos(value)).toBe(nanos);
  });

  it.each<unknown>(['', 'lots', '1.5.5', '5x', '1Kb', '1ki', '1e', '1e+', '1 Gi', '1e99999999999999999999', true, [], {}, Number.NaN, undefined])('refuses %p', (value) => {
    expect(quantityNanos(value)).toBeUndefined();
  });

  it('compares amounts written two ways as equal, where floats would not', () => {
    expect(quantityNanos('1100m')).toBe(quantityNanos('1.1'));
    expect(quantityNanos('256Mi')).toBe(quantityNanos('268435456'));
  });

  it('leaves parseQuantity as it was: text without any digit is not a quantity there', () => {
    expect(['.', '+', 'Mi'].map(parseQuantity)).toEqual([undefined, undefined, undefined]);
    expect(['1.', '.5', '-1.5', '1e3', '128Mi', '1E'].map(parseQuantity)).toEqual([1, 0.5, -1.5, 1000, 128 * 2 ** 20, 1e18]);
  });
});
