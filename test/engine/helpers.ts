import type { KubeObject, LocatedObject } from '../../src/model/kube-object';

/** A pod that passes `restricted` at every version. */
export function restrictedPod(name = 'web', extra: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'shop' },
    spec: {
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [{ name: 'app', image: 'registry.example/app@sha256:' + 'a'.repeat(64), securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }],
      ...extra,
    },
  };
}

export function deployment(name: string, podSpec: Record<string, unknown>, metadata: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'shop', ...metadata },
    spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: podSpec } },
  };
}

export function located(...objects: KubeObject[]): LocatedObject[] {
  return objects.map((object, i) => ({ object, source: { file: 'input.yaml', line: 1 + i * 20, documentIndex: i } }));
}

/** Where a Pulumi preview's objects come from: only they may hold the unknown-value marker. */
export const PREVIEW_SOURCE = { resourceName: 'urn:pulumi:dev::shop::kubernetes:apps/v1:Deployment::web' } as const;

/** Objects as a Pulumi preview hands them over, values not known yet included. */
export function inPreview(...objects: KubeObject[]): LocatedObject[] {
  return objects.map((object) => ({ object, source: PREVIEW_SOURCE }));
}
