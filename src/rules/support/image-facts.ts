import type { ResolvedConfig } from '../../engine/config';
import type { LockedImageFacts } from '../../images/lock-file';
import { IMAGE_FACTS_SETTING, type ImageFactsLookup } from '../../images/lock-resolver';
import { isFields, isUnknownValue, type ContainerView, type PodView } from '../../model/pod-view';
import type { ControlMapping, SettingCheck, Violation } from '../rule';
import { describeContainer, quote } from './pss';

/**
 * Shared reading for the image-facts rules: the facts `hardpod lock` recorded for each container's
 * image, passed to the engine as `hardened.imageFacts` (the CLI and adapters set it from the lock file).
 */

export const CIS_DOCKER_EDITION = 'v1.6.0';

export function cisDocker(...ids: string[]): ControlMapping[] {
  return ids.map((id) => ({ framework: 'CIS Docker Benchmark', edition: CIS_DOCKER_EDITION, id }));
}

function isFactsLookup(value: unknown): value is ImageFactsLookup {
  return value !== null && typeof value === 'object' && typeof (value as ImageFactsLookup).factsFor === 'function';
}

/** The setting the image-facts rules read: facts that hardpod takes from a lock file, never written in a config. */
export const IMAGE_FACTS_SETTINGS: Readonly<Record<string, SettingCheck>> = {
  [IMAGE_FACTS_SETTING]: (value) => (value === undefined || isFactsLookup(value)
    ? undefined
    : `${IMAGE_FACTS_SETTING} holds the facts hardpod reads from a lock file (hardpod check --lock-file, the lockFile option of the cdk8s and Pulumi adapters); it cannot be written in a config`),
};

/** The facts lookup in the config, or undefined when no lock file was given. */
export function imageFactsLookup(config: ResolvedConfig): ImageFactsLookup | undefined {
  const lookup = config.hardened[IMAGE_FACTS_SETTING];
  return isFactsLookup(lookup) ? lookup : undefined;
}

/** The image-facts rules' {@link Rule.appliesUnder}: only a lock file gives them facts to judge. */
export function hasImageFacts(config: ResolvedConfig): boolean {
  return imageFactsLookup(config) !== undefined;
}

/** One container with the facts of its image. */
export interface ContainerFacts {
  readonly container: ContainerView;
  readonly image: string;
  readonly facts: LockedImageFacts;
}

/**
 * The containers whose image has facts. A container whose image the lock file does not know is
 * reported as `unknown` (its facts cannot be judged), never passed silently. `not-applicable` when
 * no lock file was given at all.
 */
export function containersWithFacts(pod: PodView, config: ResolvedConfig, violations: Violation[]): readonly ContainerFacts[] | 'not-applicable' {
  const lookup = imageFactsLookup(config);
  if (!lookup) return 'not-applicable';
  const found: ContainerFacts[] = [];
  for (let i = 0; i < pod.containers.length; i++) {
    const container = pod.containers[i];
    const image = container.container.image;
    // A missing, malformed or unknown image is reported by image-digest.
    if (typeof image !== 'string' || image === '' || isUnknownValue(image)) continue;
    const facts = lookup.factsFor(image);
    if (!facts) {
      violations.push({
        path: `${container.path}.image`,
        message: `the lock file records no facts for ${describeContainer(container)}'s image ${quote(image)}; run \`npx hardpod lock\``,
        unknown: true,
      });
      continue;
    }
    found.push({ container, image, facts });
  }
  return found;
}

/** An `unknown` violation for facts that need the layers read (`hardpod lock --inspect`). */
export function notInspected(entry: ContainerFacts, what: string): Violation {
  return {
    path: `${entry.container.path}.image`,
    message: `whether ${quote(entry.image)} holds ${what} is not known: the lock file was written without reading layers; run \`npx hardpod lock --inspect\``,
    unknown: true,
  };
}

/** A command the kubelet runs in a container: the main command, exec probes and exec lifecycle hooks. */
export interface ExecCommand {
  /** Path of the executable (element 0 of the command). */
  readonly path: string;
  readonly executable: string;
  readonly what: string;
}

/** The executables a container runs by name: `command[0]`, exec probes, exec lifecycle hooks. */
export function execCommandsOf(container: ContainerView): ExecCommand[] {
  const commands: ExecCommand[] = [];
  const first = (value: unknown, path: string, what: string) => {
    if (Array.isArray(value) && typeof value[0] === 'string' && value[0] !== '' && !isUnknownValue(value[0])) {
      commands.push({ path: `${path}[0]`, executable: value[0], what });
    }
  };
  first(container.container.command, `${container.path}.command`, 'command');
  for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
    const exec = isFields(container.container[probe]) ? (container.container[probe] as Record<string, unknown>).exec : undefined;
    if (isFields(exec)) first(exec.command, `${container.path}.${probe}.exec.command`, `${probe} exec`);
  }
  const lifecycle = container.container.lifecycle;
  if (isFields(lifecycle)) {
    for (const hook of ['postStart', 'preStop']) {
      const exec = isFields(lifecycle[hook]) ? (lifecycle[hook] as Record<string, unknown>).exec : undefined;
      if (isFields(exec)) first(exec.command, `${container.path}.lifecycle.${hook}.exec.command`, `${hook} hook`);
    }
  }
  return commands;
}

/**
 * The unknown verdict for an image whose record was not checked with every configured key (it was
 * locked before they were configured), or undefined when it was. `question` says what is not known:
 * `is signed`, `is attested (https://spdx.dev/Document)`.
 */
export function notCheckedWithEveryKey<K extends { readonly name: string }>(
  path: string, who: string, question: string, keys: readonly K[], checked: readonly K[],
): Violation | undefined {
  if (checked.length === keys.length) return undefined;
  const unchecked = keys.filter((key) => !checked.includes(key)).map((key) => key.name);
  return {
    path,
    message: `whether ${who} ${question} with ${unchecked.join(', ')} is not known: the lock file was written before ${unchecked.length === 1 ? 'that key was' : 'those keys were'} configured (or with other key material under that name); run \`npx hardpod lock --update --config <config>\``,
    unknown: true,
  };
}
