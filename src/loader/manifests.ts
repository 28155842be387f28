import type { LoadOptions as YamlLoadOptions } from 'js-yaml';
import { indexBlockYaml, lineInBlockIndex, type BlockIndex } from './block-lines';
import { parseBlockYaml } from './block-yaml';
import { ExactLines } from './exact-lines';
import {
  anchorNameIssue, emptyItemIndentIssue, flowCollectionIssue, forgetCheckedDocument, keyIssue, lineBreakIssue, scalarChecker, verbatimTagIssue,
  type GoYamlIssue,
} from './go-yaml-checks';
import { JsonLines } from './json-lines';
import { firstDuplicateKey, keysWithinDepth, scanJsonValue, skipJsonSpace } from './json-scan';
import { resolveKubernetesScalar } from './kubernetes-scalars';
import { splitDocuments } from './split';
import { HardpodError, isHardpodError } from '../model/errors';
import { findValuePath, formatFieldPath, parseFieldPath, valueAtPath, type PathSegment } from '../model/field-path';
import type { KubeObject, LocatedObject, SourceLocation } from '../model/kube-object';
import { countNewlines, firstBareCarriageReturn, lineCounter } from '../model/lines';
import { describeType, expandLists, isFields, isList } from '../model/pod-view';

/**
 * Parses manifest text (multi-document YAML, JSON objects, v1 Lists, `helm template` output) into located
 * objects. Each document is parsed by the block YAML parser, which covers the usual shape of
 * manifests and yields a line index as it goes, or else by js-yaml. The line of a field inside an
 * object is looked up only when asked, for findings, by that index or, failing that, the `yaml` parser.
 * Streams, JSON and YAML syntax are read as kubectl reads them; where that cannot be matched, or
 * would silently drop what the file says (a duplicated key), the text is refused naming its line.
 */

/** Nesting deeper than this is refused: no Kubernetes object comes near it, and recursion stays bounded. */
export const MAX_NESTING_DEPTH = 200;

/**
 * The most values a document may expand to through aliases, relative to its size. A billion-laughs
 * document expands exponentially and is refused instead of reaching the rules.
 */
const MAX_EXPANSION_PER_CHARACTER = 4;
const MIN_EXPANSION_LIMIT = 100_000;

/**
 * js-yaml with the Kubernetes schema, loaded for the first document the block parser declines: most
 * inputs never need it, and loading it costs every run about 10 ms.
 */
let fallbackParser: { readonly jsYaml: typeof import('js-yaml'); readonly schema: typeof import('./kubernetes-schema').KUBERNETES_SCHEMA } | undefined;
function loadFallbackParser(): NonNullable<typeof fallbackParser> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  fallbackParser ??= { jsYaml: require('js-yaml') as typeof import('js-yaml'), schema: (require('./kubernetes-schema') as typeof import('./kubernetes-schema')).KUBERNETES_SCHEMA };
  return fallbackParser;
}

/** Recent js-yaml 4.x bounds nesting (`maxDepth`; older versions overflow the stack, caught below); its type definitions lack the option. */
type JsYamlOptions = YamlLoadOptions & { maxDepth?: number };

/**
 * A document that is no Kubernetes object at all: not a mapping, or a mapping with neither apiVersion
 * nor kind (a chart's values.yaml, a package.json). A folder walk lists every file that starts with one.
 */
export class NotAManifestError extends HardpodError {}

/** One parsed document, kept so that field lines can be looked up later. */
interface DocumentRecord {
  readonly text: string;
  /** 1-based file line of `text`'s first line. */
  readonly startLine: number;
  /** Path of the object inside the document: `items[2]` for a List item, empty otherwise. */
  readonly prefix: readonly PathSegment[];
  /** The text is JSON (one value of a JSON stream). @default false */
  readonly json?: boolean;
  index?: BlockIndex | null;
  exact?: FieldLines;
}

/** Where the block index gives up: JSON's outline or the exact YAML parser. */
interface FieldLines {
  /** 0-based line of the deepest node of `segments` that exists, or undefined when the document is empty. */
  line(segments: readonly PathSegment[]): number | undefined;
}

