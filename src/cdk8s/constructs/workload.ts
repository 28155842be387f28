import { ApiObject, Chart, Lazy, type GroupVersionKind } from 'cdk8s';
import { Construct } from 'constructs';
import { AppClaims } from './app-claims';
import { readDefaults, type HardpodDefaultsProps } from './defaults';
import { chartObjectName } from './names';
import type { AllowOptions, INetworkPeer } from './network';
import { buildNetworkPolicy, objectMeta, selectorLabels } from '../../model/companions';
import { HardpodError } from '../../model/errors';
import type { KubeObject } from '../../model/kube-object';
import type { AllowRule, NetworkPeer, NetworkPortRule, PortProps, WorkloadProps } from '../../model/workload-props';
import { claimWorkloadName, type BuildContext, type WorkloadObjects } from '../../model/workloads';

/** Props every hardened construct takes: the model's props, with the name optional. */
export type ConstructProps<P extends WorkloadProps> = Omit<P, 'name'> & {
  /**
   * Name of the workload and its companions.
   * @default the name the chart generates for an object at the construct path, as for any ApiObject (`Chart.generateObjectName`: the path and a hash, without the hash where the chart sets `disableResourceNameHashes`; at most 52 characters for a CronJob, 63 otherwise)
   */
  readonly name?: string;
};

type Builder<P extends WorkloadProps> = (props: P, ctx: BuildContext) => WorkloadObjects<object>;

/** Per app, the construct path that emits the workload of each namespace and name. */
const CLAIMED = new AppClaims();

/**
 * Base of the hardened workload constructs: builds the finished objects once with the model
 * builders and emits one ApiObject each. Only the NetworkPolicy stays open until synthesis, so
 * that allowTo/allowFrom can add rules after construction.
 */
export abstract class HardenedWorkload extends Construct implements INetworkPeer {
  /** Name of the workload and of its ServiceAccount, Service, NetworkPolicy and PodDisruptionBudget. */
  readonly name: string;
  /** Namespace, when one is set (props or the chart). */
  readonly namespace?: string;
  /** Labels that select this workload's pods. */
  readonly selector: Readonly<Record<string, string>>;
  /**
   * The workload ApiObject (Deployment, StatefulSet ...), for escape hatches such as addJsonPatch;
   * also the construct's default child, so `ApiObject.of(workload)` returns it.
   */
  readonly apiObject: ApiObject;
  readonly serviceAccount?: ApiObject;
  readonly service?: ApiObject;
  readonly networkPolicy?: ApiObject;
  readonly podDisruptionBudget?: ApiObject;
  /** With `autoscaling` (Deployment, StatefulSet): the HorizontalPodAutoscaler scaling the workload. */
  readonly horizontalPodAutoscaler?: ApiObject;
  /** The finished objects as the model built them (the NetworkPolicy without later allow rules). */
  readonly objects: WorkloadObjects<object>;
  private readonly ingress: AllowRule[];
  private readonly egress: AllowRule[];
  private readonly servedPorts: readonly ServedPort[];

  /**
   * @param type the workload's apiVersion and kind, which the chart's name generator may read (it
   * keeps a CronJob's name to 52 characters, as its controller appends 11 to name its Jobs)
   */
  protected constructor(scope: Construct, id: string, props: ConstructProps<WorkloadProps>, build: Builder<WorkloadProps>, type: GroupVersionKind) {
    super(scope, id);
    // Props from JSON or plain JavaScript: the builder checks their shape, but the name is read first.
    if (props === null || typeof props !== 'object') throw new HardpodError(`props must be an object (got ${props === null ? 'null' : typeof props})`, this.node.path);
    const defaults: HardpodDefaultsProps = readDefaults(this);
    this.name = props.name ?? chartObjectName(this, type);
    this.namespace = props.namespace ?? Chart.of(this).namespace;
    const modelProps: WorkloadProps = { ...props, name: this.name, namespace: this.namespace };
    this.objects = build(modelProps, { where: this.node.path, defaults, imageResolver: defaults.imageResolver });
    claimWorkloadName(CLAIMED.of(this), this.name, this.namespace, this.node.path);
    this.ingress = [...(props.network?.ingress ?? [])];
    this.egress = [...(props.network?.egress ?? [])];
    this.selector = selectorLabels(this.name);

    this.servedPorts = servedPorts(props);

    const emit = (id2: string, object: KubeObject | undefined) => (object ? new ApiObject(this, id2, object as never) : undefined);
    this.apiObject = emit(String((this.objects.workload as KubeObject).kind), this.objects.workload as KubeObject)!;
    // cdk8s's escape hatch, ApiObject.of(construct), looks for the default child.
    this.node.defaultChild = this.apiObject;
    this.serviceAccount = emit('ServiceAccount', this.objects.serviceAccount as KubeObject | undefined);
    this.service = emit('Service', this.objects.service as KubeObject | undefined);
    if (this.objects.networkPolicy) {
      const metadata = objectMeta(this.name, this.namespace, this.objects.networkPolicy.metadata?.labels ?? {});
      const dns = props.network?.dns ?? defaults.dns;
      this.networkPolicy = new ApiObject(this, 'NetworkPolicy', {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata,
        spec: Lazy.any({
          produce: () => buildNetworkPolicy(metadata, this.selector, { ingress: this.ingress, egress: this.egress, dns }, this.node.path).spec,
        }),
      });
    }
    this.podDisruptionBudget = emit('PodDisruptionBudget', this.objects.podDisruptionBudget as KubeObject | undefined);
    this.horizontalPodAutoscaler = emit('HorizontalPodAutoscaler', this.objects.horizontalPodAutoscaler as KubeObject | undefined);
  }

