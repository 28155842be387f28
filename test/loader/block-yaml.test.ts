import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import * as fc from 'fast-check';
import { dump, load } from 'js-yaml';
import { parseDocument } from 'yaml';
import { deploymentsYaml } from '../../bench/check.bench';
import { indexBlockYaml, lineInBlockIndex } from '../../src/loader/block-lines';
import { KNOWN_KEYS, parseBlockYaml } from '../../src/loader/block-yaml';
import { ExactLines } from '../../src/loader/exact-lines';
import { isLoneFlowDash, sourceTokens } from '../../src/loader/go-yaml-checks';
import { resolveKubernetesScalar } from '../../src/loader/kubernetes-scalars';
import { KUBERNETES_SCHEMA } from '../../src/loader/kubernetes-schema';
import { splitDocuments, type RawDocument } from '../../src/loader/split';
import { isHardpodError } from '../../src/model/errors';
import type { PathSegment } from '../../src/model/field-path';
import { dumpOptions, value, yamlText } from '../fixtures/yaml-arbitraries';
import { CACHE_DIR } from '../harness/cache-dir';
import { describeWithTools } from '../harness/required-tools';

/**
 * The block parser must read every document it accepts exactly as js-yaml does (values, types, key
 * order), and yield the same line index as the indentation indexer; whatever it declines goes to js-yaml.
 */

type Outcome = 'fast' | 'declined';

/**
 * `text` with each lone dash of a flow collection (`[cat, -]`) quoted: the one place the block parser
 * reads as go-yaml does ("-") where js-yaml refuses, so that js-yaml can still judge the rest.
 */
function quoteLoneFlowDashes(text: string): string {
  const dashes = [...sourceTokens(text)].filter((token) => isLoneFlowDash(token, text)).map((token) => token.start);
  return dashes.reverse().reduce((quoted, at) => `${quoted.slice(0, at)}"-"${quoted.slice(at + 1)}`, text);
}

/**
 * Parses `text` both ways and fails on any difference; returns which path the document took. With
 * `exactLines` (slow: a second parser), every field's line is also checked against the exact parser.
 */
function agreesWithJsYaml(text: string, exactLines = true): Outcome {
  const fast = parseBlockYaml(text, resolveKubernetesScalar);
  if (!fast) return 'declined';
  let expected: unknown;
  try {
    expected = load(quoteLoneFlowDashes(text), { schema: KUBERNETES_SCHEMA });
  } catch (error) {
    throw new Error(`the block parser accepted a document js-yaml refuses (${(error as Error).message}):\n${text}`);
  }
  // isDeepStrictEqual tells -0, NaN and types apart; the JSON text compares key order.
  if (!isDeepStrictEqual(fast.value, expected) || JSON.stringify(fast.value) !== JSON.stringify(expected)) {
    throw new Error(`the block parser read\n${JSON.stringify(fast.value)}\nwhere js-yaml reads\n${JSON.stringify(expected)}\nfrom:\n${text}`);
  }
  // The line index must match the indentation indexer's where that applies, and find every field
  // where the exact parser does (where the `yaml` parser reads the same data as js-yaml).
  const index = indexBlockYaml(text, resolveKubernetesScalar);
  if (index) {
    const { indents, starts, root } = fast.index;
    expect({ indents, starts, root }).toEqual({ indents: index.indents, starts: index.starts, root: index.root });
  }
  if (!exactLines) return 'fast';
  const reread = parseDocument(text);
  if (reread.errors.length === 0 && JSON.stringify(reread.toJS()) === JSON.stringify(expected)) {
    const exact = new ExactLines(text, resolveKubernetesScalar);
    for (const path of fieldPaths(expected)) expect([path, lineInBlockIndex(fast.index, path)]).toEqual([path, exact.line(path)]);
  }
  return 'fast';
}

function fieldPaths(node: unknown, prefix: PathSegment[] = [], out: PathSegment[][] = []): PathSegment[][] {
  out.push(prefix);
  if (Array.isArray(node)) node.forEach((item, i) => fieldPaths(item, [...prefix, i], out));
  else if (node !== null && typeof node === 'object') for (const [k, v] of Object.entries(node)) fieldPaths(v, [...prefix, k], out);
  return out;
}

function* yamlFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* yamlFiles(path);
    else if (entry.isFile() && /\.ya?ml$/.test(entry.name)) yield path;
  }
}

/** The documents the loader would parse: none when the stream itself is refused (as kubectl refuses it). */
function documentsOf(text: string): RawDocument[] {
  try {
    return splitDocuments(text);
  } catch (error) {
    if (isHardpodError(error)) return [];
    throw error;
  }
}

function outcomes(texts: Iterable<string>, exactLines = true): Record<Outcome, number> {
  const counts = { fast: 0, declined: 0 };
  for (let text of texts) {
    // The loader drops a byte order mark before splitting, as here.
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    for (const doc of documentsOf(text)) counts[agreesWithJsYaml(doc.text, exactLines)]++;
  }
  return counts;
}

