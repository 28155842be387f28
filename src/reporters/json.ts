import { blockingCount } from './shared';
import { isBlockingFinding, type Finding, type Report } from '../engine/report';
import { joinChunks, streamedList, writeJson, type Emit } from '../model/chunks';
import type { SourceLocation } from '../model/kube-object';

/**
 * The JSON report: one finding per entry with flat, stable field names for `jq` and dashboards.
 * `schemaVersion` is the report schema version; it changes only on breaking changes.
 */
export function formatJson(report: Report): string {
  return joinChunks((emit) => formatJsonChunks(report, emit));
}

/** The same report as {@link formatJson}, handed to `emit` in chunks as it is written (see chunks.ts). */
export function formatJsonChunks(report: Report, emit: Emit): void {
  const blocking = blockingCount(report);
  const document = {
    schemaVersion: report.schemaVersion,
    level: report.level,
    kubernetesVersion: report.kubernetesVersion,
    edition: report.edition,
    result: blocking > 0 ? 'fail' : 'pass',
    findings: streamedList(report.findings, jsonFinding),
    // Lists as long as the input (an object not checked per object, a baseline entry per finding) are written item by item too.
    notChecked: streamedList(report.notChecked, (item) => ({
      kind: item.kind,
      group: item.group ?? null,
      name: item.name,
      generateName: item.generateName ?? null,
      namespace: item.namespace ?? null,
      ...jsonSource(item.source),
      reason: item.reason,
      suppression: item.suppression ?? null,
    })),
    unusedSuppressions: streamedList(report.unusedSuppressions ?? [], (entry) => entry),
    staleBaseline: streamedList(report.staleBaseline ?? [], (entry) => entry),
    summary: { ...report.summary, baselineUnmatched: report.summary.baselineUnmatched ?? 0, blocking },
    rules: report.rules,
  };
  writeJson(document, emit);
}

function jsonFinding(f: Finding): Record<string, unknown> {
  return {
    rule: f.rule,
    pss: f.pss,
    severity: f.severity,
    outcome: f.outcome,
    enforcement: f.enforcement,
    blocking: isBlockingFinding(f),
    ...jsonSource(f.source),
    kind: f.kind,
    group: f.group ?? null,
    name: f.name,
    generateName: f.generateName ?? null,
    namespace: f.namespace ?? null,
    path: f.path,
    message: f.message,
    remediation: f.remediation,
    controls: f.controls.map((c) => ({ framework: c.framework, edition: c.edition, id: c.id })),
    suppression: f.suppression ?? null,
    baselined: f.baselined === true,
  };
}

/** `file` and `line` are always present (null when unknown) so consumers need no existence checks. */
function jsonSource(source: SourceLocation): Record<string, unknown> {
  return {
    file: source.file ?? null,
    line: source.line ?? null,
    ...(source.template ? { template: source.template } : {}),
    ...(source.constructPath ? { constructPath: source.constructPath } : {}),
    ...(source.resourceName ? { resourceName: source.resourceName } : {}),
  };
}
