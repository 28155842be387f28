/**
 * Verdicts on Pods and workloads from both judges: the real API server's Pod Security admission and
 * the hardpod engine. Shared by the cluster suites (and later ones proving admission policies).
 */
import { isRecord, type Cluster, type KubeObjectLike } from './cluster';
import { evaluate } from '../../src/engine';
import { extractPodViews, type KubeObject } from '../../src/model';

export type PodSecurityLevel = 'baseline' | 'restricted';

/** The hardpod engine's verdict at a Pod Security level and Kubernetes minor. */
export interface EngineVerdict {
  readonly allowed: boolean;
  /** `rule: message` of every finding that denies. */
  readonly reasons: readonly string[];
}

/** Judges one object with the engine: any finding that is not suppressed denies. */
export function engineVerdict(object: KubeObjectLike, level: PodSecurityLevel, minor: number, file = '<generated>'): EngineVerdict {
  const report = evaluate([{ object: object as KubeObject, source: { file } }], { level, kubernetesVersion: `1.${minor}` });
  const reasons = report.findings.filter((f) => f.outcome !== 'suppressed').map((f) => `${f.rule}: ${f.message}`);
  return { allowed: reasons.length === 0, reasons };
}

/** The server's verdict on a Pod, dry-run created in a namespace that enforces a level. */
export interface ServerPodVerdict {
  readonly allowed: boolean;
  readonly status: number;
  /** Denied by Pod Security admission (403 `violates PodSecurity`). */
  readonly podSecurityDenied: boolean;
  readonly message?: string;
  readonly warnings: readonly string[];
}

export async function serverPodVerdict(cluster: Cluster, pod: KubeObjectLike, namespace: string): Promise<ServerPodVerdict> {
  const verdict = await cluster.dryRunCreate(pod, namespace);
  return {
    allowed: verdict.allowed,
    status: verdict.status,
    podSecurityDenied: verdict.status === 403 && (verdict.message ?? '').includes('violates PodSecurity'),
    ...(verdict.message === undefined ? {} : { message: verdict.message }),
    warnings: verdict.warnings,
  };
}

/**
 * The Pod a workload's template would create (labels, annotations, spec), named after the workload,
 * as upstream's Pod Security test builds it (plus the claim volumes a StatefulSet's pods get). Returns undefined for objects without a pod template.
 */
export function podFromTemplate(workload: KubeObjectLike): KubeObjectLike | undefined {
  if (workload.kind === 'Pod') return workload;
  const view = extractPodViews(workload as KubeObject).views[0];
  if (!view) return undefined;
  const podName = workload.metadata?.name ?? 'from-template';
  // The StatefulSet controller adds one PersistentVolumeClaim volume per claim template.
  const spec = isRecord(workload.spec) ? workload.spec : {};
  const claimVolumes = workload.kind === 'StatefulSet' && Array.isArray(spec.volumeClaimTemplates)
    ? (spec.volumeClaimTemplates as { metadata?: { name?: string } }[]).map((claim) => ({
      name: claim.metadata?.name,
      persistentVolumeClaim: { claimName: `${claim.metadata?.name}-${podName}-0` },
    }))
    : [];
  const existing = Array.isArray(view.spec.volumes) ? view.spec.volumes : [];
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: podName,
      ...(Object.keys(view.labels).length > 0 ? { labels: view.labels } : {}),
      ...(Object.keys(view.annotations).length > 0 ? { annotations: view.annotations } : {}),
    },
    spec: { ...view.spec, ...(claimVolumes.length > 0 ? { volumes: [...existing, ...claimVolumes] } : {}) },
  };
}

/** Wraps a Pod into a Deployment whose template is that Pod, as upstream's `createController` does. */
export function deploymentFromPod(pod: KubeObjectLike): KubeObjectLike {
  const meta = pod.metadata ?? {};
  const labels = { ...(isRecord(meta.labels) ? meta.labels : {}), 'hardpod.test/pod': String(meta.name ?? 'pod') };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: meta.name },
    spec: {
      selector: { matchLabels: labels },
      template: { metadata: { labels, ...(isRecord(meta.annotations) ? { annotations: meta.annotations } : {}) }, spec: pod.spec },
    },
  };
}

/** Runs `work` over `items` with at most `limit` in flight, keeping order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index], index);
    }
  });
  await Promise.all(workers);
  return results;
}
