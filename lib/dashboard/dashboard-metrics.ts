import type { RouterEvent } from '../router/router-event.js';
import type { Router } from '../router/router-types.js';
import type { ClusterHealth, NodeHealth } from '../types.js';
import type { FeedHealth, FeedNode, FeedStats } from './feed-types.js';
import { findDegraded } from './find-degraded.js';
import { healthWords } from './health-words.js';
import { NodeTally } from './node-tally.js';

/** Codes that tried no node: not counted against the node an event names. */
const notANodeFailure = new Set(['ERR_NO_ELIGIBLE_NODE', 'ERR_ROUTER_CLOSED', 'ERR_BACKPRESSURE']);
const inRotation = new Set(['up', 'suspect']);

/** A node's change of "slow" (degraded against the others), for the event log. */
export interface SlowChange {
  readonly nodeId: number;
  readonly slow: boolean;
  readonly rttMs: number | null;
  readonly typicalMs: number | null;
}

/**
 * Counts what a router does (from `events$` and `health$`) for the dashboard feed and `watch`: cluster and
 * per-node rates and latency percentiles per stats interval (`tick()`), the last `historyLength` intervals (sent
 * to a page when it loads), totals and flaps since the start, and each node's health in words (naming its latest
 * error), time in state, a stale RTT marked, and a slow node flagged (reported once per change to `onSlow`).
 */
export class DashboardMetrics {
  /** The last stats intervals, oldest first. */
  readonly history: FeedStats[] = [];
  private readonly router: Router;
  private readonly historyLength: number;
  private readonly tallies = new Map<number, NodeTally>();
  private retries = 0;
  private failures = 0;
  private totals = { requests: 0, failures: 0, retries: 0 };
  private lastTick: number;
  private health: ClusterHealth | undefined;
  private feedHealth: FeedHealth | undefined;
  /** Wall-clock ms when the latest snapshot came (health$ is quiet while nothing changes). */
  private observedAt = 0;
  private readonly slowNow = new Set<number>();
  /** Told when a node becomes slow or stops being slow. */
  onSlow: (change: SlowChange) => void = () => {};

  /** `now` is wall-clock ms; `historyLength` intervals are kept. @defaultValue historyLength 300 */
  constructor(router: Router, now: number, historyLength = 300) {
    this.router = router;
    this.historyLength = historyLength;
    this.lastTick = now;
  }

  private tally(nodeId: number): NodeTally {
    let t = this.tallies.get(nodeId);
    if (!t) this.tallies.set(nodeId, (t = new NodeTally()));
    return t;
  }

  /** Feed one router event; `now` is wall-clock ms. */
  record(event: RouterEvent, now = Date.now()): void {
    const e = event as RouterEvent & { nodeId?: number; code?: string };
    switch (e.type) {
      case 'requestSucceeded':
        this.tally(e.nodeId).answered(e.durationMs);
        this.totals.requests++;
        break;
      case 'requestFailed':
        this.failures++;
        this.totals.failures++;
        if (e.nodeId !== undefined && !notANodeFailure.has(e.code)) this.tally(e.nodeId).failed(e.code);
        break;
      case 'retryScheduled':
        this.retries++;
        this.totals.retries++;
        if (!notANodeFailure.has(e.code)) this.tally(e.nodeId).failed(e.code);
        break;
      case 'heartbeatSucceeded':
        this.tally(e.nodeId).lastSeenAt = now;
        break;
      case 'heartbeatFailed':
      case 'connectFailed':
        if (!notANodeFailure.has(e.code)) this.tally(e.nodeId).lastError = e.code;
        break;
      case 'nodeStatusChanged':
        if (inRotation.has(e.previous) && !inRotation.has(e.status)) this.tally(e.nodeId).flaps++;
        break;
      default:
        // events added later (authFailed …) that carry a node and a code still name the node's latest error
        if (typeof e.nodeId === 'number' && typeof e.code === 'string' && !notANodeFailure.has(e.code))
          this.tally(e.nodeId).lastError = e.code;
    }
  }

  /** Feed one health snapshot; returns it as feed JSON. `now` is wall-clock ms. */
  observe(health: ClusterHealth, now = Date.now()): FeedHealth {
    this.health = health;
    this.observedAt = now;
    this.feedHealth = this.toFeed(health, now);
    return this.feedHealth;
  }

  /** The latest snapshot as feed JSON (with totals as of now), or undefined before the first. */
  healthJson(now = Date.now()): FeedHealth | undefined {
    return this.health ? this.toFeed(this.health, now, false) : undefined;
  }

