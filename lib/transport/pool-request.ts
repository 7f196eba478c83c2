import type { RouterError } from '../errors.js';
import type { Message, MessageType } from '../wire/message.js';
import type { Cancellable } from './cancellable.js';
import type { PoolConnection } from './pool-connection.js';
import type { ReplySink } from './reply-sink.js';
import type { Waiter } from './wait-queue.js';

type Done = (err: RouterError | undefined, reply?: Message) => void;

/** What a {@link PoolRequest} needs of its pool. */
export interface PoolRequestHost {
  /** Puts `request` on `conn` (it was taken from the wait queue, or found a connection at once). */
  dispatch(request: PoolRequest, conn: PoolConnection): void;
  /** `request` settled on `conn` (reply or error): latency, idle bookkeeping, serving the next waiter. */
  settled(request: PoolRequest, conn: PoolConnection, replied: boolean): void;
}

/**
 * One request through a pool: it waits in the pool's queue (as a {@link Waiter}), then rides one connection, and
 * is its own cancel handle and the connection's reply sink — one object per request, no closure.
 */
export class PoolRequest implements Waiter<PoolConnection>, ReplySink, Cancellable {
  /** Its place in the wait queue while it waits. */
  ticket: Cancellable | undefined = undefined;
  /** The connection's handle once sent. */
  sent: Cancellable | undefined = undefined;
  conn: PoolConnection | undefined = undefined;
  /** Scheduler ms when a connection took it. */
  sentAt = 0;
  cancelled = false;

  constructor(
    readonly host: PoolRequestHost,
    readonly type: MessageType,
    readonly payload: Uint8Array,
    readonly deadline: number,
    readonly done: Done | ReplySink,
  ) {}

  take(conn: PoolConnection): void {
    this.ticket = undefined;
    if (!this.cancelled) this.host.dispatch(this, conn);
  }

  fail(err: RouterError): void {
    this.ticket = undefined;
    if (!this.cancelled) this.tell(err);
  }

  /** The connection's outcome. */
  settle(err: RouterError | undefined, reply?: Message): void {
    const conn = this.conn!;
    this.sent = undefined;
    this.tell(err, reply);
    this.host.settled(this, conn, err === undefined);
  }

  /** Tells the caller (its callback, or its sink's `settle`). */
  tell(err: RouterError | undefined, reply?: Message): void {
    const done = this.done;
    if (typeof done === 'function') done(err, reply);
    else done.settle(err, reply);
  }

  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    this.ticket?.cancel();
    const sent = this.sent;
    if (sent) {
      // its slot on the connection is free now: the pool may serve a waiter with it
      this.sent = undefined;
      sent.cancel();
      this.host.settled(this, this.conn!, false);
    }
  }
}