/** Objects read from any number of files, with lazy field-line lookup for findings. */
export class ManifestSet {
  private readonly located: LocatedObject[] = [];
  /** Per file, the document of the object starting at each line. */
  private readonly documents = new Map<string, Map<number, DocumentRecord>>();

  /** Every object read so far, Lists expanded into their items, in input order. */
  get objects(): readonly LocatedObject[] {
    return this.located;
  }

  /**
   * Adds the objects of one file's text. Throws a HardpodError naming `file:line` for text that is
   * not YAML or JSON, a document that is not a Kubernetes object, or an alias bomb. Returns how many
   * objects the text held.
   */
  addText(text: string, file: string): number {
    const before = this.located.length;
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    refuseBareCarriageReturns(text, file);
    const trimmed = text.trimStart();
    let yamlFrom = 0;
    if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
      yamlFrom = this.addJsonStream(text, file);
      if (yamlFrom < 0) return this.located.length - before;
    }
    const yaml = yamlFrom === 0 ? text : text.slice(yamlFrom);
    for (const doc of splitDocuments(yaml, file, 1 + countNewlines(text, yamlFrom))) {
      try {
        const block = parseBlockYaml(doc.text, resolveKubernetesScalar);
        const value = block ? block.value : parseYamlDocument(doc.text, file, doc.startLine, doc.contentLine);
        if (value === null || value === undefined) continue;
        const record: DocumentRecord = block
          ? { text: doc.text, startLine: doc.startLine, prefix: [], index: block.index }
          : { text: doc.text, startLine: doc.startLine, prefix: [] };
        this.addDocument(value, record, file, doc.contentLine, doc.template, doc.index);
      } catch (error) {
        throw withTemplateHint(error, doc.text);
      }
    }
    return this.located.length - before;
  }

  /**
   * The 1-based line of the field at `path` (as findings write it) inside the object at `source`,
   * or of its deepest ancestor present in the file (a missing field points at its parent). Undefined
   * when the object was not read by this set.
   */
  fieldLine(source: SourceLocation, path: string): number | undefined {
    if (source.file === undefined || source.line === undefined) return undefined;
    const record = this.documents.get(source.file)?.get(source.line);
    if (!record) return undefined;
    // concat, not a spread: a spread runs the iterator protocol, and this runs once per finding of a List item.
    const segments = record.prefix.length ? record.prefix.concat(parseFieldPath(path)) : parseFieldPath(path);
    const line = lineInDocument(record, segments);
    return line === undefined ? source.line : record.startLine + line;
  }

  /**
   * Reads text starting with `{` as kubectl does: a stream of JSON values, one after another
   * (`null` skipped). Returns -1 when all of it was JSON, else the offset from which kubectl reads
   * the rest as YAML: the start when not even the first value is JSON, or the line after the first
   * object when only that one is (after two or more, kubectl refuses the file, and so does hardpod).
   */
  private addJsonStream(text: string, file: string): number {
    let at = skipJsonSpace(text, 0);
    let count = 0;
    let firstEnd = 0;
    // Lines are counted as the stream is read: one pass in all.
    const lineAt = lineCounter(text);
    // The usual file is one JSON value (`kubectl get -o json`): parsed whole, and scanned once, for
    // its brackets (the field lines' outline) and its keys. A key given twice leaves the parsed
    // value with fewer keys than the text has: only then is the text searched for which one.
    const valueText = at === 0 ? text : text.slice(at);
    const single = parseJson(valueText);
    const singleScan = single.ok ? scanJsonValue(valueText, 0) : undefined;
    if (single.ok && singleScan) {
      const line = lineAt(at);
      if (singleScan.keys !== single.keys) throwDuplicateKey(valueText, 0, (offset) => `${file}:${lineAt(at + offset)}`);
      const exact = new JsonLines(valueText, singleScan);
      const record: DocumentRecord = { text: valueText, startLine: line, prefix: [], json: true, index: null, exact };
      if (single.value !== null) this.addDocument(single.value, record, file, line, undefined, 0);
      return -1;
    }
    // A stream of values (or text that is not JSON after all): value by value.
    while (at < text.length) {
      const scan = scanJsonValue(text, at);
      const json = scan ? parseJson(text.slice(at, scan.end)) : undefined;
      const line = lineAt(at);
      if (!scan || !json?.ok) {
        if (count <= 1) return count === 0 ? 0 : afterFirstLine(text, firstEnd);
        throw new HardpodError('not a JSON value, after JSON objects: kubectl reads the file as a stream of JSON objects and refuses it; fix the JSON or write the file as YAML documents separated by ---', `${file}:${line}`);
      }
      if (scan.keys !== json.keys) throwDuplicateKey(text, at, (offset) => `${file}:${lineAt(offset)}`);
      if (json.value !== null) {
        // The object's own text, from its `{` on its first line: field lines count from there.
        const record: DocumentRecord = { text: text.slice(at, scan.end), startLine: line, prefix: [], json: true };
        this.addDocument(json.value, record, file, line, undefined, count);
      }
      if (count === 0) firstEnd = scan.end;
      count++;
      at = skipJsonSpace(text, scan.end);
    }
    return -1;
  }

  private addDocument(value: unknown, record: DocumentRecord, file: string, line: number, template: string | undefined, documentIndex: number): void {
    if (!isFields(value)) {
      throw new NotAManifestError(`expected a Kubernetes object (a mapping with apiVersion and kind), found ${describeType(value)}`, `${file}:${line}`);
    }
    if (value.apiVersion === undefined && value.kind === undefined) {
      throw new NotAManifestError('a Kubernetes object needs apiVersion as a non-empty string, found nothing', `${file}:${line}`);
    }
    const object = checkObject(value, '', record, file, () => line);
    if (!isList(object)) {
      this.push(object, record, { file, line, documentIndex, ...(template ? { template } : {}) });
      return;
    }
    // List items get their own line. `kubectl get -o yaml` (or json) writes Lists of thousands of
    // objects: their lines are looked up in turn, and the record's line index (built on the first
    // lookup) is shared by every item's record.
    checkListItems(object, '', record, file, () => line);
    for (const item of expandLists(object)) {
      const prefix = parseFieldPath(item.path);
      const itemLine = lineOfPath(record, item.path, line);
      this.push(item.object, { ...record, prefix }, { file, line: itemLine, documentIndex, listItem: item.path, ...(template ? { template } : {}) });
    }
  }

  private push(object: KubeObject, record: DocumentRecord, source: SourceLocation & { file: string; line: number }): void {
    this.located.push({ object, source });
    let byLine = this.documents.get(source.file);
    if (!byLine) this.documents.set(source.file, (byLine = new Map()));
    // Several objects on one line (a one-line JSON List) share the first one's record: lines stay right.
    if (!byLine.has(source.line)) byLine.set(source.line, record);
  }
}

