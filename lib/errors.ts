/**
 * Every error qdb-router raises is a {@link RouterError}: it carries a stable `code` (branch on it, never on the
 * message) and says whether trying again — on this node or another — can help (`retryable`).
 */

/** Stable error codes. New codes may be added; existing ones never change meaning. */
export const ErrorCode = {
  Config: 'ERR_CONFIG',
  WireChecksum: 'ERR_WIRE_CHECKSUM',
  WireFrameTooLarge: 'ERR_WIRE_FRAME_TOO_LARGE',
  WireUnknownType: 'ERR_WIRE_UNKNOWN_TYPE',
  WireUnknownFlag: 'ERR_WIRE_UNKNOWN_FLAG',
  WireTruncated: 'ERR_WIRE_TRUNCATED',
  WireTrailingBytes: 'ERR_WIRE_TRAILING_BYTES',
  WireIntegerRange: 'ERR_WIRE_INTEGER_RANGE',
  WireCompression: 'ERR_WIRE_COMPRESSION',
  /** A bincode admin payload (`Request`/`Response`) that does not decode: an unknown variant, invalid UTF-8. */
  WireBincode: 'ERR_WIRE_BINCODE',
  ConnectTimeout: 'ERR_CONNECT_TIMEOUT',
  ConnectRefused: 'ERR_CONNECT_REFUSED',
  ConnectFailed: 'ERR_CONNECT_FAILED',
  Tls: 'ERR_TLS',
  WebSocketClosed: 'ERR_WS_CLOSED',
  ConnectionLost: 'ERR_CONNECTION_LOST',
  ConnectionClosed: 'ERR_CONNECTION_CLOSED',
  RequestTimeout: 'ERR_REQUEST_TIMEOUT',
  TooManyInFlight: 'ERR_TOO_MANY_IN_FLIGHT',
  PoolClosed: 'ERR_POOL_CLOSED',
  AcquireTimeout: 'ERR_ACQUIRE_TIMEOUT',
  Remote: 'ERR_REMOTE',
  NoEligibleNode: 'ERR_NO_ELIGIBLE_NODE',
  RouterClosed: 'ERR_ROUTER_CLOSED',
  /** A request payload that is not a Uint8Array, a string or an ArrayBufferView (not retryable, nothing sent). */
  InvalidPayload: 'ERR_INVALID_PAYLOAD',
  /** A node broke the protocol (a reply of the wrong type, an unknown sequence, a malformed Error payload). */
  Protocol: 'ERR_PROTOCOL',
  /** A connection's write buffer is full (`maxBufferedBytes`); the request was not sent (retryable). */
  Backpressure: 'ERR_BACKPRESSURE',
  /**
   * A node rejected the router's credentials during connection setup (not retryable: the same credentials will be
   * rejected again; nothing was sent). The node is shown `unusable` with reason `auth`, not down.
   */
  AuthFailed: 'ERR_AUTH_FAILED',
  /**
   * The credentials provider failed, returned something that is not `Credentials`, or credentials already past
   * their `expiresAt` (retryable: a later call may succeed; no node's fault, so no health signal — nodes are not
   * marked down for an outage of the token service). The message names the cause.
   */
  CredentialsUnavailable: 'ERR_CREDENTIALS',
  /** `request(payload, { signal })` was aborted by its signal (not retryable; `cause` is `signal.reason`). */
  Aborted: 'ERR_ABORTED',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Options of every {@link RouterError}. */
export interface RouterErrorOptions {
  /** Whether trying again can help. @defaultValue false */
  readonly retryable?: boolean;
  /** The underlying error, if any. */
  readonly cause?: unknown;
}

/**
 * What the router knew about one node when a request gave up (`NoEligibleNodeError.nodes`, and `nodes` of a
 * request's last error once its retries ran out): plain data, so `JSON.stringify(err.nodes)` logs it as it reads.
 */
export interface NodeReport {
  readonly nodeId: number;
  /** The node's address as configured (`127.0.0.1:7000`, `tls://db1:7443` …). */
  readonly address: string;
  /** Its health status (`down`, `joining` …), or `null` before the router's first health snapshot. */
  readonly status: string | null;
  /** Why it has that status (`connect`, `probe`, `passive`, `manual` …), or `null`. */
  readonly reason: string | null;
  /** Held out by `markNodeUnhealthy`. */
  readonly manual: boolean;
  /** The code of the node's last error, or `null` if none yet. */
  readonly code: string | null;
  /** That error's message, or `null`. */
  readonly message: string | null;
}

/** The base of every error qdb-router raises. */
export class RouterError extends Error {
  override readonly name: string = 'RouterError';
  readonly code: string;
  readonly retryable: boolean;
  /**
   * Set on the error a request fails with when a retry every other rule allowed was refused: `'budget'` — the
   * shared retry budget (`retry.budget`) could not pay for it. Absent otherwise. (An `events$` `retryRefused`
   * event says the same.)
   */
  declare readonly retryRefused?: 'budget';
  /**
   * Set on the error a request fails with when it gave up after retrying (its retries, its deadline or the retry
   * budget ran out): each node it tried, with that node's status and the request's last error there (the message
   * lists them too, below its first line). Always set on `NoEligibleNodeError` (every node). Absent otherwise.
   */
  declare readonly nodes?: readonly NodeReport[];

  constructor(code: string, message: string, options: RouterErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryable = options.retryable ?? false;
  }
}

/** A configuration value is invalid; `field` is its dotted path (`pool.maxConnections`). */
export class ConfigError extends RouterError {
  override readonly name = 'ConfigError';
  readonly field: string;
  readonly value: unknown;

  constructor(field: string, value: unknown, expected: string) {
    super(ErrorCode.Config, `invalid config: ${field} = ${describe(value)}; expected ${expected}`);
    this.field = field;
    this.value = value;
  }
}

/** An Error message a node sent back; `remoteCode` is the code in its payload. */
export class RemoteError extends RouterError {
  override readonly name = 'RemoteError';
  readonly remoteCode: string;
  readonly nodeId: number | undefined;

  constructor(remoteCode: string, message: string, retryable: boolean, nodeId?: number) {
    super(ErrorCode.Remote, `node ${nodeId ?? '?'} replied ${remoteCode}: ${message}`, { retryable });
    this.remoteCode = remoteCode;
    this.nodeId = nodeId;
  }
}

/**
 * A request that got no reply by its deadline (`ERR_REQUEST_TIMEOUT`, retryable). `onConnectionMs` is how long it
 * had been on its connection when it timed out — the time the node had to answer it (waiting in the pool for a
 * connection excluded), which is what health feedback judges a node by.
 */
export class RequestTimeoutError extends RouterError {
  override readonly name = 'RequestTimeoutError';
  readonly onConnectionMs: number;

  constructor(message: string, onConnectionMs: number) {
    super(ErrorCode.RequestTimeout, message, { retryable: true });
    this.onConnectionMs = onConnectionMs;
  }
}

/** True when `err` is a {@link RouterError} that says trying again can help. */
export function isRetryable(err: unknown): boolean {
  return err instanceof RouterError && err.retryable;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
