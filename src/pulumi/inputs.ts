import { randomBytes } from 'node:crypto';
import * as pulumi from '@pulumi/pulumi';
import { isDeferred, refuseDeferred } from './deferred';
import { asProgramMistake } from './program-errors';
import { SECRET_TEXT } from './redact';
import { HardpodError } from '../model/errors';
import { valueAtPath } from '../model/field-path';
import type { ImageResolver, ResolvedImage } from '../model/image';
import { DIGEST_ONLY_RESOLVER } from '../model/image';
import type { KubeObject } from '../model/kube-object';
import { isFields } from '../model/pod-view';
import type { ContainerProps, EnvFromProps, EnvRef, FilesMount, WorkloadDefaults, WorkloadProps } from '../model/workload-props';
import type { BuildContext } from '../model/workloads';

/**
 * Lets the core's synchronous builders take Pulumi Inputs (a namespace name or an image reference
 * that another resource outputs).
 *
 * The objects are built twice: at once with a placeholder for each Output (literal values as they
 * are, so a bad literal image or namespace fails at once, and stays known in preview), which gives
 * every child resource its shape when the program runs (so previews list them), and again, inside
 * `apply`, with the real values, which is where a bad image or namespace from an Output fails with
 * the builders' own errors. Only the fields that hold a placeholder take their value from the
 * second build; any other difference
 * (image facts from the lock file that would change the pod) is an error instead of a silent drift.
 */

/** A Secret, ConfigMap or service-account token mounted as files, whose Secret or ConfigMap name may be another resource's output. */
export type InputFilesMount = Omit<FilesMount, 'secret' | 'configMap'> & {
  /** Name of the Secret whose keys become files; may be another resource's output. @default none (give one of `secret`, `configMap` and `serviceAccountToken`) */
  readonly secret?: pulumi.Input<string>;
  /** Name of the ConfigMap whose keys become files; may be another resource's output. @default none (give one of `secret`, `configMap` and `serviceAccountToken`) */
  readonly configMap?: pulumi.Input<string>;
};

/** An environment variable's reference, whose ConfigMap name may be another resource's output. */
export type InputEnvRef = Omit<EnvRef, 'configMapKeyRef'> & {
  /** A key of a ConfigMap; `name` may be another resource's output. @default none */
  readonly configMapKeyRef?: Omit<NonNullable<EnvRef['configMapKeyRef']>, 'name'> & { readonly name: pulumi.Input<string> };
};

/** A ConfigMap whose keys become environment variables; its name may be another resource's output. */
export type InputEnvFromProps = Omit<EnvFromProps, 'configMap'> & {
  /** Name of the ConfigMap whose keys become variables; may be another resource's output. */
  readonly configMap: pulumi.Input<string>;
};

/** The container fields that name Secrets and ConfigMaps, which may be other resources' outputs. */
interface InputSourceFields {
  /** Secrets, ConfigMaps and service-account tokens mounted read-only as files. @default none */
  readonly files?: readonly InputFilesMount[];
  /** Environment variables: values, or references to a ConfigMap key, a pod field or a request or limit of the container. @default none */
  readonly env?: Readonly<Record<string, string | InputEnvRef>>;
  /** ConfigMaps whose every key becomes an environment variable. @default none */
  readonly envFrom?: readonly InputEnvFromProps[];
}

/** A container whose image, and the names of the Secrets and ConfigMaps it reads, may come from other resources. */
export type InputContainerProps = Omit<ContainerProps, 'image' | 'files' | 'env' | 'envFrom'> & InputSourceFields & {
  /** Image reference; pinned by digest, or a tag the lock file resolves. May be another resource's output. */
  readonly image: pulumi.Input<string>;
};

/** The model's props with the name optional and Inputs where users pass other resources' outputs. */
export type InputWorkloadProps<P extends WorkloadProps> = Omit<P, 'name' | 'namespace' | 'image' | 'sidecars' | 'initContainers' | 'files' | 'env' | 'envFrom'> & InputSourceFields & {
  /** Name of the workload and its companions. @default the Pulumi resource name */
  readonly name?: string;
  /** Namespace; may be a HardenedNamespace's `namespaceName` or any other output. @default none */
  readonly namespace?: pulumi.Input<string>;
  /** Image reference of the main container; pinned by digest, or a tag the lock file resolves. */
  readonly image: pulumi.Input<string>;
  /** Containers next to the main one. @default none */
  readonly sidecars?: readonly InputContainerProps[];
  /** Containers that run to completion before the others start. @default none */
  readonly initContainers?: readonly InputContainerProps[];
};

/** One Input of the props and where it sits. */
interface InputSlot {
  readonly path: readonly (string | number)[];
  readonly value: pulumi.Input<string>;
  readonly kind: 'namespace' | 'image' | 'name';
}

