/**
 * The objects the admission policies are proven on, against evaluate(): the Pod Security mutation
 * corpus, variants of a compliant Pod aimed at each emitted rule, every workload kind, and Roles,
 * ClusterRoles and bindings aimed at the RBAC rules, with the config they are judged under. Used by the ValidatingAdmissionPolicies on the real API server
 * (admission-policies.test.ts) and by the Kyverno policies in the real Kyverno CLI
 * (test/admission/kyverno-apply.test.ts).
 */
import { hardenedPod, mutationCorpus } from './mutations';
import type { AdmissionPolicies } from '../../src/admission';
import { evaluate, type EngineConfig } from '../../src/engine';
import type { KubeObject } from '../../src/model';
import { WORKLOADS } from '../../src/model/workload-cel';
import { RULES } from '../../src/rules/catalogue';

type Fields = Record<string, any>;

const SHA = (c: string, n = 64): string => `sha256:${c.repeat(n)}`;
export const PINNED = `registry.example/app@${SHA('b')}`;

/** A Pod that passes every emitted rule: pinned images, read-only root filesystems, probes, its own ServiceAccount. */
export function compliantPod(): Fields {
  const pod = structuredClone(hardenedPod()) as Fields;
  const app = pod.spec.containers[0];
  app.readinessProbe = { httpGet: { port: 'http', path: '/ready' } };
  app.livenessProbe = { tcpSocket: { port: 8080 } };
  pod.spec.serviceAccountName = 'app';
  return pod;
}

/** The compliant Pod changed by `mutate`, named. */
function variant(id: string, mutate: (spec: Fields, pod: Fields) => void): { id: string; object: Fields } {
  const pod = compliantPod();
  mutate(pod.spec, pod);
  return { id, object: pod };
}

/** Images each exercising a corner of the reference grammar, the digest and the registry rules. */
const IMAGES = [
  'registry.example/app:1.0', 'registry.example/app', 'nginx', 'nginx:latest', `registry.example/app:1.0@${SHA('c')}`,
  `Registry.Example/app@${SHA('c')}`, `registry.example:5000/app@${SHA('c')}`, `registry.example:99999/app@${SHA('c')}`,
  `localhost/app@${SHA('c')}`, `localhost:5000@${SHA('c')}`, `registry.example/app@${SHA('c', 63)}`, `registry.example/app@sha512:${'c'.repeat(128)}`,
  `registry.example/app@sha384:${'c'.repeat(64)}`, `registry.example/App@${SHA('c')}`, `registry.example/${'a'.repeat(240)}@${SHA('c')}`,
  `registry.example/${'a'.repeat(230)}@${SHA('c')}`, `index.docker.io/nginx@${SHA('c')}`, `docker.io/nginx@${SHA('c')}`, `DOCKER.IO/nginx@${SHA('c')}`,
  `INDEX.DOCKER.IO/library/nginx@${SHA('c')}`, `[::1]:5000/app@${SHA('c')}`, `a_b.c/app@${SHA('c')}`, `acme/app@${SHA('c')}`, `nginx@${SHA('c')}`,
  `ghcr.io/acme/api@${SHA('c')}`, `ghcr.io/acme@${SHA('c')}`, `ghcr.io/acmex/api@${SHA('c')}`, `GHCR.IO/acme/api:2@${SHA('c')}`,
  'c'.repeat(64), `c${'c'.repeat(63)}:1`, `registry.example/app@sha256:${'C'.repeat(64)}`, `registry.example//app@${SHA('c')}`,
  `registry.example/a__b/c---d@${SHA('c')}`, `registry.example/a___b@${SHA('c')}`, `reg-.example/app@${SHA('c')}`, `registry.example/app:-x@${SHA('c')}`,
];

