import { type Message, MessageType } from '../wire/message.js';
import { encodeReply as encodeFrame } from './encode-reply.js';
import { type ActiveFault, FaultKind } from './fault.js';

/** How one reply goes out under a fault: chunks written in order, then maybe a reset; or dribbled. */
export interface FaultyReply {
  /** Written in order (empty: the reply is swallowed). */
  readonly chunks: readonly Uint8Array[];
  /** Reset the connection (RST) once the chunks are written. */
  readonly resetAfter?: boolean;
  /** Dribble the chunks out this many bytes at a time, pausing `intervalMs` between writes. */
  readonly dribble?: { readonly bytesPerWrite: number; readonly intervalMs: number };
}

const notJson = new TextEncoder().encode('<html><body>502 Bad Gateway</body></html>');
/** Added to a reply's sequence by `wrong-sequence`: far beyond any sequence a test client issues. */
const sequenceShift = 2 ** 40;
/** The length prefix `huge-length` writes: almost 4 GiB. */
const hugeLength = 0xfffffff0;

/**
 * The bytes a reply fault puts on the wire instead of `reply` (a correct reply, as the server would have sent it).
 * `random` fills `garbage`. Kinds that are not about replies (`never-read`, `close-on-accept`) leave it intact.
 *
 * ```
 * correct         [len|0|sender recipient seq ts type plen payload crc]
 * bad-checksum    [len|0|sender recipient seq ts type plen payload crc^ff]
 * garbage         [len|random bytes ………………………………………………………………]
 * huge-length     [fffffff0][len|0|… the correct frame …]
 * duplicate-reply [correct frame][correct frame]
 * reset-mid-reply [first half of the frame] RST
 * slowloris       [l][e][n][|]…   bytesPerWrite bytes every intervalMs
 * ```
 */
export function applyFault(fault: ActiveFault, reply: Message, random: () => number): FaultyReply {
  switch (fault.kind) {
    case FaultKind.Gray:
      return { chunks: [] };
    case FaultKind.WrongType:
      return one({ ...reply, type: reply.type === MessageType.Pong ? MessageType.Data : MessageType.Pong });
    case FaultKind.BadErrorJson:
      return one({ ...reply, type: MessageType.Error, payload: notJson });
    case FaultKind.WrongSequence:
      return one({ ...reply, sequence: (Number(reply.sequence) + sequenceShift) % Number.MAX_SAFE_INTEGER });
    case FaultKind.Garbage: {
      const frame = encodeFrame(reply);
      for (let i = 4; i < frame.length; i++) frame[i] = Math.floor(random() * 256);
      return { chunks: [frame] };
    }
    case FaultKind.BadChecksum: {
      const frame = encodeFrame(reply);
      frame[frame.length - 1]! ^= 0xff;
      return { chunks: [frame] };
    }
    case FaultKind.DuplicateReply: {
      const frame = encodeFrame(reply);
      return { chunks: [frame, frame] };
    }
    case FaultKind.HugeLength: {
      const prefix = new Uint8Array(4);
      new DataView(prefix.buffer).setUint32(0, hugeLength);
      return { chunks: [prefix, encodeFrame(reply)] };
    }
    case FaultKind.ResetMidReply: {
      const frame = encodeFrame(reply);
      return { chunks: [frame.subarray(0, Math.max(1, frame.length >> 1))], resetAfter: true };
    }
    case FaultKind.Slowloris:
      return {
        chunks: [encodeFrame(reply)],
        dribble: { bytesPerWrite: fault.bytesPerWrite, intervalMs: fault.intervalMs },
      };
    default:
      return one(reply);
  }
}

function one(message: Message): FaultyReply {
  return { chunks: [encodeFrame(message)] };
}
