import {
  groupByObject, objectLabel, printable, repositoryPaths, staleBaselineEntryText, summaryLine, unmatchedBaselineText, unusedSuppressionText,
} from './shared';
import { isBlockingFinding, type Finding, type Report } from '../engine/report';
import { STDIN_NAME } from '../loader/read';
import { ChunkWriter, joinChunks, type Emit } from '../model/chunks';
import type { SourceLocation } from '../model/kube-object';

export interface GithubReportOptions {
  /**
   * Folder that `file` properties are relative to: GitHub places an annotation by its path from the
   * repository root, so a run in a subfolder names its files from there.
   * @default `cwd`
   */
  readonly root?: string;
  /** Folder that relative file names in the report are relative to. @default process.cwd() */
  readonly cwd?: string;
}

/**
 * GitHub Actions workflow commands: each finding that blocks becomes an `::error` annotation on its
 * file and line, and what blocks nothing but needs a look (a warning under `enforcement: warn`, an
 * unknown verdict, an object not checked) a `::warning`; unused suppressions and stale baseline
 * entries are `::notice`s. Annotations show on the pull request's changed lines without code
 * scanning, which private repositories may not have. The summary closes the log as plain lines.
 * Suppressed and baselined findings are left out, as they block nothing and need no look.
 */
export function formatGithub(report: Report, options: GithubReportOptions = {}): string {
  return joinChunks((emit) => formatGithubChunks(report, emit, options));
}

/** The same commands as {@link formatGithub}, handed to `emit` in chunks as they are built. */
export function formatGithubChunks(report: Report, emit: Emit, options: GithubReportOptions = {}): void {
  const cwd = options.cwd ?? process.cwd();
  const root = options.root ?? cwd;
  const out = new ChunkWriter(emit);
  const repositoryPath = repositoryPaths(root, cwd);
  const place = (source: SourceLocation): Record<string, string | number | undefined> => {
    const { file, line, template } = source;
    // From standard input, the Helm template that rendered the object is the file, without the
    // rendered output's line; with no template the command goes to the log only.
    if (file === STDIN_NAME) return template ? { file: repositoryPath(template) } : {};
    if (file === undefined) return {};
    return { file: repositoryPath(file), line };
  };
  for (const { object, findings } of groupByObject(report)) {
    const label = objectLabel(object);
    for (const finding of findings) {
      const level = commandOf(finding);
      if (level === undefined) continue;
      const title = `hardpod ${finding.rule} (${finding.outcome === 'unknown' ? 'unknown' : finding.severity})`;
      const message = `${label} ${printable(finding.path) || '(object)'}: ${printable(finding.message)}\nFix: ${finding.remediation}`;
      out.write(workflowCommand(level, { ...place(finding.source), title }, message));
    }
  }
  for (const item of report.notChecked) {
    if (item.suppression) continue;
    out.write(workflowCommand('warning', { ...place(item.source), title: 'hardpod: not checked' }, `${objectLabel(item)}: ${printable(item.reason)}`));
  }
  for (const entry of report.unusedSuppressions ?? []) out.write(workflowCommand('notice', { title: 'hardpod: unused suppression' }, unusedSuppressionText(entry)));
  for (const entry of report.staleBaseline ?? []) out.write(workflowCommand('notice', { title: 'hardpod: stale baseline entry' }, staleBaselineEntryText(entry)));
  const unmatched = unmatchedBaselineText(report);
  if (unmatched !== undefined) out.write(workflowCommand('notice', { title: 'hardpod: baseline' }, unmatched));
  out.write(`${summaryLine(report)}\n`);
  out.flush();
}

/** The command for a finding: an error when it blocks, a warning when it blocks nothing but needs a look, none when waived. */
function commandOf(finding: Finding): 'error' | 'warning' | undefined {
  if (isBlockingFinding(finding)) return 'error';
  if (finding.outcome === 'suppressed' || finding.baselined) return undefined;
  return 'warning';
}

/**
 * `::level key=value,...::message` and a newline, escaped as @actions/core escapes them: `%`, CR and
 * LF in both, and `:` and `,` in property values too. Text from a manifest can then neither end the
 * command early nor start a command of its own on a line of its own (`::add-mask::`, `::stop-commands::`).
 */
export function workflowCommand(level: 'error' | 'warning' | 'notice', properties: Readonly<Record<string, string | number | undefined>>, message: string): string {
  const props = Object.entries(properties)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([key, value]) => `${key}=${escapeProperty(String(value))}`);
  return `::${level}${props.length > 0 ? ` ${props.join(',')}` : ''}::${escapeData(message)}\n`;
}

function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