/** A Go template action, as Helm templates hold them. */
const TEMPLATE_EXPRESSION = /\{\{.*\}\}/;

/**
 * A document that cannot be read and holds `{{ ... }}` is most likely a Helm template that was not
 * rendered (`name: {{ .Values.name }}` even parses, as a mapping): the error says so.
 */
function withTemplateHint(error: unknown, text: string): unknown {
  if (!isHardpodError(error) || !TEMPLATE_EXPRESSION.test(text)) return error;
  return new HardpodError(`${error.reason} (the document holds {{ ... }}: if it is a Helm template, check what it renders, e.g. \`helm template RELEASE CHART | hardpod check -\`)`, error.where);
}

/**
 * A carriage return without a line feed is a line break to YAML and to kubectl's YAML parser, but not
 * to kubectl's document splitter (nor to hardpod's line counting, which counts LF as kubectl's
 * splitter does): such a file's documents and lines cannot read as written, so it is refused.
 */
function refuseBareCarriageReturns(text: string, file: string): void {
  const at = firstBareCarriageReturn(text);
  if (at < 0) return;
  throw new HardpodError(
    'a line ends in a bare carriage return (CR without LF, the old Mac OS line end): kubectl\'s YAML parser takes it for a line break but its document splitter does not, so the documents and lines would not read as written; save the file with LF or CRLF line ends',
    `${file}:${1 + countNewlines(text, at)}`,
  );
}

