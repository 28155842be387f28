/**
 * Differential: pod specs with fields of the wrong type (and edge values) at the places the rules
 * read, dry-run created on the real kube-apiserver and judged by the engine. The well-formed-pod-spec
 * rule says "the API server would reject it": each such finding must be on an object the server
 * refuses. An object the server refuses while decoding it must not pass the engine silently, and on
 * an object the server accepts the engine must agree with Pod Security admission.
 */
import * as fc from 'fast-check';
import { evaluate } from '../../src/engine/evaluate';
import type { KubeObject } from '../../src/model/kube-object';
import type { Verdict } from '../harness/cluster';
import { describeCluster } from '../harness/cluster-suite';
import { mapLimit } from '../harness/pod-security';

const IMAGE = `registry.example/app@sha256:${'a'.repeat(64)}`;
type Fields = Record<string, unknown>;

/** A Pod spec that passes Pod Security `restricted` at every version, and every rule of that level. */
function basePodSpec(): Fields {
  return {
    securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [{ name: 'app', image: IMAGE, securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }],
  };
}

const isPlain = (v: unknown): v is Fields => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `patch` merged into `base`: objects merge field by field, anything else replaces. */
function merge(base: unknown, patch: unknown): unknown {
  if (!isPlain(base) || !isPlain(patch)) return patch;
  const out: Fields = { ...base };
  for (const [k, v] of Object.entries(patch)) out[k] = merge(base[k], v);
  return out;
}

/** Where a field sits: the pod spec, the first container, or the pod metadata. */
type Place = 'pod' | 'container' | 'metadata';

/** A field, how to set it, and the values to try there. */
interface FieldCase {
  readonly place: Place;
  /** Path below the pod spec, the container or the metadata, as the engine writes it (`ports[0].hostPort`). */
  readonly path: string;
  /**
   * A rule reads it: a value the server refuses while decoding must not pass silently (the engine reports
   * a finding at or around it). False where no rule reads the field, or a wrong type only makes a check stricter.
   */
  readonly read: boolean;
  readonly patch: (v: unknown) => Fields;
  readonly values: readonly unknown[];
}

const BOOLEANS: readonly unknown[] = [true, false, 'true', 'false', '', 0, 1, [], {}, null];
const INTEGERS: readonly unknown[] = [1000, 0, -1, 65534, '1000', '0', 1000.5, 0.5, 1e20, 2 ** 63, 2 ** 53, 2 ** 62, -(2 ** 63), true, [], {}, null];
const PORTS: readonly unknown[] = [8080, '8080', 8080.5, 0, '0', 70000, 2 ** 31 - 1, 2 ** 31, -(2 ** 31), true, [], {}, null];
const STRINGS: readonly unknown[] = ['x', '', 5, 0, true, false, [], {}, null];
const OBJECTS: readonly unknown[] = [{}, 'x', '', 5, true, [], null];
const STRING_LISTS: readonly unknown[] = [[], ['NET_BIND_SERVICE'], ['ALL'], 'ALL', 5, {}, [5], [null], [true], [{}], [['ALL']], null];
const QUANTITIES: readonly unknown[] = ['100m', '1', 1, 0.5, 1e3, '1e3', '', true, [], {}, null, -1];
const INT_OR_STRING: readonly unknown[] = [8080, 'http', '8080', 8080.5, true, [], {}, null];

const at = (place: Place, read: boolean) => (path: string, values: readonly unknown[], patch: (v: unknown) => Fields): FieldCase => (
  { place, path, read, patch, values }
);
const pod = at('pod', true);
const ctr = at('container', true);
const meta = at('metadata', true);
/** Fields no rule reads, or whose wrong type only makes the checks stricter. */
const podUnread = at('pod', false);
const ctrUnread = at('container', false);
const sc = (patch: (v: unknown) => Fields) => (v: unknown): Fields => ({ securityContext: patch(v) });
const APPARMOR_ANNOTATION = 'container.apparmor.security.beta.kubernetes.io/app';

