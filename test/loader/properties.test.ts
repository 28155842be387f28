import * as fc from 'fast-check';
import { dump } from 'js-yaml';
import { parseDocument } from 'yaml';
import { ManifestSet } from '../../src/loader';
import { indexBlockYaml, lineInBlockIndex } from '../../src/loader/block-lines';
import { ExactLines } from '../../src/loader/exact-lines';
import type { PathSegment } from '../../src/loader/field-path';
import { isHardpodError } from '../../src/model/errors';

/** Pieces of YAML syntax, so random text often comes close to valid YAML and its edge cases. */
const yamlPiece = fc.oneof(
  fc.constantFrom(
    '---', '...', '- ', ': ', '{', '}', '[', ']', ', ', '&a ', '*a', '<<: *a', '|', '>-', '# c', '"', "'", '\n', '\n', '\n', '  ', '    ', '\t',
    'apiVersion: v1', 'kind: Pod', 'kind: List', 'items:', 'metadata:', 'name: x', 'spec:', 'containers:', '!!str ', '!!binary ', '%YAML 1.2', '~', 'null', '123', '\ufeff', '\u0000',
  ),
  fc.string({ maxLength: 8 }),
);
/** Whole objects and separators, so that many random streams hold valid documents next to broken ones. */
const documentPiece = fc.constantFrom(
  '\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n',
  '\n---\napiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n      - name: a\n        image: i\n',
  '\n---\n{"apiVersion": "v1", "kind": "List", "items": [{"apiVersion": "v1", "kind": "Pod"}]}\n',
  '\n---\n', '\n...\n', '\n# Source: c/t.yaml\n',
);
const yamlText = fc.array(fc.oneof({ weight: 3, arbitrary: documentPiece }, { weight: 2, arbitrary: yamlPiece }), { maxLength: 40 })
  .map((pieces) => pieces.join(''));

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

  const key = fc.oneof(
    fc.constantFrom('name', 'image', 'app.kubernetes.io/name', 'a b', 'x: y', '- dash', '#hash', 'quote"d', "it's", '123', 'true', '', 'null', 'key\\with'),
    fc.string({ maxLength: 6 }),
  );
  const scalar = fc.oneof(
    fc.string({ maxLength: 20 }), fc.integer(), fc.boolean(), fc.constant(null),
    fc.constantFrom('multi\nline\ntext', 'a: b', '- x', '#x', '|', 'trailing ', '"q"', '---', '...'),
  );
  const value = fc.letrec((tie) => ({
    node: fc.oneof({ maxDepth: 5 }, scalar, tie('map'), tie('seq')),
    map: fc.dictionary(key, tie('node'), { maxKeys: 4 }),
    seq: fc.array(tie('node'), { maxLength: 4 }),
  })).map;
  const dumpOptions = fc.record({
    indent: fc.constantFrom(2, 4),
    noArrayIndent: fc.boolean(),
    lineWidth: fc.constantFrom(-1, 20, 80),
    flowLevel: fc.constantFrom(-1, -1, 2),
    quotingType: fc.constantFrom("'" as const, '"' as const),
    forceQuotes: fc.boolean(),
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
