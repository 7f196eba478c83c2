import type { NodeAddress, NodeId } from '../types.js';

/** One node the router knows of (see `Membership`): joining, in service or draining. */
export interface Member {
  /** The router's id for it (increasing, never reused). */
  readonly id: NodeId;
  /** Its address (`address.id === id`), best protocol first, with the alternatives. */
  readonly address: NodeAddress;
  /** The server's own node id, once a `ListNodes` reply said it. */
  readonly serverId?: number | bigint;
  /** Removed from membership: no new picks, finishing what it has. */
  readonly draining: boolean;
  /** For a node added later: its first connect and probe wait this long (spread over `joinSpreadMs`). */
  readonly joinAfterMs?: number;
}

/** A node an update lists: its address (the `id` is ignored) and, from discovery, the server's node id. */
export interface WantedNode {
  readonly address: NodeAddress;
  readonly serverId?: number | bigint;
}