const FIELDS: readonly FieldCase[] = [
  pod('hostNetwork', BOOLEANS, (v) => ({ hostNetwork: v })),
  pod('hostPID', BOOLEANS, (v) => ({ hostPID: v })),
  pod('hostIPC', BOOLEANS, (v) => ({ hostIPC: v })),
  pod('hostUsers', BOOLEANS, (v) => ({ hostUsers: v })),
  pod('automountServiceAccountToken', BOOLEANS, (v) => ({ automountServiceAccountToken: v })),
  pod('serviceAccountName', STRINGS, (v) => ({ serviceAccountName: v })),
  pod('serviceAccount', STRINGS, (v) => ({ serviceAccount: v })),
  // Not run to completion unless a string says so: the probe check then applies.
  podUnread('restartPolicy', STRINGS, (v) => ({ restartPolicy: v })),
  pod('os', OBJECTS, (v) => ({ os: v })),
  // Not windows unless a string says so: the Linux checks then apply.
  podUnread('os.name', STRINGS, (v) => ({ os: { name: v } })),
  pod('securityContext', OBJECTS, (v) => ({ securityContext: v })),
  pod('securityContext.runAsNonRoot', BOOLEANS, sc((v) => ({ runAsNonRoot: v }))),
  pod('securityContext.runAsUser', INTEGERS, sc((v) => ({ runAsUser: v }))),
  podUnread('securityContext.runAsGroup', INTEGERS, sc((v) => ({ runAsGroup: v }))),
  podUnread('securityContext.fsGroup', INTEGERS, sc((v) => ({ fsGroup: v }))),
  pod('securityContext.seccompProfile', OBJECTS, sc((v) => ({ seccompProfile: v }))),
  pod('securityContext.seccompProfile.type', STRINGS, sc((v) => ({ seccompProfile: { type: v } }))),
  pod('securityContext.seLinuxOptions', OBJECTS, sc((v) => ({ seLinuxOptions: v }))),
  pod('securityContext.seLinuxOptions.type', STRINGS, sc((v) => ({ seLinuxOptions: { type: v } }))),
  pod('securityContext.seLinuxOptions.user', STRINGS, sc((v) => ({ seLinuxOptions: { user: v } }))),
  pod('securityContext.seLinuxOptions.role', STRINGS, sc((v) => ({ seLinuxOptions: { role: v } }))),
  pod('securityContext.appArmorProfile', OBJECTS, sc((v) => ({ appArmorProfile: v }))),
  pod('securityContext.appArmorProfile.type', STRINGS, sc((v) => ({ appArmorProfile: { type: v } }))),
  pod('securityContext.windowsOptions', OBJECTS, sc((v) => ({ windowsOptions: v }))),
  pod('securityContext.windowsOptions.hostProcess', BOOLEANS, sc((v) => ({ windowsOptions: { hostProcess: v } }))),
  pod('securityContext.sysctls', [...STRING_LISTS, [{ name: 'kernel.shm_rmid_forced', value: '1' }]], sc((v) => ({ sysctls: v }))),
  pod('securityContext.sysctls[0].name', STRINGS, sc((v) => ({ sysctls: [{ name: v, value: '1' }] }))),
  pod('volumes', [...STRING_LISTS, [{ name: 'v', emptyDir: {} }]], (v) => ({ volumes: v })),
  pod('volumes[0].hostPath', OBJECTS, (v) => ({ volumes: [{ name: 'v', hostPath: v }] })),
  pod('volumes[0].hostPath.path', STRINGS, (v) => ({ volumes: [{ name: 'v', hostPath: { path: v } }] })),
  pod('volumes[0].emptyDir', OBJECTS, (v) => ({ volumes: [{ name: 'v', emptyDir: v }] })),
  pod('volumes[0].secret', OBJECTS, (v) => ({ volumes: [{ name: 'v', secret: v }] })),
  pod('containers', [{}, 'x', 5, [null], ['x'], [5]], (v) => ({ containers: v })),
  ctr('securityContext', OBJECTS, (v) => ({ securityContext: v })),
  ctr('securityContext.privileged', BOOLEANS, sc((v) => ({ privileged: v }))),
  ctr('securityContext.allowPrivilegeEscalation', BOOLEANS, sc((v) => ({ allowPrivilegeEscalation: v }))),
  ctr('securityContext.runAsNonRoot', BOOLEANS, sc((v) => ({ runAsNonRoot: v }))),
  ctr('securityContext.readOnlyRootFilesystem', BOOLEANS, sc((v) => ({ readOnlyRootFilesystem: v }))),
  ctr('securityContext.runAsUser', INTEGERS, sc((v) => ({ runAsUser: v }))),
  ctrUnread('securityContext.runAsGroup', INTEGERS, sc((v) => ({ runAsGroup: v }))),
  ctr('securityContext.capabilities', OBJECTS, sc((v) => ({ capabilities: v }))),
  ctr('securityContext.capabilities.add', STRING_LISTS, sc((v) => ({ capabilities: { add: v } }))),
  ctr('securityContext.capabilities.drop', STRING_LISTS, sc((v) => ({ capabilities: { drop: v } }))),
  ctr('securityContext.seccompProfile', OBJECTS, sc((v) => ({ seccompProfile: v }))),
  ctr('securityContext.seccompProfile.type', STRINGS, sc((v) => ({ seccompProfile: { type: v } }))),
  ctr('securityContext.seLinuxOptions', OBJECTS, sc((v) => ({ seLinuxOptions: v }))),
  ctr('securityContext.seLinuxOptions.type', STRINGS, sc((v) => ({ seLinuxOptions: { type: v } }))),
  ctr('securityContext.appArmorProfile', OBJECTS, sc((v) => ({ appArmorProfile: v }))),
  ctr('securityContext.appArmorProfile.type', STRINGS, sc((v) => ({ appArmorProfile: { type: v } }))),
  ctr('securityContext.procMount', [...STRINGS, 'Default', 'Unmasked'], sc((v) => ({ procMount: v }))),
  ctr('securityContext.windowsOptions', OBJECTS, sc((v) => ({ windowsOptions: v }))),
  ctr('securityContext.windowsOptions.hostProcess', BOOLEANS, sc((v) => ({ windowsOptions: { hostProcess: v } }))),
  ctr('image', STRINGS, (v) => ({ image: v })),
  ctr('ports', [...OBJECTS, [null], ['x'], [{ containerPort: 8080 }]], (v) => ({ ports: v })),
  ctr('ports[0].hostPort', PORTS, (v) => ({ ports: [{ containerPort: 8080, hostPort: v }] })),
  ctr('ports[0].containerPort', PORTS, (v) => ({ ports: [{ containerPort: v }] })),
  ctr('env', [...OBJECTS, [null], ['x'], [{ name: 'A', value: 'x' }]], (v) => ({ env: v })),
  ctr('env[0].value', STRINGS, (v) => ({ env: [{ name: 'DB_PASSWORD', value: v }] })),
  ctr('env[0].name', STRINGS, (v) => ({ env: [{ name: v, value: 'hunter2hunter2' }] })),
  ctr('env[0].valueFrom', OBJECTS, (v) => ({ env: [{ name: 'A', valueFrom: v }] })),
  ctr('resources', OBJECTS, (v) => ({ resources: v })),
  ctr('resources.limits', OBJECTS, (v) => ({ resources: { limits: v } })),
  ctr('resources.limits.cpu', QUANTITIES, (v) => ({ resources: { limits: { cpu: v } } })),
  ctr('resources.requests.memory', QUANTITIES, (v) => ({ resources: { requests: { memory: v } } })),
  ctr('livenessProbe', OBJECTS, (v) => ({ livenessProbe: v })),
  // The probe check asks whether a probe is there, not what it probes.
  ctrUnread('livenessProbe.tcpSocket.port', INT_OR_STRING, (v) => ({ livenessProbe: { tcpSocket: { port: v } } })),
  ctrUnread('readinessProbe.httpGet.port', INT_OR_STRING, (v) => ({ readinessProbe: { httpGet: { port: v } } })),
  ctr('readinessProbe.httpGet.host', STRINGS, (v) => ({ readinessProbe: { httpGet: { port: 8080, host: v } } })),
  ctr('lifecycle.preStop.tcpSocket.host', STRINGS, (v) => ({ lifecycle: { preStop: { tcpSocket: { port: 8080, host: v } } } })),
  meta('labels.extra', ['x', '', 5, true, null, [], {}], (v) => ({ labels: { extra: v } })),
  meta(`annotations.${APPARMOR_ANNOTATION}`, ['runtime/default', 'unconfined', '', 5, true, null, [], {}], (v) => ({ annotations: { [APPARMOR_ANNOTATION]: v } })),
];

