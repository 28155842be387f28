/**
 * The sanctioned way into shell-less images, on the real API server: the emitted Role, RoleBinding,
 * ValidatingAdmissionPolicy and binding are accepted; a member of the group can add exactly the
 * approved debug container to a pod and nothing else (no other image, no weaker security context,
 * none inherited from the pod, no environment from Secrets or ConfigMaps, no hostPath mount, no pod
 * in the node's namespaces, no exec, no attach to other containers, no workload container named as
 * debug containers are, no other namespace); the policy
 * holds for admins too, and on its own in a namespace that enforces no Pod Security level; and the
 * `kubectl debug` command the library prints, run by a real kubectl as that member, creates the
 * debug container.
 * Run on the newest server, and on the oldest the debug access claims (Kubernetes 1.30) and one between them
 * (1.34) with objects built for each.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hardenedPod } from './mutations';
import { ADMISSION_POLICY_MINOR } from '../../src/admission';
import { buildDebugAccess, type DebugAccessObjects, type KubeObject } from '../../src/model';
import { findToolchain, MIDDLE_SERVER_MINOR, type Cluster, type ClusterServer, type Impersonation, type Verdict } from '../harness/cluster';
import { describeCluster } from '../harness/cluster-suite';

const DEBUG_IMAGE = `ghcr.io/acme/debug-tools:1.0@sha256:${'d'.repeat(64)}`;
const OTHER_IMAGE = `docker.io/library/busybox:1.36@sha256:${'e'.repeat(64)}`;
const GROUP = 'shop-oncall';
const MEMBER: Impersonation = { user: 'alice', groups: [GROUP] };
const OUTSIDER: Impersonation = { user: 'mallory', groups: ['shop-developers'] };
const POD = 'web';

/** Declares the suite on one of the harness's servers. */
export function describeDebugAccess(title: string, server: ClusterServer): void {
  // On an older server, the objects are built for its release, as a user targeting it builds them.
  const targetMinor = { 'newest': undefined, 'oldest-admission': ADMISSION_POLICY_MINOR, 'middle': MIDDLE_SERVER_MINOR }[server];
  const target = targetMinor === undefined ? {} : { defaults: { kubernetesMinor: targetMinor } };
  describeCluster(title, (cluster) => {
    let namespace = '';
    let otherNamespace = '';
    let laxNamespace = '';
    let access: DebugAccessObjects;
    let laxAccess: DebugAccessObjects;
    let work = '';

    const podPath = (ns = namespace, pod = POD) => `/api/v1/namespaces/${ns}/pods/${pod}`;
    /** Adds one ephemeral container with a strategic-merge patch of the subresource, as kubectl debug does. */
    const addContainer = (
      c: Cluster, container: Record<string, unknown>, as?: Impersonation, ns = namespace, dryRun = false, pod = POD,
    ): Promise<Verdict> =>
      c.request('PATCH', `${podPath(ns, pod)}/ephemeralcontainers${dryRun ? '?dryRun=All' : ''}`,
        { spec: { ephemeralContainers: [container] } }, 'application/strategic-merge-patch+json', as);
    const withContainer = (changes: Record<string, unknown>, name: string) => ({ ...access.debugContainer, ...changes, name });
    const createAccess = async (ns: string) => {
      const built = buildDebugAccess({ namespace: ns, group: GROUP, image: DEBUG_IMAGE }, { where: 'test', ...target });
      for (const object of built.objects) {
        const created = await cluster().create(object);
        if (!created.allowed || created.warnings.length > 0) throw new Error(`${object.kind}: ${created.status} ${created.message ?? ''} ${created.warnings.join('; ')}`);
      }
      await createPod(ns);
      // The server loads a new policy asynchronously: wait until it refuses a foreign image.
      await cluster().waitUntil(`the debug admission policy of ${ns} to take effect`, async () => {
        const verdict = await addContainer(cluster(), { ...built.debugContainer, image: OTHER_IMAGE, name: 'probe' }, undefined, ns, true);
        return !verdict.allowed && /approved debug image/.test(verdict.message ?? '');
      });
      await cluster().waitUntil(`the reserved-name policy of ${ns} to take effect`, async () => {
        const pod = hardenedPod();
        const spec = pod.spec as { containers: Record<string, unknown>[] };
        const verdict = await cluster().dryRunCreate({ ...pod, metadata: { name: 'probe' }, spec: { ...spec, containers: [{ ...spec.containers[0], name: 'debugger' }] } }, ns);
        return !verdict.allowed && /may not be named debugger/.test(verdict.message ?? '');
      });
      return built;
    };
    const withSecurityContext = (changes: Record<string, unknown>, name: string) =>
      withContainer({ securityContext: { ...(access.debugContainer.securityContext as object), ...changes } }, name);
    const createPod = async (ns: string) => {
      const pod: KubeObject = { ...hardenedPod(), metadata: { name: POD, labels: { 'app.kubernetes.io/name': POD } } };
      const created = await cluster().create(pod, ns);
      if (!created.allowed) throw new Error(`cannot create the pod in ${ns}: ${created.status} ${created.message}`);
    };

    beforeAll(async () => {
      const c = cluster();
      // Enforcing restricted: the debug container must pass Pod Security as well as the policy.
      namespace = await c.createPodSecurityNamespace('debug-access', 'restricted');
      otherNamespace = await c.createPodSecurityNamespace('debug-elsewhere', 'restricted');
      // No Pod Security labels: nothing but the policy judges security contexts here.
      laxNamespace = await c.createNamespace(c.uniqueNamespaceName('debug-lax'));
      access = await createAccess(namespace);
      laxAccess = await createAccess(laxNamespace);
      await createPod(otherNamespace);
      work = mkdtempSync(join(tmpdir(), 'hardpod-debug-'));
    }, 120_000);
    /** How to run a printed command with the real kubectl, as a member of the group, in the work directory. */
    const kubectlShell = (command: string) => {
      const kubectl = findToolchain();
      if ('missing' in kubectl) throw new Error(kubectl.missing);
      const kubeconfig = cluster().writeKubeconfig(work);
      return {
        args: ['-c', `${command} --as=${MEMBER.user} --as-group=${GROUP}`],
        options: { cwd: work, env: { PATH: `${join(kubectl.toolchain.kubectl, '..')}:${process.env.PATH}`, KUBECONFIG: kubeconfig, HOME: work } },
      };
    };
    const runKubectl = (command: string) => {
      const { args, options } = kubectlShell(command);
      return spawnSync('/bin/sh', args, { ...options, encoding: 'utf8', timeout: 60_000 });
    };
    /** Starts a printed command (one that waits, e.g. to attach) without waiting for it; resolves with its exit and output. */
    const startKubectl = (command: string) => {
      const { args, options } = kubectlShell(command);
      const child = spawn('/bin/sh', args, { ...options, stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => output += chunk.toString());
      child.stderr.on('data', (chunk: Buffer) => output += chunk.toString());
      return new Promise<{ status: number | null; output: string }>((resolve) => child.on('close', (status) => resolve({ status, output })));
    };
    afterAll(() => {
      if (work) rmSync(work, { recursive: true, force: true });
    });

    test('a member of the group may add the approved debug container', async () => {
      const verdict = await addContainer(cluster(), withContainer({}, 'approved'), MEMBER);
      expect([verdict.status, verdict.message, verdict.warnings]).toEqual([200, undefined, []]);
      const pod = (await cluster().request('GET', podPath())).body as { spec: { ephemeralContainers: { name: string; image: string }[] } };
      expect(pod.spec.ephemeralContainers.map((e) => [e.name, e.image])).toContainEqual(['approved', DEBUG_IMAGE]);
    });

    test.each([
      ['another image', () => withContainer({ image: OTHER_IMAGE }, 'other-image'), /must run the approved debug image/],
      ['the same image by tag', () => withContainer({ image: 'ghcr.io/acme/debug-tools:1.0' }, 'by-tag'), /must run the approved debug image/],
      ['another digest of the same repository and tag', () => withContainer({ image: DEBUG_IMAGE.replace(/d{64}$/, 'f'.repeat(64)) }, 'other-digest'), /must run the approved debug image/],
    ])('the policy refuses %s, for the group and for an admin alike', async (_what, container, reason) => {
      for (const as of [MEMBER, undefined]) {
        const verdict = await addContainer(cluster(), container(), as);
        expect(verdict.allowed).toBe(false);
        expect(verdict.message).toMatch(reason);
        expect(verdict.message).toContain(access.admissionPolicy.metadata?.name);
      }
    });

    test('the policy judges every container one request adds, by PATCH or PUT, and leaves the pod\'s other updates alone', async () => {
      const c = cluster();
      const both = await c.request('PATCH', `${podPath()}/ephemeralcontainers`,
        { spec: { ephemeralContainers: [withContainer({}, 'good'), withContainer({ image: OTHER_IMAGE }, 'bad')] } }, 'application/strategic-merge-patch+json', MEMBER);
      expect([both.status, both.message]).toEqual([403, expect.stringMatching(/must run the approved debug image/)]);
      // A PUT of the whole list, as an admin may send it (the group may only patch).
      const pod = (await c.request('GET', podPath())).body as { spec: { ephemeralContainers?: unknown[] } };
      const put = { ...pod, spec: { ...pod.spec, ephemeralContainers: [...(pod.spec.ephemeralContainers ?? []), withContainer({ image: OTHER_IMAGE }, 'put')] } };
      const byAdmin = await c.request('PUT', `${podPath()}/ephemeralcontainers`, put);
      expect([byAdmin.status, byAdmin.message]).toEqual([403, expect.stringMatching(/must run the approved debug image/)]);
      expect((await c.request('PUT', `${podPath()}/ephemeralcontainers`, put, 'application/json', MEMBER)).status).toBe(403);
      // Refused whole: the good one of the pair was not added either.
      const after = ((await c.request('GET', podPath())).body as { spec: { ephemeralContainers?: { name: string }[] } }).spec.ephemeralContainers ?? [];
      expect(after.map((e) => e.name)).not.toContain('good');
      // Labels and status are not the policy's business.
      const merge = 'application/strategic-merge-patch+json';
      expect((await c.request('PATCH', podPath(), { metadata: { labels: { 'debug-session': 'none' } } }, merge)).status).toBe(200);
      expect((await c.request('PATCH', `${podPath()}/status`, { status: { message: 'checked' } }, merge)).status).toBe(200);
    });

    // In a namespace without Pod Security enforcement, the policy alone keeps the debug container restricted.
    test.each([
      ['privileged', () => withSecurityContext({ privileged: true, allowPrivilegeEscalation: true }, 'privileged'), /allowPrivilegeEscalation: false|must not be privileged/],
      ['root allowed', () => withSecurityContext({ runAsNonRoot: false }, 'root'), /runAsNonRoot: true/],
      ['privilege escalation', () => withSecurityContext({ allowPrivilegeEscalation: true }, 'escalation'), /allowPrivilegeEscalation: false/],
      ['an added capability', () => withSecurityContext({ capabilities: { drop: ['ALL'], add: ['SYS_PTRACE'] } }, 'ptrace'), /drop ALL capabilities and add none/],
      ['an Unconfined seccomp profile over the pod\'s RuntimeDefault', () => withSecurityContext({ seccompProfile: { type: 'Unconfined' } }, 'unconfined'), /seccomp profile/],
      ['an Unconfined AppArmor profile', () => withSecurityContext({ appArmorProfile: { type: 'Unconfined' } }, 'apparmor'), /AppArmor confinement/],
      ['the unconfined SELinux type spc_t', () => withSecurityContext({ seLinuxOptions: { type: 'spc_t' } }, 'spc'), /SELinux user or role, and may set only the type container_t/],
      ['a SELinux user and role', () => withSecurityContext({ seLinuxOptions: { user: 'system_u', role: 'system_r' } }, 'selinux-user'), /SELinux user or role/],
      ['user 0', () => withSecurityContext({ runAsUser: 0 }, 'uid0'), /must not run as user 0/],
    ])('where no Pod Security level is enforced, the policy alone refuses %s', async (_what, container, reason) => {
      for (const as of [MEMBER, undefined]) {
        const verdict = await addContainer(cluster(), container(), as, laxNamespace);
        expect(verdict.allowed).toBe(false);
        expect(verdict.message).toMatch(reason);
        expect(verdict.message).toContain(laxAccess.admissionPolicy.metadata?.name);
      }
      // The approved container passes there too.
      expect((await addContainer(cluster(), withContainer({}, `ok-${Math.random().toString(36).slice(2, 8)}`), MEMBER, laxNamespace)).status).toBe(200);
    });

    test('where no Pod Security level is enforced, a debug container that sets no confinement of its own may not take the pod\'s unconfined one', async () => {
      // Admitted only because nothing enforces Pod Security here; a user namespace (hostUsers: false) lets a container unmask /proc.
      const base = hardenedPod();
      const spec = base.spec as Record<string, unknown>;
      const podSecurityContext = { ...(spec.securityContext as object), runAsUser: 0, appArmorProfile: { type: 'Unconfined' }, seLinuxOptions: { type: 'spc_t', user: 'system_u' } };
      const created = await cluster().create({ ...base, metadata: { name: 'loose' }, spec: { ...spec, hostUsers: false, securityContext: podSecurityContext } }, laxNamespace);
      expect([created.status, created.message]).toEqual([201, undefined]);
      const confined = { appArmorProfile: { type: 'RuntimeDefault' }, seLinuxOptions: { type: 'container_t' } };
      const add = (changes: Record<string, unknown>, name: string) => addContainer(cluster(), withSecurityContext(changes, name), MEMBER, laxNamespace, false, 'loose');
      for (const [changes, reason] of [
        [{ seLinuxOptions: confined.seLinuxOptions }, /AppArmor confinement/],
        [{ appArmorProfile: confined.appArmorProfile }, /SELinux user or role/],
        [{ ...confined, runAsUser: undefined }, /must not run as user 0/],
        [{ ...confined, procMount: 'Unmasked' }, /procMount: Default/],
      ] as const) {
        const verdict = await add(changes, 'inherits');
        if (server === 'oldest-admission' && 'procMount' in changes) {
          // 1.30 serves procMount only behind the ProcMountType gate, off by default: it drops the
          // field before admission and the container keeps the masked /proc.
          type Added = { name: string; securityContext: { procMount?: string } };
          const added = (verdict.body as { spec: { ephemeralContainers: Added[] } }).spec.ephemeralContainers;
          expect([verdict.allowed, added.find((e) => e.name === 'inherits')?.securityContext.procMount]).toEqual([true, 'Default']);
          continue;
        }
        expect(verdict.allowed).toBe(false);
        expect(verdict.message).toMatch(reason);
        expect(verdict.message).toContain(laxAccess.admissionPolicy.metadata?.name);
      }
      // With its own confinement the debug container is admitted into that pod too.
      const verdict = await add(confined, 'confined');
      expect([verdict.status, verdict.message]).toEqual([200, undefined]);
    });

    // The kubelet fetches whatever the environment names: that would read Secrets and ConfigMaps the group cannot get.
    test.each([
      ['an environment from a Secret', () => withContainer({ envFrom: [{ secretRef: { name: 'db-root' } }] }, 'env-secret'), /\(envFrom\)/],
      ['an environment from a ConfigMap', () => withContainer({ envFrom: [{ configMapRef: { name: 'settings' } }] }, 'env-config'), /\(envFrom\)/],
      ['a variable from a Secret key', () => withContainer({ env: [{ name: 'P', valueFrom: { secretKeyRef: { name: 'db-root', key: 'password' } } }] }, 'key-secret'), /\(env valueFrom\)/],
      ['a variable from a ConfigMap key', () => withContainer({ env: [{ name: 'S', valueFrom: { configMapKeyRef: { name: 'settings', key: 'url' } } }] }, 'key-config'), /\(env valueFrom\)/],
    ])('the policy refuses %s, with or without Pod Security', async (_what, container, reason) => {
      for (const [ns, policy] of [[namespace, access], [laxNamespace, laxAccess]] as const) {
        for (const as of [MEMBER, undefined]) {
          const verdict = await addContainer(cluster(), container(), as, ns);
          expect(verdict.allowed).toBe(false);
          expect(verdict.message).toMatch(reason);
          expect(verdict.message).toContain(policy.admissionPolicy.metadata?.name);
        }
      }
    });

    test('a debug container may mount the pod\'s own volumes but not its hostPath volumes, which are the node\'s files', async () => {
      // Admitted only because nothing enforces Pod Security here (baseline refuses hostPath volumes).
      const base = hardenedPod();
      const spec = base.spec as Record<string, unknown>;
      const volumes = [{ name: 'node-root', hostPath: { path: '/' } }, { name: 'scratch', emptyDir: {} }];
      const created = await cluster().create({ ...base, metadata: { name: 'node-agent' }, spec: { ...spec, volumes } }, laxNamespace);
      expect([created.status, created.message]).toEqual([201, undefined]);
      const mounting = (volume: string, name: string) => withContainer({ volumeMounts: [{ name: volume, mountPath: '/mnt', readOnly: true }] }, name);
      for (const as of [MEMBER, undefined]) {
        const verdict = await addContainer(cluster(), mounting('node-root', 'host'), as, laxNamespace, false, 'node-agent');
        expect(verdict.allowed).toBe(false);
        expect(verdict.message).toMatch(/must not mount hostPath volumes/);
        expect(verdict.message).toContain(laxAccess.admissionPolicy.metadata?.name);
      }
      const own = await addContainer(cluster(), mounting('scratch', 'own'), MEMBER, laxNamespace, false, 'node-agent');
      expect([own.status, own.message]).toEqual([200, undefined]);
    });

    test('a debug container may not join a pod that shares the node\'s network, processes or IPC', async () => {
      // Admitted only because nothing enforces Pod Security here (baseline refuses host namespaces). A
      // debugger there would see the node's processes (and read the environment and files of other pods'
      // processes that run as its user), reach services bound to the node's loopback, and share the node's IPC.
      const base = hardenedPod();
      const spec = base.spec as Record<string, unknown>;
      for (const field of ['hostNetwork', 'hostPID', 'hostIPC']) {
        const name = `node-${field.slice(4).toLowerCase()}`;
        const created = await cluster().create({ ...base, metadata: { name }, spec: { ...spec, [field]: true } }, laxNamespace);
        expect([created.status, created.message]).toEqual([201, undefined]);
        for (const as of [MEMBER, undefined]) {
          const verdict = await addContainer(cluster(), withContainer({}, 'node'), as, laxNamespace, false, name);
          expect(verdict.allowed).toBe(false);
          expect(verdict.message).toMatch(new RegExp(`must not join a pod that shares the node's namespaces \\(${field}\\)`));
          expect(verdict.message).toContain(laxAccess.admissionPolicy.metadata?.name);
        }
      }
    });

    test('plain environment values and the downward API stay allowed', async () => {
      const env = [
        { name: 'LOG_LEVEL', value: 'debug' },
        { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
        { name: 'MEMORY_LIMIT', valueFrom: { resourceFieldRef: { resource: 'limits.memory', containerName: 'app' } } },
      ];
      const verdict = await addContainer(cluster(), withContainer({ env }, 'plain-env'), MEMBER, laxNamespace);
      expect([verdict.status, verdict.message]).toEqual([200, undefined]);
    });

    test('a debug container without its own seccomp profile runs under the pod\'s RuntimeDefault and is admitted', async () => {
      const verdict = await addContainer(cluster(), withSecurityContext({ seccompProfile: undefined }, 'pod-seccomp'), MEMBER, laxNamespace);
      expect([verdict.status, verdict.message]).toEqual([200, undefined]);
    });

    test('the grant is no more than that: no exec, no other namespace, nobody outside the group', async () => {
      const review = async (as: Impersonation, resource: string, subresource: string, verb: string, ns = namespace) => {
        const verdict = await cluster().request('POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SubjectAccessReview',
          spec: { user: as.user, groups: as.groups, resourceAttributes: { namespace: ns, resource, subresource, verb } },
        });
        return (verdict.body as { status: { allowed: boolean } }).status.allowed;
      };
      expect(await review(MEMBER, 'pods', 'ephemeralcontainers', 'patch')).toBe(true);
      expect(await review(MEMBER, 'pods', 'attach', 'create')).toBe(true);
      expect(await review(MEMBER, 'pods', 'exec', 'create')).toBe(false);
      expect(await review(MEMBER, 'pods', 'portforward', 'create')).toBe(false);
      expect(await review(MEMBER, 'pods', '', 'delete')).toBe(false);
      expect(await review(MEMBER, 'secrets', '', 'get')).toBe(false);
      expect(await review(MEMBER, 'pods', 'ephemeralcontainers', 'patch', otherNamespace)).toBe(false);
      expect(await review(OUTSIDER, 'pods', 'ephemeralcontainers', 'patch')).toBe(false);

      const elsewhere = await addContainer(cluster(), withContainer({}, 'elsewhere'), MEMBER, otherNamespace);
      expect(elsewhere.status).toBe(403);
      const outsider = await addContainer(cluster(), withContainer({}, 'outsider'), OUTSIDER);
      expect(outsider.status).toBe(403);
    });

    test('a member may attach only to debug containers: attaching to another container is exec into it, unless they may exec anyway', async () => {
      // Admission runs before the server looks for the pod's node: "no host assigned" means admitted.
      // POST opens an SPDY stream, GET a websocket (what recent kubectl uses).
      const attach = (container: string | undefined, as: Impersonation, method = 'POST') =>
        cluster().request(method, `${podPath()}/attach?${container === undefined ? '' : `container=${container}&`}stdin=true&stdout=true&tty=true`, undefined, 'application/json', as);
      for (const [container, method] of [['app', 'POST'], ['app', 'GET'], [undefined, 'POST']] as const) {
        const verdict = await attach(container, MEMBER, method);
        expect(verdict.status).toBe(403);
        expect(verdict.message).toMatch(/may attach only to debug containers \(named debugger…, as kubectl debug names them\)/);
        expect(verdict.message).toContain(access.attachPolicy.metadata?.name);
      }
      expect((await addContainer(cluster(), withContainer({}, 'debugger-attach'), MEMBER)).status).toBe(200);
      expect(await attach('debugger-attach', MEMBER)).toMatchObject({ status: 400, message: expect.stringMatching(/does not have a host assigned/) });
      // Someone in the group who may also exec (here an admin) attaches where they like.
      for (const as of [{ user: 'root-oncall', groups: [GROUP, 'system:masters'] }, { user: 'admin', groups: ['system:masters'] }]) {
        expect(await attach('app', as)).toMatchObject({ status: 400, message: expect.stringMatching(/does not have a host assigned/) });
      }
    });

    test('workload containers named like debug containers are refused in the namespace, so the group can attach to none of them', async () => {
      const c = cluster();
      const named = (containerName: string, init = false): KubeObject => {
        const pod = hardenedPod();
        const spec = pod.spec as { containers: Record<string, unknown>[]; initContainers?: Record<string, unknown>[] };
        const container = { ...spec.containers[0], name: containerName };
        return { ...pod, metadata: { name: `named-${containerName}-${init ? 'init' : 'main'}` }, spec: init ? { ...spec, initContainers: [container] } : { ...spec, containers: [container] } };
      };
      const deployment = (pod: KubeObject): KubeObject => ({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: pod.metadata!.name },
        spec: { selector: { matchLabels: { app: 'x' } }, template: { metadata: { labels: { app: 'x' } }, spec: pod.spec } },
      });
      const cronJob = (pod: KubeObject): KubeObject => ({
        apiVersion: 'batch/v1',
        kind: 'CronJob',
        metadata: { name: pod.metadata!.name },
        spec: { schedule: '0 3 * * *', jobTemplate: { spec: { template: { spec: { ...(pod.spec as object), restartPolicy: 'Never' } } } } },
      });
      for (const object of [named('debugger'), named('debugger-x', true), deployment(named('debugger-sidecar')), cronJob(named('debuggerd'))]) {
        const verdict = await c.dryRunCreate(object, namespace);
        expect([object.kind, verdict.allowed]).toEqual([object.kind, false]);
        expect(verdict.message).toMatch(/may not be named debugger…: the name is kept for debug containers, which members of shop-oncall may attach to/);
        expect(verdict.message).toContain(access.reservedNamePolicy.metadata?.name);
        // Elsewhere the name is free, and in the namespace any other name is.
        expect((await c.dryRunCreate(object, otherNamespace)).allowed).toBe(true);
      }
      for (const object of [named('debug'), named('app-debugger'), deployment(named('web'))]) expect((await c.dryRunCreate(object, namespace)).allowed).toBe(true);
    });

    test('a group named with quotes, a backslash, spaces and a colon is granted and restricted exactly', async () => {
      const c = cluster();
      const odd = 'oidc:"Shop" On-Call \\ EU';
      const member: Impersonation = { user: 'erin', groups: [odd] };
      const ns = await c.createNamespace(c.uniqueNamespaceName('debug-odd-group'));
      const built = buildDebugAccess({ namespace: ns, group: odd, image: DEBUG_IMAGE }, { where: 'test', ...target });
      for (const object of built.objects) expect((await c.create(object)).status).toBe(201);
      await createPod(ns);
      await c.waitUntil('the attach policy to take effect', async () =>
        (await c.request('POST', `${podPath(ns)}/attach?container=app&stdout=true`, undefined, 'application/json', member)).status === 403);
      expect((await addContainer(c, { ...built.debugContainer, name: 'debugger-odd' }, member, ns)).status).toBe(200);
      const verdict = await c.request('POST', `${podPath(ns)}/attach?container=app&stdout=true`, undefined, 'application/json', member);
      expect(verdict.message).toContain(`members of ${odd} may attach only to debug containers`);
    });

    test('two debug accesses of one namespace: with one image both groups may debug; with two images neither could, which is why the constructs refuse it', async () => {
      const c = cluster();
      const oncall: Impersonation = { user: 'olga', groups: ['shop-sre'] };
      const shared = await c.createNamespace(c.uniqueNamespaceName('debug-shared'));
      const split = await c.createNamespace(c.uniqueNamespaceName('debug-split'));
      const sharedAccesses = [
        buildDebugAccess({ namespace: shared, group: GROUP, image: DEBUG_IMAGE }, { where: 'test', ...target }),
        buildDebugAccess({ name: 'sre', namespace: shared, group: 'shop-sre', image: DEBUG_IMAGE, runAsUser: 1000 }, { where: 'test', ...target }),
      ];
      const splitAccesses = [
        buildDebugAccess({ namespace: split, group: GROUP, image: DEBUG_IMAGE }, { where: 'test', ...target }),
        buildDebugAccess({ name: 'sre', namespace: split, group: 'shop-sre', image: OTHER_IMAGE }, { where: 'test', ...target }),
      ];
      // In this order: the server loads policies and bindings in the order they were written, so once the
      // last one written refuses, every one before it is in force.
      for (const built of [...sharedAccesses, ...splitAccesses]) {
        for (const object of built.objects) expect((await c.create(object)).status).toBe(201);
      }
      await createPod(shared);
      await createPod(split);
      await c.waitUntil('the last policy to take effect', async () =>
        /approved debug image/.test((await addContainer(c, { ...splitAccesses[0].debugContainer, name: 'probe' }, undefined, split, true)).message ?? ''));

      for (const [built, as] of [[sharedAccesses[0], MEMBER], [sharedAccesses[1], oncall]] as const) {
        const verdict = await addContainer(c, { ...built.debugContainer, name: as.user }, as, shared);
        expect([verdict.status, verdict.message]).toEqual([200, undefined]);
      }
      for (const [built, as] of [[splitAccesses[0], MEMBER], [splitAccesses[1], oncall]] as const) {
        const verdict = await addContainer(c, { ...built.debugContainer, name: as.user }, as, split);
        expect(verdict.status).toBe(403);
        expect(verdict.message).toMatch(/must run the approved debug image/);
      }
    });

    test('the kubectl debug command, run by a real kubectl as a member, adds the debug container', () => {
      writeFileSync(join(work, 'debug-container.json'), JSON.stringify(access.customContainer));
      // Without a terminal (no kubelet runs the container here); everything else as printed.
      const command = access.kubectlDebugCommand(POD, { attach: false, container: 'debugger-kubectl' });
      // For a 1.30 target the command turns on --custom, which kubectl 1.30 keeps behind a variable.
      const gate = server === 'oldest-admission' ? 'KUBECTL_DEBUG_CUSTOM_PROFILE=true ' : '';
      expect(command).toBe(`${gate}kubectl debug --namespace ${namespace} web --image=${DEBUG_IMAGE} --container=debugger-kubectl --profile=restricted --custom=debug-container.json`);
      const run = runKubectl(command);
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      return cluster().request('GET', podPath()).then((verdict) => {
        const pod = verdict.body as { spec: { ephemeralContainers: Record<string, unknown>[] } };
        const created = pod.spec.ephemeralContainers.find((e) => e.name === 'debugger-kubectl');
        expect(created).toMatchObject({ image: DEBUG_IMAGE, securityContext: access.debugContainer.securityContext });
      });
    });

    test('the command printed for a 1.30 cluster, which turns on --custom for kubectl 1.30, runs as printed with a newer kubectl too', async () => {
      writeFileSync(join(work, 'debug-container.json'), JSON.stringify(access.customContainer));
      const for130 = buildDebugAccess({ namespace, group: GROUP, image: DEBUG_IMAGE }, { where: 'test', defaults: { kubernetesMinor: 30 } });
      const command = for130.kubectlDebugCommand(POD, { attach: false, container: 'debugger-130' });
      expect(command).toMatch(/^KUBECTL_DEBUG_CUSTOM_PROFILE=true kubectl debug /);
      const run = runKubectl(command);
      expect([run.status, run.stderr]).toEqual([0, '']);
      const pod = (await cluster().request('GET', podPath())).body as { spec: { ephemeralContainers: Record<string, unknown>[] } };
      expect(pod.spec.ephemeralContainers.find((e) => e.name === 'debugger-130')).toMatchObject({ image: DEBUG_IMAGE, securityContext: access.debugContainer.securityContext });
    });

    test('the printed command, run again on the same pod, gives the next session a debug container of its own', async () => {
      writeFileSync(join(work, 'debug-container.json'), JSON.stringify(access.customContainer));
      const command = access.kubectlDebugCommand('again', { attach: false });
      expect((await cluster().create({ ...hardenedPod(), metadata: { name: 'again' } }, namespace)).status).toBe(201);
      for (const _ of [1, 2]) {
        const run = runKubectl(command);
        expect([run.status, run.stderr]).toEqual([0, expect.not.stringMatching(/error/i)]);
      }
      // A fixed name would make the second run a no-op that attaches to the first session's (by then exited) container.
      const pod = (await cluster().request('GET', podPath(namespace, 'again'))).body as { spec: { ephemeralContainers: { name: string; image: string }[] } };
      expect(pod.spec.ephemeralContainers).toHaveLength(2);
      expect(pod.spec.ephemeralContainers.map((e) => e.image)).toEqual([DEBUG_IMAGE, DEBUG_IMAGE]);
    });

    // No kubelet runs here: the test reports the container's state as the kubelet would. kubectl then
    // attaches (the server answers that no node runs the pod) or, once it has exited, reads its log
    // (empty); either way a member must get that far, not a Forbidden.
    test.each([
      ['running, the printed command attaches to it', 'attached', { running: {} }, /couldn't attach to pod\/attached, falling back to streaming logs: .*does not have a host assigned/],
      ['already exited, the printed command shows its output', 'exited', { terminated: { exitCode: 1, reason: 'Error' } }, /^Defaulting debug container name to debugger-\w+\.\n$/],
    ])('when the debug container is %s, as a member may', async (_what, name, state, output) => {
      writeFileSync(join(work, 'debug-container.json'), JSON.stringify(access.customContainer));
      expect((await cluster().create({ ...hardenedPod(), metadata: { name } }, namespace)).status).toBe(201);
      const session = startKubectl(access.kubectlDebugCommand(name));
      let debugger_ = '';
      await cluster().waitUntil('kubectl debug to add its container', async () => {
        const pod = (await cluster().request('GET', podPath(namespace, name))).body as { spec: { ephemeralContainers?: { name: string }[] } };
        debugger_ = pod.spec.ephemeralContainers?.[0]?.name ?? '';
        return debugger_ !== '';
      });
      const status = { ephemeralContainerStatuses: [{ name: debugger_, image: DEBUG_IMAGE, imageID: '', ready: false, restartCount: 0, state }] };
      expect((await cluster().request('PATCH', `${podPath(namespace, name)}/status`, { status }, 'application/strategic-merge-patch+json')).status).toBe(200);
      const run = await session;
      expect(run.output).not.toMatch(/forbidden/i);
      expect(run.output).toMatch(output);
      expect(run.status).toBe(0);
    });

    test('kubectl debug with any other image is refused with the policy\'s reason', () => {
      writeFileSync(join(work, 'debug-container.json'), JSON.stringify(access.customContainer));
      const command = access.kubectlDebugCommand(POD, { attach: false, container: 'debugger-sneaky' }).replace(DEBUG_IMAGE, OTHER_IMAGE);
      const run = runKubectl(command);
      expect(run.status).not.toBe(0);
      expect(run.stderr).toMatch(/must run the approved debug image/);
    });
  }, server);
}
