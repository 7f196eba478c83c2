import {
  asyncScheduler,
  type MonoTypeOperatorFunction,
  Observable,
  type SchedulerLike,
  Subscriber,
  type Subscription,
} from 'rxjs';
import { configDefaults } from '../config.js';
import { isRetryable } from '../errors.js';
import { type Backoff, type BackoffPolicy, backoff, type JitterMode } from './backoff.js';
import type { RetryBudget } from './retry-budget.js';
import { retryDecision } from './retry-decision.js';
import { withRetryRefused } from './with-retry-refused.js';

/** What `onRetry` is told before each wait. */
export interface RetryInfo {
  /** 1 for the first retry. */
  readonly attempt: number;
  readonly delayMs: number;
  readonly error: unknown;
}

/** Options of {@link retryBackoff}; every one is optional. */
export interface RetryBackoffConfig {
  /** Retries after the first attempt. @defaultValue 3 */
  readonly maxRetries?: number;
  /** @defaultValue 100 */
  readonly initialBackoffMs?: number;
  /** @defaultValue 5000 */
  readonly maxBackoffMs?: number;
  /** @defaultValue 2 */
  readonly backoffMultiplier?: number;
  /** @defaultValue 'none' */
  readonly jitter?: JitterMode;
  /** Which errors are retried. @defaultValue isRetryable (a RouterError with `retryable: true`) */
  readonly shouldRetry?: (error: unknown, attempt: number) => boolean;
  /** The attempt counter resets once a resubscription has gone this long without an error. @defaultValue never */
  readonly resetAfterMs?: number;
  /**
   * Shared budget; when it cannot pay for a retry the error goes through at once, as a copy carrying
   * `retryRefused: 'budget'`. @defaultValue none
   */
  readonly budget?: RetryBudget;
  /**
   * Errors whose retry the budget does not pay for — a router passes failures that happened before the request
   * could reach a node (no extra load on any node), which it promises to retry. @defaultValue () => false
   */
  readonly budgetFree?: (error: unknown) => boolean;
  /**
   * Whether each subscription deposits one request into `budget`. Pass false when the caller already deposited
   * for this request (the router does, once per request, on its fast path). @defaultValue true
   */
  readonly depositOnSubscribe?: boolean;
  /**
   * Absolute scheduler time (`scheduler.now()` based) by which everything must end: a retry whose wait would
   * end at or after it is not made, and the error goes through at once. @defaultValue none
   */
  readonly deadline?: number;
  /** Told of each retry before its wait. */
  readonly onRetry?: (info: RetryInfo) => void;
  /** @defaultValue asyncScheduler */
  readonly scheduler?: SchedulerLike;
  /** Uniform in [0, 1), for jitter. @defaultValue Math.random */
  readonly random?: () => number;
}

/**
 * Resubscribes to the source after a retryable error, waiting `min(initial × multiplier^(k-1), max)` before
 * retry k (jittered when asked); after `maxRetries` the last error is delivered as it is (its code intact).
 * Built on the structure of RxJS 7's `retry({ delay })` — `retryWhen` is deprecated — and behaves like it where
 * they overlap: each attempt's subscriber is tied to the outer subscriber before the source runs, so a
 * synchronous source stops as soon as the consumer unsubscribes (`take(n)` downstream); an error thrown by
 * `shouldRetry` or `onRetry` is delivered to the subscriber.
 *
 * The retry decision — count, `shouldRetry`, `deadline`, `budget`, in that order — is `retryDecision`, the one the
 * router's `decide` runs too.
 *
 * A source that always fails, with the defaults (100 ms, × 2, 3 retries), in ms:
 * ```
 * source subscriptions:  ^!  ^!   ^!     ^!
 * time:                  0   100  300    700
 * output:                ----------------#      (the 4th attempt's error, at 700)
 * ```
 * With `deadline: 250` the third attempt (due at 300) is not made: the error of the second goes through at 100.
 *
 * `resetAfterMs`: the counter resets only when a resubscription has stayed error-free that long — not on every
 * value (RxJS's `resetOnSuccess` trap, where a source that emits once and dies retries forever).
 * A number is shorthand for `{ maxRetries: n }`.
 */
