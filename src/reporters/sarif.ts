import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import { controlLabel, objectLabel, repositoryPath, staleBaselineEntryText, unmatchedBaselineText, unusedSuppressionText } from './shared';
import { findingIdentifier, fingerprintOf } from '../engine/baseline';
import type { EngineConfig } from '../engine/config';
import { isBlockingFinding, NOT_CHECKED_ID, type Finding, type NotCheckedObject, type Report, type Suppression } from '../engine/report';
import { STDIN_NAME } from '../loader/read';
import { joinChunks, streamedList, writeJson, type Emit } from '../model/chunks';
import type { LocatedObject, ObjectIdentity } from '../model/kube-object';
import { RULES } from '../rules/catalogue';
import type { RuleMetadata, Severity } from '../rules/rule';

export interface SarifReportOptions {
  /** Metadata of the rules, for descriptions and help. @default the built-in catalogue */
  readonly rules?: readonly RuleMetadata[];
  /** Folder that artifact URIs are relative to (the repository root for GitHub code scanning). @default `cwd` */
  readonly root?: string;
  /** Folder that relative file names in the report are relative to. @default process.cwd() */
  readonly cwd?: string;
  /** hardpod's version, recorded as the tool version. @default not recorded */
  readonly toolVersion?: string;
  /**
   * The run's per-rule overrides (the config's `rules`): a rule's configured severity is the one its
   * SARIF rule ranks by (`security-severity`), also for a rule without results.
   * @default the severity of the rule's findings, else the rule's own
   */
  readonly ruleOverrides?: EngineConfig['rules'];
  /**
   * The objects the report is about: results then identify a finding in a keyed list (a container,
   * a volume) by the item's name, not its index, as the baseline does, so that adding or reordering
   * containers keeps the partial fingerprints (and the alerts code scanning tracks by them).
   * @default fingerprints of the paths as they are
   */
  readonly objects?: readonly LocatedObject[];
  /**
   * The code scanning category of the run (`runAutomationDetails.id` `<category>/`): GitHub keeps
   * one set of alerts per tool and category, and takes the category from the file when the file
   * names one, over the upload step's own `category` input. Without it the file names none, so that
   * the upload step's category (one per chart checked in a workflow) applies.
   * @default none
   */
  readonly category?: string;
}

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';

/**
 * GitHub code scanning rejects a SARIF run with more results than this, and stores only the 5,000
 * most severe of a run it accepts.
 */
export const GITHUB_MAX_RESULTS_PER_RUN = 25_000;

/** How many results {@link formatSarif} writes for a report: one per finding and per object not checked. */
export function sarifResultCount(report: Report): number {
  return report.findings.length + report.notChecked.length;
}

/**
 * Why GitHub code scanning would reject the report's SARIF, or undefined: a file that passes every
 * schema check but is refused at upload is no use to a CI step, so the step is told before it uploads.
 */
export function githubSarifLimitProblem(report: Report): string | undefined {
  const results = sarifResultCount(report);
  if (results <= GITHUB_MAX_RESULTS_PER_RUN) return undefined;
  const count = (n: number): string => n.toLocaleString('en-US');
  return `the SARIF report holds ${count(results)} results, and GitHub code scanning rejects a run of more than ${count(GITHUB_MAX_RESULTS_PER_RUN)} `
    + '(and shows at most 5,000): fix the most common findings first, or suppress those that are accepted, with their reasons';
}

/**
 * Why GitHub code scanning would show some of the report's SARIF results without a file, or
 * undefined: results about objects read from standard input with no Helm `# Source:` comment point
 * at `<stdin>`, which the repository does not hold. The upload succeeds; the step is told why those
 * alerts have no code to show.
 */
export function githubSarifLocationProblem(report: Report): string | undefined {
  let unlocated = 0;
  for (const f of report.findings) if (fromStdinWithoutTemplate(f.source)) unlocated++;
  for (const item of report.notChecked) if (fromStdinWithoutTemplate(item.source)) unlocated++;
  if (unlocated === 0) return undefined;
  return `${unlocated} SARIF result${unlocated === 1 ? '' : 's'} point${unlocated === 1 ? 's' : ''} at <stdin>, which is no file of the repository: `
    + 'their objects came from standard input without a Helm "# Source:" comment, so GitHub code scanning shows them without code; '
    + 'check the manifest files instead to point at their files and lines';
}

