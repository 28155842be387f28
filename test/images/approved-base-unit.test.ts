import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { whyNoAdmissionPolicy } from '../../src/admission/cel-rules';
import { loadConfig, resolveConfig, type EngineConfig } from '../../src/engine/config';
import { evaluate } from '../../src/engine/evaluate';
import type { LockEntry, LockedImageFacts } from '../../src/images/lock-file';
import { LockFileResolver } from '../../src/images/lock-resolver';
import { NEWEST_EDITION, RULES } from '../../src/rules/catalogue';
import { imageApprovedBase } from '../../src/rules/image-approved-base';
import { runHardpod } from '../cli/cli-process';
import { located } from '../engine/helpers';
import { writeLockFile } from '../fixtures/lock-file';
import { check, deployment, outcome, PINNED_IMAGE, violations } from '../rules/hardened/context';

const DIGEST = PINNED_IMAGE.split('@')[1];
const BASE_DIGEST = `sha256:${'b'.repeat(64)}`;
const APPROVED = ['cgr.dev/chainguard', 'gcr.io/distroless', 'docker.io/library/debian'];

/** Engine config approving `approved` (null: no setting) whose lock file records `facts` for the test deployment's image (and any image at its digest). */
function withFacts(facts: LockedImageFacts | undefined, approved: readonly string[] | null = APPROVED): EngineConfig {
  const images: Record<string, LockEntry> = facts
    ? { 'registry.example.com/team/app:1.2.3': { digest: DIGEST, mediaType: 'application/vnd.oci.image.manifest.v1+json', resolvedAt: 't', resolvedFrom: 'https://registry.example.com', facts } }
    : {};
  return { hardened: { ...(approved ? { approvedBaseImages: approved } : {}), imageFacts: new LockFileResolver({ lockfileVersion: 1, images }) } };
}

const built = (baseName?: string, baseDigest?: string): LockedImageFacts => ({
  uid: 65532, ...(baseName !== undefined ? { baseName } : {}), ...(baseDigest !== undefined ? { baseDigest } : {}),
});
const judged = (facts: LockedImageFacts | undefined, approved?: readonly string[], patch = {}) =>
  check(imageApprovedBase, deployment(patch), { config: withFacts(facts, approved) });
const messageOf = (facts: LockedImageFacts | undefined, approved?: readonly string[]) => {
  const found = violations(judged(facts, approved));
  expect(found).toHaveLength(1);
  expect(found[0].path).toBe('spec.template.spec.containers[0].image');
  return found[0].message;
};
const WHO = `container "app"'s image "${PINNED_IMAGE}"`;
const LISTED = 'approvedBaseImages (cgr.dev/chainguard, gcr.io/distroless, docker.io/library/debian)';

