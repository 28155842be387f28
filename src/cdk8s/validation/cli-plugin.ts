import { duplicateObjects, type DuplicateObject } from './duplicates';
import { NOT_CHECKED_ACKNOWLEDGEMENT, nonBlockingStatus } from './enforce';
import { checkOptionKeys, resolveValidationOptions } from './options';
import type { EngineConfig } from '../../engine/config';
import { evaluate, sourceWhere } from '../../engine/evaluate';
import { isBlockingFinding, NOT_CHECKED_ID, unsuppressedNotChecked, type Finding, type Report } from '../../engine/report';
import { HardpodError, isHardpodError } from '../../model/errors';
import type { KubeObject, LocatedObject, ObjectIdentity } from '../../model/kube-object';
import { describeType, isFields } from '../../model/pod-view';
import { objectLabel } from '../../reporters/shared';
import { ruleById } from '../../rules/catalogue';
import { LEVELS, type Level } from '../../rules/rule';

// The cdk8s-cli validation-plugin contract (cdk8s-cli `lib/plugins/validation.d.ts`), restated
// structurally so that hardpod does not depend on cdk8s-cli at run time. Tested against the pinned CLI.

/** A resource that violates a rule, as the cdk8s-cli report lists it. */
export interface CliViolatingResource {
  readonly resourceName: string;
  readonly locations: readonly string[];
  readonly manifestPath: string;
}

export interface CliViolation {
  readonly ruleName: string;
  readonly recommendation: string;
  readonly fix: string;
  readonly violatingResources: readonly CliViolatingResource[];
}

export interface CliValidationReport {
  addViolation(violation: CliViolation): void;
  submit(status: 'success' | 'failure', metadata?: { readonly [key: string]: string }): void;
}

/** What `cdk8s synth` hands a validation plugin. */
export interface CliValidationContext {
  /** Paths of the synthesized manifests. */
  readonly manifests: readonly string[];
  /** Construct metadata: resource name -> construct path. */
  readonly metadata: { readonly [resourceName: string]: { readonly path: string } };
  readonly report: CliValidationReport;
  readonly logger: { log(message: string): void };
  parseManifest(manifestPath: string): unknown[];
}

/** Properties of the plugin, as written under `properties:` in `cdk8s.yaml` `validations:`. */
export interface HardpodValidationProperties {
  /** @default the config's level, else 'hardened' */
  readonly level?: Level;
  /** Kubernetes version `1.N`. @default the config's, else the newest supported */
  readonly k8sVersion?: string;
  /**
   * The hardpod config: the path of a config file (YAML or JSON), relative to the directory `cdk8s
   * synth` runs in, or the config itself, its settings written under `config:` as a config file holds them.
   * @default none
   */
  readonly config?: string | EngineConfig;
  /** Lock file whose image facts the image-* rules judge. @default `hardpod.lock.json` in that directory, when it exists */
  readonly lockFile?: string;
}

const PROPERTY_NAMES = ['level', 'k8sVersion', 'config', 'lockFile'];
/** The violation saying the properties or the config are wrong, or (not failing) have a setting of no effect. */
const HARDPOD_CONFIG = 'hardpod-config';
/** The violation listing objects emitted twice. */
const DUPLICATE_OBJECT = 'duplicate-object';
const WHERE = 'cdk8s.yaml validations[HardpodValidation].properties';

/**
 * A cdk8s-cli validation plugin running hardpod's engine on the synthesized manifests:
 *
 * ```yaml
 * validations:
 *   - package: ./node_modules/hardpod/lib/cdk8s
 *     version: 1.0.0
 *     class: HardpodValidation
 *     properties: { level: hardened, k8sVersion: '1.33', config: hardpod.yaml }
 * ```
 *
 * `config` may hold the settings themselves (`config: { edition: 1, rules: { probes: { enforcement:
 * warn } } }`), checked as a config file is; a mistake there is named by its key under this entry
 * (`cdk8s.yaml validations[HardpodValidation].properties.config.rules.probes`), as there is no file line.
 *
 * cdk8s-cli requires a `package` that is an absolute path or starts with `./` directly, with no
 * network; any other value (`hardpod`, `../x`) is taken as an npm package name and installed with
 * `npm install` into its plugins directory on first use.
 *
 * Every failing finding becomes a violation (rule id, the resource and the field with the message).
 * A resource is named `construct/path (Deployment shop/web)`, or `Deployment shop/web` when the
 * construct metadata cannot tell it apart (cdk8s records one construct path per object name, and a
 * hardened workload's objects share one name); an item of a v1 List (an included kubectl export) with
 * its place in the List, as `Hardpod.enforce` names it: `prod/exported/object0-list items[1] (Pod shop/debug)`. The CLI's own "Construct Path" field, which it looks
 * up by resource name, shows N/A. Findings that do not fail the run (`unknown`, `warn`) are listed
 * with that status in the rule name.
 * An object hardpod cannot check (a kind the config's `workloadKinds` does not map, holding a pod
 * template) fails the run as a `not-checked` violation: it is never a silent pass. One that a
 * suppression acknowledges with its reason (`rule: not-checked` in the config, or the annotation
 * `hardpod.dev/suppress.not-checked`) fails nothing, as a suppressed finding does.
 * Two objects of one kind, namespace and name (two charts' Deployments `web` in `shop`), which would
 * overwrite each other when applied, fail the run as a `duplicate-object` violation naming both
 * manifest documents, as they fail `Hardpod.enforce`.
 * A bad property or config is reported as a failed `hardpod-config` violation, not a stack trace; a
 * config `rules:` override of a rule the run does not run (outside the pinned edition, the level or
 * the rule's Kubernetes versions), which has no effect, as a `hardpod-config (warning, not failing)`
 * one naming its file and line, or its key under this entry.
 */
