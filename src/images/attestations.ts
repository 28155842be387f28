import { textAt } from './cosign-json';
import { COSIGN_SIGN_PREDICATE_TYPE, DSSE_ENVELOPE_MEDIA_TYPE, IN_TOTO_PAYLOAD_TYPE, verifyDsseEnvelope } from './dsse';
import type { ImageRef } from './image-ref';
import type { LockedProvenance, LockedVulnerabilities, LockedVulnerabilityScan } from './lock-file';
import type { RegistryClient } from './registry-client';
import type { SignatureKey } from './signature-keys';
import { readCosignArtifacts, type CosignArtifactKind } from './signatures';
import {
  COSIGN_VULN_PREDICATE_TYPE, isOpenVexType, judgeVexStatements, newestScans, OPENVEX_PREDICATE_TYPE, vexStatementsFor, vulnerabilityScanFacts,
  type VexStatementFacts, type VulnerabilitySeverity,
} from './vulnerability-scans';
import type { ResolvedImageProvenance } from '../engine/config';

/**
 * Key-based cosign attestations: DSSE envelopes holding in-toto Statements, found in a registry the
 * way `cosign attest --key` stores them (DSSE envelope layers, and Sigstore bundles, cosign v3's
 * default) and verified with node:crypto against the signature keys. Keyless attestations are not read.
 */

/** Cosign attestations: DSSE envelope layers at `sha256-<hex>.att`, or referrers of type in-toto. */
export const COSIGN_ATTESTATIONS: CosignArtifactKind = {
  noun: 'attestation',
  tagSuffix: '.att',
  artifactType: IN_TOTO_PAYLOAD_TYPE,
  layerMediaType: DSSE_ENVELOPE_MEDIA_TYPE,
  layerNoun: 'DSSE envelope layer',
  bundles: (predicateType) => predicateType !== COSIGN_SIGN_PREDICATE_TYPE,
};

/**
 * The predicate type URIs `cosign attest --type NAME` records, by NAME (cosign v2's
 * `options.PredicateTypeMap`); any other `--type` is a URI recorded as given.
 */
export const COSIGN_PREDICATE_TYPES: Readonly<Record<string, string>> = {
  slsaprovenance: 'https://slsa.dev/provenance/v0.2',
  slsaprovenance02: 'https://slsa.dev/provenance/v0.2',
  slsaprovenance1: 'https://slsa.dev/provenance/v1',
  spdx: 'https://spdx.dev/Document',
  spdxjson: 'https://spdx.dev/Document',
  cyclonedx: 'https://cyclonedx.org/bom',
  link: 'https://in-toto.io/Link/v1',
  vuln: COSIGN_VULN_PREDICATE_TYPE,
  openvex: OPENVEX_PREDICATE_TYPE,
  custom: 'https://cosign.sigstore.dev/attestation/v1',
};

/*
 * SLSA provenance: what it says about the build, read at lock time and judged by image-attested.
 * Kept in this module rather than one of its own: `hardpod check` loads this one already.
 */

export const SLSA_PROVENANCE_V1 = 'https://slsa.dev/provenance/v1';
export const SLSA_PROVENANCE_V02 = 'https://slsa.dev/provenance/v0.2';
/** The provenance predicate types whose builder and source are read. */
export const SLSA_PROVENANCE_TYPES: readonly string[] = [SLSA_PROVENANCE_V1, SLSA_PROVENANCE_V02];

/**
 * A URI and its ref: `git+https://github.com/acme/app@refs/heads/main` is `git+https://github.com/acme/app`
 * at `refs/heads/main`, and so is `...app.git#refs/heads/main` (BuildKit's form) at its fragment. The ref is
 * looked for in the path only: `https://user@host/...` has none.
 */