/** GitHub code scanning ranks security results by this score (CVSS-like, as a string). */
const SECURITY_SEVERITY: Readonly<Record<Severity, string>> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0' };

/**
 * SARIF 2.1.0 for code-scanning tools: every rule that ran with its help and controls, one result per
 * finding (an unknown verdict an `open` result of level `none`, of the rule's descriptor of unknowns,
 * `<rule>/unknown`, which has no `security-severity`) with its file (relative to the repository root) and line (from standard input: the Helm
 * `# Source:` template without a line, or else `<stdin>`, as code scanning needs a file for every
 * result), a partial fingerprint that survives line changes and added or reordered containers (given the objects), suppressions as SARIF suppressions (the
 * reason as justification) and baseline state when a baseline was used. Unused suppressions, stale
 * baseline entries and how many baseline entries matched no finding are configuration notifications of the run's invocation. Objects that were not checked (an unmapped kind holding a pod template) are warnings of the
 * `not-checked` rule, so code scanning shows them instead of a clean result; one that a `not-checked`
 * suppression acknowledges carries it as a SARIF suppression, as a suppressed finding does.
 */
export function formatSarif(report: Report, options: SarifReportOptions = {}): string {
  return joinChunks((emit) => formatSarifChunks(report, options, emit));
}

/** The same log as {@link formatSarif}, handed to `emit` in chunks as it is written (see chunks.ts). */
export function formatSarifChunks(report: Report, options: SarifReportOptions, emit: Emit): void {
  const cwd = options.cwd ?? process.cwd();
  const uriOf = artifactUris(options.root ?? cwd, cwd);
  const metadata = new Map((options.rules ?? RULES).map((rule) => [rule.id, rule]));
  // Each rule's first finding: it carries the severity the run gave the rule.
  const firstFinding = new Map<string, Finding>();
  for (const f of report.findings) if (!firstFinding.has(f.rule)) firstFinding.set(f.rule, f);
  const ruleIds = [...report.rules];
  for (const id of firstFinding.keys()) if (!ruleIds.includes(id)) ruleIds.push(id);
  const ruleIndex = new Map(ruleIds.map((id, i) => [id, i]));
  const usedBaseline = report.summary.baselined > 0 || report.findings.some((f) => f.baselined);

  const rules = ruleIds.map((id) => sarifRule(id, metadata.get(id), firstFinding.get(id), options.ruleOverrides?.[id]?.severity));
  // Code scanning takes a result's security severity from its rule, whatever the result's level or
  // kind: unknown verdicts point at a descriptor of their own, which has none.
  const unknownIndex = new Map<string, number>();
  for (const f of report.findings) {
    if (f.outcome !== 'unknown' || unknownIndex.has(f.rule)) continue;
    unknownIndex.set(f.rule, rules.length);
    rules.push(unknownRule(f.rule, metadata.get(f.rule), f));
  }
  if (report.notChecked.length > 0) rules.push(NOT_CHECKED_RULE);
  const notCheckedIndex = rules.length - 1;
  const identify = findingIdentifier(options.objects);
  const results = streamedList([...report.findings, ...report.notChecked], (item) => ('rule' in item
    ? sarifResult(item, (item.outcome === 'unknown' ? unknownIndex : ruleIndex).get(item.rule)!, identify(item).fingerprint, uriOf, usedBaseline)
    : notCheckedResult(item, notCheckedIndex, uriOf)));

  const log = {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'hardpod',
            ...(options.toolVersion ? { semanticVersion: options.toolVersion } : {}),
            rules,
          },
        },
        ...(options.category !== undefined ? { automationDetails: { id: options.category.endsWith('/') ? options.category : `${options.category}/` } } : {}),
        invocations: [invocation(report)],
        columnKind: 'utf16CodeUnits',
        results,
        properties: { level: report.level, kubernetesVersion: report.kubernetesVersion, edition: report.edition, summary: report.summary },
      },
    ],
  };
  writeJson(log, emit);
}

