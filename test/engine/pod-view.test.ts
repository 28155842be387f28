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

  it('matches custom kinds on kind and API group', () => {
    const kinds = new WorkloadKinds([{ kind: 'Worker', group: 'example.com', templatePath: 'spec.pod' }]);
    const worker = (apiVersion: string): KubeObject => ({ apiVersion, kind: 'Worker', spec: { pod: { spec } } });
    expect(extractPodViews(worker('example.com/v1'), kinds).views[0].specPath).toBe('spec.pod.spec');
    const other = extractPodViews(worker('other.io/v1'), kinds);
    expect(other.views).toEqual([]);
    expect(other.notCheckedReason).toMatch(/other\.io\/v1\/Worker is not a known workload kind.*spec\.pod/);
    expect(extractPodViews(worker('example.com/v1'), { workloadKinds: [{ kind: 'Worker', templatePath: 'spec.pod' }] }).views).toHaveLength(1);
  });

  it('never treats non-workload kinds as unchecked workloads', () => {
    const configMap = { apiVersion: 'v1', kind: 'ConfigMap', data: { template: { spec: { containers: [] } } } } as unknown as KubeObject;
    expect(extractPodViews(configMap)).toEqual({ views: [], shapeProblems: [] });
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
