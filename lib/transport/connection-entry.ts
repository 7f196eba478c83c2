import type { RouterError } from '../errors.js';
import type { Message, MessageType } from '../wire/message.js';
import type { Cancellable } from './cancellable.js';
import type { ReplySink } from './reply-sink.js';

/**
 * A request in flight on a connection: its slot in the pending table, its place in the write queue (`frame`), and
 * its own cancel handle — one object per request, no closure.
 */
export class ConnectionEntry implements Cancellable {
  constructor(
    readonly conn: { cancelRequest(entry: ConnectionEntry): void },
    readonly sequence: number,
    readonly type: MessageType,
    readonly deadline: number,
    /** Scheduler time when the request was handed to this connection. */
    readonly sentAt: number,
    readonly sink: ((err: RouterError | undefined, reply?: Message) => void) | ReplySink,
    /** The encoded frame while it is not yet written; `undefined` once written or dropped. */
    public frame: Uint8Array | undefined,
  ) {}

  cancel(): void {
    this.conn.cancelRequest(this);
  }

  tell(err: RouterError | undefined, reply?: Message): void {
    const sink = this.sink;
    if (typeof sink === 'function') sink(err, reply);
    else sink.settle(err, reply);
  }
}
