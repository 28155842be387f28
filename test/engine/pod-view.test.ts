import type { KubeObject } from '../../src/model/kube-object';
import { expandLists, extractPodViews, WorkloadKinds } from '../../src/model/pod-view';

const spec = {
  initContainers: [{ name: 'init' }],
  containers: [{ name: 'app' }, { name: 'sidecar' }],
  ephemeralContainers: [{ name: 'debug' }],
};

describe('extractPodViews', () => {
  it('visits init, regular and ephemeral containers in order, with exact paths', () => {
    const cron: KubeObject = {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'nightly', annotations: { outer: 'x' } },
      spec: { jobTemplate: { spec: { template: { metadata: { labels: { app: 'n' }, annotations: { inner: 'y' } }, spec } } } },
    };
    const { views, shapeProblems } = extractPodViews(cron);
    expect(shapeProblems).toEqual([]);
    expect(views).toHaveLength(1);
    const [view] = views;
    expect(view).toMatchObject({
      templatePath: 'spec.jobTemplate.spec.template',
      metadataPath: 'spec.jobTemplate.spec.template.metadata',
      specPath: 'spec.jobTemplate.spec.template.spec',
      labels: { app: 'n' },
      annotations: { inner: 'y' },
    });
    expect(view.containers.map((c) => [c.field, c.index, c.name, c.path])).toEqual([
      ['initContainers', 0, 'init', 'spec.jobTemplate.spec.template.spec.initContainers[0]'],
      ['containers', 0, 'app', 'spec.jobTemplate.spec.template.spec.containers[0]'],
      ['containers', 1, 'sidecar', 'spec.jobTemplate.spec.template.spec.containers[1]'],
      ['ephemeralContainers', 0, 'debug', 'spec.jobTemplate.spec.template.spec.ephemeralContainers[0]'],
    ]);
  });

  it('uses the object metadata for a Pod and the template metadata for workloads', () => {
    const pod = extractPodViews({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels: { a: 'b' } }, spec });
    expect(pod.views[0]).toMatchObject({ templatePath: '', metadataPath: 'metadata', specPath: 'spec', labels: { a: 'b' } });
  });

  it('reports a missing or malformed template, spec, metadata or container as a shape problem', () => {
    expect(extractPodViews({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: {} }).shapeProblems)
      .toEqual([{ path: 'spec.template', message: expect.stringContaining('no pod template at `spec.template`') }]);
    expect(extractPodViews({ apiVersion: 'apps/v1', kind: 'Deployment', spec: 'x' }).shapeProblems[0].path).toBe('spec');
    const bad = extractPodViews({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { labels: 'nope' as never },
      spec: { containers: ['app', { name: 'ok', securityContext: { capabilities: { add: 'ALL', drop: [3] } } }], hostNetwork: 'yes' },
    });
    expect(bad.views[0].shapeProblems.map((p) => p.path)).toEqual([
      'metadata.labels',
      'spec.containers[0]',
      'spec.containers[1].securityContext.capabilities.add',
      'spec.containers[1].securityContext.capabilities.drop[0]',
      'spec.hostNetwork',
    ]);
    expect(bad.views[0].containers.map((c) => c.name)).toEqual(['ok']);
  });

  it('reports the fields the API server refuses for the OS a pod names, and nothing for a pod that names none', () => {
    const securityContext = { privileged: false, capabilities: {}, runAsUser: 1000, runAsNonRoot: true, windowsOptions: { runAsUserName: 'ContainerUser' } };
    const podSpec = (os: unknown): Record<string, unknown> => ({
      os,
      hostPID: true,
      hostIPC: false,
      hostUsers: false,
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' }, sysctls: [], supplementalGroups: [], fsGroup: null, windowsOptions: {} },
      initContainers: [{ name: 'init', securityContext: { readOnlyRootFilesystem: true } }],
      containers: [{ name: 'app', securityContext }],
    });
    const problems = (os: unknown): string[] => extractPodViews({ apiVersion: 'apps/v1', kind: 'Deployment', spec: { template: { spec: podSpec(os) } } })
      .views[0].shapeProblems.map((p) => `${p.path}: ${p.message}`);
    const base = 'spec.template.spec';
    expect(problems({ name: 'windows' })).toEqual([
      `${base}.hostUsers: hostUsers cannot be set in a Windows pod (spec.os.name: windows): the API server refuses it there; remove it`,
      `${base}.hostPID: hostPID: true cannot be set in a Windows pod (spec.os.name: windows): the API server refuses it there; remove it`,
      `${base}.securityContext.seccompProfile: seccompProfile cannot be set in a Windows pod (spec.os.name: windows): the API server refuses it there; remove it`,
      `${base}.securityContext.supplementalGroups: supplementalGroups cannot be set in a Windows pod (spec.os.name: windows): the API server refuses it there; remove it`,
      `${base}.initContainers[0].securityContext.readOnlyRootFilesystem: readOnlyRootFilesystem cannot be set in a Windows pod (spec.os.name: windows): the API server refuses it there; remove it`,
      ...['capabilities', 'privileged', 'runAsUser'].map((field) => `${base}.containers[0].securityContext.${field}: ${field} cannot be set in a Windows pod (spec.os.name: windows): the API server refuses it there; remove it`),
    ]);
    expect(problems({ name: 'linux' })).toEqual([
      `${base}.securityContext.windowsOptions: windowsOptions cannot be set in a Linux pod (spec.os.name: linux): the API server refuses Windows options there; remove them, or set spec.os.name: windows`,
      `${base}.containers[0].securityContext.windowsOptions: windowsOptions cannot be set in a Linux pod (spec.os.name: linux): the API server refuses Windows options there; remove them, or set spec.os.name: windows`,
    ]);
    // Without spec.os the server takes either OS's fields.
    expect(problems(undefined)).toEqual([]);
    expect(problems(null)).toEqual([]);
    // An os it does not know, or none named, it refuses as such.
    expect(problems({})).toEqual([`${base}.os.name: spec.os is set without os.name, which the API server refuses: write linux or windows, or leave spec.os out`]);
    expect(problems({ name: 'Linux' })).toEqual([`${base}.os.name: os.name "Linux" is not an operating system the API server knows (it refuses the pod): write linux or windows, or leave spec.os out`]);
    expect(problems({ name: 3 })).toEqual([`${base}.os.name: os.name must be a string, got a number (3): write linux or windows, or leave spec.os out`]);
  });

  it('reports ephemeral containers in a pod template or a Pod to create, not in a Pod read back from the server', () => {
    const problems = (object: KubeObject): string[] => extractPodViews(object).views[0].shapeProblems.map((p) => `${p.path}: ${p.message}`);
    const refused = (path: string, where: string): string =>
      `${path}: ephemeral containers cannot be set ${where}: the API server refuses them there; they are added to a running Pod through its ephemeralcontainers subresource (kubectl debug)`;
    expect(problems({ apiVersion: 'apps/v1', kind: 'Deployment', spec: { template: { spec } } })).toEqual([refused('spec.template.spec.ephemeralContainers', 'in a pod template')]);
    expect(problems({ apiVersion: 'v1', kind: 'PodTemplate', template: { spec } })).toEqual([refused('template.spec.ephemeralContainers', 'in a pod template')]);
    expect(problems({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec })).toEqual([refused('spec.ephemeralContainers', 'when a Pod is created')]);
    expect(problems({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', resourceVersion: '' }, spec })).toEqual([refused('spec.ephemeralContainers', 'when a Pod is created')]);
    // With a resourceVersion the Pod is a copy of a running one, written back over itself.
    expect(problems({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', resourceVersion: '4711' }, spec })).toEqual([]);
    expect(problems({ apiVersion: 'apps/v1', kind: 'Deployment', spec: { template: { spec: { ...spec, ephemeralContainers: [] } } } })).toEqual([]);
    expect(problems({ apiVersion: 'apps/v1', kind: 'Deployment', spec: { template: { spec: { ...spec, ephemeralContainers: null } } } })).toEqual([]);
  });

  it('matches custom kinds on kind and API group', () => {
    const kinds = new WorkloadKinds([{ kind: 'Worker', group: 'example.com', templatePath: 'spec.pod' }]);
    const worker = (apiVersion: string): KubeObject => ({ apiVersion, kind: 'Worker', spec: { pod: { spec } } });
    expect(extractPodViews(worker('example.com/v1'), kinds).views[0].specPath).toBe('spec.pod.spec');
    const other = extractPodViews(worker('other.io/v1'), kinds);
    expect(other.views).toEqual([]);
    expect(other.notCheckedReason).toMatch(/other\.io\/v1\/Worker is not a known workload kind.*spec\.pod/);
    expect(extractPodViews(worker('example.com/v1'), { workloadKinds: [{ kind: 'Worker', templatePath: 'spec.pod' }] }).views).toHaveLength(1);
  });

  it('maps templates held in a list with [*]: one view per item, named by its index', () => {
    const kinds = new WorkloadKinds([{ kind: 'JobSet', templatePath: 'spec.replicatedJobs[*].template.spec.template' }]);
    const jobSet = (replicatedJobs: unknown): KubeObject => ({ apiVersion: 'jobset.x-k8s.io/v1alpha2', kind: 'JobSet', spec: { replicatedJobs } });
    const job = (podSpec: unknown) => ({ name: 'j', template: { spec: { template: { metadata: { labels: { app: 'j' } }, spec: podSpec } } } });
    const { views, shapeProblems } = extractPodViews(jobSet([job(spec), job({ containers: [{ name: 'other' }] })]), kinds);
    expect(shapeProblems).toEqual([]);
    expect(views.map((v) => [v.templatePath, v.metadataPath, v.specPath, v.labels.app])).toEqual([
      ['spec.replicatedJobs[0].template.spec.template', 'spec.replicatedJobs[0].template.spec.template.metadata', 'spec.replicatedJobs[0].template.spec.template.spec', 'j'],
      ['spec.replicatedJobs[1].template.spec.template', 'spec.replicatedJobs[1].template.spec.template.metadata', 'spec.replicatedJobs[1].template.spec.template.spec', 'j'],
    ]);
    expect(views[1].containers.map((c) => c.path)).toEqual(['spec.replicatedJobs[1].template.spec.template.spec.containers[0]']);
    // Each item stands on its own: a broken one is a problem at its own path, the others are still checked.
    const mixed = extractPodViews(jobSet([{ name: 'a', template: {} }, null, job(spec)]), kinds);
    expect(mixed.views.map((v) => v.specPath)).toEqual(['spec.replicatedJobs[2].template.spec.template.spec']);
    expect(mixed.shapeProblems).toEqual([
      { path: 'spec.replicatedJobs[0].template.spec', message: expect.stringContaining('JobSet has no pod template at `spec.replicatedJobs[0].template.spec`') },
      { path: 'spec.replicatedJobs[1]', message: 'expected an object holding `template`, got null' },
    ]);
    expect(extractPodViews(jobSet(undefined), kinds).shapeProblems)
      .toEqual([{ path: 'spec.replicatedJobs', message: 'JobSet has no list of pod templates at `spec.replicatedJobs`; expected a list of objects with `template.spec.template`' }]);
    expect(extractPodViews(jobSet({ workers: job(spec) }), kinds).shapeProblems)
      .toEqual([{ path: 'spec.replicatedJobs', message: 'expected a list of objects with `template.spec.template` at `spec.replicatedJobs`, got an object' }]);
    expect(extractPodViews(jobSet([]), kinds)).toEqual({ views: [], shapeProblems: [] });
  });

  it('maps lists inside lists, and a list of templates itself', () => {
    const kinds = new WorkloadKinds([
      { kind: 'Pipeline', templatePath: 'spec.stages[*].steps[*].pod' },
      { kind: 'Pool', templatePath: 'spec.templates[*]', referencePath: 'spec.poolRef' },
    ]);
    const pipeline: KubeObject = { apiVersion: 'ci.io/v1', kind: 'Pipeline', spec: { stages: [{ steps: [{ pod: { spec } }] }, { steps: [{ pod: { spec } }, { pod: { spec } }] }] } };
    expect(extractPodViews(pipeline, kinds).views.map((v) => v.specPath)).toEqual([
      'spec.stages[0].steps[0].pod.spec', 'spec.stages[1].steps[0].pod.spec', 'spec.stages[1].steps[1].pod.spec',
    ]);
    const pool = (fields: Record<string, unknown>): KubeObject => ({ apiVersion: 'ci.io/v1', kind: 'Pool', spec: fields });
    expect(extractPodViews(pool({ templates: [{ spec }] }), kinds).views.map((v) => v.specPath)).toEqual(['spec.templates[0].spec']);
    // The list being present is what rules out the reference standing in for it.
    expect(extractPodViews(pool({ poolRef: { name: 'p' } }), kinds)).toEqual({ views: [], shapeProblems: [] });
    expect(extractPodViews(pool({ poolRef: { name: 'p' }, templates: [{ spec }] }), kinds).views).toHaveLength(1);
  });

  it('lists an unknown kind as not checked when a pod spec sits in a list or deep in mappings', () => {
    const cases: [KubeObject, string][] = [
      [{ apiVersion: 'jobset.x-k8s.io/v1alpha2', kind: 'JobSet', spec: { replicatedJobs: [{ name: 'w', template: { spec: { template: { spec } } } }] } }, 'spec.replicatedJobs[0].template.spec.template.spec'],
      [{ apiVersion: 'batch.volcano.sh/v1alpha1', kind: 'Job', spec: { tasks: [{ name: 'a', template: {} }, { name: 't', template: { spec } }] } }, 'spec.tasks[1].template.spec'],
      [{ apiVersion: 'ray.io/v1', kind: 'RayCluster', spec: { workerGroupSpecs: [{ groupName: 'g', template: { spec } }] } }, 'spec.workerGroupSpecs[0].template.spec'],
      [{ apiVersion: 'acme.io/v1', kind: 'Deep', spec: { a: { b: { jobTemplate: { spec: { template: { spec } } } } } } }, 'spec.a.b.jobTemplate.spec.template.spec'],
      [{ apiVersion: 'acme.io/v1', kind: 'Nested', spec: { groups: [[{ pod: spec }]] } }, 'spec.groups[0][0].pod'],
    ];
    for (const [object, path] of cases) {
      const extraction = extractPodViews(object);
      expect(extraction.views).toEqual([]);
      expect(extraction.notCheckedReason).toContain(`but ${path} looks like a pod spec`);
    }
    // The reason names the templatePath that maps the kind, when the spec sits in a template.
    expect(extractPodViews(cases[0][0]).notCheckedReason).toMatch(/\(workloadKinds\) to check it \(here templatePath: spec\.replicatedJobs\[\*\]\.template\.spec\.template\)$/);
    expect(extractPodViews(cases[1][0]).notCheckedReason).toMatch(/\(here templatePath: spec\.tasks\[\*\]\.template\)$/);
    // A pod spec in no template cannot be mapped: the reason says what to check instead.
    expect(extractPodViews(cases[4][0]).notCheckedReason).toMatch(/spec\.groups\[0\]\[0\]\.pod looks like a pod spec outside a pod template .*, which workloadKinds cannot map; check the workloads or pods made from it/);
  });

  it('lists Prometheus Operator kinds, whose pod fields sit right under spec, as not checked with advice a user can follow', () => {
    const prometheus: KubeObject = { apiVersion: 'monitoring.coreos.com/v1', kind: 'Prometheus', metadata: { name: 'k8s', namespace: 'monitoring' }, spec: { containers: [{ name: 'config-reloader', securityContext: { privileged: true } }] } };
    const reason = extractPodViews(prometheus).notCheckedReason;
    expect(reason).toContain('but spec looks like a pod spec outside a pod template');
    expect(reason).not.toContain('to check it');
    expect(reason).toContain('`kubectl get statefulsets,deployments,daemonsets,jobs,pods -n monitoring -o yaml | hardpod check -`');
  });

  it('lists an unknown kind as not checked when it holds containers or security contexts outside any pod spec (Tekton, Strimzi)', () => {
    const task: KubeObject = { apiVersion: 'tekton.dev/v1', kind: 'Task', metadata: { name: 'build' }, spec: { steps: [{ name: 'build', image: 'docker:dind', script: 'make' }] } };
    expect(extractPodViews(task)).toEqual({
      views: [],
      shapeProblems: [],
      notCheckedReason: expect.stringMatching(/^kind tekton\.dev\/v1\/Task is not a known workload kind, but spec\.steps\[0\] looks like a container \(name and image\) outside any pod spec, which workloadKinds cannot map; check the workloads or pods made from it .*-n NAMESPACE -o yaml/),
    });
    const kafka: KubeObject = { apiVersion: 'kafka.strimzi.io/v1beta2', kind: 'Kafka', metadata: { name: 'c', namespace: 'kafka' }, spec: { kafka: { replicas: 3, template: { pod: { securityContext: { runAsUser: 0 } } } } } };
    expect(extractPodViews(kafka).notCheckedReason).toMatch(/but spec\.kafka\.template\.pod\.securityContext is a security context outside any pod spec/);
    // A pod spec is still what is named first, with the templatePath that maps it.
    const flink: KubeObject = { apiVersion: 'flink.apache.org/v1beta1', kind: 'FlinkDeployment', spec: { image: 'flink', podTemplate: { spec: { securityContext: {}, containers: [{ name: 'main', securityContext: {} }] } } } };
    expect(extractPodViews(flink).notCheckedReason).toMatch(/spec\.podTemplate\.spec looks like a pod spec; .*\(here templatePath: spec\.podTemplate\)$/);
    // Objects of no workload kind, and images named without a container around them, stay quiet.
    expect(extractPodViews({ apiVersion: 'image.toolkit.fluxcd.io/v1beta2', kind: 'ImageRepository', spec: { image: 'ghcr.io/x/y', interval: '1m' } }).notCheckedReason).toBeUndefined();
    expect(extractPodViews({ apiVersion: 'v1', kind: 'ConfigMap', data: { securityContext: 'x' } }).notCheckedReason).toBeUndefined();
  });

  it('searches an unknown kind to a bounded depth, skipping its own metadata and status', () => {
    let deep: unknown = spec;
    for (let i = 0; i < 16; i++) deep = { next: deep };
    expect(extractPodViews({ apiVersion: 'acme.io/v1', kind: 'Deep', spec: deep }).notCheckedReason).toBeUndefined();
    expect(extractPodViews({ apiVersion: 'acme.io/v1', kind: 'Deep', spec: (deep as { next: unknown }).next }).notCheckedReason).toBeDefined();
    expect(extractPodViews({ apiVersion: 'acme.io/v1', kind: 'Report', metadata: { name: 'r' }, status: { last: { spec } } })).toEqual({ views: [], shapeProblems: [] });
  });

  it('never treats non-workload kinds as unchecked workloads', () => {
    const configMap = { apiVersion: 'v1', kind: 'ConfigMap', data: { template: { spec: { containers: [] } } } } as unknown as KubeObject;
    expect(extractPodViews(configMap)).toEqual({ views: [], shapeProblems: [] });
    // A DaemonSet's revision history, as `kubectl get controllerrevisions -o yaml` lists it: its pods are the DaemonSet's.
    const revision = { apiVersion: 'apps/v1', kind: 'ControllerRevision', revision: 3, data: { spec: { template: { $patch: 'replace', spec } } } } as unknown as KubeObject;
    expect(extractPodViews(revision)).toEqual({ views: [], shapeProblems: [] });
    // Admission policies hold pod specs as patterns to match and patches to apply.
    const pattern = { spec: { securityContext: { runAsNonRoot: true }, containers: [{ name: '*', image: 'nginx', securityContext: { privileged: false } }] } };
    const kyverno = { apiVersion: 'kyverno.io/v1', kind: 'ClusterPolicy', metadata: { name: 'p' }, spec: { rules: [{ name: 'r', validate: { pattern }, mutate: { patchStrategicMerge: pattern } }] } };
    const gatekeeper = { apiVersion: 'mutations.gatekeeper.sh/v1', kind: 'Assign', metadata: { name: 'a' }, spec: { parameters: { assign: { value: pattern } } } };
    for (const policy of [kyverno, gatekeeper]) expect(extractPodViews(policy as unknown as KubeObject)).toEqual({ views: [], shapeProblems: [] });
    // The same pattern under a kind of another group is still listed.
    expect(extractPodViews({ ...kyverno, apiVersion: 'example.com/v1' } as unknown as KubeObject).notCheckedReason).toContain('looks like a pod spec');
  });

  it('expands Lists recursively, with item paths, reporting items that are not objects', () => {
    const list: KubeObject = {
      apiVersion: 'v1',
      kind: 'List',
      items: [
        { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a' }, spec },
        { apiVersion: 'v1', kind: 'DeploymentList', items: [{ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'b' }, spec: { template: { spec } } }] },
        42,
      ],
    };
    expect(expandLists(list).map((i) => [i.path, i.object.metadata?.name])).toEqual([['items[0]', 'a'], ['items[1].items[0]', 'b']]);
    const extraction = extractPodViews(list);
    expect(extraction.views.map((v) => v.object.metadata?.name)).toEqual(['a', 'b']);
    expect(extraction.shapeProblems).toEqual([{ path: 'items[2]', message: expect.stringContaining('a number (42)') }]);
  });
});

describe('shape problems agree with what the API server decodes', () => {
  const problemsOf = (podSpec: Record<string, unknown>) =>
    extractPodViews({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'app' }], ...podSpec } }).views[0].shapeProblems.map((p) => p.path);
  const withContainer = (container: Record<string, unknown>) => problemsOf({ containers: [{ name: 'app', ...container }] });

  it('reads a null label or annotation value as the empty string, as the server does', () => {
    const view = extractPodViews({
      apiVersion: 'v1', kind: 'Pod', metadata: { labels: { a: null, b: 'x' }, annotations: { c: null, d: 5 } } as never, spec: { containers: [{ name: 'app' }] },
    }).views[0];
    expect(view.shapeProblems.map((p) => p.path)).toEqual(['metadata.annotations.d']);
    expect(view.labels).toEqual({ a: '', b: 'x' });
    expect(view.annotations.c).toBe('');
  });

  it('refuses probe and hook handlers, envFrom sources and secret references of another type, where the host and Secret checks look', () => {
    expect(withContainer({
      livenessProbe: { httpGet: { port: 8080 } },
      lifecycle: { preStop: { exec: { command: ['x'] } } },
      envFrom: [{ secretRef: { name: 's' } }],
      env: [{ name: 'A', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }],
    })).toEqual([]);
    expect(withContainer({
      livenessProbe: { httpGet: 'x' },
      lifecycle: { preStop: 'x' },
      command: 'sh',
      envFrom: ['x', { secretRef: 'x' }],
      env: [{ name: 'A', valueFrom: { secretKeyRef: 'x' } }],
    }).sort()).toEqual([
      'spec.containers[0].command', 'spec.containers[0].envFrom[0]', 'spec.containers[0].envFrom[1].secretRef',
      'spec.containers[0].env[0].valueFrom.secretKeyRef', 'spec.containers[0].lifecycle.preStop', 'spec.containers[0].livenessProbe.httpGet',
    ]);
  });

  it('requires at least one container: a missing, null or empty list is a problem, as the API server refuses it', () => {
    const missing = { path: 'spec.containers', message: 'containers must be a list of at least one container, got nothing' };
    expect(extractPodViews({ apiVersion: 'v1', kind: 'Pod', spec: { container: [{ name: 'app', securityContext: { privileged: true } }] } }).views[0].shapeProblems).toEqual([missing]);
    expect(extractPodViews({ apiVersion: 'apps/v1', kind: 'Deployment', spec: { template: { spec: { initContainers: [{ name: 'init' }] } } } }).views[0].shapeProblems)
      .toEqual([{ path: 'spec.template.spec.containers', message: missing.message }]);
    expect(problemsOf({ containers: null })).toEqual(['spec.containers']);
    expect(extractPodViews({ apiVersion: 'v1', kind: 'Pod', spec: { containers: [] } }).views[0].shapeProblems)
      .toEqual([{ path: 'spec.containers', message: 'containers must be a list of at least one container, got an empty list' }]);
    // A spec that is not an object is one problem, not two.
    expect(extractPodViews({ apiVersion: 'v1', kind: 'Pod', spec: 'x' }).views[0].shapeProblems.map((p) => p.path)).toEqual(['spec']);
  });

  it('accepts a null capability name (the empty name) and refuses other types', () => {
    expect(withContainer({ securityContext: { capabilities: { add: [null], drop: [null, 'ALL'] } } })).toEqual([]);
    expect(withContainer({ securityContext: { capabilities: { add: [5], drop: [{}] } } })).toEqual([
      'spec.containers[0].securityContext.capabilities.add[0]',
      'spec.containers[0].securityContext.capabilities.drop[0]',
    ]);
  });

  it('wants runAsUser to be a whole number that fits in an int64', () => {
    for (const ok of [0, 1000, 2 ** 53, -(2 ** 62)]) expect(problemsOf({ securityContext: { runAsUser: ok } })).toEqual([]);
    for (const bad of [1000.5, 0.5, 1e20, 2 ** 63, -(2 ** 63), '1000']) {
      expect(problemsOf({ securityContext: { runAsUser: bad } })).toEqual(['spec.securityContext.runAsUser']);
      expect(withContainer({ securityContext: { runAsUser: bad } })).toEqual(['spec.containers[0].securityContext.runAsUser']);
    }
  });

  it('wants container and host ports to be whole numbers that fit in an int32', () => {
    expect(withContainer({ ports: [{ containerPort: 8080, hostPort: 8080 }, { containerPort: 2 ** 31 - 1 }] })).toEqual([]);
    expect(withContainer({ ports: [{ containerPort: '8080' }, { containerPort: 8080, hostPort: 8080.5 }, { containerPort: 2 ** 31 }, 'x'] })).toEqual([
      'spec.containers[0].ports[0].containerPort',
      'spec.containers[0].ports[1].hostPort',
      'spec.containers[0].ports[2].containerPort',
      'spec.containers[0].ports[3]',
    ]);
  });

  it('checks the deprecated serviceAccount, env entries and volume sources', () => {
    expect(problemsOf({ serviceAccount: 5 })).toEqual(['spec.serviceAccount']);
    expect(withContainer({ env: [{ name: 'A', value: 'x' }, { name: 'B', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }] })).toEqual([]);
    expect(withContainer({ env: [{ name: 'A', value: 5 }, { name: 5, value: 'x' }, { name: 'C', valueFrom: 'x' }, null] })).toEqual([
      'spec.containers[0].env[0].value',
      'spec.containers[0].env[1].name',
      'spec.containers[0].env[2].valueFrom',
      'spec.containers[0].env[3]',
    ]);
    expect(problemsOf({ volumes: [{ name: 'a', emptyDir: {} }, { name: 'b', emptyDir: null }, { name: 'c', notASource: 'x' }] })).toEqual([]);
    expect(problemsOf({ volumes: [{ name: 'a', emptyDir: 'x' }, { name: 'b', secret: [] }, { name: 'c', hostPath: '/etc' }] })).toEqual([
      'spec.volumes[0].emptyDir',
      'spec.volumes[1].secret',
      'spec.volumes[2].hostPath',
    ]);
  });
});
