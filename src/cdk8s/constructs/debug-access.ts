import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { AppClaims } from './app-claims';
import { readDefaults } from './defaults';
import { buildDebugAccess, claimDebugAccess, type DebugAccessObjects, type DebugAccessProps, type KubectlDebugOptions } from '../../model/debug-access';
import { HardpodError } from '../../model/errors';

/** Props of {@link HardenedDebugAccess}: see DebugAccessProps. */
export type HardenedDebugAccessProps = Omit<DebugAccessProps, 'namespace'> & {
  /**
   * Name of the Role, RoleBinding and (prefixed with the namespace) the admission policy; unique per
   * namespace in the app (a second debug access of the same name there is an error).
   * @default `debug`
   */
  readonly name?: string;
  /** Namespace whose pods may be debugged. @default the chart's namespace */
  readonly namespace?: string;
};

/** Per app, the construct path that emits the debug access of each namespace and name. */
const CLAIMED = new AppClaims();

/**
 * Ephemeral debug containers for a group of people in one namespace: a Role and RoleBinding that
 * grant patching ephemeral containers and attaching to them, always paired with a
 * ValidatingAdmissionPolicy (and its binding) that admits a new ephemeral container there only
 * with the approved digest-pinned debug image, a restricted security context, no environment
 * from Secrets or ConfigMaps, no mount of the pod's hostPath volumes and only into a pod that shares
 * none of the node's namespaces, and a second policy that lets the group attach only to debug
 * containers. The `kubectl debug` command and its `--custom` file come with it.
 */
export class HardenedDebugAccess extends Construct {
  readonly role: ApiObject;
  readonly roleBinding: ApiObject;
  readonly admissionPolicy: ApiObject;
  readonly admissionPolicyBinding: ApiObject;
  /** Lets the group attach only to debug containers. */
  readonly attachPolicy: ApiObject;
  /** Applies the attach policy to the namespace. */
  readonly attachPolicyBinding: ApiObject;
  /** Refuses workload containers named like debug containers in the namespace. */
  readonly reservedNamePolicy: ApiObject;
  /** Applies the reserved-name policy to the namespace. */
  readonly reservedNamePolicyBinding: ApiObject;
  /** The pinned image, the `--custom` container fields and the whole debug container. */
  readonly built: DebugAccessObjects;

  constructor(scope: Construct, id: string, props: HardenedDebugAccessProps) {
    super(scope, id);
    const chartNamespace = Chart.of(this).namespace;
    const namespace = props.namespace ?? chartNamespace;
    if (namespace === undefined) throw new HardpodError('debug access needs a namespace: set namespace, or give the chart one', this.node.path);
    const defaults = readDefaults(this);
    this.built = buildDebugAccess({ ...props, namespace }, { where: this.node.path, defaults, imageResolver: defaults.imageResolver });
    claimDebugAccess(CLAIMED.of(this), this.built, this.node.path, 'name prop');
    this.admissionPolicy = new ApiObject(this, 'ValidatingAdmissionPolicy', this.built.admissionPolicy as never);
    this.admissionPolicyBinding = new ApiObject(this, 'ValidatingAdmissionPolicyBinding', this.built.admissionPolicyBinding as never);
    this.attachPolicy = new ApiObject(this, 'AttachPolicy', this.built.attachPolicy as never);
    this.attachPolicyBinding = new ApiObject(this, 'AttachPolicyBinding', this.built.attachPolicyBinding as never);
    this.reservedNamePolicy = new ApiObject(this, 'ReservedNamePolicy', this.built.reservedNamePolicy as never);
    this.reservedNamePolicyBinding = new ApiObject(this, 'ReservedNamePolicyBinding', this.built.reservedNamePolicyBinding as never);
    // The policies and their bindings are cluster-scoped: never inherit the chart's namespace.
    if (chartNamespace !== undefined) {
      const policies = [
        this.admissionPolicy, this.admissionPolicyBinding, this.attachPolicy, this.attachPolicyBinding,
        this.reservedNamePolicy, this.reservedNamePolicyBinding,
      ];
      for (const object of policies) {
        object.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
      }
    }
    this.role = new ApiObject(this, 'Role', this.built.role as never);
    this.roleBinding = new ApiObject(this, 'RoleBinding', this.built.roleBinding as never);
  }

  /** The `kubectl debug` command for one pod; write {@link DebugAccessObjects.customContainer} to its `--custom` file. */
  kubectlDebugCommand(pod: string, options?: KubectlDebugOptions): string {
    return this.built.kubectlDebugCommand(pod, options);
  }
}
