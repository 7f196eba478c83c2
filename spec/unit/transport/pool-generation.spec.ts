import { VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { RouterError } from '../../../lib/errors.js';
import { advanceTo } from '../../../lib/testing/advance-to.js';
import { memoryConnector } from '../../../lib/testing/memory-connector.js';
import { Pool } from '../../../lib/transport/pool.js';
import type { PoolConnection } from '../../../lib/transport/pool-connection.js';
import type { PoolEvent, PoolOptions } from '../../../lib/transport/pool-types.js';
import { MessageType } from '../../../lib/wire/message.js';

// MongoDB's CMAP spec, stale connections (docs/api.md, "Pool generation"): the pool's generation is bumped on
// clear(); a connection from an older generation is closed on check-in (release), skipped on check-out (lease or
// send) and reported connectionClosed with reason 'stale'. lease() is CMAP's checkOut, release() its checkIn.
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
const payload = new Uint8Array([1, 2, 3]);

function setup(options: PoolOptions = {}, connectMs = 0) {
  const scheduler = new VirtualTimeScheduler();
  const memory = memoryConnector({ scheduler, latencyMs: () => 5, connectMs: () => connectMs });
  const log: string[] = [];
  const pool = new Pool(
    1,
    (signal) => memory.connect(1, signal),
    { minConnections: 0, ...options },
    scheduler,
    (e: PoolEvent) =>
      log.push(
        e.type === 'connectionClosed'
          ? `closed ${e.connectionId} ${e.reason}`
          : e.type === 'connectionCreated'
            ? `created ${e.connectionId}`
            : e.type,
      ),
  );
  const step = async (t: number) => {
    await settle();
    advanceTo(scheduler, t);
    await settle();
  };
  const checkOut = async (t: number) => {
    let conn: PoolConnection | undefined;
    void pool.lease().then((c) => {
      conn = c;
      log.push(`checkedOut ${c.id}`);
    });
    await step(t);
    if (!conn) throw new Error('no connection checked out');
    return conn;
  };
  const checkIn = (conn: PoolConnection) => {
    log.push(`checkedIn ${conn.id}`);
    pool.release(conn);
  };
  const clear = () => {
    log.push('cleared');
    pool.clear();
  };
  return { pool, log, step, checkOut, checkIn, clear };
}

describe('Pool generation (CMAP stale connections)', () => {
  it('pool-checkin-destroy-stale: a connection checked out before clear() is closed as stale on check-in', async () => {
    const { pool, log, step, checkOut, checkIn, clear } = setup();
    expect(pool.generation).toBe(0);
    const conn = await checkOut(1);
    clear();
    expect(pool.generation).toBe(1);
    await step(2);
    expect(conn.isOpen).toBe(true); // never destroyed under its holder
    checkIn(conn);
    await step(3);
    expect(conn.isOpen).toBe(false);
    const id = conn.id;
    expect(log).toEqual([
      `created ${id}`,
      `checkedOut ${id}`,
      'cleared',
      `checkedIn ${id}`,
      `closed ${id} stale`,
    ]);
  });

  it('pool-checkout-no-stale: after clear(), check-out never returns a connection from before it', async () => {
    const { pool, log, step, checkOut, checkIn, clear } = setup();
    const first = await checkOut(1);
    checkIn(first);
    await step(2);
    clear();
    const second = await checkOut(3);
    expect(second.id).not.toBe(first.id);
    expect(first.isOpen).toBe(false);
    // (the close is reported once the connection has closed, which may come after the new check-out)
    expect(log.filter((l) => l !== `closed ${first.id} stale`)).toEqual([
      `created ${first.id}`,
      `checkedOut ${first.id}`,
      `checkedIn ${first.id}`,
      'cleared',
      `created ${second.id}`,
      `checkedOut ${second.id}`,
    ]);
    expect(log.indexOf(`closed ${first.id} stale`)).toBeGreaterThan(log.indexOf('cleared'));
    checkIn(second);
    await step(4);
    expect(second.isOpen).toBe(true); // the current generation's connection stays
    expect(pool.stats.open).toBe(1);
  });

  it('a connect in progress during clear() completes stale: reported, closed, never handed out', async () => {
    const { pool, log, step, checkOut, clear } = setup({}, 50);
    let first: PoolConnection | undefined;
    void pool.lease().then((c) => (first = c));
    await step(10); // connecting
    clear();
    await step(60); // the first connect completes (stale); a second one begins
    await step(120);
    expect(first).toBeDefined();
    const conn = await checkOut(130);
    expect(first).toBe(conn); // the waiter got the connection of the new generation
    const [cleared, created1, closed1, created2] = log;
    expect(cleared).toBe('cleared');
    expect(created1).toMatch(/^created \d+$/);
    const staleId = created1!.split(' ')[1];
    expect(closed1).toBe(`closed ${staleId} stale`);
    expect(created2).toBe(`created ${conn.id}`);
    expect(String(conn.id)).not.toBe(staleId);
  });

  it('requests: an idle connection closes as stale at clear(); one with requests in flight is destroyed; the next request opens a new one', async () => {
    const { pool, log, step } = setup({ maxConnections: 2, maxInFlightPerConnection: 1 });
    const results: Array<RouterError | undefined> = [];
    const send = () => pool.send(MessageType.Data, payload, 10_000, (e) => results.push(e));
    send();
    send();
    await step(20); // two connections, both idle again
    send(); // in flight on one of them
    await step(21);
    pool.clear();
    await step(22);
    const reasons = log.filter((l) => l.startsWith('closed')).map((l) => l.split(' ')[2]);
    expect(reasons.sort()).toEqual(['destroyed', 'stale']);
    expect(results.filter((e) => e !== undefined)).toHaveLength(1); // the one in flight failed at once
    send();
    await step(60);
    expect(results.at(-1)).toBeUndefined();
    expect(log.filter((l) => l.startsWith('created'))).toHaveLength(3);
  });
});
