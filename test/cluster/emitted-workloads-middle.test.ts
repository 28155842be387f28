/**
 * `kubernetesMinor` on a real API server of a release between the newest and the oldest the admission
 * policies claim (1.34): every hardened workload of the emitted table, built for a 1.34 target, is
 * either refused at synthesis naming the newer release its props need, or admitted by the 1.34 server
 * keeping every field it was sent, and its pod template is admitted as a Pod under Pod Security
 * restricted pinned at v1.34.
 */
import { describeEmittedWorkloadsForTarget } from './emitted-workloads-target-suite';
import { MIDDLE_SERVER_MINOR } from '../harness/cluster';

describeEmittedWorkloadsForTarget(MIDDLE_SERVER_MINOR, 'middle');
