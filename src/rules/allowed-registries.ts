import type { PodRule, Violation } from './rule';
import { cis, describeContainer, nist, pushIfUnknown } from './support/pss';
import { registryPrefixes, registryPrefixesSetting } from './support/settings';
import { text } from './support/shared-text';
import { outsideRegistryPrefixes } from '../images/image-ref';

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
  settings: { allowedRegistries: registryPrefixesSetting('allowedRegistries') },
  appliesUnder: (config) => config.hardened.allowedRegistries !== undefined,
  check({ pod, config }) {
    const allowed = registryPrefixes(config.hardened.allowedRegistries);
    if (allowed === undefined) return 'not-applicable';
    const violations: Violation[] = [];
    for (let i = 0; i < pod.containers.length; i++) {
      const container = pod.containers[i];
      const path = text`${container.path}.image`;
      const image = container.container.image;
      if (pushIfUnknown(violations, image, path, 'image')) continue;
      // A missing or malformed image is reported by image-digest; there is no registry to judge.
      if (typeof image !== 'string' || image === '') continue;
      const outside = outsideRegistryPrefixes(image, allowed);
      if (typeof outside === 'string') {
        // The name written out (docker.io/library/nginx) is what the entries are matched against, so the message shows it.
        violations.push({ path, message: `${describeContainer(container)} image ${JSON.stringify(image)} is ${outside}, which is under none of allowedRegistries (${allowed.join(', ')})` });
      }
    }
    return violations;
  },
};
