import { leadingTabIssue } from './go-yaml-checks';
import { HardpodError } from '../model/errors';
import { countNewlines, lineCounter } from '../model/lines';

/**
 * Splits a multi-document YAML stream into its documents without parsing them, so that each
 * document can be parsed by the fast parser and still be reported at its own line.
 *
 * A line that starts with `---` or `...` followed by a space or the line end is a document marker
 * everywhere in YAML 1.2, even inside block scalars and quoted strings, so a line scan is exact.
 * Lines are split where kubectl splits them (see MARKER).
 */

/** One document of a YAML stream, not yet parsed. */
export interface RawDocument {
  /** The document's text, from its `---` marker (if any) to the next marker. */
  readonly text: string;
  /** 1-based line in the file where `text` starts. */
  readonly startLine: number;
  /** 1-based line of the document's first content (the object's line), after markers, blanks and comments. */
  readonly contentLine: number;
  /** The path of a `# Source: chart/templates/x.yaml` comment before the content (`helm template` output). */
  readonly template?: string;
  /** 0-based index of the document in the stream, counting empty documents. */
  readonly index: number;
}

/**
 * kubectl's splitter (k8s.io/apimachinery's YAMLReader) ends a document at every line that starts
 * with `---`, whatever follows, and refuses the file when anything but spaces or a comment follows
 * on that line. go-yaml then reads each piece's first document only: after a `...` line it ignores
 * the rest of the piece. Both are matched here, so that the objects are those kubectl reads.
 */
