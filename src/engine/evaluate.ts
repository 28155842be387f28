import { fingerprintOf, identityPaths } from './baseline';
import { isResolvedConfig, resolveConfig, SUPPRESS_ANNOTATION_PREFIX, validateSuppression, whyRuleDoesNotRun, type BaselineEntry, type EngineConfig, type ResolvedConfig, type SuppressionEntry } from './config';
import { NOT_CHECKED_ID, REPORT_SCHEMA_VERSION, type Finding, type NotCheckedObject, type ObjectSummary, type Report, type Suppression, type UnusedSuppression } from './report';
import { HardpodError } from '../model/errors';
import { formatFieldPath, parseFieldPath } from '../model/field-path';
import { generateNameOf, type KubeObject, type LocatedObject, type SourceLocation } from '../model/kube-object';
import { NotKnownYet, revealUnknowns, unknownMarkerPath, withUnknownsRevealed } from '../model/not-known-yet';
import {
  apiGroupOf, describeType, extractPodViews, identityGroupOf, inApiGroup, isClusterScoped, isFields, isList, isUnknownValue, locatedItems,
  UNKNOWN_VALUE, type PodView, type PodViewExtraction, type ShapeProblem,
} from '../model/pod-view';
import { RULES } from '../rules/catalogue';
import {
  type AnyRule, type CheckResult, type InputIndex, type InputRule, type InputRuleContext, type ObjectRule, type ObjectRuleContext,
  type PodRule, type PodRuleContext, type RuleContext, type Violation,
} from '../rules/rule';

/** The rules that run for one level, Kubernetes minor, edition and set of disabled rules. */
interface RulePlan {
  readonly pod: readonly PodRule[];
  readonly object: readonly ObjectRule[];
  readonly input: readonly InputRule[];
  readonly ids: readonly string[];
  readonly idSet: ReadonlySet<string>;
  /** Rules the level, Kubernetes minor and edition include but the config disables. */
  readonly disabled: readonly string[];
}

const planCache = new Map<string, RulePlan>();

/** The rules that apply under a resolved config, computed once per distinct config shape. */
export function rulesFor(config: ResolvedConfig): readonly AnyRule[] {
  const { plan } = plansOf(config);
  return [...plan.pod, ...plan.object, ...plan.input];
}

/**
 * Per resolved config, its plan and the rules that run per kind, worked out on first use: a Pulumi
 * policy pack evaluates each resource on its own, with the same config.
 */
const plansByConfig = new WeakMap<ResolvedConfig, ConfigPlans>();

interface ConfigPlans {
  readonly plan: RulePlan;
  /** Worked out by the first evaluate() with the config. */
  active?: ActivePlan;
}

function plansOf(config: ResolvedConfig): ConfigPlans {
  let plans = plansByConfig.get(config);
  if (plans === undefined) {
    plans = { plan: planForShape(config) };
    plansByConfig.set(config, plans);
  }
  return plans;
}

function planForShape(config: ResolvedConfig): RulePlan {
  const disabled = Object.keys(config.rules).filter((id) => config.rules[id].enabled === false).sort();
  const key = `${config.level}|${config.minor}|${config.edition}|${disabled.join(',')}`;
  let plan = planCache.get(key);
  if (!plan) {
    const inRun = RULES.filter((rule) => whyRuleDoesNotRun(rule, config) === undefined);
    const applicable = inRun.filter((rule) => !disabled.includes(rule.id));
    plan = {
      pod: applicable.filter((r): r is PodRule => r.scope === 'pod'),
      object: applicable.filter((r): r is ObjectRule => r.scope === 'object'),
      input: applicable.filter((r): r is InputRule => r.scope === 'input'),
      ids: applicable.map((r) => r.id),
      idSet: new Set(applicable.map((r) => r.id)),
      disabled: inRun.filter((rule) => disabled.includes(rule.id)).map((r) => r.id),
    };
    planCache.set(key, plan);
  }
  return plan;
}

/**
 * The first place among shape problems where a value not known yet stands for an object or a list
 * (a Pulumi output in preview: a whole securityContext, the volumes, one volume), as the violation
 * every check of the object that finds nothing wrong reports instead of passing: what it would read
 * below that value is hidden, and may be `privileged: true` or a hostPath volume. Which fields each
 * check reads is not tracked, so every check judging the object (a pod's checks, for the pod holding
 * it) is unknown unless it fails on what is known.
 *
 * Outside Pulumi the marker is refused, as on a failure ({@link Recorder}).
 */
function hiddenValueIn(problems: readonly ShapeProblem[], source: SourceLocation): Violation | undefined {
  for (let i = 0; i < problems.length; i++) {
    const { path, unknown } = problems[i];
    if (!unknown) continue;
    if (source.resourceName === undefined) refuseUnknownMarker(path, source);
    return { path, message: `${path} is not known yet and may hold what this check looks for; it is checked once the value is known`, unknown: true };
  }
  return undefined;
}

/** Only a Pulumi preview produces the marker: in a manifest it is a string that would turn failures into unknowns. */
function refuseUnknownMarker(path: string, source: SourceLocation): never {
  throw new HardpodError(
    `${path || 'the object'} holds Pulumi's unknown-value marker (${UNKNOWN_VALUE}), which only a Pulumi preview produces; a manifest holding it is refused rather than judged unknown`,
    sourceWhere(source),
  );
}