describe('image-approved-base: the base an image records', () => {
  test('passes an image built on an approved base, by its name, with a tag or a digest', () => {
    expect(outcome(judged(built('cgr.dev/chainguard/static:latest', BASE_DIGEST)))).toBe('pass');
    expect(outcome(judged(built(`gcr.io/distroless/static-debian12@${BASE_DIGEST}`)))).toBe('pass');
    expect(outcome(judged(built('cgr.dev/chainguard/wolfi/base:1')))).toBe('pass');
  });

  test('fails a base under none of the prefixes, naming the base as recorded and written out, and the prefixes', () => {
    expect(messageOf(built('quay.io/evil/base:1', BASE_DIGEST))).toBe(
      `${WHO} is built on "quay.io/evil/base:1" (quay.io/evil/base), which is under none of ${LISTED}`,
    );
  });

  test('matches prefixes on whole path components: cgr.dev/chainguard does not approve cgr.dev/chainguard-evil', () => {
    expect(messageOf(built('cgr.dev/chainguard-evil/static:1'))).toContain('(cgr.dev/chainguard-evil/static), which is under none of');
    expect(outcome(judged(built('gcr.io/distroless/static:1'), ['gcr.io/distroless/static']))).toBe('pass');
    expect(outcome(judged(built('gcr.io/distroless/static-debian12:1'), ['gcr.io/distroless/static']))).toBe('fail');
  });

  test('reads the host of the base name in any case, as DNS does', () => {
    expect(outcome(judged(built('CGR.DEV/chainguard/static:1')))).toBe('pass');
    expect(messageOf(built('QUAY.IO/evil/base:1'))).toContain('(quay.io/evil/base)');
  });

  test('writes out Docker Hub defaults: alpine:3.20 is docker.io/library/alpine, debian:12 is under docker.io/library/debian', () => {
    expect(messageOf(built('alpine:3.20'))).toBe(`${WHO} is built on "alpine:3.20" (docker.io/library/alpine), which is under none of ${LISTED}`);
    expect(outcome(judged(built('debian:12')))).toBe('pass');
    expect(outcome(judged(built('alpine:3.20'), ['docker.io/library/alpine']))).toBe('pass');
    expect(outcome(judged(built('alpine:3.20'), ['index.docker.io/library']))).toBe('pass');
    expect(outcome(judged(built('docker.io/library/alpine:3.20'), ['docker.io/library/alpine']))).toBe('pass');
    // acme/base is a Docker Hub namespace, not library/.
    expect(outcome(judged(built('acme/base:1'), ['docker.io/library']))).toBe('fail');
  });

  test('fails a base name that is no image reference, naming the value and why', () => {
    const message = messageOf(built('Debian GNU/Linux 12', BASE_DIGEST));
    expect(message).toMatch(new RegExp(`^${escape(WHO)} names its base "Debian GNU/Linux 12" \\(org\\.opencontainers\\.image\\.base\\.name\\), which is not an image reference, so it is under none of ${escape(LISTED)}: `));
    expect(message).toContain('the reference contains whitespace');
  });

  test('fails an image that records only its base digest (ko with a base given by digest), saying which annotation it lacks', () => {
    expect(messageOf(built(undefined, BASE_DIGEST))).toBe(
      `${WHO} does not record which base image it was built on: it names only the digest of its base (${BASE_DIGEST}), not the base's name (org.opencontainers.image.base.name); expected a base under ${LISTED}`,
    );
  });

  test('fails an image that records no base at all', () => {
    expect(messageOf(built())).toBe(
      `${WHO} does not record which base image it was built on: it carries no org.opencontainers.image.base.name annotation or label; expected a base under ${LISTED}`,
    );
  });

  test('the remediation says how to record the base: buildah, podman, ko, docker buildx --annotation, or approving the image itself', () => {
    expect(imageApprovedBase.remediation).toMatch(/buildah and podman build write the org\.opencontainers\.image\.base\.name/);
    expect(imageApprovedBase.remediation).toContain('ko');
    expect(imageApprovedBase.remediation).toContain('docker buildx build --annotation \'index,manifest:org.opencontainers.image.base.name=<base image>\'');
    expect(imageApprovedBase.remediation).toMatch(/If the image is itself an approved base, add it to approvedBaseImages/);
  });
});

describe('image-approved-base: an approved base run directly', () => {
  const image = (name: string) => ({ container: { image: `${name}@${DIGEST}` } });
  test('passes an image under an approved prefix whatever it records, so a team may run cgr.dev/chainguard/nginx', () => {
    expect(outcome(judged(built(), undefined, image('cgr.dev/chainguard/nginx:1.27')))).toBe('pass');
    expect(outcome(judged(built(undefined, BASE_DIGEST), undefined, image('CGR.DEV/chainguard/nginx')))).toBe('pass');
    expect(outcome(judged(built('quay.io/evil/base:1'), undefined, image('debian:12')))).toBe('pass');
  });
  test('an image beside an approved prefix is judged by its base: whole path components again', () => {
    const found = violations(judged(built(), undefined, image('cgr.dev/chainguard-evil/nginx:1')));
    expect(found.map((v) => v.message)).toEqual([expect.stringContaining('does not record which base image it was built on')]);
  });
});

