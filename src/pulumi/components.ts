import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { isDeferred, refuseDeferred } from './deferred';
import { buildWithInputs, type InputWorkloadProps } from './inputs';
import { asProgramMistake } from './program-errors';
import { admissionPoliciesOf, type AdmissionPolicies, type AdmissionPolicyFormat, type AdmissionPolicyOptions } from '../admission';
import type { EngineConfig } from '../engine/config';
import { LockFileResolver } from '../images/lock-resolver';
import { isDnsLabel } from '../model/api-values';
import { buildNamespace, selectorLabels } from '../model/companions';
import { buildDebugAccess, claimDebugAccess, type DebugAccessObjects, type DebugAccessProps } from '../model/debug-access';
import { HardpodError } from '../model/errors';
import type { KubeObject } from '../model/kube-object';
import { mergeDefaults } from '../model/merge-defaults';
import { DEFAULTS_KEYS, refuseUnknownKeys } from '../model/prop-keys';
import type {
  CronJobProps, DaemonSetProps, DeploymentProps, JobProps, NamespaceProps, NetworkPeer, ResolvingDefaults, StatefulSetProps, WorkloadProps,
} from '../model/workload-props';
import { buildCronJob, buildDaemonSet, buildDeployment, buildJob, buildStatefulSet, claimWorkloadName, type BuildContext } from '../model/workloads';

/**
 * Hardened workloads as Pulumi components: the same props and the same core builders as the
 * cdk8s constructs, so both front doors emit the same objects. Each component registers its
 * objects (workload, ServiceAccount, Service, NetworkPolicy, PodDisruptionBudget, HorizontalPodAutoscaler) as
 * @pulumi/kubernetes resources parented to it.
 */

/** Golden-path defaults for every hardened component of a program (or one component). */
export type HardpodComponentDefaults = ResolvingDefaults;

/** Stands for the program run when Pulumi has neither a stack resource nor a monitor (a program not run by Pulumi). */
const NO_PROGRAM_RUN = {};

/**
 * State kept per Pulumi program run: the program's defaults, and the component that emits each
 * object, so that a second component emitting the same object is refused naming both. A run is
 * known by its root stack resource (a new one for every deployment, and for every run of an
 * Automation API inline program in one process) or, under `setMocks`, which makes no stack
 * resource, by its mock monitor (a new one for every `setMocks`): tests build the same components
 * again in each mocked run.
 */
class PerProgramRun<T> {
  private readonly byRun = new WeakMap<object, T>();

  constructor(private readonly initial: () => T) {}

  /** The state of the program run now going on. */
  current(): T {
    const run = this.run();
    let state = this.byRun.get(run);
    if (state === undefined) this.byRun.set(run, (state = this.initial()));
    return state;
  }

  replace(state: T): void {
    this.byRun.set(this.run(), state);
  }

  /** The states set where no stack resource is (before any program run, then under the current monitor), oldest first. */
  outside(): T[] {
    const keys = [NO_PROGRAM_RUN, pulumi.runtime.getMonitor()];
    return keys.flatMap((key) => (key === undefined || key === this.run() ? [] : this.byRun.get(key) ?? []));
  }

  private run(): object {
    return pulumi.runtime.getStackResource() ?? pulumi.runtime.getMonitor() ?? NO_PROGRAM_RUN;
  }
}

/** Per program run, the component that emits the workload of each namespace and name. */
const CLAIMED_WORKLOADS = new PerProgramRun(() => new Map<string, string>());

/**
 * Per program run, the defaults of {@link setHardpodDefaults}. A run starts from those set outside
 * any run (at the top of an Automation API script, before its inline program runs), so a platform's
 * allowedRegistries set there hold in every run.
 */
const PROGRAM_DEFAULTS: PerProgramRun<HardpodComponentDefaults> = new PerProgramRun(
  () => PROGRAM_DEFAULTS.outside().reduce<HardpodComponentDefaults>((merged, defaults) => mergeDefaults(merged, defaults), {}),
);

