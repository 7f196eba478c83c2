/** What the expiry rules need to know of one pooled connection. */
export interface ExpiryInput<C> {
  readonly conn: C;
  readonly createdAt: number;
  readonly lastUsedAt: number;
  readonly retiring: boolean;
  /** Requests in flight plus leases. */
  readonly load: number;
  /** Scheduler time from which it is replaced (`rotate`: a new connection opens first), if its credentials expire. */
  readonly refreshAt?: number;
  /** Scheduler time when its credentials end: retired then (`lifetime`) whatever else. */
  readonly expiresAt?: number;
  /** Already being replaced. */
  readonly rotating?: boolean;
}

/** The pool's limits, as in `PoolOptions`. */
export interface ExpiryLimits {
  readonly minConnections: number;
  readonly idleTimeoutMs: number;
  readonly maxLifetimeMs: number;
}

/**
 * The pool's expiry rules as pure functions. A connection past `maxLifetimeMs` or its credentials' `expiresAt` is
 * retired (drained, not failed); one past its `refreshAt` is rotated (replaced by a new one, opened first); an idle one (no load) past `idleTimeoutMs` is closed while more than `minConnections` are open,
 * the longest idle first.
 */
export const poolExpiry = {
  /** Which connections to retire now, and why. */
  due<C>(
    items: readonly ExpiryInput<C>[],
    now: number,
    limits: ExpiryLimits,
  ): Array<[C, 'idle' | 'lifetime' | 'rotate']> {
    const out: Array<[C, 'idle' | 'lifetime' | 'rotate']> = [];
    // only connections that keep serving count toward minConnections (as `warm` counts them): one retiring
    // (a leased one waits for its holder) or being rotated out is already on its way, and counting it made the
    // pool close its replacement as surplus, open another, close that … for as long as the lease was held
    let surplus = serving(items) - limits.minConnections;
    const byIdle = [...items].sort((a, b) => a.lastUsedAt - b.lastUsedAt);
    for (const item of byIdle) {
      if (item.retiring) continue;
      if (now - item.createdAt >= limits.maxLifetimeMs || now >= (item.expiresAt ?? Infinity)) {
        out.push([item.conn, 'lifetime']);
        if (!item.rotating) surplus--;
      } else if (!item.rotating && now >= (item.refreshAt ?? Infinity)) {
        out.push([item.conn, 'rotate']);
        surplus--;
      } else if (
        !item.rotating &&
        surplus > 0 &&
        item.load === 0 &&
        now - item.lastUsedAt >= limits.idleTimeoutMs
      ) {
        surplus--;
        out.push([item.conn, 'idle']);
      }
    }
    return out;
  },

  /** When the next connection will be due (Infinity when none will). */
  next<C>(items: readonly ExpiryInput<C>[], limits: ExpiryLimits): number {
    let next = Number.POSITIVE_INFINITY;
    const closable = serving(items) > limits.minConnections;
    for (const item of items) {
      if (item.retiring) continue;
      next = Math.min(next, item.createdAt + limits.maxLifetimeMs, item.expiresAt ?? Infinity);
      if (!item.rotating) next = Math.min(next, item.refreshAt ?? Infinity);
      if (closable && item.load === 0) next = Math.min(next, item.lastUsedAt + limits.idleTimeoutMs);
    }
    return next;
  },
};

/** Connections that keep serving: neither retiring nor being rotated out. */
function serving<C>(items: readonly ExpiryInput<C>[]): number {
  let n = 0;
  for (const item of items) if (!item.retiring && !item.rotating) n++;
  return n;
}
