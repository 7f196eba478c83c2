import { afterEach, describe, expect, it, vi } from 'vitest';
import { resolveConfig } from '../../lib/config.js';
import { monotonicScheduler } from '../../lib/monotonic-scheduler.js';

const invalid = (field: string, value: unknown, expected: string) =>
  new Error(`${field} ${String(value)} ${expected}`);

describe('monotonicScheduler: the default clock of every duration', () => {
  afterEach(() => vi.restoreAllMocks());

  it('reads like epoch ms, and a step of the wall clock (60 s back, then 1 h forward) does not move it', () => {
    const before = monotonicScheduler.now();
    expect(Math.abs(before - Date.now())).toBeLessThan(60_000); // shown as a date, it is about now
    const wall = Date.now();
    const spy = vi.spyOn(Date, 'now').mockReturnValue(wall - 60_000);
    const afterBackStep = monotonicScheduler.now();
    spy.mockReturnValue(wall + 3_600_000);
    const afterForwardStep = monotonicScheduler.now();
    expect(afterBackStep).toBeGreaterThanOrEqual(before);
    expect(afterForwardStep).toBeGreaterThanOrEqual(afterBackStep);
    expect(afterForwardStep - before).toBeLessThan(1000);
  });

  it('never goes back across many reads', () => {
    let last = monotonicScheduler.now();
    for (let i = 0; i < 10_000; i++) {
      const t = monotonicScheduler.now();
      expect(t).toBeGreaterThanOrEqual(last);
      last = t;
    }
  });

  it('schedules with the platform timers (a delayed action runs once, with its state; unsubscribe cancels)', async () => {
    const ran: number[] = [];
    const start = monotonicScheduler.now();
    monotonicScheduler.schedule((n) => ran.push(n!), 20, 7);
    const cancelled = monotonicScheduler.schedule(() => ran.push(-1), 10);
    cancelled.unsubscribe();
    await new Promise((r) => setTimeout(r, 60));
    expect(ran).toEqual([7]);
    expect(monotonicScheduler.now() - start).toBeGreaterThanOrEqual(19);
  });

  it('supports recursive scheduling (this.schedule inside the action, as interval() does)', async () => {
    let count = 0;
    const sub = monotonicScheduler.schedule(function (this: { schedule(s?: number, d?: number): void }) {
      count++;
      if (count < 3) this.schedule(undefined, 1);
    }, 1);
    await new Promise((r) => setTimeout(r, 60));
    sub.unsubscribe();
    expect(count).toBe(3);
  });

  it('is the config default; the wall clock (wire timestamps only) defaults to Date.now and must be a function', () => {
    const resolved = resolveConfig({ hosts: ['a:1'] }, invalid);
    expect(resolved.scheduler).toBe(monotonicScheduler);
    expect(resolved.wallClock).toBe(Date.now);
    const wallClock = () => 5;
    expect(resolveConfig({ hosts: ['a:1'], wallClock }, invalid).wallClock).toBe(wallClock);
    expect(() => resolveConfig({ hosts: ['a:1'], wallClock: 5 }, invalid)).toThrow('wallClock 5 a function');
  });
});
