import { check, deployment, outcome, violations } from './context';
import { evaluate } from '../../../src/engine/evaluate';
import type { KubeObject } from '../../../src/model/kube-object';
import { UNKNOWN_VALUE } from '../../../src/model/pod-view';
import { allowedRegistries } from '../../../src/rules/allowed-registries';
import { RULES } from '../../../src/rules/catalogue';
import { dedicatedServiceAccount } from '../../../src/rules/dedicated-service-account';
import { imageDigest } from '../../../src/rules/image-digest';
import { isCredentialName, noLiteralCredentials } from '../../../src/rules/no-literal-credentials';
import { notDefaultNamespace } from '../../../src/rules/not-default-namespace';
import { probes } from '../../../src/rules/probes';
import { readOnlyRootFilesystem } from '../../../src/rules/read-only-root-filesystem';
import { resources } from '../../../src/rules/resources';
import { secretsAsFiles } from '../../../src/rules/secrets-as-files';
import { quote } from '../../../src/rules/support/pss';

const SECURE = { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } };

describe('read-only-root-filesystem', () => {
  test('passes when every container sets it', () => {
    expect(outcome(check(readOnlyRootFilesystem, deployment()))).toBe('pass');
  });
  test('fails an unset or false value, naming the container field', () => {
    const unset = violations(check(readOnlyRootFilesystem, deployment({ container: { securityContext: {} } })));
    expect(unset).toEqual([expect.objectContaining({ path: 'spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem' })]);
    expect(unset[0].message).toContain('container "app"');
    expect(outcome(check(readOnlyRootFilesystem, deployment({ container: { securityContext: { ...SECURE, readOnlyRootFilesystem: false } } })))).toBe('fail');
  });
  test('judges init containers too', () => {
    const result = check(readOnlyRootFilesystem, deployment({ pod: { initContainers: [{ name: 'setup', image: 'x' }] } }));
    expect(violations(result).map((v) => v.path)).toEqual(['spec.template.spec.initContainers[0].securityContext.readOnlyRootFilesystem']);
  });
  test('Windows pods are not judged: the API server refuses the field when spec.os.name is windows', () => {
    const windows = deployment({ pod: { os: { name: 'windows' } }, container: { securityContext: { windowsOptions: { runAsUserName: 'ContainerUser' } } } });
    expect(check(readOnlyRootFilesystem, windows)).toBe('not-applicable');
    expect(outcome(check(readOnlyRootFilesystem, deployment({ pod: { os: { name: 'linux' } }, container: { securityContext: {} } })))).toBe('fail');
  });
  test('an unknown value is unknown, not a failure', () => {
    expect(outcome(check(readOnlyRootFilesystem, deployment({ container: { securityContext: { readOnlyRootFilesystem: UNKNOWN_VALUE } } })))).toBe('unknown');
  });
});

