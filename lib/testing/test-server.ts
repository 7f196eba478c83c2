import type net from 'node:net';
import type { WebSocketServer } from 'ws';
import { FrameDecoder } from '../wire/frame-decoder.js';
import { type Message, MessageType } from '../wire/message.js';
import { AdminResponder } from './admin-responder.js';
import { type AnswerContext, answerRequest } from './answer-request.js';
import { applyFault } from './apply-fault.js';
import { AuthGate, type AuthStats } from './auth-gate.js';
import { authReply } from './auth-reply.js';
import { encodeReply } from './encode-reply.js';
import { ExecutionCounter } from './execution-counter.js';
import type { Fault } from './fault.js';
import { FaultInjector } from './fault-injector.js';
import type { FaultStats } from './fault-stats.js';
import { allFeatures, type Feature } from './feature-negotiation.js';
import { FrameFlags } from './frame-flags.js';
import { listenTcp } from './listen-tcp.js';
import { ReplyWriter } from './reply-writer.js';
import type { ConnectionState, ServerConnection } from './server-connection.js';
import { serverMaxMessageBytes } from './server-max-message-bytes.js';
import type { TestServerOptions } from './test-server-options.js';
import { listenWebSocket } from './ws-server-socket.js';

export type { ServerConnection } from './server-connection.js';
export type { DataHandler, TestServerOptions } from './test-server-options.js';

/**
 * A real q-distributed-database node for tests: it listens on TCP, speaks the wire protocol (docs/architecture.md, Wire format), and
 * takes faults at any time.
 *
 * Replies: Ping → Pong, Data → Data (the handler's payload; echo by default), Heartbeat → Heartbeat,
 * FeatureNegotiation → the node's `features` (bincode, as the reference client encodes them), Admin → a JSON
 * result (see `admin-command.ts`), any other type → Ack. Every reply carries its request's sequence number;
 * replies are written in the order requests complete, and many requests may be in flight on one connection.
 *
 * Faults: `setFault({ kind, rate? … })` / `clearFault()` (the catalogue is in `fault.ts` and docs/testing.md);
 * they apply to open and new connections. `executions(id)` counts how often a request was executed.
 */
export class TestServer {
  readonly host: string;
  readonly nodeId: number;
  private portNumber: number;
  private server: net.Server | undefined;
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
  private readonly random: () => number;
  private readonly faults: FaultInjector;
  private readonly counter: ExecutionCounter;
  /** Features answered to FeatureNegotiation. */
  readonly features: readonly Feature[];
  private readonly context: AnswerContext;
  /** Answers `ListNodes` (bincode admin requests); `bincodeAdmin.listNodesCount` counts them. */
  readonly bincodeAdmin: AdminResponder;
  /** With `auth`: handshakes accepted and rejected, requests refused before one, requests on expired sessions. */
  readonly authStats: AuthStats = { accepted: 0, rejected: 0, unauthenticated: 0, expired: 0 };

