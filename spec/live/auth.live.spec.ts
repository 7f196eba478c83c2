import net from 'node:net';
import { filter, firstValueFrom } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode, type RouterError } from '../../lib/errors.js';
import { createRouter } from '../../lib/router/router.js';
import type { RouterEvent } from '../../lib/router/router-event.js';
import { ProcessCluster } from '../../lib/testing/process-cluster.js';
import { TestCluster } from '../../lib/testing/test-cluster.js';
import { freePorts } from '../support/cli-process.js';

const cleanup: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Handles the process holds: sockets and timers (the servers' own included). */
const handles = () => {
  const all = process.getActiveResourcesInfo();
  return {
    sockets: all.filter((r) => r === 'TCPSocketWrap').length,
    timers: all.filter((r) => r === 'Timeout').length,
  };
};

async function authCluster(ttlMs?: number) {
  const cluster = await TestCluster.start({ size: 3, auth: { token: 's3cr3t', ttlMs } });
  cleanup.push(() => cluster.stop());
  return cluster;
}

describe('a 3-node TestCluster with auth', () => {
  it('correct credentials: every connection authenticates before its first request; all requests succeed', async () => {
    const cluster = await authCluster();
    const router = createRouter({ hosts: cluster.addresses, credentials: () => ({ token: 's3cr3t' }) });
    cleanup.push(() => router.close());
    const replies = await Promise.all(Array.from({ length: 60 }, (_, i) => router.request(`r${i}`)));
    expect(replies).toHaveLength(60);
    for (const node of cluster.nodes) {
      expect(node.authStats.unauthenticated).toBe(0);
      expect(node.authStats.rejected).toBe(0);
      expect(node.authStats.accepted).toBeGreaterThanOrEqual(1);
    }
    expect(cluster.requestCounts.reduce((a, b) => a + b, 0)).toBe(60);
  });

  it('wrong credentials: every node unusable (auth) in health$, no connect storm, requests fail with ERR_AUTH_FAILED at once', async () => {
    const cluster = await authCluster();
    const events: RouterEvent[] = [];
    const router = createRouter({
      hosts: cluster.addresses,
      credentials: () => ({ token: 'wrong' }),
      health: { intervalMs: 100, maxIntervalMs: 200 },
    });
    cleanup.push(() => router.close());
    const sub = router.events$.subscribe((e) => events.push(e));
    cleanup.push(() => sub.unsubscribe());
    const health = await firstValueFrom(
      router.health$.pipe(filter((h) => [...h.nodes.values()].every((n) => n.status === 'unusable'))),
    );
    expect([...health.nodes.values()].map((n) => n.reason)).toEqual(['auth', 'auth', 'auth']);
    const started = performance.now();
    const err = (await router.request('x').catch((e: RouterError) => e)) as RouterError;
    expect(err.code).toBe(ErrorCode.AuthFailed);
    expect(performance.now() - started).toBeLessThan(1000); // not the 5 s deadline
    await sleep(1500); // heartbeats every 100-200 ms: each would dial without the block
    // one rejection per node, then at most one more per backoff step (1 s, 2 s …) for the same credentials
    for (const node of cluster.nodes) expect(node.authStats.rejected).toBeLessThanOrEqual(2);
    const failed = events.filter((e) => e.type === 'authFailed').map((e) => (e as { nodeId: number }).nodeId);
    expect([...new Set(failed)].sort()).toEqual([1, 2, 3]);
  });

  it('sessions expiring under 200 requests/s: connections are replaced ahead of expiry, 0 requests fail', async () => {
    // 3 s sessions: replaced from 2.25 s on (a quarter ahead), a margin a loaded machine keeps
    const ttlMs = 3000;
    const cluster = await authCluster(ttlMs);
    const router = createRouter({ hosts: cluster.addresses, credentials: () => ({ token: 's3cr3t' }) });
    cleanup.push(() => router.close());
    await firstValueFrom(router.eligible$.pipe(filter((e) => e.length === 3)));
    const failures: string[] = [];
    let ok = 0;
    const inFlight: Promise<unknown>[] = [];
    const runMs = 3 * ttlMs;
    // 200 req/s (one per 5 ms, caught up after any stall of this loop) for three session lifetimes
    const start = performance.now();
    for (let elapsed = 0; elapsed < runMs; elapsed = performance.now() - start) {
      while (inFlight.length < elapsed / 5) {
        inFlight.push(
          router.request(`q${inFlight.length}`).then(
            () => ok++,
            (e: RouterError) => failures.push(e.code),
          ),
        );
      }
      await sleep(5);
    }
    expect(inFlight.length).toBeGreaterThanOrEqual((runMs / 5) * 0.95);
    await Promise.all(inFlight);
    expect(failures).toEqual([]);
    expect(ok).toBe(inFlight.length);
    const stats = cluster.nodes.map((n) => n.authStats);
    // no request reached a node on an expired session, and the connections were rotated (several handshakes each)
    expect(stats.map((s) => s.expired)).toEqual([0, 0, 0]);
    expect(stats.every((s) => s.accepted >= 3)).toBe(true);
  });
});

describe('close() during connection setup', () => {
  it.each([
    ['FeatureNegotiation', { compressAboveBytes: 64 }],
    ['the handshake', { credentials: () => ({ token: 't' }) }],
  ] as const)(
    'against a node that never answers %s ends in < 500 ms, nothing left running',
    async (_step, extra) => {
      const accepted: net.Socket[] = [];
      const closed = new Set<net.Socket>();
      const silent = net.createServer((s) => {
        accepted.push(s);
        s.on('error', () => {});
        s.on('close', () => closed.add(s));
        s.resume(); // reads (and ignores) everything: it never answers
      });
      await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
      cleanup.push(() => new Promise((r) => silent.close(r)));
      cleanup.push(() => {
        for (const s of accepted) s.destroy();
      });
      const before = handles();
      // nothing in flight (as measured in the issue): the pool's warm-up connection is in setup
      const router = createRouter({
        hosts: [`127.0.0.1:${(silent.address() as net.AddressInfo).port}`],
        timeoutMs: 20_000,
        ...extra,
      });
      while (accepted.length === 0) await sleep(10);
      await sleep(100); // the setup step is written and waits for its answer
      const started = performance.now();
      await router.close();
      const ms = performance.now() - started;
      // the measured fix: 4,994 ms before (the pending negotiation held the drain); 500 ms leaves a loaded machine room
      expect(ms).toBeLessThan(500);
      await sleep(50);
      const after = handles();
      // the router's socket and every timer of it are gone (the server's accepted socket may still be open)
      expect(after.timers).toBeLessThanOrEqual(before.timers);
      expect(after.sockets).toBeLessThanOrEqual(before.sockets + accepted.length);
      expect(closed.size).toBe(accepted.length); // the node saw the router's side close
    },
  );
});

describe('auth through qdb-router node processes (ProcessCluster)', () => {
  it('the token travels in the environment; the router and Admin commands authenticate; a wrong token is rejected', async () => {
    const cluster = await ProcessCluster.start(await freePorts(2), { auth: { token: 'proc-s3cr3t' } });
    cleanup.push(() => cluster.stop());
    const router = createRouter({ hosts: cluster.addresses, credentials: () => ({ token: 'proc-s3cr3t' }) });
    cleanup.push(() => router.close());
    await Promise.all(Array.from({ length: 20 }, (_, i) => router.request(`p${i}`)));
    const stats = (await cluster.admin(1, { command: 'stats' })) as { ok: boolean };
    expect(stats.ok).toBe(true);
    const wrong = createRouter({ hosts: cluster.addresses, credentials: () => ({ token: 'nope' }) });
    cleanup.push(() => wrong.close());
    const err = (await wrong.request('x').catch((e: RouterError) => e)) as RouterError;
    expect(err.code).toBe(ErrorCode.AuthFailed);
  });
});
