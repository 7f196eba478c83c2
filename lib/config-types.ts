import type { Observable, SchedulerLike } from 'rxjs';
import type { JitterMode } from './operators/backoff.js';
import type { RetryBudgetOptions } from './operators/retry-budget.js';
import type { HealthPolicy } from './streams/health-policy.js';
import type { WebSocketConstructor } from './transport/connect-websocket.js';
import type { TlsOptions } from './transport/connector.js';
import type { CredentialsProvider, Handshake } from './transport/handshake-types.js';
import type { PoolConnection } from './transport/pool-connection.js';
import type { PoolOptions } from './transport/pool-types.js';
import type { NodeAddress } from './types.js';

// The router's configuration as types: what `createRouter` takes and what `resolveConfig` returns. Types only.

/** Balancing strategies; see `router/balancers.ts`. */
export type BalancerName = 'p2c' | 'round-robin' | 'least-outstanding';

/** Retry options of the router (`retryBackoff` with the reference client's defaults). */
export interface RetryOptions {
  /** @defaultValue 3 */
  readonly maxRetries?: number;
  /** @defaultValue 100 */
  readonly initialBackoffMs?: number;
  /** @defaultValue 5000 */
  readonly maxBackoffMs?: number;
  /** @defaultValue 2 */
  readonly backoffMultiplier?: number;
  /** @defaultValue 'none' (the reference client's exact delays) */
  readonly jitter?: JitterMode;
  /** A retry budget shared by all requests (Finagle's: 20 % of requests + a reserve of 10/s × 10 s), or false for none. @defaultValue {} */
  readonly budget?: Omit<RetryBudgetOptions, 'now'> | false;
  /**
   * Per-attempt timeout (Envoy's `per_try_timeout`): an attempt unanswered this long is abandoned and, when the
   * request may be retried, retried on another node within the request's deadline. Unset, it is derived per
   * attempt: `max(health.timeoutMs, 4 × the node's smoothed reply time)`, at most half the request's
   * `timeoutMs` when a retry is possible (so a silent node costs at most one attempt timeout and leaves time for
   * another node), else the whole remaining deadline. Always cut to the request's deadline.
   * @defaultValue derived (see above)
   */
  readonly attemptTimeoutMs?: number;
}

/** Pool options as the router takes them (`PoolOptions` plus the write-buffer bound). */
export interface RouterPoolOptions extends PoolOptions {
  /** Bytes a connection may buffer unwritten before new requests fail retryably as not sent. @defaultValue 4194304 */
  readonly maxBufferedBytesPerConnection?: number;
}

/**
 * Hedged requests ("The Tail at Scale"): when an idempotent request has no reply after a delay, a copy goes to
 * another eligible node; the first reply wins and the other copies are cancelled. Off by default (see docs/api.md).
 */
export interface HedgeOptions {
  /**
   * Delay before each copy. Unset: the median over eligible nodes of each node's `percentile` of recent reply
   * times (what a typical node almost always answers within), at least `minDelayMs`; no delayed copy before a
   * node has 16 samples.
   * @defaultValue derived (see above)
   */
  readonly delayMs?: number;
  /** @defaultValue 99 */
  readonly percentile?: number;
  /**
   * Floor of the derived delay ("The Tail at Scale" hedged after 10 ms): below it, clock granularity (1 ms) and
   * scheduling jitter on a busy client, not the nodes, decide which requests look slow. @defaultValue 10
   */
  readonly minDelayMs?: number;
  /** Copies in flight at most, the first included (gRPC caps hedging at 5). @defaultValue 2 */
  readonly maxAttempts?: number;
  /** Hedges at most, as a fraction of requests over `windowMs` (Finagle's `maxExtraLoad`). @defaultValue 0.05 */
  readonly maxExtraLoad?: number;
  /** @defaultValue 10000 */
  readonly windowMs?: number;
}

