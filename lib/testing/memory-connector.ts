import type { SchedulerLike } from 'rxjs';
import { ErrorCode, RouterError } from '../errors.js';
import { type CloseReason, Connection } from '../transport/connection.js';
import type { ConnectionOptions } from '../transport/connection-options.js';
import type { NodeAddress, NodeId } from '../types.js';
import { encodeFrame } from '../wire/encode.js';
import { FrameDecoder } from '../wire/frame-decoder.js';
import { type Message, MessageType } from '../wire/message.js';
import { AuthGate, type AuthOptions, type AuthStats } from './auth-gate.js';
import { MemoryStream } from './memory-stream.js';

/** A responder's answer to one request: a reply, or `undefined` for none (a node that swallows it). */
export type MemoryReply = { readonly type: MessageType; readonly payload: Uint8Array } | undefined;

/** Options of {@link memoryConnector}. */
export interface MemoryConnectorOptions {
  /** Time source for everything: connects, bytes on the in-memory streams, replies, the Connection's timers. */
  readonly scheduler: SchedulerLike;
  /** Reply delay per node (scheduler ms after the request's bytes arrive). @defaultValue () => 0 */
  readonly latencyMs?: (nodeId: NodeId) => number;
  /** Refuse connections to this node at once (a retryable `ERR_CONNECT_REFUSED`). @defaultValue () => false */
  readonly refuse?: (nodeId: NodeId) => boolean;
  /** How long a connect takes, in scheduler ms (0: the promise resolves at once). @defaultValue () => 0 */
  readonly connectMs?: (nodeId: NodeId) => number;
  /**
   * The node's answer to a request. @defaultValue echo: Pong to Ping, the request's own type and payload to
   * anything else (Data echoes its payload)
   */
  readonly respond?: (request: Message, nodeId: NodeId) => MemoryReply;
  /** Requests in flight per connection. @defaultValue 1024 */
  readonly maxInFlight?: number;
  /** High-water mark of both stream ends. @defaultValue 16384 */
  readonly highWaterMark?: number;
  /** Record every chunk written on both ends (`client.written`, `server.written`). @defaultValue false */
  readonly record?: boolean;
  /**
   * Nodes that require a handshake first (the TestServer's `auth`), all alike or per node (undefined: none); the
   * session clock is the scheduler's.
   */
  readonly auth?: AuthOptions | ((nodeId: NodeId) => AuthOptions | undefined);
  /** Further options of each Connection (maxBufferedBytes, maxMessageBytes …). @defaultValue {} */
  readonly connection?: Omit<ConnectionOptions, 'scheduler' | 'maxInFlight'>;
}

/** The default responder: echo. */
const echo = (request: Message): MemoryReply => ({
  type: request.type === MessageType.Ping ? MessageType.Pong : request.type,
  payload: request.payload,
});

/**
 * In-memory nodes for unit tests and benchmarks: each connect builds the REAL {@link Connection} over a
 * {@link MemoryStream} pair in scheduler time, whose server end runs a responder (echo after `latencyMs` by
 * default). Nothing of the connection is re-implemented. `opened` lists every connection made, so tests can
 * count, inspect and close them. `connect` takes a node id or a `NodeAddress`, and an optional abort signal,
 * so it plugs into the router as `connect: (address, signal) => memory.connect(address, signal)`.
 */
export function memoryConnector(options: MemoryConnectorOptions) {
  const opened: MemoryConnection[] = [];
  const authStats: AuthStats = { accepted: 0, rejected: 0, unauthenticated: 0, expired: 0 };
  const connect = (node: NodeId | NodeAddress, signal?: AbortSignal): Promise<MemoryConnection> => {
    const nodeId = typeof node === 'number' ? node : node.id;
    const make = (): MemoryConnection => {
      if (options.refuse?.(nodeId)) {
        throw new RouterError(ErrorCode.ConnectRefused, `node ${nodeId} refused the connection`, {
          retryable: true,
        });
      }
      const conn = new MemoryConnection(nodeId, options, authStats);
      opened.push(conn);
      return conn;
    };
    const delay = options.connectMs?.(nodeId) ?? 0;
    if ((delay <= 0 || options.refuse?.(nodeId)) && !signal?.aborted) {
      try {
        return Promise.resolve(make());
      } catch (err) {
        return Promise.reject(err);
      }
    }
    return new Promise((resolve, reject) => {
      const aborted = () =>
        new RouterError(ErrorCode.PoolClosed, `connect to node ${nodeId} aborted`, { retryable: true });
      if (signal?.aborted) return reject(aborted());
      const timer = options.scheduler.schedule(() => {
        signal?.removeEventListener('abort', onAbort);
        try {
          resolve(make());
        } catch (err) {
          reject(err);
        }
      }, delay);
      const onAbort = () => {
        timer.unsubscribe();
        reject(aborted());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  };
  return { connect, opened, authStats };
}

/**
 * A real {@link Connection} over an in-memory stream, with the node's end at hand: `server` (pause it to stop
 * reading), `requests` (how many requests the node received), `drop()` (the socket is lost) and `closeReason`.
 */
export class MemoryConnection extends Connection {
  /** The node's end of the stream. */
  readonly server: MemoryStream;
  /** The client's end of the stream. */
  readonly client: MemoryStream;
  /** Requests the node has received. */
  requests = 0;
  /** With `record`: every request the node has received, in arrival order. */
  readonly received: Message[] = [];
  /** Why it closed, once it has. */
  closeReason: CloseReason | undefined;

  constructor(nodeId: NodeId, options: MemoryConnectorOptions, authStats?: AuthStats) {
    const [client, server] = MemoryStream.pair({
      scheduler: options.scheduler,
      highWaterMark: options.highWaterMark,
      record: options.record,
    });
    super(client, nodeId, {
      ...options.connection,
      scheduler: options.scheduler,
      maxInFlight: options.maxInFlight ?? 1024,
    });
    this.client = client;
    this.server = server;
    void this.closed.then((reason) => (this.closeReason = reason));
    const decoder = new FrameDecoder({ maxMessageBytes: options.connection?.maxMessageBytes });
    const respond = options.respond ?? echo;
    const auth = typeof options.auth === 'function' ? options.auth(nodeId) : options.auth;
    const stats = authStats ?? { accepted: 0, rejected: 0, unauthenticated: 0, expired: 0 };
    const gate = auth ? new AuthGate(auth, stats, () => options.scheduler.now()) : undefined;
    server.on('data', (chunk: Uint8Array) => {
      let messages: Message[];
      try {
        messages = decoder.push(chunk);
      } catch {
        server.destroy(); // a node resets a connection that sends garbage
        return;
      }
      for (const request of messages) {
        this.requests++;
        if (options.record) this.received.push(request);
        const verdict = gate?.check(request);
        const reply = verdict && !verdict.pass ? verdict : respond(request, nodeId);
        if (!reply) continue;
        const frame = encodeFrame({
          sender: nodeId,
          recipient: 0,
          sequence: request.sequence,
          timestamp: Math.floor(options.scheduler.now()),
          type: reply.type,
          payload: reply.payload,
        });
        const delay = options.latencyMs?.(nodeId) ?? 0;
        const close = verdict?.pass === false && verdict.close;
        const write = () => {
          server.write(frame);
          if (close) server.end();
        };
        if (delay <= 0) write();
        else options.scheduler.schedule(write, delay);
        if (close) return; // the node reads nothing more on this connection
      }
    });
  }

  /** The socket is lost: in-flight requests fail with a retryable `ERR_CONNECTION_LOST`. */
  drop(): void {
    this.server.destroy();
  }
}
