import { listFirst } from '../../src/model/listing';

describe('listFirst', () => {
  test('names the first items and counts the rest; no count when none are left', () => {
    expect(listFirst(['a', 'b', 'c', 'd'], 2)).toBe('a, b and 2 more');
    expect(listFirst(['a', 'b'], 2)).toBe('a, b');
    expect(listFirst(['a'], 5)).toBe('a');
    expect(listFirst([], 5)).toBe('');
  });
});
