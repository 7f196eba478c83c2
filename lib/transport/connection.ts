import { asyncScheduler, type Observable, type SchedulerLike } from 'rxjs';
import { configDefaults } from '../config.js';
import { ErrorCode, RequestTimeoutError, RouterError } from '../errors.js';
import type { NodeId } from '../types.js';
import { encodeFrame } from '../wire/encode.js';
import { FrameDecoder } from '../wire/frame-decoder.js';
import { type Message, MessageType } from '../wire/message.js';
import { payloadBytes } from '../wire/payload-bytes.js';
import type { ByteStream } from './byte-stream.js';
import { checkReply } from './check-reply.js';
import type { ConnectionOptions } from './connection-options.js';

export type { ConnectionOptions } from './connection-options.js';

import type { Cancellable } from './cancellable.js';
import { DeadlineTimer } from './deadline-timer.js';
import { FrameQueue } from './frame-queue.js';
import type { ReplySink } from './reply-sink.js';
import { sendAsObservable } from './send-as-observable.js';
import { SlotTable } from './slot-table.js';

/**
 * Why a connection closed. `stale`: it was from before its pool's last `clear()` (MongoDB CMAP's rule: a pool's
 * generation is bumped on clear; a connection of an older generation is closed when idle, when checked in, or as
 * soon as its connect completes, and never handed out).
 */
export type CloseReason = 'closed' | 'idle' | 'lifetime' | 'lost' | 'corrupt' | 'destroyed' | 'stale';

type Done = (err: RouterError | undefined, reply?: Message) => void;

/**
 * A request in flight on a connection: its slot in the pending table, its place in the write queue (`frame`), and
 * its own cancel handle — one object per request, no closure.
 */
