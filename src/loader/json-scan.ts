/** Scanning a stream of JSON values as Go's json.Decoder reads them, for the loader and pin. */

/** Go's json.Decoder whitespace between values. */
export function skipJsonSpace(text: string, at: number): number {
  for (let c = text.charCodeAt(at); c === 32 || c === 10 || c === 13 || c === 9; c = text.charCodeAt(++at));
  return at;
}

/** Where a number or literal (`true`, `null`) ends: JSON whitespace, a bracket, a comma, a colon or a quote. */
export function isJsonDelimiter(code: number): boolean {
  return code === 32 || code === 10 || code === 13 || code === 9 || code === 44 /* , */ || code === 58 /* : */ || code === 34 /* " */
    || code === 123 /* { */ || code === 125 /* } */ || code === 91 /* [ */ || code === 93 /* ] */;
}

/** The offset after the string whose opening quote is at `at` (its closing quote included), or -1 when the text ends first. */
export function jsonStringEnd(text: string, at: number): number {
  let j = at + 1;
  for (let d = text.charCodeAt(j); j < text.length && d !== 34 /* " */; d = text.charCodeAt(j)) j += d === 92 /* \ */ ? 2 : 1;
  return j >= text.length ? -1 : j + 1;
}

/** The text of the JSON string from `start` (its opening quote) to `end` (after its closing quote), escapes decoded. Throws on an invalid escape. */
export function jsonStringText(text: string, start: number, end: number): string {
  const raw = text.slice(start, end);
  return raw.includes('\\') ? (JSON.parse(raw) as string) : raw.slice(1, -1);
}

/**
 * Where the objects and arrays of one JSON value open and close, in text order (preorder), in flat
 * typed arrays: a 15 MB `kubectl get -o json` List has some 300,000 of them, and one small object
 * per node kept until the last finding's line is looked up would cost more in garbage collection
 * than the scan itself.
 */
export interface JsonScan {
  /** The offset after the value. */
  readonly end: number;
  /**
   * The keys in the text: every colon outside a string. JSON.parse keeps one value per key, so a
   * parsed value holding fewer keys than this had a key given twice (see {@link firstDuplicateKey}).
   */
  readonly keys: number;
  /** How many objects and arrays the value holds (itself included). */
  readonly containers: number;
  /** The offset of each object's or array's opening bracket, in text order. */
  readonly opens: Int32Array;
  /** The offset after each one's closing bracket. */
  readonly closes: Int32Array;
  /** How many objects and arrays each one holds, itself included: the next sibling of container `i` is `i + sizes[i]`. */
  readonly sizes: Int32Array;
}

/**
 * Scans the JSON value starting at `at` by its brackets and strings (JSON.parse then checks it),
 * counting its keys and recording its objects and arrays. Undefined when the text ends before the
 * value does.
 */
export function scanJsonValue(text: string, at: number): JsonScan | undefined {
  let opens: Int32Array = new Int32Array(64), closes: Int32Array = new Int32Array(64), sizes: Int32Array = new Int32Array(64);
  let containers = 0, keys = 0;
  // Indexes of the containers still open: at most the nesting depth.
  const open: number[] = [];
  const done = (end: number): JsonScan => ({ end, keys, containers, opens, closes, sizes });
  for (let i = at; i < text.length;) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      const end = jsonStringEnd(text, i);
      if (end < 0) return undefined;
      i = end;
      if (open.length === 0) return done(i);
    } else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (containers === opens.length) {
        opens = grown(opens);
        closes = grown(closes);
        sizes = grown(sizes);
      }
      opens[containers] = i;
      open.push(containers++);
      i++;
    } else if (c === 125 /* } */ || c === 93 /* ] */) {
      const index = open.pop();
      if (index === undefined) return undefined;
      closes[index] = ++i;
      sizes[index] = containers - index;
      if (open.length === 0) return done(i);
    } else if (c === 58 /* : */) {
      keys++;
      i++;
    } else if (open.length === 0 && !(c === 32 || c === 10 || c === 13 || c === 9)) {
      // A scalar at the top: a number or literal runs to the next delimiter.
      let j = i + 1;
      while (j < text.length && !isJsonDelimiter(text.charCodeAt(j))) j++;
      return done(j);
    } else {
      i++;
    }
  }
  return undefined;
}

function grown(array: Int32Array): Int32Array {
  const bigger = new Int32Array(array.length * 2);
  bigger.set(array);
  return bigger;
}

/**
 * The keys of every object in a parsed JSON value, or -1 when it nests deeper than `maxDepth`.
 * Recursion is bounded by `maxDepth`; fewer keys than the text holds means one was given twice.
 */
export function keysWithinDepth(value: unknown, depth: number, maxDepth: number): number {
  if (value === null || typeof value !== 'object') return 0;
  if (depth > maxDepth) return -1;
  let keys = 0;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const inner = keysWithinDepth(value[i], depth + 1, maxDepth);
      if (inner < 0) return -1;
      keys += inner;
    }
    return keys;
  }
  for (const key in value) {
    const inner = keysWithinDepth((value as Record<string, unknown>)[key], depth + 1, maxDepth);
    if (inner < 0) return -1;
    keys += inner + 1;
  }
  return keys;
}

/**
 * The first key given twice in one object of the JSON value at `at`, in text order, which JSON.parse
 * would silently collapse to the last. Only called once {@link JsonScan.keys} says there is one.
 */
export function firstDuplicateKey(text: string, at: number): { key: string; offset: number; firstOffset: number } | undefined {
  // Each open object's keys, with the offset of each key's first occurrence; null for an array.
  const keys: (Map<string, number> | null)[] = [];
  let expectKey = false;
  for (let i = at; i < text.length;) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      const end = jsonStringEnd(text, i);
      if (end < 0) return undefined;
      const top = keys[keys.length - 1];
      if (top && expectKey) {
        const key = jsonStringText(text, i, end);
        const firstOffset = top.get(key);
        if (firstOffset !== undefined) return { key, offset: i, firstOffset };
        top.set(key, i);
      }
      expectKey = false;
      i = end;
    } else if (c === 123 /* { */ || c === 91 /* [ */) {
      keys.push(c === 123 ? new Map() : null);
      expectKey = c === 123;
      i++;
    } else if (c === 125 /* } */ || c === 93 /* ] */) {
      keys.pop();
      i++;
      if (keys.length === 0) return undefined;
    } else if (c === 44 /* , */) {
      expectKey = keys[keys.length - 1] !== null;
      i++;
    } else {
      i++;
    }
  }
  return undefined;
}
