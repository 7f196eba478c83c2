import type { NodeReport } from '../errors.js';
import type { ClusterHealth, NodeId } from '../types.js';
import type { NoEligibleNodeDetail } from './no-eligible-node-error.js';
import { type NodeErrorRecord, nodeReports } from './node-report.js';

/** The router's nodes as `NodeErrors` reads them: ids and configured addresses. */
export interface NodeList {
  values(): Iterable<{ readonly id: NodeId; readonly address: { readonly label: string } }>;
}

/**
 * Each node's last error — a failed connect, heartbeat or request on it — kept by the router so that a request
 * that finds no eligible node can say why each node is out (`NoEligibleNodeError.nodes`, via `detail()`). One
 * entry per node, overwritten in place: bounded by the node count.
 */
export class NodeErrors {
  private readonly byId = new Map<NodeId, NodeErrorRecord>();
  private latestAt = Number.NEGATIVE_INFINITY;
  private latestError: unknown;
  private readonly nodes: NodeList;
  private readonly health: () => ClusterHealth | undefined;

  /** `nodes`: the router's nodes now; `health`: its latest health snapshot. */
  constructor(nodes: NodeList, health: () => ClusterHealth | undefined) {
    this.nodes = nodes;
    this.health = health;
  }

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

  /** What a `NoEligibleNodeError` says about the nodes now: every node's report, in id order, and the latest error. */
  detail(): NoEligibleNodeDetail {
    const { ids, health, addressOf } = this.view();
    return {
      nodes: nodeReports(ids, health, addressOf, (id) => this.byId.get(id)),
      latestNodeError: this.latestError,
    };
  }

  /** The nodes a request tried (in the order tried), each with its status now and the request's last error there. */
  reportsOf(requestErrors: ReadonlyMap<NodeId, unknown>): NodeReport[] {
    const { health, addressOf } = this.view();
    return nodeReports(requestErrors.keys(), health, addressOf, (id) => ({
      error: requestErrors.get(id),
      at: 0,
    }));
  }

  private view() {
    const health = this.health();
    const labels = new Map<NodeId, string>();
    for (const node of this.nodes.values()) labels.set(node.id, node.address.label);
    const ids = [...labels.keys()].sort((a, b) => a - b);
    const addressOf = (id: NodeId) => health?.nodes.get(id)?.address ?? labels.get(id) ?? `node ${id}`;
    return { ids, health, addressOf };
  }
}
