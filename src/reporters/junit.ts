import { groupByObject, locationLabel, objectKey, objectLabel } from './shared';
import { isBlockingFinding, type Finding, type Report } from '../engine/report';

/**
 * JUnit XML for CI test tabs: one testsuite per object, one testcase per finding. Blocking findings
 * and rule errors are failures; warnings, unknowns, suppressed and baselined findings are skipped
 * with the reason; an object without findings is one passing testcase, unless it was not checked
 * (an unmapped kind holding a pod template): that is one skipped testcase saying why.
 */
export function formatJunit(report: Report): string {
  const suites: string[] = [];
  let tests = 0, failures = 0, errors = 0, skipped = 0;
  const notChecked = new Map(report.notChecked.map((item) => [objectKey(item), item.reason]));
  for (const { object, findings } of groupByObject(report)) {
    const label = objectLabel(object);
    const file = object.source.file;
    const classname = `hardpod.${object.kind}.${object.namespace ? `${object.namespace}.` : ''}${object.name || 'unnamed'}`;
    const cases: string[] = [];
    let suiteFailures = 0, suiteErrors = 0, suiteSkipped = 0;
    const notCheckedReason = notChecked.get(objectKey(object));
    if (notCheckedReason !== undefined) {
      suiteSkipped++;
      cases.push(`    <testcase ${attrs({ name: 'not checked', classname, file, line: object.source.line })}>\n      <skipped ${attrs({ message: `not checked: ${notCheckedReason}` })}/>\n    </testcase>`);
    } else if (findings.length === 0) {
      cases.push(`    <testcase ${attrs({ name: `passes ${report.level}`, classname, file, line: object.source.line })}/>`);
    }
    for (const f of findings) {
      const body = escapeXml(findingText(f));
      const caseAttrs = attrs({ name: `${f.rule}${f.path ? ` ${f.path}` : ''}`, classname, file: f.source.file, line: f.source.line });
      if (f.outcome === 'error' && !f.baselined) {
        suiteErrors++;
        cases.push(`    <testcase ${caseAttrs}>\n      <error ${attrs({ message: f.message, type: 'rule-error' })}>${body}</error>\n    </testcase>`);
      } else if (isBlockingFinding(f)) {
        suiteFailures++;
        cases.push(`    <testcase ${caseAttrs}>\n      <failure ${attrs({ message: f.message, type: f.severity })}>${body}</failure>\n    </testcase>`);
      } else {
        suiteSkipped++;
        cases.push(`    <testcase ${caseAttrs}>\n      <skipped ${attrs({ message: `${skipReason(f)}: ${f.message}` })}/>\n    </testcase>`);
      }
    }
    const count = cases.length;
    tests += count;
    failures += suiteFailures;
    errors += suiteErrors;
    skipped += suiteSkipped;
    suites.push(`  <testsuite ${attrs({ name: label, tests: count, failures: suiteFailures, errors: suiteErrors, skipped: suiteSkipped, file })}>\n${cases.join('\n')}\n  </testsuite>`);
  }
  const name = `hardpod check (${report.level}, Kubernetes ${report.kubernetesVersion})`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites ${attrs({ name, tests, failures, errors, skipped })}>\n${suites.join('\n')}${suites.length ? '\n' : ''}</testsuites>\n`;
}

function skipReason(f: Finding): string {
  if (f.outcome === 'suppressed') return `suppressed (${f.suppression?.reason ?? 'no reason'})`;
  if (f.baselined) return 'baselined';
  if (f.outcome === 'unknown') return 'unknown';
  return 'warning';
}

function findingText(f: Finding): string {
  const where = locationLabel(f.source);
  return [
    `${f.rule} (${f.severity}${f.pss ? `, PSS ${f.pss}` : ''}) at ${f.path || 'the object'}`,
    f.message,
    `fix: ${f.remediation}`,
    ...(where ? [`at ${where}`] : []),
  ].join('\n');
}

function attrs(values: Readonly<Record<string, string | number | undefined>>): string {
  return Object.entries(values)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${k}="${escapeXml(String(v), true)}"`)
    .join(' ');
}

/**
 * Escapes text for XML content, or for an attribute value (where newlines and tabs would be
 * normalised to spaces unless escaped), and replaces what XML 1.0 cannot hold at all (control
 * characters other than tab, newline and carriage return; lone surrogates).
 */
export function escapeXml(text: string, attribute = false): string {
  const escaped = text
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\r/g, '&#13;');
  return attribute ? escaped.replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\t/g, '&#9;') : escaped;
}
