import { mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dump } from 'js-yaml';
import { ManifestSet, manifestFilesUnder, MAX_INPUT_BYTES, readManifests } from '../../src/loader';
import { splitDocuments } from '../../src/loader/split';
import { isHardpodError } from '../../src/model/errors';
import { formatFieldPath, parseFieldPath } from '../../src/model/field-path';

/** The HardpodError message of `fn`, failing the test when it throws anything else or nothing. */
function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (isHardpodError(error)) return error.message;
    throw error;
  }
  throw new Error('expected a HardpodError');
}

const load = (text: string, file = 'in.yaml') => {
  const set = new ManifestSet();
  set.addText(text, file);
  return set;
};

const HELM = `---
# Source: shop/templates/serviceaccount.yaml
apiVersion: v1
kind: ServiceAccount
metadata:
  name: web
---
# Source: shop/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  annotations:
    "example.com/a.b": "x"
spec:
  template:
    spec:
      containers:
        - name: app
          image: nginx   # trailing comment
          args: ["--port", "8080"]
          env:
            - name: SCRIPT
              value: |
                key: not a key
                - not an item
          securityContext:
            runAsNonRoot: false
`;

describe('splitting documents', () => {
  test('finds start lines, content lines and helm Source comments; drops empty documents', () => {
    const docs = splitDocuments('# only a comment\n---\n---\n# c\n\na: 1\n...\n---\nb: 2\n--- # marker comment\nc: 3\n---\n');
    expect(docs.map((d) => [d.startLine, d.contentLine, d.index])).toEqual([[3, 6, 1], [8, 9, 2], [10, 11, 3]]);
    const helm = splitDocuments(HELM);
    expect(helm.map((d) => d.template)).toEqual(['shop/templates/serviceaccount.yaml', 'shop/templates/deployment.yaml']);
    expect(helm.map((d) => d.contentLine)).toEqual([3, 9]);
  });

  test('a bare first document without a marker is a document', () => {
    expect(splitDocuments('a: 1\n---\nb: 2\n').map((d) => [d.startLine, d.contentLine, d.index])).toEqual([[1, 1, 0], [2, 3, 1]]);
  });

  test('`---` inside a line or a longer dash run is not a marker', () => {
    expect(splitDocuments('a: "---"\nb: ----\n')).toHaveLength(1);
  });
});

