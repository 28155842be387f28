import { nodeCrypto } from '../model/lazy-crypto';

/**
 * Ed25519ph signature verification (RFC 8032 5.1.7: SHA-512 prehash, an empty context): what cosign
 * signs images and attestations with for an Ed25519 key (sigstore's ED25519ph signer, cosign's default
 * for Ed25519), and which node:crypto (OpenSSL 3.0) does not offer. Only public values are handled,
 * so plain BigInt arithmetic, which is not constant-time, is fine here.
 */

const P = 2n ** 255n - 19n;
/** The order of the base point. */
const L = 2n ** 252n + 27742317777372353535851937790883648493n;

/** A point in extended coordinates (X, Y, Z, T): x = X/Z, y = Y/Z, xy = T/Z. */
type Point = readonly [bigint, bigint, bigint, bigint];

const mod = (a: bigint, m = P): bigint => {
  const r = a % m;
  return r < 0n ? r + m : r;
};

function power(base: bigint, exponent: bigint): bigint {
  let result = 1n;
  let b = mod(base);
  for (let e = exponent; e > 0n; e /= 2n) {
    if (e % 2n === 1n) result = (result * b) % P;
    b = (b * b) % P;
  }
  return result;
}

/** Little-endian bytes as an integer. */
const littleEndian = (bytes: Uint8Array): bigint => BigInt(`0x${Buffer.from(bytes).reverse().toString('hex') || '0'}`);

/** The curve constants, computed on first use so that loading this module costs nothing. */
let constants: { d: bigint; sqrtMinusOne: bigint; base: Point } | undefined;
function curve(): { d: bigint; sqrtMinusOne: bigint; base: Point } {
  if (constants === undefined) {
    const d = mod(-121665n * power(121666n, P - 2n));
    const sqrtMinusOne = power(2n, (P - 1n) / 4n);
    // The base point: y = 4/5, x even.
    const y = mod(4n * power(5n, P - 2n));
    constants = { d, sqrtMinusOne, base: decodeWith(d, sqrtMinusOne, y, 0)! };
  }
  return constants;
}

function decodeWith(d: bigint, sqrtMinusOne: bigint, y: bigint, sign: number): Point | undefined {
  const u = mod(y * y - 1n);
  const v = mod(d * y * y + 1n);
  let x = mod(u * power(v, 3n) * power(u * power(v, 7n), (P - 5n) / 8n));
  const vxx = mod(v * x * x);
  if (vxx === mod(-u)) x = (x * sqrtMinusOne) % P;
  else if (vxx !== u) return undefined;
  if (x === 0n && sign === 1) return undefined;
  if (Number(x % 2n) !== sign) x = P - x;
  return [x, y, 1n, (x * y) % P];
}

/** A point from its 32-byte encoding (RFC 8032 5.1.3), or undefined for bytes that encode none. */
function decode(bytes: Uint8Array): Point | undefined {
  if (bytes.length !== 32) return undefined;
  const copy = Buffer.from(bytes);
  // The top bit is the sign of x; the rest, y.
  const sign = copy[31] < 0x80 ? 0 : 1;
  copy[31] %= 0x80;
  const y = littleEndian(copy);
  if (y >= P) return undefined;
  const { d, sqrtMinusOne } = curve();
  return decodeWith(d, sqrtMinusOne, y, sign);
}

function encode([x, y, z]: Point): Buffer {
  const zInverse = power(z, P - 2n);
  const ax = (x * zInverse) % P;
  const ay = (y * zInverse) % P;
  const out = Buffer.from(ay.toString(16).padStart(64, '0'), 'hex').reverse();
  // y < 2^255 leaves the top bit clear for the sign of x.
  if (ax % 2n === 1n) out[31] += 0x80;
  return out;
}

/** Point addition (RFC 8032 5.1.4), which also doubles. */
function add([x1, y1, z1, t1]: Point, [x2, y2, z2, t2]: Point): Point {
  const a = mod((y1 - x1) * (y2 - x2));
  const b = mod((y1 + x1) * (y2 + x2));
  const c = mod(2n * t1 * t2 * curve().d);
  const d = mod(2n * z1 * z2);
  const e = b - a;
  const f = d - c;
  const g = d + c;
  const h = b + a;
  return [mod(e * f), mod(g * h), mod(f * g), mod(e * h)];
}

function multiply(point: Point, scalar: bigint): Point {
  let result: Point = [0n, 1n, 1n, 0n];
  let addend = point;
  for (let k = scalar; k > 0n; k /= 2n) {
    if (k % 2n === 1n) result = add(result, addend);
    addend = add(addend, addend);
  }
  return result;
}

/** dom2(1, ""): the prefix that keeps an Ed25519ph signature from being read as a pure Ed25519 one. */
const DOM2_PREHASH = Buffer.concat([Buffer.from('SigEd25519 no Ed25519 collisions', 'ascii'), Buffer.from([1, 0])]);

/**
 * Whether `signature` is an Ed25519ph signature of `message` (hashed here with SHA-512) by the raw
 * 32-byte `publicKey`. The check is Go's crypto/ed25519's: R must equal the encoding of [S]B - [k]A.
 */
export function verifyEd25519ph(publicKey: Buffer, message: Buffer, signature: Buffer): boolean {
  if (signature.length !== 64) return false;
  const a = decode(publicKey);
  if (a === undefined) return false;
  const s = littleEndian(signature.subarray(32));
  if (s >= L) return false;
  const sha512 = () => nodeCrypto().createHash('sha512');
  const prehash = sha512().update(message).digest();
  const k = mod(littleEndian(sha512().update(DOM2_PREHASH).update(signature.subarray(0, 32)).update(publicKey).update(prehash).digest()), L);
  const minusA: Point = [mod(-a[0]), a[1], a[2], mod(-a[3])];
  return encode(add(multiply(curve().base, s), multiply(minusA, k))).equals(signature.subarray(0, 32));
}
