import { statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { parseRegistryFlags, REGISTRIES_CONF_HELP, REGISTRY_FLAGS, registryClientOptions, type RegistryFlags } from './lock';
import { parseImageRef, tagKey } from '../../images/image-ref';
import { LOCK_FILE_NAME, readLockFileForUpdate } from '../../images/lock-file';
import { lineDiff, pinText, planFilePins, type ImageOccurrence } from '../../images/pin-yaml';
import { isIndexMediaType, notAnImageProblem, RegistryClient } from '../../images/registry-client';
import { manifestFilesOfFolder, readManifestFile, readStandardInput, STDIN_NAME, type ManifestSet } from '../../loader';
import { HardpodError } from '../../model/errors';
import { describeFileError, realPathIfExists, refuseUnwritablePath, writeFilesAtomic } from '../../model/files';
import { parseCommandArgs } from '../args';
import { EXIT, type CliContext, type Command } from '../command';
import { refuseEmptyInput } from '../input';

const USAGE = `Usage: hardpod pin [options] PATH...

Rewrites image tags to digests (\`nginx:1.27\` -> \`nginx:1.27@sha256:...\`) in existing YAML: hand-
written manifests, kustomize bases. Only the image values change; comments, key order and formatting
stay. Without --write it prints the diff. Digests come from the lock file, else from the registry.

  PATH is a file or a folder (every *.yaml, *.yml and *.json below it), or - to read manifests on
  standard input and write the pinned manifests to standard output.

Options:
  --write                     rewrite the files, all or none: nothing is written if any image fails,
                              any file cannot be written, or a file changed while pin ran
  --lock-file FILE            lock file to take digests from (default: ${LOCK_FILE_NAME}, if present;
                              a FILE named here must exist)
  --offline                   only use the lock file; a tag it lacks is an error
  --kustomize                 print kustomization \`images:\` entries with digests instead of rewriting;
                              an entry applies to every tag of its name, so two tags of one name at
                              different digests are refused (pin those files with --write instead)
  --allow-empty               exit 0 when the input holds no Kubernetes object (else exit 2: nothing
                              was pinned)
  --insecure-registry HOST    reach HOST[:PORT] as docker's insecure-registries does: HTTPS without
                              checking its certificate, else plain HTTP (repeatable; loopback is
                              always plain HTTP)
  --mirror REGISTRY=URL       pull through a mirror (repeatable), before registries.conf's mirrors
  --registries-conf FILE      the containers registries.conf to read instead of the one podman finds,
                              as for hardpod lock
  --no-registries-conf        read no registries.conf
  --certs-dir DIR             a certs.d folder to read instead of the default ones (repeatable), as
                              for hardpod lock
  --concurrency N             requests in flight at once, a whole number (default: 8)
  --timeout SECONDS           time limit per request (default: 30)
  -h, --help                  show this help

Rendered output that the next render would undo is better pinned where it is rendered:
  Helm:       helm template my-release ./chart --post-renderer npx \\
                --post-renderer-args hardpod --post-renderer-args pin --post-renderer-args -
  kustomize:  hardpod pin --kustomize base/ >> kustomization.yaml   (images[].digest entries)

A kustomization among the files is not built: one that builds from paths not given (an overlay
alone) is refused, and so, with --kustomize, is one whose images: entries set newName or newTag;
pin what it builds instead (\`kubectl kustomize DIR | hardpod pin --kustomize -\`).

Files hardpod check refuses are refused here too, and so is an image pin cannot rewrite without
changing something else (one written through an alias or a << merge); the error names file:line.

Registry flags and registries.conf are checked even when the lock file answers every tag.
Credentials and proxies (HTTPS_PROXY, HTTP_PROXY, NO_PROXY) are read as hardpod lock reads them.

${REGISTRIES_CONF_HELP}

Exit codes: 0 done (or nothing to pin), 2 usage error, unreadable YAML, no Kubernetes object (a folder
without manifests, an empty file), an image that cannot be pinned where it is written, or one that
could not be resolved (nothing written).
`;

/** Said when the objects hold no container image: nothing to pin, and not an error. */
const NO_IMAGES = 'hardpod pin: the manifests hold no container image, so there is nothing to pin\n';
/** Said when every image is pinned by digest already. */
const ALL_PINNED = 'hardpod pin: every image is already pinned by digest\n';

/** A file to pin: where it is, and how the user named it. */
interface FileToPin {
  /** The path read and written (absolute), or - for standard input. */
  readonly file: string;
  /**
   * The name messages and the diff use: the path as given (a file under a folder: the folder as
   * given joined with the rest), so a diff of relative paths applies with `patch -p0`; or <stdin>.
   */
  readonly name: string;
}

interface FilePlan extends FileToPin {
  readonly text: string;
  readonly manifests: ManifestSet;
  readonly occurrences: readonly ImageOccurrence[];
  /** Every image value of the file, pinned already or not. */
  readonly images: readonly ImageOccurrence[];
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
      'allow-empty': { type: 'boolean' },
      ...REGISTRY_FLAGS,
    });
    if (positionals.length === 0) throw new HardpodError('give at least one YAML file or folder, or - for standard input (see hardpod pin --help)', 'hardpod pin');
    // --kustomize prints entries and writes no file: with --write, the files a user expects pinned would stay as they are.
    if (values.kustomize && values.write) throw new HardpodError('--kustomize prints kustomization entries and --write rewrites the files: give one or the other', 'hardpod pin');
    const registryFlags = parseRegistryFlags('pin', values, context);
    const stdinMode = positionals.includes('-');
    if (stdinMode && positionals.length > 1) throw new HardpodError('- (standard input) cannot be combined with files', 'hardpod pin');

    // Read and parse everything first: a bad file stops the run before anything is resolved or written.
    const plans: FilePlan[] = [];
    const files = stdinMode ? [{ file: '-', name: STDIN_NAME }] : filesToPin(positionals, context.cwd);
    let objectCount = 0;
    let imageCount = 0;
    for (const { file, name } of files) {
      const text = file === '-' ? readStandardInput() : readManifestFile(file);
      const plan = planFilePins(text, name);
      objectCount += plan.objectCount;
      imageCount += plan.images.length;
      plans.push({ file, name, text, manifests: plan.manifests, occurrences: plan.occurrences, images: plan.images });
    }
    if (!stdinMode) refuseKustomizationsNotSeen(plans, positionals.map((path) => resolve(context.cwd, path)), values.kustomize === true);
    if (!values['allow-empty']) refuseEmptyInput(objectCount, files.map((file) => file.name), 'pinned');
    // A file that --write cannot rewrite is said before any registry is asked.
    if (values.write && !stdinMode) for (const plan of plans) if (plan.occurrences.length > 0) refuseUnwritablePath(plan.file, plan.name);

    const digests = await digestsFor(plans, values, registryFlags, context);

    if (values.kustomize) {
      // A bare `images:` appended to a kustomization would set its images to null: print nothing.
      const entries = kustomizeImages(plans, digests);
      if (entries === '') context.stderr(imageCount === 0 ? NO_IMAGES : ALL_PINNED);
      else context.stdout(entries);
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
    const changed = rewritten.filter((plan) => plan.after !== plan.text);
    const changedFiles = changed.length;
    if (values.write) {
      // All files or none: every temp file is written first. Resolving took a while: a file edited
      // meanwhile refuses the write rather than losing the edit.
      await writeFilesAtomic(changed.map((plan) => ({ path: plan.file, name: plan.name, content: plan.after, readContent: plan.text })));
    } else {
      for (const plan of changed) context.stdout(lineDiff(plan.name, plan.text, plan.after));
    }
    const pinned = rewritten.reduce((count, plan) => count + plan.occurrences.length, 0);
    context.stderr(
      imageCount === 0
        ? NO_IMAGES
        : pinned === 0
          ? ALL_PINNED
          : `hardpod pin: ${values.write ? 'pinned' : 'would pin'} ${pinned} image${pinned === 1 ? '' : 's'} in ${changedFiles} file${changedFiles === 1 ? '' : 's'}${values.write ? '' : ' (run with --write to rewrite them)'}\n`,
    );
    return EXIT.ok;
  },
};

