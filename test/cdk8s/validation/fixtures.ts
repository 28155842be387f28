import { ApiObject, type Chart } from 'cdk8s';

export const DIGEST = `sha256:${'b'.repeat(64)}`;
export const PINNED = `registry.example.com/shop/web:1.0@${DIGEST}`;

/** A Deployment that passes every hardened rule together with the companions of {@link addCompanions}. */
export function hardenedDeploymentManifest(name = 'web', namespace = 'shop', image = PINNED): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: {
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          serviceAccountName: name,
          automountServiceAccountToken: false,
          securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [{
            name: 'app',
            image,
            securityContext: { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
            resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
            readinessProbe: { httpGet: { path: '/ready', port: 8080 } },
            livenessProbe: { httpGet: { path: '/live', port: 8080 } },
          }],
        },
      },
    },
  };
}

/** The Namespace (enforcing restricted), ServiceAccount and default-deny NetworkPolicy a workload needs. */
export function addCompanions(chart: Chart, name = 'web', namespace = 'shop'): void {
  new ApiObject(chart, 'namespace', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace, labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } });
  new ApiObject(chart, 'service-account', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace }, automountServiceAccountToken: false } as never);
  new ApiObject(chart, 'default-deny', { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'default-deny', namespace }, spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } } as never);
}

/**
 * A Prometheus Operator `Prometheus`: its pod fields sit right under `spec`, which no `workloadKinds`
 * mapping can express, so hardpod cannot check it.
 */
export function prometheusManifest(annotations?: Record<string, string>): Record<string, unknown> {
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'Prometheus',
    metadata: { name: 'k8s', namespace: 'monitoring', ...(annotations ? { annotations } : {}) },
    spec: {
      replicas: 2,
      serviceAccountName: 'prometheus-k8s',
      securityContext: { runAsNonRoot: true, runAsUser: 1000, fsGroup: 2000 },
      containers: [{ name: 'config-reloader', securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true } }],
    },
  };
}

export const PROMETHEUS_REASON = 'the operator-made StatefulSet is checked from the cluster, SEC-7';