/**
 * The run's invocation. Suppressions that waived nothing and baseline entries whose finding is gone
 * are problems of the tool's configuration (its config file, annotations and baseline), not results
 * about the manifests: they are configuration notifications, each with its entry in its properties.
 */
function invocation(report: Report): Record<string, unknown> {
  const notifications: Record<string, unknown>[] = [];
  for (const entry of report.unusedSuppressions ?? []) {
    notifications.push({
      descriptor: { id: 'unused-suppression' },
      level: 'warning',
      message: { text: unusedSuppressionText(entry) },
      properties: { suppression: entry },
    });
  }
  for (const entry of report.staleBaseline ?? []) {
    notifications.push({
      descriptor: { id: 'stale-baseline' },
      level: 'warning',
      message: { text: staleBaselineEntryText(entry) },
      properties: { baselineEntry: entry },
    });
  }
  const unmatched = unmatchedBaselineText(report);
  if (unmatched !== undefined) {
    notifications.push({ descriptor: { id: 'unmatched-baseline' }, level: 'note', message: { text: unmatched }, properties: { count: report.summary.baselineUnmatched } });
  }
  return { executionSuccessful: true, ...(notifications.length > 0 ? { toolConfigurationNotifications: notifications } : {}) };
}

/**
 * A rule's descriptor. Its severity is the one the run configured (`configured`, else its findings'),
 * as code scanning ranks and filters alerts by it.
 */
function sarifRule(
  id: string, rule: RuleMetadata | undefined, example: Finding | undefined, configured: Severity | undefined,
): Record<string, unknown> {
  const title = rule?.title ?? id;
  const remediation = rule?.remediation ?? example?.remediation ?? '';
  const controls = rule?.controls ?? example?.controls ?? [];
  const severity = configured ?? example?.severity ?? rule?.severity ?? 'medium';
  const controlText = controls.map((c) => `- ${controlLabel(c)}`).join('\n');
  const pss = rule?.pss ?? example?.pss ?? undefined;
  return {
    id,
    name: camelCase(id),
    shortDescription: { text: title },
    fullDescription: { text: `${title}.${pss ? ` Pod Security Standards check ${pss}.` : ''}` },
    help: {
      text: `${remediation}${controlText ? `\n\nControls:\n${controlText}` : ''}`,
      markdown: `**Remediation:** ${remediation}${controlText ? `\n\n**Controls**\n\n${controlText}` : ''}`,
    },
    defaultConfiguration: { level: severity === 'low' ? 'note' : 'error' },
    properties: {
      'tags': ['security', 'kubernetes', ...(rule ? [`level:${rule.level}`] : []), ...(pss ? [`pss:${pss}`] : [])],
      'precision': 'very-high',
      'problem.severity': severity === 'low' ? 'recommendation' : severity === 'medium' ? 'warning' : 'error',
      'security-severity': SECURITY_SEVERITY[severity],
      'controls': controls.map((c) => ({ framework: c.framework, edition: c.edition, id: c.id })),
    },
  };
}

/** What the id of a rule's descriptor of unknown verdicts ends in: `network-policy/unknown`. */
export const SARIF_UNKNOWN_RULE_SUFFIX = '/unknown';

/**
 * The descriptor of a rule's unknown verdicts: checks the input could not decide, which are no
 * finding of any severity. Without `security-severity`, as code scanning would otherwise show each
 * as a security alert of the rule's severity; not tagged `security`, for the same reason.
 */
