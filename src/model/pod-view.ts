import { isInt32, isInt64 } from './api-integers';
import { findValuePath, formatFieldPath, valueAtPath, type PathSegment } from './field-path';
import type { KubeObject, LocatedObject } from './kube-object';

/**
 * One extractor that turns any object into pod views: every place a pod spec sits in an object
 * (a Pod, a workload's template, a configured custom kind), with each container and its exact
 * field path. The extractor never throws on wrong types: a malformed shape becomes a
 * {@link ShapeProblem} that the engine reports as a finding, never a silent pass.
 */

/** The three container lists of a pod spec, in the order the kubelet starts them. */
export type ContainerListField = 'initContainers' | 'containers' | 'ephemeralContainers';
export const CONTAINER_LIST_FIELDS: readonly ContainerListField[] = ['initContainers', 'containers', 'ephemeralContainers'];

/** A plain JSON object as read from input; every field may be missing or of the wrong type. */
export type Fields = Readonly<Record<string, unknown>>;

/** One container of a pod view. */
export interface ContainerView {
  /** Which list the container is in. */
  readonly field: ContainerListField;
  /** Index inside that list. */
  readonly index: number;
  /** The container as written (fields unchecked; shape problems are listed on the pod view). */
  readonly container: Fields;
  /** The container's name, if it is a string. */
  readonly name?: string;
  /** Path from the object root, e.g. `spec.template.spec.containers[0]`. */
  readonly path: string;
}

/** A field whose type is not what Kubernetes expects; reported as a finding by the engine. */
export interface ShapeProblem {
  /** Path from the object root. */
  readonly path: string;
  readonly message: string;
  /** The object could not be read at all (reported with outcome `error`). @default false */
  readonly error?: boolean;
  /**
   * The field holds the unknown-value marker ({@link UNKNOWN_VALUE}) where an object or a list belongs
   * (a whole securityContext, the volumes): its shape, and every field the checks would read below it,
   * are not known yet. The engine then reports each check of the object that finds nothing wrong as
   * unknown. @default false
   */
  readonly unknown?: boolean;
}

/** A pod spec found in an object, with its metadata and containers. */
export interface PodView {
  /** The object the pod spec sits in (a List item, not the List). */
  readonly object: KubeObject;
  /** Path of the pod template inside the object: `` for a Pod, `spec.template`, `spec.jobTemplate.spec.template`. */
  readonly templatePath: string;
  /** Path of the pod metadata: `metadata` for a Pod, `spec.template.metadata` otherwise. */
  readonly metadataPath: string;
  /** Path of the pod spec: `spec` for a Pod, `spec.template.spec` otherwise. */
  readonly specPath: string;
  /** Pod (template) labels; empty when absent or malformed. */
  readonly labels: Readonly<Record<string, string>>;
  /** Pod (template) annotations; empty when absent or malformed. */
  readonly annotations: Readonly<Record<string, string>>;
  /** The pod spec as written; `{}` when it is not an object (then a shape problem says so). */
  readonly spec: Fields;
  /** Init, regular and ephemeral containers, in that order. */
  readonly containers: readonly ContainerView[];
  /** Fields of the wrong type that the checks read. */
  readonly shapeProblems: readonly ShapeProblem[];
}

/**
 * Where the pod template sits in a kind the extractor does not know by itself.
 * Matched on `kind` and, when given, the API group of `apiVersion`.
 */
export interface WorkloadKindMapping {
  readonly kind: string;
  /** API group, e.g. `argoproj.io`; omit to match the kind in any group. @default any group */
  readonly group?: string;
  /**
   * Dotted path of the pod template (an object with `metadata` and `spec`), e.g. `spec.template`.
   * `[*]` after a list field stands for every item of the list, each holding a pod template
   * checked on its own, e.g. JobSet's `spec.replicatedJobs[*].template.spec.template`; findings then
   * name the item (`spec.replicatedJobs[0].template.spec.template.spec.containers[0]`). The list
   * must be present (an empty list holds no pod).
   */
  readonly templatePath: string;
  /**
   * Dotted path of a field that may stand in for the template, pointing at another workload that
   * holds the pods (Argo Rollouts' `spec.workloadRef`): an object with it and without a template has
   * no pod of its own to check (the workload it points at is checked where it is defined).
   * @default none: the template is required
   */
  readonly referencePath?: string;
}

/** Custom workload kinds that are common enough to be known without configuration. */
export const WELL_KNOWN_WORKLOAD_KINDS: readonly WorkloadKindMapping[] = [
  { kind: 'Rollout', group: 'argoproj.io', templatePath: 'spec.template', referencePath: 'spec.workloadRef' },
  { kind: 'Service', group: 'serving.knative.dev', templatePath: 'spec.template' },
  { kind: 'Configuration', group: 'serving.knative.dev', templatePath: 'spec.template' },
  { kind: 'ScaledJob', group: 'keda.sh', templatePath: 'spec.jobTargetRef.template' },
];

/** Written after a list field in a template path: every item of the list. */
const EVERY_ITEM = '[*]';

/**
 * One place a pod template sits, with its paths computed once: extraction builds no path strings
 * for well-formed objects (container paths are cached by index).
 */
export class TemplateLocation {
  readonly segments: readonly string[];
  readonly metadataPath: string;
  readonly specPath: string;
  /** Index of the first segment that stands for every item of a list (`replicatedJobs[*]`), or -1. */
  readonly listStep: number;
  /** The list field of that segment (`replicatedJobs`). */
  readonly listKey: string = '';
  private readonly containerPaths: Record<ContainerListField, string[]> = { initContainers: [], containers: [], ephemeralContainers: [] };
  /** The location of each list item's template, built once per index. */
  private readonly itemLocations: TemplateLocation[] = [];

  constructor(readonly templatePath: string) {
    this.segments = templatePath.split('.').filter((p) => p);
    this.metadataPath = templatePath ? `${templatePath}.metadata` : 'metadata';
    this.specPath = templatePath ? `${templatePath}.spec` : 'spec';
    this.listStep = this.segments.findIndex((segment) => segment.endsWith(EVERY_ITEM));
    if (this.listStep >= 0) this.listKey = this.segments[this.listStep].slice(0, -EVERY_ITEM.length);
  }

  /** The path of a container list of the pod spec, e.g. `spec.template.spec.containers`. */
  listPath(field: ContainerListField): string {
    return `${this.specPath}.${field}`;
  }

  /** The path of the list that {@link listStep} walks, e.g. `spec.replicatedJobs`. */
  templateListPath(): string {
    return this.listStep > 0 ? `${this.prefix(this.listStep)}.${this.listKey}` : this.listKey;
  }

  /** The location of the template in item `index` of the list at {@link listStep}: `[*]` there becomes `[index]`. */
  itemLocation(index: number): TemplateLocation {
    let location = this.itemLocations[index];
    if (!location) {
      const segments = this.segments.slice();
      segments[this.listStep] = `${this.listKey}[${index}]`;
      location = new TemplateLocation(segments.join('.'));
      this.itemLocations[index] = location;
    }
    return location;
  }

  containerPath(field: ContainerListField, index: number): string {
    const cache = this.containerPaths[field];
    return cache[index] ??= `${this.specPath}.${field}[${index}]`;
  }

