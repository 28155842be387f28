import type { PathSegment } from './field-path';

/**
 * A line index of block-style YAML, built by a scan of indentation instead of a full parse: the
 * common shape of Kubernetes manifests (block mappings and sequences, plain or single-line quoted
 * scalars, block scalars) is indexed in a fraction of a parse's time. Anything else (anchors,
 * aliases, tags, merge keys, multi-line flow collections or quoted strings, complex keys) makes
 * {@link indexBlockYaml} return undefined, and the caller falls back to the exact parser.
 */

/** A node of the index: the 0-based line it starts on, and its children. */
export interface BlockNode {
  readonly line: number;
  readonly entries?: ReadonlyMap<string, BlockNode>;
  readonly items?: readonly BlockNode[];
}

interface SignificantLine {
  /** 0-based line in the document text. */
  readonly line: number;
  /** Column of `text`. */
  readonly indent: number;
  /** The line from its first non-space character (comments not stripped). */
  readonly text: string;
  /** `text` split into key and value, when it is a `key: value` line (computed once, used twice). */
  readonly split?: KeyValue;
}

interface KeyValue {
  readonly key: string;
  readonly value: string;
}

/** Thrown inside the scan when the text leaves the supported subset; never escapes this module. */
class Unsupported extends Error {}

const BLOCK_SCALAR_VALUE = /^[|>][1-9+-]{0,2}\s*(#.*)?$/;

/** Indexes one YAML document. Returns undefined when the text is outside the supported subset. */
export function indexBlockYaml(text: string): BlockNode | undefined {
  try {
    const lines = significantLines(text);
    if (lines.length === 0) return undefined;
    const parser = new BlockParser(lines);
    const root = parser.collection(lines[0].indent);
    if (!parser.done()) return undefined;
    return root;
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
}

/** 0-based line of the deepest node of `segments` that exists (the root's line for an empty path). */
export function lineInBlockIndex(root: BlockNode, segments: readonly PathSegment[]): number {
  let node = root;
  for (const segment of segments) {
    const next = typeof segment === 'number' ? node.items?.[segment] : node.entries?.get(segment);
    if (!next) break;
    node = next;
  }
  return node.line;
}

/** Drops blanks, comments, the `---` marker and block scalar content. */
function significantLines(text: string): SignificantLine[] {
  const raw = text.split('\n');
  const out: SignificantLine[] = [];
  // Lines more indented than this column belong to a block scalar.
  let blockScalarParent = -1;
  for (let i = 0; i < raw.length; i++) {
    let line = raw[i];
    if (line.endsWith('\r')) line = line.slice(0, -1);
    let indent = 0;
    while (indent < line.length && line.charCodeAt(indent) === 32) indent++;
    if (indent === line.length) continue;
    if (blockScalarParent >= 0) {
      if (indent > blockScalarParent) continue;
      blockScalarParent = -1;
    }
    let content = line.slice(indent);
    if (content.startsWith('#')) continue;
    if (content.charCodeAt(0) === 9) throw new Unsupported();
    if (i === 0 && (content === '---' || content.startsWith('--- ') || content.startsWith('---\t'))) {
      content = content.slice(3).trimStart();
      if (content === '' || content.startsWith('#')) continue;
      throw new Unsupported();
    }
    const split = isDash(content) ? undefined : splitKey(content);
    blockScalarParent = split ? (isBlockScalarHeader(split.value) ? indent : -1) : blockScalarParentColumn(content, indent);
    out.push({ line: i, indent, text: content, split });
  }
  return out;
}

/** A `|` or `>` block scalar header (with indicators and a comment); checked by first character first, as few values qualify. */
function isBlockScalarHeader(value: string): boolean {
  const first = value.charCodeAt(0);
  return (first === 124 || first === 62) && BLOCK_SCALAR_VALUE.test(value);
}

/**
 * When the line opens a block scalar (`key: |`, `- >-`), the column its content must be indented
 * beyond: the key's column, or the dash's for a sequence item. Otherwise -1.
 */
function blockScalarParentColumn(content: string, indent: number): number {
  let column = indent;
  let rest = content;
  while (isDash(rest)) {
    const after = rest.slice(1);
    const spaces = after.length - after.trimStart().length;
    if (isBlockScalarHeader(after.trimStart())) return column;
    column += 1 + spaces;
    rest = after.trimStart();
  }
  const split = splitKey(rest);
  return split && isBlockScalarHeader(split.value) ? column : -1;
}

function isDash(text: string): boolean {
  return text === '-' || text.startsWith('- ');
}

/** Splits `key: value` (plain or single-line quoted key); undefined when the line is not a simple key. */
function splitKey(text: string): KeyValue | undefined {
  let key: string;
  let rest: string;
  const first = text[0];
  if (first === '"' || first === "'") {
    const close = closingQuote(text);
    if (close < 0) return undefined;
    const inner = text.slice(1, close);
    if (first === '"') {
      if (inner.includes('\\')) throw new Unsupported();
      key = inner;
    } else {
      key = inner.replace(/''/g, "'");
    }
    rest = text.slice(close + 1).trimStart();
    if (!(rest === ':' || rest.startsWith(': ') || rest.startsWith(':\t'))) return undefined;
    rest = rest.slice(1);
  } else {
    if ('?&*!|>%@`{[,#'.includes(first)) return undefined;
    let colon = text.indexOf(':');
    while (colon >= 0 && !(colon === text.length - 1 || text[colon + 1] === ' ' || text[colon + 1] === '\t')) colon = text.indexOf(':', colon + 1);
    if (colon < 0) return undefined;
    key = text.slice(0, colon).trimEnd();
    if (key.includes(' #')) return undefined;
    rest = text.slice(colon + 1);
  }
  let value = rest.trim();
  if (value.startsWith('#')) value = '';
  return { key, value };
}

/** Index of the quote closing the quoted scalar at the start of `text`, or -1. */
function closingQuote(text: string): number {
  const quote = text[0];
  for (let i = 1; i < text.length; i++) {
    const ch = text[i];
    if (quote === '"' && ch === '\\') {i++;} else if (ch === quote) {
      if (quote === "'" && text[i + 1] === "'") i++;
      else return i;
    }
  }
  return -1;
}

/** Throws Unsupported for scalars that may span lines or carry anchors, aliases or tags. */
function checkScalar(value: string): void {
  const first = value[0];
  if (first === '&' || first === '*' || first === '!') throw new Unsupported();
  if ((first === '"' || first === "'") && closingQuote(value) < 0) throw new Unsupported();
  if ((first === '{' || first === '[') && !flowClosesOnLine(value)) throw new Unsupported();
}

function flowClosesOnLine(value: string): boolean {
  let depth = 0;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (ch === '"' || ch === "'") {
      const close = closingQuote(value.slice(i));
      if (close < 0) return false;
      i += close;
    } else if (ch === '{' || ch === '[') {depth++;} else if (ch === '}' || ch === ']') {
      depth--;
      if (depth === 0) return true;
    }
  }
  return false;
}

class BlockParser {
  private pos = 0;
  private readonly lines: SignificantLine[];

  constructor(lines: SignificantLine[]) {
    this.lines = lines;
  }

  done(): boolean {
    return this.pos >= this.lines.length;
  }

  collection(indent: number): BlockNode {
    return isDash(this.lines[this.pos].text) ? this.sequence(indent) : this.mapping(indent);
  }

  /** The block value after `key:` or `-` with nothing after it, or undefined for a null value. */
  private blockValue(parentIndent: number, allowSameIndentSequence: boolean): BlockNode | undefined {
    if (this.done()) return undefined;
    const next = this.lines[this.pos];
    if (next.indent > parentIndent || (allowSameIndentSequence && next.indent === parentIndent && isDash(next.text))) {
      return this.collection(next.indent);
    }
    return undefined;
  }

  /** Skips continuation lines of a multi-line plain scalar. */
  private skipMoreIndented(indent: number): void {
    while (!this.done() && this.lines[this.pos].indent > indent) this.pos++;
  }

  private sequence(indent: number): BlockNode {
    const first = this.lines[this.pos].line;
    const items: BlockNode[] = [];
    let split: KeyValue | undefined;
    while (!this.done() && this.lines[this.pos].indent === indent && isDash(this.lines[this.pos].text)) {
      const line = this.lines[this.pos];
      const after = line.text.slice(1);
      const value = after.trimStart();
      if (value === '' || value.startsWith('#')) {
        this.pos++;
        items.push(this.blockValue(indent, false) ?? { line: line.line });
      } else if (isDash(value)) {
        throw new Unsupported();
      } else if ((split = splitKey(value))) {
        // A mapping that starts on the dash line: continue as if its first key stood on its own line.
        const column = indent + 1 + (after.length - value.length);
        this.lines[this.pos] = { line: line.line, indent: column, text: value, split };
        items.push(this.mapping(column));
      } else {
        checkScalar(value);
        this.pos++;
        this.skipMoreIndented(indent);
        items.push({ line: line.line });
      }
    }
    if (!this.done() && this.lines[this.pos].indent > indent) throw new Unsupported();
    return { line: first, items };
  }

  private mapping(indent: number): BlockNode {
    const first = this.lines[this.pos].line;
    const entries = new Map<string, BlockNode>();
    while (!this.done() && this.lines[this.pos].indent === indent && !isDash(this.lines[this.pos].text)) {
      const line = this.lines[this.pos];
      const split = line.split;
      if (!split || split.key === '<<' || entries.has(split.key)) throw new Unsupported();
      this.pos++;
      if (split.value === '') {
        const child = this.blockValue(indent, true);
        entries.set(split.key, { line: line.line, entries: child?.entries, items: child?.items });
      } else {
        if (!isBlockScalarHeader(split.value)) checkScalar(split.value);
        this.skipMoreIndented(indent);
        entries.set(split.key, { line: line.line });
      }
    }
    if (!this.done() && this.lines[this.pos].indent > indent) throw new Unsupported();
    return { line: first, entries };
  }
}