function withResolver(defaults: HardpodComponentDefaults, where: string): HardpodComponentDefaults {
  // From plain JavaScript or config: a string or list would be spread as if it set nothing.
  if (typeof defaults !== 'object' || defaults === null || Array.isArray(defaults)) {
    throw new HardpodError(`defaults must be an object of workload defaults (got ${Array.isArray(defaults) ? 'a list' : JSON.stringify(defaults)})`, where);
  }
  refuseUnknownKeys(defaults, DEFAULTS_KEYS, '', where);
  if (defaults.imageResolver || defaults.lockFile === undefined) return defaults;
  return { ...defaults, imageResolver: LockFileResolver.fromFile(defaults.lockFile) };
}

/**
 * Sets the defaults of every hardened component declared afterwards in this program, merged over
 * those an earlier call set, field by field (labels and resources key by key): a team adding labels
 * keeps the platform's allowedRegistries. Set outside a program run (at the top of an Automation API
 * script, before its inline program runs), they hold in every run after.
 */
export function setHardpodDefaults(defaults: HardpodComponentDefaults): void {
  try {
    PROGRAM_DEFAULTS.replace(mergeDefaults(PROGRAM_DEFAULTS.current(), withResolver(defaults, 'setHardpodDefaults')));
  } catch (error) {
    throw asProgramMistake(error);
  }
}

/** The program's defaults with a component's own merged over them, field by field. */
function effectiveDefaults(own: HardpodComponentDefaults | undefined, where: string): HardpodComponentDefaults {
  const program = PROGRAM_DEFAULTS.current();
  return own === undefined ? program : mergeDefaults(program, withResolver(own, where));
}

/** Options every hardened component takes besides the workload props. */
export interface HardenedComponentArgs {
  /** Defaults for this component, merged over those of {@link setHardpodDefaults}. @default the program's defaults */
  readonly defaults?: HardpodComponentDefaults;
}

/**
 * The args of a component, checked for being an object: args from `config.requireObject` or plain
 * JavaScript are not type-checked, and destructuring a missing one would throw a bare TypeError.
 */
function objectArgs<T extends object>(args: T | undefined, where: string): T {
  if (typeof args !== 'object' || args === null || Array.isArray(args)) {
    const got = args === null ? 'null' : Array.isArray(args) ? 'an array' : typeof args;
    throw new HardpodError(`args must be an object of props (got ${got}); pass the component's props as its second argument`, where);
  }
  return args;
}

type ResourceClass = new (name: string, args: never, opts?: pulumi.CustomResourceOptions) => pulumi.CustomResource;

/** The @pulumi/kubernetes class of every kind the builders emit. */
const RESOURCE_CLASSES: Readonly<Record<string, ResourceClass>> = {
  Deployment: k8s.apps.v1.Deployment,
  StatefulSet: k8s.apps.v1.StatefulSet,
  DaemonSet: k8s.apps.v1.DaemonSet,
  Job: k8s.batch.v1.Job,
  CronJob: k8s.batch.v1.CronJob,
  ServiceAccount: k8s.core.v1.ServiceAccount,
  Service: k8s.core.v1.Service,
  Namespace: k8s.core.v1.Namespace,
  NetworkPolicy: k8s.networking.v1.NetworkPolicy,
  PodDisruptionBudget: k8s.policy.v1.PodDisruptionBudget,
  HorizontalPodAutoscaler: k8s.autoscaling.v2.HorizontalPodAutoscaler,
  Role: k8s.rbac.v1.Role,
  RoleBinding: k8s.rbac.v1.RoleBinding,
  ValidatingAdmissionPolicy: k8s.admissionregistration.v1.ValidatingAdmissionPolicy,
  ValidatingAdmissionPolicyBinding: k8s.admissionregistration.v1.ValidatingAdmissionPolicyBinding,
};

/** Kinds served by Kyverno's CRDs, registered as custom resources. */
const KYVERNO_KINDS: ReadonlySet<string> = new Set(['ValidatingPolicy', 'ClusterPolicy']);