/** The Go modules the test set-up downloads to build kube-apiserver, kubectl, Helm and Pulumi (and other tools, whose YAML is not read here). */
const GO_MODULES = join(CACHE_DIR, 'go', 'mod');
/** The modules of Kubernetes, Helm and Pulumi themselves: the YAML written by the projects whose manifests hardpod reads. */
const MANIFEST_MODULES = ['k8s.io', 'sigs.k8s.io', 'helm.sh', 'github.com/pulumi'].map((path) => join(GO_MODULES, path)).filter((dir) => existsSync(dir));

describe('block YAML parser', () => {
  test('reads every upstream Pod Security fixture and example manifest as js-yaml does', () => {
    const dirs = [join(__dirname, '../fixtures/pod-security-admission'), join(__dirname, '../../examples')];
    const counts = outcomes([...dirs.flatMap((dir) => [...yamlFiles(dir)])].map((file) => readFileSync(file, 'utf8')));
    // The fast path must actually serve manifests as they are written.
    expect(counts.fast).toBeGreaterThan(4500);
    expect(counts.declined / (counts.fast + counts.declined)).toBeLessThan(0.01);
  });

  test('reads every document of the benchmark input (5,000 Deployments with their companions)', () => {
    const counts = outcomes([deploymentsYaml(300), deploymentsYaml(300, { compliantShare: 0.8 })]);
    expect(counts).toEqual({ fast: expect.any(Number), declined: 0 });
  });

  test.each([
    ['literal block scalars, each chomping, at the end and in the middle', 'a: |\n  x\n   y\n\n  z\n\nb: |-\n  x\n\nc: |+\n  x\n\n\nd: |\n  last\n'],
    ['a literal block scalar in a sequence and a compact mapping', 'l:\n- |\n  one\n- k: |+\n    two\n\n  j: 1\n'],
    ['indentless and nested sequences, compact mappings', 'spec:\n  containers:\n  - name: a\n    args:\n    - -x\n    -\n      - nested\n  - name: b\nv: ~\n'],
    ['flow collections', 'a: {x: 1, "y": [a, \'b\', {c: d}], z: []}\nb: [ {}, -1, .5, 0x1F, 010, yes, off, "it\'s", \'q\'\'\' ]\n'],
    ['plain scalars that resolve, as values and as keys', 'a: 0o17\nb: 1e3\nc: True\nd: NULL\ne: 1_000\n8080: x\ntrue: y\nf: 2024-01-01\ng: http://x:80/a#frag\n'],
    ['comments everywhere', '--- # doc\n# top\na: 1 # one\n  # odd\nb:   # none\n# mid\n  c: "#" # c\n'],
    ['quoted keys and values', '"a b": \'c\'\n\'d\': "e"\n"": x\n'],
    ['a lone dash in flow collections (the string "-", as kubectl reads it)', 'a: [cat, -]\nb: {p: -, q: [-,-]}\n'],
  ])('%s', (_name, text) => {
    expect(agreesWithJsYaml(text)).toBe('fast');
  });

  test.each([
    ['anchors and aliases', 'a: &x 1\nb: *x\n'],
    ['merge keys', 'a: {x: 1}\nb:\n  <<: {y: 2}\n'],
    ['tags', 'a: !!str 1\n'],
    ['folded block scalars', 'a: >\n  x\n  y\n'],
    ['multi-line plain scalars', 'a: x\n  y\n'],
    ['multi-line flow collections', 'a: [x,\n  y]\n'],
    ['escapes in double quotes', 'a: "x\\ny"\n'],
    ['duplicate keys (an error js-yaml reports)', 'a: 1\na: 2\n'],
    ['bad indentation (an error js-yaml reports)', 'a:\n    b: 1\n  c: 2\n'],
    ['tabs', 'a:\tb\n'],
    ['carriage returns', 'a: b\r\n'],
    ['control characters (an error js-yaml reports)', 'a: b\u0000\n'],
    ['a block scalar ending the text without a newline', 'a: |\n  x'],
    ['__proto__ keys', '__proto__: {a: 1}\n'],
    ['keys that read as null (which the loader refuses, as kubectl does)', 'a: 1\n~: z\n'],
    ...['1.0', '0x1F', '017', '1_000', 'yes', 'n', 'Off'].map((key) => [`the key ${key}, which reads as another key, found by the exact parser's lines`, `a: 1\n${key}: z\n`]),
    ['a key that reads as null in a flow mapping', 'a: {null: 1}\n'],
    ['infinite and NaN numbers (which the loader refuses with their line)', 'a: [1, .inf]\n'],
    ['NaN as a value', 'a: .NaN\n'],
  ])('declines %s, which js-yaml reads or refuses', (_name, text) => {
    expect(parseBlockYaml(text, resolveKubernetesScalar)).toBeUndefined();
  });

  test('the line index of a document the parser declines leaves a plain key that reads as another key to the exact parser, at any depth', () => {
    for (const key of ['1.0', '0x1F', '017', '1_000', 'yes', 'n', 'Off']) {
      // A folded scalar: the parser declines it, the index reads it.
      for (const text of [`a: >\n  x\n${key}: z\n`, `a: >\n  x\nl:\n- ${key}: z\n`, `a: >\n  x\nm:\n  b: 1\n  ${key}:\n    c: 2\n`]) {
        expect(parseBlockYaml(text, resolveKubernetesScalar)).toBeUndefined();
        expect([text, indexBlockYaml(text, resolveKubernetesScalar)]).toEqual([text, undefined]);
        // Quoted, the key is its text, and the index applies.
        const quoted = text.replace(`${key}:`, `"${key}":`);
        expect([quoted, indexBlockYaml(quoted, resolveKubernetesScalar)]).toEqual([quoted, expect.objectContaining({ root: 0 })]);
      }
    }
    // Keys that read as themselves keep the index: a number written as Go writes it, a word.
    expect(indexBlockYaml('a: >\n  x\n8080: z\ntrue: y\nname: n\n', resolveKubernetesScalar)).toBeDefined();
  });

  test('known field names are words the schema keeps as strings, and read as js-yaml reads them as keys and values, next to names sharing their start', () => {
    for (const name of KNOWN_KEYS) {
      expect([name, resolveKubernetesScalar(name)]).toEqual([name, name]);
      const near = [`${name}x`, name.slice(0, -1), `x${name.slice(1)}`].filter((n) => n !== '' && !KNOWN_KEYS.includes(n));
      const text = [`${name}: 1`, ...near.map((n, i) => `${n}: ${i + 2}`), `flow: {${name}: ${name}, ${near.map((n) => `${n}: ${n}`).join(', ')}}`, `list: [${name}, ${near.join(', ')}]`, ''].join('\n');
      expect([name, agreesWithJsYaml(text)]).toEqual([name, 'fast']);
    }
  });

  test('random values dumped in any style read back as js-yaml reads them', () => {
    const counts = { fast: 0, declined: 0 };
    fc.assert(
      fc.property(value, dumpOptions, fc.constantFrom('', '---\n', '--- # c\n# c\n'), (object, options, head) => {
        counts[agreesWithJsYaml(`${head}${dump(object, options)}`)]++;
      }),
      { numRuns: 3000 },
    );
    expect(counts.fast).toBeGreaterThan(1000);
    expect(counts.declined).toBeGreaterThan(100);
  });

  test('random and broken text is either read as js-yaml reads it or left to js-yaml', () => {
    const counts = { fast: 0, declined: 0 };
    fc.assert(
      fc.property(yamlText, (text) => {
        for (const doc of documentsOf(text)) counts[agreesWithJsYaml(doc.text)]++;
      }),
      { numRuns: 3000 },
    );
    expect(counts.fast).toBeGreaterThan(500);
    expect(counts.declined).toBeGreaterThan(500);
  });

  test('a manifest with any one character inserted, deleted or replaced is read as js-yaml reads it, or declined', () => {
    const manifest = [
      '---', '# Source: shop/templates/deployment.yaml', 'apiVersion: apps/v1', 'kind: Deployment', 'metadata:', '  name: web',
      '  labels: {app: web, tier: "front"}', 'spec:', '  template:', '    spec:', '      containers:', '      - name: app',
      "        image: 'nginx:1.27'", '        args: ["--port", 8080]', '        env:', '        - name: A', '          value: |',
      '            line one', '            line two', '        securityContext:', '          capabilities:', '            drop:',
      '            - ALL', '      securityContext: # pod', '        runAsUser: 10001', '',
    ].join('\n');
    const edit = fc.record({
      at: fc.nat(manifest.length),
      remove: fc.nat(2),
      insert: fc.oneof(fc.constantFrom('', ' ', '  ', ':', '-', '- ', '#', ' #', "'", '"', '|', '{', '}', '[', ']', ',', '\n', '\n  ', 'x'), fc.string({ maxLength: 3 })),
    });
    const counts = { fast: 0, declined: 0 };
    fc.assert(
      fc.property(edit, ({ at, remove, insert }) => {
        const text = manifest.slice(0, at) + insert + manifest.slice(at + remove);
        for (const doc of documentsOf(text)) counts[agreesWithJsYaml(doc.text)]++;
      }),
      { numRuns: 4000 },
    );
    expect(counts.fast).toBeGreaterThan(1000);
    expect(counts.declined).toBeGreaterThan(200);
  });
});

describeWithTools(
  'block YAML parser on the YAML of the Kubernetes, Helm and Pulumi sources',
  'the Go module cache',
  existsSync(join(GO_MODULES, 'k8s.io')) ? undefined : `${GO_MODULES} holds no k8s.io modules (scripts/setup/kube-apiserver.sh downloads them)`,
  () => {
    test('reads every document of every YAML file in the modules as js-yaml does', () => {
      // Values and the line index only: the exact parser would take a minute over this many documents.
      const counts = outcomes(MANIFEST_MODULES.flatMap((dir) => [...yamlFiles(dir)]).map((file) => readFileSync(file, 'utf8')), false);
      // About 10,000 documents: Kubernetes' manifests and test data, Helm's chart test data.
      expect(counts.fast).toBeGreaterThan(5000);
      expect(counts.fast / (counts.fast + counts.declined)).toBeGreaterThan(0.9);
    });
  },
);
