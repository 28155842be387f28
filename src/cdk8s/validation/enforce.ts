import { ApiObject } from 'cdk8s';
import { Construct, type IConstruct } from 'constructs';
import { duplicateObjects } from './duplicates';
import { checkOptionKeys, resolveValidationOptions, scopeLabel, type ValidationOptions } from './options';
import { SUPPRESS_ANNOTATION_PREFIX, type ResolvedConfig } from '../../engine/config';
import { evaluate } from '../../engine/evaluate';
import { isBlockingFinding, NOT_CHECKED_ID, unsuppressedNotChecked, type Finding, type NotCheckedObject, type Report } from '../../engine/report';
import { HardpodError, isHardpodError } from '../../model/errors';
import type { LocatedObject } from '../../model/kube-object';
import { describeType } from '../../model/pod-view';
import { objectLabel } from '../../reporters/shared';

export interface EnforceOptions extends ValidationOptions {
  /**
   * Receives the whole report each time the objects are evaluated, including findings that do not
   * fail synthesis (`unknown` cross-object facts, `warn` enforcement, suppressions): at a synthesis
   * whose objects differ from the last one evaluated. cdk8s validates the app again for each chart
   * it synthesizes; objects that have not changed are not evaluated again.
   * @default none
   */
  readonly onReport?: (report: Report) => void;
  /**
   * Receives, once per enforcement, each finding that does not fail synthesis but is no pass
   * either: an `unknown` outcome (a fact the app does not hold, such as its Namespace or a
   * NetworkPolicy selecting the pods) or a failure whose enforcement is `warn`. cdk8s has no
   * warning channel of its own.
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
   * failing finding, naming the ApiObject's construct path, the rule and the field. An object
   * hardpod cannot check (a kind the config's `workloadKinds` does not map, holding a pod
   * template) fails synthesis too, as `[not-checked]`: it is never a silent pass. Where no mapping
   * can express it (a Prometheus Operator `Prometheus`), acknowledge it with a suppression and its
   * reason (`rule: not-checked` in the config, or the annotation `hardpod.dev/suppress.not-checked`):
   * it then synthesizes, and `onReport` still receives it with the suppression.
   * So do two ApiObjects of one kind, namespace and name, which would overwrite each other when applied.
   * Findings that do not fail synthesis (`unknown`, `warn`) are printed as warnings (see `onWarning`).
   * Enforcing a scope again (a platform library's enforcement and the app's), or a chart of an
   * enforced app, adds the new options' failures; a failure or warning that several find is given
   * once, by the widest scope.
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
    const config = resolveValidationOptions(options, where);
    const enforcement: Enforcement = { config, onReport: options.onReport, warn: options.onWarning ?? writeWarning };
    // A second enforcement of one scope (a platform library's and the app's) joins the first, so
    // that a failure both find is listed once.
    const joined = ENFORCEMENTS.get(scope);
    if (joined !== undefined) {
      joined.push(enforcement);
      return;
    }
    ENFORCEMENTS.set(scope, [enforcement]);
    // cdk8s prefixes each message with the validating construct's path in brackets, and the app's is
    // empty ("[] ..."): validate the app from a child named after the call instead, a name no chart
    // takes (as constructs libraries name their internal children), so `new Chart(app, 'hardpod')` stays free.
    const validator = scope.node.path === '' ? new Construct(scope, uniqueId(scope, VALIDATOR_ID)) : scope;
    validator.node.addValidation({
      validate: () => {
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
 * each chart it synthesizes: evaluating it each time would grow synthesis with charts times objects,
 * so objects whose JSON has not changed are not evaluated again.
 */
function failuresOf(scope: IConstruct): string[] {
  const objects = apiObjectsUnder(scope);
  const input = JSON.stringify(objects);
  const failures = new Set<string>();
  for (const e of ENFORCEMENTS.get(scope) ?? []) {
    if (e.last?.input !== input) {
      e.last = { input, failures: validateObjects(objects, e.config, e.onReport, (message) => warnOnce(scope, e.warn, message)) };
    }
    for (const failure of e.last.failures) failures.add(failure);
  }
  return [...failures];
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

/** The synthesized objects under a scope, each located by its construct path. */
export function apiObjectsUnder(scope: IConstruct): LocatedObject[] {
  return scope.node.findAll()
    .filter((c): c is ApiObject => ApiObject.isApiObject(c))
    .map((apiObject) => ({ object: apiObject.toJson(), source: { constructPath: apiObject.node.path } }));
}

function validateObjects(
  objects: readonly LocatedObject[], config: ResolvedConfig, onReport: ((report: Report) => void) | undefined, onWarning: (message: string) => void,
): string[] {
  const duplicates = duplicateObjects(objects, (source) => (source.listItem ? `${source.constructPath!} ${source.listItem}` : source.constructPath!))
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

/** `[rule] construct/path (Deployment shop/web) spec.template...: message. Fix: remediation` */
export function formatFinding(finding: Finding): string {
  const where = finding.source.constructPath ?? finding.source.file ?? '<input>';
  const field = finding.path ? ` ${finding.path}` : '';
  return `[${finding.rule}] ${where} (${objectLabel(finding)})${field}: ${finding.message}. Fix: ${finding.remediation}`;
}

/** Why a finding that is not a pass does not fail the run: `unknown`, or its `warn` enforcement. */
export function nonBlockingStatus(finding: Finding): string {
  return finding.outcome === 'fail' ? finding.enforcement : finding.outcome;
}

/** `[not-checked] construct/path (Worker shop/worker): hardpod cannot check it: reason` */
function formatNotChecked(item: NotCheckedObject): string {
  return `[not-checked] ${item.source.constructPath ?? item.source.file ?? '<input>'} (${objectLabel(item)}): hardpod cannot check it: ${item.reason}`
    + `; or, where that is accepted, acknowledge it with its reason (${NOT_CHECKED_ACKNOWLEDGEMENT})`;
}

/** How an object not checked is acknowledged, as the cdk8s failures name it. */
export const NOT_CHECKED_ACKNOWLEDGEMENT = `the annotation ${SUPPRESS_ANNOTATION_PREFIX}${NOT_CHECKED_ID}: <reason>, or a suppression { rule: ${NOT_CHECKED_ID}, kind, namespace, name, reason } in the config`;
