import { type Observable, Subject } from 'rxjs';
import { RequestTimeoutError } from '../errors.js';
import type { HealthPolicy } from '../streams/health-policy.js';
import type { HealthSignal } from '../streams/health-signal.js';
import type { PoolEvent } from '../transport/pool-types.js';
import { HealthStatus, type NodeHealth, type NodeId } from '../types.js';
import { BreakIncidents, type BreakingRequest } from './break-incidents.js';
import { classifyError } from './classify-error.js';
import { poisonAfter } from './decide.js';

/** What health feedback keeps of one request across its attempts (the request itself carries it). */
export type RequestHealth = BreakingRequest;

/**
 * THE one place where request outcomes and pool events become health signals (`signals$`, folded by
 * `clusterHealth`). What an error says about its node is the error table's `health` column (`classifyError`);
 * how each source counts it is decided here. Rules:
 * - a successful reply is a good passive signal (sent only when it changes something: a node not `up` or with
 *   failures counted); a node's own non-retryable error reply is an answer, so it counts as good too;
 * - a timeout counts against the node only when the attempt gave it a fair chance: at least
 *   {@link HealthFeedback.fairTimeoutMs} (`max(health.timeoutMs / 2, 4 × its smoothed reply time)`) on its
 *   connection up to the moment it is judged (`RequestTimeoutError.onConnectionMs`: time spent queueing in the
 *   pool for a connection is not the node's), minus the time the client's own event loop was stalled or
 *   saturated within that window (`LoopLag`, including a lateness not yet reported: a GC pause, long synchronous
 *   work or a burst leaves replies unread and fires timers late — never evidence); a caller's short deadline is
 *   the caller's business;
 * - a retryable error reply counts as one passive failure;
 * - a connection that breaks (lost, reset, corrupt) counts as ONE passive failure per incident, however many
 *   requests were on it — and only once the requests on it are known not to be poison: a request whose
 *   connection breaks on {@link poisonAfter} nodes is suspected of breaking them itself (a poison request), is
 *   not retried, and NONE of the breaks it took part in count against their nodes (`BreakIncidents`: the poison
 *   rule applies before health). An idle connection that breaks counts once, through the pool's event; a leased
 *   connection's end never counts;
 * - rejected credentials (`ERR_AUTH_FAILED` at connect) are no failure: the node is `unusable` (reason `auth`);
 * - a refused connect (`connectFailed`: refused, unreachable, TLS) takes the node down at once; a connect
 *   timeout counts like a failed probe; a connection that opens is the node's first contact (`unknown` → `up`);
 * - everything local says nothing of the node: waiting for a connection, a full pool or write buffer, our own
 *   closing or destroying, no eligible node, invalid payloads.
 * Passive failures are counted apart from probes (see `nodeHealth`); the ejection cap lives in `clusterHealth`.
 */
export class HealthFeedback {
  private readonly subject = new Subject<HealthSignal>();
  private readonly breaks: BreakIncidents;
  private readonly answeredAt = new Map<NodeId, number>();
  private readonly now: () => number;
  /** How long the client's own event loop was stalled within a window (`LoopLag`). */
  private readonly stalledMs: (from: number, to: number) => number;
  private readonly policy: HealthPolicy;
  private readonly latencyMs: (id: NodeId) => number;
  private readonly health: (id: NodeId) => NodeHealth | undefined;

  /** Drops what is kept of a node removed by membership. */
  forget(id: NodeId): void {
    this.answeredAt.delete(id);
  }

  constructor(
    policy: HealthPolicy,
    latencyMs: (id: NodeId) => number,
    health: (id: NodeId) => NodeHealth | undefined,
    now: () => number = () => 0,
    stalledMs: (from: number, to: number) => number = () => 0,
  ) {
    this.now = now;
    this.stalledMs = stalledMs;
    this.policy = policy;
    this.latencyMs = latencyMs;
    this.health = health;
    this.breaks = new BreakIncidents((id) => this.fail(id), poisonAfter);
  }

  /** The health signals, for `clusterHealth({ signals$ })`. */
  get signals$(): Observable<HealthSignal> {
    return this.subject.asObservable();
  }

  /** The shortest attempt timeout that gives `id` a fair chance: below it, a timeout says nothing of the node. */
  fairTimeoutMs(id: NodeId): number {
    const latency = this.latencyMs(id);
    return Math.max(this.policy.timeoutMs / 2, latency > 0 ? 4 * latency : 0);
  }

  /**
   * The heartbeat's rule for a node whose pool is full: a ping would queue behind requests, and its timeout would
   * measure our own queue, not the node. When the node answered a request within the last `health.timeoutMs`,
   * that answer stands in for the ping: the probe succeeds after the node's smoothed reply time, at most half the
   * probe timeout (returned; 0 when unknown). Otherwise (pool not full, or no answer that recent) undefined: the
   * ping is sent — a full pool whose node answered nothing for a whole probe timeout is a node not answering. "Within" counts only the time the
   * client's own loop ran: after a stall, the answers that came meanwhile are still unread.
   */
  probeStandIn(id: NodeId, poolFull: boolean): number | undefined {
    if (!poolFull || !this.answeredRecently(id, this.now())) return undefined;
    // a stand-in answers within the probe's time: a reply time inflated by our own queue is no verdict
    return Math.min(this.policy.timeoutMs / 2, Math.max(0, this.latencyMs(id)));
  }

