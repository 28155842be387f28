import { EXPECTED_SUBSTRING, loadFixtures, wrapInCronJob, wrapInDeployment, type Fixture } from './fixtures';
import { evaluate, resolveConfig } from '../../src/engine';
import type { KubeObject } from '../../src/model/kube-object';

/**
 * Upstream Pod Security Admission's own fixtures, judged offline: at the fixture's level and
 * version, a pass pod yields no finding at all, and a fail pod yields a finding carrying the
 * fixture's check id. The same verdicts must hold with the pod wrapped in a Deployment and a CronJob.
 */
const fixtures = loadFixtures();
const groups = new Map<string, Fixture[]>();
for (const fixture of fixtures) {
  const key = `${fixture.level} v1.${fixture.minor}`;
  groups.set(key, [...(groups.get(key) ?? []), fixture]);
}

/** Disagreements between hardpod and upstream for one object shape. */
function disagreements(group: Fixture[], wrap: (pod: KubeObject) => KubeObject): string[] {
  const { level, minor } = group[0];
  const config = resolveConfig({ level, kubernetesVersion: `1.${minor}` });
  const problems: string[] = [];
  for (const fixture of group) {
    const report = evaluate([{ object: wrap(fixture.pod), source: { file: fixture.file } }], config);
    if (report.summary.error > 0) problems.push(`${fixture.file}: rule error ${JSON.stringify(report.findings.filter((f) => f.outcome === 'error'))}`);
    if (fixture.verdict === 'pass' && report.findings.length > 0) {
      problems.push(`${fixture.file}: expected no findings, got ${report.findings.map((f) => `${f.pss ?? f.rule}: ${f.message}`).join(' | ')}`);
    }
    if (fixture.verdict === 'fail') {
      const own = report.findings.filter((f) => f.pss === fixture.checkId && f.outcome === 'fail');
      const substring = EXPECTED_SUBSTRING[fixture.checkId!];
      if (own.length === 0) {
        problems.push(`${fixture.file}: expected a ${fixture.checkId} finding, got ${report.findings.map((f) => f.pss ?? f.rule).join(', ') || 'none'}`);
      } else if (!own.some((f) => f.message.includes(substring))) {
        problems.push(`${fixture.file}: the ${fixture.checkId} message does not contain upstream's reason ${JSON.stringify(substring)}: ${own[0].message}`);
      }
    }
  }
  return problems;
}

describe('Pod Security Admission fixtures', () => {
  it('finds all 4,537 upstream fixtures for baseline and restricted, v1.0 to v1.37', () => {
    expect(fixtures).toHaveLength(4537);
    expect(groups.size).toBe(2 * 38);
  });

  describe.each([...groups.keys()])('%s', (key) => {
    const group = groups.get(key)!;
    it('agrees with upstream on every Pod', () => {
      expect(disagreements(group, (pod) => pod)).toEqual([]);
    });
    it('agrees with upstream with the pod in a Deployment template', () => {
      expect(disagreements(group, wrapInDeployment)).toEqual([]);
    });
    it('agrees with upstream with the pod in a CronJob job template', () => {
      expect(disagreements(group, wrapInCronJob)).toEqual([]);
    });
  });
});
