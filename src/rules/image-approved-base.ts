import type { PodRule, Violation } from './rule';
import { cisDocker, containersWithFacts, hasImageFacts, IMAGE_FACTS_SETTINGS } from './support/image-facts';
import { describeContainer, nist, quote } from './support/pss';
import { registryPrefixes, registryPrefixesSetting } from './support/settings';
import { text } from './support/shared-text';
import { outsideRegistryPrefixes } from '../images/image-ref';
import type { LockedImageFacts } from '../images/lock-file';

/** The OCI annotation (or label) naming the image an image was built on. */
const BASE_NAME = 'org.opencontainers.image.base.name';

/**
 * Where the platform team names the base images it maintains (`hardened.approvedBaseImages`, registry
 * hosts or host/path prefixes as `allowedRegistries` takes them), every container image is built on
 * one of them, as the image records it: the `org.opencontainers.image.base.name` annotation (or label)
 * that `hardpod lock` read into the lock file (`baseName`), matched on whole path components after
 * Docker Hub defaults are written out (`alpine:3.20` is `docker.io/library/alpine`). An image that is
 * itself under an approved prefix passes: a team may run an approved base directly. An image that
 * records no base name (none at all, or only `base.digest`, as ko writes for a base given by digest)
 * fails, since what it was built on cannot be told. The annotations say nothing of the platform, so
 * Windows pods are judged as others are.
 */
export const imageApprovedBase: PodRule = {
  id: 'image-approved-base',
  title: 'Images are built on an approved base image (when approved bases are configured)',
  remediation: 'Build the image on a base under the config\'s hardened.approvedBaseImages and record the base in the image: buildah and podman build write the org.opencontainers.image.base.name and base.digest annotations, and so does ko; with docker, `docker buildx build --annotation \'index,manifest:org.opencontainers.image.base.name=<base image>\'`. Then run `npx hardpod lock --update`. If the image is itself an approved base, add it to approvedBaseImages.',
  level: 'hardened',
  severity: 'medium',
  // CIS Docker 4.2 is "use only trusted base images"; NIST SP 800-190 4.1.5 (untrusted images) and
  // 4.1.1 (image vulnerabilities: a maintained base is patched) as interpretations.
  controls: [...cisDocker('4.2'), ...nist('4.1.1', '4.1.5')],
  edition: 5,
  scope: 'pod',
  settings: { ...IMAGE_FACTS_SETTINGS, approvedBaseImages: registryPrefixesSetting('approvedBaseImages') },
  appliesUnder: (config) => config.hardened.approvedBaseImages !== undefined && hasImageFacts(config),
  check({ pod, config }) {
    const approved = registryPrefixes(config.hardened.approvedBaseImages);
    if (approved === undefined) return 'not-applicable';
    const violations: Violation[] = [];
    const entries = containersWithFacts(pod, config, violations);
    if (entries === 'not-applicable') return entries;
    for (let i = 0; i < entries.length; i++) {
      const { container, image, facts } = entries[i];
      const problem = approvedBaseProblem(image, facts, approved);
      if (problem !== undefined) violations.push({ path: text`${container.path}.image`, message: `${describeContainer(container)}'s image ${quote(image)} ${problem}` });
    }
    return violations;
  },
};

/**
 * How an image fails approved bases (`approved`, prefixes as {@link registryPrefixes} makes them), in
 * words to follow the image's name (`is built on "alpine:3.20" ...`); undefined when it passes, and
 * for an image that is no reference (image-digest reports that). Shared with `hardpod lock`, which
 * says the same when it records the base.
 */
export function approvedBaseProblem(image: string, facts: LockedImageFacts, approved: readonly string[]): string | undefined {
  const own = outsideRegistryPrefixes(image, approved);
  if (own === undefined || own instanceof Error) return undefined;
  const listed = `approvedBaseImages (${approved.join(', ')})`;
  const { baseName, baseDigest } = facts;
  if (baseName === undefined) {
    const recorded = baseDigest === undefined
      ? `it carries no ${BASE_NAME} annotation or label`
      : `it names only the digest of its base (${baseDigest}), not the base's name (${BASE_NAME})`;
    return `does not record which base image it was built on: ${recorded}; expected a base under ${listed}`;
  }
  const base = outsideRegistryPrefixes(baseName, approved);
  if (base instanceof Error) return `names its base ${quote(baseName)} (${BASE_NAME}), which is not an image reference, so it is under none of ${listed}: ${base.reason}`;
  return base === undefined ? undefined : `is built on ${quote(baseName)} (${base}), which is under none of ${listed}`;
}
