import { ApiObject, Chart, type GroupVersionKind } from 'cdk8s';
import type { Construct } from 'constructs';
import { HardpodError, isHardpodError } from '../../model/errors';
import { apiGroupOf, describeType } from '../../model/pod-view';

/**
 * The name the chart gives an object of `type` at the construct's path, as it names every ApiObject
 * (cdk8s-plus constructs included): `Chart.generateObjectName`, which honours the chart's
 * `disableResourceNameHashes`, any override of it, and the 52 characters of a CronJob. The object
 * does not exist yet (the builders need its name first): an ApiObject at the construct's node stands
 * in for it, holding what cdk8s has set on any ApiObject when it asks the chart for its name (node,
 * kind, apiVersion, apiGroup, chart; not yet a name or metadata), so an override reading those
 * names it as it would the object itself.
 */
export function chartObjectName(construct: Construct, type: GroupVersionKind): string {
  const chart = Chart.of(construct);
  const { apiVersion, kind } = type;
  // cdk8s's own apiGroup of the core group is `core`.
  const standIn: ApiObject = Object.assign(Object.create(ApiObject.prototype) as ApiObject, {
    node: construct.node, chart, kind, apiVersion, apiGroup: apiGroupOf(apiVersion) || 'core',
  });
  const given = `it is given the object as cdk8s gives it any ApiObject it names: node (here ${construct.node.path}'s), kind, apiVersion, apiGroup and chart, `
    + 'before the object has a name or metadata; or set the name prop';
  let name: unknown;
  try {
    name = chart.generateObjectName(standIn);
  } catch (error) {
    if (isHardpodError(error)) throw error;
    throw new HardpodError(`the chart's generateObjectName failed to name this ${kind} (${error instanceof Error ? error.message : String(error)}); ${given}`, construct.node.path);
  }
  if (typeof name !== 'string' || name === '') {
    throw new HardpodError(`the chart's generateObjectName returned ${describeType(name)} for this ${kind}; expected its name, a non-empty string; ${given}`, construct.node.path);
  }
  return name;
}
