import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../src/cli/run';
import { serializeLockFile } from '../../src/images/lock-file';

/**
 * A registry serving one manifest per `repository:tag`, enough for `hardpod pin` to resolve and
 * verify a digest. `onRequest` runs before each answer (to edit a file while pin waits).
 */
class ManifestRegistry {
  static async start(): Promise<ManifestRegistry> {
    const registry = new ManifestRegistry();
    await new Promise<void>((resolve) => registry.server.listen(0, '127.0.0.1', resolve));
    return registry;
  }

  static digestOf(bytes: Buffer): string {
    return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  }

  onRequest: (() => void) | undefined;
  private readonly manifests = new Map<string, Buffer>();
  private readonly server = http.createServer((request, response) => {
    this.onRequest?.();
    const match = /^\/v2\/(.+)\/manifests\/([^/]+)$/.exec(request.url ?? '');
    const bytes = match ? this.manifests.get(`${match[1]}:${match[2]}`) ?? this.manifests.get(`${match[1]}@${match[2]}`) : undefined;
    if (!bytes) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, {
      'Content-Type': 'application/vnd.oci.image.manifest.v1+json',
      'Docker-Content-Digest': ManifestRegistry.digestOf(bytes),
      'Content-Length': bytes.length,
    });
    response.end(request.method === 'HEAD' ? undefined : bytes);
  });

  get host(): string {
    return `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Serves a distinct manifest for `repository:tag` and returns its digest. */
  add(repository: string, tag: string): string {
    const bytes = Buffer.from(JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: `sha256:${createHash('sha256').update(tag).digest('hex')}`, size: 2 },
      layers: [],
    }));
    const digest = ManifestRegistry.digestOf(bytes);
    this.manifests.set(`${repository}:${tag}`, bytes);
    this.manifests.set(`${repository}@${digest}`, bytes);
    return digest;
  }

  /** Makes `repository:tag` serve what `repository:target` serves. */
  alias(repository: string, tag: string, target: string): void {
    this.manifests.set(`${repository}:${tag}`, this.manifests.get(`${repository}:${target}`)!);
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

async function hardpod(args: string[], cwd: string): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const status = await runCli(args, {
    cwd,
    env: { HOME: cwd, DOCKER_CONFIG: cwd, CI: '1' },
    stdoutIsTTY: false,
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
  });
  return { status, stdout, stderr };
}

const pod = (image: string, name = 'app') => `# a hand-written pod
apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
  containers:
    - name: app
      image: ${image}   # keep
`;

let registry: ManifestRegistry;
let dir: string;
beforeAll(async () => {
  registry = await ManifestRegistry.start();
});
afterAll(() => registry.stop());
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hardpod-pin-'));
  registry.onRequest = undefined;
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('hardpod pin --write', () => {
  it('refuses to write a file edited while the registry answered, and keeps the edit', async () => {
    registry.add('team/app', '1.0');
    const file = path.join(dir, 'race.yaml');
    fs.writeFileSync(file, pod(`${registry.host}/team/app:1.0`));
    const edited = `${pod(`${registry.host}/team/app:1.0`)}      env:\n        - {name: ADDED_BY_COLLEAGUE, value: "x"}\n`;
    registry.onRequest = () => fs.writeFileSync(file, edited);
    const result = await hardpod(['pin', '--write', 'race.yaml'], dir);
    expect(result.stderr).toMatch(/^hardpod pin: error: race\.yaml: the file changed after hardpod read it \(edited meanwhile\?\); nothing was written: run the command again\n$/);
    expect(result.status).toBe(2);
    expect(fs.readFileSync(file, 'utf8')).toBe(edited);
    expect(fs.readdirSync(dir)).toEqual(['race.yaml']);
  });
});

describe('hardpod pin --write on several files', () => {
  it('writes no file when one of them cannot be written', async () => {
    registry.add('team/app', '1.0');
    const image = `${registry.host}/team/app:1.0`;
    fs.writeFileSync(path.join(dir, 'a.yaml'), pod(image));
    fs.mkdirSync(path.join(dir, 'sub'));
    fs.writeFileSync(path.join(dir, 'sub', 'b.yaml'), pod(image, 'b'));
    // b.yaml's folder goes away while the registry answers: its temp file cannot be created.
    registry.onRequest = () => fs.rmSync(path.join(dir, 'sub'), { recursive: true, force: true });
    const result = await hardpod(['pin', '--write', 'a.yaml', 'sub/b.yaml'], dir);
    expect(result.stderr).toMatch(/^hardpod pin: error: sub\/b\.yaml: cannot write the file: the folder sub does not exist \(create it first\); no file was changed\n$/);
    expect(result.status).toBe(2);
    expect(fs.readFileSync(path.join(dir, 'a.yaml'), 'utf8')).toBe(pod(image));
    expect(fs.readdirSync(dir)).toEqual(['a.yaml']);
  });
});

describe('hardpod pin (the diff)', () => {
  it('prints a diff that patch -p0 applies: paths as given, and a last line without a line break marked', async () => {
    const digest = registry.add('team/app', '1.0');
    const image = `${registry.host}/team/app:1.0`;
    fs.writeFileSync(path.join(dir, 'a.yaml'), pod(image));
    fs.mkdirSync(path.join(dir, 'base'));
    const noFinalNewline = pod(image).replace(/ {3}# keep\n$/, '');
    fs.writeFileSync(path.join(dir, 'base', 'nonl.yaml'), noFinalNewline);
    const diff = await hardpod(['pin', 'a.yaml', 'base'], dir);
    expect(diff.status).toBe(0);
    expect(diff.stdout).toBe(
      `--- a.yaml\n+++ a.yaml\n@@ -9 +9 @@\n-      image: ${image}   # keep\n+      image: ${image}@${digest}   # keep\n` +
      `--- base/nonl.yaml\n+++ base/nonl.yaml\n@@ -9 +9 @@\n-      image: ${image}\n\\ No newline at end of file\n+      image: ${image}@${digest}\n\\ No newline at end of file\n`,
    );
    const patch = spawnSync('patch', ['-p0', '--batch'], { cwd: dir, input: diff.stdout, encoding: 'utf8' });
    expect(patch.stderr).toBe('');
    expect(patch.status).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'a.yaml'), 'utf8')).toBe(pod(`${image}@${digest}`));
    expect(fs.readFileSync(path.join(dir, 'base', 'nonl.yaml'), 'utf8')).toBe(noFinalNewline.replace(image, `${image}@${digest}`));
  });
});

