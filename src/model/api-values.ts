import { INT32_MAX, INT64_MAX } from './api-integers';
import { didYouMean } from './did-you-mean';
import { HardpodError } from './errors';
import { describeType } from './pod-view';

/**
 * The names, labels, ports and CIDRs the Kubernetes API server accepts, as its validation reads
 * them: shared by the builders, which refuse what the server would, and by the rules that judge
 * objects written by hand.
 */

/** A DNS label (RFC 1123): what Kubernetes accepts as the name of a namespace, workload or companion. */
export function isDnsLabel(name: unknown): name is string {
  return typeof name === 'string' && name.length <= 63 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name);
}

/** A DNS subdomain (RFC 1123): what Kubernetes accepts as the name of most objects, and as a label key's prefix. */
export function isDnsSubdomain(name: unknown): name is string {
  return typeof name === 'string' && name.length <= 253 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(name);
}

/** The API server's IANA_SVC_NAME, which container, Service and named probe or policy ports must be. */
export function isPortName(name: unknown): name is string {
  return typeof name === 'string' && name.length <= 15 && /^[a-z0-9]+(-[a-z0-9]+)*$/.test(name) && /[a-z]/.test(name);
}

const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

/** Why `key` is not a label or annotation key (`[prefix/]name`), or undefined when it is one. */
export function qualifiedNameProblem(key: string): string | undefined {
  const slash = key.indexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && !isDnsSubdomain(prefix)) return `its prefix ${JSON.stringify(prefix)} is not a DNS subdomain (lowercase letters, digits, "-" and ".", at most 253 characters)`;
  if (name.length === 0 || name.length > 63 || !LABEL_NAME.test(name)) {
    return 'its name part must be 1 to 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit';
  }
  return undefined;
}

/**
 * A label value the API server accepts: at most 63 letters, digits, `-`, `_` or `.`, starting and ending with a letter or digit, or empty.
 * @internal
 */
export function isLabelValue(value: string): boolean {
  return value.length <= 63 && (value === '' || LABEL_NAME.test(value));
}

/** Fails unless every key and value is one the API server accepts in `metadata.labels` and label selectors. */
export function checkLabels(labels: Readonly<Record<string, unknown>> | undefined, field: string, where: string | undefined): void {
  for (const [key, value] of Object.entries(labels ?? {})) {
    if (key === '') throw new HardpodError(`${field} ${JSON.stringify(labels)} has an empty key: give label keys such as app or example.com/team`, where);
    const problem = qualifiedNameProblem(key);
    if (problem) throw new HardpodError(`${field} key ${JSON.stringify(key)} is not a label key: ${problem} (such as app or example.com/team)`, where);
    if (typeof value !== 'string' || !isLabelValue(value)) {
      throw new HardpodError(
        `${field} value ${JSON.stringify(value)} of ${key} is not a label value: at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit (or empty)`,
        where,
      );
    }
  }
}

/** The API server's limit on the total size of an object's annotations. */
const ANNOTATIONS_MAX_BYTES = 256 * 1024;

/** Fails unless every key is a valid annotation key and the annotations fit the API server's size limit. */
export function checkAnnotations(annotations: Readonly<Record<string, unknown>> | undefined, field: string, where: string | undefined): void {
  let size = 0;
  for (const [key, value] of Object.entries(annotations ?? {})) {
    const problem = qualifiedNameProblem(key.toLowerCase());
    if (problem) throw new HardpodError(`${field} key ${JSON.stringify(key)} is not an annotation key: ${problem} (such as example.com/owner)`, where);
    // The API server decodes annotations as strings: a number or true from JSON or YAML props is refused there.
    if (typeof value !== 'string') throw new HardpodError(`${field} ${JSON.stringify(key)} is ${describeType(value)}; annotation values are strings (quote it: "${String(value)}")`, where);
    size += Buffer.byteLength(key) + Buffer.byteLength(value);
  }
  if (size > ANNOTATIONS_MAX_BYTES) throw new HardpodError(`${field} total ${size} bytes; the API server accepts at most ${ANNOTATIONS_MAX_BYTES} (256 KiB)`, where);
}

