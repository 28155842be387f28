import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadConfigFile, resolveConfig, type ResolvedImageAttestations, type ResolvedImagesConfig, type ResolvedImageVulnerabilities } from '../../engine/config';
import { describeBuild, unmetConditions } from '../../images/attestations';
import { isDirectory } from '../../images/certs-dirs';
import { dockerCredentials } from '../../images/credentials';
import { registryHostProblem } from '../../images/image-ref';
import { LOCK_FILE_NAME } from '../../images/lock-file';
import { imageUsesIn, runLock, type ImageUse, type LockProgress, type LockRunResult } from '../../images/lock-images';
import { loadRegistriesConf, type RegistriesConf } from '../../images/registries-conf';
import { RegistryClient, type RegistryClientOptions } from '../../images/registry-client';
import { describeScan, describeVulnerabilities, judgeScans, staleScansProblem } from '../../images/vulnerability-scans';
import { readManifests } from '../../loader';
import { HardpodError } from '../../model/errors';
import { refuseUnwritablePath } from '../../model/files';
import { approvedBaseProblem } from '../../rules/image-approved-base';
import { registryPrefixes } from '../../rules/support/settings';
import { imageUsesOfApp } from '../app-images';
import { parseCommandArgs } from '../args';
import { EXIT, type CliContext, type Command } from '../command';
import { refuseEmptyInput } from '../input';

/** What `lock` and `pin` read from registries.conf, in their help. */
export const REGISTRIES_CONF_HELP = `registries.conf (containers-registries.conf(5), v1 or v2, and its drop-ins) is read as podman
and CRI-O read it: the [[registry]] whose prefix matches an image's name longest gives its mirrors
([[registry.mirror]] location, insecure, pull-from-mirror), the location that serves it, insecure,
and blocked: pulls from a blocked location are refused, naming the file (its mirrors may still
serve them). A mirror for digests only (mirror-by-digest-only) is never asked for a tag: tags are
looked up at the registry, and content by digest may come from the mirror. --mirror URLs come
before the file's mirrors, and --insecure-registry adds to its insecure registries. Short names are
qualified as Kubernetes qualifies them (docker.io), so unqualified-search-registries,
short-name-mode and [aliases] do not apply.`;

