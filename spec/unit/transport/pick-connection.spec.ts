import { describe, expect, it } from 'vitest';
import { type ConnectionMeta, pickConnection } from '../../../lib/transport/pick-connection.js';
import type { PoolConnection } from '../../../lib/transport/pool-connection.js';

const conn = (id: number, inFlight: number, bufferedBytes = 0, isOpen = true) =>
  ({
    id,
    inFlight,
    leases: 0,
    isOpen,
    maxInFlight: 1024,
    bufferedBytes,
    maxBufferedBytes: 1000,
  }) as PoolConnection;
type Meta = Omit<ConnectionMeta, 'conn'>;
/** The pool's list of entries, each naming its connection. */
const list = (map: Map<PoolConnection, Meta>): ConnectionMeta[] =>
  [...map].map(([c, m]) => ({ ...m, conn: c }));
const meta = (createdAt: number, lastUsedAt: number, retiring = false): Meta => ({
  createdAt,
  lastUsedAt,
  retiring,
  generation: 0,
});
const limits = { maxLifetimeMs: 1000, maxInFlight: 4, maxBufferedBytes: 1000 };

describe('pickConnection', () => {
  it('least loaded first; ties to the most recently used', () => {
    const a = conn(1, 2);
    const b = conn(2, 1);
    const c = conn(3, 1);
    const map = new Map<PoolConnection, Meta>([
      [a, meta(0, 50)],
      [b, meta(0, 10)],
      [c, meta(0, 20)],
    ]);
    expect(pickConnection(list(map), 100, limits, 10, () => {})?.id).toBe(3);
  });

  it('skips full, closed, retiring and over-buffered connections; retires expired ones', () => {
    const full = conn(1, 4);
    const closed = conn(2, 0, 0, false);
    const retiring = conn(3, 0);
    const buffered = conn(4, 0, 900);
    const old = conn(5, 0);
    const map = new Map<PoolConnection, Meta>([
      [full, meta(0, 0)],
      [closed, meta(0, 0)],
      [retiring, meta(0, 0, true)],
      [buffered, meta(0, 0)],
      [old, meta(-2000, 0)],
    ]);
    const expired: number[] = [];
    expect(pickConnection(list(map), 100, limits, 200, (c) => expired.push(c.id))).toBeUndefined();
    expect(expired).toEqual([5]);
    // a connection with something buffered takes a frame that still fits
    expect(pickConnection(list(map), 100, limits, 50, () => {})?.id).toBe(4);
  });

  it('a connection past its credentials expiresAt takes nothing and is retired; a rotating one still serves', () => {
    const expiring = { ...conn(1, 0), expiresAt: 100 } as PoolConnection;
    const rotating = conn(2, 1);
    const map = new Map<PoolConnection, Meta>([
      [expiring, meta(0, 50)],
      [rotating, { ...meta(0, 10), rotating: true }],
    ]);
    expect(pickConnection(list(map), 99, limits, 10, () => {})?.id).toBe(1);
    const expired: number[] = [];
    expect(pickConnection(list(map), 100, limits, 10, (c) => expired.push(c.id))?.id).toBe(2);
    expect(expired).toEqual([1]);
  });
});
