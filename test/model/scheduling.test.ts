import type { PodSpec } from 'kubernetes-types/core/v1';
import { evaluate } from '../../src/engine/evaluate';
import {
  buildCronJob, buildDaemonSet, buildDeployment, buildJob, buildNamespace, buildStatefulSet,
  type BuildContext, type DeploymentProps, type KubeObject, type WorkloadProps,
} from '../../src/model';
import { HardpodError } from '../../src/model/errors';

const IMAGE = `ghcr.io/acme/web@sha256:${'a'.repeat(64)}`;
const ctx: BuildContext = { where: 'app/web' };

function podOf(object: KubeObject): PodSpec {
  const spec = object.spec as { template?: { spec: PodSpec }; jobTemplate?: { spec: { template: { spec: PodSpec } } } };
  return spec.template?.spec ?? spec.jobTemplate!.spec.template.spec;
}
function refusal(props: Record<string, unknown>): string {
  try {
    buildDeployment({ name: 'web', image: IMAGE, port: 8080, ...props } as DeploymentProps, ctx);
  } catch (e) {
    expect(e).toBeInstanceOf(HardpodError);
    return (e as HardpodError).message;
  }
  throw new Error('expected a HardpodError');
}

const SCHEDULING: Partial<WorkloadProps> = {
  tolerations: [
    { key: 'dedicated', operator: 'Equal', value: 'payments', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 60 },
  ],
  affinity: {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/arch', operator: 'In', values: ['amd64', 'arm64'] }] }],
      },
      preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 50, preference: { matchExpressions: [{ key: 'example.com/disk', operator: 'Exists' }] } }],
    },
    podAntiAffinity: {
      preferredDuringSchedulingIgnoredDuringExecution: [{
        weight: 100,
        podAffinityTerm: { labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'web' } }, topologyKey: 'kubernetes.io/hostname' },
      }],
    },
  },
  topologySpreadConstraints: [
    { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway' },
    { maxSkew: 2, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['web'] }] } },
  ],
  priorityClassName: 'business-critical',
};