export class HardpodValidation {
  private readonly properties: unknown;

  constructor(properties: HardpodValidationProperties = {}) {
    this.properties = properties;
  }

  async validate(context: CliValidationContext): Promise<void> {
    let report: Report;
    let duplicates: DuplicateObject[];
    let warnings: readonly string[];
    try {
      const resolved = resolveValidationOptions(checkProperties(this.properties), (name) => `${WHERE}.${name}`);
      warnings = resolved.warnings;
      const objects = readManifests(context);
      // `construct/path`, or `dist/app.k8s.yaml (document 2)`.
      duplicates = duplicateObjects(objects, (source) => sourceWhere(source)!);
      report = evaluate(objects, resolved.config);
    } catch (error) {
      if (!isHardpodError(error)) throw error;
      context.report.addViolation({
        ruleName: HARDPOD_CONFIG,
        recommendation: 'hardpod could not run: the plugin properties, the config file or a manifest is invalid',
        fix: error.message,
        violatingResources: [],
      });
      context.report.submit('failure');
      return;
    }
    for (const warning of warnings) context.report.addViolation(configWarning(warning));
    for (const violation of toViolations(report)) context.report.addViolation(violation);
    if (duplicates.length > 0) context.report.addViolation(duplicatesViolation(duplicates));
    const blocking = report.findings.filter(isBlockingFinding).length;
    const notChecked = unsuppressedNotChecked(report).length;
    context.report.submit(blocking > 0 || notChecked > 0 || duplicates.length > 0 ? 'failure' : 'success', {
      level: report.level,
      kubernetesVersion: report.kubernetesVersion,
      objects: String(report.summary.objects),
      failing: String(blocking),
      notChecked: String(notChecked),
      notCheckedSuppressed: String(report.notChecked.length - notChecked),
      unknown: String(report.summary.unknown),
      suppressed: String(report.summary.suppressed),
      duplicates: String(duplicates.length),
    });
  }
}

function checkProperties(properties: unknown): HardpodValidationProperties {
  checkOptionKeys(properties, PROPERTY_NAMES, WHERE, 'property');
  const record = properties as Record<string, unknown>;
  if (record.level !== undefined && !LEVELS.includes(record.level as Level)) throw new HardpodError(`level must be one of ${LEVELS.join(', ')}, got ${JSON.stringify(record.level)}`, `${WHERE}.level`);
  // YAML reads `1.30` as the number 1.3: insist on a string so the version is not silently changed.
  if (record.k8sVersion !== undefined && typeof record.k8sVersion !== 'string') throw new HardpodError(`k8sVersion must be a quoted string such as '1.33', got ${JSON.stringify(record.k8sVersion)}`, `${WHERE}.k8sVersion`);
  if (record.config !== undefined && typeof record.config !== 'string' && !isFields(record.config)) {
    throw new HardpodError(
      `config must be the path of a hardpod config file, or the config itself as a mapping of its settings (level, rules ...), got ${describeType(record.config)}`,
      `${WHERE}.config`,
    );
  }
  if (record.lockFile !== undefined && typeof record.lockFile !== 'string') throw new HardpodError('lockFile must be the path of a hardpod.lock.json file', `${WHERE}.lockFile`);
  return record as HardpodValidationProperties;
}

/**
 * Every object of every manifest, located by file, document index and (from the construct metadata)
 * construct path. cdk8s records one construct path per object name, the last object's, so a name
 * that several objects share (a hardened workload and its ServiceAccount, Service ...) names no
 * construct rather than a wrong one.
 */
