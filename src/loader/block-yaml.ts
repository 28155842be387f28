import { keyReadsAsOtherText, MAY_RESOLVE, type BlockIndex, type ResolvePlainScalar } from './block-lines';

/**
 * A parser for the block-style YAML that Kubernetes manifests are almost always written in, several
 * times faster than a general YAML parser because it works line by line, and which yields the line
 * index of {@link BlockIndex} as it goes. It covers block mappings and sequences (indentless ones
 * too), plain and single-line quoted scalars, single-line flow collections, literal block scalars and
 * comments. Anything else (anchors, aliases, tags, merge keys, folded or indentation-indicated block
 * scalars, multi-line plain, quoted or flow scalars, escapes in double quotes, complex, duplicate or
 * very long keys, plain keys that read as another text (`0x1F:` is the key `31`), `?` in flow
 * scalars, tabs, carriage returns) makes it return undefined, and the caller parses the document with
 * js-yaml instead, which also reports every error. Within the subset, values are exactly js-yaml's:
 * plain scalars resolve as the schema resolves them (the caller passes the resolver), and a differential test holds the two to it.
 */

/** One document parsed by {@link parseBlockYaml}. */
export interface BlockDocument {
  readonly value: unknown;
  readonly index: BlockIndex;
}

/** Thrown when the text leaves the subset; a single instance, as a stack trace would cost more than the parse. */
const UNSUPPORTED = new Error('outside the block YAML subset');

/**
 * Documents holding these are left to js-yaml: tabs, carriage returns and byte order marks (which
 * it reads in ways the line scan does not), what it refuses in scalars (its own pattern), for its
 * error, and the YAML 1.1 line breaks U+0085, U+2028 and U+2029, which the loader refuses.
 */
const DECLINED_CHARACTERS = /[\x00-\x09\x0B-\x1F\x7F-\x9F\u2028\u2029\uFEFF\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?:[^\uD800-\uDBFF]|^)[\uDC00-\uDFFF]/;

const PRINTABLE_ASCII = /^[\n\x20-\x7E]*$/;

/** Longer keys go to js-yaml, and the loader refuses them as kubectl does (go-yaml's limit for a key before its colon). */
const MAX_KEY_LENGTH = 1024;

/** Deeper documents go to js-yaml, which applies the configured nesting limit and its error. */
const MAX_DEPTH = 64;

const SPACE = 32, LF = 10, HASH = 35, DASH = 45, COLON = 58, DQUOTE = 34, SQUOTE = 39, BACKSLASH = 92;
const QUESTION = 63, COMMA = 44, LBRACKET = 91, RBRACKET = 93, LBRACE = 123, RBRACE = 125, PIPE = 124, DOT = 46, PLUS = 43;

/**
 * Field names of the Kubernetes API that manifests repeat in every object. A plain key that is one
 * of them is taken from here: the same string each time, which property stores find at once, instead
 * of a fresh slice of the text that each store must look up in V8's string table and then drops.
 * None is a word the schema resolves (`true`, `null`, `on`); a test holds every one to that.
 */
export const KNOWN_KEYS: readonly string[] = [
  'apiVersion', 'kind', 'metadata', 'name', 'namespace', 'labels', 'annotations', 'spec', 'status', 'data', 'items',
  'replicas', 'selector', 'matchLabels', 'matchExpressions', 'template', 'strategy', 'rollingUpdate', 'maxSurge', 'maxUnavailable',
  'containers', 'initContainers', 'ephemeralContainers', 'image', 'imagePullPolicy', 'command', 'args', 'workingDir',
  'ports', 'containerPort', 'hostPort', 'protocol', 'env', 'envFrom', 'value', 'valueFrom', 'secretKeyRef', 'configMapKeyRef',
  'fieldRef', 'fieldPath', 'key', 'resources', 'requests', 'limits', 'cpu', 'memory', 'ephemeral-storage',
  'securityContext', 'runAsNonRoot', 'runAsUser', 'runAsGroup', 'fsGroup', 'supplementalGroups', 'seccompProfile', 'type',
  'localhostProfile', 'allowPrivilegeEscalation', 'readOnlyRootFilesystem', 'capabilities', 'drop', 'add', 'privileged',
  'procMount', 'seLinuxOptions', 'appArmorProfile', 'windowsOptions', 'sysctls', 'hostUsers',
  'readinessProbe', 'livenessProbe', 'startupProbe', 'httpGet', 'tcpSocket', 'grpc', 'exec', 'path', 'port', 'scheme',
  'initialDelaySeconds', 'periodSeconds', 'timeoutSeconds', 'failureThreshold', 'successThreshold', 'lifecycle', 'preStop', 'postStart',
  'volumeMounts', 'mountPath', 'subPath', 'readOnly', 'volumes', 'emptyDir', 'configMap', 'secret', 'secretName', 'persistentVolumeClaim',
  'claimName', 'hostPath', 'projected', 'sources', 'serviceAccountName', 'serviceAccount', 'automountServiceAccountToken',
  'hostNetwork', 'hostPID', 'hostIPC', 'nodeSelector', 'tolerations', 'operator', 'effect', 'affinity', 'topologySpreadConstraints',
  'priorityClassName', 'restartPolicy', 'terminationGracePeriodSeconds', 'dnsPolicy', 'imagePullSecrets', 'app',
  'podSelector', 'namespaceSelector', 'policyTypes', 'ingress', 'egress', 'from', 'to',
  'schedule', 'jobTemplate', 'backoffLimit', 'concurrencyPolicy', 'serviceName', 'volumeClaimTemplates', 'accessModes', 'storage',
  'clusterIP', 'targetPort', 'rules', 'apiGroups', 'verbs', 'roleRef', 'subjects', 'apiGroup', 'creationTimestamp', 'uid',
  'resourceVersion', 'generation', 'ownerReferences', 'finalizers',
];

