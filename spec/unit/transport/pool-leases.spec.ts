import { lastValueFrom, VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { ErrorCode, RouterError } from '../../../lib/errors.js';
import { advanceTo } from '../../../lib/testing/advance-to.js';
import { memoryConnector } from '../../../lib/testing/memory-connector.js';
import { Pool } from '../../../lib/transport/pool.js';
import type { PoolEvent, PoolOptions } from '../../../lib/transport/pool-types.js';
import { MessageType } from '../../../lib/wire/message.js';

// Leases (getConnection) are their holders': probes never wait behind them, and the pool never destroys a leased
// connection under its holder (docs/api.md, "Leases").
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
const payload = new Uint8Array([1, 2, 3]);

function setup(options: PoolOptions = {}, latencyMs = 10) {
  const scheduler = new VirtualTimeScheduler();
  const memory = memoryConnector({ scheduler, latencyMs: () => latencyMs, maxInFlight: 1 });
  const events: PoolEvent[] = [];
  const pool = new Pool(
    1,
    (signal) => memory.connect(1, signal),
    options,
    scheduler,
    (e) => events.push(e),
  );
  const step = async (t: number) => {
    await settle();
    advanceTo(scheduler, t);
    await settle();
  };
  return { scheduler, memory, pool, events, step };
}

/** Settles a promise in virtual time: runs the clock to `t` and reports how it ended. */
async function outcome<T>(p: Promise<T>, step: (t: number) => Promise<void>, t: number) {
  let result: { ok: T } | { err: unknown } | undefined;
  p.then(
    (ok) => (result = { ok }),
    (err) => (result = { err }),
  );
  await step(t);
  return result;
}

describe('Pool leases', () => {
  it('acquire timeouts say what held the pool: a lease is not a request; a lease wait is worded as one', async () => {
    const { pool, step } = setup({ minConnections: 1, maxConnections: 1, maxInFlightPerConnection: 1 }, 1);
    const first = await outcome(pool.lease(), step, 2);
    expect(first).toHaveProperty('ok');
    const errors: Error[] = [];
    pool.send(MessageType.Data, payload, 50, (err) => err && errors.push(err));
    const second = outcome(pool.lease(100), step, 200);
    await step(200);
    const leaseErr = ((await second) as { err: Error }).err;
    expect(errors[0]!.message).toBe(
      'no connection to node 1 could take the request by its deadline (not sent): 1 open of 1, ' +
        '0 requests in flight (at most 1 per connection, leases included), 1 leased, 0 connecting, 1 waiting',
    );
    expect(leaseErr.message).toMatch(
      /^no connection to node 1 could be leased by the deadline: 1 open of 1, .*1 leased/,
    );
    const closed = pool.close();
    await step(10_000);
    await closed;
  });

  it("a lease held past its connection's lifetime: ONE replacement opens and stays (no open/close churn)", async () => {
    const { pool, step, events } = setup({ minConnections: 1, maxLifetimeMs: 200, idleTimeoutMs: 100 }, 1);
    const got = await outcome(pool.lease(), step, 2);
    const leased = (got as { ok: Awaited<ReturnType<typeof pool.lease>> }).ok;
    expect(leased).toBeDefined();
    // 2 s with the lease held and no traffic: the leased connection is retired at 200 ms (closed on return)
    for (let t = 50; t <= 2000; t += 50) await step(t);
    const opened = events.filter((e) => e.type === 'connectionCreated').length;
    const idleClosed = events.filter((e) => e.type === 'connectionClosed' && e.reason === 'idle').length;
    // the first connection, its replacement at 200 ms, and each later lifetime replacement (200 ms apart)
    expect(idleClosed).toBe(0);
    expect(opened).toBeLessThanOrEqual(1 + 2000 / 200);
    pool.release(leased);
    await step(2100);
    expect(pool.stats.open).toBe(1);
    const closed = pool.close();
    await step(10_000);
    await closed;
  });

  it('two leases fill a 2 × 1 pool with requests in flight: a probe still goes out at once and is answered', async () => {
    const { pool, step, memory } = setup(
      { minConnections: 2, maxConnections: 2, maxInFlightPerConnection: 1 },
      10,
    );
    await step(0);
    const a = (await outcome(pool.lease(), step, 0)) as {
      ok: import('../../../lib/transport/pool-connection.js').PoolConnection;
    };
    const b = (await outcome(pool.lease(), step, 0)) as typeof a;
    expect(a.ok).not.toBe(b.ok);
    // each holder has a slow request in flight on its connection (the connection is at its in-flight bound)
    const held = [
      a.ok.request$(payload, MessageType.Data, 1000),
      b.ok.request$(payload, MessageType.Data, 1000),
    ];
    const replies = held.map((r) => lastValueFrom(r));
    await step(1);
    const pong = await outcome(lastValueFrom(pool.probe$(100)), step, 20);
    expect(pong).toMatchObject({ ok: { type: MessageType.Pong } });
    expect(memory.opened).toHaveLength(2); // no third connection: the probe took its reserved slot
    await step(50);
    await Promise.all(replies);
  });

  it('a probe prefers a connection without leases', async () => {
    const { pool, step, memory } = setup({ minConnections: 2, maxConnections: 2 }, 5);
    await step(0);
    const leased = (await outcome(pool.lease(), step, 0)) as { ok: { id: number } };
    await outcome(lastValueFrom(pool.probe$(100)), step, 10);
    const pinged = memory.opened.find((c) => c.id !== leased.ok.id)!;
    expect(pinged.requests).toBe(1);
    expect(memory.opened.find((c) => c.id === leased.ok.id)!.requests).toBe(0);
  });

  it('clear() (the node went down) never destroys a leased connection: it serves its holder, takes nothing new, and closes when returned', async () => {
    const { pool, step, events } = setup({ minConnections: 2, maxConnections: 2 }, 5);
    await step(0);
    const lease = (await outcome(pool.lease(), step, 0)) as {
      ok: import('../../../lib/transport/pool-connection.js').PoolConnection;
    };
    const conn = lease.ok;
    pool.clear();
    await step(1);
    expect(events.filter((e) => e.type === 'connectionClosed')).toHaveLength(1); // the unleased one only
    expect(conn.isOpen).toBe(true);
    // the holder's requests still succeed
    const reply = await outcome(lastValueFrom(conn.request$(payload, MessageType.Data, 100)), step, 20);
    expect(reply).toMatchObject({ ok: { type: MessageType.Data } });
    // the pool gives it no new request: a pool request opens a fresh connection
    let err: RouterError | undefined | 'pending' = 'pending';
    pool.send(MessageType.Data, payload, 500, (e) => (err = e));
    await step(40);
    expect(err).toBeUndefined();
    expect(pool.stats.open).toBe(3); // two fresh ones (minConnections) and the leased one, on its way out
    pool.release(conn);
    await step(60);
    expect(conn.isOpen).toBe(false);
    expect(
      events.filter((e) => e.type === 'connectionClosed').map((e) => (e as { reason: string }).reason),
    ).toEqual(['stale', 'stale']); // CMAP: both are from before the clear (the idle one at once, this one at check-in)
  });

  it('a leased connection past maxLifetimeMs is not closed under its holder: it is retired when returned', async () => {
    const { pool, step } = setup({ minConnections: 1, maxConnections: 2, maxLifetimeMs: 100 }, 5);
    await step(0);
    const lease = (await outcome(pool.lease(), step, 0)) as {
      ok: import('../../../lib/transport/pool-connection.js').PoolConnection;
    };
    await step(150);
    pool.send(MessageType.Data, payload, 1000, () => {}); // a pick sees the expired connection
    await step(200);
    expect(lease.ok.isOpen).toBe(true);
    expect(await outcome(lastValueFrom(lease.ok.request$(payload)), step, 210)).toMatchObject({
      ok: { type: MessageType.Data },
    });
    pool.release(lease.ok);
    await step(300);
    expect(lease.ok.isOpen).toBe(false);
  });

  it('evacuate() leaves a leased connection alone; a leased connection that breaks is reported leased', async () => {
    const { pool, step, events, memory } = setup({ minConnections: 1, maxConnections: 1 }, 50);
    await step(0);
    const lease = (await outcome(pool.lease(), step, 0)) as {
      ok: import('../../../lib/transport/pool-connection.js').PoolConnection;
    };
    const mine = lastValueFrom(lease.ok.request$(payload, MessageType.Data, 1000));
    pool.evacuate(new RouterError(ErrorCode.NoEligibleNode, 'moved', { retryable: true }));
    expect(await outcome(mine, step, 60)).toMatchObject({ ok: { type: MessageType.Data } });
    memory.opened[0]!.drop();
    await step(70);
    expect(events.at(-1)).toMatchObject({ type: 'connectionClosed', reason: 'lost', leased: true });
  });
});
