import type { PathSegment } from '../model/field-path';

/**
 * Field lines in block-style YAML without a second parse. One pass over a document records where
 * each line starts and how far it is indented (two arrays of integers, nothing else); a field path is then
 * resolved by scanning those lines: keys at a mapping's column, dashes at a sequence's column. The
 * common shape of Kubernetes manifests (block mappings and sequences, plain and single-line quoted
 * scalars, single-line flow collections, block scalars, comments) is covered. Anything else (anchors,
 * aliases, tags, merge keys, multi-line flow collections or quoted strings, complex or escaped keys,
 * plain keys that read as another text, tabs) makes {@link indexBlockYaml} return undefined, and the
 * caller falls back to the exact parser.
 *
 * The document was parsed successfully by the YAML parser before lines are asked for, so the scan
 * may rely on it being well-formed.
 */

/** Thrown inside the index pass when the text leaves the supported subset; never escapes this module. */
class Unsupported extends Error {}

const SPACE = 32, TAB = 9, CR = 13, LF = 10, HASH = 35, DASH = 45, COLON = 58, DQUOTE = 34, SQUOTE = 39;

const BLOCK_SCALAR_VALUE = /^[|>][1-9+-]{0,2}\s*(#.*)?$/;
/** Characters that make a line worth a closer look: quotes, flow, anchors, aliases, tags, block scalars, complex keys, escapes. */
const SPECIAL = /["'{[&*!|>?<\\%@`]/;

/** First characters of a plain scalar that a schema may resolve (null, bool, numbers, merge); any other is a string. */
export const MAY_RESOLVE = new Uint8Array(128);
for (const ch of '~nNtTfFyYoO-+.0123456789<') MAY_RESOLVE[ch.charCodeAt(0)] = 1;

/** Resolves a plain scalar as the document's schema does: Kubernetes' YAML for manifests, the core schema for configs. */
export type ResolvePlainScalar = (plain: string) => unknown;

/**
 * Whether a plain key names another key than its text: `0x1F:` is the key `31`, and in Kubernetes'
 * YAML `yes:` is `true`. Lines are found by matching a path's keys with the text, which such a key
 * would not match, so documents holding one are left to the exact parser.
 */
export function keyReadsAsOtherText(plain: string, resolveScalar: ResolvePlainScalar): boolean {
  if (!mayResolve(plain.charCodeAt(0))) return false;
  const value = resolveScalar(plain);
  return value === null || String(value) !== plain;
}

function mayResolve(firstCharCode: number): boolean {
  return firstCharCode < 128 && MAY_RESOLVE[firstCharCode] === 1;
}

/** The line index of one document; resolve paths with {@link lineInBlockIndex}. */
export interface BlockIndex {
  readonly text: string;
  /** Offset in `text` where each line starts. */
  readonly starts: readonly number[];
  /** Column of each line's first character, or -1 for a line that holds no node (blank, comment, marker, block scalar content). */
  readonly indents: readonly number[];
  /** First line holding a node. */
  readonly root: number;
  /** The last lookup's walk, so that the next one resumes after the segments they share. */
  readonly walk: WalkMemo;
}

/**
 * A lookup's path and the walk's state after each of its segments: an object's findings come
 * together and share most of their path (`spec.template.spec.containers[0].securityContext...`),
 * so each lookup scans only the lines below the shared part.
 */
interface WalkMemo {
  segments: readonly PathSegment[];
  /** Segments fully walked: states 0..depth are valid. */
  depth: number;
  /** Per state: block line, column, 1 when the block is a sequence, result line. */
  readonly states: number[];
  /**
   * Per state whose block is a sequence: the index and line of the item last found in it, so that
   * the items of a long sequence (a List's) are looked up in turn without rescanning those before.
   */
  readonly items: number[];
}

/**
 * Indexes one YAML document whose plain scalars `resolveScalar` reads. Returns undefined when the
 * text is outside the supported subset.
 */
export function indexBlockYaml(text: string, resolveScalar: ResolvePlainScalar): BlockIndex | undefined {
  let count = 1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) count++;
  // Plain arrays of small integers, not typed arrays: a typed array of more than a few lines gets a
  // separately allocated backing store, and a run indexes thousands of documents.
  const starts: number[] = [];
  const indents: number[] = [];
  let root = -1;
  // Lines more indented than this column belong to a block scalar.
  let blockScalarParent = -1;
  // Offset of the next special character (see SPECIAL) at or after the current line, found lazily.
  let specialAt = -1;
  try {
    let start = 0;
    for (let line = 0; line < count; line++) {
      let end = text.indexOf('\n', start);
      if (end === -1) end = text.length;
      starts.push(start);
      indents.push(-1);
      let contentEnd = end;
      if (contentEnd > start && text.charCodeAt(contentEnd - 1) === CR) contentEnd--;
      let at = start;
      while (at < contentEnd && text.charCodeAt(at) === SPACE) at++;
      const indent = at - start;
      const blank = at === contentEnd;
      if (!blank && blockScalarParent >= 0 && indent > blockScalarParent) {
        start = end + 1;
        continue;
      }
      if (!blank) blockScalarParent = -1;
      const first = text.charCodeAt(at);
      if (blank || first === HASH) {
        start = end + 1;
        continue;
      }
      if (first === TAB) throw new Unsupported();
      // Most lines are a plain `key: value` or `key:`: no special character, not a dash, not the
      // first node, no key a schema may resolve. They need no closer look, and no copy of the line.
      if (specialAt < at) specialAt = nextSpecial(text, at);
      if (specialAt >= contentEnd && root >= 0 && first !== DASH && !mayResolve(first)) {
        indents[line] = indent;
        start = end + 1;
        continue;
      }
      const content = text.slice(at, contentEnd);
      if (line === 0 && content.startsWith('---')) {
        const rest = content.slice(3).trimStart();
        if (rest !== '' && !rest.startsWith('#')) throw new Unsupported();
        start = end + 1;
        continue;
      }
      blockScalarParent = checkLine(content, indent, root < 0, resolveScalar);
      indents[line] = indent;
      if (root < 0) root = line;
      start = end + 1;
    }
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
  return root < 0 ? undefined : { text, starts, indents, root, walk: { segments: [], depth: 0, states: [], items: [] } };
}

const SPECIAL_ANYWHERE = new RegExp(SPECIAL.source, 'g');

/** Offset of the first special character at or after `from`, or the text's length: one forward scan serves many lines. */
function nextSpecial(text: string, from: number): number {
  SPECIAL_ANYWHERE.lastIndex = from;
  return SPECIAL_ANYWHERE.exec(text)?.index ?? text.length;
}

/**
 * Checks one line holding a node and returns the column block scalar content must be indented
 * beyond when the line opens one (else -1). Throws Unsupported outside the supported subset.
 */
function checkLine(content: string, indent: number, isRoot: boolean, resolveScalar: ResolvePlainScalar): number {
  let column = indent;
  let rest = content;
  let afterDash = false;
  if (isDash(rest)) {
    const after = rest.slice(1);
    rest = after.trimStart();
    column += 1 + (after.length - rest.length);
    afterDash = true;
    if (isDash(rest)) throw new Unsupported();
    if (rest === '' || rest.startsWith('#')) return -1;
  }
  const special = SPECIAL.test(rest);
  const split = special || isRoot || mayResolve(rest.charCodeAt(0)) ? splitKey(rest) : undefined;
  if (split?.plain && keyReadsAsOtherText(split.key, resolveScalar)) throw new Unsupported();
  if (!special) {
    if (isRoot && !afterDash && split === undefined) throw new Unsupported();
    return -1;
  }
  if (split) {
    if (split.key === '<<') throw new Unsupported();
    if (isBlockScalarHeader(split.value)) return column;
    checkScalar(split.value);
    return -1;
  }
  if (afterDash) {
    // `- |`: the content belongs to the item, so it must be indented beyond the dash.
    if (isBlockScalarHeader(rest)) return indent;
    checkScalar(rest);
    return -1;
  }
  // Not a key and not an item: the continuation of a multi-line plain scalar, unless it starts like a node.
  if (isRoot || '&*!?:%@`{["\'|>-'.includes(rest[0])) throw new Unsupported();
  return -1;
}

/** 0-based line of the deepest node of `segments` that exists (the root's line for an empty path). */
export function lineInBlockIndex(index: BlockIndex, segments: readonly PathSegment[]): number {
  const { text, starts, indents, walk } = index;
  const count = indents.length;
  const states = walk.states;
  let depth = 0;
  if (states.length === 0) {
    const column = indents[index.root];
    states.push(index.root, column, dashAt(text, starts[index.root] + column) ? 1 : 0, index.root);
  }
  const shared = Math.min(walk.depth, segments.length);
  while (depth < shared && walk.segments[depth] === segments[depth]) depth++;
  // An item found after a state the walk leaves now (a different prefix) says nothing about the new one.
  if (walk.items.length > 2 * (depth + 1)) walk.items.length = 2 * (depth + 1);
  let block = states[4 * depth];
  let column = states[4 * depth + 1];
  let sequence = states[4 * depth + 2] === 1;
  let result = states[4 * depth + 3];
  walk.segments = segments;
  walk.depth = depth;
  for (; depth < segments.length; depth++) {
    // The previous segment was walked fully: remember the state it left.
    if (depth > walk.depth) remember(walk, depth, block, column, sequence, result);
    const segment = segments[depth];
    if (sequence) {
      if (typeof segment !== 'number') break;
      let item = -1;
      // Resume after the item last found in this sequence when it comes before the one asked for.
      const known = 2 * depth < walk.items.length && walk.items[2 * depth] >= 0 && walk.items[2 * depth] <= segment;
      for (let line = known ? walk.items[2 * depth + 1] : block, seen = known ? walk.items[2 * depth] - 1 : -1; line < count; line++) {
        const indent = indents[line];
        if (indent < 0) continue;
        if (indent < column || (indent === column && !dashAt(text, starts[line] + column))) break;
        if (indent === column && ++seen === segment) {
          item = line;
          break;
        }
      }
      if (item < 0) break;
      // Entries of shallower sequences on the walk are kept; a gap is filled with no entry (-1), small
      // integers only, so that the array keeps V8's fastest element kind.
      while (walk.items.length < 2 * depth) walk.items.push(-1, -1);
      walk.items[2 * depth] = segment;
      walk.items[2 * depth + 1] = item;
      let at = starts[item] + column + 1;
      while (text.charCodeAt(at) === SPACE) at++;
      if (atLineEnd(text, at)) {
        // `-` alone: the item is the block on the following lines.
        const next = nextNodeLine(indents, item + 1);
        if (next < 0 || indents[next] <= column) {
          result = item;
          break;
        }
        result = block = next;
        column = indents[next];
        sequence = dashAt(text, starts[next] + column);
      } else if (keyEnd(text, at, undefined) >= 0) {
        // A mapping that starts on the dash line.
        result = block = item;
        column = at - starts[item];
        sequence = false;
      } else {
        result = item;
        break;
      }
    } else {
      const key = String(segment);
      let entry = -1, valueAt = -1;
      for (let line = block; line < count; line++) {
        const indent = indents[line];
        if (indent < 0) continue;
        if (line > block && indent < column) break;
        if (line > block && indent !== column) continue;
        const at = starts[line] + column;
        if (dashAt(text, at)) continue;
        const end = keyEnd(text, at, key);
        if (end >= 0) {
          entry = line;
          valueAt = end;
          break;
        }
      }
      if (entry < 0) break;
      result = entry;
      while (text.charCodeAt(valueAt) === SPACE || text.charCodeAt(valueAt) === TAB) valueAt++;
      if (!atLineEnd(text, valueAt)) break;
      const next = nextNodeLine(indents, entry + 1);
      if (next < 0) break;
      const nextIndent = indents[next];
      const nextIsDash = dashAt(text, starts[next] + nextIndent);
      if (!(nextIndent > column || (nextIndent === column && nextIsDash))) break;
      block = next;
      column = nextIndent;
      sequence = nextIsDash;
    }
  }
  if (depth === segments.length && depth > walk.depth) remember(walk, depth, block, column, sequence, result);
  return result;
}

/** Records the walk's state after `depth` segments, so a later lookup sharing them resumes there. */
function remember(walk: WalkMemo, depth: number, block: number, column: number, sequence: boolean, result: number): void {
  const at = 4 * depth;
  walk.states[at] = block;
  walk.states[at + 1] = column;
  walk.states[at + 2] = sequence ? 1 : 0;
  walk.states[at + 3] = result;
  walk.depth = depth;
}

function nextNodeLine(indents: readonly number[], from: number): number {
  for (let line = from; line < indents.length; line++) if (indents[line] >= 0) return line;
  return -1;
}

/** True at the end of a line, or before a comment. */
function atLineEnd(text: string, at: number): boolean {
  const ch = text.charCodeAt(at);
  return at >= text.length || ch === LF || ch === CR || ch === HASH;
}

function dashAt(text: string, at: number): boolean {
  if (text.charCodeAt(at) !== DASH) return false;
  const next = text.charCodeAt(at + 1);
  return at + 1 >= text.length || next === SPACE || next === LF || next === CR || next === TAB;
}

/**
 * When a key (`key`, or any key when undefined) starts at `at`, plain or quoted, the offset just
 * after its colon; else -1.
 */
function keyEnd(text: string, at: number, key: string | undefined): number {
  const first = text.charCodeAt(at);
  let after: number;
  if (first === DQUOTE || first === SQUOTE) {
    const quote = text[at];
    if (key === undefined) {
      after = text.indexOf(quote, at + 1);
      if (after < 0) return -1;
      after++;
    } else {
      if (key.includes(quote) || !text.startsWith(key, at + 1) || text.charCodeAt(at + 1 + key.length) !== first) return -1;
      after = at + key.length + 2;
    }
    while (text.charCodeAt(after) === SPACE) after++;
  } else if (key === undefined) {
    if ('{[&*!|>?%@`#'.includes(text[at])) return -1;
    after = at;
    for (;;) {
      const colon = text.indexOf(':', after);
      const lineEnd = text.indexOf('\n', at);
      if (colon < 0 || (lineEnd >= 0 && colon > lineEnd)) return -1;
      after = colon;
      if (followedBySpace(text, colon + 1)) break;
      after++;
    }
  } else {
    if (!text.startsWith(key, at)) return -1;
    after = at + key.length;
  }
  return text.charCodeAt(after) === COLON && followedBySpace(text, after + 1) ? after + 1 : -1;
}

function followedBySpace(text: string, at: number): boolean {
  const ch = text.charCodeAt(at);
  return at >= text.length || ch === SPACE || ch === TAB || ch === LF || ch === CR;
}

/** A `|` or `>` block scalar header (with indicators and a comment); checked by first character first, as few values qualify. */
function isBlockScalarHeader(value: string): boolean {
  const first = value.charCodeAt(0);
  return (first === 124 || first === 62) && BLOCK_SCALAR_VALUE.test(value);
}

function isDash(text: string): boolean {
  return text === '-' || text.startsWith('- ');
}

/** Splits `key: value` (plain or single-line quoted key); undefined when the line is not a simple key. */
function splitKey(text: string): { key: string; value: string; plain: boolean } | undefined {
  let key: string;
  let rest: string;
  const first = text[0];
  const plain = first !== '"' && first !== "'";
  if (!plain) {
    const close = closingQuote(text);
    if (close < 0) return undefined;
    const inner = text.slice(1, close);
    // Escaped or doubled quotes in keys are not matched by the scan.
    if (inner.includes('\\') || inner.includes(first)) throw new Unsupported();
    key = inner;
    rest = text.slice(close + 1).trimStart();
    if (!(rest === ':' || rest.startsWith(': ') || rest.startsWith(':\t'))) return undefined;
    rest = rest.slice(1);
  } else {
    if ('?&*!|>%@`{[,#'.includes(first)) return undefined;
    let colon = text.indexOf(':');
    while (colon >= 0 && !(colon === text.length - 1 || text[colon + 1] === ' ' || text[colon + 1] === '\t')) colon = text.indexOf(':', colon + 1);
    if (colon < 0) return undefined;
    key = text.slice(0, colon);
    // `key :` and keys holding ` #` are valid YAML the scan does not match.
    if (key.endsWith(' ') || key.includes(' #')) throw new Unsupported();
    rest = text.slice(colon + 1);
  }
  let value = rest.trim();
  if (value.startsWith('#')) value = '';
  return { key, value, plain };
}

/** Index of the quote closing the quoted scalar at the start of `text`, or -1. */
function closingQuote(text: string): number {
  const quote = text[0];
  for (let i = 1; i < text.length; i++) {
    const ch = text[i];
    if (quote === '"' && ch === '\\') {
      i++;
    } else if (ch === quote) {
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
    } else if (ch === '{' || ch === '[') {
      depth++;
    } else if (ch === '}' || ch === ']') {
      depth--;
      if (depth === 0) return true;
    }
  }
  return false;
}
