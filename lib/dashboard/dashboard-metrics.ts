import type { RouterEvent } from '../router/router-event.js';
import type { Router } from '../router/router-types.js';
import type { ClusterHealth } from '../types.js';
import type { FeedHealth, FeedStats } from './feed-types.js';

/**
 * Counts what a router does (from `events$` and `health$`) for the dashboard feed and for Prometheus.
 * `tick()` closes one stats interval and returns per-second rates for it.
 */
export class DashboardMetrics {
  private readonly router: Router;
  private readonly requests: number[];
  private failures = 0;
  private retries = 0;
  private readonly intervalRequests: number[];
  private intervalFailures = 0;
  private intervalRetries = 0;
  private lastTick: number;
  private health: ClusterHealth | undefined;

  constructor(router: Router, now: number) {
    this.router = router;
    this.requests = router.addresses.map(() => 0);
    this.intervalRequests = router.addresses.map(() => 0);
    this.lastTick = now;
  }

  /** Feed one router event. */
  record(event: RouterEvent): void {
    if (event.type === 'requestSucceeded') {
      this.requests[event.nodeId - 1]! += 1;
      this.intervalRequests[event.nodeId - 1]! += 1;
    } else if (event.type === 'requestFailed') {
      this.failures++;
      this.intervalFailures++;
    } else if (event.type === 'retryScheduled') {
      this.retries++;
      this.intervalRetries++;
    }
  }

  /** Feed one health snapshot; returns it as feed JSON. */
  observe(health: ClusterHealth): FeedHealth {
    this.health = health;
    return this.healthJson()!;
  }

  healthJson(): FeedHealth | undefined {
    const h = this.health;
    if (!h) return undefined;
    return {
      at: h.at,
      eligible: h.eligible,
      panic: h.panic,
      nodes: [...h.nodes.values()].map((n) => ({
        nodeId: n.nodeId,
        address: this.router.addresses[n.nodeId - 1]!.label,
        status: n.status,
        reason: n.reason,
        rttMs: n.rttMs,
        consecutiveFailures: n.consecutiveFailures,
        since: n.since,
        manual: n.manual,
      })),
    };
  }

  /** Rates since the previous tick. */
  tick(now: number): FeedStats {
    const seconds = Math.max(0.001, (now - this.lastTick) / 1000);
    const pools = this.router.poolStats();
    const stats: FeedStats = {
      at: now,
      requestsPerSecond: this.intervalRequests.reduce((a, b) => a + b, 0) / seconds,
      failuresPerSecond: this.intervalFailures / seconds,
      retriesPerSecond: this.intervalRetries / seconds,
      nodes: pools.map((p, i) => ({
        nodeId: p.nodeId,
        requestsPerSecond: this.intervalRequests[i]! / seconds,
        open: p.open,
        inFlight: p.inFlight,
      })),
    };
    this.intervalRequests.fill(0);
    this.intervalFailures = 0;
    this.intervalRetries = 0;
    this.lastTick = now;
    return stats;
  }

  /** The Prometheus text exposition format (version 0.0.4). */
  prometheus(): string {
    const lines: string[] = [];
    const metric = (name: string, type: string, help: string, samples: Array<[string, number]>) => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      for (const [labels, value] of samples)
        lines.push(`${name}${labels} ${Number.isFinite(value) ? value : 0}`);
    };
    const label = (i: number, extra = '') =>
      `{node="${i + 1}",address="${this.router.addresses[i]!.label}"${extra}}`;
    const nodes = this.router.addresses.map((_, i) => i);
    const health = this.health;
    metric(
      'qdb_node_up',
      'gauge',
      'Whether the node is eligible for requests (1) or not (0).',
      nodes.map((i) => [label(i), health?.eligible.includes(i + 1) ? 1 : 0]),
    );
    metric(
      'qdb_node_status',
      'gauge',
      'The node health status, one series per status (1 for the current one).',
      nodes.flatMap((i) =>
        ['unknown', 'up', 'suspect', 'down', 'probation'].map((s): [string, number] => [
          label(i, `,status="${s}"`),
          health?.nodes.get(i + 1)?.status === s ? 1 : 0,
        ]),
      ),
    );
    metric(
      'qdb_node_rtt_ms',
      'gauge',
      'Smoothed heartbeat round-trip time in milliseconds (-1 before any).',
      nodes.map((i) => [label(i), health?.nodes.get(i + 1)?.rttMs ?? -1]),
    );
    metric(
      'qdb_requests_total',
      'counter',
      'Requests that succeeded, by the node that answered.',
      nodes.map((i) => [label(i), this.requests[i]!]),
    );
    metric('qdb_request_failures_total', 'counter', 'Requests that failed after every retry.', [
      ['', this.failures],
    ]);
    metric('qdb_retries_total', 'counter', 'Retries scheduled.', [['', this.retries]]);
    const pools = this.router.poolStats();
    metric(
      'qdb_connections_open',
      'gauge',
      'Open connections per node.',
      nodes.map((i) => [label(i), pools[i]!.open]),
    );
    metric(
      'qdb_requests_in_flight',
      'gauge',
      'Requests in flight per node.',
      nodes.map((i) => [label(i), pools[i]!.inFlight]),
    );
    return `${lines.join('\n')}\n`;
  }
}
