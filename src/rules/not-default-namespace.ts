import type { PodRule } from './rule';
import { namespaceOf } from './support/hardened';
import { cis, nist } from './support/pss';

/** The `default` namespace mixes unrelated workloads and usually carries no Pod Security labels. */
export const notDefaultNamespace: PodRule = {
  id: 'not-default-namespace',
  title: 'Workloads are not in the default namespace',
  remediation: 'Set metadata.namespace to a namespace of the application (one that enforces Pod Security `restricted`).',
  level: 'hardened',
  severity: 'low',
  controls: [...cis('5.7.4'), ...nist('4.3.4')],
  edition: 1,
  scope: 'pod',
  check({ object, config }) {
    const namespace = namespaceOf(object);
    if (namespace === 'default') return [{ path: 'metadata.namespace', message: 'the workload is in the default namespace' }];
    if (namespace !== undefined) return [];
    // Namespace-less output (`helm template`, a chart without a namespace) lands wherever it is applied.
    if (config.cluster.complete) return [{ path: 'metadata.namespace', message: 'the workload names no namespace, so it lands in the namespace it is applied to, `default` unless told otherwise' }];
    return [{ path: 'metadata.namespace', message: 'the workload names no namespace; where it lands depends on how it is applied (`kubectl -n`, `helm -n`), so this is not known from the input', unknown: true }];
  },
};
