import {
  asyncScheduler,
  type MonoTypeOperatorFunction,
  Observable,
  type SchedulerLike,
  type Subscription,
} from 'rxjs';
import { isRetryable } from '../errors.js';
import { type Backoff, type BackoffPolicy, backoff, type JitterMode } from './backoff.js';
import type { RetryBudget } from './retry-budget.js';

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
  /** Shared budget; when it cannot pay for a retry the error goes through at once. @defaultValue none */
  readonly budget?: RetryBudget;
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
 * Built on the structure of RxJS 7's `retry({ delay })` — `retryWhen` is deprecated.
 *
 * A source that always fails, with the defaults (100 ms, × 2, 3 retries), in ms:
 * ```
 * source subscriptions:  ^!  ^!   ^!     ^!
 * time:                  0   100  300    700
 * output:                ----------------#      (the 4th attempt's error, at 700)
 * ```
 * `resetAfterMs`: the counter resets only when a resubscription has stayed error-free that long — not on every
 * value (RxJS's `resetOnSuccess` trap, where a source that emits once and dies retries forever).
 * A number is shorthand for `{ maxRetries: n }`.
 */
export function retryBackoff<T>(config: RetryBackoffConfig | number = {}): MonoTypeOperatorFunction<T> {
  const options: RetryBackoffConfig = typeof config === 'number' ? { maxRetries: config } : config;
  const maxRetries = options.maxRetries ?? 3;
  const policy: BackoffPolicy = {
    initialBackoffMs: options.initialBackoffMs ?? 100,
    maxBackoffMs: options.maxBackoffMs ?? 5000,
    backoffMultiplier: options.backoffMultiplier ?? 2,
    jitter: options.jitter ?? 'none',
  };
  const shouldRetry = options.shouldRetry ?? isRetryable;
  const scheduler = options.scheduler ?? asyncScheduler;
  const random = options.random ?? Math.random;
  const { budget, onRetry, resetAfterMs } = options;

  return (source) =>
    new Observable<T>((subscriber) => {
      let state: Backoff = backoff.initial();
      let inner: Subscription | undefined;
      let wait: Subscription | undefined;
      let reset: Subscription | undefined;
      budget?.deposit();

      const attempt = () => {
        wait = undefined;
        let errored = false;
        if (resetAfterMs !== undefined && state.attempt > 0) {
          reset = scheduler.schedule(() => {
            state = backoff.initial();
            reset = undefined;
          }, resetAfterMs);
        }
        const sub = source.subscribe({
          next: (value) => subscriber.next(value),
          complete: () => {
            reset?.unsubscribe();
            subscriber.complete();
          },
          error: (error: unknown) => {
            errored = true;
            reset?.unsubscribe();
            reset = undefined;
            const next = backoff.next(state, policy, random);
            if (
              state.attempt >= maxRetries ||
              !shouldRetry(error, next.attempt) ||
              (budget && !budget.tryWithdraw())
            ) {
              subscriber.error(error);
              return;
            }
            state = next;
            onRetry?.({ attempt: next.attempt, delayMs: next.delayMs, error });
            inner?.unsubscribe();
            inner = undefined;
            wait = scheduler.schedule(attempt, next.delayMs);
          },
        });
        // A synchronous error has already scheduled the next attempt; keep no handle to a dead subscription.
        if (!errored) inner = sub;
      };

      attempt();
      return () => {
        inner?.unsubscribe();
        wait?.unsubscribe();
        reset?.unsubscribe();
      };
    });
}
