import { evaluate, type EngineConfig } from '../../src/engine';
import { ManifestSet } from '../../src/loader';
import { controlsView, formatControlsJson, formatControlsText, type ControlStatus } from '../../src/reporters/controls';
import { CONTROLS, RULES } from '../../src/rules/catalogue';

/** The controls view of manifests as `hardpod check` reads and evaluates them. */
function viewOf(yaml: string, config: EngineConfig = {}) {
  const manifests = new ManifestSet();
  manifests.addText(yaml, 'input.yaml');
  const report = evaluate(manifests.objects, config);
  return { report, view: controlsView(report) };
}

function control(controls: readonly ControlStatus[], framework: ControlStatus['framework'], id: string): ControlStatus {
  const found = controls.find((c) => c.framework === framework && c.id === id);
  if (!found) throw new Error(`no control ${framework} ${id}`);
  return found;
}

const DIGEST = 'sha256:' + '0123456789abcdef'.repeat(4);

/** A Deployment that passes every rule hardpod can judge without the cluster or a lock file. */
const HARDENED = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      serviceAccountName: web
      automountServiceAccountToken: false
      securityContext: {runAsNonRoot: true, runAsUser: 10001, seccompProfile: {type: RuntimeDefault}}
      containers:
      - name: app
        image: registry.example.com/web@${DIGEST}
        securityContext: {allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: {drop: [ALL]}}
        resources: {requests: {cpu: 100m, memory: 64Mi}, limits: {cpu: 200m, memory: 128Mi}}
        livenessProbe: {httpGet: {path: /, port: 8080}}
        readinessProbe: {httpGet: {path: /, port: 8080}}
`;

const CIS = 'CIS Kubernetes Benchmark';
const DOCKER = 'CIS Docker Benchmark';

describe('controls view: only a check that ran and passed is evidence', () => {
  test('a rule the config gives nothing to judge (no lock file) satisfies no control', () => {
    const { report, view } = viewOf(HARDENED);
    expect(report.inapplicableRules).toEqual(expect.arrayContaining(['image-non-root-user', 'allowed-registries']));
    for (const id of ['4.1', '4.3', '4.8']) {
      expect(control(view.controls, DOCKER, id)).toMatchObject({ status: 'not-assessed', assessed: false, notAssessedReason: 'inapplicable', objects: [] });
    }
    // A rule that did judge the object still counts.
    expect(control(view.controls, CIS, '5.2.2')).toMatchObject({ status: 'satisfied', assessed: true });
    // 5.5.1: image-digest judged it, allowed-registries did not; the text says which one had nothing to judge.
    expect(control(view.controls, CIS, '5.5.1')).toMatchObject({ status: 'satisfied', inapplicableRules: ['allowed-registries'] });
    const text = formatControlsText(report);
    expect(text).toMatch(/\n {2}4\.1 {2}NOT ASSESSED: nothing to judge under this config \(no lock file or setting for it\): image-non-root-user {2}rules: image-non-root-user\n/);
    expect(text).toMatch(/\n {2}5\.5\.1 {2}SATISFIED .*; nothing to judge under this config \(no lock file or setting for it\): allowed-registries\n/);
    const json = JSON.parse(formatControlsJson(report));
    expect(json.controls.find((c: { id: string }) => c.id === '4.1')).toMatchObject({ status: 'not-assessed', assessed: false, notAssessedReason: 'inapplicable' });
  });

  test('an object a rule found not applicable does not satisfy its control', () => {
    // Bound to a group, not a workload: the workload RBAC rules have nothing to judge on it.
    const { report, view } = viewOf(`apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: secret-reader, namespace: shop}
rules:
- apiGroups: [""]
  resources: [secrets, pods/exec]
  verbs: [get, list, create]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: devs, namespace: shop}
