import { defer, map, type Observable, type SchedulerLike, tap, timer } from 'rxjs';
import { ErrorCode, type RouterError } from '../errors.js';
import type { Pool } from '../transport/pool.js';
import type { NodeId } from '../types.js';
import type { RouterEvent } from './router-event.js';

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
        ? // the heartbeat's own timer judges the ping (and allows for a stall of our event loop); the
          // connection's deadline is only a backstop
          pool.probe$(2 * timeoutMs)
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
