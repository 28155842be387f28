import { Chart, type ApiObject } from 'cdk8s';
import type { Construct } from 'constructs';

/**
 * The name the chart gives an object of `kind` at the construct's path, as it names every ApiObject
 * (cdk8s-plus constructs included): `Chart.generateObjectName`, which honours the chart's
 * `disableResourceNameHashes`, any override of it, and the 52 characters of a CronJob. The object
 * does not exist yet (the builders need its name first): the construct stands in for it.
 */
export function chartObjectName(construct: Construct, kind: string): string {
  const chart = Chart.of(construct);
  const standIn: Pick<ApiObject, 'node' | 'kind' | 'chart'> = { node: construct.node, kind, chart };
  return chart.generateObjectName(standIn as ApiObject);
}
