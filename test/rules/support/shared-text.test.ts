import { quoted, text } from '../../../src/rules/support/shared-text';

describe('text', () => {
  const atImage = (path: string): string => text`${path}.image`;

  test('reads as the template literal would', () => {
    expect(atImage('spec.containers[0]')).toBe('spec.containers[0].image');
    expect(text`${'container "app"'} has no ${'readinessProbe'}`).toBe('container "app" has no readinessProbe');
    expect(text`ports[${3}]`).toBe('ports[3]');
  });

  test('values that differ in any substitution give different texts', () => {
    const twice = (a: string, b: string): string => text`${a}/${b}`;
    expect(twice('a', 'b')).toBe('a/b');
    expect(twice('a', 'c')).toBe('a/c');
    expect(twice('b', 'b')).toBe('b/b');
  });

  test('keeps reading correctly once the bound is reached and the cache starts over', () => {
    const numbered = (n: number): string => text`item ${n}`;
    const wrong: number[] = [];
    for (let i = 0; i < 100_010; i++) if (numbered(i) !== `item ${i}`) wrong.push(i);
    expect(wrong).toEqual([]);
    expect(atImage('spec.containers[1]')).toBe('spec.containers[1].image');
  });
});

describe('quoted', () => {
  test('quotes and escapes as JSON', () => {
    for (const name of ['app', 'say "hi"', 'back\\slash', 'tab\there', 'ünïcode', '']) expect(quoted(name)).toBe(JSON.stringify(name));
  });
});
