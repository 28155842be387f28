/**
 * The config file's fast path: plain block YAML is read by the manifest loader's block parser with
 * the YAML 1.2 core schema, and must give exactly what the `yaml` package gives (the settings and the
 * line of every key), which still reads everything else and reports every error.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as fc from 'fast-check';
import { dump } from 'js-yaml';
import { isScalar, parseDocument, stringify } from 'yaml';
import { parseBlockConfigText, parseConfigText, parseConfigTextWithYaml, resolveConfig } from '../../src/engine/config';
import { resolveCoreScalar } from '../../src/loader/core-schema-scalars';
import { HardpodError } from '../../src/model/errors';

const FILE = '/team/hardpod.config.yaml';

/** Every key of a value as config messages write it: `rules.probes.enforcement`, `suppressions[0].reason`. */
function keysOf(value: unknown, prefix = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => [`${prefix}[${i}]`, ...keysOf(item, `${prefix}[${i}]`)]);
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, item]) => {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    return [path, ...keysOf(item, path)];
  });
}

/** Holds the fast path to the `yaml` package's reading of the same text, present keys and missing ones; returns whether it was taken. */
function expectSameAsYaml(text: string, extraKeys: readonly string[] = []): boolean {
  const fast = parseBlockConfigText(text, FILE);
  if (fast === undefined) return false;
  const reference = parseConfigTextWithYaml(text, FILE);
  expect(fast.config).toEqual(reference.config);
  // Keys the settings lack too: messages name a missing field by where its parent's value starts.
  const keys = keysOf(reference.config).flatMap((key) => [key, `${key}.missing`, `${key}[9]`]);
  for (const key of [...keys, 'missing', 'missing.deeper', ...extraKeys]) expect([key, fast.locate(key)]).toEqual([key, reference.locate(key)]);
  return true;
}

const SCALARS = [
  '', '~', 'null', 'Null', 'NULL', 'nULL', 'true', 'True', 'TRUE', 'tRUE', 'false', 'False', 'FALSE', 'yes', 'no', 'on', 'off', 'y', 'n',
  '0', '-0', '+0', '007', '12', '-12', '+12', '1_000', '0o17', '0O17', '0o18', '0x1F', '0X1F', '0x', '0b101', '0.5', '.5', '-.5', '+.5', '1.', '1.0',
  '1e3', '1E3', '1e+3', '-1.5e-3', '.5e3', '1.e3', 'e3', '.', '.inf', '-.Inf', '+.INF', '.nan', '.NaN', '.NAN', '-.nan', '1.33', 'v1.33',
  '123456789012345678901234567890', '2026-01-01', '12:30', '1:2', 'deny', 'warn', 'pod-security.kubernetes.io/enforce',
];

describe('plain scalars under the YAML 1.2 core schema', () => {
  test('resolve as the yaml package resolves them', () => {
    for (const plain of SCALARS) {
      const doc = parseDocument(`key: ${plain}`);
      expect([plain, resolveCoreScalar(plain)]).toEqual([plain, doc.toJS().key]);
    }
  });

  test('and so does any plain scalar written from digits, signs, dots, letters and underscores', () => {
    fc.assert(fc.property(fc.stringMatching(/^[-+.0-9eEoxXa-fnNiIuUlLtTrR_]{1,12}$/), (plain) => {
      const doc = parseDocument(`key: ${plain}`);
      const node = (doc.contents as { items?: { value?: unknown }[] } | null)?.items?.[0]?.value;
      fc.pre(doc.errors.length === 0 && isScalar(node) && node.type === 'PLAIN' && node.source === plain);
      expect(resolveCoreScalar(plain)).toEqual(doc.toJS().key);
    }), { numRuns: 2000 });
  });
});

const TYPICAL = `# The payments team's hardpod settings
level: hardened
kubernetesVersion: '1.33'
edition: 1
enforcement: deny
rules:
  probes:
    enforcement: warn   # readiness is checked by the mesh
  resources: { severity: low }
forbidSuppressions: false
suppressions:
  - rule: resources
    kind: Deployment
    name: payments-api
    namespace: payments
    reason: "sized by the autoscaler: see TEAM-42"
  -   rule: network-policy
      kind: Deployment
      name: ledger
      reason: >-
        the platform's mesh policy covers it
cluster:
  namespaces:
    payments:
      labels:
        pod-security.kubernetes.io/enforce: restricted
        pod-security.kubernetes.io/enforce-version: latest
workloadKinds:
- kind: Rollout
  group: argoproj.io
  templatePath: spec.template
hardened:
  allowedRegistries:
    - registry.example.com/
`;

