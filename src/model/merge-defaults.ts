import type { ResolvingDefaults } from './workload-props';

/**
 * Golden-path defaults laid over others, field by field, the later winning: labels and resources
 * are merged key by key, so a team adding a label or a memory limit keeps the platform's registries,
 * other labels and CPU defaults. The one rule for a nearer cdk8s scope, a second `set` on one scope,
 * a second `setHardpodDefaults` and a Pulumi component's own defaults.
 */
export function mergeDefaults<T extends ResolvingDefaults>(base: T, over: T): T {
  const merged: T = { ...base, ...over };
  if (base.labels || over.labels) (merged as { labels?: ResolvingDefaults['labels'] }).labels = { ...base.labels, ...over.labels };
  if (base.resources || over.resources) {
    (merged as { resources?: ResolvingDefaults['resources'] }).resources = {
      requests: { ...base.resources?.requests, ...over.resources?.requests },
      limits: { ...base.resources?.limits, ...over.resources?.limits },
    };
  }
  return merged;
}
