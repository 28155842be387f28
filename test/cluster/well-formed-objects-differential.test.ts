/**
 * Differential: Roles, ClusterRoles, bindings, NetworkPolicies, Namespaces and ServiceAccounts with
 * fields of the wrong type or value at the places the cross-object rules read, dry-run created on the
 * real kube-apiserver and judged by the well-formed-objects rule. The rule says "the API server
 * would reject it": each of its findings must be on an object the server refuses (or be listed in
 * DELIBERATE with its reason, which the message must give), and each object the server refuses for
 * a field the rule reads must get a finding at or around that field.
 */
import * as fc from 'fast-check';
import { evaluate } from '../../src/engine/evaluate';
import type { KubeObject } from '../../src/model/kube-object';
import type { Verdict } from '../harness/cluster';
import { describeCluster } from '../harness/cluster-suite';
import { mapLimit } from '../harness/pod-security';

type Fields = Record<string, unknown>;
type Kind = 'Role' | 'ClusterRole' | 'RoleBinding' | 'ClusterRoleBinding' | 'NetworkPolicy' | 'Namespace' | 'ServiceAccount';
const RBAC = 'rbac.authorization.k8s.io';

/** A well-formed object of each kind, which the server admits and the rule passes. */
function base(kind: Kind): Fields {
  const rbac = { apiVersion: `${RBAC}/v1`, kind, metadata: { name: 'reader' } };
  const subjects = [{ kind: 'ServiceAccount', name: 'app', namespace: 'shop' }];
  const peer = { podSelector: { matchLabels: { app: 'lb' } }, namespaceSelector: { matchLabels: { team: 'web' } } };
  const block = { ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } };
  switch (kind) {
    case 'Role':
      return { ...rbac, rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }] };
    case 'ClusterRole':
      return {
        ...rbac,
        metadata: { name: 'reader', labels: { team: 'web' } },
        rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }],
        aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'rbac.example.com/aggregate-to-reader': 'true' } }] },
      };
    case 'RoleBinding':
      return { ...rbac, roleRef: { apiGroup: RBAC, kind: 'Role', name: 'reader' }, subjects };
    case 'ClusterRoleBinding':
      return { ...rbac, roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: 'view' }, subjects };
    case 'NetworkPolicy':
      return {
        apiVersion: 'networking.k8s.io/v1',
        kind,
        metadata: { name: 'web' },
        spec: {
          podSelector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['a'] }] },
          policyTypes: ['Ingress', 'Egress'],
          // Each rule with a selector peer (0) and an ipBlock peer (1), which may not be in one peer.
          ingress: [{ from: [peer, block], ports: [{ protocol: 'TCP', port: 8080 }] }],
          egress: [{ to: [peer, block], ports: [{ protocol: 'UDP', port: 53 }] }],
        },
      };
    case 'Namespace':
      return { apiVersion: 'v1', kind, metadata: { name: 'shop', labels: { team: 'web' } } };
    case 'ServiceAccount':
      return { apiVersion: 'v1', kind, metadata: { name: 'app' }, automountServiceAccountToken: false };
  }
}

/** `rules[0].verbs` as segments: `rules`, 0, `verbs`. */
function segments(path: string): (string | number)[] {
  return path.split('.').flatMap((part) => part.split(/[[\]]/).filter((s) => s !== '').map((s, i) => (i > 0 ? Number(s) : s)));
}

/** The object with `value` at `path` (intermediate objects made as needed); `undefined` removes the field. */
function put(object: Fields, path: string, value: unknown): Fields {
  const copy = JSON.parse(JSON.stringify(object)) as Fields;
  const parts = segments(path);
  let at: Record<string | number, unknown> = copy;
  for (const part of parts.slice(0, -1)) {
    if (typeof at[part] !== 'object' || at[part] === null) at[part] = {};
    at = at[part] as Record<string | number, unknown>;
  }
  const last = parts[parts.length - 1];
  if (value === undefined) delete at[last];
  else at[last] = value;
  return copy;
}

/** A field, the kind it is set on, and the values to try there. */
interface FieldCase {
  readonly kind: Kind;
  /** Path from the object root, as the rule writes it. */
  readonly path: string;
  readonly values: readonly unknown[];
  /** Set before the value: fields the case needs (`operator: In` for a requirement's values). */
  readonly with?: Readonly<Record<string, unknown>>;
}

