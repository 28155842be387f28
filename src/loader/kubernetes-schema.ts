import * as jsYaml from 'js-yaml';
import { FAILSAFE_SCHEMA, Type, type Type as YamlType } from 'js-yaml';
import { FALSE_WORDS, goYamlFloat, goYamlInt, NULL_WORDS, TRUE_WORDS } from './kubernetes-scalars';

/**
 * YAML as Kubernetes reads it. kubectl, Helm and the API server turn YAML into JSON with
 * sigs.k8s.io/yaml, which resolves plain scalars the YAML 1.1 way of go-yaml v2, not by the YAML 1.2
 * core schema: `yes`, `on`, `y` are true and `no`, `off`, `n` false; `010` is octal (8), as are
 * `0o10`; `0b11` is binary; underscores inside numbers are dropped (`1_000` is 1000). A manifest
 * saying `privileged: yes` runs privileged, so hardpod must read it as true. Unquoted dates stay
 * strings (sigs.k8s.io/yaml keeps their text), and merge keys (`<<`) merge. Explicit tags read as
 * go-yaml reads them (below). A differential test holds these types to kubectl's own reading.
 * Plain scalars resolve in kubernetes-scalars.ts, which the block parser uses without js-yaml.
 * (js-yaml's type definitions lack its `types` export.)
 */
const yamlTypes = (jsYaml as unknown as {
  types: Readonly<Record<'null' | 'bool' | 'int' | 'float' | 'merge', YamlType & { represent?: unknown }>>;
}).types;

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
  // An empty node tagged `!!int` has null data; go-yaml cannot decode it either.
  resolve: (data: string | null) => data !== null && goYamlInt(data) !== undefined,
  construct: (data: string) => goYamlInt(data),
  predicate: (object: unknown) => typeof object === 'number' && Number.isInteger(object) && !Object.is(object, -0),
  represent: yamlTypes.int.represent as never,
  defaultStyle: 'decimal',
});

const kubernetesFloat = new Type('tag:yaml.org,2002:float', {
  kind: 'scalar',
  // An integer scalar resolves as the int type first; a float tag on one still reads its value.
  resolve: (data: string | null) => data !== null && (goYamlInt(data) !== undefined || goYamlFloat(data) !== undefined),
  construct: (data: string) => goYamlInt(data) ?? goYamlFloat(data),
  predicate: (object: unknown) => typeof object === 'number' && (!Number.isInteger(object) || Object.is(object, -0)),
  represent: yamlTypes.float.represent as never,
  defaultStyle: 'lowercase',
});

/**
 * go-yaml v2 reads a `!!null` tag on the scalars that read as null untagged, quoted ones too
 * (`!!null ""`); js-yaml's null type takes only the untagged forms.
 */
const explicitNull = new Type('tag:yaml.org,2002:null', {
  kind: 'scalar',
  resolve: (data: string | null) => data === null || NULL_WORDS.has(data),
  construct: () => null,
});

/**
 * A `!!timestamp` value keeps its text, as sigs.k8s.io/yaml writes it, but only when go-yaml can
 * read it as one of its four layouts (time.Parse: `2006-1-2T15:4:5.999999999Z07:00`, the same with
 * `t`, `2006-1-2 15:4:5.999999999`, `2006-1-2`); kubectl refuses any other. time.Parse matches a
 * space of a layout with one or more spaces of the value.
 */
const GO_TIMESTAMP = /^(\d{4})-(\d\d?)-(\d\d?)(?:([Tt]| +)(\d\d?):(\d\d?):(\d\d?)(?:[.,]\d+)?(Z|[+-]\d\d:\d\d)?)?$/;
function isGoTimestamp(text: string): boolean {
  const match = GO_TIMESTAMP.exec(text);
  if (!match) return false;
  const [, year, month, day, separator, hour, minute, second, zone] = match;
  // The `T` and `t` layouts end with a zone, the space one has none.
  if (separator !== undefined && separator.startsWith(' ') !== (zone === undefined)) return false;
  if (zone !== undefined && zone !== 'Z' && (Number(zone.slice(1, 3)) > 24 || Number(zone.slice(4)) > 60)) return false;
  const m = Number(month), d = Number(day);
  if (m < 1 || m > 12 || d < 1 || d > daysInMonth(Number(year), m)) return false;
  return hour === undefined || (Number(hour) < 24 && Number(minute) < 60 && Number(second) < 60);
}
/**
 * Days in a month of the proleptic Gregorian calendar, as Go's time package counts them. (Date.UTC
 * reads years 0 to 99 as 1900 to 1999, which made 0000-02-29, a leap day, look invalid.)
 */