/** {@link KNOWN_KEYS} by length and first character (`length * 128 + code`): a key is compared with one name, rarely two. */
const KNOWN_KEYS_BY_SHAPE: (string[] | undefined)[] = [];
for (const name of KNOWN_KEYS) (KNOWN_KEYS_BY_SHAPE[name.length * 128 + name.charCodeAt(0)] ??= []).push(name);

/** The known field name written at `at` with `length` characters, if it is one. */
function knownKey(text: string, at: number, length: number): string | undefined {
  const first = text.charCodeAt(at);
  if (first >= 128) return undefined;
  const candidates = KNOWN_KEYS_BY_SHAPE[length * 128 + first];
  if (candidates === undefined) return undefined;
  for (let i = 0; i < candidates.length; i++) if (text.startsWith(candidates[i], at)) return candidates[i];
  return undefined;
}

/** Characters that cannot start a plain scalar or a plain key (YAML indicators); `-` is checked on its own. */
const INDICATOR = new Uint8Array(128);
for (const ch of '#&*!|>\'"%@`,[]{}?:') INDICATOR[ch.charCodeAt(0)] = 1;

/**
 * Parses one YAML document (a chunk from splitDocuments: an optional `---` line, then the node).
 * Returns undefined when the text is outside the subset or holds no node.
 */
export function parseBlockYaml(text: string, resolveScalar: ResolvePlainScalar): BlockDocument | undefined {
  // Printable ASCII and newlines only, the usual case, needs no closer look.
  if (!PRINTABLE_ASCII.test(text) && DECLINED_CHARACTERS.test(text)) return undefined;
  try {
    return new BlockParser(text, resolveScalar).document();
  } catch (error) {
    if (error === UNSUPPORTED) return undefined;
    throw error;
  }
}

class BlockParser {
  /** Offset where each line starts. */
  private readonly starts: number[] = [];
  /** Column of each line's first character, or -1 for a line that holds no node (blank, comment, marker, block scalar content). */
  private readonly indents: number[] = [];
  /** The first line not consumed yet. */
  private line = 0;

  constructor(readonly text: string, private readonly resolveScalar: ResolvePlainScalar) {
    const { starts, indents } = this;
    const length = text.length;
    for (let start = 0; ; ) {
      let end = text.indexOf('\n', start);
      if (end === -1) end = length;
      let at = start;
      while (at < end && text.charCodeAt(at) === SPACE) at++;
      starts.push(start);
      const first = text.charCodeAt(at);
      indents.push(at === end || first === HASH ? -1 : at - start);
      // js-yaml takes `---` or `...` at a line's start for a document marker, whatever follows; only
      // the chunk's own opening marker is read here (see document()).
      if (at === start && (first === DASH || first === DOT) && (text.startsWith('...', at) || (start > 0 && text.startsWith('---', at)))) throw UNSUPPORTED;
      if (end === length) break;
      start = end + 1;
    }
  }