class Entry implements Cancellable {
  constructor(
    readonly conn: Connection,
    readonly sequence: number,
    readonly type: MessageType,
    readonly deadline: number,
    /** Scheduler time when the request was handed to this connection. */
    readonly sentAt: number,
    readonly sink: Done | ReplySink,
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

/** The handle of a request that settled at once. */
const settledHandle: Cancellable = { cancel() {} };

/** Sequences of written requests that were cancelled or timed out, remembered for their late replies. */
const maxAbandoned = 65_536;
let nextConnectionId = 1;

/**
 * One socket to one node, pipelined: many requests in flight, matched by sequence number (docs/architecture.md, Wire format).
 *
 * Write path: each request is encoded when it is sent (an encode error fails only that request), queued, and
 * written in the next microtask (one corked batch). Every frame is written exactly once; when `write` returns
 * false the socket has the frame and the queue waits for `drain`. A request cancelled (or timed out) before its
 * frame was written is never written. Bytes buffered stay under `maxBufferedBytes`.
 *
 * Read path: a reply must answer a request in flight with an allowed type (`replyAnswers`), and an Error reply
 * must carry the documented JSON; anything else — or a corrupt frame — closes the connection as `corrupt` and
 * fails every request on it with a retryable error. Late replies to cancelled or timed-out requests are dropped
 * and counted.
 *
 * ```
 * send(a) send(b) cancel(b)  microtask         reply(a)
 * ───────────────────────────[write a]──────────────a──► done(a)   (b never leaves the process)
 * ```
 */
export class Connection {
  readonly id = nextConnectionId++;
  readonly nodeId: NodeId;
  /** Scheduler ms at creation. */
  readonly createdAt: number;
  /** Replies that matched a cancelled or timed-out request, dropped. */
  droppedReplies = 0;
  /** Outstanding `getConnection()` leases (pool bookkeeping). */
  leases = 0;
  /** Scheduler ms of the last request sent or reply received. */
  lastUsedAt: number;
  readonly maxInFlight: number;
  readonly maxBufferedBytes: number;
  /** Resolves once the socket is gone, with the reason. */
  readonly closed: Promise<CloseReason>;
  /** Called when a blocked socket drains (the pool serves its waiters then). */
  onWritable: (() => void) | undefined;

  private readonly socket: ByteStream;
  private readonly decoder: FrameDecoder;
  private readonly scheduler: SchedulerLike;
  private readonly pending = new SlotTable<Entry>();
  /** Pings among `pending` (they have a reserved slot). */
  private pings = 0;
  /** Created on first use: most connections never abandon a written request. */
  private abandoned: Set<number> | undefined;
  private readonly queue = new FrameQueue<Entry>();
  private readonly timer: DeadlineTimer;
  private blocked = false;
  private flushScheduled = false;
  private readonly options: ConnectionOptions;
  /** What `encodeFrame` gets: compression stays off until the node has advertised it. */
  private encodeOptions: { maxMessageBytes?: number; compressAboveBytes?: number };
  private nextSequence = 1;
  private recipient: number | bigint;
  private state: 'open' | 'closing' | 'closed' = 'open';
  private reason: CloseReason = 'lost';
  private resolveClosed!: (reason: CloseReason) => void;
  /** A typed error the stream reported before closing (a WebSocket close code, say). */
  private socketError: RouterError | undefined;
  private readonly flush = () => this.writeQueued();

  constructor(socket: ByteStream, nodeId: NodeId, options: ConnectionOptions = {}) {
    this.socket = socket;
    this.nodeId = nodeId;
    this.recipient = nodeId;
    this.options = options;
    this.scheduler = options.scheduler ?? asyncScheduler;
    this.createdAt = this.lastUsedAt = this.scheduler.now();
    this.maxInFlight = options.maxInFlight ?? configDefaults.tuning.connectionMaxInFlight;
    this.maxBufferedBytes = options.maxBufferedBytes ?? configDefaults.pool.maxBufferedBytesPerConnection;
    this.decoder = new FrameDecoder({ maxMessageBytes: options.maxMessageBytes });
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
    this.timer = new DeadlineTimer(this.scheduler, (now) => this.expire(now));
    this.encodeOptions = { maxMessageBytes: options.maxMessageBytes };
    socket.on('data', (chunk: Uint8Array) => this.receive(chunk));
    socket.on('drain', () => {
      this.blocked = false;
      this.writeQueued();
      if (!this.blocked) this.onWritable?.();
    });
    socket.on('error', (error: Error) => {
      if (error instanceof RouterError) this.socketError = error;
    });
    socket.on('close', () => this.onSocketClose());
  }

  /**
   * LZ4-compresses messages above `aboveBytes` from now on. Setup (`connectNode`) calls it once the node's
   * FeatureNegotiation answer listed Compression; nothing is compressed before.
   */
  useCompression(aboveBytes: number): void {
    this.encodeOptions = { maxMessageBytes: this.options.maxMessageBytes, compressAboveBytes: aboveBytes };
  }

  /** The frame `recipient` from now on: the server's own node id once setup learned it (else the NodeId). */
  useRecipient(recipient: number | bigint): void {
    this.recipient = recipient;
  }

  /** Requests awaiting a reply. */
  get inFlight(): number {
    return this.pending.size;
  }

  /** True while new requests are accepted. */
  get isOpen(): boolean {
    return this.state === 'open';
  }

  /** Bytes not yet on the wire: frames queued here plus the socket's write buffer. */
  get bufferedBytes(): number {
    return this.queue.bytes + (this.socket.writableLength ?? 0);
  }

  /**
   * Sends one message; `done` gets the reply or a typed error exactly once, by `deadline` (scheduler time, ms).
   * Returns a cancel function that frees the slot (a frame not yet written is then never written; a late reply
   * is dropped and counted). Never throws: a bad payload fails this request only.
   */
  send(type: MessageType, payload: Uint8Array, deadline: number, done: Done): () => void {
    const request = this.submit(type, payload, deadline, done);
    return () => request.cancel();
  }

  /**
   * {@link send} with the outcome going to `sink` (a callback, or an object's `settle`) and the request itself
   * returned as its cancel handle: nothing is allocated per request but the request and its frame.
   */
  submit(type: MessageType, payload: Uint8Array, deadline: number, sink: Done | ReplySink): Cancellable {
    if (this.state !== 'open') {
      return settleAtOnce(
        sink,
        new RouterError(ErrorCode.ConnectionClosed, `connection ${this.id} is closing`, { retryable: true }),
      );
    }
    // one slot over the limit is reserved for a Ping (a probe): probes never wait behind requests or leases,
    // and a probe in flight never takes a request's slot
    if (
      type === MessageType.Ping
        ? this.pending.size >= this.maxInFlight && this.pings > 0
        : this.pending.size - this.pings >= this.maxInFlight
    ) {
      return settleAtOnce(
        sink,
        new RouterError(
          ErrorCode.TooManyInFlight,
          `connection ${this.id} has ${this.maxInFlight} requests in flight`,
          { retryable: true },
        ),
      );
    }
    const now = this.scheduler.now();
    const sequence = this.pending.freeSequence(this.nextSequence);
    let frame: Uint8Array;
    try {
      const bytes = payload instanceof Uint8Array ? payload : payloadBytes(payload);
      frame = encodeFrame(
        { sender: 0, recipient: this.recipient, sequence, timestamp: this.wallMs(), type, payload: bytes },
        this.encodeOptions,
      );
    } catch (err) {
      return settleAtOnce(sink, asRouterError(err));
    }
    const buffered = this.bufferedBytes;
    if (buffered > 0 && buffered + frame.length > this.maxBufferedBytes) {
      return settleAtOnce(
        sink,
        new RouterError(
          ErrorCode.Backpressure,
          `connection ${this.id} has ${buffered} bytes buffered (max ${this.maxBufferedBytes}); not sent`,
          { retryable: true },
        ),
      );
    }
    if (deadline <= now || Number.isNaN(deadline))
      return settleAtOnce(sink, this.timeoutError(sequence, deadline, now, now));
    this.nextSequence = sequence + 1;
    const entry = new Entry(this, sequence, type, deadline, now, sink, frame);
    this.pending.put(entry);
    if (type === MessageType.Ping) this.pings++;
    this.queue.push(entry);
    this.lastUsedAt = now;
    this.timer.arm(deadline);
    if (!this.flushScheduled && !this.blocked) {
      this.flushScheduled = true;
      queueMicrotask(this.flush);
    }
    return entry;
  }

  /** @internal The handle's `cancel()`: frees the slot if the request is still pending here. */
  cancelRequest(entry: Entry): void {
    if (this.pending.get(entry.sequence) === entry) this.abandon(entry);
  }

  /** One request as a cold Observable (relative timeout): one reply then complete; unsubscribing cancels it. */
  request$(payload: unknown, type: MessageType = MessageType.Data, timeoutMs?: number): Observable<Message> {
    return sendAsObservable((done) => {
      let bytes: Uint8Array;
      try {
        bytes = payloadBytes(payload);
      } catch (err) {
        done(asRouterError(err));
        return noop;
      }
      const ms = timeoutMs ?? this.options.requestTimeoutMs ?? configDefaults.timeoutMs;
      return this.send(type, bytes, this.scheduler.now() + ms, done);
    });
  }

  /** Sends a Ping; emits the Pong. */
  ping$(timeoutMs?: number): Observable<Message> {
    return this.request$(new Uint8Array(0), MessageType.Ping, timeoutMs);
  }

  /** Fails with `err` every request whose frame is not written yet (it never will be); others are untouched. */
  evacuate(err: RouterError): void {
    const waiting = this.queue.takeUnwritten();
    for (const entry of waiting) this.unpend(entry);
    for (const entry of waiting) entry.tell(err);
    this.afterSettle();
  }

  /**
   * Stops taking requests, lets those in flight finish (bounded by `drainTimeoutMs`), then closes the socket at
   * once — without waiting for the node to close its side, which a hung node never does.
   */
  close(reason: CloseReason = 'closed'): Promise<CloseReason> {
    if (this.state === 'open') {
      this.state = 'closing';
      this.reason = reason;
      const force = this.scheduler.schedule(
        () => this.destroy(),
        this.options.drainTimeoutMs ?? configDefaults.tuning.drainTimeoutMs,
      );
      void this.closed.then(() => force.unsubscribe());
      this.afterSettle();
    }
    return this.closed;
  }

  /** Closes at once; requests in flight fail with a retryable `ERR_CONNECTION_CLOSED`. */
  destroy(): void {
    if (this.state === 'closed') return;
    if (this.state === 'open') this.reason = 'destroyed';
    this.shut(
      new RouterError(ErrorCode.ConnectionClosed, `connection ${this.id} to node ${this.nodeId} was closed`, {
        retryable: true,
      }),
    );
  }

  private writeQueued(): void {
    this.flushScheduled = false;
    if (this.blocked || this.state === 'closed') return;
    // false from write: the socket has the frame and wants us to wait for 'drain' (never write it again)
    this.blocked = this.queue.writeTo(this.socket);
  }

  private receive(chunk: Uint8Array): void {
    let messages: Message[];
    try {
      messages = this.decoder.push(chunk);
    } catch (err) {
      const wire = asRouterError(err);
      this.corrupt(wire.code, `node ${this.nodeId} sent a bad frame: ${wire.message}`, wire);
      return;
    }
    if (messages.length > 0) this.lastUsedAt = this.scheduler.now();
    for (const reply of messages) {
      if (this.state === 'closed') return;
      const sequence = reply.sequence;
      const entry = typeof sequence === 'number' ? this.pending.get(sequence) : undefined;
      if (entry === undefined || entry.frame !== undefined) {
        if (typeof sequence === 'number' && this.abandoned?.delete(sequence)) {
          this.droppedReplies++;
          continue;
        }
        this.corrupt(ErrorCode.Protocol, `node ${this.nodeId} replied to unknown sequence ${sequence}`);
        return;
      }
      const outcome = checkReply(entry.type, reply, this.nodeId);
      if ('violation' in outcome) {
        this.corrupt(ErrorCode.Protocol, outcome.violation);
        return;
      }
      this.unpend(entry);
      if ('error' in outcome) entry.tell(outcome.error);
      else entry.tell(undefined, reply);
    }
    this.afterSettle();
  }

  /** Settles an entry without a reply: cancelled (err undefined, nobody told) or timed out. */
  private abandon(entry: Entry, err?: RouterError): void {
    this.unpend(entry);
    if (!this.queue.drop(entry)) {
      const abandoned = (this.abandoned ??= new Set());
      if (abandoned.size >= maxAbandoned) abandoned.delete(abandoned.values().next().value!);
      abandoned.add(entry.sequence);
    }
    if (err) entry.tell(err);
    this.afterSettle();
  }

  /** Takes a request out of the pending table. */
  private unpend(entry: Entry): void {
    if (this.pending.delete(entry) && entry.type === MessageType.Ping) this.pings--;
  }

  /** The wire timestamp: whole wall-clock ms (a scheduler's `now()` may be fractional or virtual). */
  private wallMs(): number {
    const ms = Math.floor((this.options.wallClock ?? Date.now)());
    return Number.isSafeInteger(ms) ? ms : 0;
  }

  /** Fails the requests whose deadline has come (in send order, in a loop); returns the next deadline. */
  private expire(now: number): number {
    let next = Number.POSITIVE_INFINITY;
    let due: Entry[] | undefined;
    this.pending.forEach((entry) => {
      if (entry.deadline <= now) (due ??= []).push(entry);
      else if (entry.deadline < next) next = entry.deadline;
    });
    if (due === undefined) return next;
    if (due.length > 1) due.sort((a, b) => a.sequence - b.sequence);
    for (const entry of due) {
      if (this.pending.get(entry.sequence) === entry) {
        this.abandon(entry, this.timeoutError(entry.sequence, entry.deadline, now, entry.sentAt));
      }
    }
    return next;
  }

  private timeoutError(sequence: number, deadline: number, now: number, sentAt: number): RouterError {
    return new RequestTimeoutError(
      `request ${sequence} to node ${this.nodeId} timed out after ${now - sentAt} ms on connection ${this.id} (deadline ${deadline}, now ${now})`,
      now - sentAt,
    );
  }

  private afterSettle(): void {
    // The deadline timer is left armed when the last request settles: it fires once, finds nothing due and stays
    // off until the next send. (One timer per connection and per timeout period, not one per request.)
    // Closing and nothing left to answer: end and release the socket now. Waiting for the peer to close its side
    // would let a hung or non-reading node hold close() (and the process) for the whole drain bound.
    if (this.state === 'closing' && this.pending.size === 0) {
      this.state = 'closed';
      this.timer.clear();
      this.socket.end();
      this.socket.destroy();
    }
  }

  private corrupt(code: string, message: string, cause?: unknown): void {
    this.reason = 'corrupt';
    this.shut(new RouterError(code, message, { retryable: true, cause }));
  }

  /** Closes now: the state first (so callbacks that re-enter see it closed), then the requests, then the socket. */
  private shut(err: RouterError): void {
    this.state = 'closed';
    this.failAll(err);
    this.socket.destroy();
  }

  private failAll(err: RouterError): void {
    const entries = this.pending.entries();
    this.pending.clear();
    this.pings = 0;
    this.queue.clear();
    this.timer.clear();
    for (const entry of entries) {
      entry.frame = undefined;
      entry.tell(err);
    }
  }

  private onSocketClose(): void {
    if (this.state !== 'closed') {
      if (this.state === 'open') this.reason = 'lost';
      this.state = 'closed';
      this.failAll(
        this.socketError ??
          new RouterError(ErrorCode.ConnectionLost, `connection ${this.id} to node ${this.nodeId} was lost`, {
            retryable: true,
          }),
      );
    }
    this.resolveClosed(this.reason);
  }
}

function asRouterError(err: unknown): RouterError {
  return err instanceof RouterError
    ? err
    : new RouterError(ErrorCode.InvalidPayload, String(err), { cause: err });
}

function noop(): void {}

function settleAtOnce(sink: Done | ReplySink, err: RouterError): Cancellable {
  if (typeof sink === 'function') sink(err);
  else sink.settle(err);
  return settledHandle;
}
