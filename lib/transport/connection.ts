import { asyncScheduler, type Observable, type SchedulerLike } from 'rxjs';
import { configDefaults } from '../config.js';
import { RouterError } from '../errors.js';
import type { NodeId } from '../types.js';
import { encodeFrame } from '../wire/encode.js';
import { FrameDecoder } from '../wire/frame-decoder.js';
import { type Message, MessageType } from '../wire/message.js';
import { payloadBytes } from '../wire/payload-bytes.js';
import { AbandonedSequences } from './abandoned-sequences.js';
import type { ByteStream } from './byte-stream.js';
import type { Cancellable } from './cancellable.js';
import { connectionEnd } from './connection-end.js';
import { ConnectionEntry as Entry } from './connection-entry.js';
import { connectionErrors } from './connection-errors.js';
import type { ConnectionOptions } from './connection-options.js';
import { DeadlineTimer } from './deadline-timer.js';
import { expireDue } from './expire-due.js';
import { FrameQueue } from './frame-queue.js';
import { readReplies } from './read-replies.js';
import type { ReplySink } from './reply-sink.js';
import { sendAsObservable } from './send-as-observable.js';
import { settleAtOnce } from './settle-at-once.js';
import { SlotTable } from './slot-table.js';

export type { ConnectionOptions } from './connection-options.js';

/**
 * Why a connection closed. `stale`: it was from before its pool's last `clear()` (MongoDB CMAP's rule: a pool's
 * generation is bumped on clear; a connection of an older generation is closed when idle, when checked in, or as
 * soon as its connect completes, and never handed out).
 */
export type CloseReason = 'closed' | 'idle' | 'lifetime' | 'lost' | 'corrupt' | 'destroyed' | 'stale';

type Done = (err: RouterError | undefined, reply?: Message) => void;

let nextConnectionId = 1;

/**
 * One socket to one node, pipelined: many requests in flight, matched by sequence number (docs/architecture.md, Wire format).
 *
 * Write path: each request is encoded when it is sent (an encode error fails only that request), queued, and
 * written in the next microtask (one corked batch). Every frame is written exactly once; when `write` returns
 * false the socket has the frame and the queue waits for `drain`. A request cancelled (or timed out) before its
 * frame was written is never written. Bytes buffered stay under `maxBufferedBytes`.
 *
 * Read path (`readReplies`, read-replies.ts): a reply must answer a request in flight with an allowed type
 * (`checkReply`), and an Error reply must carry the documented JSON; anything else — or a corrupt frame — closes
 * the connection as `corrupt` and fails every request on it with a retryable error. Late replies to cancelled or
 * timed-out requests are dropped and counted (`AbandonedSequences`).
 *
 * Deadlines: one timer per connection (`DeadlineTimer`); when it fires, `expireDue` (expire-due.ts) fails the
 * requests due. The end — close (drained), destroy, corrupt, the socket lost, evacuate — is `connectionEnd`
 * (connection-end.ts). The write path, the pending table and the public methods stay here.
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

  // Below: for the connection's own modules (read-replies.ts, expire-due.ts, connection-end.ts) only.
  readonly socket: ByteStream;
  readonly decoder: FrameDecoder;
  readonly scheduler: SchedulerLike;
  /** Requests in flight, by sequence. */
  readonly pending = new SlotTable<Entry>();
  /** Pings among `pending` (they have a reserved slot). */
  pings = 0;
  /** Created on first use: most connections never abandon a written request. */
  abandoned: AbandonedSequences | undefined;
  /** Frames not written yet, in send order. */
  readonly queue = new FrameQueue<Entry>();
  /** The one deadline timer (expire-due.ts). */
  readonly timer: DeadlineTimer;
  readonly options: ConnectionOptions;
  state: 'open' | 'closing' | 'closed' = 'open';
  reason: CloseReason = 'lost';
  resolveClosed!: (reason: CloseReason) => void;
  /** A typed error the stream reported before closing (a WebSocket close code, say). */
  socketError: RouterError | undefined;

  private blocked = false;
  private flushScheduled = false;
  /** What `encodeFrame` gets: compression stays off until the node has advertised it. */
  private encodeOptions: { maxMessageBytes?: number; compressAboveBytes?: number };
  private nextSequence = 1;
  private recipient: number | bigint;
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
    this.timer = new DeadlineTimer(this.scheduler, (now) => expireDue(this, now));
    this.encodeOptions = { maxMessageBytes: options.maxMessageBytes };
    socket.on('data', (chunk: Uint8Array) => readReplies(this, chunk));
    socket.on('drain', () => {
      this.blocked = false;
      this.writeQueued();
      if (!this.blocked) this.onWritable?.();
    });
    socket.on('error', (error: Error) => {
      if (error instanceof RouterError) this.socketError = error;
    });
    socket.on('close', () => connectionEnd.socketClosed(this));
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
      return settleAtOnce(sink, connectionErrors.closing(this.id));
    }
    // one slot over the limit is reserved for a Ping (a probe): probes never wait behind requests or leases,
    // and a probe in flight never takes a request's slot
    if (
      type === MessageType.Ping
        ? this.pending.size >= this.maxInFlight && this.pings > 0
        : this.pending.size - this.pings >= this.maxInFlight
    ) {
      return settleAtOnce(sink, connectionErrors.tooMany(this.id, this.maxInFlight));
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
      return settleAtOnce(sink, connectionErrors.typed(err));
    }
    const buffered = this.bufferedBytes;
    if (buffered > 0 && buffered + frame.length > this.maxBufferedBytes) {
      return settleAtOnce(sink, connectionErrors.backpressure(this.id, buffered, this.maxBufferedBytes));
    }
    if (deadline <= now || Number.isNaN(deadline))
      return settleAtOnce(sink, connectionErrors.timeout(this.nodeId, this.id, sequence, deadline, now, now));
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
        done(connectionErrors.typed(err));
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
    connectionEnd.evacuate(this, err);
  }

  /**
   * Stops taking requests, lets those in flight finish (bounded by `drainTimeoutMs`), then closes the socket at
   * once — without waiting for the node to close its side, which a hung node never does.
   */
  close(reason: CloseReason = 'closed'): Promise<CloseReason> {
    return connectionEnd.close(this, reason);
  }

  /** Closes at once; requests in flight fail with a retryable `ERR_CONNECTION_CLOSED`. */
  destroy(): void {
    connectionEnd.destroy(this);
  }

  private writeQueued(): void {
    this.flushScheduled = false;
    if (this.blocked || this.state === 'closed') return;
    // false from write: the socket has the frame and wants us to wait for 'drain' (never write it again)
    this.blocked = this.queue.writeTo(this.socket);
  }

  /** Settles an entry without a reply: cancelled (err undefined, nobody told) or timed out. */
  abandon(entry: Entry, err?: RouterError): void {
    this.unpend(entry);
    if (!this.queue.drop(entry)) {
      (this.abandoned ??= new AbandonedSequences()).add(entry.sequence);
    }
    if (err) entry.tell(err);
    connectionEnd.afterSettle(this);
  }

  /** Takes a request out of the pending table. */
  unpend(entry: Entry): void {
    if (this.pending.delete(entry) && entry.type === MessageType.Ping) this.pings--;
  }

  /** The wire timestamp: whole wall-clock ms (a scheduler's `now()` may be fractional or virtual). */
  private wallMs(): number {
    const ms = Math.floor((this.options.wallClock ?? Date.now)());
    return Number.isSafeInteger(ms) ? ms : 0;
  }
}

function noop(): void {}
