import type { Subscription } from 'rxjs';
import type { ResolvedConfig } from '../config.js';
import { ErrorCode } from '../errors.js';
import { tracePublisher } from '../observability/trace-publisher.js';
import { TraceSubject } from '../observability/trace-subject.js';
import { RetryBudget } from '../operators/retry-budget.js';
import type { PoolEvent } from '../transport/pool-types.js';
import type { NodeAddress } from '../types.js';
import { ClusterView } from './cluster-view.js';
import { FanOut } from './fan-out.js';
import { followMembership } from './follow-membership.js';
import { HealthFeedback } from './health-feedback.js';
import { Hedging } from './hedging.js';
import { Lifecycle } from './lifecycle.js';
import { LoopLag } from './loop-lag.js';
import { Membership } from './membership.js';
import { NodeErrors } from './node-errors.js';
import { nodeSetup } from './node-setup.js';
import { Nodes } from './nodes.js';
import { Picker } from './picker.js';
import type { RequestParts } from './request-parts.js';
import type { RouterEvent } from './router-event.js';
import { routerHealth } from './router-health.js';
import type { Router } from './router-types.js';
import { setupHooks } from './setup-hooks.js';
import { statusChanges } from './status-changes.js';

/** The router's running parts (see `routerCore`): what requests use, plus what `close()` stops. */
export interface RouterCore extends RequestParts {
  readonly membership: Membership;
  /** Stops following membership, the loop-lag detector, the health and stats subscriptions (in `close()`). */
  readonly stop: {
    readonly membership: () => void;
    readonly health: Subscription;
    readonly rest: () => void;
  };
}

/**
 * Builds and starts the router's parts, in dependency order: events (also on `node:diagnostics_channel`), the
 * pools (`Nodes`, with connection setup), the cluster view, membership, the loop-lag detector (a client stall is
 * never a node's fault), health feedback, `health$` and its subscriber (status changes), the retry budget,
 * hedging and the picker. `self()` is the router being built (for the trace channels' `router` field).
 */
export function routerCore(
  config: Readonly<ResolvedConfig>,
  addresses: readonly NodeAddress[],
  self: () => Router | undefined,
): RouterCore {
  const { scheduler } = config;
  // an event published while createRouter runs carries `router: undefined`
  const events = new TraceSubject(tracePublisher(() => self() ?? {}));
  const emit = (event: () => RouterEvent) => events.observed && events.next(event());
  const onPoolEvent = (e: PoolEvent) => {
    // the node's error is known before its health changes: a request that gives up on that change names it
    if (e.type === 'connectFailed') nodeErrors.record(e.nodeId, e.error, scheduler.now());
    feedback.pool(e);
    if (e.type === 'connectFailed') {
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
      hedging.forget(id);
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
  const changes = new FanOut();
  const health = health$.subscribe((h) => {
    cluster.update(h);
    onChange(h);
    changes.notify(); // requests waiting for a node look again
  });
  nodes.warm();
  const stopMembership = followMembership(config, membership, nodes, cluster);
  const stats = nodes
    .stats$()
    .subscribe((s) => emit(() => ({ type: 'poolStats', at: scheduler.now(), stats: s })));
  const budget =
    config.retry.budget === false
      ? undefined
      : new RetryBudget({ ...config.retry.budget, now: () => scheduler.now() });
  const hedging = new Hedging(config.hedge, scheduler, cluster);
  const picker = new Picker(config, cluster);
  return {
    config,
    nodes,
    cluster,
    health$,
    changes$: changes.changes$,
    picker,
    feedback,
    life,
    events,
    budget,
    hedging,
    ids: { last: 0 },
    nodeErrors,
    membership,
    stop: {
      membership: stopMembership,
      health,
      rest: () => {
        lag.stop();
        hedging.timer.close();
        stats.unsubscribe();
        feedback.complete();
        events.complete();
      },
    },
  };
}