  /** The dotted path of the first `count` segments, for messages about a broken path. */
  prefix(count: number): string {
    return this.segments.slice(0, count).join('.');
  }
}

const locations = new Map<string, TemplateLocation>();
function locationOf(templatePath: string): TemplateLocation {
  let location = locations.get(templatePath);
  if (!location) {
    location = new TemplateLocation(templatePath);
    locations.set(templatePath, location);
  }
  return location;
}

const POD_LOCATION = locationOf('');

/** Built-in kinds (core and apps/batch groups) and where their pod template sits. */
const BUILT_IN_TEMPLATE_PATHS: Readonly<Record<string, TemplateLocation | undefined>> = {
  Deployment: locationOf('spec.template'),
  StatefulSet: locationOf('spec.template'),
  DaemonSet: locationOf('spec.template'),
  ReplicaSet: locationOf('spec.template'),
  ReplicationController: locationOf('spec.template'),
  Job: locationOf('spec.template'),
  CronJob: locationOf('spec.jobTemplate.spec.template'),
  PodTemplate: locationOf('template'),
};
/**
 * Where a built-in kind of a built-in API group holds its pod template (`` for a Pod), or undefined
 * for any other kind or group: those are read there whatever the config maps.
 * @internal
 */
export function builtInTemplatePath(kind: string, group: string): string | undefined {
  if (!BUILT_IN_GROUPS.has(group)) return undefined;
  return kind === 'Pod' && group === '' ? '' : BUILT_IN_TEMPLATE_PATHS[kind]?.templatePath;
}
/** Kinds that hold a pod spec in every cluster: Pod and the built-in workload kinds. */
export const BUILT_IN_WORKLOAD_KINDS: readonly string[] = ['Pod', ...Object.keys(BUILT_IN_TEMPLATE_PATHS)];
const BUILT_IN_GROUPS = new Set(['', 'apps', 'batch', 'extensions', 'apps/v1beta1', 'apps/v1beta2']);

/**
 * Kinds that run no pod of their own; skipped by the pod-template-shape detection. A ControllerRevision
 * (in `kubectl get` of a whole cluster) keeps a copy of a DaemonSet's or StatefulSet's past template:
 * its pods are its owner's, checked there.
 */
const NON_WORKLOAD_KINDS = new Set([
  'ControllerRevision',
  'ConfigMap', 'Secret', 'Service', 'ServiceAccount', 'Namespace', 'NetworkPolicy', 'Role', 'ClusterRole',
  'RoleBinding', 'ClusterRoleBinding', 'Ingress', 'IngressClass', 'PersistentVolumeClaim', 'PersistentVolume',
  'StorageClass', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'LimitRange', 'ResourceQuota',
  'CustomResourceDefinition', 'Endpoints', 'EndpointSlice', 'PriorityClass', 'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding', 'APIService',
  'MutatingAdmissionPolicy', 'MutatingAdmissionPolicyBinding',
]);

/**
 * API groups of admission policy engines: their policies hold pod specs and containers as patterns
 * to match or patches to apply (a Kyverno rule's `validate.pattern.spec.containers`), not as
 * anything that runs.
 */
const POLICY_GROUPS = new Set([
  'kyverno.io', 'policies.kyverno.io', 'wgpolicyk8s.io', 'reports.kyverno.io',
  'templates.gatekeeper.sh', 'constraints.gatekeeper.sh', 'mutations.gatekeeper.sh', 'expansion.gatekeeper.sh',
  'policies.kubewarden.io', 'admissionregistration.k8s.io',
]);

/** What {@link extractPodViews} found in one object. */
export interface PodViewExtraction {
  /** Pod specs found; empty for objects that hold none. */
  readonly views: readonly PodView[];
  /**
   * Set when the object's kind is neither built in nor mapped, but something in it is shaped like a
   * pod template: the object is reported as not checked instead of passing silently.
   */
  readonly notCheckedReason?: string;
  /** Shape problems on the way to the pod template (e.g. `spec.template` is a string). */
  readonly shapeProblems: readonly ShapeProblem[];
}

export interface ExtractOptions {
  /** Extra kinds and where their pod template sits (added to {@link WELL_KNOWN_WORKLOAD_KINDS}). @default none */
  readonly workloadKinds?: readonly WorkloadKindMapping[];
}

