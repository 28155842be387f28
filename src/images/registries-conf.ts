import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { imageName, parseImageRef } from './image-ref';
import { didYouMean } from '../model/did-you-mean';
import { HardpodError } from '../model/errors';
import { describeType } from '../model/pod-view';

/**
 * The containers registries configuration, `containers-registries.conf(5)`, read as podman, buildah,
 * skopeo and CRI-O read it (containers/image `pkg/sysregistriesv2`): which file, which drop-ins in
 * which order, which `[[registry]]` applies to an image name (the longest prefix), and where its
 * pulls go (mirrors, then the registry's location). Short names, `unqualified-search-registries`
 * and `[aliases]` are read for their form only: hardpod qualifies a short name as Kubernetes does
 * (docker.io), never by searching.
 */

/** Which mirrors `pull-from-mirror` lets a pull use. */
export type PullFromMirror = 'all' | 'digest-only' | 'tag-only';

/** A `[[registry.mirror]]`. */
export interface RegistriesConfMirror {
  /** `host[:port][/path]` the prefix's namespace is mirrored at. */
  readonly location: string;
  /** Reached over HTTPS without checking its certificate, or plain HTTP. */
  readonly insecure: boolean;
  /** Whether it is asked for tags, for digests, or both (`all`). */
  readonly pullFromMirror: PullFromMirror;
}

/** A `[[registry]]`, as it applies after every file is read. */
export interface RegistriesConfRegistry {
  /** The image names it applies to: `host[:port][/namespace...]`, or `*.example.com` for subdomains. */
  readonly prefix: string;
  /** Where the prefix's namespace is served: `host[:port][/path]`; empty for a wildcard prefix served where it is. */
  readonly location: string;
  /** Reached over HTTPS without checking its certificate, or plain HTTP. */
  readonly insecure: boolean;
  /** Pulls of its names from its location are refused (its mirrors may still serve them). */
  readonly blocked: boolean;
  /** Its mirrors serve pulls by digest only. */
  readonly mirrorByDigestOnly: boolean;
  /** Tried in order before the location. */
  readonly mirrors: readonly RegistriesConfMirror[];
  /** The file the entry was read from. */
  readonly file: string;
}

/** The registries configuration read from a registries.conf and its drop-ins. */
export interface RegistriesConf {
  /** The files read, in the order they were applied. */
  readonly files: readonly string[];
  /** One entry per prefix; a later file's entry replaced an earlier one's whole. */
  readonly registries: readonly RegistriesConfRegistry[];
}

/** Where to look for the registries configuration. */
export interface RegistriesConfOptions {
  /**
   * The registries.conf to read instead of searching, as `$CONTAINERS_REGISTRIES_CONF` names it;
   * it must exist. @default $CONTAINERS_REGISTRIES_CONF, else $REGISTRIES_CONFIG_PATH, else the search
   */
  readonly file?: string;
  /** Environment to read `CONTAINERS_REGISTRIES_CONF`, `REGISTRIES_CONFIG_PATH` and `HOME` from. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Home folder of the user's `.config/containers`. @default $HOME, else the account's */
  readonly home?: string;
  /** The system's containers folder. @default /etc/containers */
  readonly systemDir?: string;
}

/** The files the configuration is read from: a registries.conf, then the drop-ins of each folder. */
export interface RegistriesConfLocations {
  readonly file: string;
  /** Whether `file` was named (by flag or environment), so it must exist. */
  readonly named: boolean;
  /** Folders of `*.conf` drop-ins, read in this order, each in lexical order. */
  readonly dropInDirs: readonly string[];
}

/**
 * Which registries.conf and drop-in folders containers/image reads: a named file (flag,
 * `$CONTAINERS_REGISTRIES_CONF`, `$REGISTRIES_CONFIG_PATH`) with the system's and the user's
 * drop-ins; else the user's `~/.config/containers/registries.conf`, if it exists, with the user's
 * drop-ins only; else `/etc/containers/registries.conf` with the system's and the user's drop-ins.
 */
