import { describe, expect, it } from 'vitest';
import { type ExpiryInput, poolExpiry } from '../../../lib/transport/pool-expiry.js';

const limits = { minConnections: 1, idleTimeoutMs: 100, maxLifetimeMs: 1000 };
const item = (
  conn: string,
  lastUsedAt: number,
  load = 0,
  createdAt = 0,
  retiring = false,
): ExpiryInput<string> => ({
  conn,
  createdAt,
  lastUsedAt,
  retiring,
  load,
});

describe('poolExpiry', () => {
  it('closes idle connections above the minimum, longest idle first', () => {
    const items = [item('a', 50), item('b', 10), item('c', 30, 2)];
    expect(poolExpiry.due(items, 200, limits)).toEqual([
      ['b', 'idle'],
      ['a', 'idle'],
    ]);
    expect(poolExpiry.due(items, 120, limits)).toEqual([['b', 'idle']]);
    expect(poolExpiry.due([item('a', 0)], 500, limits)).toEqual([]); // the minimum stays open
  });

  it('a retiring connection (a leased one waiting for its holder) does not count toward the minimum', () => {
    // the leased connection passed its lifetime and waits for its holder; its replacement is the one serving
    const leased = item('leased', 0, 1, 0, true);
    const replacement = item('new', 300, 0, 300);
    expect(poolExpiry.due([leased, replacement], 10_000, limits)).toEqual([['new', 'lifetime']]);
    expect(poolExpiry.due([leased, { ...replacement, createdAt: 9500 }], 10_000, limits)).toEqual([]);
    expect(poolExpiry.next([leased, { ...replacement, createdAt: 9500 }], limits)).toBe(9500 + 1000);
    // a connection being rotated out does not count either, and is left to its replacement
    const rotating = { ...item('old', 0, 0, 9000), rotating: true };
    expect(poolExpiry.due([rotating, item('fresh', 9000, 0, 9000)], 9500, limits)).toEqual([]);
  });

  it('retires connections past their lifetime whatever their load, skipping those already retiring', () => {
    const items = [item('old', 990, 5, 0), item('gone', 0, 0, 0, true), item('young', 990, 0, 500)];
    expect(poolExpiry.due(items, 1000, limits)).toEqual([['old', 'lifetime']]);
  });

  it('next() is the earliest lifetime end or idle deadline that could close something', () => {
    expect(poolExpiry.next([item('a', 50), item('b', 10)], limits)).toBe(110);
    expect(poolExpiry.next([item('a', 50)], limits)).toBe(1000); // not closable: only the lifetime
    expect(poolExpiry.next([item('a', 50, 0, 0, true)], limits)).toBe(Number.POSITIVE_INFINITY);
  });

  it('credentials: rotated from refreshAt (once), retired at expiresAt whatever their load', () => {
    const c = { ...item('c', 990, 3, 0), refreshAt: 300, expiresAt: 400 };
    expect(poolExpiry.next([c], limits)).toBe(300);
    expect(poolExpiry.due([c], 299, limits)).toEqual([]);
    expect(poolExpiry.due([c], 300, limits)).toEqual([['c', 'rotate']]);
    const rotating = { ...c, rotating: true };
    expect(poolExpiry.next([rotating], limits)).toBe(400);
    expect(poolExpiry.due([rotating], 399, limits)).toEqual([]); // already being replaced: not again
    expect(poolExpiry.due([rotating], 400, limits)).toEqual([['c', 'lifetime']]);
  });
});