/** True for a plain (non-array) object. */
export function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The API group of an apiVersion: `apps/v1` -> `apps`, `v1` -> ``. */
export function apiGroupOf(apiVersion: unknown): string {
  if (typeof apiVersion !== 'string') return '';
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/**
 * Whether an apiVersion is of the API group (`` for the core group), any version: what
 * {@link apiGroupOf} says, without building a string (indexes ask it of every object).
 */
export function inApiGroup(apiVersion: unknown, group: string): boolean {
  if (typeof apiVersion !== 'string') return group === '';
  if (group === '') return apiVersion.indexOf('/') < 0;
  return apiVersion.length > group.length && apiVersion.charCodeAt(group.length) === SLASH && apiVersion.startsWith(group);
}
const SLASH = 47;

/** The built-in cluster-scoped kinds, each with its API group (no two groups share a kind name). */
const CLUSTER_SCOPED_KINDS: ReadonlyMap<string, string> = new Map([
  ...['Namespace', 'Node', 'PersistentVolume', 'ComponentStatus'].map((kind) => [kind, ''] as const),
  ...['ClusterRole', 'ClusterRoleBinding'].map((kind) => [kind, 'rbac.authorization.k8s.io'] as const),
  ...['StorageClass', 'CSIDriver', 'CSINode', 'VolumeAttachment', 'VolumeAttributesClass'].map((kind) => [kind, 'storage.k8s.io'] as const),
  ['CustomResourceDefinition', 'apiextensions.k8s.io'],
  ['APIService', 'apiregistration.k8s.io'],
  ...[
    'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'ValidatingAdmissionPolicy',
    'ValidatingAdmissionPolicyBinding', 'MutatingAdmissionPolicy', 'MutatingAdmissionPolicyBinding',
  ].map((kind) => [kind, 'admissionregistration.k8s.io'] as const),
  ['PriorityClass', 'scheduling.k8s.io'],
  ['RuntimeClass', 'node.k8s.io'],
  ...['IngressClass', 'IPAddress', 'ServiceCIDR'].map((kind) => [kind, 'networking.k8s.io'] as const),
  ...['CertificateSigningRequest', 'ClusterTrustBundle'].map((kind) => [kind, 'certificates.k8s.io'] as const),
  ...['FlowSchema', 'PriorityLevelConfiguration'].map((kind) => [kind, 'flowcontrol.apiserver.k8s.io'] as const),
  ['PodSecurityPolicy', 'policy'],
  ...['DeviceClass', 'ResourceSlice'].map((kind) => [kind, 'resource.k8s.io'] as const),
]);

/**
 * True for an object of a built-in cluster-scoped kind (a ClusterRole, a Namespace). The API server
 * drops the `metadata.namespace` such an object carries, as cdk8s sets its chart's namespace on
 * every ApiObject: the object is the same whatever namespace it names.
 */
export function isClusterScoped(object: { readonly apiVersion?: unknown; readonly kind?: unknown }): boolean {
  // The kind first: most objects are namespaced, and their apiVersion is then not read.
  const group = typeof object.kind === 'string' ? CLUSTER_SCOPED_KINDS.get(object.kind) : undefined;
  return group !== undefined && inApiGroup(object.apiVersion, group);
}

/** The namespaced kinds Kubernetes serves in its own API groups (the cluster-scoped ones are {@link CLUSTER_SCOPED_KINDS}). */
const NAMESPACED_KINDS: readonly string[] = [
  'Binding', 'ConfigMap', 'Endpoints', 'Event', 'LimitRange', 'PersistentVolumeClaim', 'Pod', 'PodTemplate', 'ReplicationController',
  'ResourceQuota', 'Secret', 'Service', 'ServiceAccount', 'ControllerRevision', 'DaemonSet', 'Deployment', 'ReplicaSet', 'StatefulSet',
  'CronJob', 'Job', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'Ingress', 'NetworkPolicy', 'Role', 'RoleBinding',
  'CSIStorageCapacity', 'Lease', 'EndpointSlice', 'ResourceClaim', 'ResourceClaimTemplate', 'LocalSubjectAccessReview',
];
const KUBERNETES_KIND_NAMES: ReadonlySet<string> = new Set([...CLUSTER_SCOPED_KINDS.keys(), ...NAMESPACED_KINDS]);

/**
 * Whether an API group is one of Kubernetes' own: the core group, one without a dot (`apps`, `batch`,
 * `policy`: a custom resource's group has one) or one under `k8s.io`.
 */
function isKubernetesApiGroup(group: string): boolean {
  return group === '' || !group.includes('.') || group.endsWith('.k8s.io');
}

/**
 * The API group that is part of an object's identity, beside its kind, namespace and name: that of an
 * object of another group than Kubernetes' own whose kind is the name of a Kubernetes kind (a Knative
 * `Service` of `serving.knative.dev`, a Volcano `Job`), as its kind alone would name the Kubernetes
 * one. Undefined for an object of a Kubernetes group and for a kind Kubernetes does not have (an Argo
 * `Rollout`): the kind alone names those, and their identities stay what they were.
 */
export function identityGroupOf(object: { readonly apiVersion?: unknown; readonly kind?: unknown }): string | undefined {
  if (typeof object.kind !== 'string' || !KUBERNETES_KIND_NAMES.has(object.kind)) return undefined;
  const group = apiGroupOf(object.apiVersion);
  return isKubernetesApiGroup(group) ? undefined : group;
}

/** Precomputed lookup of workload kind mappings, so extraction does no per-object parsing. */
export class WorkloadKinds {
  /** How many mappings the config gave, beside the well-known ones. */
  readonly configured: number;
  private readonly byKind = new Map<string, MappedKind[]>();

  constructor(mappings: readonly WorkloadKindMapping[] = []) {
    this.configured = mappings.length;
    for (const mapping of [...mappings, ...WELL_KNOWN_WORKLOAD_KINDS]) {
      const entries = this.byKind.get(mapping.kind) ?? [];
      const location = locationOf(mapping.templatePath);
      entries.push({
        group: mapping.group,
        location,
        // With a list in the path, the list is what holds the templates.
        template: location.listStep < 0 ? location.segments : [...location.segments.slice(0, location.listStep), location.listKey],
        reference: mapping.referencePath === undefined ? undefined : mapping.referencePath.split('.'),
      });
      this.byKind.set(mapping.kind, entries);
    }
  }

  /** Where the pod template sits in this object (and what may stand in for it), or undefined when the kind is not mapped. */
  mappingOf(object: KubeObject): MappedKind | undefined {
    const entries = this.byKind.get(object.kind);
    if (!entries) return undefined;
    const group = apiGroupOf(object.apiVersion);
    for (let i = 0; i < entries.length; i++) if (entries[i].group === undefined || entries[i].group === group) return entries[i];
    return undefined;
  }
}

/** A workload kind mapping, its paths split once. */
interface MappedKind {
  readonly group?: string;
  readonly location: TemplateLocation;
  /** The field names to the template, or to the list holding the templates: its presence rules out the reference. */
  readonly template: readonly string[];
  /** Segments of {@link WorkloadKindMapping.referencePath}. */
  readonly reference?: readonly string[];
}

/** The value at a path of field names, undefined where the path breaks off. */
function valueAt(object: unknown, segments: readonly string[]): unknown {
  let node = object;
  for (let j = 0; j < segments.length; j++) {
    const segment = segments[j];
    if (!isFields(node)) return undefined;
    node = node[segment];
  }
  return node;
}

const DEFAULT_KINDS = new WorkloadKinds();

/**
 * Expands `v1` Lists (recursively) into their items; other objects are returned as they are.
 * Items that are not Kubernetes objects are passed to `onInvalid` (a List item is never dropped silently).
 */
export function expandLists(object: KubeObject, onInvalid?: (path: string, value: unknown) => void): { object: KubeObject; path: string }[] {
  const out: { object: KubeObject; path: string }[] = [];
  const visit = (candidate: unknown, path: string, depth: number): void => {
    if (!isKubeObjectLike(candidate)) {
      onInvalid?.(path, candidate);
      return;
    }
    if (isList(candidate) && depth < 32) {
      (candidate.items as unknown[]).forEach((item, i) => visit(item, path ? `${path}.items[${i}]` : `items[${i}]`, depth + 1));
      return;
    }
    out.push({ object: candidate, path });
  };
  visit(object, '', 0);
  return out;
}

/**
 * The objects a located object stands for: itself, or the items of a v1 List (nested Lists
 * expanded), each known by its place in the List ({@link SourceLocation.listItem}), as items of one
 * List may share kind, namespace and name.
 * @param onInvalid see {@link expandLists}
 */
export function locatedItems(located: LocatedObject, onInvalid?: (path: string, value: unknown) => void): LocatedObject[] {
  if (!isList(located.object)) return [located];
  return expandLists(located.object, onInvalid).map((item) => ({ object: item.object, source: { ...located.source, listItem: item.path } }));
}

/** A `v1` List or a typed list such as `DeploymentList`. */
export function isList(object: KubeObject): boolean {
  return typeof object.kind === 'string' && object.kind.endsWith('List') && Array.isArray(object.items);
}

function isKubeObjectLike(value: unknown): value is KubeObject {
  return isFields(value) && typeof value.kind === 'string';
}

/**
 * Finds every pod spec in an object. A v1 List yields the views of its items (each view's
 * `object` is the item). Never throws.
 */
export function extractPodViews(object: KubeObject, options?: ExtractOptions | WorkloadKinds): PodViewExtraction {
  const kinds = options instanceof WorkloadKinds ? options
    : options?.workloadKinds?.length ? new WorkloadKinds(options.workloadKinds) : DEFAULT_KINDS;
  if (isList(object)) {
    const views: PodView[] = [];
    const shapeProblems: ShapeProblem[] = [];
    const reasons: string[] = [];
    const onInvalid = (path: string, value: unknown): void => {
      shapeProblems.push({ path, message: `a List item must be a Kubernetes object, got ${describeType(value)}` });
    };
    for (const item of expandLists(object, onInvalid)) {
      const result = extractFromObject(item.object, kinds);
      views.push(...result.views);
      shapeProblems.push(...result.shapeProblems);
      if (result.notCheckedReason) reasons.push(`${item.path}: ${result.notCheckedReason}`);
    }
    return { views, shapeProblems, notCheckedReason: reasons.length ? reasons.join('; ') : undefined };
  }
  return extractFromObject(object, kinds);
}

const NO_VIEWS: PodViewExtraction = { views: [], shapeProblems: [] };

function extractFromObject(object: KubeObject, kinds: WorkloadKinds): PodViewExtraction {
  const kind = object.kind;
  if (kind === 'Pod' && apiGroupOf(object.apiVersion) === '') {
    const spec = object.spec;
    const problems: ShapeProblem[] = [];
    if (!isFields(spec)) problems.push(shapeProblem('spec', spec, `pod spec must be an object, got ${describeType(spec)}`));
    return { views: [buildView(object, POD_LOCATION, object.metadata, spec, problems)], shapeProblems: [] };
  }
  const builtIn = BUILT_IN_GROUPS.has(apiGroupOf(object.apiVersion)) ? BUILT_IN_TEMPLATE_PATHS[kind] : undefined;
  if (builtIn) return viewAt(object, builtIn);
  const mapped = kinds.mappingOf(object);
  if (mapped) {
    // A reference instead of a template (a Rollout's workloadRef): the pods are the referenced workload's.
    if (mapped.reference && valueAt(object, mapped.reference) != null && valueAt(object, mapped.template) == null) return NO_VIEWS;
    const extraction = viewAt(object, mapped.location);
    const reason = unmappedPodSpecReason(object, mapped.location, extraction.views);
    return reason === undefined ? extraction : { ...extraction, notCheckedReason: reason };
  }
  if (NON_WORKLOAD_KINDS.has(kind) || POLICY_GROUPS.has(apiGroupOf(object.apiVersion))) return NO_VIEWS;
  const reason = notCheckedReason(object);
  return reason === undefined ? NO_VIEWS : { views: [], shapeProblems: [], notCheckedReason: reason };
}

/**
 * Why an object of an unknown kind is not checked, or undefined when nothing in it looks like what
 * runs in a pod. A pod spec in a pod template can be mapped (workloadKinds), and the reason gives the
 * templatePath; anything else (a pod spec right under spec as in Prometheus Operator kinds, containers
 * outside any pod spec as Tekton's steps, a security context as Strimzi's pod templates) cannot, and
 * the reason says what to check instead rather than send the user after a mapping that cannot be written.
 */
function notCheckedReason(object: KubeObject): string | undefined {
  const unknownKind = `kind ${object.apiVersion}/${object.kind} is not a known workload kind`;
  const podSpec = findShape(object, looksLikePodSpec);
  const hint = podSpec && templatePathOf(podSpec);
  if (hint) return `${unknownKind}, but ${formatFieldPath(podSpec)} looks like a pod spec; map the kind to its pod template path in the config (workloadKinds) to check it (here templatePath: ${hint})`;
  if (podSpec) return `${unknownKind}, but ${formatFieldPath(podSpec)} looks like a pod spec outside a pod template (an object with metadata and spec)${cannotMap(object)}`;
  const container = findShape(object, looksLikeContainerSettings);
  if (!container) {
    return OPERATOR_POD_KINDS.get(apiGroupOf(object.apiVersion))?.includes(object.kind)
      ? `${unknownKind}: its operator runs pods made from the object's own fields, none of them a pod spec or container${cannotMap(object)}`
      : undefined;
  }
  const settings = valueAtPath(object, container) as Fields;
  const what = isFields(settings.securityContext)
    ? `${formatFieldPath([...container, 'securityContext'])} is a security context`
    : `${formatFieldPath(container)} looks like a container (${typeof settings.name === 'string' ? 'name and image' : 'image and command'})`;
  return `${unknownKind}, but ${what} outside any pod spec${cannotMap(object)}`;
}

/**
 * Kinds, by API group, whose operator runs pods made from fields that may hold nothing shaped like a
 * pod spec, a container or a security context (the Prometheus Operator's getting-started Prometheus,
 * the Spark Pi SparkApplication, a FlinkDeployment without pod templates, a Tekton PipelineRun of a
 * pipelineRef, a Strimzi Kafka): listed as not checked even then.
 */
const OPERATOR_POD_KINDS: ReadonlyMap<string, readonly string[]> = new Map([
  ['monitoring.coreos.com', ['Prometheus', 'PrometheusAgent', 'Alertmanager', 'ThanosRuler']],
  ['sparkoperator.k8s.io', ['SparkApplication', 'ScheduledSparkApplication']],
  ['flink.apache.org', ['FlinkDeployment']],
  ['argoproj.io', ['Workflow', 'CronWorkflow', 'WorkflowTemplate', 'ClusterWorkflowTemplate']],
  ['tekton.dev', ['TaskRun', 'PipelineRun']],
  ['kafka.strimzi.io', ['Kafka', 'KafkaNodePool', 'KafkaConnect', 'KafkaMirrorMaker2', 'KafkaBridge']],
]);

/**
 * Why a mapped object is checked only in part, or undefined: a kind may hold pod templates besides
 * the one its mapping names (a FlinkDeployment's `spec.taskManager.podTemplate`, a PyTorchJob's
 * `Worker` beside its `Master`), and the pods made from those would otherwise pass unread.
 */
function unmappedPodSpecReason(object: KubeObject, location: TemplateLocation, views: readonly PodView[]): string | undefined {
  const mappedSpecs = new Set<unknown>(views.map((view) => view.spec));
  const other = findShape(object, (value) => looksLikePodSpec(value) && !mappedSpecs.has(value));
  if (!other) return undefined;
  return `kind ${object.apiVersion}/${object.kind} is mapped to its pod template at ${location.templatePath}, but ${formatFieldPath(other)} looks like a pod spec too, outside the mapped template${cannotMap(object)}`;
}

/** The end of a not-checked reason that no workloadKinds mapping can fix: what to check instead. */
function cannotMap(object: KubeObject): string {
  const namespace = isFields(object.metadata) && typeof object.metadata.namespace === 'string' && object.metadata.namespace ? object.metadata.namespace : 'NAMESPACE';
  return `, which workloadKinds cannot map; check the workloads or pods made from it in the cluster instead (\`kubectl get statefulsets,deployments,daemonsets,jobs,pods -n ${namespace} -o yaml | hardpod check -\`)`;
}

/**
 * The templatePath that maps a pod spec found at `segments`: its template, each list index as `[*]`
 * (`spec.replicatedJobs[0].template.spec.template.spec` -> `spec.replicatedJobs[*].template.spec.template`).
 * Undefined when the spec sits in no template (`spec.podSpec`) or the path cannot be written as one.
 */
function templatePathOf(segments: readonly PathSegment[]): string | undefined {
  const last = segments.length - 1;
  if (last < 1 || segments[last] !== 'spec') return undefined;
  let path = '';
  for (let i = 0; i < last; i++) {
    const segment = segments[i];
    if (typeof segment === 'number') {
      if (typeof segments[i - 1] === 'number') return undefined;
      path += EVERY_ITEM;
    } else if (/^[^.\s[\]"']+$/.test(segment)) {
      path += path ? `.${segment}` : segment;
    } else {
      return undefined;
    }
  }
  return path;
}

function viewAt(object: KubeObject, location: TemplateLocation): PodViewExtraction {
  const views: PodView[] = [];
  const shapeProblems: ShapeProblem[] = [];
  collectViews(object, location, object, 0, views, shapeProblems);
  return { views, shapeProblems };
}

/**
 * Walks `location` from `node` (the value at its segment `from`) to the pod template and adds its
 * view, or the problem that stops the walk. At a list step (`[*]`) each item is walked on with a
 * location of its own, so that its views and problems name the item.
 */
function collectViews(
  object: KubeObject, location: TemplateLocation, node: unknown, from: number, views: PodView[], shapeProblems: ShapeProblem[],
): void {
  const segments = location.segments;
  for (let i = from; i < segments.length; i++) {
    const key = i === location.listStep ? location.listKey : segments[i];
    if (!isFields(node)) {
      shapeProblems.push(shapeProblem(location.prefix(i) || '(root)', node, `expected an object holding \`${key}\`, got ${describeType(node)}`));
      return;
    }
    node = node[key];
    if (i === location.listStep) {
      if (!Array.isArray(node)) {
        const path = location.templateListPath();
        const rest = segments.slice(i + 1).join('.');
        shapeProblems.push(node === undefined || node === null
          ? { path, message: `${object.kind} has no list of pod templates at \`${path}\`; expected a list of objects with \`${rest}\`` }
          : shapeProblem(path, node, `expected a list of objects with \`${rest}\` at \`${path}\`, got ${describeType(node)}`));
        return;
      }
      for (let j = 0; j < node.length; j++) collectViews(object, location.itemLocation(j), node[j], i + 1, views, shapeProblems);
      return;
    }
    if (node === undefined || node === null) {
      const path = location.prefix(i + 1);
      shapeProblems.push({ path, message: `${object.kind} has no pod template at \`${path}\`; expected an object with \`spec.containers\`` });
      return;
    }
  }
  if (!isFields(node)) {
    shapeProblems.push(shapeProblem(location.templatePath, node, `pod template must be an object, got ${describeType(node)}`));
    return;
  }
  const problems: ShapeProblem[] = [];
  const spec = node.spec;
  if (!isFields(spec)) problems.push(shapeProblem(location.specPath, spec, `pod spec must be an object, got ${describeType(spec)}`));
  views.push(buildView(object, location, node.metadata, spec, problems));
}

const EMPTY_FIELDS: Fields = Object.freeze({});

/**
 * The shape problem for a field whose value is wrong, or, when it is the unknown-value marker where
 * an object or list belongs, the problem saying it is not known yet ({@link ShapeProblem.unknown}).
 * @internal
 */
export function shapeProblem(path: string, value: unknown, message: string): ShapeProblem {
  return isUnknownValue(value)
    ? { path, message: `${path} is not known yet, so nothing it holds can be checked; the checks judge it once it is known`, unknown: true }
    : { path, message };
}
const EMPTY_STRINGS: Readonly<Record<string, string>> = Object.freeze({});

function buildView(object: KubeObject, location: TemplateLocation, metadata: unknown, rawSpec: unknown, problems: ShapeProblem[]): PodView {
  const { templatePath, metadataPath, specPath } = location;
  const spec = isFields(rawSpec) ? rawSpec : EMPTY_FIELDS;
  let labels = EMPTY_STRINGS;
  let annotations = EMPTY_STRINGS;
  if (metadata !== undefined && metadata !== null) {
    if (!isFields(metadata)) {
      problems.push(shapeProblem(metadataPath, metadata, `metadata must be an object, got ${describeType(metadata)}`));
    } else {
      labels = stringMap(metadata.labels, metadataPath, '.labels', problems);
      annotations = stringMap(metadata.annotations, metadataPath, '.annotations', problems);
    }
  }
  const containers: ContainerView[] = [];
  for (let j = 0; j < CONTAINER_LIST_FIELDS.length; j++) {
    const field = CONTAINER_LIST_FIELDS[j];
    const list = spec[field];
    if (list === undefined || list === null) {
      // The API server requires a container: a pod spec without any (a typo such as `container:`) would pass every check unread.
      if (field === 'containers' && spec === rawSpec) problems.push({ path: location.listPath(field), message: `containers must be a list of at least one container, got ${describeType(list)}` });
      continue;
    }
    if (!Array.isArray(list)) {
      problems.push(shapeProblem(location.listPath(field), list, `${field} must be a list of containers, got ${describeType(list)}`));
      continue;
    }
    if (list.length === 0 && field === 'containers') problems.push({ path: location.listPath(field), message: 'containers must be a list of at least one container, got an empty list' });
    if (list.length > 0 && field === 'ephemeralContainers' && !(templatePath === '' && isStoredObject(metadata))) problems.push(ephemeralContainersRefused(location));
    for (let i = 0; i < list.length; i++) {
      const container: unknown = list[i];
      const path = location.containerPath(field, i);
      if (!isFields(container)) {
        problems.push(shapeProblem(path, container, `a container must be an object, got ${describeType(container)}`));
        continue;
      }
      containers.push({ field, index: i, container, name: typeof container.name === 'string' ? container.name : undefined, path });
      checkContainerShape(container, path, problems);
    }
  }
  if (isFields(rawSpec)) {
    checkPodSpecShape(spec, specPath, problems);
    // Only a pod that names its OS has fields the server refuses for it: nothing is read for the others.
    if (isFields(spec.os)) checkOsFields(spec, spec.os.name, containers, specPath, problems);
  }
  return { object, templatePath, metadataPath, specPath, labels, annotations, spec, containers, shapeProblems: problems };
}

/**
 * A copy of an object as the server stores it (`kubectl get -o yaml`): it carries a resourceVersion,
 * with which the server refuses to create it, so it can only be written back over itself.
 */
function isStoredObject(metadata: unknown): boolean {
  return isFields(metadata) && typeof metadata.resourceVersion === 'string' && metadata.resourceVersion !== '';
}

/**
 * Ephemeral containers written into a pod template or a Pod to create: the API server refuses both,
 * as they are only added to a running Pod (through its `ephemeralcontainers` subresource).
 */
function ephemeralContainersRefused(location: TemplateLocation): ShapeProblem {
  const where = location.templatePath === '' ? 'when a Pod is created' : 'in a pod template';
  return {
    path: location.listPath('ephemeralContainers'),
    message: `ephemeral containers cannot be set ${where}: the API server refuses them there; they are added to a running Pod through its ephemeralcontainers subresource (kubectl debug)`,
  };
}

/**
 * A map of strings (labels, annotations, a selector's matchLabels) as the API server reads it, each
 * value of another type a problem at `base + suffix`.
 * @internal
 */
export function stringMap(value: unknown, base: string, suffix: string, problems: ShapeProblem[]): Readonly<Record<string, string>> {
  if (value === undefined || value === null) return EMPTY_STRINGS;
  if (!isFields(value)) {
    problems.push(shapeProblem(`${base}${suffix}`, value, `${suffix.slice(suffix.lastIndexOf('.') + 1)} must be a map of strings, got ${describeType(value)}`));
    return EMPTY_STRINGS;
  }
  let nulls = false;
  for (const key in value) {
    const v = value[key];
    if (typeof v === 'string') continue;
    // The API server reads a null value as the empty string.
    if (v === null) nulls = true;
    else problems.push({ path: `${base}${suffix}.${key}`, message: `must be a string, got ${describeType(v)}` });
  }
  if (!nulls) return value as Readonly<Record<string, string>>;
  const copy: Record<string, string> = {};
  for (const key in value) copy[key] = value[key] === null ? '' : value[key] as string;
  return copy;
}

// Expected types of the fields the checks read, looked up per key present (objects carry few keys).
// `integer` is an int64 and `int32` a port number's type: the API server refuses a fraction or a number
// out of range while decoding.
/** @internal */
export type Expected = 'boolean' | 'object' | 'array' | 'string' | 'integer' | 'int32';
/** @internal */
export type FieldTypes = ReadonlyMap<string, Expected>;
const POD_SPEC_FIELDS: FieldTypes = new Map<string, Expected>([
  ['hostNetwork', 'boolean'], ['hostPID', 'boolean'], ['hostIPC', 'boolean'], ['hostUsers', 'boolean'],
  ['securityContext', 'object'], ['volumes', 'array'], ['os', 'object'], ['automountServiceAccountToken', 'boolean'],
  ['serviceAccountName', 'string'], ['serviceAccount', 'string'],
]);
const POD_SECURITY_CONTEXT_FIELDS: FieldTypes = new Map<string, Expected>([
  ['runAsNonRoot', 'boolean'], ['runAsUser', 'integer'], ['seccompProfile', 'object'], ['seLinuxOptions', 'object'],
  ['appArmorProfile', 'object'], ['sysctls', 'array'], ['windowsOptions', 'object'],
]);
const CONTAINER_FIELDS: FieldTypes = new Map<string, Expected>([
  ['securityContext', 'object'], ['ports', 'array'], ['image', 'string'], ['env', 'array'], ['envFrom', 'array'],
  ['resources', 'object'], ['livenessProbe', 'object'], ['readinessProbe', 'object'], ['startupProbe', 'object'],
  ['lifecycle', 'object'], ['volumeMounts', 'array'], ['command', 'array'], ['args', 'array'],
]);
/** What a probe or lifecycle hook runs: the host and exec checks read below these. */
const HANDLER_FIELDS: FieldTypes = new Map<string, Expected>([['exec', 'object'], ['httpGet', 'object'], ['tcpSocket', 'object'], ['grpc', 'object']]);
const LIFECYCLE_FIELDS: FieldTypes = new Map<string, Expected>([['postStart', 'object'], ['preStop', 'object']]);
const ENV_FROM_FIELDS: FieldTypes = new Map<string, Expected>([['configMapRef', 'object'], ['secretRef', 'object']]);
const VALUE_FROM_FIELDS: FieldTypes = new Map<string, Expected>([['configMapKeyRef', 'object'], ['secretKeyRef', 'object']]);
const CONTAINER_SECURITY_CONTEXT_FIELDS: FieldTypes = new Map<string, Expected>([
  ['privileged', 'boolean'], ['allowPrivilegeEscalation', 'boolean'], ['runAsNonRoot', 'boolean'], ['runAsUser', 'integer'],
  ['readOnlyRootFilesystem', 'boolean'], ['capabilities', 'object'], ['seccompProfile', 'object'], ['seLinuxOptions', 'object'],
  ['appArmorProfile', 'object'], ['procMount', 'string'], ['windowsOptions', 'object'],
]);
const HOST_PROCESS_FIELDS: FieldTypes = new Map<string, Expected>([['hostProcess', 'boolean']]);

/**
 * Reports fields of `value` whose type is not the expected one. The path is built as
 * `base + suffix` only when a problem is found: this runs for every container of every object.
 * @internal
 */
export function checkFields(value: Fields, types: FieldTypes, base: string, suffix: string, problems: ShapeProblem[]): void {
  for (const field in value) {
    const expected = types.get(field);
    if (expected === undefined) continue;
    const v = value[field];
    if (v === undefined || v === null || hasType(v, expected)) continue;
    // A leaf not known yet is judged unknown by the checks that read it; below an object or a list they would read nothing.
    if (isUnknownValue(v) && expected !== 'object' && expected !== 'array') continue;
    // `base` and `suffix` empty: a field of the object root (a ServiceAccount's automountServiceAccountToken).
    const path = base || suffix ? `${base}${suffix}.${field}` : field;
    problems.push(shapeProblem(path, v, `${field} must be ${article(expected)}, got ${describeType(v)}`));
  }
}

function checkPodSpecShape(spec: Fields, path: string, problems: ShapeProblem[]): void {
  checkFields(spec, POD_SPEC_FIELDS, path, '', problems);
  const sc = spec.securityContext;
  if (isFields(sc)) {
    checkFields(sc, POD_SECURITY_CONTEXT_FIELDS, path, '.securityContext', problems);
    if (isFields(sc.windowsOptions)) checkFields(sc.windowsOptions, HOST_PROCESS_FIELDS, path, '.securityContext.windowsOptions', problems);
    if (Array.isArray(sc.sysctls)) checkListOfObjects(sc.sysctls, path, '.securityContext.sysctls', problems);
  }
  if (Array.isArray(spec.volumes)) checkVolumes(spec.volumes, path, problems);
}

/**
 * Fields the API server refuses in a Windows pod (`spec.os.name: windows`): the Linux-only settings,
 * set to anything but null (`privileged: false` and `capabilities: {}` too). `sysctls` only when it
 * lists one; `hostPID` and `hostIPC` only when true.
 */
const WINDOWS_REFUSED_POD_FIELDS: readonly string[] = ['hostUsers', 'shareProcessNamespace', 'resources'];
const WINDOWS_REFUSED_POD_SECURITY_CONTEXT_FIELDS: readonly string[] = [
  'appArmorProfile', 'seLinuxOptions', 'seccompProfile', 'fsGroup', 'fsGroupChangePolicy', 'runAsUser', 'runAsGroup',
  'supplementalGroups', 'supplementalGroupsPolicy', 'seLinuxChangePolicy',
];
const WINDOWS_REFUSED_CONTAINER_FIELDS: readonly string[] = [
  'appArmorProfile', 'seLinuxOptions', 'seccompProfile', 'capabilities', 'readOnlyRootFilesystem', 'privileged',
  'allowPrivilegeEscalation', 'procMount', 'runAsUser', 'runAsGroup',
];

/**
 * The fields the API server refuses for the OS a pod names: the Linux-only ones in a Windows pod,
 * `windowsOptions` in a Linux pod. Such a pod is never created, and the checks that exempt Windows
 * pods would otherwise pass it.
 */
function checkOsFields(spec: Fields, os: unknown, containers: readonly ContainerView[], path: string, problems: ShapeProblem[]): void {
  if (os !== 'windows' && os !== 'linux') {
    // The server knows these two names only, and an os without one is refused too.
    if (!isUnknownValue(os)) problems.push({ path: `${path}.os.name`, message: unknownOsProblem(os) });
    return;
  }
  const windows = os === 'windows';
  const sc = spec.securityContext;
  if (windows) {
    refuseForOs(spec, WINDOWS_REFUSED_POD_FIELDS, path, '', problems);
    if (spec.hostPID === true) problems.push(refusedForOs(`${path}.hostPID`, 'hostPID: true', 'windows'));
    if (spec.hostIPC === true) problems.push(refusedForOs(`${path}.hostIPC`, 'hostIPC: true', 'windows'));
    if (isFields(sc)) {
      refuseForOs(sc, WINDOWS_REFUSED_POD_SECURITY_CONTEXT_FIELDS, path, '.securityContext', problems);
      if (Array.isArray(sc.sysctls) && sc.sysctls.length > 0) problems.push(refusedForOs(`${path}.securityContext.sysctls`, 'sysctls', 'windows'));
    }
  } else if (isFields(sc) && sc.windowsOptions != null) {
    problems.push(refusedForOs(`${path}.securityContext.windowsOptions`, 'windowsOptions', 'linux'));
  }
  for (let i = 0; i < containers.length; i++) {
    const container = containers[i];
    const containerSc = container.container.securityContext;
    if (!isFields(containerSc)) continue;
    if (windows) refuseForOs(containerSc, WINDOWS_REFUSED_CONTAINER_FIELDS, container.path, '.securityContext', problems);
    else if (containerSc.windowsOptions != null) problems.push(refusedForOs(`${container.path}.securityContext.windowsOptions`, 'windowsOptions', 'linux'));
  }
}

function unknownOsProblem(os: unknown): string {
  const expected = 'write linux or windows, or leave spec.os out';
  if (os === undefined || os === null || os === '') return `spec.os is set without os.name, which the API server refuses: ${expected}`;
  if (typeof os !== 'string') return `os.name must be a string, got ${describeType(os)}: ${expected}`;
  return `os.name ${JSON.stringify(os)} is not an operating system the API server knows (it refuses the pod): ${expected}`;
}

/** Each of `fields` set (not null) in `value`, at `base + suffix`, refused in a Windows pod. */
function refuseForOs(value: Fields, fields: readonly string[], base: string, suffix: string, problems: ShapeProblem[]): void {
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i];
    if (value[field] != null) problems.push(refusedForOs(`${base}${suffix}.${field}`, field, 'windows'));
  }
}

