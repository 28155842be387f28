import { resolve } from 'node:path';
import * as policySdk from '@pulumi/policy';
import type {
  EnforcementLevel,
  Policies,
  PolicyComplianceFramework,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from '@pulumi/policy';
import { checkHardeningOption } from './hardening-option';
import { asProgramMistake } from './program-errors';
import { MessageRedactor } from './redact';
import {
  HELM_RELEASE_TYPE, applyChanges, changeSatisfies, failingRuleIds, holdsPodSpec, isPatchType, kubeObjectOf, objectName,
  patchNotChecked, patchedObjectOf, restoreOpaque, splitFieldPath, toCheckable, unwrapPolicyProxy, type OpacityTest,
} from './resource-props';
import { idleRuleOverrideWarnings, resolveConfig, SUPPRESS_ANNOTATION_PREFIX, type EngineConfig, type ResolvedConfig } from '../engine/config';
import { evaluate, rulesFor } from '../engine/evaluate';
import { NOT_CHECKED_ID, unsuppressedNotChecked, type Finding, type Report } from '../engine/report';
import { harden, type HardenOptions } from '../hardening/harden';
import { SECURE_DEFAULTS } from '../hardening/secure-defaults';
import { withLockFileFacts } from '../images/lock-resolver';
import { HardpodError, isHardpodError } from '../model/errors';
import { parseFieldPath, valueAtPath, type PathSegment } from '../model/field-path';
import type { KubeObject, LocatedObject } from '../model/kube-object';
import { UNKNOWN_VALUE, identityGroupOf, isFields } from '../model/pod-view';
import { refuseUnknownKeys } from '../model/prop-keys';
import type { AnyRule, ControlMapping } from '../rules/rule';

/**
 * hardpod's rules as a Pulumi policy pack (CrossGuard): one policy per rule, with the same
 * level, severities, enforcement and suppressions as `hardpod check`, so a platform team writes its
 * policy once and enforces it on every Kubernetes resource of every stack.
 *
 * What policies can see: every resource whose Pulumi type is a Kubernetes kind
 * (`kubernetes:apps/v1:Deployment` ...), including the objects that `helm.v4.Chart`,
 * `yaml.v2.ConfigFile`, `yaml.v2.ConfigGroup` and `kustomize.v2.Directory` register as children.
 * What they cannot see: the objects inside a `helm.v3.Release`. Helm installs those itself, so
 * they are never Pulumi resources; the `not-checked` policy reports every such release. Use
 * `helm.v4.Chart` instead, or check the chart's rendered output in CI
 * (`helm template ... | hardpod check -`). Patch resources (`kubernetes:apps/v1:DeploymentPatch` ...)
 * change only some fields of an object declared elsewhere, so `not-checked` reports those that
 * touch a workload instead of judging them.
 *
 * Values unknown during preview (outputs of resources not created yet) are reported as unknown
 * through Pulumi's own channel (an advisory "can't run policy during preview" diagnostic naming
 * the field), never as a pass; the update checks them again once known.
 */

/** Options of {@link hardpodPolicies}. */
export interface HardpodPolicyOptions {
  /**
   * The engine config: level, Kubernetes version, rule overrides (severity, enforcement, enabled),
   * suppressions and cluster context. `deny` becomes Pulumi's `mandatory`, `warn` `advisory`.
   * @default {} (level hardened, newest Kubernetes version, every failure denied)
   */
  readonly config?: EngineConfig;
  /**
   * Rules whose policies rewrite a resource's inputs with the core's harden() before validating
   * (Pulumi's `remediate` enforcement): `true` for every rule a secure default satisfies, or a list
   * of rule ids. A rule no secure default satisfies cannot be remediated (for example an image
   * digest) and is an error here. A policy rewrites a resource only when its rule fails there: a
   * setting that passes, is suppressed, baselined or allowed by the config stays as written, and
   * patch resources (`DeploymentPatch` ...) are never rewritten. A remediation sees one resource: a
   * LimitRange the stack creates does not stop `resources` from bounding a container itself (one
   * declared in the config's cluster context does).
   * @default false: nothing is rewritten
   */
  readonly remediate?: boolean | readonly string[];
  /**
   * Settings harden() uses when remediating (default requests and limits, seccomp profile).
   * Custom workload kinds come from the config's `workloadKinds`.
   * @default harden()'s defaults
   */
  readonly hardening?: HardenOptions;
  /**
   * Enforcement of the `not-checked` policy, which reports what hardpod cannot check: every
   * `helm.v3.Release`, patches of workloads, and objects holding a pod template of a kind the config
   * does not map. Such an object that a suppression acknowledges with its reason (`rule: not-checked`
   * in the config's suppressions, or the annotation `hardpod.dev/suppress.not-checked`) is not reported.
   * @default 'advisory'
   */
  readonly notCheckedEnforcement?: EnforcementLevel;
  /**
   * Lock file whose image facts the image-* rules judge (image user, shell, ports ...), as
   * `hardpod check --lock-file` does; relative to the policy pack's working directory. The file
   * must exist. A policy pack serves many programs, so no lock file is picked up unless named.
   * @default none: the image-* rules that need facts are not applicable
   */
  readonly lockFile?: string;
}

/** Name of the policy that reports resources whose objects hardpod cannot see. */
export const NOT_CHECKED_POLICY = NOT_CHECKED_ID;

/** Name of the policy that warns of config settings of no effect: overrides of rules the pack does not run. */
export const CONFIG_POLICY = 'hardpod-config';

/** Rule ids some secure default satisfies: these policies can remediate. */
export function remediableRuleIds(): ReadonlySet<string> {
  const ids = new Set<string>();
  for (const entry of SECURE_DEFAULTS) if (entry.scope !== 'companion') for (const rule of entry.rules) ids.add(rule);
  return ids;
}

const FRAMEWORK_ORDER: readonly ControlMapping['framework'][] = ['Pod Security Standards', 'CIS Kubernetes Benchmark', 'NIST SP 800-190', 'CIS Docker Benchmark'];

/** The rule's first control, in the order above, as Pulumi's single framework field. */
export function frameworkOf(rule: AnyRule): PolicyComplianceFramework | undefined {
  for (const framework of FRAMEWORK_ORDER) {
    const control = rule.controls.find((c) => c.framework === framework);
    if (control) return { name: control.framework, version: control.edition, reference: control.id, specification: rule.title };
  }
  return undefined;
}

/** Every control of the rule as a tag, `<framework>-<edition>:<id>`, so all mappings stay searchable. */
export function controlTags(rule: AnyRule): string[] {
  const slug = (framework: string) => framework.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  return [
    'hardpod',
    `level:${rule.level}`,
    ...(rule.pss ? [`pss:${rule.pss}`] : []),
    ...rule.controls.map((c) => `${slug(c.framework)}-${c.edition}:${c.id}`),
  ];
}

/**
 * The error the policy proxy throws when a policy reads a value unknown during preview. @pulumi/policy
 * exports it at run time but leaves it out of its type declarations.
 */
type UnknownValueErrorClass = new (unknownSentinel: string, propertyPath: string[]) => Error;
const UnknownValueError = (policySdk as unknown as { UnknownValueError: UnknownValueErrorClass }).UnknownValueError;

/** True for the error the policy proxy throws when a policy reads a value unknown during preview. */
function isUnknownValueError(error: unknown): error is Error {
  return error instanceof UnknownValueError || (error instanceof Error && error.constructor.name === 'UnknownValueError');
}

/**
 * The UnknownValueError class of the @pulumi/policy copy that made `props` (the analyzer compares
 * with `instanceof` against its own copy, which may not be the one hardpod loads): the proxy throws
 * it when a field it wraps holds the engine's unknown marker, so one is put there for a moment.
 */
function unknownErrorClassOf(props: unknown): UnknownValueErrorClass {
  if (typeof props !== 'object' || props === null) return UnknownValueError;
  const target = props as Record<string, unknown>;
  const probe = '__hardpodUnknownProbe';
  try {
    target[probe] = UNKNOWN_VALUE;
    void target[probe];
  } catch (error) {
    if (isUnknownValueError(error)) return error.constructor as UnknownValueErrorClass;
  } finally {
    delete target[probe];
  }
  return UnknownValueError;
}

/** The finding's message with the values that may be secret in its object hidden (see MessageRedactor). */
type MessageOf = (finding: Finding) => string;

function violationMessage(finding: Finding, messageOf: MessageOf): string {
  const at = finding.path ? ` at ${finding.path}` : '';
  const prefix = finding.outcome === 'error' ? 'could not be judged: ' : '';
  return `${objectName(finding)}${at}: ${prefix}${messageOf(finding)}\nRemediation: ${finding.remediation}`;
}

/**
 * Throws the error Pulumi's analyzer turns into an advisory "can't run policy" diagnostic, naming
 * the fields and the rule, so an unknown outcome is reported instead of passing.
 */
function throwUnknown(ruleId: string, unknown: readonly Finding[], errorClass: UnknownValueErrorClass, why: string, messageOf: MessageOf): never {
  const first = unknown[0];
  const error = new errorClass(UNKNOWN_VALUE, splitFieldPath(first.path).map(String));
  const fields = unknown.map((f) => `${objectName(f)} ${f.path || '(object)'}`).join(', ');
  error.message = `rule ${ruleId} cannot judge ${fields} (outcome unknown; ${why}): ${messageOf(first)}`;
  throw error;
}

/** Why a resource policy's outcome is unknown: a value that only the update knows. */
const UNKNOWN_IN_PREVIEW = 'the value is not known during preview, and the update checks it again';
/** Why a resource policy's outcome is unknown when no value is: the rule needs what the resource does not say. */
const UNKNOWN_FROM_RESOURCE = 'the resource\'s own fields do not settle it, so the update cannot tell either';
/** Why a stack policy's outcome is unknown: a fact about objects outside the stack. */
const UNKNOWN_CONTEXT = 'it depends on objects outside this stack; declare them, or `complete: true`, in the config\'s cluster context';

function reportFindings(
  ruleId: string, findings: readonly Finding[], reportViolation: ReportViolation, errorClass: () => UnknownValueErrorClass, why: string,
  redactorOf: (finding: Finding) => MessageRedactor,
): void {
  const unknown: Finding[] = [];
  const messageOf: MessageOf = (finding) => redactorOf(finding).redact(finding.message, finding.path);
  for (const finding of findings) {
    // A baselined finding was accepted when the baseline was taken, as `hardpod check` treats it.
    if (finding.rule !== ruleId || finding.baselined) continue;
    if (finding.outcome === 'fail' || finding.outcome === 'error') reportViolation(violationMessage(finding, messageOf), finding.source.resourceName);
    else if (finding.outcome === 'unknown') unknown.push(finding);
  }
  // A value only the update knows is said so, wherever the policy runs; otherwise the policy's own reason.
  if (unknown.length > 0) throwUnknown(ruleId, unknown, errorClass(), unknown[0].notKnownYet ? UNKNOWN_IN_PREVIEW : why, messageOf);
}

function enforcementOf(rule: AnyRule, config: ResolvedConfig, remediate: ReadonlySet<string>): EnforcementLevel {
  if (remediate.has(rule.id)) return 'remediate';
  return (config.rules[rule.id]?.enforcement ?? config.enforcement) === 'deny' ? 'mandatory' : 'advisory';
}

function remediationSet(option: HardpodPolicyOptions['remediate'], rules: readonly AnyRule[]): ReadonlySet<string> {
  const remediable = remediableRuleIds();
  if (option === undefined || option === false) return new Set();
  if (option === true) return new Set(rules.filter((r) => remediable.has(r.id) && r.scope !== 'input').map((r) => r.id));
  for (const id of option) {
    if (!rules.some((r) => r.id === id)) throw new HardpodError(`unknown or disabled rule id "${id}"; expected a rule of the configured level`, 'remediate');
    if (!remediable.has(id)) {
      throw new HardpodError(`rule ${id} cannot be remediated: no secure default satisfies it; remediable rules are ${[...remediable].sort().join(', ')}`, 'remediate');
    }
  }
  return new Set(option);
}

/**
 * Evaluates one resource once, however many policies ask (the analyzer asks them one after the
 * other, each with a fresh copy of the same properties). Reads below the policy proxy: unknowns are
 * the engine's marker there, which the rules judge as unknown.
 */
class ResourceEvaluator {
  private last: { type: string; urn: string; data: readonly unknown[]; result: EvaluatedResource | undefined } | undefined;

  constructor(private readonly config: ResolvedConfig) {}

  evaluate(type: string, props: unknown, urn: string): EvaluatedResource | undefined {
    const raw = unwrapPolicyProxy(props);
    const last = this.last;
    // The same resource again only when every value is: a `pulumi up` sees it in preview with unknowns, then known.
    if (last && last.urn === urn && last.type === type && matchesFlatData(raw, last.data, 0) === last.data.length) return last.result;
    const object = kubeObjectOf(type, toCheckable(raw).plain);
    const result = object ? indexByRule(object, evaluateLeavingOut([{ object, source: { resourceName: urn } }], this.config)) : undefined;
    const data: unknown[] = [];
    flattenData(raw, data);
    this.last = { type, urn, data, result };
    return result;
  }
}

/** A report with its findings grouped by rule, so each policy finds its own at once. */
interface EvaluatedResource {
  readonly report: Report;
  readonly byRule: ReadonlyMap<string, readonly Finding[]>;
  /** Suppression annotations the engine refused, left out of the evaluation. */
  readonly refused: readonly RefusedAnnotation[];
  /** Why the engine could not read the resource at all, when it could not. */
  readonly unjudged: readonly Unjudged[];
  /** Hides the object's values that may be secret in messages; made when a policy first reports one. */
  readonly redactor: () => MessageRedactor;
}

function indexByRule(object: unknown, { report, refused, unjudged }: Evaluation): EvaluatedResource {
  const byRule = new Map<string, Finding[]>();
  for (const finding of report.findings) {
    const list = byRule.get(finding.rule);
    if (list) list.push(finding);
    else byRule.set(finding.rule, [finding]);
  }
  let redactor: MessageRedactor | undefined;
  return { report, byRule, refused, unjudged, redactor: () => (redactor ??= new MessageRedactor(object)) };
}

/** A suppression annotation the engine refused: it suppresses nothing, and the policy of the rule it names says why. */
interface RefusedAnnotation {
  /** The rule the annotation names (`hardpod.dev/suppress.<rule>`), known or not. */
  readonly rule: string;
  readonly urn: string | undefined;
  readonly message: string;
}

/** A resource the engine cannot read (a typed list holding an item that is no object), left out. */
interface Unjudged {
  readonly urn: string;
  readonly message: string;
}

/** What an evaluation found, and the suppression annotations and resources it left out. */
interface Evaluation {
  readonly report: Report;
  readonly refused: readonly RefusedAnnotation[];
  readonly unjudged: readonly Unjudged[];
}

/**
 * Evaluates as the engine does, except that what it refuses in one resource is left out and returned
 * instead of thrown: @pulumi/policy turns an error a policy throws into a failed analysis of the whole
 * resource (or stack), shown with a stack trace. A refused suppression annotation (an empty reason, an
 * unknown rule id, any at all when the config forbids them) is left out of its object, so it suppresses
 * nothing and the findings it meant to hide are reported next to the mistake; a resource the engine
 * cannot read at all is left out of the evaluation. `hardpod check` refuses such an input as a whole.
 */
function evaluateLeavingOut(objects: readonly LocatedObject[], config: EngineConfig | ResolvedConfig): Evaluation {
  const current = [...objects];
  const refused: RefusedAnnotation[] = [];
  const unjudged: Unjudged[] = [];
  for (;;) {
    try {
      return { report: evaluate(current, config), refused, unjudged };
    } catch (error) {
      const annotation = leaveOutRefused(error, current);
      if (annotation) {
        refused.push(annotation);
        continue;
      }
      // Each retry leaves out one resource or one annotation, so the retries end.
      const at = isHardpodError(error) && error.field === undefined ? current.findIndex((l) => l.source.resourceName === error.where) : -1;
      if (at < 0) throw error;
      unjudged.push({ urn: current[at].source.resourceName!, message: `${(error as HardpodError).message}; no policy can judge this resource until it is fixed` });
      current.splice(at, 1);
    }
  }
}

/**
 * When `error` is the engine's refusal of a suppression annotation of one of `objects` (or of an item
 * of one, a List), replaces that object with a copy without the annotation (so each refusal leaves one
 * out, and the retries end) and says what was wrong; otherwise undefined.
 */
function leaveOutRefused(error: unknown, objects: LocatedObject[]): RefusedAnnotation | undefined {
  const field = isHardpodError(error) ? error.field : undefined;
  if (!field || field.source.resourceName === undefined) return undefined;
  const [metadata, annotations, key] = parseFieldPath(field.path);
  if (metadata !== 'metadata' || annotations !== 'annotations' || typeof key !== 'string' || !key.startsWith(SUPPRESS_ANNOTATION_PREFIX)) return undefined;
  const at = objects.findIndex((l) => l.source.resourceName === field.source.resourceName);
  if (at < 0) return undefined;
  // An item of a List carries its own annotations.
  const place = field.source.listItem === undefined ? [] : parseFieldPath(field.source.listItem);
  const object = valueAtPath(objects[at].object, place);
  const meta = isFields(object) ? object.metadata : undefined;
  if (!isFields(object) || !isFields(meta) || !isFields(meta.annotations) || !(key in meta.annotations)) return undefined;
  const kept = { ...meta.annotations };
  delete kept[key];
  const without = { ...object, metadata: { ...meta, annotations: kept } };
  objects[at] = { ...objects[at], object: withValueAt(objects[at].object, place, without) as KubeObject };
  const name = typeof meta.name === 'string' ? meta.name : '';
  const namespace = typeof meta.namespace === 'string' ? meta.namespace : undefined;
  return {
    rule: key.slice(SUPPRESS_ANNOTATION_PREFIX.length),
    urn: field.source.resourceName,
    message: `${objectName({ kind: String(object.kind), group: identityGroupOf(object), name, namespace, source: field.source })} ${field.path}: ${(error as HardpodError).reason}; the annotation suppresses nothing until it is fixed`,
  };
}

/** `root` with `value` at `path`, copying what the path passes through and leaving `root` as it is. */
function withValueAt(root: unknown, path: readonly PathSegment[], value: unknown): unknown {
  if (path.length === 0) return value;
  const [segment, ...rest] = path;
  const copy = (Array.isArray(root) ? [...root] : { ...(root as Record<string, unknown>) }) as Record<string | number, unknown>;
  copy[segment] = withValueAt(copy[segment], rest, value);
  return copy;
}

/** Reports the refused annotations `matches` picks, each on its resource. */
function reportRefused(refused: readonly RefusedAnnotation[], matches: (rule: string) => boolean, reportViolation: ReportViolation): void {
  for (const annotation of refused) if (matches(annotation.rule)) reportViolation(annotation.message, annotation.urn);
}

/*
 * Deserialized property values (JSON data; other objects stand for themselves) as a flat list, in
 * walk order: a mapping is OPEN_MAPPING, then each key and its value, then CLOSE; a list is
 * OPEN_LIST, its items, CLOSE. Comparing the next copy against the list is one walk over that copy,
 * with no key listed or looked up twice; the same data with its keys in another order reads as
 * different, which only costs an evaluation.
 */
const OPEN_MAPPING = Symbol('{');
const OPEN_LIST = Symbol('[');
const CLOSE = Symbol('close');

function isPlainData(value: object): boolean {
  return Object.getPrototypeOf(value) === Object.prototype;
}

function flattenData(value: unknown, out: unknown[]): void {
  if (typeof value !== 'object' || value === null) {
    out.push(value);
  } else if (Array.isArray(value)) {
    out.push(OPEN_LIST);
    for (let i = 0; i < value.length; i++) flattenData(value[i], out);
    out.push(CLOSE);
  } else if (!isPlainData(value)) {
    out.push(value);
  } else {
    out.push(OPEN_MAPPING);
    // Plain objects inherit no enumerable keys: for...in yields their own.
    for (const key in value) {
      out.push(key);
      flattenData((value as Record<string, unknown>)[key], out);
    }
    out.push(CLOSE);
  }
}

/** Where `value`'s part of `data` ends when it matches `data` from `at` on, else -1. */
function matchesFlatData(value: unknown, data: readonly unknown[], at: number): number {
  if (typeof value !== 'object' || value === null) return data[at] === value ? at + 1 : -1;
  if (Array.isArray(value)) {
    if (data[at] !== OPEN_LIST) return -1;
    let next = at + 1;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      // Leaves are compared here: most values are, and a call per value costs more than the comparison.
      if (typeof item !== 'object' || item === null) {
        if (data[next++] !== item) return -1;
      } else if ((next = matchesFlatData(item, data, next)) < 0) {
        return -1;
      }
    }
    return data[next] === CLOSE ? next + 1 : -1;
  }
  if (!isPlainData(value)) return data[at] === value ? at + 1 : -1;
  if (data[at] !== OPEN_MAPPING) return -1;
  let next = at + 1;
  for (const key in value) {
    if (data[next++] !== key) return -1;
    const field = (value as Record<string, unknown>)[key];
    if (typeof field !== 'object' || field === null) {
      if (data[next++] !== field) return -1;
    } else if ((next = matchesFlatData(field, data, next)) < 0) {
      return -1;
    }
  }
  return data[next] === CLOSE ? next + 1 : -1;
}