/** Objects ready to become resource args (fields may be Outputs), and the finished objects. */
export interface BuiltWithInputs {
  /** One entry per object, in builder order; fields whose value depends on an Input are Outputs. */
  readonly args: readonly Record<string, unknown>[];
  /** The objects as the builder made them from the real values. */
  readonly objects: pulumi.Output<KubeObject[]>;
}

/** A value the builders take as it is: their shape checks name a wrong type (a number for an image ...). */
function isPlainInput(value: unknown): value is string | undefined {
  return !isDeferred(value);
}

/** Fields that may take Outputs, for the message that refuses one elsewhere. */
const INPUT_FIELDS = 'only namespace, the images (image, sidecars[].image, initContainers[].image) and the names of Secrets and ConfigMaps ' +
  '(files[].secret, files[].configMap, env.NAME.configMapKeyRef.name, envFrom[].configMap, in every container) may be Outputs';

/** Slots of the Secret and ConfigMap names a container's files and env references give. */
function sourceSlots(container: Record<string, unknown>, at: readonly (string | number)[]): InputSlot[] {
  const slots: InputSlot[] = [];
  // Entries of the wrong shape are left to the builder, which names them.
  const files: unknown = container.files;
  if (Array.isArray(files)) {
    files.forEach((entry: unknown, j) => {
      if (!isFields(entry)) return;
      for (const kind of ['secret', 'configMap'] as const) {
        if (entry[kind] !== undefined) slots.push({ path: [...at, 'files', j, kind], value: entry[kind] as pulumi.Input<string>, kind: 'name' });
      }
    });
  }
  const env: unknown = container.env;
  if (isFields(env)) {
    for (const [name, value] of Object.entries(env)) {
      const ref = isFields(value) ? value.configMapKeyRef : undefined;
      if (isFields(ref) && ref.name !== undefined) slots.push({ path: [...at, 'env', name, 'configMapKeyRef', 'name'], value: ref.name as pulumi.Input<string>, kind: 'name' });
    }
  }
  const envFrom: unknown = container.envFrom;
  if (Array.isArray(envFrom)) {
    envFrom.forEach((source: unknown, j) => {
      if (isFields(source) && source.configMap !== undefined) slots.push({ path: [...at, 'envFrom', j, 'configMap'], value: source.configMap as pulumi.Input<string>, kind: 'name' });
    });
  }
  return slots;
}

function slotsOf(props: InputWorkloadProps<WorkloadProps>): InputSlot[] {
  const slots: InputSlot[] = [];
  if (props.namespace !== undefined) slots.push({ path: ['namespace'], value: props.namespace, kind: 'namespace' });
  slots.push({ path: ['image'], value: props.image, kind: 'image' });
  slots.push(...sourceSlots(props as unknown as Record<string, unknown>, []));
  for (const list of ['sidecars', 'initContainers'] as const) {
    // A list or container of the wrong shape is left to the builder, which names it.
    const containers: unknown = props[list];
    if (!Array.isArray(containers)) continue;
    containers.forEach((c: unknown, i) => {
      if (!isFields(c)) return;
      slots.push({ path: [list, i, 'image'], value: c.image as pulumi.Input<string>, kind: 'image' });
      slots.push(...sourceSlots(c, [list, i]));
    });
  }
  return slots;
}

function withValues<P extends WorkloadProps>(
  props: InputWorkloadProps<P>, name: string, slots: readonly InputSlot[], values: readonly (string | undefined)[],
): P {
  // Shallow copies down to each slot: the builders never mutate props, and Outputs cannot be cloned.
  const out: Record<string, unknown> = { ...props, name };
  slots.forEach((slot, i) => {
    let node = out;
    for (const key of slot.path.slice(0, -1)) {
      const next = node[key] as Record<string, unknown>;
      node[key] = Array.isArray(next) ? [...next] : { ...next };
      node = node[key] as Record<string, unknown>;
    }
    node[slot.path[slot.path.length - 1]] = values[i];
  });
  return out as unknown as P;
}

/** A resolver that passes placeholder references through and asks the real one for the rest. */
function placeholderAwareResolver(inner: ImageResolver, token: string): ImageResolver {
  return {
    resolve(reference: string, where: string): ResolvedImage {
      return reference.includes(token) ? { reference } : inner.resolve(reference, where);
    },
  };
}

/** A placeholder image that passes the digest and allowed-registry checks of the first build. */
function placeholderImage(token: string, index: number, defaults: WorkloadDefaults | undefined): string {
  const registry = defaults?.allowedRegistries?.[0]?.replace(/\/+$/, '') ?? 'registry.hardpod.invalid';
  return `${registry}/${token}i${index}@sha256:${'0'.repeat(64)}`;
}

