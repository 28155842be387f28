import * as pulumi from '@pulumi/pulumi';
import { HardpodError } from '../model/errors';
import { findValuePath, formatFieldPath } from '../model/field-path';

/** An Output or a promise: a value known only once the resources it comes from are. */
export function isDeferred(value: unknown): boolean {
  return pulumi.Output.isInstance(value) || value instanceof Promise;
}

/** Deep enough for every props field; props are data, not deep graphs. */
const PROPS_DEPTH = 12;

/**
 * Refuses an Output or a promise in `props` (the fields that may take one already taken out): the
 * builders read every other field at once, and would read the Output's wrapper object instead of
 * its value (an `__pulumiOutput` label key, `replicas` "Calling [toString] on an [Output<T>]").
 * @param allowed which fields may take Outputs, for the message
 */
export function refuseDeferred(props: unknown, where: string, allowed: string): void {
  const path = findValuePath(props, isDeferred, PROPS_DEPTH);
  if (path === undefined) return;
  throw new HardpodError(
    `${formatFieldPath(path)} is an Output (or a promise), which this field cannot take: ${allowed}; pass a plain value ` +
      '(a stack configuration value or a constant)',
    where,
  );
}
