import { merge, type Observable } from 'rxjs';
import type { ResolvedConfig } from '../config.js';
import type { RouterError } from '../errors.js';
import { Connection } from '../transport/connection.js';
import { openStream } from '../transport/open-stream.js';
import { Pool } from '../transport/pool.js';
import type { PoolConnection } from '../transport/pool-connection.js';
import type { PoolEvent, PoolStats } from '../transport/pool-types.js';
import type { NodeAddress, NodeId } from '../types.js';
import type { Message, MessageType } from '../wire/message.js';

/** One node of the router: its address and its pool. */
export interface RouterNode {
  readonly id: NodeId;
  readonly address: NodeAddress;
  readonly pool: Pool;
}

type Done = (err: RouterError | undefined, reply?: Message) => void;

/**
 * The router's nodes: a pool per node in a `Map` keyed by `NodeId` (never by array position, so nodes can be
 * added and removed while requests flow). Every pool shares the config's scheduler; pool events go to
 * `onPoolEvent` (the router's health feedback and `events$`).
 */
export class Nodes {
  private readonly byId = new Map<NodeId, RouterNode>();
  private readonly config: Readonly<ResolvedConfig>;

  constructor(
    addresses: readonly NodeAddress[],
    config: Readonly<ResolvedConfig>,
    onPoolEvent: (event: PoolEvent) => void,
  ) {
    this.config = config;
    for (const address of addresses) {
      const pool = new Pool(
        address.id,
        (signal) => this.open(address, signal),
        config.pool,
        config.scheduler,
        onPoolEvent,
      );
      this.byId.set(address.id, { id: address.id, address, pool });
    }
  }

  get size(): number {
    return this.byId.size;
  }

  get(id: NodeId): RouterNode | undefined {
    return this.byId.get(id);
  }

  has(id: NodeId): boolean {
    return this.byId.has(id);
  }

  values(): IterableIterator<RouterNode> {
    return this.byId.values();
  }

  /** Sends on a node's pool; the reply (or a typed error) comes by `deadline` (scheduler time). */
  send(id: NodeId, type: MessageType, payload: Uint8Array, deadline: number, done: Done): () => void {
    return this.byId.get(id)!.pool.send(type, payload, deadline, done);
  }

  /** Fails the node's requests not yet written with `err` (retryable, not sent), so they go elsewhere. */
  evacuate(id: NodeId, err: RouterError): void {
    this.byId.get(id)?.pool.evacuate(err);
  }

  /** Destroys the node's connections (it went down): requests in flight on them fail over now. */
  clear(id: NodeId): void {
    this.byId.get(id)?.pool.clear();
  }

  /** Opens every pool's `minConnections`. */
  warm(): void {
    for (const node of this.byId.values()) node.pool.warm();
  }

  /** Pool counts, in id order. */
  stats(): PoolStats[] {
    return [...this.byId.values()].sort((a, b) => a.id - b.id).map((n) => n.pool.stats);
  }

  /** Every pool's counts as they change. */
  stats$(): Observable<PoolStats> {
    return merge(...[...this.byId.values()].map((n) => n.pool.stats$));
  }

  /** Closes every pool (connections drained, timers stopped). */
  async close(): Promise<void> {
    await Promise.all([...this.byId.values()].map((n) => n.pool.close()));
  }

  private async open(address: NodeAddress, signal: AbortSignal): Promise<PoolConnection> {
    const c = this.config;
    if (c.connect) return c.connect(address, signal);
    const stream = await openStream(address, {
      timeoutMs: c.timeoutMs,
      tls: c.tls,
      WebSocket: c.WebSocket,
      signal,
    });
    return new Connection(stream, address.id, {
      scheduler: c.scheduler,
      wallClock: c.wallClock,
      maxBufferedBytes: c.pool.maxBufferedBytesPerConnection,
      requestTimeoutMs: c.timeoutMs,
      maxInFlight: c.pool.maxInFlightPerConnection,
      maxMessageBytes: c.maxMessageBytes,
      compressAboveBytes: c.compressAboveBytes,
      drainTimeoutMs: c.timeoutMs,
    });
  }
}
