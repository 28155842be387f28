import { locationLabel, objectKey, objectLabel, suppressionNoteLines, suppressionText } from './shared';
import type { BaselineEntry } from '../engine/config';
import { NOT_CHECKED_ID, type Finding, type NotCheckedObject, type ObjectSummary, type Report, type ReportSummary, type Suppression, type UnusedSuppression } from '../engine/report';
import { ChunkWriter, joinChunks, StreamedList, streamedList, writeJson, type Emit } from '../model/chunks';
import { BUILT_IN_WORKLOAD_KINDS } from '../model/pod-view';
import { CONTROLS, RULES } from '../rules/catalogue';
import { namespacePsaLabels } from '../rules/namespace-psa-labels';
import { networkPolicy } from '../rules/network-policy';
import { rbacNoClusterAdmin } from '../rules/rbac-no-cluster-admin';
import { rbacNoExec } from '../rules/rbac-no-exec';
import { rbacNoPodCreate } from '../rules/rbac-no-pod-create';
import { rbacNoSecretRead } from '../rules/rbac-no-secret-read';
import type { ControlMapping, RuleMetadata } from '../rules/rule';
import { serviceAccountToken } from '../rules/service-account-token';
import { wellFormedObjects } from '../rules/well-formed-objects';
import { wellFormedPodSpec } from '../rules/well-formed-pod-spec';

/**
 * The rules that judge an object by others of the input (a workload by its namespace's policies,
 * Namespace and ServiceAccounts; a binding by its role), with the kinds they read there: a malformed
 * one of those (well-formed-objects fails it) leaves their verdict without evidence.
 */
const READS_OTHERS: ReadonlyMap<string, readonly string[]> = new Map([
  [networkPolicy.id, ['NetworkPolicy']], [namespacePsaLabels.id, ['Namespace']], [serviceAccountToken.id, ['ServiceAccount']],
  ...[rbacNoClusterAdmin.id, rbacNoExec.id, rbacNoPodCreate.id, rbacNoSecretRead.id].map((id): [string, readonly string[]] => [id, ['Role', 'ClusterRole']]),
]);

/** Frameworks the audit view covers: the ones whose numbering auditors ask for. */
const AUDIT_FRAMEWORKS: ReadonlySet<ControlMapping['framework']> = new Set(['NIST SP 800-190', 'CIS Kubernetes Benchmark', 'CIS Docker Benchmark']);

/**
 * How one object stands against one control. `satisfies`: one of the control's rules ran on the
 * object and passed, and none failed. `not-checked`: the control's rules could not read the object:
 * its kind holds something shaped like a pod template but is not mapped to it, or its pod spec holds
 * fields of the wrong type (`well-formed-pod-spec` fails it), which the rules read as absent, or the
 * API server would refuse it or an object its rules read for it (`well-formed-objects` fails a Role,
 * binding, NetworkPolicy, Namespace or ServiceAccount); an object not checked that a `not-checked` suppression acknowledges is `waived` instead, with its reason.
 * `not-applicable`: the control's rules ran on the object but found nothing of theirs to judge (a
 * binding without a workload subject).
 */
export type ControlVerdict = 'fails' | 'unknown' | 'not-checked' | 'waived' | 'not-applicable' | 'satisfies';

export interface ControlObject {
  readonly kind: string;
  /** The object's API group where it is part of its identity ({@link Finding.group}). */
  readonly group?: string;
  readonly name: string;
  /** `metadata.generateName` of an object without a name. */
  readonly generateName?: string;
  readonly namespace?: string;
  readonly file?: string;
  readonly line?: number;
  readonly verdict: ControlVerdict;
  /**
   * Rules behind the verdict (the failing, unknown, waiving or not applicable ones, or
   * `well-formed-pod-spec` for a pod spec the rules could not read, or `not-checked` for an object
   * not checked that a suppression acknowledges); empty when it satisfies or its kind is not mapped.
   */
  readonly rules: readonly string[];
  /** For a `waived` verdict, the suppression of each of those rules, with its reason and where it was written. @default none */
  readonly suppressions?: readonly Suppression[];
}

