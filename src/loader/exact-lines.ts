import type { Document, LineCounter, Node as YamlNode, Pair, YAMLMap } from 'yaml';
import type { ResolvePlainScalar } from './block-lines';
import type { PathSegment } from '../model/field-path';
import { yamlModule } from '../model/lazy-yaml';

/**
 * Exact line lookup with the `yaml` parser (any YAML, anchors and aliases included). Much slower
 * than the block index and the JSON outline, so it is used only for YAML documents the block index
 * gives up on, and only once one of them has a finding or is a List.
 *
 * A path's line is the line the user edits to change the field, inside the object the path names,
 * as deep as the text shows it there. A path that runs through an alias (`securityContext: *sc`)
 * stops at the alias: the anchored original belongs to another object, and editing it would change
 * both. A key a merge (`<<`) brings in is the line of the merged mapping's key when that mapping is
 * written in place (`<<: {privileged: true}`, or anchored there), else of the alias that brings it in.
 */
export class ExactLines {
  private readonly yaml: typeof import('yaml');
  private readonly lineCounter: LineCounter;
  private readonly document: Document.Parsed;

  /** `resolveScalar` reads plain keys as the loader did: `0x1F:` is the key `31`. */
  constructor(text: string, private readonly resolveScalar: ResolvePlainScalar) {
    // Loaded on first use: most runs never need it.
    this.yaml = yamlModule();
    this.lineCounter = new this.yaml.LineCounter();
    // Aliases are followed by lookups one at a time, never expanded, so alias bombs stay cheap here.
    this.document = this.yaml.parseDocument(text, { lineCounter: this.lineCounter, uniqueKeys: false, prettyErrors: false });
  }

  /** 0-based line of the deepest node of `segments` that exists, or undefined when the document is empty. */
  line(segments: readonly PathSegment[]): number | undefined {
    const { isAlias, isMap, isSeq } = this.yaml;
    let node = this.document.contents as YamlNode | null;
    if (!node) return undefined;
    let offset = node.range?.[0];
    for (const segment of segments) {
      if (isAlias(node)) {
        // The rest of the path is in the anchored original, elsewhere: the alias is what to edit here.
        offset = node.range?.[0] ?? offset;
        break;
      }
      if (typeof segment === 'number' && isSeq(node)) {
        const item = node.items[segment] as YamlNode | undefined;
        if (!item?.range) break;
        node = item;
        offset = item.range[0];
      } else if (isMap(node)) {
        const entry = this.entry(node, String(segment), undefined);
        if (!entry) break;
        offset = entry.offset ?? offset;
        node = entry.value;
        if (!node) break;
      } else {
        break;
      }
    }
    return offset === undefined ? undefined : this.lineCounter.linePos(offset).line - 1;
  }

  /**
   * Where `map` sets `key`: its own entry, which wins over merges, else the first merge (`<<`) that
   * brings the key in. `value` is null when the key comes in through an alias (the path stops there).
   * `visited` holds the mappings a merge search has already looked in, so shared anchors are searched once.
   */
  private entry(map: YAMLMap<unknown, unknown>, key: string, visited: Set<unknown> | undefined): MapEntry | undefined {
    const { isScalar } = this.yaml;
    let merged = false;
    for (const pair of map.items) {
      if (isMergeKey(this.yaml, pair)) {
        merged = true;
      } else if ((isScalar(pair.key) ? keyText(pair.key, this.resolveScalar) : String(pair.key)) === key) {
        return { offset: (pair.key as YamlNode | null)?.range?.[0], value: (pair.value as YamlNode | null) ?? null };
      }
    }
    if (!merged) return undefined;
    visited ??= new Set();
    visited.add(map);
    for (const pair of map.items) {
      if (!isMergeKey(this.yaml, pair)) continue;
      const sources = this.yaml.isSeq(pair.value) ? (pair.value.items as YamlNode[]) : [pair.value as YamlNode];
      for (const source of sources) {
        const found = this.mergedEntry(source, key, visited);
        if (found) return found;
      }
    }
    return undefined;
  }

  /** Where one mapping a merge names sets `key`: in place when it is written here, at the alias when it is not. */
  private mergedEntry(source: YamlNode | null, key: string, visited: Set<unknown>): MapEntry | undefined {
    const { isAlias, isMap } = this.yaml;
    if (isMap(source)) return visited.has(source) ? undefined : this.entry(source, key, visited);
    if (!isAlias(source)) return undefined;
    const target = source.resolve(this.document);
    if (!isMap(target) || visited.has(target) || !this.entry(target, key, visited)) return undefined;
    return { offset: source.range?.[0], value: null };
  }
}

/** Where a mapping sets a key: the offset of its line, and the value to follow, null where the path stops. */
interface MapEntry {
  readonly offset: number | undefined;
  readonly value: YamlNode | null;
}

/** A plain `<<` key: a merge. A quoted "<<" is an ordinary key. */
function isMergeKey(yaml: typeof import('yaml'), pair: Pair<unknown, unknown>): boolean {
  return yaml.isScalar(pair.key) && pair.key.value === '<<' && pair.key.type === 'PLAIN';
}

/** A scalar key as the loader writes it: a plain one resolved by the schema, others by their text. */
export function keyText(node: YamlNode, resolveScalar: ResolvePlainScalar): string {
  const yaml = yamlModule();
  if (!yaml.isScalar(node)) return '';
  if (node.type === 'PLAIN' && node.tag === undefined && typeof node.source === 'string') {
    return String(resolveScalar(node.source));
  }
  return String(node.value);
}
