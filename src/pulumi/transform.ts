import * as pulumi from '@pulumi/pulumi';
import { isDeferred } from './deferred';
import { checkHardeningOption } from './hardening-option';
import { asProgramMistake } from './program-errors';
import { MessageRedactor } from './redact';
import {
  HELM_RELEASE_TYPE, applyChanges, changeSatisfies, failingRuleIds, holdsPodSpec, isPatchType, kubeObjectOf, objectName,
  patchNotChecked, patchedObjectOf, restoreOpaque, toCheckable, type OpacityTest,
} from './resource-props';
import { idleRuleOverrideWarnings, resolveConfig, type EngineConfig, type ResolvedConfig } from '../engine/config';
import { evaluate, rulesFor } from '../engine/evaluate';
import type { Finding } from '../engine/report';
import { harden, type HardenOptions, type HardeningChange } from '../hardening/harden';
import { HardpodError } from '../model/errors';
import { extractPodViews, isFields } from '../model/pod-view';
import { refuseUnknownKeys } from '../model/prop-keys';

/**
 * Stack-wide enforcement without a policy pack: a resource transform that checks, and where
 * configured hardens, every Kubernetes workload the program declares (Deployments from
 * `helm.v4.Chart` and `yaml.v2.ConfigFile` included, since they are resources of the program).
 *
 * ```ts
 * registerHardpodTransform({ harden: true, config: { level: 'restricted' } });
 * ```
 *
 * Register it before declaring resources: Pulumi applies a stack transform only to resources
 * registered after it. Transforms do not run under `pulumi.runtime.setMocks`; test with
 * {@link hardpodTransform} called as a function.
 */

/** Options of {@link hardpodTransform}. */
export interface HardpodTransformOptions {
  /** Rules to check, severities and enforcement (`deny` fails the program, `warn` logs). @default {} */
  readonly config?: EngineConfig;
  /**
   * Rewrite each workload with harden() before checking it, for the rules that fail on it: a
   * setting that passes, is suppressed (annotation or config), baselined, or allowed by the config
   * is left as written. Patch resources (`DeploymentPatch` ...) are never rewritten.
   * @default false: only check
   */
  readonly harden?: boolean;
  /** Settings harden() uses (default requests and limits, seccomp profile). @default harden()'s defaults */
  readonly hardening?: HardenOptions;
  /**
   * Receives what the transform has to say: hardening changes (`info`), findings that do not
   * block (`warn`), and (`warn`, once, as the transform is made) each config `rules` override of a
   * rule the transform does not run (outside the pinned edition, the level or the rule's Kubernetes
   * versions), which has no effect. Blocking findings throw a HardpodError that fails the program.
   * @default Pulumi's log, shown at the stack (a transform has no resource object to attach it to);
   * each message names the resource's type and name
   */
  readonly log?: (severity: 'info' | 'warn', message: string) => void;
}

/** The marker key Pulumi's SDK puts on secret values it hands to transforms. */
const SECRET_SIGNATURE_KEY = '4dabf18193072939515e22adb298388d';

function isSecretMarker(value: unknown): value is Record<string, unknown> {
  return isFields(value) && value[SECRET_SIGNATURE_KEY] !== undefined;
}

/** Outputs, promises and secret markers cannot be read now: the core sees them as unknown. */
const TRANSFORM_OPACITY: OpacityTest = {
  isOpaque: (value) => isDeferred(value) || isSecretMarker(value),
};

/** A secret marker whose object or list was lifted out so the core can check what it holds. */
interface LiftedSecret {
  readonly path: readonly (string | number)[];
  readonly marker: Record<string, unknown>;
}

/**
 * The SDK marks a whole top-level property secret when anything inside it is (an env value makes
 * `spec` one secret marker), which would hide the pod. Copies the props with each marker that holds
 * an object or list replaced by its value; leaf secrets stay opaque (unknown to the checks).
 */
function liftSecrets(props: Record<string, unknown>): { props: Record<string, unknown>; lifted: LiftedSecret[] } {
  const lifted: LiftedSecret[] = [];
  const lift = (value: unknown, path: (string | number)[]): unknown => {
    if (isSecretMarker(value) && typeof value.value === 'object' && value.value !== null && !TRANSFORM_OPACITY.isOpaque!(value.value)) {
      lifted.push({ path, marker: value });
      return lift(value.value, path);
    }
    if (Array.isArray(value)) return value.map((item, i) => lift(item, [...path, i]));
    if (isFields(value) && !TRANSFORM_OPACITY.isOpaque!(value) && Object.getPrototypeOf(value) === Object.prototype) {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, lift(item, [...path, key])]));
    }
    return value;
  };
  return { props: lift(props, []) as Record<string, unknown>, lifted };
}

