import { isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, visit, type Scalar } from 'yaml';
import { parseImageRef } from './image-ref';
import { scanJsonValue, skipJsonSpace } from '../loader/json-scan';
import { resolveKubernetesScalar } from '../loader/kubernetes-scalars';
import { ManifestSet } from '../loader/manifests';
import { HardpodError } from '../model/errors';
import { formatFieldPath, type PathSegment } from '../model/field-path';
import type { LocatedObject } from '../model/kube-object';
import { countNewlines } from '../model/lines';

/** One `image:` value in a YAML file that names a tag. */
export interface ImageOccurrence {
  readonly reference: string;
  /** 1-based line. */
  readonly line: number;
  /** Offsets of the scalar's source text (quotes and block header included). */
  readonly start: number;
  readonly end: number;
  /** How the value is written. */
  readonly quote: 'plain' | 'double' | 'single' | 'block';
  /**
   * Offset just after the value's last character (before a closing quote, a trailing comment or
   * line break): `@digest` goes there, so every other byte of the scalar stays as written.
   */
  readonly insertAt: number;
}

const CONTAINER_LISTS = new Set(['containers', 'initContainers', 'ephemeralContainers']);

/** Stands in for a digest when checking a rewrite before the digests are known. */
const PLACEHOLDER_DIGEST = `sha256:${'0'.repeat(64)}`;

/** Reads the text as `hardpod check` does: a file check refuses is refused here too, with its file:line and reason. */
function loadManifests(text: string, file: string): ManifestSet {
  const set = new ManifestSet();
  set.addText(text, file);
  return set;
}

/**
 * Finds every container `image:` scalar in the documents of a YAML file (any kind, any nesting:
 * Pods, workload templates, CronJob job templates, Lists, CRDs with pod templates). Text that
 * `hardpod check` refuses (kubectl would read it differently) is refused with check's reason.
 */
export function findImageScalars(text: string, file: string): ImageOccurrence[] {
  loadManifests(text, file);
  return scanImageScalars(text, file);
}

function scanImageScalars(text: string, file: string): ImageOccurrence[] {
  const found: ImageOccurrence[] = [];
  const problem = scanYaml(text, 0, found);
  if (!problem) return found;
  // A stream of JSON objects (`{...}{...}`, one per line) is one value after another to kubectl, not
  // one YAML stream: each object is scanned on its own.
  const objects = jsonStreamRanges(text);
  if (objects) {
    const inObjects: ImageOccurrence[] = [];
    const scanned = objects.every(([start, end]) => scanYaml(text.slice(start, end), start, inObjects, countNewlines(text, start)) === undefined);
    if (scanned) return inObjects;
  }
  const json = /^\uFEFF?\s*[{[]/.test(text) ? 'write each JSON object as its own document (a --- line between them), or ' : '';
  throw new HardpodError(`hardpod pin cannot find the image values in this file (${problem.message}); ${json}pin the images by hand`, `${file}:${problem.line}`);
}

/**
 * Adds the container image scalars of `source` (found at `offset` of the file, after `lineBase`
 * lines) to `found`; returns the first YAML error instead, with its file line.
 */
function scanYaml(source: string, offset: number, found: ImageOccurrence[], lineBase = 0): { message: string; line: number } | undefined {
  const lineCounter = new LineCounter();
  // YAML 1.1 resolves plain scalars as kubectl's go-yaml does (`yes`, `1_000` are not strings);
  // duplicate keys were refused by the loader, and repeated `<<` merge keys are fine.
  const documents = parseAllDocuments(source, { lineCounter, keepSourceTokens: false, version: '1.1', uniqueKeys: false });
  const list = Array.isArray(documents) ? documents : [documents];
  const error = list.flatMap((document) => document.errors)[0];
  if (error) return { message: error.message.split('\n')[0], line: lineBase + (error.linePos?.[0].line ?? 1) };
  for (const document of list) {
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
        // An empty image is left for the workload controller to fill in: nothing to pin.
        if (!range || scalar.value === '') return;
        const occurrence = occurrenceOf(source, scalar, range, lineBase + lineCounter.linePos(range[0]).line);
        if (!occurrence) return;
        found.push({ ...occurrence, start: occurrence.start + offset, end: occurrence.end + offset, insertAt: occurrence.insertAt + offset });
      },
    });
  }
  return undefined;
}

/** Offsets of each JSON object or array of a text that is nothing but JSON values (and JSON whitespace), else undefined. */
function jsonStreamRanges(text: string): [number, number][] | undefined {
  const ranges: [number, number][] = [];
  let at = skipJsonSpace(text, text.charCodeAt(0) === 0xfeff ? 1 : 0);
  while (at < text.length) {
    const end = scanJsonValue(text, at)?.end;
    if (end === undefined) return undefined;
    try {
      JSON.parse(text.slice(at, end));
    } catch {
      return undefined;
    }
    if (text[at] === '{' || text[at] === '[') ranges.push([at, end]);
    at = skipJsonSpace(text, end);
  }
  return ranges;
}

