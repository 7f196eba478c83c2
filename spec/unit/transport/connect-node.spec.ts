import fc from 'fast-check';
import { VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { configDefaults } from '../../../lib/config.js';
import { ErrorCode, RouterError } from '../../../lib/errors.js';
import { advanceTo } from '../../../lib/testing/advance-to.js';
import type { AuthOptions } from '../../../lib/testing/auth-gate.js';
import { type MemoryReply, memoryConnector } from '../../../lib/testing/memory-connector.js';
import { connectNode, type NodeSetup } from '../../../lib/transport/connect-node.js';
import { CredentialsStore } from '../../../lib/transport/credentials-store.js';
import type { Credentials, Handshake } from '../../../lib/transport/handshake-types.js';
import { Pool } from '../../../lib/transport/pool.js';
import type { PoolConnection } from '../../../lib/transport/pool-connection.js';
import { tokenHandshake } from '../../../lib/transport/token-handshake.js';
import type { NodeAddress } from '../../../lib/types.js';
import { encodeFrame } from '../../../lib/wire/encode.js';
import { featureList } from '../../../lib/wire/feature-list.js';
import { FrameDecoder } from '../../../lib/wire/frame-decoder.js';
import { type Message, MessageType } from '../../../lib/wire/message.js';

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
const address: NodeAddress = {
  id: 1,
  host: '10.0.0.1',
  port: 7000,
  protocol: 'tcp',
  label: '10.0.0.1:7000',
  alternatives: [],
};

interface Options {
  readonly auth?: AuthOptions;
  readonly latencyMs?: number;
  readonly respond?: (request: Message) => MemoryReply;
  readonly handshake?: Handshake;
  readonly credentials?: () => Credentials | Promise<Credentials>;
  readonly compressAboveBytes?: number;
  readonly timeoutMs?: number;
}

/** connectNode over the in-memory connector (the real Connection) in virtual time; the wall clock is virtual too. */
function setup(o: Options = {}) {
  const scheduler = new VirtualTimeScheduler();
  const memory = memoryConnector({
    scheduler,
    latencyMs: () => o.latencyMs ?? 10,
    record: true,
    auth: o.auth,
    respond: o.respond,
    connection: { wallClock: () => 1_764_000_000_000 },
  });
  const handshake = o.handshake ?? (o.credentials ? tokenHandshake : undefined);
  const store = handshake
    ? new CredentialsStore({
        provider: o.credentials,
        scheduler,
        wallNow: () => scheduler.now(),
        timing: configDefaults.credentials,
      })
    : undefined;
  const nodeSetup: NodeSetup = {
    scheduler,
    timeoutMs: o.timeoutMs ?? 1000,
    open: (a, signal) => memory.connect(a, signal),
    compressAboveBytes: o.compressAboveBytes ?? Number.POSITIVE_INFINITY,
    handshake,
    credentials: store,
  };
  const outcome: { conn?: PoolConnection; err?: RouterError; at?: number } = {};
  const abort = new AbortController();
  const start = (deadline?: number) =>
    connectNode(address, nodeSetup, abort.signal, deadline).then(
      (conn) => Object.assign(outcome, { conn, at: scheduler.now() }),
      (err: RouterError) => Object.assign(outcome, { err, at: scheduler.now() }),
    );
  /** Runs virtual time to `t` one ms at a time, letting promise callbacks run between. */
  const step = async (t: number) => {
    for (let now = scheduler.now(); now <= t; now++) {
      await settle();
      advanceTo(scheduler, now);
    }
    await settle();
  };
  return { scheduler, memory, nodeSetup, store, outcome, abort, start, step };
}

const frames = (chunks: Uint8Array[]) => new FrameDecoder().push(Uint8Array.from(Buffer.concat(chunks)));

describe('connectNode: nothing is served before the connection is ready', () => {
  it('writes no frame but the handshake before the handshake reply (bytes), though requests wait from the start', async () => {
    const { scheduler, memory, nodeSetup, step } = setup({
      auth: { token: 's3cr3t' },
      credentials: () => ({ token: 's3cr3t' }),
      latencyMs: 50,
    });
    const pool = new Pool(
      1,
      (signal) => connectNode(address, nodeSetup, signal),
      { minConnections: 0 },
      scheduler,
    );
    const replies: Array<string | undefined> = [];
    for (let i = 0; i < 5; i++)
      pool.send(MessageType.Data, new Uint8Array([i]), 5000, (err) => replies.push(err?.code));
    await step(49); // the handshake has arrived at the node; its Ack is 1 ms away
    const conn = memory.opened[0]!;
    const expected = encodeFrame({
      sender: 0,
      recipient: 1,
      sequence: 1,
      timestamp: 1_764_000_000_000,
      type: MessageType.Admin,
      payload: new TextEncoder().encode('{"token":"s3cr3t"}'),
    });
    expect(Buffer.concat(conn.client.written)).toEqual(Buffer.from(expected));
    expect(conn.server.written).toEqual([]);
    await step(200);
    expect(replies).toEqual([undefined, undefined, undefined, undefined, undefined]);
    const sent = frames(conn.client.written);
    expect(sent.map((m) => m.type)).toEqual([MessageType.Admin, ...Array(5).fill(MessageType.Data)]);
    expect(memory.authStats).toMatchObject({ accepted: 1, rejected: 0, unauthenticated: 0 });
  });

  it('property: whatever the reply latency and when requests come, no Data reaches the node before the Ack reached the client', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 40 }),
        fc.array(fc.integer({ min: 0, max: 120 }), { minLength: 1, maxLength: 12 }),
        fc.boolean(),
        async (latencyMs, sendTimes, negotiate) => {
          const scheduler = new VirtualTimeScheduler();
          const arrivals: Array<{ type: MessageType; at: number }> = [];
          const memory = memoryConnector({
            scheduler,
            latencyMs: () => latencyMs,
            auth: { token: 't' },
            respond: (m) => {
              arrivals.push({ type: m.type, at: scheduler.now() });
              return {
                type: m.type,
                payload: m.type === MessageType.FeatureNegotiation ? featureList.encode([0]) : m.payload,
              };
            },
          });
          const store = new CredentialsStore({
            provider: () => ({ token: 't' }),
            scheduler,
            wallNow: () => scheduler.now(),
            timing: configDefaults.credentials,
          });
          const setupOf: NodeSetup = {
            scheduler,
            timeoutMs: 1000,
            open: (a, signal) => memory.connect(a, signal),
            compressAboveBytes: negotiate ? 64 : Number.POSITIVE_INFINITY,
            handshake: (channel, ctx) => {
              const sent = scheduler.now();
              return tokenHandshake(channel, ctx).then((r) => {
                ackAt = scheduler.now();
                expect(ackAt).toBeGreaterThanOrEqual(sent + latencyMs);
                return r;
              });
            },
            credentials: store,
          };
          let ackAt = Number.POSITIVE_INFINITY;
          const pool = new Pool(
            1,
            (signal) => connectNode(address, setupOf, signal),
            { minConnections: 0 },
            scheduler,
          );
          const errors: string[] = [];
          for (const t of [...sendTimes].sort((a, b) => a - b)) {
            for (let now = scheduler.now(); now <= t; now++) {
              await settle();
              advanceTo(scheduler, now);
            }
            pool.send(MessageType.Data, new Uint8Array([1]), t + 2000, (err) => err && errors.push(err.code));
          }
          for (let now = scheduler.now(); now <= 400; now++) {
            await settle();
            advanceTo(scheduler, now);
          }
          await settle();
          expect(errors).toEqual([]);
          const data = arrivals.filter((a) => a.type === MessageType.Data);
          expect(data).toHaveLength(sendTimes.length);
          for (const d of data) expect(d.at).toBeGreaterThanOrEqual(ackAt);
          expect(memory.authStats.unauthenticated).toBe(0);
          const closed = pool.close();
          for (let i = 0; i < 5; i++) {
            advanceTo(scheduler, scheduler.now() + 10);
            await settle();
          }
          await closed;
        },
      ),
      { numRuns: 25 },
    );
  });

  it('FeatureNegotiation first, then the handshake; compression only where the node lists it', async () => {
    for (const [features, compressed] of [
      [[0, 1], true],
      [[1, 2], false],
    ] as const) {
      const respond = (m: Message): MemoryReply =>
        m.type === MessageType.FeatureNegotiation
          ? { type: m.type, payload: featureList.encode([...features]) }
          : { type: m.type, payload: m.payload };
      const { memory, outcome, start, step } = setup({
        respond,
        auth: { token: 't' },
        credentials: () => ({ token: 't' }),
        compressAboveBytes: 64,
      });
      void start();
      await step(100);
      const big = new TextEncoder().encode('abcdefgh'.repeat(100));
      outcome.conn!.send(MessageType.Data, big, 1000, () => {});
      await step(200);
      const conn = memory.opened[0]!;
      expect(frames(conn.client.written).map((m) => m.type)).toEqual([
        MessageType.FeatureNegotiation,
        MessageType.Admin,
        MessageType.Data,
      ]);
      expect(conn.client.written.map((f) => f[4])).toEqual([0, 0, compressed ? 1 : 0]);
      expect(conn.received[2]!.payload).toEqual(big);
    }
  });

  it('an Error answer to the negotiation leaves compression off and the connection ready', async () => {
    const { outcome, start, step } = setup({
      respond: (m) =>
        m.type === MessageType.FeatureNegotiation
          ? {
              type: MessageType.Error,
              payload: new TextEncoder().encode('{"code":"UNSUPPORTED","message":"no","retryable":false}'),
            }
          : { type: m.type, payload: m.payload },
      compressAboveBytes: 64,
    });
    void start();
    await step(100);
    expect(outcome.err).toBeUndefined();
    expect(outcome.conn!.isOpen).toBe(true);
  });

  it("the handshake's server node id becomes every later frame's recipient", async () => {
    const handshake: Handshake = async (channel) => {
      const reply = await channel.request(MessageType.Admin, '{"hello":1}');
      return { serverNodeId: Number(reply.sender) + 41 };
    };
    const { memory, outcome, start, step } = setup({ handshake });
    void start();
    await step(100);
    outcome.conn!.send(MessageType.Data, new Uint8Array([1]), 1000, () => {});
    await step(200);
    expect(frames(memory.opened[0]!.client.written).map((m) => Number(m.recipient))).toEqual([1, 42]);
  });
});

