/**
 * Writes test images into a registry: constant blobs pushed over HTTP (so digests are fixed and
 * contents are exactly what a test needs), and images built with umoci and copied with skopeo.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';

export interface LayerFile {
  /** Path inside the image, without a leading slash: `etc/passwd`, `usr/bin/sh`. */
  readonly path: string;
  readonly type?: 'file' | 'dir' | 'symlink' | 'hardlink';
  /** File content. */
  readonly content?: string;
  /** Symlink target, or the path a hard link names (as tar writes it: no leading slash). */
  readonly target?: string;
  /** Permission bits including setuid/setgid. @default 0o644 for files, 0o755 for directories */
  readonly mode?: number;
}

function octal(value: number, length: number): string {
  return `${value.toString(8).padStart(length - 1, '0')}\0`;
}

/** A ustar archive of `files`, with fixed times and owners so the bytes never change. */
export function tarArchive(files: readonly LayerFile[]): Buffer {
  const blocks: Buffer[] = [];
  for (const file of files) {
    const type = file.type ?? 'file';
    const content = Buffer.from(type === 'file' ? (file.content ?? '') : '');
    const header = Buffer.alloc(512);
    const name = type === 'dir' ? `${file.path.replace(/\/$/, '')}/` : file.path;
    if (name.length > 100) throw new Error(`test tar writer: path too long: ${name}`);
    header.write(name, 0, 'utf8');
    header.write(octal(file.mode ?? (type === 'dir' ? 0o755 : type === 'symlink' ? 0o777 : 0o644), 8), 100);
    header.write(octal(0, 8), 108);
    header.write(octal(0, 8), 116);
    header.write(octal(content.length, 12), 124);
    header.write(octal(0, 12), 136);
    header.write('        ', 148);
    header.write({ file: '0', hardlink: '1', symlink: '2', dir: '5' }[type], 156);
    if (type === 'symlink' || type === 'hardlink') header.write(file.target ?? '', 157);
    header.write('ustar\x0000', 257, 'binary');
    let sum = 0;
    for (const byte of header) sum += byte;
    header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
    blocks.push(header, content, Buffer.alloc((512 - (content.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

export function sha256(bytes: Buffer | string): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** Pushes a blob (unless the registry has it) and returns its digest; `base` is the registry base URL (`http://127.0.0.1:5000`). */
export async function pushBlob(base: string, repository: string, bytes: Buffer): Promise<string> {
  const digest = sha256(bytes);
  const head = await fetch(`${base}/v2/${repository}/blobs/${digest}`, { method: 'HEAD' });
  if (head.status === 200) return digest;
  const start = await fetch(`${base}/v2/${repository}/blobs/uploads/`, { method: 'POST' });
  if (start.status !== 202) throw new Error(`blob upload start failed: HTTP ${start.status} ${await start.text()}`);
  const location = new URL(start.headers.get('location')!, base);
  location.searchParams.set('digest', digest);
  const put = await fetch(location, { method: 'PUT', body: bytes, headers: { 'Content-Type': 'application/octet-stream' } });
  if (put.status !== 201) throw new Error(`blob upload failed: HTTP ${put.status} ${await put.text()}`);
  return digest;
}

/** GETs a registry document (a manifest, by default an OCI one) as JSON; anything but 200 throws. */
export async function getRegistryJson(url: string, accept = 'application/vnd.oci.image.manifest.v1+json'): Promise<Record<string, unknown>> {
  const response = await fetch(url, { headers: { Accept: accept } });
  if (response.status !== 200) throw new Error(`GET ${url}: HTTP ${response.status}`);
  return (await response.json()) as Record<string, unknown>;
}

export async function pushManifest(base: string, repository: string, reference: string, manifest: object) {
  const bytes = Buffer.from(JSON.stringify(manifest));
  const mediaType = (manifest as { mediaType: string }).mediaType;
  const put = await fetch(`${base}/v2/${repository}/manifests/${reference}`, { method: 'PUT', body: bytes, headers: { 'Content-Type': mediaType } });
  if (put.status !== 201) throw new Error(`manifest upload failed: HTTP ${put.status} ${await put.text()}`);
  return { digest: sha256(bytes), size: bytes.length, mediaType };
}

export interface TestImage {
  readonly user?: string;
  readonly exposedPorts?: readonly string[];
  readonly volumes?: readonly string[];
  readonly workingDir?: string;
  readonly entrypoint?: readonly string[];
  /** The config's `Env` (`PATH=...`). */
  readonly env?: readonly string[];
  readonly architecture?: string;
  /** @default linux */
  readonly os?: string;
  readonly variant?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  /** Layers, bottom first; each is gzipped. */
  readonly layers: readonly (readonly LayerFile[])[];
  /** Use Docker v2 media types instead of OCI. @default false */
  readonly docker?: boolean;
}

/** Pushes an image built from `image` and returns the manifest descriptor. */
export async function pushImage(base: string, repository: string, tag: string | undefined, image: TestImage) {
  const layerBlobs = image.layers.map((files) => gzipSync(tarArchive(files), { level: 1 }));
  const diffIds = image.layers.map((files) => sha256(tarArchive(files)));
  const config = {
    architecture: image.architecture ?? 'amd64',
    os: image.os ?? 'linux',
    ...(image.variant ? { variant: image.variant } : {}),
    config: {
      ...(image.user !== undefined ? { User: image.user } : {}),
      ...(image.exposedPorts ? { ExposedPorts: Object.fromEntries(image.exposedPorts.map((port) => [port, {}])) } : {}),
      ...(image.volumes ? { Volumes: Object.fromEntries(image.volumes.map((volume) => [volume, {}])) } : {}),
      ...(image.workingDir ? { WorkingDir: image.workingDir } : {}),
      ...(image.entrypoint ? { Entrypoint: image.entrypoint } : {}),
      ...(image.env ? { Env: image.env } : {}),
      ...(image.labels ? { Labels: image.labels } : {}),
    },
    rootfs: { type: 'layers', diff_ids: diffIds },
  };
  const configBytes = Buffer.from(JSON.stringify(config));
  const configDigest = await pushBlob(base, repository, configBytes);
  const layers = [];
  for (const blob of layerBlobs) {
    layers.push({
      mediaType: image.docker ? 'application/vnd.docker.image.rootfs.diff.tar.gzip' : 'application/vnd.oci.image.layer.v1.tar+gzip',
      digest: await pushBlob(base, repository, blob),
      size: blob.length,
    });
  }
  const manifest = {
    schemaVersion: 2,
    mediaType: image.docker ? 'application/vnd.docker.distribution.manifest.v2+json' : 'application/vnd.oci.image.manifest.v1+json',
    config: {
      mediaType: image.docker ? 'application/vnd.docker.container.image.v1+json' : 'application/vnd.oci.image.config.v1+json',
      digest: configDigest,
      size: configBytes.length,
    },
    layers,
    ...(image.annotations ? { annotations: image.annotations } : {}),
  };
  const pushed = await pushManifest(base, repository, tag ?? sha256(Buffer.from(JSON.stringify(manifest))), manifest);
  const platform = { os: config.os, architecture: config.architecture, ...(image.variant ? { variant: image.variant } : {}) };
  return { ...pushed, configDigest, platform };
}

/**
 * Pushes a multi-arch OCI index over the given platform images, plus a buildkit-style attestation
 * entry (`unknown/unknown`) that must not be recorded as a platform.
 */
export async function pushIndex(base: string, repository: string, tag: string, images: readonly TestImage[]) {
  const children = [];
  for (const image of images) children.push(await pushImage(base, repository, undefined, image));
  const attestation = await pushImage(base, repository, undefined, { layers: [[{ path: 'provenance.json', content: '{}' }]], architecture: 'unknown' });
  const index = {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: [
      ...children.map((child) => ({ mediaType: child.mediaType, digest: child.digest, size: child.size, platform: child.platform })),
      {
        mediaType: attestation.mediaType,
        digest: attestation.digest,
        size: attestation.size,
        platform: { os: 'unknown', architecture: 'unknown' },
        annotations: { 'vnd.docker.reference.type': 'attestation-manifest', 'vnd.docker.reference.digest': children[0].digest },
      },
    ],
  };
  const pushed = await pushManifest(base, repository, tag, index);
  return { ...pushed, children, attestation };
}

function run(command: string, args: string[], cwd?: string): string {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${result.stderr}`);
  return result.stdout;
}

/**
 * Builds an image with umoci (a user, a port, and the given files) and copies it into the
 * registry with skopeo, as a release pipeline would.
 */
export interface UmociImage {
  readonly user: string;
  readonly port: string;
  readonly files: Readonly<Record<string, string>>;
  /**
   * Layer compression skopeo writes to the registry: `zstd:chunked` writes each file's content as a
   * frame of its own, and a table of contents in skippable frames. @default gzip, as umoci wrote it
   */
  readonly compression?: 'zstd' | 'zstd:chunked';
}

export function buildWithUmoci(registryHost: string, repository: string, tag: string, options: UmociImage): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hardpod-umoci-'));
  try {
    const layout = path.join(dir, 'oci');
    run('umoci', ['init', '--layout', layout]);
    run('umoci', ['new', '--image', `${layout}:${tag}`]);
    const bundle = path.join(dir, 'bundle');
    run('umoci', ['unpack', '--rootless', '--image', `${layout}:${tag}`, bundle]);
    for (const [file, content] of Object.entries(options.files)) {
      const target = path.join(bundle, 'rootfs', file);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, content);
    }
    run('umoci', ['repack', '--image', `${layout}:${tag}`, bundle]);
    run('umoci', ['config', '--image', `${layout}:${tag}`, '--architecture', 'amd64', '--os', 'linux', '--config.user', options.user, '--config.exposedports', options.port]);
    const compression = options.compression ? ['--dest-compress-format', options.compression] : [];
    run('skopeo', ['copy', '--quiet', ...compression, `oci:${layout}:${tag}`, `docker://${registryHost}/${repository}:${tag}`, '--dest-tls-verify=false']);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Builds an image layer by layer with umoci, as a Dockerfile's steps would: each step changes the
 * unpacked root filesystem of the image so far (files removed become whiteouts), and is repacked
 * as one layer. The image is then copied into the registry with skopeo.
 */
export interface UmociLayeredImage {
  readonly user?: string;
  /** One function per layer, bottom first; each gets the root filesystem directory to change. */
  readonly steps: readonly ((rootfs: string) => void)[];
}

export function buildLayersWithUmoci(registryHost: string, repository: string, tag: string, options: UmociLayeredImage): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hardpod-umoci-'));
  try {
    const layout = path.join(dir, 'oci');
    const image = `${layout}:${tag}`;
    run('umoci', ['init', '--layout', layout]);
    run('umoci', ['new', '--image', image]);
    options.steps.forEach((step, index) => {
      // A fresh unpack per step: umoci diffs a bundle against the image it was unpacked from.
      const bundle = path.join(dir, `bundle-${index}`);
      run('umoci', ['unpack', '--rootless', '--image', image, bundle]);
      step(path.join(bundle, 'rootfs'));
      run('umoci', ['repack', '--image', image, bundle]);
    });
    run('umoci', ['config', '--image', image, '--architecture', 'amd64', '--os', 'linux', ...(options.user !== undefined ? ['--config.user', options.user] : [])]);
    run('skopeo', ['copy', '--quiet', `oci:${image}`, `docker://${registryHost}/${repository}:${tag}`, '--dest-tls-verify=false']);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
