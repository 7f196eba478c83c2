import type { Observable } from 'rxjs';
import { ErrorCode, RemoteError, RouterError } from '../errors.js';
import type { NodeId } from '../types.js';
import { encodeFrame } from '../wire/encode.js';
import { errorPayload } from '../wire/error-payload.js';
import { FrameDecoder } from '../wire/frame-decoder.js';
import { type Message, MessageType } from '../wire/message.js';
import type { ByteStream } from './byte-stream.js';
import { sendAsObservable } from './send-as-observable.js';

/** Options of a {@link Connection}. */
export interface ConnectionOptions {
  /** Default per-request timeout. @defaultValue 5000 */
  readonly requestTimeoutMs?: number;
  /** Requests in flight at once on this connection; more fail with `ERR_TOO_MANY_IN_FLIGHT`. @defaultValue 1024 */
  readonly maxInFlight?: number;
  /** @defaultValue 1048576 */
  readonly maxMessageBytes?: number;
  /** LZ4-compress messages above this size. @defaultValue Infinity (off) */
  readonly compressAboveBytes?: number;
  /** How long `close()` waits for in-flight requests before destroying the socket. @defaultValue 5000 */
  readonly drainTimeoutMs?: number;
}

/** Why a connection closed. */
export type CloseReason = 'closed' | 'idle' | 'lifetime' | 'lost' | 'corrupt' | 'destroyed';

interface Pending {
  readonly done: (err: RouterError | undefined, reply?: Message) => void;
  readonly timer: ReturnType<typeof setTimeout>;
}

let nextConnectionId = 1;

/**
 * One socket to one node, pipelined: many requests in flight, matched by sequence number (DESIGN §3).
 *
 * A socket that closes, resets or sends a corrupt frame fails every request in flight on it with a retryable
 * error (`ERR_CONNECTION_LOST`, or the codec's code); the other connections are untouched. When the socket is
 * backed up, frames wait in a queue bounded by `maxInFlight` and are written on `drain`.
 */
export class Connection {
  readonly id = nextConnectionId++;
  readonly nodeId: NodeId;
  /** Wall-clock ms at creation. */
  readonly createdAt = Date.now();
  /** Replies that matched no waiting request (late, cancelled or unknown sequence). */
  droppedReplies = 0;
  /** Outstanding `getConnection()` leases (pool bookkeeping). */
  leases = 0;
  /** Wall-clock ms of the last request sent or reply received. */
  lastUsedAt = this.createdAt;
  readonly maxInFlight: number;
  /** Resolves once the socket is gone, with the reason. */
  readonly closed: Promise<CloseReason>;

  private readonly socket: ByteStream;
  private readonly decoder: FrameDecoder;
  private readonly pending = new Map<number, Pending>();
  private readonly backlog: Uint8Array[] = [];
  private readonly options: ConnectionOptions;
  private nextSequence = 1;
  private state: 'open' | 'closing' | 'closed' = 'open';
  private closeReason: CloseReason = 'lost';
  private resolveClosed!: (reason: CloseReason) => void;
  private corked = false;
  /** A typed error the stream reported before closing (a WebSocket close code, say). */
  private socketError: RouterError | undefined;
  private readonly uncork = () => {
    this.corked = false;
    this.socket.uncork();
  };

  constructor(socket: ByteStream, nodeId: NodeId, options: ConnectionOptions = {}) {
    this.socket = socket;
    this.nodeId = nodeId;
    this.options = options;
    this.maxInFlight = options.maxInFlight ?? 1024;
    this.decoder = new FrameDecoder({ maxMessageBytes: options.maxMessageBytes });
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
    socket.on('data', (chunk: Uint8Array) => this.receive(chunk));
    socket.on('drain', () => this.flush());
    socket.on('error', (error: Error) => {
      if (error instanceof RouterError) this.socketError = error;
    });
    socket.on('close', () => this.onSocketClose());
  }

  /** Requests awaiting a reply. */
  get inFlight(): number {
    return this.pending.size;
  }

  /** True while new requests are accepted. */
  get isOpen(): boolean {
    return this.state === 'open';
  }

