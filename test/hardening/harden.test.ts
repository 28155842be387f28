import fc from 'fast-check';
import { harden, SECURE_DEFAULTS, type RuleId } from '../../src/hardening';
import type { KubeObject } from '../../src/model';

const RULE_IDS: readonly RuleId[] = [
  'privileged', 'allow-privilege-escalation', 'run-as-non-root', 'run-as-user', 'capabilities-baseline', 'capabilities-restricted',
  'seccomp-profile-baseline', 'seccomp-profile-restricted',
  'read-only-root-filesystem', 'resources', 'service-account-token', 'dedicated-service-account', 'host-namespaces',
  'network-policy', 'probes',
];

const bareDeployment = (): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web' },
  spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx' }] } } },
});

describe('the secure-defaults table', () => {
  it('names only known rule ids, and every rule id is satisfied by some entry', () => {
    const named = new Set(SECURE_DEFAULTS.flatMap((d) => d.rules));
    for (const rule of named) expect(RULE_IDS).toContain(rule);
    for (const rule of RULE_IDS) expect(named.has(rule)).toBe(true);
  });
  it('has unique ids and a reason for each entry', () => {
    expect(new Set(SECURE_DEFAULTS.map((d) => d.id)).size).toBe(SECURE_DEFAULTS.length);
    for (const d of SECURE_DEFAULTS) expect(d.reason.length).toBeGreaterThan(10);
  });
});