describe('resources', () => {
  test('passes with requests and limits', () => {
    expect(outcome(check(resources, deployment()))).toBe('pass');
  });
  test('fails values that declare nothing: not a quantity, negative, or a request above its limit', () => {
    const bad = deployment({ container: { resources: { requests: { cpu: 'lots', memory: '512Mi' }, limits: { cpu: '-1', memory: '256Mi' } } } });
    expect(violations(check(resources, bad)).map((v) => [v.path, v.message])).toEqual([
      [expect.stringMatching(/resources\.requests\.cpu$/), expect.stringContaining('sets resources.requests.cpu to "lots", which is not a resource quantity of 0 or more')],
      [expect.stringMatching(/resources\.limits\.cpu$/), expect.stringContaining('sets resources.limits.cpu to "-1"')],
      [expect.stringMatching(/resources\.requests\.memory$/), expect.stringContaining('requests more memory ("512Mi") than its limit ("256Mi"), which the API server refuses')],
    ]);
    const fine = deployment({ container: { resources: { requests: { cpu: 0.5, memory: '1e3' }, limits: { cpu: '500m', memory: '1Ki' } } } });
    expect(outcome(check(resources, fine))).toBe('pass');
  });

  test('fails a container without resources, listing what is missing', () => {
    const [v] = violations(check(resources, deployment({ container: { resources: undefined } })));
    expect(v.message).toContain('requests.cpu, resources.limits.cpu, resources.requests.memory, resources.limits.memory');
  });
  test('a limit alone also bounds the request (the API server defaults it)', () => {
    const result = check(resources, deployment({ container: { resources: { limits: { cpu: '1', memory: '1Gi' } } } }));
    expect(outcome(result)).toBe('pass');
  });
  test('the CPU limit is required unless the config makes it optional', () => {
    const noCpuLimit = deployment({ container: { resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } } } });
    expect(violations(check(resources, noCpuLimit)).map((v) => v.message)).toEqual([expect.stringContaining('limits.cpu')]);
    expect(outcome(check(resources, noCpuLimit, { config: { hardened: { requireCpuLimit: false } } }))).toBe('pass');
    expect(() => check(resources, noCpuLimit, { config: { hardened: { requireCpuLimit: 'no' as unknown as boolean } } })).toThrow(/requireCpuLimit must be true or false/);
  });
  test('a request or limit of 0 declares nothing: the kubelet sets no limit of 0, and a request of 0 reserves nothing', () => {
    const zeros = deployment({ container: { resources: { requests: { cpu: '0', memory: 0 }, limits: { cpu: '0m', memory: '0Gi' } } } });
    expect(violations(check(resources, zeros)).map((v) => [v.path, v.message])).toEqual([
      [expect.stringMatching(/resources\.requests\.cpu$/), 'container "app" sets resources.requests.cpu to "0", which reserves nothing for it: give a quantity above 0 such as 100m or 1'],
      [expect.stringMatching(/resources\.limits\.cpu$/), 'container "app" sets resources.limits.cpu to "0m", which sets no limit at all: give a quantity above 0 such as 100m or 1'],
      [expect.stringMatching(/resources\.requests\.memory$/), expect.stringContaining('sets resources.requests.memory to "0", which reserves nothing')],
      [expect.stringMatching(/resources\.limits\.memory$/), expect.stringContaining('sets resources.limits.memory to "0Gi", which sets no limit at all')],
    ]);
    // A limit alone is copied to the request, so a limit of 0 zeroes both.
    const [limitOnly, ...rest] = violations(check(resources, deployment({ container: { resources: { limits: { cpu: '1', memory: '0' } } } })));
    expect(rest).toEqual([]);
    expect(limitOnly.message).toContain('"0", which sets no limit at all (and, copied to the absent request, reserves nothing)');
  });
  test('from Kubernetes 1.34 the pod\'s spec.resources bounds the containers that set none', () => {
    const podLevel = { resources: { requests: { cpu: '500m', memory: '512Mi' }, limits: { cpu: '1', memory: '1Gi' } }, initContainers: [{ name: 'setup', image: 'x' }] };
    const shared = deployment({ pod: podLevel, container: { resources: undefined } });
    expect(outcome(check(resources, shared))).toBe('pass');
    // A pod-level limit alone is also the pod's request; a pod-level request alone bounds nothing.
    expect(outcome(check(resources, deployment({ pod: { resources: { limits: { cpu: '1', memory: '1Gi' } } }, container: { resources: undefined } })))).toBe('pass');
    const requestOnly = deployment({ pod: { resources: { requests: { cpu: '1', memory: '1Gi' } } }, container: { resources: undefined } });
    expect(violations(check(resources, requestOnly)).map((v) => v.message)).toEqual(['container "app" must set resources.limits.cpu, resources.limits.memory']);
    // Before 1.34 the API server drops spec.resources (the PodLevelResources gate is off by default).
    expect(outcome(check(resources, shared, { config: { kubernetesVersion: '1.33' } }))).toBe('fail');
    expect(resources.remediation).toContain('from Kubernetes 1.34 in the pod\'s spec.resources');
  });
  test('a LimitRange of the workload\'s namespace, in the input or declared, bounds the containers it gives defaults', () => {
    const bare = deployment({ pod: { initContainers: [{ name: 'setup', image: 'x' }] }, container: { resources: undefined } });
    // LimitRanger writes default into limits and defaultRequest into requests; without a defaultRequest the
    // server defaults it to default (then max, then min) when it stores the LimitRange.
    const withDefault = limitRange('shop', { default: { cpu: '500m', memory: '256Mi' } });
    expect(outcome(check(resources, bare, { input: [withDefault] }))).toBe('pass');
    expect(outcome(check(resources, bare, { config: { cluster: { objects: [withDefault] } } }))).toBe('pass');
    expect(outcome(check(resources, bare, { input: [limitRange('shop', { max: { cpu: '1', memory: '1Gi' } })] }))).toBe('pass');
    // Declared without a namespace, it stands for one in every namespace.
    expect(outcome(check(resources, bare, { config: { cluster: { objects: [limitRange(null, { default: { cpu: '1', memory: '1Gi' } })] } } }))).toBe('pass');
    // Only what it gives counts: defaultRequest or min alone set no limit.
    const requestsOnly = violations(check(resources, bare, { input: [limitRange('shop', { defaultRequest: { cpu: '100m' }, min: { memory: '64Mi' } })] }));
    expect(requestsOnly.map((v) => v.message)).toEqual(['init container "setup"', 'container "app"'].map((c) => `${c} must set resources.limits.cpu, resources.limits.memory`));
    const partial = violations(check(resources, deployment({ container: { resources: { requests: { cpu: '100m' } } } }), { input: [limitRange('shop', { default: { memory: '256Mi' } })] }));
    expect(partial.map((v) => v.message)).toEqual(['container "app" must set resources.limits.cpu']);
    // Another namespace's LimitRange, a Pod-type item, a value the server refuses or another group's kind give nothing.
    for (const other of [
      limitRange('other', { default: { cpu: '1', memory: '1Gi' } }),
      limitRange('shop', { type: 'Pod', max: { cpu: '1', memory: '1Gi' } }),
      limitRange('shop', { default: { cpu: 'lots', memory: '0' } }),
      { ...limitRange('shop', { default: { cpu: '1', memory: '1Gi' } }), apiVersion: 'example.com/v1' },
    ]) {
      expect([other.metadata, outcome(check(resources, bare, { input: [other] }))]).toEqual([other.metadata, 'fail']);
    }
    // Namespace-less output is installed with its namespace-less LimitRange.
    expect(outcome(check(resources, deployment({ namespace: null, container: { resources: undefined } }), { input: [limitRange(null, { default: { cpu: '1', memory: '1Gi' } })] }))).toBe('pass');
    // Input without the namespace's LimitRanges: a failure, as before (not unknown).
    expect(violations(check(resources, bare)).every((v) => v.unknown === undefined)).toBe(true);
  });
  test('a LimitRange the API server refuses is never created: it bounds no container', () => {
    const bare = deployment({ container: { resources: undefined } });
    const all = ['container "app" must set resources.requests.cpu, resources.limits.cpu, resources.requests.memory, resources.limits.memory'];
    const messages = (range: KubeObject) => violations(check(resources, bare, { input: [range] })).map((v) => v.message);
    // A default above max.
    const aboveMax = limitRange('shop', { default: { memory: '512Mi', cpu: '1' }, defaultRequest: { memory: '64Mi', cpu: '100m' }, max: { memory: '256Mi' } });
    expect(messages(aboveMax)).toEqual(all);
    expect(messages({ ...aboveMax, spec: { limits: [{ type: 'Container', default: { memory: '512Mi', cpu: '1' }, defaultRequest: { memory: '64Mi', cpu: '100m' }, max: { memory: '1Gi' } }] } })).toEqual([]);
    // One invalid quantity refuses the whole LimitRange, its valid cpu default too.
    expect(messages(limitRange('shop', { default: { memory: 'lots', cpu: '1' } }))).toEqual(all);
    // A second Container item, or a Pod item with defaults.
    expect(messages({ ...aboveMax, spec: { limits: [{ type: 'Container', default: { cpu: '1', memory: '1Gi' } }, { type: 'Container', default: { cpu: '2' } }] } })).toEqual(all);
    expect(messages({ ...aboveMax, spec: { limits: [{ type: 'Container', default: { cpu: '1', memory: '1Gi' } }, { type: 'Pod', default: { cpu: '2' } }] } })).toEqual(all);
  });
  test('a LimitRange default given as null is 0: the server stores it, and takes no max for it', () => {
    const bare = deployment({ container: { resources: undefined } });
    const range = limitRange('shop', { default: { cpu: null, memory: '1Gi' }, max: { cpu: '1' } });
    expect(violations(check(resources, bare, { input: [range] })).map((v) => v.message)).toEqual(['container "app" must set resources.requests.cpu, resources.limits.cpu']);
  });
  test('the engine hands a LimitRange of the input to the resources rule, even when no cross-object rule runs', () => {
    const bare = deployment({ container: { resources: undefined } });
    const inputRulesOff = Object.fromEntries(RULES.filter((r) => r.scope === 'input').map((r) => [r.id, { enabled: false }]));
    for (const rules of [{}, inputRulesOff]) {
      const report = evaluate([bare, limitRange('shop', { default: { cpu: '1', memory: '1Gi' } })].map((object) => ({ object, source: { file: 'chart.yaml' } })), { rules });
      expect(report.findings.filter((f) => f.rule === 'resources').map((f) => `${f.outcome}: ${f.message}`)).toEqual([]);
    }
  });
  test('a request above the default limit a LimitRange writes beside it fails, as the API server refuses the pod', () => {
    const range = limitRange('shop', { default: { cpu: '500m', memory: '256Mi' } });
    const above = deployment({ container: { resources: { requests: { cpu: '1', memory: '128Mi' }, limits: { memory: '256Mi' } } } });
    expect(violations(check(resources, above, { input: [range] })).map((v) => [v.path, v.message])).toEqual([[
      'spec.template.spec.containers[0].resources.requests.cpu',
      'container "app" requests more cpu ("1") than the default limit ("500m") a LimitRange of its namespace writes for it, which the API server refuses: lower the request or set a limit',
    ]]);
    // Its own limit, or a request within the default, is what the server stores.
    expect(outcome(check(resources, deployment({ container: { resources: { requests: { cpu: '1', memory: '128Mi' }, limits: { cpu: '2', memory: '256Mi' } } } }), { input: [range] }))).toBe('pass');
    expect(outcome(check(resources, deployment({ container: { resources: { requests: { cpu: '500m', memory: '128Mi' }, limits: { memory: '256Mi' } } } }), { input: [range] }))).toBe('pass');
  });
  test('in a preview, a namespace not known yet matters only to a container a LimitRange would bound', () => {
    const preview = (object: KubeObject) => ({ object, source: { resourceName: `urn:pulumi:dev::shop::kubernetes:${object.kind}::${object.kind.toLowerCase()}` } });
    const inPreview = (container: Record<string, unknown>) => {
      const workload = deployment({ namespace: UNKNOWN_VALUE, container });
      const report = evaluate([preview(workload), preview(limitRange('shop', { default: { cpu: '1', memory: '1Gi' } }))]);
      return report.findings.filter((f) => f.rule === 'resources').map((f) => f.outcome);
    };
    expect(inPreview({})).toEqual([]);
    expect(inPreview({ resources: undefined })).toEqual(['unknown']);
  });
  test('the memory limit is always required', () => {
    const result = check(resources, deployment({ container: { resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1' } } } }), { config: { hardened: { requireCpuLimit: false } } });
    expect(violations(result)[0].message).toContain('limits.memory');
  });
});

describe('dedicated-service-account', () => {
  test('passes a named service account', () => {
    expect(outcome(check(dedicatedServiceAccount, deployment()))).toBe('pass');
  });
  test('fails an unset or `default` service account', () => {
    expect(violations(check(dedicatedServiceAccount, deployment({ pod: { serviceAccountName: undefined } })))[0].message).toContain('not set');
    expect(outcome(check(dedicatedServiceAccount, deployment({ pod: { serviceAccountName: 'default' } })))).toBe('fail');
  });
  test('reads the deprecated serviceAccount field', () => {
    expect(outcome(check(dedicatedServiceAccount, deployment({ pod: { serviceAccountName: undefined, serviceAccount: 'web' } })))).toBe('pass');
  });
});

describe('probes', () => {
  test('passes with readiness and liveness probes', () => {
    expect(outcome(check(probes, deployment()))).toBe('pass');
  });
  test('fails each missing probe', () => {
    const result = check(probes, deployment({ container: { readinessProbe: undefined, livenessProbe: undefined } }));
    expect(violations(result).map((v) => v.path)).toEqual([
      'spec.template.spec.containers[0].readinessProbe',
      'spec.template.spec.containers[0].livenessProbe',
    ]);
  });
  test('run-to-completion pods (Jobs, CronJobs) are not applicable', () => {
    const job = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j' }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'x' }] } } } };
    expect(check(probes, job)).toBe('not-applicable');
  });
  test('init containers need no probes', () => {
    expect(outcome(check(probes, deployment({ pod: { initContainers: [{ name: 'setup', image: 'x' }] } })))).toBe('pass');
    expect(outcome(check(probes, deployment({ pod: { initContainers: [{ name: 'setup', image: 'x', restartPolicy: 'OnFailure' }] } })))).toBe('pass');
  });
  test('a sidecar init container (restartPolicy: Always) runs for the pod\'s whole life and needs both probes', () => {
    const proxy = { name: 'proxy', image: 'x', restartPolicy: 'Always', readinessProbe: { tcpSocket: { port: 15000 } } };
    expect(violations(check(probes, deployment({ pod: { initContainers: [{ name: 'setup', image: 'x' }, proxy] } })))).toEqual([
      { path: 'spec.template.spec.initContainers[1].livenessProbe', message: 'init container "proxy" (a sidecar: restartPolicy Always) has no livenessProbe' },
    ]);
    const probed = { ...proxy, livenessProbe: { tcpSocket: { port: 15000 } } };
    expect(outcome(check(probes, deployment({ pod: { initContainers: [probed] } })))).toBe('pass');
  });
  test('at Kubernetes 1.28 and older an init container with restartPolicy: Always is no sidecar and needs no probes: the API server drops the field', () => {
    // SidecarContainers: alpha (off) in 1.28, beta and on by default from 1.29; before 1.28 the field does not exist.
    const proxy = { name: 'proxy', image: 'x', restartPolicy: 'Always' };
    const pod = deployment({ pod: { initContainers: [proxy] } });
    expect(outcome(check(probes, pod, { config: { kubernetesVersion: '1.28' } }))).toBe('pass');
    expect(outcome(check(probes, pod, { config: { kubernetesVersion: '1.20' } }))).toBe('pass');
    expect(violations(check(probes, pod, { config: { kubernetesVersion: '1.29' } })).map((v) => v.path)).toEqual([
      'spec.template.spec.initContainers[0].readinessProbe', 'spec.template.spec.initContainers[0].livenessProbe',
    ]);
    // Nor is one whose restartPolicy is not known yet.
    expect(outcome(check(probes, deployment({ pod: { initContainers: [{ ...proxy, restartPolicy: UNKNOWN_VALUE }] } }), { config: { kubernetesVersion: '1.28' } }))).toBe('pass');
  });
  test('a probe on a port name the container does not declare fails: the API server admits it and the kubelet fails the probe every time', () => {
    const ports = [{ name: 'http', containerPort: 8080 }];
    const probed = {
      ports,
      readinessProbe: { httpGet: { path: '/ready', port: 'http' } },
      livenessProbe: { tcpSocket: { port: 'htpp' } },
      startupProbe: { httpGet: { path: '/', port: 'web' } },
    };
    expect(violations(check(probes, deployment({ container: probed })))).toEqual([
      { path: 'spec.template.spec.containers[0].livenessProbe.tcpSocket.port', message: 'container "app" livenessProbe is on port "htpp", which no port of the container is named: the kubelet fails the probe every time' },
      { path: 'spec.template.spec.containers[0].startupProbe.httpGet.port', message: 'container "app" startupProbe is on port "web", which no port of the container is named: the kubelet fails the probe every time' },
    ]);
    // A sidecar resolves names against its own ports; numbers need no declared port.
    const proxy = { name: 'proxy', image: 'x', restartPolicy: 'Always', readinessProbe: { tcpSocket: { port: 'http' } }, livenessProbe: { tcpSocket: { port: 15000 } } };
    expect(violations(check(probes, deployment({ pod: { initContainers: [proxy] }, container: { ports } }))).map((v) => v.path)).toEqual([
      'spec.template.spec.initContainers[0].readinessProbe.tcpSocket.port',
    ]);
    expect(outcome(check(probes, deployment({ container: { ports: [{ name: 'http', containerPort: 8080 }, { name: 'admin', containerPort: 9000 }], livenessProbe: { httpGet: { port: 'admin' } } } })))).toBe('pass');
    // A port or port list not known yet is unknown.
    expect(outcome(check(probes, deployment({ container: { ports: UNKNOWN_VALUE, livenessProbe: { httpGet: { port: 'admin' } } } })))).toBe('unknown');
    expect(outcome(check(probes, deployment({ container: { ports: [{ name: UNKNOWN_VALUE, containerPort: 9000 }], livenessProbe: { httpGet: { port: 'admin' } } } })))).toBe('unknown');
  });
  test('a lifecycle hook on a port name the container does not declare fails, as a probe does: the kubelet fails the hook every time', () => {
    const ports = [{ name: 'http', containerPort: 8080 }];
    const hooked = { ports, lifecycle: { postStart: { httpGet: { path: '/warm', port: 'htpp' } }, preStop: { httpGet: { path: '/drain', port: 'admin' } } } };
    expect(violations(check(probes, deployment({ container: hooked })))).toEqual([
      { path: 'spec.template.spec.containers[0].lifecycle.postStart.httpGet.port', message: 'container "app" postStart hook is on port "htpp", which no port of the container is named: the kubelet fails the hook every time and kills the container' },
      { path: 'spec.template.spec.containers[0].lifecycle.preStop.httpGet.port', message: 'container "app" preStop hook is on port "admin", which no port of the container is named: the kubelet fails the hook every time and stops the container without it' },
    ]);
    expect(outcome(check(probes, deployment({ container: { ports, lifecycle: { postStart: { httpGet: { port: 'http' } }, preStop: { httpGet: { port: 8080 } } } } })))).toBe('pass');
    // A sidecar's hooks resolve names against its own ports.
    const proxy = { name: 'proxy', image: 'x', restartPolicy: 'Always', readinessProbe: { tcpSocket: { port: 15000 } }, livenessProbe: { tcpSocket: { port: 15000 } }, lifecycle: { preStop: { httpGet: { port: 'http' } } } };
    expect(violations(check(probes, deployment({ pod: { initContainers: [proxy] }, container: { ports } }))).map((v) => v.path)).toEqual([
      'spec.template.spec.initContainers[0].lifecycle.preStop.httpGet.port',
    ]);
    // A port list or port name not known yet is unknown.
    expect(outcome(check(probes, deployment({ container: { ports: UNKNOWN_VALUE, lifecycle: { preStop: { httpGet: { port: 'admin' } } } } })))).toBe('unknown');
    expect(outcome(check(probes, deployment({ container: { ports, lifecycle: { preStop: { httpGet: { port: UNKNOWN_VALUE } } } } })))).toBe('unknown');
  });
  test('a tcpSocket lifecycle hook fails whatever its port: the kubelet runs exec, httpGet and sleep hooks only', () => {
    const ports = [{ name: 'http', containerPort: 8080 }];
    const hooked = { ports, lifecycle: { postStart: { tcpSocket: { port: 'http' } }, preStop: { tcpSocket: { port: 8080 } } } };
    expect(violations(check(probes, deployment({ container: hooked })))).toEqual([
      { path: 'spec.template.spec.containers[0].lifecycle.postStart.tcpSocket', message: 'container "app" postStart hook uses tcpSocket, which is not a hook the kubelet runs: the kubelet fails the hook every time and kills the container; use httpGet, exec or sleep' },
      { path: 'spec.template.spec.containers[0].lifecycle.preStop.tcpSocket', message: 'container "app" preStop hook uses tcpSocket, which is not a hook the kubelet runs: the kubelet fails the hook every time and stops the container without it; use httpGet, exec or sleep' },
    ]);
  });
  test('a Knative Service\'s serving container has the TCP readiness probe Knative gives it, and still needs a liveness probe', () => {
    // The helloworld-go example of the Knative docs, with a sidecar beside it in the second case.
    const ksvc = (containers: unknown[]) => ({ apiVersion: 'serving.knative.dev/v1', kind: 'Service', metadata: { name: 'helloworld-go' }, spec: { template: { spec: { containers } } } });
    const serving = { image: 'gcr.io/knative-samples/helloworld-go', ports: [{ containerPort: 8080 }], env: [{ name: 'TARGET', value: 'Go Sample v1' }] };
    expect(violations(check(probes, ksvc([{ ...serving, ports: undefined }]))).map((v) => v.path)).toEqual(['spec.template.spec.containers[0].livenessProbe']);
    const sidecar = { name: 'logger', image: 'fluent/fluent-bit' };
    expect(violations(check(probes, ksvc([{ ...serving, name: 'app' }, sidecar]))).map((v) => v.path)).toEqual([
      'spec.template.spec.containers[0].livenessProbe', 'spec.template.spec.containers[1].readinessProbe', 'spec.template.spec.containers[1].livenessProbe',
    ]);
    // An Argo Rollout gets no probe by default.
    const rollout = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: { name: 'r' }, spec: { template: { spec: { containers: [serving] } } } };
    expect(violations(check(probes, rollout)).map((v) => v.path)).toEqual(['spec.template.spec.containers[0].readinessProbe', 'spec.template.spec.containers[0].livenessProbe']);
  });
  test('a pod whose restartPolicy is not known yet may run to completion: a container lacking probes is unknown, not failed', () => {
    const unprobed = deployment({ pod: { restartPolicy: UNKNOWN_VALUE }, container: { readinessProbe: undefined, livenessProbe: undefined } });
    const result = check(probes, unprobed);
    expect(violations(result)).toEqual([expect.objectContaining({ path: 'spec.template.spec.restartPolicy', unknown: true })]);
    expect(outcome(check(probes, deployment({ pod: { restartPolicy: UNKNOWN_VALUE } })))).toBe('pass');
  });
  test('an init container whose restartPolicy is not known yet is unknown when it lacks probes', () => {
    const [v, ...rest] = violations(check(probes, deployment({ pod: { initContainers: [{ name: 'proxy', image: 'x', restartPolicy: UNKNOWN_VALUE }] } })));
    expect(rest).toEqual([]);
    expect(v).toEqual(expect.objectContaining({ path: 'spec.template.spec.initContainers[0].restartPolicy', unknown: true }));
  });
});

describe('image-digest', () => {
  test('passes a digest-pinned image', () => {
    expect(outcome(check(imageDigest, deployment()))).toBe('pass');
  });
  test('fails a tag, and calls out latest written or implied', () => {
    expect(violations(check(imageDigest, deployment({ container: { image: 'nginx:1.27' } })))[0].message).toMatch(/not pinned by digest$/);
    expect(violations(check(imageDigest, deployment({ container: { image: 'nginx:latest' } })))[0].message).toContain('uses the moving tag "latest"');
    expect(violations(check(imageDigest, deployment({ container: { image: 'nginx' } })))[0].message).toContain('implies the moving tag "latest"');
  });
  test('a malformed reference fails with the parser\'s explanation', () => {
    const [v] = violations(check(imageDigest, deployment({ container: { image: 'Nginx@sha256:abc' } })));
    expect(v.message).toMatch(/invalid image reference/);
    expect(v.path).toBe('spec.template.spec.containers[0].image');
  });
});

describe('allowed-registries', () => {
  const config = { hardened: { allowedRegistries: ['registry.example.com', 'ghcr.io/acme'] } };
  test('is not applicable without a configured list', () => {
    expect(check(allowedRegistries, deployment())).toBe('not-applicable');
  });
  test('passes images under an allowed host or host/path prefix', () => {
    expect(outcome(check(allowedRegistries, deployment(), { config }))).toBe('pass');
    expect(outcome(check(allowedRegistries, deployment({ container: { image: 'ghcr.io/acme/api:1' } }), { config }))).toBe('pass');
  });
  test('fails other registries, matching whole path components, with Docker Hub written out', () => {
    expect(violations(check(allowedRegistries, deployment({ container: { image: 'nginx' } }), { config }))[0].message).toBe(
      'container "app" image "nginx" is docker.io/library/nginx, which is under none of allowedRegistries (registry.example.com, ghcr.io/acme)',
    );
    // An allowed host/path prefix: the message names the whole image, not a host that looks allowed.
    expect(violations(check(allowedRegistries, deployment({ container: { image: 'ghcr.io/acme-evil/api:1' } }), { config }))[0].message).toContain(
      'is ghcr.io/acme-evil/api, which is under none of allowedRegistries',
    );
    expect(outcome(check(allowedRegistries, deployment({ container: { image: 'nginx' } }), { config: { hardened: { allowedRegistries: ['index.docker.io/library'] } } }))).toBe('pass');
  });
  test('reads the image host in any case, as DNS does: GHCR.IO/acme/api is pulled from ghcr.io', () => {
    expect(outcome(check(allowedRegistries, deployment({ container: { image: 'GHCR.IO/acme/api:1' } }), { config }))).toBe('pass');
    expect(violations(check(allowedRegistries, deployment({ container: { image: 'GHCR.IO/other/api:1' } }), { config }))[0].message).toContain('is ghcr.io/other/api,');
  });
  test('a malformed list is a clear error', () => {
    expect(() => check(allowedRegistries, deployment(), { config: { hardened: { allowedRegistries: 'ghcr.io' as unknown as string[] } } })).toThrow(/non-empty list/);
  });
});

describe('secrets-as-files', () => {
  test('passes without secret env', () => {
    expect(outcome(check(secretsAsFiles, deployment({ container: { env: [{ name: 'MODE', value: 'prod' }] } })))).toBe('pass');
  });
  test('fails secretKeyRef and envFrom secretRef', () => {
    const result = check(secretsAsFiles, deployment({
      container: {
        env: [{ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } }],
        envFrom: [{ configMapRef: { name: 'settings' } }, { secretRef: { name: 'all' } }],
      },
    }));
    expect(violations(result).map((v) => v.path)).toEqual([
      'spec.template.spec.containers[0].env[0].valueFrom.secretKeyRef',
      'spec.template.spec.containers[0].envFrom[1].secretRef',
    ]);
  });
  test('the remediation can be followed by a non-root process: 0400 files of root are readable through fsGroup only', () => {
    expect(secretsAsFiles.remediation).toContain('defaultMode 0400, and the pod\'s securityContext.fsGroup set');
  });
});

