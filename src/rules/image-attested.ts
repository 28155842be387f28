import type { PodRule, Violation } from './rule';
import type { ResolvedConfig, ResolvedImageProvenance } from '../engine/config';
import { containersWithFacts, hasImageFacts, IMAGE_FACTS_SETTINGS, notCheckedWithEveryKey } from './support/image-facts';
import { describeBuild, SLSA_PROVENANCE_TYPES, unmetConditions } from '../images/attestations';
import { keysCheckedNow, type LockedAttestations, type LockedProvenance } from '../images/lock-file';
import { describeContainer, nist, quote } from './support/pss';
import { text } from './support/shared-text';

/** The keys attestations are verified with, the predicate types required and the provenance conditions, or undefined when the config requires none. */
function attestationSettings(config: ResolvedConfig) {
  const keys = config.images?.signatures?.keys;
  const attestations = config.images?.attestations;
  const required = attestations?.required;
  if (keys === undefined || keys.length === 0 || required === undefined || required.length === 0) return undefined;
  return { keys, required, provenance: attestations?.provenance };
}

/**
 * The violation of an image whose verified provenance of the required types does not meet
 * `images.attestations.provenance`, unknown when the lock file does not record what it says, or
 * undefined when every such provenance meets it.
 */
function provenanceViolation(
  path: string, who: string, recorded: LockedAttestations, types: readonly string[], keyNames: readonly string[], conditions: ResolvedImageProvenance,
): Violation | undefined {
  const counted = (build: LockedProvenance) => types.includes(build.predicateType) && build.verifiedBy.some((name) => keyNames.includes(name));
  const builds = recorded.provenance?.filter(counted);
  if (builds === undefined || builds.length === 0) {
    return {
      path,
      message: `whether the verified provenance of ${who} meets images.attestations.provenance is not known: the lock file was written before hardpod read what provenance says; run \`npx hardpod lock --config <config>\``,
      unknown: true,
    };
  }
  // Every verified provenance counts: an allowed build's provenance must not cover one of another build of the same digest.
  const failed = builds.flatMap((build) => {
    const reasons = unmetConditions(build, conditions);
    if (reasons.length === 0) return [];
    return [`its ${build.predicateType} provenance (verified with ${build.verifiedBy.join(', ')}) is of ${describeBuild(build)}: ${reasons.join('; ')}`];
  });
  return failed.length === 0 ? undefined : { path, message: `${who} was not built as images.attestations.provenance requires: ${failed.join('; and ')}` };
}

/**
 * Where the config requires attestations (`images.attestations.required`, predicate type URIs such
 * as `https://spdx.dev/Document` or `https://slsa.dev/provenance/v1`), every container image carries,
 * for each required type, a cosign attestation made with one of the signature keys, as `hardpod lock`
 * verified it against the registry and recorded it in the lock file: a DSSE signature over the
 * in-toto Statement verifies, and the statement's subject is this digest. A key counts only under the
 * name and key material it was recorded with. An image whose attestations were not checked with every
 * configured key, and that lacks a required type by the keys that were, is unknown until it is locked
 * again. Where the config also states `images.attestations.provenance`, every verified SLSA
 * provenance of a required type must name an allowed builder (`builderIds`) and only allowed source
 * repositories (`sourceRepositories`); a lock file that does not record what the provenance says
 * leaves the image unknown until it is locked again. Key-based attestations only.
 */
export const imageAttested: PodRule = {
  id: 'image-attested',
  title: 'Images carry a verified attestation of each required predicate type (SBOM, provenance; when attestations are required), and their provenance names an allowed builder and source',
  remediation: 'Attest the image digest with one of the configured keys for each missing type (`cosign attest --key cosign.key --type spdxjson|cyclonedx|slsaprovenance|slsaprovenance1|<URI> --predicate <file> <image>@<digest>`), then run `npx hardpod lock --update --config <config>` to record it. For provenance that `images.attestations.provenance` does not allow, build the image with an allowed builder from an allowed repository and attest the provenance that build wrote; or, if the builder or repository is trusted, add it to builderIds or sourceRepositories.',
  level: 'hardened',
  severity: 'high',
  // NIST SP 800-190 4.1.5 (use of untrusted images): provenance and an SBOM attested by a trusted key
  // say where an image comes from. CIS Docker 4.5 (content trust) is the signature itself: image-signed.
  controls: nist('4.1.5'),
  edition: 4,
  scope: 'pod',
  settings: IMAGE_FACTS_SETTINGS,
  appliesUnder: (config) => attestationSettings(config) !== undefined && hasImageFacts(config),
  check({ pod, config }) {
    const settings = attestationSettings(config);
    if (settings === undefined) return 'not-applicable';
    const { keys, required, provenance } = settings;
    const provenanceTypes = required.filter((type) => SLSA_PROVENANCE_TYPES.includes(type));
    const violations: Violation[] = [];
    const entries = containersWithFacts(pod, config, violations);
    if (entries === 'not-applicable') return entries;
    const names = keys.map((key) => key.name).join(', ');
    for (const { container, image, facts } of entries) {
      const path = text`${container.path}.image`;
      const recorded = facts.attestations;
      const checked = keysCheckedNow(keys, recorded);
      const attested = (type: string) => recorded !== undefined && Object.prototype.hasOwnProperty.call(recorded.verified, type)
        && checked.some((key) => recorded.verified[type].includes(key.name));
      const missing = required.filter((type) => !attested(type));
      const who = `${describeContainer(container)}'s image ${quote(image)}`;
      if (missing.length === 0) {
        const judged = provenance === undefined ? undefined
          : provenanceViolation(path, who, recorded!, provenanceTypes, checked.map((key) => key.name), provenance);
        if (judged !== undefined) violations.push(judged);
        continue;
      }
      violations.push(notCheckedWithEveryKey(path, who, `is attested (${missing.join(', ')})`, keys, checked)
        ?? { path, message: `${who} carries no attestation verified with a configured key (${names}) for its digest of the required ${missing.join(', ')}` });
    }
    return violations;
  },
};
