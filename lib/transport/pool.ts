import { asyncScheduler, BehaviorSubject, type Observable, type SchedulerLike } from 'rxjs';
import { configDefaults } from '../config.js';
import { ErrorCode, RouterError } from '../errors.js';
import type { NodeId } from '../types.js';
import { type Message, MessageType } from '../wire/message.js';
import type { Cancellable } from './cancellable.js';
import { type ConnectionMeta, type PickLimits, pickConnection } from './pick-connection.js';
import type { PoolConnection } from './pool-connection.js';
import { PoolConnections } from './pool-connections.js';
import { PoolRequest, type PoolRequestHost } from './pool-request.js';
import { poolStats } from './pool-stats.js';
import { PoolSweeper } from './pool-sweeper.js';
import type { PoolEvent, PoolOptions, PoolStats } from './pool-types.js';
import type { ReplySink } from './reply-sink.js';
import { sendAsObservable } from './send-as-observable.js';
import { WaitQueue } from './wait-queue.js';

const defaults = configDefaults.pool;
type Done = (err: RouterError | undefined, reply?: Message) => void;
const noPayload = new Uint8Array(0);
/** Length prefix, flag, header and checksum around a payload. */
const frameOverhead = 4 + 1 + 44 + 4;

/**
 * The connections to one node. Requests go to the least-loaded open connection (ties: the most recently
 * used, so the others go idle and can be closed); a new connection is opened only when every open one is at
 * `maxInFlightPerConnection` (or its `maxBufferedBytesPerConnection`), up to `maxConnections`, at most
 * `maxConnecting` at once (warming included). A request that finds no capacity waits in a FIFO queue until its
 * deadline, then fails with a retryable, not-sent `ERR_ACQUIRE_TIMEOUT`; when a connect fails and nothing else
 * can serve the queue, every waiter fails with the connect error. `close()` aborts connects in progress.
 *
 * Time comes from `scheduler` (virtual in unit tests). Lost connections are not reopened eagerly: the next
 * request or heartbeat opens one, so a dead node is not hammered.
 */
export class Pool {
  readonly nodeId: NodeId;
  private readonly open: (signal: AbortSignal) => Promise<PoolConnection>;
  private readonly scheduler: SchedulerLike;
  private readonly onEvent: (event: PoolEvent) => void;
  private readonly min: number;
  private readonly max: number;
  private readonly perConnection: number;
  private readonly idleTimeoutMs: number;
  private readonly maxLifetimeMs: number;
  private readonly maxConnecting: number;
  private readonly acquireTimeoutMs: number;
  private readonly maxBuffered: number;
  private readonly connects = new Set<AbortController>();
  private readonly onWritable = () => {
    if (this.waiters.length > 0) this.pump();
  };
  private readonly connections = new PoolConnections();
  private readonly waiters: WaitQueue<PoolConnection>;
  private connecting = 0;
  private generationNumber = 0;
  private readonly sweeper: PoolSweeper;
  private latency = -1;
  private closedState = false;
  private readonly statsSubject: BehaviorSubject<PoolStats>;
  private readonly pickLimits: PickLimits;
  private pumping = false;
  private pumpAgain = false;
  /** What this pool's requests call back: dispatch and settle are private to the pool. */
  private readonly expired = (conn: PoolConnection, meta: ConnectionMeta) =>
    this.retire(conn, meta, 'lifetime');
  private readonly host: PoolRequestHost = {
    dispatch: (request, conn) => this.dispatch(request, conn),
    settled: (request, conn, replied) => this.settled(request, conn, replied),
  };

  constructor(
    nodeId: NodeId,
    open: (signal: AbortSignal) => Promise<PoolConnection>,
    options: PoolOptions = {},
    scheduler: SchedulerLike = asyncScheduler,
    onEvent: (event: PoolEvent) => void = () => {},
    /** How errors name the node (the router passes its address). */
    label = `node ${nodeId}`,
  ) {
    this.nodeId = nodeId;
    this.open = open;
    this.scheduler = scheduler;
    this.onEvent = onEvent;
    this.min = options.minConnections ?? defaults.minConnections;
    this.max = options.maxConnections ?? defaults.maxConnections;
    this.perConnection = options.maxInFlightPerConnection ?? defaults.maxInFlightPerConnection;
    this.idleTimeoutMs = options.idleTimeoutMs ?? defaults.idleTimeoutMs;
    this.maxLifetimeMs = options.maxLifetimeMs ?? defaults.maxLifetimeMs;
    this.maxConnecting = options.maxConnecting ?? defaults.maxConnecting;
    this.acquireTimeoutMs = options.acquireTimeoutMs ?? configDefaults.timeoutMs;
    this.maxBuffered = options.maxBufferedBytesPerConnection ?? defaults.maxBufferedBytesPerConnection;
    this.pickLimits = {
      maxLifetimeMs: this.maxLifetimeMs,
      maxInFlight: this.perConnection,
      maxBufferedBytes: this.maxBuffered,
    };
    this.sweeper = new PoolSweeper(
      scheduler,
      { minConnections: this.min, idleTimeoutMs: this.idleTimeoutMs, maxLifetimeMs: this.maxLifetimeMs },
      () => this.expiryInputs(),
      (conn, reason) =>
        reason === 'rotate'
          ? this.rotate(this.connections.get(conn)!)
          : this.retire(conn, this.connections.get(conn)!, reason),
      () => this.warm(),
    );
    this.waiters = new WaitQueue(
      scheduler,
      () => this.publish(),
      () =>
        new RouterError(
          ErrorCode.AcquireTimeout,
          `no connection to ${label} could take the request by its deadline (not sent): ` +
            `${this.connections.size} open of ${this.max}, ${this.connections.load()} requests in flight ` +
            `(at most ${this.perConnection} per connection), ${this.connecting} connecting, ` +
            `${this.waiters.length} waiting`,
          { retryable: true },
        ),
    );
    this.statsSubject = new BehaviorSubject(this.stats);
  }

