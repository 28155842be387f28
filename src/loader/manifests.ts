import { load as loadYaml, YAMLException, type LoadOptions as YamlLoadOptions } from 'js-yaml';
import { indexBlockYaml, lineInBlockIndex, type BlockIndex } from './block-lines';
import { parseBlockYaml } from './block-yaml';
import { ExactLines } from './exact-lines';
import { KUBERNETES_SCALAR_RESOLVERS, KUBERNETES_SCHEMA } from './kubernetes-schema';
import { splitDocuments } from './split';
import { HardpodError, isHardpodError } from '../model/errors';
import { formatFieldPath, parseFieldPath, type PathSegment } from '../model/field-path';
import type { KubeObject, LocatedObject, SourceLocation } from '../model/kube-object';
import { describeType, expandLists, isFields, isList } from '../model/pod-view';

/**
 * Parses manifest text (multi-document YAML, JSON, v1 Lists, `helm template` output) into located
 * objects. Each document is parsed by the block YAML parser, which covers the usual shape of
 * manifests and yields a line index as it goes, or else by js-yaml. The line of a field inside an
 * object is looked up only when asked, for findings, by that index or, failing that, the `yaml` parser.
 */

/** Nesting deeper than this is refused: no Kubernetes object comes near it, and recursion stays bounded. */
export const MAX_NESTING_DEPTH = 200;

/**
 * The most values a document may expand to through aliases, relative to its size. A billion-laughs
 * document expands exponentially and is refused instead of reaching the rules.
 */
const MAX_EXPANSION_PER_CHARACTER = 4;
const MIN_EXPANSION_LIMIT = 100_000;

/** Recent js-yaml 4.x bounds nesting (`maxDepth`; older versions overflow the stack, caught below); its type definitions lack the option. */
type JsYamlOptions = YamlLoadOptions & { maxDepth?: number };

