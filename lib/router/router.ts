import { firstValueFrom, type Observable, type ObservableInput } from 'rxjs';
import type { RouterConfig } from '../config.js';
import { ConfigError, ErrorCode } from '../errors.js';
import { debugRouter } from '../observability/debug-router.js';
import { tracePublisher } from '../observability/trace-publisher.js';
import { TraceSubject } from '../observability/trace-subject.js';
import { executeWithRetry } from '../operators/execute-with-retry.js';
import { RetryBudget } from '../operators/retry-budget.js';
import { eligible } from '../streams/eligible.js';
import type { PoolEvent } from '../transport/pool-types.js';
import type { NodeId } from '../types.js';
import type { Message } from '../wire/message.js';
import { ClusterView } from './cluster-view.js';
import { followMembership } from './follow-membership.js';
import { HealthFeedback } from './health-feedback.js';
import { Hedging } from './hedging.js';
import { Lifecycle } from './lifecycle.js';
import { LoopLag } from './loop-lag.js';
import { Membership } from './membership.js';
import { NoEligibleNodeError } from './no-eligible-node-error.js';
import { NodeErrors } from './node-errors.js';
import { nodeSetup } from './node-setup.js';
import { Nodes } from './nodes.js';
import { Picker } from './picker.js';
import type { RequestParts } from './request-parts.js';
import { requestPromise } from './request-promise.js';
import { routeRequest } from './route-request.js';
import type { RouterEvent } from './router-event.js';
import { routerHealth } from './router-health.js';
import type { Router } from './router-types.js';
import { setupHooks } from './setup-hooks.js';
import { statusChanges } from './status-changes.js';
import { validateConfig } from './validate-config.js';
import { waitForNode } from './wait-for-node.js';

