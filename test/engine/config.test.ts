import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deployment, located } from './helpers';
import { evaluate, idleRuleOverrides, loadConfig, resolveConfig } from '../../src/engine';
import { HardpodError } from '../../src/model/errors';

const dir = mkdtempSync(join(tmpdir(), 'hardpod-config-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('loadConfig', () => {
  it('loads a YAML config with comments that the engine applies', () => {
    const path = file('ok.yaml', [
      '# team policy',
      'level: baseline',
      'kubernetesVersion: "1.30"',
      'rules:',
      '  privileged: { severity: low, enforcement: warn }',
      'suppressions:',
      '  - { rule: host-ports, kind: Deployment, namespace: shop, name: a, reason: legacy ingress }',
      'hardened:',
      '  allowedRegistries: [registry.example]',
      '',
    ].join('\n'));
    const config = loadConfig(path);
    expect(config.hardened?.allowedRegistries).toEqual(['registry.example']);
    const report = evaluate(located(deployment('a', { containers: [{ name: 'app', securityContext: { privileged: true } }] })), config);
    expect(report).toMatchObject({ level: 'baseline', kubernetesVersion: '1.30' });
    expect(report.findings[0]).toMatchObject({ severity: 'low', enforcement: 'warn' });
  });

  it('refuses an unquoted version that YAML reads as a number', () => {
    const path = file('number.yaml', 'kubernetesVersion: 1.30\n');
    expect(() => loadConfig(path)).toThrow(new RegExp(`${path}:1.*quoted string`));
  });

  it('loads JSON', () => {
    expect(loadConfig(file('ok.json', '{"level": "restricted"}')).level).toBe('restricted');
  });

  it('names the file and line of a YAML syntax error', () => {
    const path = file('broken.yaml', 'level: baseline\nrules:\n  privileged: [\n');
    expect(() => loadConfig(path)).toThrow(HardpodError);
    expect(() => loadConfig(path)).toThrow(new RegExp(`${path}:\\d+`));
  });

  it('names the file and line of an invalid setting', () => {
    const path = file('bad.yaml', 'level: baseline\nrules:\n  privileged:\n    severity: urgent\n');
    expect(() => loadConfig(path)).toThrow(new RegExp(`${path}:4 \\(rules\\.privileged\\.severity\\).*unknown severity "urgent"`));
    const unknownKey = file('unknown.yaml', 'level: baseline\nlevle: restricted\n');
    expect(() => loadConfig(unknownKey)).toThrow(new RegExp(`${unknownKey}:2.*unknown config key "levle"`));
    const emptyReason = file('reason.yaml', 'suppressions:\n  - rule: privileged\n    kind: Deployment\n    name: a\n    reason: ""\n');
    expect(() => loadConfig(emptyReason)).toThrow(new RegExp(`${emptyReason}:5 \\(suppressions\\[0\\]\\.reason\\).*non-empty reason`));
  });

  it('checks the hardened settings the rules read and the workload kinds, naming the file and line of a typo or a wrong type', () => {
    const cases: [string, RegExp][] = [
      ['hardened:\n  allowedRegistrys: [ghcr.io/acme]\n', /:2 \(hardened\.allowedRegistrys\): unknown setting "allowedRegistrys"; expected one of .*allowedRegistries/],
      ['hardened:\n  allowedRegistries: ghcr.io/acme\n', /:2 \(hardened\.allowedRegistries\): allowedRegistries must be a non-empty list/],
      ['hardened:\n  allowedRegistries: []\n', /:2 \(hardened\.allowedRegistries\): allowedRegistries must be a non-empty list/],
      ['hardened:\n  allowedRegistries:\n    - ghcr.io/acme\n    - https://registry.example.com\n', /:2 \(hardened\.allowedRegistries\): allowedRegistries\[1\] "https:\/\/registry\.example\.com" is a URL; write it without https:\/\/ \(registry\.example\.com\); expected a registry host or host\/path prefix/],
      ['hardened:\n  allowedRegistries: [REGISTRY.example.com]\n', /:2 \(hardened\.allowedRegistries\): allowedRegistries\[0\] "REGISTRY\.example\.com" has upper-case letters in its host/],
      ['level: hardened\nhardened:\n  requireCpuLimit: "no"\n', /:3 \(hardened\.requireCpuLimit\): requireCpuLimit must be true or false, got "no"/],
      ['hardened:\n  requireMinimalImages: 1\n', /:2 \(hardened\.requireMinimalImages\): requireMinimalImages must be true or false, got 1/],
      ['hardened:\n  imageFacts: {}\n', /:2 \(hardened\.imageFacts\): imageFacts holds the facts hardpod reads from a lock file/],
      ['workloadKinds:\n  - kind: Rollout\n    templatePath: spec..template\n', /:3 \(workloadKinds\[0\]\.templatePath\): templatePath "spec\.\.template" must be a dotted path of field names/],
      ['workloadKinds:\n  - kind: Prometheus\n    templatePath: ""\n', /:3 \(workloadKinds\[0\]\.templatePath\): templatePath "" must be a dotted path of field names.* \(the object itself cannot be the pod template: a kind whose containers sit right under spec/],
      ['workloadKinds:\n  - kind: Worker\n    templatePath: spec.template\n    referencePath: 3\n', /:4 \(workloadKinds\[0\]\.referencePath\): referencePath 3 must be a dotted path of field names, e\.g\. spec\.workloadRef/],
      ['workloadKinds:\n  - kind: Worker\n    templatepath: spec.template\n    templatePath: spec.template\n', /:3 \(workloadKinds\[0\]\.templatepath\): unknown workload kind key "templatepath" \(did you mean "templatePath"\?\); expected one of kind, group, templatePath, referencePath/],
    ];
    cases.forEach(([text, message], i) => expect(() => loadConfig(file(`hardened-${i}.yaml`, text))).toThrow(message));
    const good = loadConfig(file('hardened-good.yaml', 'hardened:\n  allowedRegistries: [ghcr.io/acme]\n  requireCpuLimit: false\n  requireMinimalImages: true\n'));
    expect(resolveConfig(good).hardened).toEqual({ allowedRegistries: ['ghcr.io/acme'], requireCpuLimit: false, requireMinimalImages: true });
  });

  it('names the line of each workload kind mistake, and refuses a mapping that would never apply rather than ignore it', () => {
    const kinds = (...lines: string[]) => `workloadKinds:\n${lines.join('\n')}\n`;
    const pytorch = (path: string, group = '    group: kubeflow.org') => ['  - kind: PyTorchJob', group, `    templatePath: ${path}`];
    const cases: [string, RegExp][] = [
      [kinds('  - kind: Worker', '    group: 3', '    templatePath: spec.template'), /kinds-0\.yaml:3 \(workloadKinds\[0\]\.group\): group must be a string \(the API group, e\.g\. argoproj\.io\), got a number \(3\)/],
      [kinds('  - kind: Worker', '    templatePath: [spec, template]'), /kinds-1\.yaml:3 \(workloadKinds\[0\]\.templatePath\): templatePath must be a string, got a list/],
      [kinds('  - kind: ""', '    templatePath: spec.template'), /kinds-2\.yaml:2 \(workloadKinds\[0\]\.kind\): kind must be a non-empty string, got a string \(""\)/],
      [kinds('  - kind: Worker', '    templatepath: spec.template'), /kinds-3\.yaml:3 \(workloadKinds\[0\]\.templatepath\): unknown workload kind key "templatepath" \(did you mean "templatePath"\?\)/],
      [kinds('  - group: acme.io', '    templatePath: spec.template'), /kinds-4\.yaml:2 \(workloadKinds\[0\]\): a workload kind needs kind/],
      [kinds('  - Worker'), /kinds-5\.yaml:2 \(workloadKinds\[0\]\): a workload kind must be an object \{ kind, group, templatePath \}, got a string \("Worker"\)/],
      // Kubeflow keys replica templates by role: a second mapping of the kind was ignored.
      [kinds(...pytorch('spec.pytorchReplicaSpecs.Master.template'), ...pytorch('spec.pytorchReplicaSpecs.Worker.template')),
        /kinds-6\.yaml:5 \(workloadKinds\[1\]\): kind PyTorchJob is mapped for group "kubeflow\.org" already, at .*kinds-6\.yaml:2 \(workloadKinds\[0\]\); only the first mapping that matches an object applies, so keep one/],
      [kinds(...pytorch('spec.a.template', '    referencePath: spec.ref'), ...pytorch('spec.b.template')),
        /kinds-7\.yaml:5 \(workloadKinds\[1\]\): kind PyTorchJob is mapped for any group already, at .*kinds-7\.yaml:2/],
      [kinds('  - { kind: Deployment, group: apps, templatePath: spec.podTemplate }'), /kinds-8\.yaml:2 \(workloadKinds\[0\]\.kind\): Deployment of group "apps" is a built-in workload kind, always read at its own pod template \(spec\.template\): the mapping would never apply; remove it/],
      [kinds('  - { kind: Pod, group: "", templatePath: spec.template }'), /kinds-9\.yaml:2 .*Pod of group "" is a built-in workload kind, always read at its own pod template \(the object itself\)/],
    ];
    cases.forEach(([text, message], i) => expect(() => loadConfig(file(`kinds-${i}.yaml`, text))).toThrow(message));
    // A group's mapping before one for any other group is no conflict; nor is OpenKruise's StatefulSet, another group's kind of a built-in name.
    const kruise = loadConfig(file('kruise.yaml', kinds(
      '  - { kind: StatefulSet, group: apps.kruise.io, templatePath: spec.template }',
      '  - { kind: StatefulSet, templatePath: spec.podTemplate }',
    )));
    const template = { spec: { containers: [{ name: 'main', image: 'nginx:alpine', securityContext: { privileged: true } }] } };
    const advanced = { apiVersion: 'apps.kruise.io/v1beta1', kind: 'StatefulSet', metadata: { name: 'sample' }, spec: { serviceName: 'fake-service', template } };
    expect(evaluate(located(advanced), { ...kruise, level: 'baseline' }).findings.map((f) => f.path)).toEqual(['spec.template.spec.containers[0].securityContext.privileged']);
  });

  it('takes [*] after a list field in a templatePath, refusing any other bracket, naming the file and line', () => {
    const kinds = (templatePath: string, extra = '') => `workloadKinds:\n  - kind: JobSet\n    group: jobset.x-k8s.io\n    templatePath: '${templatePath}'\n${extra}`;
    const good = loadConfig(file('jobset.yaml', kinds('spec.replicatedJobs[*].template.spec.template')));
    const jobSet = {
      apiVersion: 'jobset.x-k8s.io/v1alpha2',
      kind: 'JobSet',
      metadata: { name: 'trainer' },
      spec: { replicatedJobs: [{ name: 'w', template: { spec: { template: { spec: { containers: [{ name: 'app', image: 'nginx', securityContext: { privileged: true } }] } } } } }] },
    };
    const report = evaluate([{ object: jobSet, source: {} }], { ...good, level: 'baseline' });
    expect(report.findings.map((f) => [f.rule, f.path])).toEqual([['privileged', 'spec.replicatedJobs[0].template.spec.template.spec.containers[0].securityContext.privileged']]);
    for (const bad of ['spec.replicatedJobs[0].template', 'spec.replicatedJobs[].template', 'spec.groups[*][*].template', 'spec.[*].template', 'spec.jobs[name=a].template']) {
      expect(() => loadConfig(file('bad-path.yaml', kinds(bad))))
        .toThrow(new RegExp(`bad-path\\.yaml:4 \\(workloadKinds\\[0\\]\\.templatePath\\): templatePath ${JSON.stringify(bad).replace(/[.[\]*]/g, '\\$&')} must be a dotted path of field names, with \\[\\*\\] after a list field`));
    }
    expect(() => loadConfig(file('bad-ref.yaml', kinds('spec.replicatedJobs[*].template.spec.template', '    referencePath: spec.refs[*]\n'))))
      .toThrow(/bad-ref\.yaml:5 \(workloadKinds\[0\]\.referencePath\): referencePath "spec\.refs\[\*\]" must be a dotted path of field names/);
  });

  it('reports a mapped object not checked when it holds a pod template the mapping does not reach, rather than passing it', () => {
    // The Flink operator's pod template example: the TaskManager's template runs a shell as root.
    const flink = {
      apiVersion: 'flink.apache.org/v1beta1',
      kind: 'FlinkDeployment',
      metadata: { name: 'pod-template-example', namespace: 'shop' },
      spec: {
        image: 'flink:1.17',
        flinkVersion: 'v1_17',
        serviceAccount: 'flink',
        podTemplate: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'pod-template' }, spec: { containers: [{ name: 'flink-main-container' }] } },
        jobManager: { resource: { memory: '2048m', cpu: 1 } },
        taskManager: {
          resource: { memory: '2048m', cpu: 1 },
          podTemplate: { spec: { initContainers: [{ name: 'busybox', image: 'busybox:1.35.0', command: ['sh', '-c', 'echo hello'], securityContext: { privileged: true } }] } },
        },
      },
    };
    // Kubeflow's PyTorchJob keys its replica templates by role: one mapping reaches one of them.
    const replica = { replicas: 1, restartPolicy: 'OnFailure', template: { spec: { containers: [{ name: 'pytorch', image: 'docker.io/kubeflowkatib/pytorch-mnist:v1beta1-45c5727', securityContext: { privileged: true } }] } } };
    const pytorch = { apiVersion: 'kubeflow.org/v1', kind: 'PyTorchJob', metadata: { name: 'pytorch-simple', namespace: 'shop' }, spec: { pytorchReplicaSpecs: { Master: replica, Worker: replica } } };
    const config = loadConfig(file('partial-kinds.yaml', [
      'workloadKinds:',
      '  - { kind: FlinkDeployment, group: flink.apache.org, templatePath: spec.podTemplate }',
      '  - { kind: PyTorchJob, group: kubeflow.org, templatePath: spec.pytorchReplicaSpecs.Master.template }',
      '',
    ].join('\n')));
    const report = evaluate(located(flink, JSON.parse(JSON.stringify(pytorch))), { ...config, level: 'baseline' });
    expect(report.findings.map((f) => [f.name, f.path])).toEqual([['pytorch-simple', 'spec.pytorchReplicaSpecs.Master.template.spec.containers[0].securityContext.privileged']]);
    expect(report.notChecked.map((o) => [o.name, o.reason])).toEqual([
      ['pod-template-example', expect.stringMatching(/^kind flink\.apache\.org\/v1beta1\/FlinkDeployment is mapped to its pod template at spec\.podTemplate, but spec\.taskManager\.podTemplate\.spec looks like a pod spec too, outside the mapped template, which workloadKinds cannot map; check the workloads or pods made from it in the cluster instead .*-n shop/)],
      ['pytorch-simple', expect.stringContaining('but spec.pytorchReplicaSpecs.Worker.template.spec looks like a pod spec too')],
    ]);
    // A template list taken whole ([*]) leaves nothing out.
    const jobSet = { apiVersion: 'jobset.x-k8s.io/v1alpha2', kind: 'JobSet', metadata: { name: 'j' }, spec: { replicatedJobs: [{ template: { spec: replica } }, { template: { spec: replica } }] } };
    const jobSetKinds = [{ kind: 'JobSet', templatePath: 'spec.replicatedJobs[*].template.spec.template' }];
    expect(evaluate(located(jobSet), { level: 'baseline', workloadKinds: jobSetKinds }).notChecked).toEqual([]);
  });

  it('lists the operator kinds no workloadKinds mapping can express as not checked, as their upstream examples are written, rather than passing them', () => {
    const objects = [
      // The Prometheus Operator's getting-started Prometheus: the operator makes its StatefulSet.
      { apiVersion: 'monitoring.coreos.com/v1', kind: 'Prometheus', metadata: { name: 'prometheus', namespace: 'monitoring' }, spec: { serviceAccountName: 'prometheus', serviceMonitorSelector: { matchLabels: { team: 'frontend' } }, resources: { requests: { memory: '400Mi' } }, enableAdminAPI: false } },
      // The Spark operator's spark-pi and the Flink operator's basic example.
      {
        apiVersion: 'sparkoperator.k8s.io/v1beta2',
        kind: 'SparkApplication',
        metadata: { name: 'spark-pi', namespace: 'shop' },
        spec: { type: 'Scala', mode: 'cluster', image: 'spark:3.5.0', mainClass: 'org.apache.spark.examples.SparkPi', sparkVersion: '3.5.0', driver: { cores: 1, memory: '512m', serviceAccount: 'spark-operator-spark' }, executor: { instances: 1, cores: 1, memory: '512m' } },
      },
      {
        apiVersion: 'flink.apache.org/v1beta1',
        kind: 'FlinkDeployment',
        metadata: { name: 'basic-example', namespace: 'shop' },
        spec: { image: 'flink:1.17', flinkVersion: 'v1_17', serviceAccount: 'flink', jobManager: { resource: { memory: '2048m', cpu: 1 } }, taskManager: { resource: { memory: '2048m', cpu: 1 } }, job: { jarURI: 'local:///opt/flink/examples/streaming/StateMachineExample.jar', parallelism: 2 } },
      },
      // Argo Workflows' hello-world: a container without a name.
      { apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', metadata: { generateName: 'hello-world-', namespace: 'shop' }, spec: { entrypoint: 'whalesay', templates: [{ name: 'whalesay', container: { image: 'docker/whalesay', command: ['cowsay'], args: ['hello world'] } }] } },
    ];
    const report = evaluate(located(...objects), {});
    expect(report.findings.filter((f) => f.rule !== 'not-default-namespace' && f.rule !== 'namespace-psa-labels')).toEqual([]);
    expect(report.notChecked.map((o) => [o.kind, o.reason])).toEqual([
      ['Prometheus', expect.stringMatching(/^kind monitoring\.coreos\.com\/v1\/Prometheus is not a known workload kind: its operator runs pods made from the object's own fields, none of them a pod spec or container, which workloadKinds cannot map; check the workloads or pods made from it in the cluster instead .*-n monitoring/)],
      ['SparkApplication', expect.stringContaining('its operator runs pods made from the object\'s own fields')],
      ['FlinkDeployment', expect.stringContaining('its operator runs pods made from the object\'s own fields')],
      ['Workflow', expect.stringContaining('but spec.templates[0].container looks like a container (image and command) outside any pod spec')],
    ]);
    // Tekton's runs of a pipeline or task by reference, and Strimzi's KRaft quickstart cluster.
    const runs = [
      { apiVersion: 'tekton.dev/v1', kind: 'PipelineRun', metadata: { generateName: 'hello-goodbye-run-', namespace: 'shop' }, spec: { pipelineRef: { name: 'hello-goodbye' }, params: [{ name: 'username', value: 'Tekton' }] } },
      { apiVersion: 'tekton.dev/v1', kind: 'TaskRun', metadata: { generateName: 'hello-task-run-', namespace: 'shop' }, spec: { taskRef: { name: 'hello' } } },
      {
        apiVersion: 'kafka.strimzi.io/v1beta2',
        kind: 'Kafka',
        metadata: { name: 'my-cluster', namespace: 'kafka', annotations: { 'strimzi.io/node-pools': 'enabled', 'strimzi.io/kraft': 'enabled' } },
        spec: { kafka: { version: '3.7.0', listeners: [{ name: 'plain', port: 9092, type: 'internal', tls: false }] }, entityOperator: { topicOperator: {}, userOperator: {} } },
      },
      {
        apiVersion: 'kafka.strimzi.io/v1beta2',
        kind: 'KafkaNodePool',
        metadata: { name: 'dual-role', namespace: 'kafka', labels: { 'strimzi.io/cluster': 'my-cluster' } },
        spec: { replicas: 3, roles: ['controller', 'broker'], storage: { type: 'jbod', volumes: [{ id: 0, type: 'persistent-claim', size: '100Gi' }] } },
      },
    ];
    expect(evaluate(located(...runs), {}).notChecked.map((o) => [o.kind, o.reason])).toEqual(runs.map((o) => [o.kind, expect.stringContaining('its operator runs pods made from the object\'s own fields')]));
    // An image named without a command around it is no container; an Argo Rollout is read as a workload.
    const quiet = [
      { apiVersion: 'image.toolkit.fluxcd.io/v1beta2', kind: 'ImageRepository', metadata: { name: 'podinfo' }, spec: { image: 'ghcr.io/stefanprodan/podinfo', interval: '5m' } },
      { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: { name: 'r' }, spec: { workloadRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' } } },
    ];
    expect(evaluate(located(...quiet), {}).notChecked).toEqual([]);
  });

  it('names a missing file and a config that is not a mapping', () => {
    expect(() => loadConfig(join(dir, 'nope.yaml'))).toThrow(/nope\.yaml: cannot read the config file: no such file or folder/);
    expect(() => loadConfig(file('list.yaml', '- a\n- b\n'))).toThrow(/must be a mapping/);
  });

  it('refuses a scalar key written without a value instead of silently using the default', () => {
    for (const key of ['level', 'kubernetesVersion', 'edition', 'enforcement', 'forbidSuppressions']) {
      const path = file(`null-${key}.yaml`, `rules: {}\n${key}:\n`);
      expect(() => loadConfig(path)).toThrow(new RegExp(`${path}:2 \\(${key}\\): ${key} has no value; give one or remove the key`));
    }
  });

  it('refuses a key or list item written without a value at any depth, naming its line, rather than defaulting it', () => {
    const cases: [string, number, string][] = [
      ['cluster:\n  networkPolicies:\n', 2, 'cluster.networkPolicies'],
      ['cluster:\n  objects:\n', 2, 'cluster.objects'],
      ['level: baseline\ncluster:\n', 2, 'cluster'],
      ['rules:\n', 1, 'rules'],
      ['suppressions:\n', 1, 'suppressions'],
      ['baseline:\n', 1, 'baseline'],
      ['workloadKinds:\n', 1, 'workloadKinds'],
      ['hardened:\n', 1, 'hardened'],
      ['rules:\n  privileged:\n    severity:\n', 3, 'rules.privileged.severity'],
      ['cluster:\n  namespaces:\n    - name: shop\n      labels:\n', 4, 'cluster.namespaces[0].labels'],
    ];
    for (const [text, line, key] of cases) {
      const path = file('null-nested.yaml', text);
      expect(() => loadConfig(path)).toThrow(`${path}:${line} (${key}): ${key} has no value; give one or remove the key to use the default`);
    }
    const emptyItem = file('null-item.yaml', 'suppressions:\n  -\n');
    expect(() => loadConfig(emptyItem)).toThrow(`${emptyItem}:2 (suppressions[0]): suppressions[0] has no value; give one or remove the item`);
    // Inside a declared Kubernetes object, null is an ordinary value, as in the input.
    const declared = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'web', namespace: 'shop' }, secrets: null };
    expect(resolveConfig({ cluster: { objects: [declared] } }).cluster.objects).toEqual([declared]);
  });

  it('keeps network-policy unknown unless policies are declared: an empty networkPolicies key is refused, not read as none', () => {
    const path = file('np-null.yaml', 'cluster:\n  networkPolicies:\n');
    expect(() => loadConfig(path)).toThrow(HardpodError);
    expect(() => resolveConfig({ cluster: { networkPolicies: null as unknown as [] } })).toThrow('config cluster.networkPolicies: cluster.networkPolicies has no value');
  });

  it('names the key and line of a wrong suppression field, and says a field of the wrong type is one', () => {
    const entry = (field: string) => file('suppression-field.yaml', `suppressions:\n  - rule: privileged\n    kind: Deployment\n    name: bad\n    reason: legacy\n${field}\n`);
    const cases: [string, string][] = [
      ['    namespace: 5', '6 (suppressions[0].namespace): suppression namespace must be a string, got a number (5)'],
      ['    expires: 2025-01-01', '6 (suppressions[0].expires): unknown suppression field "expires"'],
    ];
    for (const [field, message] of cases) {
      const path = entry(field);
      expect(() => loadConfig(path)).toThrow(`${path}:${message}`);
    }
    const numberName = file('suppression-name.yaml', 'suppressions:\n  - rule: privileged\n    kind: Deployment\n    name: 7\n    reason: legacy\n');
    expect(() => loadConfig(numberName)).toThrow(`${numberName}:4 (suppressions[0].name): suppression name must be a string, got a number (7)`);
    // A field that is not written at all is missing from the entry, named at the entry.
    const noName = file('suppression-no-name.yaml', 'suppressions:\n  - rule: privileged\n    kind: Deployment\n    reason: legacy\n');
    expect(() => loadConfig(noName)).toThrow(`${noName}:2 (suppressions[0]): suppression needs name (matched exactly)`);
    const emptyKind = file('suppression-empty-kind.yaml', 'suppressions:\n  - rule: privileged\n    kind: ""\n    name: bad\n    reason: legacy\n');
    expect(() => loadConfig(emptyKind)).toThrow(`${emptyKind}:3 (suppressions[0].kind): suppression kind is empty`);
  });

  it('suggests the key or rule id a typo meant', () => {
    expect(() => loadConfig(file('typo-key.yaml', 'level: baseline\nforbidSuppresions: true\n'))).toThrow(/:2 \(forbidSuppresions\): unknown config key "forbidSuppresions" \(did you mean "forbidSuppressions"\?\)/);
    expect(() => loadConfig(file('typo-rule.yaml', 'rules:\n  privilegd: { enabled: false }\n'))).toThrow(/:2 \(rules\.privilegd\): unknown rule id "privilegd" \(did you mean "privileged"\?\); hardpod rules lists them/);
    expect(() => loadConfig(file('typo-field.yaml', 'rules:\n  privileged:\n    Severity: low\n'))).toThrow(/:3 .*unknown rule override "Severity" \(did you mean "severity"\?\)/);
    const suppression = file('typo-suppression.yaml', 'suppressions:\n  - { rule: privileged, kind: Deployment, name: a, reason: ok }\n  - { rule: host-port, kind: Deployment, name: a, reason: ok }\n');
    expect(() => loadConfig(suppression)).toThrow(new RegExp(`${suppression}:3 \\(suppressions\\[1\\]\\.rule\\): suppression names unknown rule id "host-port" \\(did you mean "host-ports"\\?\\)`));
    expect(() => loadConfig(file('far.yaml', 'colour: blue\n'))).toThrow(/unknown config key "colour"; expected one of/);
  });

  it('words duplicate keys and extra documents for a user, naming the line', () => {
    const duplicate = file('duplicate.yaml', 'level: baseline\nedition: 1\nlevel: restricted\n');
    expect(() => loadConfig(duplicate)).toThrow(new RegExp(`${duplicate}:3: a key appears twice in the same mapping; keep one`));
    expect(() => loadConfig(file('duplicate.json', '{"level": "baseline",\n "level": "hardened"}'))).toThrow(/duplicate\.json:2: a key appears twice/);
    const twoDocuments = file('two.yaml', 'level: baseline\n---\nlevel: restricted\n');
    expect(() => loadConfig(twoDocuments)).toThrow(new RegExp(`${twoDocuments}:2: the config file holds more than one YAML document \\(a --- line\\); put every setting in one document`));
    expect(() => loadConfig(twoDocuments)).not.toThrow(/parseAllDocuments/);
  });

  it('reads JSON indented with tabs, and an empty or comment-only file as the defaults', () => {
    expect(loadConfig(file('tabs.json', '{\n\t"level": "baseline",\n\t"rules": {\n\t\t"privileged": { "severity": "low" }\n\t}\n}\n'))).toEqual({ level: 'baseline', rules: { privileged: { severity: 'low' } } });
    expect(resolveConfig(loadConfig(file('empty.yaml', '')))).toMatchObject({ level: 'hardened', enforcement: 'deny' });
    expect(loadConfig(file('comments.yaml', '# nothing yet\n'))).toEqual({});
  });

  it('accepts a Kubernetes version as a cluster reports it, and refuses a minor with a leading zero', () => {
    for (const version of ['v1.30.2-gke.1587003', '1.30.2+k3s1', 'v1.30.2-eks-a1b2c3', '1.30.2', '1.30']) {
      expect(resolveConfig({ kubernetesVersion: version }).kubernetesVersion).toBe('1.30');
    }
    expect(resolveConfig({ kubernetesVersion: '1.0' }).minor).toBe(0);
    const leadingZero = file('zero.yaml', 'level: baseline\nkubernetesVersion: "1.03"\n');
    expect(() => loadConfig(leadingZero)).toThrow(new RegExp(`${leadingZero}:2 \\(kubernetesVersion\\): unsupported Kubernetes version "1.03"; no Kubernetes minor has a leading zero \\(1.3 or 1.30 meant\\?\\);`));
    expect(() => resolveConfig({ kubernetesVersion: 'v1.09.1' })).toThrow('"v1.09.1"; no Kubernetes minor has a leading zero (1.9 meant?); expected 1.N');
    expect(() => resolveConfig({ kubernetesVersion: '1.30-gke' })).toThrow(/unsupported Kubernetes version/);
  });

  it('refuses a declared object the API server would refuse, at the field\'s line, as the rules would read it as granting or isolating nothing', () => {
    const config = file('malformed.yaml', [
      'cluster:',
      '  networkPolicies:',
      '    - apiVersion: networking.k8s.io/v1',
      '      kind: NetworkPolicy',
      '      metadata: { name: deny, namespace: shop }',
      '      spec:',
      '        podSelector: {}',
      '        policyTypes: Ingress',
      '',
    ].join('\n'));
    expect(() => loadConfig(config)).toThrow(new RegExp(`^${config}:8 \\(cluster\\.networkPolicies\\[0\\]\\.spec\\.policyTypes\\): the declared NetworkPolicy "shop/deny" would be refused by the API server: `));
    const role = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'reader', namespace: 'shop' }, rules: [{ apiGroups: [''], resources: ['secrets'], verbs: 'get' }] };
    expect(() => resolveConfig({ cluster: { objects: [role] } })).toThrow(/^config cluster\.objects\[0\]\.rules\[0\]\.verbs: the declared Role "shop\/reader" would be refused/);
    expect(() => resolveConfig({ cluster: { namespaces: [{ name: 'shop', labels: { 'pod security': 'restricted' } }] } }))
      .toThrow(/^config cluster\.namespaces\[0\]\.labels.*: the declared Namespace "shop" would be refused/);
    // Well-formed declarations pass.
    expect(() => resolveConfig({ cluster: { objects: [{ ...role, rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }] }] } })).not.toThrow();
    // A label key holds dots: the line is its own, not the first label's.
    const labels = file('label-value.yaml', 'cluster:\n  namespaces:\n    - name: shop\n      labels:\n        team: shop\n        pod-security.kubernetes.io/enforce: "restricted!"\n');
    const version = file('label-number.yaml', 'cluster:\n  namespaces:\n    - name: shop\n      labels:\n        pod-security.kubernetes.io/enforce: restricted\n        pod-security.kubernetes.io/enforce-version: 1.30\n');
    expect(() => loadConfig(version)).toThrow(new RegExp(`^${version}:6 \\(cluster\\.namespaces\\[0\\]\\.labels\\.pod-security\\.kubernetes\\.io/enforce-version\\): namespace label "pod-security\\.kubernetes\\.io/enforce-version" must be a string, got a number \\(1\\.3\\); quote it`));
    const typo = file('label-typo.yaml', 'cluster:\n  namespaces:\n    - name: shop\n      lables:\n        pod-security.kubernetes.io/enforce: restricted\n');
    expect(() => loadConfig(typo)).toThrow(new RegExp(`^${typo}:4 \\(cluster\\.namespaces\\[0\\]\\.lables\\): unknown namespace key "lables" \\(did you mean "labels"\\?\\); expected one of name, labels`));
    expect(() => loadConfig(labels)).toThrow(new RegExp(`^${labels}:6 \\(cluster\\.namespaces\\[0\\]\\.labels\\.pod-security\\.kubernetes\\.io/enforce\\): the declared Namespace "shop" would be refused by the API server: "restricted!" is not a label value`));
  });
  it('refuses a declared LimitRange the API server would refuse, at the refused field\'s line, as it would give no container its defaults', () => {
    const config = file('limit-range.yaml', [
      'cluster:',
      '  objects:',
      '    - apiVersion: v1',
      '      kind: LimitRange',
      '      metadata: { name: defaults, namespace: shop }',
      '      spec:',
      '        limits:',
      '          - type: Container',
      '            default: { memory: 512Mi, cpu: "1" }',
      '            defaultRequest: { memory: 64Mi, cpu: 100m }',
      '            max:',
      '              memory: 256Mi',
      '',
    ].join('\n'));
    expect(() => loadConfig(config)).toThrow(new RegExp(`^${config}:9 \\(cluster\\.objects\\[0\\]\\.spec\\.limits\\[0\\]\\.default\\.memory\\): the declared LimitRange "shop/defaults" would be refused by the API server: default of memory \\("512Mi"\\) is above its max \\("256Mi"\\)`));
    const range = (item: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'defaults' }, spec: { limits: [{ type: 'Container', ...item }] } });
    expect(() => resolveConfig({ cluster: { objects: [range({ default: { memory: 'lots', cpu: '1' } })] } }))
      .toThrow('config cluster.objects[0].spec.limits[0].default.memory: the declared LimitRange "defaults" would be refused by the API server: default of memory must be a resource quantity (such as 500m, 2 or 256Mi), got a string ("lots")');
    expect(() => resolveConfig({ cluster: { objects: [range({ default: { memory: '256Mi', cpu: '1' }, max: { memory: '256Mi' } })] } })).not.toThrow();
  });
  it('refuses an object declared twice in the cluster context, naming both lines, as only one would apply', () => {
    const namespaces = file('ns-twice.yaml', [
      'cluster:',
      '  namespaces:',
      '    - name: shop',
      '      labels: { pod-security.kubernetes.io/enforce: privileged }',
      '    - name: shop',
      '      labels: { pod-security.kubernetes.io/enforce: restricted }',
      '',
    ].join('\n'));
    expect(() => loadConfig(namespaces)).toThrow(`${namespaces}:5 (cluster.namespaces[1]): Namespace "shop" is declared twice in the cluster context, first at ${namespaces}:3 (cluster.namespaces[0]); keep one`);
    // A Namespace object and a namespaces entry of the same name are the same namespace.
    const both = file('ns-both.yaml', 'cluster:\n  namespaces: [{ name: shop }]\n  objects:\n    - { apiVersion: v1, kind: Namespace, metadata: { name: shop } }\n');
    expect(() => loadConfig(both)).toThrow(`${both}:4 (cluster.objects[0]): Namespace "shop" is declared twice in the cluster context, first at ${both}:2 (cluster.namespaces[0])`);
    const policy = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'deny', namespace: 'shop' }, spec: { podSelector: {} } };
    expect(() => resolveConfig({ cluster: { networkPolicies: [policy], objects: [policy] } }))
      .toThrow('config cluster.objects[0]: NetworkPolicy "shop/deny" is declared twice in the cluster context, first at config cluster.networkPolicies[0]');
    const account = (namespace?: string) => ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'web', namespace } });
    expect(() => resolveConfig({ cluster: { objects: [account('shop'), account('shop')] } })).toThrow(/ServiceAccount "shop\/web" is declared twice/);
    // Other namespaces or kinds are other objects.
    expect(() => resolveConfig({ cluster: { objects: [account('shop'), account('team'), { ...account('shop'), kind: 'Role' }] } })).not.toThrow();
  });

  it('requires a namespace on a declared ServiceAccount or Role, which rules look up by namespace, and not on a NetworkPolicy', () => {
    const account = file('sa-no-ns.yaml', 'cluster:\n  objects:\n    - apiVersion: v1\n      kind: ServiceAccount\n      metadata: { name: web }\n');
    expect(() => loadConfig(account)).toThrow(`${account}:5 (cluster.objects[0].metadata): a declared ServiceAccount needs metadata.namespace: rules look a ServiceAccount up in the namespace of the object that names it`);
    const role = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'reader', namespace: '' } };
    expect(() => resolveConfig({ cluster: { objects: [role] } })).toThrow('config cluster.objects[0].metadata: a declared Role needs metadata.namespace');
    // Without a namespace, a NetworkPolicy means one in every namespace; a ClusterRole has none.
    const everywhere = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'deny' }, spec: { podSelector: {} } };
    const clusterRole = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'reader' } };
    expect(() => resolveConfig({ cluster: { networkPolicies: [everywhere], objects: [clusterRole, { ...everywhere, metadata: { name: 'other' } }] } })).not.toThrow();
  });

  it('refuses a NetworkPolicy of another API group under cluster.networkPolicies: no rule reads it, so the platform\'s policies would seem declared', () => {
    const calico = file('np-calico.yaml', 'cluster:\n  networkPolicies:\n    - apiVersion: projectcalico.org/v3\n      kind: NetworkPolicy\n      metadata: { name: deny, namespace: shop }\n      spec: { selector: all(), types: [Ingress, Egress] }\n');
    expect(() => loadConfig(calico)).toThrow(`${calico}:3 (cluster.networkPolicies[0].apiVersion): cluster.networkPolicies holds Kubernetes NetworkPolicies (networking.k8s.io), got one of projectcalico.org; hardpod does not read that group's policies, so declare the networking.k8s.io policies the platform owns`);
    for (const apiVersion of ['crd.projectcalico.org/v1', 'cilium.io/v2', 'networking.k8s.io.example.com/v1']) {
      const policy = { apiVersion, kind: 'NetworkPolicy', metadata: { name: 'deny', namespace: 'shop' }, spec: { podSelector: {} } };
      expect(() => resolveConfig({ cluster: { networkPolicies: [policy] } })).toThrow(`config cluster.networkPolicies[0].apiVersion: cluster.networkPolicies holds Kubernetes NetworkPolicies (networking.k8s.io), got one of ${apiVersion.split('/')[0]}`);
    }
  });

  it('a kind of another API group is another object: it is declared besides the Kubernetes one of that name, and needs no namespace to be looked up', () => {
    const policy = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'deny', namespace: 'shop' }, spec: { podSelector: {} } };
    const calico = { ...policy, apiVersion: 'projectcalico.org/v3', spec: { selector: 'all()' } };
    expect(() => resolveConfig({ cluster: { networkPolicies: [policy], objects: [calico] } })).not.toThrow();
    const ns = { apiVersion: 'example.com/v1', kind: 'Namespace', metadata: { name: 'shop' } };
    expect(() => resolveConfig({ cluster: { namespaces: [{ name: 'shop' }], objects: [ns] } })).not.toThrow();
    // A cluster-scoped custom kind named Role or ServiceAccount is no namespaced object a workload or binding names.
    for (const kind of ['Role', 'ServiceAccount']) {
      expect(() => resolveConfig({ cluster: { objects: [{ apiVersion: 'example.com/v1', kind, metadata: { name: 'web' } }] } })).not.toThrow();
    }
    expect(() => resolveConfig({ cluster: { objects: [calico, calico] } })).toThrow('config cluster.objects[1]: NetworkPolicy of projectcalico.org "shop/deny" is declared twice in the cluster context, first at config cluster.objects[0]');
  });

  it('requires NetworkPolicy objects under cluster.networkPolicies', () => {
    const path = file('np.yaml', 'cluster:\n  networkPolicies:\n    - apiVersion: v1\n      kind: Service\n      metadata: { name: web }\n');
    expect(() => loadConfig(path)).toThrow(new RegExp(`${path}:4 \\(cluster\\.networkPolicies\\[0\\]\\.kind\\): cluster\\.networkPolicies holds NetworkPolicy objects, got kind "Service"; put other objects under cluster\\.objects`));
    const nameless = file('nameless.yaml', 'cluster:\n  objects:\n    - { apiVersion: v1, kind: ServiceAccount, metadata: { namespace: shop } }\n');
    expect(() => loadConfig(nameless)).toThrow(new RegExp(`${nameless}:3 \\(cluster\\.objects\\[0\\]\\): a declared ServiceAccount needs metadata\\.name`));
    const ok = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'deny', namespace: 'shop' }, spec: { podSelector: {} } };
    expect(resolveConfig({ cluster: { networkPolicies: [ok] } }).cluster.networkPolicies).toEqual([ok]);
  });
});

describe('idleRuleOverrides', () => {
  it('lists the overrides of rules that do not run under the edition, level or Kubernetes version, each with why, and not those that only disable', () => {
    const rules = {
      'well-formed-objects': { severity: 'low' as const },
      'image-digest': { enabled: true },
      'host-probes-and-host-lifecycle': { enforcement: 'warn' as const },
      'run-as-non-root': { enabled: false },
      'privileged': { severity: 'high' as const },
    };
    expect(idleRuleOverrides(resolveConfig({ edition: 1, level: 'baseline', kubernetesVersion: '1.30', rules }))).toEqual([
      { rule: 'well-formed-objects', reason: 'it came in rule-set edition 2, and the config pins edition 1' },
      { rule: 'image-digest', reason: 'it is in level hardened, and this run checks level baseline' },
      { rule: 'host-probes-and-host-lifecycle', reason: 'it applies from Kubernetes 1.34, and this run judges 1.30' },
    ]);
    expect(idleRuleOverrides(resolveConfig({ rules }))).toEqual([]);
  });
});
