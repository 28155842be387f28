import type { SourceLocation } from './kube-object';

/**
 * The field of an object a mistake is in, for a reader that knows the lines of its fields (the CLI)
 * to name the field's line where the engine, which knows only the object's, names that.
 */
export interface FieldLocation {
  /** Where the object was read. */
  readonly source: SourceLocation;
  /** The field's path in the object: `metadata.annotations["hardpod.dev/suppress.privileged"]`. */
  readonly path: string;
  /** What the field is, in words, shown after its location: `annotation hardpod.dev/suppress.privileged`. */
  readonly label: string;
}

/**
 * A user mistake (bad input, bad props, bad config) as opposed to a bug. The CLI and the adapters
 * print these as one clear message without a stack trace; anything else is a bug and keeps its stack.
 */
export class HardpodError extends Error {
  /**
   * @param reason what was wrong and what is expected (the message is `where: reason`)
   * @param where the file and line, construct path or config key the mistake is in
   * @param field the object's field the mistake is in, when `where` can only name the object
   */
  constructor(readonly reason: string, public readonly where?: string, public readonly field?: FieldLocation) {
    super(where ? `${where}: ${reason}` : reason);
    this.name = 'HardpodError';
  }
}

/**
 * Throws a {@link HardpodError}: the builders' checks read as one line per mistake.
 * @internal
 */
export function fail(reason: string, where: string | undefined): never {
  throw new HardpodError(reason, where);
}

export function isHardpodError(error: unknown): error is HardpodError {
  return error instanceof HardpodError;
}
