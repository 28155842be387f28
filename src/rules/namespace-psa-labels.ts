import type { InputIndex, InputRule, InputRuleContext, Violation } from './rule';
import type { NamespaceContext } from '../engine/config';
import type { KubeObject } from '../model/kube-object';
import { POD_SECURITY_VERSION } from '../model/kubernetes-versions';
import { isFields } from '../model/pod-view';
import { clusterObjects, describeNamespace, KUBERNETES_GROUPS, labelsOf, nameOf, namespaceOf, oncePerEvaluation } from './support/hardened';
import { cis, nist } from './support/pss';
import { quoted, text } from './support/shared-text';

const PREFIX = 'pod-security.kubernetes.io/';
const ENFORCE = `${PREFIX}enforce`;
const ENFORCE_VERSION = `${PREFIX}enforce-version`;
/** The labels the rule reads: a Namespace's other labels, known or not, change nothing. */
const READ_LABELS = [ENFORCE, ENFORCE_VERSION];

/**
 * Minors at which Pod Security added a check that restricted runs, its own or a baseline one
 * (allowPrivilegeEscalation v1.8, seccompProfile v1.19, capabilities v1.22, runAsUser v1.23,
 * hostProbesAndHostLifecycle v1.34); its other changes only relaxed checks (procMount_restricted
 * v1.35 keeps for restricted what baseline relaxed then). A namespace pinned before one of these
 * admits what it forbids.
 */
const RESTRICTED_CHECKS_ADDED = [8, 19, 22, 23, 34];
/** Pod Security admission is on by default from 1.23 (1.22: alpha behind the PodSecurity feature gate; before: none built in). */
const ADMISSION_ON_BY_DEFAULT = 23;

/**
 * Pod Security Admission only protects namespaces that ask for it: the workload's namespace must
 * enforce `restricted`, so a later edit that weakens the pod is rejected by the cluster itself.
 */
export const namespacePsaLabels: InputRule = {
  id: 'namespace-psa-labels',
  title: 'The workload\'s namespace enforces Pod Security `restricted`',
  remediation: `Label the Namespace with ${ENFORCE}: restricted (and warn/audit: restricted), with ${ENFORCE_VERSION} unset, latest, or a version that has every check restricted includes (v1.${RESTRICTED_CHECKS_ADDED[RESTRICTED_CHECKS_ADDED.length - 1]} or later); or declare its labels in the config's cluster.namespaces when the platform owns it.`,
  level: 'hardened',
  severity: 'medium',
  controls: [...cis('5.2.1'), ...nist('4.3.4')],
  versions: { changes: [{ minor: ADMISSION_ON_BY_DEFAULT, note: 'Pod Security admission is on by default; before, nothing built in reads the labels (1.22 only behind the PodSecurity feature gate), so the rule fails there.' }] },
  edition: 1,
  scope: 'input',
  check(context) {
    if (context.pods.length === 0) return 'not-applicable';
    const namespace = namespaceOf(context.object);
    if (namespace === undefined) return namespaceLess(context);
    const known = namespaceLabels(context, namespace);
    if (!known) {
      const message = text`the Namespace ${quoted(namespace)} is not in the input`;
      return context.cluster.complete
        ? [{ path: 'metadata.namespace', message: text`${message}, and the cluster context is declared complete` }]
        : [{ path: 'metadata.namespace', message: text`${message}, so its Pod Security labels are not known (add it to the input or to cluster.namespaces)`, unknown: true }];
    }
    return oncePerEvaluation(JUDGED, context.input, known.source, () => judge(known, describeNamespace(namespace), context.minor));
  },
};

/** Per evaluation, the verdict on each namespace (the Namespace object or the config's entry). */
const JUDGED = new WeakMap<InputIndex, Map<object, Violation[]>>();

/** A namespace's labels: those the rule reads, and all of them as written. */
interface KnownNamespace {
  /** The object the labels come from: the Namespace, or the config's namespace entry. */
  readonly source: object;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly fromInput: boolean;
  /** Its labels as written, Pod Security's with invalid values included. */
  readonly written: unknown;
}

/** A Namespace object's labels: one of the input, or declared in cluster.objects. */
function namespaceObject(object: KubeObject, fromInput: boolean): KnownNamespace {
  return { source: object, name: nameOf(object), labels: labelsOf(object, READ_LABELS), fromInput, written: object.metadata?.labels };
}

function declaredNamespace(entry: NamespaceContext): KnownNamespace {
  return { source: entry, name: entry.name, labels: entry.labels ?? {}, fromInput: false, written: entry.labels };
}

/** The namespace from the input, `cluster.objects` or `cluster.namespaces`; undefined when unknown. */
function namespaceLabels(context: Pick<InputRuleContext, 'input' | 'cluster'>, name: string): KnownNamespace | undefined {
  // By its name first: a Namespace found so is the one, whatever the names of others not known yet in a preview.
  // Only a core Namespace has Pod Security labels: a custom resource of kind Namespace (another group) is no namespace.
  const fromInput = context.input.get('Namespace', KUBERNETES_GROUPS.Namespace, undefined, name) ?? context.input.byKind('Namespace', KUBERNETES_GROUPS.Namespace).find((ns) => nameOf(ns) === name);
  if (fromInput) return namespaceObject(fromInput, true);
  const object = clusterObjects(context.cluster, 'Namespace').find((ns) => nameOf(ns) === name);
  if (object) return namespaceObject(object, false);
  const declared = (context.cluster.namespaces ?? []).find((ns) => ns.name === name);
  return declared ? declaredNamespace(declared) : undefined;
}

