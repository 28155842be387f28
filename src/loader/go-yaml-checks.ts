import type { Document, Node as YamlNode } from 'yaml';
import type { ResolvePlainScalar } from './block-lines';
import { keyText } from './exact-lines';
import { yamlModule } from '../model/lazy-yaml';

/** The `yaml` package, set by the first check that needs it (the functions below run only after it). */
let yaml: typeof import('yaml');

/**
 * Where js-yaml and go-yaml v2 (which kubectl reads YAML with) part ways on a document js-yaml
 * reads, each is found here so that the loader refuses the document instead of judging a value
 * the cluster would not receive, or one that kubectl refuses. Only documents the block parser
 * declined come here, and each check runs only when the text holds what it looks for.
 */

/** One reason to refuse, at a 0-based offset in the document's text. */
export interface GoYamlIssue {
  readonly offset: number;
  readonly reason: string;
}

/**
 * U+0085, U+2028 and U+2029 are line breaks to go-yaml (YAML 1.1) and ordinary characters to
 * js-yaml (YAML 1.2): a value holding one reads differently, or kubectl refuses the file.
 */
const YAML_11_LINE_BREAK = /[\u0085\u2028\u2029]/;

export function lineBreakIssue(text: string): GoYamlIssue | undefined {
  const found = YAML_11_LINE_BREAK.exec(text);
  if (!found) return undefined;
  const code = `U+${found[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
  return {
    offset: found.index,
    reason: `the character ${code} is a line break to kubectl's YAML parser (YAML 1.1) but not to others, so the document reads differently; remove it, or write it as an escape in a double-quoted string (\\N, \\L, \\P)`,
  };
}

/** Tags and anchors before a node's content. */
const NODE_PROPERTIES = /^\s*(?:[!&]\S*\s+)*/;

/** A js-yaml parser state, as its listener sees it. */
interface ListenedState {
  position: number;
  kind: string | null;
  input: string;
  /** The node's tag: `?` for a plain scalar's, `!` for the non-specific tag, null for none. */
  tag: string | null;
}

/** A multi-line scalar or flow collection, where a tab may lead a line. */
interface Span {
  start: number;
  end: number;
  /** For a plain scalar, the indentation of its parent (a tab beyond it is allowed); -1 otherwise. */
  parent: number;
}

/**
 * A js-yaml listener that finds, in what js-yaml reads, what go-yaml refuses or reads otherwise:
 * double-quoted escapes (`\/`, a UTF-16 surrogate in `\u`/`\U`, a code point beyond U+10FFFF, an
 * escaped line break before an empty line, whose line feed js-yaml drops), tabs leading a line
 * outside scalars and flow collections or in a block scalar's indentation, a block mapping
 * after an anchor or tag on its parent key's line, text after the closing quote of a quoted scalar
 * that spans lines, and the non-specific tag `!` on an empty node
 * (go-yaml reads the empty string, or null, depending on what follows; js-yaml null). `issue()` gives the first.
 */
