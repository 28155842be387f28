import { formatImageRef, imageName, parseImageRef } from '../images/image-ref';
import { isHardpodError } from '../model/errors';
import { formatFieldPath, valueAtPath, type PathSegment } from '../model/field-path';
import { UNKNOWN_VALUE, describeType, isFields } from '../model/pod-view';

/** What a secret reads as in messages, as Pulumi shows secrets. */
export const SECRET_TEXT = '[secret]';

/**
 * Fields whose values are where programs put secrets: an image of a private registry, an
 * environment value, a command or its arguments (`--password=...`), including exec probes and hooks.
 */
const MAY_HOLD_SECRET = new Set(['image', 'command', 'args']);

/** Deep enough for any pod template inside any kind (as the engine's own search for one). */
const MAX_DEPTH = 64;

/** A JSON string literal in a message, as messages quote values (`image "..."`, `a string ("...")`). */
const QUOTED = /"(?:[^"\\]|\\.)*"/g;

/** How long a string describeType shows before cutting it short with `...`. */
const SHOWN_LENGTH = 40;

type Leaf = string | number | boolean;

/**
 * Keeps values that may be secret out of messages about an object.
 *
 * @pulumi/policy unwraps Pulumi secrets before a policy reads a resource's properties and leaves no
 * mark of which values were secret (policies get plain data), so a policy cannot tell a secret image
 * or environment value from a plain one. Messages therefore quote none of the values of the fields
 * programs keep secrets in ({@link MAY_HOLD_SECRET} and `env[].value`): each quoted occurrence of one
 * reads `[secret]`, and a message about such a field quotes no part of its value either (the tag of a
 * malformed image). The field path still says where the value is. Names the messages tell containers
 * by stay readable. The cost: such a value is hidden even when it is not secret, and a quoted word
 * that happens to equal one (an argument `restricted`) is hidden with it. A transform knows more:
 * leaf secrets reach it marked (it never reads them), so it hides values only inside the objects and
 * lists the SDK marked secret as a whole because of a secret within.
 */
export class MessageRedactor {
  private readonly values: { readonly path: string; readonly value: Leaf }[] = [];
  /** Every string value, and the form describeType cuts a long one to: hidden where a message quotes them. */
  private readonly hidden = new Set<string>();
  /**
   * Image references and the names messages write an image out to (`docker.io/library/nginx`, unquoted
   * in allowed-registries): hidden wherever they appear, quoted or not, since no prose holds them.
   */
  private readonly hiddenRaw = new Set<string>();
  /** Container names: how messages tell containers apart, shown even when a value equals one. */
  private readonly names = new Set<string>();

  /**
   * @param within where values may be secret: Pulumi secrets the caller saw lifted off objects or
   * lists (a transform's `spec`); values elsewhere are known not to be @default the whole object
   */
  constructor(object: unknown, within: readonly (readonly PathSegment[])[] = [[]]) {
    for (const root of within) this.collect(valueAtPath(object, root), [...root], 0);
  }

  /**
   * The message with every value that may be secret shown as `[secret]`.
   * @param path the field the message is about: no part of a value there (or in the list there) is quoted
   */
  redact(message: string, path: string): string {
    if (this.values.length === 0) return message;
    const here = this.values.filter((v) => v.path === path || v.path.startsWith(`${path}[`));
    let out = message.replace(QUOTED, (literal) => {
      let text: unknown;
      try {
        text = JSON.parse(literal);
      } catch {
        return literal;
      }
      if (typeof text !== 'string' || text === '' || this.names.has(text)) return literal;
      if (this.hidden.has(text) || here.some((v) => typeof v.value === 'string' && v.value.includes(text as string))) return SECRET_TEXT;
      return literal;
    });
    // A number or boolean where a string belongs is shown unquoted in a shape problem: `got a number (4711)`.
    for (const { value } of here) if (typeof value !== 'string') out = out.split(describeType(value)).join(`a ${typeof value} (${SECRET_TEXT})`);
    // Longest first, so a name inside a longer reference does not leave the rest of it behind.
    for (const raw of [...this.hiddenRaw].sort((a, b) => b.length - a.length)) if (out.includes(raw)) out = out.split(raw).join(SECRET_TEXT);
    return out;
  }

  private collect(node: unknown, at: PathSegment[], depth: number): void {
    if (depth > MAX_DEPTH) return;
    const key = at[at.length - 1];
    if (typeof key === 'string' && MAY_HOLD_SECRET.has(key)) {
      this.leaves(node, at, key === 'image');
    } else if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        at.push(i);
        this.collect(node[i], at, depth + 1);
        at.pop();
      }
    } else if (isFields(node)) {
      // An environment variable (`env[i]`): its value, not its name, may be secret.
      if (typeof key === 'number' && at[at.length - 2] === 'env') {
        this.leaves(node.value, [...at, 'value']);
        return;
      }
      if (typeof node.image === 'string' && typeof node.name === 'string') this.names.add(node.name);
      for (const field in node) {
        at.push(field);
        this.collect(node[field], at, depth + 1);
        at.pop();
      }
    }
  }

  /** The value (or each item of the list) at `at`. */
  private leaves(node: unknown, at: readonly PathSegment[], image = false): void {
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) this.leaves(node[i], [...at, i], image);
      return;
    }
    if (typeof node === 'number' || typeof node === 'boolean') {
      this.values.push({ path: formatFieldPath(at), value: node });
      return;
    }
    if (typeof node !== 'string' || node === '' || node === UNKNOWN_VALUE) return;
    this.values.push({ path: formatFieldPath(at), value: node });
    this.hidden.add(node);
    if (node.length > SHOWN_LENGTH) this.hidden.add(`${node.slice(0, SHOWN_LENGTH)}...`);
    if (image) {
      if (node.includes('/')) this.hiddenRaw.add(node);
      try {
        const ref = parseImageRef(node);
        this.hiddenRaw.add(imageName(ref)).add(formatImageRef(ref));
      } catch (error) {
        // A malformed reference is written out nowhere but as it is.
        if (!isHardpodError(error)) throw error;
      }
    }
  }
}
