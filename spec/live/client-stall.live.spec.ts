import { filter, firstValueFrom } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode, type RouterError } from '../../lib/errors.js';
import { createRouter } from '../../lib/router/router.js';
import type { RouterEvent } from '../../lib/router/router-event.js';
import type { Router } from '../../lib/router/router-types.js';
import { ProcessCluster } from '../../lib/testing/process-cluster.js';
import type { NodeId } from '../../lib/types.js';
import { freePorts } from '../support/cli-process.js';

// The fair-chance rule (docs/api.md): a stall of the client's own event loop (GC, a big JSON.parse, thousands of
// subscriptions in one loop) is never evidence against a node. The nodes run in their own processes, so their
// replies arrive in our sockets while we are stalled — as in production.
const cleanup: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

const until = (router: Router, test: (eligible: readonly NodeId[]) => boolean) =>
  firstValueFrom(router.eligible$.pipe(filter(test)));

/** Synchronous work: the event loop runs nothing for `ms`. */
function stall(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // busy
  }
}

async function cluster(latencyMs: number) {
  const c = await ProcessCluster.start(await freePorts(3));
  cleanup.push(() => c.stop());
  for (const id of [1, 2, 3]) await c.admin(id, { command: 'setLatency', ms: latencyMs });
  return c;
}

/** Watches a router: whether any node ever left the eligible set, and every event. */
function watch(router: Router) {
  const seen = { left: [] as NodeId[], events: [] as RouterEvent[] };
  let last: readonly NodeId[] = [1, 2, 3];
  const subs = [
    router.eligible$.subscribe((e) => {
      for (const id of last) if (!e.includes(id)) seen.left.push(id);
      last = e;
    }),
    router.events$.subscribe((e) => seen.events.push(e)),
  ];
  cleanup.push(() => {
    for (const s of subs) s.unsubscribe();
  });
  return seen;
}

describe('a stall of the client event loop is not the nodes’ fault, live', () => {
  it('30 requests in flight, then 1.1–1.5 s of synchronous work (three times): no node leaves the eligible set, every request succeeds', async () => {
    const c = await cluster(50);
    const router = createRouter({
      hosts: c.addresses,
      // sensitive on purpose: two unfair timeouts would eject a node, two failed probes take it down
      health: { intervalMs: 200, timeoutMs: 500, fall: 2, passiveFall: 2, maxEjectionPercent: 100 },
    });
    cleanup.push(() => router.close());
    await until(router, (e) => e.length === 3);
    const seen = watch(router);
    const failures: string[] = [];
    for (const ms of [1100, 1300, 1500]) {
      const replies = Array.from({ length: 30 }, (_, i) =>
        router.request(`s${ms}-${i}`, { timeoutMs: 1000 }),
      );
      await new Promise((r) => setTimeout(r, 5)); // written: on the wire, answered while we stall
      // stall from the check phase (as after I/O): the loop then runs expired timers before it reads the sockets
      await new Promise((r) => setImmediate(r));
      stall(ms);
      const results = await Promise.allSettled(replies);
      for (const r of results)
        if (r.status === 'rejected') failures.push(((r as PromiseRejectedResult).reason as RouterError).code);
      await new Promise((r) => setTimeout(r, 300)); // probes after the stall
    }
    expect(seen.left).toEqual([]);
    expect(seen.events.filter((e) => e.type === 'nodeEjected')).toEqual([]);
    expect(failures).toEqual([]);
    expect(seen.events.some((e) => e.type === 'clientStall' && e.lagMs >= 1000)).toBe(true);
  }, 60_000);

  it('50,000 requests subscribed in one synchronous loop: no ejection, no node leaves, no ERR_REQUEST_TIMEOUT long before its deadline', async () => {
    const c = await cluster(0);
    const router = createRouter({ hosts: c.addresses, health: { intervalMs: 200, timeoutMs: 500 } });
    cleanup.push(() => router.close());
    await until(router, (e) => e.length === 3);
    const seen = watch(router);
    const timeoutMs = 5000;
    const early: Array<{ code: string; ms: number }> = [];
    let ok = 0;
    let failed = 0;
    const codes = new Map<string, number>();
    const done = new Promise<void>((resolve) => {
      let left = 50_000;
      const start = performance.now();
      const end = () => --left === 0 && resolve();
      for (let i = 0; i < 50_000; i++) {
        router.request$(`b${i}`, { timeoutMs }).subscribe({
          next: () => ok++,
          error: (err: RouterError) => {
            failed++;
            codes.set(err.code, (codes.get(err.code) ?? 0) + 1);
            const ms = performance.now() - start;
            if (err.code === ErrorCode.RequestTimeout && ms < timeoutMs - 1000)
              early.push({ code: err.code, ms });
            end();
          },
          complete: end,
        });
      }
    });
    await done;
    expect(early.slice(0, 5)).toEqual([]);
    expect(seen.events.filter((e) => e.type === 'nodeEjected')).toEqual([]);
    expect(seen.left).toEqual([]);
    console.log(`burst: ${ok} ok, ${failed} failed`, [...codes]);
  }, 120_000);
});