export interface ControlStatus {
  readonly framework: ControlMapping['framework'];
  readonly edition: string;
  readonly id: string;
  /** True when the mapping to the control is hardpod's interpretation (all NIST SP 800-190 mappings). */
  readonly interpretation: boolean;
  /** Rules of the catalogue mapped to the control (none for a control no rule checks yet). */
  readonly rules: readonly string[];
  /** Those of {@link rules} the config disables, though the level, Kubernetes version and edition include them. */
  readonly disabledRules: readonly string[];
  /**
   * Those of {@link rules} that ran but could judge no object under the config (the image-facts
   * rules without a lock file, allowed-registries without `hardened.allowedRegistries`).
   */
  readonly inapplicableRules: readonly string[];
  /** False when the control is `not-assessed`: no rule of it judged any object. */
  readonly assessed: boolean;
  /**
   * `fails` if any object fails, else `unknown` if any is unknown or not checked, else `waived` if a
   * suppression waived a violation on any (each object says why), else `satisfied` when some object
   * satisfies it; `not-assessed` when no object was judged (see {@link notAssessedReason}).
   */
  readonly status: 'fails' | 'unknown' | 'waived' | 'satisfied' | 'not-assessed';
  /**
   * Why the control is `not-assessed`, the first that holds: `no-objects` (its rules ran, but no
   * object of the input is one they judge, or each was not applicable), `disabled` (the config
   * disables a rule of it, see {@link disabledRules}), `inapplicable` (they ran but the config gives
   * them nothing to judge, see {@link inapplicableRules}), `not-run` (its rules do not run at this
   * level, Kubernetes version and edition), `no-rule` (no rule of the catalogue checks it). @default none: the control was assessed
   */
  readonly notAssessedReason?: 'no-objects' | 'disabled' | 'inapplicable' | 'not-run' | 'no-rule';
  readonly objects: readonly ControlObject[];
}

export interface ControlsView {
  readonly level: Report['level'];
  readonly kubernetesVersion: string;
  readonly edition: number;
  /** Every rule the config disables ({@link Report.disabledRules}), whether or not it maps a control. */
  readonly disabledRules: readonly string[];
  readonly controls: readonly ControlStatus[];
  /** Suppressions that waived nothing, as the report lists them: an audit sees every waiver written. */
  readonly unusedSuppressions: readonly UnusedSuppression[];
  /** Baseline entries whose finding is gone, as the report lists them. */
  readonly staleBaseline: readonly BaselineEntry[];
  /** Baseline entries that matched no finding, stale or not ({@link ReportSummary.baselineUnmatched}). */
  readonly baselineUnmatched: number;
}

export interface ControlsOptions {
  /** Metadata of the rules. @default the built-in catalogue */
  readonly rules?: readonly RuleMetadata[];
  /** Controls to list even when no rule maps them (those of other frameworks are left out). @default the built-in {@link CONTROLS} */
  readonly controls?: readonly ControlMapping[];
}

/**
 * Every NIST SP 800-190 and CIS control of the controls catalogue ({@link CONTROLS}) or that a rule
 * maps, with the objects of the report that satisfy, fail, waive or cannot be judged against it (a
 * control no rule checks is listed as not assessed). An object is listed for a control when one
 * of the control's rules concerns it (rules that list kinds: objects of those kinds; every other
 * rule: objects that hold a pod spec) or produced a finding for it. Only a rule that ran on the
 * object and passed is evidence that it satisfies the control: a rule the config gives nothing to
 * judge ({@link Report.inapplicableRules}), or one that found the object not applicable
 * ({@link ObjectSummary.notApplicable}), is not, and a control no object satisfies is never
 * `satisfied`. Objects that were not checked (unmapped kinds holding a pod template) and objects
 * whose pod spec holds fields of the wrong type are `not-checked` under every control about pod
 * specs that they do not fail, and so are objects the API server would refuse (`well-formed-objects`)
 * under the controls of the rules about their kind, with the workloads and bindings judged by them, so an audit never reads them as satisfying it (an object not checked
 * that a `not-checked` suppression acknowledges is `waived` there instead). A waiver
 * shows each suppression's reason, and the view lists the suppressions that waived nothing and the
 * stale baseline entries, so an audit sees every waiver written.
 */
