import type { PodRule, Violation } from './rule';
import type { ResolvedConfig } from '../engine/config';
import { containersWithFacts, hasImageFacts, IMAGE_FACTS_SETTINGS, notCheckedWithEveryKey } from './support/image-facts';
import { keysCheckedNow } from '../images/lock-file';
import { describeContainer, nist, quote } from './support/pss';
import { text } from './support/shared-text';

/** The keys attestations are verified with and the predicate types required, or undefined when the config requires none. */
function attestationSettings(config: ResolvedConfig) {
  const keys = config.images?.signatures?.keys;
  const required = config.images?.attestations?.required;
  return keys !== undefined && keys.length > 0 && required !== undefined && required.length > 0 ? { keys, required } : undefined;
}

/**
 * Where the config requires attestations (`images.attestations.required`, predicate type URIs such
 * as `https://spdx.dev/Document` or `https://slsa.dev/provenance/v1`), every container image carries,
 * for each required type, a cosign attestation made with one of the signature keys, as `hardpod lock`
 * verified it against the registry and recorded it in the lock file: a DSSE signature over the
 * in-toto Statement verifies, and the statement's subject is this digest. A key counts only under the
 * name and key material it was recorded with. An image whose attestations were not checked with every
 * configured key, and that lacks a required type by the keys that were, is unknown until it is locked
 * again. Key-based attestations only.
 */
export const imageAttested: PodRule = {
  id: 'image-attested',
  title: 'Images carry a verified attestation of each required predicate type (SBOM, provenance; when attestations are required)',
  remediation: 'Attest the image digest with one of the configured keys for each missing type (`cosign attest --key cosign.key --type spdxjson|cyclonedx|slsaprovenance|slsaprovenance1|<URI> --predicate <file> <image>@<digest>`), then run `npx hardpod lock --update --config <config>` to record it.',
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
    const { keys, required } = settings;
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
      if (missing.length === 0) continue;
      const who = `${describeContainer(container)}'s image ${quote(image)}`;
      violations.push(notCheckedWithEveryKey(path, who, `is attested (${missing.join(', ')})`, keys, checked)
        ?? { path, message: `${who} carries no attestation verified with a configured key (${names}) for its digest of the required ${missing.join(', ')}` });
    }
    return violations;
  },
};
