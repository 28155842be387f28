import type { InputRule, InputRuleContext, Violation } from './rule';
import type { ClusterContext } from '../engine/config';
import { describeNamespace, labelsOf, namespaceOf, objectsOfKind } from './support/hardened';
import { cis, nist } from './support/pss';

const ENFORCE = 'pod-security.kubernetes.io/enforce';

/**
 * Pod Security Admission only protects namespaces that ask for it: the workload's namespace must
 * enforce `restricted`, so a later edit that weakens the pod is rejected by the cluster itself.
 */
export const namespacePsaLabels: InputRule = {
  id: 'namespace-psa-labels',
  title: 'The workload\'s namespace enforces Pod Security `restricted`',
  remediation: `Label the Namespace with ${ENFORCE}: restricted (and warn/audit: restricted), or declare its labels in the config's cluster.namespaces when the platform owns it.`,
  level: 'hardened',
  severity: 'medium',
  controls: [...cis('5.2.1'), ...nist('4.3.4')],
  edition: 1,
  scope: 'input',
  check(context) {
    if (context.pods.length === 0) return 'not-applicable';
    const namespace = namespaceOf(context.object);
    if (namespace === undefined) return namespaceLess(context);
    const labels = namespaceLabels(context, namespace);
    if (!labels) {
      const message = `the Namespace ${JSON.stringify(namespace)} is not in the input`;
      return context.cluster.complete
        ? [{ path: 'metadata.namespace', message: `${message}, and the cluster context is declared complete` }]
        : [{ path: 'metadata.namespace', message: `${message}, so its Pod Security labels are not known (add it to the input or to cluster.namespaces)`, unknown: true }];
    }
    return judge(labels, describeNamespace(namespace));
  },
};

/** The labels of a namespace from the input, `cluster.namespaces` or `cluster.objects`; undefined when unknown. */
function namespaceLabels(context: Pick<InputRuleContext, 'input' | 'cluster'>, name: string): Readonly<Record<string, string>> | undefined {
  const object = objectsOfKind(context, 'Namespace').find((ns) => ns.metadata?.name === name);
  if (object) return labelsOf(object);
  const declared = (context.cluster.namespaces ?? []).find((ns) => ns.name === name);
  return declared ? declared.labels ?? {} : undefined;
}

function judge(labels: Readonly<Record<string, string>>, where: string): Violation[] {
  const enforce = labels[ENFORCE];
  if (enforce === 'restricted') return [];
  return [{
    path: 'metadata.namespace',
    message: enforce === undefined
      ? `${where} has no ${ENFORCE} label, so Pod Security Admission enforces nothing there`
      : `${where} enforces Pod Security ${JSON.stringify(enforce)}, not "restricted"`,
  }];
}

/**
 * `helm template` output and charts without a namespace land wherever they are applied. That is
 * only known when the context is complete and every namespace it knows enforces `restricted`.
 */
function namespaceLess(context: InputRuleContext): Violation[] {
  const known = allNamespaces(context.cluster, context);
  if (context.cluster.complete && known.length > 0) {
    const weak = known.find((ns) => ns.labels[ENFORCE] !== 'restricted');
    if (!weak) return [];
    return [{ path: 'metadata.namespace', message: `the workload names no namespace and could land in ${JSON.stringify(weak.name)}, which does not enforce restricted` }];
  }
  return [{ path: 'metadata.namespace', message: 'the workload names no namespace (e.g. `helm template` output), so whether its namespace enforces restricted is not known; set metadata.namespace, or declare every namespace in the cluster context with complete: true', unknown: true }];
}

function allNamespaces(cluster: ClusterContext, context: Pick<InputRuleContext, 'input' | 'cluster'>): { name: string; labels: Readonly<Record<string, string>> }[] {
  const out = objectsOfKind(context, 'Namespace').map((ns) => ({ name: String(ns.metadata?.name ?? ''), labels: labelsOf(ns) }));
  for (const ns of cluster.namespaces ?? []) if (!out.some((o) => o.name === ns.name)) out.push({ name: ns.name, labels: ns.labels ?? {} });
  return out;
}
