/**
 * Synthesis cost of hardening: 1,000 HardenedDeployments against a floor of plain cdk8s ApiObjects
 * that carry the same finished objects (Deployment, ServiceAccount, Service, NetworkPolicy,
 * PodDisruptionBudget: the builder's output, computed before timing). Both synthesize to the same
 * YAML, checked before measuring, so the ratio is exactly what the construct layer adds.
 */
import { ApiObject, App, Chart } from 'cdk8s';
import { ratioAgainstFloor, report } from './measure';
import { HardenedDeployment } from '../src/cdk8s';
import { buildDeployment } from '../src/model';

const COUNT = 1000;
const IMAGE = `ghcr.io/acme/web@sha256:${'a'.repeat(64)}`;
const props = (i: number) => ({ name: `web-${i}`, image: IMAGE, port: 8080 });

const finished = Array.from({ length: COUNT }, (_, i) => buildDeployment(props(i), { where: `bench/web-${i}` }).objects);

function hardened(): string {
  const app = new App({ outdir: '/tmp/hardpod-bench-unused' });
  const chart = new Chart(app, 'bench');
  for (let i = 0; i < COUNT; i++) new HardenedDeployment(chart, `web-${i}`, props(i));
  return app.synthYaml();
}

function plain(): string {
  const app = new App({ outdir: '/tmp/hardpod-bench-unused' });
  const chart = new Chart(app, 'bench');
  for (let i = 0; i < COUNT; i++) {
    for (const object of finished[i]) new ApiObject(chart, `web-${i}-${object.kind}`, object as never);
  }
  return app.synthYaml();
}

if (hardened() !== plain()) throw new Error('the subject and the floor must synthesize the same YAML');
const { ratio, subjectMs, floorMs } = ratioAgainstFloor(() => void hardened(), () => void plain());
report('synth 1000 HardenedDeployment vs plain ApiObject', ratio, 1.3, `${subjectMs.toFixed(0)} ms vs ${floorMs.toFixed(0)} ms, 5 objects each`);