/** Wraps the (rewritten) values at the lifted paths in their secret markers again, innermost first. */
function relockSecrets(props: Record<string, unknown>, lifted: readonly LiftedSecret[]): Record<string, unknown> {
  for (const { path, marker } of [...lifted].sort((a, b) => b.path.length - a.path.length)) {
    let parent: unknown = props;
    for (const key of path.slice(0, -1)) parent = (parent as Record<string | number, unknown> | undefined)?.[key];
    const last = path[path.length - 1];
    if (isFields(parent) || Array.isArray(parent)) {
      const container = parent as Record<string | number, unknown>;
      container[last] = { ...marker, value: container[last] };
    }
  }
  return props;
}

function describeChange(change: HardeningChange): string {
  const to = change.to === undefined ? 'removed' : JSON.stringify(change.to);
  return `${change.path}: ${to} (${change.reason}${change.rule ? `; rule ${change.rule}` : ''})`;
}

/** `rule at path: message`; for an item of a List, `rule at items[1] (Deployment shop/api) path: message`. */
function describeFinding(f: Finding, redactor?: MessageRedactor): string {
  const at = f.source.listItem ? `${objectName(f)}${f.path ? ` ${f.path}` : ''}` : f.path;
  return `${f.rule}${at ? ` at ${at}` : ''}: ${redactor ? redactor.redact(f.message, f.path) : f.message}`;
}

/**
 * What the transform cannot weigh for findings of rules that other objects may change (the defaults
 * a LimitRange of the namespace writes, for `resources`): it sees one resource at a time, so a user
 * whose program creates the LimitRange is told why it does not count, and how to make it count.
 */
function notSeenHere(findings: readonly Finding[], readsInput: ReadonlySet<string>): string {
  const rules = [...new Set(findings.filter((f) => f.outcome === 'fail' && readsInput.has(f.rule)).map((f) => f.rule))];
  return rules.length === 0
    ? ''
    : `\n${rules.join(', ')}: the transform sees one resource at a time, so a LimitRange this program creates is not seen; declare it in the ` +
      'config\'s cluster.objects, or enforce the rule with the policy pack, which judges it over the whole stack.';
}

/**
 * A resource transform (for `pulumi.runtime.registerResourceTransform` or a resource's
 * `transforms` option) that hardens and checks every Kubernetes workload. A failing finding whose
 * enforcement is `deny` throws a HardpodError naming the resource, the rule and the field. What it
 * cannot check is logged as a warning, never passed silently: a `helm.v3.Release`, a patch
 * resource of a workload, a custom kind holding a pod template the config does not map.
 */