/** The configuration of `createRouter`. Only `hosts` is required. */
export interface RouterConfig {
  /**
   * The nodes: an array, or an Observable of arrays (each emission the full set, diffed against the current one:
   * unchanged nodes keep their id and connections, new ones join, missing ones drain; an empty or invalid
   * emission, or an error, changes nothing and is reported as `membershipWarning`). One entry per node:
   * `host:port` (port defaults to 7000), optionally with `tcp://`, `tls://`, `ws://` or `wss://` (WebSocket URLs
   * may carry a path). An entry may be a list of addresses of one node: the router uses the best protocol both
   * sides support (TLS > TCP > WebSocket) and falls back to the next when a connect fails. Node ids are assigned
   * by the router: 1..n for the initial array, then increasing, never reused.
   */
  readonly hosts:
    | readonly (string | readonly string[])[]
    | Observable<readonly (string | readonly string[])[]>;
  /**
   * Follow the cluster's own member list: `{ source: 'admin' }` asks an eligible node `ListNodes` (the reference
   * client's admin request) every `intervalMs` (after a failure, and while no node is eligible, every
   * `retryIntervalMs`). Discovery then decides removals; `hosts` only adds the nodes it newly lists.
   * @defaultValue off; intervalMs 60000, retryIntervalMs 1000
   */
  readonly discovery?:
    | false
    | { readonly source: 'admin'; readonly intervalMs?: number; readonly retryIntervalMs?: number };
  /** A node added while the router runs starts connecting after a random delay below this. @defaultValue 250 */
  readonly joinSpreadMs?: number;
  /**
   * Connect timeout and the default deadline of a whole request: from its subscription to its end, waiting
   * for a node or a connection, every attempt and every backoff included. @defaultValue 5000
   */
  readonly timeoutMs?: number;
  readonly pool?: RouterPoolOptions;
  readonly retry?: RetryOptions;
  /** Hedging of idempotent requests, or false. Requests may turn it on or off (`request$(p, { hedge })`). @defaultValue false */
  readonly hedge?: HedgeOptions | boolean;
  readonly health?: Partial<HealthPolicy>;
  /** @defaultValue 'p2c' */
  readonly balancer?: BalancerName;
  /** A node back from `down` gets a share of traffic rising from 10 % to 100 % over this long. @defaultValue 10000 */
  readonly slowStartMs?: number;
  /** Options for `tls://` hosts (CA, client certificate …). */
  readonly tls?: TlsOptions;
  /** @defaultValue 1048575 */
  readonly maxMessageBytes?: number;
  /** LZ4-compress messages above this size. @defaultValue Infinity (off) */
  readonly compressAboveBytes?: number;
  /**
   * Time source of every duration: deadlines, timeouts, ejections, backoffs, heartbeats, slow start (inject a
   * `VirtualTimeScheduler` or `TestScheduler` in tests). Its `now()` may have a fractional part.
   * @defaultValue monotonicScheduler (`asyncScheduler`'s timers, `performance.timeOrigin + performance.now()`:
   * a step of the system clock changes no duration)
   */
  readonly scheduler?: SchedulerLike;
  /**
   * The wall clock, in ms since the epoch: read only for the frames' wire `timestamp` (floored to whole ms) and to
   * place credentials' and sessions' `expiresAt` on the scheduler's clock, never for a duration. @defaultValue Date.now
   */
  readonly wallClock?: () => number;
  /** Uniform random in [0, 1) for balancing and jitter. @defaultValue Math.random */
  readonly random?: () => number;
  /** The WebSocket constructor for `ws://` hosts. @defaultValue globalThis.WebSocket, else the `ws` package */
  readonly WebSocket?: WebSocketConstructor;
  /** Replaces the TCP/TLS connector (e.g. `memoryConnector` in tests and benchmarks). */
  readonly connect?: (address: NodeAddress, signal: AbortSignal) => Promise<PoolConnection>;
  /**
   * Runs on every new connection after FeatureNegotiation and before any request (docs/api.md, "Connection setup
   * and credentials"): send messages on `channel`, check `ctx.credentials`, return the server's node id and the
   * session's expiry; throw `new RouterError('ERR_AUTH_FAILED', …)` when the node rejects the credentials.
   * @defaultValue the token handshake (`tokenHandshake`) when `credentials` is set, else none
   */
  readonly handshake?: Handshake;
  /**
   * Where credentials come from: called for the first connection, then only to refresh them (single-flight, at
   * least 100 ms apart, ahead of their `expiresAt`). Connections opened later use the latest credentials.
   */
  readonly credentials?: CredentialsProvider;
}

/** A configuration with every default filled in; see {@link resolveConfig}. */
export interface ResolvedConfig {
  /** Each node's addresses as written (unranked; `alternatives` empty); none when `hosts` is an Observable. */
  readonly hosts: readonly (readonly NodeAddress[])[];
  /** `hosts` when it is an Observable. */
  readonly hosts$: Observable<unknown> | undefined;
  readonly discovery: false | { readonly intervalMs: number; readonly retryIntervalMs: number };
  readonly joinSpreadMs: number;
  readonly timeoutMs: number;
  readonly pool: Required<RouterPoolOptions>;
  readonly retry: Required<Omit<RetryOptions, 'attemptTimeoutMs' | 'budget'>> & {
    readonly budget: Omit<RetryBudgetOptions, 'now'> | false;
    /** Undefined: derived per attempt. */
    readonly attemptTimeoutMs: number | undefined;
  };
  /** `enabled`: hedging for requests that do not say; the rest applies to any hedged request. */
  readonly hedge: Required<Omit<HedgeOptions, 'delayMs'>> & {
    readonly enabled: boolean;
    readonly delayMs: number | undefined;
  };
  readonly health: HealthPolicy;
  readonly balancer: BalancerName;
  readonly slowStartMs: number;
  readonly tls: TlsOptions | undefined;
  readonly maxMessageBytes: number;
  readonly compressAboveBytes: number;
  readonly scheduler: SchedulerLike;
  readonly random: () => number;
  readonly wallClock: () => number;
  readonly WebSocket: WebSocketConstructor | undefined;
  readonly connect: ((address: NodeAddress, signal: AbortSignal) => Promise<PoolConnection>) | undefined;
  /** The handshake given (the router runs the token handshake when only `credentials` was given). */
  readonly handshake: Handshake | undefined;
  readonly credentials: CredentialsProvider | undefined;
}
