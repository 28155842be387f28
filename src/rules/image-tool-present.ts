import { posix } from 'node:path';
import type { PodRule, Violation } from './rule';
import { SHELLS } from '../images/tool-names';
import { containersWithFacts, execCommandsOf, notInspected, IMAGE_FACTS_SETTINGS, hasImageFacts } from './support/image-facts';
import { describeContainer, isWindowsPod, nist, quote } from './support/pss';

/** Directories the image-facts record lists executables of; other absolute paths cannot be judged. */
const PATH_DIRECTORIES = new Set(['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin']);

/**
 * A command, exec probe or exec lifecycle hook that calls a shell or tool the image does not hold
 * fails only at runtime (a probe that never succeeds, a hook that kills the container). Checked at
 * synthesis against what the layers hold. The facts list the Linux PATH folders, so Windows pods
 * (whose commands are found in folders such as C:\Windows\System32) are not judged.
 */
export const imageToolPresent: PodRule = {
  id: 'image-tool-present',
  title: 'Commands, exec probes and exec hooks call only tools the image holds',
  remediation: 'Call a binary the image contains (an HTTP or gRPC probe needs none), or add the tool to the image.',
  level: 'hardened',
  severity: 'high',
  controls: [...nist('4.1.1')],
  edition: 1,
  scope: 'pod',
  settings: IMAGE_FACTS_SETTINGS,
  appliesUnder: hasImageFacts,
  check({ pod, config }) {
    if (isWindowsPod(pod)) return 'not-applicable';
    const violations: Violation[] = [];
    const entries = containersWithFacts(pod, config, violations);
    if (entries === 'not-applicable') return entries;
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i];
      const commands = execCommandsOf(entry.container);
      if (commands.length === 0) continue;
      const tools = entry.facts.tools;
      if (!entry.facts.inspected || !tools) {
        violations.push(notInspected(entry, 'the tools its commands call'));
        continue;
      }
      for (let j = 0; j < commands.length; j++) {
        const command = commands[j];
        const absolute = command.executable.startsWith('/');
        // A relative path or a binary outside the PATH folders (e.g. /app/server) is not listed in the facts.
        if (command.executable.includes('/') && !(absolute && PATH_DIRECTORIES.has(posix.dirname(command.executable)))) continue;
        const name = posix.basename(command.executable);
        if (tools.includes(name)) continue;
        const kind = SHELLS.includes(name) ? 'the shell' : 'the tool';
        violations.push({
          path: command.path,
          message: `${describeContainer(entry.container)}'s ${command.what} calls ${kind} ${quote(command.executable)}, which its image ${quote(entry.image)} does not contain${entry.facts.hasShell === false ? ' (the image has no shell)' : ''}`,
        });
      }
    }
    return violations;
  },
};
