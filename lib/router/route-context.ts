import type { Observable, Subject } from 'rxjs';
import type { ResolvedConfig } from '../config.js';
import { ErrorCode, RouterError } from '../errors.js';
import type { RetryBackoffConfig } from '../operators/retry-backoff.js';
import { RetryBudget } from '../operators/retry-budget.js';
import { type ClusterHealth, HealthStatus, type NodeId } from '../types.js';
import { attemptTimeout } from './attempt-timeout.js';
import { balancers } from './balancers.js';
import type { HealthFeedback } from './health-feedback.js';
import type { Lifecycle } from './lifecycle.js';
import type { Nodes } from './nodes.js';
import { requestBytes } from './request-bytes.js';
import { resolveRequestOptions } from './resolve-request-options.js';
import { routeHedging } from './route-hedging.js';
import type { RouteContext } from './route-request.js';
import type { RouterEvent } from './router-event.js';
import { selectNode } from './select-node.js';
import { configError } from './validate-config.js';

/** The router's parts a request needs (see `createRouter`). */
export interface RouteParts {
  readonly config: Readonly<ResolvedConfig>;
  readonly nodes: Nodes;
  readonly feedback: HealthFeedback;
  readonly life: Lifecycle;
  readonly events: Subject<RouterEvent>;
  readonly health$: Observable<ClusterHealth>;
  /** The latest health snapshot. */
  latest(): ClusterHealth | undefined;
  /** A node's smoothed reply time (its pool's, else its probes'), or -1. */
  latencyOf(id: NodeId): number;
}

/**
 * Builds what `routeRequest` needs from the router's parts: selection (the balancer over the latest eligible
 * set, `selectNode`), the per-attempt timeout (`attemptTimeout`), the retry policy and its shared budget,
 * hedging (`routeHedging`), validation, events and the lifecycle hooks. Wiring only.
 */
export function routeContext(parts: RouteParts): RouteContext {
  const { config, nodes, feedback, life, events, latest, latencyOf } = parts;
  const { scheduler, random } = config;
  const pick = balancers[config.balancer];
  const capacity = config.pool.maxConnections * config.pool.maxInFlightPerConnection;
  let cursor = 0;
  let requestIds = 0;
  const candidate = (id: NodeId) => ({
    nodeId: id,
    load: nodes.get(id)!.pool.load,
    rttMs: latencyOf(id),
    recoveredAt: latest()?.nodes.get(id)?.recoveredAt ?? -1,
  });
  const { budget: budgetOptions, attemptTimeoutMs: configuredMs, ...policy } = config.retry;
  const budget =
    budgetOptions === false ? undefined : new RetryBudget({ ...budgetOptions, now: () => scheduler.now() });
  const retry: RetryBackoffConfig = { ...policy, budget, scheduler, random };
  return {
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
        queued: nodes.get(id)!.pool.load >= capacity,
      }),
    select: (tried, now = scheduler.now(), busy) =>
      selectNode(
        latest()?.eligible ?? [],
        tried,
        pick,
        candidate,
        { random, now, slowStartMs: config.slowStartMs, cursor: cursor++ },
        busy,
      ),
    hedge: routeHedging(config.hedge, scheduler, () => latest()?.eligible ?? [], budget),
    changes$: parts.health$,
    send: (id, type, payload, deadline, done) => nodes.send(id, type, payload, deadline, done),
    feedback,
    listening: () => events.observed,
    emit: (event) => events.next(event),
    validate: (payload, options) => ({
      // a hostile value (a revoked Proxy, a throwing getter) still fails this request with a typed error
      options: typed(() => resolveRequestOptions(options, config.timeoutMs, configError), ErrorCode.Config),
      bytes: typed(() => requestBytes(payload, config.maxMessageBytes), ErrorCode.InvalidPayload),
    }),
    enter: () => life.enter(),
    closing$: life.closing$,
    isClosing: () => life.closing,
    firstContactPending: () => {
      const health = latest();
      return !health || [...health.nodes.values()].some((n) => n.status === HealthStatus.Joining);
    },
    closedError: () => life.closedError(),
    nextRequestId: () => ++requestIds,
  };
}

function typed<T>(read: () => T, code: string): T {
  try {
    return read();
  } catch (err) {
    if (err instanceof RouterError) throw err;
    const what = code === ErrorCode.Config ? 'request options' : 'payload';
    throw new RouterError(code, `the ${what} could not be read: ${(err as Error)?.message ?? 'unknown'}`, {
      cause: err,
    });
  }
}