export function registriesConfLocations(options: RegistriesConfOptions = {}): RegistriesConfLocations {
  const env = options.env ?? process.env;
  const home = options.home ?? (env.HOME || homedir());
  const systemDir = options.systemDir ?? '/etc/containers';
  const userFile = join(home, '.config', 'containers', 'registries.conf');
  const userDropIns = join(home, '.config', 'containers', 'registries.conf.d');
  const systemDropIns = join(systemDir, 'registries.conf.d');
  const named = options.file || env.CONTAINERS_REGISTRIES_CONF || env.REGISTRIES_CONFIG_PATH;
  if (named) return { file: named, named: true, dropInDirs: [systemDropIns, userDropIns] };
  if (existsSync(userFile)) return { file: userFile, named: false, dropInDirs: [userDropIns] };
  return { file: join(systemDir, 'registries.conf'), named: false, dropInDirs: [systemDropIns, userDropIns] };
}

/**
 * Reads the registries configuration: the registries.conf {@link registriesConfLocations} finds
 * (none at the default places reads as empty), then each drop-in, whose `[[registry]]` entries
 * replace those of the same prefix.
 * @throws HardpodError naming the file and line of a TOML mistake, or the file and key of a key
 *   registries.conf has not, a value of the wrong type, or a setting containers/image refuses
 */
export function loadRegistriesConf(options: RegistriesConfOptions = {}): RegistriesConf {
  const locations = registriesConfLocations(options);
  const files: string[] = [];
  const byPrefix = new Map<string, RegistriesConfRegistry>();
  const main = readConfFile(locations.file, !locations.named);
  if (main !== undefined) {
    files.push(locations.file);
    for (const registry of parseRegistriesConf(main, locations.file)) byPrefix.set(registry.prefix, registry);
  }
  for (const file of dropInFiles(locations.dropInDirs)) {
    // A drop-in removed since the folder was listed is skipped, as containers/image skips it.
    const text = readConfFile(file, true);
    if (text === undefined) continue;
    files.push(file);
    for (const registry of parseRegistriesConf(text, file, { dropIn: true })) byPrefix.set(registry.prefix, registry);
  }
  const registries = [...byPrefix.keys()].sort().map((prefix) => byPrefix.get(prefix)!);
  return { files, registries };
}

/** A file's text; undefined when it does not exist and `optional`. */
function readConfFile(file: string, optional: boolean): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (optional && code === 'ENOENT') return undefined;
    throw new HardpodError(code === 'ENOENT' ? 'registries configuration not found' : `cannot read the registries configuration (${code ?? (error as Error).message})`, file);
  }
}

/** The `*.conf` files of each folder (not below it), each folder's in lexical order; a missing folder has none. */
function dropInFiles(dirs: readonly string[]): string[] {
  return dirs.flatMap((dir) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return [];
      throw new HardpodError(`cannot read the registries.conf drop-in folder (${code ?? (error as Error).message})`, dir);
    }
    return entries.filter((entry) => !entry.isDirectory() && entry.name.endsWith('.conf')).map((entry) => entry.name).sort().map((name) => join(dir, name));
  });
}

/** The TOML parser, loaded on first use: only lock and pin read registries.conf. */
let toml: typeof import('smol-toml') | undefined;
function tomlModule(): typeof import('smol-toml') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  toml ??= require('smol-toml') as typeof import('smol-toml');
  return toml;
}