describe('hardpod pin on input without images', () => {
  it('refuses a folder without manifests and an input without objects, as check does', async () => {
    fs.mkdirSync(path.join(dir, 'empty'));
    fs.writeFileSync(path.join(dir, 'empty', 'readme.txt'), 'not a manifest');
    const folder = await hardpod(['pin', '--offline', 'empty'], dir);
    expect(folder.stderr).toBe('hardpod pin: error: empty: the folder holds no *.yaml, *.yml or *.json files\n');
    expect(folder.status).toBe(2);

    fs.writeFileSync(path.join(dir, 'blank.yaml'), '# nothing yet\n');
    const blank = await hardpod(['pin', '--offline', 'blank.yaml'], dir);
    expect(blank.stderr).toMatch(/^hardpod pin: error: blank\.yaml: no Kubernetes objects found, so nothing was pinned; give --allow-empty when an empty input is expected/);
    expect(blank.status).toBe(2);
    const allowed = await hardpod(['pin', '--offline', '--allow-empty', 'blank.yaml'], dir);
    expect(allowed.stderr).toBe('hardpod pin: the manifests hold no container image, so there is nothing to pin\n');
    expect(allowed.status).toBe(0);
  });

  it('says that manifests without any container image hold nothing to pin, not that every image is pinned', async () => {
    fs.writeFileSync(path.join(dir, 'config.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {image: "nginx:1.27"}\n');
    const result = await hardpod(['pin', '--offline', 'config.yaml'], dir);
    expect(result.stderr).toBe('hardpod pin: the manifests hold no container image, so there is nothing to pin\n');
    expect(result.status).toBe(0);
    fs.writeFileSync(path.join(dir, 'config.yaml'), pod(`nginx@sha256:${'a'.repeat(64)}`));
    expect((await hardpod(['pin', '--offline', 'config.yaml'], dir)).stderr).toBe('hardpod pin: every image is already pinned by digest\n');
  });

  it('prints no kustomize entries, not a bare images: key, for manifests without any container image or with every image pinned', async () => {
    fs.writeFileSync(path.join(dir, 'config.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: b}\n');
    const result = await hardpod(['pin', '--offline', '--kustomize', 'config.yaml'], dir);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('hardpod pin: the manifests hold no container image, so there is nothing to pin\n');
    expect(result.status).toBe(0);
    fs.writeFileSync(path.join(dir, 'config.yaml'), pod(`nginx@sha256:${'a'.repeat(64)}`));
    const pinned = await hardpod(['pin', '--offline', '--kustomize', 'config.yaml'], dir);
    expect(pinned.stdout).toBe('');
    expect(pinned.stderr).toBe('hardpod pin: every image is already pinned by digest\n');
    expect(pinned.status).toBe(0);
  });
});

describe('hardpod pin --kustomize', () => {
  const twoContainers = (first: string, second: string) => `apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  containers:
    - name: one
      image: ${first}
    - name: two
      image: ${second}
`;

  it('refuses --write, which would be ignored: the files would stay unpinned after a run that exits 0', async () => {
    fs.writeFileSync(path.join(dir, 'k.yaml'), twoContainers('nginx:1.27', 'redis:7'));
    const result = await hardpod(['pin', '--kustomize', '--write', '--offline', 'k.yaml'], dir);
    expect(result).toEqual({ status: 2, stdout: '', stderr: 'hardpod pin: error: --kustomize prints kustomization entries and --write rewrites the files: give one or the other\n' });
  });

  it('refuses two tags of one name at different digests, naming both, as one kustomize entry would give one of them the wrong image', async () => {
    const one = registry.add('team/app', '1.0');
    const two = registry.add('team/app', '2.0');
    fs.writeFileSync(path.join(dir, 'k.yaml'), twoContainers(`${registry.host}/team/app:1.0`, `${registry.host}/team/app:2.0`));
    const result = await hardpod(['pin', '--kustomize', 'k.yaml'], dir);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`kustomize \`images:\` entries match ${registry.host}/team/app whatever its tag`);
    expect(result.stderr).toMatch(new RegExp(`team/app:1\\.0 \\(k\\.yaml:8\\) is ${one}\n {2}${registry.host}/team/app:2\\.0 \\(k\\.yaml:10\\) is ${two}\n`));
  });

  it('refuses a tag beside an image of the same name pinned to another digest, which the entry would repin', async () => {
    registry.add('team/app', '1.0');
    fs.writeFileSync(path.join(dir, 'k.yaml'), twoContainers(`${registry.host}/team/app:1.0`, `${registry.host}/team/app@sha256:${'c'.repeat(64)}`));
    const result = await hardpod(['pin', '--kustomize', 'k.yaml'], dir);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`team/app@sha256:${'c'.repeat(64)} (`);
  });

  it('gives one entry for tags of one name at the same digest, and one per name', async () => {
    const one = registry.add('team/app', '1.0');
    const other = registry.add('team/other', '3');
    // latest serves the same manifest as 1.0 here.
    registry.alias('team/app', 'latest', '1.0');
    fs.writeFileSync(path.join(dir, 'a.yaml'), twoContainers(`${registry.host}/team/app:1.0`, `${registry.host}/team/app:latest`));
    fs.writeFileSync(path.join(dir, 'b.yaml'), twoContainers(`${registry.host}/team/other:3`, `${registry.host}/team/app@${one}`));
    const result = await hardpod(['pin', '--kustomize', '.'], dir);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(`images:\n- name: ${registry.host}/team/app\n  digest: ${one}\n- name: ${registry.host}/team/other\n  digest: ${other}\n`);
  });
});