/**
 * Evaluates objects against the rules of the configured level, Kubernetes version and edition.
 * Lists are expanded into their items. Config mistakes, invalid suppression annotations and, outside Pulumi,
 * objects holding the unknown-value marker throw a HardpodError (naming the file and line); a rule
 * that throws becomes an `error` finding.
 */
export function evaluate(objects: readonly LocatedObject[], config: EngineConfig | ResolvedConfig = {}): Report {
  const resolved = isResolvedConfig(config) ? config : resolveConfig(config);
  const plans = plansOf(resolved);
  const plan = plans.plan;
  const items: { object: KubeObject; source: SourceLocation }[] = [];
  for (let j = 0; j < objects.length; j++) {
    const located = objects[j];
    if (!isFields(located.object) || typeof located.object.kind !== 'string') {
      throw new HardpodError('expected a Kubernetes object with apiVersion and kind', sourceWhere(located.source));
    }
    if (isList(located.object)) {
      const onInvalid = (path: string, value: unknown): never => {
        throw new HardpodError(`${path} is not a Kubernetes object (got ${describeType(value)}); expected an object with apiVersion and kind`, sourceWhere(located.source));
      };
      for (const item of locatedItems(located, onInvalid)) items.push(item);
    } else {
      items.push(located);
    }
  }
  const active = (plans.active ??= activePlan(plan, resolved));
  // What checks read: a preview's objects holding values not known yet behind a view that reveals reading one.
  let seen: KubeObject[] | undefined;
  for (let i = 0; i < items.length; i++) {
    if (items[i].source.resourceName === undefined) continue;
    seen ??= items.map((item) => item.object);
    seen[i] = withUnknownsRevealed(items[i].object);
  }
  const input = active.input.anyToRun || active.pod.anyReadsInput ? indexInput(items.map((i) => i.object), seen) : undefined;
  const recorder = new Recorder(resolved);
  const objectSummaries: ObjectSummary[] = [];
  const notChecked: NotCheckedObject[] = [];
  const run: ObjectRun = { plan: active, config: resolved, recorder, input, objectSummaries, notChecked };
  for (let i = 0; i < items.length; i++) evaluateObject(run, items[i].object, items[i].source, seen === undefined ? items[i].object : seen[i]);
  const { findings, counts, usedSuppressions, annotationSuppressions, matchedBaseline } = recorder;
  // A suppression for a rule this run did not run (disabled, another level, edition or version) could
  // not have matched: calling it unused would have it removed before the rule runs again.
  const couldMatch = (rule: string): boolean => rule === NOT_CHECKED_ID || plan.idSet.has(rule);
  const unusedSuppressions: UnusedSuppression[] = resolved.suppressions
    .filter((s) => !usedSuppressions.has(s) && couldMatch(s.rule))
    .map((s) => ({ ...s, name: s.name ?? '', source: 'config' }));
  for (let i = 0; i < annotationSuppressions.length; i++) {
    const { kind, group, name, generateName, namespace, suppressions, used } = annotationSuppressions[i];
    for (const [rule, reason] of suppressions) {
      if (used.has(rule) || !couldMatch(rule)) continue;
      const unused: Mutable<UnusedSuppression> = { rule, kind, ...(group === undefined ? {} : { group }), ...(namespace === undefined ? {} : { namespace }), name, reason, source: 'annotation' };
      if (generateName !== undefined) unused.generateName = generateName;
      unusedSuppressions.push(unused);
    }
  }
  const baseline = unmatchedBaselineEntries(resolved.baselineEntries, matchedBaseline, plan.idSet, objectSummaries);
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    level: resolved.level,
    kubernetesVersion: resolved.kubernetesVersion,
    edition: resolved.edition,
    findings,
    summary: {
      objects: items.length,
      checks: counts.checks,
      pass: counts.pass,
      fail: counts.fail,
      unknown: counts.unknown,
      error: counts.error,
      suppressed: counts.suppressed,
      notApplicable: counts.notApplicable,
      checksWithFindings: counts.checksWithFindings,
      baselined: counts.baselined,
      baselineUnmatched: baseline.unmatched,
    },
    objects: objectSummaries,
    notChecked,
    rules: plan.ids,
    disabledRules: plan.disabled,
    inapplicableRules: active.inapplicable,
    unusedSuppressions,
    staleBaseline: baseline.stale,
  };
}

/** What evaluating one object needs from its evaluate() call. */
interface ObjectRun {
  readonly plan: ActivePlan;
  readonly config: ResolvedConfig;
  readonly recorder: Recorder;
  readonly input: InputIndex | undefined;
  readonly objectSummaries: ObjectSummary[];
  readonly notChecked: NotCheckedObject[];
}

/**
 * Runs the plan's rules on one object. A function of its own, not the body of evaluate()'s loop:
 * V8 optimizes a small function called per object long before it would replace a long-running
 * loop inside a large function (on-stack replacement), and a check is over in well under a second.
 *
 * `seen`: the object as checks read it ({@link withUnknownsRevealed}), or the object itself.
 */
