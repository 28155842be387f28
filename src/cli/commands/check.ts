import { resolve } from 'node:path';
import { FIRST_GROUP_IDENTITY_VERSION, readBaselineFile, writeBaseline, type BaselineFile } from '../../engine/baseline';
import {
  idleRuleOverrideWarnings, loadConfigFile, NEWEST_KUBERNETES_VERSION, parseKubernetesVersion, resolveConfig,
  type BaselineEntry, type EngineConfig, type ResolvedConfig,
} from '../../engine/config';
import { evaluate } from '../../engine/evaluate';
import { hasBlockingFindings, isBlockingFinding, type Finding, type Report } from '../../engine/report';
import { LOCK_FILE_NAME } from '../../images/lock-file';
import { withLockFileFacts } from '../../images/lock-resolver';
import { readManifests, type ManifestSet } from '../../loader';
import type { Emit } from '../../model/chunks';
import { HardpodError, isHardpodError } from '../../model/errors';
import { fileIdentity, realPathIfExists, refuseUnwritablePath, writeFileAtomicChunks } from '../../model/files';
import type { LocatedObject, SourceLocation } from '../../model/kube-object';
import { formatControlsJsonChunks, formatControlsTextChunks } from '../../reporters/controls';
import { formatGithubChunks } from '../../reporters/github';
import { formatJsonChunks } from '../../reporters/json';
import { formatJunitChunks } from '../../reporters/junit';
import { formatSarifChunks, githubSarifLimitProblem, githubSarifLocationProblem } from '../../reporters/sarif';
import { baselineEntryLabel, objectLabel } from '../../reporters/shared';
import { formatTextChunks, shouldColor } from '../../reporters/text';
import { ruleById } from '../../rules/catalogue';
import { LEVELS, type Level } from '../../rules/rule';
import { oneOf, parseCommandArgs } from '../args';
import { EXIT, type CliContext, type Command } from '../command';
import { relocateHelmTemplates } from '../helm-chart';
import { refuseEmptyInput } from '../input';
import { findRepositoryRoot } from '../output';
import { hardpodVersion } from '../version';

export const CHECK_FORMATS = ['text', 'json', 'sarif', 'junit', 'github', 'controls', 'controls-json'] as const;
export type CheckFormat = (typeof CHECK_FORMATS)[number];

const USAGE = `Usage: hardpod check [options] PATH...

Checks Kubernetes manifests: files, folders (every *.yaml, *.yml and *.json below them) and - for
standard input. Multi-document YAML, JSON, v1 Lists and \`helm template\` output are read.
Every document must be a Kubernetes object (apiVersion and kind): other YAML is an error, not skipped.
In folders, the files this run reads or writes for itself (--config, --baseline, the lock file,
--output, --write-baseline) are not read as manifests, and a Helm chart (a folder holding
Chart.yaml) or a kustomization (a folder holding kustomization.yaml) is an error: check what it
renders or builds. A file reached twice is read once.

Options:
  --level LEVEL            baseline, restricted or hardened (default: the config's, else hardened)
  --k8s-version 1.N        Kubernetes version to judge by (default: the config's, else ${NEWEST_KUBERNETES_VERSION});
                           1.N.P, a cluster's version, means 1.N
  --format FORMAT          ${CHECK_FORMATS.join(', ')}
                           (default: text); github writes GitHub Actions annotations
                           (::error file=...,line=...::) for a workflow step's log
  --output FILE            write the report to FILE (atomically) instead of standard output (-: standard output)
  --config FILE            engine config (YAML or JSON): rule overrides, suppressions, cluster context
  --baseline FILE          accept the findings listed in FILE (written by --write-baseline); only new ones fail
  --lock-file FILE         image facts for the image-* rules (default: hardpod.lock.json here, if present)
  --write-baseline FILE    write every current finding to FILE and exit 0 (adopting hardpod on existing code)
  --allow-empty            exit 0 when the input holds no Kubernetes object (else exit 2: nothing was checked)
  --sarif-category NAME    the code scanning category of a SARIF report (runAutomationDetails.id), one per
                           chart or folder checked in a workflow (default: none, so the upload step's applies)
  --helm-chart DIR         the folder of the chart that rendered the input (helm template DIR | hardpod check -):
                           findings name its templates by their path in the repository, not by the
                           chart's name that starts Helm's # Source: comments (default: as Helm names them)
  -h, --help               show this help

Exit codes: 0 nothing blocking, 1 blocking findings, 2 usage error or unreadable input
(the message names the file and line), 3 internal error.
`;