const TOP_LEVEL_KEYS = ['registry', 'unqualified-search-registries', 'credential-helpers', 'short-name-mode', 'additional-layer-store-auth-helper', 'aliases'];
const REGISTRY_KEYS = ['prefix', 'location', 'insecure', 'blocked', 'mirror-by-digest-only', 'mirror', 'pull-from-mirror'];
const MIRROR_KEYS = ['location', 'insecure', 'pull-from-mirror'];
const V1_LISTS = ['search', 'insecure', 'block'];
const PULL_FROM_MIRROR: readonly PullFromMirror[] = ['all', 'digest-only', 'tag-only'];
const SHORT_NAME_MODES = ['disabled', 'enforcing', 'permissive'];

type Table = Readonly<Record<string, unknown>>;

function isTable(value: unknown): value is Table {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/**
 * The `[[registry]]` entries of one registries.conf's text, checked as containers/image checks
 * them, with prefixes defaulted to locations; the first of two entries with one prefix wins. The
 * v1 format's `[registries.insecure]` and `[registries.block]` lists read as entries (its search
 * list as nothing); a drop-in must use v2.
 * @param file named in every error
 * @throws HardpodError for a TOML mistake (at its line), and for what {@link loadRegistriesConf} refuses
 */
export function parseRegistriesConf(text: string, file: string, options: { readonly dropIn?: boolean } = {}): RegistriesConfRegistry[] {
  let document: Table;
  try {
    document = tomlModule().parse(text);
  } catch (error) {
    const { line, column, message } = error as { line?: number; column?: number; message: string };
    if (typeof line !== 'number') throw error;
    // smol-toml's message is "Invalid TOML document: <reason>" followed by the lines around it.
    const reason = message.split('\n')[0].replace(/^Invalid TOML document: /, '');
    throw new HardpodError(`not valid TOML: ${reason} (column ${column}); see containers-registries.conf(5)`, `${file}:${line}`);
  }
  const fail = (reason: string): never => {
    throw new HardpodError(reason, file);
  };
  if (document.registries !== undefined) {
    if (options.dropIn) fail('a registries.conf.d drop-in must use the v2 format ([[registry]] tables); [registries.*] lists are v1, read in the main registries.conf only');
    const v2 = Object.keys(document).filter((key) => key !== 'registries');
    if (v2.length > 0) fail(`mixes the v1 format ([registries.search], [registries.insecure], [registries.block]) with the v2 key ${JSON.stringify(v2[0])}; write one format`);
    return v1Registries(document.registries, file, fail);
  }
  refuseUnknownKeys(document, TOP_LEVEL_KEYS, '', fail);
  stringList(document['unqualified-search-registries'], 'unqualified-search-registries', fail);
  stringList(document['credential-helpers'], 'credential-helpers', fail);
  optionalString(document['additional-layer-store-auth-helper'], 'additional-layer-store-auth-helper', fail);
  const mode = optionalString(document['short-name-mode'], 'short-name-mode', fail);
  if (mode !== undefined && mode !== '' && !SHORT_NAME_MODES.includes(mode)) {
    fail(`short-name-mode must be one of ${SHORT_NAME_MODES.join(', ')}, got ${JSON.stringify(mode)}${didYouMean(mode, SHORT_NAME_MODES)}`);
  }
  if (document.aliases !== undefined) {
    if (!isTable(document.aliases)) fail(`aliases must be a table of short names to image names, got ${describeType(document.aliases)}`);
    for (const [name, value] of Object.entries(document.aliases as Table)) {
      if (typeof value !== 'string') fail(`aliases.${JSON.stringify(name)} must be a string (an image name), got ${describeType(value)}`);
    }
  }
  const tables = tableList(document.registry, 'registry', '[[registry]] tables', fail);
  const registries = tables.map((table, index) => registryEntry(table, `registry[${index}]`, file, fail));
  refuseConflicts(registries, fail);
  // The first entry of a prefix wins; later ones are never chosen (containers/image drops them).
  const seen = new Set<string>();
  return registries.filter((registry) => !seen.has(registry.prefix) && seen.add(registry.prefix));
}

function registryEntry(table: Table, at: string, file: string, fail: (reason: string) => never): RegistriesConfRegistry {
  refuseUnknownKeys(table, REGISTRY_KEYS, at, fail);
  const location = parseLocation(optionalString(table.location, `${at}.location`, fail) ?? '', `${at}.location`, fail);
  let prefix = parseLocation(optionalString(table.prefix, `${at}.prefix`, fail) ?? '', `${at}.prefix`, fail);
  if (prefix === '') {
    if (location === '') fail(`${at} sets neither prefix nor location; give the location it pulls from (and the prefix of the names it applies to)`);
    prefix = location;
  } else if (location === '' && !prefix.startsWith('*.')) {
    fail(`${at} (prefix ${JSON.stringify(prefix)}) has no location; only a wildcard prefix (*.example.com) may leave it out`);
  }
  if (prefix.startsWith('*.') && /[/@:]/.test(prefix)) {
    fail(`${at}.prefix ${JSON.stringify(prefix)}: a wildcard prefix is *.example.com, with no port, path, tag or digest`);
  }
  if (table['pull-from-mirror'] !== undefined) fail(`${at}.pull-from-mirror: set pull-from-mirror in a [[registry.mirror]], not in the [[registry]] (prefix ${JSON.stringify(prefix)})`);
  const mirrorByDigestOnly = optionalBoolean(table['mirror-by-digest-only'], `${at}.mirror-by-digest-only`, fail) ?? false;
  const mirrors = tableList(table.mirror, `${at}.mirror`, '[[registry.mirror]] tables', fail).map((mirror, index): RegistriesConfMirror => {
    const mirrorAt = `${at}.mirror[${index}]`;
    refuseUnknownKeys(mirror, MIRROR_KEYS, mirrorAt, fail);
    const mirrorLocation = parseLocation(optionalString(mirror.location, `${mirrorAt}.location`, fail) ?? '', `${mirrorAt}.location`, fail);
    if (mirrorLocation === '') fail(`${mirrorAt} has no location (host[:port][/path] of the mirror)`);
    const pull = optionalString(mirror['pull-from-mirror'], `${mirrorAt}.pull-from-mirror`, fail) ?? '';
    if (pull !== '' && mirrorByDigestOnly) {
      fail(`${mirrorAt}.pull-from-mirror: [[registry]] prefix ${JSON.stringify(prefix)} sets mirror-by-digest-only, so its mirrors cannot set pull-from-mirror; keep one`);
    }
    if (pull !== '' && !(PULL_FROM_MIRROR as readonly string[]).includes(pull)) {
      fail(`${mirrorAt}.pull-from-mirror must be one of ${PULL_FROM_MIRROR.join(', ')}, got ${JSON.stringify(pull)}${didYouMean(pull, PULL_FROM_MIRROR)}`);
    }
    return {
      location: mirrorLocation,
      insecure: optionalBoolean(mirror.insecure, `${mirrorAt}.insecure`, fail) ?? false,
      pullFromMirror: pull === '' ? 'all' : (pull as PullFromMirror),
    };
  });
  return {
    prefix,
    location,
    insecure: optionalBoolean(table.insecure, `${at}.insecure`, fail) ?? false,
    blocked: optionalBoolean(table.blocked, `${at}.blocked`, fail) ?? false,
    mirrorByDigestOnly,
    mirrors,
    file,
  };
}

/** Entries of one location must agree on insecure and blocked, as containers/image requires. */
function refuseConflicts(registries: readonly RegistriesConfRegistry[], fail: (reason: string) => never): void {
  const first = new Map<string, RegistriesConfRegistry>();
  for (const registry of registries) {
    const key = registry.location === '' ? registry.prefix : registry.location;
    const other = first.get(key);
    if (other === undefined) {
      first.set(key, registry);
      continue;
    }
    for (const setting of ['insecure', 'blocked'] as const) {
      if (registry[setting] !== other[setting]) {
        fail(`registry ${JSON.stringify(key)} is given more than once with different ${setting} settings (prefixes ${JSON.stringify(other.prefix)} and ${JSON.stringify(registry.prefix)})`);
      }
    }
  }
}

/** The v1 format's insecure and block lists as entries: each registry its own prefix and location. */
function v1Registries(value: unknown, file: string, fail: (reason: string) => never): RegistriesConfRegistry[] {
  if (!isTable(value)) fail(`registries must be the v1 tables [registries.search], [registries.insecure] and [registries.block], got ${describeType(value)}`);
  refuseUnknownKeys(value as Table, V1_LISTS, 'registries', fail);
  const lists: Record<string, string[]> = {};
  for (const list of V1_LISTS) {
    const table = (value as Table)[list];
    if (table === undefined) continue;
    if (!isTable(table)) fail(`registries.${list} must be a table with a registries list, got ${describeType(table)}`);
    refuseUnknownKeys(table as Table, ['registries'], `registries.${list}`, fail);
    lists[list] = stringList((table as Table).registries, `registries.${list}.registries`, fail) ?? [];
  }
  const byLocation = new Map<string, { blocked: boolean; insecure: boolean }>();
  for (const [list, setting] of [['block', 'blocked'], ['insecure', 'insecure']] as const) {
    (lists[list] ?? []).forEach((entry, index) => {
      const location = parseLocation(entry, `registries.${list}.registries[${index}]`, fail);
      const settings = byLocation.get(location) ?? { blocked: false, insecure: false };
      settings[setting] = true;
      byLocation.set(location, settings);
    });
  }
  return [...byLocation].map(([location, settings]) => ({ prefix: location, location, ...settings, mirrorByDigestOnly: false, mirrors: [], file }));
}

/** A location or prefix as containers/image keeps it: without trailing slashes, and never a URL. */
function parseLocation(value: string, at: string, fail: (reason: string) => never): string {
  const trimmed = value.replace(/\/+$/, '');
  if (/^https?:\/\//.test(trimmed)) {
    fail(`${at} ${JSON.stringify(value)} is a URL; write host[:port][/path] without the scheme (insecure = true allows plain HTTP)`);
  }
  return trimmed;
}

function refuseUnknownKeys(table: Table, known: readonly string[], at: string, fail: (reason: string) => never): void {
  for (const key of Object.keys(table)) {
    if (known.includes(key)) continue;
    const where = at === '' ? 'at the top level' : `in ${at}`;
    // TOML puts a key written after a table header into that table: a global setting below the
    // first [[registry]] is read as one of its keys, and containers/image ignores it silently.
    const misplaced = at !== '' && TOP_LEVEL_KEYS.includes(key) ? `; ${key} is a global setting: write it above the first table` : '';
    fail(`unknown key ${JSON.stringify(key)} ${where}${misplaced || didYouMean(key, known)}; expected one of ${known.join(', ')} (see containers-registries.conf(5); --no-registries-conf reads no such file)`);
  }
}

function optionalString(value: unknown, at: string, fail: (reason: string) => never): string | undefined {
  if (value !== undefined && typeof value !== 'string') fail(`${at} must be a string, got ${describeType(value)}`);
  return value as string | undefined;
}

function optionalBoolean(value: unknown, at: string, fail: (reason: string) => never): boolean | undefined {
  if (value !== undefined && typeof value !== 'boolean') fail(`${at} must be true or false, got ${describeType(value)}`);
  return value as boolean | undefined;
}

function stringList(value: unknown, at: string, fail: (reason: string) => never): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) fail(`${at} must be a list of strings, got ${describeType(value)}`);
  (value as unknown[]).forEach((item, index) => {
    if (typeof item !== 'string') fail(`${at}[${index}] must be a string, got ${describeType(item)}`);
  });
  return value as string[];
}

