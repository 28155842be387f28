import { Transform } from 'node:stream';
import * as zlib from 'node:zlib';

/**
 * A stream that decompresses Zstandard (`application/vnd.oci.image.layer.v1.tar+zstd` layers):
 * Node's own zlib where it has it (22.15 and later), else fzstd, a decompressor in plain
 * JavaScript, fed chunk by chunk so a layer is never held whole.
 */
export function createZstdDecompress(): Transform {
  const native = (zlib as { createZstdDecompress?: () => Transform }).createZstdDecompress;
  if (native) return native();
  // Loaded on first use: only `hardpod lock` reading zstd layers needs it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Decompress } = require('fzstd') as typeof import('fzstd');
  const stream: Transform = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      try {
        decompressor.push(chunk);
        done();
      } catch (error) {
        done(zstdError(error));
      }
    },
    flush(done) {
      try {
        decompressor.push(new Uint8Array(0), true);
        done();
      } catch (error) {
        done(zstdError(error));
      }
    },
  });
  // The handler's buffer may be reused for the next block: each piece is copied out.
  const decompressor = new Decompress((data) => stream.push(Buffer.from(data)));
  return stream;
}

function zstdError(error: unknown): Error {
  return new Error(`invalid Zstandard data: ${error instanceof Error ? error.message : String(error)}`);
}
