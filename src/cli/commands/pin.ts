import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseImageRef, tagKey } from '../../images/image-ref';
import { LOCK_FILE_NAME, readLockFile, readLockFileIfExists } from '../../images/lock-file';
import { lineDiff, pinText, planPins, type ImageOccurrence } from '../../images/pin-yaml';
import { RegistryClient } from '../../images/registry-client';
import { manifestFilesUnder, readManifestFile, readStandardInput, STDIN_NAME } from '../../loader';
import { HardpodError } from '../../model/errors';
import { describeFileError, realPathIfExists, writeFileAtomic } from '../../model/files';
import { parseCommandArgs } from '../args';
import { EXIT, type CliContext, type Command } from '../command';
import { REGISTRY_FLAGS, registryClientOptions } from './lock';

const USAGE = `Usage: hardpod pin [options] PATH...

Rewrites image tags to digests (\`nginx:1.27\` -> \`nginx:1.27@sha256:...\`) in existing YAML: hand-
written manifests, kustomize bases. Only the image values change; comments, key order and formatting
stay. Without --write it prints the diff. Digests come from the lock file, else from the registry.

  PATH is a file or a folder (every *.yaml, *.yml and *.json below it), or - to read manifests on
  standard input and write the pinned manifests to standard output.

Options:
  --write                     rewrite the files (atomically; nothing is written if any image fails)
  --lock-file FILE            lock file to take digests from (default: ${LOCK_FILE_NAME}, if present;
                              a FILE named here must exist)
  --offline                   only use the lock file; a tag it lacks is an error
  --kustomize                 print kustomization \`images:\` entries with digests instead of rewriting
  --insecure-registry HOST    allow plain HTTP to HOST[:PORT] (repeatable; loopback always may)
  --mirror REGISTRY=URL       pull through a mirror (repeatable)
  --concurrency N             requests in flight at once (default: 8)
  --timeout SECONDS           time limit per request (default: 30)
  -h, --help                  show this help

Rendered output that the next render would undo is better pinned where it is rendered:
  Helm:       helm template my-release ./chart --post-renderer npx \\
                --post-renderer-args hardpod --post-renderer-args pin --post-renderer-args -
  kustomize:  hardpod pin --kustomize base/ >> kustomization.yaml   (images[].digest entries)

Files hardpod check refuses are refused here too, and so is an image pin cannot rewrite without
changing something else (one written through an alias or a << merge); the error names file:line.

Exit codes: 0 done (or nothing to pin), 2 usage error, unreadable YAML, an image that cannot be pinned
where it is written, or one that could not be resolved (nothing written).
`;

interface FilePlan {
  readonly file: string;
  /** The name messages use: the path, or <stdin>. */
  readonly name: string;
  readonly text: string;
  readonly occurrences: readonly ImageOccurrence[];
}

/** `hardpod pin`: tags to digests in YAML files, keeping everything else byte for byte. */
export const pinCommand: Command = {
  usage: USAGE,
  async run(context: CliContext): Promise<number> {
    const { values, positionals } = parseCommandArgs('pin', context.args, {
      'write': { type: 'boolean' },
      'lock-file': { type: 'string' },
      'offline': { type: 'boolean' },
      'kustomize': { type: 'boolean' },
      ...REGISTRY_FLAGS,
    });
    if (positionals.length === 0) throw new HardpodError('give at least one YAML file or folder, or - for standard input (see hardpod pin --help)', 'hardpod pin');
    const stdinMode = positionals.includes('-');
    if (stdinMode && positionals.length > 1) throw new HardpodError('- (standard input) cannot be combined with files', 'hardpod pin');

    // Read and parse everything first: a bad file stops the run before anything is resolved or written.
    const plans: FilePlan[] = [];
    const files = stdinMode ? ['-'] : filesToPin(positionals, context.cwd);
    for (const file of files) {
      const text = file === '-' ? readStandardInput() : readManifestFile(file);
      const name = file === '-' ? STDIN_NAME : file;
      plans.push({ file, name, text, occurrences: planPins(text, name) });
    }

    const digests = await digestsFor(plans, values, context);

    if (values.kustomize) {
      const lines = ['images:'];
      const seen = new Set<string>();
      for (const plan of plans) {
        for (const occurrence of plan.occurrences) {
          const name = occurrence.reference.replace(/:[^/:]*$/, '');
          if (seen.has(name)) continue;
          seen.add(name);
          lines.push(`- name: ${name}`, `  digest: ${digests.get(tagKey(parseImageRef(occurrence.reference)))}`);
        }
      }
      context.stdout(`${lines.join('\n')}\n`);
      return EXIT.ok;
    }

    // Every file is rewritten and checked before the first one is written.
    const rewritten = plans.map((plan) => ({
      ...plan,
      after: pinText(plan.text, plan.name, plan.occurrences, (reference) => digests.get(tagKey(parseImageRef(reference)))!),
    }));
    if (stdinMode) {
      context.stdout(rewritten[0].after);
      return EXIT.ok;
    }
    let changedFiles = 0;
    for (const plan of rewritten) {
      if (plan.after === plan.text) continue;
      changedFiles++;
      // Resolving took a while: an edit made to the file meanwhile refuses the write rather than being lost.
      if (values.write) writeFileAtomic(plan.file, plan.after, { readContent: plan.text });
      else context.stdout(lineDiff(plan.file, plan.text, plan.after));
    }
    const pinned = rewritten.reduce((count, plan) => count + plan.occurrences.length, 0);
    context.stderr(
      pinned === 0
        ? 'hardpod pin: every image is already pinned by digest\n'
        : `hardpod pin: ${values.write ? 'pinned' : 'would pin'} ${pinned} image${pinned === 1 ? '' : 's'} in ${changedFiles} file${changedFiles === 1 ? '' : 's'}${values.write ? '' : ' (run with --write to rewrite them)'}\n`,
    );
    return EXIT.ok;
  },
};