function tableList(value: unknown, at: string, what: string, fail: (reason: string) => never): Table[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) fail(`${at} must be ${what} (written [[${at.replace(/\[\d+\]/g, '')}]]), got ${describeType(value)}`);
  (value as unknown[]).forEach((item, index) => {
    if (!isTable(item)) fail(`${at}[${index}] must be a table, got ${describeType(item)}`);
  });
  return value as Table[];
}

/**
 * How much of `name` (`host[:port]/repository`) `prefix` matches, or -1, as containers/image
 * matches: the prefix, then the end of the name or one of `/`, `:` or `@`; a wildcard prefix
 * `*.example.com`, the first `.example.com` in the host, then the same.
 */
export function prefixMatchLength(name: string, prefix: string): number {
  let end: number;
  if (prefix.startsWith('*.')) {
    const index = name.indexOf(prefix.slice(1));
    if (index === -1 || name.slice(0, index).includes('/')) return -1;
    end = index + prefix.length - 1;
  } else {
    if (!name.startsWith(prefix)) return -1;
    end = prefix.length;
  }
  // ":" lets a prefix without a port match the host with one, as containers/image does.
  return end === name.length || '/:@'.includes(name[end]) ? end : -1;
}

/** The entry whose prefix matches `name` (`host[:port]/repository`) longest, or undefined. */
export function findRegistry(conf: RegistriesConf, name: string): RegistriesConfRegistry | undefined {
  let found: RegistriesConfRegistry | undefined;
  for (const registry of conf.registries) {
    if (prefixMatchLength(name, registry.prefix) !== -1 && registry.prefix.length > (found?.prefix.length ?? 0)) found = registry;
  }
  return found;
}

