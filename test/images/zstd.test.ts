import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { createZstdDecompress, ZstdFrameTracker } from '../../src/images/zstd';

/**
 * 200 lines of text compressed by the zstd CLI (level 19, with its content checksum), and the
 * SHA-256 of the original: the decompressor must give back exactly those bytes however the input is
 * cut into chunks. Node 22.15 and later would decompress this with zlib, which fails the tests of frames one after another and of frames cut short.
 */
const FRAME = Buffer.from('KLUv/WSyGq0IANbULBiAKc0B6I989N5qAWYAD1pa2kQWrkhK6gQxACYAHgBFRERERDQzMzMz07Zt2/7/f+JZ0XSAIiFgIIUjWSgahyJBBIkjOSCSBDI4AuUQGAiF////f7lcLpfL5XK5nJmZmZmJiIiIiHh3d3d3Z2ZmZmZWVVVVVQHXdV3XdV3XNE3TNE3TND3P8zzP8zzPvffee++9/x95nud5nud5juM4juM4juP3fd/3fd/3bdu2bdu2bdsVgMioERD6/T8D0BvVAREkBP9/QiDxA1dLs7O5mVlbVc3NzNZmam3xWqjttIi2ztJsK0uyPRZiLwAgAAACACAAAAIAIFBhAba+gtfqCq61FVorK7BewTCBYYKZrKUCkCr7D3dQ', 'base64');
const ORIGINAL_SHA256 = '2efdf925e5cc70f3c1a03fc5fd3acc4c05a43e3208561926fc951f0a7d60d6a3';
const ORIGINAL_LENGTH = 7090;

/** Frames written out by hand (RFC 8878), for the block and frame kinds the CLI rarely makes. */
const MAGIC = [0x28, 0xb5, 0x2f, 0xfd];
const RAW = 0, RLE = 1, RESERVED = 3;

/** A block header: last-block bit, block type (2 bits) and block size (21 bits), little-endian. */
function blockHeader(last: boolean, type: number, size: number): number[] {
  const fields = (last ? 1 : 0) + type * 2 + size * 8;
  return [fields % 256, Math.floor(fields / 256) % 256, Math.floor(fields / 65536)];
}

/** Single segment, a one-byte content size of 5, then one last raw block of 5 bytes: `hello`. */
const RAW_FRAME = Buffer.from([...MAGIC, 0x20, 5, ...blockHeader(true, RAW, 5), ...Buffer.from('hello')]);
/** The same header, then one last RLE block: the byte `x`, 5 times. */
const RLE_FRAME = Buffer.from([...MAGIC, 0x20, 5, ...blockHeader(true, RLE, 5), 0x78]);
/** A skippable frame (magic 0x184D2A53) of 3 bytes of metadata, which decompresses to nothing. */
const SKIPPABLE_FRAME = Buffer.from([0x53, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, 1, 2, 3]);
const FRAMES = [RAW_FRAME, SKIPPABLE_FRAME, RLE_FRAME, FRAME];
const STREAM = Buffer.concat(FRAMES);
/** Where a frame of {@link STREAM} ends: the only places it may be cut without an error. */
const FRAME_ENDS = FRAMES.map((_frame, i) => FRAMES.slice(0, i + 1).reduce((sum, f) => sum + f.length, 0));

async function decompress(chunks: readonly Buffer[]): Promise<Buffer> {
  const out: Buffer[] = [];
  const stream = Readable.from(chunks).pipe(createZstdDecompress());
  for await (const chunk of stream) out.push(chunk as Buffer);
  return Buffer.concat(out);
}

function split(bytes: Buffer, size: number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
  return chunks;
}

/** What the tracker says of `bytes` fed in chunks of `size`: the first problem, or undefined. */
function track(bytes: Buffer, size: number): string | undefined {
  const tracker = new ZstdFrameTracker();
  for (const chunk of split(bytes, size)) {
    const problem = tracker.push(chunk);
    if (problem !== undefined) return problem;
  }
  return tracker.end();
}