describe('harden()', () => {
  it('hardens a bare Deployment and explains every change', () => {
    const input = bareDeployment();
    const { object, changes } = harden(input);
    const pod = (object.spec as { template: { spec: Record<string, unknown> } }).template.spec;
    expect(pod.securityContext).toEqual({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.automountServiceAccountToken).toBe(false);
    const container = (pod.containers as Record<string, unknown>[])[0];
    expect(container.securityContext).toEqual({ privileged: false, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true });
    expect(container.resources).toEqual({ requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } });
    expect(changes).toContainEqual(expect.objectContaining({
      path: 'spec.template.spec.containers[0].securityContext.privileged', from: undefined, to: false, rule: 'privileged',
    }));
    expect(changes.every((c) => c.reason.length > 0 && c.path.startsWith('spec.template.spec.'))).toBe(true);
    // Pure: the input is untouched.
    expect(input).toEqual(bareDeployment());
  });

  it('never invents a runAsUser, removes uid 0, and uses known image facts', () => {
    const pod: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: { securityContext: { runAsUser: 0 }, containers: [{ name: 'a', image: 'a' }, { name: 'b', image: 'b', securityContext: { runAsUser: 0 } }] },
    };
    const plain = harden(pod);
    const spec = plain.object.spec as { securityContext: Record<string, unknown>; containers: { securityContext: Record<string, unknown> }[] };
    expect(spec.securityContext.runAsUser).toBeUndefined();
    expect(spec.containers.map((c) => c.securityContext.runAsUser)).toEqual([undefined, undefined]);
    expect(plain.changes.filter((c) => c.rule === 'run-as-user').map((c) => c.path)).toEqual(['spec.securityContext.runAsUser', 'spec.containers[1].securityContext.runAsUser']);
    const withFacts = harden(pod, { imageFacts: (image) => (image === 'a' ? { uid: 1000, gid: 1000 } : { uid: 0 }) });
    const facts = withFacts.object.spec as typeof spec;
    expect(facts.containers[0].securityContext).toMatchObject({ runAsUser: 1000, runAsGroup: 1000 });
    expect(facts.containers[1].securityContext.runAsUser).toBeUndefined();
  });

  it('fixes insecure values, keeps secure ones', () => {
    const pod: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: {
        hostNetwork: true,
        hostPID: false,
        securityContext: { seccompProfile: { type: 'Localhost', localhostProfile: 'x.json' } },
        containers: [{
          name: 'a',
          image: 'a',
          securityContext: { privileged: true, capabilities: { add: ['SYS_ADMIN', 'NET_BIND_SERVICE'], drop: ['NET_RAW'] }, seccompProfile: { type: 'Unconfined' } },
          resources: { requests: { memory: '2Gi' }, limits: { cpu: '50m' } },
        }],
      },
    };
    const spec = harden(pod).object.spec as Record<string, unknown> & { containers: Record<string, Record<string, unknown>>[] };
    expect(spec.hostNetwork).toBe(false);
    expect(spec.hostPID).toBe(false);
    expect((spec.securityContext as Record<string, unknown>).seccompProfile).toEqual({ type: 'Localhost', localhostProfile: 'x.json' });
    const sc = spec.containers[0].securityContext;
    expect(sc.privileged).toBe(false);
    expect(sc.capabilities).toEqual({ add: ['NET_BIND_SERVICE'], drop: ['ALL'] });
    expect(sc.seccompProfile).toBeUndefined();
    // Never a limit below a request, never a request above a limit.
    expect(spec.containers[0].resources).toEqual({ requests: { memory: '2Gi', cpu: '50m' }, limits: { cpu: '50m', memory: '2Gi' } });
  });

  it('reaches pods in every workload kind, Lists, and skips Windows-only fields', () => {
    const cron: KubeObject = { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'c' }, spec: { schedule: '* * * * *', jobTemplate: { spec: { template: { spec: { containers: [{ name: 'c', image: 'c' }] } } } } } };
    const list: KubeObject = { apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } }, cron] };
    const { changes } = harden(list);
    expect(changes.length).toBeGreaterThan(5);
    expect(changes.every((c) => c.path.startsWith('items[1].spec.jobTemplate.spec.template.spec.'))).toBe(true);
    const windows: KubeObject = { apiVersion: 'v1', kind: 'Pod', spec: { os: { name: 'windows' }, containers: [{ name: 'w', image: 'w' }] } };
    expect(harden(windows).changes.map((c) => c.default)).not.toContain('container.privileged');
    // Pod-level resources bound the containers: a container default could exceed them.
    const podLevel: KubeObject = { apiVersion: 'v1', kind: 'Pod', spec: { resources: { limits: { cpu: '50m' } }, containers: [{ name: 'w', image: 'w' }] } };
    expect(harden(podLevel).changes.map((c) => c.default).filter((d) => d.startsWith('container.resources'))).toEqual(['container.resources.requests.memory', 'container.resources.limits.memory']);
    // Pod Security restricted asks runAsNonRoot of Windows pods too, and the API server accepts it there.
    expect(harden(windows).changes.map((c) => c.default)).toContain('pod.runAsNonRoot');
    const cm: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { a: 'b' } };
    expect(harden(cm)).toEqual({ object: cm, changes: [] });
  });

  // Arbitrary pods built from the fields the table touches, with secure, insecure and odd values.
  const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
  const quantity = fc.constantFrom('50m', '100m', '2', '64Mi', '1Gi', '300Mi');
  const resourceMap = fc.record({ cpu: maybe(quantity), memory: maybe(quantity) }, { requiredKeys: [] });
  const containerArb = fc.record({
    name: fc.constantFrom('a', 'b'),
    image: fc.constantFrom('img-a', 'img-b'),
    securityContext: maybe(fc.record({
      privileged: maybe(fc.boolean()),
      allowPrivilegeEscalation: maybe(fc.boolean()),
      runAsNonRoot: maybe(fc.boolean()),
      runAsUser: maybe(fc.constantFrom(0, 1000)),
      readOnlyRootFilesystem: maybe(fc.boolean()),
      capabilities: maybe(fc.record({ add: maybe(fc.subarray(['NET_ADMIN', 'NET_BIND_SERVICE', 'SYS_ADMIN'])), drop: maybe(fc.subarray(['ALL', 'NET_RAW'])) })),
      seccompProfile: maybe(fc.constantFrom({ type: 'Unconfined' }, { type: 'RuntimeDefault' })),
    }, { requiredKeys: [] })),
    resources: maybe(fc.record({ requests: maybe(resourceMap), limits: maybe(resourceMap) }, { requiredKeys: [] })),
  }, { requiredKeys: ['name', 'image'] });
  const podArb = fc.record({
    hostNetwork: maybe(fc.boolean()),
    hostIPC: maybe(fc.boolean()),
    automountServiceAccountToken: maybe(fc.boolean()),
    securityContext: maybe(fc.record({ runAsNonRoot: maybe(fc.boolean()), runAsUser: maybe(fc.constantFrom(0, 1000)), seccompProfile: maybe(fc.constantFrom({ type: 'Unconfined' }, { type: 'RuntimeDefault' })) }, { requiredKeys: [] })),
    containers: fc.array(containerArb, { minLength: 1, maxLength: 3 }),
    initContainers: maybe(fc.array(containerArb, { maxLength: 2 })),
    ephemeralContainers: maybe(fc.array(containerArb, { maxLength: 1 })),
  }, { requiredKeys: ['containers'] });
  const kindArb = fc.constantFrom('Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob');
  const wrap = (kind: string, spec: unknown): KubeObject => {
    const template = { metadata: {}, spec };
    if (kind === 'Pod') return { apiVersion: 'v1', kind, spec };
    if (kind === 'CronJob') return { apiVersion: 'batch/v1', kind, spec: { jobTemplate: { spec: { template } } } };
    return { apiVersion: kind === 'Job' ? 'batch/v1' : 'apps/v1', kind, spec: { template } };
  };
  const facts = (image: string) => (image === 'img-a' ? { uid: 1001, gid: 1001 } : undefined);

  it('is idempotent: harden(harden(x)) == harden(x), with no further changes', () => {
    fc.assert(fc.property(kindArb, podArb, fc.boolean(), (kind, pod, withFacts) => {
      const options = withFacts ? { imageFacts: facts } : {};
      const once = harden(wrap(kind, JSON.parse(JSON.stringify(pod))), options);
      const twice = harden(once.object, options);
      expect(twice.changes).toEqual([]);
      expect(twice.object).toEqual(once.object);
    }), { numRuns: 300 });
  });

  it('leaves no insecure value behind and never sets uid 0', () => {
    fc.assert(fc.property(podArb, (pod) => {
      const spec = harden(wrap('Pod', JSON.parse(JSON.stringify(pod)))).object.spec as {
        securityContext?: Record<string, unknown>;
        containers: { securityContext?: Record<string, unknown>; resources?: Record<'requests' | 'limits', Record<string, string> | undefined> }[];
      };
      expect(spec.securityContext?.runAsNonRoot).toBe(true);
      expect(spec.securityContext?.runAsUser).not.toBe(0);
      for (const c of spec.containers) {
        expect(c.securityContext).toMatchObject({ privileged: false, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true });
        expect(c.securityContext?.runAsUser).not.toBe(0);
        expect(c.securityContext?.runAsNonRoot).not.toBe(false);
        expect((c.securityContext?.capabilities as { drop: string[] }).drop).toContain('ALL');
        expect(c.resources?.limits?.memory).toBeDefined();
        expect(c.resources?.requests?.cpu).toBeDefined();
      }
    }), { numRuns: 200 });
  });
});