export function retryBackoff<T>(config: RetryBackoffConfig | number = {}): MonoTypeOperatorFunction<T> {
  const options: RetryBackoffConfig = typeof config === 'number' ? { maxRetries: config } : config;
  const defaults = configDefaults.retry;
  const maxRetries = options.maxRetries ?? defaults.maxRetries;
  const policy: BackoffPolicy = {
    initialBackoffMs: options.initialBackoffMs ?? defaults.initialBackoffMs,
    maxBackoffMs: options.maxBackoffMs ?? defaults.maxBackoffMs,
    backoffMultiplier: options.backoffMultiplier ?? defaults.backoffMultiplier,
    jitter: options.jitter ?? defaults.jitter,
  };
  const shouldRetry = options.shouldRetry ?? isRetryable;
  const scheduler = options.scheduler ?? asyncScheduler;
  const random = options.random ?? Math.random;
  const { budget, onRetry, resetAfterMs, deadline, budgetFree } = options;
  const deposit = options.depositOnSubscribe ?? true;

  return (source) =>
    new Observable<T>((subscriber) => {
      let state: Backoff = backoff.initial();
      let wait: Subscription | undefined;
      let reset: Subscription | undefined;
      let refusedByBudget = false;
      if (deposit) budget?.deposit();

      /** The next backoff point, or undefined when this error ends the sequence. May throw (user callbacks). */
      const decide = (error: unknown): Backoff | undefined => {
        const d = retryDecision({
          error,
          state,
          maxRetries,
          policy,
          random,
          shouldRetry,
          now: scheduler.now(),
          deadline,
          budget,
          budgetFree: budgetFree?.(error),
        });
        if (!d.retry) {
          refusedByBudget = d.reason === 'budget';
          return undefined;
        }
        onRetry?.({ attempt: d.next.attempt, delayMs: d.next.delayMs, error });
        return d.next;
      };

      const onError = (error: unknown) => {
        reset?.unsubscribe();
        reset = undefined;
        let next: Backoff | undefined;
        try {
          next = decide(error);
        } catch (thrown) {
          subscriber.error(thrown);
          return;
        }
        if (!next) {
          // a retry refused by the budget says so: a copy of the error with retryRefused: 'budget'
          subscriber.error(refusedByBudget ? withRetryRefused(error, 'budget') : error);
          return;
        }
        state = next;
        wait = scheduler.schedule(attempt, next.delayMs);
      };
      const onComplete = () => {
        reset?.unsubscribe();
        subscriber.complete();
      };

      const attempt = () => {
        wait = undefined;
        if (resetAfterMs !== undefined && state.attempt > 0) {
          reset = scheduler.schedule(() => {
            state = backoff.initial();
            reset = undefined;
          }, resetAfterMs);
        }
        // Added to `subscriber` by its constructor: unsubscribing downstream closes it, even mid-subscribe.
        source.subscribe(new AttemptSubscriber<T>(subscriber, onError, onComplete));
      };

      attempt();
      return () => {
        wait?.unsubscribe();
        reset?.unsubscribe();
      };
    });
}

/** One attempt's subscriber: values go straight through, an error or completion goes to the operator. */
class AttemptSubscriber<T> extends Subscriber<T> {
  private readonly onError: (error: unknown) => void;
  private readonly onDone: () => void;

  constructor(destination: Subscriber<T>, onError: (error: unknown) => void, onDone: () => void) {
    super(destination);
    this.onError = onError;
    this.onDone = onDone;
  }

  protected override _error(error: unknown): void {
    this.unsubscribe();
    this.onError(error);
  }

  protected override _complete(): void {
    this.unsubscribe();
    this.onDone();
  }
}
