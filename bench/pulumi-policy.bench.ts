/**
 * The Pulumi policy pack over 500 Deployments, as the analyzer runs it: for each resource, every
 * resource policy's validateResource with the properties wrapped in @pulumi/policy's
 * unknown-checking proxy. Floor: the engine's evaluate() on each object alone, the least a
 * per-resource check can cost. The ratio is what the pack's per-policy plumbing adds.
 */
import type { ResourceValidationArgs, ResourceValidationPolicy } from '@pulumi/policy';
import { ratioAgainstFloor, report } from './measure';
import { evaluate } from '../src/engine';
import type { KubeObject } from '../src/model';
import { hardpodPolicies } from '../src/pulumi';

const RESOURCES = 500;

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { unknownCheckingProxy } = require('@pulumi/policy') as { unknownCheckingProxy: (props: object) => Record<string, unknown> };

function deployment(i: number): KubeObject {
  const hardened = i % 3 === 0;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: `web-${i}`, namespace: `team-${i % 8}` },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: `web-${i}` } },
      template: {
        metadata: { labels: { app: `web-${i}` } },
        spec: {
          ...(hardened ? { securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } }, automountServiceAccountToken: false } : {}),
          containers: [{
            name: 'web',
            image: i % 2 ? `ghcr.io/acme/web@sha256:${'a'.repeat(64)}` : 'nginx:1.27',
            ports: [{ containerPort: 8080 }],
            env: [{ name: 'MODE', value: 'prod' }],
            ...(hardened ? { securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } } } : {}),
          }],
        },
      },
    },
  };
}

const objects = Array.from({ length: RESOURCES }, (_, i) => deployment(i));
const policies = hardpodPolicies().filter((p): p is ResourceValidationPolicy => 'validateResource' in p);
// The analyzer deserializes the properties afresh for every policy: that is its cost, made here beforehand.
const requests = objects.map((object) => policies.map(() => ({
  type: 'kubernetes:apps/v1:Deployment',
  urn: `urn:pulumi:dev::app::kubernetes:apps/v1:Deployment::${object.metadata?.name}`,
  name: String(object.metadata?.name),
  props: unknownCheckingProxy(structuredClone(object)),
}) as unknown as ResourceValidationArgs));
let violations = 0;

function subject(): void {
  for (const perPolicy of requests) {
    policies.forEach((policy, i) => {
      const validate = policy.validateResource as (a: ResourceValidationArgs, report: () => void) => void;
      validate(perPolicy[i], () => { violations++; });
    });
  }
}

function floor(): void {
  for (const object of objects) evaluate([{ object, source: { resourceName: String(object.metadata?.name) } }]);
}

subject();
const violationsPerRun = violations;
// Each round is some 30 ms, where a garbage collection moves either side by a third: many rounds, so the median holds still.
const { ratio, subjectMs, floorMs } = ratioAgainstFloor(subject, floor, 21);
report('pulumi-policy', ratio, 3, `${RESOURCES} Deployments x ${policies.length} policies: ${subjectMs.toFixed(0)} ms; evaluate() alone ${floorMs.toFixed(0)} ms; ${violationsPerRun} violations reported per run`);