function refusedForOs(path: string, what: string, os: 'windows' | 'linux'): ShapeProblem {
  const message = os === 'windows'
    ? `${what} cannot be set in a Windows pod (spec.os.name: windows): the API server refuses it there; remove it`
    : `${what} cannot be set in a Linux pod (spec.os.name: linux): the API server refuses Windows options there; remove them, or set spec.os.name: windows`;
  return { path, message };
}

/** Volume sources: each is an object in the API (a source of another type is refused when decoded). */
const VOLUME_SOURCES: ReadonlySet<string> = new Set([
  'awsElasticBlockStore', 'azureDisk', 'azureFile', 'cephfs', 'cinder', 'configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'fc',
  'flexVolume', 'flocker', 'gcePersistentDisk', 'gitRepo', 'glusterfs', 'hostPath', 'image', 'iscsi', 'nfs', 'persistentVolumeClaim',
  'photonPersistentDisk', 'portworxVolume', 'projected', 'quobyte', 'rbd', 'scaleIO', 'secret', 'storageos', 'vsphereVolume',
]);

function checkVolumes(volumes: readonly unknown[], path: string, problems: ShapeProblem[]): void {
  for (let i = 0; i < volumes.length; i++) {
    const volume = volumes[i];
    if (!isFields(volume)) {
      problems.push(shapeProblem(`${path}.volumes[${i}]`, volume, `must be an object, got ${describeType(volume)}`));
      continue;
    }
    // A source of the wrong type would still count as that source for the volume-type checks.
    for (const key in volume) {
      const source = volume[key];
      if (key === 'name' || source === null || source === undefined || isFields(source) || isUnknownValue(source) || !VOLUME_SOURCES.has(key)) continue;
      problems.push({ path: `${path}.volumes[${i}].${key}`, message: `the ${key} volume source must be an object, got ${describeType(source)}` });
    }
  }
}

