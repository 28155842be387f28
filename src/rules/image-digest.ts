import type { PodRule, Violation } from './rule';
import { parseImageRef } from '../images/image-ref';
import { isHardpodError } from '../model/errors';
import { cis, describeContainer, nist, pushIfUnknown, quote } from './support/pss';
import { text } from './support/shared-text';

/**
 * A tag can be moved to other content at any time; only a digest names what was reviewed and
 * scanned. `latest` (written or implied) is called out since it changes on every push.
 */
export const imageDigest: PodRule = {
  id: 'image-digest',
  title: 'Images are pinned by digest',
  remediation: 'Reference every image by digest (`registry/repo:tag@sha256:...`); `hardpod lock` resolves tags into hardpod.lock.json and hardpod constructs pin them at synthesis.',
  level: 'hardened',
  severity: 'high',
  controls: [...cis('5.5.1'), ...nist('4.1.5', '4.2.2')],
  edition: 1,
  scope: 'pod',
  check({ pod }) {
    const violations: Violation[] = [];
    for (let i = 0; i < pod.containers.length; i++) {
      const container = pod.containers[i];
      const path = text`${container.path}.image`;
      const image = container.container.image;
      if (pushIfUnknown(violations, image, path, 'image')) continue;
      if (typeof image !== 'string' || image === '') {
        violations.push({ path, message: text`${describeContainer(container)} names no image` });
        continue;
      }
      let digest: string | undefined;
      let tag: string | undefined;
      try {
        ({ digest, tag } = parseImageRef(image));
      } catch (error) {
        if (!isHardpodError(error)) throw error;
        violations.push({ path, message: `${describeContainer(container)}: ${error.message}` });
        continue;
      }
      if (digest !== undefined) continue;
      const latest = tag === undefined ? ' and implies the moving tag "latest"' : tag === 'latest' ? ' and uses the moving tag "latest"' : '';
      violations.push({ path, message: text`${describeContainer(container)} image ${quote(image)} is not pinned by digest${latest}` });
    }
    return violations;
  },
};