function mapLeaves(value: unknown, path: (string | number)[], leaf: (s: string, path: (string | number)[]) => unknown): unknown {
  if (typeof value === 'string') return leaf(value, path);
  if (Array.isArray(value)) return value.map((v, i) => mapLeaves(v, [...path, i], leaf));
  if (isFields(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = mapLeaves(v, [...path, k], leaf);
    return out;
  }
  return value;
}

/**
 * Builds the objects of one workload from props that may hold Inputs.
 * @param name the workload's name
 * @param ctx where the component is (named in errors), the defaults and the image resolver
 * @param build the core builder (buildDeployment ...)
 */
export function buildWithInputs<P extends WorkloadProps>(
  props: InputWorkloadProps<P>,
  name: string,
  ctx: BuildContext,
  build: (props: P, ctx: BuildContext) => { readonly objects: readonly KubeObject[] },
): BuiltWithInputs {
  const slots = slotsOf(props as InputWorkloadProps<WorkloadProps>);
  refuseDeferred(withValues(props, name, slots, slots.map(() => undefined)), ctx.where, INPUT_FIELDS);
  if (slots.every((s) => isPlainInput(s.value))) {
    const objects = build(withValues(props, name, slots, slots.map((s) => s.value as string)), ctx).objects;
    // The builders return fresh objects and Pulumi never mutates resource args: no copies needed.
    return { args: objects as readonly Record<string, unknown>[], objects: pulumi.output([...objects]) as unknown as pulumi.Output<KubeObject[]> };
  }

  // Lowercase letters and digits: valid in a DNS label and in an image repository name.
  const token = `hp${randomBytes(5).toString('hex')}x`;
  // Only Outputs (and promises) get a placeholder: literal values are checked by this first build, and stay literal.
  const placeholders = slots.map((slot, i) =>
    (isPlainInput(slot.value) ? slot.value as string : slot.kind === 'image' ? placeholderImage(token, i, ctx.defaults) : `${token}n${i}`));
  const shapeCtx: BuildContext = { ...ctx, imageResolver: placeholderAwareResolver(ctx.imageResolver ?? DIGEST_ONLY_RESOLVER, token) };
  const shapes = build(withValues(props, name, slots, placeholders), shapeCtx).objects;

  // A secret Input stays secret in the builders' errors too: Pulumi prints them in the CLI and the update's log.
  const secret = pulumi.all(slots.map((s) =>
    (pulumi.Output.isInstance(s.value) ? pulumi.output(pulumi.isSecret(s.value as pulumi.Output<string>)) : false)));
  const objects = pulumi.all([pulumi.all(slots.map((s) => s.value)), secret]).apply(([values, isSecret]) => {
    let real: readonly KubeObject[];
    try {
      real = build(withValues(props, name, slots, values), ctx).objects;
    } catch (error) {
      throw asProgramMistake(withoutSecrets(error, values.filter((value, i) => isSecret[i] && typeof value === 'string' && value !== '')));
    }
    shapes.forEach((shape, i) => {
      const mismatch = firstDifference(shape, real[i], token);
      if (mismatch !== undefined) {
        throw asProgramMistake(new HardpodError(
          `${mismatch} differs between the image known at deployment and the shape built when the program ran ` +
            '(the lock file records facts for that image that change the pod). Pass the image reference as a plain string so its facts apply from the start.',
          ctx.where,
        ));
      }
    });
    return [...real];
  });

  const args = shapes.map((shape, i) => {
    const filled = mapLeaves(shape, [], (leaf, path) => (leaf.includes(token) ? objects.apply((real) => valueAtPath(real[i], path)) : leaf));
    return filled as Record<string, unknown>;
  });
  return { args, objects };
}

/** The error with every secret value in its message replaced by `[secret]`. */
function withoutSecrets(error: unknown, secrets: readonly string[]): unknown {
  if (secrets.length === 0 || !(error instanceof Error)) return error;
  const redact = (text: string) => secrets.reduce((out, value) => out.split(value).join(SECRET_TEXT), text);
  if (error instanceof HardpodError) {
    return new HardpodError(redact(error.reason), error.where === undefined ? undefined : redact(error.where), error.field);
  }
  error.message = redact(error.message);
  if (error.stack !== undefined) error.stack = redact(error.stack);
  return error;
}

/** Path of the first field that differs outside placeholder leaves, or undefined. */
function firstDifference(shape: unknown, real: unknown, token: string, path = ''): string | undefined {
  if (typeof shape === 'string' && shape.includes(token)) return undefined;
  if (Array.isArray(shape) && Array.isArray(real)) {
    if (shape.length !== real.length) return path || '(object)';
    for (let i = 0; i < shape.length; i++) {
      const d = firstDifference(shape[i], real[i], token, `${path}[${i}]`);
      if (d !== undefined) return d;
    }
    return undefined;
  }
  if (isFields(shape) && isFields(real)) {
    const keys = new Set([...Object.keys(shape), ...Object.keys(real)]);
    for (const key of keys) {
      const d = firstDifference(shape[key], real[key], token, path ? `${path}.${key}` : key);
      if (d !== undefined) return d;
    }
    return undefined;
  }
  return shape === real ? undefined : path || '(object)';
}