/** Workloads aimed at each emitted rule, in the test's namespace. */
export function ruleVariants(): { id: string; object: Fields }[] {
  const variants = [
    variant('compliant', () => undefined),
    ...IMAGES.map((image) => variant(`app image ${image}`, (spec) => { spec.containers[0].image = image; })),
    ...IMAGES.slice(0, 3).map((image) => variant(`init image ${image}`, (spec) => { spec.initContainers[0].image = image; })),
    variant('app readOnlyRootFilesystem removed', (spec) => { delete spec.containers[0].securityContext.readOnlyRootFilesystem; }),
    variant('init readOnlyRootFilesystem false', (spec) => { spec.initContainers[0].securityContext.readOnlyRootFilesystem = false; }),
    variant('app securityContext removed', (spec) => { delete spec.containers[0].securityContext; }),
    variant('readinessProbe removed', (spec) => { delete spec.containers[0].readinessProbe; }),
    variant('livenessProbe removed', (spec) => { delete spec.containers[0].livenessProbe; }),
    variant('probe on an undeclared port name', (spec) => { spec.containers[0].readinessProbe = { httpGet: { port: 'metrics' } }; }),
    variant('startupProbe on an undeclared port name', (spec) => { spec.containers[0].startupProbe = { tcpSocket: { port: 'admin' } }; }),
    variant('postStart httpGet on an undeclared port name', (spec) => { spec.containers[0].lifecycle = { postStart: { httpGet: { port: 'web' } } }; }),
    variant('preStop tcpSocket hook', (spec) => { spec.containers[0].lifecycle = { preStop: { tcpSocket: { port: 8080 } } }; }),
    variant('preStop sleep hook', (spec) => { spec.containers[0].lifecycle = { preStop: { sleep: { seconds: 1 } } }; }),
    variant('run to completion without probes', (spec) => {
      spec.restartPolicy = 'Never';
      delete spec.containers[0].readinessProbe;
      delete spec.containers[0].livenessProbe;
    }),
    variant('sidecar without probes', (spec) => { spec.initContainers[0].restartPolicy = 'Always'; }),
    variant('sidecar with probes', (spec) => {
      Object.assign(spec.initContainers[0], { restartPolicy: 'Always', readinessProbe: { tcpSocket: { port: 9090 } }, livenessProbe: { tcpSocket: { port: 9090 } } });
    }),
    variant('no serviceAccountName', (spec) => { delete spec.serviceAccountName; }),
    variant('serviceAccountName default', (spec) => { spec.serviceAccountName = 'default'; }),
    variant('deprecated serviceAccount app', (spec) => { delete spec.serviceAccountName; spec.serviceAccount = 'app'; }),
    variant('env secretKeyRef', (spec) => { spec.containers[0].env = [{ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } }]; }),
    variant('init envFrom secretRef', (spec) => { spec.initContainers[0].envFrom = [{ secretRef: { name: 'db' } }]; }),
    variant('env configMapKeyRef', (spec) => { spec.containers[0].env = [{ name: 'MODE', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'mode' } } }]; }),
    variant('suppressed by annotation', (spec, pod) => {
      spec.containers[0].image = 'registry.example/app:1.0';
      pod.metadata.annotations = { 'hardpod.dev/suppress.image-digest': 'pinned at deploy time' };
    }),
    variant('suppression annotation of another rule', (spec, pod) => {
      spec.containers[0].image = 'registry.example/app:1.0';
      pod.metadata.annotations = { 'hardpod.dev/suppress.probes': 'a batch pod' };
    }),
    variant('windows pod', (spec) => {
      spec.os = { name: 'windows' };
      delete spec.securityContext;
      for (const c of [...spec.initContainers, ...spec.containers]) delete c.securityContext;
    }),
  ];
  const suppressed = variant('suppressed by config', (spec) => { delete spec.containers[0].securityContext.readOnlyRootFilesystem; });
  suppressed.object.metadata.name = 'suppressed-by-config';
  return [...variants, suppressed];
}

