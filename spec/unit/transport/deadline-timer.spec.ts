import { VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { advanceTo } from '../../../lib/testing/advance-to.js';
import { DeadlineTimer } from '../../../lib/transport/deadline-timer.js';

describe('DeadlineTimer', () => {
  it('fires at the earliest deadline given, then at the next one onFire returns, then stops', () => {
    const scheduler = new VirtualTimeScheduler();
    const deadlines = [50, 30, 80];
    const fired: number[] = [];
    const timer = new DeadlineTimer(scheduler, (now) => {
      fired.push(now);
      const left = deadlines.filter((d) => d > now);
      return left.length > 0 ? Math.min(...left) : Number.POSITIVE_INFINITY;
    });
    for (const d of deadlines) timer.arm(d);
    expect(scheduler.actions).toHaveLength(1); // one timer, not one per deadline
    advanceTo(scheduler, 1000);
    expect(fired).toEqual([30, 50, 80]);
    expect(scheduler.actions).toHaveLength(0);
  });

  it('a later deadline does not postpone it; clear() stops it', () => {
    const scheduler = new VirtualTimeScheduler();
    const fired: number[] = [];
    const timer = new DeadlineTimer(scheduler, (now) => {
      fired.push(now);
      return Number.POSITIVE_INFINITY;
    });
    timer.arm(10);
    timer.arm(20);
    advanceTo(scheduler, 15);
    expect(fired).toEqual([10]);
    timer.arm(40);
    timer.clear();
    advanceTo(scheduler, 100);
    expect(fired).toEqual([10]);
    expect(scheduler.actions).toHaveLength(0);
  });
});

describe('DeadlineTimer after a stall of the event loop', () => {
  it('a timer that fires late judges one scheduler turn later: what was already waiting (a reply) runs first', () => {
    const virtual = new VirtualTimeScheduler();
    let skew = 0; // how far our clock ran ahead of the timers: a stall
    const scheduler = {
      now: () => virtual.now() + skew,
      schedule: virtual.schedule.bind(virtual),
    } as typeof virtual;
    const order: string[] = [];
    const timer = new DeadlineTimer(scheduler, () => {
      order.push('judge');
      return Number.POSITIVE_INFINITY;
    });
    timer.arm(100);
    virtual.schedule(() => order.push('reply read'), 100); // due at the same time, queued after the timer
    skew = 1500; // the loop was stalled: the timer runs 1500 ms late
    timer.arm(300); // a later deadline meanwhile changes nothing
    advanceTo(virtual, 100);
    expect(order).toEqual(['reply read', 'judge']);
  });

  it('on time (virtual time, no stall): judges at once, as before', () => {
    const virtual = new VirtualTimeScheduler();
    const order: string[] = [];
    const timer = new DeadlineTimer(virtual, () => {
      order.push('judge');
      return Number.POSITIVE_INFINITY;
    });
    timer.arm(100);
    virtual.schedule(() => order.push('reply read'), 100);
    advanceTo(virtual, 100);
    expect(order).toEqual(['judge', 'reply read']);
  });
});
