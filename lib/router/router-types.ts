import type { Observable, ObservableInput } from 'rxjs';
import type { PoolConnection } from '../transport/pool-connection.js';
import type { PoolStats } from '../transport/pool-types.js';
import type { ClusterHealth, NodeAddress, NodeId } from '../types.js';
import type { Message, MessageType } from '../wire/message.js';
import type { RouterEvent } from './router-event.js';

/** Options of one request. */
export interface RequestOptions {
  /** @defaultValue MessageType.Data */
  readonly type?: MessageType;
  /** Bound on the whole request, retries and waiting for a node included. @defaultValue config.timeoutMs */
  readonly timeoutMs?: number;
  /**
   * Whether the request may be repeated safely. A request that may have reached a node (its connection was lost
   * or it timed out) is retried only when idempotent; failures before sending are always retried.
   * @defaultValue true (the reference client retries every request; pass false for writes)
   */
  readonly idempotent?: boolean;
  /**
   * Hedging for this request: true (the config's settings), false (none), or overrides. Only idempotent
   * requests are ever hedged. @defaultValue the config's `hedge` (off unless set)
   */
  readonly hedge?: boolean | { readonly delayMs?: number; readonly maxAttempts?: number };
}

/** Options of `request()`, the promise form: those of `request$` plus `signal`. */
export interface PromiseRequestOptions extends RequestOptions {
  /**
   * Aborting it cancels the request (as unsubscribing from `request$` does) and rejects it with `AbortedError`
   * (`ERR_ABORTED`, `cause`: `signal.reason`); an already aborted signal rejects at once, nothing sent.
   */
  readonly signal?: AbortSignal;
}

/** A router over one cluster; see `createRouter`. */
export interface Router {
  /**
   * The current members' addresses (joining, in service and draining), in id order; a new array after each
   * membership change. Ids are router-assigned (1..n for an initial array of hosts, then increasing, never
   * reused): never assume `addresses[i].id === i + 1` once membership changed.
   */
  readonly addresses: readonly NodeAddress[];
  /** Cluster health snapshots; replays the latest to each subscriber. */
  readonly health$: Observable<ClusterHealth>;
  /** Eligible node ids, emitted only when the set changes. */
  readonly eligible$: Observable<readonly NodeId[]>;
  /** Connection, heartbeat, health, retry and request events. */
  readonly events$: Observable<RouterEvent>;
  /**
   * Cold: each subscription sends one request (retried per config); one reply then complete. A payload that is
   * not bytes or a string, a message above `maxMessageBytes`, or invalid options (`null`, an array, a bad
   * `timeoutMs`) fail that subscription with a non-retryable error before any node is chosen.
   */
  request$(payload: Uint8Array | string | ArrayBufferView, options?: RequestOptions): Observable<Message>;
  /** `request$` as a promise; `options.signal` (an `AbortSignal`) cancels it with `ERR_ABORTED`. */
  request(payload: Uint8Array | string | ArrayBufferView, options?: PromiseRequestOptions): Promise<Message>;
  /** Leases a connection to an eligible node (the reference client's API). */
  getConnection(): Promise<PoolConnection>;
  /** Gives a leased connection back; it is handed out next while it stays the least loaded. */
  returnConnection(connection: PoolConnection): void;
  /** Keeps a node out of routing, whatever its probes say, until `markNodeHealthy`. */
  markNodeUnhealthy(nodeId: NodeId): void;
  markNodeHealthy(nodeId: NodeId): void;
  /** Retries `operation` with the router's retry policy and budget. */
  executeWithRetry<T>(operation: () => ObservableInput<T>): Promise<T>;
  /** Pool counts per node, in id order. */
  poolStats(): PoolStats[];
  /**
   * Drains in-flight requests (bounded by timeoutMs), then closes every socket and timer. Afterwards `health$`
   * and `eligible$` complete at once for new subscribers (no heartbeat restarts).
   */
  close(): Promise<void>;
}
