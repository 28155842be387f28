import type { PodRule, Violation } from './rule';
import type { ResolvedConfig } from '../engine/config';
import { cisDocker, containersWithFacts, hasImageFacts, IMAGE_FACTS_SETTINGS, notCheckedWithEveryKey } from './support/image-facts';
import { keysCheckedNow } from '../images/lock-file';
import { describeContainer, nist, quote } from './support/pss';
import { text } from './support/shared-text';

/** The signature keys the config names, or undefined when it names none. */
function signatureKeys(config: ResolvedConfig) {
  const keys = config.images?.signatures?.keys;
  return keys !== undefined && keys.length > 0 ? keys : undefined;
}

/**
 * Where the config names signing keys (`images.signatures.keys`), every container image carries a
 * cosign signature made with one of them, as `hardpod lock` verified it against the registry and
 * recorded it in the lock file: the signature verifies over its payload, and the payload names this
 * digest and repository. A key counts only under the name and key material it was recorded with, so
 * a key replaced in the config is not credited with what the old one verified. An image locked
 * before a configured key was (its signatures never checked with that key, and none that was
 * checked verified) is unknown until it is locked again. Key-based signatures only.
 */
export const imageSigned: PodRule = {
  id: 'image-signed',
  title: 'Images carry a cosign signature made with a configured key (when signature keys are configured)',
  remediation: 'Sign the image digest with one of the configured keys (`cosign sign --key cosign.key <image>@<digest>`), then run `npx hardpod lock --update --config <config>` to record it.',
  level: 'hardened',
  severity: 'high',
  controls: [...cisDocker('4.5'), ...nist('4.1.5')],
  edition: 4,
  scope: 'pod',
  settings: IMAGE_FACTS_SETTINGS,
  appliesUnder: (config) => signatureKeys(config) !== undefined && hasImageFacts(config),
  check({ pod, config }) {
    const keys = signatureKeys(config);
    if (keys === undefined) return 'not-applicable';
    const violations: Violation[] = [];
    const entries = containersWithFacts(pod, config, violations);
    if (entries === 'not-applicable') return entries;
    const names = keys.map((key) => key.name).join(', ');
    for (const { container, image, facts } of entries) {
      const path = text`${container.path}.image`;
      const recorded = facts.signatures;
      const checked = keysCheckedNow(keys, recorded);
      if (checked.some((key) => recorded!.verified.includes(key.name))) continue;
      const who = `${describeContainer(container)}'s image ${quote(image)}`;
      violations.push(notCheckedWithEveryKey(path, who, 'is signed', keys, checked)
        ?? { path, message: `${who} carries no signature that verifies with a configured key (${names}) for its digest and repository` });
    }
    return violations;
  },
};
