import {
  asyncScheduler,
  defer,
  filter,
  firstValueFrom,
  lastValueFrom,
  map,
  merge,
  Observable,
  type ObservableInput,
  of,
  Subject,
  type Subscription,
  switchMap,
  take,
  takeUntil,
  tap,
  throwError,
  timeout,
} from 'rxjs';
import { type RouterConfig, validateConfig } from '../config.js';
import { ConfigError, ErrorCode, RouterError } from '../errors.js';
import { executeWithRetry } from '../operators/execute-with-retry.js';
import type { RetryBackoffConfig } from '../operators/retry-backoff.js';
import { RetryBudget } from '../operators/retry-budget.js';
import { clusterHealth } from '../streams/cluster-health.js';
import { eligible } from '../streams/eligible.js';
import type { HealthSignal } from '../streams/health-signal.js';
import { Connection } from '../transport/connection.js';
import { openStream } from '../transport/open-stream.js';
import { Pool } from '../transport/pool.js';
import type { PoolConnection } from '../transport/pool-connection.js';
import type { PoolEvent } from '../transport/pool-types.js';
import { type ClusterHealth, HealthStatus, type NodeAddress, type NodeId } from '../types.js';
import { type Message, MessageType } from '../wire/message.js';
import { payloadBytes } from '../wire/payload-bytes.js';
import { balancers } from './balancers.js';
import { classifyError } from './classify-error.js';
import { probe } from './probe.js';
import { type RouteContext, routeRequest } from './route-request.js';
import type { RouterEvent } from './router-event.js';
import type { RequestOptions, Router } from './router-types.js';

const _emptyPayload = new Uint8Array(0);

/**
 * Creates a router: validates the whole config (a `ConfigError` names the bad field), opens a pool per node,
 * starts the heartbeats, and routes each `request$()` to an eligible node, retrying elsewhere with backoff.
 *
 * ```ts
 * const router = createRouter({ hosts: ['127.0.0.1:7000', '127.0.0.1:7001'] });
 * router.request$('hello').subscribe((reply) => console.log(reply.payload));
 * router.health$.subscribe((h) => console.log(h.eligible));
 * await router.close();
 * ```
 */