/** The config with the rules judged at the stack level switched off, for one-resource evaluation. */
function singleObjectConfig(config: EngineConfig, stackRules: readonly AnyRule[]): ResolvedConfig {
  const rules = { ...config.rules };
  for (const rule of stackRules) rules[rule.id] = { ...rules[rule.id], enabled: false };
  return resolveConfig({ ...config, rules });
}

/**
 * Whether a rule's policy is a stack policy, which sees every resource of the stack: cross-object
 * rules, and pod rules whose verdict other objects may change (the defaults a LimitRange of the
 * namespace writes, for `resources`), so that a LimitRange the stack creates counts as it does in
 * `hardpod check`. Judging such a rule on each resource as well would fail a workload the stack's
 * LimitRange bounds, or report the same missing limit twice: the stack level gives the one verdict,
 * on the workload's URN. A rule the pack remediates stays a resource policy (only those can rewrite
 * inputs); its rewrite bounds the container itself, so nothing is left for a LimitRange to change.
 */
function judgedOnStack(rule: AnyRule, remediate: ReadonlySet<string>): boolean {
  return rule.scope === 'input' || (rule.scope === 'pod' && rule.readsInput === true && !remediate.has(rule.id));
}

/** Policy fields every hardpod policy carries. */
function policyMetadata(rule: AnyRule, config: ResolvedConfig, remediate: ReadonlySet<string>) {
  const framework = frameworkOf(rule);
  return {
    name: rule.id,
    displayName: rule.title,
    description: `${rule.title} (hardpod rule ${rule.id}, level ${rule.level})`,
    enforcementLevel: enforcementOf(rule, config, remediate),
    severity: config.rules[rule.id]?.severity ?? rule.severity,
    ...(framework ? { framework } : {}),
    tags: controlTags(rule),
    remediationSteps: rule.remediation,
  };
}

