import { merge, mergeMap, type Observable, Subject, type Subscription } from 'rxjs';
import type { ResolvedConfig } from '../config.js';
import { ErrorCode, RouterError } from '../errors.js';
import type { Cancellable } from '../transport/cancellable.js';
import { connectNode, type NodeSetup } from '../transport/connect-node.js';
import { Pool } from '../transport/pool.js';
import type { PoolConnection } from '../transport/pool-connection.js';
import type { PoolEvent, PoolStats } from '../transport/pool-types.js';
import type { ReplySink } from '../transport/reply-sink.js';
import type { NodeAddress, NodeId } from '../types.js';
import type { Message, MessageType } from '../wire/message.js';
import { nodeSetup } from './node-setup.js';

/** One node of the router: its address and its pool. */
export interface RouterNode {
  readonly id: NodeId;
  readonly address: NodeAddress;
  readonly pool: Pool;
  /** Removed from membership: no new sends, its pool is draining. */
  draining: boolean;
  /** The delayed first warm-up of a node added later (connects spread over `joinSpreadMs`). */
  warmTimer?: Subscription;
}

type Done = (err: RouterError | undefined, reply?: Message) => void;

/**
 * The router's nodes: a pool per node in a `Map` keyed by `NodeId` (never by array position), so nodes are added
 * and removed while requests flow. Every pool shares the config's scheduler; pool events go to `onPoolEvent` (the
 * router's health feedback and `events$`). A send to a node that is draining or gone fails at once with a
 * retryable, not-sent error (it goes elsewhere); nothing throws on a removed id.
 */
export class Nodes {
  private readonly byId = new Map<NodeId, RouterNode>();
  private readonly config: Readonly<ResolvedConfig>;
  private readonly onPoolEvent: (event: PoolEvent) => void;
  private readonly setup: NodeSetup;
  /** Pools added after construction (their stats$), for `stats$()`. */
  private readonly addedStats = new Subject<Observable<PoolStats>>();
  private readonly allStats$: Observable<PoolStats>;

  constructor(
    addresses: readonly NodeAddress[],
    config: Readonly<ResolvedConfig>,
    onPoolEvent: (event: PoolEvent) => void,
    setup: NodeSetup = nodeSetup(config),
  ) {
    this.config = config;
    this.onPoolEvent = onPoolEvent;
    this.setup = setup;
    this.allStats$ = this.addedStats.pipe(mergeMap((stats$) => stats$));
    for (const address of addresses) this.add(address);
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

  /** Adds a node with a fresh pool; `warmAfterMs` > 0 delays its first connects (spread over many routers). */
  add(address: NodeAddress, warmAfterMs = 0): RouterNode {
    const { config } = this;
    const pool = new Pool(
      address.id,
      (signal) => this.open(address, signal),
      config.pool,
      config.scheduler,
      this.onPoolEvent,
      `node ${address.id} (${address.label})`,
    );
    const node: RouterNode = { id: address.id, address, pool, draining: false };
    this.byId.set(address.id, node);
    if (warmAfterMs > 0) node.warmTimer = config.scheduler.schedule(() => pool.warm(), warmAfterMs);
    this.addedStats.next(pool.stats$);
    return node;
  }

  /**
   * Drains a node removed from membership: no new sends; requests not yet written fail with a retryable,
   * not-sent error (they go elsewhere, no retry budget spent); written ones finish by their deadline; each
   * connection closes once idle or at the drain bound (`timeoutMs`). Resolves when nothing of the node is left
   * (it is then gone from this map). `inFlight`: the node's requests in flight or queued when the drain began.
   */
  drain(id: NodeId): { readonly inFlight: number; readonly done: Promise<void> } {
    const node = this.byId.get(id);
    if (!node) return { inFlight: 0, done: Promise.resolve() };
    const inFlight = node.pool.load;
    node.draining = true;
    node.warmTimer?.unsubscribe();
    node.pool.evacuate(
      new RouterError(
        ErrorCode.NoEligibleNode,
        `node ${id} (${node.address.label}) was removed; request not sent`,
        {
          retryable: true,
        },
      ),
    );
    const done = node.pool.close().then(() => {
      if (this.byId.get(id) === node) this.byId.delete(id);
    });
    return { inFlight, done };
  }

  /** Sends on a node's pool; the reply (or a typed error) comes by `deadline` (scheduler time). */
  send(
    id: NodeId,
    type: MessageType,
    payload: Uint8Array,
    deadline: number,
    done: Done | ReplySink,
  ): Cancellable {
    const node = this.byId.get(id);
    if (!node || node.draining) {
      const err = new RouterError(ErrorCode.NoEligibleNode, `node ${id} is not a member; request not sent`, {
        retryable: true,
      });
      if (typeof done === 'function') done(err);
      else done.settle(err);
      return notSent;
    }
    return node.pool.submit(type, payload, deadline, done);
  }

  /** Fails the node's requests not yet written with `err` (retryable, not sent), so they go elsewhere. */
  evacuate(id: NodeId, err: RouterError): void {
    this.byId.get(id)?.pool.evacuate(err);
  }

  /** Destroys the node's connections (it went down): requests in flight on them fail over now. */
  clear(id: NodeId): void {
    this.byId.get(id)?.pool.clear();
  }

  /** Opens the `minConnections` of every pool not waiting for its spread delay. */
  warm(): void {
    for (const node of this.byId.values()) if (!node.warmTimer && !node.draining) node.pool.warm();
  }

  /** Pool counts, in id order (draining nodes included until they are gone). */
  stats(): PoolStats[] {
    return [...this.byId.values()].sort((a, b) => a.id - b.id).map((n) => n.pool.stats);
  }

  /** Every pool's counts as they change, pools added later included. */
  stats$(): Observable<PoolStats> {
    return merge(...[...this.byId.values()].map((n) => n.pool.stats$), this.allStats$);
  }

  /** Closes every pool (connections drained, timers stopped). */
  async close(): Promise<void> {
    for (const node of this.byId.values()) node.warmTimer?.unsubscribe();
    this.setup.credentials?.stop();
    await Promise.all([...this.byId.values()].map((n) => n.pool.close()));
    this.addedStats.complete();
  }

  /** A connection joins its pool only when ready: opened, negotiated and through the handshake. */
  private open(address: NodeAddress, signal: AbortSignal): Promise<PoolConnection> {
    return connectNode(address, this.setup, signal);
  }
}

/** The handle of a send refused at once. */
const notSent: Cancellable = { cancel() {} };
