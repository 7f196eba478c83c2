import type { NodeHealth, NodeId } from '../types.js';

const chunkSize = 32;

/**
 * An immutable map of node health keyed by the dense ids 1..n, stored in chunks of 32 so that a change copies
 * one chunk and the chunk index (about √n work for n nodes) instead of the whole cluster. Snapshots share
 * every chunk that did not change.
 */
export class NodeMap implements ReadonlyMap<NodeId, NodeHealth> {
  private readonly chunks: readonly (readonly NodeHealth[])[];
  readonly size: number;

  private constructor(chunks: readonly (readonly NodeHealth[])[], size: number) {
    this.chunks = chunks;
    this.size = size;
  }

  /** From the nodes of ids 1..n, in order. */
  static of(nodes: readonly NodeHealth[]): NodeMap {
    const chunks: NodeHealth[][] = [];
    nodes.forEach((node, i) => {
      if (node.nodeId !== i + 1)
        throw new RangeError(`node ids must be 1..n in order; got ${node.nodeId} at ${i}`);
      (chunks[Math.floor(i / chunkSize)] ??= []).push(node);
    });
    return new NodeMap(chunks, nodes.length);
  }

  get(id: NodeId): NodeHealth | undefined {
    const i = id - 1;
    return this.chunks[Math.floor(i / chunkSize)]?.[i % chunkSize];
  }

  has(id: NodeId): boolean {
    return this.get(id) !== undefined;
  }

  /** A new map with one node replaced; `this` is unchanged. */
  with(node: NodeHealth): NodeMap {
    const i = node.nodeId - 1;
    const c = Math.floor(i / chunkSize);
    const old = this.chunks[c];
    if (!old || i % chunkSize >= old.length) throw new RangeError(`no node ${node.nodeId}`);
    const chunk = old.slice();
    chunk[i % chunkSize] = node;
    const chunks = this.chunks.slice();
    chunks[c] = chunk;
    return new NodeMap(chunks, this.size);
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
}
