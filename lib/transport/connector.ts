import net from 'node:net';
import tls from 'node:tls';
import { ErrorCode, RouterError } from '../errors.js';
import type { NodeAddress } from '../types.js';

/** TLS options passed through to `tls.connect` (CA, client certificate for mutual TLS, servername …). */
export type TlsOptions = Omit<tls.ConnectionOptions, 'host' | 'port' | 'socket'>;

/** Options of {@link connectSocket}. */
export interface ConnectOptions {
  /** Bound on TCP connect plus TLS handshake. @defaultValue 5000 */
  readonly timeoutMs?: number;
  /** For `tls` addresses; the server certificate is verified unless `rejectUnauthorized: false`. */
  readonly tls?: TlsOptions;
  /** Aborting it gives up the connect: socket destroyed, timer cleared, a retryable `ERR_POOL_CLOSED`. */
  readonly signal?: AbortSignal;
}

/** Opens a socket to a node: TCP_NODELAY and keepalive on, TLS verified by default. */
export type Connector = (address: NodeAddress, options: ConnectOptions) => Promise<net.Socket>;

/**
 * The TCP / TLS connector. Failures are typed and retryable where another try can help:
 * `ERR_CONNECT_REFUSED`, `ERR_CONNECT_TIMEOUT`, `ERR_CONNECT_FAILED` (retryable); `ERR_TLS` (a certificate or
 * handshake the client rejects: not retryable).
 */
export const connectSocket: Connector = (address, options) => {
  const timeoutMs = options.timeoutMs ?? 5000;
  const signal = options.signal;
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortedError(address.label));
    const socket =
      address.protocol === 'tls'
        ? tls.connect({
            servername: net.isIP(address.host) ? undefined : address.host,
            ...options.tls,
            host: address.host,
            port: address.port,
          })
        : net.connect({ host: address.host, port: address.port });
    const readyEvent = address.protocol === 'tls' ? 'secureConnect' : 'connect';
    const timer = setTimeout(() => {
      fail(
        new RouterError(
          ErrorCode.ConnectTimeout,
          `connect to ${address.label} timed out after ${timeoutMs} ms`,
          { retryable: true },
        ),
      );
    }, timeoutMs);
    const onError = (err: NodeJS.ErrnoException) => fail(classify(err, address));
    const onClose = () =>
      fail(
        new RouterError(ErrorCode.ConnectFailed, `${address.label} closed during connect`, {
          retryable: true,
        }),
      );
    const onAbort = () => fail(abortedError(address.label));
    signal?.addEventListener('abort', onAbort, { once: true });
    function fail(err: RouterError) {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.off(readyEvent, onReady);
      socket.off('close', onClose);
      socket.destroy();
      reject(err);
    }
    function onReady() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.off('error', onError);
      socket.off('close', onClose);
      socket.setNoDelay(true);
      socket.setKeepAlive(true, 30_000);
      resolve(socket);
    }
    socket.once(readyEvent, onReady);
    socket.once('error', onError);
    socket.once('close', onClose);
  });
};

/** The error of a connect given up because its pool closed. */
export function abortedError(where: string): RouterError {
  return new RouterError(ErrorCode.PoolClosed, `connect to ${where} aborted: the pool is closed`, {
    retryable: true,
  });
}

function classify(err: NodeJS.ErrnoException, address: NodeAddress): RouterError {
  const where = address.label;
  if (err.code === 'ECONNREFUSED') {
    return new RouterError(ErrorCode.ConnectRefused, `${where} refused the connection`, {
      retryable: true,
      cause: err,
    });
  }
  if (typeof err.code === 'string' && /CERT|SSL|TLS|SELF_SIGNED|HOSTNAME|ALTNAME/.test(err.code)) {
    return new RouterError(ErrorCode.Tls, `TLS with ${where} failed: ${err.message}`, { cause: err });
  }
  return new RouterError(ErrorCode.ConnectFailed, `connect to ${where} failed: ${err.message}`, {
    retryable: true,
    cause: err,
  });
}
