import {
  isObservable,
  map,
  Observable,
  of,
  ReplaySubject,
  type SchedulerLike,
  Subscription,
  share,
} from 'rxjs';
import { type ClusterHealth, HealthStatus, type NodeHealth, type NodeId } from '../types.js';
import { defaultHealthPolicy } from './default-health-policy.js';
import type { HealthMember } from './health-member.js';
import type { HealthPolicy } from './health-policy.js';
import type { HealthSignal } from './health-signal.js';
import { heartbeat } from './heartbeat.js';
import { nodeHealth } from './node-health.js';
import { NodeMap } from './node-map.js';

/** Options of {@link clusterHealth}. */
export interface ClusterHealthOptions {
  /**
   * The members: a fixed list, or an Observable of the whole current membership (each emission the full set;
   * a member absent from it is removed from the snapshots, a `draining` one is kept as `draining` and no longer
   * probed). Ids are any (router-assigned, never reused); a known id keeps its state.
   */
  readonly members: readonly HealthMember[] | Observable<readonly HealthMember[]>;
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
  /**
   * Whether a ping to `nodeId` sent at `sentAt`, unanswered at its timeout `now`, is the client's lateness rather
   * than the node's silence: it then gets `timeoutMs` more (see `heartbeat`). @defaultValue never
   */
  readonly pingExcused?: (nodeId: NodeId, sentAt: number, now: number) => boolean;
}

/**
 * The live health of a cluster: a heartbeat per member plus passive and manual signals, folded node by node
 * through {@link nodeHealth}, as one {@link ClusterHealth} snapshot stream that follows membership.
 *
 * - Replays the latest snapshot to each new subscriber; the heartbeats run while anyone listens and stop (all
 *   timers) when the last subscriber leaves; a later subscriber starts afresh.
 * - Emits only when something a dashboard shows changed: membership (a node added, draining or removed — in the
 *   same tick as the members' emission), a status, reason, manual flag, failure count, ejection, or the smoothed
 *   RTT by at least 1 ms and 20 %. An idle healthy cluster does not emit. A signal costs one node's update plus
 *   one 32-node chunk copy (not the cluster). Signals for a node that is not (or no longer) a member change
 *   nothing.
 * - Nodes start `joining` (not eligible) until a probe answers or a connection opens (a `connected` signal).
 * - Passive ejection is capped (`maxEjectionPercent` of the members in service, at least one node, computed as
 *   if the candidate were ejected) and never takes out the last eligible node: at the cap it stays `suspect`.
 * - No "panic" routing to down nodes: down means a probe or a refused connection said so; when no node is
 *   eligible after some node was contacted, `panic` is true and the router makes requests wait (bounded by their
 *   deadline) for one to return. Before any contact `panic` is false.
 *
 * ```
 * node 2 pings:  ok   ok   t/o  t/o       ok   ok
 * health$:       a---------b----c---------d----e     a: all up (after their first pongs)  b: 2 suspect  c: 2 down
 *                                                    d: 2 probation           e: 2 up  (eligible [1,2,3])
 * ```
 */
