/** Test images, and a Pod that runs them, shared by the registry suites and the lock benchmark. */
import type { LayerFile, TestImage } from '../harness/oci-images';

export const PASSWD = 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1001:app:/home/app:/sbin/nologin\nnobody:x:65534:65534::/:/sbin/nologin\n';
export const GROUP = 'root:x:0:\nstaff:x:50:\napp:x:1001:\nnogroup:x:65534:\n';

/** A Debian-like base: merged /usr, a shell, apt, and a setuid `su`. */
export const DEBIAN_LIKE: readonly LayerFile[] = [
  { path: 'etc', type: 'dir' },
  { path: 'etc/passwd', content: PASSWD },
  { path: 'etc/group', content: GROUP },
  { path: 'usr', type: 'dir' },
  { path: 'usr/bin', type: 'dir' },
  { path: 'usr/bin/dash', content: '#!', mode: 0o755 },
  { path: 'usr/bin/sh', type: 'symlink', target: 'dash' },
  { path: 'usr/bin/apt-get', content: '#!', mode: 0o755 },
  { path: 'usr/bin/su', content: '#!', mode: 0o4755 },
  { path: 'usr/bin/wget', content: '#!', mode: 0o755 },
  { path: 'bin', type: 'symlink', target: 'usr/bin' },
];

/** A distroless-like image: accounts and one static binary, no shell. */
export const DISTROLESS_LIKE: readonly LayerFile[] = [
  { path: 'etc', type: 'dir' },
  { path: 'etc/passwd', content: PASSWD },
  { path: 'etc/group', content: GROUP },
  { path: 'app', type: 'dir' },
  { path: 'app/server', content: 'ELF', mode: 0o755 },
];

/** Named user resolved through /etc/passwd; a second layer removes apt-get and su with whiteouts. */
export const NAMED_USER_HARDENED: TestImage = {
  user: 'app',
  exposedPorts: ['8080/tcp', '9090/tcp'],
  volumes: ['/data'],
  workingDir: '/srv',
  entrypoint: ['/usr/bin/wget'],
  annotations: { 'org.opencontainers.image.base.name': 'docker.io/library/debian:12', 'org.opencontainers.image.base.digest': `sha256:${'b'.repeat(64)}` },
  layers: [DEBIAN_LIKE, [{ path: 'usr/bin/.wh.apt-get', content: '' }, { path: 'usr/bin/.wh.su', content: '' }, { path: 'srv', type: 'dir' }]],
};

export const NUMERIC_USER_DISTROLESS: TestImage = { user: '65532:65532', exposedPorts: ['8443/tcp'], layers: [DISTROLESS_LIKE] };
export const ROOT_WITH_SHELL: TestImage = { layers: [DEBIAN_LIKE], docker: true };

/** A Pod running one container per image, in order. */
export function podWithImages(images: readonly string[]): string {
  return `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
${images.map((image, index) => `    - {name: c${index}, image: '${image}'}`).join('\n')}
`;
}