  /**
   * Sends one message; `done` gets the reply or a typed error exactly once. Returns a cancel function that
   * frees the slot (a late reply is then dropped and counted).
   */
  send(
    type: MessageType,
    payload: Uint8Array,
    timeoutMs: number | undefined,
    done: (err: RouterError | undefined, reply?: Message) => void,
  ): () => void {
    if (this.state !== 'open') {
      done(
        new RouterError(ErrorCode.ConnectionClosed, `connection ${this.id} is closing`, { retryable: true }),
      );
      return noop;
    }
    if (this.pending.size >= this.maxInFlight) {
      done(
        new RouterError(
          ErrorCode.TooManyInFlight,
          `connection ${this.id} has ${this.maxInFlight} requests in flight`,
          {
            retryable: true,
          },
        ),
      );
      return noop;
    }
    const sequence = this.nextSequence++;
    const now = Date.now();
    const frame = encodeFrame(
      { sender: 0, recipient: this.nodeId, sequence, timestamp: now, type, payload },
      this.options,
    );
    const ms = timeoutMs ?? this.options.requestTimeoutMs ?? 5000;
    const timer = setTimeout(() => {
      this.settle(
        sequence,
        new RouterError(
          ErrorCode.RequestTimeout,
          `request ${sequence} to node ${this.nodeId} timed out after ${ms} ms`,
          {
            retryable: true,
          },
        ),
      );
    }, ms);
    this.pending.set(sequence, { done, timer });
    this.lastUsedAt = now;
    if (this.backlog.length > 0) this.backlog.push(frame);
    else {
      // Frames sent in one synchronous burst leave in one writev: corked now, uncorked in a microtask.
      if (!this.corked) {
        this.corked = true;
        this.socket.cork();
        queueMicrotask(this.uncork);
      }
      if (!this.socket.write(frame)) this.backlog.push(frame);
    }
    return () => {
      const entry = this.pending.get(sequence);
      if (entry) {
        clearTimeout(entry.timer);
        this.pending.delete(sequence);
        this.afterSettle();
      }
    };
  }

  /** One request as a cold Observable: one reply then complete; unsubscribing cancels it. */
  request$(
    payload: Uint8Array,
    type: MessageType = MessageType.Data,
    timeoutMs?: number,
  ): Observable<Message> {
    return sendAsObservable((done) => this.send(type, payload, timeoutMs, done));
  }

  /** Sends a Ping; emits the Pong. */
  ping$(timeoutMs?: number): Observable<Message> {
    return this.request$(new Uint8Array(0), MessageType.Ping, timeoutMs);
  }

  /** Stops taking requests, lets those in flight finish (bounded by `drainTimeoutMs`), then closes. */
  close(reason: CloseReason = 'closed'): Promise<CloseReason> {
    if (this.state === 'open') {
      this.state = 'closing';
      this.closeReason = reason;
      const drainMs = this.options.drainTimeoutMs ?? 5000;
      const force = setTimeout(() => this.destroy(), drainMs);
      void this.closed.then(() => clearTimeout(force));
      this.afterSettle();
    }
    return this.closed;
  }

  /** Closes at once; requests in flight fail with a retryable `ERR_CONNECTION_CLOSED`. */
  destroy(): void {
    if (this.state === 'closed') return;
    if (this.state === 'open') this.closeReason = 'destroyed';
    this.failAll(
      new RouterError(ErrorCode.ConnectionClosed, `connection ${this.id} to node ${this.nodeId} was closed`, {
        retryable: true,
      }),
    );
    this.state = 'closed';
    this.socket.destroy();
  }

  private receive(chunk: Uint8Array): void {
    let messages: Message[];
    try {
      messages = this.decoder.push(chunk);
    } catch (err) {
      const wire = err as RouterError;
      this.closeReason = 'corrupt';
      this.failAll(
        new RouterError(wire.code, `node ${this.nodeId} sent a bad frame: ${wire.message}`, {
          retryable: true,
          cause: wire,
        }),
      );
      this.state = 'closed';
      this.socket.destroy();
      return;
    }
    if (messages.length > 0) this.lastUsedAt = Date.now();
    for (const reply of messages) {
      if (reply.type === MessageType.Error) {
        const body = errorPayload.decode(reply.payload);
        this.settle(reply.sequence, new RemoteError(body.code, body.message, body.retryable, this.nodeId));
      } else this.settle(reply.sequence, undefined, reply);
    }
  }

  private settle(sequence: number, err: RouterError | undefined, reply?: Message): void {
    const entry = this.pending.get(sequence);
    if (!entry) {
      this.droppedReplies++;
      return;
    }
    clearTimeout(entry.timer);
    this.pending.delete(sequence);
    entry.done(err, reply);
    this.afterSettle();
  }

  private afterSettle(): void {
    if (this.state === 'closing' && this.pending.size === 0) this.socket.end();
  }

  private flush(): void {
    while (this.backlog.length > 0) {
      const frame = this.backlog.shift()!;
      if (!this.socket.write(frame)) return;
    }
  }

  private failAll(err: RouterError): void {
    const entries = [...this.pending.values()];
    this.pending.clear();
    this.backlog.length = 0;
    for (const entry of entries) {
      clearTimeout(entry.timer);
      entry.done(err);
    }
  }

  private onSocketClose(): void {
    if (this.state !== 'closed') {
      this.failAll(
        this.socketError ??
          new RouterError(ErrorCode.ConnectionLost, `connection ${this.id} to node ${this.nodeId} was lost`, {
            retryable: true,
          }),
      );
      if (this.state === 'open') this.closeReason = 'lost';
      this.state = 'closed';
    }
    this.resolveClosed(this.closeReason);
  }
}

function noop(): void {}
