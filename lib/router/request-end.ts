import type { RouterError } from '../errors.js';
import type { RetryRefusal } from '../operators/retry-decision.js';
import { withRetryRefused } from '../operators/with-retry-refused.js';
import type { Message } from '../wire/message.js';
import type { RouterRequest } from './request.js';
import type { RequestAttempt } from './request-attempt.js';
import { requestEvents } from './request-events.js';
import { withNodeDetail } from './with-node-detail.js';

/**
 * How a request ends, once: `win` with the first reply, `fail` with an error (decorated with what the caller
 * should know: a refused retry, every node tried). Plain functions over the request: nothing is made for them.
 */
export const requestEnd = {
  /** Copies still out when another wins stay on their node (detached) until their timeout; close() cancels them. */
  win(r: RouterRequest, a: RequestAttempt, reply: Message): void {
    const { parts } = r;
    r.lastNode = a.nodeId;
    const losers = r.takeOut();
    if (losers.length > 0 && a.copy > 1 && parts.events.observed)
      requestEvents.won(parts, r, a.nodeId, a.copy);
    for (const l of losers) {
      if (parts.life.closing) {
        l.settled = true;
        l.cancel();
      } else l.detached = parts.life.closing$.subscribe(() => l.cancel());
    }
    r.state = 'done';
    r.stopWaiting();
    if (parts.events.observed) requestEvents.succeeded(parts, r, a.nodeId);
    r.subscriber.next(reply);
    r.subscriber.complete();
  },

  /** Ends the request with `err`; `refused` says which rule refused a retry ('budget': see CONTRACT, Refused retry). */
  fail(r: RouterRequest, cause: RouterError, refused?: RetryRefusal | 'closing'): void {
    const { parts } = r;
    r.state = 'done';
    r.stopWaiting();
    let err = cause;
    if (refused === 'budget') {
      // a refused retry is visible: on the caller's error (a copy) and in events$ (CONTRACT, "Refused retry")
      err = withRetryRefused(cause, 'budget');
      if (parts.events.observed) requestEvents.refused(parts, r, 'budget', cause);
    }
    // gave up after retrying: the caller's error (a copy) lists every node tried and its last error there
    const lastErrors = r.slow?.lastErrors;
    if (
      (refused === 'count' || refused === 'deadline' || refused === 'budget') &&
      r.attempts > 1 &&
      lastErrors &&
      err.nodes === undefined // ERR_NO_ELIGIBLE_NODE has its own list: every node
    )
      err = withNodeDetail(err, parts.nodeErrors.reportsOf(lastErrors), r.attempts, refused);
    if (parts.events.observed) requestEvents.failed(parts, r, err);
    r.subscriber.error(err);
  },
};
