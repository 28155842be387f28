import { ApiObject, Chart } from 'cdk8s';
import { Construct, type IConstruct } from 'constructs';
import { duplicateObjects } from './duplicates';
import { checkOptionKeys, resolveValidationOptions, scopeLabel, type ValidationOptions } from './options';
import { SUPPRESS_ANNOTATION_PREFIX, type ResolvedConfig } from '../../engine/config';
import { evaluate, sourceWhere } from '../../engine/evaluate';
import { isBlockingFinding, NOT_CHECKED_ID, unsuppressedNotChecked, type Finding, type NotCheckedObject, type Report } from '../../engine/report';
import { HardpodError, isHardpodError } from '../../model/errors';
import type { LocatedObject } from '../../model/kube-object';
import { describeType } from '../../model/pod-view';
import { objectLabel } from '../../reporters/shared';

export interface EnforceOptions extends ValidationOptions {
  /**
   * Receives the whole report each time the objects are evaluated, including findings that do not
   * fail synthesis (`unknown` cross-object facts, `warn` enforcement, suppressions): at a synthesis
   * whose objects differ from the last ones evaluated, and again within it should another validation
   * of the app change them after hardpod's first. cdk8s validates the app again for each chart it
   * synthesizes; objects that have not changed are not evaluated again.
   * @default none
   */
  readonly onReport?: (report: Report) => void;
  /**
   * Receives, once per enforcement, each finding that does not fail synthesis but is no pass
   * either: an `unknown` outcome (a fact the app does not hold, such as its Namespace or a
   * NetworkPolicy selecting the pods) or a failure whose enforcement is `warn`; and, when enforce
   * is called, each config `rules:` override of a rule this enforcement does not run (outside its
   * edition, level or Kubernetes version), which has no effect. cdk8s has no warning channel of its own.
   * @default prints each to standard error
   */
  readonly onWarning?: (message: string) => void;
}

/** hardpod's entry points for cdk8s apps. */
export class Hardpod {
  /**
   * Enforces the rule engine on every ApiObject under `scope` (an App or a Chart): hardpod
   * constructs, plain ApiObjects, cdk8s-plus constructs, included YAML and Helm charts alike.
   * `app.synth()`, `app.synthYaml()` and `Testing.synth(chart)` then fail with one line per
   * failing finding, naming the ApiObject's construct path (with, for an item of a v1 List, its
   * place in the List: `prod/exported/object0-list items[1] (Pod shop/debug)`), the rule and the field. An object
   * hardpod cannot check (a kind the config's `workloadKinds` does not map, holding a pod
   * template) fails synthesis too, as `[not-checked]`: it is never a silent pass. Where no mapping
   * can express it (a Prometheus Operator `Prometheus`), acknowledge it with a suppression and its
   * reason (`rule: not-checked` in the config, or the annotation `hardpod.dev/suppress.not-checked`):
   * it then synthesizes, and `onReport` still receives it with the suppression.
   * So do two ApiObjects of one kind, namespace and name, which would overwrite each other when applied.
   * Findings that do not fail synthesis (`unknown`, `warn`) are printed as warnings (see `onWarning`),
   * as is a config override of a rule the enforcement does not run, naming its file and line (or the option).
   * Enforcing a scope again (a platform library's enforcement and the app's), or a chart of an
   * enforced app, adds the new options' failures; a failure or warning that several find is given
   * once, by the widest scope.
   * A synthesis (`app.synth()` or `app.synthYaml()`, which this wraps, or an enforced chart's
   * `toJson()`) reads the objects at the first two of the validations cdk8s makes of the app, not
   * again at the one it makes before each chart.
   *
   * The options are checked now: an unknown option, a bad level, Kubernetes version or config throws here.
   */
  static enforce(scope: IConstruct, options: EnforceOptions = {}): void {
    const where = `Hardpod.enforce(${scopeLabel(scope)})`;
    checkOptionKeys(options, ENFORCE_OPTION_KEYS, where);
    // From plain JavaScript, a callback that is no function would throw a TypeError in mid-synthesis.
    for (const key of ['onReport', 'onWarning'] as const) {
      const value: unknown = options[key];
      if (value !== undefined && typeof value !== 'function') throw new HardpodError(`${key} must be a function, got ${describeType(value)}`, `${where} ${key}`);
    }
    const { config, warnings } = resolveValidationOptions(options, (option) => `${where} ${option}`);
    const enforcement: Enforcement = { config, onReport: options.onReport, warn: options.onWarning ?? writeWarning };
    // Said once the level and Kubernetes version are known, as `hardpod check` says it.
    for (const warning of warnings) warnOnce(scope, enforcement.warn, `hardpod warning: ${warning}`);
    // A second enforcement of one scope (a platform library's and the app's) joins the first, so
    // that a failure both find is listed once.
    const joined = ENFORCEMENTS.get(scope);
    if (joined !== undefined) {
      joined.push(enforcement);
      return;
    }
    ENFORCEMENTS.set(scope, [enforcement]);
    // The entry points of a synthesis: the app's, and (for Testing.synth) an enforced chart's own.
    const root = scope.node.root;
    hookSynthesis(root, 'synth', root);
    hookSynthesis(root, 'synthYaml', root);
    if (Chart.isChart(scope)) hookSynthesis(scope, 'toJson', root);
    // cdk8s prefixes each message with the validating construct's path in brackets, and the app's is
    // empty ("[] ..."): validate the app from a child named after the call instead, a name no chart
    // takes (as constructs libraries name their internal children), so `new Chart(app, 'hardpod')` stays free.
    const validator = scope.node.path === '' ? new Construct(scope, uniqueId(scope, VALIDATOR_ID)) : scope;
    validator.node.addValidation({
      validate: () => {
        SYNTHESES.get(root)?.validating(scope);
        // A failure that an enforcement of a wider scope (the app, around one of its charts) finds too
        // is listed once, by the widest; an inner enforcement's own failures (a stricter level) are added.
        const wider = new Set<string>();
        for (const outer of scope.node.scopes.slice(0, -1)) {
          if (ENFORCEMENTS.has(outer)) for (const failure of failuresOf(outer)) wider.add(failure);
        }
        return failuresOf(scope).filter((failure) => !wider.has(failure));
      },
    });
  }
}

