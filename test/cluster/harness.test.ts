/**
 * The harness can tell a pass from a failure: the same server refuses unknown fields under strict
 * validation, enforces Pod Security on Pods, and warns (with commas in the text) on workloads.
 */
import { hardenedPod } from './mutations';
import type { KubeObject } from '../../src/model';
import type { Verdict } from '../harness/cluster';
import { describeCluster } from '../harness/cluster-suite';
import { deploymentFromPod, podFromTemplate } from '../harness/pod-security';

function rootPod(): KubeObject {
  const pod = structuredClone(hardenedPod()) as KubeObject & { spec: { containers: { securityContext: Record<string, unknown> }[] } };
  pod.spec.containers[0].securityContext.allowPrivilegeEscalation = true;
  pod.spec.containers[0].securityContext.runAsUser = 0;
  return pod;
}

describeCluster('cluster harness', (cluster) => {
  let restricted = '';
  beforeAll(async () => {
    restricted = await cluster().createPodSecurityNamespace('harness', 'restricted');
  });

  test('serves the pinned version and knows its Pod Security version', async () => {
    const version = await cluster().request('GET', '/version');
    expect(version.status).toBe(200);
    expect((version.body as { gitVersion: string }).gitVersion).toBe(`v${cluster().endpoint.kubernetesVersion}`);
    expect(cluster().podSecurityVersion).toMatch(/^v1\.\d+$/);
  });

  test('a token-less request is not admin: RBAC and token authentication are on', async () => {
    const anonymous = await fetchStatus(`${cluster().endpoint.url}/api/v1/namespaces`, cluster().endpoint.caFile);
    expect([401, 403]).toContain(anonymous);
  });

  test('the namespace got its default ServiceAccount and its labels', async () => {
    const account = await cluster().request('GET', `/api/v1/namespaces/${restricted}/serviceaccounts/default`);
    expect(account.status).toBe(200);
    const ns = await cluster().request('GET', `/api/v1/namespaces/${restricted}`);
    expect((ns.body as KubeObject).metadata?.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });

  test('strict field validation refuses an unknown field', async () => {
    const pod = structuredClone(hardenedPod()) as KubeObject & { spec: Record<string, unknown> };
    pod.spec.hostNetworking = true;
    const verdict = await cluster().dryRunCreate(pod, restricted);
    expect(verdict.status).toBe(400);
    expect(verdict.message).toContain('unknown field "spec.hostNetworking"');
  });

  test('a hardened Pod is admitted without warnings, and dry-run stores nothing', async () => {
    const verdict = await cluster().dryRunCreate(hardenedPod(), restricted);
    expect(verdict).toMatchObject({ status: 201, allowed: true, warnings: [] });
    const stored = await cluster().request('GET', `/api/v1/namespaces/${restricted}/pods/${hardenedPod().metadata?.name}`);
    expect(stored.status).toBe(404);
  });

  test('Pod Security refuses a violating Pod with 403', async () => {
    const verdict = await cluster().dryRunCreate(rootPod(), restricted);
    expect(verdict.status).toBe(403);
    expect(verdict.reason).toBe('Forbidden');
    expect(verdict.message).toContain(`violates PodSecurity "restricted:${cluster().podSecurityVersion}"`);
  });

  test('a violating Deployment is admitted with one warning whose text keeps its commas', async () => {
    const deployment = deploymentFromPod(rootPod());
    const created = await cluster().dryRunCreate(deployment, restricted);
    const applied = await cluster().apply(deployment, { namespace: restricted, dryRun: true });
    for (const verdict of [created, applied]) {
      expect(verdict.allowed).toBe(true);
      expect(verdict.warnings).toHaveLength(1);
      expect(verdict.warnings[0]).toMatch(/^would violate PodSecurity "restricted:v1\.\d+": allowPrivilegeEscalation != false .*, runAsUser=0 /);
    }
    expect(podFromTemplate(deployment)?.spec).toEqual(rootPod().spec);
  });

  test('server-side apply creates for real, updates, and refuses an unknown field', async () => {
    const account = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'applied' }, automountServiceAccountToken: false };
    const applied = await cluster().apply(account, { namespace: restricted });
    expect(applied.status).toBe(201);
    const again = await cluster().apply(account, { namespace: restricted });
    expect(again.status).toBe(200);
    const unknown = await cluster().apply({ ...account, automountToken: false }, { namespace: restricted, dryRun: true });
    // Server-side apply refuses a field missing from the schema with 500 "field not declared in schema".
    expect(unknown.allowed).toBe(false);
    expect(unknown.message).toContain('.automountToken: field not declared in schema');
  });
  test('a ValidatingAdmissionPolicy, once bound and loaded, refuses what it matches', async () => {
    const name = cluster().uniqueNamespaceName('no-latest-tag');
    const policy = {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicy',
      metadata: { name },
      spec: {
        failurePolicy: 'Fail',
        matchConstraints: { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['pods'] }] },
        validations: [{ expression: "object.spec.containers.all(c, !c.image.endsWith(':latest'))", message: 'images must not use the latest tag' }],
      },
    };
    const binding = {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicyBinding',
      metadata: { name },
      spec: { policyName: name, validationActions: ['Deny'], matchResources: { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': restricted } } } },
    };
    expect((await cluster().create(policy)).status).toBe(201);
    expect((await cluster().create(binding)).status).toBe(201);
    const latest = structuredClone(hardenedPod()) as KubeObject & { spec: { containers: { image: string }[] } };
    latest.spec.containers[0].image = 'registry.example/app:latest';
    let refused: Verdict | undefined;
    await cluster().waitUntil('the policy refuses a :latest image', async () => {
      refused = await cluster().dryRunCreate(latest, restricted);
      return !refused.allowed;
    });
    expect(refused?.message).toContain('images must not use the latest tag');
    expect((await cluster().dryRunCreate(hardenedPod(), restricted)).allowed).toBe(true);
    await cluster().request('DELETE', `/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicybindings/${name}`);
    await cluster().request('DELETE', `/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicies/${name}`);
  });
});

/** Status of an unauthenticated GET, trusting the cluster's CA. */
async function fetchStatus(url: string, caFile: string): Promise<number> {
  const https = await import('node:https');
  const fs = await import('node:fs');
  return new Promise((resolve, reject) => {
    https.get(url, { ca: fs.readFileSync(caFile) }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    }).on('error', reject);
  });
}
