import type { RouterEvent } from '../router/router-event.js';
import type { Router } from '../router/router-types.js';
import type { ClusterHealth } from '../types.js';
import type { FeedHealth, FeedStats } from './feed-types.js';
import { findDegraded } from './find-degraded.js';
import { healthWords } from './health-words.js';

/**
 * Counts what a router does (from `events$` and `health$`) for the dashboard feed and `watch`: rates per stats
 * interval (`tick()`), the last `historyLength` intervals (sent to a page when it loads), and each node's health
 * with a stale RTT marked, a last-seen time, a slow node flagged and the reason in words.
 */
export class DashboardMetrics {
  /** The last stats intervals, oldest first. */
  readonly history: FeedStats[] = [];
  private readonly router: Router;
  private readonly historyLength: number;
  /** Requests per node in this interval, keyed by NodeId (nodes come and go: never by position). */
  private readonly intervalRequests = new Map<number, number>();
  private intervalFailures = 0;
  private intervalRetries = 0;
  private lastTick: number;
  private health: ClusterHealth | undefined;
  private readonly lastSeenAt = new Map<number, number>();

  /** `now` is wall-clock ms; `historyLength` intervals are kept. @defaultValue historyLength 300 */
  constructor(router: Router, now: number, historyLength = 300) {
    this.router = router;
    this.historyLength = historyLength;
    this.lastTick = now;
  }

  /** Feed one router event; `now` is wall-clock ms. */
  record(event: RouterEvent, now = Date.now()): void {
    if (event.type === 'requestSucceeded')
      this.intervalRequests.set(event.nodeId, (this.intervalRequests.get(event.nodeId) ?? 0) + 1);
    else if (event.type === 'requestFailed') this.intervalFailures++;
    else if (event.type === 'retryScheduled') this.intervalRetries++;
    else if (event.type === 'heartbeatSucceeded') this.lastSeenAt.set(event.nodeId, now);
  }

  /** Feed one health snapshot; returns it as feed JSON. */
  observe(health: ClusterHealth): FeedHealth {
    this.health = health;
    return this.healthJson()!;
  }

  healthJson(): FeedHealth | undefined {
    const h = this.health;
    if (!h) return undefined;
    const nodes = [...h.nodes.values()];
    const fresh = new Map(nodes.map((n) => [n.nodeId, n.status !== 'down' ? n.rttMs : null]));
    const slow = findDegraded(fresh);
    return {
      at: h.at,
      eligible: h.eligible,
      panic: h.panic,
      nodes: nodes.map((n) => ({
        nodeId: n.nodeId,
        address: n.address,
        status: n.status,
        reason: n.reason,
        why:
          healthWords(n.status, n.reason, n.consecutiveFailures, n.manual) +
          (n.ejectedUntil !== null && n.ejectedUntil > h.at
            ? `; ejected by failed requests for ${Math.ceil((n.ejectedUntil - h.at) / 1000)} s more`
            : ''),
        rttMs: fresh.get(n.nodeId) ?? null,
        lastRttMs: n.rttMs,
        lastSeenAt: this.lastSeenAt.get(n.nodeId) ?? null,
        degraded: slow.get(n.nodeId)?.degraded ?? false,
        slowFactor: slow.get(n.nodeId)?.slowFactor ?? null,
        consecutiveFailures: n.consecutiveFailures,
        since: n.since,
        manual: n.manual,
      })),
    };
  }

  /** Closes one stats interval: rates since the previous tick, also kept in `history`. */
  tick(now: number): FeedStats {
    const seconds = Math.max(0.001, (now - this.lastTick) / 1000);
    const pools = this.router.poolStats();
    const stats: FeedStats = {
      at: now,
      requestsPerSecond: [...this.intervalRequests.values()].reduce((a, b) => a + b, 0) / seconds,
      failuresPerSecond: this.intervalFailures / seconds,
      retriesPerSecond: this.intervalRetries / seconds,
      nodes: pools.map((p) => ({
        nodeId: p.nodeId,
        requestsPerSecond: (this.intervalRequests.get(p.nodeId) ?? 0) / seconds,
        open: p.open,
        inFlight: p.inFlight,
      })),
    };
    this.intervalRequests.clear();
    this.intervalFailures = 0;
    this.intervalRetries = 0;
    this.lastTick = now;
    this.history.push(stats);
    if (this.history.length > this.historyLength) this.history.shift();
    return stats;
  }
}