type Kind = 'Pod' | 'Deployment' | 'CronJob';
const KINDS: readonly Kind[] = ['Pod', 'Deployment', 'CronJob'];

/** The object of one kind whose pod has `field` set to `value`. */
function objectWith(kind: Kind, field: FieldCase, value: unknown): KubeObject {
  let spec = basePodSpec();
  let metadata: Fields = { labels: { app: 'web' } };
  if (field.place === 'pod') spec = merge(spec, field.patch(value)) as Fields;
  else if (field.place === 'metadata') metadata = merge(metadata, field.patch(value)) as Fields;
  else spec = { ...spec, containers: [merge((spec.containers as Fields[])[0], field.patch(value))] };
  if (kind === 'Pod') return { apiVersion: 'v1', kind, metadata: { name: 'web', ...metadata }, spec } as KubeObject;
  const template = { metadata, spec };
  if (kind === 'Deployment') {
    return { apiVersion: 'apps/v1', kind, metadata: { name: 'web' }, spec: { selector: { matchLabels: { app: 'web' } }, template } } as KubeObject;
  }
  const jobSpec = merge({ restartPolicy: 'Never' }, spec);
  return {
    apiVersion: 'batch/v1',
    kind,
    metadata: { name: 'web' },
    spec: { schedule: '0 3 * * *', jobTemplate: { spec: { template: { metadata, spec: jobSpec } } } },
  } as KubeObject;
}

