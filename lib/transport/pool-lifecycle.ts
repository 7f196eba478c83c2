import type { SchedulerLike } from 'rxjs';
import { configDefaults } from '../config.js';
import type { RouterError } from '../errors.js';
import type { NodeId } from '../types.js';
import type { ConnectionMeta } from './pick-connection.js';
import type { PoolConnection } from './pool-connection.js';
import type { PoolConnections } from './pool-connections.js';
import { PoolSweeper } from './pool-sweeper.js';
import type { PoolEvent, PoolOptions } from './pool-types.js';
import type { WaitQueue } from './wait-queue.js';

const defaults = configDefaults.pool;

/** What a {@link PoolLifecycle} is given by its pool (made once per pool). */
export interface PoolLifecycleParts {
  readonly nodeId: NodeId;
  readonly open: (signal: AbortSignal) => Promise<PoolConnection>;
  readonly scheduler: SchedulerLike;
  readonly onEvent: (event: PoolEvent) => void;
  /** The pool's connections (shared: the opener adds and removes them). */
  readonly connections: PoolConnections;
  /** The pool's wait queue (failed when a connect fails and nothing else can serve it). */
  readonly waiters: WaitQueue<PoolConnection>;
  readonly options: PoolOptions;
  /** Set on each new connection: it can take more bytes again. */
  readonly onWritable: () => void;
  /** The counts changed (the pool's stats$). */
  readonly publish: () => void;
  /** A connection came or went: serve waiters. */
  readonly pump: () => void;
}

/**
 * A {@link Pool}'s connections from open to close: opens them (at most `maxConnecting` at once, up to
 * `maxConnections`), warms up to `minConnections`, rotates those whose credentials are due (a replacement opens
 * first), retires idle and old ones through the pool's one expiry timer (`PoolSweeper`; a leased connection only
 * when given back), and keeps CMAP's pool generation (`clear`). A connection that closes is forgotten and
 * reported; a connect that fails with nothing open fails the queue. The request path never comes here.
 */
export class PoolLifecycle {
  /** Connects in progress. */
  connecting = 0;
  readonly min: number;
  private readonly max: number;
  private readonly maxConnecting: number;
  private readonly idleTimeoutMs: number;
  private generationNumber = 0;
  private closed = false;
  private readonly connects = new Set<AbortController>();
  private readonly sweeper: PoolSweeper;
  private readonly p: PoolLifecycleParts;

  constructor(parts: PoolLifecycleParts) {
    this.p = parts;
    const { options, connections } = parts;
    this.min = options.minConnections ?? defaults.minConnections;
    this.max = options.maxConnections ?? defaults.maxConnections;
    this.maxConnecting = options.maxConnecting ?? defaults.maxConnecting;
    this.idleTimeoutMs = options.idleTimeoutMs ?? defaults.idleTimeoutMs;
    const maxLifetimeMs = options.maxLifetimeMs ?? defaults.maxLifetimeMs;
    this.sweeper = new PoolSweeper(
      parts.scheduler,
      { minConnections: this.min, idleTimeoutMs: this.idleTimeoutMs, maxLifetimeMs },
      () =>
        connections.all.map((meta) => ({
          ...meta,
          load: meta.conn.inFlight + meta.conn.leases,
          refreshAt: meta.conn.refreshAt,
          expiresAt: meta.conn.expiresAt,
        })),
      (conn, reason) =>
        reason === 'rotate'
          ? this.rotate(connections.get(conn)!)
          : this.retire(conn, connections.get(conn)!, reason),
      () => this.warm(),
    );
  }

  /** CMAP's pool generation: bumped by every {@link clear}. */
  get generation(): number {
    return this.generationNumber;
  }

  /** Open connections that take new requests. */
  usable(): number {
    return this.p.connections.usable();
  }

  /** Opens connections up to `minConnections`, at most `maxConnecting` at once. */
  warm(): void {
    const { min, maxConnecting } = this;
    while (!this.closed && this.usable() + this.connecting < min && this.connecting < maxConnecting) {
      this.connect();
    }
  }

