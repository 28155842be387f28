import { deployment, inPreview } from './helpers';
import { crossesUnknown, evaluate } from '../../src/engine';
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
  it('a whole container securityContext that is unknown makes its checks unknown', () => {
    const result = outcomes({ securityContext: podSecurityContext, containers: [{ name: 'app', securityContext: UNKNOWN_VALUE }] });
    expect(result).toEqual(['allow-privilege-escalation:unknown', 'capabilities-restricted:unknown']);
  });

  it('an unknown container list is unknown, not a malformed spec', () => {
    expect(outcomes({ securityContext: podSecurityContext, containers: UNKNOWN_VALUE })).toEqual(['well-formed-pod-spec:unknown']);
  });

  it('an unknown pod securityContext makes the pod-or-container checks unknown', () => {
    const result = outcomes({ securityContext: UNKNOWN_VALUE, containers: [hardenedContainer] });
    expect(result).toEqual(['run-as-non-root:unknown', 'seccomp-profile-restricted:unknown']);
  });

  it('unknown capabilities and unknown entries are unknown; a known failure next to them still fails', () => {
    const result = outcomes({
      securityContext: podSecurityContext,
      containers: [
        { name: 'a', securityContext: { allowPrivilegeEscalation: false, capabilities: UNKNOWN_VALUE } },
        { name: 'b', securityContext: { allowPrivilegeEscalation: true, capabilities: { drop: ['ALL'], add: [UNKNOWN_VALUE] } } },
      ],
    });
    expect(result).toEqual([
      'allow-privilege-escalation:fail',
      'capabilities-baseline:unknown',
      'capabilities-restricted:unknown',
      'capabilities-restricted:unknown',
    ]);
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
