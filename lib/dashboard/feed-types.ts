/** The dashboard feed's JSON shapes (SSE `health`, `stats` and `event` messages). Browser-safe. */

export interface FeedNode {
  readonly nodeId: number;
  readonly address: string;
  readonly status: string;
  readonly reason: string;
  readonly rttMs: number;
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
  readonly at: number;
  readonly requestsPerSecond: number;
  readonly failuresPerSecond: number;
  readonly retriesPerSecond: number;
  readonly nodes: readonly FeedNodeStats[];
}

export interface FeedEvent {
  readonly type: string;
  readonly at: number;
  readonly [key: string]: unknown;
}