/** Registers one object as a @pulumi/kubernetes resource parented to `parent`. */
function registerObject(name: string, args: Record<string, unknown>, parent: pulumi.Resource, dependsOn?: pulumi.Resource[]): pulumi.CustomResource {
  const kind = String(args.kind);
  const resourceClass = RESOURCE_CLASSES[kind] ?? (KYVERNO_KINDS.has(kind) ? k8s.apiextensions.CustomResource : undefined);
  if (!resourceClass) throw new HardpodError(`no @pulumi/kubernetes resource class for kind ${kind}`, name);
  return new resourceClass(name, args as never, dependsOn ? { parent, dependsOn } : { parent });
}

/** The Kubernetes name: the `name` prop, else the Pulumi resource name; a DNS label either way. */
function workloadName(name: string, explicit: unknown, where: string): string {
  // Names a child's objects when the program runs, and keys the program's claims: never an Output.
  if (explicit !== undefined && typeof explicit !== 'string') {
    throw new HardpodError(`name must be a plain string (got ${isDeferred(explicit) ? 'an Output or a promise' : JSON.stringify(explicit)})`, where);
  }
  const result = explicit ?? name;
  if (!isDnsLabel(result)) {
    throw new HardpodError(
      `"${result}" is not a valid Kubernetes name (lowercase letters, digits and '-', at most 63); set props.name to one`,
      where,
    );
  }
  return result;
}

/**
 * Base of the hardened workload components. Children: the workload, then its ServiceAccount,
 * Service, NetworkPolicy, PodDisruptionBudget and HorizontalPodAutoscaler as the builder emits them.
 */
export abstract class HardenedWorkloadComponent<P extends WorkloadProps> extends pulumi.ComponentResource {
  /** Name of the workload and of its companions. */
  readonly workloadName: string;
  /** Namespace of every object, when one is set. */
  readonly namespace: pulumi.Output<string | undefined>;
  /** The workload resource (Deployment, StatefulSet ...). */
  readonly workload: pulumi.CustomResource;
  /** Every child resource, workload first. */
  readonly resources: readonly pulumi.CustomResource[];
  /** The finished Kubernetes objects, as the core built them. */
  readonly objects: pulumi.Output<KubeObject[]>;
  /** Labels that select this workload's pods (what other workloads' network rules match). */
  readonly selector: Readonly<Record<string, string>>;

  protected constructor(
    type: string,
    name: string,
    args: InputWorkloadProps<P> & HardenedComponentArgs,
    opts: pulumi.ComponentResourceOptions | undefined,
    build: (props: P, ctx: BuildContext) => { readonly objects: readonly KubeObject[] },
  ) {
    super(type, name, {}, opts);
    try {
      const { defaults: own, ...props } = objectArgs(args, `${type} ${name}`);
      const where = `${type} ${name}`;
      const defaults = effectiveDefaults(own, where);
      this.workloadName = workloadName(name, props.name, where);
      const ctx: BuildContext = { where, defaults, imageResolver: defaults.imageResolver };
      const claims = CLAIMED_WORKLOADS.current();
      const claim = (namespace: string | undefined) => claimWorkloadName(claims, this.workloadName, namespace, where);
      const plain = !isDeferred(props.namespace);
      // A namespace Output is claimed when it resolves: the children take their namespace from that
      // apply, so a refusal fails their registration before anything is applied.
      const namespace = plain ? props.namespace : pulumi.output(props.namespace as pulumi.Input<string>).apply((resolved: string) => {
        try {
          claim(resolved);
        } catch (error) {
          throw asProgramMistake(error);
        }
        return resolved;
      });
      const built = buildWithInputs<P>({ ...props, namespace } as InputWorkloadProps<P>, this.workloadName, ctx, build);
      // A plain namespace is claimed once the objects are built: a component whose props fail claims nothing.
      if (plain) claim(props.namespace as string | undefined);
      this.resources = built.args.map((object) => registerObject(name, object, this));
      this.workload = this.resources[0];
      this.objects = built.objects;
      this.namespace = props.namespace === undefined ? pulumi.output(undefined) : pulumi.output(props.namespace);
      this.selector = selectorLabels(this.workloadName);
      this.registerOutputs({ workloadName: this.workloadName, namespace: this.namespace, objects: this.objects });
    } catch (error) {
      throw asProgramMistake(error);
    }
  }
}