/** Each workload kind, holding the pod spec of a compliant Pod and of one failing several rules. */
export function workloadKinds(): { id: string; object: Fields }[] {
  const failing = (): Fields => {
    const spec = compliantPod().spec;
    spec.containers[0].image = 'nginx:1.27';
    delete spec.containers[0].securityContext.readOnlyRootFilesystem;
    spec.containers[0].env = [{ name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'api', key: 'token' } } }];
    return spec;
  };
  const labels = { 'app.kubernetes.io/name': 'kind' };
  const template = (spec: Fields, restartPolicy?: string): Fields =>
    ({ metadata: { labels }, spec: restartPolicy ? { ...spec, restartPolicy } : spec });
  const kinds: [string, string, (spec: Fields) => Fields][] = [
    ['apps/v1', 'Deployment', (spec) => ({ selector: { matchLabels: labels }, template: template(spec) })],
    ['apps/v1', 'StatefulSet', (spec) => ({ serviceName: 'kind', selector: { matchLabels: labels }, template: template(spec) })],
    ['apps/v1', 'DaemonSet', (spec) => ({ selector: { matchLabels: labels }, template: template(spec) })],
    ['apps/v1', 'ReplicaSet', (spec) => ({ selector: { matchLabels: labels }, template: template(spec) })],
    ['v1', 'ReplicationController', (spec) => ({ selector: labels, template: template(spec) })],
    ['batch/v1', 'Job', (spec) => ({ template: template(spec, 'Never') })],
    ['batch/v1', 'CronJob', (spec) => ({ schedule: '0 * * * *', jobTemplate: { spec: { template: template(spec, 'OnFailure') } } })],
  ];
  const out: { id: string; object: Fields }[] = [];
  for (const [apiVersion, kind, body] of kinds) {
    for (const [which, spec] of [['compliant', compliantPod().spec], ['failing', failing()]] as const) {
      out.push({ id: `${kind} ${which}`, object: { apiVersion, kind, metadata: { name: `${kind.toLowerCase()}-${which}` }, spec: body(spec) } });
    }
  }
  for (const [which, spec] of [['compliant', compliantPod().spec], ['failing', failing()]] as const) {
    out.push({ id: `PodTemplate ${which}`, object: { apiVersion: 'v1', kind: 'PodTemplate', metadata: { name: `podtemplate-${which}` }, template: template(spec) } });
  }
  // In the default namespace (a Deployment: no ServiceAccount is looked up for it there).
  out.push({ id: 'Deployment in default', object: { ...out[0].object, metadata: { name: 'in-default', namespace: 'default' } } });
  return out;
}

const RBAC = 'rbac.authorization.k8s.io';
/** The RBAC kinds that have no namespace. */
export const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set(['ClusterRole', 'ClusterRoleBinding']);
/** Names of cluster-scoped objects carry this prefix: other suites may create ClusterRoles of their own on the same server. */
const CORPUS_PREFIX = 'hardpod-corpus-';
const SUPPRESSED_CLUSTER_ROLE = `${CORPUS_PREFIX}suppressed-by-config`;

/** A Role or ClusterRole's rule. */
const grant = (verbs: string[], resources: string[], apiGroups = [''], extra: Fields = {}): Fields => ({ apiGroups, resources, verbs, ...extra });
const roleOf = (kind: string, name: string, rules: Fields[], extra: Fields = {}): Fields =>
  ({ apiVersion: `${RBAC}/v1`, kind, metadata: { name: `${CORPUS_PREFIX}${name}`, ...extra.metadata }, rules, ...(extra.aggregationRule ? { aggregationRule: extra.aggregationRule } : {}) });

/** Policy rules aimed at rbac-no-wildcards and rbac-no-escalate, each passing or failing one way. */
const POLICY_RULES: readonly [string, Fields[]][] = [
  ['reader', [grant(['get', 'list', 'watch'], ['pods', 'configmaps'])]],
  ['no rules', []],
  ['wildcard verb', [grant(['*'], ['pods'])]],
  ['wildcard api group', [grant(['get'], ['pods'], ['*'])]],
  ['wildcard resource', [grant(['get'], ['*'])]],
  ['wildcard subresource', [grant(['get'], ['pods/*'])]],
  ['wildcard resource of a subresource', [grant(['update'], ['*/scale'], ['apps'])]],
  ['bind roles', [grant(['bind'], ['roles'], [RBAC])]],
  ['escalate clusterroles', [grant(['escalate'], ['clusterroles'], [RBAC])]],
  ['bind one clusterrole by name', [grant(['bind'], ['clusterroles'], [RBAC], { resourceNames: ['view'] })]],
  ['bind roles in another api group', [grant(['bind'], ['roles'], ['apps'])]],
  ['impersonate serviceaccounts', [grant(['impersonate'], ['serviceaccounts'])]],
  ['impersonate users in another api group', [grant(['impersonate'], ['users'], ['apps'])]],
  ['impersonate uids', [grant(['impersonate'], ['uids'], ['authentication.k8s.io'])]],
  ['impersonate a user extra', [grant(['impersonate'], ['userextras/team'], ['authentication.k8s.io'])]],
  ['impersonate a user extra of any resource', [grant(['impersonate'], ['*/team'], ['authentication.k8s.io'])]],
  ['impersonate groups among readers', [grant(['get'], ['pods']), grant(['impersonate', 'get'], ['groups'])]],
  ['get users', [grant(['get'], ['users'])]],
];

