/** The dashboard feed's JSON shapes (SSE `health`, `stats`, `history` and `event` messages). Browser-safe. */

export interface FeedNode {
  readonly nodeId: number;
  readonly address: string;
  readonly status: string;
  readonly reason: string;
  /** The status and its reason in words ("heartbeat pings go unanswered"). */
  readonly why: string;
  /** Smoothed heartbeat RTT; null before any sample and while the node is down (the last one is stale). */
  readonly rttMs: number | null;
  /** The last RTT measured, kept for display as stale while the node is down; null before any. */
  readonly lastRttMs: number | null;
  /** Wall-clock ms of the last answered heartbeat; null before any. */
  readonly lastSeenAt: number | null;
  /** Answers much slower than the other nodes (see `slowFactor`). */
  readonly degraded: boolean;
  /** RTT over the median RTT of the other nodes that are not down; null when there is nothing to compare. */
  readonly slowFactor: number | null;
  readonly consecutiveFailures: number;
  readonly since: number;
  readonly manual: boolean;
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
  readonly open: number;
  readonly inFlight: number;
}

export interface FeedStats {
  /** Wall-clock ms at the end of the interval. */
  readonly at: number;
  readonly requestsPerSecond: number;
  readonly failuresPerSecond: number;
  readonly retriesPerSecond: number;
  readonly nodes: readonly FeedNodeStats[];
}

export interface FeedEvent {
  readonly type: string;
  readonly at: number;
  /** Wall-clock ms when the dashboard saw it. */
  readonly wallTime?: number;
  readonly [key: string]: unknown;
}