/** One parsed document, kept so that field lines can be looked up later. */
interface DocumentRecord {
  readonly text: string;
  /** 1-based file line of `text`'s first line. */
  readonly startLine: number;
  /** Path of the object inside the document: `items[2]` for a List item, empty otherwise. */
  readonly prefix: readonly PathSegment[];
  index?: BlockIndex | null;
  exact?: ExactLines;
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
    const trimmed = text.trimStart();
    if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
      const json = parseJson(text);
      if (json.ok) {
        const line = 1 + countNewlines(text, text.length - trimmed.length);
        this.addDocument(json.value, { text, startLine: 1, prefix: [] }, file, line, undefined, 0);
        return this.located.length - before;
      }
    }
    for (const doc of splitDocuments(text)) {
      try {
        const block = parseBlockYaml(doc.text, KUBERNETES_SCALAR_RESOLVERS);
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
    const segments = record.prefix.length ? [...record.prefix, ...parseFieldPath(path)] : parseFieldPath(path);
    const line = lineInDocument(record, segments);
    return line === undefined ? source.line : record.startLine + line;
  }

  private addDocument(value: unknown, record: DocumentRecord, file: string, line: number, template: string | undefined, documentIndex: number): void {
    const where = `${file}:${line}`;
    if (!isFields(value)) {
      throw new HardpodError(`expected a Kubernetes object (a mapping with apiVersion and kind), found ${describeType(value)}`, where);
    }
    const object = checkObject(value, where);
    if (!isList(object)) {
      this.push(object, record, { file, line, documentIndex, ...(template ? { template } : {}) });
      return;
    }
    // List items get their own line, found by the exact parser (Lists are rare and usually small).
    const exact = new ExactLines(record.text);
    const lineOf = (path: string): number => record.startLine + (exact.line(parseFieldPath(path)) ?? line - record.startLine);
    checkListItems(object, '', lineOf, file);
    for (const item of expandLists(object)) {
      const prefix = parseFieldPath(item.path);
      const itemLine = lineOf(item.path);
      this.push(item.object, { ...record, prefix, exact, index: null }, { file, line: itemLine, documentIndex, ...(template ? { template } : {}) });
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

/**
 * A document that cannot be read and holds `{{ ... }}` is most likely a Helm template that was not
 * rendered (`name: {{ .Values.name }}` even parses, as a mapping): the error says so.
 */
function withTemplateHint(error: unknown, text: string): unknown {
  if (!isHardpodError(error) || !/\{\{.*\}\}/.test(text)) return error;
  return new HardpodError(`${error.reason} (the document holds {{ ... }}: if it is a Helm template, check what it renders, e.g. \`helm template RELEASE CHART | hardpod check -\`)`, error.where);
}

/** Parses one document's text; YAML errors become HardpodErrors at the right file line. */
function parseYamlDocument(text: string, file: string, startLine: number, contentLine: number): unknown {
  let value: unknown;
  try {
    value = loadYaml(text, { filename: file, schema: KUBERNETES_SCHEMA, maxDepth: MAX_NESTING_DEPTH } as JsYamlOptions);
  } catch (error) {
    if (error instanceof YAMLException) {
      const line = startLine + (error.mark?.line ?? 0);
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
  if (NON_FINITE_TEXT.test(text)) refuseNonFiniteNumbers(value, text, file, startLine);
  return value;
}

/** `.inf`, `-.Inf`, `.NaN` and the like, the only plain scalars that read as non-finite numbers. */
const NON_FINITE_TEXT = /\.(?:inf|nan)\b/i;

/**
 * kubectl refuses a file holding an infinite or NaN number (JSON has none: `json: unsupported value`),
 * so hardpod does too, naming the field's line, rather than judge an object no cluster would receive.
 */
function refuseNonFiniteNumbers(value: unknown, text: string, file: string, startLine: number): void {
  const path = nonFinitePath(value, 0);
  if (!path) return;
  const line = new ExactLines(text).line(path) ?? 0;
  const field = formatFieldPath(path) || 'the document';
  throw new HardpodError(
    `${field} reads as ${String(getAt(value, path))}: Kubernetes reads no infinite or NaN number (kubectl refuses the file, as JSON has none); quote the value if it is meant as a string`,
    `${file}:${startLine + line}`,
  );
}

function nonFinitePath(node: unknown, depth: number): PathSegment[] | undefined {
  if (typeof node === 'number') return Number.isFinite(node) ? undefined : [];
  if (node === null || typeof node !== 'object' || depth > MAX_NESTING_DEPTH) return undefined;
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) {
      const found = nonFinitePath(node[i], depth + 1);
      if (found) return [i, ...found];
    }
    return undefined;
  }
  for (const key in node) {
    const found = nonFinitePath((node as Record<string, unknown>)[key], depth + 1);
    if (found) return [key, ...found];
  }
  return undefined;
}

function getAt(node: unknown, path: readonly PathSegment[]): unknown {
  return path.reduce<unknown>((at, segment) => (at as Record<string | number, unknown>)[segment], node);
}

type JsonResult = { ok: true; value: unknown } | { ok: false };

/** JSON.parse is several times faster than a YAML parser; YAML is the fallback for anything else. */
function parseJson(text: string): JsonResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false };
  }
  // JSON.parse has no depth limit; the rules walk objects recursively.
  if (value !== null && typeof value === 'object' && !withinDepth(value, MAX_NESTING_DEPTH)) return { ok: false };
  return { ok: true, value };
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

function withinDepth(root: object, maxDepth: number): boolean {
  const stack: [unknown, number][] = [[root, 0]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    if (depth > maxDepth) return false;
    if (Array.isArray(value)) for (const item of value) stack.push([item, depth + 1]);
    else for (const key in value) stack.push([(value as Record<string, unknown>)[key], depth + 1]);
  }
  return true;
}

/** The checks every object must pass before rules see it: apiVersion, kind and metadata of the right types. */
function checkObject(value: Readonly<Record<string, unknown>>, where: string): KubeObject {
  if (typeof value.apiVersion !== 'string' || value.apiVersion === '') {
    throw new HardpodError(`a Kubernetes object needs apiVersion as a non-empty string, found ${describeType(value.apiVersion)}`, where);
  }
  if (typeof value.kind !== 'string' || value.kind === '') {
    throw new HardpodError(`a Kubernetes object needs kind as a non-empty string, found ${describeType(value.kind)}`, where);
  }
  const metadata = value.metadata;
  if (metadata !== undefined && metadata !== null) {
    if (!isFields(metadata)) throw new HardpodError(`metadata must be a mapping, found ${describeType(metadata)}`, where);
    for (const field of ['name', 'namespace', 'generateName']) {
      const v = metadata[field];
      if (v !== undefined && v !== null && typeof v !== 'string') {
        throw new HardpodError(`metadata.${field} must be a string, found ${describeType(v)}`, where);
      }
    }
  }
  if (isList(value as KubeObject) === false && (value.kind === 'List' || value.kind.endsWith('List')) && value.items !== undefined && !Array.isArray(value.items)) {
    throw new HardpodError(`items of a ${value.kind} must be a list, found ${describeType(value.items)}`, where);
  }
  return value as KubeObject;
}

/** Every item of a List (and of Lists inside it) must be an object: expansion would skip others silently. */
function checkListItems(list: KubeObject, path: string, lineOf: (path: string) => number, file: string): void {
  (list.items as unknown[]).forEach((item, i) => {
    const itemPath = `${path ? `${path}.` : ''}items[${i}]`;
    const where = `${file}:${lineOf(itemPath)}`;
    if (!isFields(item)) throw new HardpodError(`a ${list.kind} item must be a Kubernetes object, found ${describeType(item)}`, where);
    const object = checkObject(item, where);
    if (isList(object)) checkListItems(object, itemPath, lineOf, file);
  });
}

/** 0-based line of `segments` in the document: the indentation index when it applies, else the exact parser. */
function lineInDocument(record: DocumentRecord, segments: readonly PathSegment[]): number | undefined {
  if (record.index === undefined) record.index = indexBlockYaml(record.text) ?? null;
  if (record.index) return lineInBlockIndex(record.index, segments);
  record.exact ??= new ExactLines(record.text);
  return record.exact.line(segments);
}

function countNewlines(text: string, end: number): number {
  let count = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < end; i = text.indexOf('\n', i + 1)) count++;
  return count;
}
