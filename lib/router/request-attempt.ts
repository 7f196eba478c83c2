import type { Subscription } from 'rxjs';
import type { RouterError } from '../errors.js';
import type { Cancellable } from '../transport/cancellable.js';
import type { ReplySink } from '../transport/reply-sink.js';
import type { NodeId } from '../types.js';
import type { Message } from '../wire/message.js';

/** What an attempt reports its outcome to (the request). */
export interface AttemptOwner {
  attemptDone(attempt: RequestAttempt, err: RouterError | undefined, reply: Message | undefined): void;
}

/**
 * One copy of a request on one node: sent on the node's pool with a deadline (the earlier of the request's and
 * the attempt timeout), settled once by the pool's callback. A copy that lost a hedge race is `detached`: it
 * stays on its node until its own attempt timeout (close() cancels it) so its node is judged by what it does.
 */
export class RequestAttempt implements ReplySink {
  readonly owner: AttemptOwner;
  readonly nodeId: NodeId;
  /** Scheduler time it was sent. */
  readonly at: number;
  /** Its attempt timeout (what health feedback judges a timeout by). */
  readonly timeoutMs: number;
  /** 1 for the first copy of a round, 2 for the first hedge … */
  readonly copy: number;
  /** Its pool request (set once sent): the cancel handle. */
  handle: Cancellable = unsent;
  /** Its outcome came (or it was cancelled). */
  settled = false;
  /** Lost a hedge race: its outcome goes to health feedback only; this watches close(). */
  detached: Subscription | undefined;

  constructor(owner: AttemptOwner, nodeId: NodeId, at: number, timeoutMs: number, copy: number) {
    this.owner = owner;
    this.nodeId = nodeId;
    this.at = at;
    this.timeoutMs = timeoutMs;
    this.copy = copy;
  }

  /** Cancels it on its pool. */
  cancel(): void {
    this.handle.cancel();
  }

  /** The pool's outcome (called once, by the attempt's deadline): the attempt is its own reply sink. */
  settle(err: RouterError | undefined, reply?: Message): void {
    this.owner.attemptDone(this, err, reply);
  }
}

const unsent: Cancellable = { cancel() {} };