export function scalarChecker(): { listener: (event: 'open' | 'close', state: ListenedState) => void; issue: () => GoYamlIssue | undefined } {
  const opened: number[] = [];
  const spans: Span[] = [];
  let input = '';
  let found: GoYamlIssue | undefined;
  const listener = (event: 'open' | 'close', state: ListenedState): void => {
    if (event === 'open') {
      opened.push(state.position);
      return;
    }
    const start = opened.pop() ?? 0;
    input = state.input;
    if (found) return;
    const raw = state.input.slice(start, state.position);
    if (state.tag === '!' && state.kind === null) {
      found = {
        offset: start + Math.max(0, raw.indexOf('!')),
        reason: 'the non-specific tag ! on an empty value: kubectl reads the empty string or null there depending on what follows it, other YAML readers null; write "" or null instead',
      };
      return;
    }
    const quote = NODE_PROPERTIES.exec(raw)![0].length;
    const first = raw.charCodeAt(quote);
    if (state.kind === 'mapping' && first !== 123 /* { */) {
      found = inlineMappingIssue(input, start + quote);
      if (found) return;
    }
    if (raw.includes('\n') && input.includes('\t')) {
      const plain = state.kind === 'scalar' && first !== 34 && first !== 39 && first !== 124 && first !== 62;
      if (state.kind === 'scalar' || first === 123 /* { */ || first === 91 /* [ */) {
        spans.push({ start: start + quote, end: state.position, parent: plain ? parentIndent(input, start + quote) : -1 });
      }
    }
    if (state.kind !== 'scalar') return;
    if ((first === 34 /* " */ || first === 39 /* ' */) && raw.includes('\n')) {
      found = textAfterClosingQuoteIssue(input, state.position);
      if (found) return;
    }
    if ((first === 124 /* | */ || first === 62 /* > */) && input.includes('\t')) {
      found = blockScalarTabIssue(input, start + quote);
      return;
    }
    if (first !== 34 /* " */) return;
    for (let i = raw.indexOf('\\', quote); i !== -1; i = raw.indexOf('\\', i + 2)) {
      const escape = raw[i + 1];
      let reason: string | undefined;
      // The escaped line break is LF or CRLF; an empty line must follow it.
      const next = i + 2 + (escape === '\r' && raw[i + 2] === '\n' ? 1 : 0);
      if ((escape === '\n' || escape === '\r') && /^[ \t]*\r?\n/.test(raw.slice(next))) {
        reason = 'a backslash at the end of a line in a double-quoted string, followed by an empty line: kubectl reads a line break for each empty line (as the YAML spec says), which hardpod\'s YAML parser drops; write \\n for the line breaks instead';
      } else if (escape === '/') {
        reason = 'the escape \\/ in a double-quoted string is unknown to kubectl\'s YAML parser (YAML 1.1), which refuses the file; write / without the backslash';
      } else if (escape === 'u' || escape === 'U') {
        const code = parseInt(raw.slice(i + 2, i + (escape === 'u' ? 6 : 10)), 16);
        if ((code >= 0xd800 && code <= 0xdfff) || code > 0x10ffff) {
          reason = `the escape ${raw.slice(i, i + (escape === 'u' ? 6 : 10))} in a double-quoted string is not a Unicode character (a UTF-16 surrogate or beyond U+10FFFF), which kubectl's YAML parser refuses; write the character itself, or \\U with its 8-digit code point`;
        }
      }
      if (reason) {
        found = { offset: start + i, reason };
        return;
      }
    }
  };
  return { listener, issue: () => found ?? (input.includes('\t') ? firstIssue(leadingTabIssue(input, spans), indicatorTabIssue(input, spans)) : undefined) };
}

/**
 * Text after the closing quote of a quoted scalar that spans lines, on the quote's line (`g: "a` then
 * `  "q": 2`): go-yaml refuses it, as it refuses `"a" b`; js-yaml reads the text as a new key of the
 * mapping, as it checks the key's line rather than the value's end.
 */
function textAfterClosingQuoteIssue(input: string, closedAt: number): GoYamlIssue | undefined {
  const lineEnd = input.indexOf('\n', closedAt);
  const rest = input.slice(closedAt, lineEnd < 0 ? input.length : lineEnd).trim();
  if (rest === '' || '#,]}:'.includes(rest[0])) return undefined;
  return {
    offset: closedAt,
    reason: 'text after the closing quote of a quoted string that spans lines: kubectl\'s YAML parser refuses the file, other YAML readers take the text for a new key; end the line after the quote',
  };
}

/** Anchors and tags ending the text before a node. */
const TRAILING_PROPERTIES = /(?:[!&]\S*[ \t]+)+$/;
/** What may come before a block mapping's first key on its line: indentation, and `-`, `?` or `:` indicators. */
const KEY_MAY_START = /^ *(?:[-?:][ \t]+)*$/;

/**
 * go-yaml refuses a block mapping that starts on the line of its parent's key after an anchor or
 * a tag (`key: &a inner: value`), where no key may start; js-yaml reads it as a nested mapping.
 * (Without them, js-yaml refuses `key: inner: value` itself.)
 * @param key where the mapping's first key starts
 */
