import * as pulumi from '@pulumi/pulumi';
import { kubeObjectOf, restoreOpaque, toCheckable, type OpacityTest } from './resource-props';
import { resolveConfig, type EngineConfig } from '../engine/config';
import { evaluate, rulesFor } from '../engine/evaluate';
import type { Finding } from '../engine/report';
import { harden, type HardenOptions, type HardeningChange } from '../hardening/harden';
import { HardpodError } from '../model/errors';
import { extractPodViews, isFields } from '../model/pod-view';

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
  /** Rewrite each workload with harden() before checking it. @default false: only check */
  readonly harden?: boolean;
  /** Settings harden() uses (default requests and limits, seccomp profile). @default harden()'s defaults */
  readonly hardening?: HardenOptions;
  /**
   * Receives what the transform has to say: hardening changes (`info`), findings that do not
   * block (`warn`). Blocking findings throw a HardpodError that fails the program.
   * @default Pulumi's log, attached to the resource
   */
  readonly log?: (severity: 'info' | 'warn', message: string) => void;
}

/** The marker key Pulumi's SDK puts on secret values it hands to transforms. */
const SECRET_SIGNATURE_KEY = '4dabf18193072939515e22adb298388d';

/** Outputs, promises and secret markers cannot be read now: the core sees them as unknown. */
const TRANSFORM_OPACITY: OpacityTest = {
  isOpaque: (value) =>
    pulumi.Output.isInstance(value) || value instanceof Promise || (isFields(value) && value[SECRET_SIGNATURE_KEY] !== undefined),
};

function describeChange(change: HardeningChange): string {
  const to = change.to === undefined ? 'removed' : JSON.stringify(change.to);
  return `${change.path}: ${to} (${change.reason}${change.rule ? `; rule ${change.rule}` : ''})`;
}

function describeFinding(f: Finding): string {
  return `${f.rule}${f.path ? ` at ${f.path}` : ''}: ${f.message}`;
}

/**
 * A resource transform (for `pulumi.runtime.registerResourceTransform` or a resource's
 * `transforms` option) that hardens and checks every Kubernetes workload. A failing finding whose
 * enforcement is `deny` throws a HardpodError naming the resource, the rule and the field.
 */
export function hardpodTransform(options: HardpodTransformOptions = {}): pulumi.ResourceTransform {
  const engineConfig = options.config ?? {};
  // Cross-object rules need the whole stack, which a transform never sees: they belong to the policy pack.
  const resolved = resolveConfig(engineConfig);
  const rules = { ...engineConfig.rules };
  for (const rule of rulesFor(resolved)) if (rule.scope === 'input') rules[rule.id] = { ...rules[rule.id], enabled: false };
  const config = resolveConfig({ ...engineConfig, rules });

  return (args: pulumi.ResourceTransformArgs): pulumi.ResourceTransformResult | undefined => {
    if (!args.custom) return undefined;
    const { plain, opaque } = toCheckable(args.props, TRANSFORM_OPACITY);
    let object = kubeObjectOf(args.type, plain);
    if (!object || extractPodViews(object, config.workloadKinds).views.length === 0) return undefined;

    const log = options.log ?? ((severity: 'info' | 'warn', message: string) => pulumi.log[severity](message));
    let rewritten = false;
    if (options.harden) {
      const hardened = harden(object, { ...options.hardening, workloadKinds: engineConfig.workloadKinds ?? options.hardening?.workloadKinds });
      if (hardened.changes.length > 0) {
        object = hardened.object;
        rewritten = true;
        log('info', `hardpod hardened ${args.type} ${args.name}:\n  ${hardened.changes.map(describeChange).join('\n  ')}`);
      }
    }

    const report = evaluate([{ object, source: { resourceName: args.name } }], config);
    const blocking = report.findings.filter((f) => (f.outcome === 'fail' || f.outcome === 'error') && f.enforcement === 'deny' && !f.baselined);
    const warnings = report.findings.filter((f) => !blocking.includes(f) && f.outcome !== 'suppressed');
    if (warnings.length > 0) {
      log('warn', `hardpod: ${args.type} ${args.name}:\n  ${warnings.map((f) => `${f.outcome === 'unknown' ? 'unknown during preview: ' : ''}${describeFinding(f)}`).join('\n  ')}`);
    }
    if (blocking.length > 0) {
      throw new HardpodError(
        `${blocking.length} hardpod finding(s) deny this workload:\n  ${blocking.map(describeFinding).join('\n  ')}\n` +
          'Fix the fields, set harden: true on the transform, or change the rule\'s enforcement to warn in the config.',
        `${args.type} ${args.name}`,
      );
    }
    // Checked with unknowns marked as such; only then do the Outputs and secrets go back in.
    return rewritten ? { props: restoreOpaque(object as Record<string, unknown>, opaque), opts: args.opts } : undefined;
  };
}

/** Registers {@link hardpodTransform} for every resource the program declares from now on. */
export function registerHardpodTransform(options: HardpodTransformOptions = {}): void {
  pulumi.runtime.registerResourceTransform(hardpodTransform(options));
}