  document(): BlockDocument | undefined {
    const { text, starts, indents } = this;
    if (text.startsWith('---')) {
      // The marker line may carry a comment, not content.
      let at = 3;
      const end = this.lineEnd(0);
      while (at < end && text.charCodeAt(at) === SPACE) at++;
      if (at < end && text.charCodeAt(at) !== HASH) throw UNSUPPORTED;
      indents[0] = -1;
    }
    const root = this.nextNode(0);
    if (root < 0) return undefined;
    const column = indents[root];
    const at = starts[root] + column;
    const value = this.isDash(at) ? this.sequence(root, column, 0) : this.mapping(root, at, column, 0);
    if (this.nextNode(this.line) >= 0) throw UNSUPPORTED;
    return { value, index: { text, starts, indents, root, walk: { segments: [], depth: 0, states: [], items: [] } } };
  }

  /** A block mapping whose first key starts at `at` on `line`; its keys sit at `column`. */
  private mapping(line: number, at: number, column: number, depth: number): Record<string, unknown> {
    if (depth > MAX_DEPTH) throw UNSUPPORTED;
    const { text, starts, indents } = this;
    const result: Record<string, unknown> = {};
    for (;;) {
      const end = this.lineEnd(line);
      let key: string;
      let after: number;
      const first = text.charCodeAt(at);
      if (first === DQUOTE || first === SQUOTE) {
        const close = this.closingQuote(at, end);
        key = text.slice(at + 1, close);
        // Doubled quotes in keys are left to js-yaml, as the line index does not match them.
        if (text.charCodeAt(close + 1) !== COLON || key.includes(text[at]) || close + 1 - at > MAX_KEY_LENGTH) throw UNSUPPORTED;
        after = close + 2;
      } else {
        if (first < 128 && INDICATOR[first] === 1) throw UNSUPPORTED;
        if (first === DASH && this.isDash(at)) throw UNSUPPORTED;
        const colon = this.keyColon(at, end);
        if (colon < 0) throw UNSUPPORTED;
        const known = knownKey(text, at, colon - at);
        if (known !== undefined) {
          key = known;
        } else {
          const plain = text.slice(at, colon);
          if (text.charCodeAt(colon - 1) === SPACE || plain === '<<' || colon - at > MAX_KEY_LENGTH) throw UNSUPPORTED;
          // `0x1F:` is the key `31`, which the line index, matching keys by their text, would not find;
          // a key reading as null or as no finite number is refused on js-yaml's path too.
          if (keyReadsAsOtherText(plain, this.resolveScalar)) throw UNSUPPORTED;
          key = plain;
        }
        after = colon + 1;
      }
      if (after < end && text.charCodeAt(after) !== SPACE) throw UNSUPPORTED;
      if (key === '__proto__' || Object.prototype.hasOwnProperty.call(result, key)) throw UNSUPPORTED;
      while (after < end && text.charCodeAt(after) === SPACE) after++;
      result[key] = after >= end || text.charCodeAt(after) === HASH
        ? this.nestedValue(line, column, depth, true)
        : this.inlineValue(line, after, end, column, depth);

      const next = this.nextNode(this.line);
      if (next < 0 || indents[next] < column) return result;
      if (indents[next] > column) throw UNSUPPORTED;
      line = next;
      at = starts[next] + column;
      if (this.isDash(at)) throw UNSUPPORTED;
    }
  }

  /** A block sequence whose dashes sit at `column`, the first on `line`. */
  private sequence(line: number, column: number, depth: number): unknown[] {
    if (depth > MAX_DEPTH) throw UNSUPPORTED;
    const { text, starts, indents } = this;
    const result: unknown[] = [];
    for (;;) {
      const end = this.lineEnd(line);
      let at = starts[line] + column + 1;
      while (at < end && text.charCodeAt(at) === SPACE) at++;
      if (at >= end || text.charCodeAt(at) === HASH) {
        result.push(this.nestedValue(line, column, depth, false));
      } else if (this.isDash(at)) {
        throw UNSUPPORTED;
      } else if (this.startsMapping(at, end)) {
        result.push(this.mapping(line, at, at - starts[line], depth + 1));
      } else {
        result.push(this.inlineValue(line, at, end, column, depth));
      }
      const next = this.nextNode(this.line);
      if (next < 0 || indents[next] < column) return result;
      if (indents[next] > column) throw UNSUPPORTED;
      if (!this.isDash(starts[next] + column)) return result;
      line = next;
    }
  }