/** Fails unless `value` is a DNS label; `field` names it in the message (`namespace`, `container name`). */
export function checkDnsLabel(value: unknown, field: string, where: string | undefined): void {
  if (!isDnsLabel(value)) throw new HardpodError(`${field} ${JSON.stringify(value)} is not a DNS label (lowercase letters, digits and "-", at most 63 characters)`, where);
}

/**
 * The IP family of `text` (0 when it is no address). node:net is loaded on first use only: it brings
 * in much of Node's networking, and most runs judge no CIDR.
 * @internal
 */
export function ipFamily(text: string): 0 | 4 | 6 {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('node:net') as typeof import('node:net')).isIP(text) as 0 | 4 | 6;
}

/** An address as a number, with its family; undefined unless plain IPv4 or IPv6 text (no zone). */
function parseAddress(address: string): { bits: bigint; family: 4 | 6 } | undefined {
  const family = ipFamily(address);
  if (family === 0 || address.includes('%')) return undefined;
  const v4 = (text: string): bigint => text.split('.').reduce((n, octet) => n * 256n + BigInt(Number(octet)), 0n);
  if (family === 4) return { bits: v4(address), family };
  let text = address;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const n = v4(dotted[1]);
    text = `${text.slice(0, dotted.index)}${(n / 65536n).toString(16)}:${(n % 65536n).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return { bits: groups.reduce((n, g) => n * 65536n + BigInt(parseInt(g, 16)), 0n), family };
}

/** RFC 5952 text of an IPv6 address: lowercase, no leading zeros, the longest run of zero groups as `::`. */
function canonicalIPv6(bits: bigint): string {
  const groups = Array.from({ length: 8 }, (_, i) => Number((bits / 2n ** BigInt(112 - 16 * i)) % 65536n));
  let best = { start: -1, length: 1 };
  for (let i = 0; i < 8; i++) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > best.length) best = { start: i, length: j - i };
    i = j;
  }
  const hex = (list: number[]) => list.map((g) => g.toString(16)).join(':');
  if (best.start < 0) return hex(groups);
  return `${hex(groups.slice(0, best.start))}::${hex(groups.slice(best.start + best.length))}`;
}

/** @internal */
export interface Network {
  readonly bits: bigint;
  readonly prefix: number;
  readonly family: 4 | 6;
}

/**
 * A CIDR the API server accepts, as its network bits, prefix length and family; or why not. A CIDR
 * the server admits with a warning has a problem and its network (`admitted`).
 * @internal
 */
export function parseCidr(cidr: unknown): Network | { problem: string; admitted?: Network } {
  const [address, prefix, ...rest] = typeof cidr === 'string' ? cidr.split('/') : [];
  const parsed = address !== undefined ? parseAddress(address) : undefined;
  const width = parsed?.family === 6 ? 128 : 32;
  if (!parsed || rest.length > 0 || prefix === undefined || !/^(0|[1-9]\d{0,2})$/.test(prefix) || Number(prefix) > width) {
    return { problem: 'is not a CIDR: write an IPv4 or IPv6 address and a prefix length without leading zeros, e.g. 10.0.0.0/8 or fd00::/8' };
  }
  if (parsed.family === 6 && parsed.bits / 2n ** 32n === 0xffffn) {
    return { problem: 'is an IPv4-mapped IPv6 address, which the API server refuses: write the IPv4 CIDR itself, e.g. 10.0.0.0/8' };
  }
  const hostBits = BigInt(width - Number(prefix));
  const network = parsed.bits - (parsed.bits % 2n ** hostBits);
  if (network !== parsed.bits) {
    // Older API servers took the network part silently; newer ones refuse host bits, so write what every version accepts.
    const canonical = parsed.family === 4
      ? [24n, 16n, 8n, 0n].map((s) => Number((network / 2n ** s) % 256n)).join('.')
      : canonicalIPv6(network);
    return { problem: `has bits set beyond its prefix length, which the API server refuses: write the network address, ${canonical}/${prefix}` };
  }
  const result: Network = { bits: parsed.bits, prefix: Number(prefix), family: parsed.family };
  if (parsed.family === 6 && canonicalIPv6(parsed.bits) !== address) {
    // The API server admits it with a warning; the canonical text is what it asks for.
    return { problem: `is not written the canonical way (the API server warns about it): write ${canonicalIPv6(parsed.bits)}/${prefix}`, admitted: result };
  }
  return result;
}

/**
 * Throws unless `cidr` is an IPv4 or IPv6 network the API server accepts (`10.0.0.0/8`).
 * @param field what the CIDR is, for the message (`ipBlock.cidr`)
 */
export function checkCidr(cidr: unknown, field: string, where?: string): void {
  const parsed = parseCidr(cidr);
  if ('problem' in parsed) throw new HardpodError(`${field} ${JSON.stringify(cidr)} ${parsed.problem}`, where);
}

/**
 * Why the API server refuses `cidr` (`is not a CIDR: ...`, to follow the field and value), or
 * undefined when it admits it (a non-canonical IPv6 text only draws a warning).
 * @internal
 */
export function refusedCidrProblem(cidr: unknown): string | undefined {
  const parsed = parseCidr(cidr);
  return 'problem' in parsed && !parsed.admitted ? parsed.problem : undefined;
}

/**
 * Whether `inner` is a strict subset of `outer`, both CIDRs the API server admits (perhaps with a warning).
 * @internal
 */
export function isInsideCidr(inner: string, outer: string): boolean {
  const network = (text: string): Network | undefined => {
    const parsed = parseCidr(text);
    return 'problem' in parsed ? parsed.admitted : parsed;
  };
  const x = network(inner);
  const y = network(outer);
  if (!x || !y) return false;
  const block = 2n ** (BigInt(y.family === 4 ? 32 : 128) - BigInt(y.prefix));
  return x.family === y.family && x.prefix > y.prefix && x.bits / block === y.bits / block;
}


/**
 * Fails unless `value` is one of an API enumeration's `allowed` values, which the server matches
 * case-sensitively: a misspelt one (often from YAML or JSON props) would reach the manifest and be
 * refused when applied. Undefined passes (the default applies).
 */
export function checkOneOf(value: unknown, allowed: readonly string[], field: string, where: string | undefined): void {
  if (value === undefined || allowed.includes(value as string)) return;
  const hint = typeof value === 'string' ? didYouMean(value, allowed) : '';
  throw new HardpodError(`${field} ${JSON.stringify(value) ?? typeof value} is not a value the API server accepts${hint}; expected one of ${allowed.join(', ')}`, where);
}

/**
 * A number as written; anything else by its type, as a string from JSON or YAML ("3") would print as the number it holds.
 * @internal
 */
export function shownNumber(value: unknown): string {
  return typeof value === 'number' ? String(value) : `${describeType(value)},`;
}

/**
 * Fails unless `value` is undefined or a whole number from `min` to `max` (counts, ids, seconds). The
 * default `max` is the API's int32 fields' limit; int64 fields pass `INT64_MAX`. `what` the number
 * is, when given, closes the message: `(the fewest replicas)`.
 * @internal
 */
export function checkWhole(value: unknown, field: string, min: number, where: string | undefined, max: number = INT32_MAX, what?: string): void {
  if (value !== undefined && (!Number.isInteger(value) || (value as number) < min || (value as number) > max)) {
    const upTo = ` and <= ${max === INT64_MAX ? '2^63 - 1' : max}`;
    throw new HardpodError(`${field} ${shownNumber(value)} must be a whole number >= ${min}${upTo}${what === undefined ? '' : ` (${what})`}`, where);
  }
}
