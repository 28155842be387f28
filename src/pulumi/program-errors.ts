import { isHardpodError } from '../model/errors';

/**
 * Marks a HardpodError (a mistake in the program's props or defaults) as Pulumi's RunError, which
 * the Node.js runtime reports as its message alone, like a failed check, instead of as an unhandled
 * exception with the program's stack trace. The error stays a HardpodError for code that catches it.
 * Other errors are bugs and keep their stack.
 */
export function asProgramMistake(error: unknown): unknown {
  // RunError.isInstance looks for this marker, which also holds across copies of @pulumi/pulumi.
  if (isHardpodError(error)) Object.defineProperty(error, '__pulumiRunError', { value: true, configurable: true });
  return error;
}