/**
 * The failures of every enforcement of `scope`, each once. cdk8s validates the whole app again for
 * each chart it synthesizes: reading every object each time would grow synthesis with charts times
 * objects, so within one synthesis they are read at its first two validations only (see
 * {@link Synthesis}); and objects whose JSON has not changed since they were last evaluated are not
 * evaluated again.
 */
function failuresOf(scope: IConstruct): string[] {
  const synthesis = SYNTHESES.get(scope.node.root);
  const found = synthesis?.failures.get(scope);
  if (found !== undefined) return found;
  const objects = apiObjectsUnder(scope, synthesis?.objects);
  const input = JSON.stringify(objects);
  const failures = new Set<string>();
  for (const e of ENFORCEMENTS.get(scope) ?? []) {
    if (e.last?.input !== input) {
      e.last = { input, failures: validateObjects(objects, e.config, e.onReport, (message) => warnOnce(scope, e.warn, message)) };
    }
    for (const failure of e.last.failures) failures.add(failure);
  }
  const result = [...failures];
  synthesis?.failures.set(scope, result);
  return result;
}

/**
 * One synthesis under way: an app's `synth()` or `synthYaml()`, or an enforced chart's `toJson()`
 * (`Testing.synth`). cdk8s validates the whole app at its start and again before each chart it
 * synthesizes, running nothing of the user's in between but the app's validations. So the objects
 * are read twice: at the first validation, and at the second, by when every validation of the app
 * has run once (one that completes objects, as libraries do at synthesis for want of Aspects in
 * cdk8s, may run after hardpod's); what was found then holds for the others.
 */
class Synthesis {
  /** Each ApiObject's JSON, read once per reading: the app's enforcement and a chart's read the chart's objects alike. */
  objects = new Map<ApiObject, LocatedObject>();
  /** The failures of each enforced scope at this reading. */
  failures = new Map<IConstruct, string[]>();
  /** How many times the validation of each enforced scope has run: once per validation of the app. */
  private readonly validations = new Map<IConstruct, number>();
  private reread = false;

  /** Counts a validation of `scope`; its second is the app's second validation, where the objects are read again. */
  validating(scope: IConstruct): void {
    const count = (this.validations.get(scope) ?? 0) + 1;
    this.validations.set(scope, count);
    if (count === 2 && !this.reread) {
      this.reread = true;
      this.objects = new Map();
      this.failures = new Map();
    }
  }
}

/** The synthesis under way in each app (by its root), if any. */
const SYNTHESES = new WeakMap<IConstruct, Synthesis>();

/** The entry points already hooked, by object and method name. */
const HOOKED = new WeakMap<object, Set<string>>();

/**
 * Makes `target[method]` (a synthesis entry point of the app at `root`) hold one {@link Synthesis}
 * while it runs; a call within another (the app's synth() synthesizing each chart) joins it.
 */
function hookSynthesis(target: IConstruct, method: 'synth' | 'synthYaml' | 'toJson', root: IConstruct): void {
  const original: unknown = (target as unknown as Record<string, unknown>)[method];
  const hooked = HOOKED.get(target) ?? new Set<string>();
  if (typeof original !== 'function' || hooked.has(method)) return;
  hooked.add(method);
  HOOKED.set(target, hooked);
  Object.defineProperty(target, method, {
    configurable: true,
    writable: true,
    enumerable: false,
    value: function synthesize(this: unknown, ...args: unknown[]): unknown {
      if (SYNTHESES.has(root)) return original.apply(this, args);
      SYNTHESES.set(root, new Synthesis());
      try {
        return original.apply(this, args);
      } finally {
        SYNTHESES.delete(root);
      }
    },
  });
}

/** The warnings given in each app, to each callback: a warning is given once, however many enforcements and validations find it. */
const WARNED = new WeakMap<IConstruct, Map<(message: string) => void, Set<string>>>();

