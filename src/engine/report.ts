import type { BaselineEntry, SuppressionEntry } from './config';
import type { ObjectIdentity, SourceLocation } from '../model/kube-object';
import type { ControlMapping, Level, Severity } from '../rules/rule';

/**
 * The engine's output, shared by every reporter, the cdk8s and Pulumi adapters and the CLI.
 * Reporters are pure functions of a Report.
 */

/** JSON report schema version; bump on any breaking change to Finding or Report. */
export const REPORT_SCHEMA_VERSION = '1';

/**
 * The id under which reports list objects hardpod cannot check ({@link Report.notChecked}), and under
 * which a suppression acknowledges one (`rule: not-checked`, or the annotation
 * `hardpod.dev/suppress.not-checked`). No rule of the catalogue: it judges nothing.
 */
export const NOT_CHECKED_ID = 'not-checked';

/**
 * - `fail`: the rule is violated;
 * - `unknown`: the value is not known (a Pulumi output in preview; a cross-object fact missing from partial input);
 * - `error`: the rule threw (a bug in the rule or input it could not handle);
 * - `suppressed`: a violation waived by a suppression with a reason;
 * Passes and not-applicable outcomes are counted in the summary, not listed as findings.
 */
export type FindingOutcome = 'fail' | 'unknown' | 'error' | 'suppressed';
export type Outcome = 'pass' | 'not-applicable' | FindingOutcome;

/** How a failing finding is enforced: `deny` fails the run, `warn` reports only. From config, never from the rule. */
export type Enforcement = 'deny' | 'warn';

export interface Suppression {
  readonly rule: string;
  readonly reason: string;
  /** Where the suppression came from: `config` or `annotation`. */
  readonly source: 'config' | 'annotation';
}

/** A rule's finding about one object ({@link ObjectIdentity}: its kind, name and where it was read). */
export interface Finding extends ObjectIdentity {
  /** Rule id, e.g. `run-as-non-root`. */
  readonly rule: string;
  /** Upstream Pod Security check id (`runAsNonRoot`), or null for hardpod's own controls. */
  readonly pss: string | null;
  readonly outcome: FindingOutcome;
  readonly severity: Severity;
  readonly enforcement: Enforcement;
  /** Field path inside the object, e.g. `spec.template.spec.containers[0].securityContext.runAsNonRoot`. */
  readonly path: string;
  readonly message: string;
  readonly remediation: string;
  readonly controls: readonly ControlMapping[];
  /** Where the object was read; its line is the finding's field's where the input tells it. */
  readonly source: SourceLocation;
  readonly suppression?: Suppression;
  /** Finding matched an entry of the adoption baseline file (known before, not new). */
  readonly baselined?: boolean;
  /**
   * An `unknown` finding whose cause is a value not known yet (a Pulumi output in preview), which a
   * later run with the value known judges, rather than a fact missing from the input. @default false
   */
  readonly notKnownYet?: boolean;
}

export interface ObjectSummary extends ObjectIdentity {
  /** Pod specs the engine found in the object (0 for non-workloads), so views can tell pod rules applied. */
  readonly podSpecs?: number;
  /**
   * Rules that ran on the object but found it, or one of its pod specs, not applicable (a binding
   * without a workload subject, an image the lock file does not hold): they judged nothing there, so
   * views do not count them as evidence. Alike objects share one list. @default none
   */
  readonly notApplicable?: readonly string[];
}

/**
 * The run's counts. A check is one rule judging one object (or pod); `checks` is `pass` +
 * `notApplicable` + `checksWithFindings`. `fail`, `unknown`, `error` and `suppressed` count findings,
 * and one check can have several (two privileged containers: one check, two findings).
 */
