/**
 * A workload case rendered through each front door: the model builders, the cdk8s constructs
 * (synthesized by cdk8s) and the Pulumi components (the inputs they register, under Pulumi's mocks).
 * Objects every door emits identically are sent to the server once.
 */
import { buildWithModel, type WorkloadCase } from './emitted';
import type { KubeObject } from '../../src/model';
import * as hp from '../../src/pulumi';
import { synthesizeConstruct } from '../fixtures/synthesize-cdk8s';
import { installMocks, registeredUnder } from '../pulumi/mocks';

export type FrontDoor = 'model' | 'cdk8s' | 'pulumi';

/** What the cdk8s construct synthesizes for a case. */
export function renderWithCdk8s(c: WorkloadCase): KubeObject[] {
  return synthesizeConstruct(c.kind, c.props, c.defaults ?? {}, 'workload');
}

let mocked: Promise<void> | undefined;
let components = 0;

/** The Kubernetes objects the Pulumi component registers for a case. */
export async function renderWithPulumi(c: WorkloadCase): Promise<KubeObject[]> {
  mocked ??= installMocks(false);
  await mocked;
  const args = { ...c.props, defaults: c.defaults ?? {} } as never;
  const name = `cluster-${components++}`;
  let component: hp.HardenedWorkloadComponent<never>;
  switch (c.kind) {
    case 'Deployment': component = new hp.HardenedDeployment(name, args); break;
    case 'StatefulSet': component = new hp.HardenedStatefulSet(name, args); break;
    case 'DaemonSet': component = new hp.HardenedDaemonSet(name, args); break;
    case 'Job': component = new hp.HardenedJob(name, args); break;
    case 'CronJob': component = new hp.HardenedCronJob(name, args); break;
  }
  const { records } = await registeredUnder([...component.resources]);
  return records.filter((r) => r.type.startsWith('kubernetes:')).map((r) => r.inputs as KubeObject);
}

/** JSON with object keys sorted, so equal objects compare equal however their keys were ordered. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** An object and the front doors that emitted exactly it. */
export interface DistinctObject {
  readonly object: KubeObject;
  readonly doors: readonly FrontDoor[];
}

/** Every distinct object the three front doors emit for a case. */
export async function renderEverywhere(c: WorkloadCase): Promise<DistinctObject[]> {
  const byDoor: [FrontDoor, KubeObject[]][] = [['model', buildWithModel(c)], ['cdk8s', renderWithCdk8s(c)], ['pulumi', await renderWithPulumi(c)]];
  const distinct = new Map<string, { object: KubeObject; doors: FrontDoor[] }>();
  for (const [door, objects] of byDoor) {
    for (const object of objects) {
      const key = canonical(object);
      const entry = distinct.get(key);
      if (entry) entry.doors.push(door);
      else distinct.set(key, { object, doors: [door] });
    }
  }
  return [...distinct.values()];
}
