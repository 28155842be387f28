import * as fc from 'fast-check';
import { dump } from 'js-yaml';
import { parseDocument } from 'yaml';
import { ManifestSet } from '../../src/loader';
import { indexBlockYaml, lineInBlockIndex } from '../../src/loader/block-lines';
import { ExactLines } from '../../src/loader/exact-lines';
import { isHardpodError } from '../../src/model/errors';
import type { PathSegment } from '../../src/model/field-path';
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
        const index = indexBlockYaml(text);
        if (!index) return;
        // The oracle is the `yaml` parser: only where it reads the same data as js-yaml. js-yaml
        // can dump plain keys holding flow indicators (`{(:]: {}}`) that YAML 1.2 reads otherwise.
        const reread = parseDocument(text);
        if (reread.errors.length > 0 || JSON.stringify(reread.toJS()) !== JSON.stringify(object)) return;
        indexed++;
        const exact = new ExactLines(text);
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
    // The property is only worth something if the index applies to most block-style documents.
    expect(indexed).toBeGreaterThan(700);
  });
});