/** The emitted rules evaluate() fails the object on; an unknown or error outcome of one would make the comparison moot. */
export function failingRules(object: KubeObject, config: EngineConfig, policies: Pick<AdmissionPolicies, 'emitted'>): Set<string> {
  const report = evaluate([{ object, source: { file: 'corpus' } }], config);
  const emitted = new Set(policies.emitted.map((e) => e.rule));
  const findings = report.findings.filter((f) => emitted.has(f.rule));
  const unclear = findings.filter((f) => f.outcome === 'unknown' || f.outcome === 'error');
  if (unclear.length > 0) throw new Error(`evaluate() is not clear about ${object.metadata?.name}: ${JSON.stringify(unclear)}`);
  return new Set(findings.filter((f) => f.outcome === 'fail').map((f) => f.rule));
}

/** Whether the policy of an emitted rule judges objects of `kind`: an RBAC rule's kinds, or every workload kind. */
export function policyJudges(rule: string, kind: string): boolean {
  const kinds = RULES.find((r) => r.id === rule)?.kinds;
  return kinds === undefined ? WORKLOADS.some((w) => w.kind === kind) : kinds.includes(kind);
}

/** Roles, ClusterRoles and bindings aimed at the RBAC rules the policies carry, with suppressions and an aggregated ClusterRole. */
export function rbacObjects(): { id: string; object: Fields }[] {
  const out: { id: string; object: Fields }[] = [];
  for (const [id, rules] of POLICY_RULES) {
    const name = id.replace(/ /g, '-');
    out.push({ id: `Role ${id}`, object: roleOf('Role', name, rules) }, { id: `ClusterRole ${id}`, object: roleOf('ClusterRole', name, rules) });
  }
  // Non-resource URLs belong to ClusterRoles only.
  out.push(
    { id: 'ClusterRole non-resource URL', object: roleOf('ClusterRole', 'healthz', [{ nonResourceURLs: ['/healthz'], verbs: ['get'] }]) },
    { id: 'ClusterRole non-resource URL prefix', object: roleOf('ClusterRole', 'api-prefix', [{ nonResourceURLs: ['/api/*'], verbs: ['get'] }]) },
    {
      id: 'ClusterRole aggregated, with a wildcard written in',
      object: roleOf('ClusterRole', 'aggregated', [grant(['*'], ['pods'])], { aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'hardpod.dev/aggregate-to': 'corpus' } }] } }),
    },
    {
      id: 'ClusterRole suppressed by annotation',
      object: roleOf('ClusterRole', 'suppressed-by-annotation', [grant(['*'], ['pods'])], { metadata: { annotations: { 'hardpod.dev/suppress.rbac-no-wildcards': 'an operator that manages every pod' } } }),
    },
    { id: 'ClusterRole suppressed by config', object: { ...roleOf('ClusterRole', 'x', [grant(['*'], ['pods'])]), metadata: { name: SUPPRESSED_CLUSTER_ROLE } } },
    {
      id: 'Role suppressed by annotation of another rule',
      object: roleOf('Role', 'other-suppression', [grant(['*'], ['pods'])], { metadata: { annotations: { 'hardpod.dev/suppress.rbac-no-escalate': 'not this rule' } } }),
    },
  );
  const subjects = [{ kind: 'ServiceAccount', name: 'app', namespace: 'shop' }];
  const binding = (kind: string, name: string, roleRef: Fields): Fields => ({ apiVersion: `${RBAC}/v1`, kind, metadata: { name: `${CORPUS_PREFIX}${name}` }, subjects, roleRef: { apiGroup: RBAC, ...roleRef } });
  for (const kind of ['RoleBinding', 'ClusterRoleBinding']) {
    out.push(
      { id: `${kind} to cluster-admin`, object: binding(kind, 'cluster-admin', { kind: 'ClusterRole', name: 'cluster-admin' }) },
      { id: `${kind} to view`, object: binding(kind, 'view', { kind: 'ClusterRole', name: 'view' }) },
      { id: `${kind} to cluster-admin, suppressed by annotation`, object: { ...binding(kind, 'suppressed', { kind: 'ClusterRole', name: 'cluster-admin' }), metadata: { name: `${CORPUS_PREFIX}suppressed`, annotations: { 'hardpod.dev/suppress.rbac-no-cluster-admin': 'break-glass access' } } } },
    );
  }
  // A Role that happens to be named cluster-admin grants what it lists, not cluster-admin.
  out.push({ id: 'RoleBinding to a Role named cluster-admin', object: binding('RoleBinding', 'role-named-cluster-admin', { kind: 'Role', name: 'cluster-admin' }) });
  return out;
}

