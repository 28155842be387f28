/**
 * Differential: LimitRanges of every limit type, with min, max, default, defaultRequest and
 * maxLimitRequestRatio over standard, extended and malformed resource names, valid and invalid
 * quantities and every ordering of them, dry-run created on the real kube-apiserver. hardpod's verdict
 * (refused or not) must be the server's for each, and the well-formed-objects rule must report the
 * fields the server refuses; and a pod without resources in a namespace holding
 * the LimitRange must get the resources verdict that what the server stores for it deserves: bounded
 * by the defaults of a LimitRange the server admits, and by nothing from one it refuses.
 */
import * as fc from 'fast-check';
import { evaluate } from '../../src/engine/evaluate';
import type { KubeObject } from '../../src/model/kube-object';
import { limitRangeProblems } from '../../src/model/limit-range';
import { quantityNanos } from '../../src/model/quantity';
import type { Cluster, Verdict } from '../harness/cluster';
import { describeCluster } from '../harness/cluster-suite';
import { mapLimit } from '../harness/pod-security';

const IMAGE = `registry.example.com/app@sha256:${'a'.repeat(64)}`;

type Item = Record<string, unknown>;

function limitRange(items: unknown): KubeObject {
  return { apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'limits' }, spec: { limits: items } };
}

function pod(namespace: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'app', namespace },
    spec: {
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [{ name: 'app', image: IMAGE, securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }],
    },
  };
}

/** The resources rule's failures on the pod, with the LimitRange (in the pod's namespace) in the input. */
function resourcesFailures(object: KubeObject, range: KubeObject): string[] {
  const report = evaluate([object, range].map((o) => ({ object: o, source: { file: 'chart.yaml' } })), { level: 'hardened' });
  return report.findings.filter((f) => f.rule === 'resources').map((f) => `${f.outcome} ${f.path}: ${f.message}`);
}

/** Whether a stored container is bounded as the resources rule requires: requests and limits of cpu and memory above 0. */
interface Resources { requests?: Record<string, unknown>; limits?: Record<string, unknown> }

function bounded(resources: Resources | undefined): boolean {
  const above = (value: unknown): boolean => (quantityNanos(value ?? 'x') ?? 0n) > 0n;
  return ['cpu', 'memory'].every((name) => above(resources?.requests?.[name]) && above(resources?.limits?.[name]));
}

const show = (value: unknown): string => JSON.stringify(value);

// Ladders per resource, so that generated values fall in every order; some equal amounts written two ways.
const CPU = ['0', '50m', '100m', '0.1', '500m', '0.5', '1', '1000m', '2', 1, 2, 0.25];
const MEMORY = ['0', '64Mi', '128Mi', '256Mi', '268435456', '512Mi', '1Gi', '1G', '1e9', 67108864];
const STORAGE = ['1Gi', '5Gi', '10Gi', '10G', '1Ti'];
const COUNTS = ['0', '1', '2', '4'];
const RATIOS = ['0', '0.5', '1', '1.5', '2', '4', '10', '1000', 3];
/** The server reads these as quantities too: a sign, digits written loosely, no digit at all (0), null (0). */
const ODD = ['-1', '-100m', ' 1 ', '1.', '+2', '.', 'Mi', '1E', '1e3', '0.000000001', null];
const INVALID = ['lots', '1.5.5', '5x', '', '1Kb', '1e', '1 Gi', 'one', true, [], {}];
const NAMES = ['cpu', 'memory', 'ephemeral-storage', 'storage', 'example.com/gpu', 'hugepages-2Mi', 'bad name', 'requests.cpu', 'kubernetes.io/widget', 'example.com/requests.x', 'pods'];

const ladder = (name: string): readonly unknown[] => {
  switch (name) {
    case 'cpu': return CPU;
    case 'memory': case 'hugepages-2Mi': return MEMORY;
    case 'ephemeral-storage': case 'storage': return STORAGE;
    default: return COUNTS;
  }
};

/** A written value: mostly `ordered` (one of the resource's ladder), else one the server reads loosely, or refuses. */
const written = (ordered: unknown): fc.Arbitrary<unknown> => fc.oneof(
  { weight: 14, arbitrary: fc.constant(ordered) },
  { weight: 1, arbitrary: fc.constantFrom(...ODD) },
  { weight: 1, arbitrary: fc.constantFrom(...INVALID) },
);

