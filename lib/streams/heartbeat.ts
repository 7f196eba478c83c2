import { defer, Observable, type SchedulerLike, type Subscription } from 'rxjs';
import { ErrorCode, RouterError } from '../errors.js';

/** One probe's outcome. `at` is the scheduler time the ping was sent. */
export type ProbeSample =
  | { readonly ok: true; readonly at: number; readonly rttMs: number }
  | {
      readonly ok: false;
      readonly at: number;
      readonly reason: 'timeout' | 'error';
      readonly error: unknown;
    };

/** Options of {@link heartbeat}. */
export interface HeartbeatOptions {
  /** @defaultValue 1000 */
  readonly intervalMs: number;
  /** @defaultValue 1000 */
  readonly timeoutMs: number;
  /** After k consecutive failed probes the next waits intervalMs × 2^(k-1), at most this. @defaultValue intervalMs */
  readonly maxIntervalMs?: number;
  readonly scheduler: SchedulerLike;
  /**
   * Asked when a ping sent at `sentAt` is still unanswered at its timeout (`now`): true when its silence is the
   * client's own lateness, not the node's (the router: our event loop was stalled for most of the ping's time, or
   * the node is answering our requests meanwhile and the pong waits behind them) — the ping then gets `timeoutMs`
   * more instead of failing. @defaultValue never
   */
  readonly excused?: (sentAt: number, now: number) => boolean;
}

/** A timeout timer this late (ms) fired after a stall of the client's event loop. */
const lateMs = 10;

/**
 * Pings at once, then every `intervalMs` (fixed rate), never two pings at the same time: a ping that takes
 * longer than the interval delays the next one. Each ping is bounded by `timeoutMs`; its first value is the
 * pong (a late pong after the timeout is ignored: the ping is unsubscribed). While probes fail the interval
 * backs off (× 2 per failure, up to `maxIntervalMs`), so a dead node is not hammered. A timeout that fires
 * 10 ms or more late (a stall of the client's own event loop) judges one turn later, so a pong already waiting is
 * read first, and a ping whose time the stall half ate gets its whole `timeoutMs` again (the fair-chance rule).
 * A ping whose silence `excused` puts down to the client gets `timeoutMs` more, as often as it is excused; a
 * silent node fails once it is not (the router's rule: once our loop runs freely and the node answers nothing).
 *
 * interval 100, timeout 50, ping answers after 10 ms, then hangs:
 * ```
 * pings:    ^-!        ^-!        ^----!         ^----!
 * time:     0          100        200            250+100=350 …
 * samples:  --ok-------ok----------timeout(250)---timeout(400)
 * ```
 */
export function heartbeat(
  ping: () => Observable<unknown>,
  options: HeartbeatOptions,
): Observable<ProbeSample> {
  const { intervalMs, timeoutMs, scheduler, excused } = options;
  const maxIntervalMs = options.maxIntervalMs ?? intervalMs;
  return new Observable<ProbeSample>((subscriber) => {
    let failures = 0;
    let probe: Subscription | undefined;
    let timer: Subscription | undefined;
    let wait: Subscription | undefined;

    const run = () => {
      const at = scheduler.now();
      let done = false;
      const finish = (sample: ProbeSample) => {
        if (done) return;
        done = true;
        timer?.unsubscribe();
        probe?.unsubscribe();
        failures = sample.ok ? 0 : failures + 1;
        subscriber.next(sample);
        const period =
          failures === 0 ? intervalMs : Math.min(maxIntervalMs, intervalMs * 2 ** (failures - 1));
        wait = scheduler.schedule(run, Math.max(0, at + period - scheduler.now()));
      };
      const onTimeout = (deferred: boolean) => {
        const late = scheduler.now() - (at + timeoutMs);
        if (!deferred && late >= lateMs) {
          // Fired late: the client's own event loop was stalled, not the node. After a stall Node runs expired
          // timers before reading sockets: judge after one turn, so a pong already waiting is read first — and
          // when the stall ate half the ping's time or more, give the ping its whole time again.
          timer = scheduler.schedule(() => onTimeout(true), late >= timeoutMs / 2 ? timeoutMs : 0);
          return;
        }
        if (excused?.(at, scheduler.now())) {
          // the client's lateness (a stalled or saturated loop, a pong behind our own requests): more time
          timer = scheduler.schedule(() => onTimeout(true), timeoutMs);
          return;
        }
        const error = new RouterError(ErrorCode.RequestTimeout, `ping unanswered after ${timeoutMs} ms`, {
          retryable: true,
        });
        finish({ ok: false, at, reason: 'timeout', error });
      };
      timer = scheduler.schedule(() => onTimeout(false), timeoutMs);
      probe = defer(ping).subscribe({
        next: () => finish({ ok: true, at, rttMs: scheduler.now() - at }),
        error: (error: unknown) => finish({ ok: false, at, reason: 'error', error }),
        complete: () =>
          finish({
            ok: false,
            at,
            reason: 'error',
            error: new RouterError(ErrorCode.ConnectionLost, 'ping completed without a pong', {
              retryable: true,
            }),
          }),
      });
      if (done) probe.unsubscribe();
    };

    run();
    return () => {
      probe?.unsubscribe();
      timer?.unsubscribe();
      wait?.unsubscribe();
    };
  });
}
