import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve as resolvePath } from 'node:path';
import type { Node as YamlNode } from 'yaml';
import { NOT_CHECKED_ID, type Enforcement } from './report';
import { COSIGN_PREDICATE_TYPES, SLSA_PROVENANCE_TYPES, sourceRepository, splitRef } from '../images/attestations';
import { allowedRegistryPrefix, registryPrefixProblem } from '../images/image-ref';
import { parseSignaturePublicKey, signatureKeyFingerprint, type SignatureKey } from '../images/signature-keys';
import { VULNERABILITY_SEVERITIES, type VulnerabilitySeverity } from '../images/vulnerability-scans';
import { lineInBlockIndex, type BlockIndex } from '../loader/block-lines';
import { parseBlockYaml } from '../loader/block-yaml';
import { resolveCoreScalar } from '../loader/core-schema-scalars';
import { didYouMean } from '../model/did-you-mean';
import { HardpodError } from '../model/errors';
import type { PathSegment } from '../model/field-path';
import { readUserFile } from '../model/files';
import { claimObjectKey, type KubeObject } from '../model/kube-object';
import { NEWEST_KUBERNETES_MINOR, NEWEST_KUBERNETES_VERSION, OLDEST_KUBERNETES_MINOR } from '../model/kubernetes-versions';
import { yamlModule } from '../model/lazy-yaml';
import { apiGroupOf, builtInTemplatePath, describeType, WorkloadKinds, type WorkloadKindMapping } from '../model/pod-view';
import { NEWEST_EDITION, ruleById, RULES } from '../rules/catalogue';
import type { Level, RuleMetadata, SettingCheck, Severity } from '../rules/rule';
import { LEVELS, levelIncludes } from '../rules/rule';
import { isKubernetesObject, KUBERNETES_GROUPS, NAMESPACED_LOOKUP_KINDS } from '../rules/support/hardened';
import { wellFormedObjectProblems } from '../rules/well-formed-objects';

export { didYouMean };
export { OLDEST_KUBERNETES_MINOR, NEWEST_KUBERNETES_MINOR, NEWEST_KUBERNETES_VERSION } from '../model/kubernetes-versions';

export const SEVERITIES: readonly Severity[] = ['low', 'medium', 'high', 'critical'];
export const ENFORCEMENTS: readonly Enforcement[] = ['deny', 'warn'];

/**
 * Annotation prefix for suppressing one rule on one object: `hardpod.dev/suppress.<rule-id>: <reason>`
 * (`hardpod.dev/suppress.not-checked` acknowledges an object hardpod cannot check).
 */
export const SUPPRESS_ANNOTATION_PREFIX = 'hardpod.dev/suppress.';

/** Per-rule overrides: the engine, not the rule, decides severity and enforcement. */
export interface RuleOverride {
  /** @default the rule's recommended severity */
  readonly severity?: Severity;
  /** @default the config's `enforcement` */
  readonly enforcement?: Enforcement;
  /** Set false to not run the rule at all. @default true */
  readonly enabled?: boolean;
}

/**
 * Waives one rule on one object. Matched exactly on kind (and group, where given), namespace and name
 * (or, for an object without a name, its generateName); an empty namespace is the same as none, as
 * Kubernetes reads it.
 */
export interface SuppressionEntry {
  /**
   * A rule id, or `not-checked` to acknowledge an object hardpod cannot check (a kind holding a pod
   * template that no `workloadKinds` mapping can express, such as a Prometheus Operator `Prometheus`):
   * it is still reported, with the reason, but no longer fails cdk8s synthesis or the Pulumi policy.
   */
  readonly rule: string;
  readonly kind: string;
  /**
   * The object's API group (`serving.knative.dev`), matched exactly. An object of another group than
   * Kubernetes' own whose kind is the name of a Kubernetes kind (a Knative Service, which reports label
   * `Service.serving.knative.dev`) is named with it: an entry without a group names the Kubernetes kind
   * (the core Service), or a kind Kubernetes does not have. @default none
   */
  readonly group?: string;
  /** The object's `metadata.name`, matched exactly. @default none: give generateName instead */
  readonly name?: string;
  /**
   * For an object without a name (a Job of `kubectl create`, named by the API server at creation),
   * its `metadata.generateName` (`migrate-`, which reports label `migrate-* (generateName)`), matched
   * exactly and only by objects without a name; instead of name. @default none: give name instead
   */
  readonly generateName?: string;
  /**
   * Omitted (or empty) matches only objects without a namespace (e.g. `helm template` output), and
   * objects of a built-in cluster-scoped kind (a ClusterRoleBinding) whatever namespace they carry:
   * the API server drops it, and cdk8s sets the chart's. @default none
   */
  readonly namespace?: string;
  /** Why the finding (or the object not checked) is acceptable; required and non-empty. */
  readonly reason: string;
}

/** A finding known before adoption: CI fails only on findings whose fingerprint is not listed. */
export interface BaselineEntry {
  /**
   * {@link fingerprintOf} rule + kind (and group, where it is part of the object's identity) +
   * namespace + name (or generateName) + path ({@link identityPath}, or the finding's path in version 1 files).
   */
  readonly fingerprint: string;
  readonly rule?: string;
  readonly kind?: string;
  /** The object's API group when it is part of its identity ({@link Finding.group}; version 5 files). */
  readonly group?: string;
  readonly namespace?: string;
  readonly name?: string;
  /** The object's `metadata.generateName` when it has no name (version 3 files). */
  readonly generateName?: string;
  readonly path?: string;
}

