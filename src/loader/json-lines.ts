import { isJsonDelimiter, jsonStringEnd, jsonStringText, scanJsonValue, skipJsonSpace, type JsonScan } from './json-scan';
import type { PathSegment } from '../model/field-path';

/**
 * Field lines in a JSON document (`kubectl get -o json` output: a List of thousands of objects).
 * The scan of the value (where its objects and arrays open and close) is all that is kept up front;
 * a lookup reads the members of only the objects and arrays on its path, each once: findings point
 * into a few of thousands of items. The text was parsed by JSON.parse before, so it is well-formed JSON.
 */

/** The members of one object or array, read when a lookup first walks through it. */
interface Members {
  /** An object's keys (each at its first occurrence) with their member's position; undefined for an array. */
  readonly keys: Map<string, number> | undefined;
  /** Where each member starts: an object's at its key, an array's at its item. */
  readonly offsets: number[];
  /** The container index of each member's value, or -1 for a scalar. */
  readonly containers: number[];
}

export class JsonLines {
  private readonly scan: JsonScan | undefined;
  private readonly start: number;
  private readonly members = new Map<number, Members>();
  private lineStarts: number[] | undefined;

  /** `scan` is the text's own scan when the caller has it already. */
  constructor(private readonly text: string, scan?: JsonScan) {
    this.start = skipJsonSpace(text, 0);
    this.scan = scan ?? (this.start < text.length ? scanJsonValue(text, this.start) : undefined);
  }

  /** 0-based line of the deepest node of `segments` that exists, or undefined when the document is empty. */
  line(segments: readonly PathSegment[]): number | undefined {
    if (this.start >= this.text.length) return undefined;
    let offset = this.start;
    // The container the walk is in (-1 at a scalar).
    let container = this.scan && this.scan.containers > 0 && this.scan.opens[0] === this.start ? 0 : -1;
    for (let j = 0; j < segments.length; j++) {
      const segment = segments[j];
      if (container < 0) break;
      const { keys, offsets, containers } = this.membersOf(container);
      const position = keys ? keys.get(String(segment)) : typeof segment === 'number' && offsets[segment] !== undefined ? segment : undefined;
      if (position === undefined) break;
      offset = offsets[position];
      container = containers[position];
    }
    return this.lineAt(offset);
  }

  /** The members of container `index`, read from the text on the first walk through it. */
  private membersOf(index: number): Members {
    const known = this.members.get(index);
    if (known) return known;
    const { text } = this;
    const scan = this.scan!;
    const isObject = text.charCodeAt(scan.opens[index]) === OPEN_BRACE;
    const close = isObject ? CLOSE_BRACE : CLOSE_BRACKET;
    // Nested containers come in text order: the next one to meet is the first inside this one.
    let nextContainer = index + 1;
    const keys = isObject ? new Map<string, number>() : undefined;
    const offsets: number[] = [], containers: number[] = [];
    let at = skipJsonSpace(text, scan.opens[index] + 1);
    while (text.charCodeAt(at) !== close) {
      const memberAt = at;
      // A key given twice is refused before any lookup; were it not, the first would stand.
      let first = true;
      if (keys) {
        const keyEnd = jsonStringEnd(text, at);
        const key = jsonStringText(text, at, keyEnd);
        at = skipJsonSpace(text, skipJsonSpace(text, keyEnd) + 1);
        first = !keys.has(key);
        if (first) keys.set(key, offsets.length);
      }
      const container = this.containerAt(at, nextContainer);
      if (first) {
        offsets.push(memberAt);
        containers.push(container);
      }
      if (container >= 0) nextContainer = container + scan.sizes[container];
      at = this.afterComma(this.valueEnd(at, container));
    }
    const members: Members = { keys, offsets, containers };
    this.members.set(index, members);
    return members;
  }

  /** The index of the container opening at `at` (it can only be `next`), or -1 when the value there is a scalar. */
  private containerAt(at: number, next: number): number {
    const code = this.text.charCodeAt(at);
    return code === OPEN_BRACE || code === OPEN_BRACKET ? next : -1;
  }

  /** The offset after the value at `at`: a container's close from the scan, a string's closing quote, a literal's delimiter. */
  private valueEnd(at: number, container: number): number {
    if (container >= 0) return this.scan!.closes[container];
    if (this.text.charCodeAt(at) === QUOTE) return jsonStringEnd(this.text, at);
    let end = at;
    while (end < this.text.length && !isJsonDelimiter(this.text.charCodeAt(end))) end++;
    return end;
  }

  /** After a value: past the comma and the space around it, or at the closing bracket. */
  private afterComma(at: number): number {
    const next = skipJsonSpace(this.text, at);
    return this.text.charCodeAt(next) === COMMA ? skipJsonSpace(this.text, next + 1) : next;
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
}

const QUOTE = 34, OPEN_BRACE = 123, CLOSE_BRACE = 125, OPEN_BRACKET = 91, CLOSE_BRACKET = 93, COMMA = 44;
