import { asyncScheduler, filter, firstValueFrom, type SchedulerLike } from 'rxjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ErrorCode, type RouterError } from '../../lib/errors.js';
import { createRouter } from '../../lib/router/router.js';
import type { Router } from '../../lib/router/router-types.js';
import { TestServer } from '../../lib/testing/test-server.js';
import type { NodeId } from '../../lib/types.js';

// The default clock is monotonic (docs/api.md, "Time"): a step of the system clock — modelled here by stepping
// Date.now(), which is what an NTP step or a VM resume does to it — changes no deadline and no ejection.
// Margins: a loaded shared 2-core machine delays timers by hundreds of ms; the old wall-clock scheduler missed
// these bounds by the size of the step (60 s, 30 s), so generous margins still tell the two apart.
const marginMs = 2500;

const cleanup: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

const until = (router: Router, test: (eligible: readonly NodeId[]) => boolean) =>
  firstValueFrom(router.eligible$.pipe(filter(test)));

/** Steps the process's wall clock (Date.now) by `ms` from now on; the monotonic clock does not move. */
function stepWallClock(ms: number): void {
  const real = Date.now.bind(Date);
  vi.spyOn(Date, 'now').mockImplementation(() => real() + ms);
}

async function server(nodeId: number, options: Parameters<typeof TestServer.start>[0] = {}) {
  const s = await TestServer.start({ nodeId, ...options });
  cleanup.push(() => s.stop());
  return s;
}

describe('the monotonic default clock, live', () => {
  it('a wall clock stepped back 60 s: a request with timeoutMs 1000 to a gray node ends by its deadline', async () => {
    const gray = await server(1);
    const router = createRouter({ hosts: [gray.address], health: { intervalMs: 200 } });
    cleanup.push(() => router.close());
    await until(router, (e) => e.length === 1);
    gray.setFault({ kind: 'gray' });
    const start = performance.now();
    const result = router.request('step', { timeoutMs: 1000 }).then(
      () => 'ok',
      (err: RouterError) => err.code,
    );
    stepWallClock(-60_000);
    expect(await result).toBe(ErrorCode.RequestTimeout);
    expect(performance.now() - start).toBeLessThan(1000 + marginMs);
  });

  it('a wall clock stepped back 30 s: a 1 s passive ejection still lasts about 1 s', async () => {
    const flaky = await TestServer.startWithFailures(2, { nodeId: 1 });
    cleanup.push(() => flaky.stop());
    const healthy = await server(2);
    const router = createRouter({
      hosts: [flaky.address, healthy.address],
      balancer: 'round-robin',
      retry: { budget: false },
      health: { intervalMs: 200, passiveFall: 2, ejectionMs: 1000, maxEjectionPercent: 50 },
      slowStartMs: 1,
    });
    cleanup.push(() => router.close());
    await until(router, (e) => e.length === 2);
    const ejected = firstValueFrom(router.events$.pipe(filter((e) => e.type === 'nodeEjected')));
    for (let i = 0; i < 6; i++) await router.request(`e${i}`, { timeoutMs: 2000 });
    await ejected;
    const start = performance.now();
    stepWallClock(-30_000);
    await until(router, (e) => e.includes(1));
    expect(performance.now() - start).toBeLessThan(1000 + marginMs);
  });

  it.each<[string, SchedulerLike | undefined]>([
    ['the default (performance.now(), fractional)', undefined],
    [
      'an injected one whose now() is wall ms + 0.37',
      { now: () => Date.now() + 0.37, schedule: asyncScheduler.schedule.bind(asyncScheduler) },
    ],
  ])('a scheduler with a fractional now() — %s: 20 of 20 requests succeed', async (_name, scheduler) => {
    const nodes = [await server(1), await server(2)];
    const router = createRouter({
      hosts: nodes.map((n) => n.address),
      ...(scheduler ? { scheduler } : {}),
      health: { intervalMs: 200 },
    });
    cleanup.push(() => router.close());
    await until(router, (e) => e.length === 2);
    if (!scheduler) expect(Number.isInteger(performance.timeOrigin + performance.now())).toBe(false);
    const replies = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => router.request(`f${i}`, { timeoutMs: 5000 })),
    );
    expect(replies.filter((r) => r.status === 'rejected')).toEqual([]);
  });
});