function evaluateObject(run: ObjectRun, object: KubeObject, source: SourceLocation, seen: KubeObject): void {
  const { plan, config: resolved, recorder, input, objectSummaries, notChecked } = run;
  const minor = resolved.minor;
  const meta = isFields(object.metadata) ? object.metadata : EMPTY;
  const kind = object.kind;
  const name = typeof meta.name === 'string' ? meta.name : '';
  const generateName = name === '' ? generateNameOf(meta) : undefined;
  const group = identityGroupOf(object);
  const namespace = typeof meta.namespace === 'string' ? meta.namespace : undefined;
  // A preview's object was searched for the marker when `seen` was made: it holds one where `seen` is a view.
  const holdsMarker = source.resourceName === undefined ? undefined : seen !== object;
  const annotationSuppressions = suppressionsFromAnnotations(meta.annotations, source, resolved);
  recorder.startObject(object, kind, group, name, generateName, namespace, source, annotationSuppressions, holdsMarker);
  const extraction = extractSafely(object, resolved);
  const pods = extraction.views;
  const shapeProblems = collectShapeProblems(extraction.shapeProblems, pods);
  // Looked for only among shape problems, which well-formed objects have none of.
  const objectHidden = shapeProblems.length === 0 ? undefined : hiddenValueIn(shapeProblems, source);

  const objectRules = plan.object.forKind(kind);
  if (objectRules.run.length > 0) {
    // One context per object, shared by its rules: checks are pure and must not keep it.
    const context: ObjectRuleContext = { minor, object: seen, config: resolved, source, pods, shapeProblems };
    recorder.runAll(objectRules.run, context, objectHidden);
  }
  recorder.countNotApplicable(objectRules.skipped);
  const podRules = plan.pod.forKind(kind);
  for (let i = 0; i < pods.length; i++) {
    const pod = pods[i];
    const context: PodRuleContext = { minor, object: seen, config: resolved, pod, input };
    recorder.runAll(podRules.run, context, objectHidden && (pods.length === 1 ? objectHidden : hiddenValueIn(pod.shapeProblems, source)));
  }
  recorder.countNotApplicable(podRules.skipped * pods.length);
  const inputRules = plan.input.forKind(kind);
  if (input && inputRules.run.length > 0) {
    // Cross-object rules match the pods' labels against other objects' selectors.
    const matched = seen === object ? pods : pods.map((pod) => withLabelsRevealed(pod, object));
    const context: InputRuleContext = {
      minor, object: seen, config: resolved, source, pods: matched, shapeProblems, input, cluster: resolved.cluster,
    };
    recorder.runAll(inputRules.run, context, objectHidden);
  }
  recorder.countNotApplicable(inputRules.skipped);
  const summary = objectSummary(kind, group, name, generateName, namespace, source, pods.length, recorder.notApplicableToObject());
  objectSummaries.push(summary);
  // Rare: only objects of unmapped kinds holding a pod template get here, and may be acknowledged.
  if (extraction.notCheckedReason) notChecked.push(notCheckedObject(summary, extraction.notCheckedReason, recorder.suppressionOf(NOT_CHECKED_ID)));
}

/** An object not checked, built outside evaluateObject() as {@link objectSummary} is. */
function notCheckedObject(summary: ObjectSummary, reason: string, suppression: Suppression | undefined): NotCheckedObject {
  return suppression === undefined ? { ...summary, reason } : { ...summary, reason, suppression };
}

/** A pod view whose labels throw {@link NotKnownYet} when a label read is not known yet. */
function withLabelsRevealed(pod: PodView, object: KubeObject): PodView {
  return { ...pod, labels: revealUnknowns(pod.labels, object, [...parseFieldPath(pod.metadataPath), 'labels']) };
}

/**
 * A plan's rules of one scope for an evaluation: per object kind, those that run (their `kinds`
 * include it) and how many cannot apply under the config ({@link AnyRule.appliesUnder}), worked out
 * once per kind rather than per object.
 */
class ScopeRules<R extends AnyRule> {
  /** Whether any rule of the scope runs on some kind. */
  readonly anyToRun: boolean;
  /** Whether a rule that runs reads the whole input ({@link PodRule.readsInput}). */
  readonly anyReadsInput: boolean;
  /** The rules that cannot apply to any object under the config, so run on none. */
  readonly skipped: readonly R[];
  private readonly run: readonly R[];
  private readonly byKind = new Map<string, { readonly run: readonly R[]; readonly skipped: number }>();

  constructor(rules: readonly R[], config: ResolvedConfig) {
    const run: R[] = [], skipped: R[] = [];
    for (const rule of rules) (rule.appliesUnder === undefined || rule.appliesUnder(config) ? run : skipped).push(rule);
    this.run = run;
    this.skipped = skipped;
    this.anyToRun = run.length > 0;
    this.anyReadsInput = run.some((rule) => rule.scope === 'pod' && rule.readsInput === true);
  }

  forKind(kind: string): { readonly run: readonly R[]; readonly skipped: number } {
    let rules = this.byKind.get(kind);
    if (rules === undefined) {
      const judges = (rule: R): boolean => !rule.kinds || rule.kinds.includes(kind);
      rules = { run: this.run.filter(judges), skipped: this.skipped.filter(judges).length };
      this.byKind.set(kind, rules);
    }
    return rules;
  }
}

interface ActivePlan {
  readonly pod: ScopeRules<PodRule>;
  readonly object: ScopeRules<ObjectRule>;
  readonly input: ScopeRules<InputRule>;
  /** Ids of the plan's rules that cannot apply under the config (in every scope), in catalogue order. */
  readonly inapplicable: readonly string[];
}