function unknownRule(id: string, rule: RuleMetadata | undefined, example: Finding): Record<string, unknown> {
  const title = rule?.title ?? id;
  const pss = rule?.pss ?? example.pss ?? undefined;
  const why = 'the input did not tell: what the check needs to know (another object, such as the object\'s Namespace, the NetworkPolicies of its namespace '
    + 'or its ServiceAccount, or a value not known yet in a Pulumi preview) is not in it';
  const how = 'Check the object together with the objects it refers to, or declare them in the config\'s cluster context '
    + '(cluster: namespaces, networkPolicies, objects; complete: true for a whole-cluster export) so that hardpod judges it.';
  const remediation = rule?.remediation ?? example.remediation;
  return {
    id: `${id}${SARIF_UNKNOWN_RULE_SUFFIX}`,
    name: `${camelCase(id)}Unknown`,
    shortDescription: { text: `Not known from the input: ${title}` },
    fullDescription: { text: `${title}, not known: ${why}. No finding, and no severity, until it is known.` },
    help: {
      text: `${how}${remediation ? `\n\nShould it fail once known: ${remediation}` : ''}`,
      markdown: `${how}${remediation ? `\n\n**Should it fail once known:** ${remediation}` : ''}`,
    },
    defaultConfiguration: { level: 'note' },
    properties: {
      'tags': ['kubernetes', 'unknown', ...(rule ? [`level:${rule.level}`] : []), ...(pss ? [`pss:${pss}`] : [])],
      'precision': 'very-high',
      'problem.severity': 'recommendation',
    },
  };
}

/** The pseudo-rule of objects no rule could judge; not in the catalogue, as it checks nothing. */
const NOT_CHECKED_RULE: Record<string, unknown> = {
  id: NOT_CHECKED_ID,
  name: 'NotChecked',
  shortDescription: { text: 'Object holds a pod template or containers hardpod does not know where to find' },
  fullDescription: { text: 'The object\'s kind is neither a built-in workload kind nor mapped in the config, but something in it is shaped like a pod template, a container or a security context, so no rule judged its pods.' },
  help: {
    text: 'Map the kind to its pod template path in the config (workloadKinds: [{ kind, group, templatePath }]) so that every rule checks it. Where the result says no mapping can express it, check the workloads or pods made from the object instead.',
    markdown: '**Remediation:** map the kind to its pod template path in the config (`workloadKinds: [{ kind, group, templatePath }]`) so that every rule checks it. Where the result says no mapping can express it, check the workloads or pods made from the object instead.',
  },
  defaultConfiguration: { level: 'warning' },
  properties: { 'tags': ['security', 'kubernetes', 'coverage'], 'precision': 'high', 'problem.severity': 'warning' },
};

function notCheckedResult(item: NotCheckedObject, ruleIndex: number, uriOf: ArtifactUris): Record<string, unknown> {
  return {
    ruleId: NOT_CHECKED_ID,
    ruleIndex,
    kind: 'fail',
    level: 'warning',
    message: { text: `${objectLabel(item)}: not checked: ${item.reason}` },
    locations: [resultLocation(item, '', uriOf)],
    partialFingerprints: {
      'hardpodFinding/v1': fingerprintOf({ rule: NOT_CHECKED_ID, kind: item.kind, group: item.group, namespace: item.namespace, name: item.name, generateName: item.generateName, path: '' }),
    },
    ...sarifSuppressions(item.suppression),
    properties: { outcome: 'not-checked' },
  };
}

/**
 * Where a result is. GitHub code scanning rejects a whole upload when one result has no file
 * (`physicalLocation.artifactLocation`), so every result names one, with the object's label as its
 * logical location:
 * - the file and line the object was read from;
 * - for an object read from standard input, the Helm template of its `# Source:` comment, with no
 *   line (the line is that of the rendered output, not of the template);
 * - otherwise a file that cannot be in the repository, `<stdin>` (with the line in the input) or
 *   `<input>` (an object from cdk8s or Pulumi), so the result is kept and reads as what it is.
 */
