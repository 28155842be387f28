import fc from 'fast-check';
import { harden } from '../../src/hardening';
import { buildCronJob, buildDaemonSet, buildDeployment, buildJob, buildStatefulSet, type KubeObject, type WorkloadProps } from '../../src/model';

const IMAGE = `ghcr.io/acme/app@sha256:${'a'.repeat(64)}`;
const SIDECAR = `ghcr.io/acme/proxy@sha256:${'b'.repeat(64)}`;
const builders = {
  Deployment: buildDeployment,
  StatefulSet: buildStatefulSet,
  DaemonSet: buildDaemonSet,
  Job: buildJob,
  CronJob: (props: WorkloadProps, ctx: { where: string }) => buildCronJob({ ...props, schedule: '@hourly' }, ctx),
};

// Props that keep every secure default in force (no opt-outs), in many combinations.
const propsArb = fc.record({
  port: fc.option(fc.constantFrom(8080, 9000), { nil: undefined }),
  writablePaths: fc.option(fc.subarray(['/tmp', '/var/cache']), { nil: undefined }),
  runAsUser: fc.option(fc.constantFrom(1000, 65532), { nil: undefined }),
  resources: fc.option(fc.constantFrom({ requests: { memory: '1Gi' } }, { limits: { cpu: '50m' } }, { requests: { cpu: '2' }, limits: { memory: '64Mi' } }), { nil: undefined }),
  seccompProfile: fc.option(fc.constant({ type: 'Localhost' as const, localhostProfile: 'p.json' }), { nil: undefined }),
  sidecars: fc.option(fc.constant([{ name: 'proxy', image: SIDECAR, runAsUser: 1337, port: 15001 }]), { nil: undefined }),
  initContainers: fc.option(fc.constant([{ name: 'init', image: SIDECAR }]), { nil: undefined }),
}, { requiredKeys: [] });

describe('the builders and harden() share one table', () => {
  it('what a builder emits without opt-outs is already hardened: harden() changes nothing', () => {
    fc.assert(fc.property(fc.constantFrom(...Object.keys(builders) as (keyof typeof builders)[]), propsArb, (kind, props) => {
      // A long-running container needs a TCP port for its default probes; Jobs run without one.
      const port = props.port ?? (kind === 'Job' || kind === 'CronJob' ? undefined : 8080);
      const built = builders[kind]({ name: 'app', image: IMAGE, ...props, port }, { where: 'test' });
      const { changes } = harden(built.workload as KubeObject);
      expect(changes).toEqual([]);
    }), { numRuns: 150 });
  });

  it('with image facts, harden() adds exactly the uid and gid the builder would have set', () => {
    const facts = { uid: 10001, gid: 10001 };
    const withFacts = buildDeployment({ name: 'app', image: IMAGE, port: 8080 }, { where: 'test', imageResolver: { resolve: (reference) => ({ reference, facts }) } });
    const without = buildDeployment({ name: 'app', image: IMAGE, port: 8080 }, { where: 'test' });
    const hardened = harden(without.workload as KubeObject, { imageFacts: () => facts });
    expect(hardened.object).toEqual(withFacts.workload);
    expect(hardened.changes.map((c) => c.path)).toEqual([
      'spec.template.spec.containers[0].securityContext.runAsUser',
      'spec.template.spec.containers[0].securityContext.runAsGroup',
    ]);
  });
});
