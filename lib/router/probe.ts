import {
  catchError,
  defer,
  map,
  NEVER,
  type Observable,
  type SchedulerLike,
  tap,
  throwError,
  timer,
} from 'rxjs';
import { ErrorCode, RequestTimeoutError, type RouterError } from '../errors.js';
import type { Pool } from '../transport/pool.js';
import type { NodeId } from '../types.js';
import type { RouterEvent } from './router-event.js';

/** The connection's deadline for a ping, in probe timeouts: a backstop behind the heartbeat's own timer. */
const backstop = 4;

/** What {@link probe} needs. */
export interface ProbeOptions {
  readonly pool: Pool;
  readonly nodeId: NodeId;
  readonly timeoutMs: number;
  readonly scheduler: SchedulerLike;
  readonly emit: (event: () => RouterEvent) => void;
  /**
   * Asked before each ping: a reply time that stands in for the ping (the node's pool is full and the node
   * answered recently — `HealthFeedback.probeStandIn`), or undefined to send the ping.
   */
  readonly standIn: () => number | undefined;
}

/**
 * One heartbeat ping on a node's pool (`Pool.probe$`: never queued behind requests or leases; opening a
 * connection if none is open), reporting `heartbeatSucceeded` /
 * `heartbeatFailed`; a ping the heartbeat abandons at its timeout counts as failed. When `standIn` gives a reply
 * time, no ping is sent: the probe answers after that time (a ping on a full pool would queue behind requests
 * and time out for our own queue, not for the node).
 */
export function probe(options: ProbeOptions): Observable<unknown> {
  const { pool, nodeId, timeoutMs, scheduler, emit } = options;
  return defer(() => {
    const start = scheduler.now();
    let answered = false;
    const standIn = options.standIn();
    const ping$: Observable<unknown> =
      standIn === undefined
        ? // the heartbeat's own timer judges the ping (it allows for a stall or a saturated loop, and may give
          // the ping more time); the connection's deadline only frees the slot — its timer, run late after a
          // stall, is no verdict on the node
          pool
            .probe$(backstop * timeoutMs)
            .pipe(
              catchError((err: unknown) =>
                err instanceof RequestTimeoutError ? NEVER : throwError(() => err),
              ),
            )
        : timer(standIn, scheduler).pipe(map(() => true));
    return ping$.pipe(
      tap({
        next: () => {
          answered = true;
          emit(() => ({
            type: 'heartbeatSucceeded',
            at: scheduler.now(),
            nodeId,
            rttMs: scheduler.now() - start,
          }));
        },
        error: (err: RouterError) => {
          answered = true;
          emit(() => ({
            type: 'heartbeatFailed',
            at: scheduler.now(),
            nodeId,
            code: err.code ?? 'ERR_UNKNOWN',
          }));
        },
        finalize: () => {
          if (!answered) {
            emit(() => ({
              type: 'heartbeatFailed',
              at: scheduler.now(),
              nodeId,
              code: ErrorCode.RequestTimeout,
            }));
          }
        },
      }),
    );
  });
}
