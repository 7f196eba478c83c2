import type { NodeId } from '../types.js';
import type { NodeErrorRecord } from './node-report.js';

/**
 * Each node's last error — a failed connect, heartbeat or request on it — kept by the router so that a request
 * that finds no eligible node can say why each node is out (`NoEligibleNodeError.nodes`). One entry per node,
 * overwritten in place: bounded by the node count.
 */
export class NodeErrors {
  private readonly byId = new Map<NodeId, NodeErrorRecord>();
  private latestAt = -Infinity;
  private latestError: unknown;

  /** Records `error` as the node's last one (at scheduler time `at`). */
  record(nodeId: NodeId, error: unknown, at: number): void {
    this.byId.set(nodeId, { error, at });
    if (at >= this.latestAt) {
      this.latestAt = at;
      this.latestError = error;
    }
  }

  get(nodeId: NodeId): NodeErrorRecord | undefined {
    return this.byId.get(nodeId);
  }

  /** Forgets a node (removed from the router). */
  delete(nodeId: NodeId): void {
    this.byId.delete(nodeId);
  }

  /** The most recent error of any node, or undefined. */
  latest(): unknown {
    return this.latestError;
  }
}
