import { keyPair, scratchFiles, signatureKey } from './signing-keys';
import { loadConfig, resolveConfig, type EngineConfig, type ImageProvenanceConfig } from '../../src/engine/config';
import { builderIdMatches, provenanceFacts, sourceRepository, splitRef } from '../../src/images/attestations';
import { parseLockFile, type LockedAttestations, type LockedProvenance, type LockEntry } from '../../src/images/lock-file';
import { LockFileResolver } from '../../src/images/lock-resolver';
import { imageAttested } from '../../src/rules/image-attested';
import { lockFileWithFacts } from '../fixtures/lock-file';
import { check, deployment, outcome, PINNED_IMAGE, violations } from '../rules/hardened/context';

/**
 * What a verified SLSA provenance says about its build (builder, source), as `hardpod lock` records it
 * and `images.attestations.provenance` judges it.
 */

const file = scratchFiles('hardpod-provenance-');
const RELEASE = keyPair();
const CI = keyPair();
const DIGEST = PINNED_IMAGE.split('@')[1];
const SLSA1 = 'https://slsa.dev/provenance/v1';
const SLSA02 = 'https://slsa.dev/provenance/v0.2';
const SPDX = 'https://spdx.dev/Document';
const BUILDER = 'https://github.com/acme/ci/.github/workflows/build.yml';
const REPO = 'https://github.com/acme/app';

/** A SLSA v1 statement as GitHub Actions' build type writes it. */
function v1Statement(builderId: string, repository: string, dependency = `git+${repository}@refs/heads/main`): unknown {
  return {
    _type: 'https://in-toto.io/Statement/v1',
    predicateType: SLSA1,
    subject: [{ name: 'registry.example.com/team/app', digest: { sha256: 'a'.repeat(64) } }],
    predicate: {
      buildDefinition: {
        buildType: 'https://actions.github.io/buildtypes/workflow/v1',
        externalParameters: { workflow: { ref: 'refs/heads/main', repository, path: '.github/workflows/build.yml' } },
        internalParameters: { github: { event_name: 'push' } },
        resolvedDependencies: [{ uri: dependency, digest: { gitCommit: 'b'.repeat(40) } }, { uri: 'pkg:docker/alpine@3.20' }],
      },
      runDetails: { builder: { id: builderId }, metadata: { invocationId: 'https://github.com/acme/app/actions/runs/1' } },
    },
  };
}

