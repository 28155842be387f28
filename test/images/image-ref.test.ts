import fc from 'fast-check';
import { formatImageRef, imageName, parseImageRef, parseImageRefStepByStep, registryPrefixProblem, tagKey, withDigest } from '../../src/images/image-ref';
import { HardpodError } from '../../src/model/errors';

const D = `sha256:${'a'.repeat(64)}`;

describe('parseImageRef: normalization vectors', () => {
  const vectors: [string, string, string, string | undefined, string | undefined][] = [
    // input, registry, repository, tag, digest
    ['ubuntu', 'docker.io', 'library/ubuntu', undefined, undefined],
    ['ubuntu:24.04', 'docker.io', 'library/ubuntu', '24.04', undefined],
    ['acme/app', 'docker.io', 'acme/app', undefined, undefined],
    ['docker.io/nginx', 'docker.io', 'library/nginx', undefined, undefined],
    ['index.docker.io/x/y', 'docker.io', 'x/y', undefined, undefined],
    ['docker.io/library/nginx:1.27', 'docker.io', 'library/nginx', '1.27', undefined],
    ['localhost/app', 'localhost', 'app', undefined, undefined],
    ['localhost:5000/app:v1', 'localhost:5000', 'app', 'v1', undefined],
    ['LOCALHOST/x', 'LOCALHOST', 'x', undefined, undefined],
    ['Foo/bar', 'Foo', 'bar', undefined, undefined],
    ['[::1]:5000/x', '[::1]:5000', 'x', undefined, undefined],
    ['[2001:db8::1]/team/app:v2', '[2001:db8::1]', 'team/app', 'v2', undefined],
    ['127.0.0.1:5055/demo/tiny:v1', '127.0.0.1:5055', 'demo/tiny', 'v1', undefined],
    ['ghcr.io/org/sub/deep/name', 'ghcr.io', 'org/sub/deep/name', undefined, undefined],
    ['registry.k8s.io/pause:3.10', 'registry.k8s.io', 'pause', '3.10', undefined],
    [`nginx@${D}`, 'docker.io', 'library/nginx', undefined, D],
    [`nginx:1.27@${D}`, 'docker.io', 'library/nginx', '1.27', D],
    [`quay.io:443/a_b/c__d/e-f--g.h:T_a.g-1@${D}`, 'quay.io:443', 'a_b/c__d/e-f--g.h', 'T_a.g-1', D],
    [`x@sha512:${'b'.repeat(128)}`, 'docker.io', 'library/x', undefined, `sha512:${'b'.repeat(128)}`],
  ];
  it.each(vectors)('%s', (input, registry, repository, tag, digest) => {
    const ref = parseImageRef(input);
    expect(ref.registry).toBe(registry);
    expect(ref.repository).toBe(repository);
    expect(ref.tag).toBe(tag);
    expect(ref.digest).toBe(digest);
  });

  it('keeps tag and digest in the output', () => {
    expect(formatImageRef(parseImageRef(`nginx:1.27@${D}`))).toBe(`docker.io/library/nginx:1.27@${D}`);
    expect(formatImageRef(parseImageRef('[::1]:5000/x:v'))).toBe('[::1]:5000/x:v');
  });

  it('formats to a fixed point', () => {
    for (const [input] of vectors) {
      const once = formatImageRef(parseImageRef(input));
      expect(formatImageRef(parseImageRef(once))).toBe(once);
    }
  });

  it('locks an untagged reference under latest', () => {
    expect(tagKey(parseImageRef('nginx'))).toBe('docker.io/library/nginx:latest');
    expect(tagKey(parseImageRef('ghcr.io/a/b:v1'))).toBe('ghcr.io/a/b:v1');
  });

  it('pins a tag keeping it', () => {
    expect(formatImageRef(withDigest(parseImageRef('nginx:1'), D))).toBe(`docker.io/library/nginx:1@${D}`);
    expect(() => withDigest(parseImageRef('nginx:1'), 'sha256:abc')).toThrow(HardpodError);
  });
});

