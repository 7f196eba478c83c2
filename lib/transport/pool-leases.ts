import type { SchedulerLike } from 'rxjs';
import type { RouterError } from '../errors.js';
import type { NodeId } from '../types.js';
import type { PoolConnection } from './pool-connection.js';
import type { PoolConnections } from './pool-connections.js';
import { poolErrors } from './pool-errors.js';
import type { PoolLifecycle } from './pool-lifecycle.js';
import type { WaitQueue } from './wait-queue.js';

/** What {@link PoolLeases} is given by its pool (made once per pool). */
export interface PoolLeasesParts {
  readonly nodeId: NodeId;
  readonly scheduler: SchedulerLike;
  readonly connections: PoolConnections;
  readonly life: PoolLifecycle;
  readonly waiters: WaitQueue<PoolConnection>;
  readonly closed: () => boolean;
  /** The least-loaded open connection that can take `weight` more bytes, if any. */
  readonly pick: (weight: number) => PoolConnection | undefined;
  /** Serves waiters (and opens a connection when they need one). */
  readonly pump: () => void;
  /** The connection was used now: serve waiters, or plan its idle expiry. */
  readonly touch: (conn: PoolConnection) => void;
}

/**
 * A pool's leases (the reference client's `getConnection` / check-in): a lease waits in the pool's queue like a
 * request, by its deadline; a connection the pool wanted gone while leased is closed when its last lease is back.
 */
export class PoolLeases {
  private readonly p: PoolLeasesParts;

  constructor(parts: PoolLeasesParts) {
    this.p = parts;
  }

  /** A connection, leased until {@link release} (see `Pool.lease`). */
  lease(timeoutMs: number): Promise<PoolConnection> {
    return new Promise((resolve, reject) => {
      this.acquire(
        (conn) => {
          conn.leases++;
          resolve(conn);
        },
        reject,
        this.p.scheduler.now() + timeoutMs,
      );
    });
  }

  /** Gives a leased connection back (see `Pool.release`). */
  release(conn: PoolConnection): void {
    if (conn.leases > 0) conn.leases--;
    const meta = this.p.connections.get(conn);
    // CMAP check-in: a connection from before the last clear() is closed, reason 'stale'
    const stale = meta !== undefined && meta.generation !== this.p.life.generation;
    if ((stale || meta?.retiring) && conn.leases === 0)
      void conn.close(stale ? 'stale' : (meta?.doomed ?? 'lifetime'));
    this.p.touch(conn);
  }

  private acquire(
    take: (conn: PoolConnection) => void,
    fail: (err: RouterError) => void,
    deadline: number,
  ): void {
    const p = this.p;
    if (p.closed()) {
      fail(poolErrors.closed(p.nodeId));
      return;
    }
    const ready = p.waiters.length === 0 ? p.pick(0) : undefined;
    if (ready) take(ready);
    else {
      p.waiters.add({ take, fail }, deadline, 0);
      p.pump();
    }
  }
}
