import { lastValueFrom, VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { ErrorCode, type RouterError } from '../../../lib/errors.js';
import { advanceTo } from '../../../lib/testing/advance-to.js';
import { memoryConnector } from '../../../lib/testing/memory-connector.js';
import { Pool } from '../../../lib/transport/pool.js';
import type { PoolOptions } from '../../../lib/transport/pool-types.js';
import { MessageType } from '../../../lib/wire/message.js';

/** Lets pending promise callbacks (connects, closes) run; no time passes. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
const payload = new Uint8Array([1, 2, 3]);

function setup(options: PoolOptions = {}, latencyMs = 10, refuse = false) {
  const scheduler = new VirtualTimeScheduler();
  const memory = memoryConnector({ scheduler, latencyMs: () => latencyMs, refuse: () => refuse });
  const events: string[] = [];
  const pool = new Pool(
    1,
    () => memory.connect(1),
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
    advanceTo(scheduler, 10);
    advanceTo(scheduler, 20);
    advanceTo(scheduler, 30);
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
});
