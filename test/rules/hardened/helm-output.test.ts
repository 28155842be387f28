import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runHardpod } from '../../cli/cli-process';

/**
 * Partial CI input through the real `hardpod check`: namespace-less `helm template` output of one
 * chart, without the Namespace and the platform's NetworkPolicies. Cross-object facts it cannot see
 * are `unknown` (exit 0); declaring the cluster context turns them into verdicts.
 */

const HELM_OUTPUT = `---
# Source: web/templates/serviceaccount.yaml
apiVersion: v1
kind: ServiceAccount
metadata:
  name: web
automountServiceAccountToken: false
---
# Source: web/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      serviceAccountName: web
      securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
      containers:
        - name: app
          image: registry.example.com/web:1@sha256:${'a'.repeat(64)}
          securityContext: {readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
          resources: {requests: {cpu: 100m, memory: 64Mi}, limits: {cpu: 200m, memory: 128Mi}}
          readinessProbe: {httpGet: {path: /, port: 8080}}
          livenessProbe: {httpGet: {path: /, port: 8080}}
`;

interface JsonFinding { rule: string; outcome: string; line: number; message: string }

function check(config?: string): { status: number | null; findings: JsonFinding[] } {
  const dir = mkdtempSync(join(tmpdir(), 'hardpod-helm-'));
  writeFileSync(join(dir, 'out.yaml'), HELM_OUTPUT);
  const args = ['check', '--format', 'json', join(dir, 'out.yaml')];
  if (config !== undefined) {
    writeFileSync(join(dir, 'hardpod.yaml'), config);
    args.push('--config', join(dir, 'hardpod.yaml'));
  }
  const result = runHardpod(args);
  return { status: result.status, findings: JSON.parse(result.stdout).findings };
}

test('namespace-less helm output: cross-object facts are unknown and do not fail the run', () => {
  const { status, findings } = check();
  expect(status).toBe(0);
  expect(findings.map((f) => `${f.rule}:${f.outcome}`).sort()).toEqual(['namespace-psa-labels:unknown', 'network-policy:unknown', 'not-default-namespace:unknown']);
  // The ServiceAccount of the same output is found: its token setting and presence are judged.
  expect(findings.some((f) => f.rule.startsWith('service-account'))).toBe(false);
  expect(findings.find((f) => f.rule === 'network-policy')?.message).toContain('no NetworkPolicy in the namespace it is applied to selects the pod for Ingress and Egress');
});

test('the same output against a declared, complete cluster context gets verdicts', () => {
  const config = [
    'cluster:',
    '  complete: true',
    '  namespaces:',
    '    - {name: shop, labels: {pod-security.kubernetes.io/enforce: restricted}}',
    '    - {name: legacy, labels: {pod-security.kubernetes.io/enforce: baseline}}',
    '  networkPolicies: []',
  ].join('\n');
  const { status, findings } = check(config);
  expect(status).toBe(1);
  expect(findings.map((f) => `${f.rule}:${f.outcome}`).sort()).toEqual(['namespace-psa-labels:fail', 'network-policy:fail', 'not-default-namespace:fail']);
  expect(findings.find((f) => f.rule === 'namespace-psa-labels')?.message).toContain('could land in "legacy"');
});
