import net from 'node:net';
import fc from 'fast-check';
import { firstValueFrom, lastValueFrom } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode, type RouterError } from '../../lib/errors.js';
import { createRouter } from '../../lib/router/router.js';
import { validateConfig } from '../../lib/router/validate-config.js';
import { TestCluster } from '../../lib/testing/test-cluster.js';
import { TestServer } from '../../lib/testing/test-server.js';
import { Connection } from '../../lib/transport/connection.js';
import { connectSocket } from '../../lib/transport/connector.js';
import { Pool } from '../../lib/transport/pool.js';
import type { PoolOptions } from '../../lib/transport/pool-types.js';
import { MessageType } from '../../lib/wire/message.js';
import { text } from '../support/raw-client.js';
import { makeCertificate } from '../support/tls-cert.js';

const cleanup: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});
const address = (host: string) => validateConfig({ hosts: [host] }).addresses[0]!;

async function connect(host: string, options: Parameters<typeof connectSocket>[1] = {}) {
  const conn = new Connection(await connectSocket(address(host), options), 1, { requestTimeoutMs: 2000 });
  cleanup.push(() => conn.destroy());
  return conn;
}

function tcpPool(host: string, options: PoolOptions) {
  const a = address(host);
  const pool = new Pool(1, async () => new Connection(await connectSocket(a, {}), 1), options);
  cleanup.push(() => pool.close());
  return pool;
}

describe('Property 1: a connection is established for any reachable configuration', () => {
  it('1-5 servers, any valid pool/timeout/balancer: a request round-trips', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          nodes: fc.integer({ min: 1, max: 5 }),
          minConnections: fc.integer({ min: 0, max: 2 }),
          extra: fc.integer({ min: 0, max: 3 }),
          maxInFlightPerConnection: fc.integer({ min: 1, max: 64 }),
          timeoutMs: fc.integer({ min: 1000, max: 5000 }),
          balancer: fc.constantFrom('p2c' as const, 'round-robin' as const, 'least-outstanding' as const),
          payload: fc.string({ maxLength: 100 }),
        }),
        async (c) => {
          const cluster = await TestCluster.start(c.nodes);
          const router = createRouter({
            hosts: cluster.addresses,
            timeoutMs: c.timeoutMs,
            balancer: c.balancer,
            pool: {
              minConnections: c.minConnections,
              maxConnections: Math.max(1, c.minConnections) + c.extra,
              maxInFlightPerConnection: c.maxInFlightPerConnection,
            },
          });
          try {
            const reply = await router.request(c.payload);
            expect(text(reply)).toBe(c.payload);
            expect(cluster.nodes.some((n) => n.connectionIds.length > 0)).toBe(true);
          } finally {
            await router.close();
            await cluster.stop();
          }
        },
      ),
      { numRuns: 12 },
    );
  });
});

describe('Property 5: connections are reused within the idle timeout', () => {
  it('sequential requests use one connection; after the idle timeout a new one', async () => {
    const server = await TestServer.start();
    cleanup.push(() => server.stop());
    const pool = tcpPool(server.address, { minConnections: 0, idleTimeoutMs: 300 });
    for (let i = 0; i < 20; i++)
      expect(text(await lastValueFrom(pool.request$(Buffer.from(`r${i}`))))).toBe(`r${i}`);
    expect(server.connectionIds).toEqual([1]);
    await expect.poll(() => server.openConnectionCount, { timeout: 3000 }).toBe(0);
    await lastValueFrom(pool.request$(Buffer.from('again')));
    expect(server.connectionIds).toEqual([1, 2]);
  });

  it('200 concurrent requests never open more than maxConnections', async () => {
    const server = await TestServer.start();
    server.setLatency(20);
    cleanup.push(() => server.stop());
    const pool = tcpPool(server.address, { maxConnections: 3, maxInFlightPerConnection: 16 });
    const replies = await Promise.all(
      Array.from({ length: 200 }, (_, i) => lastValueFrom(pool.request$(Buffer.from(`c${i}`)))),
    );
    expect(replies.map(text)).toEqual(Array.from({ length: 200 }, (_, i) => `c${i}`));
    expect(server.connectionIds.length).toBeGreaterThan(1);
    expect(server.connectionIds.length).toBeLessThanOrEqual(3);
  });

  it('getConnection hands back the connection just returned', async () => {
    const cluster = await TestCluster.start(1);
    cleanup.push(() => cluster.stop());
    const router = createRouter({ hosts: cluster.addresses });
    cleanup.push(() => router.close());
    const first = await router.getConnection();
    expect(text(await lastValueFrom(first.request$(Buffer.from('via lease'))))).toBe('via lease');
    router.returnConnection(first);
    const second = await router.getConnection();
    expect(second.id).toBe(first.id);
    expect(second.nodeId).toBe(1);
    router.returnConnection(second);
    // something that is not a leased connection is a typed error naming the value, not a TypeError
    for (const bad of [null, undefined, {}, { nodeId: 9 }])
      expect(() => router.returnConnection(bad as never)).toThrowError(
        expect.objectContaining({ code: ErrorCode.Config, field: 'connection' }),
      );
  });
});

