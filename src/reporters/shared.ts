import { isAbsolute, relative, resolve, sep } from 'node:path';
import { SUPPRESS_ANNOTATION_PREFIX, type BaselineEntry } from '../engine/config';
import { isBlockingFinding, NOT_CHECKED_ID, type Finding, type ObjectSummary, type Report, type Suppression, type UnusedSuppression } from '../engine/report';
import { objectIdentityKey, sameObjectIdentity, type ObjectIdentity, type SourceLocation } from '../model/kube-object';
import type { ControlMapping } from '../rules/rule';

/** Helpers every reporter shares: object identity, grouping, locations, and summary wording. */

/**
 * Control characters (C0, DEL, C1) and bidirectional-text controls: a manifest's names, keys and
 * values may hold them, and printed raw they would let the input drive the reader's terminal
 * (`\x1b[2K` erasing a FAIL line, a title change, text shown reversed) or break a report's lines.
 */
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const UNPRINTABLE_ALL = new RegExp(UNPRINTABLE.source, 'g');

/** Text from the input made safe to print: each unprintable character written as a `\uXXXX` escape. */
export function printable(text: string): string {
  if (!UNPRINTABLE.test(text)) return text;
  return text.replace(UNPRINTABLE_ALL, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * `Deployment shop/web`, or `Deployment web` without a namespace; `Job shop/migrate-* (generateName)`
 * for an object named at creation from its generateName, `Deployment (unnamed)` with neither;
 * `Service.serving.knative.dev shop/web` (kind.group, as kubectl names a resource of a group) for an
 * object whose group is part of its identity.
 */
export function objectLabel(object: ObjectIdentity): string {
  const name = object.name !== '' ? object.name : object.generateName !== undefined ? `${object.generateName}* (generateName)` : '(unnamed)';
  return printable(`${qualifiedKind(object)} ${object.namespace ? `${object.namespace}/` : ''}${name}`);
}

/** The kind, followed by the group where it is part of the object's identity: `Service.serving.knative.dev`. */
export function qualifiedKind(object: { readonly kind: string; readonly group?: string }): string {
  return object.group === undefined ? object.kind : `${object.kind}.${object.group}`;
}

/** `file:line`, `file`, a construct path or resource name, or undefined when nothing is known. */
export function locationLabel(source: SourceLocation): string | undefined {
  if (source.file) return printable(source.line ? `${source.file}:${source.line}` : source.file);
  const label = source.constructPath ?? source.resourceName;
  return label === undefined ? undefined : printable(label);
}

/**
 * Key grouping findings with their object ({@link objectIdentityKey}): findings carry the object's
 * identity, not its index. The document index is part of it, so that a file holding the same object
 * twice (a copy pasted into a second document) reports each copy's findings under its own line.
 */
export function objectKey(object: ObjectIdentity): string {
  return objectIdentityKey(object.source, object.kind, object.namespace, object.name, object.generateName);
}

/** One object with its findings, in report order. */
export interface ObjectFindings {
  readonly object: ObjectSummary;
  readonly findings: readonly Finding[];
}

/**
 * Findings grouped per object, objects in input order. Findings of an object the report does not
 * list (a hand-built report) get a group of their own, so nothing is dropped.
 */
export function groupByObject(report: Report): ObjectFindings[] {
  return groupInReportOrder(report) ?? groupByKey(report);
}

/**
 * The grouping of a report as evaluate() makes it: each object's findings together, in the order of
 * the objects. Both lists are walked at once, with no key built per object or finding (a large
 * run has thousands of each). Undefined when some finding is out of that order.
 */
function groupInReportOrder(report: Report): ObjectFindings[] | undefined {
  const { objects, findings } = report;
  const groups: ObjectFindings[] = new Array(objects.length);
  let next = 0;
  for (let i = 0; i < objects.length; i++) {
    const object = objects[i];
    let end = next;
    while (end < findings.length && sameObjectIdentity(findings[end], object)) end++;
    groups[i] = { object, findings: findings.slice(next, end) };
    next = end;
  }
  return next === findings.length ? groups : undefined;
}

function groupByKey(report: Report): ObjectFindings[] {
  const groups = new Map<string, { object: ObjectSummary; findings: Finding[] }>();
  for (let i = 0; i < report.objects.length; i++) {
    const object = report.objects[i];
    const key = objectKey(object);
    if (!groups.has(key)) groups.set(key, { object, findings: [] });
  }
  let previous: Finding | undefined;
  let group: { object: ObjectSummary; findings: Finding[] } | undefined;
  for (let i = 0; i < report.findings.length; i++) {
    const finding = report.findings[i];
    // The engine emits an object's findings together: only a change of object needs a key lookup.
    if (!previous || !sameObjectIdentity(previous, finding)) group = groups.get(objectKey(finding));
    previous = finding;
    if (!group) {
      const { kind, group: apiGroup, name, generateName, namespace, source } = finding;
      group = { object: { kind, group: apiGroup, name, generateName, namespace, source }, findings: [] };
      groups.set(objectKey(finding), group);
    }
    group.findings.push(finding);
  }
  return [...groups.values()];
}

/** Blocking findings: the ones that make `check` exit 1. */
export function blockingCount(report: Report): number {
  let count = 0;
  for (const f of report.findings) if (isBlockingFinding(f)) count++;
  return count;
}

/** `NIST SP 800-190 (2017) 4.4.3`. */
export function controlLabel(control: ControlMapping): string {
  return `${control.framework} (${control.edition}) ${control.id}`;
}

/**
 * The summary counts in one line of prose, checks and findings apart so that each adds up (a check
 * can have several findings): `1 object, 13 checks: 12 passed, 1 with findings, 0 not applicable; 2 findings: 2 failed`.
 */
export function summaryLine(report: Report): string {
  const s = report.summary;
  const checks = [`${s.pass} passed`];
  if (s.checksWithFindings) checks.push(`${s.checksWithFindings} with findings`);
  checks.push(`${s.notApplicable} not applicable`);
  const findings: string[] = [];
  if (s.fail) findings.push(`${s.fail} failed${s.baselined ? ` (${s.baselined} baselined)` : ''}`);
  if (s.unknown) findings.push(`${s.unknown} unknown`);
  if (s.error) findings.push(`${s.error} error${s.error === 1 ? '' : 's'}${s.baselined && !s.fail ? ` (${s.baselined} baselined)` : ''}`);
  if (s.suppressed) findings.push(`${s.suppressed} suppressed`);
  const findingCount = s.fail + s.unknown + s.error + s.suppressed;
  const findingText = findingCount === 0 ? 'no findings' : `${findingCount} finding${findingCount === 1 ? '' : 's'}: ${findings.join(', ')}`;
  return `${s.objects} object${s.objects === 1 ? '' : 's'}, ${s.checks} check${s.checks === 1 ? '' : 's'}: ${checks.join(', ')}; ${findingText}`;
}

/**
 * An unused suppression as every report words it, with where to remove it:
 * `Unused suppression: privileged on Deployment shop/web matched no finding; remove the annotation hardpod.dev/suppress.privileged.`
 */
export function unusedSuppressionText(entry: UnusedSuppression): string {
  const what = entry.source === 'annotation' ? `the annotation ${SUPPRESS_ANNOTATION_PREFIX}${entry.rule}` : 'it from the config';
  const matched = entry.rule === NOT_CHECKED_ID ? 'matched no object hardpod could not check' : 'matched no finding';
  return printable(`Unused suppression: ${entry.rule} on ${objectLabel({ ...entry, source: {} })} ${matched}; remove ${what}.`);
}

/** What stale baseline entries are and what to do, for a list of `count` of them. */
export function staleBaselineHeading(count: number): string {
  return `Stale baseline: ${count} entr${count === 1 ? 'y matches' : 'ies match'} no finding any more (fixed); write the baseline again with --write-baseline to drop ${count === 1 ? 'it' : 'them'}:`;
}

/** A baseline entry's finding: `probes on Deployment shop/web spec.template.spec.containers[name="app"].readinessProbe`. */
export function baselineEntryLabel(entry: BaselineEntry): string {
  const { kind, group, name, generateName, namespace } = entry;
  const object = kind === undefined || name === undefined ? '?' : objectLabel({ kind, group, name, generateName, namespace, source: {} });
  return printable(`${entry.rule ?? '?'} on ${object} ${entry.path ?? ''}`.trimEnd());
}

/** One stale baseline entry on its own line, as the formats without a list heading (JUnit, SARIF) word it. */
export function staleBaselineEntryText(entry: BaselineEntry): string {
  return `${staleBaselineHeading(1)} ${baselineEntryLabel(entry)}`;
}

/**
 * How many baseline entries matched no finding, the stale ones and the others apart, and what to do,
 * or undefined when every entry matched (or no baseline was given):
 * `Baseline: 2 entries matched no finding: 1 fixed (listed as stale), 1 of an object not in this input ...`.
 */
export function unmatchedBaselineText(report: Report): string | undefined {
  const count = report.summary.baselineUnmatched ?? 0;
  if (count === 0) return undefined;
  // A hand-built report may list stale entries it does not count.
  const stale = Math.min(report.staleBaseline?.length ?? 0, count);
  const others = count - stale;
  const parts: string[] = [];
  if (stale > 0) parts.push(`${stale} fixed (listed as stale)`);
  if (others > 0) {
    parts.push(others === 1
      ? '1 of an object not in this input or a rule this run did not run (deleted, or outside this run)'
      : `${others} of objects not in this input or rules this run did not run (deleted, or outside this run)`);
  }
  return `Baseline: ${count} entr${count === 1 ? 'y' : 'ies'} matched no finding: ${parts.join(', ')}; `
    + `write the baseline again from a run over every manifest, at the same level and config, to drop ${count === 1 ? 'it' : 'them'}.`;
}

/** `suppressed by annotation: <reason>`, as the text reports write a suppression. */
export function suppressionText(suppression: Suppression): string {
  return `suppressed by ${suppression.source}: ${printable(suppression.reason)}`;
}

/**
 * The lines the text reports end with about suppressions and the baseline: each unused suppression,
 * then the stale baseline entries under their heading (both painted by `highlight`), then how many
 * baseline entries matched no finding, added to `lines`.
 */
export function suppressionNoteLines(report: Report, highlight: (text: string) => string, lines: string[]): void {
  for (const entry of report.unusedSuppressions ?? []) lines.push(highlight(unusedSuppressionText(entry)));
  const stale = report.staleBaseline ?? [];
  if (stale.length > 0) {
    lines.push(highlight(staleBaselineHeading(stale.length)));
    for (const entry of stale) lines.push(`  ${baselineEntryLabel(entry)}`);
  }
  const unmatched = unmatchedBaselineText(report);
  if (unmatched !== undefined) lines.push(unmatched);
}

/** A file's path from the repository root (forward slashes) when it is inside it, else its absolute path. */
export function repositoryPath(file: string, root: string, cwd: string): string {
  const absolute = resolve(cwd, file);
  const rel = relative(resolve(root), absolute);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel.split(sep).join('/') : absolute;
}

/**
 * {@link repositoryPath} for one report, worked out once per file: a report names the same few files
 * for tens of thousands of findings, and resolving a path each time costs more than the rest of a result.
 */
export function repositoryPaths(root: string, cwd: string): (file: string) => string {
  const known = new Map<string, string>();
  return (file) => {
    let path = known.get(file);
    if (path === undefined) known.set(file, (path = repositoryPath(file, root, cwd)));
    return path;
  };
}