/**
 * The pods of the hardened workload called `name` as a peer of a `network.ingress` or
 * `network.egress` rule. Peers are known by name, so two workloads can allow each other before
 * either exists. Leave `namespace` out for a workload in the policy's own namespace.
 */
export function workloadPeer(name: string, namespace?: string): NetworkPeer {
  return { podLabels: selectorLabels(name), ...(namespace !== undefined ? { namespace } : {}) };
}

/** Props of {@link HardenedDeployment}: the model's DeploymentProps, with Inputs for namespace, images and Secret and ConfigMap names. */
export type HardenedDeploymentArgs = InputWorkloadProps<DeploymentProps> & HardenedComponentArgs;
/**
 * A hardened Deployment with its ServiceAccount, Service (when ports), NetworkPolicy, PodDisruptionBudget
 * (replicas, or autoscaling.minReplicas, > 1) and HorizontalPodAutoscaler (with `autoscaling`).
 */
export class HardenedDeployment extends HardenedWorkloadComponent<DeploymentProps> {
  constructor(name: string, args: HardenedDeploymentArgs, opts?: pulumi.ComponentResourceOptions) {
    super('hardpod:index:HardenedDeployment', name, args, opts, buildDeployment);
  }
}

/** Props of {@link HardenedStatefulSet}. */
export type HardenedStatefulSetArgs = InputWorkloadProps<StatefulSetProps> & HardenedComponentArgs;
/** A hardened StatefulSet with a headless Service, persistent volumes and the usual companions. */
export class HardenedStatefulSet extends HardenedWorkloadComponent<StatefulSetProps> {
  constructor(name: string, args: HardenedStatefulSetArgs, opts?: pulumi.ComponentResourceOptions) {
    super('hardpod:index:HardenedStatefulSet', name, args, opts, buildStatefulSet);
  }
}

/** Props of {@link HardenedDaemonSet}. */
export type HardenedDaemonSetArgs = InputWorkloadProps<DaemonSetProps> & HardenedComponentArgs;
/** A hardened DaemonSet (one pod per node) with its companions. */
export class HardenedDaemonSet extends HardenedWorkloadComponent<DaemonSetProps> {
  constructor(name: string, args: HardenedDaemonSetArgs, opts?: pulumi.ComponentResourceOptions) {
    super('hardpod:index:HardenedDaemonSet', name, args, opts, buildDaemonSet);
  }
}

/** Props of {@link HardenedJob}. */
export type HardenedJobArgs = InputWorkloadProps<JobProps> & HardenedComponentArgs;
/** A hardened Job with its ServiceAccount and NetworkPolicy. */
export class HardenedJob extends HardenedWorkloadComponent<JobProps> {
  constructor(name: string, args: HardenedJobArgs, opts?: pulumi.ComponentResourceOptions) {
    super('hardpod:index:HardenedJob', name, args, opts, buildJob);
  }
}

/** Props of {@link HardenedCronJob}. */
export type HardenedCronJobArgs = InputWorkloadProps<CronJobProps> & HardenedComponentArgs;
/** A hardened CronJob (no overlapping runs by default) with its ServiceAccount and NetworkPolicy. */
export class HardenedCronJob extends HardenedWorkloadComponent<CronJobProps> {
  constructor(name: string, args: HardenedCronJobArgs, opts?: pulumi.ComponentResourceOptions) {
    super('hardpod:index:HardenedCronJob', name, args, opts, buildCronJob);
  }
}

/** Props of {@link HardenedNamespace}: the model's NamespaceProps with the name optional. */
export type HardenedNamespaceArgs = Omit<NamespaceProps, 'name'> & HardenedComponentArgs & {
  /** @default the Pulumi resource name */
  readonly name?: string;
};

/** A Namespace enforcing Pod Security `restricted` (pinned version) with a namespace-wide default deny. */
export class HardenedNamespace extends pulumi.ComponentResource {
  /** The namespace's name as an output of the Namespace resource: pass it to workloads so they wait for it. */
  readonly namespaceName: pulumi.Output<string>;
  readonly namespace: k8s.core.v1.Namespace;
  readonly networkPolicy?: pulumi.CustomResource;
  readonly objects: readonly KubeObject[];

