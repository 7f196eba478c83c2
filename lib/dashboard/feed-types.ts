/**
 * The dashboard feed's JSON shapes (SSE `info`, `health`, `stats`, `history`, `markers`, `marker`, `log` and
 * `logLines` messages). Browser-safe.
 */

export interface FeedNode {
  readonly nodeId: number;
  readonly address: string;
  readonly status: string;
  readonly reason: string;
  /** The status and its reason in words ("heartbeat pings go unanswered"), naming the latest error. */
  readonly why: string;
  /** Smoothed heartbeat RTT; null before any sample and while the node is down (the last one is stale). */
  readonly rttMs: number | null;
  /** The last RTT measured, kept for display as stale while the node is down; null before any. */
  readonly lastRttMs: number | null;
  /** Wall-clock ms of the last answered heartbeat; null before any. */
  readonly lastSeenAt: number | null;
  /** Answers much slower than the other nodes (see `slow`). */
  readonly degraded: boolean;
  /** RTT over the median RTT of the other nodes that are not down; null when there is nothing to compare. */
  readonly slowFactor: number | null;
  /** While degraded: its RTT and the other nodes' median ("300 ms vs 1.2 ms typical"). */
  readonly slow: { readonly rttMs: number; readonly typicalMs: number } | null;
  readonly consecutiveFailures: number;
  /** Wall-clock ms since which the node has had this status. */
  readonly sinceWall: number;
  readonly manual: boolean;
  /** Times the node left rotation (up or suspect → any other status) since the dashboard started. */
  readonly flaps: number;
  /** Requests it answered, and failed attempts on it, since the dashboard started. */
  readonly requestsTotal: number;
  readonly failuresTotal: number;
  /** The latest error code seen for the node (attempt, heartbeat or connect), or null. */
  readonly lastError: string | null;
}

export interface FeedHealth {
  readonly at: number;
  readonly eligible: readonly number[];
  readonly panic: boolean;
  readonly nodes: readonly FeedNode[];
}

export interface FeedNodeStats {
  readonly nodeId: number;
  readonly requestsPerSecond: number;
  /** Failed attempts on this node per second. */
  readonly failuresPerSecond: number;
  /** Latency of the requests it answered in the interval (first attempt to reply), or null with none. */
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  readonly open: number;
  readonly inFlight: number;
}

export interface FeedStats {
  /** Wall-clock ms at the end of the interval. */
  readonly at: number;
  readonly requestsPerSecond: number;
  readonly failuresPerSecond: number;
  readonly retriesPerSecond: number;
  /** Since the dashboard started. */
  readonly totals?: { readonly requests: number; readonly failures: number; readonly retries: number };
  readonly nodes: readonly FeedNodeStats[];
}

/** Sent once on connect: what the page cannot know by itself. */
export interface FeedInfo {
  /** Wall-clock ms when the dashboard started (totals count from here). */
  readonly startedAt: number;
  /** The rules in force, one line each ("health: …", "retry: …", "balancer: …"). */
  readonly rules: readonly string[];
  /** Take-out / put-back buttons are offered (`--allow-control` on loopback). */
  readonly allowControl: boolean;
  /** New log lines per second before the log counts the rest on one "not itemised" line. */
  readonly maxNewLinesPerSecond: number;
}

/** Something done to the cluster from outside (the demo's faults and heals, a control button): a chart marker. */
export interface FeedMarker {
  /** Wall-clock ms. */
  readonly at: number;
  readonly kind: 'fault' | 'heal' | 'control';
  /** A few words for the chart ("kill 1"); `text` says it all (tooltip, log). */
  readonly label?: string;
  readonly text: string;
  readonly nodeId?: number;
}

/** One line of the event log (kept by the server). */
export interface LogLine {
  readonly id: number;
  /** What makes two events "the same": type, node, code, reason. */
  readonly key: string;
  readonly kind: string;
  readonly text: string;
  readonly count: number;
  /** Wall-clock ms of the first and the latest event folded here. */
  readonly first: number;
  readonly last: number;
  readonly nodeId?: number;
}

export interface FeedEvent {
  readonly type: string;
  readonly at: number;
  /** Wall-clock ms when the dashboard saw it. */
  readonly wallTime?: number;
  readonly [key: string]: unknown;
}
