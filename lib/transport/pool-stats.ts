import type { NodeId } from '../types.js';
import type { PoolConnection } from './pool-connection.js';
import type { PoolStats } from './pool-types.js';

/** A pool's counts: open and idle connections (no request in flight, no lease), connects, requests, waiters. */
export function poolStats(
  nodeId: NodeId,
  connections: Iterable<PoolConnection>,
  connecting: number,
  waiting: number,
): PoolStats {
  let open = 0;
  let inFlight = 0;
  let idle = 0;
  for (const conn of connections) {
    open++;
    inFlight += conn.inFlight;
    if (conn.inFlight + conn.leases === 0) idle++;
  }
  return { nodeId, open, idle, connecting, inFlight, waiting };
}
