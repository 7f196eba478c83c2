import type { Observable } from 'rxjs';
import type { RouterError } from '../errors.js';
import type { NodeId } from '../types.js';
import type { Message, MessageType } from '../wire/message.js';
import type { CloseReason } from './connection.js';

/** What a {@link Pool} needs of a connection; `Connection` is one, and unit tests pass in-memory ones. */
export interface PoolConnection {
  readonly id: number;
  readonly nodeId: NodeId;
  readonly inFlight: number;
  readonly maxInFlight: number;
  leases: number;
  readonly isOpen: boolean;
  readonly closed: Promise<CloseReason>;
  send(
    type: MessageType,
    payload: Uint8Array,
    timeoutMs: number | undefined,
    done: (err: RouterError | undefined, reply?: Message) => void,
  ): () => void;
  /** One request as a cold Observable; unsubscribing cancels it. */
  request$(payload: Uint8Array, type?: MessageType, timeoutMs?: number): Observable<Message>;
  close(reason?: CloseReason): Promise<CloseReason>;
  destroy(): void;
}
