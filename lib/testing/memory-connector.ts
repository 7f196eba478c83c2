import type { Observable, SchedulerLike } from 'rxjs';
import { ErrorCode, RouterError } from '../errors.js';
import type { CloseReason } from '../transport/connection.js';
import type { PoolConnection } from '../transport/pool-connection.js';
import { sendAsObservable } from '../transport/send-as-observable.js';
import type { NodeId } from '../types.js';
import { type Message, MessageType } from '../wire/message.js';

/** Options of {@link memoryConnector}. */
export interface MemoryConnectorOptions {
  /** Time source for replies; replies come `latencyMs` after the request. */
  readonly scheduler: SchedulerLike;
  /** Reply delay per node. @defaultValue () => 0 */
  readonly latencyMs?: (nodeId: NodeId) => number;
  /** Refuse connections to this node (a retryable `ERR_CONNECT_REFUSED`). @defaultValue () => false */
  readonly refuse?: (nodeId: NodeId) => boolean;
  /** Requests in flight per connection. @defaultValue 1024 */
  readonly maxInFlight?: number;
}

type Done = (err: RouterError | undefined, reply?: Message) => void;

/**
 * In-memory connections for unit tests and benchmarks: no sockets, replies echo the payload after
 * `latencyMs` of scheduler time. `opened` lists every connection made, so tests can count and close them.
 */
export function memoryConnector(options: MemoryConnectorOptions) {
  const opened: MemoryConnection[] = [];
  const connect = (nodeId: NodeId): Promise<PoolConnection> => {
    if (options.refuse?.(nodeId)) {
      return Promise.reject(
        new RouterError(ErrorCode.ConnectRefused, `node ${nodeId} refused the connection`, {
          retryable: true,
        }),
      );
    }
    const conn = new MemoryConnection(nodeId, options);
    opened.push(conn);
    return Promise.resolve(conn);
  };
  return { connect, opened };
}

let nextId = 1;

/** One in-memory connection; `drop()` simulates a lost socket. */
export class MemoryConnection implements PoolConnection {
  readonly id = nextId++;
  readonly nodeId: NodeId;
  readonly maxInFlight: number;
  leases = 0;
  requests = 0;
  readonly bufferedBytes = 0;
  readonly maxBufferedBytes = Number.POSITIVE_INFINITY;
  onWritable: (() => void) | undefined;
  readonly closed: Promise<CloseReason>;
  private readonly pending = new Map<number, { done: Done; cancel: () => void }>();
  private readonly options: MemoryConnectorOptions;
  private state: 'open' | 'closing' | 'closed' = 'open';
  private nextSequence = 1;
  private reason: CloseReason = 'closed';
  private resolveClosed!: (reason: CloseReason) => void;

  constructor(nodeId: NodeId, options: MemoryConnectorOptions) {
    this.nodeId = nodeId;
    this.options = options;
    this.maxInFlight = options.maxInFlight ?? 1024;
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
  }

  get inFlight(): number {
    return this.pending.size;
  }

  get isOpen(): boolean {
    return this.state === 'open';
  }

  get closeReason(): CloseReason | undefined {
    return this.state === 'closed' ? this.reason : undefined;
  }

  send(type: MessageType, payload: Uint8Array, _deadline: number, done: Done): () => void {
    if (this.state !== 'open') {
      done(
        new RouterError(ErrorCode.ConnectionClosed, `connection ${this.id} is closing`, { retryable: true }),
      );
      return () => {};
    }
    const sequence = this.nextSequence++;
    this.requests++;
    const delay = this.options.latencyMs?.(this.nodeId) ?? 0;
    const sub = this.options.scheduler.schedule(() => {
      this.pending.delete(sequence);
      const replyType = type === MessageType.Ping ? MessageType.Pong : type;
      done(undefined, {
        sender: this.nodeId,
        recipient: 0,
        sequence,
        timestamp: 0,
        type: replyType,
        payload,
      });
      this.maybeFinish();
    }, delay);
    this.pending.set(sequence, { done, cancel: () => sub.unsubscribe() });
    return () => {
      const entry = this.pending.get(sequence);
      if (entry) {
        entry.cancel();
        this.pending.delete(sequence);
        this.maybeFinish();
      }
    };
  }

  request$(payload: unknown, type: MessageType = MessageType.Data, timeoutMs = 5000): Observable<Message> {
    return sendAsObservable((done) =>
      this.send(type, payload as Uint8Array, this.options.scheduler.now() + timeoutMs, done),
    );
  }

  evacuate(): void {}

  close(reason: CloseReason = 'closed'): Promise<CloseReason> {
    if (this.state === 'open') {
      this.state = 'closing';
      this.reason = reason;
      this.maybeFinish();
    }
    return this.closed;
  }

  destroy(): void {
    this.fail('destroyed', ErrorCode.ConnectionClosed);
  }

  /** The socket is lost: in-flight requests fail with a retryable `ERR_CONNECTION_LOST`. */
  drop(): void {
    this.fail('lost', ErrorCode.ConnectionLost);
  }

  private fail(reason: CloseReason, code: string): void {
    if (this.state === 'closed') return;
    this.reason = this.state === 'closing' ? this.reason : reason;
    this.state = 'closed';
    const entries = [...this.pending.values()];
    this.pending.clear();
    for (const e of entries) {
      e.cancel();
      e.done(
        new RouterError(code, `connection ${this.id} to node ${this.nodeId} ${reason}`, { retryable: true }),
      );
    }
    this.resolveClosed(this.reason);
  }

  private maybeFinish(): void {
    if (this.state === 'closing' && this.pending.size === 0) {
      this.state = 'closed';
      this.resolveClosed(this.reason);
    }
  }
}