function daysInMonth(year: number, month: number): number {
  if (month !== 2) return [31, 0, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
}
const explicitTimestamp = new Type('tag:yaml.org,2002:timestamp', {
  kind: 'scalar',
  resolve: (data: string | null) => data !== null && isGoTimestamp(data),
  construct: (data: string) => data,
});

/**
 * `!!binary` reads as the text of the decoded bytes (Go's base64.StdEncoding: padding required,
 * line breaks ignored), bytes that are not UTF-8 each becoming U+FFFD as Go's JSON encoder writes them.
 */
const STD_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const explicitBinary = new Type('tag:yaml.org,2002:binary', {
  kind: 'scalar',
  resolve: (data: string | null) => STD_BASE64.test((data ?? '').replace(/[\r\n]/g, '')),
  construct: (data: string | null) => goString(Buffer.from((data ?? '').replace(/[\r\n]/g, ''), 'base64')),
});

/** Bytes as Go's JSON encoder writes a string: valid UTF-8 as is, each other byte as U+FFFD. */
function goString(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length;) {
    const size = utf8SequenceLength(bytes, i);
    out += size === 0 ? '\uFFFD' : Buffer.from(bytes.subarray(i, i + size)).toString('utf8');
    i += size || 1;
  }
  return out;
}

/** The length of the valid UTF-8 sequence at `i` (Go's utf8.DecodeRune acceptance), or 0. */
function utf8SequenceLength(bytes: Uint8Array, i: number): number {
  const b0 = bytes[i];
  if (b0 < 0x80) return 1;
  const cont = (k: number, lo = 0x80, hi = 0xbf): boolean => i + k < bytes.length && bytes[i + k] >= lo && bytes[i + k] <= hi;
  if (b0 >= 0xc2 && b0 <= 0xdf) return cont(1) ? 2 : 0;
  if (b0 >= 0xe0 && b0 <= 0xef) {
    const [lo, hi] = b0 === 0xe0 ? [0xa0, 0xbf] : b0 === 0xed ? [0x80, 0x9f] : [0x80, 0xbf];
    return cont(1, lo, hi) && cont(2) ? 3 : 0;
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    const [lo, hi] = b0 === 0xf0 ? [0x90, 0xbf] : b0 === 0xf4 ? [0x80, 0x8f] : [0x80, 0xbf];
    return cont(1, lo, hi) && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}

/**
 * Tags go-yaml does not resolve are ignored: a scalar under any other tag (`!foo 1`, `!!seq x`,
 * `!!merge x`) reads as its text, and a mapping or sequence reads as such whatever its tag
 * (`!!set`, `!!omap`, `!!pairs`, `!!str {a: 1}`, `!custom [1]`). js-yaml tries a multi type whose
 * tag is a prefix of the node's: the empty tag matches every tag no other type takes.
 */
const anyTagScalar = new Type('', { kind: 'scalar', multi: true, construct: (data: string | null) => data ?? '' });
const anyTagSequence = new Type('', { kind: 'sequence', multi: true, construct: (data: unknown[] | null) => data ?? [] });
const anyTagMapping = new Type('', { kind: 'mapping', multi: true, construct: (data: Record<string, unknown> | null) => data ?? {} });
/**
 * An empty node tagged `!!map` or `!!seq` is an empty scalar to go-yaml, which reads "" (js-yaml's
 * failsafe types make it {} or []); with content, a mapping or sequence as usual.
 */
const explicitMap = new Type('tag:yaml.org,2002:map', { kind: 'mapping', construct: (data: Record<string, unknown> | null) => data ?? '' });
const explicitSeq = new Type('tag:yaml.org,2002:seq', { kind: 'sequence', construct: (data: unknown[] | null) => data ?? '' });
/** `!!merge x` tags a value, not a key: go-yaml reads it as text (`<<` untagged still merges). */
const explicitMerge = new Type('tag:yaml.org,2002:merge', { kind: 'scalar', construct: (data: string | null) => data ?? '' });

export const KUBERNETES_SCHEMA = FAILSAFE_SCHEMA.extend({
  implicit: [yamlTypes.null, kubernetesBool, kubernetesInt, kubernetesFloat, yamlTypes.merge],
  explicit: [explicitNull, explicitTimestamp, explicitBinary, explicitMerge, explicitMap, explicitSeq, anyTagScalar, anyTagSequence, anyTagMapping],
});

/** A schema type that may resolve a plain scalar (js-yaml's implicit types). */
export interface ScalarResolver {
  readonly tag: string;
  resolve(data: string): boolean;
  construct(data: string): unknown;
}

/** The schema's implicit types, in js-yaml's order, each with its tag (which type a plain scalar reads as). */
export const KUBERNETES_SCALAR_RESOLVERS = (KUBERNETES_SCHEMA as unknown as { compiledImplicit: readonly ScalarResolver[] }).compiledImplicit;