/** Where the engine writes a field of this case: the object's path of the pod spec, container or metadata, then the field. */
function fieldPath(kind: Kind, field: FieldCase): { base: string; full: string } {
  const spec = kind === 'Pod' ? 'spec' : kind === 'Deployment' ? 'spec.template.spec' : 'spec.jobTemplate.spec.template.spec';
  const base = field.place === 'pod' ? spec : field.place === 'container' ? `${spec}.containers[0]` : kind === 'Pod' ? 'metadata' : spec.replace(/spec$/, 'metadata');
  return { base, full: `${base}.${field.path}` };
}

interface Finding {
  readonly rule: string;
  readonly pss: string | null;
  readonly path: string;
  readonly message: string;
}

interface Judged {
  readonly what: string;
  readonly field: FieldCase;
  readonly kind: Kind;
  readonly server: Verdict;
  /** Pod Security admission warns that the pod violates `restricted`. */
  readonly podSecurityDenies: boolean;
  /** Failing findings at the `restricted` level (Pod Security's checks and well-formed-pod-spec). */
  readonly restricted: readonly Finding[];
  /** Failing findings at the `hardened` level (every rule that reads the field). */
  readonly hardened: readonly Finding[];
}

function failing(object: KubeObject, level: 'restricted' | 'hardened', minor: number): Finding[] {
  const report = evaluate([{ object, source: { file: '<generated>' } }], { level, kubernetesVersion: `1.${minor}` });
  return report.findings.filter((f) => f.outcome === 'fail' || f.outcome === 'error').map(({ rule, pss, path, message }) => ({ rule, pss, path, message }));
}

async function judge(server: (o: KubeObject) => Promise<Verdict>, minor: number, kind: Kind, field: FieldCase, value: unknown): Promise<Judged> {
  const object = objectWith(kind, field, value);
  const verdict = await server(object);
  return {
    what: `${kind} ${field.place}.${field.path}=${JSON.stringify(value)}`,
    field,
    kind,
    server: verdict,
    podSecurityDenies: verdict.warnings.some((w) => /would violate PodSecurity/.test(w)),
    restricted: failing(object, 'restricted', minor),
    hardened: failing(object, 'hardened', minor),
  };
}

/**
 * The server refused the object while decoding it: a field of the wrong type (400), before validation
 * (422). An unknown field is refused with 400 too (strict field validation), but is not a type.
 */
const decodingError = (v: Verdict): boolean => v.status === 400 && /json: cannot unmarshal|quantities must match/.test(v.message ?? '');
const WELL_FORMED = 'well-formed-pod-spec';
const show = (findings: readonly Finding[]): string => (findings.length ? findings.map((f) => `${f.rule} at ${f.path}: ${f.message}`).join('; ') : 'no finding');

