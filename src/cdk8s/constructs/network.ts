import type { NetworkPeer, NetworkPortRule } from '../../model/workload-props';

/** Anything traffic can be allowed to or from: a hardened workload, a namespace, or a {@link Peer}. */
export interface INetworkPeer {
  /** The peer as the workload model describes it. */
  toNetworkPeer(): NetworkPeer;
}

/** Which ports an allow rule opens. */
export interface AllowOptions {
  /** One port. For a hardened workload, its Service port is translated to the container port. @default see `ports` */
  readonly port?: number;
  /**
   * Several ports.
   * @default every port the target workload's containers (sidecars included) serve, or every port for other peers
   */
  readonly ports?: readonly number[];
  /** @default TCP */
  readonly protocol?: NetworkPortRule['protocol'];
}

/** Peers that are not hardpod constructs. */
export class Peer implements INetworkPeer {
  /** Every pod in the namespace called `name`. */
  static namespace(name: string): Peer {
    return new Peer({ namespace: name });
  }

  /** Every pod in every namespace (for example an ingress controller you do not name). */
  static anyNamespace(): Peer {
    return new Peer({ namespace: '*' });
  }

  /** Pods with these labels, in `namespace` (`*` for every namespace) or the policy's own namespace. */
  static pods(labels: Readonly<Record<string, string>>, namespace?: string): Peer {
    return new Peer({ podLabels: { ...labels }, ...(namespace !== undefined ? { namespace } : {}) });
  }

  /** An IP range, e.g. `10.0.0.0/8` or a database outside the cluster. */
  static ipBlock(cidr: string, except?: readonly string[]): Peer {
    return new Peer({ ipBlock: { cidr, ...(except ? { except: [...except] } : {}) } });
  }

  private constructor(private readonly peer: NetworkPeer) {}

  toNetworkPeer(): NetworkPeer {
    return this.peer;
  }
}
