import { resolve } from 'node:path';
import type { IConstruct } from 'constructs';
import { idleRuleOverrideWarnings, loadConfigFile, resolveConfig, type EngineConfig, type ResolvedConfig } from '../../engine/config';
import { LOCK_FILE_NAME } from '../../images/lock-file';
import { withLockFileFacts } from '../../images/lock-resolver';
import { HardpodError } from '../../model/errors';
import { refuseUnknownKeys } from '../../model/prop-keys';
import type { Level } from '../../rules/rule';

/** What both cdk8s front doors (synth-time enforcement and the cdk8s-cli plugin) accept. */
export interface ValidationOptions {
  /** Level to enforce; overrides the config's `level`. @default the config's level, else 'hardened' */
  readonly level?: Level;
  /** Kubernetes version `1.N` to judge against; overrides the config's `kubernetesVersion`. @default the config's, else the newest supported */
  readonly k8sVersion?: string;
  /**
   * Engine config: the object itself, or the path of a YAML/JSON config file (relative to the
   * working directory), the same file `hardpod check --config` reads.
   * @default {}
   */
  readonly config?: EngineConfig | string;
  /**
   * Lock file whose image facts the image-* rules judge (image user, shell, ports ...), as
   * `hardpod check --lock-file` does. A named file must exist.
   * @default `hardpod.lock.json` in the working directory, when it exists
   */
  readonly lockFile?: string;
}

/** The engine config the options resolve to, and what to warn of about it. */
export interface ResolvedValidationOptions {
  readonly config: ResolvedConfig;
  /** Overrides of rules the run does not run ({@link idleRuleOverrideWarnings}), each naming where it is written. */
  readonly warnings: readonly string[];
  /** Where a key of the config is written, for messages: the option, or the file and line. */
  readonly where: (key: string) => string;
}

/**
 * Resolves the options into the engine config, eagerly: a bad level, version or config file is a
 * HardpodError naming the option (or the key of a config given inline) or the file and line, raised
 * before anything is synthesized.
 * @param option where an option is, for messages: `Hardpod.enforce(prod) level`
 */
export function resolveValidationOptions(options: ValidationOptions, option: (name: string) => string): ResolvedValidationOptions {
  const file = typeof options.config === 'string' ? loadConfigFile(resolve(options.config)) : undefined;
  const base: EngineConfig = file?.config ?? (options.config as EngineConfig | undefined) ?? {};
  if (typeof base !== 'object' || base === null || Array.isArray(base)) {
    throw new HardpodError('config must be an engine config object or the path of a config file', option('config'));
  }
  const merged: EngineConfig = {
    ...withLockFileFacts(base, resolve(options.lockFile ?? LOCK_FILE_NAME), options.lockFile !== undefined),
    ...(options.level !== undefined ? { level: options.level } : {}),
    ...(options.k8sVersion !== undefined ? { kubernetesVersion: options.k8sVersion } : {}),
  };
  const where = (key: string): string => {
    if (key === 'level' && options.level !== undefined) return option('level');
    if (key === 'kubernetesVersion' && options.k8sVersion !== undefined) return option('k8sVersion');
    return file !== undefined ? file.locate(key) : option(`config.${key}`);
  };
  const config = resolveConfig(merged, where);
  return { config, warnings: idleRuleOverrideWarnings(config, where), where };
}

/**
 * Refuses options that are not an object, or that hold a key `known` lacks: options often come
 * from JSON or YAML, where TypeScript cannot catch a misspelled key, and an ignored one fails open
 * (`allowedRegistry` would let any registry through).
 */
export function checkOptionKeys(options: unknown, known: readonly string[], where: string, noun: 'option' | 'property' = 'option'): void {
  const plural = noun === 'option' ? 'options' : 'properties';
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new HardpodError(`${plural} must be a mapping of ${known.join(', ')} (got ${options === null ? 'null' : Array.isArray(options) ? 'a list' : typeof options})`, where);
  }
  refuseUnknownKeys(options, known, '', where, { noun, listAlways: true });
}

/** How a message names a scope: its construct path, or `<app>` for the app's empty one. */
export function scopeLabel(scope: IConstruct): string {
  return scope.node.path || '<app>';
}