const USAGE = `Usage: hardpod lock [options] [PATH...]

Resolves every image tag used by the manifests in PATH (files, folders, - for standard input), or,
without PATH, by the program in the current folder, run once: a cdk8s app (its cdk8s.yaml \`app\`
command) or a Pulumi Node.js program (under Pulumi's mocks: no engine, no cluster), and records in
hardpod.lock.json each tag's digest (the multi-arch index digest, with each platform's manifest
digest) and what the image holds (user, ports, volumes, base image ...).
Synthesis reads that file and never touches the network. Commit it. In a folder given as PATH,
the lock file itself is not read as a manifest. A tag is always resolved at the registry: a
\`repo:tag@sha256:...\` reference whose digest is neither the tag's nor one of its platform
images' is an error.

Options:
  --lock-file FILE            lock file to read and write (default: ${LOCK_FILE_NAME}); a FILE named
                              here must exist, except for plain \`lock\`, which creates it
  --check                     write nothing; exit 1 when a tag in use has no entry. A locked tag that
                              now points elsewhere is a warning (see --fail-on-outdated)
  --fail-on-outdated          with --check: exit 1 when a locked tag now points elsewhere or is gone
                              (HTTP 404) too, and 2 when a registry cannot be asked
  --offline                   with --check: do not ask registries whether locked tags moved
  --update                    re-resolve every tag in use (every entry, without PATH) and print what changed
  --inspect                   also read the layers: shell, tools, package manager, setuid/setgid files
                              (layers are read anyway when the image names its user)
  --allow-empty               exit 0 when PATH holds no Kubernetes object (else exit 2: nothing was locked)
  --platform OS/ARCH[/VAR]    platform whose facts are recorded (default: linux/amd64, else the first Linux one)
  --config FILE               engine config whose images.signatures keys verify the cosign signatures of
                              each image locked (and of locked entries not yet checked with every key);
                              the keys that verified are recorded for the image-signed rule; with
                              images.attestations, its cosign attestations too, per predicate type,
                              for the image-attested rule; with images.vulnerabilities, each
                              scanner's newest verified vulnerability scan, for image-vulnerabilities
                              (with hardened.approvedBaseImages, lock also warns of each image it
                              resolves that is not built on one of them)
  --stack NAME                Pulumi: run the program with the config of Pulumi.NAME.yaml (secrets read
                              as a placeholder; default: no config)
  --insecure-registry HOST    reach HOST[:PORT] as docker's insecure-registries does: HTTPS without
                              checking its certificate, else plain HTTP (repeatable; loopback is
                              always plain HTTP)
  --mirror REGISTRY=URL       pull REGISTRY's images through the mirror URL (repeatable), before the
                              mirrors registries.conf gives; the lock file keeps the upstream
                              reference and digest
  --registries-conf FILE      the containers registries.conf to read (as $CONTAINERS_REGISTRIES_CONF
                              names one), with the registries.conf.d drop-ins (default:
                              ~/.config/containers/registries.conf if it exists, else
                              /etc/containers/registries.conf)
  --no-registries-conf        read no registries.conf
  --certs-dir DIR             a certs.d folder to read instead of the default ones (repeatable): per
                              registry, DIR/HOST[:PORT]/*.crt certificate authorities and NAME.cert
                              with NAME.key for mutual TLS (default: ~/.config/containers/certs.d,
                              /etc/containers/certs.d, /etc/docker/certs.d)
  --concurrency N             requests in flight at once, a whole number (default: 8)
  --timeout SECONDS           time limit per request and per pause in a download (default: 30)
  -h, --help                  show this help

Credentials come from ~/.docker/config.json (auths, credHelpers, credsStore), $DOCKER_CONFIG,
$REGISTRY_AUTH_FILE and the containers auth.json files; they are never printed. Registries are
reached through the proxies HTTPS_PROXY and HTTP_PROXY name (http://[user:password@]host:port),
except the hosts in NO_PROXY (and loopback), as docker reads them.

${REGISTRIES_CONF_HELP}

Exit codes: 0 done (or, with --check, nothing missing), 1 missing (or, with --fail-on-outdated,
outdated or gone) entries, 2 usage error, unreadable input or a registry error (nothing written;
with --check --fail-on-outdated, a locked tag whose registry did not answer).
`;

/** Flags shared by `lock` and `pin` for talking to registries. */
export const REGISTRY_FLAGS = {
  'insecure-registry': { type: 'string', multiple: true },
  'mirror': { type: 'string', multiple: true },
  'registries-conf': { type: 'string' },
  'no-registries-conf': { type: 'boolean' },
  'certs-dir': { type: 'string', multiple: true },
  'concurrency': { type: 'string' },
  'timeout': { type: 'string' },
} as const;

function positiveNumber(command: string, flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!(number > 0) || !Number.isFinite(number)) throw new HardpodError(`--${flag} must be a positive number, got "${value}"`, `hardpod ${command}`);
  return number;
}

/** The shared registry flags, checked. */
export interface RegistryFlags {
  readonly insecureRegistries: readonly string[];
  readonly mirrors: Readonly<Record<string, string[]>>;
  /** The registries.conf read; none with --no-registries-conf. */
  readonly registriesConf?: RegistriesConf;
  readonly certsDirs?: readonly string[];
  readonly concurrency?: number;
  readonly timeoutMs?: number;
}

/**
 * Checks the shared registry flags and reads registries.conf. Called as soon as the command line is
 * read, so a mistake is a usage error whether or not a registry ends up being asked (the lock file
 * may answer everything).
 * @throws HardpodError naming the flag and what it expects, or the registries.conf file and its mistake
 */
