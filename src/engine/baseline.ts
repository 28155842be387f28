import { createHash } from 'node:crypto';
import type { BaselineEntry } from './config';
import type { Report } from './report';
import { HardpodError } from '../model/errors';
import { readUserFile, writeFileAtomic } from '../model/files';

/** What identifies a finding across runs: not the message or line, which change with unrelated edits. */
export interface FingerprintFields {
  readonly rule: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  readonly path: string;
}

/** Stable fingerprint of a finding: sha256 of rule, kind, namespace, name and path, 16 hex digits. */
export function fingerprintOf(finding: FingerprintFields): string {
  return createHash('sha256')
    .update(`${finding.rule}\u0000${finding.kind}\u0000${finding.namespace ?? ''}\u0000${finding.name}\u0000${finding.path}`)
    .digest('hex')
    .slice(0, 16);
}

/** Baseline file format version. */
export const BASELINE_FILE_VERSION = 1;

export interface BaselineFile {
  readonly version: typeof BASELINE_FILE_VERSION;
  readonly findings: readonly BaselineEntry[];
}

/** The baseline that accepts every failing, unknown or error finding of a report (sorted, deduplicated). */
export function baselineFromReport(report: Report): BaselineFile {
  const byFingerprint = new Map<string, BaselineEntry>();
  for (const f of report.findings) {
    if (f.outcome === 'suppressed') continue;
    const fingerprint = fingerprintOf(f);
    const namespace = f.namespace === undefined ? {} : { namespace: f.namespace };
    byFingerprint.set(fingerprint, { fingerprint, rule: f.rule, kind: f.kind, ...namespace, name: f.name, path: f.path });
  }
  const findings = [...byFingerprint.values()].sort((a, b) => (a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0));
  return { version: BASELINE_FILE_VERSION, findings };
}

/** Writes a baseline file atomically; a file that cannot be written is a HardpodError naming it. */
export function writeBaseline(path: string, report: Report): BaselineFile {
  const baseline = baselineFromReport(report);
  writeFileAtomic(path, `${JSON.stringify(baseline, null, 2)}\n`);
  return baseline;
}

/** Reads a baseline file; a missing or malformed file is a HardpodError naming it. */
export function readBaseline(path: string): readonly BaselineEntry[] {
  const text = readUserFile(path, 'baseline file');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new HardpodError(`baseline file is not valid JSON: ${(error as Error).message}`, path);
  }
  const file = parsed as Partial<BaselineFile>;
  if (typeof parsed !== 'object' || parsed === null || file.version !== BASELINE_FILE_VERSION || !Array.isArray(file.findings)) {
    throw new HardpodError(`not a hardpod baseline file; expected { "version": ${BASELINE_FILE_VERSION}, "findings": [ { "fingerprint": ... } ] } as written by --write-baseline`, path);
  }
  file.findings.forEach((entry, i) => {
    if (typeof entry !== 'object' || entry === null || typeof entry.fingerprint !== 'string') throw new HardpodError(`findings[${i}] needs a fingerprint string`, path);
  });
  return file.findings;
}