function activePlan(plan: RulePlan, config: ResolvedConfig): ActivePlan {
  const pod = new ScopeRules(plan.pod, config), object = new ScopeRules(plan.object, config), input = new ScopeRules(plan.input, config);
  const skipped = new Set<AnyRule>([...pod.skipped, ...object.skipped, ...input.skipped]);
  return { pod, object, input, inapplicable: RULES.filter((rule) => skipped.has(rule)).map((rule) => rule.id) };
}

/**
 * An object's summary, built outside evaluateObject(): summaries outlive the run, and when V8 moves
 * such a literal's allocations to the old generation midway, it throws away an optimized compile of
 * the function holding the literal (30 ms of compile work for evaluateObject) and starts over.
 */
function objectSummary(
  kind: string, group: string | undefined, name: string, generateName: string | undefined, namespace: string | undefined, source: SourceLocation,
  podSpecs: number, notApplicable: readonly string[] | undefined,
): ObjectSummary {
  const summary: Mutable<ObjectSummary> = namespace === undefined ? { kind, name, source, podSpecs } : { kind, name, namespace, source, podSpecs };
  if (group !== undefined) summary.group = group;
  if (generateName !== undefined) summary.generateName = generateName;
  if (notApplicable !== undefined) summary.notApplicable = notApplicable;
  return summary;
}

/**
 * The baseline entries that matched no finding (each fingerprint counted once), and among them the
 * stale ones: those whose rule ran on their object, so the finding was fixed. An entry for a rule
 * this run did not run (another level, version or edition) or an object not in this input is not
 * stale, as the run could not have found it, but it is counted: the object may have been deleted.
 */
function unmatchedBaselineEntries(
  entries: readonly BaselineEntry[], matched: ReadonlySet<string>, ran: ReadonlySet<string>, objects: readonly ObjectSummary[],
): { readonly stale: BaselineEntry[]; readonly unmatched: number } {
  if (entries.length === 0) return { stale: [], unmatched: 0 };
  const key = (kind: string, group: string | undefined, namespace: string | undefined, name: string, generateName: string | undefined): string =>
    `${kind}\u0000${group ?? ''}\u0000${namespace ?? ''}\u0000${name}\u0000${generateName ?? ''}`;
  const evaluated = new Set(objects.map((o) => key(o.kind, o.group, o.namespace, o.name, o.generateName)));
  const unmatched = new Set<string>();
  const stale = new Map<string, BaselineEntry>();
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i];
    if (matched.has(entry.fingerprint)) continue;
    unmatched.add(entry.fingerprint);
    if (entry.rule === undefined || !ran.has(entry.rule)) continue;
    // Entries without their object's identity (hand-written) cannot be judged.
    if (entry.kind === undefined || entry.name === undefined) continue;
    if (evaluated.has(key(entry.kind, entry.group, entry.namespace, entry.name, entry.generateName))) stale.set(entry.fingerprint, entry);
  }
  return { stale: [...stale.values()], unmatched: unmatched.size };
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The extractor tolerates any JSON; this guards against objects it cannot even read (throwing getters, proxies). */
function extractSafely(object: KubeObject, config: ResolvedConfig): PodViewExtraction {
  try {
    return extractPodViews(object, config.workloadKinds);
  } catch (error) {
    return { views: [], shapeProblems: [{ path: '', message: `object could not be read: ${(error as Error).message}`, error: true }] };
  }
}

const EMPTY: Readonly<Record<string, unknown>> = Object.freeze({});

/** One object's suppression annotations (rule id to reason) and the rules they waived. */
interface AnnotationSuppressions {
  readonly kind: string;
  readonly group?: string;
  readonly name: string;
  readonly generateName?: string;
  readonly namespace?: string;
  readonly suppressions: ReadonlyMap<string, string>;
  readonly used: Set<string>;
}

/** Bounds the strings a Recorder shares; inputs with more distinct messages keep the rest as built. */
const MAX_INTERNED_STRINGS = 100_000;
/** Bounds the not-applicable lists a Recorder shares (a few per kind in practice); further ones are copied. */
const MAX_SHARED_NOT_APPLICABLE = 64;

