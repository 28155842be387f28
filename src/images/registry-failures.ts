import { HardpodError } from '../model/errors';

/**
 * The registry client's failures, in a module of their own: the cosign readers tell them apart
 * without loading the client, so that `hardpod check`, which reads signature keys from the config
 * but never asks a registry, does not load Node's HTTP, TLS and proxy stack.
 */

/** A failure of one base URL that a mirror fallback may recover from. */
export class BaseFailure extends HardpodError {}

/** A base URL that could not be reached at all (no connection after the retries, or a TLS failure). */
export class UnreachableFailure extends BaseFailure {}

/** The registry answered that what was asked for does not exist (HTTP 404): an answer, not an outage. */
export class NotFoundFailure extends BaseFailure {}

/** Whether a registry error is its answer that the tag, manifest or blob does not exist (HTTP 404). */
export function isRegistryNotFound(error: unknown): boolean {
  return error instanceof NotFoundFailure;
}

/**
 * Whether a registry error means the registry could not be asked or refused to answer (no
 * connection, HTTP 401, 403, 429 or 5xx), rather than an answer: not found, or content that is
 * malformed or does not match its digest.
 */
export function isRegistryUnavailable(error: unknown): boolean {
  return error instanceof BaseFailure && !(error instanceof NotFoundFailure);
}