  toNetworkPeer(): NetworkPeer {
    return { podLabels: this.selector, ...(this.namespace !== undefined ? { namespace: this.namespace } : {}) };
  }

  /**
   * Allows this workload to open connections to `peer`. When `peer` is a hardened workload, its
   * policy is opened for this workload too, and a Service port is translated to its container port.
   */
  allowTo(peer: INetworkPeer, options: AllowOptions = {}): void {
    this.checkNamespaces(peer);
    const ports = peer instanceof HardenedWorkload ? peer.policyPorts(options, this.node.path) : plainPorts(options);
    this.addEgress({ peer: peer.toNetworkPeer(), ...(ports ? { ports } : {}) });
    // For itself too: both ends of a connection between replicas are this policy.
    if (peer instanceof HardenedWorkload) peer.addIngress({ peer: this.toNetworkPeer(), ...(ports ? { ports } : {}) });
  }

  /**
   * Allows `peer` to open connections to this workload (on its served ports unless `options`
   * narrows them). When `peer` is a hardened workload, its egress is opened too.
   */
  allowFrom(peer: INetworkPeer, options: AllowOptions = {}): void {
    this.checkNamespaces(peer);
    const ports = this.policyPorts(options, this.node.path);
    this.addIngress({ peer: peer.toNetworkPeer(), ...(ports ? { ports } : {}) });
    if (peer instanceof HardenedWorkload) peer.addEgress({ peer: this.toNetworkPeer(), ...(ports ? { ports } : {}) });
  }

  /** Without a namespace on both sides a cross-workload rule could select pods in the wrong namespace. */
  private checkNamespaces(peer: INetworkPeer): void {
    if (!(peer instanceof HardenedWorkload) || (this.namespace === undefined) === (peer.namespace === undefined)) return;
    const [withNs, without] = this.namespace !== undefined ? [this, peer] : [peer, this];
    throw new HardpodError(
      `cannot allow traffic between ${this.node.path} and ${peer.node.path}: ${withNs.node.path} is in namespace "${withNs.namespace}" ` +
        `but ${without.node.path} has none; set namespace on both (or on their charts)`,
      this.node.path,
    );
  }

  private addIngress(rule: AllowRule): void {
    this.checkRule(rule);
    this.ingress.push(rule);
  }

  private addEgress(rule: AllowRule): void {
    this.checkRule(rule);
    this.egress.push(rule);
  }

  private checkRule(rule: AllowRule): void {
    if (!this.networkPolicy) {
      throw new HardpodError('cannot add a network allow rule: this workload emits no NetworkPolicy (network.policy is false)', this.node.path);
    }
    // Builds the peer now so a malformed one fails here, at the line that added it.
    buildNetworkPolicy({ name: this.name, namespace: this.namespace }, this.selector, { ingress: [rule], dns: 'off' }, this.node.path);
  }

  /** Ports of a rule that reaches this workload: Service ports become container ports. */
  private policyPorts(options: AllowOptions, where: string): NetworkPortRule[] | undefined {
    const asked = options.ports ?? (options.port !== undefined ? [options.port] : undefined);
    const protocol = options.protocol ?? 'TCP';
    if (!asked) {
      return this.servedPorts.length > 0 ? this.servedPorts.map((p) => ({ port: p.containerPort, protocol: p.protocol as NetworkPortRule['protocol'] })) : undefined;
    }
    return asked.map((port) => {
      const served = this.servedPorts.find((p) => (p.port === port || p.containerPort === port) && p.protocol === protocol);
      if (!served && this.servedPorts.length > 0) {
        throw new HardpodError(
          `${this.node.path} does not serve ${protocol} port ${port} (it serves ${this.servedPorts.map(describePort).join(', ')}): ` +
            'name one of those ports, with its protocol',
          where,
        );
      }
      return { port: served ? served.containerPort : port, protocol };
    });
  }
}

function plainPorts(options: AllowOptions): NetworkPortRule[] | undefined {
  const asked = options.ports ?? (options.port !== undefined ? [options.port] : undefined);
  return asked?.map((port) => ({ port, protocol: options.protocol ?? 'TCP' }));
}

type ServedPort = { port: number; containerPort: number; protocol: string };

/** `TCP 80 (container port 8080)`, for messages. */
function describePort(p: ServedPort): string {
  return `${p.protocol} ${p.port}${p.containerPort !== p.port ? ` (container port ${p.containerPort})` : ''}`;
}

/** Every port the pod serves, sidecars' included: a policy must reach them all (the Service only the main container's). */
function servedPorts(props: ConstructProps<WorkloadProps>): ServedPort[] {
  const containers = [props, ...(props.sidecars ?? [])];
  const declared: PortProps[] = containers.flatMap((c) => [...(c?.port !== undefined ? [{ port: c.port }] : []), ...(c?.ports ?? [])]);
  return declared.map((p) => ({ port: p.port, containerPort: p.containerPort ?? p.port, protocol: p.protocol ?? 'TCP' }));
}