/** Parses one document's text; YAML errors become HardpodErrors at the right file line. */
function parseYamlDocument(text: string, file: string, startLine: number, contentLine: number): unknown {
  try {
    return readCheckedYamlDocument(text, file, startLine, contentLine);
  } finally {
    // The checks share one lexing and one parse of the document; done with it, they let it go.
    forgetCheckedDocument();
  }
}

/** {@link parseYamlDocument}, with the go-yaml checks around js-yaml's reading. */
function readCheckedYamlDocument(text: string, file: string, startLine: number, contentLine: number): unknown {
  const refuse = (issue: GoYamlIssue | undefined): void => {
    if (issue) throw new HardpodError(issue.reason, `${file}:${startLine + countNewlines(text, issue.offset)}`);
  };
  refuse(lineBreakIssue(text));
  refuse(flowCollectionIssue(text));
  refuse(verbatimTagIssue(text));
  refuse(anchorNameIssue(text));
  // Only a backslash, a tab, an anchor, a tag or a quote can make a node read differently by go-yaml (see scalarChecker).
  const escapes = /[\\\t&!"']/.test(text) ? scalarChecker() : undefined;
  const { jsYaml, schema } = loadFallbackParser();
  let value: unknown;
  try {
    const options = { filename: file, schema, maxDepth: MAX_NESTING_DEPTH, ...(escapes ? { listener: escapes.listener } : {}) };
    value = jsYaml.load(text, options as JsYamlOptions);
  } catch (error) {
    if (error instanceof jsYaml.YAMLException) {
      const line = startLine + (error.mark?.line ?? 0);
      if (error.reason === 'unknown escape sequence') {
        throw new HardpodError('a double-quoted string holds an escape hardpod cannot read as kubectl does (\\\' for one); write the character without the backslash', `${file}:${line}`);
      }
      if (error.reason === 'duplicated mapping key') throw duplicateKeyError(keyAtMark(text, error.mark), `${file}:${line}`);
      if (error.reason === 'tag suffix cannot contain flow indicator characters') {
        throw new HardpodError(
          'a tag directly followed by a comma or bracket in a flow collection ([!!str, b]): kubectl takes the comma for part of the tag and the next entry for the tagged value, dropping an entry ([!!str, b] reads as ["b"]), or refuses the file; put a space and a value after the tag, or remove it',
          `${file}:${line}`,
        );
      }
      const unreadTag = UNRESOLVED_TAG.exec(error.reason)?.[1];
      if (unreadTag !== undefined) throw unreadTaggedValueError(unreadTag, text, error.mark?.position, file, startLine, line);
      // go-yaml reads one node per document: after a flow collection, kubectl ignores the rest unseen.
      if (error.reason === 'end of the stream or a document separator is expected' && /^(?:\s*(?:#.*|---.*)?\n)*\s*[[{]/.test(text)) {
        throw new HardpodError(
          'content after the document\'s flow collection ({...} or [...]): kubectl reads the collection and silently ignores the rest; put a --- line before what follows, or remove it',
          `${file}:${line}`,
        );
      }
      const reason = error.reason.startsWith('nesting exceeded maxDepth')
        ? `the document is nested more than ${MAX_NESTING_DEPTH} levels deep; no Kubernetes object is`
        : `invalid YAML: ${error.reason}`;
      throw new HardpodError(reason, `${file}:${line}`);
    }
    if (error instanceof RangeError) {
      throw new HardpodError('the document is too deeply nested to read', `${file}:${startLine}`);
    }
    throw error;
  }
  // Aliases share nodes; a document that uses them is walked once to refuse exponential expansion.
  if (text.includes('*') && value !== null && typeof value === 'object') {
    const limit = Math.max(MIN_EXPANSION_LIMIT, text.length * MAX_EXPANSION_PER_CHARACTER);
    if (!withinExpansionLimit(value, limit)) {
      throw new HardpodError(
        `the document's aliases expand to more than ${limit} values (an alias bomb such as "billion laughs"); expand the anchors by hand or remove them`,
        `${file}:${contentLine}`,
      );
    }
  }
  refuse(escapes?.issue());
  refuse(keyIssue(text, resolveKubernetesScalar));
  refuse(emptyItemIndentIssue(text));
  if (NON_FINITE_TEXT.test(text)) refuseNonFiniteNumbers(value, text, file, startLine);
  return value;
}

/** js-yaml's reason for a value its tag's type cannot read (`!!int abc`, `!!timestamp 2024-13-01`, `!!int` on nothing). */
const UNRESOLVED_TAG = /^cannot resolve a node with !<([^>]*)> explicit tag$/;
const YAML_TAG_PREFIX = 'tag:yaml.org,2002:';

/**
 * A tagged value the tag's type cannot read, which kubectl refuses too, named at the tag's line:
 * js-yaml stops after the value, which for an empty or multi-line one is a later line.
 */
function unreadTaggedValueError(
  tag: string, text: string, stoppedAt: number | undefined, file: string, startLine: number, stoppedLine: number,
): HardpodError {
  const written = tag.startsWith(YAML_TAG_PREFIX) ? `!!${tag.slice(YAML_TAG_PREFIX.length)}` : `!<${tag}>`;
  const before = text.slice(0, stoppedAt ?? text.length);
  const at = Math.max(before.lastIndexOf(written), before.lastIndexOf(`!<${tag}>`));
  const line = at < 0 ? stoppedLine : startLine + countNewlines(text, at);
  return new HardpodError(`invalid YAML: cannot resolve the value tagged ${written} as that type (kubectl refuses it too); fix the value, or remove the tag`, `${file}:${line}`);
}

/** `.inf`, `-.Inf`, `.NaN` and the like, the only plain scalars that read as non-finite numbers. */
const NON_FINITE_TEXT = /\.(?:inf|nan)\b/i;

/**
 * kubectl refuses a file holding an infinite or NaN number (JSON has none: `json: unsupported value`),
 * so hardpod does too, naming the field's line, rather than judge an object no cluster would receive.
 */
function refuseNonFiniteNumbers(value: unknown, text: string, file: string, startLine: number): void {
  const path = findValuePath(value, (v) => typeof v === 'number' && !Number.isFinite(v), MAX_NESTING_DEPTH + 1);
  if (!path) return;
  const line = new ExactLines(text, resolveKubernetesScalar).line(path) ?? 0;
  const field = formatFieldPath(path) || 'the document';
  throw new HardpodError(
    `${field} reads as ${String(valueAtPath(value, path))}: Kubernetes reads no infinite or NaN number (kubectl refuses the file, as JSON has none); quote the value if it is meant as a string`,
    `${file}:${startLine + line}`,
  );
}

/**
 * A key given twice in one mapping is refused: kubectl keeps the last value silently, so a second
 * `securityContext:` would replace the first, unseen by whoever reads the first.
 */
function duplicateKeyError(key: string | undefined, where: string): HardpodError {
  return new HardpodError(
    `the key ${key ?? ''}${key ? ' ' : ''}appears twice in one mapping: kubectl would keep only the last one, silently dropping the first; remove or merge the duplicate`,
    where,
  );
}

/** Item and explicit-key indicators, anchors and tags before a key: not part of its name. */
const BEFORE_KEY = /^\s*(?:[-?]\s+)*(?:[&!]\S*\s+)*/;
/** A key written as a scalar, quoted or plain, up to its colon. */
const KEY_BEFORE_COLON = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#'"][^#]*?)\s*:(?:\s|$)/;
/** The scalar of an explicit key (`? key`), up to the line end or a comment. */
const EXPLICIT_KEY = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#'"|>][^#]*?)\s*(?:#.*)?$/;

/**
 * The key a js-yaml duplicate-key error points at, without its anchor or tag: on the mark's line, up
 * to its colon, or the rest of the line after the `?` of an explicit key, where js-yaml points.
 */
function keyAtMark(text: string, mark: { line: number; column: number; position: number } | undefined): string | undefined {
  if (!mark) return undefined;
  const lineText = text.split('\n', mark.line + 1)[mark.line] ?? '';
  const explicit = /\?\s*$/.test(lineText.slice(0, mark.column));
  const key = (explicit ? EXPLICIT_KEY : KEY_BEFORE_COLON).exec(lineText.slice(mark.column).replace(BEFORE_KEY, ''));
  if (!key) return undefined;
  const alias = /^\*([A-Za-z0-9_-]+)$/.exec(key[1]);
  if (alias) {
    // The key an alias repeats is its anchor's: name that one, as the reader looks for it.
    const anchored = anchoredScalar(text.slice(0, mark.position), alias[1]);
    return anchored === undefined ? JSON.stringify(key[1]) : `${anchored} (the alias ${key[1]})`;
  }
  return asQuotedKey(key[1]);
}

/** The scalar the last `&name` in `text` marks, quoted, or undefined when it marks no scalar on its line. */
function anchoredScalar(text: string, name: string): string | undefined {
  const at = text.lastIndexOf(`&${name}`);
  if (at < 0) return undefined;
  const after = text.slice(at + name.length + 1);
  if (!/^[ \t]/.test(after)) return undefined;
  const scalar = /^[ \t]+("(?:[^"\\\n]|\\.)*"|'(?:[^'\n]|'')*'|[^\s#'"{[&*!|>,\]}][^\n#,\]}]*?)[ \t]*(?::(?:\s|$)|[,\]}]|#|$)/m.exec(after);
  return scalar ? asQuotedKey(scalar[1]) : undefined;
}

/** A key as written, quoted as JSON unless it is quoted already. */
function asQuotedKey(written: string): string {
  return /^["']/.test(written) ? written : JSON.stringify(written);
}

/**
 * Where kubectl's YAML reading starts after one JSON object: past the whitespace that follows it,
 * up to and including the first newline.
 */
function afterFirstLine(text: string, end: number): number {
  let at = end;
  while (at < text.length && /\s/.test(text[at])) {
    if (text.charCodeAt(at++) === 10) return at;
  }
  return at;
}


type JsonResult = { ok: true; value: unknown; keys: number } | { ok: false };

/** JSON.parse is several times faster than a YAML parser; YAML is the fallback for anything else. */
function parseJson(text: string): JsonResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false };
  }
  // JSON.parse has no depth limit; the rules walk objects recursively.
  const keys = keysWithinDepth(value, 0, MAX_NESTING_DEPTH);
  return keys < 0 ? { ok: false } : { ok: true, value, keys };
}