describe('registry flags', () => {
  it('are checked up front, even when the lock file answers every tag', async () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    fs.writeFileSync(path.join(dir, 'hardpod.lock.json'), serializeLockFile({
      lockfileVersion: 1,
      images: { 'docker.io/library/nginx:1.27': { digest, mediaType: 'application/vnd.oci.image.index.v1+json', resolvedAt: 't', resolvedFrom: 'https://registry-1.docker.io' } },
    }));
    fs.writeFileSync(path.join(dir, 'app.yaml'), pod('nginx:1.27'));
    expect((await hardpod(['pin', '--offline', 'app.yaml'], dir)).status).toBe(0);
    const cases: [string[], string][] = [
      [['--concurrency', 'abc'], '--concurrency must be a positive number, got "abc"'],
      [['--concurrency', '0.5'], '--concurrency must be a whole number of requests, got "0.5"'],
      [['--mirror', 'x'], '--mirror must be REGISTRY=URL (e.g. docker.io=https://mirror.example.com), got "x"'],
      // A registry no image names would leave the mirror unused, unseen.
      [['--mirror', 'https://docker.io=https://m.example.com'], '--mirror https://docker.io=https://m.example.com: the registry "https://docker.io" is a URL; write the host without the scheme (e.g. docker.io=https://mirror.example.com)'],
      [['--mirror', 'library=https://m.example.com'], '--mirror library=https://m.example.com: the registry "library" is not a registry host (a host has a "." or a ":port", or is localhost) (e.g. docker.io=https://mirror.example.com)'],
      [['--insecure-registry', 'http://registry.example.com:5000'], '--insecure-registry http://registry.example.com:5000: "http://registry.example.com:5000" is a URL; write the host without the scheme (e.g. registry.example.com:5000)'],
      [['--insecure-registry', 'registry.example.com/team'], '--insecure-registry registry.example.com/team: "registry.example.com/team" has a path; write the registry host alone (e.g. registry.example.com:5000)'],
      [['--timeout', 'soon'], '--timeout must be a positive number, got "soon"'],
    ];
    for (const [flags, message] of cases) {
      for (const command of [['pin', '--offline', 'app.yaml'], ['pin', 'app.yaml'], ['lock', 'missing.yaml']]) {
        const result = await hardpod([...command, ...flags], dir);
        expect(result.stderr).toBe(`hardpod ${command[0]}: error: ${message}\n`);
        expect(result.status).toBe(2);
      }
    }
    expect(fs.readFileSync(path.join(dir, 'app.yaml'), 'utf8')).toBe(pod('nginx:1.27'));
  });
});
