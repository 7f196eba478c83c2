import { BehaviorSubject } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import type { RouterError } from '../../lib/errors.js';
import { createRouter } from '../../lib/router/router.js';
import type { RouterEvent } from '../../lib/router/router-event.js';
import { ProcessCluster } from '../../lib/testing/process-cluster.js';
import { TestCluster } from '../../lib/testing/test-cluster.js';
import { freePorts } from '../support/cli-process.js';

const cleanup: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Steady traffic: non-idempotent requests at 200 req/s (one per 5 ms of elapsed time), each with a unique
 * payload. Paced by the clock, not by counting timer ticks: on a loaded machine a 5 ms interval fires far less
 * often (245 requests in 3 s, not 600), so each tick sends every request due by now.
 */
function traffic(router: ReturnType<typeof createRouter>) {
  const failed: RouterError[] = [];
  const sent: string[] = [];
  let n = 0;
  let pending = 0;
  const start = performance.now();
  const timer = setInterval(() => {
    const due = Math.floor((performance.now() - start) / 5) + 1;
    while (n < due) {
      const payload = `m${n++}`;
      sent.push(payload);
      pending++;
      router
        .request(payload, { idempotent: false, timeoutMs: 4000 })
        .catch((err: RouterError) => failed.push(err))
        .finally(() => pending--);
    }
  }, 5);
  return {
    failed,
    sent,
    async stop() {
      clearInterval(timer);
      while (pending > 0) await sleep(10);
    },
  };
}

describe('membership, live (real sockets, TestCluster)', () => {
  it('removes a node under 200 req/s: 0 failed, at most once, its server sees no connection after the drain bound', async () => {
    const cluster = await TestCluster.start(3);
    cleanup.push(() => cluster.stop());
    const hosts = new BehaviorSubject<readonly string[]>(cluster.addresses);
    const timeoutMs = 2000;
    const router = createRouter({ hosts, timeoutMs, health: { intervalMs: 200, timeoutMs: 500 } });
    cleanup.push(() => router.close());
    const events: RouterEvent[] = [];
    router.events$.subscribe((e) => events.push(e));
    await sleep(500);
    const load = traffic(router);
    await sleep(1500);
    const leaving = cluster.node(2);
    const before = leaving.requestCount;
    hosts.next([cluster.node(1).address, cluster.node(3).address]);
    await sleep(1500);
    await load.stop();
    // a drained node is gone within the drain bound (timeoutMs) plus margin for a loaded machine
    const gone = events.find((e) => e.type === 'nodeRemoved');
    expect(gone).toMatchObject({ nodeId: 2, reason: 'hosts' });
    expect(leaving.openConnectionCount).toBe(0);
    const afterDrain = leaving.requestCount;
    const connections = leaving.connectionIds.length;
    await sleep(1000);
    expect(leaving.connectionIds.length).toBe(connections); // nothing reconnects to it
    expect(leaving.requestCount).toBe(afterDrain);
    expect(before).toBeGreaterThan(0);
    expect(load.failed.map((e) => e.code)).toEqual([]);
    for (const payload of load.sent) {
      const runs = cluster.nodes.reduce((sum, n) => sum + n.executions(payload), 0); // the leaving node included
      expect(runs, payload).toBeLessThanOrEqual(1);
    }
    expect(load.sent.length).toBeGreaterThan(300);
  }, 30_000);

  it('adds a node: no Data before its first Pong, then its share rises to a fair one', async () => {
    const cluster = await TestCluster.start(2);
    cleanup.push(() => cluster.stop());
    const hosts = new BehaviorSubject<readonly string[]>(cluster.addresses);
    const router = createRouter({
      hosts,
      slowStartMs: 2000,
      joinSpreadMs: 100,
      health: { intervalMs: 200, timeoutMs: 500 },
    });
    cleanup.push(() => router.close());
    const events: RouterEvent[] = [];
    router.events$.subscribe((e) => events.push(e));
    await sleep(400);
    const load = traffic(router);
    await sleep(500);
    let pingsAtFirstData = -1;
    const added = await cluster.add({
      handler: (request) => {
        if (pingsAtFirstData < 0) pingsAtFirstData = added.pingCount;
        return request.payload;
      },
    });
    hosts.next(cluster.addresses);
    await sleep(4000);
    const counts = cluster.requestCounts;
    const fresh = added.requestCount;
    await sleep(2000);
    await load.stop();
    expect(load.failed.map((e) => e.code)).toEqual([]);
    // router side: no attempt on node 3 before it went up on its first pong
    const up = events.find((e) => e.type === 'nodeStatusChanged' && e.nodeId === 3 && e.status === 'up');
    const firstAttempt = events.find((e) => e.type === 'attemptStarted' && e.nodeId === 3);
    expect(up).toMatchObject({ previous: 'joining', reason: 'probe' });
    expect(firstAttempt!.at).toBeGreaterThanOrEqual(up!.at);
    // server side: a ping came before the first Data
    expect(pingsAtFirstData).toBeGreaterThanOrEqual(1);
    // share over the last 2 s (slow start over): fair within wide margins
    const last = cluster.requestCounts.map((c, i) => c - counts[i]!);
    const total = last.reduce((a, b) => a + b, 0);
    expect((added.requestCount - fresh) / total).toBeGreaterThan(0.2);
    expect((added.requestCount - fresh) / total).toBeLessThan(0.5);
  }, 30_000);

  it("discovery 'admin' follows a TestCluster that grows from 2 to 4 nodes and shrinks to 3", async () => {
    const cluster = await TestCluster.start(2);
    cleanup.push(() => cluster.stop());
    const router = createRouter({
      hosts: [cluster.node(1).address],
      discovery: { source: 'admin', intervalMs: 300, retryIntervalMs: 100 },
      health: { intervalMs: 200, timeoutMs: 500 },
    });
    cleanup.push(() => router.close());
    const labels = () => router.addresses.map((a) => a.label).sort();
    const eventually = async (expected: string[]) => {
      const until = Date.now() + 10_000;
      while (Date.now() < until && JSON.stringify(labels()) !== JSON.stringify(expected.slice().sort()))
        await sleep(50);
      expect(labels()).toEqual(expected.slice().sort());
    };
    await eventually(cluster.addresses);
    await cluster.add();
    await cluster.add();
    expect(cluster.addresses).toHaveLength(4);
    await eventually(cluster.addresses);
    await cluster.remove(2, { stop: true });
    await eventually(cluster.addresses);
    expect(cluster.addresses).toHaveLength(3);
    const ok = await router.request('after');
    expect(new TextDecoder().decode(ok.payload)).toBe('after');
    expect(cluster.nodes.some((n) => n.bincodeAdmin.listNodesCount > 0)).toBe(true);
  }, 30_000);

  it('discovery finds every node of a ProcessCluster (real node processes, --peers) from one seed', async () => {
    const cluster = await ProcessCluster.start(await freePorts(3));
    cleanup.push(() => cluster.stop());
    const router = createRouter({
      hosts: [cluster.addresses[0]!],
      discovery: { source: 'admin', intervalMs: 300, retryIntervalMs: 100 },
      health: { intervalMs: 200, timeoutMs: 500 },
    });
    cleanup.push(() => router.close());
    const until = Date.now() + 10_000;
    while (Date.now() < until && router.addresses.length < 3) await sleep(50);
    expect(router.addresses.map((a) => a.label).sort()).toEqual(cluster.addresses.slice().sort());
  }, 30_000);
});