/** Refuses a JSON value whose key count says a key was given twice, naming the first such key and its line. */
function throwDuplicateKey(text: string, at: number, where: (offset: number) => string): never {
  const duplicate = firstDuplicateKey(text, at);
  // The counts differ only when a key repeats, so the search finds it; the fallback names no key.
  throw duplicateKeyError(duplicate && JSON.stringify(duplicate.key), where(duplicate?.offset ?? at));
}

/** Counts values reachable from `root` as a tree (shared nodes counted each time), stopping at `limit`. */
function withinExpansionLimit(root: object, limit: number): boolean {
  let count = 0;
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    if (++count > limit) return false;
    if (value !== null && typeof value === 'object') {
      if (Array.isArray(value)) for (const item of value) stack.push(item);
      else for (const key in value) stack.push((value as Record<string, unknown>)[key]);
    }
  }
  return true;
}

/** Metadata fields that must be strings when set. */
const METADATA_STRINGS = ['name', 'namespace', 'generateName'] as const;

/** The checks every object must pass before rules see it: apiVersion, kind and metadata of the right types. */
function checkObject(value: Readonly<Record<string, unknown>>, path: string, record: DocumentRecord, file: string, line: () => number): KubeObject {
  if (typeof value.apiVersion !== 'string' || value.apiVersion === '') {
    const where = value.apiVersion === undefined ? `${file}:${line()}` : fieldWhere(record, file, line, path, 'apiVersion');
    throw new HardpodError(`a Kubernetes object needs apiVersion as a non-empty string, found ${describeType(value.apiVersion)}`, where);
  }
  if (typeof value.kind !== 'string' || value.kind === '') {
    const where = value.kind === undefined ? `${file}:${line()}` : fieldWhere(record, file, line, path, 'kind');
    throw new HardpodError(`a Kubernetes object needs kind as a non-empty string, found ${describeType(value.kind)}`, where);
  }
  const metadata = value.metadata;
  if (metadata !== undefined && metadata !== null) {
    if (!isFields(metadata)) throw new HardpodError(`metadata must be a mapping, found ${describeType(metadata)}`, fieldWhere(record, file, line, path, 'metadata'));
    for (let i = 0; i < METADATA_STRINGS.length; i++) {
      const field = METADATA_STRINGS[i];
      const v = metadata[field];
      if (v !== undefined && v !== null && typeof v !== 'string') {
        throw new HardpodError(`metadata.${field} must be a string, found ${describeType(v)}`, fieldWhere(record, file, line, path, `metadata.${field}`));
      }
      // A quoted `name: "{{ .Release.Name }}"` reads as a string: an unrendered Helm template would
      // otherwise be judged as if it were what the chart renders, and could pass.
      if (typeof v === 'string' && TEMPLATE_EXPRESSION.test(v)) {
        throw new HardpodError(`metadata.${field} ${JSON.stringify(v)} holds a template expression, which no Kubernetes ${field === 'namespace' ? 'namespace' : 'object name'} can`, fieldWhere(record, file, line, path, `metadata.${field}`));
      }
    }
  }
  if (isList(value as KubeObject) === false && (value.kind === 'List' || value.kind.endsWith('List')) && value.items !== undefined && !Array.isArray(value.items)) {
    throw new HardpodError(`items of a ${value.kind} must be a list, found ${describeType(value.items)}`, fieldWhere(record, file, line, path, 'items'));
  }
  return value as KubeObject;
}

