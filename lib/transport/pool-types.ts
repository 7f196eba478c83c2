import type { RouterError } from '../errors.js';
import type { NodeId } from '../types.js';
import type { CloseReason } from './connection.js';

/** Options of a per-node pool (`pool` in the router config). */
export interface PoolOptions {
  /** Connections kept open (warmed at start, never closed for idleness). @defaultValue 1 */
  readonly minConnections?: number;
  /** Connections at most. @defaultValue 4 */
  readonly maxConnections?: number;
  /** Requests in flight per connection before another connection is opened. @defaultValue 256 */
  readonly maxInFlightPerConnection?: number;
  /** An idle connection above `minConnections` is closed after this long. @defaultValue 60000 */
  readonly idleTimeoutMs?: number;
  /** A connection older than this is drained and replaced (its requests are not failed). @defaultValue 1800000 */
  readonly maxLifetimeMs?: number;
  /** Connections being opened at once, at most (no connect storms). @defaultValue 2 */
  readonly maxConnecting?: number;
  /** How long a lease (`getConnection`) may wait for a connection; requests wait until their deadline. @defaultValue 5000 */
  readonly acquireTimeoutMs?: number;
  /**
   * Bytes buffered per connection at most (frames not yet written plus the socket's write buffer): a request
   * that would go over waits for another connection (until its deadline, then a retryable, not-sent
   * `ERR_ACQUIRE_TIMEOUT`). Bounds client memory against a node that stops reading to about
   * `maxConnections × maxBufferedBytesPerConnection`. @defaultValue 4194304 (4 MiB, four maximum-size messages)
   */
  readonly maxBufferedBytesPerConnection?: number;
}

/** A pool's counts, for dashboards and `events$`. */
export interface PoolStats {
  readonly nodeId: NodeId;
  readonly open: number;
  readonly idle: number;
  readonly connecting: number;
  readonly inFlight: number;
  readonly waiting: number;
}

/** What a pool reports as it works (the router turns these into `events$`). */
export type PoolEvent =
  | { readonly type: 'connectionCreated'; readonly nodeId: NodeId; readonly connectionId: number }
  | {
      readonly type: 'connectionClosed';
      readonly nodeId: NodeId;
      readonly connectionId: number;
      readonly reason: CloseReason;
      /** It was leased when it closed (`getConnection`): the holder's, never evidence against the node. */
      readonly leased?: true;
    }
  | { readonly type: 'connectFailed'; readonly nodeId: NodeId; readonly error: RouterError };
