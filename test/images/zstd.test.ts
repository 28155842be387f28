import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { createZstdDecompress } from '../../src/images/zstd';

/**
 * 200 lines of text compressed by the zstd CLI (level 19), and the SHA-256 of the original: the
 * decompressor must give back exactly those bytes however the input is cut into chunks.
 */
const FRAME = Buffer.from('KLUv/WSyGq0IANbULBiAKc0B6I989N5qAWYAD1pa2kQWrkhK6gQxACYAHgBFRERERDQzMzMz07Zt2/7/f+JZ0XSAIiFgIIUjWSgahyJBBIkjOSCSBDI4AuUQGAiF////f7lcLpfL5XK5nJmZmZmJiIiIiHh3d3d3Z2ZmZmZWVVVVVQHXdV3XdV3XNE3TNE3TND3P8zzP8zzPvffee++9/x95nud5nud5juM4juM4juP3fd/3fd/3bdu2bdu2bdsVgMioERD6/T8D0BvVAREkBP9/QiDxA1dLs7O5mVlbVc3NzNZmam3xWqjttIi2ztJsK0uyPRZiLwAgAAACACAAAAIAIFBhAba+gtfqCq61FVorK7BewTCBYYKZrKUCkCr7D3dQ', 'base64');
const ORIGINAL_SHA256 = '2efdf925e5cc70f3c1a03fc5fd3acc4c05a43e3208561926fc951f0a7d60d6a3';

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

describe('createZstdDecompress', () => {
  test.each([1, 7, 64, 4096])('gives back the original bytes from chunks of %i bytes', async (size) => {
    const output = await decompress(split(FRAME, size));
    expect(output.length).toBe(7090);
    expect(createHash('sha256').update(output).digest('hex')).toBe(ORIGINAL_SHA256);
    expect(output.toString('utf8').split('\n')[199]).toBe('line 199: hardpod reads zstd layers');
  });

  test('a truncated frame is an error, not a short result', async () => {
    await expect(decompress([FRAME.subarray(0, FRAME.length - 20)])).rejects.toThrow();
  });

  test('bytes that are not Zstandard are an error', async () => {
    await expect(decompress([Buffer.from('this is a plain tar stream, not zstd'.repeat(20))])).rejects.toThrow(/Zstandard|zstd|invalid/i);
  });
});
