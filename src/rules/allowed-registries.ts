import type { PodRule, Violation } from './rule';
import { allowedRegistryPrefix, outsideAllowedRegistries, parseImageRef, registryPrefixProblem } from '../images/image-ref';
import { isHardpodError } from '../model/errors';
import { cis, describeContainer, nist, pushIfUnknown } from './support/pss';
import { text } from './support/shared-text';

/**
 * Images only from the registries the organisation vets. Entries are a registry host
 * (`registry.example.com`, `localhost:5000`) or a host and path prefix (`ghcr.io/acme`), matched on
 * whole path components after Docker Hub defaults are written out (`nginx` is `docker.io/library/nginx`).
 */
export const allowedRegistries: PodRule = {
  id: 'allowed-registries',
  title: 'Images come from an allowed registry',
  remediation: 'Pull the image from a registry listed in the config\'s hardened.allowedRegistries (mirror it there), or add the registry to that list.',
  level: 'hardened',
  severity: 'high',
  controls: [...cis('5.5.1'), ...nist('4.1.5')],
  edition: 1,
  scope: 'pod',
  settings: {
    allowedRegistries: (value) => {
      if (value === undefined) return undefined;
      if (!Array.isArray(value) || value.length === 0 || !value.every((v) => typeof v === 'string' && v.trim() !== '')) {
        return 'allowedRegistries must be a non-empty list of registry hosts or host/path prefixes, e.g. [registry.example.com, ghcr.io/acme]';
      }
      // An entry that can never match would fail every image with a misleading finding.
      for (let i = 0; i < value.length; i++) {
        const problem = registryPrefixProblem(value[i] as string);
        if (problem !== undefined) return `allowedRegistries[${i}] ${problem}`;
      }
      return undefined;
    },
  },
  appliesUnder: (config) => config.hardened.allowedRegistries !== undefined,
  check({ pod, config }) {
    const allowed = allowedPrefixes(config.hardened.allowedRegistries);
    if (allowed === undefined) return 'not-applicable';
    const violations: Violation[] = [];
    for (let i = 0; i < pod.containers.length; i++) {
      const container = pod.containers[i];
      const path = text`${container.path}.image`;
      const image = container.container.image;
      if (pushIfUnknown(violations, image, path, 'image')) continue;
      // A missing or malformed image is reported by image-digest; there is no registry to judge.
      if (typeof image !== 'string' || image === '') continue;
      let outside: string | undefined;
      try {
        outside = outsideAllowedRegistries(parseImageRef(image), allowed);
      } catch (error) {
        if (isHardpodError(error)) continue;
        throw error;
      }
      if (outside !== undefined) {
        // The name written out (docker.io/library/nginx) is what the entries are matched against, so the message shows it.
        violations.push({ path, message: `${describeContainer(container)} image ${JSON.stringify(image)} is ${outside}, which is under none of allowedRegistries (${allowed.join(', ')})` });
      }
    }
    return violations;
  },
};

const cache = new WeakMap<readonly string[], string[]>();

/** The configured prefixes (checked with the config) as images are matched against them; undefined when not configured. */
function allowedPrefixes(value: readonly string[] | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  let prefixes = cache.get(value);
  if (!prefixes) {
    prefixes = value.map(allowedRegistryPrefix);
    cache.set(value, prefixes);
  }
  return prefixes;
}