/** `hardpod check`: load, evaluate, report. */
export const checkCommand: Command = {
  usage: USAGE,
  async run(context: CliContext): Promise<number> {
    const { values, positionals } = parseCommandArgs('check', context.args, {
      'level': { type: 'string' },
      'k8s-version': { type: 'string' },
      'format': { type: 'string', default: 'text' },
      'output': { type: 'string' },
      'config': { type: 'string' },
      'baseline': { type: 'string' },
      'write-baseline': { type: 'string' },
      'lock-file': { type: 'string' },
      'allow-empty': { type: 'boolean' },
      'sarif-category': { type: 'string' },
      'helm-chart': { type: 'string' },
    });
    const format = oneOf('check', 'format', values.format!, CHECK_FORMATS);
    const level = values.level === undefined ? undefined : oneOf<Level>('check', 'level', values.level, LEVELS);
    if (values['k8s-version'] !== undefined) parseKubernetesVersion(values['k8s-version'], 'hardpod check --k8s-version');
    const category = values['sarif-category'];
    if (category !== undefined && (format !== 'sarif' || category.trim() === '' || category.startsWith('/'))) {
      throw new HardpodError(format !== 'sarif' ? '--sarif-category applies to --format sarif only' : `--sarif-category ${JSON.stringify(category)} is not a category name (such as charts/web)`, 'hardpod check');
    }
    // `-` names standard input and, for --output, standard output, which carries the report: a
    // baseline file named `-` would be created unseen.
    if (values['write-baseline'] === '-') {
      throw new HardpodError('--write-baseline needs a file name (such as hardpod.baseline.json): - would be a file named -, as standard output carries the report', 'hardpod check');
    }
    if (positionals.length === 0) {
      throw new HardpodError('give at least one file or folder to check, or - to read standard input (see hardpod check --help)', 'hardpod check');
    }

    const lockFile = resolve(context.cwd, values['lock-file'] ?? LOCK_FILE_NAME);
    refuseWritingOverReadFiles(values, positionals, lockFile);
    const toStdout = values.output === undefined || STANDARD_OUTPUT_PATHS.has(values.output);
    // Said before the input is read and judged, which a file that cannot be written would waste.
    for (const file of [toStdout ? undefined : values.output, values['write-baseline']]) if (file !== undefined) refuseUnwritablePath(file);

    const configFile = values.config === undefined ? undefined : loadConfigFile(values.config);
    const fileConfig: EngineConfig = configFile?.config ?? {};
    const baselineFile = values.baseline === undefined ? undefined : readBaselineFile(values.baseline);
    const baseline = baselineFile?.findings ?? [];
    const config: EngineConfig = {
      ...withLockFileFacts(fileConfig, lockFile, values['lock-file'] !== undefined),
      ...(level ? { level } : {}),
      ...(values['k8s-version'] !== undefined ? { kubernetesVersion: values['k8s-version'] } : {}),
      ...(baseline.length > 0 ? { baseline: [...(fileConfig.baseline ?? []), ...baseline] } : {}),
    };
    const resolved = resolveConfig(config);
    if (configFile !== undefined) {
      // Said once the run's level and Kubernetes version (the command line's, if given) are known.
      for (const warning of idleRuleOverrideWarnings(resolved, configFile.locate)) context.stderr(`hardpod check: warning: ${warning}\n`);
    }

    const ownFiles = [values.config, values.baseline, lockFile, toStdout ? undefined : values.output, values['write-baseline']].filter((path): path is string => path !== undefined);
    const manifests = readManifests(positionals, { ownFiles, refuseKustomizations: true });
    if (values['helm-chart'] !== undefined) relocateHelmTemplates(manifests.objects, values['helm-chart'], context.cwd);
    if (!values['allow-empty']) refuseEmptyInput(manifests.objects.length, positionals, 'checked');
    let report = withFieldLines(evaluateNamingFieldLines(manifests, resolved), manifests);

    if (values['write-baseline'] !== undefined) {
      const written = await writeBaseline(values['write-baseline'], report, manifests.objects);
      context.stderr(`hardpod check: wrote ${written.findings.length} finding${written.findings.length === 1 ? '' : 's'} to ${values['write-baseline']}\n`);
      if (values.baseline !== undefined && fileIdentity(values.baseline) === fileIdentity(values['write-baseline'])) {
        const note = unjudgedEntriesNote(baseline, written, report, values.baseline);
        if (note) context.stderr(note);
      }
      // The report then reads as a check with the new baseline will: what it holds is baselined,
      // rather than a FAIL line in a run that exits 0.
      const withNewBaseline: EngineConfig = { ...config, baseline: [...(fileConfig.baseline ?? []), ...written.findings] };
      report = withFieldLines(evaluateNamingFieldLines(manifests, withNewBaseline), manifests);
    }

    // A report file is never a terminal: FORCE_COLOR (set for a CI log) must not put escapes into it.
    const color = format === 'text' && toStdout && shouldColor({ isTTY: context.stdoutIsTTY }, context.env);
    // Every format goes out chunk by chunk as it is built (a large report can exceed the longest
    // string there is); a file is replaced atomically once complete.
    const options = { color, cwd: context.cwd, ruleOverrides: config.rules, objects: manifests.objects, sarifCategory: values['sarif-category'] };
    if (toStdout) render(report, format, options, context.stdout);
    else await writeFileAtomicChunks(values.output!, (write) => render(report, format, options, write));
    if (format === 'sarif') {
      for (const problem of [githubSarifLimitProblem(report), githubSarifLocationProblem(report)]) {
        if (problem) context.stderr(`hardpod check: warning: ${problem}\n`);
      }
    }

    if (values['write-baseline'] !== undefined) return EXIT.ok;
    if (baselineFile !== undefined) {
      for (const note of [newerRulesNote(values.baseline!, baselineFile, report), groupIdentityNote(values.baseline!, baselineFile, report)]) {
        if (note) context.stderr(`hardpod check: note: ${note}\n`);
      }
    }
    return hasBlockingFindings(report) ? EXIT.findings : EXIT.ok;
  },
};

