import type { SchedulerLike } from 'rxjs';

/** Options of a `Connection`. */
export interface ConnectionOptions {
  /** Default timeout of `request$` / `ping$` (relative; `send` takes an absolute deadline). @defaultValue 5000 */
  readonly requestTimeoutMs?: number;
  /** Requests in flight at once on this connection; more fail with `ERR_TOO_MANY_IN_FLIGHT`. @defaultValue 1024 */
  readonly maxInFlight?: number;
  /** @defaultValue 1048575 */
  readonly maxMessageBytes?: number;
  /** How long `close()` waits for in-flight requests before destroying the socket. @defaultValue 5000 */
  readonly drainTimeoutMs?: number;
  /** Every timer and duration of the connection (deadlines, drain bound). Its `now()` may be fractional. @defaultValue asyncScheduler */
  readonly scheduler?: SchedulerLike;
  /** Wall-clock ms since the epoch for the frames' `timestamp` (floored to whole ms; never a scheduler's time). @defaultValue Date.now */
  readonly wallClock?: () => number;
  /**
   * Bytes buffered at most (frames not yet written plus the socket's own write buffer). A request that would go
   * over it fails at once with a retryable `ERR_BACKPRESSURE`, not sent — unless nothing is buffered, so one
   * frame of any allowed size always gets through. @defaultValue 4194304 (4 MiB)
   */
  readonly maxBufferedBytes?: number;
}
