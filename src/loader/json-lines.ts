import { jsonStringEnd, jsonStringText, skipJsonSpace } from './json-scan';
import type { PathSegment } from '../model/field-path';

/**
 * Field lines in a JSON document (`kubectl get -o json` output: a List of thousands of objects).
 * One pass over the text records where each key and each list item starts, much lighter than a
 * YAML parse of the same text; lookups then walk that outline. The text was parsed by JSON.parse
 * before, so it is well-formed JSON.
 */

/** A scalar's offset, or a collection's with the offsets of what it holds. */
type Outline = number | ObjectOutline | ListOutline;

interface ObjectOutline {
  readonly offset: number;
  /** Per key (its first occurrence): where the key starts and the value's outline. */
  readonly keys: Map<string, { readonly keyOffset: number; readonly value: Outline }>;
}

interface ListOutline {
  readonly offset: number;
  readonly items: Outline[];
}

const QUOTE = 34, OPEN_BRACE = 123, CLOSE_BRACE = 125, OPEN_BRACKET = 91, CLOSE_BRACKET = 93, COMMA = 44, COLON = 58;

export class JsonLines {
  /** The first key given twice in one object, in text order (JSON.parse silently keeps the last value). */
  duplicate: { readonly key: string; readonly offset: number } | undefined;
  private readonly root: Outline | undefined;
  private lineStarts: number[] | undefined;

  constructor(private readonly text: string) {
    const at = skipJsonSpace(text, 0);
    this.root = at < text.length ? this.outline(at).outline : undefined;
  }

  /** 0-based line of the deepest node of `segments` that exists, or undefined when the document is empty. */
  line(segments: readonly PathSegment[]): number | undefined {
    if (this.root === undefined) return undefined;
    let node: Outline = this.root;
    let offset = offsetOf(node);
    for (const segment of segments) {
      if (typeof node === 'number') break;
      if ('items' in node) {
        const item: Outline | undefined = typeof segment === 'number' ? node.items[segment] : undefined;
        if (item === undefined) break;
        node = item;
        offset = offsetOf(item);
      } else {
        const entry = node.keys.get(String(segment));
        if (!entry) break;
        offset = entry.keyOffset;
        node = entry.value;
      }
    }
    return this.lineAt(offset);
  }

  private lineAt(offset: number): number {
    if (!this.lineStarts) {
      const starts = [0];
      for (let i = this.text.indexOf('\n'); i !== -1; i = this.text.indexOf('\n', i + 1)) starts.push(i + 1);
      this.lineStarts = starts;
    }
    const starts = this.lineStarts;
    let low = 0, high = starts.length - 1;
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      if (starts[middle] <= offset) low = middle;
      else high = middle - 1;
    }
    return low;
  }

  /** The outline of the value starting at `at`, and the offset after it. */
  private outline(at: number): { outline: Outline; end: number } {
    const { text } = this;
    const first = text.charCodeAt(at);
    if (first === OPEN_BRACE) {
      const keys: ObjectOutline['keys'] = new Map();
      let next = skipJsonSpace(text, at + 1);
      while (text.charCodeAt(next) !== CLOSE_BRACE) {
        const keyEnd = jsonStringEnd(text, next);
        const key = jsonStringText(text, next, keyEnd);
        const valueAt = skipJsonSpace(text, skipJsonSpace(text, keyEnd) + 1);
        const value = this.outline(valueAt);
        if (!keys.has(key)) keys.set(key, { keyOffset: next, value: value.outline });
        else this.duplicate ??= { key, offset: next };
        next = this.afterComma(value.end);
      }
      return { outline: { offset: at, keys }, end: next + 1 };
    }
    if (first === OPEN_BRACKET) {
      const items: Outline[] = [];
      let next = skipJsonSpace(text, at + 1);
      while (text.charCodeAt(next) !== CLOSE_BRACKET) {
        const item = this.outline(next);
        items.push(item.outline);
        next = this.afterComma(item.end);
      }
      return { outline: { offset: at, items }, end: next + 1 };
    }
    if (first === QUOTE) return { outline: at, end: jsonStringEnd(text, at) };
    // A number, true, false or null: up to the next delimiter.
    let end = at;
    while (end < text.length && !isDelimiter(text.charCodeAt(end))) end++;
    return { outline: at, end };
  }

  /** After a value: past the comma and the space around it, or at the closing bracket. */
  private afterComma(at: number): number {
    const next = skipJsonSpace(this.text, at);
    return this.text.charCodeAt(next) === COMMA ? skipJsonSpace(this.text, next + 1) : next;
  }
}

function offsetOf(node: Outline): number {
  return typeof node === 'number' ? node : node.offset;
}

function isDelimiter(code: number): boolean {
  return code === COMMA || code === CLOSE_BRACE || code === CLOSE_BRACKET || code === COLON
    || code === 32 || code === 10 || code === 13 || code === 9;
}