/**
 * Names of this process's standard output: a report sent there goes out as one without --output
 * does, as the file cannot be opened again when standard output is a socket (ENXIO). `-` as well,
 * as for the inputs (and `curl -o -`), rather than a file named `-`.
 */
const STANDARD_OUTPUT_PATHS: ReadonlySet<string> = new Set(['-', '/dev/stdout', '/dev/fd/1', '/proc/self/fd/1']);

/**
 * The report or baseline written over a file the run reads (an input, the config, the baseline, the
 * lock file) would destroy it, and a run that then reports success hides that: refused before
 * anything is read, however the paths are spelled. Only --write-baseline may name the --baseline it refreshes.
 */
function refuseWritingOverReadFiles(values: Readonly<Record<string, unknown>>, inputs: readonly string[], lockFile: string): void {
  const given = (option: string): string | undefined => (typeof values[option] === 'string' ? values[option] as string : undefined);
  const identity = (option: string): string | undefined => (given(option) === undefined ? undefined : fileIdentity(given(option)!));
  const output = STANDARD_OUTPUT_PATHS.has(given('output') ?? '') ? undefined : identity('output');
  const baselineOutput = identity('write-baseline');
  if (output !== undefined && output === baselineOutput) {
    throw new HardpodError(
      `--output ${values.output} and --write-baseline ${values['write-baseline']} are the same file, and the report would replace the baseline; give each its own file`,
      'hardpod check',
    );
  }
  const read: [string, string | undefined][] = [
    ...inputs.map((input): [string, string | undefined] => ['one of the files being checked', realPathIfExists(input)]),
    ['the --config file of this run', identity('config')],
    ['the --baseline file of this run', identity('baseline')],
    ['the lock file of this run', realPathIfExists(lockFile)],
  ];
  for (const [option, target] of [['--output', output], ['--write-baseline', baselineOutput]] as const) {
    if (target === undefined) continue;
    for (const [what, file] of read) {
      if (file !== target || (option === '--write-baseline' && what === 'the --baseline file of this run')) continue;
      throw new HardpodError(`${option} ${given(option.slice(2))} is ${what}, and writing there would replace it; write to another file`, 'hardpod check');
    }
  }
}

/**
 * After the edition moved past the one the baseline was written under, findings of the rules added
 * since cannot be in it: said once, with how to accept them, rather than left to look like regressions.
 */
function newerRulesNote(file: string, baseline: BaselineFile, report: Report): string | undefined {
  const written = baseline.edition;
  if (written === undefined || written >= report.edition) return undefined;
  const rules = new Set<string>();
  let count = 0;
  for (const finding of report.findings) {
    if (!isBlockingFinding(finding) || (ruleById(finding.rule)?.edition ?? 0) <= written) continue;
    rules.add(finding.rule);
    count++;
  }
  if (count === 0) return undefined;
  const one = count === 1;
  return `${file} was written under rule-set edition ${written}; ${count} new finding${one ? ' comes' : 's come'} from rules added since (${[...rules].join(', ')}): `
    + `fix ${one ? 'it' : 'them'}, or accept ${one ? 'it' : 'them'} by writing the baseline again (--baseline ${file} --write-baseline ${file})`;
}

/**
 * A baseline written before version 5 identified an object of another API group whose kind is the name
 * of a Kubernetes kind (a Knative Service) as the Kubernetes one (the core Service), and its entries
 * for such an object no longer match it: said once, with how to accept its findings again, rather than
 * left to look like regressions.
 */