  private constructor(private readonly options: TestServerOptions) {
    this.host = options.host ?? '127.0.0.1';
    this.portNumber = options.port ?? 0;
    this.nodeId = options.nodeId ?? 1;
    this.failuresLeft = options.failures ?? 0;
    this.wsPortNumber = options.wsPort ?? 0;
    this.features = options.features ?? allFeatures;
    this.random = options.random ?? Math.random;
    this.counter = new ExecutionCounter(options.executionCounter);
    this.faults = new FaultInjector(this.random, (fault, previous) =>
      this.faults.changed(this.connections.values(), fault, previous, this.paused),
    );
    if (options.fault) this.faults.set(options.fault);
    this.bincodeAdmin = new AdminResponder(options.listNodes, () => this);
    this.context = {
      nodeId: this.nodeId,
      features: this.features,
      executions: this.counter,
      admin: this,
      handler: options.handler ?? ((request) => request.payload),
      takeData: () => this.failuresLeft > 0 && this.failuresLeft-- > 0,
      countPing: () => void this.pings++,
      bincodeAdmin: (request) => this.bincodeAdmin.answer(request),
    };
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
    if (!this.options.websocket) throw new Error('this TestServer was started without { websocket: true }');
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

  /** Frames received LZ4-compressed (flag 1), on every connection since start: did the client compress? */
  get compressedFrameCount(): number {
    return this.history.reduce((sum, c) => sum + c.flags.compressed, 0);
  }

  /** Pings answered. */
  get pingCount(): number {
    return this.pings;
  }

  /** Connections closed for bad input (garbage, bad checksum, oversized length …). */
  get badInputCount(): number {
    return this.badInput;
  }

  /** The active fault (defaults filled in), and how many requests (or connections) each kind hit so far. */
  get faultStats(): FaultStats {
    return { fault: this.faults.fault, injected: this.faults.injected, total: this.faults.injectedCount };
  }

  /**
   * Injects a fault into open and new connections, replacing any other; `rate` < 1 hits that fraction of requests
   * (connections for `never-read`, `close-on-accept`). Throws a `TypeError` for an invalid fault.
   */
  setFault(fault: Fault): void {
    this.faults.set(fault);
  }

  /** Back to correct behaviour: connections stopped by `never-read` read again. */
  clearFault(): void {
    this.faults.clear();
  }

  /**
   * How many times the request with this id (or this payload: its bytes up to the first space or newline, at
   * most 64) was executed. Exact for the last 65 536 distinct ids; see `ExecutionCounter` for older ones.
   */
  executions(payloadOrId: Uint8Array | string): number {
    return this.counter.count(payloadOrId);
  }

  /**
   * Data requests executed (not those failed on purpose by `failNext`), executions of an id already executed
   * (0 while every request ran at most once), and ids no longer counted exactly.
   */
  get executionStats(): { readonly executions: number; readonly repeated: number; readonly evicted: number } {
    const c = this.counter;
    return { executions: c.executions, repeated: c.repeated, evicted: c.evicted };
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
    for (const c of this.connections.values()) if (!c.neverRead) c.socket.resume();
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
    this.faults.clear();
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
    this.server = await listenTcp(this.host, this.portNumber, this.options.tls, (socket) =>
      this.accept(socket),
    );
    this.portNumber = (this.server.address() as net.AddressInfo).port;
    if (!this.options.websocket) return;
    this.wss = await listenWebSocket(this.host, this.wsPortNumber, (s) =>
      this.accept(s as unknown as net.Socket),
    );
    this.wsPortNumber = (this.wss.address() as net.AddressInfo).port;
  }

  private accept(socket: net.Socket): void {
    const state: ConnectionState = {
      id: this.nextConnectionId++,
      socket,
      open: true,
      requests: 0,
      decoder: new FrameDecoder({ maxMessageBytes: serverMaxMessageBytes(this.options) }),
      writer: new ReplyWriter(socket),
      flags: new FrameFlags(),
      neverRead: false,
      auth: this.options.auth && new AuthGate(this.options.auth, this.authStats),
    };
    this.connections.set(state.id, state);
    this.history.push(state);
    socket.on('error', () => {});
    socket.on('close', () => {
      state.open = false;
      state.writer.close();
      this.connections.delete(state.id);
    });
    if (!this.faults.accept(state, this.paused)) return;
    socket.on('data', (chunk) => this.receive(state, chunk));
  }

  private receive(state: ConnectionState, chunk: Uint8Array): void {
    state.flags.push(chunk);
    let messages: Message[];
    try {
      messages = state.decoder.push(chunk);
    } catch {
      this.badInput++;
      state.socket.destroy();
      return;
    }
    for (const message of messages) {
      const verdict = state.auth?.check(message);
      if (verdict?.pass === false) {
        authReply(state, message, verdict, this.nodeId);
        if (verdict.close) return;
        continue;
      }
      if (message.type === MessageType.Data) {
        this.requests++;
        state.requests++;
      }
      this.track(this.answer(state, message));
    }
  }

  private track(work: Promise<void>): void {
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work));
  }

  private async answer(state: ConnectionState, request: Message): Promise<void> {
    const fault = this.faults.hitsReply(request.type); // decided on arrival, in order
    const reply = await answerRequest(this.context, request);
    if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
    const out = fault ? applyFault(fault, reply, this.random) : { chunks: [encodeReply(reply)] };
    const write = () => {
      if (state.open && !state.socket.destroyed) state.writer.write(out);
    };
    if (this.paused) this.held.push(write);
    else write();
  }
}