function disagreements(judged: readonly Judged[]): string[] {
  const found: string[] = [];
  for (const j of judged) {
    const wellFormed = j.restricted.filter((f) => f.rule === WELL_FORMED);
    const server = j.server.allowed ? 'admits it' : `refuses it (${j.server.status}: ${j.server.message})`;
    if (wellFormed.length > 0 && j.server.allowed) {
      found.push(`${j.what}: hardpod says the API server would reject it, the API server ${server}; hardpod: ${show(wellFormed)}`);
      continue;
    }
    if (decodingError(j.server) && j.field.read) {
      const { base, full } = fieldPath(j.kind, j.field);
      const related = j.hardened.filter((f) => f.path === full || f.path.startsWith(`${full}.`) || f.path.startsWith(`${full}[`)
        || (full.startsWith(f.path) && f.path.length > base.length));
      if (related.length === 0) found.push(`${j.what}: the API server ${server}, and hardpod reports nothing at ${full} (${show(j.hardened)})`);
    }
    if (j.server.allowed) {
      const podSecurity = j.restricted.filter((f) => f.pss !== null || f.rule === WELL_FORMED);
      if (j.podSecurityDenies !== podSecurity.length > 0) {
        found.push(`${j.what}: Pod Security ${j.podSecurityDenies ? `denies it (${j.server.warnings.join(' | ')})` : 'admits it'}, hardpod: ${show(podSecurity)}`);
      }
    }
  }
  return found;
}

/** Both verdicts must be common, or the comparison proves little. */
function expectBothVerdicts(judged: readonly Judged[], atLeast: number): void {
  expect(judged.filter((j) => j.server.allowed).length).toBeGreaterThanOrEqual(atLeast);
  expect(judged.filter((j) => decodingError(j.server)).length).toBeGreaterThanOrEqual(atLeast);
  expect(judged.filter((j) => j.restricted.some((f) => f.rule === WELL_FORMED)).length).toBeGreaterThanOrEqual(atLeast);
}

const scalar = fc.oneof(
  fc.boolean(), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.string({ maxLength: 6 }),
  fc.constantFrom(null, 0, 1000, -1, 2 ** 31, 2 ** 63, 'ALL', 'true', '1000', 'RuntimeDefault', 'Unconfined', 'container_t', 'http'),
);
/** Values of any JSON type, nested a little. */
const jsonValue = fc.oneof(
  { weight: 4, arbitrary: scalar },
  { weight: 1, arbitrary: fc.array(scalar, { maxLength: 2 }) },
  { weight: 1, arbitrary: fc.dictionary(fc.constantFrom('type', 'path', 'add', 'drop', 'x'), scalar, { maxKeys: 2 }) },
);
/**
 * Quantities are left out of the generated cases: a string that is no quantity ("lots") passes the
 * resources check, though the server refuses it while decoding (see the known cases).
 */
const GENERATED_FIELDS = FIELDS.filter((f) => !/^resources\.(limits|requests)\./.test(f.path));

describeCluster('Fields of the wrong type: the well-formed-pod-spec finding and the API server agree', (cluster) => {
  let namespace: string;
  const server = (o: KubeObject): Promise<Verdict> => cluster().dryRunCreate(o, namespace);
  beforeAll(async () => {
    // Warn, not enforce: a Pod Security violation must not hide whether the server accepts the object.
    namespace = await cluster().createNamespace(cluster().uniqueNamespaceName('well-formed'), {
      'pod-security.kubernetes.io/warn': 'restricted',
      'pod-security.kubernetes.io/warn-version': cluster().podSecurityVersion,
    });
  });

  test('known wrong types and edge values, as Pods, Deployments and CronJobs', async () => {
    const cases = FIELDS.flatMap((field) => field.values.flatMap((value) => KINDS.map((kind) => ({ field, value, kind }))));
    const judged = await mapLimit(cases, 8, ({ field, value, kind }) => judge(server, cluster().minor, kind, field, value));
    expectBothVerdicts(judged, 200);
    expect(disagreements(judged)).toEqual([]);
  }, 600_000);

  test('generated values of every JSON type at the fields the rules read', async () => {
    // Half the values of the field's own known ones (many well typed), so that both verdicts are common.
    const generated = fc.constantFrom(...GENERATED_FIELDS).chain((field) => fc.record({
      field: fc.constant(field), value: fc.oneof(jsonValue, fc.constantFrom(...field.values)), kind: fc.constantFrom(...KINDS),
    }));
    // Sent as JSON, so the engine gets the object as parsed from JSON too.
    const cases = fc.sample(generated, { numRuns: 800 }).map((c) => ({ ...c, value: JSON.parse(JSON.stringify(c.value) ?? 'null') as unknown }));
    const judged = await mapLimit(cases, 8, ({ field, value, kind }) => judge(server, cluster().minor, kind, field, value));
    expectBothVerdicts(judged, 100);
    expect(disagreements(judged)).toEqual([]);
  }, 600_000);
});
