/**
 * The API server's bootstrap RBAC (cluster-admin and the `system:` ClusterRoles and bindings it
 * reconciles at each start), as a real API server holds it, judged by the real Kyverno CLI with the
 * emitted RBAC policies. The CLI judges each object without a requesting user, as Kyverno's
 * background scans do: admission exempts the API server's own requests, and a scan has no request to
 * exempt. So these objects fail exactly where `hardpod check` of `kubectl get clusterroles,clusterrolebindings -o yaml` fails them.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { failingRules } from './admission-corpus';
import { kyvernoValidatingPolicies, kyvernoValidatingPoliciesYaml } from '../../src/admission';
import type { KubeObject } from '../../src/model';
import { describeCluster } from '../harness/cluster-suite';
import { describeKyverno, readKyvernoOutput, runKyverno } from '../harness/kyverno';

type Fields = Record<string, any>;

const RBAC = 'rbac.authorization.k8s.io/v1';
const RBAC_RULES = ['rbac-no-cluster-admin', 'rbac-no-wildcards', 'rbac-no-escalate'];

describeCluster('bootstrap RBAC of a real API server', (cluster) => {
  describeKyverno('judged by the real Kyverno CLI, without a requesting user, as hardpod check judges it', (kyverno) => {
    let dir: string;
    beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'hardpod-kyverno-bootstrap-')); });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    /** The objects of a kind the server reconciles (labelled kubernetes.io/bootstrapping: rbac-defaults), as `kubectl get -o yaml` lists them. */
    const bootstrap = async (resource: string, kind: string): Promise<KubeObject[]> => {
      const { items } = (await cluster().request('GET', `/apis/${RBAC}/${resource}?labelSelector=kubernetes.io%2Fbootstrapping%3Drbac-defaults`)).body as { items: Fields[] };
      return items.map(({ metadata: { managedFields: _, ...metadata }, ...rest }) => ({ ...rest, apiVersion: RBAC, kind, metadata }) as KubeObject);
    };

    test('Kyverno fails each RBAC rule on exactly the bootstrap objects evaluate() fails it on: cluster-admin among them', async () => {
      const objects = [...await bootstrap('clusterroles', 'ClusterRole'), ...await bootstrap('clusterrolebindings', 'ClusterRoleBinding')];
      expect(objects.length).toBeGreaterThan(50);
      const policies = kyvernoValidatingPolicies({});
      expect(policies.emitted.map((e) => e.rule).filter((rule) => RBAC_RULES.includes(rule))).toEqual(RBAC_RULES);
      writeFileSync(join(dir, 'policies.yaml'), kyvernoValidatingPoliciesYaml(policies));
      writeFileSync(join(dir, 'objects.yaml'), objects.map((o) => `---\n${stringify(o, { lineWidth: 0 })}`).join(''));
      const run = runKyverno(kyverno, ['apply', join(dir, 'policies.yaml'), '--resource', join(dir, 'objects.yaml'), '--policy-report', '--output-format', 'json'], dir);
      if (run.error) throw run.error;
      expect([run.status, run.stderr]).toEqual([1, '']);
      const failedByKyverno = readKyvernoOutput(run.stdout).results
        .filter((r) => r.result === 'fail')
        .map((r) => `${r.resources[0].kind}/${r.resources[0].name} ${r.policy.replace(/^hardpod-/, '')}`)
        .sort();
      const failedByHardpod = objects
        .flatMap((o) => [...failingRules(o, {}, policies)].filter((rule) => RBAC_RULES.includes(rule)).map((rule) => `${o.kind}/${o.metadata?.name} ${rule}`))
        .sort();
      expect(failedByKyverno).toEqual(failedByHardpod);
      expect(failedByKyverno).toEqual(expect.arrayContaining(['ClusterRole/cluster-admin rbac-no-wildcards', 'ClusterRoleBinding/cluster-admin rbac-no-cluster-admin']));
    }, 300_000);
  });
});
