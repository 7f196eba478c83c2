import { afterEach, describe, expect, it } from 'vitest';
import { TestCluster } from '../../lib/testing/test-cluster.js';
import { TestServer, type TestServerOptions } from '../../lib/testing/test-server.js';
import { errorPayload } from '../../lib/wire/error-payload.js';
import { MessageType } from '../../lib/wire/message.js';
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