  /**
   * The value of a key or dash that ends its line: the block on the following lines when it is more
   * indented (or, for a key, a sequence at the key's own column), else null.
   */
  private nestedValue(line: number, column: number, depth: number, ofKey: boolean): unknown {
    const { starts, indents } = this;
    this.line = line + 1;
    const next = this.nextNode(this.line);
    if (next < 0) return null;
    const indent = indents[next];
    const at = starts[next] + indent;
    if (indent > column) {
      this.line = next;
      return this.isDash(at) ? this.sequence(next, indent, depth + 1) : this.mapping(next, at, indent, depth + 1);
    }
    if (ofKey && indent === column && this.isDash(at)) {
      this.line = next;
      return this.sequence(next, column, depth + 1);
    }
    return null;
  }

  /** A value that starts at `at` on its key's or dash's line; `column` is the key's or dash's. */
  private inlineValue(line: number, at: number, end: number, column: number, depth: number): unknown {
    const { text } = this;
    const first = text.charCodeAt(at);
    let value: unknown;
    let after: number;
    if (first === PIPE) {
      return this.literalScalar(line, at, end, column);
    } else if (first === LBRACE || first === LBRACKET) {
      const flow = new FlowReader(text, this, at, end);
      value = flow.node(depth + 1);
      after = flow.at;
    } else if (first === DQUOTE || first === SQUOTE) {
      const close = this.closingQuote(at, end);
      value = text.slice(at + 1, close);
      if (first === SQUOTE) value = (value as string).replaceAll("''", "'");
      after = close + 1;
    } else {
      if (first < 128 && INDICATOR[first] === 1) throw UNSUPPORTED;
      if (first === DASH && this.isDash(at)) throw UNSUPPORTED;
      let stop = end;
      for (let i = at + 1; i < end; i++) {
        const ch = text.charCodeAt(i);
        if (ch === HASH && text.charCodeAt(i - 1) === SPACE) {
          stop = i;
          break;
        }
        // `key: a: b` is an error and `- a: b` a mapping, which the caller has ruled out: js-yaml decides.
        if (ch === COLON && (i + 1 === end || text.charCodeAt(i + 1) === SPACE)) throw UNSUPPORTED;
      }
      while (text.charCodeAt(stop - 1) === SPACE) stop--;
      value = this.resolve(text.slice(at, stop));
      after = stop;
    }
    while (after < end && text.charCodeAt(after) === SPACE) after++;
    if (after < end && text.charCodeAt(after) !== HASH) throw UNSUPPORTED;
    if (text.charCodeAt(after) === HASH && text.charCodeAt(after - 1) !== SPACE) throw UNSUPPORTED;
    this.line = line + 1;
    // A more indented line after a scalar continues it (a multi-line scalar) or is an error.
    const next = this.nextNode(this.line);
    if (next >= 0 && this.indents[next] > column) throw UNSUPPORTED;
    return value;
  }

  /**
   * A `|`, `|-` or `|+` block scalar, as js-yaml reads it: the first content line sets the
   * indentation, which must be beyond `column`; a less indented line or the end of the text ends it.
   */
  private literalScalar(line: number, at: number, end: number, column: number): string {
    const { text, starts, indents } = this;
    let chomp = text.charCodeAt(at + 1);
    let p = at + 1;
    if (chomp === DASH || chomp === PLUS) p++;
    else chomp = 0;
    if (p < end && text.charCodeAt(p) !== SPACE) throw UNSUPPORTED;
    while (p < end && text.charCodeAt(p) === SPACE) p++;
    if (p < end && text.charCodeAt(p) !== HASH) throw UNSUPPORTED;

    const count = starts.length;
    let l = line + 1;
    if (l >= count) throw UNSUPPORTED;
    const firstStart = starts[l];
    const firstEnd = this.lineEnd(l);
    let textIndent = 0;
    while (firstStart + textIndent < firstEnd && text.charCodeAt(firstStart + textIndent) === SPACE) textIndent++;
    // Leading empty lines and content not indented beyond the parent are left to js-yaml.
    if (firstStart + textIndent === firstEnd || textIndent <= column) throw UNSUPPORTED;

    let result = '';
    let emptyLines = 0;
    let read = false;
    for (; l < count; l++) {
      const start = starts[l];
      const lineEnd = this.lineEnd(l);
      let spaces = 0;
      while (start + spaces < lineEnd && spaces < textIndent && text.charCodeAt(start + spaces) === SPACE) spaces++;
      if (start + spaces === lineEnd) {
        // A last line without a newline after it would end the scalar without chomping: left to js-yaml.
        if (l === count - 1 && lineEnd > start) throw UNSUPPORTED;
        if (l === count - 1) break;
        emptyLines++;
        indents[l] = -1;
        continue;
      }
      if (spaces < textIndent) break;
      if (l === count - 1) throw UNSUPPORTED;
      result += (read ? '\n'.repeat(1 + emptyLines) : '') + text.slice(start + textIndent, lineEnd);
      read = true;
      emptyLines = 0;
      indents[l] = -1;
    }
    if (chomp === PLUS) result += '\n'.repeat(1 + emptyLines);
    else if (chomp !== DASH) result += '\n';
    this.line = l;
    return result;
  }