function sameItems<T>(a: readonly T[], b: readonly T[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Runs checks and turns their results into findings for the object being evaluated (one per evaluate call). */
class Recorder {
  readonly findings: Finding[] = [];
  /** Checks by result, and findings by outcome, counted as they are recorded. */
  readonly counts = { checks: 0, pass: 0, notApplicable: 0, checksWithFindings: 0, fail: 0, unknown: 0, error: 0, suppressed: 0, baselined: 0 };
  readonly usedSuppressions = new Set<SuppressionEntry>();
  /** Each object's annotation suppressions with the rules they waived, to report the unused ones. */
  readonly annotationSuppressions: AnnotationSuppressions[] = [];
  /** Baseline fingerprints that matched a finding, to report the entries that matched none. */
  readonly matchedBaseline = new Set<string>();
  /** The rules the current object's suppression annotations waived so far. */
  private usedAnnotations: Set<string> | undefined;
  private object: KubeObject = { apiVersion: '', kind: '' };
  /** Violations made for checks that read a value not known yet ({@link notKnownYet}). */
  private readonly readNotKnownYet = new WeakSet<Violation>();
  /** Whether the object holds the unknown marker: known for a preview's objects, else found on the first failure. */
  private holdsMarker: boolean | undefined;
  private kind = '';
  private group: string | undefined;
  private name = '';
  private generateName: string | undefined;
  private namespace: string | undefined;
  private source: SourceLocation = {};
  private objectAnnotations: ReadonlyMap<string, string> | undefined;
  /**
   * One copy of each distinct message and path: across thousands of objects the same few hundred
   * strings recur (`container "app" must set ...`), and keeping one freshly built copy per finding
   * doubles the memory a large report holds, which the garbage collector pays for.
   */
  private readonly interned = new Map<string, string>();
  /**
   * Rules that found the current object not applicable so far: one buffer, reused for every object.
   * The rules themselves, not their ids: no property read in the loop that runs every check.
   */
  private readonly notApplicableRules: AnyRule[] = [];
  /**
   * The distinct lists {@link notApplicableToObject} handed out, with the rules they were made from:
   * objects alike (every Service, every Job) share one list rather than each holding a copy.
   */
  private readonly sharedNotApplicable: { readonly rules: readonly AnyRule[]; readonly ids: readonly string[] }[] = [];

  constructor(private readonly config: ResolvedConfig) {}

  private intern(text: string): string {
    const known = this.interned.get(text);
    if (known !== undefined) return known;
    if (this.interned.size < MAX_INTERNED_STRINGS) this.interned.set(text, text);
    return text;
  }

  startObject(
    object: KubeObject, kind: string, group: string | undefined, name: string, generateName: string | undefined, namespace: string | undefined,
    source: SourceLocation, annotationSuppressions: ReadonlyMap<string, string> | undefined, holdsMarker: boolean | undefined,
  ): void {
    this.object = object;
    this.holdsMarker = holdsMarker;
    this.kind = kind;
    this.group = group;
    this.name = name;
    this.generateName = generateName;
    this.namespace = namespace;
    this.source = source;
    this.objectAnnotations = annotationSuppressions;
    this.usedAnnotations = undefined;
    this.notApplicableRules.length = 0;
    if (annotationSuppressions !== undefined) {
      this.usedAnnotations = new Set();
      const record: Mutable<AnnotationSuppressions> = { kind, name, suppressions: annotationSuppressions, used: this.usedAnnotations };
      if (group !== undefined) record.group = group;
      if (generateName !== undefined) record.generateName = generateName;
      this.annotationSuppressions.push(namespace === undefined ? record : { ...record, namespace });
    }
  }

  /**
   * True when a baseline entry lists the finding, by its identity path, the identity path of version
   * 2 and 3 files, or (version 1 files) its path as it is.
   */
  private isBaselined(rule: string, path: string): boolean {
    const { kind, group, namespace, name, generateName } = this;
    const { current, legacy } = identityPaths(this.object, path);
    let found = false;
    const candidates = current === path ? [path] : [...new Set([current, legacy, path])];
    for (const candidate of candidates) {
      const fingerprint = fingerprintOf({ rule, kind, group, namespace, name, generateName, path: candidate });
      if (this.config.baseline.has(fingerprint)) {
        this.matchedBaseline.add(fingerprint);
        found = true;
      }
    }
    return found;
  }

  /**
   * A failure whose path runs through a value not known yet (a Pulumi output in preview, replaced
   * by UNKNOWN_VALUE at any depth: a whole securityContext, a container list) is unknown, not a
   * failure: the rule could not see the real value. The object is scanned once, on its first failure.
   *
   * Only Pulumi objects may hold the marker. Anywhere else it is a string a manifest could carry to
   * turn failures into unknowns (`containers: <marker>`), so such an object is refused.
   */
  private unknownOrFail(violation: Violation): 'unknown' | 'fail' {
    if (this.holdsMarker === undefined) {
      const found = unknownMarkerPath(this.object);
      if (found !== undefined && this.source.resourceName === undefined) refuseUnknownMarker(formatFieldPath(found), this.source);
      this.holdsMarker = found !== undefined;
    }
    if (!this.holdsMarker) return violation.unknown ? 'unknown' : 'fail';
    return violation.unknown || crossesUnknown(this.object, violation.path) ? 'unknown' : 'fail';
  }

  /**
   * The rules that ran on the current object and found it (or one of its pod specs) not applicable,
   * in run order, or undefined when none did. The list is shared with alike objects: never modify it.
   */
  notApplicableToObject(): readonly string[] | undefined {
    const found = this.notApplicableRules;
    if (found.length === 0) return undefined;
    const shared = this.sharedNotApplicable;
    for (let i = 0; i < shared.length; i++) if (sameItems(shared[i].rules, found)) return shared[i].ids;
    const ids = found.map((rule) => rule.id);
    if (shared.length < MAX_SHARED_NOT_APPLICABLE) shared.push({ rules: found.slice(), ids });
    return ids;
  }

  /** Counts `times` checks not applicable, as if rules that cannot apply under the config had been run and said so. */
  countNotApplicable(times: number): void {
    this.counts.checks += times;
    this.counts.notApplicable += times;
  }

  /**
   * Runs `rules` on one context. The checks are called from this one loop, inside one try: a call
   * and a try per check cost more than most checks do, over hundreds of thousands of checks in a
   * run that ends before V8 has optimized much. A check that throws becomes an `error` finding,
   * and the loop resumes after it.
   *
   * `hidden`: where the context holds a value not known yet that checks would read below
   * ({@link hiddenValueIn}); a check that passes or is not applicable then records it as unknown.
   */
  runAll<C extends RuleContext>(rules: readonly (AnyRule & { check(context: C): CheckResult })[], context: C, hidden?: Violation): void {
    const { counts } = this;
    let next = 0;
    // Set while a check runs: only its errors are the rule's; the recorder's own (a refused marker) propagate.
    let checking: AnyRule | undefined;
    for (;;) {
      try {
        while (next < rules.length) {
          const rule = rules[next++];
          checking = rule;
          const result = rule.check(context);
          checking = undefined;
          if (result !== 'not-applicable' && result.length > 0) {
            this.record(rule, result);
          } else if (hidden !== undefined) {
            this.record(rule, [hidden]);
          } else if (result === 'not-applicable') {
            counts.notApplicable++;
            // Views must not read the rule's silence as a pass: it judged nothing here.
            this.notApplicableRules.push(rule);
          } else {
            counts.pass++;
          }
        }
        counts.checks += rules.length;
        return;
      } catch (error) {
        if (checking === undefined) throw error;
        if (error instanceof NotKnownYet) this.record(checking, [this.notKnownYet(error)]);
        else this.record(checking, error instanceof Error ? error : new Error(String(error)));
        checking = undefined;
      }
    }
  }

  /**
   * The check read a value not known yet ({@link NotKnownYet}), in the object it judges or in one it
   * consulted: its outcome is unknown, whatever it would have found on what is known.
   */
  private notKnownYet(error: NotKnownYet): Violation {
    const field = formatFieldPath(error.path);
    const what = error.object === this.object ? field : `${describeObject(error.object)} ${field || '(object)'}`;
    const violation: Violation = {
      path: error.object === this.object ? field : '',
      message: `${what} is not known yet, and this check reads it; it is checked once the value is known`,
      unknown: true,
    };
    this.readNotKnownYet.add(violation);
    return violation;
  }

  /**
   * Whether an unknown outcome comes from a value not known yet, which a later run judges: one a check
   * read, or one on the violation's own path; not a fact missing from the input. After unknownOrFail().
   */
  private isNotKnownYet(violation: Violation): boolean {
    return this.readNotKnownYet.has(violation) || (this.holdsMarker === true && crossesUnknown(this.object, violation.path));
  }

  /**
   * The suppression (config entry or the current object's annotation) waiving `rule` on the current
   * object, marked used, or undefined. `rule` may be {@link NOT_CHECKED_ID}, which no check records.
   */
  suppressionOf(rule: string): Suppression | undefined {
    const { object, kind, group, namespace, name, generateName, config, objectAnnotations, usedSuppressions, usedAnnotations } = this;
    const target: SuppressionTarget = { object, kind, group, namespace, name, generateName, clusterScoped: isClusterScoped(object) };
    return findSuppression(rule, target, config, objectAnnotations, usedSuppressions, usedAnnotations);
  }

  private record(rule: AnyRule, result: readonly Violation[] | Error): void {
    const { config, counts, kind, name, namespace, source } = this;
    // Called once per check result, whatever the number of its violations.
    counts.checksWithFindings++;
    const override = config.rules[rule.id];
    const suppression = config.suppressions.length === 0 && this.objectAnnotations === undefined ? undefined : this.suppressionOf(rule.id);
    const violations: readonly Violation[] = result instanceof Error
      ? [{ path: '', message: `rule ${rule.id} could not judge this object: ${result.message}`, error: true }]
      : result;
    const severity = override?.severity ?? rule.severity;
    const enforcement = override?.enforcement ?? config.enforcement;
    const pss = rule.pss ?? null;
    for (let j = 0; j < violations.length; j++) {
      const violation = violations[j];
      const outcome = suppression ? 'suppressed' : violation.error ? 'error' : this.unknownOrFail(violation);
      const path = this.intern(violation.path);
      const message = this.intern(violation.message);
      const finding = newFinding(rule, pss, outcome, severity, enforcement, kind, name, namespace, path, message, source);
      if (suppression) finding.suppression = suppression;
      if (outcome === 'unknown' && this.isNotKnownYet(violation)) finding.notKnownYet = true;
      // Set after the literal: only unnamed objects have it, and the common literal keeps its shape.
      if (this.generateName !== undefined) finding.generateName = this.generateName;
      if (this.group !== undefined) finding.group = this.group;
      counts[outcome]++;
      if (config.baseline.size > 0 && this.isBaselined(rule.id, violation.path)) {
        finding.baselined = true;
        // Only findings the baseline keeps from blocking: a baselined unknown or suppressed finding is counted as such.
        if (outcome === 'fail' || outcome === 'error') counts.baselined++;
      }
      this.findings.push(finding);
    }
  }
}

/**
 * A finding, built field by field (no spreads), the namespace inside the literal rather than added
 * after: every field then sits in the object itself, and a run can yield tens of thousands of
 * findings. In a function of its own, not in Recorder.record: findings outlive the run, and when V8
 * moves a literal's allocations to the old generation midway, it throws away the optimized code of
 * the function holding it, and the longer that function, the longer its compile takes again.
 */
function newFinding(
  rule: AnyRule, pss: string | null, outcome: Finding['outcome'], severity: Finding['severity'], enforcement: Finding['enforcement'],
  kind: string, name: string, namespace: string | undefined, path: string, message: string, source: SourceLocation,
): Mutable<Finding> {
  const { id, remediation, controls } = rule;
  return namespace === undefined
    ? { rule: id, pss, outcome, severity, enforcement, kind, name, path, message, remediation, controls, source }
    : { rule: id, pss, outcome, severity, enforcement, kind, name, path, message, remediation, controls, source, namespace };
}

/** `Role shop/reader`, for messages about an object other than the one judged; a name not known yet is said so. */
function describeObject(object: KubeObject): string {
  const meta = isFields(object.metadata) ? object.metadata : EMPTY;
  const label = (value: unknown): string | undefined => (isUnknownValue(value) ? '(not known yet)' : typeof value === 'string' && value !== '' ? value : undefined);
  const namespace = label(meta.namespace);
  const name = label(meta.name) ?? generateNameOf(meta) ?? '';
  return `${object.kind} ${namespace === undefined ? '' : `${namespace}/`}${name}`;
}

/** True when walking a field path (`spec.containers[0].securityContext.x`) meets the unknown marker. */
export function crossesUnknown(object: unknown, path: string): boolean {
  let node: unknown = object;
  let i = 0;
  while (i < path.length) {
    if (isUnknownValue(node)) return true;
    if (typeof node !== 'object' || node === null) return false;
    let key: string | number;
    if (path[i] === '[') {
      const close = path.indexOf(']', i);
      if (close < 0) return false;
      key = Number(path.slice(i + 1, close));
      i = close + 1;
    } else {
      let end = i;
      while (end < path.length && path[end] !== '.' && path[end] !== '[') end++;
      key = path.slice(i, end);
      i = end;
    }
    if (path[i] === '.') i++;
    node = (node as Record<string | number, unknown>)[key];
  }
  return isUnknownValue(node);
}

function collectShapeProblems(extractionProblems: readonly ShapeProblem[], pods: readonly PodView[]): ShapeProblem[] {
  if (pods.length === 1 && extractionProblems.length === 0) return pods[0].shapeProblems as ShapeProblem[];
  const all = [...extractionProblems];
  for (const pod of pods) all.push(...pod.shapeProblems);
  return all;
}

/**
 * Where an object is, for errors: its construct path or resource (`prod/exported/list items[1]` for an
 * item of a List, whose items share it), else `file:line`, else (read without lines, as the cdk8s-cli
 * plugin reads manifests) its document in the file, counted from 1.
 * @internal
 */
export function sourceWhere(source: SourceLocation): string | undefined {
  const owner = source.constructPath || source.resourceName;
  if (owner) return source.listItem ? `${owner} ${source.listItem}` : owner;
  if (source.file) {
    if (source.line) return `${source.file}:${source.line}`;
    if (source.documentIndex === undefined) return source.file;
    return `${source.file} (document ${source.documentIndex + 1}${source.listItem ? `, ${source.listItem}` : ''})`;
  }
  return undefined;
}

/**
 * Reads `hardpod.dev/suppress.<rule-id>: <reason>` annotations, validating them eagerly. Only the
 * object's own `metadata.annotations` count: a pod template's annotations (spec.template.metadata)
 * describe the Pods it creates, and a List's describe no object the rules judge.
 */
function suppressionsFromAnnotations(annotations: unknown, source: SourceLocation, config: ResolvedConfig): ReadonlyMap<string, string> | undefined {
  if (!isFields(annotations)) return undefined;
  let found: Map<string, string> | undefined;
  for (const key in annotations) {
    if (!key.startsWith(SUPPRESS_ANNOTATION_PREFIX)) continue;
    const rule = key.slice(SUPPRESS_ANNOTATION_PREFIX.length);
    const reason = annotations[key];
    const at = `${sourceWhere(source) ?? '<input>'} (annotation ${key})`;
    try {
      validateSuppression({ rule, kind: 'annotation', name: 'annotation', reason }, at);
      if (config.forbidSuppressions) throw new HardpodError('suppressions are forbidden by the config (forbidSuppressions: true); remove the annotation or fix the finding', at);
    } catch (error) {
      // With the annotation's field, so that a reader knowing its line can name it.
      const field = { source, path: formatFieldPath(['metadata', 'annotations', key]), label: `annotation ${key}` };
      throw error instanceof HardpodError ? new HardpodError(error.reason, error.where, field) : error;
    }
    (found ??= new Map()).set(rule, reason as string);
  }
  return found;
}

/** The object a suppression is looked for, as the config names it. */
interface SuppressionTarget {
  readonly object: KubeObject;
  readonly kind: string;
  /** The group where it is part of the object's identity ({@link identityGroupOf}). */
  readonly group: string | undefined;
  readonly namespace: string | undefined;
  readonly name: string;
  /** Only an object without a name has one here (evaluateObject gives none to a named one). */
  readonly generateName: string | undefined;
  readonly clusterScoped: boolean;
}

/**
 * The suppression of `rule` on an object, from its annotations or the config. A config entry names
 * the object by its name, or (an object without a name) by its generateName. An entry with a group
 * names an object of that API group; one without, an object whose group is no part of its identity
 * (a Knative Service is not the core Service of its name).
 */
function findSuppression(
  rule: string, target: SuppressionTarget,
  config: ResolvedConfig, annotations: ReadonlyMap<string, string> | undefined, used: Set<SuppressionEntry>, usedAnnotations: Set<string> | undefined,
): Suppression | undefined {
  const { kind, group, namespace, name, generateName, clusterScoped } = target;
  const fromAnnotation = annotations?.get(rule);
  if (fromAnnotation !== undefined) {
    usedAnnotations?.add(rule);
    return { rule, reason: fromAnnotation, source: 'annotation' };
  }
  // An empty namespace is no namespace, as Kubernetes reads `namespace: ""`.
  const objectNamespace = namespace || undefined;
  for (let i = 0; i < config.suppressions.length; i++) {
    const entry = config.suppressions[i];
    // An entry without a namespace names a cluster-scoped object whatever namespace it carries (cdk8s sets its chart's).
    const entryNamespace = entry.namespace || undefined;
    const sameNamespace = entryNamespace === objectNamespace || (clusterScoped && entryNamespace === undefined);
    const sameName = entry.generateName === undefined ? entry.name === name : entry.generateName === generateName;
    if (entry.rule !== rule || entry.kind !== kind || !sameName || !sameNamespace) continue;
    if (entry.group === undefined ? group === undefined : inApiGroup(target.object.apiVersion, entry.group)) {
      used.add(entry);
      return { rule, reason: entry.reason, source: 'config' };
    }
  }
  return undefined;
}

/**
 * Indexes the input by kind, API group, namespace and name for input-scoped rules.
 * @param seen the objects as checks read them, in the same order ({@link withUnknownsRevealed}): what
 * the index hands out. @default the objects themselves
 */
export function indexInput(objects: readonly KubeObject[], seen: readonly KubeObject[] = objects): InputIndex {
  // kind -> group: a kind of another group (a Calico NetworkPolicy) is another resource, with its own schema.
  const byKind = new Map<string, Map<string, KubeObject[]>>();
  // kind -> group -> namespace ('' for none) -> name: lookups build no key strings (rules look up thousands of times).
  const byKey = new Map<string, Map<string, Map<string, Map<string, KubeObject>>>>();
  const namespaces = new Set<string>();
  // An input holds few apiVersions: each one's group is worked out once.
  const groups = new Map<unknown, string>();
  // Per kind, a preview's objects whose name or namespace is not known yet: any of them may be the one looked up.
  let unnamed: Map<string, KubeObject[]> | undefined;
  for (let i = 0; i < objects.length; i++) {
    const object = objects[i];
    const handed = seen[i];
    let group = groups.get(object.apiVersion);
    if (group === undefined) groups.set(object.apiVersion, (group = apiGroupOf(object.apiVersion)));
    let ofKind = byKind.get(object.kind);
    if (!ofKind) byKind.set(object.kind, (ofKind = new Map()));
    const list = ofKind.get(group);
    if (list) list.push(handed);
    else ofKind.set(group, [handed]);
    const meta = isFields(object.metadata) ? object.metadata : {};
    // A ClusterRole that cdk8s gave its chart's namespace is still the one a ClusterRoleBinding names.
    const ns = typeof meta.namespace === 'string' && !isClusterScoped(object) ? meta.namespace : '';
    // Only a preview's objects (handed out behind a view) may hold the marker as a value not known yet.
    const unidentified = handed !== object && (isUnknownValue(meta.name) || isUnknownValue(ns));
    if (ns && !(unidentified && isUnknownValue(ns))) namespaces.add(ns);
    if (unidentified) {
      unnamed ??= new Map();
      const same = unnamed.get(object.kind);
      if (same) same.push(object);
      else unnamed.set(object.kind, [object]);
    } else if (typeof meta.name === 'string') {
      let inKind = byKey.get(object.kind);
      if (!inKind) byKey.set(object.kind, (inKind = new Map()));
      let inGroup = inKind.get(group);
      if (!inGroup) inKind.set(group, (inGroup = new Map()));
      let inNamespace = inGroup.get(ns);
      if (!inNamespace) inGroup.set(ns, (inNamespace = new Map()));
      inNamespace.set(meta.name, handed);
    }
  }
  const get = (kind: string, group: string, namespace: string | undefined, name: string): KubeObject | undefined => {
    const found = byKey.get(kind)?.get(group)?.get(namespace ?? '')?.get(name);
    if (found !== undefined || unnamed === undefined) return found;
    const candidates = unnamed.get(kind);
    if (candidates !== undefined) throwIfMaybeIt(candidates, group, namespace ?? '', name);
    return undefined;
  };
  return { objects: seen, byKind: (kind, group) => byKind.get(kind)?.get(group) ?? [], get, namespaces };
}

/**
 * Throws {@link NotKnownYet} when an object whose name or namespace is not known yet may be the one
 * looked up: its known part matches. Names are unique per kind, group and namespace, so an object found by
 * its known name is the one, and these are only asked about when none is.
 */
function throwIfMaybeIt(candidates: readonly KubeObject[], group: string, namespace: string, name: string): void {
  for (let i = 0; i < candidates.length; i++) {
    const object = candidates[i];
    if (!inApiGroup(object.apiVersion, group)) continue;
    const meta = object.metadata as Readonly<Record<string, unknown>>;
    const ns = isUnknownValue(meta.namespace) ? undefined : typeof meta.namespace === 'string' ? meta.namespace : '';
    if (ns !== undefined && ns !== namespace) continue;
    if (!isUnknownValue(meta.name) && meta.name !== name) continue;
    throw new NotKnownYet(object, ['metadata', isUnknownValue(meta.name) ? 'name' : 'namespace']);
  }
}