const BOOLEANS: readonly unknown[] = [true, false, 'true', '', 0, 1, [], {}, null];
const OBJECTS: readonly unknown[] = [{}, 'x', 5, true, [], null];
const STRING_LISTS: readonly unknown[] = [[], ['x'], ['*'], 'x', 5, {}, [5], [null], [true], [{}], [['x']], null];
const LABELS: readonly unknown[] = [
  {}, { team: 'web' }, { team: '' }, { team: null }, { team: 5 }, { team: true }, { team: [] }, { team: {} }, { team: 'a b' }, { team: '-web' },
  { team: 'x'.repeat(63) }, { team: 'x'.repeat(64) }, { 'example.com/team': 'web' }, { 'Example.com/team': 'web' }, { 'a b': 'web' }, { '': 'web' },
  { '/team': 'web' }, { 'example.com/': 'web' }, { [`${'k'.repeat(63)}`]: 'web' }, { [`${'k'.repeat(64)}`]: 'web' }, 'x', [], 5, null,
];
const OPERATORS: readonly unknown[] = ['In', 'NotIn', 'Exists', 'DoesNotExist', 'in', 'Equals', 'Gt', '', 5, null];
const VALUES: readonly unknown[] = [[], ['a'], ['a', 'b'], [''], ['a b'], [null], [5], 'a', {}, null, undefined];
const CIDRS: readonly unknown[] = [
  '10.0.0.0/8', '10.0.0.1/8', '10.0.0.0', '10.0.0.0/33', '0.0.0.0/0', '::/0', 'fd00::/8', 'FD00::/8', 'fd00::1/8', '::ffff:10.0.0.0/104',
  '010.0.0.0/8', '10.0.0.0/08', 'x', '', 5, null, [], {},
];
const PORTS: readonly unknown[] = [8080, 1, 0, 65535, 65536, -1, 8080.5, 2 ** 31, 'http', 'HTTP', 'http-web', 'x'.repeat(16), '8080', '', true, null, [], {}];

const field = (kind: Kind, path: string, values: readonly unknown[], withFields?: Readonly<Record<string, unknown>>): FieldCase =>
  ({ kind, path, values, with: withFields });

const policyRuleFields = (kind: 'Role' | 'ClusterRole'): FieldCase[] => [
  field(kind, 'rules', [[], null, 'x', {}, [null], ['x'], [5], [{}], [{ verbs: ['get'] }], [{ nonResourceURLs: ['/healthz'], verbs: ['get'] }]]),
  ...['apiGroups', 'resources', 'verbs', 'resourceNames', 'nonResourceURLs'].map((list) => field(kind, `rules[0].${list}`, STRING_LISTS)),
  field(kind, 'rules[0].nonResourceURLs', [['/healthz'], ['*']], { 'rules[0].apiGroups': undefined, 'rules[0].resources': undefined }),
];

const selectorFields = (kind: Kind, at: string): FieldCase[] => [
  field(kind, at, OBJECTS),
  field(kind, `${at}.matchLabels`, LABELS),
  field(kind, `${at}.matchExpressions`, [[], null, 'x', {}, [null], ['x'], [{}], [{ key: 'tier', operator: 'Exists' }]]),
  field(kind, `${at}.matchExpressions[0].key`, ['tier', 'example.com/tier', '', 'a b', 'Example.com/tier', 5, null, undefined], { [`${at}.matchExpressions[0]`]: { operator: 'Exists' } }),
  ...[['a'], undefined].map((values) => field(kind, `${at}.matchExpressions[0].operator`, OPERATORS, { [`${at}.matchExpressions[0]`]: { key: 'tier', values } })),
  ...['In', 'NotIn', 'Exists', 'DoesNotExist'].map((operator) => field(kind, `${at}.matchExpressions[0].values`, VALUES, { [`${at}.matchExpressions[0]`]: { key: 'tier', operator } })),
];