describe('Property 6: graceful shutdown', () => {
  it('close() with requests in flight: each completes or fails typed; nothing of ours stays open', async () => {
    const cluster = await TestCluster.start(2);
    cleanup.push(() => cluster.stop());
    for (const n of cluster.nodes) n.setLatency(150);
    const before = process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
    const router = createRouter({ hosts: cluster.addresses });
    const outcomes = Array.from({ length: 40 }, (_, i) =>
      router.request(`in flight ${i}`).then(
        (m) => `ok:${text(m)}`,
        (e: RouterError) => `err:${e.code}`,
      ),
    );
    await new Promise((r) => setTimeout(r, 50));
    await router.close();
    const settled = await Promise.all(outcomes);
    for (const o of settled) expect(o).toMatch(/^(ok:in flight \d+|err:ERR_[A-Z_]+)$/);
    expect(settled.filter((o) => o.startsWith('ok'))).toHaveLength(40);
    await expect.poll(() => cluster.nodes.map((n) => n.openConnectionCount)).toEqual([0, 0]);
    const after = process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
    expect(after).toBeLessThanOrEqual(before);
    await expect(router.request('late')).rejects.toMatchObject({ code: ErrorCode.RouterClosed });
  });
});

describe('Connection failures are typed, and touch only their own connection', () => {
  it('refused: a retryable ERR_CONNECT_REFUSED', async () => {
    const server = await TestServer.start();
    const host = server.address;
    await server.stop();
    await expect(connectSocket(address(host), {})).rejects.toMatchObject({
      code: ErrorCode.ConnectRefused,
      retryable: true,
    });
  });

  it('a server that never completes the handshake: ERR_CONNECT_TIMEOUT', async () => {
    const silent = net.createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    cleanup.push(() => silent.close());
    const port = (silent.address() as net.AddressInfo).port;
    await expect(connectSocket(address(`tls://127.0.0.1:${port}`), { timeoutMs: 300 })).rejects.toMatchObject(
      {
        code: ErrorCode.ConnectTimeout,
        retryable: true,
      },
    );
  });

  it('a paused node: the request times out with ERR_REQUEST_TIMEOUT, the late reply is dropped and counted', async () => {
    const server = await TestServer.start();
    cleanup.push(() => server.stop());
    const conn = await connect(server.address);
    server.pause();
    await expect(lastValueFrom(conn.request$(Buffer.from('x'), MessageType.Data, 200))).rejects.toMatchObject(
      {
        code: ErrorCode.RequestTimeout,
        retryable: true,
      },
    );
    server.resume();
    await expect.poll(() => conn.droppedReplies).toBe(1);
    expect(conn.inFlight).toBe(0);
  });

  it('a server killed mid-request: ERR_CONNECTION_LOST for its requests, other connections untouched', async () => {
    const cluster = await TestCluster.start(2);
    cleanup.push(() => cluster.stop());
    cluster.node(1).setLatency(300);
    const doomed = await connect(cluster.addresses[0]!);
    const healthy = await connect(cluster.addresses[1]!);
    const pending = Promise.all([1, 2, 3].map((i) => lastValueFrom(doomed.request$(Buffer.from(`d${i}`)))));
    await new Promise((r) => setTimeout(r, 50));
    cluster.node(1).kill();
    await expect(pending).rejects.toMatchObject({ code: ErrorCode.ConnectionLost, retryable: true });
    expect(await doomed.closed).toBe('lost');
    expect(text(await lastValueFrom(healthy.request$(Buffer.from('fine'))))).toBe('fine');
  });

  it('a corrupt frame closes that connection with the codec error, retryable', async () => {
    const liar = net.createServer((s) =>
      s.on('data', () => s.write(Buffer.from([0, 0, 0, 5, 9, 9, 9, 9, 9]))),
    );
    await new Promise<void>((r) => liar.listen(0, '127.0.0.1', () => r()));
    cleanup.push(() => liar.close());
    const conn = await connect(`127.0.0.1:${(liar.address() as net.AddressInfo).port}`);
    await expect(firstValueFrom(conn.ping$())).rejects.toMatchObject({
      code: ErrorCode.WireUnknownFlag,
      retryable: true,
    });
    expect(await conn.closed).toBe('corrupt');
  });

  it('pipelines thousands of 16 KiB requests through backpressure without loss', async () => {
    const server = await TestServer.start();
    cleanup.push(() => server.stop());
    // 32 MiB at once: over the default 4 MiB bound, which a bare Connection enforces by failing fast
    const conn = new Connection(await connectSocket(address(server.address), {}), 1, {
      maxInFlight: 4096,
      maxBufferedBytes: 64 * 1024 * 1024,
    });
    cleanup.push(() => conn.destroy());
    const payload = new Uint8Array(16 * 1024).fill(7);
    const replies = await Promise.all(
      Array.from({ length: 2000 }, () => lastValueFrom(conn.request$(payload))),
    );
    expect(replies.every((r) => r.payload.length === payload.length)).toBe(true);
  });
});

