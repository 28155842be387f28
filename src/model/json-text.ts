import { countNewlines } from './lines';

/** A JSON file's value, or the line where it stops being JSON and what was expected there. */
export type JsonTextResult =
  // `body` is the text as parsed (without a byte-order mark), for callers that find lines in it.
  | { readonly ok: true; readonly value: unknown; readonly body: string }
  | { readonly ok: false; readonly line: number; readonly problem: string };

/** How {@link parseJsonText} reports a mistake. */
export interface JsonTextOptions {
  /** The text holds secrets (registry credentials): an error names the line only, never the text found there. @default false */
  readonly secret?: boolean;
}

/**
 * Parses the JSON text of a file hardpod wrote and reads back (a baseline, a lock file), skipping a
 * byte-order mark as the manifest and config readers do. On an error it names the line and what was
 * expected, and never quotes the file's lines: JSON.parse's own messages give no position for an
 * unexpected token (Node 20) and paste the text around it.
 */
export function parseJsonText(text: string, options: JsonTextOptions = {}): JsonTextResult {
  const json = text.charCodeAt(0) === BYTE_ORDER_MARK ? text.slice(1) : text;
  try {
    return { ok: true, value: JSON.parse(json), body: json };
  } catch (error) {
    // Only a malformed file gets here: the search below re-parses prefixes of it.
    const offset = firstInvalidOffset(json);
    const message = (error as Error).message;
    return { ok: false, line: lineOf(json, offset), problem: describe(message, json, offset, options.secret !== true) };
  }
}

const BYTE_ORDER_MARK = 0xfeff;

/**
 * The offset of the first character no JSON text can continue with (the text's length when it ends
 * early), found by bisecting on prefixes: JSON.parse reads a prefix of valid JSON as ending early,
 * so prefixes are valid up to that character and invalid from it on.
 */
function firstInvalidOffset(text: string): number {
  let low = 0, high = text.length;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (isValidPrefix(text.slice(0, middle))) low = middle;
    else high = middle - 1;
  }
  return low;
}

function isValidPrefix(prefix: string): boolean {
  try {
    JSON.parse(prefix);
    return true;
  } catch (error) {
    const message = (error as Error).message;
    if (message.startsWith('Unexpected end of JSON input')) return true;
    const position = / at position (\d+)/.exec(message);
    return position !== null && Number(position[1]) >= prefix.length;
  }
}

/** The 1-based line of `offset`; for a text that ends early, the line of its last character, not the one after it. */
function lineOf(text: string, offset: number): number {
  let at = offset;
  if (at >= text.length) {
    at = text.length;
    while (at > 0 && /\s/.test(text[at - 1])) at--;
    at = Math.max(0, at - 1);
  }
  return 1 + countNewlines(text, at);
}

/**
 * The bare word around `offset` (`shop` for an unquoted string, `nope` where JSON.parse stops at its
 * `o`, taking it for null), or '' when the character there is no part of one.
 */
function wordAt(text: string, offset: number): string {
  let start = offset, end = offset;
  while (start > 0 && WORD.test(text[start - 1])) start--;
  while (end < text.length && WORD.test(text[end])) end++;
  return text.slice(start, end);
}

const WORD = /[\w.+-]/;

function describe(message: string, text: string, offset: number, quote: boolean): string {
  if (offset >= text.length) return 'the text ends inside a JSON value: a closing ", } or ] is missing';
  const found = quote ? JSON.stringify(wordAt(text, offset) || text[offset]) : undefined;
  // V8's messages that give a position say what it expected (`Expected ',' or '}' after property value`).
  const positioned = /^(.*?)(?: in JSON)? at position \d+/.exec(message);
  if (positioned) return found === undefined ? positioned[1] : `${positioned[1]} (found ${found})`;
  return `unexpected ${found ?? 'text'}; expected a JSON value: a string in double quotes, a number, true, false, null, an object or an array`;
}
