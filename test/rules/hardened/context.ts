import { resolveConfig, type EngineConfig } from '../../../src/engine/config';
import { indexInput } from '../../../src/engine/evaluate';
import type { KubeObject } from '../../../src/model/kube-object';
import { extractPodViews } from '../../../src/model/pod-view';
import type { AnyRule, CheckResult, Violation } from '../../../src/rules/rule';

/**
 * Runs one rule's check on one object the way the engine does: the pod views from the extractor,
 * the whole input indexed, the config resolved. Pod rules run once per pod view and their
 * violations are concatenated.
 */
export function check(rule: AnyRule, object: KubeObject, options: { input?: readonly KubeObject[]; config?: EngineConfig } = {}): CheckResult {
  const config = resolveConfig({ level: 'hardened', ...options.config });
  const pods = extractPodViews(object, config.workloadKinds).views;
  const base = { minor: config.minor, object, config };
  switch (rule.scope) {
    case 'pod': {
      if (pods.length === 0) return 'not-applicable';
      // The engine indexes the input for a pod rule that reads it.
      const input = rule.readsInput === true ? indexInput([object, ...(options.input ?? [])]) : undefined;
      const results = pods.map((pod) => rule.check({ ...base, pod, input }));
      if (results.every((r) => r === 'not-applicable')) return 'not-applicable';
      return results.flatMap((r) => (r === 'not-applicable' ? [] : r));
    }
    case 'object':
      return rule.check({ ...base, source: {}, pods, shapeProblems: [] });
    case 'input': {
      const input = indexInput([object, ...(options.input ?? [])]);
      return rule.check({ ...base, source: {}, pods, shapeProblems: [], input, cluster: config.cluster });
    }
  }
}

/** The violations of a result, failing the test when the rule said not-applicable. */
export function violations(result: CheckResult): readonly Violation[] {
  if (result === 'not-applicable') throw new Error('expected the rule to apply, it said not-applicable');
  return result;
}

/** `pass`, `fail`, `unknown` or `not-applicable`, as the engine would report the object. */
export function outcome(result: CheckResult): 'pass' | 'fail' | 'unknown' | 'not-applicable' {
  if (result === 'not-applicable') return 'not-applicable';
  if (result.length === 0) return 'pass';
  return result.some((v) => !v.unknown) ? 'fail' : 'unknown';
}

const DIGEST = `sha256:${'a'.repeat(64)}`;
export const PINNED_IMAGE = `registry.example.com/team/app:1.2.3@${DIGEST}`;

/** A Deployment that passes every hardened rule on its own (given its companions below). */
export interface DeploymentPatch {
  readonly pod?: Record<string, unknown>;
  readonly container?: Record<string, unknown>;
  /** `null` for namespace-less output. @default 'shop' */
  readonly namespace?: string | null;
  readonly labels?: Record<string, string>;
}

export function deployment(patch: DeploymentPatch = {}): KubeObject {
  const namespace = patch.namespace === undefined ? 'shop' : patch.namespace;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', ...(namespace === null ? {} : { namespace }) },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: patch.labels ?? { app: 'web' } },
        spec: {
          serviceAccountName: 'web',
          automountServiceAccountToken: false,
          securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [{
            name: 'app',
            image: PINNED_IMAGE,
            securityContext: { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
            resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
            readinessProbe: { httpGet: { path: '/ready', port: 8080 } },
            livenessProbe: { httpGet: { path: '/live', port: 8080 } },
            ...patch.container,
          }],
          ...patch.pod,
        },
      },
    },
  };
}

/** `namespace: null` for namespace-less output (a default parameter would replace `undefined`). */
export function serviceAccount(name = 'web', namespace: string | null = 'shop', extra: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, ...(namespace ? { namespace } : {}) }, ...extra };
}

export function namespaceObject(name = 'shop', labels: Record<string, string> = { 'pod-security.kubernetes.io/enforce': 'restricted' }): KubeObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } };
}

export function networkPolicyObject(spec: Record<string, unknown> = { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }, namespace: string | null = 'shop', name = 'default-deny'): KubeObject {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, ...(namespace ? { namespace } : {}) }, spec };
}
