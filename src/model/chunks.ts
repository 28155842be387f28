/**
 * Output handed out in chunks as it is built: the reports and the baseline file. A report of
 * hundreds of thousands of findings can exceed the longest string V8 can hold (about 512 MB: JSON
 * or SARIF for some 50,000 objects), and even below that, holding it whole doubles the memory a
 * large run needs.
 */

/** Receives a report piece by piece, in order. */
export type Emit = (chunk: string) => void;

/** About a megabyte of text per chunk: few writes, and no chunk near V8's string limit. */
const CHUNK_LENGTH = 1024 * 1024;

/**
 * Collects small pieces and hands them to `emit` joined into chunks of about a megabyte. Large
 * flat chunks are allocated outside the young generation, where thousands of small pieces kept
 * alive until the end would cost more in garbage collection than the joins.
 */
export class ChunkWriter {
  private parts: string[] = [];
  private length = 0;

  constructor(private readonly emit: Emit) {}

  write(text: string): void {
    this.parts.push(text);
    this.length += text.length;
    if (this.length >= CHUNK_LENGTH) this.flush();
  }

  /** Hands out what is collected; call it once the report is complete. */
  flush(): void {
    if (this.parts.length === 0) return;
    this.emit(this.parts.join(''));
    this.parts = [];
    this.length = 0;
  }
}

/** A chunked report as one string: for small reports and for the string-returning formatters. */
export function joinChunks(format: (emit: Emit) => void): string {
  const chunks: string[] = [];
  format((chunk) => chunks.push(chunk));
  return chunks.join('');
}

/** A list inside a document for {@link writeJson} whose items are made and written one at a time. */
export class StreamedList {
  constructor(readonly items: Iterable<unknown>) {}
}

/** A {@link StreamedList} of `items`, each converted by `toJson` only when it is written. */
export function streamedList<T>(items: Iterable<T>, toJson: (item: T) => unknown): StreamedList {
  return new StreamedList((function* () {
    for (const item of items) yield toJson(item);
  })());
}

/**
 * Writes exactly `JSON.stringify(value, null, 2)` and a newline, in chunks: each item of a
 * {@link StreamedList} inside `value` is converted and serialized on its own, so the document is
 * never one string nor one object graph.
 */
export function writeJson(value: unknown, emit: Emit): void {
  const out = new ChunkWriter(emit);
  writeValue(value, '', out);
  out.write('\n');
  out.flush();
}

function writeValue(value: unknown, indent: string, out: ChunkWriter): void {
  if (!holdsStreamedList(value)) {
    out.write(stringifyAt(value, indent.length / 2));
    return;
  }
  const inner = `${indent}  `;
  if (value instanceof StreamedList || Array.isArray(value)) {
    const items: Iterable<unknown> = value instanceof StreamedList ? value.items : value;
    let empty = true;
    for (const item of items) {
      out.write(empty ? `[\n${inner}` : `,\n${inner}`);
      empty = false;
      // As JSON.stringify writes list items it cannot represent.
      writeValue(item === undefined || typeof item === 'function' || typeof item === 'symbol' ? null : item, inner, out);
    }
    out.write(empty ? '[]' : `\n${indent}]`);
    return;
  }
  const fields = value as Readonly<Record<string, unknown>>;
  let empty = true;
  for (const key of Object.keys(fields)) {
    const field = fields[key];
    if (field === undefined || typeof field === 'function' || typeof field === 'symbol') continue;
    out.write(`${empty ? '{\n' : ',\n'}${inner}${JSON.stringify(key)}: `);
    empty = false;
    writeValue(field, inner, out);
  }
  out.write(empty ? '{}' : `\n${indent}}`);
}

/**
 * `JSON.stringify(value, null, 2)` as it reads `depth` lists deep in a document: every line after
 * the first indented by two spaces per level. Serialized inside `depth` one-item lists, so that
 * JSON.stringify indents it (no second pass over the text), then cut out of them.
 */
function stringifyAt(value: unknown, depth: number): string {
  let wrapped = value;
  for (let i = 0; i < depth; i++) wrapped = [wrapped];
  const text = JSON.stringify(wrapped, null, 2);
  // Each level opens with `[` and a newline after its indentation, and closes the same way.
  const around = depth * (depth + 1);
  return depth === 0 ? text : text.slice(around + 2 * depth, text.length - around);
}

/** Whether a StreamedList sits in `value`: only the containers around one are written piece by piece. */
function holdsStreamedList(value: unknown): boolean {
  if (value instanceof StreamedList) return true;
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) {
    for (const item of value) if (holdsStreamedList(item)) return true;
    return false;
  }
  for (const key in value) {
    if (holdsStreamedList((value as Record<string, unknown>)[key])) return true;
  }
  return false;
}
