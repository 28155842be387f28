import type { KubeObject } from '../../src/model/kube-object';
import { containerDefaults, limitRangeProblems } from '../../src/model/limit-range';
import { UNKNOWN_VALUE } from '../../src/model/pod-view';

function limitRange(limits: unknown): KubeObject {
  return { apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'defaults', namespace: 'shop' }, spec: { limits } };
}

const problems = (limits: unknown): string[] => limitRangeProblems(limitRange(limits)).map((p) => `${p.path}: ${p.message}`);

const ORDER = 'the API server requires min <= defaultRequest <= default <= max';

describe('limitRangeProblems: what the API server refuses in a LimitRange', () => {
  it.each<[string, unknown]>([
    ['defaults within min and max', [{ type: 'Container', min: { cpu: '50m' }, defaultRequest: { cpu: '100m', memory: '64Mi' }, default: { cpu: '1', memory: '256Mi' }, max: { cpu: '2', memory: '1Gi' } }]],
    ['equal amounts written two ways', [{ type: 'Container', defaultRequest: { cpu: '1000m', memory: '268435456' }, default: { cpu: '1', memory: '256Mi' } }]],
    ['one item of each type', [
      { type: 'Container', max: { 'cpu': '2', 'example.com/gpu': '1', 'hugepages-2Mi': '4Mi', 'ephemeral-storage': '1Gi' } },
      { type: 'Pod', max: { cpu: '4' }, default: {} },
      { type: 'PersistentVolumeClaim', min: { storage: '1Gi' }, max: { storage: '10Gi' } },
      { type: 'example.com/pool', max: { pods: '3', storage: '1Gi' } },
    ]],
    ['a ratio within max / min', [{ type: 'Container', min: { cpu: '500m' }, max: { cpu: '1' }, maxLimitRequestRatio: { cpu: '2' } }]],
    ['an extended resource whose default request equals its max', [{ type: 'Container', max: { 'example.com/gpu': '2' }, defaultRequest: { 'example.com/gpu': '2' } }]],
    ['values the server reads loosely: null and "." are 0, a number as written', [{ type: 'Container', default: { cpu: null, memory: 1073741824 }, min: { cpu: '.' } }]],
    ['no limits', null],
    ['an empty list', []],
    ['values not known yet', [{ type: 'Container', default: { cpu: UNKNOWN_VALUE }, max: { cpu: '1' } }, { type: UNKNOWN_VALUE, max: { cpu: '1' } }]],
  ])('admits %s', (_, limits) => {
    expect(problems(limits)).toEqual([]);
  });

  it.each<[string, unknown, string[]]>([
    ['a default above max', [{ type: 'Container', default: { memory: '512Mi', cpu: '1' }, defaultRequest: { memory: '64Mi', cpu: '100m' }, max: { memory: '256Mi' } }], [
      `spec.limits[0].default.memory: default of memory ("512Mi") is above its max ("256Mi"): ${ORDER}`,
    ]],
    ['a default that is not a quantity', [{ type: 'Container', default: { memory: 'lots', cpu: '1' } }], [
      'spec.limits[0].default.memory: default of memory must be a resource quantity (such as 500m, 2 or 256Mi), got a string ("lots")',
    ]],
    ['every ordering the server refuses, once each', [{ type: 'Container', min: { cpu: '2', memory: '1Gi' }, max: { cpu: '1' }, default: { memory: '512Mi' }, defaultRequest: { cpu: '3', memory: '256Mi' } }], [
      `spec.limits[0].min.cpu: min of cpu ("2") is above its max ("1"): ${ORDER}`,
      `spec.limits[0].defaultRequest.cpu: defaultRequest of cpu ("3") is above its max ("1"): ${ORDER}`,
      `spec.limits[0].defaultRequest.memory: defaultRequest of memory ("256Mi") is below its min ("1Gi"): ${ORDER}`,
      `spec.limits[0].default.memory: default of memory ("512Mi") is below its min ("1Gi"): ${ORDER}`,
    ]],
    ['a default request above the default', [{ type: 'Container', default: { cpu: '1' }, defaultRequest: { cpu: '1001m' } }], [
      `spec.limits[0].defaultRequest.cpu: defaultRequest of cpu ("1001m") is above its default ("1"): ${ORDER}`,
    ]],
    // The server takes max as the default, and a GPU cannot be overcommitted.
    ['an extended resource whose default request is below its max', [{ type: 'Container', max: { 'example.com/gpu': '2' }, defaultRequest: { 'example.com/gpu': '1' } }], [
      'spec.limits[0].defaultRequest.example.com/gpu: defaultRequest of example.com/gpu ("1") must equal its max ("2"), which the API server takes as its default: example.com/gpu cannot be overcommitted',
    ]],
    ['huge pages whose default request is below the default', [{ type: 'Container', default: { 'hugepages-2Mi': '4Mi' }, defaultRequest: { 'hugepages-2Mi': '2Mi' } }], [
      'spec.limits[0].defaultRequest.hugepages-2Mi: defaultRequest of hugepages-2Mi ("2Mi") must equal its default ("4Mi"): hugepages-2Mi cannot be overcommitted',
    ]],
    ['ratios below 1 and above max / min', [{ type: 'Container', min: { cpu: '500m' }, max: { cpu: '1' }, maxLimitRequestRatio: { cpu: '4', memory: '0.5' } }], [
      'spec.limits[0].maxLimitRequestRatio.cpu: maxLimitRequestRatio of cpu ("4") is above max / min ("1" / "500m"): no container within them could use it',
      'spec.limits[0].maxLimitRequestRatio.memory: maxLimitRequestRatio of memory ("0.5") is below 1: a limit is never below its request, so the ratio must be 1 or more',
    ]],
    ['defaults in a Pod limit, and a claim limit without storage', [{ type: 'Pod', default: { cpu: '1' }, defaultRequest: { cpu: '1' } }, { type: 'PersistentVolumeClaim', max: { cpu: '1' } }], [
      'spec.limits[0].default: a limit of type "Pod" cannot have default: LimitRanger writes defaults into containers, so give them in an item of type "Container"',
      'spec.limits[0].defaultRequest: a limit of type "Pod" cannot have defaultRequest: LimitRanger writes defaults into containers, so give them in an item of type "Container"',
      'spec.limits[1]: a limit of type "PersistentVolumeClaim" needs min.storage or max.storage, got neither',
    ]],
    ['types that are not limit types, or given twice', [{ type: 'container' }, { type: 'Container' }, { type: 'Container' }, {}, { type: 5 }, { type: 'a b/c' }], [
      'spec.limits[0].type: type must be "Container", "Pod" or "PersistentVolumeClaim" (or a fully qualified type, such as example.com/pool), got a string ("container")',
      'spec.limits[2].type: type "Container" is given again (first in spec.limits[1]): a LimitRange has one item per type; merge the two',
      'spec.limits[3].type: type must be "Container", "Pod" or "PersistentVolumeClaim" (or a fully qualified type, such as example.com/pool), got nothing',
      'spec.limits[4].type: type must be a string, "Container", "Pod" or "PersistentVolumeClaim" (or a fully qualified type, such as example.com/pool), got a number (5)',
      'spec.limits[5].type: type must be "Container", "Pod" or "PersistentVolumeClaim" (or a fully qualified type, such as example.com/pool), got a string ("a b/c"): its prefix "a b" is not a DNS subdomain (lowercase letters, digits, "-" and ".", at most 253 characters)',
    ]],
    ['resource names a container limit cannot name', [{ type: 'Container', default: { 'bad name': '1', 'storage': '1Gi', 'requests.example.com/x': '1', 'pods': '1' } }], [
      'spec.limits[0].default.bad name: "bad name" is no resource a limit of type "Container" can name: its name part must be 1 to 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit',
      'spec.limits[0].default.storage: "storage" is no resource a limit of type "Container" can name: a container requests cpu, memory, ephemeral-storage, hugepages-<size> or an extended resource (such as example.com/gpu)',
      'spec.limits[0].default.requests.example.com/x: "requests.example.com/x" is no resource a limit of type "Container" can name: it is not an extended resource name: a domain and a name, not starting with "requests.", that a quota can name as requests.<name>',
      'spec.limits[0].default.pods: "pods" is no resource a limit of type "Container" can name: a container requests cpu, memory, ephemeral-storage, hugepages-<size> or an extended resource (such as example.com/gpu)',
    ]],
    ['a resource name no limit can name', [{ type: 'PersistentVolumeClaim', max: { storage: '1Gi', gpu: '1' } }], [
      'spec.limits[0].max.gpu: "gpu" is no resource a limit of type "PersistentVolumeClaim" can name: it is neither a standard resource (such as cpu, memory, ephemeral-storage or storage) nor fully qualified (such as example.com/gpu)',
    ]],
    ['fields of the wrong type', [{ type: 'Container', default: ['cpu'], max: 'x', min: { cpu: true } }, null], [
      'spec.limits[1]: a LimitRange item must be an object (a type and min, max, default, defaultRequest or maxLimitRequestRatio), got null',
      'spec.limits[0].max: max must be a map of resource names to quantities (such as memory: 256Mi), got a string ("x")',
      'spec.limits[0].min.cpu: min of cpu must be a resource quantity (such as 500m, 2 or 256Mi), got a boolean (true)',
      'spec.limits[0].default: default must be a map of resource names to quantities (such as memory: 256Mi), got a list',
    ]],
    ['limits not a list', { type: 'Container' }, [
      'spec.limits: limits must be a list of LimitRange items (objects with a type and min, max, default, defaultRequest or maxLimitRequestRatio), got an object',
    ]],
  ])('refuses %s', (_, limits, expected) => {
    expect(problems(limits)).toEqual(expected);
  });

  it('refuses a spec that is not an object', () => {
    expect(limitRangeProblems({ apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'x' }, spec: 'x' })).toEqual([{ path: 'spec', message: 'spec must be an object (limits), got a string ("x")' }]);
  });
});

describe('containerDefaults: what a Container item writes into a container that sets none', () => {
  it('takes default, else max, as the limit; defaultRequest, else that limit, else min, as the request', () => {
    expect(containerDefaults({ default: { cpu: '1' }, defaultRequest: { cpu: '100m' }, max: { cpu: '2' } }, 'cpu')).toEqual({ limit: '1', request: '100m' });
    expect(containerDefaults({ max: { cpu: '2' }, min: { cpu: '1' } }, 'cpu')).toEqual({ limit: '2', request: '2' });
    expect(containerDefaults({ min: { cpu: '1' } }, 'cpu')).toEqual({ limit: undefined, request: '1' });
    expect(containerDefaults({ default: { memory: '1Gi' } }, 'cpu')).toEqual({ limit: undefined, request: undefined });
  });
  it('reads a given null as 0, which stands: max is not taken then', () => {
    expect(containerDefaults({ default: { cpu: null }, max: { cpu: '1' } }, 'cpu')).toEqual({ limit: 0, request: 0 });
  });
});