export interface ReportSummary {
  readonly objects: number;
  /** Checks run (or counted not applicable without running). */
  readonly checks: number;
  /** Checks that passed. */
  readonly pass: number;
  /** Findings with outcome `fail`. */
  readonly fail: number;
  /** Findings with outcome `unknown`. */
  readonly unknown: number;
  /** Findings with outcome `error`. */
  readonly error: number;
  /** Findings with outcome `suppressed`. */
  readonly suppressed: number;
  /** Checks that did not apply. */
  readonly notApplicable: number;
  /** Checks that recorded at least one finding, of any outcome. */
  readonly checksWithFindings: number;
  /** `fail` and `error` findings the adoption baseline accepts (so they do not block). */
  readonly baselined: number;
  /**
   * Baseline entries that matched no finding (each fingerprint once): the stale ones of
   * {@link Report.staleBaseline}, and those of objects not in this input or of rules this run did not
   * run (an object deleted since, or one outside this run). Blocks nothing; writing the baseline again
   * from a run over every manifest drops them. @default 0
   */
  readonly baselineUnmatched?: number;
}

export interface Report {
  readonly schemaVersion: typeof REPORT_SCHEMA_VERSION;
  readonly level: Level;
  /** e.g. `1.37`. */
  readonly kubernetesVersion: string;
  /** Rule-set edition the run used. */
  readonly edition: number;
  readonly findings: readonly Finding[];
  readonly summary: ReportSummary;
  /** Every object evaluated. */
  readonly objects: readonly ObjectSummary[];
  /**
   * Objects that hold something shaped like a pod template but whose kind the config does not map:
   * reported, not silently passed, also when a suppression acknowledges them.
   */
  readonly notChecked: readonly NotCheckedObject[];
  /** Rules that ran (ids), so controls views and SARIF can list rules with no findings. */
  readonly rules: readonly string[];
  /**
   * Rules the level, Kubernetes version and edition include but the config disables
   * (`rules: {<id>: {enabled: false}}`), so an audit tells a config choice from a level. @default none
   */
  readonly disabledRules?: readonly string[];
  /**
   * Rules of {@link rules} that could apply to no object under the config and judged none (the
   * image-facts rules without a lock file, allowed-registries without `hardened.allowedRegistries`):
   * each counted not applicable. @default none
   */
  readonly inapplicableRules?: readonly string[];
  /** Suppressions, from the config or an object's annotation, that matched no finding (stale waivers worth removing). */
  readonly unusedSuppressions?: readonly UnusedSuppression[];
  /**
   * Baseline entries that matched no finding although their rule ran on their object: the finding
   * was fixed, so the entry can go (write the baseline again). Entries for rules or objects outside
   * this run are not listed.
   */
  readonly staleBaseline?: readonly BaselineEntry[];
}

/** An object hardpod could not check: what it holds that no rule could read, and what to check instead. */
export interface NotCheckedObject extends ObjectSummary {
  /** Why the object was not checked, and how to check it (the `workloadKinds` mapping, or what to check instead). */
  readonly reason: string;
  /**
   * The suppression acknowledging the object (`rule: not-checked` in the config, or the annotation
   * `hardpod.dev/suppress.not-checked`), with its reason: it is still listed, but fails no cdk8s
   * synthesis and no Pulumi policy. @default none: not acknowledged
   */
  readonly suppression?: Suppression;
}

/** A suppression that waived nothing, with where it was written. */
export interface UnusedSuppression extends SuppressionEntry {
  /** The name it names: '' when it names an object without a name by its generateName. */
  readonly name: string;
  readonly source: 'config' | 'annotation';
}

/** True for a finding that fails the run: a `fail` or `error` with enforcement `deny`, not baselined. */
export function isBlockingFinding(f: Finding): boolean {
  return (f.outcome === 'fail' || f.outcome === 'error') && f.enforcement === 'deny' && !f.baselined;
}

/** The objects not checked that no suppression acknowledges: those cdk8s synthesis and the Pulumi policy fail on. */
export function unsuppressedNotChecked(report: Report): readonly NotCheckedObject[] {
  return report.notChecked.filter((item) => item.suppression === undefined);
}

/** True when the report holds a finding that should fail the run (see {@link isBlockingFinding}). */
export function hasBlockingFindings(report: Report): boolean {
  return report.findings.some(isBlockingFinding);
}
