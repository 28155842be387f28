import type { PodRule, Violation } from './rule';
import { PACKAGE_MANAGERS, SHELLS } from '../images/tool-names';
import { cisDocker, containersWithFacts, notInspected, IMAGE_FACTS_SETTINGS, hasImageFacts } from './support/image-facts';
import { describeContainer, isWindowsPod, nist, quote } from './support/pss';
import { booleanSetting } from './support/settings';
import { text } from './support/shared-text';

/**
 * Where the platform team requires minimal images (`hardened.requireMinimalImages`), an image holds
 * neither a shell nor a package manager: less to exploit, and nothing to install tools with.
 * Debugging goes through ephemeral containers instead. The facts list the Linux PATH folders, where a
 * Windows image keeps neither cmd.exe nor powershell, so Windows pods are not judged.
 */
export const imageMinimal: PodRule = {
  id: 'image-minimal',
  title: 'Images hold no shell or package manager (when minimal images are required)',
  remediation: 'Build on a minimal base (distroless, scratch, chainguard/wolfi static) without a shell or package manager; debug with ephemeral containers.',
  level: 'hardened',
  severity: 'medium',
  controls: [...cisDocker('4.3'), ...nist('4.1.1')],
  edition: 1,
  scope: 'pod',
  settings: { ...IMAGE_FACTS_SETTINGS, requireMinimalImages: booleanSetting('requireMinimalImages') },
  appliesUnder: (config) => config.hardened.requireMinimalImages === true && hasImageFacts(config),
  check({ pod, config }) {
    if (config.hardened.requireMinimalImages !== true || isWindowsPod(pod)) return 'not-applicable';
    const violations: Violation[] = [];
    const entries = containersWithFacts(pod, config, violations);
    if (entries === 'not-applicable') return entries;
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i];
      const { facts } = entry;
      if (!facts.inspected || !facts.tools) {
        violations.push(notInspected(entry, 'a shell or package manager'));
        continue;
      }
      const found = facts.tools.filter((tool) => SHELLS.includes(tool) || PACKAGE_MANAGERS.includes(tool));
      if (found.length > 0) {
        violations.push({
          path: text`${entry.container.path}.image`,
          message: `${describeContainer(entry.container)}'s image ${quote(entry.image)} holds ${found.join(', ')}; minimal images are required here`,
        });
      }
    }
    return violations;
  },
};
