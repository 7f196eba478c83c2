import { defer, type Observable, type SchedulerLike, tap } from 'rxjs';
import { ErrorCode, type RouterError } from '../errors.js';
import type { Pool } from '../transport/pool.js';
import type { NodeId } from '../types.js';
import type { Message } from '../wire/message.js';
import type { RouterEvent } from './router-event.js';

/**
 * One heartbeat ping on a node's pool (`Pool.probe$`: never queued behind requests or leases; opening a
 * connection if none is open), reporting
 * `heartbeatSucceeded` / `heartbeatFailed`; a ping the heartbeat abandons at its timeout counts as failed.
 */
export function probe(
  pool: Pool,
  nodeId: NodeId,
  timeoutMs: number,
  scheduler: SchedulerLike,
  emit: (event: () => RouterEvent) => void,
): Observable<Message> {
  return defer(() => {
    const start = scheduler.now();
    let answered = false;
    return pool.probe$(timeoutMs).pipe(
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