/**
 * Rewrites a resource's inputs with the changes harden() makes for one rule, only when that rule
 * fails on the resource as `config` judges it: a setting that passes, is suppressed (annotation or
 * config), baselined, or allowed by the config is left as written. Changes under a value unknown
 * during preview are left out (the update remediates once it is known).
 * @param config the resolved config the resource is judged with @default the default config
 */
export function remediateForRule(
  ruleId: string, type: string, props: unknown, hardening: HardenOptions = {}, test: OpacityTest = {}, config: ResolvedConfig = resolveConfig({}),
): Record<string, unknown> | undefined {
  const { plain, opaque } = toCheckable(props, test);
  const object = kubeObjectOf(type, plain);
  if (!object) return undefined;
  const { report, refused } = evaluateLeavingOut([{ object, source: { resourceName: type } }], config);
  // A setting its annotation means to keep is kept while the annotation is refused; validation says why.
  if (refused.some((r) => r.rule === ruleId)) return undefined;
  const failing = failingRuleIds(report.findings);
  if (!failing.has(ruleId)) return undefined;
  const only = new Set([ruleId]);
  const applied = applyChanges(plain, harden(object, hardening).changes.filter((c) => changeSatisfies(c, only)));
  return applied.length > 0 ? restoreOpaque(plain, opaque) : undefined;
}