  /**
   * The fair-chance rule for pings: whether a ping to `id` sent at `sentAt`, unanswered at its timeout (`now`), is
   * the client's lateness rather than the node's silence — then the heartbeat gives it `health.timeoutMs` more:
   * - our own event loop was stalled or saturated for more than half of the ping's time (`LoopLag`): the pong
   *   may be waiting unread in the socket;
   * - or the node answered one of our requests within the last `health.timeoutMs` (of the loop's free time):
   *   it is alive and working through our queue, and the pong waits behind the requests we sent it (a burst of
   *   thousands fills every connection). A node answering nothing fails its ping once our loop runs freely.
   */
  pingExcused(id: NodeId, sentAt: number, now: number): boolean {
    if (now - sentAt - this.stalledMs(sentAt, now) < this.policy.timeoutMs / 2) return true;
    return this.answeredRecently(id, now);
  }

  /**
   * The outcome of one attempt on node `id`, which was given `attemptTimeoutMs`. `request` is what the request
   * keeps across attempts; undefined when the outcome counts against no request (a copy that lost a hedge race,
   * or one broken while another copy of the request was out: one event can break two nodes at once).
   */
  attempt(id: NodeId, err: unknown, attemptTimeoutMs: number, request: RequestHealth | undefined): void {
    if (err === undefined) {
      this.answered(id);
      return;
    }
    const e = classifyError(err);
    switch (e.health) {
      case 'answer':
        this.answered(id);
        return;
      case 'failure':
        this.fail(id);
        return;
      case 'broken':
        this.breaks.broke(id, request);
        return;
      case 'timeout': {
        // what the node itself had: time on its connection (queueing in the pool for a connection excluded)
        // and of that, only the time our own event loop ran: a stall (GC, long synchronous work) held replies
        // unread in the socket and timers late — the client's time, never the node's
        // — over the whole time it was on the connection, up to now: a timer that fired late (a stall, or a loop
        // still working through a burst) gave the node that much more time, and our loop that much more lateness
        const had = err instanceof RequestTimeoutError ? err.onConnectionMs : attemptTimeoutMs;
        const now = this.now();
        if (had - this.stalledMs(now - had, now) >= this.fairTimeoutMs(id)) this.fail(id);
        return;
      }
      default:
        // refused / unreachable connects are reported once, by the pool's connectFailed event; local: nothing
        return;
    }
  }

  /** A pool event of node `event.nodeId`. */
  pool(event: PoolEvent): void {
    const id = event.nodeId;
    if (event.type === 'connectionCreated') this.subject.next({ nodeId: id, kind: 'connected' });
    else if (event.type === 'connectFailed') {
      const kind = classifyError(event.error).health;
      if (kind === 'auth') this.subject.next({ nodeId: id, kind: 'auth' });
      else if (kind === 'refused') this.subject.next({ nodeId: id, kind: 'request', ok: false, hard: true });
      else if (kind === 'unreachable')
        this.subject.next({ nodeId: id, kind: 'probe', ok: false, hard: false });
    } else if (event.reason === 'lost' || event.reason === 'corrupt') {
      // seals the incident the requests on it reported (or an idle connection broke); a leased connection is its
      // holder's: how it ends is never evidence against the node
      this.breaks.closed(id, event.leased === true);
    }
  }

  /** A request ended (or was cancelled): the broken connections it was on may be counted now (poison rule). */
  ended(request: RequestHealth): void {
    this.breaks.ended(request);
  }

  /** Whether a failed heartbeat probe takes the node out at once (a refused connect) rather than counting. */
  hardProbeFailure(err: unknown): boolean {
    return classifyError(err).health === 'refused';
  }

  /** `markNodeUnhealthy` / `markNodeHealthy`. */
  manual(id: NodeId, healthy: boolean): void {
    this.subject.next({ nodeId: id, kind: 'manual', healthy });
  }

  /** No more signals (the router closed). */
  complete(): void {
    this.subject.complete();
  }

  /**
   * Whether `id` answered a request within the last `health.timeoutMs`, counting only the time the client's own
   * loop ran: while our loop was stalled we read no answer, the node's or any.
   */
  private answeredRecently(id: NodeId, now: number): boolean {
    const at = this.answeredAt.get(id);
    return at !== undefined && now - at - this.stalledMs(at, now) <= this.policy.timeoutMs;
  }

  private answered(id: NodeId): void {
    this.answeredAt.set(id, this.now());
    this.good(id);
  }

  private good(id: NodeId): void {
    const node = this.health(id);
    if (
      node &&
      (node.status !== HealthStatus.Up || node.consecutiveFailures > 0 || node.passiveFailures > 0)
    ) {
      this.subject.next({ nodeId: id, kind: 'request', ok: true });
    }
  }

  private fail(id: NodeId): void {
    this.subject.next({ nodeId: id, kind: 'request', ok: false, hard: false });
  }
}