  constructor(name: string, args: HardenedNamespaceArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    super('hardpod:index:HardenedNamespace', name, {}, opts);
    try {
      const { defaults: own, ...props } = objectArgs(args, `hardpod:index:HardenedNamespace ${name}`);
      const where = `hardpod:index:HardenedNamespace ${name}`;
      refuseDeferred(props, where, 'no prop of a HardenedNamespace may be an Output');
      const built = buildNamespace({ ...props, name: workloadName(name, props.name, where) }, effectiveDefaults(own, where), where);
      this.objects = built.objects;
      this.namespace = registerObject(name, built.namespace as Record<string, unknown>, this) as k8s.core.v1.Namespace;
      this.networkPolicy = built.networkPolicy
        ? new k8s.networking.v1.NetworkPolicy(name, built.networkPolicy as never, { parent: this, dependsOn: [this.namespace] })
        : undefined;
      this.namespaceName = this.namespace.metadata.name;
      this.registerOutputs({ namespaceName: this.namespaceName, objects: this.objects });
    } catch (error) {
      throw asProgramMistake(error);
    }
  }
}

/** Per program run, the component that emits each namespace's debug access of one name. */
const CLAIMED_DEBUG_ACCESS = new PerProgramRun(() => new Map<string, string>());

/** Props of {@link HardenedDebugAccess}: the model's DebugAccessProps. */
export type HardenedDebugAccessArgs = DebugAccessProps & HardenedComponentArgs;

/**
 * Ephemeral debug containers for a group of people in one namespace, always paired with the
 * admission policy that admits only the approved debug image with a restricted security context,
 * no environment from Secrets or ConfigMaps, no mount of the pod's hostPath volumes and only into a
 * pod that shares none of the node's namespaces, and the policy that lets the group attach only to
 * debug containers. Children: the two ValidatingAdmissionPolicies and their bindings, then the Role
 * and RoleBinding.
 */
export class HardenedDebugAccess extends pulumi.ComponentResource {
  readonly resources: readonly pulumi.CustomResource[];
  readonly objects: readonly KubeObject[];
  /** The pinned image, the `--custom` container fields, the whole debug container and the command. */
  readonly built: DebugAccessObjects;

  constructor(name: string, args: HardenedDebugAccessArgs, opts?: pulumi.ComponentResourceOptions) {
    super('hardpod:index:HardenedDebugAccess', name, {}, opts);
    try {
      const { defaults: own, ...props } = objectArgs(args, `hardpod:index:HardenedDebugAccess ${name}`);
      refuseDeferred(props, `hardpod:index:HardenedDebugAccess ${name}`, 'no prop of a HardenedDebugAccess may be an Output');
      const defaults = effectiveDefaults(own, `hardpod:index:HardenedDebugAccess ${name}`);
      this.built = buildDebugAccess(props, { where: `hardpod:index:HardenedDebugAccess ${name}`, defaults, imageResolver: defaults.imageResolver });
      claimDebugAccess(CLAIMED_DEBUG_ACCESS.current(), this.built, `hardpod:index:HardenedDebugAccess ${name}`, 'name arg');
      this.objects = this.built.objects;
      // The policies come first and the grant depends on them: the access never exists unguarded.
      const policy = registerObject(`${name}-policy`, this.built.admissionPolicy as Record<string, unknown>, this);
      const binding = registerObject(`${name}-policy-binding`, this.built.admissionPolicyBinding as Record<string, unknown>, this, [policy]);
      const attachPolicy = registerObject(`${name}-attach-policy`, this.built.attachPolicy as Record<string, unknown>, this, [binding]);
      const attachBinding = registerObject(`${name}-attach-policy-binding`, this.built.attachPolicyBinding as Record<string, unknown>, this, [attachPolicy]);
      const namesPolicy = registerObject(`${name}-reserved-name-policy`, this.built.reservedNamePolicy as Record<string, unknown>, this, [attachBinding]);
      const namesBinding = registerObject(`${name}-reserved-name-policy-binding`, this.built.reservedNamePolicyBinding as Record<string, unknown>, this, [namesPolicy]);
      const role = registerObject(`${name}-role`, this.built.role as Record<string, unknown>, this, [namesBinding]);
      const roleBinding = registerObject(`${name}-role-binding`, this.built.roleBinding as Record<string, unknown>, this, [role]);
      this.resources = [policy, binding, attachPolicy, attachBinding, namesPolicy, namesBinding, role, roleBinding];
      this.registerOutputs({ objects: this.objects, image: this.built.image });
    } catch (error) {
      throw asProgramMistake(error);
    }
  }
}

