import { describe, expect, it } from 'vitest';
import { RetryBudget } from '../../../lib/operators/retry-budget.js';

describe('RetryBudget', () => {
  it('allows the per-second floor, then 20 % of requests, and refills the floor with time', () => {
    let now = 0;
    const budget = new RetryBudget({ minRetriesPerSecond: 2, now: () => now });
    expect([budget.tryWithdraw(), budget.tryWithdraw(), budget.tryWithdraw()]).toEqual([true, true, false]);
    for (let i = 0; i < 10; i++) budget.deposit(); // 10 requests earn 2 retries
    expect([budget.tryWithdraw(), budget.tryWithdraw(), budget.tryWithdraw()]).toEqual([true, true, false]);
    now = 500; // half a second refills one floor retry
    expect([budget.tryWithdraw(), budget.tryWithdraw()]).toEqual([true, false]);
  });

  it('caps the saved balance', () => {
    const budget = new RetryBudget({ minRetriesPerSecond: 0, maxBalance: 3, now: () => 0 });
    for (let i = 0; i < 1000; i++) budget.deposit();
    expect(budget.available).toBe(3);
  });
});
