import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { configDefaults } from '../../../lib/config.js';
import { ErrorCode, RemoteError, RouterError } from '../../../lib/errors.js';
import { HedgeBudget } from '../../../lib/operators/hedge-budget.js';
import { decide, type HedgeCase, poisonAfter, type RetryCase } from '../../../lib/router/decide.js';

const lost = new RouterError(ErrorCode.ConnectionLost, 'lost', { retryable: true });
const refused = new RouterError(ErrorCode.ConnectRefused, 'refused', { retryable: true });
const budget = (pays: boolean) => {
  const b = { asked: 0, tryWithdraw: () => (b.asked++, pays) };
  return b;
};
const retry = (over: Partial<RetryCase> = {}): RetryCase => ({
  kind: 'retry',
  error: lost,
  state: { attempt: 0, delayMs: 0 },
  policy: configDefaults.retry,
  random: () => 0.5,
  now: 0,
  deadline: 10_000,
  idempotent: true,
  closing: false,
  hardFailures: 0,
  budget: undefined,
  ...over,
});

describe('decide: retries', () => {
  it('the policy backoff, up to maxRetries (100, 200, 400, then no)', () => {
    let state = { attempt: 0, delayMs: 0 };
    const delays: number[] = [];
    for (;;) {
      const d = decide(retry({ state }));
      if (!d.retry) {
        expect(d.reason).toBe('count');
        break;
      }
      delays.push(d.next.delayMs);
      state = d.next;
    }
    expect(delays).toEqual([100, 200, 400]);
  });

  it('refuses, naming the rule: closing, poison, not idempotent, not retryable, deadline, budget', () => {
    expect(decide(retry({ closing: true }))).toMatchObject({ retry: false, reason: 'closing' });
    expect(decide(retry({ hardFailures: poisonAfter }))).toMatchObject({ reason: 'poison' });
    expect(decide(retry({ idempotent: false }))).toMatchObject({ reason: 'not-idempotent' });
    expect(decide(retry({ error: new RouterError(ErrorCode.Config, 'c') }))).toMatchObject({
      reason: 'not-retryable',
    });
    expect(decide(retry({ now: 9_900 }))).toMatchObject({ reason: 'deadline' });
    expect(decide(retry({ budget: budget(false) }))).toMatchObject({ reason: 'budget' });
  });

  it('a request that never reached a node is retried even when not idempotent, and budget-free', () => {
    const b = budget(false);
    expect(decide(retry({ error: refused, idempotent: false, budget: b }))).toMatchObject({ retry: true });
    expect(b.asked).toBe(0);
    // a node's own retryable error reply: it saw the request, so the budget pays
    expect(decide(retry({ error: new RemoteError('BUSY', 'b', true, 1), budget: b }))).toMatchObject({
      reason: 'budget',
    });
    expect(b.asked).toBe(1);
  });

  test.prop([
    fc.nat(5),
    fc.integer({ min: 0, max: 20_000 }),
    fc.integer({ min: 1, max: 20_000 }),
    fc.boolean(),
    fc.boolean(),
    fc.nat(3),
  ])(
    'never past maxRetries, never a wait reaching the deadline, the budget asked only for an allowed retry',
    (attempt, now, left, idempotent, pays, hardFailures) => {
      const b = budget(pays);
      const d = decide(
        retry({
          state: { attempt, delayMs: 0 },
          now,
          deadline: now + left,
          idempotent,
          hardFailures,
          budget: b,
        }),
      );
      if (d.retry) {
        expect(attempt).toBeLessThan(configDefaults.retry.maxRetries);
        expect(now + d.next.delayMs).toBeLessThan(now + left);
        expect(idempotent && hardFailures < poisonAfter && pays).toBe(true);
      }
      expect(b.asked).toBeLessThanOrEqual(1);
      if (b.asked === 1) expect(d.retry || d.reason === 'budget').toBe(true);
    },
  );
});

describe('decide: hedge copies and copy errors', () => {
  const hedge = (over: Partial<HedgeCase> = {}): HedgeCase => ({
    kind: 'hedge',
    copies: 1,
    maxCopies: 2,
    closing: false,
    freshNode: true,
    retryBudgetSpare: true,
    hedgeBudget: budget(true),
    ...over,
  });

  it('a copy only within maxCopies, before close(), to an untried node, with retry budget to spare, paid last', () => {
    expect(decide(hedge())).toEqual({ hedge: true });
    const b = budget(true);
    expect(decide(hedge({ copies: 2, hedgeBudget: b }))).toMatchObject({ hedge: false, reason: 'copies' });
    expect(decide(hedge({ closing: true, hedgeBudget: b }))).toMatchObject({ reason: 'closing' });
    expect(decide(hedge({ freshNode: false, hedgeBudget: b }))).toMatchObject({ reason: 'no-node' });
    expect(decide(hedge({ retryBudgetSpare: false, hedgeBudget: b }))).toMatchObject({
      reason: 'retry-budget',
    });
    expect(b.asked).toBe(0);
    const empty = new HedgeBudget({ maxExtraLoad: 0.05, now: () => 0 });
    expect(decide(hedge({ hedgeBudget: empty }))).toMatchObject({ reason: 'budget' });
  });

  it('an error never sends a copy: with others out, wait for them while a retry could follow, else end now', () => {
    const copy = { kind: 'copy' as const, closing: false, hardFailures: 0 };
    expect(decide({ ...copy, error: lost })).toEqual({ wait: true });
    expect(decide({ ...copy, error: new RemoteError('BAD', 'no', false, 1) })).toEqual({ wait: false });
    expect(decide({ ...copy, error: lost, closing: true })).toEqual({ wait: false });
    expect(decide({ ...copy, error: lost, hardFailures: poisonAfter })).toEqual({ wait: false });
  });
});