function checkContainerShape(container: Fields, path: string, problems: ShapeProblem[]): void {
  checkFields(container, CONTAINER_FIELDS, path, '', problems);
  if (Array.isArray(container.ports)) checkPorts(container.ports, path, problems);
  if (Array.isArray(container.env)) checkEnv(container.env, path, problems);
  if (Array.isArray(container.envFrom)) checkEnvFrom(container.envFrom, path, problems);
  checkHandlers(container, path, problems);
  const sc = container.securityContext;
  if (!isFields(sc)) return;
  checkFields(sc, CONTAINER_SECURITY_CONTEXT_FIELDS, path, '.securityContext', problems);
  if (isFields(sc.windowsOptions)) checkFields(sc.windowsOptions, HOST_PROCESS_FIELDS, path, '.securityContext.windowsOptions', problems);
  const caps = sc.capabilities;
  if (isFields(caps)) {
    checkCapabilityList(caps.add, 'add', path, problems);
    checkCapabilityList(caps.drop, 'drop', path, problems);
  }
}

const PORT_FIELDS: FieldTypes = new Map<string, Expected>([['containerPort', 'int32'], ['hostPort', 'int32']]);

/** Container ports: a port number of another type would be skipped by the port checks. */
function checkPorts(ports: readonly unknown[], path: string, problems: ShapeProblem[]): void {
  for (let i = 0; i < ports.length; i++) {
    const port = ports[i];
    if (isFields(port)) {
      if (!hasType(port.containerPort, 'int32') || (port.hostPort != null && !hasType(port.hostPort, 'int32'))) {
        checkFields(port, PORT_FIELDS, path, `.ports[${i}]`, problems);
      }
    } else {
      problems.push(shapeProblem(`${path}.ports[${i}]`, port, `must be an object, got ${describeType(port)}`));
    }
  }
}

