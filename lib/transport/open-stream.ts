import { ErrorCode, RouterError } from '../errors.js';
import type { NodeAddress } from '../types.js';
import type { ByteStream } from './byte-stream.js';
import { connectWebSocket, type WebSocketConstructor } from './connect-websocket.js';
import type { TlsOptions } from './connector.js';

/** Options of {@link openStream}. */
export interface OpenStreamOptions {
  readonly timeoutMs: number;
  readonly tls?: TlsOptions;
  readonly WebSocket?: WebSocketConstructor;
  /** The decoder's message limit, enforced by WebSocket streams on arrival (see `connectWebSocket`). */
  readonly maxMessageBytes?: number;
  /** Aborting it gives up the connect in progress (socket destroyed, timer cleared) and any fallback. */
  readonly signal?: AbortSignal;
}

/**
 * Opens a byte stream to a node over the best protocol it offers (`address.alternatives`, best first), falling
 * back to the next when a connect fails; rejects with the last failure. TCP and TLS are loaded only when used,
 * so a browser bundle (WebSocket only) never touches `node:net`.
 */
export async function openStream(address: NodeAddress, options: OpenStreamOptions): Promise<ByteStream> {
  const candidates = address.alternatives.length > 0 ? address.alternatives : [address];
  let last: unknown;
  for (const candidate of candidates) {
    if (options.signal?.aborted) break;
    try {
      if (candidate.protocol === 'ws' || candidate.protocol === 'wss') {
        return await connectWebSocket(candidate, {
          timeoutMs: options.timeoutMs,
          WebSocket: options.WebSocket,
          signal: options.signal,
          maxMessageBytes: options.maxMessageBytes,
        });
      }
      const { connectSocket } = await import('./connector.js');
      return await connectSocket(candidate, {
        timeoutMs: options.timeoutMs,
        tls: options.tls,
        signal: options.signal,
      });
    } catch (err) {
      last = err;
    }
  }
  if (options.signal?.aborted) {
    throw new RouterError(ErrorCode.PoolClosed, `connect to ${address.label} aborted: the pool is closed`, {
      retryable: true,
    });
  }
  throw last;
}
