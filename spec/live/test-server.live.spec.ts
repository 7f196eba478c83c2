import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { RouterError } from '../../lib/errors.js';
import { Feature, featureNegotiation } from '../../lib/testing/feature-negotiation.js';
import { ProcessCluster } from '../../lib/testing/process-cluster.js';
import { TestCluster } from '../../lib/testing/test-cluster.js';
import { TestServer, type TestServerOptions } from '../../lib/testing/test-server.js';
import { encodeFrame } from '../../lib/wire/encode.js';
import { errorPayload } from '../../lib/wire/error-payload.js';
import { FrameDecoder } from '../../lib/wire/frame-decoder.js';
import { type Message, MessageType } from '../../lib/wire/message.js';
import { CliProcess, freePorts } from '../support/cli-process.js';
import { RawClient, text } from '../support/raw-client.js';

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});
async function server(options: TestServerOptions = {}) {
  const s = await TestServer.start(options);
  cleanup.push(() => s.stop());
  return s;
}
async function client(address: string) {
  const c = await RawClient.connect(address);
  cleanup.push(() => c.close());
  return c;
}

describe('TestServer over raw sockets', () => {
  it('listens on 127.0.0.1 on a free port and answers Ping with Pong of the same sequence', async () => {
    const s = await server({ nodeId: 4 });
    expect(s.address).toMatch(/^127\.0\.0\.1:\d+$/);
    const c = await client(s.address);
    c.send(MessageType.Ping, 77);
    const [pong] = await c.waitFor(1);
    expect(pong).toMatchObject({ type: MessageType.Pong, sequence: 77, sender: 4, recipient: 0 });
    expect(s.pingCount).toBe(1);
  });

  it('echoes Data with the sequence number, or runs a handler', async () => {
    const s = await server({ handler: (m) => new TextEncoder().encode(text(m).toUpperCase()) });
    const c = await client(s.address);
    c.data(5, 'hello');
    const [reply] = await c.waitFor(1);
    expect(reply).toMatchObject({ type: MessageType.Data, sequence: 5 });
    expect(text(reply)).toBe('HELLO');
  });

  it('keeps many requests in flight on one connection, replying in completion order', async () => {
    const s = await server();
    const c = await client(s.address);
    for (let i = 0; i < 200; i++) c.data(i, `m${i}`);
    const replies = await c.waitFor(200);
    expect(new Set(replies.map((r) => r.sequence)).size).toBe(200);
    for (const r of replies) expect(text(r)).toBe(`m${r.sequence}`);
    expect(s.requestCount).toBe(200);
    expect(s.connectionList).toEqual([{ id: 1, open: true, requests: 200 }]);
  });

  it('tracks every connection with its state', async () => {
    const s = await server();
    const a = await client(s.address);
    const b = await client(s.address);
    a.data(1, 'x');
    await a.waitFor(1);
    b.close();
    await expect.poll(() => s.connectionList.map((c) => c.open)).toEqual([true, false]);
    expect(s.connectionIds).toEqual([1, 2]);
    expect(s.openConnectionCount).toBe(1);
  });

  it('failNext(n) answers the next n Data requests with a retryable Error, then recovers', async () => {
    const s = await server();
    s.failNext(2);
    const c = await client(s.address);
    for (let i = 1; i <= 3; i++) c.data(i, 'x');
    const replies = await c.waitFor(3);
    const errors = replies
      .filter((r) => r.type === MessageType.Error)
      .map((r) => errorPayload.decode(r.payload));
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatchObject({ code: 'INJECTED_FAILURE', retryable: true });
    expect(replies.filter((r) => r.type === MessageType.Data)).toHaveLength(1);
    expect(s.requestCount).toBe(3);
  });

  it('startWithFailures(n) fails from the start', async () => {
    const s = await TestServer.startWithFailures(1);
    cleanup.push(() => s.stop());
    const c = await client(s.address);
    c.data(1, 'x');
    const [reply] = await c.waitFor(1);
    expect(reply!.type).toBe(MessageType.Error);
  });

  it('setLatency(ms) delays every reply', async () => {
    const s = await server();
    s.setLatency(150);
    const c = await client(s.address);
    const start = performance.now();
    c.send(MessageType.Ping, 1);
    await c.waitFor(1);
    expect(performance.now() - start).toBeGreaterThanOrEqual(140);
  });

  it('pause() hangs the node with sockets open; resume() answers what was held', async () => {
    const s = await server();
    const c = await client(s.address);
    s.pause();
    c.data(1, 'held');
    await new Promise((r) => setTimeout(r, 300));
    expect(c.messages).toHaveLength(0);
    expect(c.closed).toBe(false);
    s.resume();
    const [reply] = await c.waitFor(1);
    expect(text(reply)).toBe('held');
  });

  it('dropConnections() resets every socket and keeps listening', async () => {
    const s = await server();
    const c = await client(s.address);
    s.dropConnections();
    await c.waitClosed();
    const again = await client(s.address);
    again.send(MessageType.Ping, 1);
    await again.waitFor(1);
  });

  it('kill() resets sockets and stops listening; restart() listens on the same port again', async () => {
    const s = await server();
    const port = s.port;
    const c = await client(s.address);
    s.kill();
    await c.waitClosed();
    await expect(RawClient.connect(s.address)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await s.restart();
    expect(s.port).toBe(port);
    const again = await client(s.address);
    again.send(MessageType.Ping, 2);
    expect((await again.waitFor(1))[0]!.sequence).toBe(2);
  });

  it('stop() finishes in-flight requests before closing', async () => {
    const s = await TestServer.start();
    s.setLatency(200);
    const c = await client(s.address);
    c.data(1, 'last');
    await new Promise((r) => setTimeout(r, 50));
    await s.stop();
    expect(text(c.messages[0])).toBe('last');
    await c.waitClosed();
  });

  it.each([
    ['garbage', Buffer.from('GET / HTTP/1.1\r\n\r\n')],
    ['an oversized length prefix', Buffer.from([0x7f, 0, 0, 0])],
    [
      'a bad checksum',
      Buffer.from(
        '0000003100000000000000000001000000000000000000000000000000000000e897b69a0100000000000000000000000000000000000000',
        'hex',
      ),
    ],
  ])('%s closes that client only, is counted, and others are served', async (_name, bytes) => {
    const s = await server();
    const good = await client(s.address);
    const bad = await client(s.address);
    bad.socket.write(bytes);
    await bad.waitClosed();
    expect(s.badInputCount).toBe(1);
    good.send(MessageType.Ping, 9);
    expect((await good.waitFor(1))[0]!.sequence).toBe(9);
  });

  it('takes Admin commands from another process: stats, failNext, setLatency', async () => {
    const s = await server({ nodeId: 2 });
    const c = await client(s.address);
    c.send(MessageType.Admin, 1, JSON.stringify({ command: 'failNext', count: 1 }));
    c.send(MessageType.Admin, 2, JSON.stringify({ command: 'bogus' }));
    c.data(3, 'x');
    c.send(MessageType.Admin, 4, JSON.stringify({ command: 'stats' }));
    const replies = await c.waitFor(4);
    const bySeq = new Map(replies.map((r) => [r.sequence, r]));
    expect(JSON.parse(text(bySeq.get(1)))).toEqual({ ok: true });
    expect(JSON.parse(text(bySeq.get(2)))).toMatchObject({ ok: false });
    expect(bySeq.get(3)!.type).toBe(MessageType.Error);
    expect(JSON.parse(text(bySeq.get(4)))).toMatchObject({ ok: true, nodeId: 2, requestCount: 1 });
  });
});

describe('TestCluster', () => {
  it('starts n nodes with ids 1..n and stops them all', async () => {
    const cluster = await TestCluster.start(3);
    expect(cluster.addresses).toHaveLength(3);
    expect(cluster.nodes.map((n) => n.nodeId)).toEqual([1, 2, 3]);
    for (const [i, address] of cluster.addresses.entries()) {
      const c = await RawClient.connect(address);
      c.send(MessageType.Ping, i);
      expect((await c.waitFor(1))[0]!.sender).toBe(i + 1);
      c.close();
    }
    await cluster.stop();
    expect(cluster.nodes.every((n) => !n.listening)).toBe(true);
  });

  it('takes fixed ports and fails cleanly when one is taken', async () => {
    const blocker = await server();
    await expect(TestCluster.start({ ports: [0, blocker.port] })).rejects.toMatchObject({
      code: 'EADDRINUSE',
    });
  });
});

/** A client that keeps the raw bytes it receives, and how the connection ended. */
class ByteClient {
  chunks: Buffer[] = [];
  ended: 'open' | 'closed' | 'reset' = 'open';
  private constructor(readonly socket: net.Socket) {
    socket.on('data', (d: Buffer) => this.chunks.push(d));
    socket.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ECONNRESET') this.ended = 'reset';
    });
    socket.on('close', () => {
      if (this.ended === 'open') this.ended = 'closed';
    });
  }
  static async connect(address: string): Promise<ByteClient> {
    const [host, port] = address.split(':');
    const socket = net.connect({ host, port: Number(port) });
    await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    const c = new ByteClient(socket);
    cleanup.push(() => void c.socket.destroy());
    return c;
  }
  send(type: MessageType, sequence: number, payload = ''): Uint8Array {
    const frame = encodeFrame({
      sender: 0,
      recipient: 1,
      sequence,
      timestamp: Date.now(),
      type,
      payload: new TextEncoder().encode(payload),
    });
    this.socket.write(frame);
    return frame;
  }
  get bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
  async waitBytes(n: number, ms = 3000): Promise<Buffer> {
    await expect.poll(() => this.bytes.length >= n || this.ended !== 'open', { timeout: ms }).toBe(true);
    return this.bytes;
  }
  /** Decodes what arrived: the messages, or the wire error code. */
  decode(): { messages: Message[]; error?: string } {
    const decoder = new FrameDecoder();
    try {
      return { messages: decoder.push(this.bytes) };
    } catch (err) {
      return { messages: [], error: (err as RouterError).code };
    }
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const correctReplyBytes = 4 + 1 + 44 + 1 + 4; // a Data reply with a 1-byte payload

describe('TestServer faults (setFault / clearFault), on the wire', () => {
  it('gray: answers Ping and Heartbeat, executes Data and never answers it', async () => {
    const s = await server();
    s.setFault({ kind: 'gray' });
    const c = await client(s.address);
    c.data(1, 'g:1 x');
    c.send(MessageType.Ping, 2);
    c.send(MessageType.Heartbeat, 3, 'hb');
    const replies = await c.waitFor(2);
    await sleep(200);
    expect(replies.map((r) => [r.type, r.sequence])).toEqual([
      [MessageType.Pong, 2],
      [MessageType.Heartbeat, 3],
    ]);
    expect(s.executions('g:1')).toBe(1);
    expect(s.faultStats.injected).toEqual({ gray: 1 });
    s.clearFault();
    c.data(4, 'g:2');
    expect((await c.waitFor(3))[2]).toMatchObject({ type: MessageType.Data, sequence: 4 });
  });

  it('wrong-type answers Data with a Pong of the same sequence; bad-error-json with an Error that is not JSON', async () => {
    const s = await server();
    const c = await client(s.address);
    s.setFault({ kind: 'wrong-type' });
    c.data(7, 'x');
    expect((await c.waitFor(1))[0]).toMatchObject({ type: MessageType.Pong, sequence: 7 });
    s.setFault({ kind: 'bad-error-json' });
    c.data(8, 'x');
    const reply = (await c.waitFor(2))[1]!;
    expect(reply).toMatchObject({ type: MessageType.Error, sequence: 8 });
    expect(() => JSON.parse(text(reply))).toThrow();
    expect(s.faultStats.injected).toEqual({ 'wrong-type': 1, 'bad-error-json': 1 });
  });

  it('wrong-sequence answers with a sequence never issued; duplicate-reply answers twice', async () => {
    const s = await server();
    const c = await client(s.address);
    s.setFault({ kind: 'wrong-sequence' });
    c.data(3, 'x');
    const [wrong] = await c.waitFor(1);
    expect(wrong!.type).toBe(MessageType.Data);
    expect(wrong!.sequence).not.toBe(3);
    s.setFault({ kind: 'duplicate-reply' });
    c.data(4, 'y');
    const replies = await c.waitFor(3);
    expect(replies.slice(1).map((r) => [r.sequence, text(r)])).toEqual([
      [4, 'y'],
      [4, 'y'],
    ]);
  });

  it.each([
    ['bad-checksum', 'ERR_WIRE_CHECKSUM'],
    ['huge-length', 'ERR_WIRE_FRAME_TOO_LARGE'],
  ] as const)('%s: the reply fails to decode with %s', async (kind, code) => {
    const s = await server();
    s.setFault({ kind });
    const c = await ByteClient.connect(s.address);
    c.send(MessageType.Data, 1, 'x');
    await c.waitBytes(correctReplyBytes);
    expect(c.decode().error).toBe(code);
  });

  it('garbage keeps the length prefix and fills the body with the injected random bytes', async () => {
    let n = 0;
    const s = await server({ random: () => ((n++ * 37) % 256) / 256 });
    s.setFault({ kind: 'garbage' });
    const c = await ByteClient.connect(s.address);
    c.send(MessageType.Data, 1, 'x');
    const bytes = await c.waitBytes(correctReplyBytes);
    expect(bytes.readUInt32BE(0)).toBe(correctReplyBytes - 4);
    expect([...bytes.subarray(4, 8)]).toEqual([0, 37, 74, 111]);
    expect(c.decode().error).toMatch(/^ERR_WIRE_/);
  });

  it('reset-mid-reply writes part of the reply, then resets the connection', async () => {
    const s = await server();
    s.setFault({ kind: 'reset-mid-reply' });
    const c = await ByteClient.connect(s.address);
    c.send(MessageType.Data, 1, 'x');
    await expect.poll(() => c.ended).toBe('reset');
    expect(c.bytes.length).toBeGreaterThan(0);
    expect(c.bytes.length).toBeLessThan(correctReplyBytes);
    expect(s.executions('x')).toBe(1);
  });

  it('slowloris dribbles each reply bytesPerWrite at a time, later replies wait behind it intact', async () => {
    const s = await server();
    s.setFault({ kind: 'slowloris', bytesPerWrite: 10, intervalMs: 20 });
    const c = await ByteClient.connect(s.address);
    const start = performance.now();
    c.send(MessageType.Data, 1, 'a');
    await expect.poll(() => s.requestCount).toBe(1);
    s.clearFault();
    c.send(MessageType.Data, 2, 'b');
    await c.waitBytes(2 * correctReplyBytes);
    // 54 bytes in writes of 10 → 6 writes, 5 pauses of 20 ms; the second reply comes whole after them
    expect(performance.now() - start).toBeGreaterThanOrEqual(90);
    expect(c.chunks.length).toBeGreaterThanOrEqual(4);
    expect(c.decode().messages.map((m) => m.sequence)).toEqual([1, 2]);
  });

  it('never-read stops reading open and new sockets (they stay open); clearFault reads them again', async () => {
    const s = await server();
    const open = await client(s.address);
    s.setFault({ kind: 'never-read' });
    const fresh = await client(s.address);
    open.data(1, 'a');
    fresh.data(2, 'b');
    await sleep(300);
    expect(s.requestCount).toBe(0);
    expect(open.closed || fresh.closed).toBe(false);
    expect(s.faultStats.injected).toEqual({ 'never-read': 2 });
    s.clearFault();
    expect((await open.waitFor(1))[0]!.sequence).toBe(1);
    expect((await fresh.waitFor(1))[0]!.sequence).toBe(2);
  });

  it('never-read fills the TCP window: past the kernel buffers, writes stay queued in the client', async () => {
    const s = await server();
    s.setFault({ kind: 'never-read' });
    const c = await ByteClient.connect(s.address);
    // valid frames, so that a server which did read would not close the connection for bad input
    const frame = encodeFrame({
      sender: 0,
      recipient: 1,
      sequence: 1,
      timestamp: 0,
      type: MessageType.Heartbeat,
      payload: new Uint8Array(64 * 1024),
    });
    let written = 0;
    while (c.socket.writableLength < 1024 * 1024 && written < 64 * 1024 * 1024) {
      c.socket.write(frame);
      written += frame.length;
      await new Promise((r) => setImmediate(r));
    }
    await sleep(200);
    // the kernel buffers (a few MiB on loopback) filled up, then the bytes stayed in the socket
    expect(c.socket.writableLength).toBeGreaterThanOrEqual(1024 * 1024);
    expect(written).toBeLessThan(64 * 1024 * 1024);
    expect(c.ended).toBe('open');
    expect(s.requestCount + s.pingCount).toBe(0);
    s.clearFault(); // reads again: everything queued drains
    await expect.poll(() => c.socket.writableLength, { timeout: 10_000 }).toBe(0);
  });

  it('close-on-accept closes open connections at once and new ones as soon as they are accepted', async () => {
    const s = await server();
    const open = await client(s.address);
    s.setFault({ kind: 'close-on-accept' });
    await open.waitClosed();
    const fresh = await client(s.address);
    await fresh.waitClosed();
    expect(s.faultStats.injected['close-on-accept']).toBe(2);
    s.clearFault();
    const again = await client(s.address);
    again.send(MessageType.Ping, 1);
    await again.waitFor(1);
  });

  it('rate hits the fraction of requests the injected random picks, and counts them', async () => {
    const draws = [0.1, 0.9, 0.2, 0.8];
    let i = 0;
    const s = await server({ random: () => draws[i++ % draws.length]! });
    s.setFault({ kind: 'wrong-type', rate: 0.5 });
    const c = await client(s.address);
    for (let k = 1; k <= 4; k++) {
      c.data(k, 'x');
      await c.waitFor(k);
    }
    expect(c.messages.map((m) => m.type)).toEqual([
      MessageType.Pong,
      MessageType.Data,
      MessageType.Pong,
      MessageType.Data,
    ]);
    expect(s.faultStats).toMatchObject({ injected: { 'wrong-type': 2 }, total: 2 });
  });

  it("reply faults spare Ping by default and hit it with target 'all'; Admin replies are never hit", async () => {
    const s = await server();
    const c = await client(s.address);
    s.setFault({ kind: 'wrong-type' });
    c.send(MessageType.Ping, 1);
    expect((await c.waitFor(1))[0]!.type).toBe(MessageType.Pong);
    s.setFault({ kind: 'wrong-type', target: 'all' });
    c.send(MessageType.Ping, 2);
    c.send(MessageType.Admin, 3, JSON.stringify({ command: 'stats' }));
    const replies = await c.waitFor(3);
    expect(replies.map((r) => r.type)).toEqual([MessageType.Pong, MessageType.Data, MessageType.Admin]);
  });

  it('rejects an invalid fault with a TypeError naming the field; durationMs clears the fault by itself', async () => {
    const s = await server();
    expect(() => s.setFault({ kind: 'nope' as never })).toThrow(/fault kind must be one of gray, wrong-type/);
    expect(() => s.setFault({ kind: 'gray', rate: 2 })).toThrow(/rate/);
    s.setFault({ kind: 'gray', durationMs: 100 });
    expect(s.faultStats.fault?.kind).toBe('gray');
    await expect.poll(() => s.faultStats.fault).toBeUndefined();
  });

  it('counts executions by the id before the first space, for at-most-once checks', async () => {
    const s = await server();
    const c = await client(s.address);
    c.data(1, 'w:1 first');
    c.data(2, 'w:1 again');
    c.data(3, 'w:2');
    await c.waitFor(3);
    expect(s.executions('w:1')).toBe(2);
    expect(s.executions('w:2 any payload')).toBe(1);
    expect(s.executions('w:3')).toBe(0);
    expect(s.executionStats).toEqual({ executions: 3, repeated: 1, evicted: 0 });
  });

  it('counts the frames it received LZ4-compressed (did the client compress?)', async () => {
    const s = await server();
    const c = await ByteClient.connect(s.address);
    const message = {
      sender: 0,
      recipient: 1,
      sequence: 1,
      timestamp: 0,
      type: MessageType.Data,
      payload: new Uint8Array(4000),
    };
    c.socket.write(encodeFrame(message, { compressAboveBytes: 100 }));
    c.socket.write(encodeFrame({ ...message, sequence: 2 }));
    await c.waitBytes(2 * 4000);
    expect(c.decode().messages.map((m) => m.sequence)).toEqual([1, 2]);
    expect(s.compressedFrameCount).toBe(1);
  });

  it('answers FeatureNegotiation with its features, encoded as the reference client encodes them', async () => {
    const all = await server();
    const some = await server({ features: [Feature.Heartbeat] });
    for (const [s, expected] of [
      [all, [Feature.Compression, Feature.Heartbeat, Feature.Streaming]],
      [some, [Feature.Heartbeat]],
    ] as const) {
      const c = await client(s.address);
      c.send(MessageType.FeatureNegotiation, 5, featureNegotiation.encode([Feature.Compression]));
      const [reply] = await c.waitFor(1);
      expect(reply).toMatchObject({ type: MessageType.FeatureNegotiation, sequence: 5 });
      expect(featureNegotiation.decode(reply!.payload)).toEqual(expected);
    }
    // bincode: u64 LE count, then u32 LE variant indexes
    expect(
      Buffer.from(featureNegotiation.encode([Feature.Compression, Feature.Streaming])).toString('hex'),
    ).toBe('02000000000000000000000002000000');
  });

  it('takes faults through Admin messages: setFault, stats, executions, clearFault', async () => {
    const s = await server();
    const c = await client(s.address);
    c.send(
      MessageType.Admin,
      1,
      JSON.stringify({ command: 'setFault', fault: { kind: 'wrong-type', rate: 1 } }),
    );
    c.send(MessageType.Admin, 2, JSON.stringify({ command: 'setFault', fault: { kind: 'bogus' } }));
    c.data(3, 'id:9');
    c.send(MessageType.Admin, 4, JSON.stringify({ command: 'executions', id: 'id:9' }));
    c.send(MessageType.Admin, 7, JSON.stringify({ command: 'executions', ids: ['id:9', 'id:10'] }));
    c.send(MessageType.Admin, 5, JSON.stringify({ command: 'stats' }));
    c.send(MessageType.Admin, 6, JSON.stringify({ command: 'clearFault' }));
    const bySeq = new Map((await c.waitFor(7)).map((r) => [r.sequence, r]));
    expect(JSON.parse(text(bySeq.get(7)))).toEqual({ ok: true, executions: [1, 0] });
    expect(JSON.parse(text(bySeq.get(1)))).toEqual({ ok: true });
    expect(JSON.parse(text(bySeq.get(2)))).toMatchObject({ ok: false, error: expect.stringMatching(/kind/) });
    expect(bySeq.get(3)!.type).toBe(MessageType.Pong);
    expect(JSON.parse(text(bySeq.get(4)))).toEqual({ ok: true, executions: 1 });
    expect(JSON.parse(text(bySeq.get(5)))).toMatchObject({
      fault: { kind: 'wrong-type' },
      faultsInjected: { 'wrong-type': 1 },
      executions: 1,
      repeatedExecutions: 0,
    });
    expect(s.faultStats.fault).toBeUndefined();
  });

  it('applies faults to WebSocket clients too', async () => {
    const s = await server({ websocket: true });
    s.setFault({ kind: 'bad-checksum' });
    const ws = new WebSocket(s.wsUrl);
    cleanup.push(() => ws.terminate());
    const got: Buffer[] = [];
    ws.on('message', (d: Buffer) => got.push(d));
    await new Promise((resolve) => ws.once('open', resolve));
    ws.send(
      encodeFrame({
        sender: 0,
        recipient: 1,
        sequence: 1,
        timestamp: 0,
        type: MessageType.Data,
        payload: new Uint8Array([1]),
      }),
    );
    await expect.poll(() => got.length).toBe(1);
    expect(() => new FrameDecoder().push(got[0]!)).toThrow(
      expect.objectContaining({ code: 'ERR_WIRE_CHECKSUM' }),
    );
  });
});

describe('faults in another process', () => {
  it('`qdb-router node --fault KIND --fault-rate R` starts faulty; ProcessCluster sets, clears (SIGUSR2) and counts', async () => {
    const [port] = await freePorts(1);
    const node = CliProcess.start([
      'node',
      '--port',
      String(port),
      '--fault',
      'wrong-type',
      '--fault-rate',
      '1',
    ]);
    cleanup.push(async () => void (await node.interrupt()));
    await node.waitFor(/READY .* fault=wrong-type/);
    const c = await client(`127.0.0.1:${port}`);
    c.data(1, 'x');
    expect((await c.waitFor(1))[0]!.type).toBe(MessageType.Pong);

    const bad = CliProcess.start(['node', '--port', '0', '--fault', 'slowloris', '--interval-ms=-5']);
    expect(await bad.exited).toBe(2);
    expect(bad.output).toMatch(/intervalMs must be a whole number/);

    const cluster = await ProcessCluster.start(await freePorts(1));
    cleanup.push(() => cluster.stop());
    await cluster.setFault(1, { kind: 'close-on-accept' });
    await expect(cluster.admin(1, { command: 'stats' }, 1000)).rejects.toThrow(
      /closed the connection|ECONNRESET/,
    );
    await cluster.clearFault(1); // resolves once the node has cleared it: the next Admin message gets through
    expect(await cluster.admin(1, { command: 'stats' })).toMatchObject({ fault: null });
    const d = await client(cluster.addresses[0]!);
    d.data(1, 'p:1 hello');
    await d.waitFor(1);
    expect(await cluster.executions(1, 'p:1')).toBe(1);
    await expect(cluster.setFault(1, { kind: 'gray', rate: -1 })).rejects.toThrow(/rate/);
  });
});
