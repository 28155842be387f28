import {
  baselineEntryLabel, groupByObject, locationLabel, objectKey, objectLabel, printable, qualifiedKind, repositoryPaths, staleBaselineEntryText,
  unmatchedBaselineText, unusedSuppressionText,
} from './shared';
import { isBlockingFinding, type Finding, type NotCheckedObject, type ObjectSummary, type Report, type Suppression } from '../engine/report';
import { STDIN_NAME } from '../loader/read';
import { ChunkWriter, joinChunks, type Emit } from '../model/chunks';
import type { SourceLocation } from '../model/kube-object';

/**
 * JUnit XML for CI test tabs: one testsuite per object, one testcase per finding. Failures and errors
 * follow the exit code, as CI test steps fail the build on either: a blocking finding is a failure, a
 * blocking rule error (a rule that could not judge the object) an error, and what blocks nothing
 * (warnings and rule errors under `enforcement: warn`, unknowns, suppressed and baselined findings)
 * is skipped with the reason. An object without findings is one passing testcase, unless it was not
 * checked (an unmapped kind holding a pod template): that is one skipped testcase saying why (and,
 * when a suppression acknowledges the object, with the suppression's reason). Unused
 * suppressions, stale baseline entries and the count of baseline entries that matched no finding
 * close the report, as skipped testcases of their own suite.
 */
export function formatJunit(report: Report, options: JunitReportOptions = {}): string {
  return joinChunks((emit) => formatJunitChunks(report, emit, options));
}

export interface JunitReportOptions {
  /**
   * Folder that `file` attributes are relative to: GitLab links a testcase's file from the
   * repository root, so a run in a subfolder names its files from there.
   * @default `cwd`
   */
  readonly root?: string;
  /** Folder that relative file names in the report are relative to. @default process.cwd() */
  readonly cwd?: string;
}

/** How a finding is reported: a failure, an error, or a skipped testcase. */
type CaseKind = 'failure' | 'error' | 'skipped';

function caseKind(f: Finding): CaseKind {
  if (!isBlockingFinding(f)) return 'skipped';
  return f.outcome === 'error' ? 'error' : 'failure';
}

/**
 * The same XML as {@link formatJunit}, handed to `emit` in chunks. The totals open the document, so
 * they are counted in a first pass and each suite is written in the second.
 */
export function formatJunitChunks(report: Report, emit: Emit, options: JunitReportOptions = {}): void {
  const cwd = options.cwd ?? process.cwd();
  const repositoryPath = repositoryPaths(options.root ?? cwd, cwd);
  const fileOf = (source: SourceLocation): string | undefined => {
    const { file } = source;
    return file === undefined || file === STDIN_NAME ? file : repositoryPath(file);
  };
  const notChecked = new Map(report.notChecked.map((item) => [objectKey(item), item]));
  const groups = groupByObject(report);
  const totals = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  for (const { object, findings } of groups) {
    const counts = suiteCounts(findings, notChecked.has(objectKey(object)));
    totals.tests += counts.tests;
    totals.failures += counts.failures;
    totals.errors += counts.errors;
    totals.skipped += counts.skipped;
  }
  const upkeep = upkeepCases(report);
  totals.tests += upkeep.length;
  totals.skipped += upkeep.length;
  const suiteNames = uniqueSuiteNames(groups.map((group) => group.object));
  const out = new ChunkWriter(emit);
  const name = `hardpod check (${report.level}, Kubernetes ${report.kubernetesVersion})`;
  out.write(`<?xml version="1.0" encoding="UTF-8"?>\n<testsuites ${attrs({ name, ...totals })}>\n`);
  for (let g = 0; g < groups.length; g++) {
    const { object, findings } = groups[g];
    const file = fileOf(object.source);
    const classname = `hardpod.${qualifiedKind(object)}.${object.namespace ? `${object.namespace}.` : ''}${object.name || 'unnamed'}`;
    const notCheckedItem = notChecked.get(objectKey(object));
    const counts = suiteCounts(findings, notCheckedItem !== undefined);
    const cases: string[] = [];
    if (notCheckedItem !== undefined) {
      cases.push(`    <testcase ${attrs({ name: 'not checked', classname, file, line: object.source.line })}>\n      <skipped ${attrs({ message: notCheckedSkipMessage(notCheckedItem) })}/>\n    </testcase>`);
    } else if (findings.length === 0) {
      cases.push(`    <testcase ${attrs({ name: `passes ${report.level}`, classname, file, line: object.source.line })}/>`);
    }
    for (const f of findings) {
      const caseAttrs = attrs({ name: `${f.rule}${f.path ? ` ${f.path}` : ''}`, classname, file: fileOf(f.source), line: f.source.line });
      const kind = caseKind(f);
      const detail = kind === 'error'
        ? `<error ${attrs({ message: f.message, type: 'rule-error' })}>${findingText(f)}</error>`
        : kind === 'failure'
          ? `<failure ${attrs({ message: f.message, type: f.severity })}>${findingText(f)}</failure>`
          : `<skipped ${attrs({ message: `${skipReason(f)}: ${f.message}` })}/>`;
      cases.push(`    <testcase ${caseAttrs}>\n      ${detail}\n    </testcase>`);
    }
    out.write(`  <testsuite ${attrs({ name: suiteNames[g], ...counts, file })}>\n${cases.join('\n')}\n  </testsuite>\n`);
  }
  if (upkeep.length > 0) {
    out.write(`  <testsuite ${attrs({ name: 'suppressions and baseline', tests: upkeep.length, failures: 0, errors: 0, skipped: upkeep.length })}>\n${upkeep.join('\n')}\n  </testsuite>\n`);
  }
  out.write('</testsuites>\n');
  out.flush();
}

