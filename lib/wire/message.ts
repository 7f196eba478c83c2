/** Message types of the q-distributed-database wire protocol (docs/architecture.md, Wire format). */
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
 * One protocol message. The 64-bit fields are JavaScript numbers while in the safe integer range and `bigint`
 * outside it (a u64 from 2^53, an i64 below -(2^53 - 1)): every value the reference client can send decodes
 * losslessly and re-encodes to the same bytes. `encodeFrame` accepts either form.
 */
export interface Message {
  /** Sender node id (u64); the client is 0. */
  readonly sender: number | bigint;
  /** Recipient node id (u64; 1-based position in `hosts`). */
  readonly recipient: number | bigint;
  /** Sequence number (u64); a reply carries the sequence number of its request. */
  readonly sequence: number | bigint;
  /** Milliseconds since the epoch (i64). */
  readonly timestamp: number | bigint;
  readonly type: MessageType;
  readonly payload: Uint8Array;
}