/**
 * kustomization `images:` entries giving each tagged image its digest ('' when no image has a tag to pin). kustomize matches an entry
 * by the image name as written, whatever its tag, and sets the digest on every image of that name:
 * two tags of one name at different digests (or a tag beside an image already pinned elsewhere)
 * cannot be expressed, and are refused naming each reference rather than pinning some to the wrong image.
 */
function kustomizeImages(plans: readonly FilePlan[], digests: ReadonlyMap<string, string>): string {
  const byName = new Map<string, { digest: string; reference: string; where: string; tagged: boolean }[]>();
  for (const plan of plans) {
    // Images already pinned by digest are matched by their name too: an entry would repin them.
    for (const occurrence of plan.images) {
      const ref = parseImageRef(occurrence.reference, `${plan.name}:${occurrence.line}`);
      const digest = ref.digest ?? digests.get(tagKey(ref))!;
      const name = occurrence.reference.replace(/@.*$/, '').replace(/:[^/:]*$/, '');
      const uses = byName.get(name) ?? [];
      byName.set(name, uses);
      uses.push({ digest, reference: occurrence.reference, where: `${plan.name}:${occurrence.line}`, tagged: ref.digest === undefined });
    }
  }
  const lines = ['images:'];
  for (const [name, uses] of byName) {
    const conflicting = uses.filter((use) => use.digest !== uses[0].digest);
    if (conflicting.length > 0) {
      const list = [uses[0], ...conflicting].map((use) => `  ${use.reference} (${use.where}) is ${use.digest}`).join('\n');
      throw new HardpodError(
        `kustomize \`images:\` entries match ${name} whatever its tag, and these references of it are different images, so one entry would give some of them the wrong digest:\n${list}\n` +
        'pin the files themselves instead (hardpod pin --write), or use one tag of the image',
        'hardpod pin --kustomize',
      );
    }
    // Only names with a tag to pin need an entry.
    if (uses.some((use) => use.tagged)) lines.push(`- name: ${name}`, `  digest: ${uses[0].digest}`);
  }
  // Every image pinned already: no entry, and no bare key.
  return lines.length === 1 ? '' : `${lines.join('\n')}\n`;
}