function occurrenceOf(text: string, scalar: Scalar<string>, range: readonly number[], line: number): ImageOccurrence | undefined {
  const [start, end] = range;
  const base = { reference: scalar.value, line, start, end };
  switch (scalar.type) {
    case 'PLAIN':
      // What kubectl reads as a number, boolean or null is not an image reference (`image: 0o17`).
      if (scalar.tag === undefined && typeof resolveKubernetesScalar(scalar.source ?? scalar.value) !== 'string') return undefined;
      return { ...base, quote: 'plain', insertAt: end };
    case 'QUOTE_DOUBLE':
      return { ...base, quote: 'double', insertAt: end - 1 };
    case 'QUOTE_SINGLE':
      return { ...base, quote: 'single', insertAt: end - 1 };
    case 'BLOCK_FOLDED':
    case 'BLOCK_LITERAL': {
      // After the last character of the content; a kept or clipped final line break is part of the
      // value, and makes the reference invalid anyway (tagsToPin says so).
      let at = end;
      while (at > start && /\s/.test(text[at - 1])) at--;
      return { ...base, quote: 'block', insertAt: at };
    }
    default:
      return undefined;
  }
}

export interface PinEdit {
  readonly occurrence: ImageOccurrence;
  readonly pinned: string;
}

/**
 * Rewrites only the pinned scalars, by inserting `@digest` after each value's last character:
 * quoting, escapes, comments, key order, indentation, line endings and every other byte stay.
 */
export function applyPins(text: string, edits: readonly PinEdit[]): string {
  let output = '';
  let cursor = 0;
  for (const edit of [...edits].sort((a, b) => a.occurrence.insertAt - b.occurrence.insertAt)) {
    const { reference, insertAt } = edit.occurrence;
    if (!edit.pinned.startsWith(reference)) throw new Error(`a pinned reference must extend the written one: ${edit.pinned} does not start with ${reference}`);
    output += text.slice(cursor, insertAt) + edit.pinned.slice(reference.length);
    cursor = insertAt;
  }
  return output + text.slice(cursor);
}

/** `nginx:1.27` + digest -> `nginx:1.27@sha256:...`: the reference as the user wrote it, plus the digest. */
export function pinAsWritten(reference: string, digest: string): string {
  return `${reference}@${digest}`;
}

/**
 * A unified diff of the changed lines, one hunk per line, that `patch -p0` applies: `file` is used
 * as given (a relative path stays relative), and a last line without a line break is marked so.
 */
export function lineDiff(file: string, before: string, after: string): string {
  const a = before.split('\n');
  const b = after.split('\n');
  if (a.length !== b.length) throw new Error('pinning changed the number of lines');
  // The last piece of a text that does not end with a line break is a line without one.
  const noNewline = '\n\\ No newline at end of file';
  const hunks: string[] = [];
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) continue;
    const marker = i === a.length - 1 ? noNewline : '';
    hunks.push(`@@ -${i + 1} +${i + 1} @@\n-${a[i]}${marker}\n+${b[i]}${marker}`);
  }
  return hunks.length === 0 ? '' : `--- ${file}\n+++ ${file}\n${hunks.join('\n')}\n`;
}

/** Tags among the occurrences (digest references are already pinned). */
export function tagsToPin(occurrences: readonly ImageOccurrence[], file: string): ImageOccurrence[] {
  return occurrences.filter((occurrence) => parseImageRef(occurrence.reference, `${file}:${occurrence.line}`).digest === undefined);
}

/** What one file holds for `hardpod pin`: see {@link planFilePins}. */
export interface FilePinPlan {
  /** The tags to pin. */
  readonly occurrences: readonly ImageOccurrence[];
  /** Kubernetes objects in the file (none: an empty file, or comments only). */
  readonly objectCount: number;
  /** Container image values in the file, pinned by digest already or not. */
  readonly images: readonly ImageOccurrence[];
  /** The file's objects, with the lines of their fields. */
  readonly manifests: ManifestSet;
}

/**
 * The tags to pin in one file's text, checked before any digest is looked up: the file is one
 * `hardpod check` reads, every container image it holds can be pinned where it is written, and
 * pinning changes nothing but those images. Throws a HardpodError naming `file:line` otherwise.
 * With them, what the file holds besides: its objects and images, counted.
 */
export function planFilePins(text: string, file: string): FilePinPlan {
  const before = loadManifests(text, file);
  const images = scanImageScalars(text, file);
  const occurrences = tagsToPin(images, file);
  verifyPins(before, applyAll(text, occurrences, () => PLACEHOLDER_DIGEST), file, () => PLACEHOLDER_DIGEST);
  return { occurrences, objectCount: before.objects.length, images, manifests: before };
}

/**
 * The text with each occurrence pinned to `digestOf(reference)`, after checking that hardpod reads
 * it as the same objects with only those container images changed.
 */
