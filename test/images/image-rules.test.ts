import type { EngineConfig } from '../../src/engine/config';
import { evaluate } from '../../src/engine/evaluate';
import type { LockEntry, LockedImageFacts } from '../../src/images/lock-file';
import { LockFileResolver } from '../../src/images/lock-resolver';
import { imageMinimal } from '../../src/rules/image-minimal';
import { imageNoSetuid } from '../../src/rules/image-no-setuid';
import { imageNonRootUser } from '../../src/rules/image-non-root-user';
import { imagePortExposed } from '../../src/rules/image-port-exposed';
import { imageToolPresent } from '../../src/rules/image-tool-present';
import { check, deployment, outcome, PINNED_IMAGE, violations } from '../rules/hardened/context';

const DIGEST = PINNED_IMAGE.split('@')[1];

/** Engine config whose lock file records `facts` for the test deployment's image. */
function withFacts(facts: LockedImageFacts | undefined, hardened: Record<string, unknown> = {}): EngineConfig {
  const images: Record<string, LockEntry> = facts
    ? { 'registry.example.com/team/app:1.2.3': { digest: DIGEST, mediaType: 'application/vnd.oci.image.manifest.v1+json', resolvedAt: 't', resolvedFrom: 'https://registry.example.com', facts } }
    : {};
  return { hardened: { ...hardened, imageFacts: new LockFileResolver({ lockfileVersion: 1, images }) } };
}

const DISTROLESS: LockedImageFacts = { user: '65532:65532', uid: 65532, gid: 65532, exposedPorts: [8080], inspected: true, tools: [], hasShell: false, hasPackageManager: false, setuidFiles: [] };
const DEBIAN_ROOT: LockedImageFacts = {
  uid: 0, gid: 0, exposedPorts: [], inspected: true, tools: ['apt-get', 'dash', 'sh', 'su', 'wget'], hasShell: true, hasPackageManager: true, setuidFiles: ['/usr/bin/su'],
};