export function splitRef(uri: string): { readonly name: string; readonly ref?: string } {
  const scheme = uri.indexOf('://');
  const path = scheme < 0 ? 0 : uri.indexOf('/', scheme + 3);
  const at = path < 0 ? -1 : uri.slice(path).search(/[@#]/);
  return at < 0 ? { name: uri } : { name: uri.slice(0, path + at), ref: uri.slice(path + at + 1) };
}

/**
 * A source repository as it is compared: without the `git+` of SPDX download locations, the ref, a
 * trailing `/` or `.git`, with scheme and host in lower case (as URLs read them); the path exactly.
 */
export function sourceRepository(uri: string): string {
  const name = splitRef(uri.replace(/^git\+/i, '')).name.replace(/\/+$/, '').replace(/\.git$/, '');
  return name.replace(/^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/]*/, (head) => head.toLowerCase());
}

/**
 * Whether a provenance's builder id is a configured one, as slsa-verifier's --builder-id matches:
 * equal, or, when the configured id has no `@ref`, equal up to its own `@ref` (any version of that
 * builder). Never a prefix: `https://github.com/acme/ci` is not `https://github.com/acme/ci-fork/...`.
 */
export function builderIdMatches(configured: string, found: string): boolean {
  return configured === found || (splitRef(configured).ref === undefined && splitRef(found).name === configured);
}

/** How a provenance fails the conditions, in words (`builder X is none of builderIds (...)`); empty when it meets them. */
export function unmetConditions(build: LockedProvenance, conditions: ResolvedImageProvenance): string[] {
  const reasons: string[] = [];
  const { builderIds, sourceRepositories } = conditions;
  if (builderIds !== undefined && !builderIds.some((id) => build.builderId !== undefined && builderIdMatches(id, build.builderId))) {
    reasons.push(build.builderId === undefined
      ? `it names no builder, and builderIds requires one of ${builderIds.join(', ')}`
      : `builder ${build.builderId} is none of builderIds (${builderIds.join(', ')})`);
  }
  if (sourceRepositories !== undefined) {
    const allowed = new Set(sourceRepositories.map(sourceRepository));
    const foreign = build.sources.filter((source) => !allowed.has(sourceRepository(source)));
    if (build.sources.length === 0) reasons.push(`it names no source, and sourceRepositories requires one of ${sourceRepositories.join(', ')}`);
    else if (foreign.length > 0) reasons.push(`source ${foreign.join(', ')} is none of sourceRepositories (${sourceRepositories.join(', ')})`);
  }
  return reasons;
}

/**
 * The build a provenance describes, in words: `a build by <builder> from <sources>`.
 * @internal
 */
export function describeBuild(build: LockedProvenance): string {
  const sources = build.sources.length === 0 ? 'no named source' : build.sources.join(', ');
  return `a build by ${build.builderId ?? 'no named builder'} from ${sources}`;
}

/**
 * What a SLSA provenance statement says about its build: the builder, the build type and where the
 * source came from, read where slsa-verifier reads them (see {@link LockedProvenance}).
 */
export function provenanceFacts(predicateType: string, statement: unknown): Omit<LockedProvenance, 'predicateType' | 'verifiedBy'> {
  const v1 = predicateType === SLSA_PROVENANCE_V1;
  const builderId = v1 ? textAt(statement, 'predicate', 'runDetails', 'builder', 'id') : textAt(statement, 'predicate', 'builder', 'id');
  const buildType = v1 ? textAt(statement, 'predicate', 'buildDefinition', 'buildType') : textAt(statement, 'predicate', 'buildType');
  const sources = v1
    ? [textAt(statement, 'predicate', 'buildDefinition', 'externalParameters', 'workflow', 'repository'), textAt(statement, 'predicate', 'buildDefinition', 'resolvedDependencies', 0, 'uri')]
    : [textAt(statement, 'predicate', 'invocation', 'configSource', 'uri'), textAt(statement, 'predicate', 'materials', 0, 'uri')];
  return {
    ...(builderId === undefined ? {} : { builderId }),
    ...(buildType === undefined ? {} : { buildType }),
    sources: [...new Set(sources.filter((source): source is string => source !== undefined))],
  };
}

/**
 * What verified attestations say, each once with every key that verified it: one found twice (tag
 * and referrer), or signed by two keys, is one entry. Keyed by what it says.
 */
class VerifiedFacts<T> {
  private readonly byContent = new Map<string, { readonly facts: T; readonly keys: Set<string> }>();

  add(facts: T, keys: readonly string[]): void {
    const id = JSON.stringify(facts);
    const entry = this.byContent.get(id) ?? { facts, keys: new Set<string>() };
    for (const name of keys) entry.keys.add(name);
    this.byContent.set(id, entry);
  }

  /** Sorted by content, each with the names of its keys, sorted. */
  entries(): (T & { readonly verifiedBy: string[] })[] {
    return [...this.byContent.keys()].sort().map((id) => {
      const { facts, keys } = this.byContent.get(id)!;
      return { ...facts, verifiedBy: [...keys].sort() };
    });
  }
}

/** What looking for the attestations of one image found. */
export interface AttestationCheck {
  /** For each predicate type attested for this digest, the names of the keys that verified it (sorted, each once). */
  readonly verified: Readonly<Record<string, readonly string[]>>;
  /** What each verified SLSA provenance says about its build (the same build once, with every key that verified it), sorted. */
  readonly provenance: readonly LockedProvenance[];
  /** The verified vulnerability scans, when they were asked for ({@link verifyImageAttestations}' `vulnerabilitiesFrom`). */
  readonly vulnerabilities?: LockedVulnerabilities;
  /** Attestations that were found but do not count, and manifests that could not be read, in words. */
  readonly problems: readonly string[];
  /** Attestations (DSSE envelope layers) examined. */
  readonly examined: number;
}

/**
 * Finds the cosign attestations of `digest` in the repository of `ref` (the tag `sha256-<hex>.att`
 * where `cosign attest` stores them, then OCI 1.1 referrers of type `application/vnd.in-toto+json`)
 * and verifies each DSSE envelope with `keys` ({@link verifyDsseEnvelope}). With `vulnerabilitiesFrom`,
 * each scanner's newest verified vulnerability scan is read too, keeping the vulnerabilities of that
 * severity or more, and the verified OpenVEX statements that clear a vulnerability for this digest. A registry that cannot be asked throws, as for signatures.
 */
export async function verifyImageAttestations(
  client: RegistryClient, ref: ImageRef, digest: string, keys: readonly SignatureKey[], vulnerabilitiesFrom?: VulnerabilitySeverity,
): Promise<AttestationCheck> {
  const verified = new Map<string, Set<string>>();
  const builds = new VerifiedFacts<Omit<LockedProvenance, 'verifiedBy'>>();
  const scans = new VerifiedFacts<Omit<LockedVulnerabilityScan, 'verifiedBy'>>();
  const vex = new VerifiedFacts<VexStatementFacts>();
  const hex = digest.slice('sha256:'.length);
  const { problems, examined } = await readCosignArtifacts(client, ref, digest, COSIGN_ATTESTATIONS, ({ at, blob, fromBundle }, found) => {
    const result = verifyDsseEnvelope(blob, digest, keys);
    // A bundle of cosign's signature type is a signature, which the signature check counts.
    if (fromBundle && result.predicateType === COSIGN_SIGN_PREDICATE_TYPE) return;
    if (result.predicateType !== undefined) {
      const names = verified.get(result.predicateType) ?? new Set<string>();
      for (const name of result.verifiedBy) names.add(name);
      verified.set(result.predicateType, names);
      if (SLSA_PROVENANCE_TYPES.includes(result.predicateType)) {
        builds.add({ predicateType: result.predicateType, ...provenanceFacts(result.predicateType, result.statement) }, result.verifiedBy);
      }
      if (vulnerabilitiesFrom !== undefined && result.predicateType === COSIGN_VULN_PREDICATE_TYPE) {
        const facts = vulnerabilityScanFacts(result.statement, vulnerabilitiesFrom);
        if ('problem' in facts) found.push(`${at}: ${facts.problem}`);
        else scans.add(facts, result.verifiedBy);
      }
      if (vulnerabilitiesFrom !== undefined && isOpenVexType(result.predicateType)) {
        for (const statement of vexStatementsFor(result.statement, hex)) vex.add(statement, result.verifiedBy);
      }
    }
    if (result.problem !== undefined) found.push(`${at}: ${result.problem}`);
  });
  // Object.fromEntries defines own properties: a predicate type named `__proto__` stays data.
  const byType = Object.fromEntries([...verified.keys()].sort().map((type) => [type, [...verified.get(type)!].sort()]));
  const provenance = builds.entries();
  let vulnerabilities: LockedVulnerabilities | undefined;
  if (vulnerabilitiesFrom !== undefined) {
    const newest = newestScans(scans.entries());
    // Judged against the scans recorded beside them: a statement narrowed to packages clears a vulnerability only where it was found.
    const judged = judgeVexStatements(vex.entries(), newest);
    problems.push(...judged.notes);
    vulnerabilities = { recordedFrom: vulnerabilitiesFrom, scans: newest, vex: judged.clearing };
  }
  return { verified: byType, provenance, ...(vulnerabilities === undefined ? {} : { vulnerabilities }), problems, examined };
}
