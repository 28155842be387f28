/**
 * The workloads the admission policies are proven on, against evaluate(): the Pod Security mutation
 * corpus, variants of a compliant Pod aimed at each emitted rule, and every workload kind, with the
 * config they are judged under. Used by the ValidatingAdmissionPolicies on the real API server
 * (admission-policies.test.ts) and by the Kyverno policies in the real Kyverno CLI
 * (test/admission/kyverno-apply.test.ts).
 */
import { hardenedPod, mutationCorpus } from './mutations';
import type { EngineConfig } from '../../src/engine';

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

/** The config the corpus is judged under, for objects in `namespace`: allowed registries, and a config suppression of one object. */
export function admissionCorpusConfig(namespace: string): EngineConfig {
  return {
    hardened: { allowedRegistries: ['registry.example', 'docker.io/library', 'ghcr.io/acme'] },
    suppressions: [{ rule: 'read-only-root-filesystem', kind: 'Pod', namespace, name: 'suppressed-by-config', reason: 'a legacy app that writes to /var' }],
  };
}

/** The whole corpus: the mutation corpus, the variants aimed at each rule, every workload kind. */
export function admissionCorpus(): { id: string; object: Fields }[] {
  return [
    ...mutationCorpus().map((m) => ({ id: `mutation ${m.id}`, object: m.pod as Fields })),
    ...ruleVariants(),
    ...workloadKinds(),
  ];
}

/** Ephemeral containers added to a compliant Pod: one passing every rule, the others failing one each. */
export const EPHEMERAL_CONTAINERS: readonly Fields[] = [
  { name: 'debugger', image: PINNED, securityContext: { readOnlyRootFilesystem: true } },
  { name: 'debugger', image: 'busybox:1.36', securityContext: { readOnlyRootFilesystem: true } },
  { name: 'debugger', image: PINNED },
  { name: 'debugger', image: PINNED, securityContext: { readOnlyRootFilesystem: true }, envFrom: [{ secretRef: { name: 'db' } }] },
];

/** A compliant Pod changed to fail one emitted rule only. */
export function variantFailing(rule: string): Fields {
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