describe('image-non-root-user (CIS Docker 4.1)', () => {
  test('passes a numeric non-root image user', () => {
    expect(outcome(check(imageNonRootUser, deployment(), { config: withFacts(DISTROLESS) }))).toBe('pass');
  });
  test('fails a root image without runAsUser, saying what to set', () => {
    const [v] = violations(check(imageNonRootUser, deployment(), { config: withFacts(DEBIAN_ROOT) }));
    expect(v.path).toBe('spec.template.spec.containers[0].securityContext.runAsUser');
    expect(v.message).toMatch(/container "app" sets no runAsUser and its image .* runs as root \(no USER\); set runAsUser to a non-zero uid/);
  });
  test('an explicit runAsUser on the pod or container decides', () => {
    expect(outcome(check(imageNonRootUser, deployment({ container: { securityContext: { runAsUser: 1000 } } }), { config: withFacts(DEBIAN_ROOT) }))).toBe('pass');
    expect(outcome(check(imageNonRootUser, deployment({ pod: { securityContext: { runAsUser: 1000 } } }), { config: withFacts(DEBIAN_ROOT) }))).toBe('pass');
  });
  test('fails a named user the kubelet cannot verify, giving the uid to set', () => {
    const [v] = violations(check(imageNonRootUser, deployment(), { config: withFacts({ user: 'app', uid: 1000, gid: 1001, userResolved: true }) }));
    expect(v.message).toContain('set runAsUser: 1000 and runAsGroup: 1001');
  });
  test('a numeric uid with a named group is verifiable: the kubelet reads the uid before the colon', () => {
    expect(outcome(check(imageNonRootUser, deployment(), { config: withFacts({ user: '1000:app', uid: 1000, gid: 1001, userResolved: true }) }))).toBe('pass');
    const [v] = violations(check(imageNonRootUser, deployment(), { config: withFacts({ user: 'app:1001', uid: 1000, gid: 1001, userResolved: true }) }));
    expect(v.message).toContain('runs as the named user "app:1001" (uid 1000)');
  });
  test('fails a group the image cannot resolve: the runtime refuses to start the container', () => {
    const facts: LockedImageFacts = { user: '1000:ghost', uid: 1000, userResolved: false, inspected: true };
    const [v] = violations(check(imageNonRootUser, deployment(), { config: withFacts(facts) }));
    expect(v.message).toMatch(/runs as "1000:ghost", which the image's \/etc\/passwd and \/etc\/group do not resolve; set runAsUser and runAsGroup/);
    expect(outcome(check(imageNonRootUser, deployment({ container: { securityContext: { runAsUser: 1000, runAsGroup: 1000 } } }), { config: withFacts(facts) }))).toBe('pass');
  });
  test('fails a user the image cannot resolve', () => {
    const [v] = violations(check(imageNonRootUser, deployment(), { config: withFacts({ user: 'ghost', userResolved: false }) }));
    expect(v.message).toMatch(/runs as "ghost", which the image's \/etc\/passwd and \/etc\/group do not resolve/);
  });
  test('unknown when the lock file lacks the image, not-applicable without a lock file', () => {
    expect(outcome(check(imageNonRootUser, deployment(), { config: withFacts(undefined) }))).toBe('unknown');
    expect(outcome(check(imageNonRootUser, deployment()))).toBe('not-applicable');
  });
});

describe('Windows pods (spec.os.name: windows)', () => {
  // A Windows image's user is a name (ContainerUser) and its tools are not in the Linux PATH folders.
  const WINDOWS: LockedImageFacts = { user: 'ContainerUser', userResolved: false, exposedPorts: [80], inspected: true, tools: [], hasShell: false, setuidFiles: [] };
  const windowsPod = deployment({ pod: { os: { name: 'windows' }, securityContext: { runAsNonRoot: true, windowsOptions: { runAsUserName: 'ContainerUser' } } }, container: { readinessProbe: { exec: { command: ['powershell', '-Command', 'Test-Path C:\\ready'] } } } });
  test('image-non-root-user does not ask for a runAsUser the API server refuses there', () => {
    expect(check(imageNonRootUser, windowsPod, { config: withFacts(WINDOWS) })).toBe('not-applicable');
  });
  test('image-tool-present does not look for Windows commands in the Linux PATH folders', () => {
    expect(check(imageToolPresent, windowsPod, { config: withFacts(WINDOWS) })).toBe('not-applicable');
  });
  test('image-minimal does not pass a Windows image for lacking a shell in the Linux PATH folders', () => {
    expect(check(imageMinimal, windowsPod, { config: withFacts(WINDOWS, { requireMinimalImages: true }) })).toBe('not-applicable');
  });
});

describe('image-minimal (CIS Docker 4.3)', () => {
  test('applies only where minimal images are required', () => {
    expect(outcome(check(imageMinimal, deployment(), { config: withFacts(DEBIAN_ROOT) }))).toBe('not-applicable');
  });
  test('fails an image with a shell and package manager, listing them', () => {
    const [v] = violations(check(imageMinimal, deployment(), { config: withFacts(DEBIAN_ROOT, { requireMinimalImages: true }) }));
    expect(v.message).toContain('holds apt-get, dash, sh; minimal images are required here');
    expect(outcome(check(imageMinimal, deployment(), { config: withFacts(DISTROLESS, { requireMinimalImages: true }) }))).toBe('pass');
  });
  test('unknown when the layers were not read', () => {
    const [v] = violations(check(imageMinimal, deployment(), { config: withFacts({ uid: 1, inspected: false }, { requireMinimalImages: true }) }));
    expect(v.unknown).toBe(true);
    expect(v.message).toContain('hardpod lock --inspect');
  });
});

describe('image-no-setuid (CIS Docker 4.8)', () => {
  test('fails setuid files and passes without', () => {
    const [v] = violations(check(imageNoSetuid, deployment(), { config: withFacts(DEBIAN_ROOT) }));
    expect(v.message).toContain('holds setuid/setgid files: /usr/bin/su');
    expect(outcome(check(imageNoSetuid, deployment(), { config: withFacts(DISTROLESS) }))).toBe('pass');
  });
});

describe('image-tool-present', () => {
  test('fails a shell in an exec probe of a shell-less image', () => {
    const probe = { exec: { command: ['/bin/sh', '-c', 'test -f /tmp/ready'] } };
    const [v] = violations(check(imageToolPresent, deployment({ container: { readinessProbe: probe } }), { config: withFacts(DISTROLESS) }));
    expect(v.path).toBe('spec.template.spec.containers[0].readinessProbe.exec.command[0]');
    expect(v.message).toContain('readinessProbe exec calls the shell "/bin/sh", which its image');
    expect(v.message).toContain('(the image has no shell)');
  });
  test('fails a missing tool in a command or a lifecycle hook, passes tools the image holds', () => {
    const patch = { command: ['curl', 'x'], lifecycle: { preStop: { exec: { command: ['wget', '-q', 'x'] } } } };
    const found = violations(check(imageToolPresent, deployment({ container: patch }), { config: withFacts(DEBIAN_ROOT) }));
    expect(found.map((v) => v.path)).toEqual(['spec.template.spec.containers[0].command[0]']);
  });
  test('does not judge binaries outside the PATH folders', () => {
    expect(outcome(check(imageToolPresent, deployment({ container: { command: ['/app/server'] } }), { config: withFacts(DISTROLESS) }))).toBe('pass');
  });
});

describe('image-port-exposed', () => {
  test('fails a declared port the image does not expose', () => {
    const patch = { ports: [{ containerPort: 8080 }, { containerPort: 9000 }] };
    const [v] = violations(check(imagePortExposed, deployment({ container: patch }), { config: withFacts(DISTROLESS) }));
    expect(v).toEqual({ path: 'spec.template.spec.containers[0].ports[1].containerPort', message: expect.stringContaining('declares port 9000, but its image') });
  });
  test('a port is exposed for its protocol only: UDP 53 is not TCP 53', () => {
    const dns: LockedImageFacts = { uid: 65532, exposed: ['53/udp', '9153/tcp'], exposedPorts: [53, 9153], inspected: false };
    const tcp = { ports: [{ containerPort: 53 }, { containerPort: 9153, protocol: 'TCP' }] };
    const [v, ...rest] = violations(check(imagePortExposed, deployment({ container: tcp }), { config: withFacts(dns) }));
    expect(rest).toEqual([]);
    expect(v).toEqual({ path: 'spec.template.spec.containers[0].ports[0].containerPort', message: expect.stringContaining('declares port 53, but its image "registry.example.com/team/app:1.2.3@sha256') });
    expect(v.message).toMatch(/exposes 53\/udp, 9153\/tcp$/);
    const udp = { ports: [{ containerPort: 53, protocol: 'UDP' }, { containerPort: 9153 }] };
    expect(outcome(check(imagePortExposed, deployment({ container: udp }), { config: withFacts(dns) }))).toBe('pass');
  });
  test('images that expose nothing are not judged', () => {
    expect(outcome(check(imagePortExposed, deployment({ container: { ports: [{ containerPort: 1 }] } }), { config: withFacts(DEBIAN_ROOT) }))).toBe('pass');
  });
});

describe('image-facts rules in the engine', () => {
  test('run at the hardened level with facts from the lock file', () => {
    const report = evaluate([{ object: deployment(), source: { file: 'app.yaml', line: 1 } }], withFacts(DEBIAN_ROOT, { requireMinimalImages: true }));
    const rules = new Set(report.findings.filter((finding) => finding.outcome === 'fail').map((finding) => finding.rule));
    for (const rule of ['image-non-root-user', 'image-minimal', 'image-no-setuid']) expect(rules.has(rule)).toBe(true);
    const restricted = evaluate([{ object: deployment(), source: {} }], { ...withFacts(DEBIAN_ROOT), level: 'restricted' });
    expect(restricted.findings.some((finding) => finding.rule.startsWith('image-'))).toBe(false);
  });
});
