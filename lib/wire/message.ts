/** Message types of the q-distributed-database wire protocol (DESIGN §3). */
export const MessageType = {
  Ping: 0,
  Pong: 1,
  Data: 2,
  Ack: 3,
  Error: 4,
  Heartbeat: 5,
  ClusterJoin: 6,
  ClusterLeave: 7,
  Replication: 8,
  Transaction: 9,
  Admin: 10,
  FeatureNegotiation: 11,
} as const;
export type MessageType = (typeof MessageType)[keyof typeof MessageType];

/**
 * One protocol message. Integer fields are JavaScript numbers and must be safe integers
 * (u64 values above 2^53 - 1 are a typed decode error).
 */
export interface Message {
  /** Sender node id; the client is 0. */
  readonly sender: number;
  /** Recipient node id (1-based position in `hosts`). */
  readonly recipient: number;
  /** Sequence number; a reply carries the sequence number of its request. */
  readonly sequence: number;
  /** Milliseconds since the epoch (i64). */
  readonly timestamp: number;
  readonly type: MessageType;
  readonly payload: Uint8Array;
}
