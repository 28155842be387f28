import type { ClusterContext, ResolvedConfig } from '../engine/config';
import type { KubeObject, SourceLocation } from '../model/kube-object';
import type { PodView, ShapeProblem } from '../model/pod-view';

/**
 * The contract between the rule catalogue and the engine. A rule is data plus a pure check; the
 * engine decides severity and enforcement from config, never the rule.
 */

/** Levels: the Pod Security Standards, plus hardpod's own `hardened` (the default). */
export type Level = 'baseline' | 'restricted' | 'hardened';
export const LEVELS: readonly Level[] = ['baseline', 'restricted', 'hardened'];

export type Severity = 'low' | 'medium' | 'high' | 'critical';

/** A control a rule maps to, always with the edition of the framework it was numbered in. */
export interface ControlMapping {
  readonly framework: 'Pod Security Standards' | 'CIS Kubernetes Benchmark' | 'CIS Docker Benchmark' | 'NIST SP 800-190';
  /** e.g. `v1.10` for CIS Kubernetes, `v1.6.0` for CIS Docker, `2017` for NIST SP 800-190. */
  readonly edition: string;
  /** e.g. `5.2.7`, `4.4.3`, or a PSS control name such as `Running as Non-root`. */
  readonly id: string;
  /** The framework names no field, so the mapping is hardpod's reading of it (all NIST SP 800-190 mappings). @default false */
  readonly interpretation?: boolean;
  /**
   * The field the control is about, when the rule checks the fields of several controls (CIS 5.2.3 is
   * `hostPID`, 5.2.5 `hostNetwork`, 5.2.9 `capabilities.add`): only the rule's findings at that field,
   * or at an item of it, bear on the control.
   * @default every finding of the rule bears on it
   */
  readonly field?: string;
}

/** A Kubernetes minor version, e.g. 34 for v1.34. Versions are compared on the minor only. */
export type KubeMinor = number;

/** One field that violates the rule, with a path relative to the object root (`spec.template.spec.containers[0].image`). */
export interface Violation {
  readonly path: string;
  readonly message: string;
  /** The value is not known yet (a Pulumi output during preview, a cross-object fact absent from partial input). @default false */
  readonly unknown?: boolean;
  /** The object could not be judged at all (reported with outcome `error`). @default false */
  readonly error?: boolean;
}

/** What a check returns: `not-applicable` (the rule does not concern this object), or the violations (empty = pass). */
export type CheckResult = 'not-applicable' | readonly Violation[];

/** How the rule's behaviour depends on the Kubernetes version (as upstream Pod Security Admission versions its checks). */
export interface RuleVersioning {
  /** First minor the rule applies at. @default 0 */
  readonly since?: KubeMinor;
  /** Human-readable notes on what changed at which minor, shown in RULES.md. */
  readonly changes?: readonly { readonly minor: KubeMinor; readonly note: string }[];
}

/**
 * What a rule is evaluated over:
 * - `pod`: once per pod template found in an object (every workload kind, and configured CRDs);
 * - `object`: once per object of the kinds listed in `kinds`;
 * - `input`: once per object, with the whole input (and declared cluster context) available,
 *   for cross-object rules such as NetworkPolicy coverage.
 */
export type RuleScope = 'pod' | 'object' | 'input';

export interface RuleMetadata {
  /** Equal to the rule's file name, e.g. `run-as-non-root`. */
  readonly id: string;
  readonly title: string;
  /** What to change, in one or two sentences. */
  readonly remediation: string;
  /** Lowest level that includes the rule; `restricted` includes `baseline`, `hardened` includes both. */
  readonly level: Level;
  readonly severity: Severity;
  /** Upstream Pod Security check id (`runAsNonRoot`, `capabilities_restricted`), or undefined for hardpod's own controls. */
  readonly pss?: string;
  readonly controls: readonly ControlMapping[];
  readonly versions?: RuleVersioning;
  /** Rule-set edition that introduced the rule; a config pinned to an older edition does not run it. */
  readonly edition: number;
  readonly scope: RuleScope;
  /** For `object` and `input` scope: the kinds the rule looks at. */
  readonly kinds?: readonly string[];
}

/** Everything a check may read. Checks are pure: same context, same result. */
export interface RuleContext<TConfig = unknown> {
  /** The Kubernetes minor being judged. */
  readonly minor: KubeMinor;
  readonly object: KubeObject;
  /** The resolved engine config (allowed registries, image facts, cluster context ...). */
  readonly config: TConfig;
}

