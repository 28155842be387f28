import { blockingCount, groupByObject, locationLabel, objectLabel, printable, suppressionNoteLines, suppressionText, summaryLine } from './shared';
import { isBlockingFinding, type Finding, type Report } from '../engine/report';
import { ChunkWriter, joinChunks, type Emit } from '../model/chunks';

export interface TextReportOptions {
  /** Colour the output with ANSI escapes; decide with {@link shouldColor}. @default false */
  readonly color?: boolean;
  /** List objects that have no findings too. @default false */
  readonly showPassing?: boolean;
}

/** ANSI SGR codes; styleText is not used because its TTY handling differs across Node 20 and 22. */
const STYLES = { bold: [1, 22], dim: [2, 22], red: [31, 39], green: [32, 39], yellow: [33, 39], cyan: [36, 39], magenta: [35, 39] } as const;
type Style = keyof typeof STYLES;

/**
 * Whether to colour output for a stream: FORCE_COLOR (other than `0`) forces it, NO_COLOR (any
 * non-empty value) or FORCE_COLOR=0 turns it off, otherwise only a terminal that is not `dumb` gets colour.
 */
export function shouldColor(stream: { readonly isTTY?: boolean }, env: Readonly<Record<string, string | undefined>>): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '') return force !== '0' && force !== 'false';
  if (env.NO_COLOR) return false;
  return stream.isTTY === true && env.TERM !== 'dumb';
}

/** A styler: ANSI codes around text, or the text itself when colour is off. */
type Paint = (style: Style, text: string) => string;
const plain: Paint = (_style, text) => text;
const ansi: Paint = (style, text) => `\u001b[${STYLES[style][0]}m${text}\u001b[${STYLES[style][1]}m`;

/** The human report: findings grouped per object, each with its field and message, and each rule's remediation at its first finding. */
export function formatText(report: Report, options: TextReportOptions = {}): string {
  return joinChunks((emit) => formatTextChunks(report, options, emit));
}

/**
 * The same report as {@link formatText}, handed to `emit` in chunks as it is built (see chunks.ts):
 * a report of tens of thousands of findings is written out without ever being one string.
 */
export function formatTextChunks(report: Report, options: TextReportOptions, emit: Emit): void {
  const paint = options.color ? ansi : plain;
  const out = new ChunkWriter(emit);
  // A rule's remediation is printed at its first finding only: on large inputs the same advice
  // repeated for every object would bury the findings.
  const explained = new Set<string>();
  const texts = new FindingTexts(paint);

  for (const { object, findings } of groupByObject(report)) {
    if (findings.length === 0 && !options.showPassing) continue;
    const where = locationLabel(object.source);
    const verdict = findings.some(isBlockingFinding) ? paint('red', 'FAIL') : findings.length === 0 ? paint('green', 'PASS') : paint('yellow', 'NOTE');
    out.write(`${verdict} ${paint('bold', objectLabel(object))}`);
    if (where) out.write(`  ${paint('dim', where)}`);
    if (object.source.template) out.write(` (from ${printable(object.source.template)})`);
    out.write('\n');
    const ordered = byLine(findings);
    for (let i = 0; i < ordered.length; i++) {
      const finding = ordered[i];
      findingLines(finding, paint, !explained.has(finding.rule), texts, out);
      explained.add(finding.rule);
    }
    out.write('\n');
  }

  const lines: string[] = [];
  if (report.notChecked.length > 0) {
    lines.push(paint('yellow', 'Not checked (kind not mapped to a pod template; each says how to check it):'));
    for (let j = 0; j < report.notChecked.length; j++) {
      const item = report.notChecked[j];
      lines.push(`  ${objectLabel(item)}  ${locationLabel(item.source) ?? ''}  ${printable(item.reason)}`);
      if (item.suppression) lines.push(`      ${paint('dim', suppressionText(item.suppression))}`);
    }
    lines.push('');
  }
  suppressionNoteLines(report, (text) => paint('yellow', text), lines);

  const blocking = blockingCount(report);
  lines.push(summaryLine(report));
  const context = `level ${report.level}, Kubernetes ${report.kubernetesVersion}, rule-set edition ${report.edition}`;
  lines.push(blocking > 0
    ? `${paint('red', paint('bold', 'FAIL'))}: ${blocking} blocking finding${blocking === 1 ? '' : 's'} (${context})`
    : `${paint('green', paint('bold', 'PASS'))}: no blocking findings (${context})`);
  out.write(`${lines.join('\n')}\n`);
  out.flush();
}

/** Up to this many findings, an object's are ordered by insertion; beyond, by Array.prototype.sort. */
const INSERTION_SORT_LIMIT = 32;

