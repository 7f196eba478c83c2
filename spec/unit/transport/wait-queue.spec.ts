import fc from 'fast-check';
import { VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { RouterError } from '../../../lib/errors.js';
import { advanceTo } from '../../../lib/testing/advance-to.js';
import type { Cancellable } from '../../../lib/transport/cancellable.js';
import { WaitQueue } from '../../../lib/transport/wait-queue.js';

function setup() {
  const scheduler = new VirtualTimeScheduler();
  let changes = 0;
  const queue = new WaitQueue<string>(
    scheduler,
    () => changes++,
    () => new RouterError('ERR_T', 'timeout'),
  );
  const log: string[] = [];
  const add = (name: string, deadline: number, weight = 0) =>
    queue.add(
      {
        take: (v) => log.push(`${name}:${v}@${scheduler.now()}`),
        fail: (e) => log.push(`${name}:${e.code}@${scheduler.now()}`),
      },
      deadline,
      weight,
    );
  return { scheduler, queue, log, add, changes: () => changes };
}

describe('WaitQueue', () => {
  it('serves in FIFO order and fails each waiter at its absolute deadline', () => {
    const { scheduler, queue, log, add } = setup();
    add('a', 30);
    add('b', 10);
    add('c', 50);
    advanceTo(scheduler, 5);
    queue.serve('x');
    advanceTo(scheduler, 9);
    expect(log).toEqual(['a:x@5']);
    advanceTo(scheduler, 10);
    expect(log).toEqual(['a:x@5', 'b:ERR_T@10']);
    advanceTo(scheduler, 100);
    expect(log).toEqual(['a:x@5', 'b:ERR_T@10', 'c:ERR_T@50']);
    expect(queue.length).toBe(0);
    expect(scheduler.actions).toHaveLength(0);
  });

  it('a deadline already past (or NaN) fails on the next scheduler turn, not synchronously', () => {
    const { scheduler, log, add } = setup();
    advanceTo(scheduler, 20);
    add('late', 10);
    add('nan', Number.NaN);
    expect(log).toEqual([]);
    advanceTo(scheduler, 20);
    expect(log).toEqual(['nan:ERR_T@20', 'late:ERR_T@20']); // NaN counts as the earliest deadline
  });

  it('keeps one scheduler timer for the whole queue, armed for the earliest deadline', () => {
    const { scheduler, add } = setup();
    for (let i = 0; i < 1000; i++) add(`w${i}`, 1000 + (i % 7) * 10);
    expect(scheduler.actions).toHaveLength(1);
    add('early', 5);
    expect(scheduler.actions.length).toBeLessThanOrEqual(2); // the old one is cancelled, a new one armed
    expect(scheduler.actions.filter((a) => !a.closed)).toHaveLength(1);
  });

  it('cancel removes the waiter and, when the queue empties, its timer; failAll fails the rest once', () => {
    const { scheduler, queue, log, add, changes } = setup();
    const a = add('a', 10);
    add('b', 10, 7);
    add('c', 10, 9);
    expect(queue.headWeight).toBe(0);
    a.cancel();
    a.cancel();
    expect(queue.headWeight).toBe(7);
    queue.failAll(new RouterError('ERR_ALL', 'all'));
    advanceTo(scheduler, 100);
    expect(log).toEqual(['b:ERR_ALL@0', 'c:ERR_ALL@0']);
    expect(queue.headWeight).toBe(0);
    expect(changes()).toBeGreaterThanOrEqual(2);
    expect(scheduler.actions.filter((x) => !x.closed)).toHaveLength(0);
  });

  it('failAll: a waiter cancelled by an earlier waiter’s callback is not told; one added by a callback stays queued', () => {
    const { scheduler, queue, log, add } = setup();
    let c: Cancellable | undefined;
    queue.add(
      {
        take: () => {},
        fail: () => {
          log.push('a:failed');
          c?.cancel();
          add('late', 50);
        },
      },
      10,
    );
    add('b', 10);
    c = add('c', 10);
    queue.failAll(new RouterError('ERR_ALL', 'all'));
    expect(log).toEqual(['a:failed', 'b:ERR_ALL@0']);
    expect(queue.length).toBe(1);
    advanceTo(scheduler, 50);
    expect(log).toEqual(['a:failed', 'b:ERR_ALL@0', 'late:ERR_T@50']);
  });

  it('a fail callback that re-queues with a past deadline cannot spin the expiry loop', () => {
    const scheduler = new VirtualTimeScheduler();
    const queue = new WaitQueue<number>(
      scheduler,
      () => {},
      () => new RouterError('ERR_T', 't'),
    );
    let failures = 0;
    const waiter = {
      take: () => {},
      fail: () => {
        if (++failures < 5) queue.add(waiter, 0);
      },
    };
    queue.add(waiter, 10);
    advanceTo(scheduler, 10);
    expect(failures).toBe(5);
    expect(queue.length).toBe(0);
  });
});

/** What the application does, one step at a time. */
type Op =
  | { kind: 'add'; timeout: number; weight: number }
  | { kind: 'cancel'; pick: number }
  | { kind: 'serve' }
  | { kind: 'advance'; ms: number }
  | { kind: 'failAll' };

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('add' as const),
      timeout: fc.integer({ min: -5, max: 100 }),
      weight: fc.nat(50),
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() }) },
  { weight: 3, arbitrary: fc.constant({ kind: 'serve' as const }) },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 40 }) }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'failAll' as const }) },
);

interface ModelWaiter {
  readonly id: number;
  readonly addedAt: number;
  readonly deadline: number;
  readonly weight: number;
  ticket: Cancellable;
  cancelled: boolean;
  told: Array<{ how: string; at: number }>;
}

