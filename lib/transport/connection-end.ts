import { configDefaults } from '../config.js';
import { RouterError } from '../errors.js';
import type { CloseReason, Connection } from './connection.js';
import { connectionErrors } from './connection-errors.js';

/**
 * How a connection ends: drained (`close`: no new requests, those in flight finish, bounded by `drainTimeoutMs`),
 * at once (`destroy`, `corrupt`, the socket closing under it: every request in flight fails, retryable), or
 * partly (`evacuate`: the requests not written yet). Plain functions over the connection: state first (so
 * callbacks that re-enter see it closed), then the requests, then the socket.
 */
export const connectionEnd = {
  /** See `Connection.close`. */
  close(c: Connection, reason: CloseReason): Promise<CloseReason> {
    if (c.state === 'open') {
      c.state = 'closing';
      c.reason = reason;
      const force = c.scheduler.schedule(
        () => c.destroy(),
        c.options.drainTimeoutMs ?? configDefaults.tuning.drainTimeoutMs,
      );
      void c.closed.then(() => force.unsubscribe());
      connectionEnd.afterSettle(c);
    }
    return c.closed;
  },

  /** See `Connection.destroy`. */
  destroy(c: Connection): void {
    if (c.state === 'closed') return;
    if (c.state === 'open') c.reason = 'destroyed';
    shut(c, connectionErrors.destroyed(c.id, c.nodeId));
  },

  /** See `Connection.evacuate`. */
  evacuate(c: Connection, err: RouterError): void {
    const waiting = c.queue.takeUnwritten();
    for (const entry of waiting) c.unpend(entry);
    for (const entry of waiting) entry.tell(err);
    connectionEnd.afterSettle(c);
  },

  /** A request settled (or close() began): a closing connection with nothing left to answer ends now. */
  afterSettle(c: Connection): void {
    // The deadline timer is left armed when the last request settles: it fires once, finds nothing due and stays
    // off until the next send. (One timer per connection and per timeout period, not one per request.)
    // Closing and nothing left to answer: end and release the socket now. Waiting for the peer to close its side
    // would let a hung or non-reading node hold close() (and the process) for the whole drain bound.
    if (c.state === 'closing' && c.pending.size === 0) {
      c.state = 'closed';
      c.timer.clear();
      c.socket.end();
      c.socket.destroy();
    }
  },

  /** The node broke the protocol (or sent a bad frame): closed as `corrupt`, every request fails (retryable). */
  corrupt(c: Connection, code: string, message: string, cause?: unknown): void {
    c.reason = 'corrupt';
    shut(c, new RouterError(code, message, { retryable: true, cause }));
  },

  /** The socket closed: unless the connection closed it, its requests fail (`lost`); `closed` resolves. */
  socketClosed(c: Connection): void {
    if (c.state !== 'closed') {
      if (c.state === 'open') c.reason = 'lost';
      c.state = 'closed';
      failAll(c, c.socketError ?? connectionErrors.lost(c.id, c.nodeId));
    }
    c.resolveClosed(c.reason);
  },
};

/** Closes now: the state first (so callbacks that re-enter see it closed), then the requests, then the socket. */
function shut(c: Connection, err: RouterError): void {
  c.state = 'closed';
  failAll(c, err);
  c.socket.destroy();
}

function failAll(c: Connection, err: RouterError): void {
  const entries = c.pending.entries();
  c.pending.clear();
  c.pings = 0;
  c.queue.clear();
  c.timer.clear();
  for (const entry of entries) {
    entry.frame = undefined;
    entry.tell(err);
  }
}
