import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { HedgeBudget } from '../../../lib/operators/hedge-budget.js';

describe('HedgeBudget', () => {
  it('allows maxExtraLoad × requests hedges in the window, then refuses', () => {
    let now = 0;
    const budget = new HedgeBudget({ maxExtraLoad: 0.1, now: () => now });
    for (let i = 0; i < 50; i++) budget.deposit();
    const granted = Array.from({ length: 8 }, () => budget.tryWithdraw()).filter(Boolean).length;
    expect(granted).toBe(5);
    expect(budget.extraLoad).toBeCloseTo(0.1);
    now = 500;
    expect(budget.tryWithdraw()).toBe(false);
  });

  it('forgets requests and hedges older than the window', () => {
    let now = 0;
    const budget = new HedgeBudget({ maxExtraLoad: 0.5, windowMs: 1000, now: () => now });
    budget.deposit();
    budget.deposit();
    expect(budget.tryWithdraw()).toBe(true);
    now = 2000;
    expect(budget.tryWithdraw()).toBe(false);
    budget.deposit();
    budget.deposit();
    expect(budget.tryWithdraw()).toBe(true);
    expect(budget.extraLoad).toBe(0.5);
  });

  test.prop([
    fc.array(fc.record({ dt: fc.integer({ min: 0, max: 3000 }), hedge: fc.boolean() }), { maxLength: 300 }),
    fc.double({ min: 0, max: 1, noNaN: true }),
  ])('over any window, hedges never exceed maxExtraLoad × requests', (ops, maxExtraLoad) => {
    let now = 0;
    const budget = new HedgeBudget({ maxExtraLoad, windowMs: 10_000, now: () => now });
    const log: { at: number; hedge: boolean }[] = [];
    for (const op of ops) {
      now += op.dt;
      if (op.hedge) {
        if (budget.tryWithdraw()) log.push({ at: now, hedge: true });
      } else {
        budget.deposit();
        log.push({ at: now, hedge: false });
      }
      // the budget's own window is bucketed (1 s): it can only forget early, never count a hedge twice
      const recent = log.filter((e) => e.at > now - 9000);
      const requests = log.filter((e) => !e.hedge && e.at > now - 10_000).length;
      const hedges = recent.filter((e) => e.hedge).length;
      expect(hedges).toBeLessThanOrEqual(maxExtraLoad * requests + 1e-9);
    }
  });
});
