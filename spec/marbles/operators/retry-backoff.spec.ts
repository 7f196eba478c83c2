import { fc, test } from '@fast-check/vitest';
import { defer, Observable, take, throwError } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { ErrorCode, RouterError } from '../../../lib/errors.js';
import { backoff, type JitterMode } from '../../../lib/operators/backoff.js';
import { type RetryInfo, retryBackoff } from '../../../lib/operators/retry-backoff.js';
import { RetryBudget } from '../../../lib/operators/retry-budget.js';
import { withRetryRefused } from '../../../lib/operators/with-retry-refused.js';
import { runMarbles } from '../../support/marbles.js';

const retryable = new RouterError(ErrorCode.ConnectionLost, 'lost', { retryable: true });
/** What a retry refused by the budget delivers: a copy of the error saying so. */
const refusedByBudget = withRetryRefused(retryable, 'budget');
const fatal = new RouterError(ErrorCode.Config, 'bad', { retryable: false });

describe('retryBackoff', () => {
  it('resubscribes at 0, 100, 300, 700 ms, then delivers the last error as it is', () => {
    runMarbles((scheduler, { cold, expectObservable, expectSubscriptions }) => {
      const source = cold('#', undefined, retryable);
      expectObservable(source.pipe(retryBackoff({ scheduler }))).toBe('700ms #', undefined, retryable);
      expectSubscriptions(source.subscriptions).toBe(['(^!)', '100ms (^!)', '300ms (^!)', '700ms (^!)']);
    });
  });

  it('caps every delay at maxBackoffMs', () => {
    runMarbles((scheduler, { cold, expectObservable, expectSubscriptions }) => {
      const source = cold('#', undefined, retryable);
      const result = source.pipe(retryBackoff({ maxRetries: 4, maxBackoffMs: 250, scheduler }));
      expectObservable(result).toBe('800ms #', undefined, retryable);
      expectSubscriptions(source.subscriptions).toBe([
        '(^!)',
        '100ms (^!)',
        '300ms (^!)',
        '550ms (^!)',
        '800ms (^!)',
      ]);
    });
  });

  it.each<[JitterMode, string[]]>([
    ['full', ['(^!)', '50ms (^!)', '150ms (^!)', '350ms (^!)']],
    ['equal', ['(^!)', '75ms (^!)', '225ms (^!)', '525ms (^!)']],
    // decorrelated: uniform(100, prev × 3) with random 0.5: 200, 100 + 0.5 × 500 = 350, 100 + 0.5 × 950 = 575
    ['decorrelated', ['(^!)', '200ms (^!)', '550ms (^!)', '1125ms (^!)']],
  ])('jitter %s draws from the injected random', (jitter, subscriptions) => {
    runMarbles((scheduler, { cold, expectObservable, expectSubscriptions }) => {
      const source = cold('#', undefined, retryable);
      expectObservable(source.pipe(retryBackoff({ jitter, random: () => 0.5, scheduler }))).toBe(
        `${subscriptions.at(-1)!.replace(' (^!)', '')} #`,
        undefined,
        retryable,
      );
      expectSubscriptions(source.subscriptions).toBe(subscriptions);
    });
  });

  it('lets a non-retryable error through at once', () => {
    runMarbles((scheduler, { cold, expectObservable, expectSubscriptions }) => {
      const source = cold('a-#', { a: 1 }, fatal);
      expectObservable(source.pipe(retryBackoff({ scheduler }))).toBe('a-#', { a: 1 }, fatal);
      expectSubscriptions(source.subscriptions).toBe('^-!');
    });
  });

  it('unsubscribing during a wait cancels the timer: no further subscription, nothing left scheduled', () => {
    runMarbles((scheduler, { cold, expectObservable, expectSubscriptions }) => {
      const source = cold('#', undefined, retryable);
      expectObservable(source.pipe(retryBackoff({ scheduler })), '^ 150ms !').toBe('');
      expectSubscriptions(source.subscriptions).toBe(['(^!)', '100ms (^!)']);
    });
  });

  it('handles a source that throws synchronously on every resubscribe', () => {
    runMarbles((scheduler, { expectObservable }) => {
      let attempts = 0;
      const source = defer(() => {
        attempts++;
        throw retryable;
      });
      expectObservable(source.pipe(retryBackoff({ maxRetries: 2, scheduler }))).toBe(
        '300ms #',
        undefined,
        retryable,
      );
      scheduler.flush();
      expect(attempts).toBe(3);
    });
  });

  it('resetAfterMs resets the counter only after a resubscription stayed error-free that long', () => {
    runMarbles((scheduler, { cold, expectObservable }) => {
      const attempts = [
        cold('#', {}, retryable),
        cold('#', {}, retryable),
        cold('a 59ms #', { a: 1 }, retryable),
      ];
      let i = 0;
      const source = defer(
        () => attempts[i++] ?? (i === 4 ? cold('#', {}, retryable) : cold('(b|)', { b: 2 })),
      );
      // 0 fail, 100 fail, 300 healthy (reset at 350), 360 fail -> wait 100 (reset), 460 fail -> wait 200, 660 done
      expectObservable(source.pipe(retryBackoff({ resetAfterMs: 50, scheduler }))).toBe(
        '300ms a 359ms (b|)',
        {
          a: 1,
          b: 2,
        },
      );
    });
  });

  it('resetAfterMs is not fooled by a source that emits once and dies (the resetOnSuccess trap)', () => {
    runMarbles((scheduler, { cold, expectObservable }) => {
      const source = cold('a#', { a: 1 }, retryable);
      expectObservable(source.pipe(retryBackoff({ resetAfterMs: 50, scheduler }))).toBe(
        'a 100ms a 200ms a 400ms a#',
        { a: 1 },
        retryable,
      );
    });
  });

  it('stops retrying when the shared budget is empty, delivering the error at once, marked retryRefused', () => {
    runMarbles((scheduler, { cold, expectObservable, expectSubscriptions }) => {
      const budget = new RetryBudget({
        percentCanRetry: 0,
        minRetriesPerSecond: 1,
        ttlMs: 1000, // a reserve of one retry
        now: () => scheduler.now(),
      });
      const source = cold('#', undefined, retryable);
      expectObservable(source.pipe(retryBackoff({ budget, scheduler }))).toBe(
        '100ms #',
        undefined,
        refusedByBudget,
      );
      expectSubscriptions(source.subscriptions).toBe(['(^!)', '100ms (^!)']);
    });
  });

  it('retries of budgetFree errors cost the budget nothing: an empty budget still lets them through', () => {
    runMarbles((scheduler, { cold, expectObservable, expectSubscriptions }) => {
      const budget = new RetryBudget({
        percentCanRetry: 0,
        minRetriesPerSecond: 0,
        now: () => scheduler.now(),
      });
      const notSent = new RouterError(ErrorCode.AcquireTimeout, 'not sent', { retryable: true });
      const source = cold('#', undefined, notSent);
      const budgetFree = (e: unknown) => e === notSent;
      expectObservable(source.pipe(retryBackoff({ budget, budgetFree, scheduler }))).toBe(
        '700ms #',
        undefined,
        notSent,
      );
      expectSubscriptions(source.subscriptions).toBe(['(^!)', '100ms (^!)', '300ms (^!)', '700ms (^!)']);
      expect(budget.available).toBe(0);
      // the same budget refuses a retry it would have to pay for
      const paid = cold('#', undefined, retryable);
      expectObservable(paid.pipe(retryBackoff({ budget, budgetFree, scheduler }))).toBe(
        '#',
        undefined,
        refusedByBudget,
      );
    });
  });

  it('reports each retry to onRetry', () => {
    const seen: RetryInfo[] = [];
    runMarbles((scheduler, { cold, expectObservable }) => {
      const source = cold('#', undefined, retryable);
      expectObservable(
        source.pipe(retryBackoff({ maxRetries: 2, scheduler, onRetry: (r) => seen.push(r) })),
      ).toBe('300ms #', undefined, retryable);
    });
    expect(seen).toEqual([
      { attempt: 1, delayMs: 100, error: retryable },
      { attempt: 2, delayMs: 200, error: retryable },
    ]);
  });

  it('accepts a number as shorthand for maxRetries', () => {
    runMarbles((scheduler, { cold, expectSubscriptions, expectObservable }) => {
      const source = cold('#', undefined, retryable);
      expectObservable(source.pipe(retryBackoff(1))).toBe('100ms #', undefined, retryable);
      expectSubscriptions(source.subscriptions).toBe(['(^!)', '100ms (^!)']);
      void scheduler;
    });
  });

  const policyArb = fc.record({
    maxRetries: fc.integer({ min: 0, max: 6 }),
    initialBackoffMs: fc.integer({ min: 1, max: 1000 }),
    backoffMultiplier: fc.double({ min: 1, max: 3, noNaN: true }),
    maxBackoffMs: fc.integer({ min: 1, max: 10_000 }),
    jitter: fc.constantFrom<JitterMode>('none', 'full', 'equal', 'decorrelated'),
    random: fc.double({ min: 0, max: 0.999999, noNaN: true }),
  });

  test.prop([policyArb])(
    'Property 2: waits follow the formula exactly without jitter and stay within its bounds with it',
    ({ random, ...config }) => {
      const times: number[] = [];
      const errors: unknown[] = [];
      runMarbles((scheduler) => {
        const source = new Observable<never>((s) => {
          times.push(scheduler.now());
          s.error(retryable);
        });
        source.pipe(retryBackoff({ ...config, random: () => random, scheduler })).subscribe({
          error: (e) => errors.push(e),
        });
      });
      expect(errors).toEqual([retryable]);
      expect(times).toHaveLength(config.maxRetries + 1);
      const policy = { ...config, maxBackoffMs: config.maxBackoffMs };
      for (let k = 1; k < times.length; k++) {
        const wait = times[k]! - times[k - 1]!;
        const base = backoff.base(policy, k);
        if (config.jitter === 'none') expect(wait).toBe(Math.round(base));
        else if (config.jitter === 'full') expect(wait).toBeLessThanOrEqual(Math.round(base));
        else if (config.jitter === 'equal') {
          expect(wait).toBeGreaterThanOrEqual(Math.round(base / 2) - 1);
          expect(wait).toBeLessThanOrEqual(Math.round(base));
        } else {
          expect(wait).toBeGreaterThanOrEqual(Math.min(config.initialBackoffMs, config.maxBackoffMs));
          expect(wait).toBeLessThanOrEqual(config.maxBackoffMs);
        }
      }
    },
  );

  it('with the defaults, a request failing twice succeeds no sooner than 100 + 200 ms', () => {
    runMarbles((scheduler, { cold, expectObservable }) => {
      let n = 0;
      const source = defer(() => (n++ < 2 ? throwError(() => retryable) : cold('(a|)', { a: 'ok' })));
      expectObservable(source.pipe(retryBackoff({ scheduler }))).toBe('300ms (a|)', { a: 'ok' });
    });
  });
});

