import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RetryBudget } from '../../../lib/operators/retry-budget.js';

/** Withdraws until refused; returns how many were paid. */
function drain(budget: RetryBudget, max = 100_000): number {
  let n = 0;
  while (n < max && budget.tryWithdraw()) n++;
  return n;
}

describe('RetryBudget (Finagle semantics)', () => {
  it('defaults: a reserve of minRetriesPerSecond × ttl = 10 × 10 s = 100 retries, nothing earned yet', () => {
    const budget = new RetryBudget({ now: () => 0 });
    expect(budget.available).toBe(100);
    expect(drain(budget)).toBe(100);
    expect(budget.tryWithdraw()).toBe(false);
    expect(budget.available).toBe(0);
  });

  it('20 % of requests on top of the reserve: 300 requests earn 60 retries', () => {
    const budget = new RetryBudget({ now: () => 0 });
    for (let i = 0; i < 300; i++) budget.deposit();
    expect(budget.available).toBe(160);
    expect(drain(budget)).toBe(160);
  });

  it('a refused withdrawal spends nothing', () => {
    const budget = new RetryBudget({ minRetriesPerSecond: 0, now: () => 0 });
    for (let i = 0; i < 4; i++) budget.deposit(); // 0.8 of a retry
    expect(budget.tryWithdraw()).toBe(false);
    budget.deposit(); // 1.0
    expect(budget.tryWithdraw()).toBe(true);
    expect(budget.tryWithdraw()).toBe(false);
  });

  it('deposits expire after ttl (between ttl and 1.1 × ttl)', () => {
    let now = 0;
    const budget = new RetryBudget({ minRetriesPerSecond: 0, ttlMs: 10_000, now: () => now });
    for (let i = 0; i < 50; i++) budget.deposit(); // 10 retries
    now = 9_999;
    expect(budget.available).toBe(10);
    now = 10_000; // the deposit slice [0, 1000) is still in the window until 11 000
    expect(budget.available).toBe(10);
    now = 11_000;
    expect(budget.available).toBe(0);
  });

  it('withdrawals expire too: a spent reserve comes back after ttl', () => {
    let now = 0;
    const budget = new RetryBudget({ now: () => now });
    expect(drain(budget)).toBe(100);
    now = 5_000;
    expect(budget.tryWithdraw()).toBe(false); // no reserve refill inside the window
    now = 11_000;
    expect(budget.available).toBe(100);
  });

  it('minRetriesPerSecond × ttlMs sets the reserve; 0 and 0 % never retry', () => {
    expect(new RetryBudget({ minRetriesPerSecond: 2, ttlMs: 5_000, now: () => 0 }).available).toBe(10);
    const none = new RetryBudget({ minRetriesPerSecond: 0, percentCanRetry: 0, now: () => 0 });
    for (let i = 0; i < 1000; i++) none.deposit();
    expect(none.tryWithdraw()).toBe(false);
  });

  it('a fractional clock works, and a clock that steps back spends from the newest slice', () => {
    let now = 0.25;
    const budget = new RetryBudget({ minRetriesPerSecond: 0, now: () => now });
    for (let i = 0; i < 5; i++) budget.deposit();
    now = 3_000.7;
    expect(budget.tryWithdraw()).toBe(true);
    now = 100.1;
    budget.deposit();
    expect(budget.tryWithdraw()).toBe(false); // 0.2 left
    now = 14_000.3;
    expect(budget.available).toBe(0);
  });

  it('refuses options outside Finagle’s bounds', () => {
    expect(() => new RetryBudget({ ttlMs: 999, now: () => 0 })).toThrow(/ttlMs 999/);
    expect(() => new RetryBudget({ ttlMs: 60_001, now: () => 0 })).toThrow(/ttlMs/);
    expect(() => new RetryBudget({ percentCanRetry: 1.5, now: () => 0 })).toThrow(/percentCanRetry/);
    expect(() => new RetryBudget({ minRetriesPerSecond: -1, now: () => 0 })).toThrow(/minRetriesPerSecond/);
  });

  it('property: pays exactly what a model of Finagle’s leaky bucket pays, never more than reserve + 20 % within the window', () => {
    const step = fc.record({
      dt: fc.integer({ min: 0, max: 3_000 }),
      deposits: fc.integer({ min: 0, max: 40 }),
      withdrawals: fc.integer({ min: 0, max: 40 }),
    });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
        let now = 0;
        const budget = new RetryBudget({ minRetriesPerSecond: 1, ttlMs: 4_000, now: () => now });
        // The model: every entry (+0.2 a deposit, −1 a paid retry) counts while its 400 ms slice is one of the
        // last 11; the reserve is 1/s × 4 s = 4.
        const entries: { slice: number; amount: number }[] = [];
        const log: { at: number; deposits: number; paid: number }[] = [];
        for (const s of steps) {
          now += s.dt;
          const slice = Math.floor(now / 400);
          const balance = () =>
            4 + entries.filter((e) => e.slice > slice - 11).reduce((a, e) => a + e.amount, 0);
          for (let i = 0; i < s.deposits; i++) {
            budget.deposit();
            entries.push({ slice, amount: 0.2 });
          }
          let paid = 0;
          for (let i = 0; i < s.withdrawals; i++) {
            const expected = balance() >= 1 - 1e-9;
            expect(budget.tryWithdraw()).toBe(expected);
            if (expected) {
              paid++;
              entries.push({ slice, amount: -1 });
            }
          }
          log.push({ at: slice, deposits: s.deposits, paid });
          // When it pays, paid ≤ reserve + 20 % of the deposits within the window (the last 11 slices, 4.0–4.4 s).
          // (Later the deposits may expire before the retries they paid for, as in Finagle: the balance dips.)
          if (paid === 0) continue;
          const recent = log.filter((e) => e.at > slice - 11);
          const paidRecent = recent.reduce((a, e) => a + e.paid, 0);
          const earned = recent.reduce((a, e) => a + e.deposits, 0) * 0.2;
          expect(paidRecent).toBeLessThanOrEqual(4 + earned + 1e-9);
        }
      }),
    );
  });
});
