import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { installMocks, registeredUnder } from './mocks';
import { HardpodError } from '../../src/model/errors';
import * as hp from '../../src/pulumi';
import { FIXTURE_IMAGE, FIXTURE_SIDECAR_IMAGE } from '../fixtures/workload-props';

/**
 * Components in a preview, where an Output of a resource not created yet (an image build, a
 * namespace) is unknown: literal props next to it are still checked at once and stay known.
 */
beforeAll(() => installMocks(true));

/** How the mocks record an input not known yet. */
const UNKNOWN_INPUT = { __pulumiUnknown: true };

/** A value that stays unknown in preview, as the output of a resource not created yet. */
let pendingResources = 0;
function unknownUntilDeployed(value: string): pulumi.Output<string> {
  const pending = new k8s.core.v1.ConfigMap(`unknown-${++pendingResources}`, {});
  return pending.id.apply(() => value);
}

describe('components with some inputs unknown in preview', () => {
  test('a literal namespace or sidecar image is checked at once although the main image is an Output', () => {
    const image = unknownUntilDeployed(FIXTURE_IMAGE);
    expect(() => new hp.HardenedDeployment('bad-ns', { image, port: 8080, namespace: 'Bad_NS' })).toThrow(HardpodError);
    expect(() => new hp.HardenedDeployment('bad-ns', { image, port: 8080, namespace: 'Bad_NS' })).toThrow(/namespace "Bad_NS" is not a DNS label/);
    expect(() => new hp.HardenedDeployment('bad-sidecar', { image, port: 8080, sidecars: [{ name: 'side', image: 'busybox:latest' }] }))
      .toThrow(/container side\): image "busybox:latest" is not pinned by digest/);
  });

  test('a literal image is checked at once although the namespace is an Output', () => {
    expect(() => new hp.HardenedDeployment('tagged', { image: 'nginx:1.25', port: 8080, namespace: unknownUntilDeployed('shop') }))
      .toThrow(/image "nginx:1.25" is not pinned by digest/);
  });

  test('literal values stay known in every child; only the Output\'s fields are unknown', async () => {
    const web = new hp.HardenedDeployment('mixed', {
      image: unknownUntilDeployed(FIXTURE_IMAGE),
      port: 8080,
      namespace: 'shop',
      sidecars: [{ name: 'proxy', image: FIXTURE_SIDECAR_IMAGE, port: 15001 }],
    });
    const { records } = await registeredUnder(web.resources);
    expect(records.length).toBe(web.resources.length);
    for (const r of records) expect(r.inputs.metadata.namespace).toBe('shop');
    const pod = records.find((r) => r.type === 'kubernetes:apps/v1:Deployment')!.inputs.spec.template.spec;
    expect(pod.containers[1].image).toBe(FIXTURE_SIDECAR_IMAGE);
    expect(pod.containers[0].image).toEqual(UNKNOWN_INPUT);
  });
});
