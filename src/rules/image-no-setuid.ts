import type { PodRule, Violation } from './rule';
import { cisDocker, containersWithFacts, notInspected, IMAGE_FACTS_SETTINGS, hasImageFacts } from './support/image-facts';
import { describeContainer, nist, quote } from './support/pss';
import { text } from './support/shared-text';
import { listFirst } from '../model/listing';

const LISTED = 5;

/**
 * setuid and setgid binaries are the classic way from a container user to root. With
 * allowPrivilegeEscalation: false the kernel ignores the bits (no_new_privs), but the benchmark asks
 * for images without them, so that one missing field does not reopen the path.
 */
export const imageNoSetuid: PodRule = {
  id: 'image-no-setuid',
  title: 'Images hold no setuid or setgid files',
  remediation: 'Remove the bits in the image build (e.g. `RUN find / -xdev -perm /6000 -type f -exec chmod a-s {} +`) or use a minimal base.',
  level: 'hardened',
  severity: 'medium',
  controls: [...cisDocker('4.8'), ...nist('4.1.1')],
  edition: 1,
  scope: 'pod',
  settings: IMAGE_FACTS_SETTINGS,
  appliesUnder: hasImageFacts,
  check({ pod, config }) {
    const violations: Violation[] = [];
    const entries = containersWithFacts(pod, config, violations);
    if (entries === 'not-applicable') return entries;
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i];
      const files = entry.facts.setuidFiles;
      if (!entry.facts.inspected || !files) {
        violations.push(notInspected(entry, 'setuid or setgid files'));
        continue;
      }
      if (files.length === 0) continue;
      const listed = listFirst(files, LISTED);
      violations.push({
        path: text`${entry.container.path}.image`,
        message: `${describeContainer(entry.container)}'s image ${quote(entry.image)} holds setuid/setgid files: ${listed}`,
      });
    }
    return violations;
  },
};
