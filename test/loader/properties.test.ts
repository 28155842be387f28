import * as fc from 'fast-check';
import { dump } from 'js-yaml';
import { parseDocument } from 'yaml';
import { ManifestSet } from '../../src/loader';
import { indexBlockYaml, lineInBlockIndex } from '../../src/loader/block-lines';
import { ExactLines } from '../../src/loader/exact-lines';
import { JsonLines } from '../../src/loader/json-lines';
import { firstDuplicateKey, scanJsonValue } from '../../src/loader/json-scan';
import { resolveKubernetesScalar } from '../../src/loader/kubernetes-scalars';
import { isHardpodError } from '../../src/model/errors';
import { formatFieldPath, type PathSegment } from '../../src/model/field-path';
import { dumpOptions, value, yamlText } from '../fixtures/yaml-arbitraries';

describe('loader properties', () => {
  test('any text yields Kubernetes objects or a HardpodError naming file and line, never a crash', () => {
    let loaded = 0, refused = 0;
    fc.assert(
      fc.property(yamlText, fc.array(fc.oneof(fc.string({ maxLength: 6 }), fc.nat(3)), { maxLength: 5 }), (text, path) => {
        const set = new ManifestSet();
        try {
          set.addText(text, 'random.yaml');
        } catch (error) {
          if (!isHardpodError(error)) throw error;
          expect(error.message).toMatch(/^random\.yaml:\d+: /);
          refused++;
          return;
        }
        if (set.objects.length > 0) loaded++;
        const lineCount = text.split('\n').length;
        for (const { object, source } of set.objects) {
          expect(typeof object.apiVersion).toBe('string');
          expect(typeof object.kind).toBe('string');
          expect(source.line).toBeGreaterThanOrEqual(1);
          expect(source.line).toBeLessThanOrEqual(lineCount);
          const fieldPath = path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('').replace(/^\./, '');
          const line = set.fieldLine(source, fieldPath);
          expect(line).toBeGreaterThanOrEqual(1);
          expect(line).toBeLessThanOrEqual(lineCount);
        }
      }),
      { numRuns: 3000 },
    );
    // Both outcomes must be exercised for the property to mean anything.
    expect(loaded).toBeGreaterThan(30);
    expect(refused).toBeGreaterThan(30);
  });

  function paths(node: unknown, prefix: PathSegment[] = [], out: PathSegment[][] = []): PathSegment[][] {
    out.push(prefix);
    if (Array.isArray(node)) node.forEach((item, i) => paths(item, [...prefix, i], out));
    else if (node !== null && typeof node === 'object') for (const [k, v] of Object.entries(node)) paths(v, [...prefix, k], out);
    return out;
  }

  test('the indentation index finds the same line as the YAML parser wherever it applies', () => {
    let indexed = 0;
    fc.assert(
      fc.property(value, dumpOptions, (object, options) => {
        const text = `---\n# a comment\n${dump(object, options)}`;
        const index = indexBlockYaml(text, resolveKubernetesScalar);
        if (!index) return;
        // The oracle is the `yaml` parser: only where it reads the same data as js-yaml. js-yaml
        // can dump plain keys holding flow indicators (`{(:]: {}}`) that YAML 1.2 reads otherwise.
        const reread = parseDocument(text);
        if (reread.errors.length > 0 || JSON.stringify(reread.toJS()) !== JSON.stringify(object)) return;
        indexed++;
        const exact = new ExactLines(text, resolveKubernetesScalar);
        for (const path of paths(object)) {
          expect([path, lineInBlockIndex(index, path)]).toEqual([path, exact.line(path)]);
        }
        // Lookups resume from the previous one's shared prefix: any order, and paths that leave the document, agree too.
        for (const path of paths(object).reverse().flatMap((p) => [[...p, 'missing'], p, [...p, 99]])) {
          expect([path, lineInBlockIndex(index, path)]).toEqual([path, exact.line(path)]);
        }
      }),
      { numRuns: 1500 },
    );
    // The property is only worth something if the index applies to many of the documents: about
    // half of them (696 to 791 in 40 rounds of 1,500), so 600 is far below any round's count.
    expect(indexed).toBeGreaterThan(600);
  });

  test('a plain key is found at its own line under the name the loader reads it by (0x1F: is data.31), however the document is read', () => {
    const listed = ['0x1F', 'yes', 'No', 'on', 'n', 'Y', '017', '0o17', '0b11', '1_000', '+1', '-0', '.5', '1e3', '.inf', 'true', '8080', '0.50', 'a1', 'x'];
    const key = fc.oneof(fc.constantFrom(...listed), fc.stringMatching(/^[0-9a-fnoxy_.+-]{1,6}$/));
    let read = 0, renamed = 0, refused = 0;
    fc.assert(
      fc.property(fc.uniqueArray(key, { minLength: 1, maxLength: 8 }), fc.boolean(), (keys, anchored) => {
        const lines = keys.map((written, i) => `  ${written}: v${i}`);
        const text = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: ${anchored ? '&one ' : ''}"1"\n${lines.join('\n')}\n`;
        const set = new ManifestSet();
        try {
          set.addText(text, 'keys.yaml');
        } catch (error) {
          // Keys reading as null or as the same key (1_000 and 1000) are refused, as kubectl refuses them.
          if (!isHardpodError(error)) throw error;
          refused++;
          return;
        }
        read++;
        const { object, source } = set.objects[0];
        const data = Object.entries(object.data as Record<string, unknown>);
        keys.forEach((written, i) => {
          const [name] = data.find(([, v]) => v === `v${i}`)!;
          if (name !== written) renamed++;
          expect([written, name, set.fieldLine(source, formatFieldPath(['data', name]))]).toEqual([written, name, 7 + i]);
        });
      }),
      { numRuns: 1500 },
    );
    expect({ read: read > 500, renamed: renamed > 500, refused: refused > 50 }).toEqual({ read: true, renamed: true, refused: true });
  });

  test('in long sequences (a List\'s items), the indentation index agrees with the YAML parser in any lookup order', () => {
    const lists = fc.array(value, { minLength: 20, maxLength: 60 });
    fc.assert(
      fc.property(lists, dumpOptions, fc.array(fc.nat(80), { maxLength: 200 }), (items, options, drawn) => {
        const list = { apiVersion: 'v1', kind: 'List', items };
        const text = dump(list, options);
        const index = indexBlockYaml(text, resolveKubernetesScalar);
        const reread = parseDocument(text);
        if (!index || reread.errors.length > 0 || JSON.stringify(reread.toJS()) !== JSON.stringify(list)) return;
        const exact = new ExactLines(text, resolveKubernetesScalar);
        // Items in turn (as the loader asks), then in the drawn order with fields below them.
        const lookups: PathSegment[][] = [...items.keys(), ...drawn].flatMap((i) => [['items', i], ['items', i, 'a'], ['items', i, 0]]);
        for (const path of lookups) expect([path, lineInBlockIndex(index, path)]).toEqual([path, exact.line(path)]);
      }),
      { numRuns: 300 },
    );
  });

  test('the JSON outline finds the same line as the YAML parser, however the JSON is laid out', () => {
    /** JSON with the drawn gaps (spaces, newlines or nothing) around every bracket, comma and colon. */
    function laidOut(json: unknown, gaps: readonly string[]): string {
      let next = 0;
      const gap = (): string => gaps[next++ % gaps.length];
      const write = (v: unknown): string => {
        if (Array.isArray(v)) return `[${gap()}${v.map(write).join(`${gap()},${gap()}`)}${gap()}]`;
        if (v !== null && typeof v === 'object') {
          return `{${gap()}${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}${gap()}:${gap()}${write(x)}`).join(`${gap()},${gap()}`)}${gap()}}`;
        }
        return JSON.stringify(v);
      };
      return write(json);
    }
    const gaps = fc.array(fc.constantFrom('', ' ', '\n', '\n  ', '\r\n', '\t'), { minLength: 1, maxLength: 16 });
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), fc.oneof(gaps, fc.constant([] as string[])), fc.constantFrom(2, 4), (json, drawn, indent) => {
        const text = drawn.length > 0 ? laidOut(json, drawn) : JSON.stringify(json, null, indent);
        expect(JSON.stringify(JSON.parse(text))).toBe(JSON.stringify(json));
        const outline = new JsonLines(text);
        const exact = new ExactLines(text, resolveKubernetesScalar);
        for (const path of paths(json).flatMap((p) => [p, [...p, 'missing'], [...p, 7]])) {
          expect([path, outline.line(path)]).toEqual([path, exact.line(path)]);
        }
      }),
      { numRuns: 1500 },
    );
  });

  test('counting colons finds a key given twice in any object of a JSON value, and the search names the first one', () => {
    /** Keys in a parsed value: what JSON.parse kept. */
    const parsedKeys = (v: unknown): number => Array.isArray(v)
      ? v.reduce((sum: number, item) => sum + parsedKeys(item), 0)
      : v !== null && typeof v === 'object' ? Object.values(v).reduce((sum: number, item) => sum + 1 + parsedKeys(item), 0) : 0;
    let duplicated = 0;
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), fc.infiniteStream(fc.nat(7)), fc.constantFrom('', ' ', '\n  '), (json, draws, gap) => {
        const drawn = draws[Symbol.iterator]();
        // The first repeated key in text order, as the writer emits it.
        let first: { key: string; offset: number; firstOffset: number } | undefined;
        let text = '';
        const write = (v: unknown): void => {
          if (Array.isArray(v)) {
            text += '[';
            v.forEach((item, i) => {
              if (i > 0) text += `,${gap}`;
              write(item);
            });
            text += ']';
          } else if (v !== null && typeof v === 'object') {
            const entries = Object.entries(v);
            text += `{${gap}`;
            entries.forEach(([key, item], i) => {
              if (i > 0) text += `,${gap}`;
              const keyOffset = text.length;
              text += `${JSON.stringify(key)}:${gap}`;
              write(item);
              // Now and then the same key again, written with an escape or plainly.
              if (drawn.next().value === 0) {
                const offset = text.length + 1 + gap.length;
                text += `,${gap}${drawn.next().value < 4 ? JSON.stringify(key) : `"${[...key].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')}"`}:${gap}null`;
                first ??= { key, offset, firstOffset: keyOffset };
              }
            });
            text += `${gap}}`;
          } else {
            text += JSON.stringify(v);
          }
        };
        write(json);
        const scan = scanJsonValue(text, 0)!;
        expect(scan.end).toBe(text.length);
        const kept = parsedKeys(JSON.parse(text));
        if (first === undefined) {
          expect(scan.keys).toBe(kept);
          expect(firstDuplicateKey(text, 0)).toBeUndefined();
        } else {
          duplicated++;
          expect(scan.keys).toBeGreaterThan(kept);
          expect(firstDuplicateKey(text, 0)).toEqual(first);
        }
      }),
      { numRuns: 1000 },
    );
    expect(duplicated).toBeGreaterThan(100);
  });
});