export function controlsView(report: Report, options: ControlsOptions = {}): ControlsView {
  const catalogue = options.rules ?? RULES;
  const inapplicable = new Set(report.inapplicableRules);
  const disabled = new Set(report.disabledRules);
  const ran = new Set(report.rules.filter((id) => !inapplicable.has(id)));
  /** Each control's rules, and the field each rule's findings must be at to bear on it ({@link ControlMapping.field}). */
  type ControlEntry = { control: ControlMapping; rules: RuleMetadata[]; fields: Map<string, string> };
  const byControl = new Map<string, ControlEntry>();
  const entryOf = (control: ControlMapping): ControlEntry => {
    const key = `${control.framework}\u0000${control.edition}\u0000${control.id}`;
    let entry = byControl.get(key);
    if (entry === undefined) byControl.set(key, (entry = { control, rules: [], fields: new Map() }));
    return entry;
  };
  for (const control of options.controls ?? CONTROLS) if (AUDIT_FRAMEWORKS.has(control.framework)) entryOf(control);
  for (const rule of catalogue) {
    for (const control of rule.controls) {
      if (!AUDIT_FRAMEWORKS.has(control.framework)) continue;
      const entry = entryOf(control);
      if (!entry.rules.includes(rule)) entry.rules.push(rule);
      if (control.field !== undefined) entry.fields.set(rule.id, control.field);
    }
  }

  // Each object's identity, findings and whether it was checked, worked out once for all controls.
  const findingsByObject = new Map<string, Finding[]>();
  for (const f of report.findings) {
    const key = objectKey(f);
    const list = findingsByObject.get(key);
    if (list) list.push(f);
    else findingsByObject.set(key, [f]);
  }
  const workloadKinds = new Set(BUILT_IN_WORKLOAD_KINDS);
  const notChecked = new Map(report.notChecked.map((item) => [objectKey(item), item]));
  const objectFacts = report.objects.map((object) => {
    const key = objectKey(object);
    const findings = findingsByObject.get(key) ?? NO_FINDINGS;
    const malformed = findings.some((f) => f.rule === wellFormedPodSpec.id);
    const malformedObject = findings.some((f) => f.rule === wellFormedObjects.id && (f.outcome === 'fail' || f.outcome === 'error'));
    return { object, identity: identity(object), findings, notChecked: notChecked.get(key), malformed, malformedObject };
  });
  const malformedObjects = objectFacts.filter((f) => f.malformedObject).map((f) => f.object);
  /** Whether a rule read a malformed object for this one: of a kind it reads, in its namespace (a ClusterRole anywhere). */
  const readsMalformed = (rule: RuleMetadata, object: ObjectSummary): boolean => (READS_OTHERS.get(rule.id) ?? []).some(
    (kind) => malformedObjects.some((other) => other.kind === kind
      && (kind === 'ClusterRole' || (kind === 'Namespace' ? other.name === object.namespace : other.namespace === object.namespace)),
    ));

  const controls: ControlStatus[] = [];
  for (const { control, rules, fields } of byControl.values()) {
    const running = rules.filter((r) => ran.has(r.id));
    const objects: ControlObject[] = [];
    if (running.length > 0) {
      const ids = new Set(running.map((r) => r.id));
      const aboutPodSpecs = running.some((r) => !r.kinds);
      for (const facts of objectFacts) {
        const findings = facts.findings.filter((f) => ids.has(f.rule) && bearsOn(f, fields.get(f.rule)));
        const fromFindings = findings.length > 0 ? judge(facts.identity, findings) : undefined;
        if (fromFindings?.verdict === 'fails') {
          objects.push(fromFindings);
        } else if (facts.malformed && aboutPodSpecs) {
          // The rules read a field of the wrong type as absent: what they found (or did not) says nothing.
          objects.push({ ...facts.identity, verdict: 'not-checked', rules: [wellFormedPodSpec.id] });
        } else if (malformedObjects.length > 0
          && running.some((r) => (facts.malformedObject && r.kinds?.includes(facts.object.kind)) || readsMalformed(r, facts.object))) {
          // The API server refuses the object, or one the rules read for it: their pass is no evidence.
          objects.push({ ...facts.identity, verdict: 'not-checked', rules: [wellFormedObjects.id] });
        } else if (facts.notChecked && aboutPodSpecs && fromFindings?.verdict !== 'unknown') {
          // A pod template the rules could not reach (beside a mapped one, whose waiver is then no answer for the whole object).
          objects.push(notCheckedVerdict(facts.identity, facts.notChecked));
        } else if (fromFindings) {
          objects.push(fromFindings);
        } else {
          const concerned = running.filter((r) => concerns(r, facts.object, workloadKinds));
          if (concerned.length === 0) continue;
          const notApplicable = facts.object.notApplicable;
          const judged = notApplicable === undefined || concerned.some((r) => !notApplicable.includes(r.id));
          objects.push(judged ? { ...facts.identity, verdict: 'satisfies', rules: [] } : { ...facts.identity, verdict: 'not-applicable', rules: concerned.map((r) => r.id) });
        }
      }
    }
    const status = statusOf(objects);
    const assessed = status !== 'not-assessed';
    controls.push({
      framework: control.framework,
      edition: control.edition,
      id: control.id,
      interpretation: control.interpretation === true || control.framework === 'NIST SP 800-190',
      rules: rules.map((r) => r.id),
      disabledRules: rules.filter((r) => disabled.has(r.id)).map((r) => r.id),
      inapplicableRules: rules.filter((r) => inapplicable.has(r.id)).map((r) => r.id),
      assessed,
      status,
      ...(assessed ? {} : { notAssessedReason: notAssessedReason(rules, running.length > 0, disabled, inapplicable) }),
      objects,
    });
  }
  controls.sort((a, b) => compareText(a.framework, b.framework) || compareText(a.edition, b.edition) || compareControlIds(a.id, b.id));
  return {
    level: report.level,
    kubernetesVersion: report.kubernetesVersion,
    edition: report.edition,
    disabledRules: report.disabledRules ?? [],
    controls,
    unusedSuppressions: report.unusedSuppressions ?? [],
    staleBaseline: report.staleBaseline ?? [],
    baselineUnmatched: report.summary.baselineUnmatched ?? 0,
  };
}

