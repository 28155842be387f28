import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseImageRef } from '../../src/images/image-ref';
import type { LockedImageFacts } from '../../src/images/lock-file';
import { RegistryClient } from '../../src/images/registry-client';
import { resolveImage } from '../../src/images/resolve-image';
import { buildLayersWithUmoci, pushImage, type LayerFile, type TestImage } from '../harness/oci-images';
import { describeRegistry, startRegistry, type TestRegistry } from '../harness/registry';

/**
 * What `hardpod lock --inspect` records from layers, judged against what a container runtime would
 * unpack: whiteouts, links and paths are applied the way containerd applies them.
 */
describeRegistry('image facts read from layers', () => {
  let registry: TestRegistry;
  const client = new RegistryClient({ credentials: () => undefined, retryBaseMs: 10 });

  beforeAll(async () => {
    registry = await startRegistry();
  });
  afterAll(async () => {
    client.close();
    await registry?.stop();
  });

  async function factsOf(repository: string, layers: readonly (readonly LayerFile[])[], extra: Partial<TestImage> = {}): Promise<LockedImageFacts> {
    await pushImage(registry.url, repository, 'v1', { ...extra, layers });
    return factsAt(repository);
  }
  async function factsAt(repository: string): Promise<LockedImageFacts> {
    const entry = await resolveImage(client, parseImageRef(`${registry.host}/${repository}:v1`), { inspect: true });
    return entry.facts!;
  }

  const BUSYBOX: readonly LayerFile[] = [
    { path: 'bin', type: 'dir' },
    { path: 'bin/busybox', content: 'ELF', mode: 0o755 },
    { path: 'bin/sh', type: 'symlink', target: 'busybox' },
  ];

  it('a shell link whose target a later layer removed is no shell (image built with umoci)', async () => {
    buildLayersWithUmoci(registry.host, 'umoci/busybox-removed', 'v1', {
      steps: [
        (rootfs) => {
          fs.mkdirSync(path.join(rootfs, 'bin'));
          fs.writeFileSync(path.join(rootfs, 'bin/busybox'), 'ELF', { mode: 0o755 });
          fs.symlinkSync('busybox', path.join(rootfs, 'bin/sh'));
          fs.writeFileSync(path.join(rootfs, 'bin/server'), 'ELF', { mode: 0o755 });
        },
        (rootfs) => fs.rmSync(path.join(rootfs, 'bin/busybox')),
      ],
    });
    const facts = await factsAt('umoci/busybox-removed');
    expect(facts).toMatchObject({ tools: ['server'], hasShell: false });
  });

  it('a hard link to a setuid file is a setuid file too, under both names (image built with umoci)', async () => {
    buildLayersWithUmoci(registry.host, 'umoci/setuid-link', 'v1', {
      steps: [
        (rootfs) => {
          fs.mkdirSync(path.join(rootfs, 'usr/bin'), { recursive: true });
          fs.mkdirSync(path.join(rootfs, 'usr/local/bin'), { recursive: true });
          fs.writeFileSync(path.join(rootfs, 'usr/bin/su'), 'ELF');
          fs.chmodSync(path.join(rootfs, 'usr/bin/su'), 0o4755);
          fs.linkSync(path.join(rootfs, 'usr/bin/su'), path.join(rootfs, 'usr/local/bin/su2'));
        },
      ],
    });
    const facts = await factsAt('umoci/setuid-link');
    expect(facts.setuidFiles).toEqual(['/usr/bin/su', '/usr/local/bin/su2']);
    expect(facts.tools).toEqual(['su', 'su2']);
  });

  it('a hard link keeps a setuid file after a later layer whites out its first name', async () => {
    const facts = await factsOf('links/setuid-survives', [
      [
        { path: 'usr/bin/su', content: 'ELF', mode: 0o4755 },
        { path: 'opt/su-copy', type: 'hardlink', target: 'usr/bin/su' },
      ],
      [{ path: 'usr/bin/.wh.su' }],
    ]);
    expect(facts.setuidFiles).toEqual(['/opt/su-copy']);
  });

  it('finds tools in a PATH directory that is a link to a directory elsewhere', async () => {
    const facts = await factsOf('links/path-dir-elsewhere', [
      [
        { path: 'opt/tools/bash', content: 'ELF', mode: 0o755 },
        { path: 'opt/tools/README', content: 'not a tool' },
        { path: 'usr/local/bin', type: 'symlink', target: '/opt/tools' },
      ],
    ]);
    expect(facts).toMatchObject({ tools: ['bash'], hasShell: true });
  });

  it('finds tools in the folders of the image\'s own PATH, where the runtime looks for a command named without a path', async () => {
    const jdk: readonly LayerFile[] = [
      { path: 'opt/java/openjdk/bin', type: 'dir' },
      { path: 'opt/java/openjdk/bin/java', content: 'ELF', mode: 0o755 },
      { path: 'opt/tools/bin', type: 'dir' },
      { path: 'opt/tools/bin/helper', content: 'ELF', mode: 0o755 },
    ];
    const env = ['JAVA_HOME=/opt/java/openjdk', 'PATH=/opt/java/openjdk/bin/:relative/bin:/usr/local/bin:/usr/bin:/bin'];
    const facts = await factsOf('temurin-like', [BUSYBOX, jdk], { env });
    // A folder the PATH does not name (opt/tools/bin) and a relative entry are not searched.
    expect(facts.tools).toEqual(['busybox', 'java', 'sh']);
  });

  it('writes entries through a link to a directory laid down by a lower layer (merged /usr)', async () => {
    const facts = await factsOf('links/merged-usr', [
      [{ path: 'usr/bin', type: 'dir' }, { path: 'bin', type: 'symlink', target: 'usr/bin' }],
      [{ path: './bin/dash', content: 'ELF', mode: 0o755 }, { path: './bin/su', content: 'ELF', mode: 0o4755 }],
      [{ path: 'usr/bin/.wh.dash' }],
    ]);
    // The second layer's bin/dash is /usr/bin/dash, so the third layer's whiteout removes it.
    expect(facts).toMatchObject({ tools: ['su'], hasShell: false, setuidFiles: ['/usr/bin/su'] });
  });

  it('follows absolute, relative and outside-the-root link targets, and survives link loops', async () => {
    const facts = await factsOf('links/targets', [
      [
        ...BUSYBOX,
        { path: 'usr/bin/ash', type: 'symlink', target: '/bin/busybox' },
        { path: 'usr/bin/sh', type: 'symlink', target: '../../../../../bin/busybox' },
        { path: 'usr/bin/loop-a', type: 'symlink', target: 'loop-b' },
        { path: 'usr/bin/loop-b', type: 'symlink', target: 'loop-a' },
        { path: 'usr/bin/notes', type: 'symlink', target: '/etc/notes' },
        { path: 'etc/notes', content: 'text' },
      ],
    ]);
    expect(facts.tools).toEqual(['ash', 'busybox', 'sh']);
  });

  it('a file or link replacing a directory removes what the directory held', async () => {
    const facts = await factsOf('links/dir-replaced', [
      [{ path: 'usr/local/bin/bash', content: 'ELF', mode: 0o755 }, { path: 'usr/local/bin/passwd', content: 'ELF', mode: 0o4755 }, { path: 'opt/empty', type: 'dir' }],
      [{ path: 'usr/local/bin', type: 'symlink', target: '/opt/empty' }],
    ]);
    expect(facts).toMatchObject({ tools: [], hasShell: false, setuidFiles: [] });
  });

  it('a numeric user of an image without /etc/passwd runs with group 0, as the runtime gives it', async () => {
    const facts = await factsOf('users/no-passwd', [[{ path: 'app/server', content: 'ELF', mode: 0o755 }]], { user: '4242' });
    expect(facts).toMatchObject({ uid: 4242, gid: 0, userResolved: true });
  });

  it('cleans `.` and `..` in entry names, never above the root', async () => {
    const facts = await factsOf('paths/dots', [
      [{ path: './usr/bin/./../bin/su', content: 'ELF', mode: 0o4755 }, { path: '../../usr/sbin/mount', content: 'ELF', mode: 0o4755 }],
    ]);
    expect(facts.setuidFiles).toEqual(['/usr/bin/su', '/usr/sbin/mount']);
  });
});
