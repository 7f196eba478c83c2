import { VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { ErrorCode, type RouterError } from '../../../lib/errors.js';
import { advanceTo } from '../../../lib/testing/advance-to.js';
import { memoryConnector } from '../../../lib/testing/memory-connector.js';
import { Pool } from '../../../lib/transport/pool.js';
import { MessageType } from '../../../lib/wire/message.js';

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A pool (default options) to one hung node: it accepts connections and swallows every request. */
function hungPool() {
  const scheduler = new VirtualTimeScheduler();
  const memory = memoryConnector({ scheduler, respond: () => undefined });
  const pool = new Pool(1, (signal) => memory.connect(1, signal), {}, scheduler);
  return { scheduler, pool };
}

async function closed(scheduler: VirtualTimeScheduler, pool: Pool) {
  const closing = pool.close();
  advanceTo(scheduler, scheduler.now() + 10_000);
  await closing;
  await settle();
  advanceTo(scheduler, scheduler.now() + 10_000);
  expect(
    scheduler.actions
      .filter((a) => !a.closed)
      .map((a) => `${a.delay}@${(a as unknown as { work: { name: string } }).work.name}`),
  ).toEqual([]);
}

describe('Pool: 100,000 requests queued on a hung node', () => {
  it('every one ends with a typed error by its deadline, in a flat loop (the process lives), none twice', async () => {
    const { scheduler, pool } = hungPool();
    const n = Number(process.env.QN ?? 100_000);
    const outcomes: Array<{ code: string; at: number } | undefined> = new Array(n).fill(undefined);
    let twice = 0;
    for (let i = 0; i < n; i++) {
      // two deadlines interleaved, as requests with different timeouts queue on one pool
      const deadline = i % 3 === 0 ? 1500 : 1000;
      pool.submit(MessageType.Data, new Uint8Array(32), deadline, (err?: RouterError) => {
        if (outcomes[i] !== undefined) twice++;
        outcomes[i] = { code: err?.code ?? 'ok', at: scheduler.now() };
      });
    }
    await settle();
    await settle();
    advanceTo(scheduler, 999);
    expect(outcomes.filter((o) => o !== undefined)).toHaveLength(0);
    // 1000: the connections' deadline timers expire what they wrote; each freed slot serves a waiter already
    // past its deadline, which fails at once and frees the slot again … (a 10,600-frame stack before)
    advanceTo(scheduler, 1000);
    advanceTo(scheduler, 1500);
    expect(twice).toBe(0);
    const codes = new Map<string, number>();
    const late: number[] = [];
    for (let i = 0; i < n; i++) {
      const o = outcomes[i];
      if (o === undefined || o.at !== (i % 3 === 0 ? 1500 : 1000)) late.push(i);
      else codes.set(o.code, (codes.get(o.code) ?? 0) + 1);
    }
    expect(late).toEqual([]);
    expect([...codes.keys()].sort()).toEqual([ErrorCode.AcquireTimeout, ErrorCode.RequestTimeout].sort());
    expect(pool.stats).toMatchObject({ waiting: 0, inFlight: 0 });
    await closed(scheduler, pool);
  });

  it('cancelling 100,000 queued requests is linear (one pass, no search)', async () => {
    const { scheduler, pool } = hungPool();
    const handles = [];
    let told = 0;
    for (let i = 0; i < 100_000; i++) {
      handles.push(pool.submit(MessageType.Data, new Uint8Array(32), 60_000, () => told++));
    }
    await settle();
    const started = performance.now();
    for (let i = handles.length - 1; i >= 0; i--) handles[i]!.cancel(); // newest first: worst for a scan
    const ms = performance.now() - started;
    expect(pool.stats.waiting).toBe(0);
    expect(told).toBe(0);
    expect(ms).toBeLessThan(5000); // indexOf + splice took tens of seconds
    advanceTo(scheduler, 60_000);
    expect(told).toBe(0);
    await closed(scheduler, pool);
  });
});