/** Every item of a List (and of Lists inside it) must be an object: expansion would skip others silently. */
function checkListItems(list: KubeObject, path: string, record: DocumentRecord, file: string, line: () => number): void {
  (list.items as unknown[]).forEach((item, i) => {
    const itemPath = `${path ? `${path}.` : ''}items[${i}]`;
    // Looked up only for an error: addDocument looks up the line of every item that passes.
    const itemLine = (): number => lineOfPath(record, itemPath, line());
    if (!isFields(item)) throw new HardpodError(`a ${list.kind} item must be a Kubernetes object, found ${describeType(item)}`, `${file}:${itemLine()}`);
    const object = checkObject(item, itemPath, record, file, itemLine);
    if (isList(object)) checkListItems(object, itemPath, record, file, itemLine);
  });
}

/**
 * `file:line` of `field` of the object at `path` in the document, for an error about that field.
 * Looked up only when the error is raised: objects that pass their checks pay for no lookup.
 */
function fieldWhere(record: DocumentRecord, file: string, objectLine: () => number, path: string, field: string): string {
  return `${file}:${lineOfPath(record, path ? `${path}.${field}` : field, objectLine())}`;
}

/** 1-based file line of the field at `path` (as findings write it) in the document, or `fallback` when it cannot be found. */
function lineOfPath(record: DocumentRecord, path: string, fallback: number): number {
  return record.startLine + (lineInDocument(record, parseFieldPath(path)) ?? fallback - record.startLine);
}

/** 0-based line of `segments` in the document: the indentation index when it applies, else the exact parser. */
function lineInDocument(record: DocumentRecord, segments: readonly PathSegment[]): number | undefined {
  if (record.index === undefined) record.index = record.json ? null : indexBlockYaml(record.text, resolveKubernetesScalar) ?? null;
  if (record.index) return lineInBlockIndex(record.index, segments);
  record.exact ??= record.json ? new JsonLines(record.text) : new ExactLines(record.text, resolveKubernetesScalar);
  return record.exact.line(segments);
}