describe('image-approved-base: when it judges', () => {
  test('not applicable without approvedBaseImages, or without a lock file; unknown for an image the lock file lacks', () => {
    expect(check(imageApprovedBase, deployment(), { config: withFacts(built(), null) })).toBe('not-applicable');
    expect(check(imageApprovedBase, deployment(), { config: { hardened: { approvedBaseImages: APPROVED } } })).toBe('not-applicable');
    const [missing] = violations(judged(undefined));
    expect(missing).toMatchObject({ unknown: true, message: expect.stringContaining('the lock file records no facts for container "app"\'s image') });
  });

  test('judges every container, init containers too, each at its path', () => {
    const pod = { initContainers: [{ name: 'init', image: `cgr.dev/chainguard/busybox@${DIGEST}` }, { name: 'migrate', image: `quay.io/team/migrate@${DIGEST}` }] };
    const found = violations(check(imageApprovedBase, deployment({ pod }), { config: withFacts(built('alpine:3.20')) }));
    expect(found.map((v) => v.path)).toEqual(['spec.template.spec.initContainers[1].image', 'spec.template.spec.containers[0].image']);
    expect(found[0].message).toMatch(/^init container "migrate"'s image "quay\.io\/team\/migrate@sha256:a+" is built on "alpine:3\.20"/);
  });

  test('judges Windows pods too: the base annotations say nothing of the platform', () => {
    const windowsPod = deployment({ pod: { os: { name: 'windows' }, securityContext: { windowsOptions: { runAsUserName: 'ContainerUser' } } } });
    const config = withFacts({ user: 'ContainerUser', baseName: 'mcr.microsoft.com/windows/nanoserver:ltsc2022' });
    expect(violations(check(imageApprovedBase, windowsPod, { config })).map((v) => v.message)).toEqual([expect.stringContaining('(mcr.microsoft.com/windows/nanoserver), which is under none of')]);
    expect(outcome(check(imageApprovedBase, windowsPod, { config: withFacts({ baseName: 'mcr.microsoft.com/windows/nanoserver:ltsc2022' }, ['mcr.microsoft.com/windows']) }))).toBe('pass');
  });
});

describe('image-approved-base in the catalogue and the engine', () => {
  test('is a hardened rule of edition 5, mapped to CIS Docker 4.2 and NIST SP 800-190 4.1.1 and 4.1.5 as interpretations', () => {
    expect(imageApprovedBase.edition).toBe(5);
    expect(NEWEST_EDITION).toBeGreaterThanOrEqual(5);
    expect(RULES).toContain(imageApprovedBase);
    expect(imageApprovedBase).toMatchObject({ level: 'hardened', severity: 'medium', scope: 'pod' });
    expect(imageApprovedBase.controls.map((c) => `${c.framework} ${c.edition} ${c.id}${c.interpretation ? '*' : ''}`))
      .toEqual(['CIS Docker Benchmark v1.6.0 4.2', 'NIST SP 800-190 2017 4.1.1*', 'NIST SP 800-190 2017 4.1.5*']);
  });

  test('is not emitted at admission: it reads the image facts of the lock file', () => {
    expect(whyNoAdmissionPolicy(imageApprovedBase)).toBe('it reads the image facts of the lock file, which the API server does not have');
  });

  test('a config pinned to edition 4 does not run it; without a pin it fails the image', () => {
    const config = withFacts(built('alpine:3.20'));
    const pod = located(deployment());
    const newest = evaluate(pod, config);
    expect(newest.rules).toContain('image-approved-base');
    expect(newest.findings.filter((f) => f.rule === 'image-approved-base').map((f) => f.outcome)).toEqual(['fail']);
    const pinned = evaluate(pod, { ...config, edition: 4 });
    expect(pinned.rules).not.toContain('image-approved-base');
    expect(pinned.findings.filter((f) => f.rule === 'image-approved-base')).toEqual([]);
    expect(evaluate(pod, { ...config, edition: 5 }).findings.filter((f) => f.rule === 'image-approved-base').map((f) => f.outcome)).toEqual(['fail']);
  });

  test('runs at the hardened level only, and counts as inapplicable without a lock file', () => {
    const config = withFacts(built('alpine:3.20'));
    expect(evaluate(located(deployment()), { ...config, level: 'restricted' }).rules).not.toContain('image-approved-base');
    const withoutLock = evaluate(located(deployment()), { hardened: { approvedBaseImages: APPROVED } });
    expect(withoutLock.inapplicableRules).toContain('image-approved-base');
    expect(withoutLock.findings.filter((f) => f.rule === 'image-approved-base')).toEqual([]);
  });
});

describe('hardened.approvedBaseImages in a config', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hardpod-approved-base-config-'));
  let count = 0;
  const file = (name: string, text: string) => {
    const written = path.join(dir, name);
    fs.writeFileSync(written, text);
    return written;
  };

  test('is read as allowedRegistries is', () => {
    const config = loadConfig(file('good.yaml', 'level: hardened\nhardened:\n  approvedBaseImages: [cgr.dev/chainguard, docker.io/library/debian/]\n'));
    expect(resolveConfig(config).hardened.approvedBaseImages).toEqual(['cgr.dev/chainguard', 'docker.io/library/debian/']);
  });

  test.each([
    ['approvedBaseImages: cgr.dev/chainguard', /:3 \(hardened\.approvedBaseImages\): approvedBaseImages must be a non-empty list of registry hosts or host\/path prefixes, e\.g\. \[registry\.example\.com, ghcr\.io\/acme\]$/],
    ['approvedBaseImages: []', /:3 \(hardened\.approvedBaseImages\): approvedBaseImages must be a non-empty list/],
    ['approvedBaseImages: [cgr.dev/chainguard, 5]', /:3 \(hardened\.approvedBaseImages\): approvedBaseImages must be a non-empty list/],
    ['approvedBaseImages:\n    - cgr.dev/chainguard\n    - https://gcr.io/distroless', /:3 \(hardened\.approvedBaseImages\): approvedBaseImages\[1\] "https:\/\/gcr\.io\/distroless" is a URL; write it without https:\/\/ \(gcr\.io\/distroless\); expected a registry host or host\/path prefix/],
    ['approvedBaseImages: [alpine]', /:3 \(hardened\.approvedBaseImages\): approvedBaseImages\[0\] "alpine" starts with "alpine", which image references read as a Docker Hub namespace, not a registry host; write "docker\.io\/alpine"/],
    ['approvedBaseImages: [CGR.DEV/chainguard]', /:3 \(hardened\.approvedBaseImages\): approvedBaseImages\[0\] "CGR\.DEV\/chainguard" has upper-case letters in its host, which image references write in lowercase; write "cgr\.dev"/],
    ['approvedBaseImages: ["cgr.dev/chainguard/static:latest"]', /:3 \(hardened\.approvedBaseImages\): approvedBaseImages\[0\] "cgr\.dev\/chainguard\/static:latest" names a tag/],
    ['approvedBaseImages: ["gcr.io/distroless/*"]', /:3 \(hardened\.approvedBaseImages\): approvedBaseImages\[0\] "gcr\.io\/distroless\/\*" holds a wildcard/],
    ['approvedBaseImage: [cgr.dev/chainguard]', /:3 \(hardened\.approvedBaseImage\): unknown setting "approvedBaseImage"; expected one of .*approvedBaseImages/],
  ])('refuses %j, naming the file and line', (setting, message) => {
    const written = file(`bad-${++count}.yaml`, `level: hardened\nhardened:\n  ${setting}\n`);
    expect(() => loadConfig(written)).toThrow(new RegExp(`^${escape(written)}${message.source}`));
  });
});

