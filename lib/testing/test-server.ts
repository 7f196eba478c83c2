import net from 'node:net';
import tls from 'node:tls';
import type { WebSocketServer } from 'ws';
import { encodeFrame } from '../wire/encode.js';
import { FrameDecoder } from '../wire/frame-decoder.js';
import { type Message, MessageType } from '../wire/message.js';
import { adminCommand } from './admin-command.js';
import { dataReply } from './data-reply.js';
import { listenWebSocket } from './ws-server-socket.js';

/** Computes the payload of a Data reply; the default echoes the request's payload. */
export type DataHandler = (request: Message) => Uint8Array | Promise<Uint8Array>;

/** Options of {@link TestServer.start}. */
export interface TestServerOptions {
  /** Port to listen on; 0 picks a free one. @defaultValue 0 */
  readonly port?: number;
  /** Interface to listen on. @defaultValue '127.0.0.1' */
  readonly host?: string;
  /** The node id this server answers as (the `sender` of its replies). @defaultValue 1 */
  readonly nodeId?: number;
  /** Payload of Data replies. @defaultValue echo */
  readonly handler?: DataHandler;
  /** Data requests to fail (retryable Error reply) from the start. @defaultValue 0 */
  readonly failures?: number;
  /** Largest message accepted from a client. @defaultValue 1048576 */
  readonly maxMessageBytes?: number;
  /** Serve TLS with these options (`key`, `cert`, `ca`, `requestCert` …) instead of plain TCP. */
  readonly tls?: tls.TlsOptions;
  /** Also accept WebSocket clients (one binary message per frame) on a port of their own: see `wsUrl`. */
  readonly websocket?: boolean;
  /** The WebSocket port; 0 picks a free one. @defaultValue 0 */
  readonly wsPort?: number;
}

/** One accepted connection, as the server saw it. */
export interface ServerConnection {
  readonly id: number;
  readonly open: boolean;
  /** Data requests received on it. */
  readonly requests: number;
}

interface ConnectionState {
  id: number;
  socket: net.Socket;
  open: boolean;
  requests: number;
  decoder: FrameDecoder;
}

/**
 * A real q-distributed-database node for tests: it listens on TCP, speaks the wire protocol (DESIGN §3), and
 * takes faults at any time.
 *
 * Replies: Ping → Pong, Data → Data (the handler's payload; echo by default), Heartbeat → Heartbeat,
 * FeatureNegotiation → FeatureNegotiation (payload echoed), Admin → a JSON result (see `admin-command.ts`),
 * any other type → Ack. Every reply carries its request's sequence number; replies are written in the order
 * requests complete, and many requests may be in flight on one connection.
 */
export class TestServer {
  readonly host: string;
  readonly nodeId: number;
  private portNumber: number;
  private server: net.Server | undefined;
  private readonly handler: DataHandler;
  private readonly maxMessageBytes: number;
  private readonly tlsOptions: tls.TlsOptions | undefined;
  private readonly websocket: boolean;
  private wsPortNumber: number;
  private wss: WebSocketServer | undefined;
  private readonly connections = new Map<number, ConnectionState>();
  private readonly history: ConnectionState[] = [];
  private nextConnectionId = 1;
  private failuresLeft: number;
  private latencyMs = 0;
  private paused = false;
  private held: Array<() => void> = [];
  private readonly pending = new Set<Promise<void>>();
  private requests = 0;
  private pings = 0;
  private badInput = 0;

  private constructor(options: TestServerOptions) {
    this.host = options.host ?? '127.0.0.1';
    this.portNumber = options.port ?? 0;
    this.nodeId = options.nodeId ?? 1;
    this.handler = options.handler ?? ((request) => request.payload);
    this.failuresLeft = options.failures ?? 0;
    this.maxMessageBytes = options.maxMessageBytes ?? 1024 * 1024;
    this.tlsOptions = options.tls;
    this.websocket = options.websocket ?? false;
    this.wsPortNumber = options.wsPort ?? 0;
  }

  /** Starts a server and resolves once it is listening. */
  static async start(options: TestServerOptions = {}): Promise<TestServer> {
    const server = new TestServer(options);
    await server.listen();
    return server;
  }

  /** Starts a server whose first `failures` Data requests get a retryable Error reply. */
  static startWithFailures(failures: number, options: TestServerOptions = {}): Promise<TestServer> {
    return TestServer.start({ ...options, failures });
  }

  /** `'127.0.0.1:PORT'`. */
  get address(): string {
    return `${this.host}:${this.portNumber}`;
  }

  get port(): number {
    return this.portNumber;
  }

  /** `ws://127.0.0.1:PORT/` when started with `websocket: true`. */
  get wsUrl(): string {
    if (!this.websocket) throw new Error('this TestServer was started without { websocket: true }');
    return `ws://${this.host}:${this.wsPortNumber}/`;
  }

  /** True while listening (false after `kill()` or `stop()`, until `restart()`). */
  get listening(): boolean {
    return this.server?.listening ?? false;
  }

  /** Ids of every connection accepted since start, in order. */
  get connectionIds(): readonly number[] {
    return this.history.map((c) => c.id);
  }