describe('a config file in plain block YAML', () => {
  test('is read by the block parser, to the same settings and key lines as the yaml package', () => {
    const text = TYPICAL.replace(/ {6}reason: >-\n {8}.*\n/, "      reason: the platform's mesh policy covers it\n");
    expect(expectSameAsYaml(text, ['rules.probes.severity', 'suppressions[5]', 'cluster.namespaces.shop.labels', 'level.x'])).toBe(true);
    expect(expectSameAsYaml('suppressions:\n-\n  rule: probes\n- # a comment\n  rule: resources\n')).toBe(true);
    const { locate } = parseConfigText(text, FILE);
    expect(locate('rules.probes.enforcement')).toBe(`${FILE}:8 (rules.probes.enforcement)`);
    expect(locate('suppressions[1].name')).toBe(`${FILE}:19 (suppressions[1].name)`);
    expect(locate('cluster.namespaces.payments.labels.pod-security.kubernetes.io/enforce')).toBe(`${FILE}:25 (cluster.namespaces.payments.labels.pod-security.kubernetes.io/enforce)`);
  });

  test('the README\'s example config is one: read by the block parser as by the yaml package, and valid', () => {
    const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
    const example = /### Config \(`--config hardpod\.config\.yaml`\)\s+```yaml\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(example).toBeDefined();
    expect(expectSameAsYaml(example!)).toBe(true);
    const { config, locate } = parseConfigText(example!, FILE);
    expect(() => resolveConfig(config, locate)).not.toThrow();
  });

  test('outside the block parser\'s subset (a folded scalar, an anchor, a tag, a flow mapping over lines) is read by the yaml package', () => {
    expect(parseBlockConfigText(TYPICAL, FILE)).toBeUndefined();
    expect(parseConfigText(TYPICAL, FILE).config).toEqual(parseConfigTextWithYaml(TYPICAL, FILE).config);
    // A key that reads as another key (`1.0:` is `1`, `0x1F:` is `31`) or as null is left to the yaml package too: it names the key by its value.
    for (const text of ['rules: &r\n  probes: { enabled: false }\nother: *r\n', 'level: !!str hardened\n', 'rules: {\n  probes: { enabled: false } }\n', '1.0: x\n', 'rules:\n  0x1F: { enabled: false }\n', 'null: y\n']) {
      expect(parseBlockConfigText(text, FILE)).toBeUndefined();
    }
  });

  test('mistakes keep the yaml package\'s messages and lines', () => {
    for (const [text, message] of [
      ['level: hardened\nlevel: baseline\n', `${FILE}:2`],
      ['level: hardened\n---\nlevel: baseline\n', `${FILE}:2`],
      ['rules:\n  probes: [\n', FILE],
      ['- level\n', `${FILE}:1`],
      ['edition: 1\n1: a\n1.0: b\n', `${FILE}:3`],
    ] as const) {
      const error = (() => {
        try {
          parseConfigText(text, FILE);
          return undefined;
        } catch (caught) {
          return caught;
        }
      })();
      expect(error).toBeInstanceOf(HardpodError);
      expect((error as HardpodError).message).toContain(message);
      expect(() => parseConfigTextWithYaml(text, FILE)).toThrow((error as HardpodError).message);
    }
  });

  const scalar = fc.oneof(
    fc.constantFrom(...SCALARS),
    fc.string({ maxLength: 12 }),
    fc.integer(),
    fc.double({ noNaN: true }),
    fc.boolean(),
    fc.constant(null),
  );
  const key = fc.oneof(fc.constantFrom('level', 'rules', 'probes', 'pod-security.kubernetes.io/enforce', 'a.b', 'a', 'b', '1.0', 'reason'), fc.string({ minLength: 1, maxLength: 8 }));
  const value = fc.letrec((tie) => ({
    node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, tie('list'), tie('map')),
    list: fc.array(tie('node'), { maxLength: 3 }),
    map: fc.dictionary(key, tie('node'), { maxKeys: 4 }),
  })).map;

  test('any text the block parser accepts, however odd, the yaml package reads to the same settings and lines', () => {
    // Lines of block YAML with the characters YAML treats specially spliced into keys and values.
    const piece = fc.constantFrom(
      'a', 'key', 'x y', '1', '0o7', '0x1F', '1e3', 'true', 'yes', 'null', '~', '-', ':', ': ', '#', ' #', "'", "''", '"', '[', ']', '{', '}',
      ', ', '?', '|', '|-', '>', '!', '&a', '*a', '%', '@', '`', ' ', '\\', '.', '...', '---', 'é', '[a, b]', '{a: 1}', '"q"', "'s'", '[]', '{}',
    );
    const word = fc.array(piece, { maxLength: 3 }).map((pieces) => pieces.join(''));
    const indent = fc.constantFrom('', '  ', '    ', '      ');
    const line = fc.oneof(
      fc.tuple(indent, fc.oneof(fc.constantFrom('level', 'rules', 'x.y'), word), word).map(([at, name, text]) => `${at}${name}: ${text}`),
      fc.tuple(indent, fc.constantFrom('level', 'rules', 'a')).map(([at, name]) => `${at}${name}:`),
      fc.tuple(indent, word).map(([at, text]) => `${at}- ${text}`),
      fc.tuple(indent, word).map(([at, text]) => `${at}- a: ${text}`),
      fc.tuple(indent, word).map(([at, text]) => `${at}${text}`),
    );
    let taken = 0;
    fc.assert(fc.property(fc.array(line, { minLength: 1, maxLength: 6 }), (lines) => {
      if (expectSameAsYaml(`${lines.join('\n')}\n`)) taken++;
    }), { numRuns: 5000 });
    expect(taken).toBeGreaterThan(150);
  });

  test('any mapping, written in block style by either YAML library, reads the same both ways', () => {
    let taken = 0;
    fc.assert(fc.property(value, fc.integer({ min: 0, max: 3 }), (config, style) => {
      const text = [
        () => stringify(config),
        () => stringify(config, { indentSeq: false, defaultStringType: 'QUOTE_SINGLE' }),
        () => dump(config, { indent: 4, noCompatMode: true }),
        () => dump(config, { flowLevel: 2, noCompatMode: true }),
      ][style]();
      if (expectSameAsYaml(text)) taken++;
    }), { numRuns: 400 });
    // The property says nothing unless most texts took the fast path.
    expect(taken).toBeGreaterThan(100);
  });
});
