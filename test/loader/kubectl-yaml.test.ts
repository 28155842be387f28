import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as fc from 'fast-check';
import { canonicalJson, missingKubectl, readWithKubectl } from './kubectl-reading';
import { ManifestSet } from '../../src/loader';
import { KUBERNETES_SCALAR_RESOLVERS } from '../../src/loader/kubernetes-schema';
import { isHardpodError } from '../../src/model/errors';
import { describeWithTools } from '../harness/required-tools';

/**
 * hardpod must read a manifest's values as kubectl does, since that is what the cluster receives:
 * `privileged: yes` runs privileged. The real kubectl (built by scripts/setup/kube-apiserver.sh)
 * reads the same documents offline (`kubectl label --local -o json`), and every value and key
 * must come out the same. Plain scalars are generated from the characters that make numbers,
 * booleans and nulls, so that every syntax go-yaml resolves is met, plus a list of known cases.
 */

const KNOWN_SCALARS = [
  'yes', 'Yes', 'YES', 'yEs', 'y', 'Y', 'no', 'No', 'NO', 'n', 'N', 'on', 'On', 'ON', 'oN', 'off', 'Off', 'OFF',
  'true', 'True', 'TRUE', 'tRUE', 'false', 'False', 'FALSE', 'null', 'Null', 'NULL', 'nULL', '~', '',
  '0', '-0', '+0', '00', '010', '08', '09', '0o10', '0O17', '0o8', '0x1F', '0X1f', '+0x10', '-0x10', '0x', '0b', '0o',
  '0b11', '-0b101', '+0b1', '0B1', '1_000', '1__0', '_1', '1_', '0x_1F', '0_7', '-_1',
  '9223372036854775807', '9223372036854775808', '-9223372036854775808', '-9223372036854775809',
  '18446744073709551615', '18446744073709551616', '+18446744073709551615', '0xFFFFFFFFFFFFFFFF', '0x1FFFFFFFFFFFFFFFF',
  '0777777777777777777777777', '0b1111111111111111111111111111111111111111111111111111111111111111',
  '1.5', '-1.5', '+.5', '.5', '.5_0', '._5', '.5_', '.', '..', '1.', '1.e3', '1e3', '1E+3', '1e', '1.5e-3', '1_0.5',
  '1e400', '-1e400', '.5e400', '0.0', '-0.0', '1:20', '1:20:30', '2024-01-01', '2024-1-2', '2001-12-14t21:59:43.10-05:00',
  '2024-01-01 10:00:00', '1234-5', '12345-6', '0x1p4', 'inf', 'nan', 'Infinity', 'NaN', '+', '++1', '--1', '+-1',
];

/** Characters that build numbers, booleans and nulls in go-yaml's resolver. */
const SCALAR_CHARACTERS = [...'0123456789+-._xXoObBeEaAfFyYnNtTsSlLuU~'];
const generatedScalar = fc
  .array(fc.constantFrom(...SCALAR_CHARACTERS), { minLength: 1, maxLength: 8 })
  .map((chars) => chars.join(''))
  // `-` alone starts a sequence and infinities make kubectl refuse the file: both have tests of their own.
  .filter((text) => text !== '-' && !/\.(inf|nan)/i.test(text));

function scalarsToCompare(): string[] {
  const generated = fc.sample(generatedScalar, { numRuns: 1500 });
  return [...new Set([...KNOWN_SCALARS, ...generated])];
}

/** One Pod per scalar: the scalar as a value and in flow collections. */
function valuesCorpus(scalars: readonly string[]): string {
  return scalars.map((s, i) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p${i}\nx:\n  value: ${s}\n  flow: {a: ${s}}\n  list: [${s}]\n`).join('---\n');
}

/** One Pod per scalar, the scalar as the key of a mapping of its own (keys collide once resolved). */
function keysCorpus(scalars: readonly string[]): string {
  return scalars.map((s, i) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p${i}\nx:\n  ${s}: 1\n`).join('---\n');
}

/**
 * Keys left out, known differences no Kubernetes field name meets: kubectl refuses a key that reads
 * as null or as an integer beyond int64 (`unsupported map key of type`), where hardpod keeps the
 * key's text; and Go writes a key that reads as a float (`1e8`, `1.5`, `-0.0`) with its own float
 * formatting. The schema's own resolvers tell which type a scalar reads as.
 */
function keyOutsideComparison(scalar: string): boolean {
  const type = KUBERNETES_SCALAR_RESOLVERS.find((t) => t.resolve(scalar));
  const tag = type?.tag ?? '';
  return tag.endsWith(':null') || tag.endsWith(':float') || (tag.endsWith(':int') && !Number.isSafeInteger(type!.construct(scalar)));
}

/** Reads `text` both ways and lists every object that differs. */
function differences(text: string, file: string, scalars: readonly string[]): string[] {
  writeFileSync(file, text);
  const theirs = readWithKubectl(file);
  if (theirs.status !== 0) return [`kubectl refused ${file}: ${theirs.stderr}`];
  const ours = new ManifestSet();
  ours.addText(text, file);
  if (ours.objects.length !== theirs.items!.length) return [`hardpod read ${ours.objects.length} objects, kubectl ${theirs.items!.length}`];
  const mismatches: string[] = [];
  ours.objects.forEach((located, i) => {
    const expected = canonicalJson(theirs.items![i]);
    const actual = canonicalJson(located.object);
    if (actual !== expected) mismatches.push(`${JSON.stringify(scalars[i])}: hardpod ${actual}, kubectl ${expected}`);
  });
  return mismatches;
}

describeWithTools('YAML is read as kubectl reads it', 'kubectl', missingKubectl, () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hardpod-kubectl-yaml-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('every plain scalar, as a value, in flow collections and as a key, reads as kubectl reads it', () => {
    const scalars = scalarsToCompare();
    expect(differences(valuesCorpus(scalars), join(dir, 'values.yaml'), scalars)).toEqual([]);
    const keys = scalars.filter((s) => s !== '' && !keyOutsideComparison(s));
    expect(keys.length).toBeGreaterThan(scalars.length * 0.9);
    expect(differences(keysCorpus(keys), join(dir, 'keys.yaml'), keys)).toEqual([]);
  });

  test('the generated scalars reach every kind of value (a generator that lost its reach would prove little)', () => {
    const values = new ManifestSet();
    values.addText(valuesCorpus(scalarsToCompare()), 'values.yaml');
    const kinds = new Set(values.objects.map((o) => {
      const value = (o.object.x as { value: unknown }).value;
      return value === null ? 'null' : Number.isInteger(value) ? 'int' : typeof value;
    }));
    expect([...kinds].sort()).toEqual(['boolean', 'int', 'null', 'number', 'string']);
  });

  test('an infinite or NaN number is refused by both, and hardpod names the field and its line', () => {
    for (const word of ['.inf', '-.Inf', '+.INF', '.nan', '.NaN']) {
      const text = `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: a\n    x: ${word}\n`;
      const file = join(dir, 'infinite.yaml');
      writeFileSync(file, text);
      const theirs = readWithKubectl(file);
      expect(theirs.status).not.toBe(0);
      expect(theirs.stderr).toMatch(/unsupported value/);
      let error: unknown;
      try {
        new ManifestSet().addText(text, file);
      } catch (caught) {
        error = caught;
      }
      expect(isHardpodError(error)).toBe(true);
      expect((error as Error).message).toContain(`${file}:8`);
      expect((error as Error).message).toContain('spec.containers[0].x reads as');
      expect((error as Error).message).toMatch(/infinite or NaN.*quote the value/);
    }
  });
});