const LEVEL_VALUES = ['privileged', 'baseline', 'restricted'];

/** The Pod Security labels with invalid values (a YAML number included), as Pod Security admission parses them. */
function invalidLabels(written: unknown): string[] {
  if (!isFields(written)) return [];
  const out: string[] = [];
  for (const mode of ['enforce', 'audit', 'warn']) {
    const level = written[`${PREFIX}${mode}`];
    if (level !== undefined && !LEVEL_VALUES.includes(level as string)) out.push(`${PREFIX}${mode}: ${JSON.stringify(level)} (expected privileged, baseline or restricted)`);
    const version = written[`${PREFIX}${mode}-version`];
    if (version !== undefined && version !== 'latest' && !(typeof version === 'string' && POD_SECURITY_VERSION.test(version))) {
      out.push(`${PREFIX}${mode}-version: ${JSON.stringify(version)} (expected latest or v1.N)`);
    }
  }
  return out;
}

/**
 * What Pod Security admission enforces in the namespace. Creating a Namespace (or changing its
 * labels) with an invalid Pod Security label is refused, so one in the input never gets there. A
 * declared one is a mistaken declaration (`1.30`, read as latest, where the namespace carries
 * `v1.30`), or labels older than Pod Security admission that it reads as restricted, latest only
 * by its fallback: neither is known to enforce restricted.
 */
function judge(namespace: KnownNamespace, where: string, minor: number): Violation[] {
  const fail = (message: string): Violation[] => [{ path: 'metadata.namespace', message }];
  const { labels } = namespace;
  const invalid = invalidLabels(namespace.written);
  if (invalid.length > 0) {
    return fail(namespace.fromInput
      ? `${where} has invalid Pod Security labels, ${invalid.join(', ')}; the API server refuses to create the Namespace or change its labels with them, so fix their values`
      : `${where} is declared in the cluster context with invalid Pod Security labels, ${invalid.join(', ')}; the API server refuses them on a Namespace, so the declaration is mistaken or the labels predate Pod Security admission: declare the labels the namespace has, valid ones`);
  }
  const level = labels[ENFORCE];
  if (level === undefined) {
    return fail(`${where} has no ${ENFORCE} label, so Pod Security Admission enforces only the cluster's default level there (privileged unless the API server's admission configuration sets another); label it ${ENFORCE}: restricted`);
  }
  if (LEVEL_VALUES.includes(level) && level !== 'restricted') return fail(`${where} enforces Pod Security ${JSON.stringify(level)}, not "restricted"; set ${ENFORCE}: restricted`);
  const version = POD_SECURITY_VERSION.exec(labels[ENFORCE_VERSION] ?? '');
  const needed = newestRestrictedCheck(minor);
  if (version && Number(version[1]) < needed) {
    return fail(`${where} enforces restricted as of ${labels[ENFORCE_VERSION]} (${ENFORCE_VERSION}), which lacks checks Pod Security added to restricted up to v1.${needed}, so pods breaking them are admitted; set ${ENFORCE_VERSION} to latest or v1.${minor}`);
  }
  if (minor < ADMISSION_ON_BY_DEFAULT) {
    return fail(
      `${where} asks for restricted, but Kubernetes 1.${minor} has no Pod Security admission on by default to enforce it (built in and on from 1.${ADMISSION_ON_BY_DEFAULT}; ` +
        '1.22 only with the PodSecurity feature gate, older clusters only with the pod-security-admission webhook); suppress this finding, with that as the reason, where the cluster runs one of them',
    );
  }
  return [];
}

function newestRestrictedCheck(minor: number): number {
  return RESTRICTED_CHECKS_ADDED.filter((m) => m <= minor).reduce((a, b) => Math.max(a, b), 0);
}

/**
 * `helm template` output and charts without a namespace land wherever they are applied. That is
 * only known when the context is complete and every namespace it knows enforces `restricted`.
 */
function namespaceLess(context: InputRuleContext): Violation[] {
  const known = allNamespaces(context);
  if (context.cluster.complete && known.length > 0) {
    for (let i = 0; i < known.length; i++) {
      const namespace = known[i];
      const [weak] = judge(namespace, describeNamespace(namespace.name), context.minor);
      if (weak) return [{ path: 'metadata.namespace', message: text`the workload names no namespace and could land in ${quoted(namespace.name)}: ${weak.message}` }];
    }
    return [];
  }
  return [{ path: 'metadata.namespace', message: 'the workload names no namespace (e.g. `helm template` output), so whether its namespace enforces restricted is not known; set metadata.namespace, or declare every namespace in the cluster context with complete: true', unknown: true }];
}

function allNamespaces(context: Pick<InputRuleContext, 'input' | 'cluster'>): KnownNamespace[] {
  const out: KnownNamespace[] = [];
  const seen = new Set<string>();
  const add = (namespace: KnownNamespace): void => {
    if (seen.has(namespace.name)) return;
    seen.add(namespace.name);
    out.push(namespace);
  };
  for (const ns of context.input.byKind('Namespace', KUBERNETES_GROUPS.Namespace)) add(namespaceObject(ns, true));
  for (const ns of clusterObjects(context.cluster, 'Namespace')) add(namespaceObject(ns, false));
  for (const ns of context.cluster.namespaces ?? []) add(declaredNamespace(ns));
  return out;
}