export function parseRegistryFlags(
  command: string,
  values: {
    'insecure-registry'?: string[];
    'mirror'?: string[];
    'registries-conf'?: string;
    'no-registries-conf'?: boolean;
    'certs-dir'?: string[];
    'concurrency'?: string;
    'timeout'?: string;
  },
  context: Pick<CliContext, 'cwd' | 'env'>,
): RegistryFlags {
  const mirrors: Record<string, string[]> = {};
  for (const mirror of values.mirror ?? []) {
    const equals = mirror.indexOf('=');
    const url = mirror.slice(equals + 1);
    if (equals <= 0 || !/^https?:\/\/[^/]/.test(url)) {
      throw new HardpodError(`--mirror must be REGISTRY=URL (e.g. docker.io=https://mirror.example.com), got "${mirror}"`, `hardpod ${command}`);
    }
    // A registry no image names would leave its mirror unused, silently.
    const registry = mirror.slice(0, equals);
    const problem = registryHostProblem(registry);
    if (problem) throw new HardpodError(`--mirror ${mirror}: the registry ${JSON.stringify(registry)} ${problem} (e.g. docker.io=https://mirror.example.com)`, `hardpod ${command}`);
    (mirrors[registry] ??= []).push(url);
  }
  const insecureRegistries = (values['insecure-registry'] ?? []).map((registry) => {
    const problem = registryHostProblem(registry);
    if (problem) throw new HardpodError(`--insecure-registry ${registry}: ${JSON.stringify(registry)} ${problem} (e.g. registry.example.com:5000)`, `hardpod ${command}`);
    return registry;
  });
  // A folder that is not there would leave every registry's certificates unread, silently.
  for (const dir of values['certs-dir'] ?? []) {
    if (!isDirectory(dir)) throw new HardpodError(`--certs-dir ${dir}: not a folder (a certs.d folder holds one folder per registry, HOST[:PORT])`, `hardpod ${command}`);
  }
  const concurrency = positiveNumber(command, 'concurrency', values.concurrency);
  if (concurrency !== undefined && !Number.isInteger(concurrency)) {
    throw new HardpodError(`--concurrency must be a whole number of requests, got "${values.concurrency}"`, `hardpod ${command}`);
  }
  const timeout = positiveNumber(command, 'timeout', values.timeout);
  const named = values['registries-conf'];
  if (named !== undefined && values['no-registries-conf']) throw new HardpodError('--registries-conf and --no-registries-conf exclude each other', `hardpod ${command}`);
  const registriesConf = values['no-registries-conf'] ? undefined : loadRegistriesConf({ env: context.env, ...(named !== undefined ? { file: resolve(context.cwd, named) } : {}) });
  return {
    insecureRegistries,
    mirrors,
    ...(registriesConf !== undefined ? { registriesConf } : {}),
    ...(values['certs-dir'] !== undefined ? { certsDirs: values['certs-dir'] } : {}),
    ...(concurrency !== undefined ? { concurrency } : {}),
    ...(timeout !== undefined ? { timeoutMs: timeout * 1000 } : {}),
  };
}

/** Registry client options from the shared flags (checked by {@link parseRegistryFlags}). */
export function registryClientOptions(command: string, flags: RegistryFlags, context: CliContext): RegistryClientOptions {
  return {
    insecureRegistries: [...flags.insecureRegistries],
    mirrors: flags.mirrors,
    ...(flags.registriesConf !== undefined ? { registriesConf: flags.registriesConf } : {}),
    credentials: dockerCredentials({ env: { ...context.env } }),
    ...(flags.certsDirs !== undefined ? { certsDirs: flags.certsDirs.map((dir) => resolve(context.cwd, dir)) } : {}),
    ...(flags.concurrency !== undefined ? { concurrency: flags.concurrency } : {}),
    ...(flags.timeoutMs !== undefined ? { timeoutMs: flags.timeoutMs } : {}),
    log: (line) => context.stderr(`hardpod ${command}: ${line}\n`),
    proxyEnv: context.env,
  };
}

/**
 * A bar redrawn in place on a terminal; one line per image otherwise (CI logs). The bar goes to
 * standard error, so that stream's terminal decides: `lock 2> lock.log` logs lines, not redraws.
 */