describe('reading SLSA provenance', () => {
  test('v1: the builder of runDetails, the build type, the workflow repository and the first resolved dependency', () => {
    expect(provenanceFacts(SLSA1, v1Statement(`${BUILDER}@refs/heads/main`, REPO))).toEqual({
      builderId: `${BUILDER}@refs/heads/main`,
      buildType: 'https://actions.github.io/buildtypes/workflow/v1',
      sources: [REPO, `git+${REPO}@refs/heads/main`],
    });
  });
  test('v0.2: builder.id, buildType, invocation.configSource.uri and the first material; the same source once', () => {
    const statement = {
      predicate: {
        builder: { id: 'https://ci.example.com/builder' },
        buildType: 'https://ci.example.com/build/v1',
        invocation: { configSource: { uri: 'git+https://git.example.com/team/app@refs/heads/main', digest: { sha1: 'a'.repeat(40) } } },
        materials: [{ uri: 'git+https://git.example.com/team/app@refs/heads/main' }, { uri: 'git+https://git.example.com/other' }],
      },
    };
    expect(provenanceFacts(SLSA02, statement)).toEqual({
      builderId: 'https://ci.example.com/builder', buildType: 'https://ci.example.com/build/v1', sources: ['git+https://git.example.com/team/app@refs/heads/main'],
    });
  });
  test('a provenance naming nothing, or naming it with values that are not strings, gives no builder and no source', () => {
    expect(provenanceFacts(SLSA1, { predicate: {} })).toEqual({ sources: [] });
    expect(provenanceFacts(SLSA1, null)).toEqual({ sources: [] });
    expect(provenanceFacts(SLSA1, { predicate: { runDetails: { builder: { id: 7 } }, buildDefinition: { resolvedDependencies: {}, externalParameters: { workflow: { repository: '' } } } } })).toEqual({ sources: [] });
    // The v0.2 fields are not read in a v1 provenance.
    expect(provenanceFacts(SLSA1, { predicate: { builder: { id: 'x:y' }, materials: [{ uri: 'git+https://h/x' }] } })).toEqual({ sources: [] });
  });
  test('refs are split off the path only; sources compare without git+, ref, trailing / or .git, host in any case', () => {
    expect(splitRef(`git+${REPO}@refs/heads/main`)).toEqual({ name: `git+${REPO}`, ref: 'refs/heads/main' });
    expect(splitRef('https://github.com/moby/buildkit.git#refs/tags/v0.11.0')).toEqual({ name: 'https://github.com/moby/buildkit.git', ref: 'refs/tags/v0.11.0' });
    expect(splitRef('https://user@git.example.com/team/app')).toEqual({ name: 'https://user@git.example.com/team/app' });
    for (const same of [REPO, `git+${REPO}@refs/heads/main`, `${REPO}.git`, `${REPO}/`, 'HTTPS://GitHub.com/acme/app', 'https://github.com/acme/app.git#main']) {
      expect([same, sourceRepository(same)]).toEqual([same, REPO]);
    }
    expect(sourceRepository('https://github.com/acme/App')).not.toBe(REPO);
    expect(sourceRepository('https://github.com/acme/app-fork')).not.toBe(REPO);
  });
  test('a builder id matches exactly, or at any ref when configured without one; never as a prefix', () => {
    expect(builderIdMatches(`${BUILDER}@refs/heads/main`, `${BUILDER}@refs/heads/main`)).toBe(true);
    expect(builderIdMatches(`${BUILDER}@refs/heads/main`, `${BUILDER}@refs/heads/feature`)).toBe(false);
    expect(builderIdMatches(`${BUILDER}@refs/heads/main`, BUILDER)).toBe(false);
    expect(builderIdMatches(BUILDER, `${BUILDER}@refs/tags/v2`)).toBe(true);
    expect(builderIdMatches(BUILDER, BUILDER)).toBe(true);
    expect(builderIdMatches('https://github.com/acme/ci', `${BUILDER}@refs/heads/main`)).toBe(false);
    expect(builderIdMatches(BUILDER, 'https://github.com/acme/ci/.github/workflows/build.yml2@refs/heads/main')).toBe(false);
  });
});

