/** Shared value types of the router; nothing here has behaviour. */

/**
 * A node's id, assigned by the router: increasing from 1 in the order nodes join (the initial `hosts` first, in
 * order) and never reused — a node removed and added again gets a new id. Never assume ids are 1..n.
 */
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
 * - `joining`: not contacted yet (a node at startup, or added later by membership); no picks until its first pong
 *   or opened connection.
 * - `up`: eligible for requests.
 * - `suspect`: recent failures, not yet down; still eligible (hysteresis: one blip must not flap it out).
 * - `down`: not eligible; re-probed on a backoff schedule. A node ejected by passive health (see
 *   `ejectedUntil`) stays down until its ejection ends, whatever its probes say.
 * - `probation`: a down node whose probes succeed again; not eligible until `rise` successes in a row.
 * - `draining`: removed from membership; no new picks, its written requests finish (by their deadline), then it
 *   leaves `health$` altogether.
 * - `unusable`: the node rejected the router's credentials (reason `auth`); not a health signal, no picks.
 */
export const HealthStatus = {
  Joining: 'joining',
  Up: 'up',
  Suspect: 'suspect',
  Down: 'down',
  Probation: 'probation',
  Draining: 'draining',
  Unusable: 'unusable',
} as const;
export type HealthStatus = (typeof HealthStatus)[keyof typeof HealthStatus];

/** Why a node has its status. */
export type HealthReason = 'initial' | 'connect' | 'probe' | 'passive' | 'manual' | 'auth' | 'membership';

/** One node's health, as a dashboard shows it. */
export interface NodeHealth {
  readonly nodeId: NodeId;
  /** The node's address label (`NodeAddress.label`, e.g. `127.0.0.1:7000` or `wss://db-1:443`). */
  readonly address: string;
  readonly status: HealthStatus;
  readonly reason: HealthReason;
  /** Consecutive failed probes (or hard failures) since the last success. */
  readonly consecutiveFailures: number;
  /** Consecutive failed requests (passive signals) since the last successful request; probes never reset it. */
  readonly passiveFailures: number;
  /** Times this node was ejected by passive health (reset after a quiet `maxEjectionMs`). */
  readonly ejections: number;
  /** Scheduler time until which the node is ejected (a good probe does not cancel it), or null. */
  readonly ejectedUntil: number | null;
  /** Consecutive successes since the last failure. */
  readonly consecutiveSuccesses: number;
  /** Scheduler time of the last probe or request outcome, or null before any. */
  readonly lastCheckAt: number | null;
  /** Smoothed round-trip time in ms (EWMA, alpha 0.2), or null before any sample. */
  readonly rttMs: number | null;
  /** Scheduler time since which the node has had this status. */
  readonly since: number;
  /** Held out by `markNodeUnhealthy` until `markNodeHealthy`. */
  readonly manual: boolean;
  /** Scheduler time when the node last became `up` after being out or joining (slow start), or null. */
  readonly recoveredAt: number | null;
}

/**
 * The nodes of a {@link ClusterHealth} snapshot: a read-only map keyed by `NodeId`, iterated in ascending id
 * order. `JSON.stringify` gives the array of its `NodeHealth` values (ascending id).
 */
export interface HealthNodes extends ReadonlyMap<NodeId, NodeHealth> {
  toJSON(): NodeHealth[];
}

/**
 * A snapshot of the whole cluster: the current members (joining, in service and draining; a removed node is
 * gone). Plain data: `JSON.stringify(health)` gives `{at, nodes: [NodeHealth…], eligible, panic, changed}`.
 */
export interface ClusterHealth {
  /** Scheduler time of the snapshot. */
  readonly at: number;
  readonly nodes: HealthNodes;
  /** Ids of the nodes that may receive requests, ascending. */
  readonly eligible: readonly NodeId[];
  /**
   * True when no node is eligible although some node has been contacted (requests wait, bounded by their
   * deadline, for one to come back). False before the first contact of any node: a cluster still joining is not
   * in panic.
   */
  readonly panic: boolean;
  /** Ids of the nodes whose health changed in this snapshot (every id in the first one; added and removed ids). */
  readonly changed: readonly NodeId[];
}