function warnOnce(scope: IConstruct, warn: (message: string) => void, message: string): void {
  const app = scope.node.root;
  const callbacks = WARNED.get(app) ?? new Map<(message: string) => void, Set<string>>();
  WARNED.set(app, callbacks);
  const given = callbacks.get(warn) ?? new Set<string>();
  callbacks.set(warn, given);
  if (given.has(message)) return;
  given.add(message);
  warn(message);
}

/** One `Hardpod.enforce` call: its config and callbacks, and what it found for the objects it last evaluated. */
interface Enforcement {
  readonly config: ResolvedConfig;
  readonly onReport?: (report: Report) => void;
  readonly warn: (message: string) => void;
  last?: { readonly input: string; readonly failures: readonly string[] };
}

/** The enforcements of each scope, all run by the one validation added for its first. */
const ENFORCEMENTS = new WeakMap<IConstruct, Enforcement[]>();

/** Where warnings go without onWarning: one function, so two enforcements print a warning once. */
function writeWarning(message: string): void {
  process.stderr.write(`${message}\n`);
}

/** Every option enforce reads; the record type keeps the list in step with EnforceOptions. */
const ENFORCE_OPTIONS: Record<keyof EnforceOptions, true> = {
  level: true,
  k8sVersion: true,
  config: true,
  lockFile: true,
  onReport: true,
  onWarning: true,
};
const ENFORCE_OPTION_KEYS = Object.keys(ENFORCE_OPTIONS);

/** The id of the child that validates an app. */
const VALIDATOR_ID = 'Hardpod.enforce';

function uniqueId(scope: IConstruct, id: string): string {
  let unique = id;
  for (let n = 2; scope.node.tryFindChild(unique); n++) unique = `${id}-${n}`;
  return unique;
}

/** The synthesized objects under a scope, each located by its construct path; `read` keeps each object's JSON for the next call. */
export function apiObjectsUnder(scope: IConstruct, read?: Map<ApiObject, LocatedObject>): LocatedObject[] {
  const located: LocatedObject[] = [];
  for (const construct of scope.node.findAll()) {
    if (!ApiObject.isApiObject(construct)) continue;
    let object = read?.get(construct);
    if (object === undefined) {
      object = { object: construct.toJson(), source: { constructPath: construct.node.path } };
      read?.set(construct, object);
    }
    located.push(object);
  }
  return located;
}

function validateObjects(
  objects: readonly LocatedObject[], config: ResolvedConfig, onReport: ((report: Report) => void) | undefined, onWarning: (message: string) => void,
): string[] {
  const duplicates = duplicateObjects(objects, (source) => sourceWhere(source)!)
    .map((d) => `hardpod: ${d.message}`);
  let report: Report;
  try {
    report = evaluate(objects, config);
  } catch (error) {
    // A user mistake in the app (a suppression annotation without a reason ...) is a validation error, not a crash.
    if (isHardpodError(error)) return [`hardpod: ${error.message}`];
    throw error;
  }
  onReport?.(report);
  for (const finding of report.findings) {
    if (finding.outcome !== 'suppressed' && !finding.baselined && !isBlockingFinding(finding)) {
      onWarning(`hardpod warning (${nonBlockingStatus(finding)}, not failing): ${formatFinding(finding)}`);
    }
  }
  const failures = [...duplicates, ...report.findings.filter(isBlockingFinding).map(formatFinding)];
  for (const item of unsuppressedNotChecked(report)) failures.push(formatNotChecked(item));
  return failures;
}

/**
 * `[rule] construct/path (Deployment shop/web) spec.template...: message. Fix: remediation`; for an
 * item of a List, `construct/path items[1] (Deployment shop/web)`.
 */
export function formatFinding(finding: Finding): string {
  const where = sourceWhere(finding.source) ?? '<input>';
  const field = finding.path ? ` ${finding.path}` : '';
  return `[${finding.rule}] ${where} (${objectLabel(finding)})${field}: ${finding.message}. Fix: ${finding.remediation}`;
}

/** Why a finding that is not a pass does not fail the run: `unknown`, or its `warn` enforcement. */
export function nonBlockingStatus(finding: Finding): string {
  return finding.outcome === 'fail' ? finding.enforcement : finding.outcome;
}

/** `[not-checked] construct/path (Worker shop/worker): hardpod cannot check it: reason` */
function formatNotChecked(item: NotCheckedObject): string {
  return `[not-checked] ${sourceWhere(item.source) ?? '<input>'} (${objectLabel(item)}): hardpod cannot check it: ${item.reason}`
    + `; or, where that is accepted, acknowledge it with its reason (${NOT_CHECKED_ACKNOWLEDGEMENT})`;
}

/** How an object not checked is acknowledged, as the cdk8s failures name it. */
export const NOT_CHECKED_ACKNOWLEDGEMENT = `the annotation ${SUPPRESS_ANNOTATION_PREFIX}${NOT_CHECKED_ID}: <reason>, or a suppression { rule: ${NOT_CHECKED_ID}, kind, namespace, name, reason } in the config`;
