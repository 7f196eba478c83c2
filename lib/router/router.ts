import { firstValueFrom, lastValueFrom, type Observable, type ObservableInput, Subject } from 'rxjs';
import { type RouterConfig, resolveRequestOptions } from '../config.js';
import { ConfigError } from '../errors.js';
import { executeWithRetry } from '../operators/execute-with-retry.js';
import type { RetryBackoffConfig } from '../operators/retry-backoff.js';
import { RetryBudget } from '../operators/retry-budget.js';
import { clusterHealth } from '../streams/cluster-health.js';
import { eligible } from '../streams/eligible.js';
import type { PoolEvent } from '../transport/pool-types.js';
import type { ClusterHealth, NodeId } from '../types.js';
import type { Message } from '../wire/message.js';
import { attemptTimeout } from './attempt-timeout.js';
import { balancers } from './balancers.js';
import { HealthFeedback } from './health-feedback.js';
import { Lifecycle } from './lifecycle.js';
import { NoEligibleNodeError } from './no-eligible-node-error.js';
import { Nodes } from './nodes.js';
import { probe } from './probe.js';
import { requestBytes } from './request-bytes.js';
import { type RouteContext, routeRequest } from './route-request.js';
import type { RouterEvent } from './router-event.js';
import type { Router } from './router-types.js';
import { selectNode } from './select-node.js';
import { statusChanges } from './status-changes.js';
import { configError, validateConfig } from './validate-config.js';
import { waitForNode } from './wait-for-node.js';

/**
 * Creates a router: resolves the whole config once (a `ConfigError` names the bad field), opens a pool per
 * node, starts the heartbeats, and routes each `request$()` to an eligible node within one deadline, retrying
 * elsewhere with backoff. Wiring only: the parts are `Nodes`, `selectNode`, `HealthFeedback`, `Lifecycle`,
 * `routeRequest` and `statusChanges`.
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
  const { scheduler, random } = config;
  const events = new Subject<RouterEvent>();
  const emit = (event: () => RouterEvent) => events.observed && events.next(event());
  const life = new Lifecycle();
  let latest: ClusterHealth | undefined;
  const onPoolEvent = (e: PoolEvent) => {
    feedback.pool(e);
    if (e.type === 'connectFailed')
      emit(() => ({ type: 'connectFailed', at: scheduler.now(), nodeId: e.nodeId, code: e.error.code }));
    else emit(() => ({ ...e, at: scheduler.now() }));
  };
  const nodes = new Nodes(addresses, config, onPoolEvent);
  const latencyOf = (id: NodeId) => {
    const ms = nodes.get(id)!.pool.latencyMs;
    return ms >= 0 ? ms : (latest?.nodes.get(id)?.rttMs ?? -1);
  };
  const feedback = new HealthFeedback(config.health, latencyOf, (id) => latest?.nodes.get(id));
  const health$ = life.guard(
    clusterHealth({
      nodeCount: addresses.length,
      ping: (id) => probe(nodes.get(id)!.pool, id, config.health.timeoutMs, scheduler, emit),
      signals$: feedback.signals$,
      policy: config.health,
      scheduler,
    }),
  );
  const onChange = statusChanges(nodes, emit);
  const healthSub = health$.subscribe((h) => {
    latest = h;
    onChange(h);
  });
  nodes.warm();
  const statsSub = nodes
    .stats$()
    .subscribe((stats) => emit(() => ({ type: 'poolStats', at: scheduler.now(), stats })));

  const pick = balancers[config.balancer];
  let cursor = 0;
  const candidate = (id: NodeId) => ({
    nodeId: id,
    load: nodes.get(id)!.pool.load,
    rttMs: latencyOf(id),
    recoveredAt: latest!.nodes.get(id)!.recoveredAt,
  });
  const select = (tried: ReadonlySet<NodeId>, now = scheduler.now()) =>
    selectNode(latest?.eligible ?? [], tried, pick, candidate, {
      random,
      now,
      slowStartMs: config.slowStartMs,
      cursor: cursor++,
    });
  const { budget: budgetOptions, attemptTimeoutMs: configuredMs, ...policy } = config.retry;
  const budget =
    budgetOptions === false ? undefined : new RetryBudget({ ...budgetOptions, now: () => scheduler.now() });
  const retry: RetryBackoffConfig = { ...policy, budget, scheduler, random };
  let requestIds = 0;
  const ctx: RouteContext = {
    scheduler,
    retry,
    attemptTimeoutMs: (id, requestTimeoutMs, canRetry, remainingMs) =>
      attemptTimeout({
        configuredMs,
        healthTimeoutMs: config.health.timeoutMs,
        latencyMs: latencyOf(id),
        requestTimeoutMs,
        canRetry,
        remainingMs,
      }),
    select,
    changes$: health$,
    send: (id, type, payload, deadline, done) => nodes.send(id, type, payload, deadline, done),
    feedback,
    listening: () => events.observed,
    emit: (event) => events.next(event),
    validate: (payload, options) => ({
      options: resolveRequestOptions(options, config.timeoutMs, configError),
      bytes: requestBytes(payload, config.maxMessageBytes),
    }),
    enter: () => life.enter(),
    closing$: life.closing$,
    isClosing: () => life.closing,
    closedError: () => life.closedError(),
    nextRequestId: () => ++requestIds,
  };

  const request$ = (payload: unknown, options?: unknown): Observable<Message> =>
    routeRequest(ctx, payload, options);
  const checkNode = (id: NodeId) => {
    if (!nodes.has(id)) throw new ConfigError('nodeId', id, `the id of one of the ${nodes.size} nodes`);
  };

  return {
    addresses,
    health$,
    eligible$: eligible(health$),
    events$: events.asObservable(),
    request$,
    request: (payload, options) => lastValueFrom(request$(payload, options)),
    async getConnection() {
      if (life.closing) throw life.closedError();
      const deadline = scheduler.now() + config.timeoutMs;
      const none = () => new NoEligibleNodeError(config.timeoutMs, new Map());
      const id = await firstValueFrom(
        waitForNode(() => select(new Set()), health$, scheduler, deadline, none),
      );
      return nodes.get(id)!.pool.lease(Math.max(1, deadline - scheduler.now()));
    },
    returnConnection: (connection) => nodes.get(connection.nodeId)?.pool.release(connection),
    markNodeUnhealthy(id) {
      checkNode(id);
      feedback.manual(id, false);
    },
    markNodeHealthy(id) {
      checkNode(id);
      feedback.manual(id, true);
    },
    executeWithRetry: <T>(operation: () => ObservableInput<T>) => executeWithRetry(operation, retry),
    poolStats: () => nodes.stats(),
    close: () =>
      life.close(scheduler, config.timeoutMs, {
        stopHealth: () => healthSub.unsubscribe(),
        closeNodes: () => nodes.close(),
        complete: () => {
          statsSub.unsubscribe();
          feedback.complete();
          events.complete();
        },
      }),
  };
}
