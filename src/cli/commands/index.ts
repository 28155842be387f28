import type { CommandEntry } from '../command';

/** Every `hardpod` command, in the order `hardpod --help` lists them. Add a command with one entry. */
export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'check',
    summary: 'Check manifests (files, folders, - for stdin) against a level; exit 1 on blocking findings',
    load: async () => (await import('./check')).checkCommand,
  },
  {
    name: 'rules',
    summary: 'List the rules with their level, severity, Pod Security check and controls',
    load: async () => (await import('./rules')).rulesCommand,
  },
  {
    name: 'lock',
    summary: 'Resolve image tags to digests and image facts into hardpod.lock.json (--check for CI, --update)',
    load: async () => (await import('./lock')).lockCommand,
  },
  {
    name: 'pin',
    summary: 'Rewrite image tags to digests in YAML files, keeping comments and formatting (--write)',
    load: async () => (await import('./pin')).pinCommand,
  },
  {
    name: 'admission-policy',
    summary: 'Write the hardened rules as ValidatingAdmissionPolicies (Kubernetes 1.30+) from the same config',
    load: async () => (await import('./admission-policy')).admissionPolicyCommand,
  },
];
