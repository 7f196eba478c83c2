import {
  defer,
  EMPTY,
  type Observable,
  type SchedulerLike,
  Subject,
  type Subscription,
  takeUntil,
} from 'rxjs';
import { ErrorCode, RouterError } from '../errors.js';
import { FanOut } from './fan-out.js';

/** The steps of `close()` after draining, in order. */
export interface CloseSteps {
  /** Stops the health stream (heartbeats) for good. */
  stopHealth(): void;
  /** Closes every pool. */
  closeNodes(): Promise<void>;
  /** Completes what is left (signals, events). */
  complete(): void;
}

/**
 * The router's life: open → closing (new requests fail with `ERR_ROUTER_CLOSED`; requests waiting for a node or
 * a retry end at once; those in flight may finish, bounded by `drainMs`) → closed (heartbeats stopped, pools
 * closed, streams completed). After `close()`, `health$` / `eligible$` complete at once for a new subscriber and
 * never restart the heartbeats.
 *
 * ```
 * close():       c--------------------d       c: closing$ emits   d: drained (or drainMs passed)
 * in flight:     ==========!                  then: stopHealth, closeNodes, complete
 * health$ sub:                          |     (a late subscriber: complete at once)
 * ```
 */
export class Lifecycle {
  /** Requests waiting for a node or a backoff listen here: O(1) to leave (see FanOut). */
  private readonly closingFanOut = new FanOut();
  private readonly shutdown = new Subject<void>();
  private state: 'open' | 'closing' | 'closed' = 'open';
  private active = 0;
  private drained: (() => void) | undefined;
  private closed: Promise<void> | undefined;

  /** Emits once when `close()` begins. */
  readonly closing$: Observable<void> = this.closingFanOut.changes$;

  /** True from the moment `close()` is called. */
  get closing(): boolean {
    return this.state !== 'open';
  }

  /** The error of a request refused or cut short by `close()`. */
  closedError(): RouterError {
    return new RouterError(ErrorCode.RouterClosed, 'the router is closed');
  }

  /** Counts a request in; call {@link leave} once when it ends. */
  enter(): void {
    this.active++;
  }

  /** Counts a request out (see {@link enter}). */
  leave(): void {
    if (--this.active === 0) this.drained?.();
  }

  /** `source$` until shutdown; after it, an Observable that completes at once (nothing restarts). */
  guard<T>(source$: Observable<T>): Observable<T> {
    return defer(() => (this.state === 'closed' ? EMPTY : source$.pipe(takeUntil(this.shutdown))));
  }

  /** Closes once (later calls return the same promise): drain (bounded by `drainMs`), then `steps`. */
  close(scheduler: SchedulerLike, drainMs: number, steps: CloseSteps): Promise<void> {
    this.closed ??= (async () => {
      this.state = 'closing';
      this.closingFanOut.notify();
      if (this.active > 0) {
        let bound: Subscription | undefined;
        await new Promise<void>((resolve) => {
          this.drained = resolve;
          bound = scheduler.schedule(resolve, drainMs);
        });
        bound?.unsubscribe();
      }
      this.state = 'closed';
      steps.stopHealth();
      this.shutdown.next();
      this.shutdown.complete();
      await steps.closeNodes();
      steps.complete();
    })();
    return this.closed;
  }
}