/**
 * Each object's suite name: its label, with its file where another object has the same label (the
 * same Deployment in a staging and a production folder), and its place among them where they share
 * the file too. GitLab keys a testcase by suite, classname and name, and shows one of those that
 * share a key; the file rather than the line, so that a name survives edits above the object.
 */
function uniqueSuiteNames(objects: readonly ObjectSummary[]): string[] {
  const labels = objects.map((object) => objectLabel(object));
  const labelCount = new Map<string, number>();
  for (const label of labels) labelCount.set(label, (labelCount.get(label) ?? 0) + 1);
  const withFile = labels.map((label, i) => {
    const file = objects[i].source.file;
    return labelCount.get(label)! > 1 && file !== undefined ? `${label} (${printable(file)})` : label;
  });
  const nameCount = new Map<string, number>();
  for (const name of withFile) nameCount.set(name, (nameCount.get(name) ?? 0) + 1);
  const seen = new Map<string, number>();
  return withFile.map((name) => {
    if (nameCount.get(name)! === 1) return name;
    const nth = (seen.get(name) ?? 0) + 1;
    seen.set(name, nth);
    return `${name} #${nth}`;
  });
}

/**
 * Suppressions that waived nothing and baseline entries whose finding is gone: one skipped testcase
 * each, saying what to remove, so a CI test tab lists them as the text report does; then one saying
 * how many baseline entries matched no finding.
 */
function upkeepCases(report: Report): string[] {
  const cases: string[] = [];
  const classname = 'hardpod.suppressions';
  for (const entry of report.unusedSuppressions ?? []) {
    const name = `unused suppression ${entry.rule} on ${objectLabel({ ...entry, source: {} })}`;
    cases.push(`    <testcase ${attrs({ name, classname })}>\n      <skipped ${attrs({ message: unusedSuppressionText(entry) })}/>\n    </testcase>`);
  }
  for (const entry of report.staleBaseline ?? []) {
    const name = `stale baseline entry ${baselineEntryLabel(entry)}`;
    cases.push(`    <testcase ${attrs({ name, classname: 'hardpod.baseline' })}>\n      <skipped ${attrs({ message: staleBaselineEntryText(entry) })}/>\n    </testcase>`);
  }
  const unmatched = unmatchedBaselineText(report);
  if (unmatched !== undefined) {
    cases.push(`    <testcase ${attrs({ name: 'baseline entries that matched no finding', classname: 'hardpod.baseline' })}>\n      <skipped ${attrs({ message: unmatched })}/>\n    </testcase>`);
  }
  return cases;
}

/** One object's testcases by kind: one per finding, or one passing (or, when not checked, skipped) testcase. */
function suiteCounts(findings: readonly Finding[], notChecked: boolean): { tests: number; failures: number; errors: number; skipped: number } {
  const counts = { tests: findings.length, failures: 0, errors: 0, skipped: 0 };
  if (notChecked) {
    counts.tests++;
    counts.skipped++;
  } else if (findings.length === 0) {
    counts.tests++;
  }
  for (const f of findings) {
    const kind = caseKind(f);
    if (kind === 'failure') counts.failures++;
    else if (kind === 'error') counts.errors++;
    else counts.skipped++;
  }
  return counts;
}

