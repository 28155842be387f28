/**
 * The shop of examples/cdk8s-app as a Pulumi program: a web front end, an API, a PostgreSQL
 * StatefulSet and a nightly worker CronJob in a namespace that enforces Pod Security `restricted`.
 * Every workload is hardened by default; the only network paths are the ones allowed below.
 *
 * Preview it against a cluster (or render it to YAML with the provider's renderYamlToDirectory):
 *   pulumi preview --policy-pack ../pulumi-policy-pack
 */
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import {
  HardenedCronJob, HardenedDeployment, HardenedNamespace, HardenedStatefulSet, setHardpodDefaults, workloadPeer,
} from '../../src/pulumi';

const config = new pulumi.Config();
// Set `renderDirectory` to write manifests instead of applying them (no cluster needed).
const renderDirectory = config.get('renderDirectory');
const provider = renderDirectory ? new k8s.Provider('render', { renderYamlToDirectory: renderDirectory }) : undefined;
const opts: pulumi.ComponentResourceOptions = provider ? { providers: [provider] } : {};

// Images are pinned by digest; `npx hardpod lock` can pin tags into hardpod.lock.json instead.
const IMAGES = {
  web: 'registry.acme.example/shop/web:2.4.1@sha256:3f1c0a8e2b7d4c6f9a0e1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6a',
  api: 'registry.acme.example/shop/api:1.9.0@sha256:9b8a7c6d5e4f30211223344556677889900aabbccddeeff00112233445566778',
  postgres: 'registry.acme.example/mirror/postgres:16.4@sha256:0c1d2e3f405162738495a6b7c8d9e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091',
  worker: 'registry.acme.example/shop/worker:1.9.0@sha256:aa11bb22cc33dd44ee55ff6600778899aabbccddeeff00112233445566778899',
};

// The platform team's golden path, set once for every component of the program.
setHardpodDefaults({
  allowedRegistries: ['registry.acme.example'],
  labels: { 'app.kubernetes.io/part-of': 'shop' },
  resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '512Mi' } },
});

const shop = new HardenedNamespace('shop', { name: 'shop' }, opts);
// Every workload waits for the namespace: its name is an output of the Namespace resource.
const namespace = shop.namespaceName;

// The only traffic allowed: ingress controller -> web -> api -> db, worker -> db. Peers are known
// by name, so each side of a path is written where it applies.
const web = new HardenedDeployment('web', {
  namespace,
  image: IMAGES.web,
  // Port 80 for clients, 8080 inside: a non-root process cannot bind below 1024.
  ports: [{ port: 80, containerPort: 8080 }],
  // 3 to 10 pods by CPU, spread over the zones; the autoscaler owns the replica count.
  autoscaling: { minReplicas: 3, maxReplicas: 10, cpuUtilization: 70 },
  topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway' }],
  probes: { readiness: { httpGet: { path: '/healthz' } }, liveness: { httpGet: { path: '/livez' } } },
  writablePaths: ['/tmp', { path: '/var/cache/nginx', sizeLimit: '256Mi' }],
  network: {
    ingress: [{ peer: { namespace: 'ingress-nginx' }, ports: [{ port: 8080 }] }],
    egress: [{ peer: workloadPeer('api'), ports: [{ port: 9000 }] }],
  },
}, opts);

const api = new HardenedDeployment('api', {
  namespace,
  image: IMAGES.api,
  port: 9000,
  runAsUser: 10001,
  runAsGroup: 10001,
  // The password is a file, never an environment variable (rule secrets-as-files).
  env: { DATABASE_HOST: 'db.shop.svc', DATABASE_PASSWORD_FILE: '/run/secrets/db/password', GOMAXPROCS: { resourceFieldRef: { resource: 'limits.cpu' } } },
  files: [{ secret: 'db-credentials', mountPath: '/run/secrets/db', items: [{ key: 'password', path: 'password' }] }],
  probes: { readiness: { grpc: {} }, liveness: { grpc: {} } },
  resources: { requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '2', memory: '1Gi' } },
  writablePaths: ['/tmp'],
  network: {
    ingress: [{ peer: workloadPeer('web'), ports: [{ port: 9000 }] }],
    egress: [{ peer: workloadPeer('db'), ports: [{ port: 5432 }] }],
  },
}, opts);

const db = new HardenedStatefulSet('db', {
  namespace,
  image: IMAGES.postgres,
  port: 5432,
  // The postgres image's own user; PVCs are group-owned through fsGroup.
  runAsUser: 999,
  runAsGroup: 999,
  env: { PGDATA: '/var/lib/postgresql/data/pgdata' },
  writablePaths: ['/var/run/postgresql', '/tmp'],
  volumeClaims: [{ name: 'data', mountPath: '/var/lib/postgresql/data', storage: '20Gi' }],
  resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { memory: '2Gi' } },
  network: { ingress: [{ peer: workloadPeer('api'), ports: [{ port: 5432 }] }, { peer: workloadPeer('nightly-report'), ports: [{ port: 5432 }] }] },
}, opts);

const worker = new HardenedCronJob('worker', {
  name: 'nightly-report',
  namespace,
  image: IMAGES.worker,
  args: ['report', '--since=24h'],
  runAsUser: 10001,
  schedule: '30 2 * * *',
  timeZone: 'Etc/UTC',
  activeDeadlineSeconds: 1800,
  writablePaths: ['/tmp'],
  network: { egress: [{ peer: workloadPeer('db'), ports: [{ port: 5432 }] }] },
}, opts);

export const namespaceName = namespace;
export const workloads = [web.workloadName, api.workloadName, db.workloadName, worker.workloadName];
