import type { HealthNodes, NodeHealth, NodeId } from '../types.js';

const chunkSize = 32;

/**
 * An immutable map of node health keyed by `NodeId` (any ids: router-assigned, increasing, never reused — never
 * positions), iterated in ascending id order. Nodes sit in chunks of 32 behind an id → position index, so that a
 * health change copies one chunk and the chunk list (about √n work for n nodes) instead of the whole cluster;
 * snapshots share every chunk that did not change and the index until membership changes. Adding or removing a
 * node rebuilds the map (O(n), once per membership change). `JSON.stringify` gives the array of values.
 */
export class NodeMap implements HealthNodes {
  private readonly chunks: readonly (readonly NodeHealth[])[];
  private readonly index: ReadonlyMap<NodeId, number>;
  readonly size: number;

  private constructor(chunks: readonly (readonly NodeHealth[])[], index: ReadonlyMap<NodeId, number>) {
    this.chunks = chunks;
    this.index = index;
    this.size = index.size;
  }

  /** From nodes of distinct ids, in any order (a duplicate id is a RangeError). */
  static of(nodes: readonly NodeHealth[]): NodeMap {
    const sorted = nodes.slice().sort((a, b) => a.nodeId - b.nodeId);
    const chunks: NodeHealth[][] = [];
    const index = new Map<NodeId, number>();
    sorted.forEach((node, i) => {
      if (index.has(node.nodeId)) throw new RangeError(`node id ${node.nodeId} appears twice`);
      index.set(node.nodeId, i);
      (chunks[Math.floor(i / chunkSize)] ??= []).push(node);
    });
    return new NodeMap(chunks, index);
  }

  get(id: NodeId): NodeHealth | undefined {
    const i = this.index.get(id);
    return i === undefined ? undefined : this.chunks[Math.floor(i / chunkSize)]![i % chunkSize];
  }

  has(id: NodeId): boolean {
    return this.index.has(id);
  }

  /** A new map with one node replaced (a RangeError when its id is not in the map); `this` is unchanged. */
  with(node: NodeHealth): NodeMap {
    const i = this.index.get(node.nodeId);
    if (i === undefined) throw new RangeError(`no node ${node.nodeId}`);
    const c = Math.floor(i / chunkSize);
    const chunk = this.chunks[c]!.slice();
    chunk[i % chunkSize] = node;
    const chunks = this.chunks.slice();
    chunks[c] = chunk;
    return new NodeMap(chunks, this.index);
  }

  /** A new map with `node` added (a RangeError when its id is already in the map). */
  added(node: NodeHealth): NodeMap {
    if (this.index.has(node.nodeId)) throw new RangeError(`node id ${node.nodeId} appears twice`);
    return NodeMap.of([...this.values(), node]);
  }

  /** A new map without node `id` (`this` itself when it has no such node). */
  without(id: NodeId): NodeMap {
    if (!this.index.has(id)) return this;
    return NodeMap.of([...this.values()].filter((n) => n.nodeId !== id));
  }

  *values(): MapIterator<NodeHealth> {
    for (const chunk of this.chunks) yield* chunk;
  }

  *keys(): MapIterator<NodeId> {
    for (const node of this.values()) yield node.nodeId;
  }

  *entries(): MapIterator<[NodeId, NodeHealth]> {
    for (const node of this.values()) yield [node.nodeId, node];
  }

  [Symbol.iterator](): MapIterator<[NodeId, NodeHealth]> {
    return this.entries();
  }

  forEach(callback: (value: NodeHealth, key: NodeId, map: ReadonlyMap<NodeId, NodeHealth>) => void): void {
    for (const node of this.values()) callback(node, node.nodeId, this);
  }

  /** The nodes as plain data, ascending id. */
  toJSON(): NodeHealth[] {
    return [...this.values()];
  }
}