const MARKER = /^(?:---|\.\.\.(?=[ \t\r\n]|$))/gm;
const HELM_SOURCE = /^#\s*Source:\s*(\S.*?)\s*$/;
/** What may follow `---` on its line for kubectl (Go's strings.TrimSpace, then a comment or nothing). */
const SEPARATOR_REST = /^[\s\u0085]*(?:#[^]*)?$/;
/**
 * kubectl keeps a separator line in the document that follows when it comes first in the file or
 * right after another separator line; go-yaml then reads it, as a document start only when a space,
 * a tab or the line end follows the dashes.
 */
const GO_YAML_DOCUMENT_START = /^---(?:[ \t]|\r?$)/;
/** A separator line js-yaml reads the same as kubectl: `---` then nothing, or spaces and a comment. */
const PLAIN_SEPARATOR = /^---(?:[ \t]+(?:#.*)?)?\r?$/;

/**
 * Splits `text` into its non-empty documents (documents holding only comments or blanks are dropped).
 * Throws a HardpodError at `file:line` where kubectl would refuse the stream or skip content.
 * `firstLine` is the file line of the text's first line.
 */
export function splitDocuments(text: string, file = '<text>', firstLine = 1): RawDocument[] {
  const documents: RawDocument[] = [];
  let index = 0;
  let chunkStart = 0;
  let chunkStartLine = firstLine;
  // Newlines are counted incrementally between chunk boundaries: one pass over the text in all.
  const lineAt = lineCounter(text, firstLine);
  const lineEndAt = (offset: number): number => {
    const end = text.indexOf('\n', offset);
    return end === -1 ? text.length : end;
  };

  // `hasMarker`: the chunk began with `---`, so it counts as a document even when empty.
  const flush = (end: number, hasMarker: boolean): void => {
    let chunk = text.slice(chunkStart, end);
    // `---#comment` and the like separate documents for kubectl; js-yaml needs the plain marker.
    if (hasMarker && chunk.charCodeAt(3) !== 10 && !PLAIN_SEPARATOR.test(chunk.slice(0, lineEndAt(chunkStart) - chunkStart))) {
      chunk = `---${chunk.slice(lineEndAt(chunkStart) - chunkStart)}`;
    }
    // After a separator kubectl drops, go-yaml reads a new stream, where a byte order mark is no content.
    if (hasMarker && !markerSeen) {
      const next = chunk.indexOf('\n') + 1;
      if (next > 0 && chunk.charCodeAt(next) === 0xfeff) chunk = chunk.slice(0, next) + chunk.slice(next + 1);
    }
    const head = documentHead(chunk, hasMarker);
    if (head) {
      if (head.directive) {
        throw new HardpodError(
          'kubectl cannot read a YAML directive (%YAML, %TAG): its document splitter cuts the directive off its document at the next `---` and fails; remove the directive',
          `${file}:${chunkStartLine + head.lineOffset}`,
        );
      }
      documents.push({ text: chunk, startLine: chunkStartLine, contentLine: chunkStartLine + head.lineOffset, template: head.template, index });
    } else if (chunk.includes('\t')) {
      // A document of blank and comment lines is skipped, unless go-yaml refuses a tab leading one of them.
      const tab = leadingTabIssue(chunk);
      if (tab) throw new HardpodError(tab.reason, `${file}:${chunkStartLine + countNewlines(chunk, tab.offset)}`);
    }
    if (head || hasMarker) index++;
  };

  let chunkHasMarker = false;
  // Whether kubectl leaves the current chunk's `---` line for go-yaml to read (see GO_YAML_DOCUMENT_START).
  let markerSeen = false;
  // The end of the last separator line kubectl dropped: a separator line starting there is kept.
  let droppedEnd = -1;
  // After a `...` line, the offset from which only blanks and comments may come until the next `---`.
  let endedAt = -1;
  const checkAfterEnd = (end: number): void => {
    const rest = text.slice(endedAt, end);
    const content = /^[ \t]*(?!\.\.\.(?:[ \t\r]|$))[^\s#]/m.exec(rest);
    if (content) {
      throw new HardpodError(
        'content after a `...` document end line and before the next `---`: kubectl ignores it (go-yaml reads one document up to `...`), so it would never reach the cluster; start it with a `---` line or remove the `...` line',
        `${file}:${lineAt(endedAt) + countNewlines(rest, content.index)}`,
      );
    }
    endedAt = -1;
  };
  MARKER.lastIndex = 0;
  for (let match = MARKER.exec(text); match; match = MARKER.exec(text)) {
    const at = match.index;
    if (match[0] === '---') {
      // `---` alone on its line, the usual separator, needs no closer look.
      const lineEnd = text.charCodeAt(at + 3) === 10 ? at + 3 : lineEndAt(at);
      const rest = text.slice(at + 3, lineEnd);
      if (rest !== '' && !SEPARATOR_REST.test(rest)) {
        throw new HardpodError(
          `a line starting with \`---\` holds more (\`${rest.trim().slice(0, 40)}\`): kubectl takes every such line for a document separator and refuses the file when anything but a comment follows; put the content on the next line`,
          `${file}:${lineAt(at)}`,
        );
      }
      const seen = at === 0 || at === droppedEnd;
      droppedEnd = seen ? -1 : Math.min(lineEnd + 1, text.length);
      if (seen && !GO_YAML_DOCUMENT_START.test(text.slice(at, lineEnd))) {
        throw new HardpodError(
          'a `---` line without a space after the dashes, first in the file or right after another `---` line: kubectl then reads it as text, not as a separator, and refuses the file; write a space after ---',
          `${file}:${lineAt(at)}`,
        );
      }
      if (endedAt >= 0) checkAfterEnd(at);
      else if (at > chunkStart || chunkHasMarker) flush(at, chunkHasMarker);
      chunkStart = at;
      chunkStartLine = lineAt(at);
      chunkHasMarker = true;
      markerSeen = seen;
    } else if (endedAt < 0) {
      // go-yaml refuses a `...` before any node unless it read a `---` first.
      if (!markerSeen && !documentHead(text.slice(chunkStart, at), chunkHasMarker)) {
        throw new HardpodError(
          'a `...` document end line with no document before it (only comments or blank lines since the previous `---`): kubectl refuses the file; remove the `...` line',
          `${file}:${lineAt(at)}`,
        );
      }
      // `...` ends the document: the chunk stops before it.
      if (at > chunkStart || chunkHasMarker) flush(at, chunkHasMarker);
      chunkStart = endedAt = at + 3;
      chunkHasMarker = false;
    }
  }
  if (endedAt >= 0) checkAfterEnd(text.length);
  else if (chunkStart < text.length || chunkHasMarker) flush(text.length, chunkHasMarker);
  return documents;
}


/**
 * Finds the first content line of a document chunk: skips the `---` marker (when nothing but a
 * comment follows it), blank lines and comments. Returns undefined for an empty document.
 */
function documentHead(chunk: string, hasMarker: boolean): { lineOffset: number; template?: string; directive?: boolean } | undefined {
  let template: string | undefined;
  let lineOffset = 0;
  let start = 0;
  while (start < chunk.length) {
    let end = chunk.indexOf('\n', start);
    if (end === -1) end = chunk.length;
    let line = chunk.slice(start, end);
    if (hasMarker && lineOffset === 0) line = line.slice(3);
    const trimmed = line.trim();
    if (trimmed !== '' && !trimmed.startsWith('#')) {
      return line.charCodeAt(0) === 37 /* % */ ? { lineOffset, template, directive: true } : { lineOffset, template };
    }
    const source = HELM_SOURCE.exec(trimmed);
    if (source) template = source[1];
    start = end + 1;
    lineOffset++;
  }
  return undefined;
}