describe('retryBackoff against RxJS retry behaviours', () => {
  it('stops listening to a synchronous source when the consumer unsubscribes (take(3) downstream)', () => {
    const sideEffects: number[] = [];
    const synchronous = new Observable<number>((subscriber) => {
      for (let i = 0; !subscriber.closed && i < 10; i++) {
        sideEffects.push(i);
        subscriber.next(i);
      }
    });
    const seen: number[] = [];
    synchronous.pipe(retryBackoff(1), take(3)).subscribe((v) => seen.push(v));
    expect(sideEffects).toEqual([0, 1, 2]);
    expect(seen).toEqual([0, 1, 2]);
  });

  it('delivers an error thrown by shouldRetry to the subscriber', () => {
    const thrown = new Error('shouldRetry broke');
    runMarbles((scheduler, { cold, expectObservable }) => {
      const source = cold('a#', { a: 1 }, retryable);
      const result = source.pipe(
        retryBackoff({
          scheduler,
          shouldRetry: () => {
            throw thrown;
          },
        }),
      );
      expectObservable(result).toBe('a#', { a: 1 }, thrown);
    });
  });

  it('delivers an error thrown by onRetry to the subscriber, and schedules nothing', () => {
    const thrown = new Error('onRetry broke');
    runMarbles((scheduler, { cold, expectObservable, expectSubscriptions }) => {
      const source = cold('#', undefined, retryable);
      const result = source.pipe(
        retryBackoff({
          scheduler,
          onRetry: () => {
            throw thrown;
          },
        }),
      );
      expectObservable(result).toBe('#', undefined, thrown);
      expectSubscriptions(source.subscriptions).toBe('(^!)');
    });
  });

  it('makes no retry whose wait would reach the deadline: the last error goes through at once', () => {
    runMarbles((scheduler, { cold, expectObservable, expectSubscriptions }) => {
      const source = cold('#', undefined, retryable);
      const result = source.pipe(retryBackoff({ scheduler, deadline: 250 }));
      expectObservable(result).toBe('100ms #', undefined, retryable);
      expectSubscriptions(source.subscriptions).toBe(['(^!)', '100ms (^!)']);
    });
  });

  it('with depositOnSubscribe false the budget earns nothing from the subscription', () => {
    runMarbles((scheduler, { cold, expectObservable }) => {
      const budget = new RetryBudget({
        percentCanRetry: 1,
        minRetriesPerSecond: 0,
        now: () => scheduler.now(),
      });
      const source = cold('#', undefined, retryable);
      expectObservable(source.pipe(retryBackoff({ scheduler, budget, depositOnSubscribe: false }))).toBe(
        '#',
        undefined,
        refusedByBudget,
      );
    });
  });

  it('unsubscribing mid-attempt leaves nothing subscribed or scheduled', () => {
    runMarbles((scheduler, { cold, expectObservable, expectSubscriptions }) => {
      const source = cold('--#', undefined, retryable);
      expectObservable(source.pipe(retryBackoff({ scheduler })), '^ 103ms !').toBe('');
      expectSubscriptions(source.subscriptions).toBe(['^-!', '102ms ^-!']);
    });
  });
});