/** One place a pull may go: an image name at another registry, or at its own. */
export interface PullSource {
  /** Where the image is asked for: `host[:port]/repository`. */
  readonly name: string;
  /** Reached over HTTPS without checking its certificate, or plain HTTP. */
  readonly insecure: boolean;
  /** A mirror (else the registry's location). */
  readonly mirror: boolean;
}

/**
 * Where a pull of `name` goes under `registry` (its entry, or none): the mirrors the pull may use
 * (a pull by tag skips those for digests only, a pull by digest those for tags only), then the
 * location; each with the part of the name after the prefix appended to its location.
 * @throws HardpodError when a location makes a name no image name can be (no repository, a name
 *   not written as image references write it)
 */
export function pullSources(registry: RegistriesConfRegistry | undefined, name: string, byDigest: boolean): PullSource[] {
  if (registry === undefined) return [{ name, insecure: false, mirror: false }];
  const mirrors = registry.mirrors.filter((mirror) => registry.mirrorByDigestOnly
    ? byDigest
    : mirror.pullFromMirror === 'all' || (mirror.pullFromMirror === 'digest-only') === byDigest);
  const matched = prefixMatchLength(name, registry.prefix);
  const rewrite = (location: string): string => {
    if (location === '') return name;
    const rewritten = location + name.slice(matched);
    let canonical: string | undefined;
    try {
      canonical = imageName(parseImageRef(rewritten));
    } catch {
      // Said below.
    }
    if (canonical !== rewritten) {
      throw new HardpodError(
        `[[registry]] prefix ${JSON.stringify(registry.prefix)} in ${registry.file} maps it to ${JSON.stringify(rewritten)}, which is no image name ` +
          '(host[:port]/repository, as image references write it); fix the location',
        name,
      );
    }
    return rewritten;
  };
  return [
    ...mirrors.map((mirror) => ({ name: rewrite(mirror.location), insecure: mirror.insecure, mirror: true })),
    { name: rewrite(registry.location), insecure: registry.insecure, mirror: false },
  ];
}

/** Why pulls a blocked entry covers are refused, naming its prefix and file. */
export function describeBlocked(registry: RegistriesConfRegistry): string {
  return `pulls from ${registry.prefix} are blocked: its [[registry]] sets blocked = true in ${registry.file}`;
}