function inlineMappingIssue(text: string, key: number): GoYamlIssue | undefined {
  const lineStart = text.lastIndexOf('\n', key - 1) + 1;
  const before = text.slice(lineStart, key);
  if (!TRAILING_PROPERTIES.test(before) || KEY_MAY_START.test(before.replace(TRAILING_PROPERTIES, ''))) return undefined;
  return {
    offset: key,
    reason: 'a mapping starts on the line of the key it belongs to, after an anchor or tag (key: &anchor inner: value): kubectl\'s YAML parser refuses it; start the mapping on the next line',
  };
}

function firstIssue(a: GoYamlIssue | undefined, b: GoYamlIssue | undefined): GoYamlIssue | undefined {
  return a === undefined || (b !== undefined && b.offset < a.offset) ? b : a;
}

/**
 * go-yaml refuses a tab in the whitespace after a block indicator that starts a line: a list
 * item's `-` (`- \tvalue`, `-\tvalue`), an explicit key's `?` or its value's `:`, where a key may
 * still start (after a key's own `:`, a tab is fine). js-yaml reads the tab as a space. Inside a
 * multi-line scalar or flow collection, such a line is content.
 */
function indicatorTabIssue(text: string, spans: readonly Span[]): GoYamlIssue | undefined {
  const indicatorTab = /^ *(?:[-?:] +)*[-?:] *\t/gm;
  for (let match = indicatorTab.exec(text); match; match = indicatorTab.exec(text)) {
    const tab = match.index + match[0].length - 1;
    if (spans.some((span) => span.start <= tab && tab < span.end)) continue;
    return {
      offset: match.index,
      reason: 'a tab after a list item\'s - (or an explicit key\'s ? or :): kubectl\'s YAML parser refuses it; put a space there',
    };
  }
  return undefined;
}

/**
 * go-yaml refuses a tab in the whitespace that starts a line in block context (a blank or comment
 * line too), except inside a quoted or block scalar or a flow collection, and inside a multi-line
 * plain scalar beyond its parent's indentation. js-yaml reads such lines as blank.
 */
export function leadingTabIssue(text: string, spans: readonly Span[] = []): GoYamlIssue | undefined {
  const leadingTab = /^ *\t/gm;
  for (let match = leadingTab.exec(text); match; match = leadingTab.exec(text)) {
    const tab = match.index + match[0].length - 1;
    const within = spans.filter((span) => span.start <= tab && tab < span.end);
    if (within.some((span) => span.parent < 0)) continue;
    if (within.length > 0 && tab - match.index > Math.min(...within.map((span) => span.parent))) continue;
    return {
      offset: match.index,
      reason: 'a tab in the indentation of a line: kubectl\'s YAML parser refuses it (outside quoted and block scalars and flow collections), even on a blank or comment line; indent with spaces',
    };
  }
  return undefined;
}

/**
 * The indentation go-yaml's parser is at for a node starting at `at`: the column of the key on its
 * line, or, for a list item's own value (`- value`), of the last dash before it.
 */
function parentIndent(text: string, at: number): number {
  const lineStart = text.lastIndexOf('\n', at - 1) + 1;
  const head = /^((?:[ ]*-[ ]+)*)[ ]*/.exec(text.slice(lineStart, at))!;
  return head[0].length === at - lineStart && head[1] ? head[1].lastIndexOf('-') : head[0].length;
}

/**
 * go-yaml refuses a tab where a block scalar's indentation is still expected: after the spaces of
 * a line before the first content line (the indentation is not known yet), or after fewer spaces
 * than the indentation (a whitespace line, too). js-yaml takes such a tab as content or blank.
 * The indentation is the parent's (the column of the key, or of the dash for a list item) plus
 * the indicator, or, without one, that of the first content line.
 */