subjects:
- {kind: Group, name: devs, apiGroup: rbac.authorization.k8s.io}
roleRef: {kind: Role, name: secret-reader, apiGroup: rbac.authorization.k8s.io}
`);
    expect(report.objects.find((o) => o.kind === 'RoleBinding')!.notApplicable).toEqual(expect.arrayContaining(['rbac-no-secret-read', 'rbac-no-exec']));
    for (const id of ['5.1.2', '5.1.10']) {
      const secrets = control(view.controls, CIS, id);
      expect(secrets).toMatchObject({ status: 'not-assessed', assessed: false, notAssessedReason: 'no-objects' });
      expect(secrets.objects.map((o) => [o.kind, o.verdict])).toEqual([['RoleBinding', 'not-applicable']]);
    }
    expect(formatControlsText(report)).toMatch(/\n {4}not-applicable RoleBinding shop\/devs {2}input\.yaml:9 {2}\[rbac-no-secret-read\]\n/);
    // The Role itself was judged by the rules about roles.
    expect(control(view.controls, CIS, '5.1.3')).toMatchObject({ status: 'satisfied', objects: [{ kind: 'Role', verdict: 'satisfies' }] });
  });

  test('objects alike share one not-applicable list', () => {
    const { report } = viewOf('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n');
    const [a, b] = report.objects;
    expect(a.notApplicable).toContain('network-policy');
    expect(b.notApplicable).toBe(a.notApplicable);
  });

  test('a control with no object to judge is not assessed, not satisfied', () => {
    const { report, view } = viewOf('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: shop}\ndata: {a: b}\n');
    const statuses = new Set(view.controls.map((c) => c.status));
    expect(statuses).toEqual(new Set(['not-assessed']));
    expect(control(view.controls, CIS, '5.2.2')).toMatchObject({ assessed: false, notAssessedReason: 'no-objects', objects: [] });
    expect(formatControlsText(report)).toMatch(/\n {2}5\.2\.2 {2}NOT ASSESSED: no object in the input that its rules apply to {2}rules: privileged\n/);
    expect(formatControlsText(report)).not.toContain('SATISFIED');
  });
});

describe('controls view: a pod spec the rules could not read', () => {
  // Strings where Kubernetes expects a list and an object: the rules read them as absent.
  const MALFORMED = HARDENED
    .replace('      containers:\n', '      volumes: "hostPath"\n      containers:\n')
    .replace('        securityContext: {allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: {drop: [ALL]}}\n', '        securityContext: "privileged"\n');

  test('satisfies no control about pod specs, and says which rule could not read it', () => {
    const { report, view } = viewOf(MALFORMED);
    expect(report.findings.filter((f) => f.rule === 'well-formed-pod-spec').map((f) => f.path).sort()).toEqual([
      'spec.template.spec.containers[0].securityContext', 'spec.template.spec.volumes',
    ]);
    for (const id of ['5.2.2', '5.2.12']) {
      const c = control(view.controls, CIS, id);
      expect(c.status).toBe('unknown');
      expect(c.objects).toEqual([expect.objectContaining({ kind: 'Deployment', name: 'web', verdict: 'not-checked', rules: ['well-formed-pod-spec'] })]);
    }
    expect(view.controls.filter((c) => c.objects.some((o) => o.verdict === 'satisfies'))).toEqual([]);
    expect(formatControlsText(report)).toMatch(/\n {2}5\.2\.2 {2}UNKNOWN {2}\(0 fail, 0 unknown, 1 not checked, 0 waived, 0 satisfy\).*\n {4}not-checked {4}Deployment shop\/web {2}input\.yaml:1 {2}\[well-formed-pod-spec\]\n/);
  });

  test('a failure it can read still fails the control', () => {
    const { view } = viewOf(MALFORMED.replace('      serviceAccountName: web\n', '      serviceAccountName: web\n      hostNetwork: true\n'));
    expect(control(view.controls, CIS, '5.2.5').objects).toEqual([expect.objectContaining({ verdict: 'fails', rules: ['host-namespaces'] })]);
  });
});

describe('controls view: an RBAC object or NetworkPolicy the API server would refuse', () => {
  test('is no evidence for the controls its rules map to, nor for the workloads judged by it', () => {
    // verbs: get and a peer with no selector: well-formed-objects fails both, the RBAC and NetworkPolicy rules pass them.
    const { report, view } = viewOf(`apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: reader, namespace: shop}
rules:
- {apiGroups: [""], resources: [configmaps], verbs: get}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny, namespace: shop}
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
  egress: [{to: [{}], ports: [{port: 53, protocol: UDP}]}]
