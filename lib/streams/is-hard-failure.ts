import { ErrorCode, RouterError } from '../errors.js';

const hard = new Set<string>([
  ErrorCode.ConnectRefused,
  ErrorCode.ConnectionLost,
  ErrorCode.ConnectFailed,
  ErrorCode.Tls,
]);

/**
 * True for failures that say the node itself is gone — a refused, reset or lost connection — which take a
 * node out at once. Timeouts and error replies are soft: they count toward `fall` / `passiveFall`.
 */
export function isHardFailure(error: unknown): boolean {
  return error instanceof RouterError && hard.has(error.code);
}