/**
 * One Pulumi policy per hardpod rule of the configured level (single-object rules as resource
 * policies; cross-object rules such as NetworkPolicy coverage, and `resources`, which a LimitRange
 * of the stack may satisfy, as stack policies, unless `resources` is remediated), plus
 * {@link NOT_CHECKED_POLICY}. Config mistakes throw a HardpodError here, when the pack starts; a
 * `rules` override of a rule the pack does not run (outside the pinned edition, the level or the
 * rule's Kubernetes versions), which has no effect, adds the advisory stack policy {@link CONFIG_POLICY},
 * which says so once per stack, naming the key (`hardpodPolicies config.rules.probes`) and why.
 */
export function hardpodPolicies(options: HardpodPolicyOptions = {}): Policies {
  try {
    return policiesOf(options);
  } catch (error) {
    // A pack that does not catch it reports the mistake as its message alone, not with a stack trace.
    throw asProgramMistake(error);
  }
}

function policiesOf(options: HardpodPolicyOptions): Policies {
  checkPolicyOptions(options);
  const baseConfig = options.config ?? {};
  const engineConfig = options.lockFile === undefined ? baseConfig : withLockFileFacts(baseConfig, resolve(options.lockFile), true);
  const where = (key: string): string => `hardpodPolicies config.${key}`;
  const resolved = resolveConfig(engineConfig, where);
  const rules = rulesFor(resolved);
  const remediate = remediationSet(options.remediate, rules);
  const stackRules = rules.filter((r) => judgedOnStack(r, remediate));
  const ruleIds = new Set(rules.map((r) => r.id));
  const hardening: HardenOptions = { ...options.hardening, workloadKinds: engineConfig.workloadKinds ?? options.hardening?.workloadKinds };
  const singleObject = stackRules.length > 0 ? singleObjectConfig(engineConfig, stackRules) : resolved;
  const perResource = new ResourceEvaluator(singleObject);

  const checkResource = (args: ResourceValidationArgs): EvaluatedResource | undefined => perResource.evaluate(args.type, args.props, args.urn);

  const policies: Policies = [];
  for (const rule of rules) {
    if (stackRules.includes(rule)) {
      const policy: StackValidationPolicy = {
        ...policyMetadata(rule, resolved, remediate),
        validateStack: (args: StackValidationArgs, reportViolation: ReportViolation) => {
          // A stack may deploy to several clusters, one provider each: a Namespace, NetworkPolicy or
          // Role in one cluster says nothing about a workload in another, so each is judged on its own.
          const byCluster = new Map<string, LocatedObject[]>();
          const objects = new Map<string, unknown>();
          for (const resource of args.resources) {
            const object = kubeObjectOf(resource.type, toCheckable(unwrapPolicyProxy(resource.props)).plain);
            if (!object) continue;
            objects.set(resource.urn, object);
            const cluster = resource.provider?.urn ?? '';
            const located = byCluster.get(cluster);
            if (located) located.push({ object, source: { resourceName: resource.urn } });
            else byCluster.set(cluster, [{ object, source: { resourceName: resource.urn } }]);
          }
          const config = { ...engineConfig, rules: onlyRule(engineConfig, rules, rule.id) };
          const evaluations = [...byCluster.values()].map((located) => evaluateLeavingOut(located, config));
          // The resource policies report the refused annotations of other rules, and the resources the engine cannot read.
          for (const { refused } of evaluations) reportRefused(refused, (named) => named === rule.id, reportViolation);
          const findings = evaluations.flatMap((e) => e.report.findings);
          const redactors = new Map<string | undefined, MessageRedactor>();
          const redactorOf = (finding: Finding) => {
            const urn = finding.source.resourceName;
            let redactor = redactors.get(urn);
            if (!redactor) redactors.set(urn, (redactor = new MessageRedactor(urn === undefined ? undefined : objects.get(urn))));
            return redactor;
          };
          reportFindings(rule.id, findings, reportViolation, () => unknownErrorClassOf(args.resources[0]?.props), UNKNOWN_CONTEXT, redactorOf);
        },
      };
      policies.push(policy);
      continue;
    }
    const policy: ResourceValidationPolicy = {
      ...policyMetadata(rule, resolved, remediate),
      validateResource: (args: ResourceValidationArgs, reportViolation: ReportViolation) => {
        const evaluated = checkResource(args);
        if (evaluated) reportRefused(evaluated.refused, (named) => named === rule.id, reportViolation);
        const found = evaluated?.byRule.get(rule.id);
        if (found) reportFindings(rule.id, found, reportViolation, () => unknownErrorClassOf(args.props), UNKNOWN_FROM_RESOURCE, evaluated!.redactor);
      },
      ...(remediate.has(rule.id)
        ? {
          remediateResource: (args: ResourceValidationArgs) => {
            // Below the proxies, secrets stay secret in the rewritten inputs.
            return remediateForRule(rule.id, args.type, args.props, hardening, { unwrapPolicyProxies: true }, singleObject);
          },
        }
        : {}),
    };
    policies.push(policy);
  }

  const warnings = idleRuleOverrideWarnings(resolved, where);
  if (warnings.length > 0) policies.push(configPolicy(warnings));

  policies.push({
    name: NOT_CHECKED_POLICY,
    displayName: 'Resources hardpod cannot check',
    description: 'Reports Kubernetes objects no policy can see: those inside a helm.v3.Release, patches of workloads, and pod templates in kinds the config does not map.',
    enforcementLevel: options.notCheckedEnforcement ?? 'advisory',
    severity: 'medium',
    tags: ['hardpod'],
    remediationSteps:
      'Use helm.v4.Chart (its objects are individual resources every policy checks) instead of helm.v3.Release, or check the rendered chart in CI ' +
      'with `helm template ... | hardpod check -`. For custom kinds, map where their pod template sits with workloadKinds in the config; ' +
      'where no mapping can express it, acknowledge the object with its reason (annotation hardpod.dev/suppress.not-checked, or a not-checked suppression in the config).',
    validateResource: (args: ResourceValidationArgs, reportViolation: ReportViolation) => {
      if (args.type === HELM_RELEASE_TYPE) {
        reportViolation(
          `helm.v3.Release ${args.name}: Helm installs the release's objects itself, so they are not Pulumi resources and no policy can check them. ` +
            'Use helm.v4.Chart, or run `helm template ... | hardpod check -` in CI.',
        );
        return;
      }
      if (isPatchType(args.type)) {
        const patched = patchedObjectOf(args.type, toCheckable(unwrapPolicyProxy(args.props)).plain);
        if (patched && holdsPodSpec(patched, singleObject)) reportViolation(patchNotChecked(args.type, args.name));
        return;
      }
      const evaluated = checkResource(args);
      if (!evaluated) return;
      // An annotation naming no policy of the pack (an unknown rule id, a rule the config leaves out) is said here.
      reportRefused(evaluated.refused, (named) => named === NOT_CHECKED_POLICY || !ruleIds.has(named), reportViolation);
      for (const { message, urn } of evaluated.unjudged) reportViolation(message, urn);
      for (const entry of unsuppressedNotChecked(evaluated.report)) reportViolation(`${objectName(entry)}: ${entry.reason}`);
    },
  });
  return policies;
}

