import { EMPTY, type Observable, type SchedulerLike, tap } from 'rxjs';
import type { ResolvedConfig } from '../config.js';
import { clusterHealth } from '../streams/cluster-health.js';
import type { HealthMember } from '../streams/health-member.js';
import type { ClusterHealth } from '../types.js';
import type { HealthFeedback } from './health-feedback.js';
import type { Lifecycle } from './lifecycle.js';
import type { NodeErrors } from './node-errors.js';
import type { Nodes } from './nodes.js';
import { probe } from './probe.js';
import type { RouterEvent } from './router-event.js';

/** What {@link routerHealth} wires together. */
export interface RouterHealthParts {
  readonly config: Readonly<ResolvedConfig>;
  readonly members$: Observable<readonly HealthMember[]>;
  readonly nodes: Nodes;
  readonly feedback: HealthFeedback;
  readonly nodeErrors: NodeErrors;
  readonly life: Lifecycle;
  readonly emit: (event: () => RouterEvent) => void;
}

/**
 * The router's `health$`: `clusterHealth` over the members, probing each node on its own pool (`probe`; a pool
 * full of requests lets the node's recent answers stand in for the ping: `HealthFeedback.probeStandIn`; a ping
 * timeout that is the client's lateness gives the ping more time: `HealthFeedback.pingExcused`), fed by
 * health feedback's signals and its error table's rule for hard probe failures; ended for good by `close()`.
 */
export function routerHealth(p: RouterHealthParts): Observable<ClusterHealth> {
  const { config, nodes, feedback, nodeErrors, emit } = p;
  const scheduler: SchedulerLike = config.scheduler;
  const capacity = config.pool.maxConnections * config.pool.maxInFlightPerConnection;
  const { timeoutMs } = config.health;
  return p.life.guard(
    clusterHealth({
      members: p.members$,
      ping: (nodeId) => {
        const pool = nodes.get(nodeId)?.pool;
        if (!pool) return EMPTY; // removed meanwhile
        // a pool full of requests (leases are not requests: what their holders do is not ours to judge)
        const standIn = () => feedback.probeStandIn(nodeId, pool.load - pool.leases >= capacity);
        return probe({ pool, nodeId, timeoutMs, scheduler, emit, standIn }).pipe(
          tap({ error: (err) => nodeErrors.record(nodeId, err, scheduler.now()) }),
        );
      },
      signals$: feedback.signals$,
      hardFailure: (err) => feedback.hardProbeFailure(err),
      pingExcused: (nodeId, sentAt, now) => feedback.pingExcused(nodeId, sentAt, now),
      policy: config.health,
      scheduler,
    }),
  );
}
