import type { PodRule, Violation } from './rule';
import { cisDocker, containersWithFacts, IMAGE_FACTS_SETTINGS, hasImageFacts } from './support/image-facts';
import { containerSecurityContext, describeContainer, isWindowsPod, nist, podSecurityContext, quote } from './support/pss';
import { text } from './support/shared-text';

/**
 * The image's own user must be a non-root uid the kubelet can verify, unless the pod sets
 * runAsUser. A root image fails at runtime under runAsNonRoot ("container has runAsNonRoot and image
 * will run as root"), and so does a named USER ("image has non-numeric user, cannot verify user is
 * non-root"): both are caught here, before the pod is admitted. A Windows pod has no uid to verify
 * nor a runAsUser to set (the API server refuses it there): its user is a name the kubelet checks.
 */
export const imageNonRootUser: PodRule = {
  id: 'image-non-root-user',
  title: 'Images run as a numeric non-root user, or the pod sets runAsUser',
  remediation: 'Set securityContext.runAsUser (and runAsGroup) to a non-zero uid, or build the image with a numeric non-root USER (e.g. USER 65532:65532).',
  level: 'hardened',
  severity: 'high',
  controls: [...cisDocker('4.1'), ...nist('4.1.2', '4.4.3')],
  edition: 1,
  scope: 'pod',
  settings: IMAGE_FACTS_SETTINGS,
  appliesUnder: hasImageFacts,
  check({ pod, config }) {
    if (isWindowsPod(pod)) return 'not-applicable';
    const violations: Violation[] = [];
    const entries = containersWithFacts(pod, config, violations);
    if (entries === 'not-applicable') return entries;
    const podUser = podSecurityContext(pod)?.runAsUser;
    for (let i = 0; i < entries.length; i++) {
      const { container, image, facts } = entries[i];
      const runAsUser = containerSecurityContext(container)?.runAsUser ?? podUser;
      // An explicit uid decides; runAsUser 0 is the run-as-user rule's finding, not this one's.
      if (runAsUser !== undefined) continue;
      const path = text`${container.path}.securityContext.runAsUser`;
      const who = `${describeContainer(container)} sets no runAsUser and its image ${quote(image)}`;
      const user = facts.user ?? '';
      // The kubelet verifies the uid before any colon; a group name after it does not hide the uid.
      const named = user !== '' && !/^\d+(:|$)/.test(user);
      if (facts.uid === 0) {
        violations.push({ path, message: `${who} runs as root${user === '' ? ' (no USER)' : ` (USER ${user})`}; set runAsUser to a non-zero uid` });
      } else if (facts.uid === undefined || facts.userResolved === false) {
        // A group the image lacks (1000:ghost) stops the runtime from starting the container at all.
        violations.push({ path, message: `${who} runs as ${quote(user)}, which the image's /etc/passwd and /etc/group do not resolve; set runAsUser and runAsGroup` });
      } else if (named) {
        violations.push({
          path,
          message: `${who} runs as the named user ${quote(user)} (uid ${facts.uid}); the kubelet cannot verify a named user is non-root: set runAsUser: ${facts.uid}${facts.gid !== undefined ? ` and runAsGroup: ${facts.gid}` : ''}`,
        });
      }
    }
    return violations;
  },
};