/**
 * Whether a finding of a control's rule is about the control: every finding is, unless the control
 * names its field (a hostNetwork finding is no evidence about CIS 5.2.3, host PID), which the
 * finding's path ends in, or in an item of (`capabilities.add[0]`); a rule that could not judge the
 * object (`error`) says nothing about any of its fields.
 */
function bearsOn(finding: Finding, field: string | undefined): boolean {
  if (field === undefined || finding.outcome === 'error') return true;
  const path = finding.path.endsWith(']') ? finding.path.slice(0, finding.path.lastIndexOf('[')) : finding.path;
  return path === field || path.endsWith(`.${field}`);
}

function notAssessedReason(
  rules: readonly RuleMetadata[], anyRan: boolean, disabled: ReadonlySet<string>, inapplicable: ReadonlySet<string>,
): NonNullable<ControlStatus['notAssessedReason']> {
  if (rules.length === 0) return 'no-rule';
  if (anyRan) return 'no-objects';
  // A config that switches a rule off is what an audit most needs to see, before any level choice.
  if (rules.some((r) => disabled.has(r.id))) return 'disabled';
  return rules.some((r) => inapplicable.has(r.id)) ? 'inapplicable' : 'not-run';
}

/**
 * Rules that list kinds concern objects of those kinds; every other rule (pod rules, and the object
 * and input rules about workloads) concerns objects that hold a pod spec: the catalogue test holds
 * each of those to `not-applicable` on an object without one. Hand-built reports without pod-spec
 * counts fall back to the built-in workload kinds.
 */
function concerns(rule: RuleMetadata, object: ObjectSummary, workloadKinds: ReadonlySet<string>): boolean {
  if (rule.kinds) return rule.kinds.includes(object.kind);
  return object.podSpecs === undefined ? workloadKinds.has(object.kind) : object.podSpecs > 0;
}