function resultLocation(object: ObjectIdentity, path: string, uriOf: ArtifactUris): Record<string, unknown> {
  const logicalLocations = [{ fullyQualifiedName: `${objectLabel(object)}${path ? `:${path}` : ''}`, kind: 'object' }];
  const { file, line, template } = object.source;
  const fromStdin = file === STDIN_NAME;
  const repositoryFile = fromStdin ? template : file;
  if (repositoryFile) {
    const uri = uriOf(repositoryFile);
    return {
      physicalLocation: {
        artifactLocation: uri.relative ? { uri: uri.uri, uriBaseId: '%SRCROOT%' } : { uri: uri.uri },
        ...(line && !fromStdin ? { region: { startLine: line } } : {}),
      },
      logicalLocations,
    };
  }
  return {
    physicalLocation: {
      artifactLocation: { uri: fromStdin ? STDIN_URI : INPUT_URI },
      ...(line ? { region: { startLine: line } } : {}),
    },
    logicalLocations,
  };
}

/** The artifact of results read from standard input with no `# Source:` template, percent-encoded as a URI must be. */
const STDIN_URI = encodeURIComponent(STDIN_NAME);
/** The artifact of results about objects that came from no file (cdk8s constructs, Pulumi resources). */
const INPUT_URI = encodeURIComponent('<input>');

/** Whether the object was read from standard input with no `# Source:` template, so its results point at `<stdin>`. */
function fromStdinWithoutTemplate(source: ObjectIdentity['source']): boolean {
  return source.file === STDIN_NAME && !source.template;
}

function sarifResult(f: Finding, ruleIndex: number, fingerprint: string, uriOf: ArtifactUris, usedBaseline: boolean): Record<string, unknown> {
  const location = resultLocation(f, f.path, uriOf);

  // SARIF: an unknown verdict is `open`, the rule evaluated with too little information to decide,
  // and a result whose kind is not `fail` must have level `none`. A result is an error when it fails
  // the run, as the exit code and the JSON result say; a rule error under warn, or baselined, warns.
  const unknown = f.outcome === 'unknown';
  const level = unknown ? 'none' : isBlockingFinding(f) ? 'error' : 'warning';
  const message = unknown ? `Not known from this input: ${f.message}` : f.message;
  // An unknown has no severity: the rule's would rank it as the failure it may not be.
  const severity = unknown ? {} : { severity: f.severity };
  return {
    ruleId: unknown ? `${f.rule}${SARIF_UNKNOWN_RULE_SUFFIX}` : f.rule,
    ruleIndex,
    kind: unknown ? 'open' : 'fail',
    level,
    message: { text: `${objectLabel(f)}: ${message}` },
    locations: [location],
    partialFingerprints: { 'hardpodFinding/v1': fingerprint },
    ...sarifSuppressions(f.suppression),
    ...(usedBaseline ? { baselineState: f.baselined ? 'unchanged' : 'new' } : {}),
    properties: { outcome: f.outcome, ...severity, enforcement: f.enforcement, path: f.path, ...(f.pss ? { pss: f.pss } : {}) },
  };
}

/** A result's `suppressions`, the reason as justification; nothing for a result no suppression waives. */
function sarifSuppressions(suppression: Suppression | undefined): Record<string, unknown> {
  if (suppression === undefined) return {};
  return { suppressions: [{ kind: suppression.source === 'annotation' ? 'inSource' : 'external', status: 'accepted', justification: suppression.reason }] };
}

/** A file's artifact URI: relative to the root when the file is inside it (forward slashes, percent-encoded), else a file URI. */
type ArtifactUris = (file: string) => { readonly uri: string; readonly relative: boolean };

/** {@link ArtifactUris} for one log, each file's worked out once: its results name the same few files. */
function artifactUris(root: string, cwd: string): ArtifactUris {
  const known = new Map<string, { readonly uri: string; readonly relative: boolean }>();
  return (file) => {
    let uri = known.get(file);
    if (uri === undefined) {
      const path = repositoryPath(file, root, cwd);
      uri = isAbsolute(path) ? { uri: pathToFileURL(path).href, relative: false } : { uri: path.split('/').map(encodeURIComponent).join('/'), relative: true };
      known.set(file, uri);
    }
    return uri;
  };
}

function camelCase(id: string): string {
  return id.split(/[^a-zA-Z0-9]+/).filter(Boolean).map((part) => part[0].toUpperCase() + part.slice(1)).join('');
}
