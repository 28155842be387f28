/**
 * A user mistake (bad input, bad props, bad config) as opposed to a bug. The CLI and the adapters
 * print these as one clear message without a stack trace; anything else is a bug and keeps its stack.
 */
export class HardpodError extends Error {
  /**
   * @param reason what was wrong and what is expected (the message is `where: reason`)
   * @param where the file and line, construct path or config key the mistake is in
   */
  constructor(readonly reason: string, public readonly where?: string) {
    super(where ? `${where}: ${reason}` : reason);
    this.name = 'HardpodError';
  }
}

export function isHardpodError(error: unknown): error is HardpodError {
  return error instanceof HardpodError;
}