describe('connectNode: bounded and abortable', () => {
  const silent = (m: Message): MemoryReply =>
    m.type === MessageType.FeatureNegotiation ? undefined : { type: m.type, payload: m.payload };

  it('abort (close, node removal) ends a setup waiting on FeatureNegotiation at once; the socket is gone', async () => {
    const { memory, outcome, abort, start, step } = setup({ respond: silent, compressAboveBytes: 64 });
    void start();
    await step(500);
    expect(outcome.at).toBeUndefined();
    abort.abort();
    await settle();
    expect(outcome.err?.code).toBe(ErrorCode.PoolClosed);
    expect(outcome.at).toBe(500);
    await step(501);
    expect(memory.opened[0]!.closeReason).toBeDefined();
  });

  it('a handshake never answered fails ERR_CONNECT_TIMEOUT at the connect timeout, or at the earlier deadline', async () => {
    const never: Handshake = (_channel, ctx) =>
      new Promise((_resolve, reject) =>
        ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason)),
      );
    for (const [deadline, at] of [
      [undefined, 1000],
      [300, 300],
    ] as const) {
      const { memory, outcome, start, step } = setup({ handshake: never });
      void start(deadline);
      await step(at - 1);
      expect(outcome.err).toBeUndefined();
      await step(at);
      expect(outcome.err?.code).toBe(ErrorCode.ConnectTimeout);
      expect(outcome.err?.retryable).toBe(true);
      await step(at + 1);
      expect(memory.opened[0]!.closeReason).toBe('destroyed');
    }
  });

  it('a reset or a garbage reply during the handshake is a retryable connect failure', async () => {
    const { memory, outcome, start, step } = setup({
      respond: (m) =>
        m.type === MessageType.Admin ? { type: MessageType.Pong, payload: m.payload } : undefined,
      handshake: async (channel) => void (await channel.request(MessageType.Admin, '{}')),
    });
    void start();
    await step(100);
    expect(outcome.err?.code).toBe(ErrorCode.ConnectFailed);
    expect(outcome.err?.retryable).toBe(true);
    expect(outcome.err?.message).toContain('10.0.0.1:7000');
    expect(memory.opened[0]!.closeReason).toBe('corrupt');
  });

  it('any other throw of the handshake is ERR_CONNECT_FAILED with it as the cause', async () => {
    const boom = new Error('boom');
    const { outcome, start, step } = setup({
      handshake: async () => {
        throw boom;
      },
    });
    void start();
    await step(100);
    expect(outcome.err?.code).toBe(ErrorCode.ConnectFailed);
    expect(outcome.err?.cause).toBe(boom);
  });
});

describe('connectNode: rejected credentials', () => {
  it('ERR_AUTH_FAILED, not retryable; the node is not dialled again with the same credentials', async () => {
    const { memory, store, outcome, start, step } = setup({
      auth: { token: 'right' },
      credentials: () => ({ token: 'wrong' }),
    });
    void start();
    await step(100);
    expect(outcome.err).toBeInstanceOf(RouterError);
    expect(outcome.err?.code).toBe(ErrorCode.AuthFailed);
    expect(outcome.err?.retryable).toBe(false);
    expect(outcome.err?.message).toContain('10.0.0.1:7000');
    expect(store!.rejectedNodes).toEqual([1]);
    outcome.err = undefined;
    void start();
    await step(200);
    expect((outcome as { err?: RouterError }).err?.code).toBe(ErrorCode.AuthFailed);
    expect(memory.opened).toHaveLength(1); // refused from the store: no socket opened
    expect(memory.authStats.rejected).toBe(1);
  });
});
