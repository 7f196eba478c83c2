import { asyncScheduler, BehaviorSubject, type Observable, type SchedulerLike } from 'rxjs';
import { configDefaults } from '../config.js';
import type { RouterError } from '../errors.js';
import type { NodeId } from '../types.js';
import { type Message, MessageType } from '../wire/message.js';
import type { Cancellable } from './cancellable.js';
import { type ConnectionMeta, type PickLimits, pickConnection } from './pick-connection.js';
import type { PoolConnection } from './pool-connection.js';
import { PoolConnections } from './pool-connections.js';
import { poolErrors } from './pool-errors.js';
import { PoolLeases } from './pool-leases.js';
import { PoolLifecycle } from './pool-lifecycle.js';
import { PoolRequest, type PoolRequestHost } from './pool-request.js';
import { poolStats } from './pool-stats.js';
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
 *
 * Its parts: the request path here (submit → pick → dispatch; settled → touch → pump); the connections' life
 * from connect to close in `PoolLifecycle` (pool-lifecycle.ts); leases in `PoolLeases` (pool-leases.ts).
 */
export class Pool {
  readonly nodeId: NodeId;
  private readonly scheduler: SchedulerLike;
  private readonly perConnection: number;
  private readonly acquireTimeoutMs: number;
  private readonly connections = new PoolConnections();
  private readonly waiters: WaitQueue<PoolConnection>;
  /** The connections from open to close: connect, warm, rotate, retire, expire, generation (pool-lifecycle.ts). */
  private readonly life: PoolLifecycle;
  /** Leases and their return (pool-leases.ts). */
  private readonly leasing: PoolLeases;
  private latency = -1;
  private closedState = false;
  private readonly statsSubject: BehaviorSubject<PoolStats>;
  private readonly pickLimits: PickLimits;
  private pumping = false;
  private pumpAgain = false;
  /** A connection the pick found past its lifetime. */
  private readonly expired = (conn: PoolConnection, meta: ConnectionMeta) =>
    this.life.retire(conn, meta, 'lifetime');
  /** What this pool's requests call back: dispatch and settle are private to the pool. */
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
    this.scheduler = scheduler;
    this.perConnection = options.maxInFlightPerConnection ?? defaults.maxInFlightPerConnection;
    this.acquireTimeoutMs = options.acquireTimeoutMs ?? configDefaults.timeoutMs;
    this.pickLimits = {
      maxLifetimeMs: options.maxLifetimeMs ?? defaults.maxLifetimeMs,
      maxInFlight: this.perConnection,
      maxBufferedBytes: options.maxBufferedBytesPerConnection ?? defaults.maxBufferedBytesPerConnection,
    };
    this.waiters = new WaitQueue(
      scheduler,
      () => this.publish(),
      (waiter) =>
        poolErrors.acquireTimeout(label, waiter instanceof PoolRequest ? 'request' : 'lease', {
          open: this.connections.size,
          maxConnections: options.maxConnections ?? defaults.maxConnections,
          inFlight: this.connections.inFlight(),
          perConnection: this.perConnection,
          leases: this.connections.leases(),
          bufferFull: this.connections.bufferFull(
            waiter instanceof PoolRequest ? (waiter.payload?.byteLength ?? 0) + frameOverhead : 0,
          ),
          connecting: this.life.connecting,
          waiting: this.waiters.length,
        }),
    );
    this.life = new PoolLifecycle({
      nodeId,
      open,
      scheduler,
      onEvent,
      connections: this.connections,
      waiters: this.waiters,
      options,
      onWritable: () => {
        if (this.waiters.length > 0) this.pump();
      },
      publish: () => this.publish(),
      pump: () => this.pump(),
    });
    this.leasing = new PoolLeases({
      nodeId,
      scheduler,
      connections: this.connections,
      life: this.life,
      waiters: this.waiters,
      closed: () => this.closedState,
      pick: (weight) => this.pick(weight),
      pump: () => this.pump(),
      touch: (conn) => this.touch(conn),
    });
    this.statsSubject = new BehaviorSubject(this.stats);
  }

  /** Counts now. */
  get stats(): PoolStats {
    return poolStats(this.nodeId, this.connections.conns(), this.life.connecting, this.waiters.length);
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
    this.life.warm();
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
      request.tell(poolErrors.closed(this.nodeId));
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
    return this.leasing.lease(timeoutMs);
  }

  /**
   * Returns a leased connection; it is the one handed out next while it stays the least loaded. A connection the
   * pool wanted gone while it was leased (the node went down, or it reached `maxLifetimeMs`) is closed now, once
   * its last lease is back (its requests in flight drain first).
   */
  release(conn: PoolConnection): void {
    this.leasing.release(conn);
  }

  /**
   * MongoDB CMAP's pool generation: 0 at start, bumped by every {@link clear}. A connection remembers the
   * generation its connect began in; one older than the pool's is stale — never handed out again, closed with
   * reason `'stale'` when idle, when checked in ({@link release}) or as soon as its connect completes.
   */
  get generation(): number {
    return this.life.generation;
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
    this.life.clear();
  }

  /** Aborts connects in progress, fails waiters, drains and closes every connection, stops every timer. */
  async close(): Promise<void> {
    this.closedState = true;
    this.life.close();
    this.waiters.failAll(poolErrors.closed(this.nodeId));
    await Promise.all(this.connections.all.map(({ conn }) => conn.close('closed')));
    this.statsSubject.complete();
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
    this.life.grow(this.waiters.length, this.perConnection);
  }

  private touch(conn: PoolConnection, now = this.scheduler.now()): void {
    const meta = this.connections.get(conn);
    if (meta) meta.lastUsedAt = now;
    if (this.waiters.length > 0) this.pump();
    // a connection gone idle needs a sweep by now + idleTimeoutMs (unless none may close or one is due sooner)
    else if (conn.inFlight + conn.leases === 0) this.life.idle(now);
  }

  private publish(): void {
    if (!this.statsSubject.closed) this.statsSubject.next(this.stats);
  }
}
