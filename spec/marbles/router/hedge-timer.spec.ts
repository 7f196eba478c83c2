import { fc, test } from '@fast-check/vitest';
import { VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { type HedgeEntry, HedgeTimer } from '../../../lib/router/hedge-timer.js';
import { advanceTo } from '../../../lib/testing/advance-to.js';

function entry(name: string, fired: [string, number][], scheduler: VirtualTimeScheduler): HedgeEntry {
  return {
    hedgeAt: 0,
    hedgePrev: undefined,
    hedgeNext: undefined,
    hedgeQueued: false,
    hedgeDue: () => fired.push([name, scheduler.now()]),
  };
}

describe('HedgeTimer: one timer for every pending hedge', () => {
  it('tells each entry at its time, in time order; a removed entry is never told', () => {
    const scheduler = new VirtualTimeScheduler();
    const timer = new HedgeTimer(scheduler);
    const fired: [string, number][] = [];
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((n) => entry(n, fired, scheduler)) as HedgeEntry[];
    timer.add(a!, 10);
    timer.add(b!, 12);
    timer.add(c!, 5); // earlier than the tail: sorted in, and the timer re-armed for it
    timer.add(d!, 15);
    timer.remove(b!);
    expect(scheduler.actions).toHaveLength(1);
    advanceTo(scheduler, 100);
    expect(fired).toEqual([
      ['c', 5],
      ['a', 10],
      ['d', 15],
    ]);
    expect(scheduler.actions).toHaveLength(0);
  });

  it('an entry answered before its hedge just leaves: no timer is re-armed for it', () => {
    const scheduler = new VirtualTimeScheduler();
    const timer = new HedgeTimer(scheduler);
    const fired: [string, number][] = [];
    const entries = Array.from({ length: 1000 }, (_, i) => entry(`e${i}`, fired, scheduler));
    entries.forEach((e, i) => {
      timer.add(e, 50 + i / 100);
    });
    for (const e of entries) timer.remove(e);
    expect(scheduler.actions).toHaveLength(1); // the one timer, armed for the first head
    advanceTo(scheduler, 100);
    expect(fired).toEqual([]);
    expect(scheduler.actions).toHaveLength(0);
  });

  it('close() stops the timer for good', () => {
    const scheduler = new VirtualTimeScheduler();
    const timer = new HedgeTimer(scheduler);
    const fired: [string, number][] = [];
    timer.add(entry('a', fired, scheduler), 10);
    timer.close();
    timer.add(entry('b', fired, scheduler), 20);
    advanceTo(scheduler, 100);
    expect(fired).toEqual([]);
    expect(scheduler.actions).toHaveLength(0);
  });

  test.prop([
    fc.array(
      fc.record({
        at: fc.integer({ min: 0, max: 100 }),
        delay: fc.integer({ min: 0, max: 60 }),
        removeAfter: fc.option(fc.integer({ min: 0, max: 80 }), { nil: undefined }),
      }),
      { maxLength: 60 },
    ),
  ])('a model: every entry not removed is told exactly once, at its time; in time order', (plan) => {
    const scheduler = new VirtualTimeScheduler();
    const timer = new HedgeTimer(scheduler);
    const fired: [string, number][] = [];
    const expected: [string, number][] = [];
    plan.forEach((p, i) => {
      const e = entry(`e${i}`, fired, scheduler);
      scheduler.schedule(() => timer.add(e, p.at + p.delay), p.at);
      if (p.removeAfter !== undefined && p.removeAfter < p.delay)
        scheduler.schedule(() => timer.remove(e), p.at + p.removeAfter);
      else expected.push([`e${i}`, p.at + p.delay]);
    });
    advanceTo(scheduler, 200);
    const byTime = (x: [string, number], y: [string, number]) => x[1] - y[1] || x[0].localeCompare(y[0]);
    expect([...fired].sort(byTime)).toEqual([...expected].sort(byTime));
    for (let i = 1; i < fired.length; i++) expect(fired[i]![1]).toBeGreaterThanOrEqual(fired[i - 1]![1]);
    expect(scheduler.actions).toHaveLength(0);
  });
});
