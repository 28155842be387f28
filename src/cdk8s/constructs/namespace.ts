import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { readDefaults } from './defaults';
import { chartObjectName } from './names';
import type { INetworkPeer } from './network';
import { buildNamespace } from '../../model/companions';
import type { KubeObject } from '../../model/kube-object';
import type { NamespaceProps, NetworkPeer } from '../../model/workload-props';

/** Props of {@link HardenedNamespace}: see NamespaceProps. */
export type HardenedNamespaceProps = Omit<NamespaceProps, 'name'> & {
  /** @default the name the chart generates for an object at the construct path, as for any ApiObject (`Chart.generateObjectName`: the path and a hash, without the hash where the chart sets `disableResourceNameHashes`) */
  readonly name?: string;
};

/**
 * A Namespace whose Pod Security labels enforce, audit and warn at `restricted` (pinned to one
 * Kubernetes version), with a namespace-wide default-deny NetworkPolicy. As a network peer it
 * stands for every pod in the namespace: `api.allowFrom(namespace)`.
 */
export class HardenedNamespace extends Construct implements INetworkPeer {
  readonly name: string;
  /** The Namespace ApiObject; also the construct's default child, so `ApiObject.of(namespace)` returns it. */
  readonly apiObject: ApiObject;
  readonly networkPolicy?: ApiObject;

  constructor(scope: Construct, id: string, props: HardenedNamespaceProps = {}) {
    super(scope, id);
    this.name = props.name ?? chartObjectName(this, { apiVersion: 'v1', kind: 'Namespace' });
    const built = buildNamespace({ ...props, name: this.name }, readDefaults(this), this.node.path);
    // A Namespace is cluster-scoped: never inherit the chart's namespace.
    const namespace = built.namespace as KubeObject;
    this.apiObject = new ApiObject(this, 'Namespace', namespace as never);
    this.node.defaultChild = this.apiObject;
    if (Chart.of(this).namespace !== undefined) this.apiObject.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
    if (built.networkPolicy) this.networkPolicy = new ApiObject(this, 'NetworkPolicy', built.networkPolicy as never);
  }

  toNetworkPeer(): NetworkPeer {
    return { namespace: this.name };
  }
}
