import { readdirSync, realpathSync, statSync, type Dirent, type Stats } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ManifestSet, NotAManifestError } from './manifests';
import { HardpodError, isHardpodError } from '../model/errors';
import { describeFileError, MAX_INPUT_BYTES, readFileUpToLimit, readStreamUpToLimit, realPathIfExists } from '../model/files';

/** The name findings use for objects read from standard input. */
export const STDIN_NAME = '<stdin>';

/** Manifest files larger than this are refused, as every file the user names. */
export { MAX_INPUT_BYTES };

const MANIFEST_EXTENSION = /\.(ya?ml|json)$/i;

export interface ReadManifestsOptions {
  /** Reads all of standard input; called once when a path is `-`. @default reads file descriptor 0 */
  readonly readStdin?: () => string;
  /**
   * Files the run reads or writes for itself (its config, baseline, lock file, report): skipped
   * when a folder walk meets them, so that `hardpod check .` does not take them for manifests.
   * A file named on its own is still read. @default none
   */
  readonly ownFiles?: readonly string[];
  /**
   * Refuse a folder holding a kustomization, as a Helm chart is refused: its patches and
   * transformers (namespace, images, labels) change the objects its files hold, so judging the files
   * gives verdicts about objects that are never applied. A file named on its own is still read.
   * @default false (images and their tags are the same in the files: `lock` reads them)
   */
  readonly refuseKustomizations?: boolean;
}

/**
 * Reads files, folders (recursively, every `*.yaml`, `*.yml` and `*.json`; hidden folders and
 * node_modules skipped) and `-` (standard input) into one ManifestSet. A file reached twice (named
 * twice, or named and inside a named folder) is read once. A path that does not exist, a folder
 * without manifests, a file that is not UTF-8 or an unparseable one is a HardpodError naming it.
 */
export function readManifests(paths: readonly string[], options: ReadManifestsOptions = {}): ManifestSet {
  const set = new ManifestSet();
  let stdinRead = false;
  const own = new Set((options.ownFiles ?? []).map(realPathIfExists).filter((path): path is string => path !== undefined));
  const read = new Set<string>();
  const unread: UnreadFile[] = [];
  const add = (file: string, folder: string | undefined, stats?: Stats): void => {
    const real = realPathIfExists(file) ?? file;
    if (read.has(real) || (folder !== undefined && own.has(real))) return;
    read.add(real);
    const before = set.objects.length;
    try {
      set.addText(readManifestFile(file, stats), file);
    } catch (error) {
      // A folder walk meets the repository's other YAML and JSON (values.yaml, package.json, a
      // tsconfig.json with comments): every file that yields nothing is named at once.
      if (folder === undefined || !isHardpodError(error) || set.objects.length > before) throw error;
      unread.push({ folder, error, file });
    }
  };
  for (const path of paths) {
    if (path === '-') {
      if (stdinRead) throw new HardpodError('standard input (-) can be given only once', '-');
      stdinRead = true;
      set.addText((options.readStdin ?? readStandardInput)(), STDIN_NAME);
      continue;
    }
    const stats = statOrThrow(path);
    if (stats.isDirectory()) {
      // A FIFO, socket or device named like a manifest would block the walk or never end: it is listed, not read.
      const skip = (file: string, kind: string): void => {
        unread.push({ folder: path, file, error: notRegularFileError(file, kind) });
      };
      for (const file of manifestFilesOfFolder(path, path, options.refuseKustomizations, skip)) add(file, path);
    } else {
      add(path, undefined, stats);
    }
  }
  // One broken manifest reads as before; a file that is no manifest at all, or several, are listed.
  if (unread.length === 1 && !(unread[0].error instanceof NotAManifestError)) throw unread[0].error;
  if (unread.length > 0) throw unreadFilesError(unread);
  return set;
}

/** A file of a folder walk that yielded no object, and why. */
interface UnreadFile {
  /** The folder given, whose walk found the file. */
  readonly folder: string;
  readonly file: string;
  readonly error: HardpodError;
}

/** How many files {@link unreadFilesError} names; the rest are counted. */
const LISTED_UNREAD_FILES = 10;

/** The files of folder walks that could not be read, each with its line and reason, and what to give instead. */
function unreadFilesError(unread: readonly UnreadFile[]): HardpodError {
  const folders = [...new Set(unread.map((entry) => entry.folder))];
  const lines = unread.slice(0, LISTED_UNREAD_FILES).map(({ error, file }) => {
    const kustomization = KUSTOMIZATION_FILES.has(basename(file)) ? ` (a kustomization: check what it builds, \`kustomize build ${dirname(file)} | hardpod check -\`)` : '';
    return `\n  ${error.message}${kustomization}`;
  });
  if (unread.length > LISTED_UNREAD_FILES) lines.push(`\n  and ${unread.length - LISTED_UNREAD_FILES} more`);
  const files = unread.length === 1 ? '1 file below it is not a Kubernetes manifest' : `${unread.length} files below it are not Kubernetes manifests`;
  return new HardpodError(
    `${files}, and every *.yaml, *.yml and *.json file below a folder is read as one:${lines.join('')}\n` +
      'give the folders or files that hold only manifests instead, or what a chart or kustomization renders on standard input (-); fix any manifest listed',
    folders.join(', '),
  );
}

/** The names kustomize looks for in a folder. */
const KUSTOMIZATION_FILES = new Set(['kustomization.yaml', 'kustomization.yml', 'Kustomization']);