/** The files under the paths (folders walked), each once however often it is reached: a file is rewritten once. */
function filesToPin(paths: readonly string[], cwd: string): string[] {
  const files = new Map<string, string>();
  for (const path of paths) {
    const full = resolve(cwd, path);
    let isDirectory: boolean;
    try {
      isDirectory = statSync(full).isDirectory();
    } catch (error) {
      throw new HardpodError(describeFileError(error, 'no such file or folder'), path);
    }
    for (const file of isDirectory ? manifestFilesUnder(full) : [full]) {
      const real = realPathIfExists(file) ?? file;
      if (!files.has(real)) files.set(real, file);
    }
  }
  return [...files.values()];
}

/** The digest of every tag in the plans: from the lock file, else (unless offline) from the registry. */
async function digestsFor(
  plans: readonly FilePlan[],
  values: { 'lock-file'?: string; 'offline'?: boolean; 'insecure-registry'?: string[]; 'mirror'?: string[]; 'concurrency'?: string; 'timeout'?: string },
  context: CliContext,
): Promise<Map<string, string>> {
  const lockFile = resolve(context.cwd, values['lock-file'] ?? LOCK_FILE_NAME);
  // A lock file the user named must exist: a typo would otherwise resolve every tag anew, unseen.
  const lock = values['lock-file'] !== undefined ? readLockFile(lockFile) : readLockFileIfExists(lockFile);
  const digests = new Map<string, string>();
  const missing = new Map<string, string>();
  for (const plan of plans) {
    for (const occurrence of plan.occurrences) {
      const key = tagKey(parseImageRef(occurrence.reference));
      const entry = lock.images[key];
      if (entry) digests.set(key, entry.digest);
      else if (!missing.has(key)) missing.set(key, `${plan.name}:${occurrence.line}`);
    }
  }
  if (missing.size === 0) return digests;
  if (values.offline) {
    const list = [...missing].map(([key, where]) => `  ${key} (${where})`).join('\n');
    throw new HardpodError(`${missing.size} tag(s) have no entry in the lock file; run \`npx hardpod lock PATH...\` first:\n${list}`, lockFile);
  }
  const client = new RegistryClient(registryClientOptions('pin', values, context));
  try {
    const keys = [...missing.keys()];
    // The tag's digest, then the manifest fetched by it and hashed: only verified digests are written.
    const answers = await Promise.allSettled(keys.map(async (key) => {
      const ref = parseImageRef(key);
      const head = await client.resolveTag(ref);
      return client.getManifest(ref, head.digest);
    }));
    const failures: string[] = [];
    answers.forEach((answer, index) => {
      if (answer.status === 'fulfilled') digests.set(keys[index], answer.value.digest);
      else failures.push(`  ${keys[index]} (${missing.get(keys[index])}): ${(answer.reason as Error).message}`);
    });
    if (failures.length > 0) throw new HardpodError(`${failures.length} image(s) could not be resolved; no file was changed:\n${failures.join('\n')}`, 'hardpod pin');
    return digests;
  } finally {
    client.close();
  }
}