function blockScalarTabIssue(text: string, header: number): GoYamlIssue | undefined {
  const parent = parentIndent(text, header);
  const indicator = /^[|>][-+]?([1-9])?/.exec(text.slice(header))?.[1];
  let indent = indicator ? parent + Number(indicator) : 0;
  for (let at = text.indexOf('\n', header) + 1; at > 0 && at < text.length; at = text.indexOf('\n', at) + 1) {
    let spaces = 0;
    while (text.charCodeAt(at + spaces) === 32) spaces++;
    const next = text.charCodeAt(at + spaces);
    if (next === 9 && (indent === 0 || spaces < indent)) {
      return {
        offset: at,
        reason: 'a tab where the indentation of a block scalar (| or >) is expected: kubectl\'s YAML parser refuses it; indent with spaces, and put tabs only after the block\'s indentation',
      };
    }
    if (Number.isNaN(next) || next === 10 || next === 13) continue;
    if (indent === 0) indent = Math.max(spaces, parent + 1);
    if (spaces < indent) return undefined;
  }
  return undefined;
}

/**
 * A colon that a flow collection's unquoted value ends with (`[a:, b]`, `{a: b:}`), or starts with
 * (`[:a]`, and `{"q"::a}` after a quoted key's colon): where the YAML 1.2 readers see a key's colon,
 * go-yaml v2 takes the colon for part of the value ("a:") unless a space follows it, and refuses a
 * value that starts with one. A lone dash as a value (`[cat, -]`), which go-yaml reads as "-" and
 * js-yaml refuses.
 */
const FLOW_SYNTAX = /:[,[\]{}:]|[[{,]\s*:|\s:\S|-[,\]}]/;

/** Lexer tokens that mark what follows rather than hold source text. */
const CONTROL_TOKENS: ReadonlySet<string> = new Set(['doc-mode', 'scalar', 'flow-error-end']);

/** A token of the `yaml` package's lexer that holds source text. */
export interface SourceToken {
  /** The lexer's token type, or `plain` for an unquoted scalar's text. */
  readonly type: string;
  readonly source: string;
  /** Offset of its first character in the text; `end` is past its last. */
  readonly start: number;
  readonly end: number;
  /** How many flow collections ([...], {...}) hold it, its own bracket included. */
  readonly flowDepth: number;
}

/**
 * The last document lexed and parsed: the checks below ask of one document in turn (flow syntax,
 * verbatim tags, anchor names; keys, item indentation), and each would lex or parse it again.
 */
let lastLexed: { readonly text: string; readonly tokens: readonly SourceToken[] } | undefined;
let lastParsed: { readonly text: string; readonly document: Document } | undefined;

/** Lets go of the last document's tokens and parse, once its checks are done (a large document's parse would stay in memory). */
export function forgetCheckedDocument(): void {
  lastLexed = undefined;
  lastParsed = undefined;
}

/** The source tokens of `text`, in order, with their offsets and flow depth; lexed once per document. */
export function sourceTokens(text: string): readonly SourceToken[] {
  if (lastLexed?.text !== text) lastLexed = { text, tokens: [...lexTokens(text)] };
  return lastLexed.tokens;
}

/** `text` as the `yaml` package parses it (merges and duplicate keys left to the checks); parsed once per document. */
function parsedDocument(text: string): Document {
  yaml = yamlModule();
  if (lastParsed?.text !== text) lastParsed = { text, document: yaml.parseDocument(text, { merge: false, uniqueKeys: false }) };
  return lastParsed.document;
}

function* lexTokens(text: string): Generator<SourceToken> {
  yaml = yamlModule();
  let offset = 0;
  let flowDepth = 0;
  let afterScalarMarker = false;
  for (const source of new yaml.Lexer().lex(text)) {
    const lexed = yaml.CST.tokenType(source);
    if (lexed !== null && CONTROL_TOKENS.has(lexed)) {
      afterScalarMarker = lexed === 'scalar';
      continue;
    }
    const type = lexed ?? (afterScalarMarker ? 'plain' : 'unknown');
    afterScalarMarker = false;
    if (type === 'flow-seq-start' || type === 'flow-map-start') flowDepth++;
    const start = offset;
    offset += source.length;
    yield { type, source, start, end: offset, flowDepth };
    if ((type === 'flow-seq-end' || type === 'flow-map-end') && flowDepth > 0) flowDepth--;
  }
}