---
${HARDENED}`, { level: 'hardened' });
    expect(report.findings.filter((f) => f.rule === 'well-formed-objects').map((f) => `${f.kind} ${f.path}`)).toEqual([
      'Role rules[0].verbs', 'NetworkPolicy spec.egress[0].to[0]',
    ]);
    expect(report.findings.filter((f) => ['rbac-no-wildcards', 'rbac-no-escalate', 'network-policy'].includes(f.rule))).toEqual([]);
    const rbac = control(view.controls, CIS, '5.1.3');
    expect(rbac.objects.map((o) => [o.kind, o.verdict, o.rules])).toEqual([['Role', 'not-checked', ['well-formed-objects']]]);
    expect(rbac.status).not.toBe('satisfied');
    const isolation = view.controls.filter((c) => c.rules.includes('network-policy'));
    expect(isolation.length).toBeGreaterThan(0);
    for (const c of isolation) {
      expect(c.objects.filter((o) => o.kind === 'Deployment').map((o) => [o.verdict, o.rules])).toEqual([['not-checked', ['well-formed-objects']]]);
    }
  });
});

describe('controls view: waivers', () => {
  const PRIVILEGED = HARDENED.replace('allowPrivilegeEscalation: false,', 'privileged: true, allowPrivilegeEscalation: false,');
  const waiver = { rule: 'privileged', kind: 'Deployment', namespace: 'shop', name: 'web', reason: 'CNI agent needs it (SEC-123)' };

  test('a control whose violation is waived is waived, not satisfied, with the waiver shown', () => {
    const { report, view } = viewOf(PRIVILEGED, { suppressions: [waiver] });
    const privileged = control(view.controls, CIS, '5.2.2');
    expect(privileged.status).toBe('waived');
    expect(privileged.assessed).toBe(true);
    expect(privileged.objects).toEqual([expect.objectContaining({ verdict: 'waived', rules: ['privileged'], suppressions: [{ rule: 'privileged', reason: waiver.reason, source: 'config' }] })]);
    const text = formatControlsText(report);
    expect(text).toMatch(/\n {2}5\.2\.2 {2}WAIVED {2}\(0 fail, 0 unknown, 1 waived, 0 satisfy\).*\n {4}waived {9}Deployment shop\/web {2}input\.yaml:1 {2}\[privileged\]\n {19}privileged suppressed by config: CNI agent needs it \(SEC-123\)\n/);
    expect(JSON.parse(formatControlsJson(report)).controls.find((c: { id: string }) => c.id === '5.2.2').status).toBe('waived');
  });

  test('a waiver on one object keeps the control from reading as satisfied by the others', () => {
    const other = HARDENED.replace(/name: web/g, 'name: api').replace(/app: web/g, 'app: api').replace('serviceAccountName: web', 'serviceAccountName: api');
    const { view } = viewOf(`${PRIVILEGED}---\n${other}`, { suppressions: [waiver] });
    const privileged = control(view.controls, CIS, '5.2.2');
    expect(privileged.objects.map((o) => [o.name, o.verdict])).toEqual([['web', 'waived'], ['api', 'satisfies']]);
    expect(privileged.status).toBe('waived');
  });
});

describe('controls view: an object checked only in part', () => {
  test('a waiver on its mapped pod template does not answer for the template the mapping does not reach', () => {
    // The Flink operator's example: the TaskManager's template sits outside the mapped spec.podTemplate.
    const flink = `apiVersion: flink.apache.org/v1beta1
kind: FlinkDeployment
metadata: {name: pod-template-example, namespace: shop}
spec:
  image: flink:1.17
  serviceAccount: flink
  podTemplate:
    spec:
      containers:
      - name: flink-main-container
        securityContext: {privileged: true}
  taskManager:
    podTemplate:
      spec:
        initContainers:
        - {name: busybox, image: 'busybox:1.35.0', command: [sh, -c, echo hello]}
