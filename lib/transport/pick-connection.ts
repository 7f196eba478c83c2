import type { PoolConnection } from './pool-connection.js';

/** What a pool keeps of each of its connections. */
export interface ConnectionMeta {
  readonly conn: PoolConnection;
  createdAt: number;
  lastUsedAt: number;
  /** Closing for idleness or age (or the node went down): takes no new request. */
  retiring: boolean;
  /** Its credentials are due for refresh: still serving, replaced as soon as a new connection is ready. */
  rotating?: boolean;
  /** Set while leased: the pool wants it gone, and closes it with this reason when the last lease is back. */
  doomed?: 'idle' | 'lifetime' | 'destroyed' | 'stale';
  /** The pool's generation when this connection's connect began (CMAP); older than the pool's: stale. */
  generation: number;
}

/** The per-connection bounds a pick respects. */
export interface PickLimits {
  readonly maxLifetimeMs: number;
  /** Requests in flight (plus leases) per connection. */
  readonly maxInFlight: number;
  /** Bytes buffered per connection (frames not yet written plus the socket's buffer). */
  readonly maxBufferedBytes: number;
}

/**
 * The connection a pool hands its next request to: the least-loaded open one that is under `maxInFlight` and can
 * take `weight` more bytes (a connection with nothing buffered always can); ties go to the most recently used,
 * so the others go idle and can be closed. A connection past `maxLifetimeMs` or its `expiresAt` (credentials) is
 * passed to `expired` (the pool retires it) and skipped. Undefined when none can take the request.
 */
export function pickConnection(
  connections: readonly ConnectionMeta[],
  now: number,
  limits: PickLimits,
  weight: number,
  expired: (conn: PoolConnection, meta: ConnectionMeta) => void,
): PoolConnection | undefined {
  let best: PoolConnection | undefined;
  let bestLoad = 0;
  let bestUsedAt = 0;
  for (let i = 0; i < connections.length; i++) {
    const meta = connections[i]!;
    const conn = meta.conn;
    if (!conn.isOpen || meta.retiring) continue;
    if (now - meta.createdAt >= limits.maxLifetimeMs || now >= (conn.expiresAt ?? Number.POSITIVE_INFINITY)) {
      expired(conn, meta);
      continue;
    }
    const load = conn.inFlight + conn.leases;
    if (load >= Math.min(limits.maxInFlight, conn.maxInFlight)) continue;
    const buffered = conn.bufferedBytes;
    if (buffered > 0 && buffered + weight > Math.min(limits.maxBufferedBytes, conn.maxBufferedBytes))
      continue;
    if (!best || load < bestLoad || (load === bestLoad && meta.lastUsedAt > bestUsedAt)) {
      best = conn;
      bestLoad = load;
      bestUsedAt = meta.lastUsedAt;
    }
  }
  return best;
}
