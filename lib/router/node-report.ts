import type { NodeReport } from '../errors.js';
import type { ClusterHealth, NodeId } from '../types.js';

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