/**
 * {@link manifestFilesUnder} a folder given as input: one without any is a HardpodError naming it (a wrong path, not a pass).
 * @param name the folder as the user gave it, for the message (@default path)
 * @param refuseKustomizations see {@link ReadManifestsOptions.refuseKustomizations} (@default false)
 * @param onSkipped see {@link manifestFilesUnder}
 */
export function manifestFilesOfFolder(
  path: string, name: string = path, refuseKustomizations = false, onSkipped?: (path: string, kind: string) => void,
): string[] {
  let skipped = 0;
  const files = manifestFilesUnder(path, refuseKustomizations, onSkipped && ((file, kind) => {
    skipped++;
    onSkipped(file, kind);
  }));
  if (files.length === 0 && skipped === 0) throw new HardpodError('the folder holds no *.yaml, *.yml or *.json files', name);
  return files;
}

/** The file that makes a folder a Helm chart. */
const HELM_CHART_FILE = 'Chart.yaml';

/**
 * Manifest files under a folder, sorted, so that output is the same on every machine. A folder
 * holding a Helm chart is a HardpodError naming it: its templates would read as broken YAML or,
 * worse, as objects with `{{ }}` mappings for values. Only regular files are returned: a FIFO,
 * socket or device named like a manifest would block the walk until something writes to it, or
 * never end.
 * @param onSkipped receives each FIFO, socket or device named like a manifest, with what it is
 *   (`a named pipe (FIFO)`) (@default such an entry is a HardpodError naming it)
 */
export function manifestFilesUnder(root: string, refuseKustomizations = false, onSkipped?: (path: string, kind: string) => void): string[] {
  const files: string[] = [];
  const seen = new Set<string>();
  const walk = (dir: string): void => {
    // Symlinked folders are followed once: a link cycle cannot loop.
    const real = readFolder(dir, () => realpathSync(dir));
    if (seen.has(real)) return;
    seen.add(real);
    const entries = readFolder(dir, () => readdirSync(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    if (entries.some((entry) => entry.name === HELM_CHART_FILE && !entry.isDirectory())) {
      throw new HardpodError(
        `a Helm chart (it holds ${HELM_CHART_FILE}), whose templates are not manifests yet: give hardpod what it renders instead (\`helm template RELEASE ${dir}\`, saved to a file or piped to - for standard input)`,
        dir,
      );
    }
    const kustomization = refuseKustomizations ? entries.find((entry) => KUSTOMIZATION_FILES.has(entry.name) && !entry.isDirectory()) : undefined;
    if (kustomization !== undefined) {
      throw new HardpodError(
        `a kustomization (it holds ${kustomization.name}), whose patches and transformers (namespace, images, labels) change the objects its files hold: ` +
          `give hardpod what it builds instead (\`kustomize build ${dir} | hardpod check -\`, or \`kubectl kustomize ${dir}\`), or name the files to check on their own`,
        dir,
      );
    }
    for (const entry of entries) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const path = join(dir, entry.name);
      // What a symbolic link leads to, looked at once: undefined for a dangling link or a loop of links.
      const kind = entry.isSymbolicLink() ? linkTarget(path) : entry;
      if (kind?.isDirectory()) {
        walk(path);
        continue;
      }
      if (!MANIFEST_EXTENSION.test(entry.name)) continue;
      const special = specialFileKind(kind);
      if (special === undefined) files.push(path);
      else if (onSkipped) onSkipped(path, special);
      else throw notRegularFileError(path, special);
    }
  };
  walk(root);
  return files;
}

/** A FIFO, socket or device that a folder walk met named like a manifest, and did not read. */
function notRegularFileError(path: string, kind: string): NotAManifestError {
  return new NotAManifestError(`${kind}, not a regular file: a folder walk reads regular files only; name it on its own to read it`, path);
}

/**
 * What an entry named like a manifest is (through a symbolic link, what it leads to) when it is no
 * regular file, else undefined. A dangling link (no kind) is read as a file, whose error names it.
 */
function specialFileKind(kind: Dirent | Stats | undefined): string | undefined {
  if (kind === undefined || kind.isFile()) return undefined;
  if (kind.isFIFO()) return 'a named pipe (FIFO)';
  if (kind.isSocket()) return 'a socket';
  if (kind.isCharacterDevice() || kind.isBlockDevice()) return 'a device';
  return undefined;
}

/**
 * A folder below the one given that cannot be listed (permission denied) would leave its manifests
 * unchecked: an error naming it, never a silent pass nor an internal error.
 */
function readFolder<T>(dir: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    throw new HardpodError(`${describeFileError(error, 'cannot read the folder')}, so the manifests in it cannot be listed: make it readable, or give the files and folders to check`, dir);
  }
}

/**
 * What a symbolic link leads to, or undefined for a dangling link or a loop of links: one named like
 * a manifest is then read as a file, whose error names it; any other is not a manifest.
 */
function linkTarget(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

function statOrThrow(path: string): Stats {
  try {
    return statSync(path);
  } catch (error) {
    throw new HardpodError(describeFileError(error, 'no such file or folder'), path);
  }
}

/**
 * A manifest file's text. Files over {@link MAX_INPUT_BYTES} and files that are not UTF-8 are refused;
 * a pipe or device (`<(helm template ...)`, /dev/stdin) is read up to the limit.
 * @throws HardpodError naming the file (and line) and why
 */
export function readManifestFile(path: string, stats?: Stats): string {
  return readFileUpToLimit(path, 'the input', (error) => describeFileError(error, 'cannot read the file'), stats);
}

/** All of standard input as UTF-8 text, refused when over {@link MAX_INPUT_BYTES} or not UTF-8. */
export function readStandardInput(): string {
  return readStreamUpToLimit(0, STDIN_NAME, 'standard input');
}