export function createRouter(input: RouterConfig): Router {
  const { config, addresses } = validateConfig(input);
  const scheduler = config.scheduler ?? asyncScheduler;
  const random = config.random ?? Math.random;
  const timeoutMs = config.timeoutMs ?? 5000;
  const pick = balancers[config.balancer ?? 'p2c'];
  const slowStartMs = config.slowStartMs ?? 10_000;
  const retry = config.retry ?? {};
  const budget =
    retry.budget === false ? undefined : new RetryBudget({ ...retry.budget, now: () => scheduler.now() });
  const retryConfig: RetryBackoffConfig = {
    maxRetries: retry.maxRetries,
    initialBackoffMs: retry.initialBackoffMs,
    maxBackoffMs: retry.maxBackoffMs,
    backoffMultiplier: retry.backoffMultiplier,
    jitter: retry.jitter,
    budget,
    scheduler,
    random,
  };

  const events = new Subject<RouterEvent>();
  const signals = new Subject<HealthSignal>();
  const closing$ = new Subject<void>();
  const emit = (event: RouterEvent) => {
    if (events.observed) events.next(event);
  };
  const onPoolEvent = (e: PoolEvent) => {
    // A socket the node reset or corrupted is a hard failure even when no request was in flight on it.
    if (e.type === 'connectionClosed' && (e.reason === 'lost' || e.reason === 'corrupt')) {
      signals.next({ nodeId: e.nodeId, kind: 'request', ok: false, hard: true });
    }
    if (!events.observed) return;
    const at = scheduler.now();
    if (e.type === 'connectFailed') emit({ type: 'connectFailed', at, nodeId: e.nodeId, code: e.error.code });
    else emit({ ...e, at });
  };
  const open =
    (address: NodeAddress) =>
    async (signal: AbortSignal): Promise<PoolConnection> => {
      if (config.connect) return config.connect(address, signal);
      const stream = await openStream(address, {
        timeoutMs,
        tls: config.tls,
        WebSocket: config.WebSocket,
        signal,
      });
      return new Connection(stream, address.id, {
        scheduler,
        maxBufferedBytes: config.pool?.maxBufferedBytesPerConnection,
        requestTimeoutMs: timeoutMs,
        maxInFlight: config.pool?.maxInFlightPerConnection ?? 256,
        maxMessageBytes: config.maxMessageBytes,
        compressAboveBytes: config.compressAboveBytes,
        drainTimeoutMs: timeoutMs,
      });
    };
  const pools = addresses.map(
    (a) => new Pool(a.id, open(a), { acquireTimeoutMs: timeoutMs, ...config.pool }, scheduler, onPoolEvent),
  );

  const lazyEmit = (event: () => RouterEvent) => {
    if (events.observed) events.next(event());
  };
  const ping = (nodeId: NodeId) =>
    probe(pools[nodeId - 1]!, nodeId, config.health?.timeoutMs ?? 1000, scheduler, lazyEmit);
  const shutdown$ = new Subject<void>();
  const health$ = clusterHealth({
    nodeCount: addresses.length,
    ping,
    signals$: signals,
    policy: config.health,
    scheduler,
  }).pipe(takeUntil(shutdown$));

  let latest: ClusterHealth | undefined;
  const statuses: HealthStatus[] = addresses.map(() => HealthStatus.Up);
  const healthSub: Subscription = health$.subscribe((h) => {
    latest = h;
    for (const id of h.changed) {
      const node = h.nodes.get(id)!;
      const previous = statuses[id - 1]!;
      if (node.status === previous) continue;
      statuses[id - 1] = node.status;
      emit({
        type: 'nodeStatusChanged',
        at: h.at,
        nodeId: id,
        previous,
        status: node.status,
        reason: node.reason,
      });
      // A node found down (not held out by hand) loses its connections, so requests stuck on it fail over now.
      if (node.status === HealthStatus.Down && !node.manual) pools[id - 1]!.clear();
    }
  });
  for (const p of pools) p.warm();
  const poolStatsSub = merge(...pools.map((p) => p.stats$)).subscribe((stats) =>
    emit({ type: 'poolStats', at: scheduler.now(), stats }),
  );

  let cursor = 0;
  const chooseNode = (tried: ReadonlySet<NodeId>): NodeId | undefined => {
    const all = latest?.eligible ?? [];
    if (all.length === 0) return undefined;
    const fresh = tried.size > 0 ? all.filter((id) => !tried.has(id)) : all;
    const ids = fresh.length > 0 ? fresh : all;
    const ctx = { random, now: scheduler.now(), slowStartMs, cursor: cursor++ };
    const i = pick(
      ids.length,
      (k) => {
        const id = ids[k]!;
        const node = latest!.nodes.get(id)!;
        const pool = pools[id - 1]!;
        const rttMs = pool.latencyMs >= 0 ? pool.latencyMs : node.rttMs;
        return { nodeId: id, load: pool.load, rttMs, recoveredAt: node.recoveredAt };
      },
      ctx,
    );
    return ids[i];
  };

  const closedError = () => new RouterError(ErrorCode.RouterClosed, 'the router is closed');
  const context: RouteContext = {
    scheduler,
    retry: retryConfig,
    chooseNode,
    waitForNode: (tried, waiting) => {
      waiting.now = true;
      return health$.pipe(
        map(() => chooseNode(tried)),
        filter((n): n is NodeId => n !== undefined),
        take(1),
        tap(() => (waiting.now = false)),
        takeUntil(closing$.pipe(switchMap(() => throwError(closedError)))),
      );
    },
    sendOn: (nodeId, type, payload, limitMs, done) =>
      pools[nodeId - 1]!.send(type, payload, scheduler.now() + limitMs, (err, reply) => {
        if (err) {
          const health = classifyError(err).health;
          if (health !== 'none')
            signals.next({ nodeId, kind: 'request', ok: false, hard: health === 'hard' });
          return done(err);
        }
        const node = latest?.nodes.get(nodeId);
        if (node && (node.status !== HealthStatus.Up || node.consecutiveFailures > 0)) {
          signals.next({ nodeId, kind: 'request', ok: true });
        }
        done(undefined, reply);
      }),
    emit: lazyEmit,
    closing$,
    closedError,
  };

  let closing = false;
  let active = 0;
  let drained: (() => void) | undefined;
  const request$ = (payload: Uint8Array | string, options: RequestOptions = {}): Observable<Message> =>
    new Observable<Message>((subscriber) => {
      if (closing) return subscriber.error(closedError());
      let bytes: Uint8Array;
      try {
        bytes = payloadBytes(payload);
      } catch (err) {
        return subscriber.error(err);
      }
      active++;
      const sub = routeRequest(
        context,
        bytes,
        options.type ?? MessageType.Data,
        options.timeoutMs ?? timeoutMs,
        options.idempotent ?? true,
      ).subscribe(subscriber);
      return () => {
        sub.unsubscribe();
        if (--active === 0) drained?.();
      };
    });

  const checkNode = (nodeId: NodeId) => {
    if (!Number.isInteger(nodeId) || nodeId < 1 || nodeId > addresses.length) {
      throw new ConfigError('nodeId', nodeId, `a node id from 1 to ${addresses.length}`);
    }
  };

  let closed: Promise<void> | undefined;
  return {
    addresses,
    health$,
    eligible$: eligible(health$),
    events$: events.asObservable(),
    request$,
    request: (payload, options) => lastValueFrom(request$(payload, options)),
    async getConnection() {
      if (closing) throw closedError();
      const nodeId = await firstValueFrom(
        defer(() => {
          const id = chooseNode(new Set());
          return id === undefined ? context.waitForNode(new Set(), { now: false }) : of(id);
        }).pipe(
          timeout({
            first: timeoutMs,
            scheduler,
            with: () =>
              throwError(
                () =>
                  new RouterError(ErrorCode.NoEligibleNode, `no eligible node within ${timeoutMs} ms`, {
                    retryable: true,
                  }),
              ),
          }),
        ),
      );
      return pools[nodeId - 1]!.lease(timeoutMs);
    },
    returnConnection(connection) {
      pools[connection.nodeId - 1]?.release(connection);
    },
    markNodeUnhealthy(nodeId) {
      checkNode(nodeId);
      signals.next({ nodeId, kind: 'manual', healthy: false });
    },
    markNodeHealthy(nodeId) {
      checkNode(nodeId);
      signals.next({ nodeId, kind: 'manual', healthy: true });
    },
    executeWithRetry<T>(operation: () => ObservableInput<T>) {
      return executeWithRetry(operation, retryConfig);
    },
    poolStats: () => pools.map((p) => p.stats),
    close() {
      closed ??= (async () => {
        closing = true;
        closing$.next();
        if (active > 0) {
          let bound: Subscription | undefined;
          await new Promise<void>((resolve) => {
            drained = resolve;
            bound = scheduler.schedule(resolve, timeoutMs);
          });
          bound?.unsubscribe();
        }
        healthSub.unsubscribe();
        shutdown$.next();
        shutdown$.complete();
        await Promise.all(pools.map((p) => p.close()));
        poolStatsSub.unsubscribe();
        signals.complete();
        closing$.complete();
        events.complete();
      })();
      return closed;
    },
  };
}
