import { ErrorCode, RouterError } from '../errors.js';
import type { NodeAddress } from '../types.js';
import { Layout } from '../wire/layout.js';
import type { ByteStream } from './byte-stream.js';
import { type WebSocketLike, WsByteStream } from './ws-byte-stream.js';

/**
 * A WebSocket constructor (the global one, the `ws` package's, or a test double). It is called as
 * `new WebSocket(url, undefined, { maxPayload })`: the `ws` package refuses a larger message from its frame header,
 * before buffering it; a browser ignores the third argument (the stream then refuses the message on arrival).
 */
export type WebSocketConstructor = new (
  url: string,
  protocols?: string | string[],
  options?: { readonly maxPayload?: number },
) => WebSocketLike;

/** Options of {@link connectWebSocket}. */
export interface WebSocketConnectOptions {
  /** Bound on the opening handshake. @defaultValue 5000 */
  readonly timeoutMs?: number;
  /** @defaultValue globalThis.WebSocket, else the `ws` package (Node 20), looked up at each connect */
  readonly WebSocket?: WebSocketConstructor;
  /** Aborting it gives up the handshake (socket closed, timer cleared) with a retryable `ERR_POOL_CLOSED`. */
  readonly signal?: AbortSignal;
  /**
   * The decoder's message limit. A WebSocket message carries one frame, so a message over
   * `maxMessageBytes + 5` (length prefix and flag) is refused: `maxPayload` for the `ws` package, a check on
   * arrival in a browser. Either way the connection closes with `ERR_WIRE_FRAME_TOO_LARGE`.
   * @defaultValue 1048575
   */
  readonly maxMessageBytes?: number;
}

/** The URL of a `ws://` or `wss://` node address. */
export function webSocketUrl(address: NodeAddress): string {
  const host = address.host.includes(':') ? `[${address.host}]` : address.host;
  return `${address.protocol}://${host}:${address.port}${address.path ?? '/'}`;
}

/**
 * Opens a WebSocket to a node. The constructor is looked up when the connection opens (so tests can replace
 * the global). Failures are typed: `ERR_CONNECT_TIMEOUT` (handshake too slow), `ERR_CONNECT_REFUSED`
 * (closed before opening), both retryable.
 */
export async function connectWebSocket(
  address: NodeAddress,
  options: WebSocketConnectOptions = {},
): Promise<ByteStream> {
  const Impl = options.WebSocket ?? (await defaultWebSocket());
  const url = webSocketUrl(address);
  const timeoutMs = options.timeoutMs ?? 5000;
  const signal = options.signal;
  const maxFrameBytes =
    Layout.prefixBytes + Layout.flagBytes + (options.maxMessageBytes ?? Layout.defaultMaxMessageBytes);
  return new Promise((resolve, reject) => {
    const aborted = () =>
      new RouterError(ErrorCode.PoolClosed, `WebSocket ${url} aborted: the pool is closed`, {
        retryable: true,
      });
    if (signal?.aborted) return reject(aborted());
    let ws: WebSocketLike;
    try {
      ws = new Impl(url, undefined, { maxPayload: maxFrameBytes });
    } catch (err) {
      reject(new RouterError(ErrorCode.ConnectFailed, `cannot open ${url}: ${String(err)}`, { cause: err }));
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      ws.onclose = null;
      ws.close();
      reject(
        new RouterError(ErrorCode.ConnectTimeout, `WebSocket ${url} did not open within ${timeoutMs} ms`, {
          retryable: true,
        }),
      );
    }, timeoutMs);
    const onAbort = () => {
      clearTimeout(timer);
      ws.onclose = null;
      ws.onopen = null;
      ws.close();
      reject(aborted());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    ws.onerror = () => {};
    ws.onclose = (event) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      reject(
        new RouterError(
          ErrorCode.ConnectRefused,
          `WebSocket ${url} closed before opening (code ${event.code})`,
          {
            retryable: true,
          },
        ),
      );
    };
    ws.onopen = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(new WsByteStream(ws, url, maxFrameBytes));
    };
  });
}

async function defaultWebSocket(): Promise<WebSocketConstructor> {
  const global = (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (global) return global;
  const ws = (await import('ws')) as unknown as { default: WebSocketConstructor };
  return ws.default;
}
