import {
  asyncScheduler,
  type MonoTypeOperatorFunction,
  Observable,
  type SchedulerLike,
  type Subscription,
} from 'rxjs';
import { configDefaults } from '../config.js';
import { isRetryable } from '../errors.js';

/** Options of {@link hedge}. */
export interface HedgeConfig {
  /**
   * How long to wait for an answer before sending copy `copy` (2 for the first hedge). A function is asked when
   * the previous copy leaves — pass a percentile of the node's recent reply times to hedge only the slow tail.
   */
  readonly delayMs: number | ((copy: number) => number);
  /** Copies at most, the first included (gRPC caps its hedging policy at 5). @defaultValue 2 (configDefaults) */
  readonly maxAttempts?: number;
  /** Pays for each hedge; when it refuses, no further copy is sent. @defaultValue none (unbounded) */
  readonly budget?: { tryWithdraw(): boolean };
  /**
   * Whether an error of one copy still lets the others answer. Any other error ends the whole request at once,
   * cancelling the copies in flight. @defaultValue isRetryable
   */
  readonly isNonFatal?: (error: unknown) => boolean;
  /** Told when copy `copy` (≥ 2) is sent. */
  readonly onHedge?: (copy: number) => void;
  /** Told which copy gave the first value (1 = the original), just before the other copies are unsubscribed. */
  readonly onWin?: (copy: number) => void;
  /** @defaultValue asyncScheduler */
  readonly scheduler?: SchedulerLike;
}

/**
 * Hedged requests ("The Tail at Scale"): subscribes to the source once and, when no value has come after
 * `delayMs`, subscribes again — a copy, which a router's `defer` sends to another node — up to `maxAttempts`
 * copies in flight. The first value wins: it is emitted (with the rest of that copy) and every other copy is
 * unsubscribed in the same frame. A non-fatal error of one copy is dropped while another copy may still answer
 * (the hedge timer keeps running); it sends no copy by itself — retrying after an error, with backoff, is
 * `retryBackoff`'s call (put it after `hedge`) — and the last error is delivered when no copy is left. A fatal
 * error ends everything at once. Deadlines are the caller's: put a `timeout` after it.
 *
 * Delay 10 ms, maxAttempts 2, the original is slow, the hedge answers after 5 ms:
 * ```
 * source subscriptions: ^-----------------!     (copy 1, unsubscribed when copy 2 wins)
 *                       ----------^-----!       (copy 2, sent at 10 ms)
 * output:               ----------------(a|)    (at 15 ms)
 * ```
 * Only hedge what may be repeated: a hedged write can be executed twice.
 */
export function hedge<T>(config: HedgeConfig): MonoTypeOperatorFunction<T> {
  const maxAttempts = config.maxAttempts ?? configDefaults.hedge.maxAttempts;
  const scheduler = config.scheduler ?? asyncScheduler;
  const isNonFatal = config.isNonFatal ?? isRetryable;
  const delayOf = typeof config.delayMs === 'number' ? () => config.delayMs as number : config.delayMs;
  const { budget, onHedge, onWin } = config;

  return (source) =>
    new Observable<T>((subscriber) => {
      const copies = new Map<number, Subscription>();
      let sent = 0;
      let winner = 0;
      let lastError: unknown;
      let timer: Subscription | undefined;
      let ended = false;

      const end = () => {
        ended = true;
        timer?.unsubscribe();
        timer = undefined;
        for (const [copy, sub] of copies) if (copy !== winner) sub.unsubscribe();
      };
      const fail = (error: unknown) => {
        end();
        subscriber.error(error);
      };

      const schedule = () => {
        timer?.unsubscribe();
        timer = undefined;
        if (sent >= maxAttempts) return;
        const delay = Math.max(0, delayOf(sent + 1));
        if (!Number.isFinite(delay)) return;
        timer = scheduler.schedule(() => {
          timer = undefined;
          hedgeNow();
        }, delay);
      };

      // A later copy is paid for by the budget; the first never is.
      const hedgeNow = (): boolean => {
        if (ended || sent >= maxAttempts || (budget && !budget.tryWithdraw())) return false;
        launch();
        return true;
      };

      const launch = () => {
        const copy = ++sent;
        if (copy > 1) onHedge?.(copy);
        schedule();
        let done = false;
        const sub = source.subscribe({
          next: (value) => {
            if (ended && winner !== copy) return;
            if (!winner) {
              winner = copy;
              onWin?.(copy); // before the other copies are unsubscribed: a caller may treat those as losers
              end();
            }
            subscriber.next(value);
          },
          complete: () => {
            done = true;
            copies.delete(copy);
            if (winner === copy || !winner) {
              winner = copy;
              end();
              subscriber.complete();
            }
          },
          error: (error: unknown) => {
            done = true;
            copies.delete(copy);
            if (ended) {
              if (winner === copy) subscriber.error(error);
              return;
            }
            if (!isNonFatal(error)) return fail(error);
            lastError = error;
            // An error sends no copy by itself (a retry is the retry operator's call, after its backoff): the
            // other copies are waited for, and the last error goes through when none is left.
            if (copies.size === 0) fail(lastError);
          },
        });
        if (!done) copies.set(copy, sub);
      };

      launch();
      return () => {
        ended = true;
        timer?.unsubscribe();
        for (const sub of copies.values()) sub.unsubscribe();
        copies.clear();
      };
    });
}
