/**
 * The part of a socket a {@link Connection} uses: a TCP or TLS `net.Socket` is one as it is; a WebSocket is one
 * through `WsByteStream`. Browser-safe (types only).
 */
export interface ByteStream {
  on(event: 'data', listener: (chunk: Uint8Array) => void): unknown;
  on(event: 'drain' | 'close', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  /** Queues bytes; false when the caller should wait for 'drain'. */
  write(data: Uint8Array): boolean;
  /** Closes after pending writes. */
  end(): unknown;
  /** Closes at once. */
  destroy(): unknown;
  /** Bytes the stream holds, not yet sent (a `net.Socket`'s own count); absent counts as 0. */
  readonly writableLength?: number;
  /** Batches writes until `uncork` (a no-op where the transport has no such thing). */
  cork(): void;
  uncork(): void;
}
