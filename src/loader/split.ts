/**
 * Splits a multi-document YAML stream into its documents without parsing them, so that each
 * document can be parsed by the fast parser and still be reported at its own line.
 *
 * A line that starts with `---` or `...` followed by a space or the line end is a document marker
 * everywhere in YAML 1.2, even inside block scalars and quoted strings, so a line scan is exact.
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

const MARKER = /^(?:---|\.\.\.)(?=[ \t\r\n]|$)/gm;
const HELM_SOURCE = /^#\s*Source:\s*(\S.*?)\s*$/;

/** Splits `text` into its non-empty documents (documents holding only comments or blanks are dropped). */
export function splitDocuments(text: string): RawDocument[] {
  const documents: RawDocument[] = [];
  let index = 0;
  let chunkStart = 0;
  let chunkStartLine = 1;
  // Newlines are counted incrementally between chunk boundaries: one pass over the text in all.
  let countedTo = 0;
  let countedLine = 1;
  const lineAt = (offset: number): number => {
    for (let i = text.indexOf('\n', countedTo); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) countedLine++;
    countedTo = offset;
    return countedLine;
  };

  // `hasMarker`: the chunk began with `---`, so it counts as a document even when empty.
  const flush = (end: number, hasMarker: boolean): void => {
    const chunk = text.slice(chunkStart, end);
    const head = documentHead(chunk, hasMarker);
    if (head) {
      documents.push({ text: chunk, startLine: chunkStartLine, contentLine: chunkStartLine + head.lineOffset, template: head.template, index });
    }
    if (head || hasMarker) index++;
  };

  let chunkHasMarker = false;
  MARKER.lastIndex = 0;
  for (let match = MARKER.exec(text); match; match = MARKER.exec(text)) {
    const at = match.index;
    if (at > chunkStart || chunkHasMarker) flush(at, chunkHasMarker);
    if (match[0] === '---') {
      chunkStart = at;
      chunkStartLine = lineAt(at);
      chunkHasMarker = true;
    } else {
      // `...` ends a document; what follows its line starts the next one.
      const lineEnd = text.indexOf('\n', at);
      chunkStart = lineEnd === -1 ? text.length : lineEnd + 1;
      chunkStartLine = lineAt(chunkStart);
      chunkHasMarker = false;
    }
  }
  if (chunkStart < text.length || chunkHasMarker) flush(text.length, chunkHasMarker);
  return documents;
}

/**
 * Finds the first content line of a document chunk: skips the `---` marker (when nothing but a
 * comment follows it), blank lines and comments. Returns undefined for an empty document.
 */
function documentHead(chunk: string, hasMarker: boolean): { lineOffset: number; template?: string } | undefined {
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
      return { lineOffset, template };
    }
    const source = HELM_SOURCE.exec(trimmed);
    if (source) template = source[1];
    start = end + 1;
    lineOffset++;
  }
  return undefined;
}