function readManifests(context: CliValidationContext): LocatedObject[] {
  const located: LocatedObject[] = [];
  const objectsPerName = new Map<string, number>();
  for (const file of context.manifests) {
    context.parseManifest(file).forEach((document, documentIndex) => {
      if (document === null || document === undefined) return;
      if (typeof document !== 'object' || Array.isArray(document) || typeof (document as KubeObject).kind !== 'string') {
        throw new HardpodError(`document ${documentIndex + 1} is not a Kubernetes object (expected apiVersion and kind)`, file);
      }
      const object = document as KubeObject;
      const name = nameOf(object);
      if (name !== undefined) objectsPerName.set(name, (objectsPerName.get(name) ?? 0) + 1);
      located.push({ object, source: { file, documentIndex } });
    });
  }
  return located.map((entry) => {
    const name = nameOf(entry.object);
    const constructPath = name !== undefined && objectsPerName.get(name) === 1 ? context.metadata[name]?.path : undefined;
    return constructPath ? { object: entry.object, source: { ...entry.source, constructPath } } : entry;
  });
}

/** A warning about the config (an override of a rule the run does not run), listed as not failing the run. */
function configWarning(warning: string): CliViolation {
  return {
    ruleName: `${HARDPOD_CONFIG} (warning, not failing)`,
    recommendation: 'A rule override in the config applies to a rule the run runs: one outside the pinned edition, the level or the rule\'s Kubernetes versions has no effect',
    fix: warning,
    violatingResources: [],
  };
}

/** Objects that another manifest object of the same kind, namespace and name would overwrite when applied. */
function duplicatesViolation(duplicates: readonly DuplicateObject[]): CliViolation {
  return {
    ruleName: DUPLICATE_OBJECT,
    recommendation: 'Each object is emitted once: two objects of one kind, namespace and name overwrite each other when applied',
    fix: 'Give one of them another name, or (for a namespaced kind) another namespace',
    violatingResources: duplicates.map(({ object, message }) => ({ resourceName: resourceName(object), locations: [message], manifestPath: object.source.file ?? '' })),
  };
}

function nameOf(object: KubeObject): string | undefined {
  return typeof object.metadata?.name === 'string' ? object.metadata.name : undefined;
}

/**
 * `construct/path (Deployment shop/web)`, or `Deployment shop/web` when the construct is not known:
 * the kind and namespace tell apart the objects that share a name. An item of a v1 List is named by
 * its place in the List as well (`construct/path items[1] (Pod shop/debug)`, as Hardpod.enforce
 * names it, or `dist/app.k8s.yaml (document 2, items[1]) (Pod shop/debug)`), as items of one List may
 * share kind, namespace and name.
 */
function resourceName(object: ObjectIdentity): string {
  const { source } = object;
  return source.constructPath !== undefined || source.listItem !== undefined ? `${sourceWhere(source)} (${objectLabel(object)})` : objectLabel(object);
}

/** One violation per rule (and status), listing each resource with its fields and messages. */
export function toViolations(report: Report): CliViolation[] {
  const groups = new Map<string, { rule: string; findings: Finding[] }>();
  for (const finding of report.findings) {
    if (finding.outcome === 'suppressed' || finding.baselined) continue;
    const status = isBlockingFinding(finding) ? '' : ` (${nonBlockingStatus(finding)}, not failing)`;
    const key = `${finding.rule}${status}`;
    const group = groups.get(key) ?? { rule: finding.rule, findings: [] };
    group.findings.push(finding);
    groups.set(key, group);
  }
  const violations: CliViolation[] = [...groups].map(([ruleName, { rule, findings }]) => {
    const byResource = new Map<string, { resource: CliViolatingResource; locations: string[] }>();
    for (const finding of findings) {
      const manifestPath = finding.source.file ?? '';
      const key = `${manifestPath}\u0000${resourceName(finding)}`;
      let entry = byResource.get(key);
      if (!entry) {
        const locations: string[] = [];
        entry = { resource: { resourceName: resourceName(finding), locations, manifestPath }, locations };
        byResource.set(key, entry);
      }
      entry.locations.push(`${finding.path || '(object)'}: ${finding.message}`);
    }
    return {
      ruleName,
      recommendation: ruleById(rule)?.title ?? rule,
      fix: findings[0].remediation,
      violatingResources: [...byResource.values()].map((e) => e.resource),
    };
  });
  const notChecked = unsuppressedNotChecked(report);
  if (notChecked.length > 0) {
    violations.push({
      ruleName: NOT_CHECKED_ID,
      recommendation: 'Objects that hold a pod template are checked: hardpod reads the pod template of a kind only where the config maps it',
      fix: `Map each kind to its pod template path in the config: workloadKinds: [{ kind, group, templatePath }]; where no mapping can express it (each resource says so), acknowledge it with ${NOT_CHECKED_ACKNOWLEDGEMENT}`,
      violatingResources: notChecked.map((item) => ({ resourceName: resourceName(item), locations: [item.reason], manifestPath: item.source.file ?? '' })),
    });
  }
  return violations;
}
