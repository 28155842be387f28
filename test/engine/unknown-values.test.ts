import { deployment, inPreview, located } from './helpers';
import { crossesUnknown, evaluate } from '../../src/engine';
import { HardpodError } from '../../src/model/errors';
import type { KubeObject } from '../../src/model/kube-object';
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

/**
 * Cross-object and input-scoped rules read other objects: the Role a binding names, the Namespace and
 * NetworkPolicies of a workload's namespace, its ServiceAccount. A value of those not known yet in a
 * preview makes the checks that read it unknown, as one in the pod spec does.
 */
describe('values not known yet in the other objects a check reads', () => {
  const RBAC = 'rbac.authorization.k8s.io/v1';
  const PSA = 'pod-security.kubernetes.io/enforce';
  type Fields = Record<string, unknown>;
  const workload = (metadata: Fields = {}, labels: Fields = { app: 'web' }): KubeObject => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'shop', ...metadata },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels }, spec: { serviceAccountName: 'web', automountServiceAccountToken: false, securityContext: podSecurityContext, containers: [hardenedContainer] } },
    },
  });
  const namespace = (metadata: Fields = {}): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { [PSA]: 'restricted' }, ...metadata } });
  const account = (fields: Fields = {}, metadata: Fields = {}): KubeObject =>
    ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'web', namespace: 'shop', ...metadata }, automountServiceAccountToken: false, ...fields });
  const policy = (fields: Fields = {}, metadata: Fields = {}): KubeObject =>
    ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'deny', namespace: 'shop', ...metadata }, spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }, ...fields });
  const role = (fields: Fields = {}, metadata: Fields = {}): KubeObject =>
    ({ apiVersion: RBAC, kind: 'Role', metadata: { name: 'reader', namespace: 'shop', ...metadata }, rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }], ...fields });
  const binding = (fields: Fields = {}, metadata: Fields = {}): KubeObject => ({
    apiVersion: RBAC,
    kind: 'RoleBinding',
    metadata: { name: 'web-reader', namespace: 'shop', ...metadata },
    subjects: [{ kind: 'ServiceAccount', name: 'web', namespace: 'shop' }],
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'reader' },
    ...fields,
  });

  /** The workload with everything it needs; `change` replaces objects by kind, or adds them. */
  function stack(...changed: KubeObject[]): KubeObject[] {
    const objects = [workload(), namespace(), account(), policy(), role(), binding()];
    for (const object of changed) {
      const at = objects.findIndex((o) => o.kind === object.kind);
      if (at >= 0 && object.metadata?.name !== 'other') objects[at] = object;
      else objects.push(object);
    }
    return objects;
  }

  const RULES = ['network-policy', 'namespace-psa-labels', 'service-account-present', 'service-account-token', 'not-default-namespace',
    'rbac-no-secret-read', 'rbac-no-exec', 'rbac-no-wildcards', 'rbac-no-escalate', 'rbac-no-cluster-admin'];

  /** `Kind/rule:outcome` of every finding of the rules above; passes and not-applicable say nothing. */
  function judged(objects: KubeObject[], cluster: Fields = { networkPolicies: [] }): string[] {
    const report = evaluate(inPreview(...objects), { cluster });
    return report.findings.filter((f) => RULES.includes(f.rule)).map((f) => `${f.kind}/${f.rule}:${f.outcome}`).sort();
  }

  it('everything known: no finding, so any finding below comes from the value not known yet', () => {
    expect(judged(stack())).toEqual([]);
    expect(judged(stack(), { complete: true })).toEqual([]);
  });

  it.each<[string, KubeObject[], string[]]>([
    ['the rules of a Role', [role({ rules: UNKNOWN_VALUE })],
      ['Role/rbac-no-escalate:unknown', 'Role/rbac-no-wildcards:unknown', 'RoleBinding/rbac-no-exec:unknown', 'RoleBinding/rbac-no-secret-read:unknown']],
    ['one rule of a Role', [role({ rules: [UNKNOWN_VALUE] })],
      ['Role/rbac-no-escalate:unknown', 'Role/rbac-no-wildcards:unknown', 'RoleBinding/rbac-no-exec:unknown', 'RoleBinding/rbac-no-secret-read:unknown']],
    ['a resource a Role rule names', [role({ rules: [{ apiGroups: [''], resources: [UNKNOWN_VALUE], verbs: ['get'] }] })],
      ['Role/rbac-no-escalate:unknown', 'Role/rbac-no-wildcards:unknown', 'RoleBinding/rbac-no-exec:unknown', 'RoleBinding/rbac-no-secret-read:unknown']],
    ['the subjects of a binding', [binding({ subjects: UNKNOWN_VALUE })], ['RoleBinding/rbac-no-exec:unknown', 'RoleBinding/rbac-no-secret-read:unknown']],
    ['the roleRef of a binding', [binding({ roleRef: UNKNOWN_VALUE })],
      ['RoleBinding/rbac-no-cluster-admin:unknown', 'RoleBinding/rbac-no-exec:unknown', 'RoleBinding/rbac-no-secret-read:unknown']],
    ['the spec of a NetworkPolicy of the namespace', [policy({ spec: UNKNOWN_VALUE })], ['Deployment/network-policy:unknown']],
    ['the egress rules of a NetworkPolicy of the namespace (they may allow all)', [policy({ spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'], egress: UNKNOWN_VALUE } })],
      ['Deployment/network-policy:unknown']],
    ['the pod selector of a NetworkPolicy', [policy({ spec: { podSelector: UNKNOWN_VALUE, policyTypes: ['Ingress', 'Egress'] } })], ['Deployment/network-policy:unknown']],
    ['the namespace of a NetworkPolicy', [policy({}, { namespace: UNKNOWN_VALUE })], ['Deployment/network-policy:unknown']],
    ['the labels of the Namespace', [namespace({ labels: UNKNOWN_VALUE })], ['Deployment/namespace-psa-labels:unknown']],
    ['the enforce label of the Namespace', [namespace({ labels: { [PSA]: UNKNOWN_VALUE } })], ['Deployment/namespace-psa-labels:unknown']],
    ['the workload\'s namespace', [workload({ namespace: UNKNOWN_VALUE })],
      ['Deployment/namespace-psa-labels:unknown', 'Deployment/network-policy:unknown', 'Deployment/not-default-namespace:unknown', 'Deployment/service-account-present:unknown']],
    ['a pod label a NetworkPolicy selects on', [workload({}, { app: UNKNOWN_VALUE }), policy({ spec: { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress', 'Egress'] } })],
      ['Deployment/network-policy:unknown']],
  ])('%s: the checks that read it are unknown, never a pass or a failure', (_what, changed, expected) => {
    expect(judged(stack(...changed))).toEqual(expected);
  });

  it('a ServiceAccount whose automountServiceAccountToken is not known yet leaves the token unknown for a pod that does not set it', () => {
    const pod = workload();
    delete (pod.spec as any).template.spec.automountServiceAccountToken;
    expect(judged(stack(pod, account({ automountServiceAccountToken: UNKNOWN_VALUE })))).toEqual(['Deployment/service-account-token:unknown']);
  });

  it.each<[string, KubeObject, string]>([
    ['a Role', role({}, { name: UNKNOWN_VALUE }), 'RoleBinding/rbac-no-secret-read:unknown'],
    ['the ServiceAccount', account({}, { name: UNKNOWN_VALUE }), 'Deployment/service-account-present:unknown'],
    ['the Namespace', namespace({ name: UNKNOWN_VALUE }), 'Deployment/namespace-psa-labels:unknown'],
  ])('the name of %s not known yet: it may be the one looked up, so absent is unknown, even in a complete cluster context', (_what, object, expected) => {
    expect(judged(stack(object), { complete: true })).toContain(expected);
    expect(judged(stack(object), { complete: true }).filter((f) => f.endsWith(':fail'))).toEqual([]);
  });

  it.each<[string, KubeObject, string]>([
    ['a Role', role({}, { name: UNKNOWN_VALUE }), 'RoleBinding/rbac-no-secret-read:fail'],
    ['a ServiceAccount', account({}, { name: UNKNOWN_VALUE }), 'Deployment/service-account-present:fail'],
  ])('the name of %s of another API group not known yet: it cannot be the one looked up, so absent fails in a complete cluster context', (_what, object, expected) => {
    const objects = [...stack().filter((o) => o.kind !== object.kind), { ...object, apiVersion: 'example.com/v1' }];
    expect(judged(objects, { complete: true })).toContain(expected);
  });

  it('a finding names the other object and its field that is not known yet', () => {
    const report = evaluate(inPreview(...stack(role({ rules: [{ apiGroups: [''], resources: ['secrets'], verbs: UNKNOWN_VALUE }] }))));
    expect(report.findings.find((f) => f.rule === 'rbac-no-secret-read')).toMatchObject({
      kind: 'RoleBinding', path: '', outcome: 'unknown', message: expect.stringMatching(/^Role shop\/reader rules\[0\]\.verbs is not known yet/), notKnownYet: true,
    });
    expect(report.findings.find((f) => f.rule === 'rbac-no-wildcards')).toMatchObject({ kind: 'Role', path: 'rules[0].verbs', outcome: 'unknown', notKnownYet: true });
  });

  it('an unknown finding says whether a value not known yet causes it, or a fact missing from the input', () => {
    // The ServiceAccount is not in the input, and the Role's rules are not known yet.
    const report = evaluate(inPreview(workload(), role({ rules: UNKNOWN_VALUE }), binding()));
    const unknown = (rule: string) => report.findings.find((f) => f.rule === rule && f.outcome === 'unknown');
    expect(unknown('service-account-present')?.notKnownYet).toBeUndefined();
    expect(unknown('rbac-no-secret-read')?.notKnownYet).toBe(true);
    // A pod-spec value not known yet, on the finding's own path.
    const pod = evaluate(inPreview(deployment('web', { containers: [{ name: 'app', securityContext: { privileged: UNKNOWN_VALUE } }] })), { level: 'baseline' });
    expect(pod.findings.find((f) => f.rule === 'privileged')).toMatchObject({ outcome: 'unknown', notKnownYet: true });
  });

  it.each<[string, KubeObject[]]>([
    ['an object no rule reads (a ConfigMap)', [...stack(), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'shop' }, data: UNKNOWN_VALUE }]],
    ['a NetworkPolicy of another namespace', [...stack(), policy({ spec: UNKNOWN_VALUE }, { name: 'other', namespace: 'other' })]],
    ['the name of a Role of another namespace', [...stack(), role({}, { name: UNKNOWN_VALUE, namespace: 'other' })]],
    ['Namespaces besides the workload\'s', [...stack(), namespace({ name: UNKNOWN_VALUE }), namespace({ name: 'other', labels: UNKNOWN_VALUE })]],
    ['a label of the Namespace other than Pod Security\'s', stack(namespace({ labels: { [PSA]: 'restricted', team: UNKNOWN_VALUE } }))],
    ['an annotation of the Role', stack(role({}, { annotations: { owner: UNKNOWN_VALUE } }))],
  ])('a value not known yet in %s changes no outcome', (_what, objects) => {
    expect(judged(objects)).toEqual(judged(stack()));
    expect(judged(objects, { complete: true })).toEqual(judged(stack(), { complete: true }));
  });

  it('a binding whose subjects are known to be no workload grants workloads nothing, whatever role it names', () => {
    const toPeople = binding({ subjects: [{ kind: 'User', name: 'alice' }], roleRef: UNKNOWN_VALUE });
    // Only the rule that reads the roleRef whoever the subjects are cannot tell.
    expect(judged(stack(toPeople))).toEqual(['RoleBinding/rbac-no-cluster-admin:unknown']);
  });

  it('a failure that does not read the value stays a failure', () => {
    // cluster-admin is known; the subjects, which the rule does not read, are not.
    const report = evaluate(inPreview(binding({ subjects: UNKNOWN_VALUE, roleRef: { kind: 'ClusterRole', name: 'cluster-admin' } })));
    expect(report.findings.filter((f) => f.rule === 'rbac-no-cluster-admin').map((f) => f.outcome)).toEqual(['fail']);
  });

  it('outside a Pulumi preview, a name holding the marker is a name like any other, never a reason for unknown', () => {
    const objects = located(...stack(role({}, { name: UNKNOWN_VALUE })));
    const report = evaluate(objects, { cluster: { complete: true } });
    expect(report.findings.filter((f) => f.rule === 'rbac-no-secret-read').map((f) => f.outcome)).toEqual(['fail']);
  });
});