`;
    const { report, view } = viewOf(flink, {
      workloadKinds: [{ kind: 'FlinkDeployment', group: 'flink.apache.org', templatePath: 'spec.podTemplate' }],
      suppressions: [{ rule: 'privileged', kind: 'FlinkDeployment', namespace: 'shop', name: 'pod-template-example', reason: 'reads host devices (SEC-9)' }],
    });
    expect(report.findings.filter((f) => f.rule === 'privileged').map((f) => f.outcome)).toEqual(['suppressed']);
    const privileged = control(view.controls, CIS, '5.2.2');
    expect(privileged).toMatchObject({ status: 'unknown', objects: [expect.objectContaining({ kind: 'FlinkDeployment', verdict: 'not-checked' })] });
    expect(formatControlsText(report)).toMatch(/\n {2}5\.2\.2 {2}UNKNOWN {2}\(0 fail, 0 unknown, 1 not checked, 0 waived, 0 satisfy\).*\n {4}not-checked {4}FlinkDeployment shop\/pod-template-example {2}input\.yaml:1\n/);
    expect(JSON.parse(formatControlsJson(report)).controls.find((c: { id: string }) => c.id === '5.2.2').status).toBe('unknown');
  });
});

describe('controls view: a rule that checks the fields of several controls', () => {
  test('a host network fails CIS 5.2.5 and NIST SP 800-190 4.4.2, not the host PID and IPC controls', () => {
    const { report, view } = viewOf(HARDENED.replace('      automountServiceAccountToken: false\n', '      automountServiceAccountToken: false\n      hostNetwork: true\n'));
    const verdicts = (framework: ControlStatus['framework'], id: string) => control(view.controls, framework, id).objects.map((o) => [o.verdict, o.rules]);
    expect(verdicts(CIS, '5.2.5')).toEqual([['fails', ['host-namespaces']]]);
    // A NetworkPolicy does not reliably isolate a pod on the node's network either.
    expect(verdicts('NIST SP 800-190', '4.4.2')).toEqual([['fails', ['host-namespaces', 'network-policy']]]);
    expect(verdicts('NIST SP 800-190', '4.4.3')).toEqual([['fails', ['host-namespaces']]]);
    for (const id of ['5.2.3', '5.2.4']) expect(control(view.controls, CIS, id)).toMatchObject({ status: 'satisfied', objects: [{ verdict: 'satisfies', rules: [] }] });
    const text = formatControlsText(report);
    expect(text).toMatch(/\n {2}5\.2\.3 {2}SATISFIED {2}\(0 fail, 0 unknown, 0 waived, 1 satisfy\) {2}rules: host-namespaces\n {4}satisfies {6}Deployment shop\/web/);
    expect(text).toMatch(/\n {2}5\.2\.5 {2}FAILS {2}\(1 fail, 0 unknown, 0 waived, 0 satisfy\) {2}rules: host-namespaces\n {4}fails {10}Deployment shop\/web {2}input\.yaml:1 {2}\[host-namespaces\]\n/);
    const json = JSON.parse(formatControlsJson(report));
    expect(json.controls.filter((c: ControlStatus) => c.framework === CIS && ['5.2.3', '5.2.4', '5.2.5'].includes(c.id)).map((c: ControlStatus) => c.status)).toEqual(['satisfied', 'satisfied', 'fails']);
  });

  test('a container that does not drop ALL fails CIS 5.2.8 (NET_RAW) and 5.2.10, not 5.2.9 (added capabilities) unless it adds one', () => {
    const add = (extra: string) => HARDENED.replace('capabilities: {drop: [ALL]}', extra);
    const statuses = (yaml: string) => ['5.2.8', '5.2.9', '5.2.10'].map((id) => control(viewOf(yaml).view.controls, CIS, id).status);
    expect(statuses(add('capabilities: {drop: [CHOWN]}'))).toEqual(['fails', 'satisfied', 'fails']);
    expect(statuses(add('capabilities: {drop: [ALL], add: [SYS_ADMIN]}'))).toEqual(['fails', 'fails', 'fails']);
    expect(statuses(HARDENED)).toEqual(['satisfied', 'satisfied', 'satisfied']);
  });

  test('a waived host PID waives CIS 5.2.3 alone', () => {
    const waiver = { rule: 'host-namespaces', kind: 'Deployment', namespace: 'shop', name: 'web', reason: 'node exporter reads host processes (SEC-7)' };
    const { view } = viewOf(HARDENED.replace('      automountServiceAccountToken: false\n', '      automountServiceAccountToken: false\n      hostPID: true\n'), { suppressions: [waiver] });
    expect(['5.2.3', '5.2.4', '5.2.5'].map((id) => control(view.controls, CIS, id).status)).toEqual(['waived', 'satisfied', 'satisfied']);
    // 4.4.2 is the host network's (and the NetworkPolicy's, not known from this input).
    expect(control(view.controls, 'NIST SP 800-190', '4.4.2').objects.map((o) => [o.verdict, o.rules])).toEqual([['unknown', ['network-policy']]]);
  });
});

describe('controls view: rules disabled by the config', () => {
  const PRIVILEGED = HARDENED.replace('allowPrivilegeEscalation: false,', 'privileged: true, allowPrivilegeEscalation: false,');

  test('a control whose rule the config disables says so, not that the level excludes it', () => {
    const { report, view } = viewOf(PRIVILEGED, { rules: { 'privileged': { enabled: false }, 'well-formed-pod-spec': { enabled: false } } });
    expect(report.disabledRules).toEqual(['well-formed-pod-spec', 'privileged']);
    expect(view.disabledRules).toEqual(['well-formed-pod-spec', 'privileged']);
    expect(control(view.controls, CIS, '5.2.2')).toMatchObject({ status: 'not-assessed', notAssessedReason: 'disabled', disabledRules: ['privileged'], objects: [] });
    const text = formatControlsText(report);
    expect(text).toContain('\nRules disabled by the config: well-formed-pod-spec, privileged.\n');
    expect(text).toMatch(/\n {2}5\.2\.2 {2}NOT ASSESSED: disabled by the config: privileged {2}rules: privileged\n/);
    // A control another rule still assesses names the disabled one.
    expect(control(view.controls, 'NIST SP 800-190', '4.4.3')).toMatchObject({ assessed: true, disabledRules: ['privileged'] });
    expect(text).toMatch(/\n {2}4\.4\.3 {2}[A-Z]+ .*rules: privileged, .*; disabled by the config: privileged[;\n]/);
    expect(JSON.parse(formatControlsJson(report)).controls.find((c: { id: string }) => c.id === '5.2.2')).toMatchObject({ notAssessedReason: 'disabled', disabledRules: ['privileged'] });
  });

  test('a rule outside the level is not reported as disabled', () => {
    const { report, view } = viewOf(PRIVILEGED, { level: 'baseline', rules: { 'image-digest': { enabled: false } } });
    expect(report.disabledRules).toEqual([]);
    expect(control(view.controls, CIS, '5.5.1')).toMatchObject({ notAssessedReason: 'not-run', disabledRules: [] });
  });

  test('a disabled rule and one with nothing to judge: both are named', () => {
    const { report, view } = viewOf(PRIVILEGED.replace(`@${DIGEST}`, ':latest'), { rules: { 'image-digest': { enabled: false } } });
    expect(control(view.controls, CIS, '5.5.1')).toMatchObject({ status: 'not-assessed', notAssessedReason: 'disabled', disabledRules: ['image-digest'], inapplicableRules: ['allowed-registries'] });
    expect(formatControlsText(report)).toMatch(
      /\n {2}5\.5\.1 {2}NOT ASSESSED: disabled by the config: image-digest; nothing to judge under this config \(no lock file or setting for it\): allowed-registries {2}rules: image-digest, allowed-registries\n/,
    );
  });
});

describe('controls view: the controls catalogue', () => {
  test('lists every control of the catalogue, those no rule checks as not assessed', () => {
    const { report, view } = viewOf(HARDENED);
    const listed = view.controls.map((c) => `${c.framework} ${c.edition} ${c.id}`);
    expect(listed).toEqual(expect.arrayContaining(CONTROLS.map((c) => `${c.framework} ${c.edition} ${c.id}`)));
    expect(control(view.controls, 'NIST SP 800-190', '4.2.3')).toMatchObject({ rules: [], assessed: false, status: 'not-assessed', notAssessedReason: 'no-rule', objects: [] });
    expect(control(view.controls, 'NIST SP 800-190', '4.2.3').interpretation).toBe(true);
    const text = formatControlsText(report);
    // Without a binding to a workload in the input, the rule that checks it has nothing to judge.
    expect(control(view.controls, CIS, '5.1.4')).toMatchObject({ rules: ['rbac-no-pod-create'], assessed: false, notAssessedReason: 'no-objects' });
    // Without signature keys in the config, the rule that checks content trust does not apply.
    expect(control(view.controls, DOCKER, '4.5')).toMatchObject({ rules: ['image-signed'], assessed: false, notAssessedReason: 'inapplicable' });
    expect(text).toContain('\n  4.2.3  NOT ASSESSED: no rule checks it\n');
  });

  test('every CIS and NIST control a rule maps is in the catalogue, under the benchmark\'s number', () => {
    const catalogue = new Set(CONTROLS.map((c) => `${c.framework} ${c.edition} ${c.id}`));
    const mapped = RULES.flatMap((rule) => rule.controls.filter((c) => c.framework !== 'Pod Security Standards').map((c) => `${rule.id}: ${c.framework} ${c.edition} ${c.id}`));
    expect(mapped.filter((entry) => !catalogue.has(entry.slice(entry.indexOf(': ') + 2)))).toEqual([]);
    // CIS Kubernetes 5.1.8 is bind, impersonate and escalate; 5.1.10 the proxy subresource of nodes.
    expect(RULES.find((r) => r.id === 'rbac-no-escalate')!.controls).toContainEqual({ framework: CIS, edition: 'v1.10', id: '5.1.8' });
    expect(RULES.find((r) => r.id === 'rbac-no-exec')!.controls).toContainEqual({ framework: CIS, edition: 'v1.10', id: '5.1.10' });
  });
});
