import { Observable, type SchedulerLike, type Subscription } from 'rxjs';
import type { NodeId } from '../types.js';

/**
 * The first node `select()` returns, now or after a later `changes$` emission; errors with `timeoutError()` at
 * `deadline` (scheduler time) when none came, or at once with what `giveUp()` returns once it returns an error
 * (no node will come: every node rejected the credentials). One value, then complete.
 * ```
 * changes$:  a----b-------c          select(): undefined at a and b, node 2 at c
 * output:    -------------(2|)       (or, with a deadline before c: ----------#)
 * ```
 */
export function waitForNode(
  select: () => NodeId | undefined,
  changes$: Observable<unknown>,
  scheduler: SchedulerLike,
  deadline: number,
  timeoutError: () => unknown,
  giveUp: () => unknown = () => undefined,
): Observable<NodeId> {
  return new Observable<NodeId>((subscriber) => {
    let done = false;
    let wait: Subscription | undefined;
    const timer = scheduler.schedule(
      () => {
        done = true;
        wait?.unsubscribe();
        subscriber.error(timeoutError());
      },
      Math.max(0, deadline - scheduler.now()),
    );
    const check = () => {
      if (done) return;
      const id = select();
      if (id === undefined) {
        const err = giveUp();
        if (err === undefined) return;
        done = true;
        timer.unsubscribe();
        wait?.unsubscribe();
        subscriber.error(err);
        return;
      }
      done = true;
      timer.unsubscribe();
      wait?.unsubscribe();
      subscriber.next(id);
      subscriber.complete();
    };
    check();
    if (!done) {
      wait = changes$.subscribe(check);
      if (done) wait.unsubscribe();
    }
    return () => {
      timer.unsubscribe();
      wait?.unsubscribe();
    };
  });
}