  /** Counts now. */
  get stats(): PoolStats {
    return poolStats(this.nodeId, this.connections.conns(), this.connecting, this.waiters.length);
  }

  /** Emits the counts when connections open or close and when the wait queue grows or empties. */
  get stats$(): Observable<PoolStats> {
    return this.statsSubject.asObservable();
  }

  /** Smoothed reply time of requests on this pool's connections (EWMA 0.2) in ms, or -1 before any. */
  get latencyMs(): number {
    return this.latency;
  }

  /** Requests in flight plus requests waiting: what balancers compare. */
  get load(): number {
    return this.waiters.length + this.connections.load();
  }

  /** Connections leased out (`getConnection`) and not returned yet, counted once per lease. */
  get leases(): number {
    return this.connections.leases();
  }

  /**
   * Opens connections up to `minConnections`, at most `maxConnecting` at once (the rest follow as those
   * succeed). Failures are reported as events, not thrown.
   */
  warm(): void {
    while (
      !this.closedState &&
      this.usable() + this.connecting < this.min &&
      this.connecting < this.maxConnecting
    ) {
      this.connect();
    }
  }

  /**
   * Sends one message on the least-loaded connection; `done` is called once, by `deadline` (scheduler ms): the
   * wait for a connection ends by it too. Returns a cancel function.
   */
  send(type: MessageType, payload: Uint8Array, deadline: number, done: Done): () => void {
    const request = this.submit(type, payload, deadline, done);
    return () => request.cancel();
  }

  /**
   * {@link send} with the outcome going to `done` (a callback, or an object's `settle`) and the request itself
   * returned as its cancel handle (no closure per request).
   */
  submit(type: MessageType, payload: Uint8Array, deadline: number, done: Done | ReplySink): Cancellable {
    const request = new PoolRequest(this.host, type, payload, deadline, done);
    if (this.closedState) {
      request.tell(new RouterError(ErrorCode.PoolClosed, `pool of node ${this.nodeId} is closed`));
      return request;
    }
    const weight = ((payload as { byteLength?: number } | null)?.byteLength ?? 0) + frameOverhead;
    const ready = this.waiters.length === 0 ? this.pick(weight) : undefined;
    if (ready) this.dispatch(request, ready);
    else {
      request.ticket = this.waiters.add(request, deadline, weight);
      this.pump();
    }
    return request;
  }

  /** One request as a cold Observable with a relative timeout (default `acquireTimeoutMs`); unsubscribing cancels it. */
  request$(
    payload: Uint8Array,
    type: MessageType = MessageType.Data,
    timeoutMs = this.acquireTimeoutMs,
  ): Observable<Message> {
    return sendAsObservable((done) => this.send(type, payload, this.scheduler.now() + timeoutMs, done));
  }

  /**
   * One heartbeat Ping that never waits behind requests or leases: it goes straight to an open connection —
   * one without leases first, then the least loaded — and takes the connection's reserved probe slot when the
   * connection is full (a Ping may be one over `maxInFlight`, see `Connection`). Only when no connection is open
   * does it go through the pool (which opens one). Unsubscribing cancels it.
   */
  probe$(timeoutMs: number): Observable<Message> {
    return sendAsObservable((done) => {
      const deadline = this.scheduler.now() + timeoutMs;
      const conn = this.connections.forProbe();
      return conn
        ? conn.send(MessageType.Ping, noPayload, deadline, done)
        : this.send(MessageType.Ping, noPayload, deadline, done);
    });
  }

