import fc from 'fast-check';
import { parseImageRef } from '../../src/images/image-ref';
import { describeWithDistribution, readWithDistribution, type DistributionReading } from '../harness/image-reference';

/**
 * hardpod reads an image reference as the kubelet and container runtimes do: the allowed-registries
 * and image-digest rules judge the registry, repository, tag and digest that will really be pulled.
 * github.com/distribution/reference (built by the set-up) reads the same references, known cases
 * and generated ones, and both must agree on each part, or both refuse the reference.
 */

const D = `sha256:${'a'.repeat(64)}`;

const KNOWN = [
  'nginx', 'nginx:1.27', `nginx@${D}`, `nginx:1.27@${D}`, 'docker.io/nginx', 'docker.io/library/nginx', 'index.docker.io/nginx',
  'index.docker.io/x/y', 'registry-1.docker.io/x', 'DOCKER.IO/x', 'docker.io:443/x', 'localhost/app', 'localhost:5000/app', 'LOCALHOST/x',
  'Foo/bar', 'foo/Bar', 'foo.com/Bar', 'a.b/c', 'a:b/c', 'a_b/c', 'a-b/c', '-a/b', 'a-/b', 'a..b/c', '[::1]:5000/x', '[::1]/x', '[2001:db8::1]/team/app:v2',
  '::1/x', '127.0.0.1:5055/demo/tiny:v1', '127.0.0.1/x', 'host:99999/x', 'host:/x', 'ghcr.io/org/sub/deep/name', 'quay.io:443/a_b/c__d/e-f--g.h:T_a.g-1',
  'a___b', 'a__b', 'a.b.c', 'a/b/', '/a', 'a//b', 'a:', 'a:-tag', `a:${'t'.repeat(128)}`, `a:${'t'.repeat(129)}`, 'a@sha256:abc', `a@sha512:${'b'.repeat(128)}`,
  `a@SHA256:${'a'.repeat(64)}`, `a@sha256:${'A'.repeat(64)}`, `a@md5:${'a'.repeat(32)}`, `a@sha256+b64:${'a'.repeat(64)}`, 'UPPER', 'ubuntu:24.04',
  `${'a'.repeat(255)}/b`, `x/${'a'.repeat(256)}`, ' nginx', 'nginx ', '', 'sha256:abc', `${'a'.repeat(64)}`, 'registry.example.com.evil.io/app',
  'docker.io.evil.io/app', 'evil.io/docker.io/app', 'example.com:5000', 'example.com:5000:v1', 'a/b:c/d',
];

const piece = fc.constantFrom(
  'a', 'b1', 'x-y', 'x--y', 'x.y', 'x_y', 'x__y', 'x___y', '-a', 'a-', 'A', 'Ab', 'localhost', 'LocalHost', 'ghcr.io', 'h.io:5000', 'h.io:99999', 'h:0',
  '[::1]:5', '[::1]', 'index.docker.io', 'docker.io', 'registry-1.docker.io', '', '0'.repeat(64), 'a.', '.a', 'a:b', '127.0.0.1', 'x..y', 'library',
);
const generated = fc.tuple(
  fc.array(piece, { minLength: 1, maxLength: 4 }),
  fc.option(fc.constantFrom('v1', '1.27', '-x', 'T_a.g', '', '.x', 'UP', 'a/b')),
  fc.option(fc.constantFrom(D, 'sha256:abc', `sha512:${'b'.repeat(128)}`, `sha256:${'A'.repeat(64)}`, 'sha256:', 'x:y')),
).map(([parts, tag, digest]) => `${parts.join('/')}${tag === null ? '' : `:${tag}`}${digest === null ? '' : `@${digest}`}`);

/** hardpod's reading in distribution's terms. */
function hardpodReading(input: string): DistributionReading {
  try {
    const ref = parseImageRef(input);
    return { input, domain: ref.registry, path: ref.repository, tag: ref.tag, digest: ref.digest };
  } catch (error) {
    return { input, error: (error as Error).message };
  }
}

function disagreements(reader: string, references: readonly string[]): string[] {
  const theirs = readWithDistribution(reader, references);
  const found: string[] = [];
  references.forEach((input, i) => {
    const ours = hardpodReading(input);
    const expected = theirs[i];
    // Deliberately stricter: distribution takes any digits as a port, but no registry listens above
    // 65535, so the pull can only fail; hardpod says so at check time.
    if (ours.error && !expected.error && /registry port \d+ is above 65535/.test(ours.error)) return;
    if (Boolean(ours.error) !== Boolean(expected.error)) {
      found.push(`${JSON.stringify(input)}: hardpod ${ours.error ? `refuses it (${ours.error})` : 'reads it'}, distribution ${expected.error ? `refuses it (${expected.error})` : 'reads it'}`);
      return;
    }
    if (ours.error) return;
    for (const part of ['domain', 'path', 'tag', 'digest'] as const) {
      if (ours[part] !== expected[part]) found.push(`${JSON.stringify(input)}: ${part} is ${JSON.stringify(ours[part])} to hardpod, ${JSON.stringify(expected[part])} to distribution`);
    }
  });
  return found;
}

describeWithDistribution('image references are read as the kubelet reads them (github.com/distribution/reference)', (reader) => {
  test('known references', () => {
    expect(disagreements(reader, KNOWN)).toEqual([]);
  });

  test('generated references', () => {
    const references = [...new Set(fc.sample(generated, { numRuns: 4000 }))];
    const verdicts = references.map((r) => hardpodReading(r).error === undefined);
    // Both verdicts must be common, or the comparison proves little.
    expect(verdicts.filter(Boolean).length).toBeGreaterThan(150);
    expect(verdicts.filter((v) => !v).length).toBeGreaterThan(300);
    expect(disagreements(reader, references)).toEqual([]);
  });
});
