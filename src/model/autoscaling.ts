import type { HorizontalPodAutoscaler, MetricSpec } from 'kubernetes-types/autoscaling/v2';
import type { Container, PodSpec } from 'kubernetes-types/core/v1';
import type { ObjectMeta } from 'kubernetes-types/meta/v1';
import { INT32_MAX } from './api-integers';
import { checkWhole } from './api-values';
import { targetMinor } from './companions';
import { fail } from './errors';
import { describeType, isFields } from './pod-view';
import { PROP_KEYS, refuseUnknownKeys } from './prop-keys';
import { parseQuantity } from './quantity';
import type { AutoscalingProps } from './workload-props';

/**
 * A workload's `autoscaling` prop: a HorizontalPodAutoscaler (autoscaling/v2) emitted next to the
 * workload, checked as the API server checks one (pkg/apis/autoscaling/validation) and for what the
 * autoscaler cannot act on (a utilization target without requests).
 */

/** autoscaling/v2 is served from Kubernetes 1.23. */
export const AUTOSCALING_V2_MINOR = 23;

/** The target CPU utilization the API server writes into an autoscaler that names no metric. */
const DEFAULT_CPU_UTILIZATION = 80;

/** `autoscaling` with its defaults filled in, checked. */
export interface ResolvedAutoscaling {
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** Percent of the request, per resource, in the order the metrics are emitted. */
  readonly targets: readonly { readonly resource: 'cpu' | 'memory'; readonly percent: number; readonly field: string }[];
}

/**
 * Checks a workload's `autoscaling` and fills in its defaults, or returns undefined without it.
 * @param replicas the workload's `replicas` prop, which `autoscaling` replaces
 * @param defaultMin the minReplicas when not given (the kind's default replicas)
 */
export function resolveAutoscaling(
  autoscaling: AutoscalingProps | undefined, replicas: unknown, defaultMin: number, kind: string, kubernetesMinor: unknown, where: string,
): ResolvedAutoscaling | undefined {
  if (autoscaling === undefined) return undefined;
  if (!isFields(autoscaling)) fail(`autoscaling must be an object { maxReplicas, minReplicas?, cpuUtilization?, memoryUtilization? } (got ${describeType(autoscaling)})`, where);
  refuseUnknownKeys(autoscaling, PROP_KEYS.autoscaling, 'autoscaling', where);
  if (replicas !== undefined) {
    fail(
      `replicas (${JSON.stringify(replicas)}) and autoscaling are both set: the HorizontalPodAutoscaler sets the replica count, and a count in the manifest ` +
        'would reset it on every apply; remove replicas (autoscaling.minReplicas sets the fewest replicas)',
      where,
    );
  }
  const minor = targetMinor(kubernetesMinor, where);
  if (minor < AUTOSCALING_V2_MINOR) {
    fail(`autoscaling emits an autoscaling/v2 HorizontalPodAutoscaler, served from Kubernetes 1.${AUTOSCALING_V2_MINOR}, but the target is 1.${minor} (kubernetesMinor): raise kubernetesMinor, or remove autoscaling`, where);
  }
  const { minReplicas = defaultMin, maxReplicas, cpuUtilization, memoryUtilization } = autoscaling;
  if (minReplicas === 0) {
    fail(
      'autoscaling.minReplicas 0 is refused by the API server unless its HPAScaleToZero feature gate is on, and even then scaling to zero needs an Object or ' +
        'External metric, which hardpod does not emit (no pod, no CPU or memory use to scale up on): use minReplicas >= 1',
      where,
    );
  }
  checkWhole(minReplicas, 'autoscaling.minReplicas', 1, where, INT32_MAX, 'the fewest replicas');
  if (maxReplicas === undefined) fail('autoscaling.maxReplicas is required: the most replicas the autoscaler may run, a whole number >= minReplicas', where);
  checkWhole(maxReplicas, 'autoscaling.maxReplicas', 1, where, INT32_MAX, 'the most replicas');
  if (maxReplicas < minReplicas) {
    const given = autoscaling.minReplicas === undefined ? ` (the default for a ${kind})` : '';
    fail(
      `autoscaling.maxReplicas ${maxReplicas} is below autoscaling.minReplicas ${minReplicas}${given}, which the API server refuses: ` +
        `raise maxReplicas to at least ${minReplicas}, or lower minReplicas`,
      where,
    );
  }
  const percent = 'a percentage of the pods\' request, above 100 allowed';
  checkWhole(cpuUtilization, 'autoscaling.cpuUtilization', 1, where, INT32_MAX, percent);
  checkWhole(memoryUtilization, 'autoscaling.memoryUtilization', 1, where, INT32_MAX, percent);
  const targets: ResolvedAutoscaling['targets'][number][] = [];
  if (cpuUtilization !== undefined || memoryUtilization === undefined) {
    targets.push({
      resource: 'cpu',
      percent: cpuUtilization ?? DEFAULT_CPU_UTILIZATION,
      field: cpuUtilization !== undefined ? 'autoscaling.cpuUtilization' : `autoscaling (its default target, cpuUtilization ${DEFAULT_CPU_UTILIZATION})`,
    });
  }
  if (memoryUtilization !== undefined) targets.push({ resource: 'memory', percent: memoryUtilization, field: 'autoscaling.memoryUtilization' });
  return { minReplicas, maxReplicas, targets };
}