  /** Leases a connection (the reference client's `getConnection`); give it back with {@link release}. */
  lease(timeoutMs = this.acquireTimeoutMs): Promise<PoolConnection> {
    return new Promise((resolve, reject) => {
      this.acquire(
        (conn) => {
          conn.leases++;
          resolve(conn);
        },
        reject,
        this.scheduler.now() + timeoutMs,
      );
    });
  }

  /**
   * Returns a leased connection; it is the one handed out next while it stays the least loaded. A connection the
   * pool wanted gone while it was leased (the node went down, or it reached `maxLifetimeMs`) is closed now, once
   * its last lease is back (its requests in flight drain first).
   */
  release(conn: PoolConnection): void {
    if (conn.leases > 0) conn.leases--;
    const meta = this.connections.get(conn);
    // CMAP check-in: a connection from before the last clear() is closed, reason 'stale'
    const stale = meta !== undefined && meta.generation !== this.generationNumber;
    if ((stale || meta?.retiring) && conn.leases === 0)
      void conn.close(stale ? 'stale' : (meta?.doomed ?? 'lifetime'));
    this.touch(conn);
  }

  /**
   * MongoDB CMAP's pool generation: 0 at start, bumped by every {@link clear}. A connection remembers the
   * generation its connect began in; one older than the pool's is stale — never handed out again, closed with
   * reason `'stale'` when idle, when checked in ({@link release}) or as soon as its connect completes.
   */
  get generation(): number {
    return this.generationNumber;
  }

  /**
   * Fails with `err` every request of this pool not written yet: those waiting for a connection and those
   * queued behind backpressure on one. Requests already written are untouched. (The router calls it when a node
   * is marked unhealthy or goes down, so those requests go elsewhere.)
   */
  evacuate(err: RouterError): void {
    this.waiters.failAll(err);
    // a leased connection is its holder's: what it queued there is not ours to move
    for (const { conn } of this.connections.all) if (conn.leases === 0) conn.evacuate(err);
  }

  /**
   * The node went down: bumps the {@link generation}, so every connection open or connecting is stale (CMAP).
   * An idle one closes now (reason `'stale'`); one with requests in flight is destroyed (they fail at once and
   * are retried elsewhere); waiters stay queued for a new connection. A leased connection is never destroyed
   * under its holder: it takes no new request from the pool and is closed (`'stale'`) when returned
   * ({@link release}); until then the holder's requests on it succeed or fail on their own (typed).
   */
  clear(): void {
    this.generationNumber++;
    for (const meta of this.connections.all) {
      const conn = meta.conn;
      meta.retiring = true;
      if (conn.leases > 0) meta.doomed = 'stale';
      else if (conn.inFlight === 0) void conn.close('stale');
      else conn.destroy();
    }
  }

  /** Aborts connects in progress, fails waiters, drains and closes every connection, stops every timer. */
  async close(): Promise<void> {
    this.closedState = true;
    this.sweeper.stop();
    for (const abort of [...this.connects]) abort.abort();
    this.connects.clear();
    const err = new RouterError(ErrorCode.PoolClosed, `pool of node ${this.nodeId} is closed`);
    this.waiters.failAll(err);
    await Promise.all(this.connections.all.map(({ conn }) => conn.close('closed')));
    this.statsSubject.complete();
  }

  private acquire(
    take: (conn: PoolConnection) => void,
    fail: (err: RouterError) => void,
    deadline: number,
  ): void {
    if (this.closedState) {
      fail(new RouterError(ErrorCode.PoolClosed, `pool of node ${this.nodeId} is closed`));
      return;
    }
    const ready = this.waiters.length === 0 ? this.pick(0) : undefined;
    if (ready) take(ready);
    else {
      this.waiters.add({ take, fail }, deadline, 0);
      this.pump();
    }
  }

  private dispatch(request: PoolRequest, conn: PoolConnection): void {
    request.conn = conn;
    request.sentAt = this.scheduler.now();
    request.sent = conn.submit(request.type, request.payload, request.deadline, request);
  }

  private settled(request: PoolRequest, conn: PoolConnection, replied: boolean): void {
    const now = this.scheduler.now();
    if (replied) {
      // from the moment a connection took the request: connect time and queueing in the pool excluded
      const rtt = now - request.sentAt;
      this.latency = this.latency < 0 ? rtt : this.latency + 0.2 * (rtt - this.latency);
    }
    this.touch(conn, now);
  }

  /** The least-loaded open connection that can take `weight` more bytes, if any (expired ones retire). */
  private pick(weight: number): PoolConnection | undefined {
    return pickConnection(this.connections.all, this.scheduler.now(), this.pickLimits, weight, this.expired);
  }