export function progressFor(command: string, context: CliContext): LockProgress {
  const interactive = context.stderrIsTTY === true && !context.env.CI;
  let total = 0;
  let done = 0;
  return {
    start(count) {
      total = count;
      done = 0;
    },
    done(key, error) {
      done++;
      if (interactive) {
        const width = 30;
        const filled = total === 0 ? width : Math.round((done / total) * width);
        context.stderr(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${key.slice(0, 60).padEnd(60)}`);
      } else {
        context.stderr(`hardpod ${command}: ${error ? 'failed' : 'resolved'} ${key} (${done}/${total})\n`);
      }
    },
    finish() {
      if (interactive && total > 0) context.stderr('\n');
    },
  };
}

function printResult(result: LockRunResult, lockFile: string, context: CliContext): void {
  for (const key of result.added) context.stdout(`+ ${key} ${result.lock.images[key].digest}\n`);
  for (const change of result.changed) context.stdout(`~ ${change.key} ${change.from} -> ${change.to}\n`);
  context.stdout(result.written ? `wrote ${lockFile}\n` : `${lockFile} is up to date (${Object.keys(result.lock.images).length} images)\n`);
}

/** What `lock` reads from a config file: its image settings (signature keys, attestations, the vulnerability gate), and the approved base images. */
function lockSettings(file: string): { readonly images: ResolvedImagesConfig; readonly approvedBases?: readonly string[] } {
  const { config, locate } = loadConfigFile(file);
  const resolved = resolveConfig(config, locate);
  return { images: resolved.images, approvedBases: registryPrefixes(resolved.hardened.approvedBaseImages) };
}

/** A warning per image resolved in this run that is not built on an approved base, as image-approved-base will say. */
function printApprovedBases(result: LockRunResult, approved: readonly string[], context: CliContext): void {
  for (const key of [...result.added, ...result.changed.map((change) => change.key)]) {
    const facts = result.lock.images[key]?.facts;
    const problem = facts === undefined ? undefined : approvedBaseProblem(key, facts, approved);
    if (problem !== undefined) context.stderr(`hardpod lock: warning: ${key} ${problem}\n`);
  }
}

/**
 * One line per image whose attestations were checked: the predicate types attested and by which keys,
 * what required type lacks one, the build each verified provenance describes and whether the config
 * allows it, and why others do not count.
 */
function printAttestations(result: LockRunResult, settings: ResolvedImageAttestations | undefined, context: CliContext): void {
  const required = settings?.required ?? [];
  for (const report of result.attestations) {
    const types = Object.entries(report.verified);
    if (types.length > 0) {
      context.stderr(`hardpod lock: ${report.key} is attested: ${types.map(([type, keys]) => `${type} (${keys.join(', ')})`).join(', ')}\n`);
    } else {
      context.stderr(`hardpod lock: ${report.key} carries no attestation that verifies with a configured key${report.problems.length === 0 ? ' (no cosign attestation found)' : ''}\n`);
    }
    const missing = required.filter((type) => !Object.prototype.hasOwnProperty.call(report.verified, type));
    if (missing.length > 0) context.stderr(`hardpod lock: warning: ${report.key} lacks a verified attestation of the required ${missing.join(', ')}\n`);
    for (const build of report.provenance) {
      context.stderr(`hardpod lock: ${report.key}: ${build.predicateType} provenance (${build.verifiedBy.join(', ')}): ${describeBuild(build)}\n`);
      const unmet = settings?.provenance === undefined || !required.includes(build.predicateType) ? [] : unmetConditions(build, settings.provenance);
      if (unmet.length > 0) context.stderr(`hardpod lock: warning: ${report.key}: images.attestations.provenance does not allow that build: ${unmet.join('; ')}\n`);
    }
    for (const problem of report.problems) context.stderr(`hardpod lock:   ${report.key}: ${problem}\n`);
  }
}

/**
 * Per image whose scans were read: each scanner's newest verified scan and what it found of `failOn`
 * or more, the vulnerabilities `ignore` accepts with their reasons, and a warning when the gate fails it.
 */
function printVulnerabilityScans(result: LockRunResult, gate: ResolvedImageVulnerabilities, context: CliContext): void {
  for (const report of result.attestations) {
    const scans = report.vulnerabilities?.scans ?? [];
    if (scans.length === 0) {
      context.stderr(`hardpod lock: warning: ${report.key} carries no vulnerability scan that verifies with a configured key\n`);
      continue;
    }
    for (const scan of scans) {
      const found = scan.vulnerabilities.length === 0 ? `none of ${gate.failOn} or more severe`
        : `${scan.vulnerabilities.length} of ${gate.failOn} or more severe: ${describeVulnerabilities(scan.vulnerabilities)}`;
      context.stderr(`hardpod lock: ${report.key}: vulnerability scan by ${describeScan(scan)} (${scan.verifiedBy.join(', ')}) found ${found}\n`);
    }
    const stale = staleScansProblem(scans, gate);
    if (stale !== undefined) context.stderr(`hardpod lock: warning: ${report.key} ${stale}\n`);
    const { failing, accepted } = judgeScans(scans, gate, report.key, report.vulnerabilities?.vex);
    for (const { vulnerability, reason } of accepted) context.stderr(`hardpod lock: ${report.key}: ${vulnerability.id} is accepted: ${reason}\n`);
    if (failing.length > 0) context.stderr(`hardpod lock: warning: ${report.key}: images.vulnerabilities fails it: ${describeVulnerabilities(failing)}\n`);
  }
}

/** One line per image whose signatures were checked: the keys that verified, or why none did. */
function printSignatures(result: LockRunResult, context: CliContext): void {
  for (const report of result.signatures) {
    if (report.verified.length > 0) {
      context.stderr(`hardpod lock: ${report.key} is signed with ${report.verified.join(', ')}\n`);
    } else {
      context.stderr(`hardpod lock: warning: ${report.key} carries no signature that verifies with a configured key${report.problems.length === 0 ? ' (no cosign signature found)' : ''}\n`);
    }
    for (const problem of report.problems) context.stderr(`hardpod lock:   ${report.key}: ${problem}\n`);
  }
}

/** `hardpod lock`: resolve tags to digests and image facts into hardpod.lock.json. */
export const lockCommand: Command = {
  usage: USAGE,
  async run(context: CliContext): Promise<number> {
    const { values, positionals } = parseCommandArgs('lock', context.args, {
      'lock-file': { type: 'string' },
      'check': { type: 'boolean' },
      'fail-on-outdated': { type: 'boolean' },
      'offline': { type: 'boolean' },
      'update': { type: 'boolean' },
      'inspect': { type: 'boolean' },
      'platform': { type: 'string' },
      'config': { type: 'string' },
      'stack': { type: 'string' },
      'allow-empty': { type: 'boolean' },
      ...REGISTRY_FLAGS,
    });
    if (values.check && values.update) throw new HardpodError('--check and --update exclude each other', 'hardpod lock');
    // A flag the run would ignore is refused: `--offline` would still ask registries, and
    // `--fail-on-outdated` without --check would write the lock file instead of checking it.
    for (const flag of ['offline', 'fail-on-outdated'] as const) {
      if (values[flag] && !values.check) throw new HardpodError(`--${flag} applies to --check only (hardpod lock --check --${flag})`, 'hardpod lock');
    }
    if (values.offline && values['fail-on-outdated']) {
      throw new HardpodError('--fail-on-outdated and --offline exclude each other: whether a locked tag moved is known only by asking its registry', 'hardpod lock');
    }
    if (values.stack !== undefined && (positionals.length > 0 || values.update)) {
      const instead = values.update ? '--update re-resolves the entries of the lock file without running it' : 'with PATH, the manifests are read as they are';
      throw new HardpodError(`--stack applies to the Pulumi program that lock and lock --check run without PATH; ${instead}`, 'hardpod lock');
    }
    if (values.config !== undefined && values.check) {
      throw new HardpodError('--config applies to lock and lock --update, which check signatures as they lock; hardpod check --config judges what the lock file records', 'hardpod lock');
    }
    const registryFlags = parseRegistryFlags('lock', values, context);
    // Read before any registry is asked: a mistake in the config is a usage error.
    const settings = values.config === undefined ? undefined : lockSettings(resolve(context.cwd, values.config));
    const images = settings?.images;
    const signatures = images?.signatures;
    if (values.platform !== undefined && !/^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/.test(values.platform)) {
      throw new HardpodError(`--platform must be OS/ARCH or OS/ARCH/VARIANT (e.g. linux/arm64/v8), got "${values.platform}"`, 'hardpod lock');
    }
    const lockFile = resolve(context.cwd, values['lock-file'] ?? LOCK_FILE_NAME);
    const mode = values.check ? 'check' : values.update ? 'update' : 'lock';
    // Resolving every image takes a while and many requests: a lock file that cannot be written is said first,
    // unless it is one --update must find, whose absence the run names (with the command that creates it).
    const mustFind = mode === 'update' && values['lock-file'] !== undefined && !existsSync(lockFile);
    if (mode !== 'check' && !mustFind) refuseUnwritablePath(lockFile, values['lock-file'] ?? LOCK_FILE_NAME);
    let uses: ImageUse[];
    if (positionals.length > 0) {
      const manifests = readManifests(positionals.map((path) => (path === '-' ? path : resolve(context.cwd, path))), { ownFiles: [lockFile] });
      // Empty input from a failed render must not pass --check, nor make --update re-resolve every entry.
      if (!values['allow-empty']) refuseEmptyInput(manifests.objects.length, positionals, 'locked');
      uses = imageUsesIn(manifests.objects, manifests);
    } else {
      uses = mode === 'update' ? [] : imageUsesOfApp(context, values.stack === undefined ? {} : { stack: values.stack });
    }
    const client = new RegistryClient(registryClientOptions('lock', registryFlags, context));
    try {
      const result = await runLock({
        lockFilePath: lockFile,
        lockFileNamed: values['lock-file'] !== undefined,
        uses,
        mode,
        client,
        inspect: values.inspect ?? false,
        ...(values.platform ? { platform: values.platform } : {}),
        checkOutdated: !values.offline,
        progress: progressFor('lock', context),
        ...(signatures ? { signatures } : {}),
        ...(images?.attestations ? { attestations: true } : {}),
        ...(images?.vulnerabilities ? { vulnerabilitiesFrom: images.vulnerabilities.failOn } : {}),
      });
      if (mode !== 'check') {
        printSignatures(result, context);
        printAttestations(result, images?.attestations, context);
        if (images?.vulnerabilities) printVulnerabilityScans(result, images.vulnerabilities, context);
        if (settings?.approvedBases) printApprovedBases(result, settings.approvedBases, context);
        printResult(result, values['lock-file'] ?? LOCK_FILE_NAME, context);
        return EXIT.ok;
      }
      const lockName = values['lock-file'] ?? LOCK_FILE_NAME;
      const strict = values['fail-on-outdated'] === true;
      for (const missing of result.missing) {
        context.stdout(`missing: ${missing.reference} (used at ${missing.where}) has no entry in ${lockName}\n`);
      }
      for (const outdated of result.outdated) {
        context.stdout(`${strict ? 'outdated' : 'warning: outdated'}: ${outdated.key} is locked to ${outdated.from}, the registry now has ${outdated.to}\n`);
      }
      for (const gone of result.gone) context.stdout(`${strict ? 'gone' : 'warning: gone'}: ${gone.key} is locked, but the registry no longer has it: ${gone.reason}\n`);
      for (const unverified of result.unverified) context.stderr(`hardpod lock: ${strict ? 'error' : 'warning'}: could not check ${unverified.key}: ${unverified.reason}\n`);
      if (result.missing.length > 0) context.stdout('run `npx hardpod lock` to add the missing entries\n');
      if (result.outdated.length > 0) context.stdout('run `npx hardpod lock --update` to move the outdated entries\n');
      if (result.gone.length > 0) context.stdout('a tag that is gone cannot be pulled: use one that exists, then run `npx hardpod lock`\n');
      // --fail-on-outdated promises that every locked tag still points where it did: one the
      // registry did not answer for is not known to, and is no pass.
      if (strict && result.unverified.length > 0) {
        context.stderr(`hardpod lock: ${result.unverified.length} locked tag(s) could not be checked, so ${lockName} is not known to be current\n`);
        return EXIT.usage;
      }
      const failed = result.missing.length > 0 || (strict && (result.outdated.length > 0 || result.gone.length > 0));
      if (!failed) context.stdout(`${lockName}: every image in use is locked\n`);
      return failed ? EXIT.findings : EXIT.ok;
    } finally {
      client.close();
    }
  },
};