describe('TLS', () => {
  const { key, cert } = makeCertificate();

  it('verifies the server certificate against the given CA and round-trips', async () => {
    const server = await TestServer.start({ tls: { key, cert } });
    cleanup.push(() => server.stop());
    const router = createRouter({ hosts: [`tls://${server.address}`], tls: { ca: cert } });
    cleanup.push(() => router.close());
    expect(text(await router.request('secret'))).toBe('secret');
  });

  it('rejects an untrusted certificate with a non-retryable ERR_TLS', async () => {
    const server = await TestServer.start({ tls: { key, cert } });
    cleanup.push(() => server.stop());
    await expect(connectSocket(address(`tls://${server.address}`), {})).rejects.toMatchObject({
      code: ErrorCode.Tls,
      retryable: false,
    });
  });
});

describe('Transport bounds (issue #13)', () => {
  it('against a node that never reads, 1 MiB requests: buffered bytes stay bounded, the rest fail as not sent', async () => {
    const sockets: net.Socket[] = [];
    const deaf = net.createServer((s) => {
      s.pause(); // never reads
      sockets.push(s);
    });
    await new Promise<void>((r) => deaf.listen(0, '127.0.0.1', () => r()));
    cleanup.push(() => new Promise((r) => deaf.close(r)));
    cleanup.push(() => {
      for (const s of sockets) s.destroy();
    });
    const conn = await connect(`127.0.0.1:${(deaf.address() as net.AddressInfo).port}`);
    const payload = new Uint8Array(1024 * 1024 - 1024); // under maxMessageBytes
    let maxBuffered = 0;
    const outcomes = Array.from({ length: 100 }, () => {
      const p = lastValueFrom(conn.request$(payload, MessageType.Data, 1500)).catch(
        (e: RouterError) => e.code,
      );
      maxBuffered = Math.max(maxBuffered, conn.bufferedBytes);
      return p;
    });
    const codes = await Promise.all(outcomes);
    expect(maxBuffered).toBeLessThanOrEqual(4 * 1024 * 1024 + 1024 * 1024);
    expect(codes.filter((c) => c === ErrorCode.Backpressure).length).toBeGreaterThan(90);
    expect(codes.every((c) => c === ErrorCode.Backpressure || c === ErrorCode.RequestTimeout)).toBe(true);
  });

  it('router close() during a pending connect destroys its socket and timer at once', async () => {
    const accepted: net.Socket[] = [];
    // reads (so it sees the client go) but never answers the TLS handshake
    const silent = net.createServer((s) => accepted.push(s.resume()));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    cleanup.push(() => new Promise((r) => silent.close(r)));
    cleanup.push(() => {
      for (const s of accepted) s.destroy();
    });
    const port = (silent.address() as net.AddressInfo).port;
    const count = () =>
      process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap' || r === 'Timeout');
    const before = count().length;
    // TLS to a server that never answers the handshake: the connect stays pending for timeoutMs
    const router = createRouter({ hosts: [`tls://127.0.0.1:${port}`], timeoutMs: 30_000 });
    await new Promise((r) => setTimeout(r, 100));
    const t = performance.now();
    await router.close();
    expect(performance.now() - t).toBeLessThan(1000);
    expect(accepted).toHaveLength(1);
    await expect.poll(() => accepted[0]!.destroyed, { timeout: 2000 }).toBe(true); // the client's socket is gone
    expect(count().length).toBeLessThanOrEqual(before);
  });
});

describe('FeatureNegotiation: LZ4 only to nodes that advertise compression', () => {
  it('compresses to a node listing Compression, never to one that does not; replies are right either way', async () => {
    const lz4 = await TestServer.start();
    const plain = await TestServer.start({ features: [] });
    cleanup.push(() => lz4.stop());
    cleanup.push(() => plain.stop());
    for (const server of [lz4, plain]) {
      const router = createRouter({ hosts: [server.address], compressAboveBytes: 64 });
      cleanup.push(() => router.close());
      const payload = 'compress me '.repeat(200);
      for (let i = 0; i < 5; i++) expect(text(await router.request(payload))).toBe(payload);
    }
    expect(lz4.compressedFrameCount).toBeGreaterThan(0);
    expect(plain.compressedFrameCount).toBe(0);
  });
});

describe('Cancelled before written: never on the wire', () => {
  it('20,000 subscribe-then-unsubscribe pairs through the router in one tick reach the node as nothing', async () => {
    const server = await TestServer.start();
    cleanup.push(() => server.stop());
    const router = createRouter({ hosts: [server.address], pool: { maxInFlightPerConnection: 100_000 } });
    cleanup.push(() => router.close());
    expect(text(await router.request('warm'))).toBe('warm'); // a connection is open and idle
    const before = server.requestCount;
    for (let i = 0; i < 20_000; i++)
      router
        .request$(`cancelled ${i}`)
        .subscribe({ error: () => {} })
        .unsubscribe();
    expect(text(await router.request('after'))).toBe('after');
    await new Promise((r) => setTimeout(r, 200));
    expect(server.requestCount - before).toBe(1);
  });
});
