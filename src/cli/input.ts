import { HardpodError } from '../model/errors';

/**
 * An empty input is usually a step before that failed (a render piped in, a build): checking or
 * locking nothing is not a pass.
 * @param objectCount the Kubernetes objects the input holds
 * @param done what the command would have done, for the message: `checked`, `locked`, `pinned`
 */
export function refuseEmptyInput(objectCount: number, paths: readonly string[], done: string): void {
  if (objectCount > 0) return;
  throw new HardpodError(
    `no Kubernetes objects found, so nothing was ${done}; give --allow-empty when an empty input is expected (a chart that renders nothing under these values)`,
    paths.join(', '),
  );
}