/**
 * A dash alone as a flow collection's value (`[cat, -]`), which the lexer takes for a list item's:
 * the string "-" to go-yaml, an error to js-yaml.
 */
export function isLoneFlowDash(token: SourceToken, text: string): boolean {
  return token.type === 'seq-item-ind' && token.flowDepth > 0 && ',]}'.includes(text.charAt(token.end));
}

/**
 * Where kubectl's YAML parser reads a flow collection other than as js-yaml does. A colon: right
 * after an unquoted value and directly before `,`, `]`, `}`, `[` or `{` (kubectl reads `[a:, b]` as
 * the strings "a:" and "b", js-yaml as a mapping; kubectl refuses `[a:[b]]`), at an unquoted
 * value's start (kubectl refuses `[:a]`), or with no key before it (kubectl refuses `[: a]`, js-yaml
 * reads a null key). A lone dash as a value (`[cat, -]`: "-" to kubectl, an error to js-yaml; the
 * block parser reads it as kubectl does, so only documents it declines come here). Found with the
 * `yaml` package's lexer, which knows where quotes, comments and block scalars are; runs on documents
 * js-yaml may not even read, so that the reason is this one rather than js-yaml's.
 */
export function flowCollectionIssue(text: string): GoYamlIssue | undefined {
  if (!FLOW_SYNTAX.test(text)) return undefined;
  // The unquoted value before the current token, with only spaces and line breaks since; its offset.
  let plainBefore = -1;
  // Whether the current token opens a flow collection's entry: only spaces, line breaks, comments, anchors and tags since its `[`, `{` or `,`.
  let entryStart = false;
  for (const token of sourceTokens(text)) {
    const { type, start, end, flowDepth } = token;
    if (isLoneFlowDash(token, text)) {
      return { offset: start, reason: 'a lone - as a value in a flow collection ({...} or [...]), in a document hardpod reads with its full YAML parser (for its anchors, tags or other syntax): kubectl reads the string "-", that parser refuses it; quote it ("-")' };
    }
    // A dash that opens a flow collection's plain scalar (`[-:]`) is lexed as a list item's.
    if (type === 'plain' || (type === 'seq-item-ind' && flowDepth > 0)) {
      if (flowDepth > 0 && token.source.startsWith(':')) {
        return { offset: start, reason: 'an unquoted value in a flow collection ({...} or [...]) starts with a colon: kubectl\'s YAML parser takes it for a key\'s colon and refuses the file; quote the value' };
      }
      plainBefore = start;
      entryStart = false;
      continue;
    }
    if (type === 'map-value-ind' && flowDepth > 0) {
      if (entryStart) {
        return { offset: start, reason: 'a colon with no key before it in a flow collection ({...} or [...]): kubectl\'s YAML parser refuses it; write the key, or quote the value' };
      }
      if (plainBefore !== -1 && FLOW_INDICATORS.includes(text.charAt(end))) {
        return {
          offset: plainBefore,
          reason: `a colon right after an unquoted value and directly before ${JSON.stringify(text.charAt(end))} in a flow collection ({...} or [...]): kubectl's YAML parser reads the colon as part of the value, other YAML tools as a key's colon; quote the value, or put a space after the colon`,
        };
      }
    }
    if (type === 'space' || type === 'newline') continue;
    plainBefore = -1;
    // An anchor or a tag is no content: a colon after one alone still has no key.
    if (type !== 'comment' && type !== 'anchor' && type !== 'tag') entryStart = type === 'flow-seq-start' || type === 'flow-map-start' || type === 'comma';
  }
  return undefined;
}

/**
 * A verbatim tag (`!<tag:yaml.org,2002:str>`) with no space or line end after it (`!<...>abc`,
 * `[!<...>, b]`): go-yaml needs whitespace there and refuses the file, js-yaml reads on.
 */
