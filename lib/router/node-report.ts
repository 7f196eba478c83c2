import type { ClusterHealth, NodeId } from '../types.js';

/**
 * What the router knew about one node when a request gave up (`NoEligibleNodeError.nodes`): plain data, so
 * `JSON.stringify(err.nodes)` logs it as it reads.
 */
export interface NodeReport {
  readonly nodeId: NodeId;
  /** The node's address as configured (`127.0.0.1:7000`, `tls://db1:7443` …). */
  readonly address: string;
  /** Its health status (`down`, `joining` …), or `null` before the router's first health snapshot. */
  readonly status: string | null;
  /** Why it has that status (`connect`, `probe`, `passive`, `manual` …), or `null`. */
  readonly reason: string | null;
  /** Held out by `markNodeUnhealthy`. */
  readonly manual: boolean;
  /** The code of the node's last error (a connect, a heartbeat or a request on it), or `null` if none yet. */
  readonly code: string | null;
  /** That error's message, or `null`. */
  readonly message: string | null;
}

/** A node's last error as the router keeps it (see `NodeErrors`). */
export interface NodeErrorRecord {
  readonly error: unknown;
  /** Scheduler time it happened. */
  readonly at: number;
}

/**
 * Each node's report, in `ids` order: its status from the latest health snapshot, its address, its last
 * error. Pure: the inputs are the router's state at the moment a request gives up.
 */
export function nodeReports(
  ids: Iterable<NodeId>,
  health: ClusterHealth | undefined,
  addressOf: (id: NodeId) => string,
  lastErrorOf: (id: NodeId) => NodeErrorRecord | undefined,
): NodeReport[] {
  const reports: NodeReport[] = [];
  for (const nodeId of ids) {
    const node = health?.nodes.get(nodeId);
    const last = lastErrorOf(nodeId)?.error as { code?: unknown; message?: unknown } | undefined;
    reports.push({
      nodeId,
      address: addressOf(nodeId),
      status: node?.status ?? null,
      reason: node?.reason ?? null,
      manual: node?.manual ?? false,
      code: last === undefined ? null : typeof last?.code === 'string' ? last.code : 'ERR_UNKNOWN',
      message: last === undefined ? null : typeof last?.message === 'string' ? last.message : String(last),
    });
  }
  return reports;
}