/**
 * A kustomization among the files is read as one object, not built: what it builds from outside the
 * paths given is not read (an overlay alone has nothing to pin), and an `images:` entry's newName or
 * newTag makes it build another image than the files name, whose digest the printed entry would set
 * beside that newTag (\`web:1.1@\` the digest of web:1.0). Refused naming the line, with the command
 * that pins what it builds.
 */
function refuseKustomizationsNotSeen(plans: readonly FilePlan[], roots: readonly string[], kustomize: boolean): void {
  const within = (path: string): boolean => roots.some((root) => path === root || path.startsWith(root.endsWith(sep) ? root : root + sep));
  for (const plan of plans) {
    for (const { object, source } of plan.manifests.objects) {
      if (!(object.apiVersion ?? '').startsWith('kustomize.config.k8s.io/') || (object.kind !== 'Kustomization' && object.kind !== 'Component')) continue;
      const fields = object as Record<string, unknown>;
      const where = (path: string): string => `${plan.name}:${plan.manifests.fieldLine(source, path) ?? source.line}`;
      const folder = dirname(plan.name);
      const instead = `pin what it builds instead: \`kubectl kustomize ${folder} | hardpod pin ${kustomize ? '--kustomize ' : ''}-\``;
      for (const field of ['resources', 'components', 'bases']) {
        const entries = fields[field];
        if (!Array.isArray(entries)) continue;
        entries.forEach((entry, index) => {
          if (typeof entry !== 'string') return;
          const remote = /^[a-z][a-z0-9+.-]*:\/\/|^[^/]+\.[^/]+\/.*\?ref=|^git@/i.test(entry);
          if (!remote && within(resolve(dirname(plan.file), entry))) return;
          throw new HardpodError(
            `the kustomization builds from ${entry} (${field}), which is ${remote ? 'remote' : 'not among the paths given'}, so the images it builds were not read; ${remote ? '' : `give ${entry} too, or `}${instead}`,
            where(`${field}[${index}]`),
          );
        });
      }
      if (!kustomize || !Array.isArray(fields.images)) continue;
      (fields.images as unknown[]).forEach((entry, index) => {
        if (typeof entry !== 'object' || entry === null) return;
        const { name, newName, newTag } = entry as Record<string, unknown>;
        if (newName === undefined && newTag === undefined) return;
        throw new HardpodError(
          `the kustomization's images entry for ${String(name)} sets ${newName !== undefined ? `newName ${String(newName)}` : ''}${newName !== undefined && newTag !== undefined ? ' and ' : ''}${newTag !== undefined ? `newTag ${String(newTag)}` : ''}, ` +
            `so it builds another image than the files name, and a digest of theirs would pin the wrong image; ${instead}, and add each digest to the entry of its name`,
          where(`images[${index}]`),
        );
      });
    }
  }
}

/** The files under the paths (folders walked), each once however often it is reached: a file is rewritten once. */
function filesToPin(paths: readonly string[], cwd: string): FileToPin[] {
  const files = new Map<string, FileToPin>();
  for (const path of paths) {
    const full = resolve(cwd, path);
    let isDirectory: boolean;
    try {
      isDirectory = statSync(full).isDirectory();
    } catch (error) {
      throw new HardpodError(describeFileError(error, 'no such file or folder'), path);
    }
    for (const file of isDirectory ? manifestFilesOfFolder(full, path) : [full]) {
      const real = realPathIfExists(file) ?? file;
      if (!files.has(real)) files.set(real, { file, name: isDirectory ? join(path, relative(full, file)) : path });
    }
  }
  return [...files.values()];
}

/** The digest of every tag in the plans: from the lock file, else (unless offline) from the registry. */
async function digestsFor(
  plans: readonly FilePlan[],
  values: { 'lock-file'?: string; 'offline'?: boolean },
  registryFlags: RegistryFlags,
  context: CliContext,
): Promise<Map<string, string>> {
  const lockFile = resolve(context.cwd, values['lock-file'] ?? LOCK_FILE_NAME);
  // A lock file the user named must exist: a typo would otherwise resolve every tag anew, unseen.
  const { lock } = readLockFileForUpdate(lockFile, values['lock-file'] !== undefined);
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
  const client = new RegistryClient(registryClientOptions('pin', registryFlags, context));
  try {
    const keys = [...missing.keys()];
    // The tag's digest, then the manifest fetched by it and hashed: only verified digests are written.
    const answers = await Promise.allSettled(keys.map(async (key) => {
      const manifest = await client.getTagManifest(parseImageRef(key));
      // A Helm chart or other artifact pinned in a container would only fail when the node pulls it.
      const notAnImage = isIndexMediaType(manifest.mediaType) ? undefined : notAnImageProblem(manifest.json);
      if (notAnImage) throw new HardpodError(`${key} ${notAnImage}`);
      return manifest;
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