export function clusterHealth(options: ClusterHealthOptions): Observable<ClusterHealth> {
  const policy: HealthPolicy = { ...defaultHealthPolicy, ...options.policy };
  const { scheduler } = options;
  const hardFailure = options.hardFailure ?? (() => false);
  const members$ = isObservable(options.members) ? options.members : of(options.members);
  return new Observable<ClusterHealth>((subscriber) => {
    let nodes = NodeMap.of([]);
    let shown = nodes; // the nodes of the last snapshot out: what "visibly changed" compares with
    let eligible: readonly NodeId[] = [];
    let contacted = false;
    let inService = 0;
    let started = false;
    const probes = new Map<NodeId, Subscription>();
    const all = new Subscription(() => {
      for (const p of probes.values()) p.unsubscribe();
      probes.clear();
    });
    const emit = (changed: readonly NodeId[]) => {
      shown = nodes;
      subscriber.next({
        at: scheduler.now(),
        nodes,
        eligible,
        panic: contacted && eligible.length === 0,
        changed,
      });
    };

    const cap = () =>
      policy.maxEjectionPercent <= 0
        ? 0
        : Math.max(1, Math.floor((inService * policy.maxEjectionPercent) / 100));
    // Asked only when a node reaches passiveFall: the ejection cap, computed as if this node were ejected.
    const canEject = (id: NodeId, now: number) => () => {
      let ejected = 0;
      for (const node of nodes.values()) if (nodeHealth.isEjected(node, now)) ejected++;
      const others = eligible.length - (eligible.includes(id) ? 1 : 0);
      return ejected + 1 <= cap() && others >= 1;
    };

    const put = (previous: NodeHealth | undefined, next: NodeHealth) => {
      nodes = previous ? nodes.with(next) : nodes.added(next);
      if (next.status !== HealthStatus.Joining && next.status !== HealthStatus.Draining) contacted = true;
      const was = previous !== undefined && nodeHealth.isEligible(previous);
      const is = nodeHealth.isEligible(next);
      if (was !== is)
        eligible = is ? insertSorted(eligible, next.nodeId) : eligible.filter((id) => id !== next.nodeId);
      return was !== is;
    };

    const apply = (signal: HealthSignal) => {
      const previous = nodes.get(signal.nodeId);
      if (!previous) return;
      const now = scheduler.now();
      const next = nodeHealth.reduce(previous, signal, now, policy, canEject(signal.nodeId, now));
      if (next === previous) return;
      if (put(previous, next) || visiblyDiffers(shown.get(next.nodeId) ?? previous, next))
        emit([next.nodeId]);
    };

    const probe = (id: NodeId, afterMs = 0) => {
      if (afterMs > 0) {
        probes.set(
          id,
          scheduler.schedule(() => {
            probes.delete(id);
            if (!subscriber.closed && nodes.has(id)) probe(id);
          }, afterMs),
        );
        return;
      }
      const sub = heartbeat(() => options.ping(id), {
        intervalMs: policy.intervalMs,
        timeoutMs: policy.timeoutMs,
        maxIntervalMs: policy.maxIntervalMs,
        scheduler,
        excused: options.pingExcused && ((sentAt, now) => options.pingExcused?.(id, sentAt, now) === true),
      })
        .pipe(
          map((sample): HealthSignal => {
            if (sample.ok) return { nodeId: id, kind: 'probe', ok: true, rttMs: sample.rttMs };
            return { nodeId: id, kind: 'probe', ok: false, hard: hardFailure(sample.error) };
          }),
        )
        .subscribe({ next: apply, error: (err) => subscriber.error(err) });
      probes.set(id, sub);
    };
    const unprobe = (id: NodeId) => {
      probes.get(id)?.unsubscribe();
      probes.delete(id);
    };

    // Applies a full membership: new ids join, ids now draining drain, absent ids leave. Probes start after the
    // snapshot is out, so that a synchronous pong cannot overtake the membership change.
    const follow = (members: readonly HealthMember[]) => {
      const now = scheduler.now();
      const changed: NodeId[] = [];
      const seen = new Set<NodeId>();
      const joined: HealthMember[] = [];
      for (const m of members) {
        if (seen.has(m.id) || (!nodes.has(m.id) && m.draining)) continue; // a node unknown here never joins draining
        seen.add(m.id);
        const previous = nodes.get(m.id);
        const next = previous ?? nodeHealth.initial(m.id, m.address, now, started ? 'membership' : 'initial');
        const after = m.draining ? nodeHealth.drain(next, now) : next;
        if (previous === after) continue;
        put(previous, after);
        changed.push(m.id);
        if (after.status === HealthStatus.Draining) unprobe(m.id);
        else joined.push(m);
      }
      for (const id of [...nodes.keys()]) {
        if (seen.has(id)) continue;
        unprobe(id);
        if (nodeHealth.isEligible(nodes.get(id)!)) eligible = eligible.filter((e) => e !== id);
        nodes = nodes.without(id);
        changed.push(id);
      }
      inService = 0;
      for (const n of nodes.values()) if (n.status !== HealthStatus.Draining) inService++;
      if (!started) return;
      if (changed.length > 0) emit(changed.sort((a, b) => a - b));
      for (const m of joined) if (!subscriber.closed && nodes.has(m.id)) probe(m.id, m.probeAfterMs);
    };

    all.add(members$.subscribe({ next: follow, error: (err) => subscriber.error(err) }));
    started = true;
    emit([...nodes.keys()]);
    for (const id of nodes.keys()) if (!subscriber.closed && !probes.has(id)) probe(id);
    if (options.signals$)
      all.add(options.signals$.subscribe({ next: apply, error: (err) => subscriber.error(err) }));
    return all;
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
    rttMoved(a.rttMs, b.rttMs)
  );
}

/** A smoothed RTT moved visibly: appeared, or changed by at least 1 ms and 20 %. */
function rttMoved(a: number | null, b: number | null): boolean {
  if (a === null || b === null) return a !== b;
  const delta = Math.abs(a - b);
  return delta >= 1 && delta >= 0.2 * a;
}

function insertSorted(ids: readonly NodeId[], id: NodeId): readonly NodeId[] {
  const out = ids.slice();
  let i = out.length;
  while (i > 0 && out[i - 1]! > id) i--;
  out.splice(i, 0, id);
  return out;
}
