import type { Construct } from 'constructs';
import { HardenedWorkload, type ConstructProps } from './workload';
import type { CronJobProps, DaemonSetProps, DeploymentProps, JobProps, StatefulSetProps, WorkloadProps } from '../../model/workload-props';
import { buildCronJob, buildDaemonSet, buildDeployment, buildJob, buildStatefulSet, type BuildContext, type WorkloadObjects } from '../../model/workloads';

type AnyBuilder = (props: WorkloadProps, ctx: BuildContext) => WorkloadObjects<object>;

/** Props of {@link HardenedDeployment}: see DeploymentProps for every default and opt-out. */
export type HardenedDeploymentProps = ConstructProps<DeploymentProps>;
/** Props of {@link HardenedStatefulSet}: see StatefulSetProps. */
export type HardenedStatefulSetProps = ConstructProps<StatefulSetProps>;
/** Props of {@link HardenedDaemonSet}: see DaemonSetProps. */
export type HardenedDaemonSetProps = ConstructProps<DaemonSetProps>;
/** Props of {@link HardenedJob}: see JobProps. */
export type HardenedJobProps = ConstructProps<JobProps>;
/** Props of {@link HardenedCronJob}: see CronJobProps. */
export type HardenedCronJobProps = ConstructProps<CronJobProps>;

/**
 * A Deployment hardened by default (non-root, read-only root filesystem, all capabilities dropped,
 * seccomp RuntimeDefault, no service-account token, resources, probes), with a dedicated
 * ServiceAccount, a default-deny NetworkPolicy, a Service when ports are declared, a
 * PodDisruptionBudget when replicas (or autoscaling.minReplicas) > 1, and a HorizontalPodAutoscaler
 * with `autoscaling`.
 */
export class HardenedDeployment extends HardenedWorkload {
  constructor(scope: Construct, id: string, props: HardenedDeploymentProps) {
    super(scope, id, props, buildDeployment as AnyBuilder, { apiVersion: 'apps/v1', kind: 'Deployment' });
  }
}

/** A hardened StatefulSet with a headless Service and persistent volumes owned by its group (fsGroup). */
export class HardenedStatefulSet extends HardenedWorkload {
  constructor(scope: Construct, id: string, props: HardenedStatefulSetProps) {
    super(scope, id, props, buildStatefulSet as AnyBuilder, { apiVersion: 'apps/v1', kind: 'StatefulSet' });
  }
}

/** A hardened DaemonSet (one pod per node). */
export class HardenedDaemonSet extends HardenedWorkload {
  constructor(scope: Construct, id: string, props: HardenedDaemonSetProps) {
    super(scope, id, props, buildDaemonSet as AnyBuilder, { apiVersion: 'apps/v1', kind: 'DaemonSet' });
  }
}

/** A hardened Job: runs to completion, deleted an hour after it finishes by default. */
export class HardenedJob extends HardenedWorkload {
  constructor(scope: Construct, id: string, props: HardenedJobProps) {
    super(scope, id, props, buildJob as AnyBuilder, { apiVersion: 'batch/v1', kind: 'Job' });
  }
}

/** A hardened CronJob: no overlapping runs by default. */
export class HardenedCronJob extends HardenedWorkload {
  constructor(scope: Construct, id: string, props: HardenedCronJobProps) {
    // The chart keeps a CronJob's generated name to 52 characters: its controller appends 11 to name each Job.
    super(scope, id, props, buildCronJob as AnyBuilder, { apiVersion: 'batch/v1', kind: 'CronJob' });
  }
}
