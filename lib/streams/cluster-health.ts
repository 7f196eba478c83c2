import { EMPTY, map, merge, Observable, ReplaySubject, type SchedulerLike, share } from 'rxjs';
import type { ClusterHealth, NodeHealth, NodeId } from '../types.js';
import { defaultHealthPolicy } from './default-health-policy.js';
import type { HealthPolicy } from './health-policy.js';
import type { HealthSignal } from './health-signal.js';
import { heartbeat } from './heartbeat.js';
import { nodeHealth } from './node-health.js';
import { NodeMap } from './node-map.js';

/** Options of {@link clusterHealth}. */
export interface ClusterHealthOptions {
  /** How many nodes; their ids are 1..nodeCount. */
  readonly nodeCount: number;
  /** Sends one ping to a node; its first value is the pong. */
  readonly ping: (nodeId: NodeId) => Observable<unknown>;
  /** Passive and manual signals (request outcomes, `markNodeUnhealthy` …). @defaultValue none */
  readonly signals$?: Observable<HealthSignal>;
  /**
   * Whether a failed probe takes the node out at once (the router: a refused connect, per its error table)
   * rather than counting toward `fall`. @defaultValue () => false
   */
  readonly hardFailure?: (error: unknown) => boolean;
  /** @defaultValue defaultHealthPolicy */
  readonly policy?: Partial<HealthPolicy>;
  readonly scheduler: SchedulerLike;
}

/**
 * The live health of a cluster: a heartbeat per node plus passive and manual signals, folded node by node
 * through {@link nodeHealth}, as one {@link ClusterHealth} snapshot stream.
 *
 * - Replays the latest snapshot to each new subscriber; the heartbeats run while anyone listens and stop (all
 *   timers) when the last subscriber leaves; a later subscriber starts afresh.
 * - Emits only when something a dashboard shows changed: a status, reason, manual flag, failure count, or the
 *   smoothed RTT (to 0.1 ms). A signal costs one node's update plus one 32-node chunk copy (not the cluster).
 * - Nodes start `unknown` (not eligible) until a probe answers or a connection opens (a `connected` signal).
 * - Passive ejection is capped (`maxEjectionPercent`, at least one node, computed as if the candidate were
 *   ejected) and never takes out the last eligible node: at the cap a failing node stays `suspect`.
 * - No "panic" routing to down nodes: down means a probe or a refused connection said so; when no node is
 *   eligible, `panic` is true and the router makes requests wait (bounded by their deadline) for one to return.
 *
 * ```
 * node 2 pings:  ok   ok   t/o  t/o       ok   ok
 * health$:       a---------b----c---------d----e     a: all up (after their first pongs)  b: 2 suspect  c: 2 down
 *                                                    d: 2 probation           e: 2 up  (eligible [1,2,3])
 * ```
 */
export function clusterHealth(options: ClusterHealthOptions): Observable<ClusterHealth> {
  const policy: HealthPolicy = { ...defaultHealthPolicy, ...options.policy };
  const { scheduler, nodeCount } = options;
  const hardFailure = options.hardFailure ?? (() => false);
  return new Observable<ClusterHealth>((subscriber) => {
    const start = scheduler.now();
    let nodes = NodeMap.of(Array.from({ length: nodeCount }, (_, i) => nodeHealth.initial(i + 1, start)));
    let eligible: readonly NodeId[] = [];
    const emit = (changed: readonly NodeId[]) =>
      subscriber.next({ at: scheduler.now(), nodes, eligible, panic: eligible.length === 0, changed });

    const cap =
      policy.maxEjectionPercent <= 0
        ? 0
        : Math.max(1, Math.floor((nodeCount * policy.maxEjectionPercent) / 100));
    // Asked only when a node reaches passiveFall: the ejection cap, computed as if this node were ejected.
    const canEject = (id: NodeId, now: number) => () => {
      let ejected = 0;
      for (const node of nodes.values()) if (node.ejectedUntil > now) ejected++;
      const others = eligible.length - (eligible.includes(id) ? 1 : 0);
      return ejected + 1 <= cap && others >= 1;
    };

    const apply = (signal: HealthSignal) => {
      const previous = nodes.get(signal.nodeId);
      if (!previous) return;
      const now = scheduler.now();
      const next = nodeHealth.reduce(previous, signal, now, policy, canEject(signal.nodeId, now));
      if (next === previous) return;
      nodes = nodes.with(next);
      const was = nodeHealth.isEligible(previous);
      const is = nodeHealth.isEligible(next);
      if (was !== is)
        eligible = is ? insertSorted(eligible, next.nodeId) : eligible.filter((id) => id !== next.nodeId);
      if (was !== is || visiblyDiffers(previous, next)) emit([next.nodeId]);
    };

    const probes = Array.from({ length: nodeCount }, (_, i) =>
      heartbeat(() => options.ping(i + 1), {
        intervalMs: policy.intervalMs,
        timeoutMs: policy.timeoutMs,
        maxIntervalMs: policy.maxIntervalMs,
        scheduler,
      }).pipe(
        map((sample): HealthSignal => {
          const nodeId = i + 1;
          if (sample.ok) return { nodeId, kind: 'probe', ok: true, rttMs: sample.rttMs };
          return { nodeId, kind: 'probe', ok: false, hard: hardFailure(sample.error) };
        }),
      ),
    );
    emit(eligible);
    return merge(options.signals$ ?? EMPTY, ...probes).subscribe({
      next: apply,
      error: (err) => subscriber.error(err),
    });
  }).pipe(
    share({
      connector: () => new ReplaySubject<ClusterHealth>(1),
      resetOnError: true,
      resetOnComplete: true,
      resetOnRefCountZero: true,
    }),
  );
}

function visiblyDiffers(a: NodeHealth, b: NodeHealth): boolean {
  return (
    a.status !== b.status ||
    a.reason !== b.reason ||
    a.manual !== b.manual ||
    a.consecutiveFailures !== b.consecutiveFailures ||
    a.passiveFailures !== b.passiveFailures ||
    a.ejectedUntil !== b.ejectedUntil ||
    Math.round(a.rttMs * 10) !== Math.round(b.rttMs * 10)
  );
}

function insertSorted(ids: readonly NodeId[], id: NodeId): readonly NodeId[] {
  const out = ids.slice();
  let i = out.length;
  while (i > 0 && out[i - 1]! > id) i--;
  out.splice(i, 0, id);
  return out;
}
