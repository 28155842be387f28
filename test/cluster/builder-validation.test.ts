/**
 * The workload builders refuse exactly the prop values the real API server refuses. Each value is
 * given to a builder, and the objects carrying it (the builder's own output when it accepts, or the
 * output for a known-good value with the value put in its place when it refuses) are dry-run
 * created. Values come from lists of known cases and from fast-check generators built out of the
 * pieces the field's syntax is made of. Values hardpod refuses on purpose although the server
 * admits them are listed in DELIBERATE with the reason, and their refusal must say so.
 */
import * as fc from 'fast-check';
import {
  buildCronJob, buildDaemonSet, buildDebugAccess, buildDeployment, buildJob, buildNamespace, buildStatefulSet, type BuildContext, type KubeObject,
} from '../../src/model';
import { isHardpodError } from '../../src/model/errors';
import type { Cluster } from '../harness/cluster';
import { describeCluster } from '../harness/cluster-suite';
import { mapLimit } from '../harness/pod-security';

const IMAGE = `ghcr.io/acme/web@sha256:${'a'.repeat(64)}`;
const CTX: BuildContext = { where: 'app/web' };
type Props = Record<string, unknown>;
type Fields = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const KINDS = {
  deployment: (p: Props) => buildDeployment({ name: 'web', image: IMAGE, port: 8080, ...p } as never, CTX).objects,
  statefulset: (p: Props) => buildStatefulSet({ name: 'db', image: IMAGE, port: 8080, fsGroup: 1000, ...p } as never, CTX).objects,
  daemonset: (p: Props) => buildDaemonSet({ name: 'agent', image: IMAGE, port: 8080, ...p } as never, CTX).objects,
  job: (p: Props) => buildJob({ name: 'batch', image: IMAGE, ...p } as never, CTX).objects,
  cronjob: (p: Props) => buildCronJob({ name: 'report', image: IMAGE, schedule: '0 3 * * *', ...p } as never, CTX).objects,
  namespace: (p: Props) => buildNamespace({ name: 'team', ...p } as never, {}, 'app/ns').objects,
  debug: (p: Props) => {
    const built = buildDebugAccess({ namespace: 'team', group: 'developers', image: IMAGE, ...p } as never, CTX);
    // The debug container is added to running pods; a Pod running it proves its fields the same way.
    const { stdin: _stdin, tty: _tty, ...container } = built.debugContainer as Fields;
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'debugged' }, spec: { containers: [container] } };
    return [...built.objects, pod as KubeObject];
  },
} as const;
type Kind = keyof typeof KINDS;

/** One prop the builders validate: how to give it a value, and where the value lands in the objects. */
interface Field<V> {
  readonly name: string;
  readonly kind: Kind;
  /** A value both accept, for the objects a refused value is put into. */
  readonly good: V;
  readonly props: (v: V) => Props;
  readonly place: (objects: Fields[], v: V) => void;
}

const byKind = (objects: Fields[], kind: string): Fields => {
  const found = objects.find((o) => o.kind === kind);
  if (!found) throw new Error(`no ${kind} among ${objects.map((o) => o.kind).join(', ')}`);
  return found;
};
const podSpec = (objects: Fields[]): Fields => {
  const w = objects.find((o) => o.kind === 'Pod') ?? objects[0];
  return w.kind === 'CronJob' ? w.spec.jobTemplate.spec.template.spec : w.kind === 'Pod' ? w.spec : w.spec.template.spec;
};
const main = (objects: Fields[]): Fields => podSpec(objects).containers[0];
/** Replaces every string equal to `from` (a generated port name) in the objects. */
function replaceStrings(value: unknown, from: string, to: unknown): unknown {
  if (value === from) return to;
  if (Array.isArray(value)) return value.map((v) => replaceStrings(v, from, to));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceStrings(v, from, to)]));
  return value;
}

type Outcome = { objects: readonly KubeObject[] } | { refused: string };
function attempt(kind: Kind, props: Props): Outcome {
  try {
    return { objects: KINDS[kind](props) };
  } catch (error) {
    if (isHardpodError(error)) return { refused: error.message };
    throw error;
  }
}

/** Values of a field the builder refuses on purpose though the server admits them; the refusal must name the reason. */
interface Deliberate {
  readonly field: string;
  /** Which values, and why hardpod refuses them. */
  readonly why: string;
  /** Matches the builder's message, which must say that hardpod refuses it and why. */
  readonly reason: RegExp;
}

/** What the builder said, what the server said, for one value. */
interface Judged {
  readonly field: string;
  readonly value: unknown;
  readonly refusedByBuilder: string | undefined;
  readonly allowedByServer: boolean;
  readonly serverMessage?: string;
  readonly warnings: readonly string[];
}

async function judge<V>(c: Cluster, namespace: string, field: Field<V>, value: V): Promise<Judged> {
  const built = attempt(field.kind, field.props(value));
  let objects: Fields[];
  if ('objects' in built) {
    objects = built.objects as unknown as Fields[];
  } else {
    const base = attempt(field.kind, field.props(field.good));
    if ('refused' in base) throw new Error(`${field.name}: the good value ${JSON.stringify(field.good)} is refused: ${base.refused}`);
    objects = JSON.parse(JSON.stringify(base.objects)) as Fields[];
    field.place(objects, value);
  }
  const warnings: string[] = [];
  for (const object of objects) {
    const verdict = await c.dryRunCreate(object as KubeObject, namespace);
    warnings.push(...verdict.warnings);
    if (!verdict.allowed) {
      return {
        field: field.name,
        value,
        refusedByBuilder: 'refused' in built ? built.refused : undefined,
        allowedByServer: false,
        serverMessage: `${object.kind}: ${verdict.message}`,
        warnings,
      };
    }
  }
  return { field: field.name, value, refusedByBuilder: 'refused' in built ? built.refused : undefined, allowedByServer: true, warnings };
}

/** Disagreements among judged values, deliberate refusals taken out (their message must give the reason). */
function disagreements(judged: readonly Judged[], deliberate: readonly Deliberate[] = []): string[] {
  const found: string[] = [];
  for (const j of judged) {
    const what = `${j.field} ${JSON.stringify(j.value)}`;
    const builderAllows = j.refusedByBuilder === undefined;
    if (builderAllows === j.allowedByServer) continue;
    if (!builderAllows && deliberate.some((d) => d.field === j.field && kept(d, j.refusedByBuilder!))) continue;
    found.push(`${what}: the builder ${builderAllows ? 'accepts it' : `refuses it (${j.refusedByBuilder})`}, the API server ${j.allowedByServer ? 'admits it' : `refuses it: ${j.serverMessage}`}`);
  }
  return found;
}

const kept = (d: Deliberate, message: string): boolean => d.reason.test(message);

async function judgeAll<V>(c: Cluster, namespace: string, field: Field<V>, values: readonly V[]): Promise<Judged[]> {
  const unique = [...new Map(values.map((v) => [JSON.stringify(v) ?? String(v), v])).values()];
  return mapLimit(unique, 8, (v) => judge(c, namespace, field, v));
}

/** Both verdicts must be common, or the comparison proves little. */
function expectBothVerdicts(judged: readonly Judged[], atLeast: number): void {
  expect(judged.filter((j) => j.allowedByServer).length).toBeGreaterThanOrEqual(atLeast);
  expect(judged.filter((j) => !j.allowedByServer).length).toBeGreaterThanOrEqual(atLeast);
}

// ---- values -------------------------------------------------------------------------------------

const QUANTITY_KNOWN = [
  '100m', '1Gi', '1e3', '+1', '.5', '1.', '0x10', '1E', '1e', '1E3', '1e-3', '1e+3', '-1', '-0', '0', '-100m', '1.5Gi', '1.0005Gi', '1.25Mi',
  '0.0001Ki', '1.123456789Gi', '0.1m', '0.0001', '1n', '1u', '1Ki', '1ki', '1K', '1k', '1KB', '1 Gi', ' 1Gi', '1Gi ', '', '.', '+', '1..5',
  '9223372036854775807', '9223372036854775808', '99999999999999999999999', '1e18', '1e19', '1e308', '1e400', '8Ei', '9Ei', '1000000Ei',
  '1e1000000', '0.000000001', '-', '+.', '-.', '.m', '+Gi', '.e3', '-0.0000000001', '0.0000000001', '1.5e3', '1.5E', 'Infinity', 'NaN', '1_000', '١', '1E-3', '1ee3', '1Ei', '1P', '1T', '1G', '1M',
];
const quantity = fc.tuple(
  fc.constantFrom('', '', '', '+', '-'),
  fc.constantFrom('0', '1', '5', '12', '100', '0.5', '1.5', '.5', '1.', '1.25', '0.001', '1.0001', '12345678901234567890'),
  fc.constantFrom('', 'm', 'k', 'K', 'M', 'G', 'Ki', 'Mi', 'Gi', 'Ei', 'E', 'e3', 'e-2', 'E+2', 'n', 'u', 'i', 'e', 'mi', 'x'),
).map((parts) => parts.join(''));

const DNS_LABEL_KNOWN = [
  'web', 'a', '1', '1web', ' ', '  ', 'system:masters', 'a b', 'A.B_c', 'a'.repeat(254), 'web-1', '-web', 'web-', 'we--b', 'Web', 'web.app', 'web_app', '', 'a'.repeat(63), 'a'.repeat(64), 'wéb', 'web ',
];
const dnsLabel = fc.stringMatching(/^[a-z0-9.A-Z_-]{1,8}$/);
const longLabel = fc.integer({ min: 50, max: 70 }).map((n) => 'x'.repeat(n));