export function verbatimTagIssue(text: string): GoYamlIssue | undefined {
  if (!text.includes('!<')) return undefined;
  for (const token of sourceTokens(text)) {
    if (token.type === 'tag' && token.source.startsWith('!<') && !/^(?:[ \t\r\n]|$)/.test(text.charAt(token.end))) {
      return { offset: token.start, reason: 'a verbatim tag (!<...>) directly followed by a value, comma or bracket: kubectl\'s YAML parser needs a space after it and refuses the file; put a space after the tag' };
    }
  }
  return undefined;
}

/** What may be an anchor or alias name go-yaml reads otherwise: a character other than a letter, digit, `_` or `-` after `&` or `*`. */
const ODD_ANCHOR_NAME = /[&*][\w-]*[^\w\s,[\]{}-]/;
/** go-yaml's anchor and alias names: ASCII letters, digits, `_` and `-`, ended by a blank or one of `?:,]}%@` and a backtick. */
const GO_YAML_NAME = /^[&*][A-Za-z0-9_-]+$/;
const GO_YAML_NAME_END = /^(?:[ \t\r\n?:,\]}%@`]|$)/;

/**
 * An anchor or alias whose name holds a character other than ASCII letters, digits, `_` and `-`
 * (`&app.config`, `*a:b`): go-yaml ends the name at that character and refuses the file, or, before a
 * colon, reads the rest as the value (`&a:b x` is ":b x" to kubectl); js-yaml takes it into the name.
 */
export function anchorNameIssue(text: string): GoYamlIssue | undefined {
  if (!ODD_ANCHOR_NAME.test(text)) return undefined;
  for (const token of sourceTokens(text)) {
    if ((token.type === 'anchor' || token.type === 'alias') && (!GO_YAML_NAME.test(token.source) || !GO_YAML_NAME_END.test(text.slice(token.end, token.end + 1)))) {
      const what = token.type === 'anchor' ? 'an anchor' : 'an alias';
      return {
        offset: token.start,
        reason: `${what} name (${token.source}) with a character other than ASCII letters, digits, _ and -: kubectl's YAML parser ends the name there and refuses the file, or reads the rest as the value; rename the anchor with those characters only`,
      };
    }
  }
  return undefined;
}

