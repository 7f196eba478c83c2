/** Byte offsets and sizes of the wire format (docs/architecture.md, Wire format). Shared by the encoder and the decoder. */
export const Layout = {
  /** u32 BE length prefix. */
  prefixBytes: 4,
  /** flag u8 before the message. */
  flagBytes: 1,
  /** sender, recipient, sequence, timestamp (u64/i64 LE each), type (u32 LE), payloadLength (u64 LE). */
  headerBytes: 8 * 4 + 4 + 8,
  /** Offset of the type field inside the message. */
  typeOffset: 32,
  /** Offset of payloadLength inside the message. */
  payloadLengthOffset: 36,
  /** CRC-32 u32 LE after the payload. */
  checksumBytes: 4,
  /** Bytes of the message that the checksum covers before the payload: the four u64s and the type's low byte. */
  checksummedHeaderBytes: 33,
  /** u32 LE raw size before an LZ4 block. */
  lz4SizeBytes: 4,
  /**
   * The reference client's reader (`read_message`) refuses a frame whose length prefix (flag + message) is over
   * 1,048,576 bytes (1 MiB), though its writer produces such frames.
   */
  referenceMaxFrameLength: 1024 * 1024,
  /**
   * Default limit on a message: 1,048,575 bytes, so a frame's length prefix (flag + message) is at most
   * 1,048,576 and the reference's reader accepts every frame sent by default.
   */
  defaultMaxMessageBytes: 1024 * 1024 - 1,
  flagPlain: 0,
  flagLz4: 1,
  messageTypeCount: 12,
} as const;

/** Smallest valid message: header plus checksum, empty payload. */
export const minMessageBytes = Layout.headerBytes + Layout.checksumBytes;