const PORT_NAME_KNOWN = ['8080',
  'http', 'web-1', 'a', '1', '1a', 'a1', '-http', 'http-', 'ht--tp', 'HTTP', 'h_ttp', 'h.ttp', 'abcdefghijklmno', 'abcdefghijklmnop', '123456789012345',
  '12345678901234a', ''];
const portName = fc.array(fc.constantFrom('a', 'z', '0', '9', '-', '-', 'A', '_', '.'), { minLength: 1, maxLength: 17 }).map((p) => p.join(''));

// NaN and Infinity are left out: JSON has no way to send them.
const INTEGERS_KNOWN = [
  -1, 0, 1, 2, 3, 9, 10, 29, 30, 31, 100, 1.5,
  65535, 65536, 2 ** 31 - 1, 2 ** 31, 2 ** 32, 2 ** 53, 2 ** 62, 2 ** 63 - 1024, 2 ** 63, -(2 ** 31), 1e21,
];
const integer = fc.oneof(
  fc.integer({ min: -5, max: 40 }), fc.integer({ min: 2 ** 31 - 3, max: 2 ** 31 + 3 }), fc.constantFrom(0.5, 2 ** 62, 2 ** 64),
);

const CIDR_KNOWN = [
  '10.0.0.0/8', '10.0.0.1/8', '10.0.0.0/32', '10.0.0.0/33', '10.0.0.0/0', '0.0.0.0/0', '10.0.0.0', '10.0.0.0/', '10.0.0.0/08', '10.0.0.0/008',
  '010.0.0.0/8', '10.0.0.0/8/8', '10.0.0/8', '256.0.0.0/8', 'fd00::/8', 'fd00:0::/8', 'fd00::0:1/128', '2001:db8:0:0:1:0:0:1/128', '2001:db8::1:0:0:1/128', '64:ff9b::1.2.3.4/128', 'fd00::1/8', 'fd00::/128', 'fd00::/129', '::/0', '::ffff:10.0.0.0/104',
  '::ffff:10.0.0.0/8', 'fe80::1%eth0/64', 'FD00::/8', '10.0.0.0/+8', '10.0.0.0/-1', ' 10.0.0.0/8', '10.0.0.0/8 ', '', 'fd00::/08', '1.2.3.4/32',
];
const cidr = fc.tuple(
  fc.constantFrom('10.0.0.0', '10.1.2.3', '192.168.0.0', '0.0.0.0', '255.255.255.255', '010.0.0.1', 'fd00::', 'fd00::1', '::', '::ffff:1.2.3.4', '1.2.3'),
  fc.constantFrom('/0', '/8', '/16', '/24', '/32', '/33', '/64', '/128', '/129', '/08', '', '/'),
).map(([a, p]) => a + p);

const ENV_NAME_KNOWN = [
  'PATH', 'my_var', 'MY-VAR', 'my.var', '1VAR', 'VAR=1', '=', ' ', 'A B', 'a:b', '$x', '~', '\u007f', 'é', '\t', 'x\ny', 'A'.repeat(300), '',
];
const DATA_KEY_KNOWN = [
  'abc', 'a.b', 'a_b', 'A-Z', '.a', 'a.', '.', '..', '..a', 'a..b', '', 'a/b', 'a b', 'é', 'x'.repeat(253), 'x'.repeat(254), '...',
];
const dataKey = fc.array(fc.constantFrom('a', 'Z', '0', '.', '.', '-', '_', '/', ' ', ':'), { minLength: 1, maxLength: 6 }).map((p) => p.join(''));
const FILE_PATH_KNOWN = ['a', 'a/b', '/a', '../a', 'a/../b', '..a', 'a/..', '', '.a', 'a/.', './a', 'a//b', '..', '.', 'a/..b', '..data', 'a\\..\\b'];
const filePath = fc.array(fc.constantFrom('a', '.', '.', '/', '..', 'b'), { minLength: 1, maxLength: 5 }).map((p) => p.join(''));

const envName = fc.array(fc.constantFrom('A', 'z', '_', '1', '-', '.', ' ', '=', '$', '\u00e9', '\u0001', '~', ':'), { minLength: 1, maxLength: 6 })
  .map((p) => p.join(''));

const LABEL_KEY_KNOWN = [
  'team', 'Team', 'team_x', 'team.x', '-team', 'team-', 'acme.io/team', 'ACME.io/team', 'acme_io/team', 'acme.io/', '/team', 'a/b/c', 'acme.io/Team.X_1',
  `${'a'.repeat(63)}`, `${'a'.repeat(64)}`, `${'a'.repeat(250)}.io/x`, `${'a'.repeat(254)}/x`, 'kubernetes.io/team', 'k8s.io/x', '',
];
const labelKey = fc.tuple(
  fc.constantFrom('', '', 'acme.io/', 'Acme.io/', 'acme_io/', '-acme.io/', 'a/', '/'),
  fc.array(fc.constantFrom('a', 'Z', '0', '-', '_', '.', ' ', '/'), { minLength: 0, maxLength: 6 }).map((p) => p.join('')),
).map(([prefix, name]) => prefix + name);
const LABEL_VALUE_KNOWN = ['', 'web', 'Web_1.x', '-web', 'web-', '.web', 'a'.repeat(63), 'a'.repeat(64), 'a b', 'a/b', 'é'];
const labelValue = fc.array(fc.constantFrom('a', 'Z', '0', '-', '_', '.', ' ', '/'), { minLength: 0, maxLength: 6 }).map((p) => p.join(''));

const PDB_KNOWN: (number | string)[] = [0, 1, 2, 5, -1, 1.5, '0%', '50%', '100%', '101%', '150%', '-1%', '50', '5.5%', 'abc', '', '%', ' 50%', '050%', '50 %', '1e2%'];
const pdbValue = fc.oneof(fc.integer({ min: -3, max: 200 }), fc.integer({ min: -3, max: 200 }).map((n) => `${n}%`), fc.constantFrom('10', 'x%', '%5'));

// ---- fields -------------------------------------------------------------------------------------

const quantityField = (name: string, props: (v: string) => Props, place: (o: Fields[], v: string) => void, kind: Kind = 'deployment'): Field<string> =>
  ({ name, kind, good: '1', props, place });

const QUANTITY_FIELDS: Field<string>[] = [
  quantityField('resources.requests.cpu', (v) => ({ resources: { requests: { cpu: v }, limits: { cpu: false } } }), (o, v) => {
    main(o).resources.requests.cpu = v;
  }),
  quantityField('resources.limits.memory', (v) => ({ resources: { requests: { memory: false }, limits: { memory: v } } }), (o, v) => {
    main(o).resources.limits.memory = v;
  }),
  quantityField('writablePaths[].sizeLimit', (v) => ({ writablePaths: [{ path: '/tmp', sizeLimit: v }] }), (o, v) => {
    podSpec(o).volumes[0].emptyDir.sizeLimit = v;
  }),
  quantityField('volumeClaims[].storage', (v) => ({ volumeClaims: [{ name: 'data', mountPath: '/data', storage: v }] }), (o, v) => {
    o[0].spec.volumeClaimTemplates[0].spec.resources.requests.storage = v;
  }, 'statefulset'),
];