describe('scheduling props', () => {
  it('reach the pod spec of every workload kind (and are left out when not given), a spread constraint without labelSelector counting the pod\'s own selector labels', () => {
    const builds = [
      buildDeployment({ name: 'web', image: IMAGE, port: 8080, ...SCHEDULING }, ctx),
      buildStatefulSet({ name: 'web', image: IMAGE, port: 8080, ...SCHEDULING }, ctx),
      buildDaemonSet({ name: 'web', image: IMAGE, port: 8080, ...SCHEDULING }, ctx),
      buildJob({ name: 'web', image: IMAGE, ...SCHEDULING }, ctx),
      buildCronJob({ name: 'web', image: IMAGE, schedule: '0 3 * * *', ...SCHEDULING }, ctx),
    ];
    for (const built of builds) {
      const pod = podOf(built.workload as KubeObject);
      expect(pod.tolerations).toEqual(SCHEDULING.tolerations);
      expect(pod.affinity).toEqual(SCHEDULING.affinity);
      expect(pod.priorityClassName).toBe('business-critical');
      expect(pod.topologySpreadConstraints).toEqual([
        { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'web' } } },
        SCHEDULING.topologySpreadConstraints![1],
      ]);
      // The props are copied, not shared with the emitted objects.
      expect(pod.affinity).not.toBe(SCHEDULING.affinity);
    }
    // Left out when not given.
    const plain = podOf(buildDeployment({ name: 'web', image: IMAGE, port: 8080 }, ctx).workload as KubeObject);
    for (const field of ['tolerations', 'affinity', 'topologySpreadConstraints', 'priorityClassName']) expect(plain).not.toHaveProperty(field);
  });

  it('keep the emitted workload passing rule checks at level hardened with no findings', () => {
    const built = buildDeployment({ name: 'web', namespace: 'shop', image: IMAGE, port: 8080, ...SCHEDULING }, ctx);
    const report = evaluate([...buildNamespace({ name: 'shop' }).objects, ...built.objects].map((object) => ({ object, source: {} })), { level: 'hardened', kubernetesVersion: '1.33' });
    expect(report.findings).toEqual([]);
  });

  const refusals: [string, Record<string, unknown>, RegExp][] = [
    // tolerations
    ['operator Exists with a value', { tolerations: [{ key: 'gpu', operator: 'Exists', value: 'true' }] },
      /^app\/web: tolerations\[0\]\.value "true" is given with operator Exists, which matches every value of the key; the API server refuses it: drop value, or use operator Equal$/],
    ['tolerationSeconds without effect NoExecute', { tolerations: [{ key: 'gpu', operator: 'Exists', effect: 'NoSchedule', tolerationSeconds: 30 }] },
      /^app\/web: tolerations\[0\]\.tolerationSeconds needs effect NoExecute \(got "NoSchedule"\)/],
    ['tolerationSeconds without any effect', { tolerations: [{ key: 'gpu', operator: 'Exists', tolerationSeconds: 30 }] }, /tolerationSeconds needs effect NoExecute \(got none\)/],
    ['a negative tolerationSeconds', { tolerations: [{ key: 'gpu', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: -1 }] },
      /tolerations\[0\]\.tolerationSeconds -1 is negative, which Kubernetes treats as 0 \(evict at once\); hardpod refuses it: use 0/],
    ['a fractional tolerationSeconds', { tolerations: [{ key: 'gpu', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 1.5 }] },
      /tolerations\[0\]\.tolerationSeconds 1.5 must be a whole number >= 0 and <= 2\^63 - 1/],
    ['no key without operator Exists', { tolerations: [{ effect: 'NoSchedule' }] },
      /tolerations\[0\] has no key, which matches every taint, so its operator must be Exists \(got none, which means Equal\)/],
    ['a misspelt operator', { tolerations: [{ key: 'gpu', operator: 'exists' }] },
      /tolerations\[0\]\.operator "exists" is not a value the API server accepts \(did you mean "Exists"\?\); expected one of Exists, Equal/],
    ['a misspelt effect', { tolerations: [{ key: 'gpu', operator: 'Exists', effect: 'NoExcute' }] },
      /tolerations\[0\]\.effect "NoExcute" is not a value the API server accepts \(did you mean "NoExecute"\?\); expected one of NoSchedule, PreferNoSchedule, NoExecute/],
    ['a key that is no label key', { tolerations: [{ key: 'a b', operator: 'Exists' }] }, /tolerations\[0\]\.key "a b" is not a label key/],
    ['an Equal value that is no label value', { tolerations: [{ key: 'gpu', value: 'a b' }] }, /tolerations\[0\]\.value "a b" is not a label value/],
    ['a misspelt toleration key', { tolerations: [{ key: 'gpu', operator: 'Exists', efect: 'NoSchedule' }] },
      /unknown prop "tolerations\[0\]\.efect" \(did you mean "effect"\?\)/],
    ['tolerations that are no list', { tolerations: { key: 'gpu' } }, /tolerations must be a list \(got an object\)/],
    // topology spread
    ['maxSkew below 1', { topologySpreadConstraints: [{ maxSkew: 0, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule' }] },
      /^app\/web: topologySpreadConstraints\[0\]\.maxSkew 0 must be 1 or more \(the API server refuses less\)/],
    ['maxSkew missing', { topologySpreadConstraints: [{ topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule' }] },
      /topologySpreadConstraints\[0\]\.maxSkew is required/],
    ['a duplicate topologyKey and whenUnsatisfiable pair', {
      topologySpreadConstraints: [
        { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule' },
        { maxSkew: 2, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule' },
      ],
    }, /topologySpreadConstraints\[1\] repeats topologyKey kubernetes\.io\/hostname with whenUnsatisfiable DoNotSchedule of topologySpreadConstraints\[0\], which the API server refuses: merge them/],
    ['minDomains with ScheduleAnyway', { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', minDomains: 3 }] },
      /topologySpreadConstraints\[0\]\.minDomains needs whenUnsatisfiable: DoNotSchedule \(got ScheduleAnyway\), as the API server requires/],
    ['minDomains below 1', { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule', minDomains: 0 }] },
      /topologySpreadConstraints\[0\]\.minDomains 0 must be a whole number >= 1 and <= 2147483647/],
    ['a misspelt nodeTaintsPolicy', { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule', nodeTaintsPolicy: 'honor' }] },
      /topologySpreadConstraints\[0\]\.nodeTaintsPolicy "honor" is not a value the API server accepts \(did you mean "Honor"\?\); expected one of Honor, Ignore/],
    ['spread matchLabelKeys naming a key of labelSelector', {
      topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchExpressions: [{ key: 'tier', operator: 'Exists' }] }, matchLabelKeys: ['tier'] }],
    }, /^app\/web: topologySpreadConstraints\[0\]\.matchLabelKeys\[0\] "tier" is also a key of labelSelector; the API server refuses the pods: name it in one of them/],
    ['spread matchLabelKeys naming the selector label hardpod fills in', {
      topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule', matchLabelKeys: ['pod-template-hash', 'app.kubernetes.io/name'] }],
    }, /topologySpreadConstraints\[0\]\.matchLabelKeys\[1\] "app\.kubernetes\.io\/name" is also a key of the labelSelector hardpod fills in \(the workload's own selector label\); the API server refuses the pods/],
    ['spread matchLabelKeys naming a key twice', {
      topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule', matchLabelKeys: ['pod-template-hash', 'pod-template-hash'] }],
    }, /topologySpreadConstraints\[0\]\.matchLabelKeys\[1\] "pod-template-hash" repeats matchLabelKeys\[0\]; the API server refuses the pods that carry the label: name each key once/],
    ['spread matchLabelKeys holding no label key', {
      topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule', matchLabelKeys: ['a b'] }],
    }, /topologySpreadConstraints\[0\]\.matchLabelKeys\[0\] "a b" is not a label key/],
    ['spread matchLabelKeys that are no list of strings', {
      topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule', matchLabelKeys: 'pod-template-hash' }],
    }, /topologySpreadConstraints\[0\]\.matchLabelKeys must be a list, got a string \("pod-template-hash"\)/],
    ['a misspelt whenUnsatisfiable', { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedul' }] },
      /topologySpreadConstraints\[0\]\.whenUnsatisfiable "DoNotSchedul" is not a value the API server accepts \(did you mean "DoNotSchedule"\?\)/],
    ['a missing topologyKey', { topologySpreadConstraints: [{ maxSkew: 1, whenUnsatisfiable: 'DoNotSchedule' }] }, /topologySpreadConstraints\[0\]\.topologyKey is required/],
    ['a topologyKey no node label can have', { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'zone name', whenUnsatisfiable: 'DoNotSchedule' }] },
      /topologyKey "zone name" is not a label key .* hardpod refuses it, although the API server admits it/],
    ['a deprecated topologyKey, which the API server warns about', {
      topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'failure-domain.beta.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule' }],
    }, /is a deprecated node label \(the API server warns about it: deprecated since v1\.17; use "topology\.kubernetes\.io\/zone" instead\); hardpod refuses it/],
    ['a label selector expression with In and no values', {
      topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchExpressions: [{ key: 'tier', operator: 'In' }] } }],
    }, /topologySpreadConstraints\[0\]\.labelSelector\.matchExpressions\[0\]\.values must hold at least one value with operator In/],
    ['a misspelt constraint key', { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule', labelSelecter: {} }] },
      /unknown prop "topologySpreadConstraints\[0\]\.labelSelecter" \(did you mean "labelSelector"\?\)/],
    // affinity
    ['a misspelt affinity key', { affinity: { podAntiAfinity: {} } }, /unknown prop "affinity\.podAntiAfinity" \(did you mean "podAntiAffinity"\?\)/],
    ['a misspelt key deep in node affinity', { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpression: [] }] } } } },
      /unknown prop "affinity\.nodeAffinity\.requiredDuringSchedulingIgnoredDuringExecution\.nodeSelectorTerms\[0\]\.matchExpression" \(did you mean "matchExpressions"\?\)/],
    ['required node affinity without terms', { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } } } },
      /nodeSelectorTerms must hold at least one term/],
    ['a misspelt node selector operator', {
      affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/arch', operator: 'in', values: ['amd64'] }] }] } } },
    }, /matchExpressions\[0\]\.operator "in" is not a value the API server accepts \(did you mean "In"\?\)/],
    ['Exists with values', {
      affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'gpu', operator: 'Exists', values: ['x'] }] }] } } },
    }, /matchExpressions\[0\]\.values must be left out with operator Exists/],
    ['Gt with a value that is no whole number', {
      affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'cores', operator: 'Gt', values: ['two'] }] }] } } },
    }, /matchExpressions\[0\]\.values\[0\] "two" is not a whole number, which operator Gt compares node labels with: the scheduler refuses the term/],
    ['Lt beyond a 64-bit integer, in a preferred term', {
      affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, preference: { matchExpressions: [{ key: 'cores', operator: 'Lt', values: ['9223372036854775808'] }] } }] } },
    }, /values\[0\] "9223372036854775808" is not a whole number, which operator Lt compares/],
    ['Gt with two values', {
      affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'cores', operator: 'Gt', values: ['1', '2'] }] }] } } },
    }, /matchExpressions\[0\]\.values must hold exactly one value with operator Gt/],
    ['a preferred weight above 100', { affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 101, preference: {} }] } } },
      /affinity\.nodeAffinity\.preferredDuringSchedulingIgnoredDuringExecution\[0\]\.weight 101 must be a whole number >= 1 and <= 100/],
    ['a node field other than metadata.name', {
      affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.labels', operator: 'In', values: ['a'] }] }] } } },
    }, /matchFields\[0\]\.key "metadata\.labels" is not a node field the API server selects on; expected metadata\.name/],
    ['a pod affinity term without topologyKey', { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'db' } } }] } } },
      /affinity\.podAffinity\.requiredDuringSchedulingIgnoredDuringExecution\[0\]\.topologyKey is required/],
    ['a pod affinity term without labelSelector, which matches no pod', { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname' }] } } },
      /^app\/web: affinity\.podAntiAffinity\.requiredDuringSchedulingIgnoredDuringExecution\[0\] has no labelSelector, so it matches no pod \(the API server warns about it\); hardpod refuses it/],
    ['a namespace that is no namespace name', { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: {}, namespaces: ['Shop'] }] } } },
      /namespaces\[0\] "Shop" is not a namespace name/],
    ['matchLabelKeys naming a key of labelSelector', {
      affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'web' } }, matchLabelKeys: ['app'] }] } },
    }, /matchLabelKeys\[0\] "app" is also a key of labelSelector; the API server refuses the pods/],
    ['affinity matchLabelKeys naming a key twice', {
      affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'web' } }, matchLabelKeys: ['tier', 'tier'] }] } },
    }, /requiredDuringSchedulingIgnoredDuringExecution\[0\]\.matchLabelKeys\[1\] "tier" repeats matchLabelKeys\[0\]; the API server refuses the pods that carry the label/],
    ['a label selector value that is no label value', {
      affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'a b' } } }] } },
    }, /labelSelector\.matchLabels value "a b" of app is not a label value/],
    ['affinity that is no object', { affinity: 'spread' }, /affinity must be an object \(got "spread"\)/],
    // priority class
    ['a priorityClassName that is no object name', { priorityClassName: 'High' }, /^app\/web: priorityClassName "High" is not a PriorityClass name/],
    ['an empty priorityClassName', { priorityClassName: '' }, /priorityClassName "" names no PriorityClass; hardpod refuses it/],
  ];
  it.each(refusals)('refuses %s, naming the construct path, the field and what is expected', (_what, props, message) => {
    expect(refusal(props)).toMatch(message);
  });

  it('emits minDomains and the node inclusion policies from the Kubernetes minor whose API server keeps them, and refuses them for an older target', () => {
    const spread = { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule' as const, minDomains: 3, nodeAffinityPolicy: 'Honor' as const, nodeTaintsPolicy: 'Honor' as const };
    const build = (kubernetesMinor: number, constraint: Record<string, unknown> = spread) => () =>
      buildDeployment({ name: 'web', image: IMAGE, port: 8080, topologySpreadConstraints: [constraint as never] }, { ...ctx, defaults: { kubernetesMinor } });
    expect(podOf(build(37)().workload as KubeObject).topologySpreadConstraints).toEqual([{ ...spread, labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'web' } } }]);
    expect(build(26)).toThrow(/^app\/web: topologySpreadConstraints\[0\]\.minDomains needs Kubernetes 1\.27\+, where the MinDomainsInPodTopologySpread feature is on by default; the target is 1\.26/);
    const { minDomains: _minDomains, ...policies } = spread;
    expect(() => build(26, policies)()).not.toThrow();
    expect(build(25, policies)).toThrow(/nodeAffinityPolicy needs Kubernetes 1\.26\+, where the NodeInclusionPolicyInPodTopologySpread feature is on by default/);
  });

  it('emits spread matchLabelKeys from Kubernetes 1.27, whose API server keeps them, and refuses them for an older target', () => {
    const spread = { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule' as const, matchLabelKeys: ['pod-template-hash'] };
    const build = (kubernetesMinor: number) => () =>
      buildDeployment({ name: 'web', image: IMAGE, port: 8080, topologySpreadConstraints: [spread] }, { ...ctx, defaults: { kubernetesMinor } });
    expect(podOf(build(27)().workload as KubeObject).topologySpreadConstraints).toEqual([{ ...spread, labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'web' } } }]);
    expect(build(26)).toThrow(
      /^app\/web: topologySpreadConstraints\[0\]\.matchLabelKeys needs Kubernetes 1\.27\+, where the MatchLabelKeysInPodTopologySpread feature is on by default; the target is 1\.26 \(kubernetesMinor\), whose API server drops the field/,
    );
    // An empty list asks for nothing and is left out.
    expect(podOf(build(37)().workload as KubeObject).topologySpreadConstraints![0]).toHaveProperty('matchLabelKeys', ['pod-template-hash']);
    const empty = buildDeployment({ name: 'web', image: IMAGE, port: 8080, topologySpreadConstraints: [{ ...spread, matchLabelKeys: [] }] }, ctx);
    expect(podOf(empty.workload as KubeObject).topologySpreadConstraints![0]).not.toHaveProperty('matchLabelKeys');
  });

  it('refuses matchLabelKeys for a target before Kubernetes 1.31, whose API server would drop it, and takes it from 1.31', () => {
    const affinity = {
      podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'web' } }, matchLabelKeys: ['pod-template-hash'] }] },
    };
    const build = (kubernetesMinor: number) => () => buildDeployment({ name: 'web', image: IMAGE, port: 8080, affinity }, { ...ctx, defaults: { kubernetesMinor } });
    expect(build(30)).toThrow(
      /^app\/web: affinity\.podAntiAffinity\.requiredDuringSchedulingIgnoredDuringExecution\[0\]\.matchLabelKeys needs Kubernetes 1\.31\+, .* the target is 1\.30 \(kubernetesMinor\), whose API server drops the field/,
    );
    expect(podOf(build(31)().workload as KubeObject).affinity).toEqual(affinity);
  });
});