/**
 * The policy that says what is wrong with the config without failing anything (the pack has no other
 * channel to its users): it reports each warning once per stack analysis, not on every resource.
 */
function configPolicy(warnings: readonly string[]): StackValidationPolicy {
  return {
    name: CONFIG_POLICY,
    displayName: 'Config settings that have no effect',
    description: 'Warns of config settings that have no effect: a rules override of a rule the pack does not run (outside the pinned edition, the level or the rule\'s Kubernetes versions).',
    enforcementLevel: 'advisory',
    severity: 'low',
    tags: ['hardpod'],
    remediationSteps: 'Remove the override, or have the rule run: pin a later edition, a higher level or a later Kubernetes version in the config.',
    validateStack: (_args: StackValidationArgs, reportViolation: ReportViolation) => {
      for (const warning of warnings) reportViolation(warning);
    },
  };
}

const POLICY_OPTIONS = ['config', 'remediate', 'hardening', 'notCheckedEnforcement', 'lockFile'];
const NOT_CHECKED_LEVELS: readonly EnforcementLevel[] = ['advisory', 'mandatory', 'disabled'];

/**
 * Refuses options a plain JavaScript pack gets wrong, which would otherwise fail open (a misspelled
 * `remediate` rewrites nothing) or fail only when the CLI asks the pack (an enforcement `deny`).
 */