/** Absent (or null) or an object: the test before building a path for a closer look. */
function isObjectOrAbsent(value: unknown): boolean {
  return value === undefined || value === null || isFields(value);
}

/** Probe and lifecycle handlers: a host or a command the checks look for would go unseen in one of another type. */
function checkHandlers(container: Fields, path: string, problems: ShapeProblem[]): void {
  const { livenessProbe, readinessProbe, startupProbe, lifecycle } = container;
  checkHandler(livenessProbe, path, '.livenessProbe', problems);
  checkHandler(readinessProbe, path, '.readinessProbe', problems);
  checkHandler(startupProbe, path, '.startupProbe', problems);
  if (!isFields(lifecycle)) return;
  if (!isObjectOrAbsent(lifecycle.postStart) || !isObjectOrAbsent(lifecycle.preStop)) checkFields(lifecycle, LIFECYCLE_FIELDS, path, '.lifecycle', problems);
  checkHandler(lifecycle.postStart, path, '.lifecycle.postStart', problems);
  checkHandler(lifecycle.preStop, path, '.lifecycle.preStop', problems);
}

/** One probe or hook: its handler fields looked at closely only when one is not an object, as in the common case all are. */
function checkHandler(handler: unknown, path: string, suffix: string, problems: ShapeProblem[]): void {
  if (!isFields(handler)) return;
  const { exec, httpGet, tcpSocket, grpc } = handler;
  if (isObjectOrAbsent(exec) && isObjectOrAbsent(httpGet) && isObjectOrAbsent(tcpSocket) && isObjectOrAbsent(grpc)) return;
  checkFields(handler, HANDLER_FIELDS, path, suffix, problems);
}