describe('WaitQueue property: against a model', () => {
  it('for any adds, cancels, serves, failAlls and time: FIFO service, expiry by deadline (earliest first), each waiter told at most once and only if not cancelled, every one by its deadline', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 80 }), (ops) => {
        const scheduler = new VirtualTimeScheduler();
        const queue = new WaitQueue<number>(
          scheduler,
          () => {},
          () => new RouterError('ERR_T', 't'),
        );
        const all: ModelWaiter[] = [];
        /** The model: waiters not yet told nor cancelled, in arrival order. */
        let live: ModelWaiter[] = [];
        const order: string[] = [];
        let served = 0;
        for (const o of ops) {
          const now = scheduler.now();
          if (o.kind === 'add') {
            const w: ModelWaiter = {
              id: all.length,
              addedAt: now,
              deadline: now + o.timeout,
              weight: o.weight,
              ticket: { cancel() {} },
              cancelled: false,
              told: [],
            };
            w.ticket = queue.add(
              {
                take: (v) => {
                  w.told.push({ how: `take:${v}`, at: scheduler.now() });
                  order.push(`take ${w.id}`);
                },
                fail: (e) => {
                  w.told.push({ how: e.code, at: scheduler.now() });
                  order.push(`${e.code} ${w.id}`);
                },
              },
              w.deadline,
              w.weight,
            );
            all.push(w);
            live.push(w);
          } else if (o.kind === 'cancel' && live.length > 0) {
            const w = live[o.pick % live.length]!;
            w.cancelled = true;
            w.ticket.cancel();
            live = live.filter((x) => x !== w);
          } else if (o.kind === 'serve' && live.length > 0) {
            // a waiter past its deadline may still be queued until the timer's turn: the model serves the head too
            const head = live[0]!;
            expect(queue.headWeight).toBe(head.weight);
            order.length = 0;
            queue.serve(++served);
            expect(order).toEqual([`take ${head.id}`]);
            live.shift();
          } else if (o.kind === 'advance') {
            const to = now + o.ms;
            const due = live.filter((w) => w.deadline <= to);
            // the model's expiry order: by deadline, ties in arrival order
            const expected = [...due]
              .sort((a, b) => a.deadline - b.deadline || a.id - b.id)
              .map((w) => `ERR_T ${w.id}`);
            order.length = 0;
            advanceTo(scheduler, to);
            expect(order).toEqual(expected);
            live = live.filter((w) => w.deadline > to);
          } else if (o.kind === 'failAll') {
            order.length = 0;
            queue.failAll(new RouterError('ERR_ALL', 'all'));
            expect(order).toEqual(live.map((w) => `ERR_ALL ${w.id}`));
            live = [];
          }
          expect(queue.length).toBe(live.length);
        }
        advanceTo(scheduler, scheduler.now() + 1000);
        for (const w of all) {
          // a cancelled waiter is never told; every other one exactly once, by its deadline (or at once if it
          // came already past it), a timeout exactly then
          expect(w.told.length).toBe(w.cancelled ? 0 : 1);
          const t = w.told[0];
          if (t) expect(t.at).toBeLessThanOrEqual(Math.max(w.deadline, w.addedAt));
          if (t?.how === 'ERR_T') expect(t.at).toBe(Math.max(w.deadline, w.addedAt));
        }
        expect(queue.length).toBe(0);
        expect(scheduler.actions.filter((a) => !a.closed)).toHaveLength(0);
      }),
      { numRuns: 300 },
    );
  });

  it('200,000 waiters: expire, cancel, serve and failAll each run in a flat loop (no stack growth), linear time', () => {
    const scheduler = new VirtualTimeScheduler();
    const queue = new WaitQueue<number>(
      scheduler,
      () => {},
      () => new RouterError('ERR_T', 't'),
    );
    const n = 200_000;
    let depth = 0;
    let maxDepth = 0;
    interface W {
      told: number;
      cancelled: boolean;
      ticket: Cancellable;
      take(): void;
      fail(): void;
    }
    const all: W[] = [];
    let callbacks = 0;
    // Each callback re-enters the queue the way a pool does (here: cancels another waiter). Depth counts nested
    // callbacks: it must stay at 1.
    function tell(this: W) {
      depth++;
      maxDepth = Math.max(maxDepth, depth);
      this.told++;
      if (++callbacks % 3 === 0) {
        const other = all[(callbacks * 7919) % all.length]!;
        if (queue.cancel(other.ticket)) other.cancelled = true;
      }
      depth--;
    }
    const make = (deadline: number) => {
      const w: W = { told: 0, cancelled: false, ticket: { cancel() {} }, take: tell, fail: tell };
      w.ticket = queue.add(w, deadline, 1);
      all.push(w);
    };
    const started = performance.now();
    // mixed deadlines: two timeouts interleaved, each later one arriving before an earlier one
    for (let i = 0; i < n; i++) make(i % 2 === 0 ? 1000 : 500);
    for (let i = 1; i < n; i += 4) if (queue.cancel(all[i]!.ticket)) all[i]!.cancelled = true;
    for (let i = 0; i < 1000; i++) queue.serve(i);
    advanceTo(scheduler, 500);
    advanceTo(scheduler, 1000);
    expect(queue.length).toBe(0);
    for (let i = 0; i < n; i++) make(5000);
    queue.failAll(new RouterError('ERR_ALL', 'all'));
    expect(queue.length).toBe(0);
    const wrong = all.filter((w) => w.told !== (w.cancelled ? 0 : 1));
    expect(wrong).toHaveLength(0);
    expect(maxDepth).toBe(1);
    expect(performance.now() - started).toBeLessThan(20_000); // indexOf + splice took minutes at this size
  });
});
