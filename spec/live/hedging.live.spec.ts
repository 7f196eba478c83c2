import { filter, firstValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRouter } from '../../lib/router/router.js';
import type { Router } from '../../lib/router/router-types.js';
import { validateConfig } from '../../lib/router/validate-config.js';
import { ProcessCluster } from '../../lib/testing/process-cluster.js';
import { Connection } from '../../lib/transport/connection.js';
import { connectSocket } from '../../lib/transport/connector.js';
import { MessageType } from '../../lib/wire/message.js';
import { freePorts } from '../support/cli-process.js';

async function setLatency(address: string, ms: number) {
  const a = validateConfig({ hosts: [address] }).addresses[0]!;
  const conn = new Connection(await connectSocket(a, {}), a.id);
  const body = new TextEncoder().encode(JSON.stringify({ command: 'setLatency', ms }));
  await firstValueFrom(conn.request$(body, MessageType.Admin));
  conn.destroy();
}

/** Steady closed-loop load (16 in flight) for `ms`; latencies in ms, and the hedges sent. */
async function load(router: Router, ms: number) {
  let hedges = 0;
  const sub = router.events$.subscribe((e) => {
    if (e.type === 'hedgeSent') hedges++;
  });
  const latencies: number[] = [];
  const until = performance.now() + ms;
  const worker = async () => {
    while (performance.now() < until) {
      const start = performance.now();
      await router.request('tail');
      latencies.push(performance.now() - start);
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  sub.unsubscribe();
  latencies.sort((a, b) => a - b);
  const at = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!;
  return {
    p999: at(99.9),
    max: latencies.at(-1)!,
    requests: latencies.length,
    extraLoad: hedges / latencies.length,
  };
}

describe('hedging, live (three node processes; one slowed to 300 ms, SIGSTOPped or gray)', () => {
  let cluster: ProcessCluster;
  beforeAll(async () => {
    cluster = await ProcessCluster.start(await freePorts(3));
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  /** The same load with hedging off, then on, each with the fault injected after a warm-up. */
  async function offAndOn(inject: () => Promise<unknown> | unknown, heal: () => Promise<unknown> | unknown) {
    const results: Record<string, Awaited<ReturnType<typeof load>>> = {};
    for (const hedge of [false, true]) {
      const router = createRouter({
        hosts: cluster.addresses,
        hedge,
        health: { intervalMs: 500, timeoutMs: 500 },
      });
      await firstValueFrom(router.eligible$.pipe(filter((e) => e.length === 3)));
      await load(router, 1500); // warm-up: latency windows
      await inject();
      try {
        results[String(hedge)] = await load(router, 3000);
      } finally {
        await heal();
        await router.close();
      }
    }
    return { off: results.false!, on: results.true! };
  }

  it('with hedging on the slow node costs about a hedge delay, within the 5 % budget; off, its 300 ms show', async () => {
    const { off, on } = await offAndOn(
      () => setLatency(cluster.addresses[1]!, 300),
      () => setLatency(cluster.addresses[1]!, 0),
    );
    // Off: the balancer keeps most requests off the loaded slow node, but those it sends there take 300 ms (the
    // worst latency); on: they are copied after the hedge delay (>= 10 ms) and answered elsewhere.
    // Wide margins: a shared 2-core machine.
    expect(off.max).toBeGreaterThan(250);
    expect(on.max).toBeLessThan(200);
    expect(on.p999).toBeLessThan(100);
    expect(on.extraLoad).toBeLessThanOrEqual(0.05 + 0.01);
    expect(off.extraLoad).toBe(0);
  });

  it.each([
    ['SIGSTOPped', () => cluster.signal(3, 'SIGSTOP'), () => cluster.signal(3, 'SIGCONT')],
    ['gray', () => cluster.setFault(3, { kind: 'gray' }), () => cluster.clearFault(3)],
  ] as const)(
    'a %s node: with hedging on the worst latency stays near a hedge delay and extra load within the budget; off, it shows',
    async (_name, inject, heal) => {
      const { off, on } = await offAndOn(inject, heal);
      // Off: requests caught on the faulty node wait for their attempt timeout (500 ms here) before going
      // elsewhere; on: a copy leaves after the hedge delay (>= 10 ms). Wide margins: a shared 2-core machine.
      expect(off.max).toBeGreaterThan(250);
      expect(on.max).toBeLessThan(off.max / 2);
      expect(on.extraLoad).toBeLessThanOrEqual(0.05 + 0.01);
    },
  );
});