describe('no-literal-credentials', () => {
  test('passes ordinary settings and references to credentials', () => {
    const env = [
      { name: 'LOG_LEVEL', value: 'debug' },
      { name: 'PASSWORD_FILE', value: '/run/secrets/db' },
      { name: 'TOKEN_URL', value: 'https://auth.example.com/token' },
      { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
    ];
    expect(outcome(check(noLiteralCredentials, deployment({ container: { env } })))).toBe('pass');
  });
  test('fails credential names with literal values, never echoing the value', () => {
    const [v] = violations(check(noLiteralCredentials, deployment({ container: { env: [{ name: 'DB_PASSWORD', value: 'hunter2' }] } })));
    expect(v.path).toBe('spec.template.spec.containers[0].env[0].value');
    expect(v.message).toContain('DB_PASSWORD');
    expect(v.message).not.toContain('hunter2');
  });
  test('fails credential-shaped values under any name', () => {
    const env = [
      { name: 'X', value: 'AKIAABCDEFGHIJKLMNOP' },
      { name: 'DATABASE_URL', value: 'postgres://app:s3cret@db:5432/app' },
    ];
    const found = violations(check(noLiteralCredentials, deployment({ container: { env } })));
    expect(found.map((v) => v.message)).toEqual([expect.stringContaining('AWS access key'), expect.stringContaining('URL with a password')]);
    expect(found.some((v) => v.message.includes('s3cret'))).toBe(false);
  });
  test('a URL whose password is filled in from other variables ($(VAR)) passes; one with only a password fails', () => {
    const composed = [
      { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
      { name: 'DATABASE_URL', value: 'postgres://$(DB_USER):$(DB_PASSWORD)@db:5432/app' },
      { name: 'BROKER_URL', value: 'amqp://app:$(RABBIT_PASSWORD)$(SUFFIX)@rabbit:5672/' },
    ];
    expect(outcome(check(noLiteralCredentials, deployment({ container: { env: composed } })))).toBe('pass');
    const written = [
      { name: 'REDIS_URL', value: 'redis://:s3cr3t@redis:6379/0' },
      { name: 'DATABASE_URL', value: 'postgres://$(DB_USER):s3cr3t@db:5432/app' },
    ];
    expect(violations(check(noLiteralCredentials, deployment({ container: { env: written } }))).map((v) => v.message)).toEqual([
      'container "app" environment variable REDIS_URL holds what looks like a URL with a password, written literally',
      'container "app" environment variable DATABASE_URL holds what looks like a URL with a password, written literally',
    ]);
  });
  test('a password or key written as a parameter of a connection string or URL fails under any name', () => {
    const written = [
      { name: 'ConnectionStrings__Default', value: 'Server=db;Database=app;User Id=sa;Password=Passw0rd!;TrustServerCertificate=true' },
      { name: 'SPRING_DATASOURCE_URL', value: 'jdbc:postgresql://db:5432/app?user=app&password=s3cret' },
      { name: 'BACKUP_TARGET', value: 'https://acct.blob.core.windows.net/backups?sv=2022-11-02&sp=rw&sig=AbCdEf0123%3D' },
    ];
    const found = violations(check(noLiteralCredentials, deployment({ container: { env: written } })));
    expect(found.map((v) => v.path)).toEqual([0, 1, 2].map((i) => `spec.template.spec.containers[0].env[${i}].value`));
    expect(found[0].message).toBe('container "app" environment variable ConnectionStrings__Default holds what looks like a connection string or URL with a password or key, written literally');
    expect(found.some((v) => /Passw0rd|s3cret|AbCdEf/.test(v.message))).toBe(false);
    const composed = [
      { name: 'ConnectionStrings__Default', value: 'Server=db;Database=app;User Id=sa;Password=$(DB_PASSWORD);' },
      { name: 'SPRING_DATASOURCE_URL', value: 'jdbc:postgresql://db:5432/app?user=app&password=$(DB_PASSWORD)' },
      { name: 'OAUTH_REVOKE_URL', value: 'https://auth.example.com/token?token_type_hint=access_token' },
    ];
    expect(outcome(check(noLiteralCredentials, deployment({ container: { env: composed } })))).toBe('pass');
  });
  test('a placeholder the application resolves (${VAR}, ${VAR:} as Spring and Quarkus read them) passes; one with a literal default fails', () => {
    const resolved = [
      { name: 'DB_PASSWORD', value: '${DB_PASSWORD}' },
      { name: 'SPRING_DATASOURCE_PASSWORD', value: '${spring.datasource.password:}' },
      { name: 'QUARKUS_DATASOURCE_PASSWORD', value: '${DB_PASSWORD:$(FALLBACK_PASSWORD)}' },
      { name: 'DATABASE_URL', value: 'postgres://app:${DB_PASSWORD}@db:5432/app' },
      { name: 'SPRING_DATASOURCE_URL', value: 'jdbc:postgresql://db:5432/app?user=app&password=${DB_PASSWORD}' },
    ];
    expect(violations(check(noLiteralCredentials, deployment({ container: { env: resolved } })))).toEqual([]);
    // The default is used whenever the variable is unset: it is a credential written in the manifest.
    const defaulted = [{ name: 'DB_PASSWORD', value: '${DB_PASSWORD:hunter2}' }];
    const [v, ...rest] = violations(check(noLiteralCredentials, deployment({ container: { env: defaulted } })));
    expect(rest).toEqual([]);
    expect(v).toEqual({ path: 'spec.template.spec.containers[0].env[0].value', message: 'container "app" environment variable DB_PASSWORD looks like a credential and has a literal value' });
  });
  test('credentials written into a container\'s command or arguments fail, never echoing the value', () => {
    const container = {
      command: ['/app/server', '--password=hunter2', '--db-password', 'hunter2'],
      args: ['--dsn', 'postgres://app:s3cret@db:5432/app', '-api-key=0123abcd'],
    };
    const found = violations(check(noLiteralCredentials, deployment({ container })));
    expect(found).toEqual([
      { path: 'spec.template.spec.containers[0].command[1]', message: 'container "app" option --password in its command has a literal value that looks like a credential' },
      { path: 'spec.template.spec.containers[0].command[3]', message: 'container "app" option --db-password in its command has a literal value that looks like a credential' },
      { path: 'spec.template.spec.containers[0].args[1]', message: 'container "app" args[1] holds what looks like a URL with a password, written literally' },
      { path: 'spec.template.spec.containers[0].args[2]', message: 'container "app" option -api-key in its args has a literal value that looks like a credential' },
    ]);
    expect(found.some((v) => /hunter2|s3cret|0123abcd/.test(v.message))).toBe(false);
  });
  test('a shell script in the arguments is read word by word, and mysql\'s -pPASSWORD is a password', () => {
    const script = { command: ['sh', '-c'], args: ['mysqldump -h db -u root -phunter2 app > /backup/app.sql', 'curl --token s3cret https://x'] };
    expect(violations(check(noLiteralCredentials, deployment({ container: script })))).toEqual([
      { path: 'spec.template.spec.containers[0].args[0]', message: 'container "app" option -p (the MySQL password) in its args has a literal value that looks like a credential' },
      { path: 'spec.template.spec.containers[0].args[1]', message: 'container "app" option --token in its args has a literal value that looks like a credential' },
    ]);
    const exec = { command: ['mysqladmin', 'ping', '-uroot', '-phunter2'] };
    expect(violations(check(noLiteralCredentials, deployment({ container: exec }))).map((v) => v.path)).toEqual(['spec.template.spec.containers[0].command[3]']);
  });
  test('the commands of exec probes and lifecycle hooks are read as the container\'s are (a mysqladmin ping -pSECRET readiness probe)', () => {
    const container = {
      command: ['/app/server'],
      readinessProbe: { exec: { command: ['mysqladmin', 'ping', '-uroot', '-phunter2'] } },
      livenessProbe: { exec: { command: ['sh', '-c', 'mysqladmin ping -uroot -p"$MYSQL_ROOT_PASSWORD"'] } },
      lifecycle: { preStop: { exec: { command: ['sh', '-c', 'psql postgres://app:s3cret@db/app -c "select 1"'] } }, postStart: { httpGet: { path: '/', port: 8080 } } },
    };
    const found = violations(check(noLiteralCredentials, deployment({ container })));
    expect(found).toEqual([
      { path: 'spec.template.spec.containers[0].readinessProbe.exec.command[3]', message: 'container "app" option -p (the MySQL password) in its readinessProbe exec command has a literal value that looks like a credential' },
      { path: 'spec.template.spec.containers[0].lifecycle.preStop.exec.command[2]', message: 'container "app" lifecycle.preStop exec command[2] holds what looks like a URL with a password, written literally' },
    ]);
    expect(found.some((v) => /hunter2|s3cret/.test(v.message))).toBe(false);
  });
  test('arguments that point at a credential, refer to one or set how one is handled pass', () => {
    const container = {
      command: ['/app/server', '--password-file=/run/secrets/db', '--password=$(DB_PASSWORD)', '--token-ttl=5m', '--db-password', '$(DB_PASSWORD)'],
      args: [
        '--client-secret=${CLIENT_SECRET}', '--skip-password-check', '--port', '8080', '-p', '8080:80', '--api-key-name', 'default', '--api-key-header=X-Api-Key',
        'mysql -uroot -p"$MYSQL_ROOT_PASSWORD" -e "select 1"', '--enable-token-auth=true', '--password-stdin', 'registry.example.com',
      ],
    };
    expect(violations(check(noLiteralCredentials, deployment({ container })))).toEqual([]);
    // -p is a port, not a password, outside MySQL's clients.
    expect(outcome(check(noLiteralCredentials, deployment({ container: { command: ['redis-server', '-p6380'] } })))).toBe('pass');
  });
  test('name matching splits words', () => {
    expect(isCredentialName('API_KEY')).toBe(true);
    expect(isCredentialName('github-token')).toBe(true);
    expect(isCredentialName('PASSWORDLESS_LOGIN')).toBe(false);
    expect(isCredentialName('SECRET_NAME')).toBe(false);
  });
  test('a word ending in PASSWORD names a credential (libpq\'s PGPASSWORD), its _FILE form does not', () => {
    expect(isCredentialName('PGPASSWORD')).toBe(true);
    expect(isCredentialName('MYSQL_ROOTPASSWORD')).toBe(true);
    expect(isCredentialName('PGPASSWORD_FILE')).toBe(false);
    expect(isCredentialName('REGISTRY_AUTH_HTPASSWD_REALM')).toBe(false);
    const [v] = violations(check(noLiteralCredentials, deployment({ container: { env: [{ name: 'PGPASSWORD', value: 'hunter2' }] } })));
    expect(v.message).toBe('container "app" environment variable PGPASSWORD looks like a credential and has a literal value');
  });
  test('keys that encrypt or sign are credentials', () => {
    const env = [
      { name: 'AIRFLOW__CORE__FERNET_KEY', value: 'ZmDfcTF7_60GrrY167zsiPd67pEvs0aGOv2oasOM1Pg=' },
      { name: 'RAILS_MASTER_KEY', value: '0123456789abcdef0123456789abcdef' },
      { name: 'DATA_ENCRYPTION_KEY', value: 'k3y' },
      { name: 'WEBHOOK_SIGNING_KEY', value: 'whsec_abc' },
    ];
    expect(violations(check(noLiteralCredentials, deployment({ container: { env } }))).map((v) => v.path)).toEqual(
      [0, 1, 2, 3].map((i) => `spec.template.spec.containers[0].env[${i}].value`),
    );
    expect(isCredentialName('SIGNING_KEY_FILE')).toBe(false);
  });
  test('settings of how a credential is handled are not credentials', () => {
    const env = [
      { name: 'TOKEN_REFRESH_INTERVAL', value: '5m' },
      { name: 'TOKEN_TIMEOUT_SECONDS', value: '30' },
      { name: 'SESSION_TOKEN_LIFETIME', value: '3600' },
      { name: 'JWT_SECRET_ALGORITHM', value: 'HS256' },
      { name: 'PASSWORD_HASH_VERSION', value: '2' },
      { name: 'TOKEN_ENDPOINT_AUTH_METHOD', value: 'client_secret_basic' },
      { name: 'SECRET_STORE', value: 'vault' },
      { name: 'KEYCLOAK_PASSWORD_POLICY', value: 'length(12)' },
      { name: 'PASSWORD_HASHING_ROUNDS', value: '12' },
      { name: 'TOKEN_LIMIT', value: '4096' },
      { name: 'DB_SECRET_ARN', value: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:db' },
    ];
    expect(outcome(check(noLiteralCredentials, deployment({ container: { env } })))).toBe('pass');
  });
});

describe('not-default-namespace', () => {
  test('passes a named namespace', () => {
    expect(outcome(check(notDefaultNamespace, deployment()))).toBe('pass');
  });
  test('fails the default namespace', () => {
    expect(outcome(check(notDefaultNamespace, deployment({ namespace: 'default' })))).toBe('fail');
  });
  test('namespace-less output is unknown, unless the context is complete', () => {
    expect(outcome(check(notDefaultNamespace, deployment({ namespace: null })))).toBe('unknown');
    expect(outcome(check(notDefaultNamespace, deployment({ namespace: null }), { config: { cluster: { complete: true } } }))).toBe('fail');
  });
});

describe('message quoting', () => {
  test('quotes any value, an object without a prototype too (a rule must not throw on it)', () => {
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { a: 1 });
    expect(quote(bare)).toBe(JSON.stringify('{"a":1}'));
    expect(quote('plain')).toBe('"plain"');
    expect(quote('say "hi"')).toBe('"say \\"hi\\""');
    expect(quote(5)).toBe('"5"');
  });
});

/** A LimitRange with one item (type Container unless given). */
function limitRange(namespace: string | null, item: Record<string, unknown>): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'LimitRange',
    metadata: { name: 'defaults', ...(namespace === null ? {} : { namespace }) },
    spec: { limits: [{ type: 'Container', ...item }] },
  };
}