function identity(object: ObjectSummary): Omit<ControlObject, 'verdict' | 'rules'> {
  return {
    kind: object.kind,
    ...(object.group === undefined ? {} : { group: object.group }),
    name: object.name,
    ...(object.generateName === undefined ? {} : { generateName: object.generateName }),
    ...(object.namespace === undefined ? {} : { namespace: object.namespace }),
    ...(object.source.file === undefined ? {} : { file: object.source.file }),
    ...(object.source.line === undefined ? {} : { line: object.source.line }),
  };
}

const NO_FINDINGS: readonly Finding[] = [];

/** An object not checked: `not-checked`, or `waived` with its suppression when one acknowledges it (an exception, not evidence). */
function notCheckedVerdict(base: Omit<ControlObject, 'verdict' | 'rules'>, item: NotCheckedObject): ControlObject {
  return item.suppression
    ? { ...base, verdict: 'waived', rules: [NOT_CHECKED_ID], suppressions: [item.suppression] }
    : { ...base, verdict: 'not-checked', rules: [] };
}

/**
 * A control's status from its objects' verdicts: satisfied only on the evidence of an object that
 * satisfies it, and never while a violation stands waived (an exception is not compliance).
 */
function statusOf(objects: readonly ControlObject[]): ControlStatus['status'] {
  let satisfies = false, unknown = false, waived = false;
  for (const { verdict } of objects) {
    if (verdict === 'fails') return 'fails';
    if (verdict === 'unknown' || verdict === 'not-checked') unknown = true;
    else if (verdict === 'waived') waived = true;
    else if (verdict === 'satisfies') satisfies = true;
  }
  return unknown ? 'unknown' : waived ? 'waived' : satisfies ? 'satisfied' : 'not-assessed';
}

/**
 * The worst outcome among an object's findings for a control decides; the rules behind it are
 * listed once each, in order, and a waiver comes with the suppression of each rule.
 */
function judge(base: Omit<ControlObject, 'verdict' | 'rules'>, findings: readonly Finding[]): ControlObject {
  // A baselined failure still fails the control: the baseline defers the fix, it does not make it.
  const byVerdict: Record<'fails' | 'unknown' | 'waived', string[]> = { fails: [], unknown: [], waived: [] };
  let suppressions: Suppression[] | undefined;
  for (const f of findings) {
    const verdict = f.outcome === 'fail' || f.outcome === 'error' ? 'fails' : f.outcome === 'unknown' ? 'unknown' : f.outcome === 'suppressed' ? 'waived' : undefined;
    if (!verdict || byVerdict[verdict].includes(f.rule)) continue;
    byVerdict[verdict].push(f.rule);
    if (f.suppression) (suppressions ??= []).push(f.suppression);
  }
  if (byVerdict.fails.length > 0) return { ...base, verdict: 'fails', rules: byVerdict.fails };
  if (byVerdict.unknown.length > 0) return { ...base, verdict: 'unknown', rules: byVerdict.unknown };
  if (byVerdict.waived.length > 0) return { ...base, verdict: 'waived', rules: byVerdict.waived, ...(suppressions ? { suppressions } : {}) };
  return { ...base, verdict: 'satisfies', rules: [] };
}

/** The controls view as JSON. */
export function formatControlsJson(report: Report, options: ControlsOptions = {}): string {
  return joinChunks((emit) => formatControlsJsonChunks(report, options, emit));
}

/** The same JSON as {@link formatControlsJson}, handed to `emit` in chunks (object by object). */
export function formatControlsJsonChunks(report: Report, options: ControlsOptions, emit: Emit): void {
  const view = controlsView(report, options);
  const controls = streamedList(view.controls, (control) => ({ ...control, objects: new StreamedList(control.objects) }));
  writeJson({ schemaVersion: report.schemaVersion, ...view, controls }, emit);
}

/** The controls view as text, one block per control. */
export function formatControlsText(report: Report, options: ControlsOptions = {}): string {
  return joinChunks((emit) => formatControlsTextChunks(report, options, emit));
}