export function hardpodTransform(options: HardpodTransformOptions = {}): pulumi.ResourceTransform {
  let config: ResolvedConfig;
  let engineConfig: EngineConfig;
  let configWarnings: string[];
  const readsInput = new Set<string>();
  try {
    checkTransformOptions(options);
    engineConfig = options.config ?? {};
    const where = (key: string): string => `hardpodTransform config.${key}`;
    // Cross-object rules need the whole stack, which a transform never sees: they belong to the policy pack.
    const resolved = resolveConfig(engineConfig, where);
    configWarnings = idleRuleOverrideWarnings(resolved, where);
    const rules = { ...engineConfig.rules };
    for (const rule of rulesFor(resolved)) {
      if (rule.scope === 'input') rules[rule.id] = { ...rules[rule.id], enabled: false };
      else if (rule.scope === 'pod' && rule.readsInput === true) readsInput.add(rule.id);
    }
    config = resolveConfig({ ...engineConfig, rules });
  } catch (error) {
    throw asProgramMistake(error);
  }
  const log = options.log ?? ((severity: 'info' | 'warn', message: string) => pulumi.log[severity](message));
  // Said once, as the transform is made: it would be the same for every resource.
  for (const warning of configWarnings) log('warn', `hardpod: ${warning}`);

  return (args: pulumi.ResourceTransformArgs): pulumi.ResourceTransformResult | undefined => {
    if (!args.custom) return undefined;
    // The README promises never a silent pass: what cannot be checked is said so.
    if (args.type === HELM_RELEASE_TYPE) {
      log('warn', `hardpod cannot check helm.v3.Release ${args.name}: Helm installs the release's objects itself, so no transform sees them. ` +
        'Use helm.v4.Chart, or run `helm template ... | hardpod check -` in CI.');
      return undefined;
    }
    const { props, lifted } = liftSecrets(args.props);
    const { plain, opaque } = toCheckable(props, TRANSFORM_OPACITY);
    if (isPatchType(args.type)) {
      const patched = patchedObjectOf(args.type, plain);
      if (patched && holdsPodSpec(patched, config)) log('warn', `hardpod: ${patchNotChecked(args.type, args.name)}`);
      return undefined;
    }
    let object = kubeObjectOf(args.type, plain);
    if (!object) return undefined;
    const extraction = extractPodViews(object, config.workloadKinds);
    if (extraction.notCheckedReason) {
      // Said unless a not-checked suppression acknowledges the object (evaluated for it: such objects are rare);
      // a mapped object may also hold a template its mapping does not reach, and is then checked as well.
      const [item] = evaluate([{ object, source: { resourceName: args.name } }], config).notChecked;
      if (item?.suppression === undefined) log('warn', `hardpod cannot check ${args.type} ${args.name}: ${extraction.notCheckedReason}`);
      if (extraction.views.length === 0) return undefined;
    } else if (extraction.views.length === 0 && extraction.shapeProblems.length === 0) {
      // A known workload kind whose pod is missing or unknown in preview is judged anyway, so the outcome is logged.
      return undefined;
    }

    let report = evaluate([{ object, source: { resourceName: args.name } }], config);
    let rewritten = false;
    if (options.harden) {
      const failing = failingRuleIds(report.findings);
      const changes = harden(object, { ...options.hardening, workloadKinds: engineConfig.workloadKinds ?? options.hardening?.workloadKinds }).changes
        .filter((c) => changeSatisfies(c, failing));
      const applied = applyChanges(object as Record<string, unknown>, changes);
      if (applied.length > 0) {
        rewritten = true;
        log('info', `hardpod hardened ${args.type} ${args.name}:\n  ${applied.map(describeChange).join('\n  ')}`);
        report = evaluate([{ object, source: { resourceName: args.name } }], config);
      }
    }

    const blocking = report.findings.filter((f) => (f.outcome === 'fail' || f.outcome === 'error') && f.enforcement === 'deny' && !f.baselined);
    const warnings = report.findings.filter((f) => !blocking.includes(f) && f.outcome !== 'suppressed');
    // Inside a secret the SDK lifted off an object or list, a value the messages quote may be the secret.
    const redactor = lifted.length > 0 ? new MessageRedactor(object, lifted.map((l) => l.path)) : undefined;
    const describe = (f: Finding) => describeFinding(f, redactor);
    if (warnings.length > 0) {
      log('warn', `hardpod: ${args.type} ${args.name}:\n  ${warnings.map((f) => `${f.outcome === 'unknown' ? 'unknown during preview: ' : ''}${describe(f)}`).join('\n  ')}` +
        notSeenHere(warnings, readsInput));
    }
    if (blocking.length > 0) {
      throw new HardpodError(
        `${blocking.length} hardpod finding(s) deny this workload:\n  ${blocking.map(describe).join('\n  ')}${notSeenHere(blocking, readsInput)}\n` +
          (options.harden
            ? 'harden: true made every change it can; no secure default fixes these. Fix the fields, or change the rule\'s enforcement to warn in the config.'
            : 'Fix the fields, set harden: true on the transform, or change the rule\'s enforcement to warn in the config.'),
        `${args.type} ${args.name}`,
      );
    }
    // Checked with unknowns marked as such; only then do the Outputs and secrets go back in. No
    // opts: the SDK then keeps the resource's options as sent, where handing back the copy it made
    // would drop those it does not copy (hideDiffs, plugin checksums) and detach aliases from their parent.
    return rewritten
      ? { props: relockSecrets(restoreOpaque(object as Record<string, unknown>, opaque), lifted) } as pulumi.ResourceTransformResult
      : undefined;
  };
}

const TRANSFORM_OPTIONS = ['config', 'harden', 'hardening', 'log'];

/** Refuses options plain JavaScript gets wrong, which would fail open (a misspelled `harden` hardens nothing). */
function checkTransformOptions(options: unknown): void {
  const where = 'hardpodTransform';
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new HardpodError(`options must be an object of ${TRANSFORM_OPTIONS.join(', ')}`, where);
  }
  refuseUnknownKeys(options, TRANSFORM_OPTIONS, '', where, { noun: 'option', listAlways: true });
  const { harden: rewrite, log, hardening } = options as HardpodTransformOptions;
  checkHardeningOption(hardening, where);
  if (rewrite !== undefined && typeof rewrite !== 'boolean') throw new HardpodError(`harden must be true or false (got ${JSON.stringify(rewrite)})`, where);
  if (log !== undefined && typeof log !== 'function') throw new HardpodError('log must be a function (severity, message)', where);
}

/** Registers {@link hardpodTransform} for every resource the program declares from now on. */
export function registerHardpodTransform(options: HardpodTransformOptions = {}): void {
  pulumi.runtime.registerResourceTransform(hardpodTransform(options));
}
