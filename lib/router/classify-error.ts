import { ErrorCode, RemoteError, RouterError } from '../errors.js';
import { isHardFailure } from '../streams/is-hard-failure.js';

/** How a failed request counts for node health and for retry. */
export interface ErrorClass {
  /** 'hard' takes the node out at once, 'soft' counts toward passiveFall, 'none' says nothing of the node. */
  readonly health: 'hard' | 'soft' | 'none';
  /** The request may have reached the node (so only idempotent requests are retried). */
  readonly maybeSent: boolean;
}

const notSent = new Set<string>([
  ErrorCode.ConnectRefused,
  ErrorCode.ConnectTimeout,
  ErrorCode.ConnectFailed,
  ErrorCode.Tls,
  ErrorCode.AcquireTimeout,
  ErrorCode.TooManyInFlight,
  ErrorCode.NoEligibleNode,
  ErrorCode.PoolClosed,
]);

/**
 * The router's rule for request errors:
 * - refused, reset or lost connections are hard failures; timeouts and retryable error replies are soft;
 *   a non-retryable error reply (the node is alive and said no) and our own closing say nothing of the node;
 * - a request "may have been sent" unless it failed before its bytes could reach the node (connect failures,
 *   waiting for a connection) — or the node itself answered with a retryable error, which is its word that
 *   trying again is safe.
 */
export function classifyError(error: unknown): ErrorClass {
  if (error instanceof RemoteError) return { health: error.retryable ? 'soft' : 'none', maybeSent: false };
  if (!(error instanceof RouterError)) return { health: 'none', maybeSent: true };
  const maybeSent = !notSent.has(error.code);
  if (isHardFailure(error)) return { health: 'hard', maybeSent };
  if (error.code === ErrorCode.PoolClosed || error.code === ErrorCode.ConnectionClosed) {
    return { health: 'none', maybeSent };
  }
  return { health: error.retryable ? 'soft' : 'none', maybeSent };
}