/** The containers whose requests the autoscaler adds up: the pod's containers and its native sidecars. */
function requestingContainers(pod: PodSpec): Container[] {
  return [...pod.containers, ...(pod.initContainers ?? []).filter((c) => c.restartPolicy === 'Always')];
}

/**
 * Utilization is use over request, summed over the pod's containers: the autoscaler refuses to
 * compute it when a container has no request for the resource (the API server copies a limit into a
 * missing request) or the requests add up to zero, reports FailedGetResourceMetric, and never scales.
 */
function checkRequests(pod: PodSpec, targets: ResolvedAutoscaling['targets'], where: string | undefined): void {
  for (const { resource, field } of targets) {
    let total = 0;
    for (const c of requestingContainers(pod)) {
      const request = c.resources?.requests?.[resource] ?? c.resources?.limits?.[resource];
      if (request === undefined) {
        fail(
          `${field} targets a percentage of the pods' ${resource} request, but container "${c.name}" has no ${resource} request (nor a ${resource} limit ` +
            'the API server would copy into it): the autoscaler could not compute the utilization (FailedGetResourceMetric) and would never scale; ' +
            `give every container a ${resource} request (resources.requests.${resource}, or the platform default resources), or remove the ${resource} target`,
          where,
        );
      }
      total += parseQuantity(String(request)) ?? 0;
    }
    if (total === 0) {
      fail(
        `${field} targets a percentage of the pods' ${resource} request, but the containers' ${resource} requests add up to 0: ` +
          `the autoscaler could not compute the utilization and would never scale; give the containers a ${resource} request above 0, or remove the ${resource} target`,
        where,
      );
    }
  }
}

/**
 * The HorizontalPodAutoscaler scaling the workload `kind`/`metadata.name` (apps/v1) on the targets of
 * `autoscaling`, after checking that the pod's requests let the autoscaler compute them.
 */
export function buildHorizontalPodAutoscaler(
  metadata: ObjectMeta, kind: 'Deployment' | 'StatefulSet', autoscaling: ResolvedAutoscaling, pod: PodSpec, where: string | undefined,
): HorizontalPodAutoscaler {
  checkRequests(pod, autoscaling.targets, where);
  const metrics: MetricSpec[] = autoscaling.targets.map(({ resource, percent }) => ({
    type: 'Resource',
    resource: { name: resource, target: { type: 'Utilization', averageUtilization: percent } },
  }));
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata,
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind, name: metadata.name! },
      minReplicas: autoscaling.minReplicas,
      maxReplicas: autoscaling.maxReplicas,
      metrics,
    },
  };
}
