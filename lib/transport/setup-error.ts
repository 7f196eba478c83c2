import { ErrorCode, RemoteError, RouterError } from '../errors.js';
import type { NodeAddress } from '../types.js';

/** Codes a setup failure keeps as they are: they already say what went wrong with the connect. */
const connectCodes = new Set<string>([
  ErrorCode.AuthFailed,
  ErrorCode.ConnectRefused,
  ErrorCode.ConnectTimeout,
  ErrorCode.ConnectFailed,
  ErrorCode.Tls,
  ErrorCode.PoolClosed,
]);

/**
 * What a failed setup step (`step`: connect, FeatureNegotiation, handshake …) reports: `ERR_AUTH_FAILED` as is
 * (also from an Error reply with that code the handshake did not translate), connect errors as they are, a step
 * unanswered by its deadline as `ERR_CONNECT_TIMEOUT`, and anything else — a reset, garbage, a handshake that
 * threw — as a retryable `ERR_CONNECT_FAILED` naming the node and the step, with the original as `cause`.
 */
export function setupError(err: unknown, address: NodeAddress, step: string): RouterError {
  const where = `${address.label} (node ${address.id})`;
  if (err instanceof RemoteError && err.remoteCode === ErrorCode.AuthFailed)
    return new RouterError(ErrorCode.AuthFailed, `${where} rejected the credentials: ${err.message}`, {
      cause: err,
    });
  if (err instanceof RouterError && connectCodes.has(err.code)) {
    if (err.code !== ErrorCode.AuthFailed || err.message.includes(address.label)) return err;
    return new RouterError(ErrorCode.AuthFailed, `${where} rejected the credentials: ${err.message}`, {
      cause: err,
    });
  }
  if (err instanceof RouterError && err.code === ErrorCode.RequestTimeout)
    return new RouterError(ErrorCode.ConnectTimeout, `${where} did not answer the ${step} in time`, {
      retryable: true,
      cause: err,
    });
  const detail = err instanceof Error ? err.message : String(err);
  return new RouterError(
    ErrorCode.ConnectFailed,
    `connection setup with ${where} failed at the ${step}: ${detail}`,
    {
      retryable: true,
      cause: err,
    },
  );
}