/**
 * An object's findings ordered by line (stable). The engine records them rule by rule, not by line,
 * and an object usually has a few dozen at most: those are ordered by insertion into a copy, which
 * costs less than a sort calling a comparator; an object with more is sorted.
 */
function byLine(findings: readonly Finding[]): readonly Finding[] {
  if (findings.length > INSERTION_SORT_LIMIT) return [...findings].sort((a, b) => lineOf(a) - lineOf(b));
  const ordered = findings.slice();
  for (let i = 1; i < ordered.length; i++) {
    const finding = ordered[i];
    const line = lineOf(finding);
    let at = i;
    while (at > 0 && lineOf(ordered[at - 1]) > line) {
      ordered[at] = ordered[at - 1];
      at--;
    }
    ordered[at] = finding;
  }
  return ordered;
}

function lineOf(finding: Finding): number {
  return finding.source.line ?? 0;
}

/** Writes a finding's lines (each ending in a newline). */
function findingLines(f: Finding, paint: Paint, explain: boolean, texts: FindingTexts, out: ChunkWriter): void {
  const { head, tail } = texts.of(f);
  // One string per finding: tens of thousands of findings make a piece per field cost more than the text.
  out.write(f.source.line ? `${head}${paint('dim', `:${f.source.line}`)}${tail}` : `${head}${tail}`);
  if (f.suppression) out.write(`      ${paint('dim', suppressionText(f.suppression))}\n`);
  else if (explain && f.remediation) out.write(`      ${paint('dim', 'fix:')} ${f.remediation}\n`);
}

/** A finding's lines before and after its line number. */
interface FindingText {
  readonly rule: string;
  readonly tag: string;
  readonly severity: string;
  readonly pss: string | null;
  /** `  fail rule severity [PSS id]  path`. */
  readonly head: string;
  /** The message line: `\n      message\n`. */
  readonly tail: string;
}

const MAX_KEPT_FINDING_TEXTS = 100_000;

/**
 * The painted text of findings, made once per message and path: across thousands of objects a rule
 * reports the same path and message (the rules share those strings), so each finding's text is
 * looked up rather than painted, escaped and joined again.
 */
class FindingTexts {
  private readonly byMessage = new Map<string, Map<string, FindingText[]>>();
  /** Texts kept; past the bound, findings of messages not seen yet are painted each time (messages naming each object would otherwise fill it). */
  private kept = 0;
  private readonly tags: Readonly<Record<'suppressed' | 'baselined' | 'unknown' | 'error' | 'warn' | 'fail', string>>;

  constructor(private readonly paint: Paint) {
    this.tags = {
      suppressed: paint('dim', 'suppressed'),
      baselined: paint('dim', 'baselined'),
      unknown: paint('yellow', 'unknown'),
      error: paint('magenta', 'error'),
      warn: paint('yellow', 'warn'),
      fail: paint('red', 'fail'),
    };
  }

  of(f: Finding): FindingText {
    const tag = this.tagOf(f);
    const byPath = this.byMessage.get(f.message);
    const texts = byPath?.get(f.path);
    if (texts !== undefined) {
      for (let i = 0; i < texts.length; i++) {
        const text = texts[i];
        if (text.rule === f.rule && text.tag === tag && text.severity === f.severity && text.pss === f.pss) return text;
      }
    }
    const { paint } = this;
    const pss = f.pss ? ` [PSS ${f.pss}]` : '';
    // Joined from an array: the result is one flat string, which thousands of findings then share.
    const text: FindingText = {
      rule: f.rule,
      tag,
      severity: f.severity,
      pss: f.pss,
      head: ['  ', tag, ' ', paint('bold', f.rule), ' ', f.severity, pss, '  ', paint('cyan', printable(f.path) || '(object)')].join(''),
      tail: ['\n      ', printable(f.message), '\n'].join(''),
    };
    if (this.kept < MAX_KEPT_FINDING_TEXTS) {
      this.kept++;
      if (texts !== undefined) texts.push(text);
      else if (byPath !== undefined) byPath.set(f.path, [text]);
      else this.byMessage.set(f.message, new Map([[f.path, [text]]]));
    }
    return text;
  }

  private tagOf(f: Finding): string {
    const { tags } = this;
    if (f.outcome === 'suppressed') return tags.suppressed;
    if (f.baselined) return tags.baselined;
    if (f.outcome === 'unknown') return tags.unknown;
    if (f.outcome === 'error') return tags.error;
    return f.enforcement === 'warn' ? tags.warn : tags.fail;
  }
}