function checkPolicyOptions(options: unknown): void {
  const where = 'hardpodPolicies';
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new HardpodError(`options must be an object of ${POLICY_OPTIONS.join(', ')}`, where);
  }
  refuseUnknownKeys(options, POLICY_OPTIONS, '', where, { noun: 'option', listAlways: true });
  const { remediate, notCheckedEnforcement, lockFile, hardening } = options as HardpodPolicyOptions;
  checkHardeningOption(hardening, where);
  if (lockFile !== undefined && typeof lockFile !== 'string') throw new HardpodError(`lockFile must be the path of a lock file (got ${JSON.stringify(lockFile)})`, where);
  if (remediate !== undefined && typeof remediate !== 'boolean' && !(Array.isArray(remediate) && remediate.every((id) => typeof id === 'string'))) {
    throw new HardpodError(`remediate must be true, false or a list of rule ids (got ${JSON.stringify(remediate)})`, where);
  }
  if (notCheckedEnforcement !== undefined && !NOT_CHECKED_LEVELS.includes(notCheckedEnforcement)) {
    throw new HardpodError(
      `notCheckedEnforcement must be one of ${NOT_CHECKED_LEVELS.join(', ')} (the policy reports, it never rewrites) (got ${JSON.stringify(notCheckedEnforcement)})`, where,
    );
  }
}

/** The config's rule overrides with every rule but one switched off. */
function onlyRule(config: EngineConfig, rules: readonly AnyRule[], id: string): EngineConfig['rules'] {
  const overrides: Record<string, NonNullable<EngineConfig['rules']>[string]> = { ...config.rules };
  for (const rule of rules) if (rule.id !== id) overrides[rule.id] = { ...overrides[rule.id], enabled: false };
  return overrides;
}
