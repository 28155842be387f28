import type { KubeObject } from '../model/kube-object';

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
}

/** A Kubernetes minor version, e.g. 34 for v1.34. Versions are compared on the minor only. */
export type KubeMinor = number;

/** One field that violates the rule, with a path relative to the object root (`spec.template.spec.containers[0].image`). */
export interface Violation {
  readonly path: string;
  readonly message: string;
  /** The value is not known yet (a Pulumi output during preview, a cross-object fact absent from partial input). */
  readonly unknown?: boolean;
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

export interface Rule<TContext extends RuleContext = RuleContext> extends RuleMetadata {
  check(context: TContext): CheckResult;
}