  /** Every connection accepted since start, with whether it is open and its request count. */
  get connectionList(): readonly ServerConnection[] {
    return this.history.map(({ id, open, requests }) => ({ id, open, requests }));
  }

  /** Connections open now. */
  get openConnectionCount(): number {
    return this.connections.size;
  }

  /** Data requests received (including those answered with an injected failure). */
  get requestCount(): number {
    return this.requests;
  }

  /** Pings answered. */
  get pingCount(): number {
    return this.pings;
  }

  /** Connections closed for bad input (garbage, bad checksum, oversized length …). */
  get badInputCount(): number {
    return this.badInput;
  }

  /** The next `n` Data requests get a retryable Error reply (`INJECTED_FAILURE`). */
  failNext(n: number): void {
    this.failuresLeft = n;
  }

  /** Delays every reply by `ms` from now on. */
  setLatency(ms: number): void {
    this.latencyMs = ms;
  }

  /** A hung node: sockets stay open, nothing is read or answered (replies due are held) until `resume()`. */
  pause(): void {
    this.paused = true;
    for (const c of this.connections.values()) c.socket.pause();
  }

  resume(): void {
    this.paused = false;
    for (const c of this.connections.values()) c.socket.resume();
    const held = this.held;
    this.held = [];
    for (const write of held) write();
  }

  /** Resets every open socket; keeps listening. */
  dropConnections(): void {
    for (const c of this.connections.values()) c.socket.resetAndDestroy();
  }

  /** Abrupt crash: resets every socket and stops listening. `restart()` brings it back on the same port. */
  kill(): void {
    this.server?.close();
    this.server = undefined;
    this.wss?.close();
    this.wss = undefined;
    this.dropConnections();
    this.held = [];
  }

  /** Listens again on the same port (after `kill()` or `stop()`). */
  async restart(): Promise<void> {
    if (this.listening) return;
    this.paused = false;
    await this.listen();
  }

  /** Graceful: stops accepting, finishes in-flight requests (even when paused), then closes every socket. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    const wss = this.wss;
    this.wss = undefined;
    wss?.close();
    const closed = server ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
    if (this.paused) this.resume();
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
    for (const c of this.connections.values()) c.socket.end();
    await closed;
  }

  private async listen(): Promise<void> {
    await this.listenTcp();
    if (!this.websocket) return;
    this.wss = await listenWebSocket(this.host, this.wsPortNumber, (s) =>
      this.accept(s as unknown as net.Socket),
    );
    this.wsPortNumber = (this.wss.address() as net.AddressInfo).port;
  }

  private listenTcp(): Promise<void> {
    const server = this.tlsOptions
      ? tls.createServer({ ...this.tlsOptions }, (socket) => this.accept(socket))
      : net.createServer({ noDelay: true }, (socket) => this.accept(socket));
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.portNumber, this.host, () => {
        server.off('error', reject);
        this.portNumber = (server.address() as net.AddressInfo).port;
        resolve();
      });
    });
  }

  private accept(socket: net.Socket): void {
    const state: ConnectionState = {
      id: this.nextConnectionId++,
      socket,
      open: true,
      requests: 0,
      decoder: new FrameDecoder({ maxMessageBytes: this.maxMessageBytes }),
    };
    this.connections.set(state.id, state);
    this.history.push(state);
    if (this.paused) socket.pause();
    socket.on('data', (chunk) => this.receive(state, chunk));
    socket.on('error', () => {});
    socket.on('close', () => {
      state.open = false;
      this.connections.delete(state.id);
    });
  }

  private receive(state: ConnectionState, chunk: Uint8Array): void {
    let messages: Message[];
    try {
      messages = state.decoder.push(chunk);
    } catch {
      this.badInput++;
      state.socket.destroy();
      return;
    }
    for (const message of messages) this.track(this.answer(state, message));
  }

  private track(work: Promise<void>): void {
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work));
  }

  private async answer(state: ConnectionState, request: Message): Promise<void> {
    let type: MessageType = request.type;
    let payload: Uint8Array = new Uint8Array(0);
    switch (request.type) {
      case MessageType.Ping:
        this.pings++;
        type = MessageType.Pong;
        break;
      case MessageType.Data:
        this.requests++;
        state.requests++;
        {
          const fail = this.failuresLeft > 0; // decided now, before any await, in arrival order
          if (fail) this.failuresLeft--;
          ({ type, payload } = await dataReply(request, this.handler, fail, this.nodeId));
        }
        break;
      case MessageType.Heartbeat:
      case MessageType.FeatureNegotiation:
        payload = request.payload;
        break;
      case MessageType.Admin:
        payload = adminCommand(this, request.payload);
        break;
      default:
        type = MessageType.Ack;
    }
    if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
    const frame = encodeFrame({
      sender: this.nodeId,
      recipient: request.sender,
      sequence: request.sequence,
      timestamp: Date.now(),
      type,
      payload,
    });
    const write = () => {
      if (state.open && !state.socket.destroyed) state.socket.write(frame);
    };
    if (this.paused) this.held.push(write);
    else write();
  }
}
