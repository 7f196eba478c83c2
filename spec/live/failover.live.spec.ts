import { filter, firstValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRouter } from '../../lib/router/router.js';
import type { Router } from '../../lib/router/router-types.js';
import { ProcessCluster } from '../../lib/testing/process-cluster.js';
import type { NodeId } from '../../lib/types.js';
import { freePorts } from '../support/cli-process.js';

/** Sends requests back to back, `concurrency` at a time, until stopped; counts outcomes per node. */
function steadyLoad(router: Router, concurrency = 4) {
  const stats = { ok: 0, failed: [] as string[], perNode: new Map<number, number>() };
  let running = true;
  const worker = async () => {
    while (running) {
      try {
        const reply = await router.request('steady');
        stats.ok++;
        stats.perNode.set(Number(reply.sender), (stats.perNode.get(Number(reply.sender)) ?? 0) + 1);
      } catch (err) {
        stats.failed.push((err as { code?: string }).code ?? String(err));
      }
    }
  };
  const done = Promise.all(Array.from({ length: concurrency }, worker));
  return {
    stats,
    snapshot: () => new Map(stats.perNode),
    stop: async () => {
      running = false;
      await done;
    },
  };
}

const eligibleUntil = (router: Router, test: (e: readonly NodeId[]) => boolean) =>
  firstValueFrom(router.eligible$.pipe(filter(test)));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('failover with nothing lost (three node processes)', () => {
  let cluster: ProcessCluster;
  let router: Router;
  beforeAll(async () => {
    cluster = await ProcessCluster.start(await freePorts(3));
    router = createRouter({ hosts: cluster.addresses, health: { intervalMs: 500, timeoutMs: 500 } });
  });
  afterAll(async () => {
    await router?.close();
    await cluster?.stop();
  });

  it('SIGKILL one node: every request succeeds, the dead node gets none after detection, and rejoins on restart', async () => {
    const load = steadyLoad(router);
    await sleep(300);
    cluster.signal(2, 'SIGKILL');
    await cluster.exited(2);
    await eligibleUntil(router, (e) => !e.includes(2));
    const atDetection = load.snapshot().get(2) ?? 0;
    await sleep(500);
    expect(load.snapshot().get(2) ?? 0).toBe(atDetection);
    await cluster.restart(2);
    await eligibleUntil(router, (e) => e.includes(2));
    await sleep(500);
    await load.stop();
    expect(load.stats.failed).toEqual([]);
    expect(load.stats.perNode.get(2) ?? 0).toBeGreaterThan(atDetection);
    expect(load.stats.ok).toBeGreaterThan(100);
  });

  it('SIGSTOP one node: it leaves within the documented bound, nothing fails, SIGCONT brings it back', async () => {
    await eligibleUntil(router, (e) => e.length === 3);
    const load = steadyLoad(router);
    await sleep(300);
    const start = performance.now();
    cluster.signal(3, 'SIGSTOP');
    await eligibleUntil(router, (e) => !e.includes(3));
    const detectMs = performance.now() - start;
    // bound: intervalMs + fall × timeoutMs = 500 + 2 × 500 = 1.5 s; a wide margin for a busy 2-core machine
    expect(detectMs).toBeLessThan(6000);
    const atDetection = load.snapshot().get(3) ?? 0;
    await sleep(500);
    expect(load.snapshot().get(3) ?? 0).toBe(atDetection);
    cluster.signal(3, 'SIGCONT');
    await eligibleUntil(router, (e) => e.includes(3));
    await load.stop();
    expect(load.stats.failed).toEqual([]);
  });
});