/** Args of {@link HardpodAdmissionPolicies}: the engine config and where the policies apply. */
export interface HardpodAdmissionPoliciesArgs extends AdmissionPolicyOptions {
  /** The engine config the policies enforce, the same the policy pack or transform of the program takes. @default {} (level hardened, the newest Kubernetes) */
  readonly config?: EngineConfig;
  /**
   * The kind of policy: `vap`, ValidatingAdmissionPolicies and their bindings (Kubernetes 1.30+);
   * `kyverno`, Kyverno ValidatingPolicies (Kyverno 1.17+); `kyverno-cluster-policy`, Kyverno
   * ClusterPolicies (Kyverno 1.13 to 1.19), as `hardpod admission-policy --format` names them.
   * @default 'vap'
   */
  readonly format?: AdmissionPolicyFormat;
}

/**
 * The config's hardened rules that CEL judges exactly on one workload object, as a
 * ValidatingAdmissionPolicy and binding each (Kubernetes 1.30+) or as a Kyverno policy each (see
 * `format`), so that the cluster refuses what the policy pack and `hardpod check` fail: the objects
 * `hardpod admission-policy` writes, for a platform team that installs its policy with Pulumi. Each
 * binding depends on its policy. The
 * parts of the config the policies cannot carry are logged as warnings; the rules not emitted, and
 * why, are in {@link policies}.
 */
export class HardpodAdmissionPolicies extends pulumi.ComponentResource {
  readonly resources: readonly pulumi.CustomResource[];
  /** What was emitted: the objects, the rules emitted and those not (with the reason), and what of the config is not carried. */
  readonly policies: AdmissionPolicies;

  constructor(name: string, args: HardpodAdmissionPoliciesArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    super('hardpod:index:HardpodAdmissionPolicies', name, {}, opts);
    const where = `hardpod:index:HardpodAdmissionPolicies ${name}`;
    try {
      const { config, format, ...options } = objectArgs(args, where);
      refuseUnknownKeys(args, ADMISSION_POLICIES_ARGS, '', where, { noun: 'arg', listAlways: true });
      refuseDeferred(args, where, 'no arg of HardpodAdmissionPolicies may be an Output');
      this.policies = admissionPoliciesOf(format ?? 'vap', config ?? {}, options, (key) => `${where} config.${key}`, `${where} format`);
      for (const note of this.policies.notCarried) void pulumi.log.warn(`hardpod: ${note}`, this);
      const resources: pulumi.CustomResource[] = [];
      for (const object of this.policies.objects) {
        // A binding follows its policy, which the server needs first to bind it.
        const dependsOn = object.kind === 'ValidatingAdmissionPolicyBinding' ? [resources[resources.length - 1]] : undefined;
        resources.push(registerObject(`${name}-${object.metadata?.name}`, object as Record<string, unknown>, this, dependsOn));
      }
      this.resources = resources;
      this.registerOutputs({ emitted: this.policies.emitted.map((rule) => rule.rule) });
    } catch (error) {
      throw asProgramMistake(error);
    }
  }
}

/** Every arg HardpodAdmissionPolicies reads; the record type keeps the list in step with the args. */
const ADMISSION_POLICIES_ARGS = Object.keys({
  config: true, format: true, namePrefix: true, namespaceSelector: true, objectSelector: true,
} satisfies Record<keyof HardpodAdmissionPoliciesArgs, true>);
