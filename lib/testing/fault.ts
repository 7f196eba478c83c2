/**
 * The fault modes of a {@link TestServer} (docs/testing.md, fault catalogue). Names are stable: docs, specs and external checks use them.
 *
 * | kind | what the node does |
 * |---|---|
 * | `gray` | answers Ping and Heartbeat, executes Data but never answers it |
 * | `wrong-type` | answers Data with a Pong carrying the request's sequence |
 * | `bad-error-json` | answers Data with an Error whose payload is not JSON |
 * | `garbage` | the reply's length prefix is kept, its body replaced by random bytes |
 * | `bad-checksum` | the reply's checksum is flipped |
 * | `wrong-sequence` | the reply carries a sequence number the client never issued |
 * | `duplicate-reply` | the reply is written twice |
 * | `huge-length` | the reply is preceded by a length prefix of almost 4 GiB |
 * | `slowloris` | reply bytes dribbled out, `bytesPerWrite` every `intervalMs` |
 * | `never-read` | stops reading its sockets (they stay open; the TCP window fills) |
 * | `close-on-accept` | closes connections as soon as they are accepted (open ones at once) |
 * | `reset-mid-reply` | writes half of the reply, then resets the connection (RST) |
 */
export const FaultKind = {
  Gray: 'gray',
  WrongType: 'wrong-type',
  BadErrorJson: 'bad-error-json',
  Garbage: 'garbage',
  BadChecksum: 'bad-checksum',
  WrongSequence: 'wrong-sequence',
  DuplicateReply: 'duplicate-reply',
  HugeLength: 'huge-length',
  Slowloris: 'slowloris',
  NeverRead: 'never-read',
  CloseOnAccept: 'close-on-accept',
  ResetMidReply: 'reset-mid-reply',
} as const;
export type FaultKind = (typeof FaultKind)[keyof typeof FaultKind];

/** Every fault kind, in the order of the catalogue. */
export const faultKinds: readonly FaultKind[] = Object.values(FaultKind);

/** Which replies a reply fault corrupts. */
export type FaultTarget = 'data' | 'all';

/** A fault to inject with `server.setFault(fault)`. */
export interface Fault {
  readonly kind: FaultKind;
  /**
   * The fraction of requests hit (of connections, for `never-read` and `close-on-accept`), in [0, 1]; the server's
   * injected `random` decides each one. @defaultValue 1
   */
  readonly rate?: number;
  /**
   * Reply faults hit Data replies only (Ping/Heartbeat answered correctly, so the node looks healthy to probes:
   * the hard case), or every reply (`'all'`). Admin replies are never corrupted. @defaultValue 'data'
   */
  readonly target?: FaultTarget;
  /** `slowloris`: bytes per write. @defaultValue 1 */
  readonly bytesPerWrite?: number;
  /** `slowloris`: pause between writes. @defaultValue 50 */
  readonly intervalMs?: number;
  /** Clears itself after this long (useful from another process when the fault stops Admin reaching the node). */
  readonly durationMs?: number;
}

/** A validated fault with every default filled in. */
export interface ActiveFault {
  readonly kind: FaultKind;
  readonly rate: number;
  readonly target: FaultTarget;
  readonly bytesPerWrite: number;
  readonly intervalMs: number;
  readonly durationMs: number | undefined;
}
