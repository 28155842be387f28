import type { Document, LineCounter, Node as YamlNode, Pair } from 'yaml';
import type { PathSegment } from '../model/field-path';

/**
 * Exact line lookup with the `yaml` parser (any YAML, anchors and aliases included). Much slower
 * than the block index and the JSON outline, so it is used only for YAML documents the block index
 * gives up on, and only once one of them has a finding or is a List.
 */
export class ExactLines {
  private readonly yaml: typeof import('yaml');
  private readonly lineCounter: LineCounter;
  private readonly document: Document.Parsed;

  constructor(text: string) {
    // Loaded on first use: most runs never need it, and loading it costs more than a small check.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    this.yaml = require('yaml') as typeof import('yaml');
    this.lineCounter = new this.yaml.LineCounter();
    // Aliases are followed by lookups one at a time, never expanded, so alias bombs stay cheap here.
    this.document = this.yaml.parseDocument(text, { lineCounter: this.lineCounter, uniqueKeys: false, prettyErrors: false });
  }

  /** 0-based line of the deepest node of `segments` that exists, or undefined when the document is empty. */
  line(segments: readonly PathSegment[]): number | undefined {
    const { isAlias, isMap, isScalar, isSeq } = this.yaml;
    let node = this.document.contents as YamlNode | null;
    if (!node) return undefined;
    let offset = node.range?.[0];
    for (const segment of segments) {
      if (isAlias(node)) node = node.resolve(this.document) ?? null;
      if (!node) break;
      if (typeof segment === 'number' && isSeq(node)) {
        const item = node.items[segment] as YamlNode | undefined;
        if (!item?.range) break;
        node = item;
        offset = item.range[0];
      } else if (isMap(node)) {
        const wanted = String(segment);
        const pair: Pair<unknown, unknown> | undefined = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === wanted);
        if (!pair) break;
        const key = pair.key as YamlNode | null;
        offset = key?.range?.[0] ?? offset;
        node = (pair.value as YamlNode | null) ?? null;
        if (!node) break;
      } else {
        break;
      }
    }
    return offset === undefined ? undefined : this.lineCounter.linePos(offset).line - 1;
  }
}