const bindingFields = (kind: 'RoleBinding' | 'ClusterRoleBinding'): FieldCase[] => [
  field(kind, 'roleRef', [...OBJECTS, { kind: 'ClusterRole', name: 'view' }, { apiGroup: RBAC, kind: 'ClusterRole', name: 'view' }]),
  field(kind, 'roleRef.apiGroup', [RBAC, '', 'rbac', 'rbac.authorization.k8s.io/v1', 5, null, undefined]),
  field(kind, 'roleRef.kind', ['Role', 'ClusterRole', 'role', 'ServiceAccount', '', 5, null, undefined]),
  field(kind, 'roleRef.name', ['view', 'a.b', 'a/b', 'a%b', '..', '.', 'Web', 'a b', 'system:aggregate-to-view', '', 5, null, undefined]),
  field(kind, 'subjects', [...OBJECTS, [null], ['x'], [{}], [{ kind: 'User', name: 'alice' }]]),
  ...(['ServiceAccount', 'User', 'Group'] as const).flatMap((subject) => [
    field(kind, 'subjects[0].kind', [subject, subject.toLowerCase(), 'Pod', '', 5, null, undefined], { 'subjects[0]': { name: 'app', namespace: 'shop' } }),
    field(kind, 'subjects[0].apiGroup', [RBAC, '', 'v1', 5, null, undefined], { 'subjects[0]': { kind: subject, name: 'app', namespace: 'shop' } }),
    field(kind, 'subjects[0].name', ['app', 'a.b', 'App', 'a b', 'system:serviceaccount:shop:app', 'a/b', '', 5, null, undefined], { 'subjects[0]': { kind: subject, namespace: 'shop' } }),
    field(kind, 'subjects[0].namespace', ['shop', '', 'Shop', 'a.b', 5, null, undefined], { 'subjects[0]': { kind: subject, name: 'app' } }),
  ]),
];

const FIELDS: readonly FieldCase[] = [
  ...policyRuleFields('Role'),
  ...policyRuleFields('ClusterRole'),
  field('ClusterRole', 'metadata.labels', LABELS),
  field('ClusterRole', 'aggregationRule', [...OBJECTS, { clusterRoleSelectors: [] }]),
  field('ClusterRole', 'aggregationRule.clusterRoleSelectors', [...OBJECTS, [null], ['x'], [{}]]),
  ...selectorFields('ClusterRole', 'aggregationRule.clusterRoleSelectors[0]'),
  ...bindingFields('RoleBinding'),
  ...bindingFields('ClusterRoleBinding'),
  field('NetworkPolicy', 'spec', OBJECTS),
  ...selectorFields('NetworkPolicy', 'spec.podSelector'),
  field('NetworkPolicy', 'spec.policyTypes', [
    ...STRING_LISTS, ['Ingress'], ['Egress'], ['Ingress', 'Egress'], ['Egress', 'Ingress'], ['Ingress', 'Ingress'], ['Ingress', 'Egress', 'Ingress'], ['ingress'], [''],
  ]),
  ...(['ingress', 'egress'] as const).flatMap((direction) => {
    const peers = direction === 'ingress' ? 'from' : 'to';
    const rule = `spec.${direction}[0]`;
    return [
      field('NetworkPolicy', `spec.${direction}`, [...OBJECTS, [null], ['x'], [{}], [5]]),
      field('NetworkPolicy', `${rule}.${peers}`, [...OBJECTS, [null], ['x'], [{}], [{ podSelector: {} }, { namespaceSelector: {} }]]),
      field('NetworkPolicy', `${rule}.${peers}[0]`, [
        {}, { podSelector: {} }, { namespaceSelector: {} }, { podSelector: {}, namespaceSelector: {} }, { podSelector: null },
        { podSelector: null, namespaceSelector: null },
        { ipBlock: { cidr: '10.0.0.0/8' } }, { ipBlock: { cidr: '10.0.0.0/8' }, podSelector: {} }, { ipBlock: { cidr: '10.0.0.0/8' }, namespaceSelector: {} }, { ipBlock: {} },
        { ipBlock: null }, 'x', 5, null,
      ]),
      ...selectorFields('NetworkPolicy', `${rule}.${peers}[0].podSelector`),
      field('NetworkPolicy', `${rule}.${peers}[0].namespaceSelector.matchLabels`, LABELS),
      field('NetworkPolicy', `${rule}.${peers}[1].ipBlock`, OBJECTS),
      field('NetworkPolicy', `${rule}.${peers}[1].ipBlock.cidr`, [...CIDRS, undefined], { [`${rule}.${peers}[1]`]: { ipBlock: {} } }),
      field('NetworkPolicy', `${rule}.${peers}[1].ipBlock.except`, [
        ...STRING_LISTS, ...CIDRS.map((c) => [c]), ['10.0.0.0/8'], ['10.0.0.0/9'], ['10.1.0.0/16', '11.0.0.0/16'], ['fd00::/16'], ['10.1.0.1/16'],
      ], { [`${rule}.${peers}[1]`]: { ipBlock: { cidr: '10.0.0.0/8' } } }),
      field('NetworkPolicy', `${rule}.ports`, [...OBJECTS, [null], ['x'], [5], [{}]]),
      field('NetworkPolicy', `${rule}.ports[0]`, [...OBJECTS, { port: 53 }, { protocol: 'UDP' }]),
      field('NetworkPolicy', `${rule}.ports[0].protocol`, ['TCP', 'UDP', 'SCTP', 'tcp', 'ICMP', '', 5, null]),
      field('NetworkPolicy', `${rule}.ports[0].port`, [...PORTS, undefined]),
      field('NetworkPolicy', `${rule}.ports[0].endPort`, [8080, 8081, 8079, 65535, 65536, 0, 'http', 8081.5, null], { [`${rule}.ports[0]`]: { protocol: 'TCP', port: 8080 } }),
      field('NetworkPolicy', `${rule}.ports[0].endPort`, [8081, null], { [`${rule}.ports[0]`]: { protocol: 'TCP', port: 'http' } }),
      field('NetworkPolicy', `${rule}.ports[0].endPort`, [8081, null], { [`${rule}.ports[0]`]: { protocol: 'TCP' } }),
    ];
  }),
  field('Namespace', 'metadata.labels', LABELS),
  field('ServiceAccount', 'automountServiceAccountToken', BOOLEANS),
];