/** The config the corpus is judged under, for objects in `namespace`: allowed registries, and config suppressions of one workload and one ClusterRole. */
export function admissionCorpusConfig(namespace: string): EngineConfig {
  return {
    hardened: { allowedRegistries: ['registry.example', 'docker.io/library', 'ghcr.io/acme'] },
    suppressions: [
      { rule: 'read-only-root-filesystem', kind: 'Pod', namespace, name: 'suppressed-by-config', reason: 'a legacy app that writes to /var' },
      { rule: 'rbac-no-wildcards', kind: 'ClusterRole', name: SUPPRESSED_CLUSTER_ROLE, reason: 'the vendor operator needs every verb on pods' },
    ],
  };
}

/** The whole corpus: the mutation corpus, the variants aimed at each rule, every workload kind, and the RBAC objects. */
export function admissionCorpus(): { id: string; object: Fields }[] {
  return [
    ...mutationCorpus().map((m) => ({ id: `mutation ${m.id}`, object: m.pod as Fields })),
    ...ruleVariants(),
    ...workloadKinds(),
    ...rbacObjects(),
  ];
}

/** Ephemeral containers added to a compliant Pod: one passing every rule, the others failing one each. */
export const EPHEMERAL_CONTAINERS: readonly Fields[] = [
  { name: 'debugger', image: PINNED, securityContext: { readOnlyRootFilesystem: true } },
  { name: 'debugger', image: 'busybox:1.36', securityContext: { readOnlyRootFilesystem: true } },
  { name: 'debugger', image: PINNED },
  { name: 'debugger', image: PINNED, securityContext: { readOnlyRootFilesystem: true }, envFrom: [{ secretRef: { name: 'db' } }] },
];

/** A compliant Pod changed to fail one emitted rule only; for an RBAC rule, a ClusterRole or ClusterRoleBinding failing it. */
export function variantFailing(rule: string): Fields {
  if (rule === 'rbac-no-wildcards') return roleOf('ClusterRole', 'canary-wildcards', [grant(['get'], ['*'])]);
  if (rule === 'rbac-no-escalate') return roleOf('ClusterRole', 'canary-escalate', [grant(['impersonate'], ['users'])]);
  if (rule === 'rbac-no-cluster-admin') {
    return { apiVersion: `${RBAC}/v1`, kind: 'ClusterRoleBinding', metadata: { name: `${CORPUS_PREFIX}canary` }, subjects: [{ kind: 'Group', name: 'ops', apiGroup: RBAC }], roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: 'cluster-admin' } };
  }
  const pod = compliantPod();
  pod.metadata = { name: `canary-${rule}` };
  const app = pod.spec.containers[0];
  if (rule === 'image-digest') app.image = 'registry.example/app:1.0';
  else if (rule === 'allowed-registries') app.image = `ghcr.io/other/app@${SHA('c')}`;
  else if (rule === 'read-only-root-filesystem') delete app.securityContext.readOnlyRootFilesystem;
  else if (rule === 'dedicated-service-account') delete pod.spec.serviceAccountName;
  else if (rule === 'secrets-as-files') app.env = [{ name: 'X', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }];
  else if (rule === 'probes') delete app.readinessProbe;
  else throw new Error(`no canary for ${rule}`);
  return pod;
}
