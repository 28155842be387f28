import fc from 'fast-check';
import type { Report } from '../../src/engine/report';
import { StreamedList, writeJson, type Emit } from '../../src/model/chunks';
import { formatControlsJson, formatControlsJsonChunks, formatControlsText, formatControlsTextChunks } from '../../src/reporters/controls';
import { formatJson, formatJsonChunks } from '../../src/reporters/json';
import { formatJunit, formatJunitChunks } from '../../src/reporters/junit';
import { formatSarif, formatSarifChunks } from '../../src/reporters/sarif';
import { formatText, formatTextChunks } from '../../src/reporters/text';
import { fixtureReport, FIXTURE_RULES } from '../reporters/report-fixture';

function chunksOf(format: (emit: Emit) => void): string[] {
  const chunks: string[] = [];
  format((chunk) => chunks.push(chunk));
  return chunks;
}

describe('writeJson', () => {
  /** `value` with some of its lists (at any depth) made StreamedLists. */
  function withStreamedLists(value: unknown, pick: () => boolean): unknown {
    if (Array.isArray(value)) {
      const items = value.map((item) => withStreamedLists(item, pick));
      return pick() ? new StreamedList(items) : items;
    }
    if (typeof value === 'object' && value !== null) {
      return Object.fromEntries(Object.entries(value).map(([key, field]) => [key, withStreamedLists(field, pick)]));
    }
    return value;
  }

  test('writes exactly what JSON.stringify(value, null, 2) writes, wherever lists are streamed', () => {
    fc.assert(fc.property(fc.jsonValue(), fc.infiniteStream(fc.boolean()), (value, picks) => {
      const next = picks[Symbol.iterator]();
      const streamed = withStreamedLists(value, () => next.next().value as boolean);
      expect(chunksOf((emit) => writeJson(streamed, emit)).join('')).toBe(`${JSON.stringify(value, null, 2)}\n`);
    }), { numRuns: 500 });
  });

  test('leaves out what JSON leaves out, and writes list items it cannot represent as null', () => {
    const value = { a: undefined, b: () => 1, c: new StreamedList([undefined, 1, () => 2, { d: undefined }]), e: [] };
    expect(chunksOf((emit) => writeJson(value, emit)).join('')).toBe(`${JSON.stringify({ b: undefined, c: [null, 1, null, {}], e: [] }, null, 2)}\n`);
  });

  test('converts and writes a streamed list\'s items one at a time, as the chunks are taken', () => {
    let made = 0;
    function* items(): Generator<unknown> {
      for (let i = 0; i < 20_000; i++) {
        made++;
        yield { index: i, text: 'x'.repeat(100) };
      }
    }
    const madeAtChunk: number[] = [];
    writeJson({ items: new StreamedList(items()) }, () => madeAtChunk.push(made));
    // The first chunk went out long before the last item was made.
    expect(madeAtChunk.length).toBeGreaterThan(2);
    expect(madeAtChunk[0]).toBeLessThan(20_000 / 2);
  });
});

describe('every report format in chunks', () => {
  const base = fixtureReport();
  /** The fixture's objects and findings repeated under other names: 30,000 findings. */
  const copies = Array.from({ length: 5000 }, (_, i) => i);
  const large: Report = {
    ...base,
    objects: copies.flatMap((i) => base.objects.map((o) => ({ ...o, name: `${o.name}-${i}` }))),
    findings: copies.flatMap((i) => base.findings.map((f) => ({ ...f, name: `${f.name}-${i}` }))),
    notChecked: copies.flatMap((i) => base.notChecked.map((o) => ({ ...o, name: `${o.name}-${i}` }))),
  };

  test.each([
    ['text', (emit: Emit) => formatTextChunks(large, { color: true }, emit), () => formatText(large, { color: true })],
    ['json', (emit: Emit) => formatJsonChunks(large, emit), () => formatJson(large)],
    ['sarif', (emit: Emit) => formatSarifChunks(large, { rules: FIXTURE_RULES, cwd: '/repo', root: '/repo' }, emit), () => formatSarif(large, { rules: FIXTURE_RULES, cwd: '/repo', root: '/repo' })],
    ['junit', (emit: Emit) => formatJunitChunks(large, emit), () => formatJunit(large)],
    ['controls', (emit: Emit) => formatControlsTextChunks(large, { rules: FIXTURE_RULES }, emit), () => formatControlsText(large, { rules: FIXTURE_RULES })],
    ['controls-json', (emit: Emit) => formatControlsJsonChunks(large, { rules: FIXTURE_RULES }, emit), () => formatControlsJson(large, { rules: FIXTURE_RULES })],
  ])('%s: chunks of about a megabyte that join into exactly the whole report', (_format, chunked, whole) => {
    const chunks = chunksOf(chunked);
    expect(chunks.length).toBeGreaterThan(2);
    // Each chunk is a megabyte and the last piece written into it: never the whole report.
    expect(Math.max(...chunks.map((c) => c.length))).toBeLessThan(2 * 1024 * 1024);
    expect(chunks.join('')).toBe(whole());
  });
});
