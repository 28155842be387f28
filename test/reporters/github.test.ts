import { fixtureReport } from './report-fixture';
import type { Finding } from '../../src/engine/report';
import { STDIN_NAME } from '../../src/loader/read';
import { formatGithub, workflowCommand } from '../../src/reporters/github';

describe('GitHub Actions reporter', () => {
  const report = fixtureReport();
  const lines = formatGithub(report, { cwd: '/repo', root: '/repo' }).trimEnd().split('\n');

  test('a blocking finding is an error annotation on its file and line, titled with the rule and severity, with the fix', () => {
    expect(lines).toContain(
      '::error file=deploy/web.yaml,line=19,title=hardpod privileged (critical)::Deployment shop/web spec.template.spec.containers[0].securityContext.privileged: '
        + 'container "app" must not set securityContext.privileged=true%0AFix: Set privileged: false.',
    );
    // A rule that could not judge the object blocks as a failure does.
    expect(lines.filter((line) => line.startsWith('::error file=legacy/app.yaml,line=2,title=hardpod namespace-psa-labels (medium)::'))).toHaveLength(1);
  });

  test('what blocks nothing but needs a look is a warning; suppressed and baselined findings are left out', () => {
    expect(lines.filter((line) => line.startsWith('::warning file=deploy/web.yaml,line=17,title=hardpod image-digest (high)::'))).toHaveLength(1);
    expect(lines.filter((line) => line.startsWith('::warning file=deploy/web.yaml,line=7,title=hardpod namespace-psa-labels (unknown)::'))).toHaveLength(1);
    const waived = report.findings.filter((f) => f.outcome === 'suppressed' || f.baselined);
    expect(waived.length).toBeGreaterThan(0);
    const annotated = lines.filter((line) => /^::(error|warning) .*title=hardpod [a-z-]+ \(/.test(line));
    expect(annotated).toHaveLength(report.findings.length - waived.length);
    expect(lines).toContain('::warning file=crd/w.yaml,line=4,title=hardpod%3A not checked::Widget w: spec.template looks like a pod template');
  });

  test('ends with the summary as a plain line, and annotates nothing on a file for standard input', () => {
    expect(lines.at(-1)).toMatch(/^5 objects, 40 checks: .*5 findings: 2 failed \(1 baselined\), 1 unknown, 1 error, 1 suppressed$/);
    const fromStdin = {
      ...report,
      findings: report.findings.map((f): Finding => ({ ...f, source: { file: STDIN_NAME, line: 3 } })),
      notChecked: report.notChecked.map((item) => ({ ...item, source: { file: STDIN_NAME, line: 4 } })),
    };
    for (const line of formatGithub(fromStdin).split('\n').filter((l) => l.startsWith('::'))) expect(line).not.toMatch(/file=/);
  });

  test('from standard input, annotates the Helm template that rendered the object, without the rendered line', () => {
    const fromHelm = { ...report, findings: report.findings.map((f): Finding => ({ ...f, source: { file: STDIN_NAME, line: 3, template: 'charts/web/templates/deployment.yaml' } })) };
    const errors = formatGithub(fromHelm, { cwd: '/repo', root: '/repo' }).split('\n').filter((l) => l.startsWith('::error'));
    expect(errors.length).toBeGreaterThan(0);
    for (const line of errors) expect(line).toMatch(/^::error file=charts\/web\/templates\/deployment\.yaml,title=/);
  });

  test('names files from the repository root when run in a subfolder', () => {
    const inChart = formatGithub(report, { cwd: '/repo/charts/web', root: '/repo' });
    expect(inChart).toContain('::error file=charts/web/deploy/web.yaml,line=19,');
  });

  test('text from a manifest can neither end a command nor start one of its own', () => {
    const hostile = '%0A then\n::add-mask::secret\r\n::stop-commands::token, and: more';
    const command = workflowCommand('error', { file: 'a,b:c.yaml', line: 1, title: hostile }, hostile);
    expect(command.split('\n')).toEqual([expect.any(String), '']);
    expect(command).toBe(
      '::error file=a%2Cb%3Ac.yaml,line=1,title=%250A then%0A%3A%3Aadd-mask%3A%3Asecret%0D%0A%3A%3Astop-commands%3A%3Atoken%2C and%3A more'
        + '::%250A then%0A::add-mask::secret%0D%0A::stop-commands::token, and: more\n',
    );
    const withHostileFinding = { ...report, findings: report.findings.map((f): Finding => ({ ...f, message: hostile })) };
    for (const line of formatGithub(withHostileFinding).split('\n')) expect(line).not.toMatch(/^::(add-mask|stop-commands)/);
  });
});
