import { analyze, analyzeStack, deploymentProps, remediate, UNKNOWN, type ResourceInput } from './analyzer';
import { ensureBuilt, installPack, removeInstalledPacks, servePack, type RunningPack } from './served-pack';
import { RULES } from '../../src/rules';

/**
 * The example policy pack as a process, reached over gRPC the way the Pulumi CLI reaches it: its
 * entry file, its dependency on hardpod by local path, its config file and the analyzer protocol.
 */

function privilegedDeployment(privileged: unknown): ResourceInput {
  return { type: 'kubernetes:apps/v1:Deployment', name: 'web', props: deploymentProps({ securityContext: { privileged } }) };
}

let pack: RunningPack | undefined;

beforeAll(async () => {
  ensureBuilt();
  const dir = installPack('level: restricted\nrules:\n  privileged:\n    severity: low\n');
  pack = await servePack(dir, { HARDPOD_REMEDIATE: '1' });
}, 600_000);

afterAll(() => {
  pack?.stop();
  removeInstalledPacks();
});

describe('examples/pulumi-policy-pack served over gRPC', () => {
  test('it announces one policy per rule of the configured level, with the config\'s severities', async () => {
    const info = await pack!.info();
    const restricted = RULES.filter((r) => r.level !== 'hardened').map((r) => r.id);
    expect(info.map((p) => p.name).sort()).toEqual([...restricted, 'not-checked'].sort());
    const privileged = info.find((p) => p.name === 'privileged')!;
    expect(privileged.severity).toBe('low');
    expect(privileged.enforcement).toBe('remediate');
  });

  test('a violation is reported as mandatory once remediation could not fix it', async () => {
    const found = await analyze(pack!, privilegedDeployment(true));
    expect(found.filter((d) => d.policy === 'privileged').map((d) => d.enforcement)).toEqual(['mandatory']);
  });

  test('remediation rewrites the inputs with hardpod\'s secure defaults', async () => {
    const remediations = await remediate(pack!, privilegedDeployment(true));
    const last = remediations[remediations.length - 1].properties as any;
    const container = last.spec.template.spec.containers[0];
    expect(container.securityContext).toEqual(expect.objectContaining({ privileged: false, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } }));
    expect(last.spec.template.spec.securityContext).toEqual(expect.objectContaining({ runAsNonRoot: true }));
    expect((await analyze(pack!, { ...privilegedDeployment(true), props: last })).filter((d) => d.enforcement === 'mandatory')).toEqual([]);
  });

  test('an unknown value is reported as unknown, not passed', async () => {
    const found = await analyze(pack!, privilegedDeployment(UNKNOWN));
    const privileged = found.filter((d) => d.policy === 'privileged');
    expect(privileged).toHaveLength(1);
    expect(privileged[0].enforcement).toBe('advisory');
    expect(privileged[0].message).toContain('outcome unknown');
  });
});

describe('the pack with its own copy of @pulumi/policy (as npm installs it next to hardpod by file:../..)', () => {
  let own: RunningPack | undefined;
  beforeAll(async () => {
    own = await servePack(installPack(undefined, true));
  }, 600_000);
  afterAll(() => own?.stop());

  test('an unknown value is still reported as unknown through the analyzer\'s own error class', async () => {
    const found = await analyze(own!, privilegedDeployment(UNKNOWN));
    const privileged = found.filter((d) => d.policy === 'privileged');
    expect(privileged.map((d) => d.enforcement)).toEqual(['advisory']);
    expect(privileged[0].message).toMatch(/can't run policy 'privileged'.*outcome unknown/s);
  });

  test('a cross-object fact outside the stack is reported as unknown by the stack policy', async () => {
    const found = await analyzeStack(own!, [privilegedDeployment(false)]);
    const coverage = found.filter((d) => d.policy === 'network-policy');
    expect(coverage.map((d) => d.enforcement)).toEqual(['advisory']);
    expect(coverage[0].message).toContain('cluster context');
  });

  test('a violation is still mandatory', async () => {
    const found = await analyze(own!, privilegedDeployment(true));
    expect(found.filter((d) => d.policy === 'privileged').map((d) => d.enforcement)).toEqual(['mandatory']);
  });
});