/** envFrom sources: the Secret checks read their secretRef. */
function checkEnvFrom(sources: readonly unknown[], path: string, problems: ShapeProblem[]): void {
  for (let i = 0; i < sources.length; i++) {
    const source = sources[i];
    if (!isFields(source)) {
      problems.push(shapeProblem(`${path}.envFrom[${i}]`, source, `must be an object, got ${describeType(source)}`));
    } else if (!isObjectOrAbsent(source.secretRef) || !isObjectOrAbsent(source.configMapRef)) {
      checkFields(source, ENV_FROM_FIELDS, path, `.envFrom[${i}]`, problems);
    }
  }
}

const ENV_FIELDS: FieldTypes = new Map<string, Expected>([['name', 'string'], ['value', 'string'], ['valueFrom', 'object']]);

/** Environment variables: the credential checks read names and values only when they are strings. */
function checkEnv(env: readonly unknown[], path: string, problems: ShapeProblem[]): void {
  for (let i = 0; i < env.length; i++) {
    const variable = env[i];
    if (isFields(variable)) {
      const { name, value, valueFrom } = variable;
      if (typeof name !== 'string' || (value != null && typeof value !== 'string') || (valueFrom != null && !isFields(valueFrom))) {
        checkFields(variable, ENV_FIELDS, path, `.env[${i}]`, problems);
      }
      if (isFields(valueFrom) && (!isObjectOrAbsent(valueFrom.secretKeyRef) || !isObjectOrAbsent(valueFrom.configMapKeyRef))) {
        checkFields(valueFrom, VALUE_FROM_FIELDS, path, `.env[${i}].valueFrom`, problems);
      }
    } else {
      problems.push(shapeProblem(`${path}.env[${i}]`, variable, `must be an object, got ${describeType(variable)}`));
    }
  }
}