/** The object of the case with `value` at its field. */
function objectWith(c: FieldCase, value: unknown): KubeObject {
  let object = base(c.kind);
  for (const [path, v] of Object.entries(c.with ?? {})) object = put(object, path, v);
  return put(object, c.path, value) as unknown as KubeObject;
}

interface Finding {
  readonly path: string;
  readonly message: string;
}

interface Judged {
  readonly what: string;
  readonly field: FieldCase;
  readonly server: Verdict;
  /** Failing findings of well-formed-objects. */
  readonly findings: readonly Finding[];
}

const RULE = 'well-formed-objects';

function findingsOf(object: KubeObject, minor: number): Finding[] {
  const report = evaluate([{ object, source: { file: '<generated>' } }], { level: 'hardened', kubernetesVersion: `1.${minor}` });
  return report.findings.filter((f) => f.rule === RULE && (f.outcome === 'fail' || f.outcome === 'error')).map(({ path, message }) => ({ path, message }));
}

async function judge(server: (o: KubeObject) => Promise<Verdict>, minor: number, c: FieldCase, value: unknown): Promise<Judged> {
  const object = objectWith(c, value);
  return {
    what: `${c.kind} ${c.path}=${value === undefined ? '(absent)' : JSON.stringify(value)}${c.with ? ` with ${JSON.stringify(c.with)}` : ''}`,
    field: c,
    server: await server(object),
    findings: findingsOf(object, minor),
  };
}

/** A finding on an object the server admits, on purpose: the message must give the reason. */
interface Deliberate {
  /** Matches the finding's path. */
  readonly path: RegExp;
  readonly why: string;
  /** Matches the finding's message. */
  readonly reason: RegExp;
}

const DELIBERATE: readonly Deliberate[] = [];

const show = (findings: readonly Finding[]): string => (findings.length ? findings.map((f) => `${f.path}: ${f.message}`).join('; ') : 'no finding');

const within = (path: string, outer: string): boolean => path === outer || path.startsWith(`${outer}.`) || path.startsWith(`${outer}[`);

/**
 * A finding at the field, below it, at an object holding it, or at a field next to it that goes with
 * it (the values of a requirement whose operator the case sets, the resources of a rule without
 * nonResourceURLs).
 */
function related(f: Finding, path: string): boolean {
  const dot = path.lastIndexOf('.');
  return within(f.path, path) || within(path, f.path) || (dot > 0 && within(f.path, path.slice(0, dot)));
}