  /**
   * Serves waiters while a connection can take them, in a loop. Re-entrant calls (a request that fails at once
   * on the connection it was given settles, which touches the pool, which pumps) only ask the running loop for
   * another round: serving any number of waiters never nests on the stack.
   */
  private pump(): void {
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.pumpAgain = false;
        while (this.waiters.length > 0) {
          const conn = this.pick(this.waiters.headWeight);
          if (!conn) break;
          this.waiters.serve(conn);
        }
      } while (this.pumpAgain);
    } finally {
      this.pumping = false;
    }
    if (
      this.waiters.length > this.connecting * this.perConnection &&
      this.usable() + this.connecting < this.max &&
      this.connecting < this.maxConnecting &&
      !this.closedState
    ) {
      this.connect();
    }
  }

  private connect(): void {
    const generation = this.generationNumber;
    this.connecting++;
    const abort = new AbortController();
    this.connects.add(abort);
    let opened: Promise<PoolConnection>;
    try {
      opened = this.open(abort.signal);
    } catch (err) {
      opened = Promise.reject(err);
    }
    opened.then(
      (conn) => {
        this.connecting--;
        this.connects.delete(abort);
        if (this.closedState) return void conn.close('closed');
        conn.onWritable = this.onWritable;
        const now = this.scheduler.now();
        // a connect begun before the last clear() completes stale (CMAP): reported, then closed, never handed out
        const stale = generation !== this.generationNumber;
        this.connections.add({ conn, createdAt: now, lastUsedAt: now, retiring: stale, generation });
        this.onEvent({ type: 'connectionCreated', nodeId: this.nodeId, connectionId: conn.id });
        this.replaced();
        void conn.closed.then((reason) => {
          this.connections.delete(conn);
          const leased = conn.leases > 0 ? { leased: true as const } : {};
          this.onEvent({
            type: 'connectionClosed',
            nodeId: this.nodeId,
            connectionId: conn.id,
            reason,
            ...leased,
          });
          this.publish();
          this.pump();
        });
        if (stale) void conn.close('stale');
        this.publish();
        this.pump();
        this.warm();
        this.sweeper.schedule();
      },
      (err: RouterError) => {
        this.connecting--;
        this.connects.delete(abort);
        if (this.closedState) return;
        this.onEvent({ type: 'connectFailed', nodeId: this.nodeId, error: err });
        // Nothing open: fail the queue now (the router retries elsewhere) rather than reconnect in a loop.
        if (this.usable() === 0) this.waiters.failAll(err);
        this.publish();
        this.pump();
      },
    );
  }

  private usable(): number {
    return this.connections.usable();
  }

  private touch(conn: PoolConnection, now = this.scheduler.now()): void {
    const meta = this.connections.get(conn);
    if (meta) meta.lastUsedAt = now;
    if (this.waiters.length > 0) this.pump();
    // A connection gone idle needs a sweep by now + idleTimeoutMs, unless none may close or one is due sooner.
    else if (
      load(conn) === 0 &&
      this.connections.size > this.min &&
      !this.sweeper.dueBy(now + this.idleTimeoutMs)
    ) {
      this.sweeper.schedule();
    }
  }

  private expiryInputs() {
    return this.connections.all.map((meta) => ({
      ...meta,
      load: load(meta.conn),
      refreshAt: meta.conn.refreshAt,
      expiresAt: meta.conn.expiresAt,
    }));
  }

  /**
   * Credentials due for refresh: the connection keeps serving while a replacement opens (with the latest
   * credentials); it is retired — drained, never failed — once the replacement is ready (`replaced`), or at its
   * `expiresAt` if none came by then.
   */
  private rotate(meta: ConnectionMeta): void {
    meta.rotating = true;
    if (
      !this.closedState &&
      this.usable() + this.connecting < Math.max(this.min, 1) &&
      this.connecting < this.maxConnecting
    )
      this.connect();
  }

  /** A new connection is ready: the oldest connection being rotated is retired, and the next one replaced. */
  private replaced(): void {
    let more = false;
    let done = false;
    for (const meta of this.connections.all) {
      const conn = meta.conn;
      if (!meta.rotating || meta.retiring) continue;
      if (done) more = true;
      else {
        this.retire(conn, meta, 'lifetime');
        done = true;
      }
    }
    if (
      more &&
      !this.closedState &&
      this.connecting < this.maxConnecting &&
      this.usable() + this.connecting < this.max
    )
      this.connect();
  }

  private retire(conn: PoolConnection, meta: ConnectionMeta, reason: 'idle' | 'lifetime'): void {
    meta.retiring = true;
    // a leased connection is closed when its holder returns it (release), never under the holder
    if (conn.leases > 0) meta.doomed ??= reason;
    else void conn.close(reason);
  }

  private publish(): void {
    if (!this.statsSubject.closed) this.statsSubject.next(this.stats);
  }
}

function load(conn: PoolConnection): number {
  return conn.inFlight + conn.leases;
}