const FIELDS = ['min', 'defaultRequest', 'default', 'max'] as const;

/**
 * The values of one resource: four of its ladder, in the order min <= defaultRequest <= default <=
 * max the server requires, or (a third of the time) in any order; each field given or not.
 */
const resourceValues = (name: string): fc.Arbitrary<Partial<Record<typeof FIELDS[number] | 'maxLimitRequestRatio', unknown>>> => {
  const values = ladder(name);
  return fc.record({
    picks: fc.array(fc.nat({ max: values.length - 1 }), { minLength: 4, maxLength: 4 }),
    sorted: fc.oneof({ weight: 2, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
    // A ratio a third of the time: with min and max, most are refused.
    present: fc.tuple(fc.boolean(), fc.boolean(), fc.boolean(), fc.boolean(), fc.nat({ max: 2 }).map((n) => n === 0)),
    ratio: fc.constantFrom(...RATIOS),
  }).chain(({ picks, sorted, present, ratio }) => {
    const order = sorted ? [...picks].sort((a, b) => a - b) : picks;
    const chosen: [string, unknown][] = FIELDS.map((field, i) => [field, values[order[i]]]);
    chosen.push(['maxLimitRequestRatio', ratio]);
    const given = chosen.filter((_, i) => present[i]);
    return fc.tuple(...given.map(([, v]) => written(v))).map((vs) => Object.fromEntries(given.map(([field], i) => [field, vs[i]])));
  });
};

const TYPES: readonly unknown[] = ['Pod', 'PersistentVolumeClaim', 'example.com/pool', 'container', 'Node', '', null, 5];

/** An item: its type, and the values of a few resources (cpu and memory most often) gathered into its maps. */
const item: fc.Arbitrary<Item> = fc.record({
  type: fc.oneof({ weight: 6, arbitrary: fc.constant('Container') }, { weight: 3, arbitrary: fc.constantFrom(...TYPES) }),
  names: fc.oneof(
    { weight: 3, arbitrary: fc.constant<string[]>(['cpu', 'memory']) },
    { weight: 4, arbitrary: fc.uniqueArray(fc.oneof({ weight: 3, arbitrary: fc.constantFrom('cpu', 'memory') }, { weight: 2, arbitrary: fc.constantFrom(...NAMES) }), { minLength: 1, maxLength: 3 }) },
  ),
}).chain(({ type, names }: { type: unknown; names: string[] }) => fc.tuple(...names.map(resourceValues)).map((perName) => {
  const out: Item = { type };
  perName.forEach((values, i) => {
    for (const [field, value] of Object.entries(values)) out[field] = { ...(out[field] as Item | undefined), [names[i]]: value };
  });
  return out;
}));

const items = fc.oneof(
  { weight: 8, arbitrary: fc.array(item, { minLength: 1, maxLength: 1 }) },
  { weight: 2, arbitrary: fc.array(item, { minLength: 2, maxLength: 2 }) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>([], null, [null], 'x', [5], { type: 'Container' }) },
);

/** LimitRanges whose verdict is known before any is generated: the ones a user meets, and each rule once. */
const KNOWN: readonly unknown[] = [
  // Default above max: refused, as is a default that is not a quantity.
  [{ type: 'Container', default: { memory: '512Mi', cpu: '1' }, defaultRequest: { memory: '64Mi', cpu: '100m' }, max: { memory: '256Mi' } }],
  [{ type: 'Container', default: { memory: 'lots', cpu: '1' } }],
  [{ type: 'Container', default: { memory: '512Mi', cpu: '1' }, defaultRequest: { memory: '64Mi', cpu: '100m' }, max: { memory: '1Gi', cpu: '2' }, min: { memory: '32Mi', cpu: '50m' } }],
  [{ type: 'Container', default: { cpu: '1', memory: '1Gi' } }, { type: 'Container', default: { cpu: '2' } }],
  [{ type: 'Container', min: { memory: '1Gi' }, max: { memory: '512Mi' } }],
  [{ type: 'Container', min: { memory: '1Gi' }, default: { memory: '512Mi' } }],
  [{ type: 'Container', max: { memory: '256Mi' }, defaultRequest: { memory: '512Mi' } }],
  [{ type: 'Container', default: { cpu: '1' }, defaultRequest: { cpu: '1000m' } }],
  [{ type: 'Container', default: { cpu: '1' }, defaultRequest: { cpu: '1001m' } }],
  [{ type: 'Container', max: { 'example.com/gpu': '2' }, defaultRequest: { 'example.com/gpu': '1' } }],
  [{ type: 'Container', max: { 'example.com/gpu': '2' }, defaultRequest: { 'example.com/gpu': '2' }, default: { cpu: '1', memory: '1Gi' } }],
  [{ type: 'Container', default: { 'hugepages-2Mi': '4Mi' }, defaultRequest: { 'hugepages-2Mi': '2Mi' } }],
  [{ type: 'Container', maxLimitRequestRatio: { cpu: '0.5' } }],
  [{ type: 'Container', maxLimitRequestRatio: { cpu: '4' }, min: { cpu: '500m' }, max: { cpu: '1' } }],
  [{ type: 'Container', maxLimitRequestRatio: { cpu: '2' }, min: { cpu: '500m' }, max: { cpu: '1' }, default: { cpu: '1', memory: '1Gi' } }],
  [{ type: 'Container', maxLimitRequestRatio: { memory: '3' }, min: { memory: '0' }, max: { memory: '1Gi' } }],
  [{ type: 'Pod', max: { cpu: '2', memory: '2Gi' } }],
  [{ type: 'Pod', default: { cpu: '1' } }],
  [{ type: 'Pod', default: {} }],
  [{ type: 'Pod', max: { storage: '1Gi' } }],
  [{ type: 'PersistentVolumeClaim', max: { storage: '10Gi' } }],
  [{ type: 'PersistentVolumeClaim', max: { cpu: '1' } }],
  [{ type: 'PersistentVolumeClaim', min: { storage: null } }],
  [{ type: 'example.com/pool', max: { cpu: '1', storage: '1Gi', pods: '3' } }],
  [{ type: 'Container ', default: { cpu: '1' } }],
  [{ type: 'container', default: { cpu: '1' } }],
  [{ default: { cpu: '1' } }],
  [{ type: 'Container', default: { 'bad name': '1' } }],
  [{ type: 'Container', default: { storage: '1Gi' } }],
  [{ type: 'Container', default: { 'requests.example.com/x': '1' } }],
  [{ type: 'Container', default: { 'kubernetes.io/widget': '1' } }],
  [{ type: 'Container', default: { cpu: '.', memory: 'Mi' } }],
  [{ type: 'Container', default: { cpu: null, memory: '1Gi' }, max: { cpu: '1' } }],
  [{ type: 'Container', default: { cpu: '-1', memory: '1Gi' } }],
  [{ type: 'Container', default: { cpu: 1, memory: 1073741824 } }],
  [{ type: 'Container', default: { cpu: true } }],
  [{ type: 'Container', default: ['cpu'] }],
  [{ type: 'Container', default: null, max: null }],
  [null],
  [],
  null,
];

interface Finding {
  readonly path: string;
  readonly message: string;
}

interface Judged {
  readonly what: string;
  readonly range: KubeObject;
  readonly server: Verdict;
  readonly problems: readonly string[];
  /** The well-formed-objects rule's failures on the LimitRange. */
  readonly findings: readonly Finding[];
}

function wellFormedFindings(range: KubeObject): Finding[] {
  const report = evaluate([{ object: range, source: { file: '<generated>' } }], { level: 'hardened' });
  return report.findings.filter((f) => f.rule === 'well-formed-objects' && f.outcome === 'fail').map(({ path, message }) => ({ path, message }));
}

async function judge(c: Cluster, namespace: string, limits: unknown): Promise<Judged> {
  // Sent as JSON, so hardpod reads the LimitRange as parsed from JSON too.
  const range = JSON.parse(JSON.stringify(limitRange(limits))) as KubeObject;
  return {
    what: `limits: ${show(limits)}`,
    range,
    server: await c.dryRunCreate(range, namespace),
    problems: limitRangeProblems(range).map((p) => `${p.path}: ${p.message}`),
    findings: wellFormedFindings(range),
  };
}

/** A field the server names (`spec.limits[0].default[example.com/gpu]`) as segments: `spec`, `limits`, 0, `default`, `example.com/gpu`. */
function serverSegments(field: string): (string | number)[] {
  return [...field.matchAll(/([A-Za-z]+)|\[([^\]]*)\]/g)].map(([, name, key]) => (name ?? (/^\d+$/.test(key) ? Number(key) : key)));
}

/** Segments as hardpod writes a path: `spec.limits[0].default.example.com/gpu`. */
const hardpodPath = (segments: readonly (string | number)[]): string =>
  segments.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');

function isWritten(object: unknown, segments: readonly (string | number)[]): boolean {
  let at = object;
  for (const s of segments) {
    if (typeof at !== 'object' || at === null || !Object.prototype.hasOwnProperty.call(at, s)) return false;
    at = (at as Record<string | number, unknown>)[s];
  }
  return true;
}

/** The item a path is in (`spec.limits[0]`), or the path itself above the items. */
const itemOf = (path: string): string => /^spec\.limits\[\d+\]/.exec(path)?.[0] ?? path;

/**
 * Where the server and the well-formed-objects rule put the refusal: each field the server names that
 * the LimitRange holds must have a finding at it; each it names that only its defaulting wrote (a
 * default taken from max) a finding in the same item; and each finding must be in an item the server
 * names. A LimitRange the server cannot decode (400) names no field: a finding anywhere will do.
 */
function placementDisagreements(judged: readonly Judged[]): string[] {
  const found: string[] = [];
  for (const j of judged) {
    const paths = j.findings.map((f) => f.path);
    if (j.server.allowed !== (paths.length === 0)) {
      found.push(`${j.what}: the API server ${j.server.allowed ? 'admits' : `refuses (${j.server.message})`} it, well-formed-objects ${paths.length ? `reports ${paths.join(', ')}` : 'reports nothing'}`);
      continue;
    }
    if (j.server.status !== 422) continue;
    const causes = ((j.server.body as { details?: { causes?: { field?: string }[] } }).details?.causes ?? []).map((c) => serverSegments(c.field ?? ''));
    const named = causes.map(hardpodPath);
    for (const segments of causes) {
      const path = hardpodPath(segments);
      const placed = isWritten(j.range, segments) ? paths.includes(path) : paths.some((p) => itemOf(p) === itemOf(path));
      if (!placed) found.push(`${j.what}: the API server refuses ${path} (${j.server.message}), well-formed-objects reports ${paths.join(', ')}`);
    }
    for (const path of paths) {
      if (!named.some((n) => itemOf(n) === itemOf(path))) found.push(`${j.what}: well-formed-objects reports ${path}, in an item the API server does not name (${j.server.message})`);
    }
  }
  return found;
}

function disagreements(judged: readonly Judged[]): string[] {
  const found: string[] = [];
  for (const j of judged) {
    if (j.server.allowed && j.problems.length > 0) found.push(`${j.what}: the API server admits it, hardpod says it refuses it: ${j.problems.join('; ')}`);
    if (!j.server.allowed && j.problems.length === 0) found.push(`${j.what}: the API server refuses it (${j.server.status}: ${j.server.message}), hardpod says nothing`);
  }
  return found;
}

/** Both verdicts must be common, or the comparison proves little. */
function expectBothVerdicts(judged: readonly Judged[], atLeast: number): void {
  expect(judged.filter((j) => j.server.allowed).length).toBeGreaterThanOrEqual(atLeast);
  expect(judged.filter((j) => !j.server.allowed).length).toBeGreaterThanOrEqual(atLeast);
}

interface PodCase {
  readonly what: string;
  /** What the server stores for the container, or why it refused the pod. */
  readonly stored: string;
  readonly serverBounded: boolean;
  readonly failures: readonly string[];
}

/**
 * The pod's verdict in a namespace holding the LimitRange (created for real when the server admits
 * it, in a namespace of its own), or in one without any (when it refuses it): undefined when the
 * server refuses the pod at admission, which the resources rule does not judge.
 */
async function podCase(c: Cluster, emptyNamespace: string, j: Judged): Promise<PodCase | undefined> {
  let namespace = emptyNamespace;
  if (j.server.allowed) {
    namespace = await c.createNamespace(c.uniqueNamespaceName('limit-range-pod'));
    const created = await c.create(j.range, namespace);
    expect({ what: j.what, status: created.status, message: created.message }).toEqual({ what: j.what, status: 201, message: undefined });
  }
  const object = pod(namespace);
  const verdict = await c.dryRunCreate(object);
  if (!verdict.allowed) {
    // Only a LimitRange the server admits may have the pod refused: by its min, max or ratio (403), or
    // for a default the pod may not hold, such as a negative one (422).
    const refusal = { what: j.what, admitted: j.server.allowed, refused: [403, 422].includes(verdict.status) };
    expect(refusal).toEqual({ what: j.what, admitted: true, refused: true });
    return undefined;
  }
  const resources = (verdict.body as { spec: { containers: { resources?: Resources }[] } }).spec.containers[0].resources;
  return {
    what: j.what,
    stored: show(resources ?? {}),
    serverBounded: bounded(resources),
    failures: resourcesFailures(object, { ...j.range, metadata: { ...j.range.metadata, namespace } }),
  };
}

function podDisagreements(cases: readonly (PodCase | undefined)[]): string[] {
  return cases.flatMap((p) => {
    if (p === undefined || p.serverBounded === (p.failures.length === 0)) return [];
    return [`${p.what}: the server stores the container's resources as ${p.stored}, yet hardpod's resources verdict is ${p.failures.length === 0 ? 'a pass' : p.failures.join('; ')}`];
  });
}

describeCluster('LimitRanges: hardpod knows which ones the API server refuses, and a refused one bounds no container', (cluster) => {
  let namespace: string;
  beforeAll(async () => {
    namespace = await cluster().createNamespace(cluster().uniqueNamespaceName('limit-range-validation'));
  });

  test('known LimitRanges: the verdicts agree, and the pods in their namespaces are judged as the server stores them', async () => {
    const c = cluster();
    const judged = await mapLimit(KNOWN, 8, (limits) => judge(c, namespace, limits));
    expect(disagreements(judged)).toEqual([]);
    expect(placementDisagreements(judged)).toEqual([]);
    expectBothVerdicts(judged, 15);
    // The defect as a user met it: the refused LimitRange wrote no defaults, and the pod is unbounded.
    expect(judged.slice(0, 2).map((j) => j.server.allowed)).toEqual([false, false]);
    const pods = await mapLimit(judged, 4, (j) => podCase(c, namespace, j));
    expect(podDisagreements(pods)).toEqual([]);
    expect(pods.filter((p) => p?.serverBounded).length).toBeGreaterThanOrEqual(4);
    expect(pods.filter((p) => p !== undefined && !p.serverBounded).length).toBeGreaterThanOrEqual(15);
  }, 300_000);

  test('generated LimitRanges: the verdicts agree, and so do the pods\' in the namespaces of a sample of them', async () => {
    const c = cluster();
    const judged = await mapLimit(fc.sample(items, { numRuns: 1000 }), 8, (limits) => judge(c, namespace, limits));
    expect(disagreements(judged)).toEqual([]);
    expect(placementDisagreements(judged)).toEqual([]);
    expectBothVerdicts(judged, 150);
    // Every refused one with the empty namespace; admitted ones each in a namespace of their own: a
    // sample, with every one whose Container item gives a default to both cpu and memory.
    const admitted = judged.filter((j) => j.server.allowed);
    const bothDefaults = (j: Judged): boolean => show(j.range).includes('"Container"') && /"cpu"/.test(show(j.range)) && /"memory"/.test(show(j.range));
    const sample = [...judged.filter((j) => !j.server.allowed), ...admitted.filter((j, i) => bothDefaults(j) || i % 10 === 0)];
    const pods = await mapLimit(sample, 4, (j) => podCase(c, namespace, j));
    expect(podDisagreements(pods)).toEqual([]);
    expect(pods.filter((p) => p?.serverBounded).length).toBeGreaterThanOrEqual(10);
  }, 600_000);
});