/** `not checked: <why>`, after `suppressed (<reason>): ` when a suppression acknowledges the object. */
function notCheckedSkipMessage(item: NotCheckedObject): string {
  const message = `not checked: ${item.reason}`;
  return item.suppression ? `${suppressedReason(item.suppression)}: ${message}` : message;
}

function suppressedReason(suppression: Suppression | undefined): string {
  return `suppressed (${suppression?.reason ?? 'no reason'})`;
}

function skipReason(f: Finding): string {
  if (f.outcome === 'suppressed') return suppressedReason(f.suppression);
  if (f.baselined) return 'baselined';
  if (f.outcome === 'unknown') return 'unknown';
  if (f.outcome === 'error') return 'rule error, not blocking (enforcement warn)';
  return 'warning';
}

/**
 * A failure's text, escaped as XML content: the rule and path, the message, the remediation and where.
 * Its lines are escaped one by one (escaping them joined gives the same text, as no line ends inside a
 * surrogate pair), so that the lines thousands of findings share are escaped once ({@link escapeXml}).
 */
function findingText(f: Finding): string {
  const where = locationLabel(f.source);
  const head = escapeXml(`${f.rule} (${f.severity}${f.pss ? `, PSS ${f.pss}` : ''}) at ${f.path || 'the object'}`);
  const body = `${head}\n${escapeXml(f.message)}\n${escapeXml(`fix: ${f.remediation}`)}`;
  // Where differs from finding to finding: escaped without being remembered.
  return where ? `${body}\n${escapeOnce(`at ${where}`, false)}` : body;
}

/** `k="v"` for each attribute with a value, escaped; one loop, as every testcase writes two or three of these. */
function attrs(values: Readonly<Record<string, string | number | undefined>>): string {
  let written = '';
  for (const key in values) {
    const value = values[key];
    if (value === undefined || value === '') continue;
    written += `${written === '' ? '' : ' '}${key}="${typeof value === 'string' ? escapeXml(value, true) : value}"`;
  }
  return written;
}

/** What XML 1.0 cannot hold at all: control characters other than tab, newline and carriage return; lone surrogates. */
const NOT_XML = '[\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\ufffe\\uffff]|[\\ud800-\\udbff](?![\\udc00-\\udfff])|(?<![\\ud800-\\udbff])[\\udc00-\\udfff]';
const CONTENT_ESCAPES = new RegExp(`${NOT_XML}|[&<>\\r]`, 'g');
const ATTRIBUTE_ESCAPES = new RegExp(`${NOT_XML}|[&<>\\r"\\n\\t]`, 'g');
const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r': '&#13;', '"': '&quot;', '\n': '&#10;', '\t': '&#9;' };
const escapeOne = (ch: string): string => ESCAPES[ch] ?? '\ufffd';
/**
 * Texts escaped so far: a report of tens of thousands of findings escapes the same messages, paths and
 * file names again and again. Bounded: past the bound the memory starts over.
 */
const ESCAPED_CONTENT = new Map<string, string>();
const ESCAPED_ATTRIBUTES = new Map<string, string>();
const MAX_ESCAPED_TEXTS = 50_000;

function escapeOnce(text: string, attribute: boolean): string {
  return text.replace(attribute ? ATTRIBUTE_ESCAPES : CONTENT_ESCAPES, escapeOne);
}

/**
 * Escapes text for XML content, or for an attribute value (where newlines and tabs would be
 * normalised to spaces unless escaped), and replaces what XML 1.0 cannot hold at all with U+FFFD.
 * In one pass over the text, remembering the result for the next finding that repeats it.
 */
export function escapeXml(text: string, attribute = false): string {
  const known = attribute ? ESCAPED_ATTRIBUTES : ESCAPED_CONTENT;
  let escaped = known.get(text);
  if (escaped === undefined) {
    escaped = escapeOnce(text, attribute);
    if (known.size >= MAX_ESCAPED_TEXTS) known.clear();
    known.set(text, escaped);
  }
  return escaped;
}
