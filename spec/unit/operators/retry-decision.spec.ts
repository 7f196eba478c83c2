import { describe, expect, it } from 'vitest';
import { configDefaults } from '../../../lib/config.js';
import { refusals, retryDecision } from '../../../lib/operators/retry-decision.js';

const q = {
  error: new Error('x'),
  state: { attempt: 0, delayMs: 0 },
  maxRetries: 3,
  policy: configDefaults.retry,
  random: () => 0.5,
  shouldRetry: () => true,
  now: 0,
};

describe('retryDecision (what retryBackoff and the router’s decide both run)', () => {
  it('count, then the jittered backoff, shouldRetry with the retry number, deadline, budget last', () => {
    const asked: number[] = [];
    expect(retryDecision({ ...q, shouldRetry: (_e, n) => (asked.push(n), true) })).toEqual({
      retry: true,
      next: { attempt: 1, delayMs: 100 },
    });
    expect(asked).toEqual([1]);
    expect(retryDecision({ ...q, state: { attempt: 3, delayMs: 400 } })).toBe(refusals.count);
    expect(retryDecision({ ...q, shouldRetry: () => false })).toBe(refusals['not-retryable']);
    expect(retryDecision({ ...q, deadline: 100 })).toBe(refusals.deadline);
    let withdrawn = 0;
    const empty = { tryWithdraw: () => (withdrawn++, false) };
    expect(retryDecision({ ...q, budget: empty })).toBe(refusals.budget);
    expect(retryDecision({ ...q, budget: empty, budgetFree: true }).retry).toBe(true);
    expect(retryDecision({ ...q, budget: empty, deadline: 100 })).toBe(refusals.deadline);
    expect(withdrawn).toBe(1);
  });
});
