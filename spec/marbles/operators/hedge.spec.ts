import { fc, test } from '@fast-check/vitest';
import { defer, Observable, throwError, timeout } from 'rxjs';
import type { ColdObservable } from 'rxjs/internal/testing/ColdObservable';
import { describe, expect, it } from 'vitest';
import { ErrorCode, RouterError } from '../../../lib/errors.js';
import { hedge } from '../../../lib/operators/hedge.js';
import { HedgeBudget } from '../../../lib/operators/hedge-budget.js';
import { LatencyWindow } from '../../../lib/operators/latency-window.js';
import { runMarbles } from '../../support/marbles.js';

const lost = new RouterError(ErrorCode.ConnectionLost, 'lost', { retryable: true });
const fatal = new RouterError(ErrorCode.Config, 'bad', { retryable: false });

/** Each subscription takes the next of `copies` (as a router's defer picks a node per attempt). */
function copiesOf<T>(copies: ColdObservable<T>[]): Observable<T> {
  let i = 0;
  return defer(() => copies[i++] ?? throwError(() => new Error('more copies than expected')));
}

describe('hedge', () => {
  it('sends the copy exactly at the delay; the first value wins and the other copy is unsubscribed in that frame', () => {
    runMarbles((scheduler, { cold, expectObservable, expectSubscriptions }) => {
      const slow = cold('---------------------(a|)');
      const fast = cold('-----(b|)');
      const won: number[] = [];
      const result = copiesOf([slow, fast]).pipe(
        hedge({ delayMs: 10, scheduler, onWin: (c) => won.push(c) }),
      );
      expectObservable(result).toBe('---------------(b|)');
      expectSubscriptions(slow.subscriptions).toBe('^--------------!');
      expectSubscriptions(fast.subscriptions).toBe('----------^----!');
      scheduler.flush();
      expect(won).toEqual([2]);
    });
  });

  it('sends no copy when the first answers before the delay', () => {
    runMarbles((scheduler, { cold, expectObservable, expectSubscriptions }) => {
      const first = cold('----(a|)');
      const second = cold('(a|)');
      expectObservable(copiesOf([first, second]).pipe(hedge({ delayMs: 10, scheduler }))).toBe('----(a|)');
      expectSubscriptions(first.subscriptions).toBe('^---!');
      expectSubscriptions(second.subscriptions).toBe([]);
    });
  });

  it('the original still wins when it answers before the hedge', () => {
    runMarbles((scheduler, { cold, expectObservable, expectSubscriptions }) => {
      const first = cold('------------(a|)');
      const second = cold('----------(b|)');
      expectObservable(copiesOf([first, second]).pipe(hedge({ delayMs: 10, scheduler }))).toBe(
        '------------(a|)',
      );
      expectSubscriptions(second.subscriptions).toBe('----------^-!');
    });
  });

  it('an exhausted budget sends no copy', () => {
    runMarbles((scheduler, { cold, expectObservable, expectSubscriptions }) => {
      const first = cold('--------------------(a|)');
      const second = cold('(a|)');
      const budget = { tryWithdraw: () => false };
      expectObservable(copiesOf([first, second]).pipe(hedge({ delayMs: 10, budget, scheduler }))).toBe(
        '--------------------(a|)',
      );
      expectSubscriptions(second.subscriptions).toBe([]);
    });
  });

  it('a copy failing retryably while another is in flight does not fail the request', () => {
    runMarbles((scheduler, { cold, expectObservable }) => {
      const first = cold('--------------------(a|)');
      const second = cold('--#', undefined, lost);
      expectObservable(copiesOf([first, second]).pipe(hedge({ delayMs: 10, scheduler }))).toBe(
        '--------------------(a|)',
      );
    });
  });

  it("an error sends no copy by itself: alone, the original's retryable failure goes through at once", () => {
    runMarbles((scheduler, { cold, expectObservable, expectSubscriptions }) => {
      const first = cold('---#', undefined, lost);
      const second = cold('--(b|)');
      const hedges: number[] = [];
      expectObservable(
        copiesOf([first, second]).pipe(hedge({ delayMs: 10, scheduler, onHedge: (c) => hedges.push(c) })),
      ).toBe('---#', undefined, lost);
      expectSubscriptions(second.subscriptions).toBe([]);
      scheduler.flush();
      expect(hedges).toEqual([]);
    });
  });

  it("a copy's retryable failure waits for the copies still out (the hedge timer keeps running)", () => {
    runMarbles((scheduler, { cold, expectObservable, expectSubscriptions }) => {
      const first = cold('------------------------------(a|)');
      const second = cold('--#', undefined, lost);
      const third = cold('---(c|)');
      expectObservable(
        copiesOf([first, second, third]).pipe(hedge({ delayMs: 10, maxAttempts: 3, scheduler })),
      ).toBe('-----------------------(c|)');
      expectSubscriptions(second.subscriptions).toBe('----------^-!');
      expectSubscriptions(third.subscriptions).toBe('--------------------^--!');
    });
  });

  it('delivers the last error when every copy failed', () => {
    runMarbles((scheduler, { cold, expectObservable }) => {
      const first = cold(
        '--------------#',
        undefined,
        new RouterError(ErrorCode.RequestTimeout, 't', { retryable: true }),
      );
      const second = cold('-------#', undefined, lost);
      expectObservable(copiesOf([first, second]).pipe(hedge({ delayMs: 10, scheduler }))).toBe(
        '-----------------#',
        undefined,
        lost,
      );
    });
  });

  it('a fatal error ends everything at once and cancels the other copies', () => {
    runMarbles((scheduler, { cold, expectObservable, expectSubscriptions }) => {
      const first = cold('--------------------(a|)');
      const second = cold('--#', undefined, fatal);
      expectObservable(copiesOf([first, second]).pipe(hedge({ delayMs: 10, scheduler }))).toBe(
        '------------#',
        undefined,
        fatal,
      );
      expectSubscriptions(first.subscriptions).toBe('^-----------!');
    });
  });

  it('maxAttempts bounds the copies in flight: 3 copies, one every delay, then none', () => {
    runMarbles((scheduler, { cold, expectObservable, expectSubscriptions }) => {
      const copies = [cold('-'), cold('-'), cold('-'), cold('(a|)')];
      const result = copiesOf(copies).pipe(hedge({ delayMs: 5, maxAttempts: 3, scheduler }));
      expectObservable(result, '^ 100ms !').toBe('');
      expectSubscriptions(copies[0]!.subscriptions).toBe('^ 100ms !');
      expectSubscriptions(copies[1]!.subscriptions).toBe('5ms ^ 95ms !');
      expectSubscriptions(copies[2]!.subscriptions).toBe('10ms ^ 90ms !');
      expectSubscriptions(copies[3]!.subscriptions).toBe([]);
    });
  });

  it('a deadline after it bounds every copy: all are unsubscribed at the deadline', () => {
    runMarbles((scheduler, { cold, expectObservable, expectSubscriptions }) => {
      const first = cold('-');
      const second = cold('-');
      const deadline = new RouterError(ErrorCode.RequestTimeout, 'deadline', { retryable: true });
      const result = copiesOf([first, second]).pipe(
        hedge({ delayMs: 10, scheduler }),
        timeout({ first: 50, scheduler, with: () => throwError(() => deadline) }),
      );
      expectObservable(result).toBe('50ms #', undefined, deadline);
      expectSubscriptions(first.subscriptions).toBe('^ 49ms !');
      expectSubscriptions(second.subscriptions).toBe('10ms ^ 39ms !');
    });
  });

  it('takes its delay from a percentile of an injected latency history', () => {
    runMarbles((scheduler, { cold, expectObservable, expectSubscriptions }) => {
      const history = new LatencyWindow({ minSamples: 1 });
      for (let ms = 1; ms <= 100; ms++) history.record(ms);
      const first = cold('-');
      const second = cold('(a|)');
      const result = copiesOf([first, second]).pipe(
        hedge({ delayMs: () => history.percentile(95) ?? Number.POSITIVE_INFINITY, scheduler }),
      );
      expectObservable(result).toBe('95ms (a|)');
      expectSubscriptions(second.subscriptions).toBe('95ms (^!)');
    });
  });

  it('an infinite delay (no history yet) sends no copy', () => {
    runMarbles((scheduler, { cold, expectObservable, expectSubscriptions }) => {
      const first = cold('---------(a|)');
      const second = cold('(a|)');
      const result = copiesOf([first, second]).pipe(
        hedge({ delayMs: () => Number.POSITIVE_INFINITY, scheduler }),
      );
      expectObservable(result).toBe('---------(a|)');
      expectSubscriptions(second.subscriptions).toBe([]);
    });
  });

  it('a shared HedgeBudget lets 5 % of requests hedge', () => {
    runMarbles((scheduler, { cold, expectObservable }) => {
      const budget = new HedgeBudget({ now: () => scheduler.now() });
      let hedges = 0;
      for (let i = 0; i < 100; i++) {
        budget.deposit();
        const result = cold('--------------------(a|)').pipe(
          hedge({ delayMs: 10, budget, scheduler, onHedge: () => hedges++ }),
        );
        expectObservable(result).toBe('--------------------(a|)');
      }
      scheduler.flush();
      expect(hedges).toBe(5);
    });
  });

  test.prop([
    fc.array(fc.record({ at: fc.integer({ min: 0, max: 60 }), fails: fc.boolean() }), {
      minLength: 1,
      maxLength: 5,
    }),
    fc.integer({ min: 1, max: 5 }),
    fc.integer({ min: 0, max: 30 }),
  ])(
    'ends exactly once, never runs more than maxAttempts copies, and leaves no copy subscribed',
    (plans, maxAttempts, delayMs) => {
      runMarbles((scheduler) => {
        let subscribed = 0;
        let inFlight = 0;
        let maxInFlight = 0;
        const source = defer(() => {
          const plan = plans[subscribed++ % plans.length]!;
          inFlight++;
          maxInFlight = Math.max(maxInFlight, inFlight);
          return new Observable<number>((s) => {
            const t = scheduler.schedule(() => {
              if (plan.fails) return s.error(lost);
              s.next(plan.at);
              s.complete();
            }, plan.at);
            return () => {
              inFlight--;
              t.unsubscribe();
            };
          });
        });
        const ends: string[] = [];
        source.pipe(hedge({ delayMs, maxAttempts, scheduler })).subscribe({
          next: () => ends.push('next'),
          complete: () => ends.push('complete'),
          error: () => ends.push('error'),
        });
        scheduler.flush();
        expect(ends.filter((e) => e !== 'next').length).toBe(1);
        expect(ends.filter((e) => e === 'next').length).toBeLessThanOrEqual(1);
        expect(maxInFlight).toBeLessThanOrEqual(maxAttempts);
        expect(subscribed).toBeLessThanOrEqual(maxAttempts);
        expect(inFlight).toBe(0);
      });
    },
  );
});