export function pinText(text: string, file: string, occurrences: readonly ImageOccurrence[], digestOf: (reference: string) => string): string {
  const after = applyAll(text, occurrences, digestOf);
  verifyPins(loadManifests(text, file), after, file, digestOf);
  return after;
}

function applyAll(text: string, occurrences: readonly ImageOccurrence[], digestOf: (reference: string) => string): string {
  const edits = occurrences.map((occurrence) => ({ occurrence, pinned: pinAsWritten(occurrence.reference, digestOf(occurrence.reference)) }));
  return applyPins(text, edits);
}

/** A difference between what pinning should give and what it gives. */
interface Mismatch {
  readonly path: readonly PathSegment[];
  readonly before: unknown;
  readonly after: unknown;
  /** Set for a container image: what it should have become. */
  readonly expected?: string;
}

/**
 * Reads the pinned text and compares it with the original, object by object: every container image
 * naming a tag must now carry its digest, and nothing else may differ. Catches what a byte-level
 * rewrite cannot see: an image written through an alias or a `<<` merge (not pinned), and an
 * anchored image that an alias also uses outside a container (that field would change too).
 */
function verifyPins(before: ManifestSet, afterText: string, file: string, digestOf: (reference: string) => string): void {
  let after: ManifestSet;
  try {
    after = loadManifests(afterText, file);
  } catch (error) {
    throw new HardpodError(`pinning would make the file unreadable (${(error as Error).message}); nothing was written, pin the images by hand`, file);
  }
  const objects = before.objects;
  if (after.objects.length !== objects.length) {
    throw new HardpodError(`pinning would change the number of objects from ${objects.length} to ${after.objects.length}; nothing was written, pin the images by hand`, file);
  }
  objects.forEach((located, index) => {
    const where = (path: readonly PathSegment[]): string => lineOf(before, located, path, file);
    const pinnedFor = (reference: string, path: readonly PathSegment[]): string | undefined =>
      parseImageRef(reference, where(path)).digest === undefined ? pinAsWritten(reference, digestOf(reference)) : undefined;
    const mismatch = compare(located.object, after.objects[index].object, [], false, pinnedFor);
    if (!mismatch) return;
    const field = formatFieldPath(mismatch.path);
    if (mismatch.expected !== undefined && mismatch.after === mismatch.before) {
      throw new HardpodError(
        `${field}: the image ${JSON.stringify(mismatch.before)} cannot be pinned here: its value is not written at this field but comes from an alias (*name) or a << merge, ` +
          'and rewriting the value where it is written would change every other place that uses it; write the reference out at this field, then run hardpod pin again',
        where(mismatch.path),
      );
    }
    throw new HardpodError(
      `${field}: pinning would also change this field (${JSON.stringify(mismatch.before)}), which is not a container image naming a tag: ` +
        'it uses an anchored image value (&name) through an alias (*name); write the value out at each place, then run hardpod pin again',
      where(mismatch.path),
    );
  });
}

function lineOf(set: ManifestSet, located: LocatedObject, path: readonly PathSegment[], file: string): string {
  const line = set.fieldLine(located.source, formatFieldPath(path)) ?? located.source.line;
  return `${file}${line !== undefined ? `:${line}` : ''}`;
}

/**
 * The first difference between `after` and `before` with its container images pinned, or undefined.
 * `inContainer` is true for an item of a container list, whose `image` is a container image.
 */
function compare(
  before: unknown,
  after: unknown,
  path: PathSegment[],
  inContainer: boolean,
  pinnedFor: (reference: string, path: readonly PathSegment[]) => string | undefined,
): Mismatch | undefined {
  if (Array.isArray(before)) {
    if (!Array.isArray(after) || after.length !== before.length) return { path: [...path], before, after };
    const containers = CONTAINER_LISTS.has(String(path[path.length - 1]));
    for (let i = 0; i < before.length; i++) {
      path.push(i);
      const mismatch = compare(before[i], after[i], path, containers, pinnedFor);
      path.pop();
      if (mismatch) return mismatch;
    }
    return undefined;
  }
  if (before !== null && typeof before === 'object') {
    if (after === null || typeof after !== 'object' || Array.isArray(after)) return { path: [...path], before, after };
    const b = before as Record<string, unknown>;
    const a = after as Record<string, unknown>;
    const keys = Object.keys(b);
    for (const key of Object.keys(a)) {
      if (!Object.prototype.hasOwnProperty.call(b, key)) return { path: [...path, key], before: undefined, after: a[key] };
    }
    for (const key of keys) {
      path.push(key);
      let mismatch: Mismatch | undefined;
      const value = b[key];
      if (inContainer && key === 'image' && typeof value === 'string' && value !== '') {
        const expected = pinnedFor(value, path) ?? value;
        if (a[key] !== expected) mismatch = { path: [...path], before: value, after: a[key], expected };
      } else {
        mismatch = compare(value, a[key], path, false, pinnedFor);
      }
      path.pop();
      if (mismatch) return mismatch;
    }
    return undefined;
  }
  return Object.is(before, after) ? undefined : { path: [...path], before, after };
}