/** The name is every object's name, the selector label's value and the ServiceAccount's name: it goes everywhere `abc` is. */
const everywhere = (o: Fields[], v: string): void => {
  o.splice(0, o.length, ...(JSON.parse(JSON.stringify(o).replace(/(?<=[".])abc(?=")/g, JSON.stringify(v).slice(1, -1))) as Fields[]));
};
const nameField = (kind: Kind): Field<string> => ({ name: `${kind} name`, kind, good: 'abc', props: (v) => ({ name: v }), place: everywhere });
const DEBUG_NAME: Field<string> = { name: 'debug name', kind: 'debug', good: 'abc', props: (v) => ({ name: v }), place: everywhere };

const CONTAINER_NAME: Field<string> = {
  name: 'containerName',
  kind: 'deployment',
  good: 'abc',
  props: (v) => ({ containerName: v }),
  place: (o, v) => {
    main(o).name = v;
  },
};
const SIDECAR_NAME: Field<string> = {
  name: 'sidecars[].name',
  kind: 'deployment',
  good: 'abc',
  props: (v) => ({ sidecars: [{ name: v, image: IMAGE, port: 15001 }] }),
  place: (o, v) => {
    podSpec(o).containers[1].name = v;
  },
};
const CLAIM_NAME: Field<string> = {
  name: 'volumeClaims[].name',
  kind: 'statefulset',
  good: 'abc',
  props: (v) => ({ volumeClaims: [{ name: v, mountPath: '/data', storage: '1Gi' }] }),
  place: (o, v) => {
    o[0].spec.volumeClaimTemplates[0].metadata.name = v;
    main(o).volumeMounts[0].name = v;
  },
};
/**
 * The containers a volume claim is mounted into (a sidecar `backup`, an init container `restore`):
 * put in place, the volume is mounted once per time a container is named, and not where none is.
 */
const CLAIM_CONTAINERS: Field<readonly string[]> = {
  name: 'volumeClaims[].containers',
  kind: 'statefulset',
  good: ['main'],
  props: (v) => ({
    volumeClaims: [{ name: 'data', mountPath: '/data', storage: '1Gi', containers: v }],
    sidecars: [{ name: 'backup', image: IMAGE, probes: false }],
    initContainers: [{ name: 'restore', image: IMAGE }],
  }),
  place: (o, v) => {
    const spec = podSpec(o);
    for (const c of [...spec.containers, ...(spec.initContainers ?? [])] as Fields[]) {
      const others = (c.volumeMounts ?? []).filter((m: Fields) => m.name !== 'data');
      const data = v.filter((name) => name === c.name).map(() => ({ name: 'data', mountPath: '/data' }));
      c.volumeMounts = [...data, ...others];
    }
  },
};
const NAMESPACE_NAME: Field<string> = {
  name: 'namespace name',
  kind: 'namespace',
  good: 'abc',
  props: (v) => ({ name: v }),
  place: (o, v) => {
    o[0].metadata.name = v;
  },
};
const STORAGE_CLASS: Field<string> = {
  name: 'volumeClaims[].storageClassName',
  kind: 'statefulset',
  good: 'abc',
  props: (v) => ({ volumeClaims: [{ name: 'data', mountPath: '/data', storage: '1Gi', storageClassName: v }] }),
  place: (o, v) => {
    o[0].spec.volumeClaimTemplates[0].spec.storageClassName = v;
  },
};
const DEBUG_GROUP: Field<string> = {
  name: 'debug group',
  kind: 'debug',
  good: 'abc',
  props: (v) => ({ group: v }),
  place: (o, v) => {
    byKind(o, 'RoleBinding').subjects[0].name = v;
  },
};
const SERVICE_ACCOUNT: Field<string> = {
  name: 'serviceAccountName',
  kind: 'deployment',
  good: 'abc',
  props: (v) => ({ serviceAccountName: v }),
  place: (o, v) => {
    podSpec(o).serviceAccountName = v;
  },
};

/** A Secret or ConfigMap mounted as files, by a name or with one item. */
const filesField = (name: string, entry: (v: string) => Props, place: (volume: Fields, v: string) => void): Field<string> => ({
  name,
  kind: 'deployment',
  good: 'abc',
  props: (v) => ({ fsGroup: 1000, files: [{ mountPath: '/etc/x', ...entry(v) }] }),
  place: (o, v) => place(podSpec(o).volumes[0], v),
});
const FILES_SECRET = filesField('files[].secret', (v) => ({ secret: v }), (volume, v) => {
  volume.secret.secretName = v;
});
const FILES_CONFIGMAP = filesField('files[].configMap', (v) => ({ configMap: v }), (volume, v) => {
  volume.configMap.name = v;
});
const FILES_ITEM_KEY = filesField('files[].items[].key', (v) => ({ secret: 'abc', items: [{ key: v, path: 'f' }] }), (volume, v) => {
  volume.secret.items[0].key = v;
});
const FILES_ITEM_PATH = filesField('files[].items[].path', (v) => ({ configMap: 'abc', items: [{ key: 'k', path: v }] }), (volume, v) => {
  volume.configMap.items[0].path = v;
});
/** One key of a ConfigMap mounted as a single file: the volume lists the key, the mount names it as subPath. */
const FILES_SUBPATH: Field<string> = {
  name: 'files[].subPath',
  kind: 'deployment',
  good: 'abc',
  props: (v) => ({ fsGroup: 1000, files: [{ configMap: 'abc', subPath: v, mountPath: '/etc/x/f' }] }),
  place: (o, v) => {
    podSpec(o).volumes[0].configMap.items = [{ key: v, path: v }];
    main(o).volumeMounts[0].subPath = v;
  },
};
const envConfigMapField = (name: string, ref: (v: string) => Props, place: (ref: Fields, v: string) => void): Field<string> => ({
  name,
  kind: 'deployment',
  good: 'abc',
  props: (v) => ({ env: { X: { configMapKeyRef: ref(v) } } }),
  place: (o, v) => place(main(o).env[0].valueFrom.configMapKeyRef, v),
});
const ENV_CONFIGMAP_NAME = envConfigMapField('env configMapKeyRef.name', (v) => ({ name: v, key: 'k' }), (ref, v) => {
  ref.name = v;
});
const ENV_CONFIGMAP_KEY = envConfigMapField('env configMapKeyRef.key', (v) => ({ name: 'abc', key: v }), (ref, v) => {
  ref.key = v;
});

/** A ConfigMap whose keys become variables: its name, and the prefix put before them. */
const envFromField = (name: string, good: string, source: (v: string) => Props, place: (source: Fields, v: string) => void): Field<string> => ({
  name,
  kind: 'deployment',
  good,
  props: (v) => ({ envFrom: [source(v)] }),
  place: (o, v) => place(main(o).envFrom[0], v),
});
const ENV_FROM_CONFIGMAP = envFromField('envFrom[].configMap', 'abc', (v) => ({ configMap: v }), (source, v) => {
  source.configMapRef.name = v;
});
const ENV_FROM_PREFIX = envFromField('envFrom[].prefix', 'APP_', (v) => ({ configMap: 'abc', prefix: v }), (source, v) => {
  source.prefix = v;
});

/** An env value read from a request or limit of the container: the resource, and a divisor with it. */
const ENV_RESOURCE: Field<string> = {
  name: 'env resourceFieldRef.resource',
  kind: 'deployment',
  good: 'limits.cpu',
  props: (v) => ({ env: { X: { resourceFieldRef: { resource: v } } } }),
  place: (o, v) => {
    main(o).env[0].valueFrom.resourceFieldRef.resource = v;
  },
};
const ENV_DIVISOR: Field<readonly [string, string]> = {
  name: 'env resourceFieldRef.divisor',
  kind: 'deployment',
  good: ['limits.cpu', '1'],
  props: ([resource, divisor]) => ({ env: { X: { resourceFieldRef: { resource, divisor } } } }),
  place: (o, [resource, divisor]) => {
    main(o).env[0].valueFrom.resourceFieldRef = { resource, divisor };
  },
};
/** A projected service-account token: its lifetime and its audience. */
const tokenField = <V>(name: string, good: V, token: (v: V) => Props, place: (projection: Fields, v: V) => void): Field<V> => ({
  name,
  kind: 'deployment',
  good,
  props: (v) => ({ fsGroup: 1000, files: [{ serviceAccountToken: token(v), mountPath: '/var/run/token' }] }),
  place: (o, v) => place(podSpec(o).volumes[0].projected.sources[0].serviceAccountToken, v),
});
const TOKEN_EXPIRATION = tokenField<number>('files[].serviceAccountToken.expirationSeconds', 3600, (v) => ({ expirationSeconds: v }), (token, v) => {
  token.expirationSeconds = v;
});
const TOKEN_AUDIENCE = tokenField<string>('files[].serviceAccountToken.audience', 'vault', (v) => ({ audience: v }), (token, v) => {
  token.audience = v;
});

const ENV_NAME: Field<string> = {
  name: 'env name',
  kind: 'deployment',
  good: 'ABC',
  props: (v) => ({ env: { [v]: 'x' } }),
  place: (o, v) => {
    main(o).env[0].name = v;
  },
};

const PORT_NAME: Field<string> = {
  name: 'ports[].name',
  kind: 'deployment',
  good: 'goodname',
  props: (v) => ({ port: undefined, ports: [{ port: 8080, name: v }] }),
  place: (o, v) => o.splice(0, o.length, ...(replaceStrings(o, 'goodname', v) as Fields[])),
};
const PROBE_PORT: Field<string | number> = {
  name: 'probes.readiness.httpGet.port',
  kind: 'deployment',
  good: 8080,
  props: (v) => ({ probes: { readiness: { httpGet: { path: '/', port: v } }, liveness: { tcpSocket: {} } } }),
  place: (o, v) => {
    main(o).readinessProbe.httpGet.port = v;
  },
};
const TCP_PROBE_PORT: Field<string | number> = {
  name: 'probes.liveness.tcpSocket.port',
  kind: 'deployment',
  good: 8080,
  props: (v) => ({ probes: { liveness: { tcpSocket: { port: v } }, readiness: { tcpSocket: {} } } }),
  place: (o, v) => {
    main(o).livenessProbe.tcpSocket.port = v;
  },
};
/** A field of a readiness probe's action (the liveness probe stays plain). */
const probeAction = (action: 'httpGet' | 'grpc', field: string, good: unknown, base: Props = {}): Field<unknown> => ({
  name: `probes.readiness.${action}.${field}`,
  kind: 'deployment',
  good,
  props: (v) => ({ probes: { readiness: { [action]: { ...base, [field]: v } }, liveness: { tcpSocket: {} } } }),
  place: (o, v) => {
    main(o).readinessProbe[action][field] = v;
  },
});
const PROBE_ACTION_FIELDS: readonly [Field<unknown>, readonly unknown[]][] = [
  [probeAction('grpc', 'port', 8080), [8080, 'port-8080', '8080', true, { port: 8080 }, [8080]]],
  [probeAction('grpc', 'service', 'health', { port: 8080 }), ['health', '', 5, false, ['health']]],
  [probeAction('httpGet', 'scheme', 'HTTP', { path: '/' }), ['HTTP', 'HTTPS', 'http', 'https', 'FTP', '', 1]],
  [probeAction('httpGet', 'path', '/', { port: 8080 }), ['/', '/healthz?full=1', '', 5, true, { path: '/' }]],
  [probeAction('httpGet', 'port', 8080, { path: '/' }), [8080, 'port-8080', true, null, { port: 8080 }, 8080.5]],
];

const POLICY_PORT: Field<string | number> = {
  name: 'network.ingress[].ports[].port',
  kind: 'deployment',
  good: 8080,
  props: (v) => ({ network: { ingress: [{ peer: { podLabels: { app: 'x' } }, ports: [{ port: v }] }] } }),
  place: (o, v) => {
    byKind(o, 'NetworkPolicy').spec.ingress[0].ports[0].port = v;
  },
};
const SERVICE_PORT: Field<number> = {
  name: 'ports[].port',
  kind: 'deployment',
  good: 8080,
  props: (v) => ({ port: undefined, ports: [{ port: v, containerPort: 8080 }] }),
  place: (o, v) => {
    byKind(o, 'Service').spec.ports[0].port = v;
  },
};
const CONTAINER_PORT: Field<number> = {
  name: 'ports[].containerPort',
  kind: 'deployment',
  good: 8080,
  props: (v) => ({ port: undefined, unprivilegedPortStart: 1, ports: [{ port: 8080, containerPort: v }] }),
  place: (o, v) => {
    main(o).ports[0].containerPort = v;
  },
};
const END_PORT: Field<number> = {
  name: 'network.egress[].ports[].endPort',
  kind: 'deployment',
  good: 9000,
  props: (v) => ({ network: { egress: [{ peer: { podLabels: { app: 'x' } }, ports: [{ port: 8080, endPort: v }] }] } }),
  place: (o, v) => {
    byKind(o, 'NetworkPolicy').spec.egress[1].ports[0].endPort = v;
  },
};

const probeTiming = (kind: 'readiness' | 'liveness', timing: string): Field<number> => ({
  name: `probes.${kind}.${timing}`,
  kind: 'deployment',
  good: 1,
  // A long-running container needs both probes; the other one is plain.
  props: (v) => ({ probes: { [kind]: { tcpSocket: {}, [timing]: v }, [kind === 'readiness' ? 'liveness' : 'readiness']: { tcpSocket: {} } } }),
  place: (o, v) => {
    main(o)[`${kind}Probe`][timing] = v;
  },
});
const PROBE_TIMINGS = [
  ...['initialDelaySeconds', 'periodSeconds', 'timeoutSeconds', 'failureThreshold', 'successThreshold'].map((t) => probeTiming('readiness', t)),
  probeTiming('liveness', 'successThreshold'),
];

const intField = (kind: Kind, name: string, props: (v: number) => Props, place: (o: Fields[], v: number) => void, good = 1): Field<number> =>
  ({ name: `${kind} ${name}`, kind, good, props, place });
/** An int prop of the same name as a field of the workload's own spec (Job and CronJob settings). */
const topSpecField = (kind: Kind, name: string): Field<number> => intField(kind, name, (v) => ({ [name]: v }), (o, v) => {
  o[0].spec[name] = v;
});
const INT_FIELDS: Field<number>[] = [
  intField('deployment', 'replicas', (v) => ({ replicas: v, podDisruptionBudget: false }), (o, v) => {
    o[0].spec.replicas = v;
  }),
  intField('statefulset', 'replicas', (v) => ({ replicas: v, podDisruptionBudget: false }), (o, v) => {
    o[0].spec.replicas = v;
  }),
  intField('deployment', 'terminationGracePeriodSeconds', (v) => ({ terminationGracePeriodSeconds: v, preStopSleepSeconds: false }), (o, v) => {
    podSpec(o).terminationGracePeriodSeconds = v;
  }),
  intField('deployment', 'preStopSleepSeconds', (v) => ({ preStopSleepSeconds: v, terminationGracePeriodSeconds: 30 }), (o, v) => {
    main(o).lifecycle.preStop.sleep.seconds = v;
  }),
  intField('deployment', 'runAsUser', (v) => ({ runAsUser: v }), (o, v) => {
    main(o).securityContext.runAsUser = v;
  }),
  intField('deployment', 'runAsGroup', (v) => ({ runAsGroup: v }), (o, v) => {
    main(o).securityContext.runAsGroup = v;
  }),
  intField('deployment', 'fsGroup', (v) => ({ fsGroup: v }), (o, v) => {
    podSpec(o).securityContext.fsGroup = v;
  }),
  intField('deployment', 'unprivilegedPortStart', (v) => ({ unprivilegedPortStart: v, port: 65535 }), (o, v) => {
    podSpec(o).securityContext.sysctls[0].value = String(v);
  }),
  intField('debug', 'runAsUser', (v) => ({ runAsUser: v }), (o, v) => {
    main(o).securityContext.runAsUser = v;
  }),
  intField('debug', 'runAsGroup', (v) => ({ runAsGroup: v }), (o, v) => {
    main(o).securityContext.runAsGroup = v;
  }),
  topSpecField('job', 'backoffLimit'),
  topSpecField('job', 'activeDeadlineSeconds'),
  topSpecField('job', 'ttlSecondsAfterFinished'),
  topSpecField('job', 'completions'),
  topSpecField('job', 'parallelism'),
  topSpecField('cronjob', 'successfulJobsHistoryLimit'),
  topSpecField('cronjob', 'failedJobsHistoryLimit'),
  topSpecField('cronjob', 'startingDeadlineSeconds'),
];

const pdbField = (which: 'minAvailable' | 'maxUnavailable'): Field<number | string> => ({
  name: `podDisruptionBudget.${which}`,
  kind: 'deployment',
  good: 1,
  props: (v) => ({ replicas: 3, podDisruptionBudget: { [which]: v } }),
  place: (o, v) => {
    const spec = byKind(o, 'PodDisruptionBudget').spec;
    delete spec.minAvailable;
    delete spec.maxUnavailable;
    spec[which] = v;
  },
});

const peerCidr = (which: 'cidr' | 'except'): Field<string> => ({
  name: `ipBlock.${which}`,
  kind: 'deployment',
  good: which === 'cidr' ? '10.0.0.0/8' : '10.1.0.0/16',
  props: (v) => ({ network: { egress: [{ peer: { ipBlock: which === 'cidr' ? { cidr: v } : { cidr: '10.0.0.0/8', except: [v] } } }] } }),
  place: (o, v) => {
    const block = byKind(o, 'NetworkPolicy').spec.egress[1].to[0].ipBlock;
    if (which === 'cidr') block.cidr = v;
    else block.except = [v];
  },
});
const NODE_LOCAL_DNS: Field<string> = {
  name: 'dns.nodeLocalAddress',
  kind: 'deployment',
  good: '169.254.20.10',
  props: (v) => ({ network: { dns: { nodeLocalAddress: v } } }),
  place: (o, v) => {
    byKind(o, 'NetworkPolicy').spec.egress[0].to[0].ipBlock.cidr = `${v}/${v.includes(':') ? 128 : 32}`;
  },
};
const PEER_NAMESPACE: Field<string> = {
  name: 'network peer namespace',
  kind: 'deployment',
  good: 'abc',
  props: (v) => ({ network: { ingress: [{ peer: { namespace: v } }] } }),
  place: (o, v) => {
    byKind(o, 'NetworkPolicy').spec.ingress[0].from[0].namespaceSelector.matchLabels['kubernetes.io/metadata.name'] = v;
  },
};

type Label = [string, string];
const labelField = (name: string, kind: Kind, props: (l: Label) => Props, place: (o: Fields[], l: Label) => void): Field<Label> =>
  ({ name, kind, good: ['team', 'web'], props, place });
const putLabel = (target: Fields, [k, v]: Label, section = 'labels'): void => {
  target[section] = { ...target[section], [k]: v };
};
const LABEL_FIELDS: Field<Label>[] = [
  labelField('labels', 'deployment', (l) => ({ labels: { [l[0]]: l[1] } }), (o, l) => {
    for (const object of o) putLabel(object.metadata, l);
  }),
  labelField('podLabels', 'deployment', (l) => ({ podLabels: { [l[0]]: l[1] } }), (o, l) => putLabel(o[0].spec.template.metadata, l)),
  labelField('nodeSelector', 'deployment', (l) => ({ nodeSelector: { [l[0]]: l[1] } }), (o, l) => {
    podSpec(o).nodeSelector = { [l[0]]: l[1] };
  }),
  labelField('annotations', 'deployment', (l) => ({ annotations: { [l[0]]: l[1] } }), (o, l) => putLabel(o[0].metadata, l, 'annotations')),
  labelField('network peer podLabels', 'deployment', (l) => ({ network: { ingress: [{ peer: { podLabels: { [l[0]]: l[1] } } }] } }), (o, l) => {
    byKind(o, 'NetworkPolicy').spec.ingress[0].from[0].podSelector.matchLabels = { [l[0]]: l[1] };
  }),
  labelField('service.annotations', 'deployment', (l) => ({ service: { annotations: { [l[0]]: l[1] } } }), (o, l) => {
    putLabel(byKind(o, 'Service').metadata, l, 'annotations');
  }),
  labelField('namespace labels', 'namespace', (l) => ({ labels: { [l[0]]: l[1] } }), (o, l) => {
    for (const object of o) putLabel(object.metadata, l);
  }),
  labelField('debug labels', 'debug', (l) => ({ labels: { [l[0]]: l[1] } }), (o, l) => {
    for (const object of o) if (object.kind !== 'Pod') putLabel(object.metadata, l);
  }),
];

// ---- scheduling: tolerations, topology spread constraints, affinity, priority class --------------

/** An optional field: left out, or one of `values`. */
const maybe = <V>(...values: V[]): fc.Arbitrary<V | undefined> => fc.option(fc.constantFrom(...values), { nil: undefined, freq: 3 });
/** The object without the fields left out, as JSON would carry it. */
const defined = (o: Fields): Fields => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
/** A pod spec field given as a prop of the same name: the value lands in the pod spec as given. */
const podSpecField = <V>(name: string, good: V): Field<V> => ({
  name,
  kind: 'deployment',
  good,
  props: (v) => ({ [name]: v }),
  place: (o, v) => {
    podSpec(o)[name] = v;
  },
});

const TOLERATIONS = podSpecField<Fields[]>('tolerations', [{ key: 'gpu', operator: 'Exists' }]);
const TOLERATION_KNOWN: Fields[] = [
  { key: 'gpu', operator: 'Exists' }, { key: 'gpu', operator: 'Exists', value: 'x' }, { key: 'gpu', operator: 'Equal', value: 'x' }, { key: 'gpu', value: '' },
  { operator: 'Exists' }, { key: '', operator: 'Exists' }, { operator: 'Equal' }, {}, { value: 'x' }, { operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 0 },
  { key: 'gpu', operator: 'Exists', tolerationSeconds: 10 }, { key: 'gpu', operator: 'Exists', effect: 'NoSchedule', tolerationSeconds: 10 },
  { key: 'gpu', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: -5 }, { key: 'gpu', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 2 ** 63 },
  { key: 'gpu', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 1.5 }, { key: 'gpu', operator: 'exists' }, { key: 'gpu', operator: '' },
  { key: 'gpu', operator: 'Exists', effect: 'noschedule' }, { key: 'gpu', operator: 'Exists', effect: '' }, { key: 'a b', operator: 'Exists' },
  { key: 'example.com/gpu', value: 'a'.repeat(64) }, { key: 'Example.com/gpu', operator: 'Exists' }, { key: 'gpu', value: '-x' },
];
const toleration = fc.record({
  key: maybe('gpu', 'example.com/gpu', '', 'a b', 'Example.com/x', 'x/'),
  operator: maybe('Exists', 'Equal', '', 'exists', 'Gt'),
  value: maybe('', 'x', 'a b', '-x', 'A_b.1'),
  effect: maybe('NoSchedule', 'PreferNoSchedule', 'NoExecute', '', 'NoExecution'),
  tolerationSeconds: maybe(0, 30, -1, 1.5),
}).map(defined);

/**
 * Spread constraints whose matchLabelKeys name a key twice once merged into labelSelector: the server
 * admits them in a workload's pod template, and refuses each pod carrying the label, which the test
 * shows with a Pod of these labels.
 */
const MERGED_KEY_CASES: readonly { readonly constraint: Fields; readonly podLabels: Readonly<Record<string, string>> }[] = [
  { constraint: { labelSelector: { matchLabels: { tier: 'web' } }, matchLabelKeys: ['tier'] }, podLabels: { tier: 'web' } },
  { constraint: { labelSelector: { matchExpressions: [{ key: 'tier', operator: 'Exists' }] }, matchLabelKeys: ['tier'] }, podLabels: { tier: 'web' } },
  { constraint: { labelSelector: { matchLabels: { tier: 'web' } }, matchLabelKeys: ['pod-template-hash', 'pod-template-hash'] }, podLabels: { 'tier': 'web', 'pod-template-hash': 'abc' } },
];
const SPREAD = podSpecField<Fields[]>('topologySpreadConstraints', [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule' }]);
const spread = (c: Fields): Fields => ({ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule', ...c });
const SPREAD_KNOWN: Fields[][] = [
  [spread({})], [spread({ maxSkew: 0 })], [spread({ maxSkew: -1 })], [spread({ maxSkew: 2 ** 31 - 1 })], [spread({ maxSkew: 2 ** 31 })],
  [spread({ maxSkew: 1.5 })],
  [spread({ topologyKey: '' })], [spread({ topologyKey: 'a b' })], [spread({ topologyKey: 'failure-domain.beta.kubernetes.io/zone' })],
  [spread({ whenUnsatisfiable: 'ScheduleAnyway' })], [spread({ whenUnsatisfiable: 'scheduleAnyway' })], [spread({ whenUnsatisfiable: '' })],
  [spread({}), spread({ maxSkew: 2 })], [spread({}), spread({ whenUnsatisfiable: 'ScheduleAnyway' })], [spread({}), spread({ topologyKey: 'topology.kubernetes.io/zone' })],
  [spread({ labelSelector: { matchLabels: { tier: 'web' } } })], [spread({ labelSelector: { matchLabels: { tier: 'a b' } } })], [spread({ labelSelector: {} })],
  [spread({ labelSelector: { matchExpressions: [{ key: 'tier', operator: 'In' }] } })],
  [spread({ labelSelector: { matchExpressions: [{ key: 'tier', operator: 'Exists', values: ['x'] }] } })],
  [spread({ labelSelector: { matchExpressions: [{ key: 'tier', operator: 'Gt', values: ['1'] }] } })],
  [spread({ minDomains: 1 })], [spread({ minDomains: 3 })], [spread({ minDomains: 0 })], [spread({ minDomains: -1 })], [spread({ minDomains: 1.5 })],
  [spread({ minDomains: 2 ** 31 })], [spread({ minDomains: 2, whenUnsatisfiable: 'ScheduleAnyway' })],
  [spread({ nodeAffinityPolicy: 'Honor' })], [spread({ nodeAffinityPolicy: 'Ignore' })], [spread({ nodeAffinityPolicy: 'honor' })], [spread({ nodeAffinityPolicy: '' })],
  [spread({ nodeTaintsPolicy: 'Honor' })], [spread({ nodeTaintsPolicy: 'Ignore' })], [spread({ nodeTaintsPolicy: 'Always' })],
  [spread({ matchLabelKeys: ['pod-template-hash'] })], [spread({ matchLabelKeys: [] })], [spread({ matchLabelKeys: ['a b'] })], [spread({ matchLabelKeys: [''] })],
  [spread({ matchLabelKeys: ['app.kubernetes.io/name'] })], [spread({ labelSelector: { matchLabels: { tier: 'web' } }, matchLabelKeys: ['pod-template-hash'] })],
  ...MERGED_KEY_CASES.map(({ constraint }) => [spread(constraint)]),
];
const spreadConstraint = fc.record({
  maxSkew: fc.constantFrom(1, 1, 2, 0, -1),
  topologyKey: fc.constantFrom('kubernetes.io/hostname', 'topology.kubernetes.io/zone', '', 'a b', 'Zone', 'beta.kubernetes.io/os'),
  whenUnsatisfiable: fc.constantFrom('DoNotSchedule', 'ScheduleAnyway', 'donotschedule'),
  labelSelector: maybe<Fields>({ matchLabels: { tier: 'web' } }, { matchLabels: { '-tier': 'web' } }, { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['a'] }] }),
  minDomains: maybe(1, 2, 0),
  nodeAffinityPolicy: maybe('Honor', 'Ignore', 'honor'),
  nodeTaintsPolicy: maybe('Honor', 'Ignore', ''),
  matchLabelKeys: maybe<string[]>(['pod-template-hash'], ['tier'], ['a b'], ['x', 'x'], ['app.kubernetes.io/name']),
}).map(defined);

const AFFINITY = podSpecField<Fields>('affinity', { podAntiAffinity: {} });
const required = (...expressions: Fields[]): Fields => ({
  nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: expressions }] } },
});
const preferred = (weight: unknown, ...expressions: Fields[]): Fields => ({
  nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight, preference: { matchExpressions: expressions } }] },
});
const podTerm = (term: Fields, anti = true): Fields => ({ [anti ? 'podAntiAffinity' : 'podAffinity']: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', ...term }] } });
const AFFINITY_KNOWN: Fields[] = [
  {}, { nodeAffinity: {} }, { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } } },
  { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{}] } } },
  required({ key: 'kubernetes.io/arch', operator: 'In', values: ['amd64'] }), required({ key: 'kubernetes.io/arch', operator: 'In', values: [] }),
  required({ key: 'kubernetes.io/arch', operator: 'In', values: ['a b'] }), required({ key: 'beta.kubernetes.io/arch', operator: 'In', values: ['amd64'] }),
  required({ key: 'cores', operator: 'Gt', values: ['2'] }), required({ key: 'cores', operator: 'Lt', values: [] }), required({ key: 'gpu', operator: 'DoesNotExist' }),
  required({ key: 'cores', operator: 'Gt', values: ['two'] }), preferred(10, { key: 'cores', operator: 'Lt', values: ['1.5'] }),
  required({ key: 'cores', operator: 'Lt', values: ['9223372036854775807'] }), required({ key: 'cores', operator: 'Lt', values: ['9223372036854775808'] }),
  { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['node-1'] }] }] } } },
  { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['a', 'b'] }] }] } } },
  { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'Exists' }] }] } } },
  { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.uid', operator: 'In', values: ['a'] }] }] } } },
  { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['Node_1'] }] }] } } },
  preferred(1, { key: 'disk', operator: 'Exists' }), preferred(0, { key: 'disk', operator: 'Exists' }), preferred(100, { key: 'disk', operator: 'Exists' }),
  preferred(101, { key: 'disk', operator: 'Exists' }), preferred(50, { key: 'disk', operator: 'In', values: ['a b'] }),
  podTerm({}), podTerm({ topologyKey: '' }), podTerm({ topologyKey: 'a b' }), podTerm({ namespaces: ['shop'] }), podTerm({ namespaces: ['Shop'] }), podTerm({ namespaces: ['a.b'] }),
  podTerm({ labelSelector: { matchLabels: { app: 'db' } } }, false), podTerm({ labelSelector: { matchLabels: { app: 'a b' } } }), podTerm({ namespaceSelector: {} }),
  podTerm({ namespaceSelector: { matchExpressions: [{ key: 'team', operator: 'In' }] } }),
  podTerm({ labelSelector: { matchLabels: { app: 'db' } }, matchLabelKeys: ['pod-template-hash'] }), podTerm({ matchLabelKeys: ['pod-template-hash'] }),
  podTerm({ labelSelector: { matchLabels: { app: 'db' } }, matchLabelKeys: ['a b'] }),
  podTerm({ labelSelector: { matchLabels: { app: 'db' } }, matchLabelKeys: ['tier'], mismatchLabelKeys: ['tier'] }),
  podTerm({ labelSelector: { matchLabels: { app: 'db' } }, matchLabelKeys: ['tier', 'tier'] }),
  { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 0, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname' } }] } },
  { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname' } }] } },
];
const nodeRequirement = fc.record({
  key: fc.constantFrom('kubernetes.io/arch', 'example.com/disk', 'a b', '', 'Example.com/x', 'failure-domain.beta.kubernetes.io/zone'),
  operator: fc.constantFrom('In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', 'Lt', 'in', ''),
  values: maybe<string[]>([], ['a'], ['a', 'b'], ['a b'], ['1'], ['-a']),
}).map(defined);
const selectorRequirement = fc.record({
  key: fc.constantFrom('app', 'a b', 'example.com/tier'),
  operator: fc.constantFrom('In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt'),
  values: maybe<string[]>([], ['a'], ['a b']),
}).map(defined);
const affinity = fc.oneof(
  fc.tuple(fc.boolean(), fc.integer({ min: -1, max: 101 }), nodeRequirement).map(([req, weight, r]) => (req ? required(r) : preferred(weight, r))),
  fc.record({
    topologyKey: fc.constantFrom('kubernetes.io/hostname', 'topology.kubernetes.io/zone', '', 'a b'),
    labelSelector: maybe<Fields>({ matchLabels: { app: 'db' } }, { matchLabels: { app: 'a b' } }, {}),
    namespaceSelector: maybe<Fields>({}, { matchLabels: { team: 'a' } }),
    namespaces: maybe<string[]>(['shop'], ['Shop'], []),
  }).chain((term) => selectorRequirement.map((r) => podTerm(defined({ ...term, labelSelector: term.labelSelector ?? { matchExpressions: [r] } })))),
);

const PRIORITY_CLASS = podSpecField<string>('priorityClassName', 'abc');
const SERVICE_SOURCE_RANGE: Field<string> = {
  name: 'service.loadBalancerSourceRanges[]',
  kind: 'deployment',
  good: '10.0.0.0/8',
  props: (v) => ({ service: { type: 'LoadBalancer', loadBalancerSourceRanges: [v] } }),
  place: (o, v) => {
    byKind(o, 'Service').spec.loadBalancerSourceRanges = [v];
  },
};

/** The type of a Service given source ranges. */
const SOURCE_RANGES_TYPE: Field<string> = {
  name: 'service.type with loadBalancerSourceRanges',
  kind: 'deployment',
  good: 'LoadBalancer',
  props: (type) => ({ service: { type, loadBalancerSourceRanges: ['10.0.0.0/8'] } }),
  place: (o, type) => {
    byKind(o, 'Service').spec.type = type;
  },
};

type TrafficPolicy = [type: string, policy: unknown];
const TRAFFIC_POLICY_KNOWN: TrafficPolicy[] = ['ClusterIP', 'NodePort', 'LoadBalancer'].flatMap((type) =>
  ['Cluster', 'Local', 'local', 'cluster', 'Global', 'OnlyLocal', '', ' Local', 5, null].map((policy): TrafficPolicy => [type, policy]));
const TRAFFIC_POLICY: Field<TrafficPolicy> = {
  name: 'service.externalTrafficPolicy',
  kind: 'deployment',
  good: ['NodePort', 'Cluster'],
  props: ([type, policy]) => ({ service: { type, externalTrafficPolicy: policy } }),
  place: (o, [type, policy]) => {
    Object.assign(byKind(o, 'Service').spec, { type, externalTrafficPolicy: policy });
  },
};
/** The same policy on a StatefulSet's headless Service. */
const HEADLESS_TRAFFIC_POLICY: Field<TrafficPolicy> = {
  name: 'service.externalTrafficPolicy of a headless Service',
  kind: 'statefulset',
  good: ['ClusterIP', ''],
  props: ([type, policy]) => ({ service: { type, externalTrafficPolicy: policy } }),
  place: (o, [type, policy]) => {
    Object.assign(byKind(o, 'Service').spec, { type, externalTrafficPolicy: policy });
  },
};

/** minReplicas and maxReplicas together, for the order between them. */
const REPLICA_BOUNDS_KNOWN: [number, number][] = [
  [1, 1], [1, 2], [2, 1], [3, 3], [5, 4], [1, 0], [0, 0], [0, 1], [2, 2 ** 31 - 1], [2 ** 31 - 1, 2 ** 31 - 1], [4, 2 ** 31],
];
const smallCount = fc.integer({ min: -1, max: 6 });
const REPLICA_BOUNDS: Field<[number, number]> = {
  name: 'autoscaling minReplicas and maxReplicas',
  kind: 'deployment',
  good: [1, 2],
  props: ([minReplicas, maxReplicas]) => ({ autoscaling: { minReplicas, maxReplicas }, podDisruptionBudget: false }),
  place: (o, [minReplicas, maxReplicas]) => {
    Object.assign(byKind(o, 'HorizontalPodAutoscaler').spec, { minReplicas, maxReplicas });
  },
};
const hpaSpec = (o: Fields[]): Fields => byKind(o, 'HorizontalPodAutoscaler').spec;
const AUTOSCALING_FIELDS: Field<number>[] = [
  intField('deployment', 'autoscaling.minReplicas', (v) => ({ autoscaling: { minReplicas: v, maxReplicas: 2 ** 31 - 1 }, podDisruptionBudget: false }), (o, v) => {
    hpaSpec(o).minReplicas = v;
  }),
  intField('statefulset', 'autoscaling.maxReplicas', (v) => ({ autoscaling: { minReplicas: 1, maxReplicas: v } }), (o, v) => {
    hpaSpec(o).maxReplicas = v;
  }),
  intField('deployment', 'autoscaling.cpuUtilization', (v) => ({ autoscaling: { maxReplicas: 3, cpuUtilization: v } }), (o, v) => {
    hpaSpec(o).metrics[0].resource.target.averageUtilization = v;
  }),
  intField('statefulset', 'autoscaling.memoryUtilization', (v) => ({ autoscaling: { maxReplicas: 3, memoryUtilization: v } }), (o, v) => {
    hpaSpec(o).metrics[0].resource.target.averageUtilization = v;
  }),
];

/** Refused on purpose although the server admits them. Each refusal names its reason. */
const DELIBERATE: Deliberate[] = [
  ...['resources.requests.cpu', 'resources.limits.memory', 'writablePaths[].sizeLimit', 'volumeClaims[].storage'].map((field) => ({
    field, why: 'a sign or a dot with no digits ("+", "."), which the server reads as 0: a typo, not a wish', reason: /has no digits; hardpod refuses it/,
  })),
  ...(['daemonset', 'job', 'cronjob'] as const).map((kind) => ({
    field: `${kind} name`,
    why: 'a DNS subdomain that is no DNS label ("web.app"): one naming rule for every kind, as the name also names the Service and labels pods',
    reason: /hardpod names every workload with one .*although this kind alone would accept it/,
  })),
  {
    field: 'debug name',
    why: 'a DNS subdomain that is no DNS label: it ends the admission policy name hardpod-debug.<namespace>.<name>',
    reason: /hardpod names debug access with one/,
  },
  {
    field: 'network peer namespace',
    why: 'a label value that is no namespace name ("Web", "a.b"): no namespace can have it, the rule would match nothing',
    reason: /the rule would match nothing \(hardpod refuses it\)/,
  },
  { field: 'deployment preStopSleepSeconds', why: '0: delays nothing, and API servers before 1.33 refuse it', reason: /preStopSleepSeconds 0 is refused by hardpod/ },
  {
    field: 'deployment preStopSleepSeconds',
    why: 'equal to terminationGracePeriodSeconds: the container would be killed with no time to shut down',
    reason: /hardpod refuses it because the container would be killed/,
  },
  {
    field: 'deployment unprivilegedPortStart',
    why: 'outside 0-65535: the server passes the sysctl on, the kernel refuses it and the pod never starts',
    reason: /which the kernel requires/,
  },
  {
    field: 'deployment terminationGracePeriodSeconds', why: 'negative: the server silently makes it 1 second', reason: /would turn into 1 second; hardpod refuses it/,
  },
  ...['files[].secret', 'files[].configMap'].map((field) => ({
    field,
    why: 'no Secret or ConfigMap name ("Web", "a_b"): the server checks no name in a volume, but no object can have it and the pod would wait forever',
    reason: /so the pod would wait for it forever \(hardpod refuses it, although the API server admits it in a volume\)/,
  })),
  {
    field: 'envFrom[].configMap',
    why: 'a name ending in "-" ("web-"): the server checks it as a prefix of generated names, but no ConfigMap can have it and the container would wait forever',
    reason: /so the pod would wait for it forever \(hardpod refuses it, although the API server admits it in envFrom, where it reads a trailing "-" as a prefix/,
  },
  ...['files[].items[].key', 'files[].subPath'].map((field) => ({
    field,
    why: 'no data key ("a b", "a/b"): the server checks no key in a volume item, but no Secret can hold it and the volume would never mount',
    reason: /so the volume would never mount \(hardpod refuses it, although the API server admits it here\)/,
  })),
  {
    field: 'volumeClaims[].containers',
    why: 'no container of the pod, or none at all ([], "bakup"): the volume would be mounted nowhere, or not where it was meant to be',
    reason: /is empty, so the volume would be mounted nowhere|is not a container of the pod/,
  },
  {
    field: 'serviceAccountName',
    why: '"": the pods would run as the namespace\'s default ServiceAccount instead of a dedicated one',
    reason: /default ServiceAccount; hardpod refuses it/,
  },
  ...['ipBlock.cidr', 'ipBlock.except', 'dns.nodeLocalAddress', 'service.loadBalancerSourceRanges[]'].map((field) => ({
    field, why: 'IPv6 not in RFC 5952 form ("FD00::/8"): the server admits it with a warning', reason: /not written the canonical way \(the API server warns about it\)/,
  })),
  ...['probes.readiness.httpGet.port', 'probes.liveness.tcpSocket.port'].map((field) => ({
    field,
    why: 'a name or number the container does not declare: the kubelet cannot resolve the name, nothing answers on the number, the probe always fails',
    reason: /is not a TCP port of this container/,
  })),
  ...['podDisruptionBudget.minAvailable', 'podDisruptionBudget.maxUnavailable'].map((field) => ({
    field,
    why: 'a budget that lets none of the 3 replicas go (maxUnavailable 0, minAvailable 3 or "100%"): node drains would wait on it forever',
    reason: /blocks every voluntary eviction/,
  })),
  {
    field: 'service.loadBalancerSourceRanges[]',
    why: 'a CIDR with spaces around it (" 10.0.0.0/8"): the server trims them, a leftover of the annotation the field replaced',
    reason: /has spaces around the CIDR; hardpod refuses it although the API server trims them/,
  },
  {
    field: 'service.annotations',
    why: 'service.beta.kubernetes.io/load-balancer-source-ranges on a LoadBalancer Service: the field loadBalancerSourceRanges replaced it and wins over it',
    reason: /which loadBalancerSourceRanges replaced .*hardpod refuses it/,
  },
  {
    field: 'service.annotations',
    why: 'service.kubernetes.io/topology-aware-hints: deprecated, the server warns about it',
    reason: /which is deprecated \(the API server warns about it\); hardpod refuses it/,
  },
  { field: 'debug group', why: 'blank (" "): no one is in a group of that name, the grant would be dead', reason: /hardpod refuses a blank name/ },
  {
    field: 'env resourceFieldRef.resource',
    why: 'a hugepages size (limits.hugepages-2Mi): the builders request no hugepages, so there is nothing of the container\'s to read',
    reason: /is a hugepages size, which the builders never request: hardpod refuses it/,
  },
  {
    field: 'env resourceFieldRef.divisor',
    why: 'a unit written another way (1000m or 0.001 for a cpu divisor of 1 or 1m) or 0, which the server reads as 1: one spelling per unit',
    reason: /hardpod takes each unit one way only/,
  },
  {
    field: 'files[].serviceAccountToken.audience',
    why: 'empty or blank: the server reads "" as its own audience, and a blank audience is no service\'s; leave it out for the API server',
    reason: /or left out for the API server's own/,
  },
  { field: 'deployment runAsUser', why: '0 (root) while runAsNonRoot holds: the kubelet would refuse to start it', reason: /runAsUser 0 is root/ },
  ...['runAsUser', 'runAsGroup'].map((id) => ({ field: `debug ${id}`, why: '0: the debug container never runs as root', reason: /must be a non-root numeric id/ })),
  { field: 'tolerations', why: 'a negative tolerationSeconds: Kubernetes treats it as 0, evicting at once', reason: /is negative, which Kubernetes treats as 0 \(evict at once\); hardpod refuses it/ },
  {
    field: 'topologySpreadConstraints',
    why: 'a topologyKey that is no label key: no node can carry it, so the constraint can never be met',
    reason: /so no node can carry it and the constraint could never be met; hardpod refuses it, although the API server admits it/,
  },
  ...['topologySpreadConstraints', 'affinity'].map((field) => ({
    field, why: 'a deprecated node label (beta.kubernetes.io/os ...): the server admits it with a warning', reason: /is a deprecated node label \(the API server warns about it: .*\); hardpod refuses it/,
  })),
  {
    field: 'affinity',
    why: 'a value that is no label value in a preferred node term: the server admits it with a warning, but no node label holds it',
    reason: /the preference never applies; hardpod refuses it, although the API server admits it \(with a warning\) in a preferred term/,
  },
  ...['affinity', 'topologySpreadConstraints'].map((field) => ({
    field,
    why: 'a matchLabelKeys key that is also a key of labelSelector: the server merges matchLabelKeys into the selector of each Pod it creates, and refuses the Pods',
    reason: /is also a key of labelSelector; the API server refuses the pods/,
  })),
  ...['affinity', 'topologySpreadConstraints'].map((field) => ({
    field,
    why: 'a matchLabelKeys key listed twice: merged into the selector of each Pod carrying the label, it is named twice there, and the server refuses the Pod',
    reason: /repeats matchLabelKeys\[\d+\]; the API server refuses the pods that carry the label/,
  })),
  {
    field: 'affinity',
    why: 'a Gt or Lt value that is no whole number: the scheduler refuses the term (the pod stays Pending, or the preference never applies)',
    reason: /is not a whole number, which operator (Gt|Lt) compares node labels with: .*hardpod refuses it, although the API server admits it/,
  },
  {
    field: 'affinity',
    why: 'a pod (anti-)affinity term without labelSelector: it matches no pod, and the server admits it with a warning',
    reason: /has no labelSelector, so it matches no pod \(the API server warns about it\); hardpod refuses it/,
  },
  { field: 'priorityClassName', why: '"": names no PriorityClass, which the server reads as none', reason: /names no PriorityClass; hardpod refuses it/ },
];

const sample = <V>(arbitrary: fc.Arbitrary<V>, n: number): V[] => fc.sample(arbitrary, { numRuns: n });

describeCluster('workload builders: the builder refuses what the API server refuses', (cluster) => {
  let namespace: string;
  beforeAll(async () => {
    namespace = await cluster().createNamespace(cluster().uniqueNamespaceName('builder'));
  });
  const check = async <V>(fields: readonly Field<V>[], values: readonly V[]): Promise<Judged[]> =>
    (await Promise.all(fields.map((f) => judgeAll(cluster(), namespace, f, values)))).flat();

  test('resource quantities', async () => {
    const judged = await check(QUANTITY_FIELDS, [...QUANTITY_KNOWN, ...sample(quantity, 150)]);
    expectBothVerdicts(judged, 40);
    expect(disagreements(judged, DELIBERATE)).toEqual([]);
  });
  test('names (DNS labels)', async () => {
    const values = [...DNS_LABEL_KNOWN, ...sample(dnsLabel, 60), ...sample(longLabel, 5)];
    const fields = [
      ...(['deployment', 'statefulset', 'daemonset', 'job', 'cronjob'] as const).map((k) => nameField(k)),
      NAMESPACE_NAME, CONTAINER_NAME, SIDECAR_NAME, CLAIM_NAME, DEBUG_NAME, PEER_NAMESPACE, SERVICE_ACCOUNT, STORAGE_CLASS, DEBUG_GROUP,
      FILES_SECRET, FILES_CONFIGMAP, ENV_CONFIGMAP_NAME, ENV_FROM_CONFIGMAP,
    ];
    const judged = await check(fields, values);
    expectBothVerdicts(judged, 40);
    expect(disagreements(judged, DELIBERATE)).toEqual([]);
  });
  test('data keys and file paths of Secrets and ConfigMaps', async () => {
    const judged = [
      ...await check([FILES_ITEM_KEY, ENV_CONFIGMAP_KEY], [...DATA_KEY_KNOWN, ...sample(dataKey, 60)]),
      ...await check([FILES_ITEM_PATH], [...FILE_PATH_KNOWN, ...sample(filePath, 60)]),
      ...await check([FILES_SUBPATH], [...DATA_KEY_KNOWN, ...FILE_PATH_KNOWN, ...sample(dataKey, 40), ...sample(filePath, 40)]),
    ];
    expectBothVerdicts(judged, 20);
    expect(disagreements(judged, DELIBERATE)).toEqual([]);
  });
  test('single files (subPath) of one ConfigMap in two containers: one volume, admitted', async () => {
    const built = attempt('deployment', {
      fsGroup: 1000,
      files: [
        { configMap: 'nginx', subPath: 'nginx.conf', mountPath: '/etc/nginx/nginx.conf' },
        { configMap: 'nginx', subPath: 'mime.types', mountPath: '/etc/nginx/mime.types' },
        { configMap: 'nginx', mountPath: '/etc/nginx/conf.d' },
      ],
      sidecars: [{ name: 'exporter', image: IMAGE, port: 9113, files: [{ configMap: 'nginx', subPath: 'nginx.conf', mountPath: '/etc/nginx/nginx.conf' }] }],
    });
    if ('refused' in built) throw new Error(built.refused);
    expect(podSpec(built.objects as unknown as Fields[]).volumes.map((v: Fields) => v.name)).toEqual(['config-nginx', 'config-etc-nginx-conf-d']);
    const verdicts = await Promise.all(built.objects.map((o) => cluster().dryRunCreate(o, namespace)));
    expect(verdicts.map((v) => v.message ?? 'admitted')).toEqual(built.objects.map(() => 'admitted'));
    expect(verdicts.flatMap((v) => v.warnings)).toEqual([]);
  });
  test('volume claims mounted into the containers they name', async () => {
    const judged = await check([CLAIM_CONTAINERS], [
      ['main'], ['backup'], ['restore'], ['main', 'backup', 'restore'], ['backup', 'main'], ['main', 'main'], ['backup', 'restore', 'backup'], [], ['bakup'], ['Main'],
    ]);
    expectBothVerdicts(judged, 1);
    expect(judged.filter((j) => j.allowedByServer).length).toBeGreaterThanOrEqual(5);
    expect(disagreements(judged, DELIBERATE)).toEqual([]);
  });
  test('env from requests and limits, service-account tokens', async () => {
    const resources = ['limits.cpu', 'requests.memory', 'limits.ephemeral-storage', 'requests.ephemeral-storage'];
    const divisors = ['1', '1m', '1k', '1M', '1G', '1Ki', '1Mi', '1Gi', '1Ei', '1E', '2', '10m', '1000m', '0.001', '0', '1.5', '1e3', 'abc', '-1', '1Mb', ''];
    const judged = [
      ...await check([ENV_RESOURCE], [
        'limits.cpu', 'limits.memory', 'limits.ephemeral-storage', 'requests.cpu', 'requests.memory', 'requests.ephemeral-storage',
        'limit.cpu', 'cpu', 'memory', '', 'limits.storage', 'limits.nvidia.com/gpu', 'Limits.cpu', 'limits.cpu ', 'limits.hugepages-2Mi', 'requests.hugepages-1Gi',
      ]),
      ...await check([ENV_DIVISOR], resources.flatMap((resource) => divisors.map((divisor) => [resource, divisor] as const))),
      ...await check([TOKEN_EXPIRATION], [...INTEGERS_KNOWN, 599, 600, 601, 3600, 2 ** 32, 2 ** 32 + 1, 86400 * 365]),
      ...await check([TOKEN_AUDIENCE], ['vault', 'https://kubernetes.default.svc', 'a b', '', ' ', 'x'.repeat(300), 'sts.amazonaws.com']),
    ];
    expectBothVerdicts(judged, 20);
    expect(disagreements(judged, DELIBERATE)).toEqual([]);
  });
  test('env names', async () => {
    const judged = await check([ENV_NAME, ENV_FROM_PREFIX], [...ENV_NAME_KNOWN, ...sample(envName, 80)]);
    expectBothVerdicts(judged, 5);
    expect(disagreements(judged, DELIBERATE)).toEqual([]);
  });
  test('port names and numbers', async () => {
    const names = [...PORT_NAME_KNOWN, ...sample(portName, 80)];
    const numbers = [...INTEGERS_KNOWN, ...sample(integer, 30), ...sample(fc.integer({ min: -2, max: 70000 }), 30)];
    const judged = [
      ...await check([PORT_NAME], names),
      ...await check([PROBE_PORT, TCP_PROBE_PORT, POLICY_PORT], [...names, ...numbers]),
      ...await check([SERVICE_PORT, CONTAINER_PORT, END_PORT], numbers),
    ];
    expectBothVerdicts(judged, 40);
    expect(disagreements(judged, DELIBERATE)).toEqual([]);
  });
  test('probe actions: the types and values of their fields', async () => {
    const judged = (await Promise.all(PROBE_ACTION_FIELDS.map(([field, values]) => check([field], values)))).flat();
    expectBothVerdicts(judged, 10);
    expect(disagreements(judged, DELIBERATE)).toEqual([]);
  });
  test('whole numbers: probes, grace periods, replicas, ids, Job and CronJob fields', async () => {
    const judged = await check([...PROBE_TIMINGS, ...INT_FIELDS], [...INTEGERS_KNOWN, ...sample(integer, 30)]);
    expectBothVerdicts(judged, 40);
    expect(disagreements(judged, DELIBERATE)).toEqual([]);
  });
  test('PodDisruptionBudget minAvailable and maxUnavailable', async () => {
    const judged = await check([pdbField('minAvailable'), pdbField('maxUnavailable')], [...PDB_KNOWN, ...sample(pdbValue, 60)]);
    expectBothVerdicts(judged, 20);
    expect(disagreements(judged, DELIBERATE)).toEqual([]);
  });
  test('CIDRs and addresses of network peers', async () => {
    const values = [...CIDR_KNOWN, ...sample(cidr, 80)];
    const judged = [
      ...await check([peerCidr('cidr'), peerCidr('except')], values),
      ...await check([NODE_LOCAL_DNS], values.map((v) => v.split('/')[0])),
    ];
    expectBothVerdicts(judged, 20);
    expect(disagreements(judged, DELIBERATE)).toEqual([]);
    // What the builder accepts must not draw a warning either: newer servers refuse what older ones warn about.
    const warned = judged.filter((j) => j.refusedByBuilder === undefined && j.warnings.length > 0).map((j) => `${j.field} ${j.value}: ${j.warnings.join('; ')}`);
    expect(warned).toEqual([]);
  });
  test('scheduling: tolerations, topology spread constraints, affinity and priority class', async () => {
    const judged = [
      ...await check([TOLERATIONS], [...TOLERATION_KNOWN, ...sample(toleration, 100)].map((t) => [t])),
      ...await check([SPREAD], [...SPREAD_KNOWN, ...sample(fc.array(spreadConstraint, { minLength: 1, maxLength: 2 }), 80)]),
      ...await check([AFFINITY], [...AFFINITY_KNOWN, ...sample(affinity, 120)]),
      ...await check([PRIORITY_CLASS], [...DNS_LABEL_KNOWN, 'a.b', 'system-cluster-critical', ...sample(dnsLabel, 40)]),
    ];
    expectBothVerdicts(judged, 40);
    expect(disagreements(judged, DELIBERATE)).toEqual([]);
    // What the builder accepts must not draw a warning either (a spread constraint without labelSelector, deprecated node labels).
    const warned = judged.filter((j) => j.refusedByBuilder === undefined && j.warnings.length > 0).map((j) => `${j.field} ${JSON.stringify(j.value)}: ${j.warnings.join('; ')}`);
    expect(warned).toEqual([]);
  });
  test('spread matchLabelKeys the builder refuses on purpose: the server refuses each Pod carrying the label, and admits one without the clash', async () => {
    const base = attempt('deployment', {});
    if ('refused' in base) throw new Error(base.refused);
    const template = (base.objects[0] as Fields).spec.template;
    // The Pod runs as the namespace's default ServiceAccount: the workload's own is not created here.
    const { serviceAccountName: _serviceAccount, ...spec } = template.spec;
    const pod = (constraint: Fields, labels: Readonly<Record<string, string>>): KubeObject => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'spread', labels: { ...template.metadata.labels, ...labels } },
      spec: { ...spec, topologySpreadConstraints: [spread(constraint)] },
    } as KubeObject);
    const verdicts = await Promise.all(MERGED_KEY_CASES.map(async ({ constraint, podLabels }) => {
      const refused = attempt('deployment', { topologySpreadConstraints: [spread(constraint)] });
      const verdict = await cluster().dryRunCreate(pod(constraint, podLabels), namespace);
      return { refusedByBuilder: 'refused' in refused, allowed: verdict.allowed, message: verdict.message };
    }));
    expect(verdicts.map((v) => [v.refusedByBuilder, v.allowed])).toEqual(MERGED_KEY_CASES.map(() => [true, false]));
    for (const v of verdicts) expect(v.message).toMatch(/exists in both matchLabelKeys and labelSelector/);
    const fine = { labelSelector: { matchLabels: { tier: 'web' } }, matchLabelKeys: ['pod-template-hash'] };
    expect((await cluster().dryRunCreate(pod(fine, { 'tier': 'web', 'pod-template-hash': 'abc' }), namespace)).allowed).toBe(true);
  });
  test('Service settings: loadBalancerSourceRanges CIDRs and externalTrafficPolicy by Service type', async () => {
    const judged = [
      ...await check([SERVICE_SOURCE_RANGE], [...CIDR_KNOWN, ...sample(cidr, 60)]),
      ...await check([TRAFFIC_POLICY, HEADLESS_TRAFFIC_POLICY], TRAFFIC_POLICY_KNOWN),
    ];
    expectBothVerdicts(judged, 15);
    expect(disagreements(judged, DELIBERATE)).toEqual([]);
    // What the builder accepts must not draw a warning either.
    const warned = judged.filter((j) => j.refusedByBuilder === undefined && j.warnings.length > 0);
    expect(warned.map((j) => `${j.field} ${JSON.stringify(j.value)}: ${j.warnings.join('; ')}`)).toEqual([]);
    // Source ranges by Service type: only a LoadBalancer takes them.
    const byType = await check([SOURCE_RANGES_TYPE], ['LoadBalancer', 'NodePort', 'ClusterIP']);
    expect(byType.map((j) => [j.value, j.allowedByServer])).toEqual([['LoadBalancer', true], ['NodePort', false], ['ClusterIP', false]]);
    expect(disagreements(byType)).toEqual([]);
  });
  test('HorizontalPodAutoscaler: replica bounds and utilization targets', async () => {
    const judged = [
      ...await check(AUTOSCALING_FIELDS, [...INTEGERS_KNOWN, ...sample(integer, 30)]),
      ...await check([REPLICA_BOUNDS], [...REPLICA_BOUNDS_KNOWN, ...sample(fc.tuple(smallCount, smallCount), 30)]),
    ];
    expectBothVerdicts(judged, 20);
    expect(disagreements(judged, DELIBERATE)).toEqual([]);
    const warned = judged.filter((j) => j.refusedByBuilder === undefined && j.warnings.length > 0);
    expect(warned.map((j) => `${j.field} ${JSON.stringify(j.value)}: ${j.warnings.join('; ')}`)).toEqual([]);
  });
  test('label keys and values', async () => {
    const values: Label[] = [
      ...LABEL_KEY_KNOWN.map((k): Label => [k, 'web']), ...LABEL_VALUE_KNOWN.map((v): Label => ['team', v]),
      ['service.beta.kubernetes.io/load-balancer-source-ranges', '10.0.0.0/8'], ['service.kubernetes.io/topology-aware-hints', 'auto'],
      ...sample(fc.tuple(labelKey, labelValue), 80),
    ];
    const judged = await check(LABEL_FIELDS, values);
    expectBothVerdicts(judged, 40);
    expect(disagreements(judged, DELIBERATE)).toEqual([]);
  });
});
