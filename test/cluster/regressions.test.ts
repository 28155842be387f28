/**
 * Every Pod on which the server and the hardpod engine once disagreed (test/cluster/regressions/),
 * judged again: the engine must give the server's recorded verdict (always, no server needed), and
 * the real server must still give it (when the toolchain is there).
 */
import { loadRegressions } from './regressions';
import { describeCluster } from '../harness/cluster-suite';
import { engineVerdict } from '../harness/pod-security';

const CASES = loadRegressions();
const minorOf = (version: string): number => Number(version.split('.')[1]);

describe('regressions: the engine gives the recorded server verdict', () => {
  test('there are regression cases to check', () => {
    expect(CASES.length).toBeGreaterThan(0);
  });

  test.each(CASES.map((c) => [c.file.split('/').pop(), c] as const))('%s', (_name, regression) => {
    const verdict = engineVerdict(regression.pod, regression.level, minorOf(regression.version), regression.file);
    expect({ allowed: verdict.allowed, reasons: verdict.reasons })
      .toEqual({ allowed: regression.allowed, reasons: regression.allowed ? [] : expect.anything() });
  });
});

describeCluster('regressions: the server still gives the recorded verdict', (cluster) => {
  test.each(CASES.map((c) => [c.file.split('/').pop(), c] as const))('%s', async (_name, regression) => {
    const namespace = await cluster().createPodSecurityNamespace('regression', regression.level, regression.version);
    const verdict = await cluster().dryRunCreate(regression.pod, namespace);
    expect({ allowed: verdict.allowed, message: verdict.message }).toEqual(
      regression.allowed ? { allowed: true, message: undefined } : { allowed: false, message: expect.stringContaining('violates PodSecurity') });
  });
});
