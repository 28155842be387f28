/**
 * Plain scalars as Kubernetes reads them. kubectl, Helm and the API server turn YAML into JSON with
 * sigs.k8s.io/yaml, which resolves plain scalars the YAML 1.1 way of go-yaml v2, not by the YAML 1.2
 * core schema (see kubernetes-schema.ts). This module holds that resolution without js-yaml, so that
 * the block parser's hot path loads nothing else: js-yaml is loaded only for documents it declines.
 */

export const TRUE_WORDS = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']);
export const FALSE_WORDS = new Set(['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']);
export const NULL_WORDS = new Set(['', '~', 'null', 'Null', 'NULL']);

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
export function goYamlInt(text: string): number | undefined {
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
export function goYamlFloat(text: string): number | undefined {
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

/** The plain scalars that read as a boolean or null, with their value. */
const WORD_VALUES = new Map<string, boolean | null>([
  ...[...TRUE_WORDS].map((word): [string, boolean] => [word, true]),
  ...[...FALSE_WORDS].map((word): [string, boolean] => [word, false]),
  ...[...NULL_WORDS].map((word): [string, null] => [word, null]),
]);

/**
 * A plain scalar's value as the schema's implicit types below resolve it (null, a boolean, a
 * number, or the text itself), in one pass: the block parser's hot path. The block parser's
 * differential test holds it to js-yaml reading with kubernetes-schema.ts's KUBERNETES_SCHEMA.
 */
export function resolveKubernetesScalar(plain: string): unknown {
  const word = WORD_VALUES.get(plain);
  if (word !== undefined) return word;
  const first = plain.charCodeAt(0);
  if ((first >= 48 && first <= 57) || first === 43 || first === 45) return goYamlInt(plain) ?? goYamlFloat(plain) ?? plain;
  if (first === 46 /* . */) return goYamlFloat(plain) ?? plain;
  return plain;
}