/** The same text as {@link formatControlsText}, handed to `emit` in chunks. */
export function formatControlsTextChunks(report: Report, options: ControlsOptions, emit: Emit): void {
  const view = controlsView(report, options);
  const out = new ChunkWriter(emit);
  out.write(`Controls view: level ${view.level}, Kubernetes ${view.kubernetesVersion}, rule-set edition ${view.edition}\n`);
  out.write('NIST SP 800-190 names countermeasures, not fields: its mappings are hardpod\'s interpretation.\n');
  if (view.disabledRules.length > 0) out.write(`Rules disabled by the config: ${view.disabledRules.join(', ')}.\n`);
  out.write('\n');
  let framework = '';
  for (const control of view.controls) {
    const heading = `${control.framework} (${control.edition})`;
    if (heading !== framework) {
      out.write(framework ? `\n${heading}\n` : `${heading}\n`);
      framework = heading;
    }
    // A control no object was judged on may still list objects its rules found not applicable.
    const counts = control.objects.length > 0 || control.assessed ? `  (${countVerdicts(control.objects)})` : '';
    const status = control.assessed ? control.status.toUpperCase() : `NOT ASSESSED: ${notAssessedText(control, view)}`;
    const controlRules = control.rules.length > 0 ? `  rules: ${control.rules.join(', ')}` : '';
    out.write(`  ${control.id}  ${status}${counts}${controlRules}${control.assessed ? idleRules(control).map((part) => `; ${part}`).join('') : ''}\n`);
    for (const object of control.objects) {
      const where = locationLabel({ file: object.file, line: object.line });
      const rules = object.rules.length ? `  [${object.rules.join(', ')}]` : '';
      out.write(`    ${object.verdict.padEnd(14)} ${objectLabel({ ...object, source: {} })}${where ? `  ${where}` : ''}${rules}\n`);
      for (const suppression of object.suppressions ?? []) out.write(`                   ${suppression.rule} ${suppressionText(suppression)}\n`);
    }
  }
  const notes: string[] = [];
  suppressionNoteLines(report, (text) => text, notes);
  if (notes.length > 0) out.write(`\n${notes.join('\n')}\n`);
  out.flush();
}

function countVerdicts(objects: readonly ControlObject[]): string {
  const counts: Record<ControlVerdict, number> = { 'fails': 0, 'unknown': 0, 'not-checked': 0, 'waived': 0, 'not-applicable': 0, 'satisfies': 0 };
  for (const o of objects) counts[o.verdict]++;
  const notChecked = counts['not-checked'] ? `${counts['not-checked']} not checked, ` : '';
  const notApplicable = counts['not-applicable'] ? `${counts['not-applicable']} not applicable, ` : '';
  return `${counts.fails} fail, ${counts.unknown} unknown, ${notChecked}${counts.waived} waived, ${notApplicable}${counts.satisfies} satisfy`;
}

function notAssessedText(control: ControlStatus, view: ControlsView): string {
  switch (control.notAssessedReason) {
    case 'no-rule': return 'no rule checks it';
    case 'no-objects': return 'no object in the input that its rules apply to';
    case 'disabled':
    case 'inapplicable': return idleRules(control).join('; ');
    default: return `its rules do not run at level ${view.level}, Kubernetes ${view.kubernetesVersion}, rule-set edition ${view.edition}`;
  }
}

/** `disabled by the config: ...`, `nothing to judge ...: ...`: the control's rules that judged nothing, by why. */
function idleRules(control: ControlStatus): string[] {
  const parts: string[] = [];
  if (control.disabledRules.length > 0) parts.push(`disabled by the config: ${control.disabledRules.join(', ')}`);
  if (control.inapplicableRules.length > 0) parts.push(`nothing to judge under this config (no lock file or setting for it): ${control.inapplicableRules.join(', ')}`);
  return parts;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Orders `5.2.10` after `5.2.9`. */
function compareControlIds(a: string, b: string): number {
  const pa = a.split(/[.-]/);
  const pb = b.split(/[.-]/);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? '';
    const y = pb[i] ?? '';
    const nx = Number(x), ny = Number(y);
    const diff = !Number.isNaN(nx) && !Number.isNaN(ny) && x !== '' && y !== '' ? nx - ny : compareText(x, y);
    if (diff !== 0) return diff;
  }
  return 0;
}