  /** When a mapping key starts at `at` (plain or quoted, followed by `: ` or a colon ending the line). */
  private startsMapping(at: number, end: number): boolean {
    const { text } = this;
    const first = text.charCodeAt(at);
    if (first === DQUOTE || first === SQUOTE) {
      for (let i = at + 1; i < end; i++) if (text.charCodeAt(i) === first) return text.charCodeAt(i + 1) === COLON;
      return false;
    }
    if (first < 128 && INDICATOR[first] === 1) return false;
    return this.keyColon(at, end) >= 0;
  }

  /**
   * The colon ending a plain key that starts at `at` (the first one followed by a space or the line
   * end), or -1 when there is none before the line's end or a comment.
   */
  private keyColon(at: number, end: number): number {
    const { text } = this;
    for (let i = at + 1; i < end; i++) {
      const ch = text.charCodeAt(i);
      if (ch === COLON) {
        if (i + 1 === end || text.charCodeAt(i + 1) === SPACE) return i;
      } else if (ch === HASH && text.charCodeAt(i - 1) === SPACE) {
        return -1;
      }
    }
    return -1;
  }

  /** The closing quote of a single-line quoted scalar opening at `at`; escapes and doubled quotes in keys are left to js-yaml. */
  closingQuote(at: number, end: number): number {
    const { text } = this;
    const quote = text.charCodeAt(at);
    for (let i = at + 1; i < end; i++) {
      const ch = text.charCodeAt(i);
      if (ch === BACKSLASH && quote === DQUOTE) throw UNSUPPORTED;
      if (ch === quote) {
        if (quote === SQUOTE && text.charCodeAt(i + 1) === SQUOTE) {
          i++;
          continue;
        }
        return i;
      }
    }
    throw UNSUPPORTED;
  }

  /**
   * A plain scalar's value under the schema: null, a boolean, a number, or the string itself. An
   * infinite or NaN number is left to js-yaml's path, where the loader refuses it with its line.
   */
  resolve(plain: string): unknown {
    const first = plain.charCodeAt(0);
    if (first < 128 && MAY_RESOLVE[first] === 1) {
      const value = this.resolveScalar(plain);
      if (typeof value === 'number' && !Number.isFinite(value)) throw UNSUPPORTED;
      return value;
    }
    return plain;
  }

  private isDash(at: number): boolean {
    if (this.text.charCodeAt(at) !== DASH) return false;
    const next = this.text.charCodeAt(at + 1);
    return next === SPACE || next === LF || at + 1 >= this.text.length;
  }

  lineEnd(line: number): number {
    return line + 1 < this.starts.length ? this.starts[line + 1] - 1 : this.text.length;
  }

  private nextNode(from: number): number {
    const { indents } = this;
    for (let line = from; line < indents.length; line++) if (indents[line] >= 0) return line;
    return -1;
  }
}

/** Reads one flow collection that opens and closes on the same line (`{app: web}`, `[ALL]`). */
class FlowReader {
  at: number;

  constructor(private readonly text: string, private readonly parser: BlockParser, at: number, private readonly end: number) {
    this.at = at;
  }

  node(depth: number): unknown {
    if (depth > MAX_DEPTH) throw UNSUPPORTED;
    const text = this.text;
    const first = text.charCodeAt(this.at);
    if (first === LBRACE) return this.mapping(depth);
    if (first === LBRACKET) return this.sequence(depth);
    if (first === DQUOTE || first === SQUOTE) return this.quoted();
    return this.plain();
  }

  private mapping(depth: number): Record<string, unknown> {
    const text = this.text;
    const result: Record<string, unknown> = {};
    if (this.openEmpty(RBRACE)) return result;
    for (;;) {
      const first = text.charCodeAt(this.at);
      const keyStart = this.at;
      const key = first === DQUOTE || first === SQUOTE ? this.quoted() : keyOf(this.plain());
      if (text.charCodeAt(this.at) !== COLON || text.charCodeAt(this.at + 1) !== SPACE || this.at - keyStart > MAX_KEY_LENGTH) throw UNSUPPORTED;
      if (key === '__proto__' || Object.prototype.hasOwnProperty.call(result, key)) throw UNSUPPORTED;
      this.at += 2;
      this.skipSpaces();
      const next = text.charCodeAt(this.at);
      if (next === COMMA || next === RBRACE) throw UNSUPPORTED;
      result[key] = this.node(depth + 1);
      if (this.endOfEntry(RBRACE)) return result;
    }
  }