/** A list item with nothing after its dash but a comment. */
const EMPTY_ITEM_LINE = /^[ \t]*-[ \t]*(?:#.*)?$/m;
/** What the `yaml` package says of items that are not indented alike (js-yaml reads them, go-yaml does not). */
const ITEM_INDENT_ERRORS: ReadonlySet<string> = new Set(['BAD_INDENT', 'BLOCK_AS_IMPLICIT_KEY', 'MULTILINE_IMPLICIT_KEY']);

/**
 * List items not indented alike after an empty item (`-` alone on its line, then a `-` less indented
 * but more than the list's key): js-yaml reads them into one list, go-yaml refuses the file. Found
 * with the `yaml` package's parse, which refuses them as go-yaml does.
 */
export function emptyItemIndentIssue(text: string): GoYamlIssue | undefined {
  if (!EMPTY_ITEM_LINE.test(text)) return undefined;
  // Only the first error, and only at a list item: an earlier one (an unclosed quote) says the text is another matter.
  const [error] = parsedDocument(text).errors;
  if (error === undefined || !ITEM_INDENT_ERRORS.has(error.code) || !/^\s*-/.test(text.slice(error.pos[0]))) return undefined;
  return {
    offset: text.indexOf('-', error.pos[0]),
    reason: 'list items indented differently after an empty item (a - with nothing after it): kubectl\'s YAML parser refuses the file; indent every item of a list alike',
  };
}

const FLOW_INDICATORS = ',[]{}';

/**
 * What may make a key a mapping or a list (`[a]: x`, or `{[a]}` without a colon), a merge depend on
 * order, or a `?` part of a flow collection's plain scalar: checked with a full parse.
 */
const COMPLEX_OR_MERGE = /<<|\?|[\]}][ \t]*:|[{,]\s*[[{]/;
/** What may be a key that reads as null: `null:`, `~:`, a colon with nothing before it, `{~}` (a comment may follow it), an anchor or tag on nothing (`{&a }`). */
const NULL_KEY = /(?:^|[\s[{,?])(?:(?:~|null|Null|NULL)(?:\s|#.*)*[,}]|(?:~|null|Null|NULL)?[ \t]*:(?:[\s,\]}]|$))|[[{,?]\s*[&!]\S*\s*[,:\]}]/m;

/**
 * Structure go-yaml reads differently: a mapping or a list as a key (kubectl refuses it, js-yaml
 * makes it a string), a key over go-yaml's length limit, a merge (`<<`) of anything but mappings,
 * a merge that sets a key an earlier entry of the same mapping already set (go-yaml v2 lets the
 * later one win, so the merged value replaces an explicit one; js-yaml and the YAML merge spec
 * keep the explicit one), a `?` in a plain scalar of a flow collection (go-yaml's key indicator),
 * and a key that reads as null (kubectl refuses it; js-yaml makes it the string "null").
 */
export function keyIssue(text: string, resolveScalar: ResolvePlainScalar): GoYamlIssue | undefined {
  const longLine = hasLineLongerThan(text, MAX_KEY_LENGTH);
  if (!longLine && !COMPLEX_OR_MERGE.test(text) && !NULL_KEY.test(text)) return undefined;
  const doc = parsedDocument(text);
  // The yaml package counts UTF-16 units, go-yaml characters.
  const longKey = (error: { code: string; pos: [number, number] }): boolean =>
    error.code === 'KEY_OVER_1024_CHARS' && [...text.slice(error.pos[0], error.pos[1])].length > MAX_KEY_LENGTH;
  const tooLong = doc.errors.find(longKey);
  if (tooLong) return { offset: tooLong.pos[0], reason: LONG_KEY };
  if (doc.errors.some((error) => error.code !== 'KEY_OVER_1024_CHARS')) return undefined;
  let found: GoYamlIssue | undefined;
  yaml.visit(doc, {
    Scalar(_key, scalar, path) {
      if (scalar.type === 'PLAIN' && String(scalar.source).includes('?') && path.some((node) => (yaml.isMap(node) || yaml.isSeq(node)) && node.flow)) {
        found = {
          offset: scalar.range?.[0] ?? 0,
          reason: 'a ? inside an unquoted value in a flow collection ({...} or [...]): kubectl\'s YAML parser reads it as a key indicator, not as part of the value; quote the value',
        };
        return yaml.visit.BREAK;
      }
      return undefined;
    },
    Map(_key, map) {
      const set = new Set<string>();
      for (const pair of map.items) {
        const key = pair.key as YamlNode | null;
        const target = yaml.isAlias(key) ? key.resolve(doc) : key;
        if (target === null || target === undefined || (yaml.isScalar(target) && target.value === null)) {
          found = {
            offset: key?.range?.[0] ?? (pair.value as YamlNode | null)?.range?.[0] ?? map.range?.[0] ?? 0,
            reason: 'a mapping key that reads as null (null, ~, or nothing before the colon): kubectl refuses it (unsupported map key); quote the key ("null") if it is the word',
          };
          return yaml.visit.BREAK;
        }
        if (yaml.isMap(target) || yaml.isSeq(target)) {
          found = { offset: key?.range?.[0] ?? 0, reason: 'a mapping key that is itself a mapping or a list: kubectl refuses it (invalid map key); use a string key' };
          return yaml.visit.BREAK;
        }
        if (longLine && key?.range && keyLength(text, key.range[0], key.range[1]) > MAX_KEY_LENGTH) {
          found = { offset: key.range[0], reason: LONG_KEY };
          return yaml.visit.BREAK;
        }
        if (isMergeKey(key) && !mergesMappings(pair.value as YamlNode | null, doc)) {
          found = { offset: key.range[0], reason: 'a merge (<<) of something other than a mapping or a list of mappings (an alias to a list is neither): kubectl refuses it' };
          return yaml.visit.BREAK;
        }
        if (isMergeKey(key)) {
          // Within one merge both agree (the first mapping of a list wins): only earlier entries count.
          const mergedKeys = new Set(effectiveKeys(pair.value as YamlNode | null, doc, resolveScalar, 0));
          for (const merged of mergedKeys) {
            if (set.has(merged)) {
              found = {
                offset: key.range?.[0] ?? 0,
                reason: `the merge (<<) sets the key ${JSON.stringify(merged)}, which an earlier entry of this mapping already sets: kubectl (go-yaml v2) keeps the merged value, most other YAML tools the earlier one; put the << entry first or remove one of them`,
              };
              return yaml.visit.BREAK;
            }
          }
          for (const merged of mergedKeys) set.add(merged);
        } else if (target) {
          set.add(keyText(target, resolveScalar));
        }
      }
      return undefined;
    },
  });
  return found;
}

/** go-yaml's limit on the characters from an implicit key's start to its colon. */
const MAX_KEY_LENGTH = 1024;
const LONG_KEY = `a mapping key of more than ${MAX_KEY_LENGTH} characters before its colon: kubectl's YAML parser refuses it; shorten the key`;

function hasLineLongerThan(text: string, length: number): boolean {
  for (let start = 0; start < text.length;) {
    const end = text.indexOf('\n', start);
    if ((end === -1 ? text.length : end) - start > length) return true;
    if (end === -1) return false;
    start = end + 1;
  }
  return false;
}

/** The characters (code points, as go-yaml counts) from a key at `start` to its colon on the same line; 0 for an explicit (`?`) key. */
function keyLength(text: string, start: number, end: number): number {
  let colon = end;
  while (text.charCodeAt(colon) === 32 || text.charCodeAt(colon) === 9) colon++;
  if (text.charCodeAt(colon) !== 58 /* : */) return 0;
  const span = text.slice(start, colon);
  return span.length > MAX_KEY_LENGTH ? [...span].length : span.length;
}

/** A merge value go-yaml takes: a mapping, or a list whose items are mappings, directly or through aliases. */
function mergesMappings(value: YamlNode | null, doc: Document): boolean {
  const target = yaml.isAlias(value) ? value.resolve(doc) : value;
  if (yaml.isMap(target)) return true;
  if (yaml.isAlias(value)) return !yaml.isSeq(target);
  if (!yaml.isSeq(target)) return true; // Scalars and nulls: js-yaml refuses them already, with its own error.
  return (target.items as YamlNode[]).every((item) => yaml.isMap(yaml.isAlias(item) ? item.resolve(doc) : item));
}

function isMergeKey(key: YamlNode | null): key is YamlNode & { range: [number, number, number] } {
  return yaml.isScalar(key) && key.source === '<<' && key.type === 'PLAIN' && (key.tag === undefined || key.tag === 'tag:yaml.org,2002:merge');
}

/** The keys a merge value brings: of the mapping, of each mapping in a list, through aliases and their own merges. */
function effectiveKeys(node: YamlNode | null, doc: Document, resolveScalar: ResolvePlainScalar, depth: number): string[] {
  const target = yaml.isAlias(node) ? node.resolve(doc) : node;
  if (depth > 50 || !target) return [];
  if (yaml.isSeq(target)) return (target.items as YamlNode[]).flatMap((item) => effectiveKeys(item, doc, resolveScalar, depth + 1));
  if (!yaml.isMap(target)) return [];
  return target.items.flatMap((pair) => {
    const key = pair.key as YamlNode | null;
    if (isMergeKey(key)) return effectiveKeys(pair.value as YamlNode | null, doc, resolveScalar, depth + 1);
    const resolved = yaml.isAlias(key) ? key.resolve(doc) : key;
    return resolved ? [keyText(resolved, resolveScalar)] : [];
  });
}
