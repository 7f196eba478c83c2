import { type SchedulerAction, type SchedulerLike, type Subscription, VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { LoopLag } from '../../../lib/router/loop-lag.js';
import { advanceTo } from '../../../lib/testing/advance-to.js';

/**
 * Virtual time that can model a stall of the event loop: `stall(ms)` moves the clock on without running anything,
 * then runs every action that came due meanwhile — late, with `now()` already at the stall's end (as Node does).
 */
class StallClock implements SchedulerLike {
  readonly virtual = new VirtualTimeScheduler();
  private stalledUntil = Number.NEGATIVE_INFINITY;

  now(): number {
    return Math.max(this.virtual.now(), this.stalledUntil);
  }

  schedule<T>(work: (this: SchedulerAction<T>, state?: T) => void, delay?: number, state?: T): Subscription {
    return this.virtual.schedule(work, delay, state);
  }

  run(to: number): void {
    advanceTo(this.virtual, to);
  }

  stall(ms: number): void {
    this.stalledUntil = this.now() + ms;
    advanceTo(this.virtual, this.stalledUntil);
  }
}

describe('LoopLag: a drift detector for the client event loop', () => {
  it('a free-running loop records no stall', () => {
    const clock = new StallClock();
    const lag = new LoopLag(clock, 50, 100);
    lag.start();
    clock.run(10_000);
    expect(lag.stalledMs(0, 10_000)).toBe(0);
    lag.stop();
  });

  it('a 1500 ms stall is measured (within one period) and reported; windows overlapping it get their share', () => {
    const clock = new StallClock();
    const stalls: number[] = [];
    const lag = new LoopLag(clock, 50, 100, (ms) => stalls.push(ms));
    lag.start();
    clock.run(1000);
    clock.stall(1500); // 1000 → 2500
    clock.run(4000);
    expect(stalls).toHaveLength(1);
    expect(stalls[0]).toBeGreaterThanOrEqual(1500);
    expect(stalls[0]).toBeLessThanOrEqual(1550);
    expect(lag.stalledMs(900, 2600)).toBeGreaterThanOrEqual(1500);
    expect(lag.stalledMs(2000, 2500)).toBe(500);
    expect(lag.stalledMs(2600, 4000)).toBe(0);
    expect(lag.stalledMs(0, 900)).toBe(0);
    lag.stop();
  });

  it('stop() leaves no timer behind', () => {
    const clock = new StallClock();
    const lag = new LoopLag(clock, 50, 100);
    lag.start();
    lag.start(); // idempotent
    clock.run(200);
    lag.stop();
    expect(clock.virtual.actions.filter((a) => !a.closed)).toEqual([]);
  });

  it('record() merges overlapping stalls and sums disjoint ones', () => {
    const lag = new LoopLag(new VirtualTimeScheduler());
    lag.record(0, 100);
    lag.record(50, 200);
    lag.record(500, 600);
    expect(lag.stalledMs(0, 1000)).toBe(300);
    expect(lag.stalledMs(150, 550)).toBe(100);
  });
});