function groupIdentityNote(file: string, baseline: BaselineFile, report: Report): string | undefined {
  if (baseline.version >= FIRST_GROUP_IDENTITY_VERSION) return undefined;
  const found = report.findings.filter((finding) => finding.group !== undefined && isBlockingFinding(finding));
  if (found.length === 0) return undefined;
  const one = found.length === 1;
  return `${file} was written before hardpod told objects of another API group from the Kubernetes kind of their name; ${found.length} finding${one ? '' : 's'} `
    + `of such objects (such as ${found[0].rule} on ${objectLabel(found[0])}) ${one ? 'is' : 'are'} new to it: `
    + `fix ${one ? 'it' : 'them'}, or accept ${one ? 'it' : 'them'} by writing the baseline again (--baseline ${file} --write-baseline ${file})`;
}

/**
 * Refreshing a baseline from part of the repository (one folder, a lower level, a rule disabled)
 * drops the entries of everything that run did not judge, and the next full check then fails on
 * them as new: said at once, with an example, rather than found out later.
 */
function unjudgedEntriesNote(previous: readonly BaselineEntry[], written: BaselineFile, report: Report, file: string): string | undefined {
  const kept = new Set(written.findings.map((entry) => entry.fingerprint));
  const fixed = new Set((report.staleBaseline ?? []).map((entry) => entry.fingerprint));
  const dropped = previous.filter((entry) => !kept.has(entry.fingerprint) && !fixed.has(entry.fingerprint));
  if (dropped.length === 0) return undefined;
  const [first] = dropped;
  const object = baselineEntryLabel({ ...first, path: undefined });
  return `hardpod check: note: ${dropped.length} entr${dropped.length === 1 ? 'y' : 'ies'} of the previous ${file} (such as ${object}) ` +
    'judged objects this run did not check or rules it did not run, and are no longer in it; a check of everything would fail on them as new: ' +
    'refresh a baseline from a run over every manifest, at the same level and config\n';
}

/** evaluate(), its errors about a field of an object (a suppression annotation) naming the field's line, not the object's. */
function evaluateNamingFieldLines(manifests: ManifestSet, config: EngineConfig | ResolvedConfig): Report {
  try {
    return evaluate(manifests.objects, config);
  } catch (error) {
    if (!isHardpodError(error) || error.field === undefined) throw error;
    const { source, path, label } = error.field;
    const line = manifests.fieldLine(source, path);
    if (source.file === undefined || line === undefined) throw error;
    throw new HardpodError(error.reason, `${source.file}:${line} (${label})`, error.field);
  }
}

/**
 * Points each finding at the line of its field rather than the first line of its object. The
 * findings are fresh from evaluate(), so each is updated in place: copying tens of thousands of
 * findings only fed the garbage collector.
 */
function withFieldLines(report: Report, manifests: ManifestSet): Report {
  // An object's findings come together and often share a line: they share its source too.
  let objectSource: SourceLocation | undefined;
  let sourceByLine = new Map<number, SourceLocation>();
  for (const finding of report.findings as Mutable<Finding>[]) {
    const line = manifests.fieldLine(finding.source, finding.path);
    if (line === undefined || line === finding.source.line) continue;
    if (finding.source !== objectSource) {
      objectSource = finding.source;
      sourceByLine = new Map();
    }
    let source = sourceByLine.get(line);
    if (!source) sourceByLine.set(line, (source = { ...objectSource, line }));
    finding.source = source;
  }
  return report;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function render(
  report: Report,
  format: CheckFormat,
  options: { color: boolean; cwd: string; ruleOverrides: EngineConfig['rules']; objects: readonly LocatedObject[]; sarifCategory?: string },
  emit: Emit,
): void {
  switch (format) {
    case 'text': return formatTextChunks(report, { color: options.color }, emit);
    case 'json': return formatJsonChunks(report, emit);
    case 'sarif': {
      const { cwd, ruleOverrides, objects, sarifCategory: category } = options;
      return formatSarifChunks(report, { cwd, root: findRepositoryRoot(cwd), toolVersion: hardpodVersion(), ruleOverrides, objects, category }, emit);
    }
    case 'junit': return formatJunitChunks(report, emit, { cwd: options.cwd, root: findRepositoryRoot(options.cwd) });
    case 'github': return formatGithubChunks(report, emit, { cwd: options.cwd, root: findRepositoryRoot(options.cwd) });
    case 'controls': return formatControlsTextChunks(report, {}, emit);
    case 'controls-json': return formatControlsJsonChunks(report, {}, emit);
  }
}
