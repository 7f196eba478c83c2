/** Shared value types of the router; nothing here has behaviour. */

/** A node's id: its 1-based position in `hosts`. */
export type NodeId = number;

/** Transport protocols a node address may name. */
export type Protocol = 'tcp' | 'tls' | 'ws' | 'wss';

/** A parsed node address. */
export interface NodeAddress {
  readonly id: NodeId;
  readonly host: string;
  readonly port: number;
  readonly protocol: Protocol;
  /** The address as written in the config, normalised to `scheme://host:port` without `tcp://`. */
  readonly label: string;
  /** For `ws://` and `wss://`: the URL path. @defaultValue '/' */
  readonly path?: string;
  /** Every address given for this node (this one included), best protocol first: see `rankAddresses`. */
  readonly alternatives: readonly NodeAddress[];
}

/**
 * A node's health status.
 * - `unknown`: no probe or connect has answered yet; not eligible (a node is not trusted before any contact).
 * - `up`: eligible for requests.
 * - `suspect`: recent failures, not yet down; still eligible (hysteresis: one blip must not flap it out).
 * - `down`: not eligible; re-probed on a backoff schedule. A node ejected by passive health (see
 *   `ejectedUntil`) stays down until its ejection ends, whatever its probes say.
 * - `probation`: a down node whose probes succeed again; not eligible until `rise` successes in a row.
 */
export const HealthStatus = {
  Unknown: 'unknown',
  Up: 'up',
  Suspect: 'suspect',
  Down: 'down',
  Probation: 'probation',
} as const;
export type HealthStatus = (typeof HealthStatus)[keyof typeof HealthStatus];

/** Why a node has its status. */
export type HealthReason = 'initial' | 'connect' | 'probe' | 'passive' | 'manual';

/** One node's health, as a dashboard shows it. */
export interface NodeHealth {
  readonly nodeId: NodeId;
  readonly status: HealthStatus;
  readonly reason: HealthReason;
  /** Consecutive failed probes (or hard failures) since the last success. */
  readonly consecutiveFailures: number;
  /** Consecutive failed requests (passive signals) since the last successful request; probes never reset it. */
  readonly passiveFailures: number;
  /** Times this node was ejected by passive health (reset after a quiet `maxEjectionMs`). */
  readonly ejections: number;
  /** Scheduler time until which the node is ejected (a good probe does not cancel it), or -1. */
  readonly ejectedUntil: number;
  /** Consecutive successes since the last failure. */
  readonly consecutiveSuccesses: number;
  /** Scheduler time of the last probe or request outcome, or -1 before any. */
  readonly lastCheckAt: number;
  /** Smoothed round-trip time in ms (EWMA, alpha 0.2), or -1 before any sample. */
  readonly rttMs: number;
  /** Scheduler time since which the node has had this status. */
  readonly since: number;
  /** Held out by `markNodeUnhealthy` until `markNodeHealthy`. */
  readonly manual: boolean;
  /** Scheduler time when the node last became `up` after being out (for damped traffic), or -1. */
  readonly recoveredAt: number;
}

/** A snapshot of the whole cluster. */
export interface ClusterHealth {
  /** Scheduler time of the snapshot. */
  readonly at: number;
  readonly nodes: ReadonlyMap<NodeId, NodeHealth>;
  /** Ids of the nodes that may receive requests, ascending. */
  readonly eligible: readonly NodeId[];
  /** True when no node is eligible: requests wait (bounded by their deadline) for one to come back. */
  readonly panic: boolean;
  /** Ids of the nodes whose health changed in this snapshot (every id in the first one). */
  readonly changed: readonly NodeId[];
}
