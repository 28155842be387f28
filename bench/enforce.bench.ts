/**
 * Synth-time enforcement cost: `app.synthYaml()` of 1,000 Deployments with their ServiceAccount,
 * NetworkPolicy and Namespace as plain ApiObjects, with `Hardpod.enforce(app)` (hardened level,
 * every rule, cross-object ones included) against the same app without it. Both produce the same
 * YAML; the ratio is what validation adds to synthesis.
 */
import { ApiObject, App, Chart } from 'cdk8s';
import { ratioAgainstFloor, report } from './measure';
import { Hardpod } from '../src/cdk8s';
import type { Report } from '../src/engine/report';
import { hardenedDeploymentManifest } from '../test/cdk8s/validation/fixtures';

const COUNT = 1000;
const IMAGE = `registry.example.com/shop/web:1@sha256:${'a'.repeat(64)}`;

let lastReport: Report | undefined;

function app(enforce: boolean): string {
  const a = new App({ outdir: '/tmp/hardpod-bench-unused' });
  const chart = new Chart(a, 'bench');
  new ApiObject(chart, 'ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } });
  new ApiObject(chart, 'deny', { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'deny', namespace: 'shop' }, spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } } as never);
  for (let i = 0; i < COUNT; i++) {
    new ApiObject(chart, `sa-${i}`, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: `web-${i}`, namespace: 'shop' }, automountServiceAccountToken: false } as never);
    new ApiObject(chart, `web-${i}`, hardenedDeploymentManifest(`web-${i}`, 'shop', IMAGE) as never);
  }
  if (enforce) Hardpod.enforce(a, { onReport: (r) => { lastReport = r; } });
  return a.synthYaml();
}

if (app(true) !== app(false)) throw new Error('enforcement must not change the synthesized YAML');
if (!lastReport || lastReport.findings.length !== 0 || lastReport.summary.objects !== 2 * COUNT + 2) {
  throw new Error(`the benchmark app must be clean and fully judged: ${JSON.stringify(lastReport?.summary)}`);
}
const { ratio, subjectMs, floorMs } = ratioAgainstFloor(() => void app(true), () => void app(false), 5);
report(`synth ${COUNT} Deployments with Hardpod.enforce vs without`, ratio, 1.5, `${subjectMs.toFixed(0)} ms vs ${floorMs.toFixed(0)} ms, ${2 * COUNT + 2} objects, ${lastReport.summary.checks} checks`);