  private toFeed(h: ClusterHealth, now: number, report = true): FeedHealth {
    const nodes = nodeList(h);
    // the snapshot's scheduler time as of now: a snapshot may be minutes old when nothing changed since
    const at = h.at + Math.max(0, now - this.observedAt);
    const rtt = (n: NodeHealth) => (typeof n.rttMs === 'number' && n.rttMs >= 0 ? n.rttMs : null);
    const fresh = new Map(nodes.map((n) => [n.nodeId, n.status !== 'down' ? rtt(n) : null]));
    const slow = findDegraded(fresh);
    const out = nodes.map((n): FeedNode => {
      const t = this.tally(n.nodeId);
      const s = slow.get(n.nodeId);
      const degraded = s?.degraded ?? false;
      const r = fresh.get(n.nodeId) ?? null;
      const typical = s?.slowFactor && r !== null ? r / s.slowFactor : null;
      const ejectedUntil = typeof n.ejectedUntil === 'number' && n.ejectedUntil > at ? n.ejectedUntil : null;
      if (report && degraded !== this.slowNow.has(n.nodeId)) {
        if (degraded) this.slowNow.add(n.nodeId);
        else this.slowNow.delete(n.nodeId);
        this.onSlow({ nodeId: n.nodeId, slow: degraded, rttMs: r, typicalMs: typical });
      }
      return {
        nodeId: n.nodeId,
        address: this.addressOf(n),
        status: n.status,
        reason: n.reason,
        why:
          healthWords(n.status, n.reason, n.consecutiveFailures, n.manual, t.lastError) +
          (ejectedUntil !== null
            ? `; ejected by failed requests for ${Math.ceil((ejectedUntil - at) / 1000)} s more`
            : ''),
        rttMs: r,
        lastRttMs: rtt(n),
        lastSeenAt: t.lastSeenAt,
        degraded,
        slowFactor: s?.slowFactor ?? null,
        slow: degraded && r !== null && typical !== null ? { rttMs: r, typicalMs: typical } : null,
        consecutiveFailures: n.consecutiveFailures,
        sinceWall: Math.round(this.observedAt - Math.max(0, h.at - n.since)),
        manual: n.manual,
        flaps: t.flaps,
        requestsTotal: t.requestsTotal,
        failuresTotal: t.failuresTotal,
        lastError: t.lastError,
      };
    });
    return { at: h.at, eligible: h.eligible, panic: h.panic, nodes: out };
  }

  private addressOf(n: NodeHealth): string {
    const own = (n as { address?: unknown }).address;
    if (typeof own === 'string') return own;
    return this.router.addresses.find((a) => a.id === n.nodeId)?.label ?? `node ${n.nodeId}`;
  }

  /** Closes one stats interval: rates since the previous tick, also kept in `history`. */
  tick(now: number): FeedStats {
    const seconds = Math.max(0.001, (now - this.lastTick) / 1000);
    const pools = new Map(this.router.poolStats().map((p) => [p.nodeId, p]));
    const ids = [...new Set([...pools.keys(), ...this.tallies.keys()])].sort((a, b) => a - b);
    let requests = 0;
    const nodes = ids.map((nodeId) => {
      const c = this.tally(nodeId).close();
      requests += c.requests;
      const p = pools.get(nodeId);
      // a node the router no longer has (removed from the cluster): reported for what it did in this interval,
      // then forgotten — ids are never reused, so a churning cluster would otherwise grow this map for ever
      if (p === undefined) {
        this.tallies.delete(nodeId);
        this.slowNow.delete(nodeId);
      }
      return {
        nodeId,
        requestsPerSecond: c.requests / seconds,
        failuresPerSecond: c.failures / seconds,
        p50Ms: c.p50Ms,
        p99Ms: c.p99Ms,
        open: p?.open ?? 0,
        inFlight: p?.inFlight ?? 0,
      };
    });
    const stats: FeedStats = {
      at: now,
      requestsPerSecond: requests / seconds,
      failuresPerSecond: this.failures / seconds,
      retriesPerSecond: this.retries / seconds,
      totals: { ...this.totals },
      nodes,
    };
    this.failures = 0;
    this.retries = 0;
    this.lastTick = now;
    this.history.push(stats);
    if (this.history.length > this.historyLength) this.history.shift();
    return stats;
  }
}

/** The snapshot's nodes whether `nodes` is map-like, an array or a plain object (its shape is changing). */
function nodeList(h: ClusterHealth): NodeHealth[] {
  const nodes = h.nodes as unknown;
  if (Array.isArray(nodes)) return nodes;
  const values = (nodes as { values?: () => Iterable<NodeHealth> }).values;
  if (typeof values === 'function') return [...values.call(nodes)];
  return Object.values(nodes as Record<string, NodeHealth>);
}