describe('config: images.attestations.provenance', () => {
  const keys = ['images:', '  signatures:', '    keys: [{ name: release, publicKey: cosign.pub }]', '  attestations:'];
  test('reads builder ids and source repositories as written', () => {
    file('cosign.pub', RELEASE.publicPem);
    const path = file('ok.yaml', [...keys, `    required: [${SLSA1}]`, '    provenance:', `      builderIds: [${BUILDER}@refs/heads/main, https://ci.example.com/builder]`,
      `      sourceRepositories: [${REPO}, git+https://git.example.com/team/app]`, ''].join('\n'));
    expect(resolveConfig(loadConfig(path)).images.attestations).toEqual({
      required: [SLSA1],
      provenance: { builderIds: [`${BUILDER}@refs/heads/main`, 'https://ci.example.com/builder'], sourceRepositories: [REPO, 'git+https://git.example.com/team/app'] },
    });
    const one = file('one.yaml', [...keys, `    required: [${SPDX}, ${SLSA02}]`, `    provenance: { sourceRepositories: [${REPO}] }`, ''].join('\n'));
    expect(resolveConfig(loadConfig(one)).images.attestations?.provenance).toEqual({ sourceRepositories: [REPO] });
  });
  const cases: [string, string[], RegExp][] = [
    ['misspelt key', [`    required: [${SLSA1}]`, '    provenance: { builderId: [x:y] }'],
      /:6 \(images\.attestations\.provenance\.builderId\): unknown images\.attestations\.provenance key "builderId" \(did you mean "builderIds"\?\); expected one of builderIds, sourceRepositories/],
    ['misspelt provenance', [`    required: [${SLSA1}]`, '    provenence: {}'], /:6 \(images\.attestations\.provenence\): unknown images\.attestations key "provenence" \(did you mean "provenance"\?\)/],
    ['not an object', [`    required: [${SLSA1}]`, `    provenance: [${BUILDER}]`], /:6 \(images\.attestations\.provenance\): images\.attestations\.provenance must be an object \{ builderIds: .*got a list/],
    ['empty', [`    required: [${SLSA1}]`, '    provenance: {}'], /:6 \(images\.attestations\.provenance\): images\.attestations\.provenance needs builderIds, sourceRepositories or both/],
    ['no provenance type required', [`    required: [${SPDX}]`, `    provenance: { builderIds: [${BUILDER}] }`],
      /:6 \(images\.attestations\.provenance\): .*judges SLSA provenance, and images\.attestations\.required names no provenance type; add https:\/\/slsa\.dev\/provenance\/v1 or https:\/\/slsa\.dev\/provenance\/v0\.2/],
    ['empty list', [`    required: [${SLSA1}]`, '    provenance:', '      builderIds: []'], /:7 \(images\.attestations\.provenance\.builderIds\): .*must be a non-empty list of builder ids .*got an empty list/],
    ['a string', [`    required: [${SLSA1}]`, '    provenance:', `      sourceRepositories: ${REPO}`], /:7 \(images\.attestations\.provenance\.sourceRepositories\): .*must be a non-empty list of repository URIs .*got a string/],
    ['no URI', [`    required: [${SLSA1}]`, '    provenance:', '      sourceRepositories:', '        - acme/app'], /:8 \(images\.attestations\.provenance\.sourceRepositories\[0\]\): "acme\/app" is no URI; sourceRepositories lists repository URIs/],
    ['not a string', [`    required: [${SLSA1}]`, '    provenance:', '      builderIds:', '        - 3'], /:8 \(images\.attestations\.provenance\.builderIds\[0\]\): 3 is no URI/],
    ['a ref', [`    required: [${SLSA1}]`, '    provenance:', '      sourceRepositories:', `        - git+${REPO}@refs/heads/main`],
      /:8 \(images\.attestations\.provenance\.sourceRepositories\[0\]\): git\+https:\/\/github\.com\/acme\/app@refs\/heads\/main names a ref \(refs\/heads\/main\); .*write the repository alone: https:\/\/github\.com\/acme\/app$/],
    ['a repository twice', [`    required: [${SLSA1}]`, '    provenance:', '      sourceRepositories:', `        - ${REPO}`, `        - ${REPO}.git`],
      /:9 \(images\.attestations\.provenance\.sourceRepositories\[1\]\): https:\/\/github\.com\/acme\/app\.git is listed twice in sourceRepositories, first at .*:8/],
    ['a builder twice', [`    required: [${SLSA1}]`, '    provenance:', '      builderIds:', `        - ${BUILDER}`, `        - ${BUILDER}`], /:9 \(images\.attestations\.provenance\.builderIds\[1\]\): .* is listed twice in builderIds/],
  ];
  test.each(cases)('refuses %s, naming the file, line and key', (name, lines, expected) => {
    file('cosign.pub', RELEASE.publicPem);
    const path = file(`${name.replace(/\W/g, '-')}.yaml`, `${[...keys, ...lines].join('\n')}\n`);
    expect(() => loadConfig(path)).toThrow(expected);
  });
  test('a config written in code: errors name the config key', () => {
    expect(() => resolveConfig({ images: { signatures: { keys: [{ name: 'release', publicKey: RELEASE.publicPem }] }, attestations: { required: [SLSA1], provenance: { sourceRepositories: [] } } } }))
      .toThrow(/^config images\.attestations\.provenance\.sourceRepositories: /);
  });
});

describe('image-attested judges what verified provenance says', () => {
  const release = signatureKey('release', RELEASE);
  const ci = signatureKey('ci', CI);
  const checked = [{ name: 'release', key: release.fingerprint }];
  const build = (builderId: string | undefined, sources: string[], fields: Partial<LockedProvenance> = {}): LockedProvenance => ({
    predicateType: SLSA1, verifiedBy: ['release'], ...(builderId === undefined ? {} : { builderId }), sources, ...fields,
  });
  const GOOD = build(`${BUILDER}@refs/heads/main`, [REPO, `git+${REPO}@refs/heads/main`]);
  const conditions: ImageProvenanceConfig = { builderIds: [`${BUILDER}@refs/heads/main`], sourceRepositories: [REPO] };
  const configWith = (
    provenance: LockedProvenance[] | undefined, when: ImageProvenanceConfig | 'none' = conditions, required = [SLSA1],
    verified: LockedAttestations['verified'] = { [SLSA1]: ['release'] }, recordedKeys: LockedAttestations['checked'] = checked,
  ): EngineConfig => {
    const attestations: LockedAttestations = { checked: recordedKeys, verified, ...(provenance === undefined ? {} : { provenance }) };
    const images: Record<string, LockEntry> = {
      'registry.example.com/team/app:1.2.3': { digest: DIGEST, mediaType: 'application/vnd.oci.image.manifest.v1+json', resolvedAt: 't', resolvedFrom: 'https://registry.example.com', facts: { uid: 1000, attestations } },
    };
    return {
      hardened: { imageFacts: new LockFileResolver({ lockfileVersion: 1, images }) },
      images: { signatures: { keys: [{ name: 'release', publicKey: RELEASE.publicPem }] }, attestations: { required, ...(when === 'none' ? {} : { provenance: when }) } },
    };
  };
  const run = (config: EngineConfig) => check(imageAttested, deployment(), { config });

  test('passes a provenance by an allowed builder from an allowed repository', () => {
    expect(outcome(run(configWith([GOOD])))).toBe('pass');
    expect(outcome(run(configWith([build(`${BUILDER}@refs/tags/v3`, [`git+${REPO}.git@refs/tags/v3`])], { builderIds: [BUILDER], sourceRepositories: [REPO] })))).toBe('pass');
  });
  test('fails another builder, naming the image, the builder found and the ones allowed', () => {
    const [v] = violations(run(configWith([build('https://github.com/evil/ci/.github/workflows/build.yml@refs/heads/main', [REPO])])));
    expect(v.unknown).toBeUndefined();
    expect(v.path).toBe('spec.template.spec.containers[0].image');
    expect(v.message).toBe(
      `container "app"'s image "${PINNED_IMAGE}" was not built as images.attestations.provenance requires: its ${SLSA1} provenance (verified with release) is of a build by `
      + `https://github.com/evil/ci/.github/workflows/build.yml@refs/heads/main from ${REPO}: builder https://github.com/evil/ci/.github/workflows/build.yml@refs/heads/main is none of builderIds (${BUILDER}@refs/heads/main)`,
    );
    // The allowed builder at another ref is another builder when a ref is configured.
    expect(outcome(run(configWith([build(`${BUILDER}@refs/heads/feature`, [REPO])])))).toBe('fail');
  });
  test('fails a source outside the allowed repositories, and a provenance naming no source or no builder', () => {
    const [v] = violations(run(configWith([build(`${BUILDER}@refs/heads/main`, [REPO, 'git+https://github.com/evil/app@refs/heads/main'])])));
    expect(v.message).toMatch(/from https:\/\/github\.com\/acme\/app, git\+https:\/\/github\.com\/evil\/app@refs\/heads\/main: source git\+https:\/\/github\.com\/evil\/app@refs\/heads\/main is none of sourceRepositories \(https:\/\/github\.com\/acme\/app\)$/);
    const [none] = violations(run(configWith([build(undefined, [])])));
    expect(none.message).toMatch(/is of a build by no named builder from no named source: it names no builder, and builderIds requires one of https:\/\/github\.com\/acme\/ci\/\.github\/workflows\/build\.yml@refs\/heads\/main; it names no source, and sourceRepositories requires one of https:\/\/github\.com\/acme\/app$/);
  });
  test('every verified provenance of a required type must meet the conditions; one signed by a key not checked now does not count', () => {
    const evil = build('https://github.com/evil/ci/.github/workflows/build.yml@refs/heads/main', ['https://github.com/evil/app']);
    expect(outcome(run(configWith([GOOD, evil])))).toBe('fail');
    // Recorded as verified by a key `ci` the config no longer names.
    const withCi = [...checked, { name: 'ci', key: ci.fingerprint }];
    expect(outcome(run(configWith([GOOD, { ...evil, verifiedBy: ['ci'] }], conditions, [SLSA1], { [SLSA1]: ['ci', 'release'] }, withCi)))).toBe('pass');
    expect(outcome(run(configWith([GOOD, { ...evil, verifiedBy: ['ci', 'release'] }], conditions, [SLSA1], { [SLSA1]: ['ci', 'release'] }, withCi)))).toBe('fail');
    // A provenance of a type not required is not judged; one of v0.2, when required, is.
    expect(outcome(run(configWith([GOOD, { ...evil, predicateType: SLSA02 }])))).toBe('pass');
    expect(outcome(run(configWith([GOOD, { ...evil, predicateType: SLSA02 }], conditions, [SLSA1, SLSA02], { [SLSA1]: ['release'], [SLSA02]: ['release'] })))).toBe('fail');
  });
  test('only the conditions given are judged; without conditions the contents are not judged', () => {
    const evilSource = build(`${BUILDER}@refs/heads/main`, ['https://github.com/evil/app']);
    expect(outcome(run(configWith([evilSource], { builderIds: [BUILDER] })))).toBe('pass');
    expect(outcome(run(configWith([evilSource], { sourceRepositories: [REPO] })))).toBe('fail');
    expect(outcome(run(configWith([evilSource], 'none')))).toBe('pass');
    expect(outcome(run(configWith(undefined, 'none')))).toBe('pass');
  });
  test('a lock file without what provenance says (written before hardpod read it) is unknown, asking to lock again', () => {
    const [v] = violations(run(configWith(undefined)));
    expect(v).toMatchObject({ unknown: true });
    expect(v.message).toMatch(/^whether the verified provenance of container "app"'s image .* meets images\.attestations\.provenance is not known: .*run `npx hardpod lock --config <config>`$/);
    // A record whose provenance list lacks the attested type (edited by hand) is no better known.
    expect(outcome(run(configWith([])))).toBe('unknown');
    // A missing required type is said first, as before.
    const [missing] = violations(run(configWith([GOOD], conditions, [SLSA1], {})));
    expect(missing.message).toMatch(/carries no attestation verified with a configured key \(release\) for its digest of the required https:\/\/slsa\.dev\/provenance\/v1$/);
  });
});

describe('lock file: facts.attestations.provenance', () => {
  const lockText = (attestations: unknown) => lockFileWithFacts(DIGEST, { attestations });
  test('reads a provenance record, and a record without one (an older lock file); refuses one the rule could not trust, at its line', () => {
    const key = signatureKey('release', RELEASE).fingerprint;
    const record = { checked: [{ name: 'release', key }], verified: { [SLSA1]: ['release'] }, provenance: [{ predicateType: SLSA1, verifiedBy: ['release'], builderId: BUILDER, buildType: 'x:y', sources: [REPO] }] };
    expect(parseLockFile(lockText(record), 'hardpod.lock.json').images['registry.example.com/team/app:1.2.3'].facts?.attestations).toEqual(record);
    const older = { checked: record.checked, verified: record.verified };
    expect(parseLockFile(lockText(older), 'hardpod.lock.json').images['registry.example.com/team/app:1.2.3'].facts?.attestations).toEqual(older);
    const entry = record.provenance[0];
    for (const bad of [{}, [{ ...entry, verifiedBy: ['ci'] }], [{ ...entry, sources: REPO }], [{ ...entry, builderId: 1 }], [{ ...entry, predicateType: undefined }], ['x'], [{ ...entry, buildType: null }]]) {
      expect(() => parseLockFile(lockText({ ...record, provenance: bad }), 'hardpod.lock.json'))
        .toThrow(/hardpod\.lock\.json:\d+: .*facts\.attestations must be an object .*provenance\?: \[\{ predicateType, verifiedBy: \[names of checked keys\], builderId\?, buildType\?, sources: \[URIs\] \}\]/);
    }
  });
});