function checkCapabilityList(list: unknown, name: 'add' | 'drop', path: string, problems: ShapeProblem[]): void {
  if (list === undefined || list === null) return;
  checkStringList(list, `${path}.securityContext.capabilities.${name}`, `capabilities.${name}`, 'capability names', 'a capability name', problems);
}

/**
 * A list of strings at `path` (`capabilities.add`, a PolicyRule's `verbs`), absent or null aside:
 * `label must be a list of <items>`, and each entry `<item> must be a string`. A null entry is read
 * as the empty string, which the API server accepts.
 * @internal
 */
export function checkStringList(list: unknown, path: string, label: string, items: string, item: string, problems: ShapeProblem[]): void {
  if (list === undefined || list === null) return;
  if (!Array.isArray(list)) {
    problems.push(shapeProblem(path, list, `${label} must be a list of ${items}, got ${describeType(list)}`));
    return;
  }
  for (let i = 0; i < list.length; i++) {
    const entry: unknown = list[i];
    if (typeof entry !== 'string' && entry !== null && !isUnknownValue(entry)) {
      problems.push({ path: `${path}[${i}]`, message: `${item} must be a string, got ${describeType(entry)}` });
    }
  }
}

/**
 * How a list of objects and one of its items are named in messages: `rules`, `PolicyRules`, `a PolicyRule`, their fields.
 * @internal
 */
export interface ObjectList {
  readonly field: string;
  readonly plural: string;
  readonly singular: string;
  readonly fields: string;
  /** The API server reads a null item as an empty object (a NetworkPolicy rule or port): skipped. @default false */
  readonly nullIsEmpty?: boolean;
}

/**
 * The object items of a list field, each with its path; a value that is not a list, or an item that
 * is not an object, is a problem. Absent and null lists have no items.
 * @internal
 */
export function objectItems(value: unknown, path: string, list: ObjectList, problems: ShapeProblem[]): [Fields, string][] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    problems.push(shapeProblem(path, value, `${list.field} must be a list of ${list.plural} (objects with ${list.fields}), got ${describeType(value)}`));
    return [];
  }
  const items: [Fields, string][] = [];
  for (let i = 0; i < value.length; i++) {
    const item: unknown = value[i];
    const at = `${path}[${i}]`;
    if (isFields(item)) items.push([item, at]);
    else if (!(item === null && list.nullIsEmpty)) problems.push(shapeProblem(at, item, `${list.singular} must be an object (${list.fields}), got ${describeType(item)}`));
  }
  return items;
}

/** Each entry of a list that holds objects (`sysctls`) that is not one. */
function checkListOfObjects(value: readonly unknown[], base: string, suffix: string, problems: ShapeProblem[]): void {
  for (let i = 0; i < value.length; i++) {
    if (!isFields(value[i])) problems.push(shapeProblem(`${base}${suffix}[${i}]`, value[i], `must be an object, got ${describeType(value[i])}`));
  }
}

function hasType(value: unknown, expected: Expected): boolean {
  switch (expected) {
    case 'array': return Array.isArray(value);
    case 'object': return isFields(value);
    case 'integer': return isInt64(value);
    case 'int32': return isInt32(value);
    default: return typeof value === expected;
  }
}

function article(expected: Expected): string {
  switch (expected) {
    case 'array': return 'a list';
    case 'object': return 'an object';
    case 'integer': return 'a whole number that fits in 64 bits';
    case 'int32': return 'a whole number that fits in 32 bits';
    default: return `a ${expected}`;
  }
}

/** A short description of a value's type for error messages: `a string ("ALL")`, `a list`, `null`. */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `a string (${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)})`;
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value} (${String(value)})`;
}

/**
 * How deep below the object root the search for a pod spec in an unknown kind looks. Deep enough for
 * templates in lists of templates (JobSet `spec.replicatedJobs[0].template.spec.template.spec` is 7
 * levels down) and for whole manifests embedded in a resource; the work stays linear in the object's
 * size, which the loader bounds (aliases included).
 */
const POD_SPEC_SEARCH_DEPTH = 16;

/**
 * Shaped like a pod spec: an object with a `containers` list, or an `initContainers` one (a partial
 * template an operator merges into its own, as a FlinkDeployment's `taskManager.podTemplate`).
 */
function looksLikePodSpec(value: unknown): boolean {
  return isFields(value) && (Array.isArray(value.containers) || Array.isArray(value.initContainers));
}

/**
 * Settings of what runs in a pod: a `securityContext` mapping (of a pod or a container), or a
 * container as Kubernetes writes one (a name and an image, or an image and the command it runs, as
 * an Argo Workflows template's `container`, whose name is optional).
 */
function looksLikeContainerSettings(value: unknown): boolean {
  return isFields(value) && (isFields(value.securityContext)
    || (typeof value.image === 'string' && (typeof value.name === 'string' || Array.isArray(value.command) || Array.isArray(value.args))));
}

/**
 * Depth-bounded search, through mappings and lists, for something `matches` in an object of an
 * unknown kind (its own metadata and status aside). Returns its path, or undefined.
 */
function findShape(object: KubeObject, matches: (value: unknown) => boolean): PathSegment[] | undefined {
  for (const key in object) {
    if (key === 'metadata' || key === 'status') continue;
    const found = findValuePath(object[key], matches, POD_SPEC_SEARCH_DEPTH, 1);
    if (found) return [key, ...found];
  }
  return undefined;
}

/**
 * Marker for a value that is not known yet (a Pulumi output during preview). The same string the
 * Pulumi engine uses for unknowns, so resource inputs can be checked as they come.
 */
export const UNKNOWN_VALUE = '04da6b54-80e4-46f7-96ec-b56ff0331ba9';

/** True when a field's value is not known yet. */
export function isUnknownValue(value: unknown): boolean {
  return value === UNKNOWN_VALUE;
}
