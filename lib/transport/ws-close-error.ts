import { ErrorCode, RouterError } from '../errors.js';

/** Close codes after which trying again (on this node or another) can help. */
const retryableCodes = new Set([1000, 1001, 1005, 1006, 1011, 1012, 1013, 1014]);

/**
 * The error for requests in flight when a WebSocket closes with `code`: going away, abnormal closure, server
 * error, restart, try again later (1000, 1001, 1005, 1006, 1011-1014) are a retryable `ERR_CONNECTION_LOST`;
 * protocol error, unsupported or invalid data, policy violation, message too big, missing extension
 * (1002, 1003, 1007-1010) and application codes (4000-4999) are a non-retryable `ERR_WS_CLOSED`: the same
 * bytes would be refused again.
 */
export function wsCloseError(code: number, reason: string, where: string): RouterError {
  const detail = `${where} closed the WebSocket with code ${code}${reason ? ` (${reason})` : ''}`;
  if (retryableCodes.has(code)) return new RouterError(ErrorCode.ConnectionLost, detail, { retryable: true });
  return new RouterError(ErrorCode.WebSocketClosed, detail, { retryable: false });
}
