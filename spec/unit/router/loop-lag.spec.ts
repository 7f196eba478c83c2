import { VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { LoopLag } from '../../../lib/router/loop-lag.js';
import { StallClock } from '../../support/stall-clock.js';

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

  it('a saturated loop (ticks 20–99 ms late, no single stall) records the lateness as client time without reporting a stall', () => {
    const clock = new StallClock();
    const stalls: number[] = [];
    const lag = new LoopLag(clock, 50, 100, (ms) => stalls.push(ms));
    lag.start();
    clock.run(1000);
    clock.stall(60); // 1000 → 1060: the tick due at 1050 runs 10 ms late (ignored)
    clock.run(1100);
    clock.stall(90); // the next tick runs ~40–90 ms late: recorded, not reported
    clock.run(2000);
    expect(stalls).toEqual([]);
    expect(lag.stalledMs(1000, 1300)).toBeGreaterThanOrEqual(40);
    expect(lag.stalledMs(1000, 1300)).toBeLessThanOrEqual(90);
    expect(lag.stalledMs(0, 1000)).toBe(0);
    lag.stop();
  });

  it('a loop still busy after a stall counts as stalled before the detector’s next tick can report it', () => {
    const clock = new StallClock();
    const lag = new LoopLag(clock, 50, 100);
    lag.start();
    clock.run(1000);
    clock.stall(1500); // 1000 → 2500: the tick records it
    const seen: number[] = [];
    // right after the stall a timer judges, the loop then stays busy 600 ms (a burst's replies), and a timer
    // due before the detector's next tick (2550) judges at 3101: the loop is late at that very moment
    clock.schedule(() => clock.work(600), 1);
    clock.schedule(() => seen.push(lag.stalledMs(1000, clock.now())), 2);
    clock.run(2600);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBeGreaterThanOrEqual(2050); // 1500 of the stall + the ~600 ms still running
    expect(lag.stalledMs(2501, 3101)).toBeGreaterThanOrEqual(550); // the tick recorded it as well, once
    expect(lag.stalledMs(0, 3101)).toBeLessThanOrEqual(2150);
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