describe('loading manifests', () => {
  test('helm template output: objects at their first content line, with the template they came from', () => {
    const set = load(HELM, 'out.yaml');
    expect(set.objects.map((o) => [o.object.kind, o.source.line, o.source.template, o.source.documentIndex])).toEqual([
      ['ServiceAccount', 3, 'shop/templates/serviceaccount.yaml', 0],
      ['Deployment', 9, 'shop/templates/deployment.yaml', 1],
    ]);
  });

  test('field lines, looked up lazily, including missing fields, quoted keys and block scalars', () => {
    const set = load(HELM, 'out.yaml');
    const deployment = set.objects[1].source;
    expect(set.fieldLine(deployment, 'spec.template.spec.containers[0].securityContext.runAsNonRoot')).toBe(28);
    // A missing field points at its deepest present ancestor.
    expect(set.fieldLine(deployment, 'spec.template.spec.containers[0].securityContext.capabilities.drop')).toBe(27);
    expect(set.fieldLine(deployment, 'spec.template.spec.containers[0].image')).toBe(20);
    expect(set.fieldLine(deployment, 'spec.template.spec.containers[0].args[1]')).toBe(21);
    expect(set.fieldLine(deployment, 'metadata.annotations["example.com/a.b"]')).toBe(14);
    expect(set.fieldLine(deployment, '')).toBe(9);
    expect(set.fieldLine({ file: 'other.yaml', line: 9 }, 'spec')).toBeUndefined();
  });

  test('a key that reads as another key (0x1F: is 31, yes: is true) is found at its own line, however the document is read', () => {
    const keys: [written: string, read: string][] = [['0x1F', '31'], ['yes', 'true'], ['017', '15'], ['1_000', '1000'], ['0.50', '0.5'], ['n', 'false'], ['8080', '8080'], ['"0x10"', '0x10']];
    const data = keys.map(([written], i) => `  ${written}: v${i}`).join('\n');
    // As written, read by the block parser's subset; with an anchor, by js-yaml.
    for (const first of ['a: "1"', 'a: &one "1"']) {
      const set = load(`apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  ${first}\n${data}\n`);
      const { object, source } = set.objects[0];
      expect(Object.keys(object.data as object).sort()).toEqual(['a', ...keys.map(([, read]) => read)].sort());
      keys.forEach(([, read], i) => expect([read, set.fieldLine(source, formatFieldPath(['data', read]))]).toEqual([read, 7 + i]));
      // A path below such a key, missing from the file, points at the key.
      expect(set.fieldLine(source, 'data.31.missing')).toBe(7);
    }
  });

  test('anchors, aliases and merge keys resolve; lines still found', () => {
    const set = load('apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels: &l {app: a}\nspec:\n  x: *l\n  containers:\n  - <<: {name: c}\n    image: i\n');
    expect(set.objects[0].object.spec).toEqual({ x: { app: 'a' }, containers: [{ name: 'c', image: 'i' }] });
    expect(set.fieldLine(set.objects[0].source, 'spec.containers[0].image')).toBe(10);
  });

  test('a path through an alias stops at the alias, not in the anchored original of another object', () => {
    const text = [
      'apiVersion: v1', //                      1
      'kind: Pod',
      'metadata: {name: p}',
      'spec:',
      '  containers:', //                       5
      '  - name: app',
      '    securityContext: &sc',
      '      privileged: true',
      '  - &second',
      '    name: sidecar', //                   10
      '  initContainers:',
      '  - name: init',
      '    securityContext: *sc',
      '  - *second',
      '',
    ].join('\n');
    const set = load(text);
    const pod = set.objects[0].source;
    expect(set.fieldLine(pod, 'spec.containers[0].securityContext.privileged')).toBe(8);
    expect(set.fieldLine(pod, 'spec.initContainers[0].securityContext.privileged')).toBe(13);
    expect(set.fieldLine(pod, 'spec.initContainers[0].securityContext')).toBe(13);
    expect(set.fieldLine(pod, 'spec.initContainers[1].name')).toBe(14);
    // Through the anchored original itself, the path goes as deep as the text shows.
    expect(set.fieldLine(pod, 'spec.containers[1].name')).toBe(10);
  });

  test('a key a merge brings in: in the merged mapping when it is written in place, else at the alias that brings it', () => {
    const text = [
      'apiVersion: v1', //                      1
      'kind: Pod',
      'metadata: {name: p}',
      'spec:',
      '  containers:', //                       5
      '  - name: app',
      '    securityContext:',
      '      <<: &base',
      '        privileged: true',
      '        <<: {runAsUser: 0}', //          10
      '  - name: sidecar',
      '    securityContext:',
      '      runAsNonRoot: true',
      '      <<: *base',
      '  - name: third', //                     15
      '    securityContext:',
      '      <<: [{readOnlyRootFilesystem: false}, *base]',
      '      privileged: false',
      '',
    ].join('\n');
    const set = load(text);
    const pod = set.objects[0].source;
    expect((set.objects[0].object.spec as { containers: Array<{ securityContext: unknown }> }).containers.map((c) => c.securityContext)).toEqual([
      { privileged: true, runAsUser: 0 },
      { privileged: true, runAsNonRoot: true, runAsUser: 0 },
      { privileged: false, readOnlyRootFilesystem: false, runAsUser: 0 },
    ]);
    expect(set.fieldLine(pod, 'spec.containers[0].securityContext.privileged')).toBe(9);
    expect(set.fieldLine(pod, 'spec.containers[0].securityContext.runAsUser')).toBe(10);
    expect(set.fieldLine(pod, 'spec.containers[1].securityContext.privileged')).toBe(14);
    expect(set.fieldLine(pod, 'spec.containers[1].securityContext.runAsUser')).toBe(14);
    expect(set.fieldLine(pod, 'spec.containers[1].securityContext.runAsNonRoot')).toBe(13);
    // An own key wins over a merged one; a key no merge brings in points at the mapping's key.
    expect(set.fieldLine(pod, 'spec.containers[2].securityContext.privileged')).toBe(18);
    expect(set.fieldLine(pod, 'spec.containers[2].securityContext.readOnlyRootFilesystem')).toBe(17);
    expect(set.fieldLine(pod, 'spec.containers[2].securityContext.runAsUser')).toBe(17);
    expect(set.fieldLine(pod, 'spec.containers[2].securityContext.capabilities')).toBe(16);
  });

  test('JSON, including a v1 List whose items get their own lines', () => {
    const list = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a' } }, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'b' }, spec: { containers: [] } }] }, null, 2);
    const set = load(`\n${list}`, 'list.json');
    expect(set.objects.map((o) => [o.object.metadata?.name, o.source.line])).toEqual([['a', 6], ['b', 13]]);
    expect(set.fieldLine(set.objects[1].source, 'spec.containers')).toBe(20);
  });

  test('a YAML List and typed lists (DeploymentList) are expanded', () => {
    const set = load('apiVersion: apps/v1\nkind: DeploymentList\nitems:\n- apiVersion: apps/v1\n  kind: Deployment\n  metadata: {name: a}\n');
    expect(set.objects.map((o) => [o.object.kind, o.source.line])).toEqual([['Deployment', 4]]);
  });

  test('YAML as Kubernetes reads it: unquoted dates stay strings, tagged YAML 1.1 types still load', () => {
    const set = load('apiVersion: v1\nkind: ConfigMap\ndata:\n  released: 2024-01-31\n  at: 2024-01-31T10:00:00Z\n  raw: !!binary aGk=\n');
    expect(set.objects[0].object.data).toMatchObject({ released: '2024-01-31', at: '2024-01-31T10:00:00Z' });
  });

  test('a UTF-8 byte order mark is ignored', () => {
    expect(load('\ufeffapiVersion: v1\nkind: Pod\n').objects).toHaveLength(1);
  });

  test.each([
    ['malformed YAML', 'apiVersion: v1\nkind: Pod\nspec: [\n', /^in\.yaml:4: invalid YAML: /],
    ['duplicate keys', 'apiVersion: v1\nkind: Pod\nkind: Pod\n', /^in\.yaml:3: the key "kind" appears twice in one mapping: kubectl would keep only the last one/],
    ['duplicate keys with an anchor or a tag', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  &n name: b\n  !!str name: c\n', /^in\.yaml:5: the key "name" appears twice in one mapping/],
    ['duplicate explicit keys', 'apiVersion: v1\nkind: Pod\nmetadata:\n  ? name\n  : a\n  ? name # again\n  : b\n', /^in\.yaml:6: the key "name" appears twice in one mapping/],
    ['a string document', '---\napiVersion: v1\nkind: Pod\n---\njust words\n', /^in\.yaml:5: expected a Kubernetes object .* found a string \("just words"\)/],
    ['a number document', '42\n', /^in\.yaml:1: expected a Kubernetes object .* found a number \(42\)/],
    ['a list document', '- a\n', /^in\.yaml:1: .* found a list/],
    ['no kind', 'apiVersion: v1\nmetadata: {}\n', /^in\.yaml:1: a Kubernetes object needs kind as a non-empty string, found nothing/],
    ['kind of the wrong type', 'apiVersion: v1\nkind: [Pod]\n', /^in\.yaml:2: .*kind.* found a list/],
    ['apiVersion of the wrong type', '# a pod\nkind: Pod\napiVersion: 1\n', /^in\.yaml:3: a Kubernetes object needs apiVersion as a non-empty string, found a number/],
    ['metadata of the wrong type', 'apiVersion: v1\nkind: Pod\nmetadata: web\n', /^in\.yaml:3: metadata must be a mapping/],
    ['name of the wrong type', 'apiVersion: v1\nkind: Pod\nmetadata:\n  labels: {app: web}\n  name: true\n', /^in\.yaml:5: metadata\.name must be a string, found a boolean/],
    ['name of the wrong type in a flow mapping', 'apiVersion: v1\nkind: Pod\nmetadata: {name: 3}\n', /^in\.yaml:3: metadata\.name must be a string, found a number/],
    ['namespace of the wrong type', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: 5\n', /^in\.yaml:5: metadata\.namespace must be a string, found a number/],
    ['generateName of the wrong type', 'apiVersion: v1\nkind: Pod\nmetadata:\n  generateName:\n  - web-\n', /^in\.yaml:4: metadata\.generateName must be a string, found a list/],
    ['name of the wrong type in JSON', '{\n  "apiVersion": "v1",\n  "kind": "Pod",\n  "metadata": {\n    "name": false\n  }\n}\n', /^in\.yaml:5: metadata\.name must be a string, found a boolean/],
    ['name of the wrong type in a later document', 'apiVersion: v1\nkind: Pod\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: 7\n', /^in\.yaml:7: metadata\.name must be a string, found a number/],
    ['List items not a list', 'apiVersion: v1\nkind: List\nitems: {}\n', /^in\.yaml:3: items of a List must be a list/],
    ['a List item\'s name of the wrong type', 'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: true\n', /^in\.yaml:7: metadata\.name must be a string, found a boolean/],
    ['a List item without kind', 'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  metadata: {}\n- {}\n', /^in\.yaml:4: .*needs kind/],
    ['a List item that is a string', 'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n- oops\n', /^in\.yaml:6: a List item must be a Kubernetes object, found a string/],
    ['deep nesting', `apiVersion: v1\nkind: Pod\nspec: ${'['.repeat(5000)}${']'.repeat(5000)}\n`, /^in\.yaml:3: the document is nested more than 200 levels deep/],
    ['deep JSON nesting', `{"apiVersion":"v1","kind":"Pod","spec":${'['.repeat(100_000)}${']'.repeat(100_000)}}`, /^in\.yaml:1: the document is nested more than 200 levels deep/],
    ['CR-only line ends', 'apiVersion: v1\rkind: Pod\rmetadata:\r  name: a\r', /^in\.yaml:1: a line ends in a bare carriage return \(CR without LF, the old Mac OS line end\).*save the file with LF or CRLF line ends$/],
    ['a bare CR after LF lines', 'apiVersion: v1\nkind: Pod\nmetadata:\r  name: a\n', /^in\.yaml:3: a line ends in a bare carriage return/],
    ['CR-only line ends in JSON', '{\r"apiVersion": "v1",\r"kind": "Pod"\r}\r', /^in\.yaml:1: a line ends in a bare carriage return/],
    ['a tab-indented file', 'apiVersion: v1\nkind: Pod\nspec:\n\tcontainers: []\n', /^in\.yaml:4: invalid YAML/],
  ])('%s is a HardpodError naming the file and line', (_name, text, expected) => {
    expect(errorOf(() => load(text))).toMatch(expected);
  });

  test('an alias bomb (billion laughs) is refused quickly, naming the document', () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      levels.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    const text = `apiVersion: v1\nkind: ConfigMap\n---\n# bomb\napiVersion: v1\nkind: ConfigMap\n${levels.join('\n')}\n`;
    const started = Date.now();
    expect(errorOf(() => load(text))).toMatch(/^in\.yaml:5: the document's aliases expand to more than \d+ values/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  test('modest alias use is fine', () => {
    const set = load('apiVersion: v1\nkind: Pod\nmetadata:\n  labels: &l {a: "1"}\n  annotations: *l\n');
    expect(set.objects[0].object.metadata?.annotations).toEqual({ a: '1' });
  });
});

describe('reading files, folders and stdin', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hardpod-loader-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const pod = (name: string) => dump({ apiVersion: 'v1', kind: 'Pod', metadata: { name } });

  test('a file over the size limit is refused by name before it is read', () => {
    const file = join(dir, 'huge.yaml');
    // Sparse: the size is there, the bytes are not.
    writeFileSync(file, '');
    truncateSync(file, MAX_INPUT_BYTES + 1);
    expect(() => readManifests([file])).toThrow(`${file}: the file is ${MAX_INPUT_BYTES / 1024 / 1024} MiB; hardpod reads files of at most ${MAX_INPUT_BYTES / 1024 / 1024} MiB (split it)`);
  });

  test('folders recursively, sorted, only manifest extensions, hidden folders and node_modules skipped, link cycles once', () => {
    mkdirSync(join(dir, 'b', 'deeper'), { recursive: true });
    mkdirSync(join(dir, '.git'));
    mkdirSync(join(dir, 'node_modules'));
    writeFileSync(join(dir, 'b', 'deeper', 'z.yml'), pod('z'));
    writeFileSync(join(dir, 'a.yaml'), pod('a'));
    writeFileSync(join(dir, 'c.JSON'), JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'c' } }));
    writeFileSync(join(dir, 'notes.txt'), 'not yaml: [');
    writeFileSync(join(dir, '.git', 'x.yaml'), 'not: [');
    writeFileSync(join(dir, 'node_modules', 'x.yaml'), 'not: [');
    symlinkSync(dir, join(dir, 'b', 'loop'));
    expect(manifestFilesUnder(dir).map((f) => f.slice(dir.length + 1))).toEqual(['a.yaml', join('b', 'deeper', 'z.yml'), 'c.JSON']);
    // a.yaml is reached again by name, and through a link: read once.
    symlinkSync(join(dir, 'a.yaml'), join(dir, 'b', 'a-link.yaml'));
    const set = readManifests([dir, join(dir, 'a.yaml')]);
    expect(set.objects.map((o) => o.object.metadata?.name)).toEqual(['a', 'z', 'c']);
  });

  test('a loop of symbolic links in a folder is skipped, or named when it is named like a manifest, not an internal error', () => {
    writeFileSync(join(dir, 'a.yaml'), pod('a'));
    symlinkSync('self', join(dir, 'self'));
    expect(readManifests([dir]).objects).toHaveLength(1);
    symlinkSync('loop.yaml', join(dir, 'loop.yaml'));
    expect(errorOf(() => readManifests([dir]))).toBe(`${join(dir, 'loop.yaml')}: a loop of symbolic links, which leads to no file`);
  });

  test('a Helm chart in a folder is an error saying to check what it renders, not YAML errors in its templates', () => {
    writeFileSync(join(dir, 'a.yaml'), pod('a'));
    const chart = join(dir, 'charts', 'shop');
    mkdirSync(join(chart, 'templates'), { recursive: true });
    writeFileSync(join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: shop\nversion: 0.1.0\n');
    writeFileSync(join(chart, 'templates', 'pod.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Values.name }}\n');
    expect(errorOf(() => readManifests([dir]))).toBe(
      `${chart}: a Helm chart (it holds Chart.yaml), whose templates are not manifests yet: give hardpod what it renders instead (\`helm template RELEASE ${chart}\`, saved to a file or piped to - for standard input)`,
    );
  });

  test('a kustomization in a folder is an error when asked (check): its patches and transformers change what its files hold', () => {
    const base = join(dir, 'deploy', 'base');
    mkdirSync(base, { recursive: true });
    writeFileSync(join(base, 'app.yaml'), pod('app'));
    writeFileSync(join(base, 'kustomization.yaml'), 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: prod\nresources: [app.yaml]\n');
    expect(errorOf(() => readManifests([dir], { refuseKustomizations: true }))).toBe(
      `${base}: a kustomization (it holds kustomization.yaml), whose patches and transformers (namespace, images, labels) change the objects its files hold: ` +
        `give hardpod what it builds instead (\`kustomize build ${base} | hardpod check -\`, or \`kubectl kustomize ${base}\`), or name the files to check on their own`,
    );
    // A file named on its own is read; lock, which reads the images as written, reads the folder.
    expect(readManifests([join(base, 'app.yaml')], { refuseKustomizations: true }).objects).toHaveLength(1);
    expect(readManifests([dir]).objects.map((o) => o.object.kind)).toEqual(['Pod', 'Kustomization']);
  });

  test('a folder\'s files that are no manifests (values, package.json, docker-compose, a JSON with comments, a kustomization) are all named in one error', () => {
    mkdirSync(join(dir, 'deploy', 'prod'), { recursive: true });
    writeFileSync(join(dir, 'deploy', 'app.yaml'), pod('app'));
    writeFileSync(join(dir, 'deploy', 'prod', 'kustomization.yaml'), 'resources:\n  - ../app.yaml\n');
    writeFileSync(join(dir, 'docker-compose.yml'), 'services:\n  web:\n    image: nginx\n');
    writeFileSync(join(dir, 'package.json'), '{"name": "app", "version": "1.0.0"}\n');
    writeFileSync(join(dir, 'playbook.yml'), '- hosts: all\n  tasks: []\n');
    writeFileSync(join(dir, 'tsconfig.json'), '{\n  // strict\n  "compilerOptions": {"strict": true}\n}\n');
    writeFileSync(join(dir, 'values.yaml'), 'replicaCount: 1\n');
    const noApiVersion = 'a Kubernetes object needs apiVersion as a non-empty string, found nothing';
    expect(errorOf(() => readManifests([dir]))).toBe([
      `${dir}: 6 files below it are not Kubernetes manifests, and every *.yaml, *.yml and *.json file below a folder is read as one:`,
      `  ${join(dir, 'deploy', 'prod', 'kustomization.yaml')}:1: ${noApiVersion} (a kustomization: check what it builds, \`kustomize build ${join(dir, 'deploy', 'prod')} | hardpod check -\`)`,
      `  ${join(dir, 'docker-compose.yml')}:1: ${noApiVersion}`,
      `  ${join(dir, 'package.json')}:1: ${noApiVersion}`,
      `  ${join(dir, 'playbook.yml')}:1: expected a Kubernetes object (a mapping with apiVersion and kind), found a list`,
      `  ${join(dir, 'tsconfig.json')}:3: invalid YAML: missed comma between flow collection entries`,
      `  ${join(dir, 'values.yaml')}:1: ${noApiVersion}`,
      'give the folders or files that hold only manifests instead, or what a chart or kustomization renders on standard input (-); fix any manifest listed',
    ].join('\n'));
    // The folder of manifests alone reads, and so does a file named on its own that is one.
    expect(readManifests([join(dir, 'deploy', 'app.yaml'), join(dir, 'deploy', 'app.yaml')]).objects).toHaveLength(1);
    // A file named on its own, and a single broken manifest in a folder, read as before.
    expect(errorOf(() => readManifests([join(dir, 'values.yaml')]))).toBe(`${join(dir, 'values.yaml')}:1: ${noApiVersion}`);
    const broken = join(dir, 'broken');
    mkdirSync(broken);
    writeFileSync(join(broken, 'a.yaml'), `${pod('a')}spec: [\n`);
    expect(errorOf(() => readManifests([broken]))).toMatch(/^\S+a\.yaml:\d+: invalid YAML/);
    // A file whose later document is no object is a broken manifest, not another kind of file.
    writeFileSync(join(broken, 'a.yaml'), `${pod('a')}---\nreplicas: 1\n`);
    expect(errorOf(() => readManifests([broken]))).toBe(`${join(broken, 'a.yaml')}:6: ${noApiVersion}`);
  });

  test.each([
    // `{{ .Values.name }}` is a flow mapping whose key is a mapping, which kubectl refuses too.
    ['parses, as a mapping with a mapping as its key', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Values.name }}\n', /^t\.yaml:4: a mapping key that is itself a mapping or a list: kubectl refuses it .*\(the document holds \{\{ \.\.\. \}\}: if it is a Helm template/],
    ['is not YAML', 'apiVersion: v1\nkind: Pod\nmetadata:\n  labels:\n    {{- include "labels" . | nindent 4 }}\n', /^t\.yaml:5: invalid YAML: .*\(the document holds \{\{ \.\.\. \}\}: if it is a Helm template, check what it renders/],
    // Every expression quoted: the template reads as an object, which must not be judged as what it renders.
    ['quotes its expressions, so reads as an object', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: "{{ .Release.Name }}-web"\n  namespace: x\n',
      /^t\.yaml:4: metadata\.name "\{\{ \.Release\.Name \}\}-web" holds a template expression, which no Kubernetes object name can \(the document holds \{\{ \.\.\. \}\}: if it is a Helm template, check what it renders/],
    ['quotes its namespace', 'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: web\n    namespace: \'{{ .Release.Namespace }}\'\n',
      /^t\.yaml:8: metadata\.namespace "\{\{ \.Release\.Namespace \}\}" holds a template expression, which no Kubernetes namespace can \(the document holds/],
  ])('an unrendered Helm template that %s gets a hint in its error', (_, text, message) => {
    expect(errorOf(() => new ManifestSet().addText(text, 't.yaml'))).toMatch(message);
  });

  test('text with {{ }} that reads fine (a Prometheus rule in a ConfigMap) is read as it is', () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: rules\ndata:\n  alert: "{{ $labels.instance }} is down"\n';
    expect(new ManifestSet().addText(text, 't.yaml')).toBe(1);
  });

  test('the run\'s own files are skipped in folders, and read when named', () => {
    writeFileSync(join(dir, 'a.yaml'), pod('a'));
    writeFileSync(join(dir, 'baseline.json'), '{"version": 1, "findings": []}');
    const ownFiles = [join(dir, 'baseline.json'), join(dir, 'not-written-yet.json')];
    expect(readManifests([dir], { ownFiles }).objects.map((o) => o.object.metadata?.name)).toEqual(['a']);
    expect(errorOf(() => readManifests([join(dir, 'baseline.json')], { ownFiles }))).toMatch(/baseline\.json:1: a Kubernetes object needs apiVersion/);
    expect(errorOf(() => readManifests([dir]))).toMatch(/1 file below it is not a Kubernetes manifest.*\n.*baseline\.json:1: a Kubernetes object needs apiVersion/);
  });

  test('stdin is read once, named <stdin>', () => {
    const set = readManifests(['-'], { readStdin: () => pod('from-stdin') });
    expect(set.objects[0].source).toMatchObject({ file: '<stdin>', line: 1 });
    expect(errorOf(() => readManifests(['-', '-'], { readStdin: () => '' }))).toMatch(/only once/);
  });

  test('missing paths and folders without manifests are errors naming them', () => {
    expect(errorOf(() => readManifests([join(dir, 'nope.yaml')]))).toBe(`${join(dir, 'nope.yaml')}: no such file or folder`);
    mkdirSync(join(dir, 'empty'));
    expect(errorOf(() => readManifests([join(dir, 'empty')]))).toMatch(/the folder holds no \*\.yaml, \*\.yml or \*\.json files/);
  });

  test('an error in the second file names that file', () => {
    writeFileSync(join(dir, 'a.yaml'), pod('a'));
    writeFileSync(join(dir, 'b.yaml'), `${pod('b')}---\nkind: [\n`);
    expect(errorOf(() => readManifests([dir]))).toMatch(new RegExp(`^${join(dir, 'b.yaml').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:7: invalid YAML`));
  });
});

describe('field paths', () => {
  test.each([
    ['', []],
    ['spec.containers[0].image', ['spec', 'containers', 0, 'image']],
    ['metadata.annotations["a.b/c"]', ['metadata', 'annotations', 'a.b/c']],
    ["metadata.labels['x''y']", ['metadata', 'labels', "x'y"]],
    ['items[2].spec', ['items', 2, 'spec']],
    ['a[unclosed', ['a', '[unclosed']],
  ])('%s', (path, expected) => {
    expect(parseFieldPath(path)).toEqual(expected);
  });

  test.each([
    [['spec', 'containers', 0, 'image'], 'spec.containers[0].image'],
    [['metadata', 'annotations', 'a.b/c'], 'metadata.annotations["a.b/c"]'],
    [['x', "it's", 'q"uote', 'a[0]', '', '8'], 'x["it\'s"]["q\\"uote"]["a[0]"][""].8'],
    [[0, 'a'], '[0].a'],
  ])('%j is written as %s, which reads back as the same keys', (segments, path) => {
    expect(formatFieldPath(segments)).toBe(path);
    expect(parseFieldPath(formatFieldPath(segments))).toEqual(segments);
  });
});