export interface NamespaceContext {
  readonly name: string;
  /** The namespace's labels, e.g. `pod-security.kubernetes.io/enforce: restricted`. @default {} */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * What the cluster is known to hold besides the input. Cross-object rules may assume these; a
 * fact in neither the input nor this context is `unknown`.
 */
export interface ClusterContext {
  /** Namespaces that exist, with their labels. @default none declared */
  readonly namespaces?: readonly NamespaceContext[];
  /**
   * NetworkPolicies the platform owns (full networking.k8s.io objects, or extensions/v1beta1 ones for
   * Kubernetes 1.15 and older; a Calico or Cilium policy is refused, as no rule reads it). @default none declared
   */
  readonly networkPolicies?: readonly KubeObject[];
  /**
   * Any other objects assumed present (ServiceAccounts, Roles, bindings, LimitRanges ...); a LimitRange
   * without a namespace stands for one in every namespace. Rules read only the
   * Kubernetes API group of a kind: an object of another group with that kind is no such object.
   * @default none declared
   */
  readonly objects?: readonly KubeObject[];
  /**
   * The input is everything there is: a missing object is absent, not unknown (e.g. a whole-cluster
   * export). @default false
   */
  readonly complete?: boolean;
}

/** Settings read by the `hardened` rules; open so those rules can add their own (each rule declares and checks the ones it reads). */
export interface HardenedConfig {
  /** Registries (host, or host/path prefix) images may come from. @default any registry */
  readonly allowedRegistries?: readonly string[];
  /** Require images whose lock-file facts show no shell or package manager. @default false */
  readonly requireMinimalImages?: boolean;
  /**
   * Base images (registry host, or host/path prefix, as in `allowedRegistries`) every image must be
   * built on, as its lock-file facts record it (`org.opencontainers.image.base.name`); an image under
   * one of them is itself an approved base. @default any base
   */
  readonly approvedBaseImages?: readonly string[];
  /** Require a CPU limit on every container (the `resources` rule); CPU limits throttle latency-sensitive services. @default true */
  readonly requireCpuLimit?: boolean;
  readonly [setting: string]: unknown;
}

/** A public key that signs images, as the config names it. */
export interface ImageSignatureKeyConfig {
  /** The key's name, recorded in the lock file for each image it verified (`release`, `ci`). */
  readonly name: string;
  /**
   * The public key in PEM (`-----BEGIN PUBLIC KEY-----`, the cosign.pub that `cosign generate-key-pair`
   * or `cosign import-key-pair` writes): ECDSA on P-256, P-384 or P-521, RSA of 2048, 3072 or 4096
   * bits, or Ed25519. Or the path of a file holding it: in a config file, relative to the config
   * file's folder; in a config written in code, relative to the current folder.
   */
  readonly publicKey: string;
}

/**
 * Key-based cosign signatures: `hardpod lock` verifies the signatures of every image it locks with
 * these keys and records which verified; the `image-signed` rule fails an image none of them signed.
 * Signatures stored either way cosign stores them are read: simple-signing layers (cosign v2) and
 * Sigstore bundles (cosign v3's default). Keyless signatures (Fulcio certificates, Rekor
 * transparency log entries) are not read.
 */
export interface ImageSignaturesConfig {
  /** The keys whose signatures count; at least one, each name once. */
  readonly keys: readonly ImageSignatureKeyConfig[];
  /**
   * Also refuse, at `hardpod lock`, to lock an image none of the keys signed (nothing is written),
   * rather than leaving it to the `image-signed` rule at check time. @default false
   */
  readonly required?: boolean;
}

/**
 * Key-based cosign attestations (`cosign attest --key`): `hardpod lock` verifies the DSSE envelopes
 * stored for every image it locks with the keys of `images.signatures` and records, per predicate
 * type, which keys attested it; the `image-attested` rule fails an image lacking a verified
 * attestation of each required type.
 */
export interface ImageAttestationsConfig {
  /**
   * The predicate type URIs every image must carry a verified attestation of, as the in-toto
   * Statement names them: `https://spdx.dev/Document` (cosign `--type spdx` or `spdxjson`),
   * `https://cyclonedx.org/bom` (`cyclonedx`), `https://slsa.dev/provenance/v0.2` (`slsaprovenance`,
   * `slsaprovenance02`), `https://slsa.dev/provenance/v1` (`slsaprovenance1`), or any other URI given
   * to `--type`. At least one, each once.
   */
  readonly required: readonly string[];
  /**
   * What the build a required SLSA provenance (`https://slsa.dev/provenance/v1` or `/v0.2`) describes
   * must be, as slsa-verifier's `--builder-id` and `--source-uri` check it: every verified provenance
   * attestation of a required provenance type must meet it. Needs a provenance type in `required`.
   * @default the provenance's contents are not judged: any provenance the keys signed counts
   */
  readonly provenance?: ImageProvenanceConfig;
}

/**
 * Conditions on what a SLSA provenance says about its build; at least one of the two. Only
 * provenance signed with a configured key is read, so these say which of the builds that key
 * signs for may run.
 */
export interface ImageProvenanceConfig {
  /**
   * The builders allowed, as the provenance names them (v1 `runDetails.builder.id`, v0.2
   * `builder.id`): an id with its ref (`https://github.com/acme/ci/.github/workflows/build.yml@refs/heads/main`)
   * matches exactly; one without (`https://github.com/acme/ci/.github/workflows/build.yml`) matches
   * that builder at any ref. Never a prefix. At least one, each once.
   * @default any builder
   */
  readonly builderIds?: readonly string[];
  /**
   * The repositories the build's source may come from (`https://github.com/acme/app`), compared
   * with every source the provenance names (v1 `buildDefinition.externalParameters.workflow.repository`
   * and the first `buildDefinition.resolvedDependencies[].uri`; v0.2 `invocation.configSource.uri`
   * and the first `materials[].uri`) without `git+`, the ref (`@refs/heads/main`), a trailing `/` or
   * `.git`, scheme and host in any case. A provenance that names no source fails. At least one, each once.
   * @default any source
   */
  readonly sourceRepositories?: readonly string[];
}

/**
 * A vulnerability gate over the scans attested for each image (`cosign attest --key --type vuln`, the
 * Cosign Vulnerability Scan Record that `trivy image --format cosign-vuln` writes, or one holding
 * Grype's JSON report): `hardpod lock` verifies them with the keys of `images.signatures` and records
 * each scanner's newest scan; the `image-vulnerabilities` rule fails an image without a verified
 * scan, or whose scans found a vulnerability of `failOn` or more severe that `ignore` does not accept.
 */
export interface ImageVulnerabilitiesConfig {
  /**
   * The least severity that fails an image: `critical`, `high`, `medium` or `low`. Vulnerabilities of
   * negligible or unknown severity never do. Lowering it later needs `hardpod lock` again, which
   * records only what it could fail.
   * @default 'high'
   */
  readonly failOn?: VulnerabilitySeverity;
  /** Let vulnerabilities pass for which no fixed version exists yet, as `trivy --ignore-unfixed` does. @default false */
  readonly ignoreUnfixed?: boolean;
  /** Vulnerabilities accepted, each with its reason. @default none */
  readonly ignore?: readonly ImageVulnerabilityException[];
  /**
   * Let a vulnerability pass that a verified OpenVEX attestation (`cosign attest --type openvex`,
   * made with a configured key) says, in its latest statement about the image, does not affect it
   * (`not_affected`) or is `fixed` in it.
   * @default true
   */
  readonly vex?: boolean;
  /**
   * How old the newest verified scan of an image may be, in days or hours (`7d`, `36h`), when the
   * check runs: a scan knows only the vulnerabilities published before it ran.
   * @default any age
   */
  readonly maxScanAge?: string;
}

/** A vulnerability accepted by the gate: on every image, or on the images under some prefixes. */
export interface ImageVulnerabilityException {
  /** The id as the scanner names it (`CVE-2024-3094`, `GHSA-xxxx-xxxx-xxxx`), matched exactly. */
  readonly id: string;
  /** Why it is accepted (not reachable, no fix, mitigated): required, and shown by `hardpod lock`. */
  readonly reason: string;
  /**
   * The images it is accepted on: registry hosts or host/path prefixes, as `hardened.allowedRegistries` writes them.
   * @default every image
   */
  readonly images?: readonly string[];
}

/** Settings about images, read by `hardpod lock` and the image rules. */
export interface ImagesConfig {
  /** @default no signature keys: signatures are neither checked nor required */
  readonly signatures?: ImageSignaturesConfig;
  /** Needs `signatures`, whose keys verify the attestations. @default no attestations are checked or required */
  readonly attestations?: ImageAttestationsConfig;
  /** Needs `signatures`, whose keys verify the scans. @default no vulnerability scans are read or required */
  readonly vulnerabilities?: ImageVulnerabilitiesConfig;
}

/** {@link ImageSignaturesConfig} after validation: the keys read. */
export interface ResolvedImageSignatures {
  readonly keys: readonly SignatureKey[];
  readonly required: boolean;
}

/** {@link ImageAttestationsConfig} after validation. */
export interface ResolvedImageAttestations {
  /** The required predicate type URIs, as written. */
  readonly required: readonly string[];
  /** Absent when the provenance's contents are not judged. */
  readonly provenance?: ResolvedImageProvenance;
}

/** {@link ImageProvenanceConfig} after validation: the lists given, as written. */
export interface ResolvedImageProvenance {
  readonly builderIds?: readonly string[];
  readonly sourceRepositories?: readonly string[];
}

/** {@link ImageVulnerabilitiesConfig} after validation, with its defaults. */
export interface ResolvedImageVulnerabilities {
  readonly failOn: VulnerabilitySeverity;
  readonly ignoreUnfixed: boolean;
  readonly vex: boolean;
  /** With each prefix as it is matched ({@link allowedRegistryPrefix}); `images` absent for every image. */
  readonly ignore: readonly ImageVulnerabilityException[];
  /** `maxScanAge` as written, and the time (ms since the epoch) a scan must have finished at or after, reckoned when the config was resolved. */
  readonly maxScanAge?: { readonly written: string; readonly since: number };
}

/** {@link ImagesConfig} after validation. */
export interface ResolvedImagesConfig {
  /** Absent when no signature keys are configured. */
  readonly signatures?: ResolvedImageSignatures;
  /** Absent when no attestations are configured. */
  readonly attestations?: ResolvedImageAttestations;
  /** Absent when no vulnerability gate is configured. */
  readonly vulnerabilities?: ResolvedImageVulnerabilities;
}

/** The engine config as written by users (file or code). Every field is optional. */
export interface EngineConfig {
  /** @default 'hardened' */
  readonly level?: Level;
  /** `1.N`, from 1.0 to 1.37. @default '1.37' */
  readonly kubernetesVersion?: string;
  /** Rule-set edition: rules introduced in a later edition do not run. @default the newest edition */
  readonly edition?: number;
  /** Enforcement of failing findings of rules without an override. @default 'deny' */
  readonly enforcement?: Enforcement;
  /** Per-rule overrides, keyed by rule id. @default none */
  readonly rules?: Readonly<Record<string, RuleOverride>>;
  /** @default none */
  readonly suppressions?: readonly SuppressionEntry[];
  /** Refuse suppressions from config and annotations (admins of shared policy). @default false */
  readonly forbidSuppressions?: boolean;
  /** Findings known before adoption. @default none */
  readonly baseline?: readonly BaselineEntry[];
  /** @default no cluster context: cross-object facts missing from the input are unknown */
  readonly cluster?: ClusterContext;
  /**
   * Custom kinds holding pod templates (Argo Rollouts, Knative and KEDA are known already). A
   * `templatePath` may take every item of a list with `[*]`: `spec.replicatedJobs[*].template.spec.template`
   * (JobSet), `spec.tasks[*].template` (Volcano). @default none
   */
  readonly workloadKinds?: readonly WorkloadKindMapping[];
  /** @default {} */
  readonly hardened?: HardenedConfig;
  /** @default {}: no signature keys */
  readonly images?: ImagesConfig;
}

/** The config after validation and defaults; what rules receive as `context.config`. */
export interface ResolvedConfig {
  readonly level: Level;
  readonly kubernetesVersion: string;
  readonly minor: number;
  readonly edition: number;
  readonly enforcement: Enforcement;
  readonly rules: Readonly<Record<string, RuleOverride>>;
  readonly suppressions: readonly SuppressionEntry[];
  readonly forbidSuppressions: boolean;
  readonly baseline: ReadonlySet<string>;
  /** The baseline entries the fingerprints came from, for reporting entries that matched nothing. */
  readonly baselineEntries: readonly BaselineEntry[];
  readonly cluster: ClusterContext;
  readonly workloadKinds: WorkloadKinds;
  readonly hardened: HardenedConfig;
  readonly images: ResolvedImagesConfig;
}

const WORKLOAD_KIND_KEYS: readonly string[] = ['kind', 'group', 'templatePath', 'referencePath'];
/** Field names joined by dots; in a template path, a field may end in `[*]` (every item of a list). */
const TEMPLATE_PATH = /^[^.\s[\]]+(\[\*\])?(\.[^.\s[\]]+(\[\*\])?)*$/;
const REFERENCE_PATH = /^[^.\s[\]]+(\.[^.\s[\]]+)*$/;

/**
 * Parses `1.N` (also `v1.N`, and `1.N.P` as a cluster reports it, with a build suffix such as
 * `-gke.100` or `+k3s1`: the rules change only with the minor) into the minor; throws a HardpodError
 * outside 1.0..1.37. A minor with a leading zero (`1.03`) is refused: 1.3 and 1.30 are both meant.
 */
export function parseKubernetesVersion(version: unknown, where = 'kubernetesVersion'): number {
  if (typeof version === 'number') {
    // YAML reads 1.30 as the number 1.3: refuse rather than guess which minor was meant.
    throw new HardpodError(`Kubernetes version ${version} is a number; write it as a quoted string such as "${NEWEST_KUBERNETES_VERSION}" (YAML reads 1.30 as 1.3)`, where);
  }
  const match = typeof version === 'string' ? /^v?1\.(0|[1-9]\d?)(?:\.\d{1,3}(?:[-+][0-9A-Za-z.+-]*)?)?$/.exec(version.trim()) : null;
  const minor = match ? Number(match[1]) : NaN;
  if (!(minor >= OLDEST_KUBERNETES_MINOR && minor <= NEWEST_KUBERNETES_MINOR)) {
    const zero = typeof version === 'string' ? /^v?1\.0(\d)/.exec(version.trim()) : null;
    // 1.03 may be 1.3 or a mistyped 1.30: named, not guessed.
    const meant = zero ? [`1.${zero[1]}`, ...(Number(`${zero[1]}0`) <= NEWEST_KUBERNETES_MINOR ? [`1.${zero[1]}0`] : [])] : [];
    const why = zero ? `; no Kubernetes minor has a leading zero (${meant.join(' or ')} meant?)` : '';
    throw new HardpodError(`unsupported Kubernetes version ${JSON.stringify(version)}${why}; expected 1.N (or 1.N.P) with N from ${OLDEST_KUBERNETES_MINOR} to ${NEWEST_KUBERNETES_MINOR}, e.g. ${NEWEST_KUBERNETES_VERSION}`, where);
  }
  return minor;
}

/** The facts about the rule catalogue that config validation needs. */
export interface CatalogueFacts {
  readonly ruleIds: ReadonlySet<string>;
  readonly newestEdition: number;
  /** The settings under `hardened` that rules read, with their checks. */
  readonly settings: ReadonlyMap<string, SettingCheck>;
}

let facts: CatalogueFacts | undefined;
function catalogueFacts(): CatalogueFacts {
  if (!facts) {
    const settings = new Map<string, SettingCheck>();
    for (const rule of RULES) for (const [key, check] of Object.entries(rule.settings ?? {})) if (!settings.has(key)) settings.set(key, check);
    facts = { ruleIds: new Set(RULES.map((rule) => rule.id)), newestEdition: NEWEST_EDITION, settings };
  }
  return facts;
}

/** Resolved configs are recognised by their precomputed fields: a caller may hand one on rather than the config it came from. */
export function isResolvedConfig(config: EngineConfig | ResolvedConfig): config is ResolvedConfig {
  return typeof (config as ResolvedConfig).minor === 'number' && (config as ResolvedConfig).baseline instanceof Set;
}

/**
 * Validates a config and applies defaults. Every mistake is a HardpodError naming the key
 * (`where` locates keys, e.g. in a config file); nothing is silently ignored.
 */
export function resolveConfig(config: EngineConfig = {}, where: (key: string) => string = (key) => `config ${key}`): ResolvedConfig {
  const catalogue = catalogueFacts();
  const raw: unknown = config;
  if (!isRecord(raw)) throw new HardpodError('the config must be an object', where('(root)'));
  const known = new Set(['level', 'kubernetesVersion', 'edition', 'enforcement', 'rules', 'suppressions', 'forbidSuppressions', 'baseline', 'cluster', 'workloadKinds', 'hardened', 'images']);
  refuseUnknownKeysAt(raw, [...known], 'config key', where);
  for (const key of Object.keys(raw)) refuseKeysWithoutValue(raw[key], key, where);
  const level = config.level ?? 'hardened';
  if (!LEVELS.includes(level)) throw new HardpodError(`unknown level ${JSON.stringify(level)}; expected one of ${LEVELS.join(', ')}`, where('level'));
  const kubernetesVersion = config.kubernetesVersion ?? NEWEST_KUBERNETES_VERSION;
  const minor = parseKubernetesVersion(kubernetesVersion, where('kubernetesVersion'));
  const edition = config.edition ?? catalogue.newestEdition;
  if (!Number.isInteger(edition) || edition < 1 || edition > catalogue.newestEdition) {
    throw new HardpodError(`unknown rule-set edition ${JSON.stringify(edition)}; expected an integer from 1 to ${catalogue.newestEdition}`, where('edition'));
  }
  const enforcement = config.enforcement ?? 'deny';
  if (!ENFORCEMENTS.includes(enforcement)) throw new HardpodError(`unknown enforcement ${JSON.stringify(enforcement)}; expected deny or warn`, where('enforcement'));

  const rules = config.rules ?? {};
  if (!isRecord(rules)) throw new HardpodError('rules must be a map from rule id to { severity, enforcement, enabled }', where('rules'));
  for (const [id, override] of Object.entries(rules)) {
    const key = `rules.${id}`;
    if (id === NOT_CHECKED_ID) {
      throw new HardpodError(
        `${NOT_CHECKED_ID} is no rule and takes no override: it lists objects hardpod cannot check; acknowledge one with a suppression { rule: ${NOT_CHECKED_ID}, kind, namespace, name, reason }`,
        where(key),
      );
    }
    if (!catalogue.ruleIds.has(id)) throw new HardpodError(`unknown rule id ${JSON.stringify(id)}${didYouMean(id, catalogue.ruleIds)}; hardpod rules lists them`, where(key));
    if (!isRecord(override)) throw new HardpodError('a rule override must be an object with severity, enforcement or enabled', where(key));
    refuseUnknownKeysAt(override, OVERRIDE_KEYS, 'rule override', (field) => where(`${key}.${field}`));
    if (override.severity !== undefined && !SEVERITIES.includes(override.severity as Severity)) throw new HardpodError(`unknown severity ${JSON.stringify(override.severity)}; expected one of ${SEVERITIES.join(', ')}`, where(`${key}.severity`));
    if (override.enforcement !== undefined && !ENFORCEMENTS.includes(override.enforcement as Enforcement)) throw new HardpodError(`unknown enforcement ${JSON.stringify(override.enforcement)}; expected deny or warn`, where(`${key}.enforcement`));
    if (override.enabled !== undefined && typeof override.enabled !== 'boolean') throw new HardpodError('enabled must be true or false', where(`${key}.enabled`));
  }

  const forbidSuppressions = config.forbidSuppressions ?? false;
  if (typeof forbidSuppressions !== 'boolean') throw new HardpodError('forbidSuppressions must be true or false', where('forbidSuppressions'));
  const suppressions = config.suppressions ?? [];
  if (!Array.isArray(suppressions)) throw new HardpodError('suppressions must be a list of { rule, kind, name, namespace, reason }', where('suppressions'));
  if (forbidSuppressions && suppressions.length > 0) throw new HardpodError('suppressions are forbidden by this config (forbidSuppressions: true)', where('suppressions'));
  suppressions.forEach((entry: unknown, i) => validateSuppression(entry, where(`suppressions[${i}]`), catalogue, (field) => where(`suppressions[${i}].${field}`)));

  const baseline = new Set<string>();
  const baselineEntries = config.baseline ?? [];
  if (!Array.isArray(baselineEntries)) throw new HardpodError('baseline must be a list of { fingerprint, ... }', where('baseline'));
  baselineEntries.forEach((entry: unknown, i) => {
    if (!isRecord(entry) || typeof entry.fingerprint !== 'string' || !entry.fingerprint) throw new HardpodError('a baseline entry needs a fingerprint string (entries as hardpod check --write-baseline writes them)', where(`baseline[${i}]`));
    baseline.add(entry.fingerprint);
  });

  const cluster = config.cluster ?? {};
  validateCluster(cluster, minor, where);
  const workloadKinds = config.workloadKinds ?? [];
  if (!Array.isArray(workloadKinds)) throw new HardpodError('workloadKinds must be a list of { kind, group, templatePath }', where('workloadKinds'));
  // The first mapping that matches an object applies: a later one for the same kind and group never would.
  const mappedKinds = new Map<string, string>();
  workloadKinds.forEach((entry: unknown, i) => {
    const at = `workloadKinds[${i}]`;
    if (!isRecord(entry)) throw new HardpodError(`a workload kind must be an object { kind, group, templatePath }, got ${describeType(entry)} (e.g. { kind: Rollout, group: argoproj.io, templatePath: spec.template })`, where(at));
    refuseUnknownKeysAt(entry, WORKLOAD_KIND_KEYS, 'workload kind key', (key) => where(`${at}.${key}`));
    for (const field of ['kind', 'templatePath'] as const) {
      if (entry[field] === undefined) throw new HardpodError(`a workload kind needs ${field} (e.g. { kind: Rollout, group: argoproj.io, templatePath: spec.template })`, where(at));
    }
    if (typeof entry.kind !== 'string' || !entry.kind) throw new HardpodError(`kind must be a non-empty string, got ${describeType(entry.kind)}`, where(`${at}.kind`));
    if (typeof entry.templatePath !== 'string') throw new HardpodError(`templatePath must be a string, got ${describeType(entry.templatePath)}`, where(`${at}.templatePath`));
    if (entry.group !== undefined && typeof entry.group !== 'string') throw new HardpodError(`group must be a string (the API group, e.g. argoproj.io), got ${describeType(entry.group)}`, where(`${at}.group`));
    const kind = entry.kind;
    const builtIn = entry.group === undefined ? undefined : builtInTemplatePath(kind, entry.group);
    if (builtIn !== undefined) {
      throw new HardpodError(
        `${kind} of group ${JSON.stringify(entry.group)} is a built-in workload kind, always read at its own pod template (${builtIn || 'the object itself'}): the mapping would never apply; remove it`,
        where(`${at}.kind`),
      );
    }
    const group = entry.group === undefined ? 'any group' : `group ${JSON.stringify(entry.group)}`;
    const conflict = (mapped: string) => (first: string): string =>
      `kind ${kind} is mapped for ${mapped} already, at ${first}; only the first mapping that matches an object applies, so keep one (an object holding pod templates at several paths is listed as not checked)`;
    // The mapping for any group matches first, whatever group a later one names.
    if (entry.group !== undefined && mappedKinds.has(`${kind}\u0000*`)) claimObjectKey(mappedKinds, `${kind}\u0000*`, where(at), conflict('any group'));
    claimObjectKey(mappedKinds, `${kind}\u0000${entry.group ?? '*'}`, where(at), conflict(group));
    if (!TEMPLATE_PATH.test(entry.templatePath)) {
      // An empty path would make the object itself the pod template: a kind with its pod fields right under spec cannot be mapped.
      const empty = entry.templatePath === '' ? ' (the object itself cannot be the pod template: a kind whose containers sit right under spec, as Prometheus Operator\'s, is checked through the workloads made from it)' : '';
      throw new HardpodError(
        `templatePath ${JSON.stringify(entry.templatePath)} must be a dotted path of field names, with [*] after a list field to take every item of the list, e.g. spec.template or spec.replicatedJobs[*].template.spec.template${empty}`,
        where(`${at}.templatePath`),
      );
    }
    if (entry.referencePath !== undefined && (typeof entry.referencePath !== 'string' || !REFERENCE_PATH.test(entry.referencePath))) {
      throw new HardpodError(`referencePath ${JSON.stringify(entry.referencePath)} must be a dotted path of field names, e.g. spec.workloadRef`, where(`${at}.referencePath`));
    }
  });
  const hardened = config.hardened ?? {};
  if (!isRecord(hardened)) throw new HardpodError('hardened must be an object of settings', where('hardened'));
  for (const key of Object.keys(hardened)) {
    const checkSetting = catalogue.settings.get(key);
    if (!checkSetting) {
      throw new HardpodError(`unknown setting ${JSON.stringify(key)}; expected one of ${[...catalogue.settings.keys()].join(', ')}`, where(`hardened.${key}`));
    }
    const problem = checkSetting(hardened[key]);
    if (problem !== undefined) throw new HardpodError(problem, where(`hardened.${key}`));
  }
  const images = resolveImages(config.images, where);

  return {
    level,
    kubernetesVersion: `1.${minor}`,
    minor,
    edition,
    enforcement,
    rules,
    suppressions,
    forbidSuppressions,
    baseline,
    baselineEntries,
    cluster,
    workloadKinds: new WorkloadKinds(workloadKinds),
    hardened,
    images,
  };
}

const IMAGES_KEYS: readonly string[] = ['signatures', 'attestations', 'vulnerabilities'];
const VULNERABILITIES_KEYS: readonly string[] = ['failOn', 'ignoreUnfixed', 'ignore', 'maxScanAge', 'vex'];
/** A scan age: whole days or hours. */
const SCAN_AGE = /^([1-9][0-9]{0,4})(d|h)$/;
const VULNERABILITY_EXCEPTION_KEYS: readonly string[] = ['id', 'reason', 'images'];
const VULNERABILITY_EXCEPTION_EXAMPLE = '{ id: CVE-2024-3094, reason: <why it is accepted>, images: [registry.example.com/shop] }';
const ATTESTATIONS_KEYS: readonly string[] = ['required', 'provenance'];
const PROVENANCE_KEYS: readonly string[] = ['builderIds', 'sourceRepositories'];
const PROVENANCE_EXAMPLE = '{ builderIds: [https://github.com/acme/ci/.github/workflows/build.yml@refs/heads/main], sourceRepositories: [https://github.com/acme/app] }';
/** An absolute URI: a scheme, then something. */
const URI = /^[A-Za-z][A-Za-z0-9+.-]*:\S+$/;
const ATTESTATIONS_EXAMPLE = '{ required: [https://spdx.dev/Document, https://slsa.dev/provenance/v1] }';
const SIGNATURES_KEYS: readonly string[] = ['keys', 'required'];
const SIGNATURE_KEY_KEYS: readonly string[] = ['name', 'publicKey'];
const SIGNATURE_KEY_EXAMPLE = '{ name: release, publicKey: cosign.pub }';

/** Whether a signature key's `publicKey` is the key itself rather than the path of a file holding it. */
function isPemText(publicKey: string): boolean {
  return publicKey.includes('-----BEGIN');
}

/** Validates `images` and reads its signature keys (PEM text, or files). */
function resolveImages(images: unknown, where: (key: string) => string): ResolvedImagesConfig {
  if (images === undefined) return {};
  if (!isRecord(images)) throw new HardpodError(`images must be an object { signatures, attestations, vulnerabilities }, got ${describeType(images)}`, where('images'));
  refuseUnknownKeysAt(images, IMAGES_KEYS, 'images key', (key) => where(`images.${key}`));
  const attestations = resolveAttestations(images.attestations, where);
  const vulnerabilities = resolveVulnerabilities(images.vulnerabilities, where);
  const signatures = images.signatures;
  if (signatures === undefined) {
    // Attestations and scans are verified with the signature keys: without them none could verify, silently.
    for (const [key, given] of [['attestations', attestations], ['vulnerabilities', vulnerabilities]] as const) {
      if (given !== undefined) {
        throw new HardpodError(`images.${key} needs images.signatures.keys: the public keys ${key === 'attestations' ? 'attestations' : 'vulnerability scans'} are verified with (the cosign.pub of the key given to \`cosign attest --key\`)`, where(`images.${key}`));
      }
    }
    return {};
  }
  if (!isRecord(signatures)) {
    throw new HardpodError(`images.signatures must be an object { keys: [${SIGNATURE_KEY_EXAMPLE}], required }, got ${describeType(signatures)}`, where('images.signatures'));
  }
  refuseUnknownKeysAt(signatures, SIGNATURES_KEYS, 'images.signatures key', (key) => where(`images.signatures.${key}`));
  const required = signatures.required ?? false;
  if (typeof required !== 'boolean') throw new HardpodError(`images.signatures.required must be true or false, got ${describeType(required)}`, where('images.signatures.required'));
  const keys = signatures.keys;
  // Without keys nothing could verify: required or not, every image would be unsigned, silently.
  if (keys === undefined) throw new HardpodError(`images.signatures needs keys: a list of ${SIGNATURE_KEY_EXAMPLE}`, where('images.signatures'));
  if (!Array.isArray(keys) || keys.length === 0) {
    throw new HardpodError(`images.signatures.keys must be a non-empty list of ${SIGNATURE_KEY_EXAMPLE}, got ${Array.isArray(keys) ? 'an empty list' : describeType(keys)}; remove images.signatures to check no signatures`, where('images.signatures.keys'));
  }
  const names = new Map<string, string>();
  const fingerprints = new Map<string, string>();
  const resolved = keys.map((entry: unknown, i): SignatureKey => {
    const at = `images.signatures.keys[${i}]`;
    if (!isRecord(entry)) throw new HardpodError(`a signature key must be an object ${SIGNATURE_KEY_EXAMPLE}, got ${describeType(entry)}`, where(at));
    refuseUnknownKeysAt(entry, SIGNATURE_KEY_KEYS, 'signature key field', (key) => where(`${at}.${key}`));
    for (const field of SIGNATURE_KEY_KEYS) {
      if (entry[field] === undefined) throw new HardpodError(`a signature key needs ${field} (e.g. ${SIGNATURE_KEY_EXAMPLE})`, where(at));
      if (typeof entry[field] !== 'string' || (entry[field] as string).trim() === '') {
        throw new HardpodError(`signature key ${field} must be a non-empty string, got ${describeType(entry[field])}`, where(`${at}.${field}`));
      }
    }
    const name = entry.name as string;
    // The lock file records names: two keys of one name could not be told apart there.
    claimObjectKey(names, name, where(`${at}.name`), (first) => `signature key name ${JSON.stringify(name)} is given twice, first at ${first}; give each key its own name`);
    const given = entry.publicKey as string;
    let pem = given;
    let from = 'publicKey';
    if (!isPemText(given)) {
      const file = isAbsolute(given) ? given : resolvePath(given);
      from = `the file ${file}`;
      try {
        pem = readFileSync(file, 'utf8');
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        throw new HardpodError(
          `signature key ${JSON.stringify(name)}: publicKey is neither a PEM key (-----BEGIN PUBLIC KEY-----) nor a readable file: ${file} ${code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? (error as Error).message})`}`,
          where(`${at}.publicKey`),
        );
      }
    }
    const key = parseSignaturePublicKey(pem);
    if (typeof key === 'string') throw new HardpodError(`signature key ${JSON.stringify(name)}: ${from} ${key}`, where(`${at}.publicKey`));
    const fingerprint = signatureKeyFingerprint(key);
    claimObjectKey(fingerprints, fingerprint, where(`${at}.publicKey`), (first) => `signature key ${JSON.stringify(name)} is the same key as the one at ${first}; list each key once`);
    return { name, publicKey: key, fingerprint };
  });
  return {
    signatures: { keys: resolved, required },
    ...(attestations === undefined ? {} : { attestations }),
    ...(vulnerabilities === undefined ? {} : { vulnerabilities }),
  };
}

/** Validates `images.vulnerabilities`: a severity, a switch, and accepted vulnerabilities with their reasons and images. */
function resolveVulnerabilities(vulnerabilities: unknown, where: (key: string) => string): ResolvedImageVulnerabilities | undefined {
  const at = 'images.vulnerabilities';
  if (vulnerabilities === undefined) return undefined;
  if (!isRecord(vulnerabilities)) throw new HardpodError(`${at} must be an object { failOn: high, ignoreUnfixed: false, ignore: [${VULNERABILITY_EXCEPTION_EXAMPLE}] }, got ${describeType(vulnerabilities)}`, where(at));
  refuseUnknownKeysAt(vulnerabilities, VULNERABILITIES_KEYS, `${at} key`, (key) => where(`${at}.${key}`));
  const failOn = vulnerabilities.failOn ?? 'high';
  if (!(VULNERABILITY_SEVERITIES as readonly unknown[]).includes(failOn)) {
    throw new HardpodError(`${at}.failOn must be one of ${VULNERABILITY_SEVERITIES.join(', ')}, got ${JSON.stringify(failOn)}`, where(`${at}.failOn`));
  }
  const switchAt = (key: 'ignoreUnfixed' | 'vex', fallback: boolean): boolean => {
    const value = vulnerabilities[key] ?? fallback;
    if (typeof value !== 'boolean') throw new HardpodError(`${at}.${key} must be true or false, got ${describeType(value)}`, where(`${at}.${key}`));
    return value;
  };
  const ignoreUnfixed = switchAt('ignoreUnfixed', false);
  const vex = switchAt('vex', true);
  const ignore = vulnerabilities.ignore ?? [];
  if (!Array.isArray(ignore)) throw new HardpodError(`${at}.ignore must be a list of ${VULNERABILITY_EXCEPTION_EXAMPLE}, got ${describeType(ignore)}`, where(`${at}.ignore`));
  const seen = new Map<string, string>();
  const exceptions = ignore.map((entry: unknown, i): ImageVulnerabilityException => {
    const place = `${at}.ignore[${i}]`;
    if (!isRecord(entry)) throw new HardpodError(`an accepted vulnerability must be an object ${VULNERABILITY_EXCEPTION_EXAMPLE}, got ${describeType(entry)}`, where(place));
    refuseUnknownKeysAt(entry, VULNERABILITY_EXCEPTION_KEYS, `${at}.ignore field`, (key) => where(`${place}.${key}`));
    for (const key of ['id', 'reason'] as const) {
      // An exception without its reason is one nobody can review later.
      if (typeof entry[key] !== 'string' || (entry[key] as string).trim() === '') {
        throw new HardpodError(`an accepted vulnerability needs ${key}, a non-empty string (e.g. ${VULNERABILITY_EXCEPTION_EXAMPLE}), got ${describeType(entry[key])}`, where(entry[key] === undefined ? place : `${place}.${key}`));
      }
    }
    const id = entry.id as string;
    if (id !== id.trim()) throw new HardpodError(`${JSON.stringify(id)} has spaces around it; ids are matched exactly, so write ${JSON.stringify(id.trim())}`, where(`${place}.id`));
    const images = entry.images;
    if (images === undefined) {
      claimObjectKey(seen, id, where(`${place}.id`), (first) => `${id} is accepted twice for every image, first at ${first}; list it once`);
      return { id, reason: entry.reason as string };
    }
    if (!Array.isArray(images) || images.length === 0) {
      throw new HardpodError(`${place}.images must be a non-empty list of registry or host/path prefixes, got ${Array.isArray(images) ? 'an empty list' : describeType(images)}; leave it out to accept ${id} on every image`, where(`${place}.images`));
    }
    const prefixes = images.map((prefix: unknown, j) => {
      const problem = typeof prefix === 'string' ? registryPrefixProblem(prefix) : `${describeType(prefix)} is no registry or host/path prefix`;
      if (problem !== undefined) throw new HardpodError(problem, where(`${place}.images[${j}]`));
      return allowedRegistryPrefix(prefix as string);
    });
    return { id, reason: entry.reason as string, images: prefixes };
  });
  const maxScanAge = vulnerabilities.maxScanAge;
  let age: ResolvedImageVulnerabilities['maxScanAge'];
  if (maxScanAge !== undefined) {
    const parts = typeof maxScanAge === 'string' ? SCAN_AGE.exec(maxScanAge.trim()) : null;
    if (parts === null) {
      throw new HardpodError(`${at}.maxScanAge must be a whole number of days or hours, e.g. 7d or 36h, got ${JSON.stringify(maxScanAge)}`, where(`${at}.maxScanAge`));
    }
    const hours = Number(parts[1]) * (parts[2] === 'd' ? 24 : 1);
    age = { written: parts[0], since: Date.now() - hours * 3_600_000 };
  }
  return { failOn: failOn as VulnerabilitySeverity, ignoreUnfixed, vex, ignore: exceptions, ...(age === undefined ? {} : { maxScanAge: age }) };
}

/** Validates `images.attestations`: a non-empty list of predicate type URIs, each once. */
function resolveAttestations(attestations: unknown, where: (key: string) => string): ResolvedImageAttestations | undefined {
  if (attestations === undefined) return undefined;
  if (!isRecord(attestations)) throw new HardpodError(`images.attestations must be an object ${ATTESTATIONS_EXAMPLE}, got ${describeType(attestations)}`, where('images.attestations'));
  refuseUnknownKeysAt(attestations, ATTESTATIONS_KEYS, 'images.attestations key', (key) => where(`images.attestations.${key}`));
  const required = attestations.required;
  if (required === undefined) throw new HardpodError(`images.attestations needs required: the predicate types every image must be attested with, e.g. ${ATTESTATIONS_EXAMPLE}`, where('images.attestations'));
  if (!Array.isArray(required) || required.length === 0) {
    throw new HardpodError(`images.attestations.required must be a non-empty list of predicate type URIs, got ${Array.isArray(required) ? 'an empty list' : describeType(required)}; remove images.attestations to require none`, where('images.attestations.required'));
  }
  const seen = new Map<string, string>();
  for (const [i, type] of required.entries()) {
    const at = `images.attestations.required[${i}]`;
    if (typeof type !== 'string' || type.trim() === '') throw new HardpodError(`a required predicate type must be a URI string, got ${describeType(type)}`, where(at));
    const uri = Object.prototype.hasOwnProperty.call(COSIGN_PREDICATE_TYPES, type) ? COSIGN_PREDICATE_TYPES[type] : undefined;
    if (uri !== undefined) {
      throw new HardpodError(`${JSON.stringify(type)} is a cosign --type name, not a predicate type; write the URI cosign records for it: ${uri}`, where(at));
    }
    // A predicate type is a URI with a scheme (cosign accepts any absolute URI for --type).
    if (!URI.test(type)) {
      throw new HardpodError(`${JSON.stringify(type)} is no predicate type URI; expected one such as https://spdx.dev/Document, https://cyclonedx.org/bom, https://slsa.dev/provenance/v0.2 or https://slsa.dev/provenance/v1`, where(at));
    }
    claimObjectKey(seen, type, where(at), (first) => `predicate type ${type} is required twice, first at ${first}; list it once`);
  }
  const provenance = resolveProvenance(attestations.provenance, required as string[], where);
  return { required: [...required] as string[], ...(provenance === undefined ? {} : { provenance }) };
}

/** Validates `images.attestations.provenance`: builder ids and source repositories, each list non-empty, each entry once. */
function resolveProvenance(provenance: unknown, required: readonly string[], where: (key: string) => string): ResolvedImageProvenance | undefined {
  const at = 'images.attestations.provenance';
  if (provenance === undefined) return undefined;
  if (!isRecord(provenance)) throw new HardpodError(`${at} must be an object ${PROVENANCE_EXAMPLE}, got ${describeType(provenance)}`, where(at));
  refuseUnknownKeysAt(provenance, PROVENANCE_KEYS, `${at} key`, (key) => where(`${at}.${key}`));
  if (provenance.builderIds === undefined && provenance.sourceRepositories === undefined) {
    throw new HardpodError(`${at} needs builderIds, sourceRepositories or both, e.g. ${PROVENANCE_EXAMPLE}; remove it to judge no provenance contents`, where(at));
  }
  // Conditions on a type nothing requires would be judged on no image, silently.
  if (!required.some((type) => SLSA_PROVENANCE_TYPES.includes(type))) {
    throw new HardpodError(`${at} judges SLSA provenance, and images.attestations.required names no provenance type; add ${SLSA_PROVENANCE_TYPES.join(' or ')}`, where(at));
  }
  const list = (key: 'builderIds' | 'sourceRepositories', what: string, check: (value: string) => string | undefined, same: (value: string) => string) => {
    const value = provenance[key];
    if (value === undefined) return undefined;
    if (!Array.isArray(value) || value.length === 0) {
      throw new HardpodError(`${at}.${key} must be a non-empty list of ${what}, got ${Array.isArray(value) ? 'an empty list' : describeType(value)}; remove it to allow any`, where(`${at}.${key}`));
    }
    const seen = new Map<string, string>();
    value.forEach((entry: unknown, i) => {
      const place = `${at}.${key}[${i}]`;
      if (typeof entry !== 'string' || !URI.test(entry)) throw new HardpodError(`${JSON.stringify(entry)} is no URI; ${key} lists ${what}`, where(place));
      const problem = check(entry);
      if (problem !== undefined) throw new HardpodError(problem, where(place));
      claimObjectKey(seen, same(entry), where(place), (first) => `${entry} is listed twice in ${key}, first at ${first}; list it once`);
    });
    return [...value] as string[];
  };
  const builderIds = list('builderIds', 'builder ids (e.g. https://github.com/acme/ci/.github/workflows/build.yml@refs/heads/main)', () => undefined, (id) => id);
  const sourceRepositories = list('sourceRepositories', 'repository URIs (e.g. https://github.com/acme/app)', (uri) => {
    const { ref } = splitRef(uri.replace(/^git\+/i, ''));
    // The ref is not compared: written here, it would seem to pin a branch while allowing any.
    return ref === undefined ? undefined
      : `${uri} names a ref (${ref}); sourceRepositories names repositories and compares no refs, so write the repository alone: ${sourceRepository(uri)}`;
  }, sourceRepository);
  return { ...(builderIds === undefined ? {} : { builderIds }), ...(sourceRepositories === undefined ? {} : { sourceRepositories }) };
}

/**
 * Why `rule` does not run under `config`, in words to follow "the rule does not run:" (`it came in
 * rule-set edition 2, and the config pins edition 1`); undefined when the edition, level and
 * Kubernetes version include it (the config may still disable it).
 */
export function whyRuleDoesNotRun(rule: RuleMetadata, config: Pick<ResolvedConfig, 'level' | 'edition' | 'minor'>): string | undefined {
  if (rule.edition > config.edition) return `it came in rule-set edition ${rule.edition}, and the config pins edition ${config.edition}`;
  if (!levelIncludes(config.level, rule.level)) return `it is in level ${rule.level}, and this run checks level ${config.level}`;
  const since = rule.versions?.since ?? 0;
  if (since > config.minor) return `it applies from Kubernetes 1.${since}, and this run judges 1.${config.minor}`;
  return undefined;
}

/** An override in a config's `rules` that has no effect, as its rule does not run. */
export interface IdleRuleOverride {
  readonly rule: string;
  /** Why the rule does not run: {@link whyRuleDoesNotRun}. */
  readonly reason: string;
}

/**
 * The overrides of `config.rules` for rules that do not run under its edition, level or Kubernetes
 * version: a severity or enforcement set there applies to nothing, though the user may believe it
 * does. An override that only disables its rule (`enabled: false`) is not one: the rule does not run, as it asks.
 */
export function idleRuleOverrides(config: ResolvedConfig): IdleRuleOverride[] {
  const idle: IdleRuleOverride[] = [];
  for (const [id, override] of Object.entries(config.rules)) {
    const rule = ruleById(id);
    const reason = rule === undefined || override.enabled === false ? undefined : whyRuleDoesNotRun(rule, config);
    if (reason !== undefined) idle.push({ rule: id, reason });
  }
  return idle;
}

/**
 * The warning for each override {@link idleRuleOverrides} finds, in the words every front door gives
 * it: `where` names the override as the config's other messages do (`hardpod.yaml:4 (rules.probes)`
 * for a file, `Hardpod.enforce(prod) config.rules.probes` for a config written in code).
 */
export function idleRuleOverrideWarnings(config: ResolvedConfig, where: (key: string) => string): string[] {
  return idleRuleOverrides(config).map(({ rule, reason }) => `${where(`rules.${rule}`)}: the override of ${rule} has no effect, as the rule does not run: ${reason}`);
}

/** The lists of Kubernetes objects a config declares: null is an ordinary field value inside them (`creationTimestamp: null`, `secrets: null`). */
const DECLARED_OBJECT_LISTS: ReadonlySet<string> = new Set(['cluster.networkPolicies', 'cluster.objects']);

/**
 * Refuses a key of `entry` that is none of `known`, at that key's own place (its line in a config
 * file), with the key it may be a misspelling of: `unknown cluster key "namespace" (did you mean
 * "namespaces"?); expected one of ...`. Unlike the model's refuseUnknownKeys, each key has its own place.
 */
function refuseUnknownKeysAt(entry: Readonly<Record<string, unknown>>, known: readonly string[], what: string, at: (key: string) => string): void {
  for (const key of Object.keys(entry)) {
    if (!known.includes(key)) throw new HardpodError(`unknown ${what} ${JSON.stringify(key)}${didYouMean(key, known)}; expected one of ${known.join(', ')}`, at(key));
  }
}

/**
 * Refuses a key (or list item) written without a value, at any depth: `edition:` with nothing
 * after it is null in YAML, and defaulting it would silently unpin the edition, drop the cluster
 * context, or read `networkPolicies:` as "the platform declares none" (turning unknown into fail).
 */
function refuseKeysWithoutValue(value: unknown, key: string, where: (key: string) => string): void {
  if (value === null) {
    const remove = key.endsWith(']') ? 'remove the item' : 'remove the key to use the default';
    throw new HardpodError(`${key} has no value; give one or ${remove}`, where(key));
  }
  // Only nulls and containers are walked into (no key is built for the baseline's thousands of
  // strings), and only written data: an object of a class (the lock file's facts lookup) is not.
  if (Array.isArray(value)) {
    const declaredObjects = DECLARED_OBJECT_LISTS.has(key);
    value.forEach((item: unknown, i) => {
      if (item === null || (!declaredObjects && typeof item === 'object')) refuseKeysWithoutValue(item, `${key}[${i}]`, where);
    });
  } else if (isRecord(value) && isWrittenData(value)) {
    for (const field of Object.keys(value)) {
      const child = value[field];
      if (typeof child === 'object') refuseKeysWithoutValue(child, `${key}.${field}`, where);
    }
  }
}

/** An object as YAML, JSON or an object literal make it, not an instance of a class. */
function isWrittenData(value: object): boolean {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/**
 * Validates one suppression (config entry or annotation) eagerly: known rule, non-empty reason.
 * @param where the entry, for what is wrong with it as a whole (a field missing)
 * @param whereField a field of the entry (a config entry's key and line), for what is wrong with the field; by default `where`
 */
export function validateSuppression(
  entry: unknown, where: string, catalogue: CatalogueFacts = catalogueFacts(), whereField: (field: string) => string = () => where,
): asserts entry is SuppressionEntry {
  if (!isRecord(entry)) throw new HardpodError('a suppression must be an object { rule, kind, name, namespace, reason }', where);
  refuseUnknownKeysAt(entry, SUPPRESSION_KEYS, 'suppression field', whereField);
  const required = { rule: `a rule id, or ${NOT_CHECKED_ID}`, kind: 'matched exactly', reason: 'why the finding is acceptable' };
  for (const [field, what] of Object.entries(required) as [keyof typeof required, string][]) {
    if (entry[field] === undefined) throw new HardpodError(`suppression needs ${field} (${what})`, where);
    if (typeof entry[field] !== 'string') throw new HardpodError(`suppression ${field} must be a string, got ${describeType(entry[field])}`, whereField(field));
  }
  for (const field of ['group', 'name', 'generateName', 'namespace'] as const) {
    if (entry[field] !== undefined && typeof entry[field] !== 'string') throw new HardpodError(`suppression ${field} must be a string, got ${describeType(entry[field])}`, whereField(field));
  }
  if (entry.name === undefined && entry.generateName === undefined) {
    throw new HardpodError('suppression needs name (matched exactly), or generateName for an object without a name', where);
  }
  // An object with a name is known by it: the API server ignores its generateName.
  if (entry.name !== undefined && entry.generateName !== undefined) {
    throw new HardpodError('suppression has both name and generateName; give name or generateName, not both: generateName names an object without a name', whereField('generateName'));
  }
  const rule = entry.rule as string;
  // Besides the rules, a suppression may acknowledge an object hardpod cannot check.
  if (rule !== NOT_CHECKED_ID && !catalogue.ruleIds.has(rule)) {
    throw new HardpodError(
      `suppression names unknown rule id ${JSON.stringify(rule)}${didYouMean(rule, [...catalogue.ruleIds, NOT_CHECKED_ID])}; hardpod rules lists them (or ${NOT_CHECKED_ID}, for an object hardpod cannot check)`,
      whereField('rule'),
    );
  }
  for (const field of ['kind', 'group', 'name', 'generateName'] as const) {
    if (entry[field] === '') throw new HardpodError(`suppression ${field} is empty; give the object's ${field} (matched exactly)`, whereField(field));
  }
  // Reports label an object of another group `Service.serving.knative.dev`: copied as a kind, it would match nothing.
  const dot = (entry.kind as string).indexOf('.');
  if (dot >= 0) {
    const kind = entry.kind as string;
    throw new HardpodError(`suppression kind ${JSON.stringify(kind)} holds a dot, which no kind does; write kind: ${kind.slice(0, dot)} with group: ${kind.slice(dot + 1)}`, whereField('kind'));
  }
  // Reports label an object without a name `migrate-* (generateName)`: copied as a name, it would match nothing.
  const star = typeof entry.name === 'string' ? entry.name.indexOf('*') : -1;
  if (star >= 0) {
    throw new HardpodError(
      `suppression name ${JSON.stringify(entry.name)} cannot match: no object's name holds a *; to name an object without a name by its generateName, write generateName: ${JSON.stringify((entry.name as string).slice(0, star))}`,
      whereField('name'),
    );
  }
  if (!(entry.reason as string).trim()) throw new HardpodError(`suppression of ${rule} needs a non-empty reason`, whereField('reason'));
}

function validateCluster(cluster: unknown, minor: number, where: (key: string) => string): void {
  if (!isRecord(cluster)) throw new HardpodError('cluster must be an object { namespaces, networkPolicies, objects, complete }', where('cluster'));
  refuseUnknownKeysAt(cluster, CLUSTER_KEYS, 'cluster key', (key) => where(`cluster.${key}`));
  // Rules take the first declaration of an object: a second one (other labels, another spec) would be
  // ignored silently, so each kind, namespace and name is declared once, a Namespace in either list.
  // A kind of another API group (a Calico NetworkPolicy) is another object than the Kubernetes one of that name.
  const declared = new Map<string, string>();
  const declare = (apiVersion: string, kind: string, namespace: unknown, name: string, key: string): void => {
    const ns = typeof namespace === 'string' && namespace !== '' ? namespace : undefined;
    const group = apiGroupOf(apiVersion);
    const what = isKubernetesObject({ apiVersion, kind }, minor) ? kind : `${kind} of ${group || 'the core group'}`;
    claimObjectKey(declared, `${group}\u0000${kind}\u0000${ns ?? ''}\u0000${name}`, where(key), (first) => `${what} ${JSON.stringify(ns === undefined ? name : `${ns}/${name}`)} is declared twice in the cluster context, first at ${first}; keep one, as only one of them would apply`);
  };
  const namespaces = cluster.namespaces ?? [];
  if (!Array.isArray(namespaces)) throw new HardpodError('cluster.namespaces must be a list of { name, labels }', where('cluster.namespaces'));
  namespaces.forEach((ns: unknown, i) => {
    if (!isRecord(ns) || typeof ns.name !== 'string' || !ns.name) throw new HardpodError('a namespace needs a name', where(`cluster.namespaces[${i}]`));
    // A misspelt `labels` would declare the namespace without its Pod Security labels.
    refuseUnknownKeysAt(ns, NAMESPACE_KEYS, 'namespace key', (key) => where(`cluster.namespaces[${i}].${key}`));
    if (ns.labels !== undefined && !isRecord(ns.labels)) throw new HardpodError(`namespace labels must be a map of strings, got ${describeType(ns.labels)}`, where(`cluster.namespaces[${i}].labels`));
    for (const [key, value] of Object.entries(ns.labels ?? {})) {
      // YAML reads `enforce-version: 1.30` as a number: say which label, at its line.
      if (typeof value !== 'string') throw new HardpodError(`namespace label ${JSON.stringify(key)} must be a string, got ${describeType(value)}; quote it`, where(`cluster.namespaces[${i}].labels.${key}`));
    }
    refuseMalformedDeclaration({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns.name, labels: ns.labels as Record<string, string> } }, `cluster.namespaces[${i}]`, 'metadata.', minor, where);
    declare('v1', 'Namespace', undefined, ns.name, `cluster.namespaces[${i}]`);
  });
  for (const key of ['networkPolicies', 'objects'] as const) {
    const list = cluster[key] ?? [];
    if (!Array.isArray(list)) throw new HardpodError(`cluster.${key} must be a list of Kubernetes objects`, where(`cluster.${key}`));
    list.forEach((o: unknown, i) => {
      if (!isRecord(o) || typeof o.kind !== 'string' || typeof o.apiVersion !== 'string') throw new HardpodError('expected a Kubernetes object with apiVersion and kind', where(`cluster.${key}[${i}]`));
      // Rules look declared objects up by name: one without a name would be ignored.
      if (!isRecord(o.metadata) || typeof o.metadata.name !== 'string' || !o.metadata.name) {
        throw new HardpodError(`a declared ${o.kind} needs metadata.name, as rules look objects up by name`, where(`cluster.${key}[${i}]`));
      }
      // A Service or a typo'd kind here would be ignored by the rules that read NetworkPolicies.
      if (key === 'networkPolicies' && o.kind !== 'NetworkPolicy') {
        throw new HardpodError(`cluster.networkPolicies holds NetworkPolicy objects, got kind ${JSON.stringify(o.kind)}; put other objects under cluster.objects`, where(`cluster.${key}[${i}].kind`));
      }
      // Nor does any rule read a Calico or Cilium policy: declared here, it would seem to be the platform's policies.
      if (key === 'networkPolicies' && !isKubernetesObject(o as unknown as KubeObject, minor)) {
        const group = apiGroupOf(o.apiVersion);
        throw new HardpodError(
          group === 'extensions'
            ? `cluster.networkPolicies: Kubernetes 1.${minor} serves no NetworkPolicy as ${o.apiVersion} (1.15 was the last to); write it as ${KUBERNETES_GROUPS.NetworkPolicy}/v1`
            : `cluster.networkPolicies holds Kubernetes NetworkPolicies (${KUBERNETES_GROUPS.NetworkPolicy}), got one of ${group || 'the core group'}; hardpod does not read that group's policies, so declare the ${KUBERNETES_GROUPS.NetworkPolicy} policies the platform owns`,
          where(`cluster.${key}[${i}].apiVersion`),
        );
      }
      if (NAMESPACED_LOOKUP_KINDS.has(o.kind) && isKubernetesObject(o as unknown as KubeObject) && (typeof o.metadata.namespace !== 'string' || o.metadata.namespace === '')) {
        throw new HardpodError(
          `a declared ${o.kind} needs metadata.namespace: rules look a ${o.kind} up in the namespace of the object that names it, so one without a namespace would match no namespaced workload or binding; give the namespace it is in`,
          where(`cluster.${key}[${i}].metadata`),
        );
      }
      refuseMalformedDeclaration(o as unknown as KubeObject, `cluster.${key}[${i}]`, '', minor, where);
      declare(o.apiVersion, o.kind, o.metadata.namespace, o.metadata.name, `cluster.${key}[${i}]`);
    });
  }
  if (cluster.complete !== undefined && typeof cluster.complete !== 'boolean') throw new HardpodError('cluster.complete must be true or false', where('cluster.complete'));
}

/**
 * Rules read a declared object as they read one of the input, and one the API server would refuse
 * (`verbs: get`, `policyTypes: Ingress`, a label key with a space) as granting, isolating or
 * labelling nothing: refused here, at the field's line. `dropped` is a path prefix the declaration
 * does not write (`metadata.` of a namespace given as { name, labels }).
 */
function refuseMalformedDeclaration(object: KubeObject, key: string, dropped: string, minor: number, where: (key: string) => string): void {
  const problem = wellFormedObjectProblems(object, minor)[0];
  if (problem === undefined) return;
  const path = problem.path.startsWith(dropped) ? problem.path.slice(dropped.length) : problem.path;
  const name = object.metadata?.namespace ? `${object.metadata.namespace}/${object.metadata.name}` : object.metadata?.name;
  throw new HardpodError(`the declared ${object.kind} ${JSON.stringify(name)} would be refused by the API server: ${problem.message}`, where(path ? `${key}${path.startsWith('[') ? '' : '.'}${path}` : key));
}

const OVERRIDE_KEYS: readonly string[] = ['severity', 'enforcement', 'enabled'];
const SUPPRESSION_KEYS: readonly string[] = ['rule', 'kind', 'group', 'name', 'generateName', 'namespace', 'reason'];
const CLUSTER_KEYS: readonly string[] = ['namespaces', 'networkPolicies', 'objects', 'complete'];
const NAMESPACE_KEYS: readonly string[] = ['name', 'labels'];


function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads a config file (YAML or JSON). Parse errors and invalid settings are HardpodErrors naming
 * the file and line. The result is validated too (unknown keys, rule ids,
 * empty suppression reasons), with errors pointing at the line of the offending key.
 */
export function loadConfig(path: string): EngineConfig {
  return loadConfigFile(path).config;
}

/**
 * Reads and validates a config file as {@link loadConfig} does, with `locate(key)`: the `file:line`
 * of a dotted key (`rules.run-as-non-root`), for messages about the settings.
 */
export function loadConfigFile(path: string): ParsedConfig {
  const text = readUserFile(path, 'config file');
  const parsed = parseConfigText(text, path);
  resolveConfig(parsed.config, parsed.locate);
  return parsed;
}

/** A config file's settings, and `locate(key)`: the `file:line` of a dotted key (`rules.run-as-non-root.severity`). */
export interface ParsedConfig {
  /** The settings as the file writes them (signature key files made absolute); {@link resolveConfig} resolves them. */
  readonly config: EngineConfig;
  /** `hardpod.config.yaml:7 (rules.probes.enforcement)` for a dotted key with `[i]` indices; for a key the file lacks, the line of its nearest ancestor's value. */
  readonly locate: (key: string) => string;
}

/**
 * Parses config text. The usual config, plain block YAML, is read by the manifest loader's block
 * parser with the YAML 1.2 core schema, to the same settings and lines as the `yaml` package, whose
 * loading would cost a check about 30 ms; anything else (anchors, tags, flow style over several
 * lines ...), and every mistake, is read by that package, so its errors are the ones reported.
 */
export function parseConfigText(text: string, file: string): ParsedConfig {
  return parseBlockConfigText(text, file) ?? parseConfigTextWithYaml(text, file);
}

/** The config read by the block parser, or undefined when the text is outside its subset. @internal */
export function parseBlockConfigText(text: string, file: string): ParsedConfig | undefined {
  const block = parseBlockYaml(text, resolveCoreScalar);
  // A key that reads as another text (`0x1F:` is `31`) is declined by the parser: the yaml package reads it.
  if (block === undefined || !isRecord(block.value)) return undefined;
  const config = block.value;
  keyFilesRelativeTo(config, dirname(resolvePath(file)));
  let withYaml: ParsedConfig | undefined;
  const locate = (key: string): string => {
    const line = lineOfKey(block.index, config, key);
    return line === undefined ? (withYaml ??= parseConfigTextWithYaml(text, file)).locate(key) : `${file}:${line + 1} (${key})`;
  };
  return { config: config as EngineConfig, locate };
}

/**
 * The 0-based line of a dotted key with `[i]` indices, where {@link nodeAt} finds it in the `yaml`
 * package's nodes: the key's own line (an item's, for an index), or for a key the settings lack, the
 * line where the value of its deepest present ancestor starts (a mapping's first key). Undefined for
 * a key missing below a non-empty sequence, which starts at its first dash, a line the index does not
 * keep apart from its item's.
 */
function lineOfKey(index: BlockIndex, config: Record<string, unknown>, key: string): number | undefined {
  const parts = keyParts(key);
  const segments: PathSegment[] = [];
  let node: unknown = config;
  for (let i = 0; i < parts.length; i++) {
    let segment: PathSegment | undefined;
    if (Array.isArray(node)) {
      const item = Number(parts[i]);
      if (Number.isInteger(item) && item >= 0 && item < node.length) segment = item;
    } else if (isRecord(node)) {
      const mapping = node;
      const match = longestKey(parts, i, (name) => (Object.hasOwn(mapping, name) ? name : undefined));
      if (match !== undefined) {
        segment = match.found;
        i = match.end - 1;
      }
    }
    if (segment === undefined) {
      if (Array.isArray(node) && node.length > 0) return undefined;
      const first = isRecord(node) ? Object.keys(node)[0] : undefined;
      if (first !== undefined) segments.push(first);
      break;
    }
    segments.push(segment);
    node = (node as Record<PathSegment, unknown>)[segment];
  }
  return lineInBlockIndex(index, segments);
}

/** `a.b[2].c` -> `a`, `b`, `2`, `c`. */
function keyParts(key: string): string[] {
  return key.replace(/\[(\d+)\]/g, '.$1').split('.').filter((p) => p);
}

/**
 * The key of a mapping that `parts` name from `parts[i]` on, and the part after it. Keys may hold dots
 * (rule ids do not; label keys such as pod-security.kubernetes.io/enforce do), so the longest run of
 * the remaining parts that `lookup` finds wins.
 */
function longestKey<T>(parts: readonly string[], i: number, lookup: (name: string) => T | undefined): { found: T; end: number } | undefined {
  for (let end = parts.length; end > i; end--) {
    const found = lookup(parts.slice(i, end).join('.'));
    if (found !== undefined) return { found, end };
  }
  return undefined;
}

/** The config read by the `yaml` package, with every error. @internal */
export function parseConfigTextWithYaml(text: string, file: string): ParsedConfig {
  const { LineCounter, parseDocument } = yamlModule();
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    const error = doc.errors[0];
    const pos = lineCounter.linePos(error.pos[0]);
    const message = error.code === 'MULTIPLE_DOCS'
      ? 'the config file holds more than one YAML document (a --- line); put every setting in one document'
      : error.code === 'DUPLICATE_KEY'
        ? 'a key appears twice in the same mapping; keep one (which one applies would otherwise depend on the reader)'
        : `invalid YAML/JSON in config: ${error.message.split('\n')[0]}`;
    throw new HardpodError(message, `${file}:${pos.line}`);
  }
  let config: unknown;
  try {
    config = doc.toJS({ maxAliasCount: 100 }) ?? {};
  } catch (error) {
    throw new HardpodError(`invalid config: ${(error as Error).message}`, file);
  }
  if (!isRecord(config)) throw new HardpodError('the config must be a mapping of settings (level, kubernetesVersion, rules ...)', `${file}:1`);
  keyFilesRelativeTo(config, dirname(resolvePath(file)));
  const locate = (key: string): string => {
    const node = nodeAt(doc.contents as YamlNode | null, key);
    const offset = node?.range?.[0];
    return offset === undefined ? `${file} (${key})` : `${file}:${lineCounter.linePos(offset).line} (${key})`;
  };
  return { config: config as EngineConfig, locate };
}

/** Makes the signature key files a config file names relative to its folder absolute, in place. */
function keyFilesRelativeTo(config: Record<string, unknown>, folder: string): void {
  const signatures = isRecord(config.images) ? config.images.signatures : undefined;
  const keys = isRecord(signatures) ? signatures.keys : undefined;
  if (!Array.isArray(keys)) return;
  for (const key of keys) {
    if (isRecord(key) && typeof key.publicKey === 'string' && key.publicKey.trim() !== '' && !isPemText(key.publicKey) && !isAbsolute(key.publicKey)) {
      key.publicKey = resolvePath(folder, key.publicKey);
    }
  }
}

/** The YAML node at a dotted key with `[i]` indices, or the deepest ancestor found. */
function nodeAt(root: YamlNode | null, key: string): YamlNode | undefined {
  const { isMap, isScalar, isSeq } = yamlModule();
  let node: YamlNode | null | undefined = root;
  let found: YamlNode | undefined = root ?? undefined;
  const parts = keyParts(key);
  for (let i = 0; i < parts.length && node; i++) {
    if (isMap(node)) {
      const keys = node.items;
      const match = longestKey(parts, i, (name) => keys.find((p) => isScalar(p.key) && String(p.key.value) === name));
      if (match === undefined) return found;
      const pair = match.found;
      i = match.end - 1;
      node = pair.value as YamlNode | null;
      found = (pair.key as YamlNode) ?? found;
      if (node && i < parts.length - 1) found = node;
    } else if (isSeq(node)) {
      node = node.items[Number(parts[i])] as YamlNode | undefined;
      if (node) found = node;
    } else {
      return found;
    }
  }
  return found;
}
