/**
 * What every admission policy hardpod emits (the rules' and the debug access's) says alike about
 * workloads in CEL: which resources hold a pod spec, and how to reach it in the admitted object.
 */

/** ValidatingAdmissionPolicy is served as `admissionregistration.k8s.io/v1` from Kubernetes 1.30. */
export const ADMISSION_POLICY_MINOR = 30;

/** A CEL string literal. */
export function celString(text: string): string {
  return JSON.stringify(text);
}

/** A CEL list of string literals. */
export function celList(values: Iterable<string>): string {
  return `[${[...values].map(celString).join(', ')}]`;
}

/** A workload kind admission policies match. */
export interface Workload {
  readonly group: string;
  readonly kind: string;
  readonly resource: string;
  /** @default none */
  readonly subresources?: readonly string[];
}

/**
 * The built-in kinds holding a pod spec, in the API groups Kubernetes serves them, with their
 * resources; Pods also through the ephemeralcontainers subresource, which sends the whole Pod.
 */
export const WORKLOADS: readonly Workload[] = [
  { group: '', kind: 'Pod', resource: 'pods', subresources: ['ephemeralcontainers'] },
  { group: '', kind: 'ReplicationController', resource: 'replicationcontrollers' },
  { group: '', kind: 'PodTemplate', resource: 'podtemplates' },
  { group: 'apps', kind: 'Deployment', resource: 'deployments' },
  { group: 'apps', kind: 'StatefulSet', resource: 'statefulsets' },
  { group: 'apps', kind: 'DaemonSet', resource: 'daemonsets' },
  { group: 'apps', kind: 'ReplicaSet', resource: 'replicasets' },
  { group: 'batch', kind: 'Job', resource: 'jobs' },
  { group: 'batch', kind: 'CronJob', resource: 'cronjobs' },
];

/** CEL: the pod spec of the admitted object, per kind (the ephemeralcontainers subresource sends the Pod). */
export const POD_SPEC_CEL =
  "request.kind.kind == 'Pod' ? object.spec" +
  " : request.kind.kind == 'CronJob' ? object.spec.jobTemplate.spec.template.spec" +
  " : request.kind.kind == 'PodTemplate' ? object.template.spec" +
  ' : object.spec.template.spec';

/** A ValidatingAdmissionPolicy's resource rule. */
export interface ResourceRule {
  readonly apiGroups: readonly string[];
  readonly apiVersions: readonly string[];
  readonly resources: readonly string[];
  readonly operations: readonly string[];
}

/**
 * Resource rules matching the workloads, one per API group and set of operations: `operations` says
 * which each workload's resource (and, with `subresources`, its subresources) is matched on.
 */
export function workloadResourceRules(operations: (workload: Workload) => readonly string[], subresources: boolean): ResourceRule[] {
  const rules = new Map<string, { apiGroups: string[]; apiVersions: string[]; resources: string[]; operations: readonly string[] }>();
  for (const workload of WORKLOADS) {
    const ops = operations(workload);
    const key = `${workload.group}|${ops.join(',')}`;
    let rule = rules.get(key);
    if (rule === undefined) rules.set(key, (rule = { apiGroups: [workload.group], apiVersions: ['v1'], resources: [], operations: ops }));
    rule.resources.push(workload.resource, ...(subresources ? (workload.subresources ?? []).map((sub) => `${workload.resource}/${sub}`) : []));
  }
  return [...rules.values()];
}
