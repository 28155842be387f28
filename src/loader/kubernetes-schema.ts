import * as jsYaml from 'js-yaml';
import { FAILSAFE_SCHEMA, Type, type Type as YamlType } from 'js-yaml';
import type { ScalarResolver } from './block-yaml';

/**
 * YAML as Kubernetes reads it. kubectl, Helm and the API server turn YAML into JSON with
 * sigs.k8s.io/yaml, which resolves plain scalars the YAML 1.1 way of go-yaml v2, not by the YAML 1.2
 * core schema: `yes`, `on`, `y` are true and `no`, `off`, `n` false; `010` is octal (8), as are
 * `0o10`; `0b11` is binary; underscores inside numbers are dropped (`1_000` is 1000). A manifest
 * saying `privileged: yes` runs privileged, so hardpod must read it as true. Unquoted dates stay
 * strings (sigs.k8s.io/yaml keeps their text), and merge keys (`<<`) merge. Tagged values of the
 * other YAML 1.1 types still load. A differential test holds these types to kubectl's own reading.
 * (js-yaml's type definitions lack its `types` export.)
 */
const yamlTypes = (jsYaml as unknown as {
  types: Readonly<Record<'null' | 'bool' | 'int' | 'float' | 'merge' | 'timestamp' | 'binary' | 'omap' | 'pairs' | 'set', YamlType & { represent?: unknown }>>;
}).types;

const TRUE_WORDS = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']);
const FALSE_WORDS = new Set(['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']);

/** Special floats, which Kubernetes then refuses: JSON has no infinity or NaN (the loader says so). */
const SPECIAL_FLOATS = new Map<string, number>([
  ...['.nan', '.NaN', '.NAN'].map((word): [string, number] => [word, NaN]),
  ...['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF'].map((word): [string, number] => [word, Infinity]),
  ...['-.inf', '-.Inf', '-.INF'].map((word): [string, number] => [word, -Infinity]),
]);

/** Go's strconv.ParseInt with base 0 (after go-yaml drops underscores): sign, then 0x, 0o, 0b, a leading 0 (octal) or decimal. */
const GO_INT = /^([-+]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/;
const SHORT_DECIMAL = /^[-+]?[1-9][0-9]{0,14}$/;
const INT64_MIN = -(2n ** 63n), INT64_MAX = 2n ** 63n - 1n, UINT64_MAX = 2n ** 64n - 1n;

/** go-yaml's float pattern for scalars starting with a digit or sign (underscores dropped first). */
const GO_YAML_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
/** strconv.ParseFloat on a scalar starting with `.`: underscores only between digits. */
const GO_DOT_FLOAT = /^\.[0-9](_?[0-9])*([eE][-+]?[0-9](_?[0-9])*)?$/;

/** A digit, `+` or `-` first: the scalars go-yaml tries as numbers. */
function startsNumeric(text: string): boolean {
  const first = text.charCodeAt(0);
  return (first >= 48 && first <= 57) || first === 43 || first === 45;
}

/**
 * The integer go-yaml reads from a plain scalar, or undefined: within int64, or uint64 without a
 * sign; beyond that a decimal falls to the float pattern and any other base stays a string, as in Go.
 */
function goYamlInt(text: string): number | undefined {
  if (!startsNumeric(text)) return undefined;
  const plain = text.includes('_') ? text.replace(/_/g, '') : text;
  if (SHORT_DECIMAL.test(plain)) return Number(plain);
  const match = GO_INT.exec(plain);
  if (!match) return undefined;
  const [, sign, digits] = match;
  const magnitude = BigInt(digits.length > 1 && digits[0] === '0' && /[0-7]/.test(digits[1]) ? `0o${digits.slice(1)}` : digits);
  const value = sign === '-' ? -magnitude : magnitude;
  if (value >= INT64_MIN && value <= INT64_MAX) return value === 0n ? 0 : Number(value);
  if (sign === '' && value <= UINT64_MAX) return Number(value);
  return undefined;
}

/** The float go-yaml reads from a plain scalar that is not an integer, or undefined (out of range stays a string). */
function goYamlFloat(text: string): number | undefined {
  const special = SPECIAL_FLOATS.get(text);
  if (special !== undefined) return special;
  let value: number;
  if (text.charCodeAt(0) === 46 /* . */) {
    if (!GO_DOT_FLOAT.test(text)) return undefined;
    value = Number(text.replace(/_/g, ''));
  } else {
    if (!startsNumeric(text)) return undefined;
    const plain = text.includes('_') ? text.replace(/_/g, '') : text;
    if (!GO_YAML_FLOAT.test(plain)) return undefined;
    value = Number(plain);
  }
  return Number.isFinite(value) ? value : undefined;
}

const kubernetesBool = new Type('tag:yaml.org,2002:bool', {
  kind: 'scalar',
  resolve: (data: string) => TRUE_WORDS.has(data) || FALSE_WORDS.has(data),
  construct: (data: string) => TRUE_WORDS.has(data),
  predicate: (object: unknown) => typeof object === 'boolean',
  represent: yamlTypes.bool.represent as never,
  defaultStyle: 'lowercase',
});

const kubernetesInt = new Type('tag:yaml.org,2002:int', {
  kind: 'scalar',
  resolve: (data: string) => goYamlInt(data) !== undefined,
  construct: (data: string) => goYamlInt(data),
  predicate: (object: unknown) => typeof object === 'number' && Number.isInteger(object) && !Object.is(object, -0),
  represent: yamlTypes.int.represent as never,
  defaultStyle: 'decimal',
});

const kubernetesFloat = new Type('tag:yaml.org,2002:float', {
  kind: 'scalar',
  // An integer scalar resolves as the int type first; a float tag on one still reads its value.
  resolve: (data: string) => goYamlInt(data) !== undefined || goYamlFloat(data) !== undefined,
  construct: (data: string) => goYamlInt(data) ?? goYamlFloat(data),
  predicate: (object: unknown) => typeof object === 'number' && (!Number.isInteger(object) || Object.is(object, -0)),
  represent: yamlTypes.float.represent as never,
  defaultStyle: 'lowercase',
});

export const KUBERNETES_SCHEMA = FAILSAFE_SCHEMA.extend({
  implicit: [yamlTypes.null, kubernetesBool, kubernetesInt, kubernetesFloat, yamlTypes.merge],
  explicit: [yamlTypes.timestamp, yamlTypes.binary, yamlTypes.omap, yamlTypes.pairs, yamlTypes.set],
});

/** The schema's implicit types, in js-yaml's order: the block parser resolves plain scalars with exactly these. */
export const KUBERNETES_SCALAR_RESOLVERS = (KUBERNETES_SCHEMA as unknown as { compiledImplicit: readonly ScalarResolver[] }).compiledImplicit;
