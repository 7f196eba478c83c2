import type { SchedulerLike } from 'rxjs';
import { ErrorCode, RouterError } from '../errors.js';

/** A setup's abort: its own signal, why it was aborted, and promises that end at once when it is. */
export interface SetupAbort {
  /** Aborted by the outer signal or at the deadline. */
  readonly signal: AbortSignal;
  /** The error the setup fails with once aborted (undefined before). */
  readonly reason: RouterError | undefined;
  /** `promise`, or a rejection with `reason` as soon as the setup is aborted (now, if it already is). */
  race<T>(promise: Promise<T>): Promise<T>;
  /** Clears the deadline timer and the listener on the outer signal. */
  dispose(): void;
}

/**
 * One abort for a whole setup: aborted when `outer` aborts (the pool closed or the node was removed: a retryable
 * `ERR_POOL_CLOSED`) or at `end` (scheduler time: `timeoutError()`), whichever comes first.
 */
export function abortWith(
  outer: AbortSignal,
  scheduler: SchedulerLike,
  end: number,
  timeoutError: () => RouterError,
): SetupAbort {
  const controller = new AbortController();
  const waiting = new Set<(err: RouterError) => void>();
  let reason: RouterError | undefined;
  const fire = (err: RouterError) => {
    if (reason) return;
    reason = err;
    controller.abort(err);
    for (const reject of [...waiting]) reject(err);
    waiting.clear();
  };
  const onOuter = () =>
    fire(
      new RouterError(ErrorCode.PoolClosed, 'connection setup aborted: the pool is closed', {
        retryable: true,
      }),
    );
  outer.addEventListener('abort', onOuter, { once: true });
  const timer = scheduler.schedule(() => fire(timeoutError()), Math.max(0, end - scheduler.now()));
  if (outer.aborted) onOuter();
  return {
    signal: controller.signal,
    get reason() {
      return reason;
    },
    race<T>(promise: Promise<T>): Promise<T> {
      if (reason) {
        promise.catch(() => {});
        return Promise.reject(reason);
      }
      return new Promise<T>((resolve, reject) => {
        waiting.add(reject);
        promise.then(
          (value) => {
            waiting.delete(reject);
            resolve(value);
          },
          (err) => {
            waiting.delete(reject);
            reject(err);
          },
        );
      });
    },
    dispose() {
      timer.unsubscribe();
      outer.removeEventListener('abort', onOuter);
    },
  };
}