describe('createZstdDecompress', () => {
  test.each([1, 7, 64, 4096])('gives back the original bytes from chunks of %i bytes', async (size) => {
    const output = await decompress(split(FRAME, size));
    expect(output.length).toBe(ORIGINAL_LENGTH);
    expect(createHash('sha256').update(output).digest('hex')).toBe(ORIGINAL_SHA256);
    expect(output.toString('utf8').split('\n')[199]).toBe('line 199: hardpod reads zstd layers');
  });

  test.each([1, 5, 4096])('reads raw, RLE and skippable frames and frames one after another, in chunks of %i bytes', async (size) => {
    const output = await decompress(split(STREAM, size));
    expect(output.subarray(0, 10).toString('utf8')).toBe('helloxxxxx');
    expect(createHash('sha256').update(output.subarray(10)).digest('hex')).toBe(ORIGINAL_SHA256);
  });

  test('a frame cut short is an error, not a short result, wherever it is cut', async () => {
    // Every cut inside the last frame, down to its content checksum, and a sample of the others.
    const sampled = (cut: number): boolean => cut < 30 || cut % 17 === 0 || cut > STREAM.length - 6;
    const cuts = [...Array(STREAM.length).keys()].filter((cut) => cut > 0 && !FRAME_ENDS.includes(cut) && sampled(cut));
    for (const cut of cuts) {
      await expect(decompress([STREAM.subarray(0, cut)])).rejects.toThrow(/^invalid Zstandard data: the input ends inside a frame, after \d+ bytes: it was cut short$/);
    }
  });

  test('bytes that are not Zstandard are an error naming where', async () => {
    await expect(decompress([Buffer.from('this is a plain tar stream, not zstd'.repeat(20))])).rejects.toThrow(
      'invalid Zstandard data: no Zstandard frame starts at byte 0 (its first four bytes are 74686973)',
    );
    await expect(decompress([FRAME, Buffer.from('trailing')])).rejects.toThrow(`no Zstandard frame starts at byte ${FRAME.length}`);
    await expect(decompress([])).rejects.toThrow('invalid Zstandard data: the input holds no Zstandard frame');
  });
});

describe('ZstdFrameTracker', () => {
  test('finds the input complete exactly where a frame ends, whatever the chunks', () => {
    for (let cut = 0; cut <= STREAM.length; cut++) {
      const expected = FRAME_ENDS.includes(cut) ? undefined
        : cut === 0 ? 'the input holds no Zstandard frame' : `the input ends inside a frame, after ${cut} bytes: it was cut short`;
      expect([cut, track(STREAM.subarray(0, cut), 1)]).toEqual([cut, expected]);
      expect([cut, track(STREAM.subarray(0, cut), 1000)]).toEqual([cut, expected]);
    }
  });

  test('refuses a frame header with its reserved bit set, and the reserved block type', () => {
    expect(track(Buffer.from([...MAGIC, 0x28, 5, ...blockHeader(true, RLE, 5), 0x78]), 3)).toBe('the frame header at byte 4 sets its reserved bit');
    expect(track(Buffer.from([...MAGIC, 0x20, 5, ...blockHeader(true, RESERVED, 5), 0x78]), 3)).toBe('the block header at byte 6 has the reserved block type');
  });

  test('reads the header fields that set the header size: window, dictionary id and content size', () => {
    // Not single segment (a window byte), a 4-byte dictionary id and an 8-byte content size.
    const header = [...MAGIC, 0xc3, 0x00, 1, 2, 3, 4, 5, 0, 0, 0, 0, 0, 0, 0];
    expect(track(Buffer.from([...header, ...blockHeader(true, RLE, 5), 0x78]), 2)).toBeUndefined();
    expect(track(Buffer.from([...header, ...blockHeader(true, RLE, 5)]), 2)).toMatch(/cut short/);
  });
});