  /** Opens one connection; when it is ready it joins the pool and serves the queue. */
  connect(): void {
    const p = this.p;
    const generation = this.generationNumber;
    this.connecting++;
    const abort = new AbortController();
    this.connects.add(abort);
    let opened: Promise<PoolConnection>;
    try {
      opened = p.open(abort.signal);
    } catch (err) {
      opened = Promise.reject(err);
    }
    opened.then(
      (conn) => {
        this.connecting--;
        this.connects.delete(abort);
        if (this.closed) return void conn.close('closed');
        conn.onWritable = p.onWritable;
        const now = p.scheduler.now();
        // a connect begun before the last clear() completes stale (CMAP): reported, then closed, never handed out
        const stale = generation !== this.generationNumber;
        p.connections.add({ conn, createdAt: now, lastUsedAt: now, retiring: stale, generation });
        p.onEvent({ type: 'connectionCreated', nodeId: p.nodeId, connectionId: conn.id });
        this.replaced();
        void conn.closed.then((reason) => this.gone(conn, reason));
        if (stale) void conn.close('stale');
        p.publish();
        p.pump();
        this.warm();
        this.sweeper.schedule();
      },
      (err: RouterError) => {
        this.connecting--;
        this.connects.delete(abort);
        if (this.closed) return;
        p.onEvent({ type: 'connectFailed', nodeId: p.nodeId, error: err });
        // Nothing open: fail the queue now (the router retries elsewhere) rather than reconnect in a loop.
        if (this.usable() === 0) p.waiters.failAll(err);
        p.publish();
        p.pump();
      },
    );
  }

  /**
   * Credentials due for refresh: the connection keeps serving while a replacement opens (with the latest
   * credentials); it is retired — drained, never failed — once the replacement is ready (`replaced`), or at its
   * `expiresAt` if none came by then.
   */
  rotate(meta: ConnectionMeta): void {
    meta.rotating = true;
    if (
      !this.closed &&
      this.usable() + this.connecting < Math.max(this.min, 1) &&
      this.connecting < this.maxConnecting
    )
      this.connect();
  }

  retire(conn: PoolConnection, meta: ConnectionMeta, reason: 'idle' | 'lifetime'): void {
    meta.retiring = true;
    // a leased connection is closed when its holder returns it (release), never under the holder
    if (conn.leases > 0) meta.doomed ??= reason;
    else void conn.close(reason);
  }

  /** The node went down: a new generation; every connection is stale (see `Pool.clear`). */
  clear(): void {
    this.generationNumber++;
    for (const meta of this.p.connections.all) {
      const conn = meta.conn;
      meta.retiring = true;
      if (conn.leases > 0) meta.doomed = 'stale';
      else if (conn.inFlight === 0) void conn.close('stale');
      else conn.destroy();
    }
  }

  /**
   * `waiting` requests queue for a connection and each connection takes `perConnection`: one more connect when
   * those in progress cannot serve them all (bounded by `maxConnections` and `maxConnecting`).
   */
  grow(waiting: number, perConnection: number): void {
    if (
      waiting > this.connecting * perConnection &&
      this.usable() + this.connecting < this.max &&
      this.connecting < this.maxConnecting &&
      !this.closed
    ) {
      this.connect();
    }
  }

  /** A connection's last request settled at `now`: a sweep by `now + idleTimeoutMs` unless none may close or one is due sooner. */
  idle(now: number): void {
    if (this.p.connections.size > this.min && !this.sweeper.dueBy(now + this.idleTimeoutMs))
      this.sweeper.schedule();
  }

  /** Stops the expiry timer and aborts connects in progress; none starts from now on. */
  close(): void {
    this.sweeper.stop();
    this.closed = true;
    for (const abort of [...this.connects]) abort.abort();
    this.connects.clear();
  }

  /** A connection closed: forgotten, reported, and the queue served by the others. */
  private gone(conn: PoolConnection, reason: Awaited<PoolConnection['closed']>): void {
    const p = this.p;
    p.connections.delete(conn);
    const leased = conn.leases > 0 ? { leased: true as const } : {};
    p.onEvent({ type: 'connectionClosed', nodeId: p.nodeId, connectionId: conn.id, reason, ...leased });
    p.publish();
    p.pump();
  }

  /** A new connection is ready: the oldest connection being rotated is retired, and the next one replaced. */
  private replaced(): void {
    let more = false;
    let done = false;
    for (const meta of this.p.connections.all) {
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
      !this.closed &&
      this.connecting < this.maxConnecting &&
      this.usable() + this.connecting < this.max
    )
      this.connect();
  }
}
