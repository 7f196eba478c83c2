import { ErrorCode, RouterError } from '../errors.js';
import type { NodeId } from '../types.js';
import { withoutStack } from '../without-stack.js';

/** What an acquire timeout reports of the pool when it happened. */
interface PoolCounts {
  open: number;
  maxConnections: number;
  /** Requests in flight over every connection (leases not included). */
  inFlight: number;
  perConnection: number;
  /** Connections leased out (each counts toward its connection's in-flight bound). */
  leases: number;
  /** Connections whose write buffer could not take this request's frame. */
  bufferFull: number;
  connecting: number;
  waiting: number;
}

/** The typed errors a pool fails requests with, one maker each (the wording lives here). */
export const poolErrors = {
  /** The pool is closed: nothing sent. */
  closed(nodeId: NodeId): RouterError {
    return new RouterError(ErrorCode.PoolClosed, `pool of node ${nodeId} is closed`);
  },

  /**
   * A waiter's deadline came before a connection could take it: retryable, nothing sent; says why — the pool's
   * connections, requests, leases and full write buffers at that moment (no stack frames: raised from a timer).
   */
  acquireTimeout(label: string, what: 'request' | 'lease', c: PoolCounts): RouterError {
    const head =
      what === 'request'
        ? `no connection to ${label} could take the request by its deadline (not sent)`
        : `no connection to ${label} could be leased by the deadline`;
    const parts = [
      `${c.open} open of ${c.maxConnections}`,
      `${c.inFlight} requests in flight (at most ${c.perConnection} per connection, leases included)`,
    ];
    if (c.leases > 0) parts.push(`${c.leases} leased`);
    if (c.bufferFull > 0) parts.push(`${c.bufferFull} with a full write buffer (the node is not reading)`);
    parts.push(`${c.connecting} connecting`, `${c.waiting} waiting`);
    return withoutStack(
      () => new RouterError(ErrorCode.AcquireTimeout, `${head}: ${parts.join(', ')}`, { retryable: true }),
    );
  },
};
