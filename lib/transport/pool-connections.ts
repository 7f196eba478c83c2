import type { ConnectionMeta } from './pick-connection.js';
import type { PoolConnection } from './pool-connection.js';

/**
 * A pool's connections and what it keeps of each: a map for lookups and the same entries in an array, replaced
 * (never changed in place) when a connection comes or goes — so the per-request walks (the pick, the load) run over
 * a plain array without allocating, and any walk stays valid while a connection is added or removed under it.
 */
export class PoolConnections {
  private readonly byConn = new Map<PoolConnection, ConnectionMeta>();
  private list: readonly ConnectionMeta[] = [];

  /** Every connection's entry, in the order they opened. A snapshot: later changes replace it. */
  get all(): readonly ConnectionMeta[] {
    return this.list;
  }

  /** The connections alone. */
  conns(): PoolConnection[] {
    return this.list.map((m) => m.conn);
  }

  get size(): number {
    return this.list.length;
  }

  get(conn: PoolConnection): ConnectionMeta | undefined {
    return this.byConn.get(conn);
  }

  add(meta: ConnectionMeta): void {
    this.byConn.set(meta.conn, meta);
    this.list = [...this.list, meta];
  }

  delete(conn: PoolConnection): void {
    if (this.byConn.delete(conn)) this.list = this.list.filter((m) => m.conn !== conn);
  }

  /** Requests in flight plus leases, over every connection. */
  load(): number {
    const list = this.list;
    let total = 0;
    for (let i = 0; i < list.length; i++) {
      const conn = list[i]!.conn;
      total += conn.inFlight + conn.leases;
    }
    return total;
  }

  /** Requests in flight, over every connection. */
  inFlight(): number {
    let total = 0;
    for (const m of this.list) total += m.conn.inFlight;
    return total;
  }

  /** Connections whose buffered bytes leave no room for a frame of `weight` more. */
  bufferFull(weight: number): number {
    let n = 0;
    for (const { conn } of this.list) {
      const buffered = conn.bufferedBytes;
      if (buffered > 0 && buffered + weight > conn.maxBufferedBytes) n++;
    }
    return n;
  }

  /** Leases out, over every connection. */
  leases(): number {
    let total = 0;
    for (const m of this.list) total += m.conn.leases;
    return total;
  }

  /** Open connections that take new requests (not retiring, not being rotated out). */
  usable(): number {
    let n = 0;
    for (const m of this.list) if (m.conn.isOpen && !m.retiring && !m.rotating) n++;
    return n;
  }

  /** An open connection for a probe: without leases first, then the least loaded. */
  forProbe(): PoolConnection | undefined {
    let best: PoolConnection | undefined;
    for (const { conn, retiring } of this.list) {
      if (!conn.isOpen || retiring) continue;
      if (!best) best = conn;
      else if ((conn.leases === 0) !== (best.leases === 0)) {
        if (conn.leases === 0) best = conn;
      } else if (conn.inFlight < best.inFlight) best = conn;
    }
    return best;
  }
}
