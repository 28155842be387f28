/**
 * `kubernetesMinor` on a real API server of the oldest release the admission policies claim (1.30):
 * every hardened workload of the emitted table, built for a 1.30 target, is either refused at
 * synthesis naming the newer release its props need, or admitted by the 1.30 server with strict field
 * validation and no warning, keeping every field it was sent (an older server silently drops a field
 * whose feature gate is off, which is what the builders refuse to emit), and its pod template is
 * admitted as a Pod under Pod Security restricted pinned at v1.30.
 */
import { buildWithModel, type WorkloadCase } from './emitted';
import { buildForTarget, describeEmittedWorkloadsForTarget, droppedPaths, HARDENED_CASES as CASES } from './emitted-workloads-target-suite';
import { ADMISSION_POLICY_MINOR } from '../../src/admission';
import { HardpodError, type KubeObject } from '../../src/model';

const TARGET = ADMISSION_POLICY_MINOR;

/** Built for the oldest target, or the builder's refusal. */
const buildForOldest = (c: WorkloadCase): KubeObject[] | HardpodError => buildForTarget(c, TARGET);

describeEmittedWorkloadsForTarget(TARGET, 'oldest-admission', (cluster, namespace) => {
  test('the server drops a field whose feature gate is off, which the comparison sees: hostUsers (user namespaces, on by default from 1.33), refused at synthesis', async () => {
    const deployment = buildWithModel({ ...CASES[0], defaults: { ...CASES[0].defaults, kubernetesMinor: 33 } }).find((o) => o.kind === 'Deployment')!;
    const withUserNamespace = structuredClone(deployment) as KubeObject & { spec: { template: { spec: Record<string, unknown> } } };
    withUserNamespace.spec.template.spec.hostUsers = false;
    const verdict = await cluster().apply(withUserNamespace, { namespace: namespace(), dryRun: true });
    expect(verdict.allowed).toBe(true);
    expect(droppedPaths(withUserNamespace, verdict.body)).toEqual(['spec.template.spec.hostUsers']);
    const refusal = buildForOldest({ ...CASES[0], props: { ...CASES[0].props, hostUsers: false } } as WorkloadCase);
    expect(refusal).toBeInstanceOf(HardpodError);
    expect((refusal as HardpodError).message).toMatch(/hostUsers/);
  });

  test('env names: for a 1.30 target the builders refuse exactly the names the 1.30 server refuses', async () => {
    const names = ['LOG_LEVEL', 'my.var', 'my-var', '_x', 'x..y', '1ST', 'A B', 'a:b', '.', '..', '..x', 'x=y'];
    const plain = (buildForOldest(CASES[0]) as KubeObject[]).find((o) => o.kind === 'Deployment')!;
    const mismatches: string[] = [];
    for (const name of names) {
      const withEnv = { ...CASES[0], props: { ...CASES[0].props, env: { [name]: 'v' } } } as WorkloadCase;
      const built = buildForOldest(withEnv);
      // The server's verdict on the case's Deployment with that variable written in.
      const deployment = structuredClone(plain) as KubeObject & { spec: { template: { spec: { containers: Record<string, unknown>[] } } } };
      deployment.spec.template.spec.containers[0].env = [{ name, value: 'v' }];
      const verdict = await cluster().apply(deployment, { namespace: namespace(), dryRun: true });
      const refusedByBuilder = built instanceof HardpodError;
      if (refusedByBuilder === verdict.allowed) {
        mismatches.push(`${JSON.stringify(name)}: the builder ${refusedByBuilder ? `refuses it (${(built as HardpodError).message})` : 'accepts it'}, the 1.30 server ${verdict.allowed ? 'admits it' : `refuses it: ${verdict.message}`}`);
      }
    }
    expect(mismatches).toEqual([]);
  });
});
