import { deployment, inPreview, located } from './helpers';
import { crossesUnknown, evaluate } from '../../src/engine';
import { HardpodError } from '../../src/model/errors';
import { UNKNOWN_VALUE } from '../../src/model/pod-view';

/**
 * A Pulumi preview replaces values not known yet with UNKNOWN_VALUE at any depth. A check that
 * cannot see the real value says unknown, never pass and never fail.
 */
const hardenedContainer = { name: 'app', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } };
const podSecurityContext = { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } };

function outcomes(spec: Record<string, unknown>): string[] {
  const report = evaluate(inPreview(deployment('web', spec)), { level: 'restricted' });
  return report.findings.map((f) => `${f.rule}:${f.outcome}`).sort();
}

describe('values not known yet', () => {
  it('a whole container securityContext that is unknown makes every check of the pod unknown: it may hold privileged: true', () => {
    const report = evaluate(inPreview(deployment('web', { securityContext: podSecurityContext, containers: [{ name: 'app', securityContext: UNKNOWN_VALUE }] })), { level: 'baseline' });
    expect(report.summary.pass).toBe(0);
    expect(report.summary.fail).toBe(0);
    const privileged = report.findings.find((f) => f.rule === 'privileged');
    expect(privileged).toMatchObject({ outcome: 'unknown', path: 'spec.template.spec.containers[0].securityContext' });
    expect(privileged?.message).toContain('not known yet');
  });

  it.each([
    ['the pod securityContext', { securityContext: UNKNOWN_VALUE, containers: [hardenedContainer] }, 'host-namespaces'],
    ['capabilities', { containers: [{ name: 'app', securityContext: { capabilities: UNKNOWN_VALUE } }] }, 'capabilities-baseline'],
    ['the volumes', { volumes: UNKNOWN_VALUE, containers: [hardenedContainer] }, 'host-path-volumes'],
    ['one volume', { volumes: [{ name: 'a', emptyDir: {} }, UNKNOWN_VALUE], containers: [hardenedContainer] }, 'host-path-volumes'],
    ['the ports', { containers: [{ ...hardenedContainer, ports: UNKNOWN_VALUE }] }, 'host-ports'],
    ['a probe handler', { containers: [{ ...hardenedContainer, livenessProbe: { httpGet: UNKNOWN_VALUE } }] }, 'host-probes-and-host-lifecycle'],
  ])('an unknown object or list (%s) is unknown to the checks that read below it, never a pass', (_what, spec, rule) => {
    const report = evaluate(inPreview(deployment('web', spec)), { level: 'baseline' });
    expect(report.summary.pass).toBe(0);
    expect(report.findings.filter((f) => f.rule === rule).map((f) => f.outcome)).toEqual(['unknown']);
  });

  it('an unknown container list is unknown to every check, not a malformed spec', () => {
    const report = evaluate(inPreview(deployment('web', { securityContext: podSecurityContext, containers: UNKNOWN_VALUE })), { level: 'restricted' });
    expect(report.summary.pass).toBe(0);
    expect(new Set(report.findings.map((f) => f.outcome))).toEqual(new Set(['unknown']));
    expect(report.findings.map((f) => f.rule)).toEqual(expect.arrayContaining(['well-formed-pod-spec', 'privileged', 'run-as-non-root']));
  });

  it('a pod spec without containers is malformed even when other values are not known yet', () => {
    expect(outcomes({ securityContext: UNKNOWN_VALUE })).toContain('well-formed-pod-spec:fail');
    expect(outcomes({ securityContext: podSecurityContext, containers: [] })).toEqual(['well-formed-pod-spec:fail']);
  });

  it('a failure on known data next to an unknown object still fails', () => {
    const result = outcomes({
      securityContext: podSecurityContext,
      containers: [
        { name: 'a', securityContext: { allowPrivilegeEscalation: false, capabilities: UNKNOWN_VALUE } },
        { name: 'b', securityContext: { allowPrivilegeEscalation: true, capabilities: { drop: ['ALL'], add: [UNKNOWN_VALUE] } } },
      ],
    });
    expect(result).toContain('allow-privilege-escalation:fail');
    expect(result).toContain('capabilities-baseline:unknown');
    expect(result.filter((r) => r.endsWith(':fail'))).toEqual(['allow-privilege-escalation:fail']);
  });

  it('an unknown leaf makes only the checks that read it unknown', () => {
    const report = evaluate(inPreview(deployment('web', { containers: [{ name: 'app', securityContext: { privileged: UNKNOWN_VALUE } }] })), { level: 'baseline' });
    expect(report.findings.map((f) => `${f.rule}:${f.outcome}`)).toEqual(['privileged:unknown']);
    expect(report.summary.pass).toBeGreaterThan(0);
  });

  it.each([
    ['a container securityContext', { containers: [{ name: 'app', securityContext: UNKNOWN_VALUE }] }, 'spec.template.spec.containers[0].securityContext'],
    ['the volumes', { volumes: UNKNOWN_VALUE, containers: [{ name: 'app' }] }, 'spec.template.spec.volumes'],
  ])('outside a Pulumi preview, the marker in place of %s is refused, naming the file and line', (_what, spec, path) => {
    const run = (): unknown => evaluate(located(deployment('web', spec)), { level: 'baseline' });
    expect(run).toThrow(HardpodError);
    expect(run).toThrow(`input.yaml:1: ${path} holds Pulumi's unknown-value marker`);
  });

  it('walks field paths through objects and lists', () => {
    const object = { spec: { containers: [{ securityContext: UNKNOWN_VALUE }], list: [1, UNKNOWN_VALUE] } };
    expect(crossesUnknown(object, 'spec.containers[0].securityContext.privileged')).toBe(true);
    expect(crossesUnknown(object, 'spec.list[1]')).toBe(true);
    expect(crossesUnknown(object, 'spec.list[0]')).toBe(false);
    expect(crossesUnknown(object, 'spec.containers[1].securityContext')).toBe(false);
    expect(crossesUnknown(object, 'metadata.name')).toBe(false);
  });
});