  private sequence(depth: number): unknown[] {
    const text = this.text;
    const result: unknown[] = [];
    if (this.openEmpty(RBRACKET)) return result;
    for (;;) {
      result.push(this.node(depth + 1));
      // `[a: b]` is a single-pair mapping in YAML: left to js-yaml.
      if (text.charCodeAt(this.at) === COLON) throw UNSUPPORTED;
      if (this.endOfEntry(RBRACKET)) return result;
    }
  }

  /** Steps over the opening bracket; true when the collection is empty (its closing bracket consumed too). */
  private openEmpty(close: number): boolean {
    this.at++;
    this.skipSpaces();
    if (this.text.charCodeAt(this.at) !== close) return false;
    this.at++;
    return true;
  }

  /** After an entry: true at the closing bracket (consumed), false after a comma followed by another entry. */
  private endOfEntry(close: number): boolean {
    const text = this.text;
    this.skipSpaces();
    const ch = text.charCodeAt(this.at);
    if (ch === close) {
      this.at++;
      return true;
    }
    if (ch !== COMMA) throw UNSUPPORTED;
    this.at++;
    this.skipSpaces();
    const next = text.charCodeAt(this.at);
    if (next === close || next === COMMA || this.at >= this.end) throw UNSUPPORTED;
    return false;
  }

  private quoted(): string {
    const text = this.text;
    const quote = text.charCodeAt(this.at);
    const close = this.parser.closingQuote(this.at, this.end);
    let value = text.slice(this.at + 1, close);
    if (quote === SQUOTE) value = value.replaceAll("''", "'");
    this.at = close + 1;
    return value;
  }

  /** A plain scalar inside a flow collection: it ends at a flow indicator, `: `, or `:` before one. */
  private plain(): unknown {
    const text = this.text;
    const start = this.at;
    const first = text.charCodeAt(start);
    if (first < 128 && INDICATOR[first] === 1) throw UNSUPPORTED;
    if (first === DASH) {
      const next = text.charCodeAt(start + 1);
      // A lone dash (`[cat, -]`) is the string "-" to go-yaml; js-yaml refuses it.
      if (next === COMMA || next === RBRACKET || next === RBRACE) {
        this.at = start + 1;
        return '-';
      }
      if (next === SPACE || isFlowIndicator(next)) throw UNSUPPORTED;
    }
    let i = start;
    for (; i < this.end; i++) {
      const ch = text.charCodeAt(i);
      if (isFlowIndicator(ch)) break;
      if (ch === COLON) {
        const next = text.charCodeAt(i + 1);
        if (next === SPACE || isFlowIndicator(next)) break;
      } else if ((ch === HASH && text.charCodeAt(i - 1) === SPACE) || ch === QUESTION) {
        // go-yaml ends a plain scalar at `?` in a flow collection: left to js-yaml, and the loader refuses it.
        throw UNSUPPORTED;
      }
    }
    if (i >= this.end) throw UNSUPPORTED;
    const ch = text.charCodeAt(i);
    if (ch === LBRACE || ch === LBRACKET) throw UNSUPPORTED;
    let stop = i;
    while (text.charCodeAt(stop - 1) === SPACE) stop--;
    this.at = i;
    // Flow mappings are mostly keys (`{cpu: 100m, memory: 128Mi}`); a value equal to a known name is that same string.
    return knownKey(text, start, stop - start) ?? this.parser.resolve(text.slice(start, stop));
  }

  private skipSpaces(): void {
    while (this.at < this.end && this.text.charCodeAt(this.at) === SPACE) this.at++;
  }
}

/** A plain key's resolved value as a key; a null key (`null: x`, `~: x`), which kubectl refuses, is left to js-yaml's path, where the loader refuses it. */
function keyOf(resolved: unknown): string {
  if (resolved === null) throw UNSUPPORTED;
  return String(resolved);
}

function isFlowIndicator(ch: number): boolean {
  return ch === COMMA || ch === LBRACKET || ch === RBRACKET || ch === LBRACE || ch === RBRACE;
}
