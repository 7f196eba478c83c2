import { lastValueFrom, VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { ErrorCode, RouterError } from '../../../lib/errors.js';
import { advanceTo } from '../../../lib/testing/advance-to.js';
import { memoryConnector } from '../../../lib/testing/memory-connector.js';
import { Pool } from '../../../lib/transport/pool.js';
import type { PoolOptions } from '../../../lib/transport/pool-types.js';
import { MessageType } from '../../../lib/wire/message.js';

/** Lets pending promise callbacks (connects, closes) run; no time passes. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
const payload = new Uint8Array([1, 2, 3]);

function setup(options: PoolOptions = {}, latencyMs = 10, refuse = false, connectMs = 0) {
  const scheduler = new VirtualTimeScheduler();
  const memory = memoryConnector({
    scheduler,
    latencyMs: () => latencyMs,
    refuse: () => refuse,
    connectMs: () => connectMs,
    highWaterMark: 1024,
    record: true,
  });
  const events: string[] = [];
  const pool = new Pool(
    1,
    (signal) => memory.connect(1, signal),
    options,
    scheduler,
    (e) => events.push(e.type === 'connectionClosed' ? `closed:${e.reason}` : e.type),
  );
  const results: Array<RouterError | undefined> = [];
  const send = () => pool.send(MessageType.Data, payload, scheduler.now() + 5000, (err) => results.push(err));
  return { scheduler, memory, pool, events, results, send };
}

describe('Pool', () => {
  it('reuses one connection for sequential requests', async () => {
    const { scheduler, memory, pool, results, send } = setup();
    for (let i = 0; i < 5; i++) {
      send();
      await settle();
      advanceTo(scheduler, (i + 1) * 100);
    }
    expect(results).toEqual([undefined, undefined, undefined, undefined, undefined]);
    expect(memory.opened).toHaveLength(1);
    expect(memory.opened[0]!.requests).toBe(5);
    expect(pool.stats).toMatchObject({ open: 1, idle: 1, inFlight: 0, waiting: 0 });
  });

  it('opens another connection only when every open one is at its in-flight bound, up to max', async () => {
    const { scheduler, memory, pool, results, send } = setup({
      maxInFlightPerConnection: 2,
      maxConnections: 3,
    });
    for (let i = 0; i < 10; i++) send();
    expect(pool.stats.connecting).toBe(2); // never more than two connects at once
    await settle();
    await settle();
    expect(memory.opened).toHaveLength(3);
    expect(Math.max(...memory.opened.map((c) => c.inFlight))).toBeLessThanOrEqual(2);
    expect(pool.stats.waiting).toBe(4);
    // frames leave in a microtask after each send: let them between the steps of virtual time
    for (const t of [10, 20, 30]) {
      advanceTo(scheduler, t);
      await settle();
    }
    expect(results).toHaveLength(10);
    expect(results.every((r) => r === undefined)).toBe(true);
    expect(memory.opened).toHaveLength(3);
  });

  it('fails a waiter at its deadline with a retryable ERR_ACQUIRE_TIMEOUT', async () => {
    const { pool, scheduler, results } = setup({ maxInFlightPerConnection: 1, maxConnections: 1 }, 1000);
    pool.send(MessageType.Data, payload, 5000, (err) => results.push(err));
    pool.send(MessageType.Data, payload, 50, (err) => results.push(err));
    await settle();
    advanceTo(scheduler, 49);
    expect(results).toEqual([]);
    advanceTo(scheduler, 50);
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ code: ErrorCode.AcquireTimeout, retryable: true });
    // the message says why: the node, and what its pool held at that moment
    expect((results[0] as Error).message).toBe(
      'no connection to node 1 could take the request by its deadline (not sent): 1 open of 1, ' +
        '1 requests in flight (at most 1 per connection, leases included), 0 connecting, 0 waiting',
    );
    expect(pool.stats.waiting).toBe(0);
  });

  it('closes idle connections above minConnections after idleTimeoutMs, keeping the minimum', async () => {
    const { scheduler, memory, pool, events, send } = setup({
      minConnections: 1,
      maxInFlightPerConnection: 1,
      idleTimeoutMs: 1000,
    });
    send();
    send();
    send();
    await settle();
    await settle();
    advanceTo(scheduler, 10);
    await settle();
    advanceTo(scheduler, 20);
    expect(memory.opened).toHaveLength(3);
    advanceTo(scheduler, 1009);
    await settle();
    expect(pool.stats.open).toBe(3);
    advanceTo(scheduler, 1020);
    await settle();
    expect(pool.stats.open).toBe(1);
    expect(events).toContain('closed:idle');
    advanceTo(scheduler, 10_000);
    await settle();
    expect(pool.stats.open).toBe(1);
  });

  it('recycles a connection past maxLifetimeMs without failing its requests', async () => {
    const { scheduler, memory, pool, events, results, send } = setup({ maxLifetimeMs: 500 }, 100);
    send();
    await settle();
    advanceTo(scheduler, 450);
    send(); // in flight on the old connection when its lifetime ends
    advanceTo(scheduler, 500);
    await settle();
    advanceTo(scheduler, 600);
    await settle();
    expect(results).toEqual([undefined, undefined]);
    expect(events).toContain('closed:lifetime');
    expect(memory.opened.length).toBe(2);
    expect(pool.stats.open).toBe(1);
  });

  it('hands a returned connection out next (getConnection / returnConnection)', async () => {
    const { scheduler, pool } = setup({ maxConnections: 2 });
    const first = pool.lease();
    await settle();
    const conn = await first;
    pool.release(conn);
    advanceTo(scheduler, 100);
    const again = await pool.lease();
    expect(again.id).toBe(conn.id);
    expect(again.leases).toBe(1);
    pool.release(again);
    expect(again.leases).toBe(0);
  });

  it('fails every waiter with the connect error when the node refuses and nothing else can serve', async () => {
    const { pool, results, send, events } = setup({}, 10, true);
    send();
    send();
    await settle();
    expect(results.map((r) => r?.code)).toEqual([ErrorCode.ConnectRefused, ErrorCode.ConnectRefused]);
    expect(events).toContain('connectFailed');
    expect(pool.stats.waiting).toBe(0);
  });

  it('cancelling a waiting request frees its place in the queue', async () => {
    const { pool, results } = setup({ maxInFlightPerConnection: 1, maxConnections: 1 }, 1000);
    pool.send(MessageType.Data, payload, 5000, (e) => results.push(e));
    const cancel = pool.send(MessageType.Data, payload, 5000, (e) => results.push(e));
    await settle();
    expect(pool.stats.waiting).toBe(1);
    cancel();
    expect(pool.stats.waiting).toBe(0);
  });

  it('close() fails waiters with ERR_POOL_CLOSED, drains in-flight requests and leaves no timer', async () => {
    const { scheduler, pool, results, memory } = setup(
      { maxInFlightPerConnection: 1, maxConnections: 1 },
      100,
    );
    pool.send(MessageType.Data, payload, 5000, (e) => results.push(e));
    pool.send(MessageType.Data, payload, 5000, (e) => results.push(e));
    await settle();
    const closing = pool.close();
    expect(results.map((r) => r?.code)).toEqual([ErrorCode.PoolClosed]);
    advanceTo(scheduler, 100);
    await closing;
    expect(results).toEqual([expect.objectContaining({ code: ErrorCode.PoolClosed }), undefined]);
    expect(memory.opened[0]!.closeReason).toBe('closed');
    expect(scheduler.actions).toHaveLength(0);
    await expect(lastValueFrom(pool.request$(payload))).rejects.toMatchObject({ code: ErrorCode.PoolClosed });
  });

  it('warm() honours maxConnecting: minConnections 3 with maxConnecting 1 opens them one after another', async () => {
    const { scheduler, pool, memory } = setup({ minConnections: 3, maxConnecting: 1 }, 10, false, 50);
    pool.warm();
    expect(pool.stats.connecting).toBe(1);
    advanceTo(scheduler, 50);
    await settle();
    expect(pool.stats).toMatchObject({ open: 1, connecting: 1 });
    advanceTo(scheduler, 100);
    await settle();
    advanceTo(scheduler, 150);
    await settle();
    expect(pool.stats).toMatchObject({ open: 3, connecting: 0 });
    expect(memory.opened).toHaveLength(3);
  });

  it('close() aborts connects in progress: their timers are gone before it resolves', async () => {
    const { scheduler, pool, results, events, memory } = setup({ minConnections: 2 }, 10, false, 5000);
    pool.warm();
    pool.send(MessageType.Data, payload, 10_000, (e) => results.push(e));
    expect(pool.stats.connecting).toBe(2);
    await pool.close();
    expect(scheduler.actions).toHaveLength(0);
    expect(results.map((r) => r?.code)).toEqual([ErrorCode.PoolClosed]);
    await settle();
    expect(memory.opened).toHaveLength(0);
    expect(events).not.toContain('connectionCreated');
  });

  it("a request over a connection's byte bound waits for another connection; evacuate() fails what is unwritten", async () => {
    const { scheduler, pool, results, memory } = setup(
      { maxBufferedBytesPerConnection: 4096, maxConnections: 2 },
      10,
    );
    const big = new Uint8Array(3000);
    pool.send(MessageType.Data, big, 10_000, (e) => results.push(e));
    await settle();
    advanceTo(scheduler, 20);
    expect(results).toEqual([undefined]);
    memory.opened[0]!.server.pause(); // the node stops reading
    pool.send(MessageType.Data, big, 10_000, (e) => results.push(e)); // written, stays in the first connection's buffer
    await settle();
    expect(memory.opened[0]!.bufferedBytes).toBeGreaterThan(3000);
    pool.send(MessageType.Data, big, 10_000, (e) => results.push(e)); // over the bound: a second connection
    await settle();
    await settle();
    expect(memory.opened).toHaveLength(2);
    expect(memory.opened[1]!.bufferedBytes).toBeGreaterThan(3000); // written, not yet read
    pool.send(MessageType.Data, big, 10_000, (e) => results.push(e)); // no room anywhere: waits
    pool.send(MessageType.Data, big, 10_000, (e) => results.push(e));
    await settle();
    expect(pool.stats.waiting).toBe(2);
    expect(memory.opened.map((c) => c.bufferedBytes <= 4096)).toEqual([true, true]);
    const err = new RouterError('ERR_TEST', 'evacuated', { retryable: true });
    pool.evacuate(err);
    expect(results.slice(1)).toEqual([err, err]);
    memory.opened[0]!.server.resume();
    advanceTo(scheduler, 100);
    await settle();
    advanceTo(scheduler, 200);
    expect(results).toEqual([undefined, err, err, undefined, undefined]);
    expect(memory.opened.map((c) => c.requests)).toEqual([2, 1]);
  });

  it('an encode error while the pool is connecting fails only that request, and nothing throws', async () => {
    const { scheduler, pool, results } = setup({}, 10, false, 20);
    pool.send(MessageType.Data, new Uint8Array(2 * 1024 * 1024), 10_000, (e) => results.push(e));
    pool.send(MessageType.Data, null as unknown as Uint8Array, 10_000, (e) => results.push(e));
    pool.send(MessageType.Data, payload, 10_000, (e) => results.push(e));
    advanceTo(scheduler, 20);
    await settle();
    advanceTo(scheduler, 40);
    await settle();
    expect(results.map((r) => r?.code)).toEqual([
      ErrorCode.WireFrameTooLarge,
      ErrorCode.InvalidPayload,
      undefined,
    ]);
    expect(pool.stats.open).toBe(1);
  });
});
