import {
  EMPTY,
  firstValueFrom,
  lastValueFrom,
  type Observable,
  type ObservableInput,
  of,
  Subject,
} from 'rxjs';
import type { RouterConfig } from '../config.js';
import { ConfigError } from '../errors.js';
import { executeWithRetry } from '../operators/execute-with-retry.js';
import { clusterHealth } from '../streams/cluster-health.js';
import { eligible } from '../streams/eligible.js';
import type { PoolEvent } from '../transport/pool-types.js';
import type { ClusterHealth, NodeId } from '../types.js';
import type { Message } from '../wire/message.js';
import { discovery } from './discovery.js';
import { followHosts } from './follow-hosts.js';
import { HealthFeedback } from './health-feedback.js';
import { Lifecycle } from './lifecycle.js';
import { Membership } from './membership.js';
import { NoEligibleNodeError } from './no-eligible-node-error.js';
import { Nodes } from './nodes.js';
import { probe } from './probe.js';
import { routeContext } from './route-context.js';
import { routeRequest } from './route-request.js';
import type { RouterEvent } from './router-event.js';
import type { Router } from './router-types.js';
import { statusChanges } from './status-changes.js';
import { validateConfig } from './validate-config.js';
import { waitForNode } from './wait-for-node.js';

/**
 * Creates a router: resolves the whole config once (a `ConfigError` names the bad field), opens a pool per
 * node, starts the heartbeats, and routes each `request$()` to an eligible node within one deadline, retrying
 * elsewhere with backoff. Wiring only: the parts are `Nodes`, `HealthFeedback`, `Lifecycle`,
 * `statusChanges`, and `routeRequest` over `routeContext` (`selectNode`, `attemptTimeout`, `routeHedging`).
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
  const membership = new Membership({
    initial: addresses,
    decides: config.discovery ? 'discovery' : 'hosts',
    pools: nodes,
    scheduler,
    random: config.random,
    joinSpreadMs: config.joinSpreadMs,
    emit,
    onRemoved: (id) => feedback.forget(id),
  });
  const latencyOf = (id: NodeId) => {
    const ms = nodes.get(id)?.pool.latencyMs ?? -1;
    return ms >= 0 ? ms : (latest?.nodes.get(id)?.rttMs ?? -1);
  };
  const feedback = new HealthFeedback(
    config.health,
    latencyOf,
    (id) => latest?.nodes.get(id),
    () => scheduler.now(),
  );
  const capacity = config.pool.maxConnections * config.pool.maxInFlightPerConnection;
  const health$ = life.guard(
    clusterHealth({
      members: membership.members$,
      // A full pool would queue the ping behind requests: the node's recent answers stand in for it then.
      ping: (id) => {
        const pool = nodes.get(id)?.pool;
        if (!pool) return EMPTY;
        return pool.load >= capacity && feedback.answeredWithin(id, config.health.timeoutMs)
          ? of(true)
          : probe(pool, id, config.health.timeoutMs, scheduler, emit);
      },
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
  const following = config.hosts$ ? followHosts(config.hosts$, membership) : undefined;
  const discovering = config.discovery
    ? discovery({
        ...config.discovery,
        timeoutMs: config.timeoutMs,
        scheduler,
        random: config.random,
        eligible: () => latest?.eligible ?? [],
        inService: (id) => membership.inService(id),
        addressOf: (id) => membership.get(id)?.address,
        send: (id, type, payload, deadline, done) => nodes.send(id, type, payload, deadline, done),
        apply: (wanted, version) => membership.update('discovery', wanted, version),
        warn: (message) => membership.warn('discovery', message),
      })
    : undefined;
  const stopMembership = () => {
    membership.close();
    following?.unsubscribe();
    discovering?.unsubscribe();
  };
  const statsSub = nodes
    .stats$()
    .subscribe((stats) => emit(() => ({ type: 'poolStats', at: scheduler.now(), stats })));

  const ctx = routeContext({
    config,
    nodes,
    feedback,
    life,
    events,
    health$,
    latest: () => latest,
    latencyOf,
  });
  const select = (tried: ReadonlySet<NodeId>) => ctx.select(tried, scheduler.now());

  const request$ = (payload: unknown, options?: unknown): Observable<Message> =>
    routeRequest(ctx, payload, options);
  const checkNode = (id: NodeId) => {
    if (!nodes.has(id)) throw new ConfigError('nodeId', id, `the id of one of the ${nodes.size} nodes`);
  };

  return {
    get addresses() {
      return membership.addresses;
    },
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
      const pool = nodes.get(id)?.pool;
      if (!pool) throw new NoEligibleNodeError(config.timeoutMs, new Map());
      return pool.lease(Math.max(1, deadline - scheduler.now()));
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
    executeWithRetry: <T>(operation: () => ObservableInput<T>) => executeWithRetry(operation, ctx.retry),
    poolStats: () => nodes.stats(),
    close: () => {
      stopMembership();
      return life.close(scheduler, config.timeoutMs, {
        stopHealth: () => healthSub.unsubscribe(),
        closeNodes: () => nodes.close(),
        complete: () => {
          statsSub.unsubscribe();
          feedback.complete();
          events.complete();
        },
      });
    },
  };
}