/** Refused for fields the object should not have at all (strict field validation), which no rule reads. */
const unknownFields = (v: Verdict): boolean => v.status === 400 && /strict decoding error: unknown field/.test(v.message ?? '');

function disagreements(judged: readonly Judged[]): string[] {
  const found: string[] = [];
  for (const j of judged) {
    if (j.server.allowed) {
      const unexplained = j.findings.filter((f) => !DELIBERATE.some((d) => d.path.test(f.path) && d.reason.test(f.message)));
      if (unexplained.length > 0) found.push(`${j.what}: the API server admits it, hardpod says it would reject it: ${show(unexplained)}`);
      continue;
    }
    if (!unknownFields(j.server) && !j.findings.some((f) => related(f, j.field.path))) {
      found.push(`${j.what}: the API server refuses it (${j.server.status}: ${j.server.message}), hardpod reports nothing at ${j.field.path} (${show(j.findings)})`);
    }
  }
  return found;
}

/** Both verdicts must be common, or the comparison proves little. */
function expectBothVerdicts(judged: readonly Judged[], atLeast: number): void {
  expect(judged.filter((j) => j.server.allowed).length).toBeGreaterThanOrEqual(atLeast);
  expect(judged.filter((j) => !j.server.allowed).length).toBeGreaterThanOrEqual(atLeast);
  expect(judged.filter((j) => j.findings.length > 0).length).toBeGreaterThanOrEqual(atLeast);
}

const scalar = fc.oneof(
  fc.boolean(), fc.integer({ min: -2, max: 70000 }), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.string({ maxLength: 6 }),
  fc.constantFrom(null, '', '*', 'get', 'In', 'Exists', 'Ingress', 'Egress', 'TCP', 'Role', 'ClusterRole', 'ServiceAccount', 'User', 'Group', RBAC, '10.0.0.0/8', 'http'),
);
/** Values of any JSON type, nested a little. */
const jsonValue = fc.oneof(
  { weight: 4, arbitrary: scalar },
  { weight: 2, arbitrary: fc.array(scalar, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.dictionary(fc.constantFrom('key', 'operator', 'values', 'kind', 'name', 'cidr', 'port', 'x'), scalar, { maxKeys: 2 }) },
);

describeCluster('Fields of the wrong type or value: the well-formed-objects finding and the API server agree', (cluster) => {
  let namespace: string;
  const server = (o: KubeObject): Promise<Verdict> => cluster().dryRunCreate(o, namespace);
  beforeAll(async () => {
    namespace = await cluster().createNamespace(cluster().uniqueNamespaceName('well-formed-objects'));
  });

  test('the objects the cases start from are admitted and pass', async () => {
    const kinds: Kind[] = ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding', 'NetworkPolicy', 'Namespace', 'ServiceAccount'];
    for (const kind of kinds) {
      const object = base(kind) as unknown as KubeObject;
      expect([kind, (await server(object)).allowed, findingsOf(object, cluster().minor)]).toEqual([kind, true, []]);
    }
  });

  test('known wrong types and values at every field the rule reads', async () => {
    const cases = FIELDS.flatMap((c) => c.values.map((value) => ({ c, value })));
    const judged = await mapLimit(cases, 8, ({ c, value }) => judge(server, cluster().minor, c, value));
    expectBothVerdicts(judged, 200);
    expect(disagreements(judged)).toEqual([]);
  }, 600_000);

  test('generated values of every JSON type at the fields the rule reads', async () => {
    // Half the values of the field's own known ones (many well formed), so that both verdicts are common.
    const generated = fc.constantFrom(...FIELDS).chain((c) => fc.record({
      c: fc.constant(c), value: fc.oneof(jsonValue, fc.constantFrom(...c.values)),
    }));
    // Sent as JSON, so the rule gets the object as parsed from JSON too.
    const cases = fc.sample(generated, { numRuns: 800 })
      .map(({ c, value }) => ({ c, value: value === undefined ? undefined : JSON.parse(JSON.stringify(value)) as unknown }));
    const judged = await mapLimit(cases, 8, ({ c, value }) => judge(server, cluster().minor, c, value));
    expectBothVerdicts(judged, 100);
    expect(disagreements(judged)).toEqual([]);
  }, 600_000);
});