describe('parseImageRef: malformed references', () => {
  const bad: [string, RegExp][] = [
    ['', /empty/],
    [' nginx', /whitespace/],
    ['ngi nx', /whitespace/],
    ['foo/Bar', /must be lowercase/],
    ['a'.repeat(64), /image id/],
    ['nginx:', /tag "" is not valid/],
    ['nginx:-bad', /tag "-bad"/],
    [`nginx:${'t'.repeat(129)}`, /tag/],
    ['nginx@', /no algorithm/],
    ['nginx@sha256:abc', /exactly 64 lowercase hex/],
    [`nginx@sha256:${'A'.repeat(64)}`, /exactly 64 lowercase hex/],
    [`nginx@md5:${'a'.repeat(32)}`, /not supported/],
    [`nginx@${D}@${D}`, /more than one "@"/],
    ['a//b', /empty path component/],
    ['ghcr.io/', /repository name is empty/],
    [':v1', /repository name is empty/],
    ['ghcr.io/a-/b', /path component "a-"/],
    ['ghcr.io/_a', /path component "_a"/],
    ['ghcr.io/a___b', /path component/],
    ['-bad.io/x', /host/],
    ['host.io:port/x', /port "port"/],
    ['host.io:99999/x', /above 65535/],
    ['[::1/x', /never closes/],
    ['[fe80::1%eth0]:5000/x', /IPv6/],
    ['[::1]x/y', /not a port/],
    [`r.io/${'a'.repeat(260)}`, /more than 255/],
  ];
  it.each(bad)('%s', (input, message) => {
    let thrown: unknown;
    try {
      parseImageRef(input, 'app/web');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(HardpodError);
    expect((thrown as HardpodError).message).toMatch(message);
    expect((thrown as HardpodError).where).toBe('app/web');
    expect((thrown as HardpodError).message).toContain('expected [registry[:port]/]repository');
  });
});

describe('parseImageRef: the one-pass fast path agrees with the step-by-step parser', () => {
  const outcome = (parse: () => unknown) => {
    try {
      return parse();
    } catch (error) {
      return { error: (error as Error).message };
    }
  };
  it('on generated references', () => {
    const piece = fc.constantFrom('a', 'b1', 'x-y', 'x--y', 'x.y', 'x_y', 'x__y', 'x___y', '-a', 'a-', 'A', 'localhost', 'ghcr.io', 'h.io:5000', 'h.io:99999', '[::1]:5', 'index.docker.io', 'docker.io', '', '0'.repeat(64));
    const reference = fc.tuple(fc.array(piece, { minLength: 1, maxLength: 4 }), fc.option(fc.constantFrom('v1', '1.27', '-x', 'T_a.g', '')), fc.option(fc.constantFrom(D, 'sha256:abc', `sha512:${'b'.repeat(128)}`)))
      .map(([parts, tag, digest]) => `${parts.join('/')}${tag === null ? '' : `:${tag}`}${digest === null ? '' : `@${digest}`}`);
    fc.assert(fc.property(reference, (text) => {
      expect(outcome(() => parseImageRef(text))).toEqual(outcome(() => parseImageRefStepByStep(text)));
    }), { numRuns: 3000 });
  });
});

describe('registryPrefixProblem', () => {
  test('takes a registry host, with a port or a repository path, as image names start', () => {
    for (const entry of ['registry.example.com', 'localhost:5000', 'localhost', '[::1]:5000', 'ghcr.io/acme', 'ghcr.io/acme/', 'docker.io/library', 'index.docker.io']) {
      expect(registryPrefixProblem(entry)).toBeUndefined();
    }
    // Every accepted prefix is the start of some image name.
    for (const entry of ['ghcr.io/acme', 'localhost:5000']) expect(imageName(parseImageRef(`${entry}/app:1`)).startsWith(`${entry}/`)).toBe(true);
  });

  test('refuses the forms no image name can start with, saying what to write', () => {
    const cases: [string, string][] = [
      ['https://registry.example.com', 'is a URL; write it without https:// (registry.example.com)'],
      ['registry.example.com/*', 'holds a wildcard; entries are prefixes matched on whole path components, so write "registry.example.com"'],
      ['registry.example.com/web:1.0', 'names a tag, which is part of one image, not of a repository prefix; write "registry.example.com/web"'],
      [`ghcr.io/acme/web@sha256:${'a'.repeat(64)}`, 'names a digest'],
      ['REGISTRY.example.com', 'has upper-case letters in its host, which image references write in lowercase; write "registry.example.com"'],
      ['acme/app', 'starts with "acme", which image references read as a Docker Hub namespace, not a registry host; write "docker.io/acme/app"'],
      ['ghcr.io/Acme', 'has the repository path component "Acme", which no image name holds'],
      ['registry.example.com:99999', 'has an invalid host: registry port 99999 is above 65535'],
    ];
    for (const [entry, problem] of cases) {
      expect(registryPrefixProblem(entry)).toContain(`${JSON.stringify(entry)} ${problem}`);
      expect(registryPrefixProblem(entry)).toMatch(/; expected a registry host or host\/path prefix as image references write it, e\.g\. registry\.example\.com/);
    }
  });
});
