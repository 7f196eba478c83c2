import { firstValueFrom, type Observable, type ObservableInput } from 'rxjs';
import { ConfigError } from '../errors.js';
import { executeWithRetry } from '../operators/execute-with-retry.js';
import { eligible } from '../streams/eligible.js';
import type { NodeId } from '../types.js';
import type { Message } from '../wire/message.js';
import { NoEligibleNodeError } from './no-eligible-node-error.js';
import { requestPromise } from './request-promise.js';
import { routeRequest } from './route-request.js';
import type { RouterCore } from './router-core.js';
import type { Router } from './router-types.js';
import { waitForNode } from './wait-for-node.js';

/**
 * The public face of a router over its running parts: requests (`routeRequest`), leases, manual health marks,
 * `executeWithRetry`, pool counts and `close()` (drain, then stop membership, health, pools and the rest).
 */
export function routerApi(core: RouterCore): Router {
  const { config, nodes, picker, feedback, life, health$, nodeErrors, membership, budget, stop } = core;
  const { scheduler } = config;
  const request$ = (payload: unknown, options?: unknown): Observable<Message> =>
    routeRequest(core, payload, options);
  const checkNode = (id: NodeId) => {
    if (!nodes.has(id)) throw new ConfigError('nodeId', id, `the id of one of the ${nodes.size} nodes`);
  };
  return {
    get addresses() {
      return membership.addresses;
    },
    health$,
    eligible$: eligible(health$),
    events$: core.events.asObservable(),
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
      stop.membership();
      return life.close(scheduler, config.timeoutMs, {
        stopHealth: () => stop.health.unsubscribe(),
        closeNodes: () => nodes.close(),
        complete: stop.rest,
      });
    },
  };
}
