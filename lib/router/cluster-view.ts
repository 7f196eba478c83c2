import { type ClusterHealth, HealthStatus, type NodeId } from '../types.js';
import type { Nodes } from './nodes.js';

/**
 * The router's view of its cluster for routing: the latest `health$` snapshot and, per node, the figures a pick
 * reads (O(1) each): the load of its pool, its smoothed reply time (its pool's, else its probes'), and when it
 * came back from down.
 */
export class ClusterView {
  private readonly nodes: Nodes;
  private health: ClusterHealth | undefined;

  constructor(nodes: Nodes) {
    this.nodes = nodes;
  }

  /** The latest snapshot (undefined before the first). */
  get latest(): ClusterHealth | undefined {
    return this.health;
  }

  /** The eligible nodes, in id order. */
  get eligible(): readonly NodeId[] {
    return this.health?.eligible ?? [];
  }

  /** Takes a new snapshot. */
  update(health: ClusterHealth): void {
    this.health = health;
  }

  load(id: NodeId): number {
    return this.nodes.get(id)?.pool.load ?? 0;
  }

  /** The node's smoothed reply time: its pool's, else its probes', else -1. */
  rttMs(id: NodeId): number {
    const ms = this.nodes.get(id)?.pool.latencyMs ?? -1;
    if (ms >= 0) return ms;
    const probed = this.health?.nodes.get(id)?.rttMs;
    return typeof probed === 'number' && probed >= 0 ? probed : -1;
  }

  recoveredAt(id: NodeId): number {
    const at = this.health?.nodes.get(id)?.recoveredAt;
    return typeof at === 'number' && at >= 0 ? at : -1;
  }

  /**
   * Whether every node (draining ones aside) rejected the router's credentials (`unusable`, reason `auth`): a
   * request then fails at once with `ERR_AUTH_FAILED` instead of waiting for its deadline. Walks the nodes: asked
   * only when no node is eligible.
   */
  allRejected(): boolean {
    const health = this.health;
    if (!health || health.eligible.length > 0) return false;
    let rejected = 0;
    for (const node of health.nodes.values()) {
      if (node.status === HealthStatus.Unusable) rejected++;
      else if (node.status !== HealthStatus.Draining) return false;
    }
    return rejected > 0;
  }

  /**
   * Whether some node has not been contacted yet: a request waiting for a node may still get one (close() drains
   * it then). Walks the nodes: asked only when close() begins.
   */
  firstContactPending(): boolean {
    const health = this.health;
    if (!health) return true;
    for (const node of health.nodes.values()) if (node.status === HealthStatus.Joining) return true;
    return false;
  }
}
