import { isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, visit, type Scalar } from 'yaml';
import { parseImageRef } from './image-ref';
import { HardpodError } from '../model/errors';

/** One `image:` value in a YAML file that names a tag. */
export interface ImageOccurrence {
  readonly reference: string;
  /** 1-based line. */
  readonly line: number;
  /** Offsets of the scalar's source text (quotes included). */
  readonly start: number;
  readonly end: number;
  /** How the value is written, so the pinned value keeps its style. */
  readonly quote: 'plain' | 'double' | 'single';
}

const CONTAINER_LISTS = new Set(['containers', 'initContainers', 'ephemeralContainers']);

/**
 * Finds every container `image:` scalar in the documents of a YAML file (any kind, any nesting:
 * Pods, workload templates, CronJob job templates, Lists, CRDs with pod templates).
 */
export function findImageScalars(text: string, file: string): ImageOccurrence[] {
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, { lineCounter, keepSourceTokens: false });
  const found: ImageOccurrence[] = [];
  const list = Array.isArray(documents) ? documents : [documents];
  for (const document of list) {
    const error = document.errors[0];
    if (error) {
      const at = error.linePos?.[0];
      throw new HardpodError(`not valid YAML: ${error.message.split('\n')[0]}`, `${file}${at ? `:${at.line}` : ''}`);
    }
    visit(document, {
      Pair(_key, pair, path) {
        if (!isScalar(pair.key) || pair.key.value !== 'image' || !isScalar(pair.value) || typeof pair.value.value !== 'string') return;
        // pair <- map (container) <- seq <- pair whose key is a container list.
        const map = path[path.length - 1];
        const seq = path[path.length - 2];
        const owner = path[path.length - 3];
        if (!isMap(map) || !isSeq(seq) || !isPair(owner) || !isScalar(owner.key) || !CONTAINER_LISTS.has(String(owner.key.value))) return;
        const scalar = pair.value as Scalar<string>;
        const range = scalar.range;
        if (!range) return;
        const quote = scalar.type === 'QUOTE_DOUBLE' ? 'double' : scalar.type === 'QUOTE_SINGLE' ? 'single' : scalar.type === 'PLAIN' ? 'plain' : undefined;
        if (!quote) return;
        found.push({ reference: scalar.value, line: lineCounter.linePos(range[0]).line, start: range[0], end: range[1], quote });
      },
    });
  }
  return found;
}

/** The scalar written in the same style as before. */
function writeScalar(value: string, quote: ImageOccurrence['quote']): string {
  if (quote === 'double') return JSON.stringify(value);
  if (quote === 'single') return `'${value.replace(/'/g, "''")}'`;
  return value;
}

export interface PinEdit {
  readonly occurrence: ImageOccurrence;
  readonly pinned: string;
}

/**
 * Rewrites only the bytes of the pinned scalars; comments, key order, indentation and every other
 * byte stay as they were.
 */
export function applyPins(text: string, edits: readonly PinEdit[]): string {
  let output = '';
  let cursor = 0;
  for (const edit of [...edits].sort((a, b) => a.occurrence.start - b.occurrence.start)) {
    output += text.slice(cursor, edit.occurrence.start) + writeScalar(edit.pinned, edit.occurrence.quote);
    cursor = edit.occurrence.end;
  }
  return output + text.slice(cursor);
}

/** `nginx:1.27` + digest -> `nginx:1.27@sha256:...`: the reference as the user wrote it, plus the digest. */
export function pinAsWritten(reference: string, digest: string): string {
  return `${reference}@${digest}`;
}

/** A line diff of the changed lines, in unified-diff style. */
export function lineDiff(file: string, before: string, after: string): string {
  const a = before.split('\n');
  const b = after.split('\n');
  if (a.length !== b.length) throw new Error('pinning changed the number of lines');
  const hunks: string[] = [];
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) hunks.push(`@@ -${i + 1} +${i + 1} @@\n-${a[i]}\n+${b[i]}`);
  }
  return hunks.length === 0 ? '' : `--- ${file}\n+++ ${file}\n${hunks.join('\n')}\n`;
}

/** Tags among the occurrences (digest references are already pinned). */
export function tagsToPin(occurrences: readonly ImageOccurrence[], file: string): ImageOccurrence[] {
  return occurrences.filter((occurrence) => parseImageRef(occurrence.reference, `${file}:${occurrence.line}`).digest === undefined);
}
