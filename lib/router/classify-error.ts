import { ErrorCode, RemoteError, RouterError } from '../errors.js';

/** What a failed attempt says about retrying it. (What it says about the node is `HealthFeedback`'s call.) */
export interface ErrorClass {
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
  ErrorCode.Backpressure,
  ErrorCode.InvalidPayload,
  ErrorCode.RouterClosed,
  ErrorCode.AuthFailed,
]);

/**
 * The router's retry rule for request errors: a request "may have been sent" unless it failed before its bytes
 * could reach the node (connect failures, waiting for a connection or for a node, a full write buffer, an
 * evacuated queue) — or the node itself answered with a retryable error, which is its word that trying again is
 * safe.
 */
export function classifyError(error: unknown): ErrorClass {
  if (error instanceof RemoteError) return { maybeSent: false };
  if (!(error instanceof RouterError)) return { maybeSent: true };
  return { maybeSent: !notSent.has(error.code) };
}