describe('hardpod check --lock-file judges the base images', () => {
  const IMAGES = {
    app: 'registry.example.com/team/app:1.0',
    debian: 'registry.example.com/team/legacy:2.0',
    ko: 'registry.example.com/team/ko:3.0',
    direct: 'cgr.dev/chainguard/nginx:1.27',
  };
  const digestOf = (n: number) => `sha256:${String(n).repeat(64)}`;
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hardpod-approved-base-cli-'));
    fs.writeFileSync(path.join(dir, 'pod.yaml'), `apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop}
spec:
  containers:
${Object.entries(IMAGES).map(([name, image]) => `    - {name: ${name}, image: "${image}"}`).join('\n')}
`);
    writeLockFile({
      [IMAGES.app]: { digest: digestOf(1), facts: built(`cgr.dev/chainguard/static@${BASE_DIGEST}`, BASE_DIGEST) },
      [IMAGES.debian]: { digest: digestOf(2), facts: built('alpine:3.20') },
      [IMAGES.ko]: { digest: digestOf(3), facts: built(undefined, BASE_DIGEST) },
      [IMAGES.direct]: { digest: digestOf(4), facts: built() },
    }, dir);
    fs.renameSync(path.join(dir, 'hardpod.lock.json'), path.join(dir, 'images.lock.json'));
    fs.writeFileSync(path.join(dir, 'edition4.yaml'), 'edition: 4\nhardened:\n  approvedBaseImages: [cgr.dev/chainguard]\n');
    fs.writeFileSync(path.join(dir, 'hardpod.config.yaml'), 'hardened:\n  approvedBaseImages: [cgr.dev/chainguard]\n');
  });

  type Finding = { rule: string; outcome: string; path: string; message: string };
  const baseFindings = (args: string[]) => {
    const result = runHardpod(['check', '--format', 'json', '--lock-file', 'images.lock.json', ...args, 'pod.yaml'], { cwd: dir });
    expect(result.stderr).toBe('');
    return (JSON.parse(result.stdout) as { findings: Finding[] }).findings.filter((f) => f.rule === 'image-approved-base');
  };

  it('fails the images not built on an approved base, each at its container', () => {
    const findings = baseFindings(['--config', 'hardpod.config.yaml']);
    expect(findings.map((f) => `${f.outcome} ${f.path}`)).toEqual([
      'fail spec.containers[1].image',
      'fail spec.containers[2].image',
    ]);
    expect(findings[0].message).toContain('is built on "alpine:3.20" (docker.io/library/alpine), which is under none of approvedBaseImages (cgr.dev/chainguard)');
    expect(findings[1].message).toContain(`it names only the digest of its base (${BASE_DIGEST})`);
  });

  it('does not run under a config pinned to edition 4, nor without approvedBaseImages', () => {
    expect(baseFindings(['--config', 'edition4.yaml'])).toEqual([]);
    expect(baseFindings([])).toEqual([]);
  });

  it('hardpod rules --format json names the setting and why no admission policy carries it', () => {
    const result = runHardpod(['rules', '--format', 'json']);
    const rule = (JSON.parse(result.stdout) as { rules: Record<string, unknown>[] }).rules.find((r) => r.id === 'image-approved-base');
    expect(rule).toMatchObject({
      edition: 5,
      level: 'hardened',
      settings: ['hardened.imageFacts', 'hardened.approvedBaseImages'],
      admission: { emitted: false, reason: 'it reads the image facts of the lock file, which the API server does not have' },
    });
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
