/** Scanning a stream of JSON values as Go's json.Decoder reads them, for the loader and pin. */

/** Go's json.Decoder whitespace between values. */
export function skipJsonSpace(text: string, at: number): number {
  for (let c = text.charCodeAt(at); c === 32 || c === 10 || c === 13 || c === 9; c = text.charCodeAt(++at));
  return at;
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
 * The end of the JSON value starting at `at`, found by its brackets and strings (JSON.parse then
 * checks it), and its first key given twice in one object, which JSON.parse would silently
 * collapse to the last. Undefined when the text ends before the value does.
 */
export function scanJsonValue(text: string, at: number): { end: number; duplicate?: { key: string; offset: number } } | undefined {
  const keys: (Set<string> | null)[] = [];
  let duplicate: { key: string; offset: number } | undefined;
  let expectKey = false;
  for (let i = at; i < text.length;) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      const end = jsonStringEnd(text, i);
      if (end < 0) return undefined;
      const top = keys[keys.length - 1];
      if (top && expectKey && !duplicate) {
        let key: string;
        try {
          key = jsonStringText(text, i, end);
        } catch {
          return { end };
        }
        if (top.has(key)) duplicate = { key, offset: i };
        else top.add(key);
      }
      expectKey = false;
      i = end;
      if (keys.length === 0) return { end: i };
    } else if (c === 123 /* { */ || c === 91 /* [ */) {
      keys.push(c === 123 ? new Set() : null);
      expectKey = c === 123;
      i++;
    } else if (c === 125 /* } */ || c === 93 /* ] */) {
      keys.pop();
      i++;
      if (keys.length === 0) return { end: i, ...(duplicate ? { duplicate } : {}) };
    } else if (c === 44 /* , */) {
      expectKey = keys[keys.length - 1] !== null;
      i++;
    } else if (keys.length === 0 && !(c === 32 || c === 10 || c === 13 || c === 9)) {
      // A scalar at the top: a number or literal runs to the next delimiter.
      let j = i + 1;
      while (j < text.length && !/[\s,\]}[{":]/.test(text[j])) j++;
      return { end: j };
    } else {
      i++;
    }
  }
  return undefined;
}