/**
 * Checks one setting under the config's `hardened` key: what is wrong with the value, or undefined
 * when it is right (or absent).
 */
export type SettingCheck = (value: unknown) => string | undefined;

export interface Rule<TContext extends RuleContext = RuleContext> extends RuleMetadata {
  /**
   * The settings under `hardened` the rule reads, each with its check. The config is checked against
   * them when it is resolved, so a typo or a wrong type is a config error naming the key, never a
   * silent default nor an error finding on every object. @default none
   */
  readonly settings?: Readonly<Record<string, SettingCheck>>;
  /**
   * False when the rule cannot apply to any object under this config (the image-facts rules
   * without a lock file): the engine then counts it not applicable for every object or pod it
   * would have judged, without calling {@link check}. Asked once per resolved config. @default always applies
   */
  appliesUnder?(config: ResolvedConfig): boolean;
  /**
   * Judges one context. Checks run cold: a `hardpod check` ends before V8 has optimized most of
   * them, and until then `for...of` runs the iterator protocol on every loop (a tenth of the
   * engine's time on 5,000 Deployments, measured), so checks and the engine loop over arrays by index.
   */
  check(context: TContext): CheckResult;
}

/** A pod-scoped rule sees one pod spec (from any workload kind) at a time. */
export interface PodRuleContext extends RuleContext<ResolvedConfig> {
  readonly pod: PodView;
  /**
   * The whole input, for a rule that {@link PodRule.readsInput} (a LimitRange of the pod's namespace),
   * when the engine has it: a Pulumi transform sees one resource at a time.
   * @default not indexed
   */
  readonly input?: InputIndex;
}

/** An object-scoped rule sees one object (List items one by one) with where it came from. */
export interface ObjectRuleContext extends RuleContext<ResolvedConfig> {
  readonly source: SourceLocation;
  /** Pod specs found in the object (empty for non-workloads). */
  readonly pods: readonly PodView[];
  /** Fields of the wrong type found while extracting pod specs (template and containers). */
  readonly shapeProblems: readonly ShapeProblem[];
}

/**
 * An input-scoped rule sees one object plus the whole input and the cluster context the config
 * declares. A fact that is in neither is not known: say `unknown`, not fail.
 */
export interface InputRuleContext extends ObjectRuleContext {
  readonly input: InputIndex;
  readonly cluster: ClusterContext;
}

/** The whole input, indexed for cross-object rules. Lists are expanded into their items. */
export interface InputIndex {
  /** Every object in input order. */
  readonly objects: readonly KubeObject[];
  /** Namespaces that objects of the input live in (from `metadata.namespace`). */
  readonly namespaces: ReadonlySet<string>;
  /**
   * Objects of one kind of one API group (`` for the core group), any version, in input order; empty
   * when none. A kind of that name in another group (a Calico `NetworkPolicy`) is another resource.
   */
  byKind(kind: string, group: string): readonly KubeObject[];
  /**
   * The object with this kind, API group, namespace (`undefined` for none) and name, if the input holds
   * it. In a Pulumi preview, when it holds none but one of the kind whose name or namespace is not
   * known yet may be it, throws what makes the check unknown.
   */
  get(kind: string, group: string, namespace: string | undefined, name: string): KubeObject | undefined;
}

export interface PodRule extends Rule<PodRuleContext> {
  readonly scope: 'pod';
  /**
   * The check reads {@link PodRuleContext.input} for facts that only other objects may add (defaults a
   * LimitRange writes): the engine then indexes the input even when no input-scope rule runs. Such a fact
   * absent from the input leaves the verdict as the pod alone gives it. @default false
   */
  readonly readsInput?: boolean;
}
export interface ObjectRule extends Rule<ObjectRuleContext> {
  readonly scope: 'object';
}
export interface InputRule extends Rule<InputRuleContext> {
  readonly scope: 'input';
}
/** Any rule of the catalogue. */
export type AnyRule = PodRule | ObjectRule | InputRule;

/** Levels a rule belongs to: `restricted` includes `baseline`; `hardened` includes both. */
export function levelIncludes(level: Level, ruleLevel: Level): boolean {
  return LEVELS.indexOf(ruleLevel) <= LEVELS.indexOf(level);
}
