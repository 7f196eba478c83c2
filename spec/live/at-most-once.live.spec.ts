import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { filter, firstValueFrom } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode, type RouterError } from '../../lib/errors.js';
import { createRouter } from '../../lib/router/router.js';
import type { RouterEvent } from '../../lib/router/router-event.js';
import { TestCluster } from '../../lib/testing/test-cluster.js';
import { TestServer } from '../../lib/testing/test-server.js';
import { HealthStatus } from '../../lib/types.js';
import { encodeFrame } from '../../lib/wire/encode.js';
import { FrameDecoder } from '../../lib/wire/frame-decoder.js';
import { type Message, MessageType } from '../../lib/wire/message.js';

const cleanup: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const idBytes = 36; // a UUID at the start of every payload

interface RawNodeOptions {
  /** The node's answer to a Data request (Ping always gets a proper Pong). */
  readonly answer?: (request: Message) => { type: MessageType; payload: Uint8Array };
  /** Read in short bursts: 5 ms reading, 20 ms paused. */
  readonly slowReader?: boolean;
  readonly maxMessageBytes?: number;
}

/** A tiny node on a raw `node:net` server: counts executions per request id, answers as told. */
async function rawNode(options: RawNodeOptions = {}) {
  const executions = new Map<string, number>();
  const sockets = new Set<net.Socket>();
  const timers: NodeJS.Timeout[] = [];
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    const decoder = new FrameDecoder({ maxMessageBytes: options.maxMessageBytes ?? 4 * 1024 * 1024 });
    socket.on('data', (chunk) => {
      let messages: Message[];
      try {
        messages = decoder.push(chunk);
      } catch {
        socket.destroy();
        return;
      }
      for (const m of messages) {
        let reply: { type: MessageType; payload: Uint8Array };
        if (m.type === MessageType.Ping) reply = { type: MessageType.Pong, payload: new Uint8Array(0) };
        else {
          const id = Buffer.from(m.payload.subarray(0, idBytes)).toString();
          executions.set(id, (executions.get(id) ?? 0) + 1);
          reply = options.answer?.(m) ?? { type: MessageType.Data, payload: m.payload.subarray(0, idBytes) };
        }
        const frame = encodeFrame({
          sender: 1,
          recipient: 0,
          sequence: m.sequence,
          timestamp: Date.now(),
          ...reply,
        });
        if (!socket.destroyed) socket.write(frame);
      }
    });
    if (options.slowReader) {
      const tick = () => {
        if (socket.destroyed) return;
        socket.pause();
        timers.push(
          setTimeout(() => {
            socket.resume();
            timers.push(setTimeout(tick, 5));
          }, 20),
        );
      };
      tick();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const node = {
    address: `127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    executions,
    async close() {
      for (const t of timers) clearTimeout(t);
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
  cleanup.push(() => node.close());
  return node;
}

function payloadWithId(size: number): { id: string; payload: Uint8Array } {
  const id = randomUUID();
  const payload = new Uint8Array(Math.max(size, idBytes)).fill(0x61);
  payload.set(Buffer.from(id), 0);
  return { id, payload };
}

describe('at most once: idempotent: false requests against a node that reads slowly', () => {
  it.each([
    ['1 KiB', 1024, 40],
    ['16 KiB', 16 * 1024, 40],
    ['64 KiB', 64 * 1024, 20],
    ['1 MiB', 1024 * 1024, 6],
    ['a burst of 1,000 × 1 KiB', 1024, 1000],
  ])('%s: every request executed exactly once when it succeeded, never twice', async (_name, size, count) => {
    const node = await rawNode({ slowReader: true });
    const router = createRouter({
      hosts: [node.address],
      timeoutMs: 30_000,
      maxMessageBytes: 2 * 1024 * 1024,
      health: { intervalMs: 2000, timeoutMs: 10_000 },
      pool: { maxConnections: 2 },
    });
    cleanup.push(() => router.close());
    // one at a time first (nothing else in flight: the double write of issue #13 needed only this), then all at once
    const alone = payloadWithId(size);
    await router.request(alone.payload, { idempotent: false });
    const sent = Array.from({ length: count }, () => payloadWithId(size));
    const outcomes = await Promise.all(
      sent.map(({ payload }) =>
        router.request(payload, { idempotent: false }).then(
          (m) => Buffer.from(m.payload).toString(),
          (e: RouterError) => e.code,
        ),
      ),
    );
    await sleep(100); // anything still travelling arrives
    expect(node.executions.get(alone.id)).toBe(1);
    for (const [id, n] of node.executions) expect(n, `executions of ${id}`).toBe(1);
    expect(outcomes).toEqual(sent.map((s) => s.id)); // all succeeded, each with its own reply
    expect(node.executions.size).toBe(count + 1);
  });
});

describe('bad payloads fail alone, whatever the pool is doing', () => {
  const bad: Array<[string, unknown, string]> = [
    ['oversize (2 MiB)', new Uint8Array(2 * 1024 * 1024), ErrorCode.WireFrameTooLarge],
    ['null', null, ErrorCode.InvalidPayload],
    ['a number', 42, ErrorCode.InvalidPayload],
    ['an object', { hello: 'world' }, ErrorCode.InvalidPayload],
  ];
  const u16 = new Uint16Array([0x0102, 0xa0b0, 0xffff]);
  const backing = new Uint8Array([9, 9, 1, 2, 3, 4, 9]).buffer;
  const views: Array<[string, ArrayBufferView, number[]]> = [
    ['a Uint16Array', u16, [...new Uint8Array(u16.buffer)]],
    ['a DataView', new DataView(backing, 2, 4), [1, 2, 3, 4]],
  ];

  it.each(['connecting', 'busy', 'idle'] as const)(
    'while the pool is %s: only the bad request fails, views send their bytes, no node leaves the eligible set',
    async (state) => {
      const cluster = await TestCluster.start(3);
      cleanup.push(() => cluster.stop());
      const router = createRouter({
        hosts: cluster.addresses,
        timeoutMs: 10_000,
        pool: state === 'busy' ? { maxConnections: 1, maxInFlightPerConnection: 1 } : {},
      });
      cleanup.push(() => router.close());
      // nodes start `unknown`; from the moment all three have answered, none may leave
      if (state !== 'connecting') await firstValueFrom(router.eligible$.pipe(filter((e) => e.length === 3)));
      const eligible: number[][] = [];
      const sub = router.eligible$.subscribe((e) => eligible.push([...e]));
      cleanup.push(() => sub.unsubscribe());
      const events: RouterEvent[] = [];
      const evSub = router.events$.subscribe((e) => events.push(e));
      cleanup.push(() => evSub.unsubscribe());
      if (state === 'idle') {
        await Promise.all([1, 2, 3, 4, 5, 6].map(() => router.request('warm')));
        await sleep(200);
      }
      if (state === 'busy') for (const n of cluster.nodes) n.setLatency(40); // one request at a time per node: a queue
      const good = (i: number) =>
        router.request(`good ${i}`).then(
          (m) => Buffer.from(m.payload).toString(),
          (e: RouterError) => e.code,
        );
      const before = Array.from({ length: 9 }, (_, i) => good(i));
      const badOutcomes = bad.map(([, payload]) =>
        router.request(payload as never).then(
          () => 'succeeded',
          (e: RouterError) => `${e.code}:${e.retryable}`,
        ),
      );
      const viewOutcomes = views.map(([, payload]) =>
        router.request(payload as never).then(
          (m) => [...m.payload],
          (e: RouterError) => e.code,
        ),
      );
      const after = Array.from({ length: 9 }, (_, i) => good(100 + i));
      expect(await Promise.all(badOutcomes)).toEqual(bad.map(([, , code]) => `${code}:false`));
      expect(await Promise.all(viewOutcomes)).toEqual(views.map(([, , b]) => b));
      expect(await Promise.all([...before, ...after])).toEqual([
        ...Array.from({ length: 9 }, (_, i) => `good ${i}`),
        ...Array.from({ length: 9 }, (_, i) => `good ${100 + i}`),
      ]);
      await sleep(300);
      // while connecting, the first snapshots may still hold unknown nodes: none may leave once in
      const firstFull = eligible.findIndex((e) => e.length === 3);
      expect(firstFull).toBeGreaterThanOrEqual(0);
      expect(eligible.slice(firstFull).every((e) => e.length === 3)).toBe(true);
      expect(
        events.filter((e) => e.type === 'nodeStatusChanged' && e.previous !== HealthStatus.Joining),
      ).toEqual([]);
      expect(events.filter((e) => e.type === 'connectionClosed')).toEqual([]);
    },
  );
});

describe('protocol violations close the connection as corrupt; the request fails retryably and goes elsewhere', () => {
  it.each([
    ['a Pong in reply to Data', () => ({ type: MessageType.Pong, payload: new Uint8Array(0) })],
    [
      'an Error reply whose payload is not the documented JSON',
      () => ({
        type: MessageType.Error,
        payload: Buffer.from('{"code": 7, "oops": true}'),
      }),
    ],
  ])('%s', async (_name, answer) => {
    const liar = await rawNode({ answer });
    const alone = createRouter({ hosts: [liar.address], retry: { maxRetries: 0 }, timeoutMs: 5000 });
    cleanup.push(() => alone.close());
    const closed: RouterEvent[] = [];
    const s1 = alone.events$.subscribe((e) => e.type === 'connectionClosed' && closed.push(e));
    cleanup.push(() => s1.unsubscribe());
    const { payload } = payloadWithId(64);
    await expect(alone.request(payload)).rejects.toMatchObject({ code: ErrorCode.Protocol, retryable: true });
    await expect.poll(() => closed.map((e) => (e as { reason: string }).reason)).toContain('corrupt');

    // with a good node beside it, every request succeeds (on the good node when the liar was tried first)
    const good = await TestServer.start();
    cleanup.push(() => good.stop());
    const router = createRouter({
      hosts: [liar.address, good.address],
      balancer: 'round-robin',
      timeoutMs: 5000,
    });
    cleanup.push(() => router.close());
    const events: RouterEvent[] = [];
    const s2 = router.events$.subscribe((e) => events.push(e));
    cleanup.push(() => s2.unsubscribe());
    const replies = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        router.request(`r${i}`).then((m) => Buffer.from(m.payload).toString()),
      ),
    );
    expect(replies).toEqual(Array.from({ length: 10 }, (_, i) => `r${i}`));
    const corrupt = events.filter((e) => e.type === 'connectionClosed' && e.reason === 'corrupt');
    expect(corrupt.length).toBeGreaterThan(0);
    expect(corrupt.every((e) => (e as { nodeId: number }).nodeId === 1)).toBe(true);
  });
});