/**
 * Creates a router: resolves the whole config once (a `ConfigError` names the bad field), opens a pool per
 * node, starts the heartbeats, and routes each `request$()` to an eligible node within one deadline, retrying
 * elsewhere with backoff. Wiring only — the parts (docs/architecture.md): `Nodes` (a pool per node),
 * `ClusterView` (latest health, per-node figures), `Picker` (`selectNode`), `HealthFeedback`, `Hedging`,
 * `Lifecycle`, `statusChanges`; each request is a `RouterRequest` (`routeRequest`) that asks `decide`.
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
  const { scheduler } = config;
  // events$, and node:diagnostics_channel when a channel has a subscriber at that moment (TraceSubject); an
  // event published while createRouter runs carries `router: undefined`
  let router: Router | undefined;
  const events = new TraceSubject(tracePublisher(() => router ?? {}));
  const emit = (event: () => RouterEvent) => events.observed && events.next(event());
  const onPoolEvent = (e: PoolEvent) => {
    feedback.pool(e);
    if (e.type === 'connectFailed') {
      nodeErrors.record(e.nodeId, e.error, scheduler.now());
      // a rejection is reported once, as authFailed (setupHooks); the connects it then refuses dial nothing
      if (e.error.code !== ErrorCode.AuthFailed)
        emit(() => ({ type: 'connectFailed', at: scheduler.now(), nodeId: e.nodeId, code: e.error.code }));
    } else emit(() => ({ ...e, at: scheduler.now() }));
  };
  const nodes = new Nodes(addresses, config, onPoolEvent, nodeSetup(config, setupHooks(scheduler, emit)));
  const cluster = new ClusterView(nodes);
  // each node's last error, for ERR_NO_ELIGIBLE_NODE's per-node detail
  const nodeErrors = new NodeErrors(nodes, () => cluster.latest);
  const life = new Lifecycle();
  const membership = new Membership({
    initial: addresses,
    decides: config.discovery ? 'discovery' : 'hosts',
    pools: nodes,
    scheduler,
    random: config.random,
    joinSpreadMs: config.joinSpreadMs,
    emit,
    onRemoved: (id) => {
      feedback.forget(id);
      nodeErrors.delete(id);
    },
  });
  // the drift detector of our own event loop: a stall is the client's time, never a node's (fair-chance rule)
  const lag = new LoopLag(scheduler, 50, 100, (lagMs) =>
    emit(() => ({ type: 'clientStall', at: scheduler.now(), lagMs })),
  );
  lag.start();
  const feedback = new HealthFeedback(
    config.health,
    (id) => cluster.rttOf(id),
    (id) => cluster.latest?.nodes.get(id),
    () => scheduler.now(),
    (from, to) => lag.stalledMs(from, to),
  );
  const health$ = routerHealth({
    config,
    members$: membership.members$,
    nodes,
    feedback,
    nodeErrors,
    life,
    emit,
  });
  const onChange = statusChanges(nodes, emit);
  const healthSub = health$.subscribe((h) => {
    cluster.update(h);
    onChange(h);
  });
  nodes.warm();
  const stopMembership = followMembership(config, membership, nodes, cluster);
  const statsSub = nodes
    .stats$()
    .subscribe((stats) => emit(() => ({ type: 'poolStats', at: scheduler.now(), stats })));
  const budget =
    config.retry.budget === false
      ? undefined
      : new RetryBudget({ ...config.retry.budget, now: () => scheduler.now() });
  const hedging = new Hedging(config.hedge, scheduler, cluster);
  const picker = new Picker(config, cluster);
  const ids = { last: 0 };
  const parts: RequestParts = {
    config,
    nodes,
    cluster,
    health$,
    picker,
    feedback,
    life,
    events,
    budget,
    hedging,
    ids,
    nodeErrors,
  };
  const request$ = (payload: unknown, options?: unknown): Observable<Message> =>
    routeRequest(parts, payload, options);
  const checkNode = (id: NodeId) => {
    if (!nodes.has(id)) throw new ConfigError('nodeId', id, `the id of one of the ${nodes.size} nodes`);
  };

  router = {
    get addresses() {
      return membership.addresses;
    },
    health$,
    eligible$: eligible(health$),
    events$: events.asObservable(),
    request$,
    request: (payload, options) => requestPromise(request$, payload, options),
    async getConnection() {
      if (life.closing) throw life.closedError();
      const deadline = scheduler.now() + config.timeoutMs;
      const none = () => new NoEligibleNodeError(config.timeoutMs, new Map(), nodeErrors.detail());
      const id = await firstValueFrom(
        waitForNode(() => picker.pick([], []), health$, scheduler, deadline, none),
      );
      const leased = nodes.get(id)?.pool;
      if (!leased) throw new NoEligibleNodeError(config.timeoutMs, new Map());
      return leased.lease(Math.max(1, deadline - scheduler.now()));
    },
    returnConnection: (connection) => {
      const nodeId = (connection as { nodeId?: unknown } | null | undefined)?.nodeId;
      const node = typeof nodeId === 'number' ? nodes.get(nodeId) : undefined;
      if (!node) throw new ConfigError('connection', connection, 'a connection from getConnection()');
      node.pool.release(connection);
    },
    markNodeUnhealthy(id) {
      checkNode(id);
      feedback.manual(id, false);
    },
    markNodeHealthy(id) {
      checkNode(id);
      feedback.manual(id, true);
    },
    executeWithRetry: <T>(operation: () => ObservableInput<T>) =>
      executeWithRetry(operation, { ...config.retry, budget, scheduler, random: config.random }),
    poolStats: () => nodes.stats(),
    close: () => {
      stopMembership();
      return life.close(scheduler, config.timeoutMs, {
        stopHealth: () => healthSub.unsubscribe(),
        closeNodes: () => nodes.close(),
        complete: () => {
          lag.stop();
          hedging.timer.close();
          statsSub.unsubscribe();
          feedback.complete();
          events.complete();
        },
      });
    },
  };
  debugRouter(router); // NODE_DEBUG=qdb-router: one line per connection, health, membership, retry decision
  return router;
}
