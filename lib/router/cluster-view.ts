import type { Pool } from '../transport/pool.js';
import { type ClusterHealth, HealthStatus, type NodeId } from '../types.js';
import type { Nodes } from './nodes.js';
import type { NodeFigures } from './select-node.js';

/**
 * The router's view of its cluster for routing: the latest `health$` snapshot and, per node, the figures a pick
 * reads: the load of its pool, its smoothed reply time (its pool's, else its probes'), and when it came back from
 * down. As {@link NodeFigures} they are read by position in the eligible list, through a flat array of the eligible
 * nodes' pools rebuilt only when the eligible set changes (no lookup by id on a pick); `loadOf`, `rttOf` read
 * one node by id.
 */
export class ClusterView implements NodeFigures {
  private readonly nodes: Nodes;
  private health: ClusterHealth | undefined;
  private eligibleIds: readonly NodeId[] = [];
  private eligiblePools: (Pool | undefined)[] = [];
  /** Per eligible position: the probes' smoothed RTT and the recovery time, -1 when none. */
  private probed: number[] = [];
  private recovered: number[] = [];

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

  /**
   * Takes a new snapshot. The flat per-position figures are rebuilt when the eligible set changed (O(n), on a
   * change of membership or health, never per request), else updated for the nodes the snapshot says changed.
   */
  update(health: ClusterHealth): void {
    this.health = health;
    if (health.eligible !== this.eligibleIds) {
      const ids = health.eligible;
      this.eligibleIds = ids;
      this.eligiblePools = ids.map((id) => this.nodes.get(id)?.pool);
      this.probed = ids.map((id) => orNone(health.nodes.get(id)?.rttMs));
      this.recovered = ids.map((id) => orNone(health.nodes.get(id)?.recoveredAt));
      return;
    }
    for (const id of health.changed) {
      const pos = positionOf(this.eligibleIds, id);
      if (pos < 0) continue;
      const node = health.nodes.get(id);
      this.probed[pos] = orNone(node?.rttMs);
      this.recovered[pos] = orNone(node?.recoveredAt);
    }
  }

  /** The load of the eligible node at `position` (NodeFigures). */
  load(position: number): number {
    return this.eligiblePools[position]?.load ?? 0;
  }

  /** The reply time of the eligible node at `position` (NodeFigures). */
  rttMs(position: number): number {
    const ms = this.eligiblePools[position]?.latencyMs ?? -1;
    return ms >= 0 ? ms : (this.probed[position] ?? -1);
  }

  /** When the eligible node at `position` came back from down, or -1 (NodeFigures). */
  recoveredAt(position: number): number {
    return this.recovered[position] ?? -1;
  }

  /** Requests in flight plus waiting at node `id`'s pool. */
  loadOf(id: NodeId): number {
    return this.nodes.get(id)?.pool.load ?? 0;
  }

  /** Node `id`'s smoothed reply time: its pool's, else its probes', else -1. */
  rttOf(id: NodeId): number {
    const ms = this.nodes.get(id)?.pool.latencyMs ?? -1;
    return ms >= 0 ? ms : this.probedRtt(id);
  }

  private probedRtt(id: NodeId): number {
    return orNone(this.health?.nodes.get(id)?.rttMs);
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

/** A figure, or -1 for none (null, undefined, negative). */
function orNone(value: number | null | undefined): number {
  return typeof value === 'number' && value >= 0 ? value : -1;
}

/** The position of `id` in `ids` (ascending), or -1. */
function positionOf(ids: readonly NodeId[], id: NodeId): number {
  let lo = 0;
  let hi = ids.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = ids[mid]!;
    if (v === id) return mid;
    if (v < id) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
