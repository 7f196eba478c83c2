import type { Observable } from 'rxjs';
import type { RouterError } from '../errors.js';
import type { NodeId } from '../types.js';
import type { Message, MessageType } from '../wire/message.js';
import type { Cancellable } from './cancellable.js';
import type { CloseReason } from './connection.js';
import type { ReplySink } from './reply-sink.js';

/** What a {@link Pool} needs of a connection; `Connection` is one (tests run it over an in-memory stream). */
export interface PoolConnection {
  readonly id: number;
  readonly nodeId: NodeId;
  readonly inFlight: number;
  readonly maxInFlight: number;
  /** Bytes not yet on the wire. */
  readonly bufferedBytes: number;
  /** Bound on `bufferedBytes`; a request that would exceed it waits for another connection. */
  readonly maxBufferedBytes: number;
  /** Set by the pool: called when a blocked connection can take bytes again. */
  onWritable: (() => void) | undefined;
  leases: number;
  readonly isOpen: boolean;
  readonly closed: Promise<CloseReason>;
  /** Set by setup (`connectNode`): scheduler time when its credentials or session end; it serves no request after. */
  expiresAt?: number;
  /** Set by setup: scheduler time from which the pool replaces it (the new connection opens first). */
  refreshAt?: number;
  /** Sends one message; `done` is called once, by `deadline` (scheduler ms). Returns a cancel function. */
  send(
    type: MessageType,
    payload: Uint8Array,
    deadline: number,
    done: (err: RouterError | undefined, reply?: Message) => void,
  ): () => void;
  /** {@link send} with the outcome going to `sink` and the request itself returned as its cancel handle. */
  submit(
    type: MessageType,
    payload: Uint8Array,
    deadline: number,
    sink: ((err: RouterError | undefined, reply?: Message) => void) | ReplySink,
  ): Cancellable;
  /** One request as a cold Observable (relative timeout); unsubscribing cancels it. */
  request$(payload: unknown, type?: MessageType, timeoutMs?: number): Observable<Message>;
  /** Fails every request not yet written with `err`. */
  evacuate(err: RouterError): void;
  close(reason?: CloseReason): Promise<CloseReason>;
  destroy(): void;
}
