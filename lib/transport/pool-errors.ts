import { ErrorCode, RouterError } from '../errors.js';
import type { NodeId } from '../types.js';
import { withoutStack } from '../without-stack.js';

/** What an acquire timeout reports of the pool when it happened. */
interface PoolCounts {
  open: number;
  maxConnections: number;
  inFlight: number;
  perConnection: number;
  connecting: number;
  waiting: number;
}

/** The typed errors a pool fails requests with, one maker each (the wording lives here). */
export const poolErrors = {
  /** The pool is closed: nothing sent. */
  closed(nodeId: NodeId): RouterError {
    return new RouterError(ErrorCode.PoolClosed, `pool of node ${nodeId} is closed`);
  },

  /** A waiter's deadline came before a connection could take it: retryable, not sent; says why (no stack frames). */
  acquireTimeout(label: string, c: PoolCounts): RouterError {
    return withoutStack(
      () =>
        new RouterError(
          ErrorCode.AcquireTimeout,
          `no connection to ${label} could take the request by its deadline (not sent): ` +
            `${c.open} open of ${c.maxConnections}, ` +
            `${c.inFlight} requests in flight (at most ${c.perConnection} per connection), ` +
            `${c.connecting} connecting, ` +
            `${c.waiting} waiting`,
          { retryable: true },
        ),
    );
  },
};
