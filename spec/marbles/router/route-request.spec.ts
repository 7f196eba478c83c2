import { fc } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { ErrorCode, RouterError } from '../../../lib/errors.js';
import type { RouterEvent } from '../../../lib/router/router-event.js';
import { drive, type NodeScript, type Outcome, setup } from './script-cluster.js';

const statusChanges = (events: RouterEvent[]) =>
  events.filter(
    (e): e is Extract<RouterEvent, { type: 'nodeStatusChanged' }> =>
      e.type === 'nodeStatusChanged' && e.previous !== 'joining',
  );

describe('routeRequest: one deadline', () => {
  const scriptArb = fc.record({
    latencyMs: fc.integer({ min: 0, max: 400 }),
    gray: fc.boolean(),
    silent: fc.boolean(),
    failing: fc.boolean(),
    refuse: fc.boolean(),
  });
  const requestArb = fc.record({
    atMs: fc.integer({ min: 0, max: 3000 }),
    timeoutMs: fc.integer({ min: 1, max: 4000 }),
    idempotent: fc.boolean(),
  });

  it('for any mix of latencies, silent, gray, failing and refusing nodes, full pools, deadlines and hedging, every request ends by its deadline with a reply or a typed error', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(scriptArb, { minLength: 1, maxLength: 4 }),
        fc.array(requestArb, { minLength: 1, maxLength: 40 }),
        fc.record({
          maxConnections: fc.integer({ min: 1, max: 2 }),
          maxInFlightPerConnection: fc.integer({ min: 1, max: 8 }),
        }),
        fc.constantFrom('p2c' as const, 'round-robin' as const, 'least-outstanding' as const),
        fc.option(
          fc.record({
            delayMs: fc.integer({ min: 0, max: 500 }),
            maxAttempts: fc.integer({ min: 2, max: 4 }),
            maxExtraLoad: fc.constantFrom(0.05, 0.5, 1),
          }),
          { nil: undefined },
        ),
        async (scripts, requests, pool, balancer, hedge) => {
          const t = setup(scripts as NodeScript[], {
            pool,
            balancer,
            hedge: hedge ?? false,
            health: { intervalMs: 200, timeoutMs: 200 },
            retry: { budget: false },
          });
          const started: { deadline: number; outcome: Outcome }[] = [];
          for (const r of requests) {
            t.scheduler.schedule(() => {
              const deadline = t.scheduler.now() + r.timeoutMs;
              started.push({
                deadline,
                outcome: t.send(`r${started.length}`, { timeoutMs: r.timeoutMs, idempotent: r.idempotent }),
              });
            }, r.atMs);
          }
          await drive(t.scheduler, 3000 + 4000 + 10);
          expect(started).toHaveLength(requests.length);
          for (const { deadline, outcome } of started) {
            expect(outcome.at).toBeGreaterThanOrEqual(0); // it ended
            expect(outcome.at).toBeLessThanOrEqual(deadline);
            if (outcome.error) {
              expect(outcome.error).toBeInstanceOf(RouterError);
              expect(outcome.error.code).toMatch(/^ERR_/);
            } else expect(outcome.value).toMatch(/^r\d+$/);
          }
          await t.close();
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('routeRequest: health feedback through the router', () => {
  it('a gray node (answers pings, never data) leaves eligible$ within the bound, stays out despite good pings, and no idempotent request is lost', async () => {
    const t = setup([{ latencyMs: 2 }, { latencyMs: 2, gray: true }, { latencyMs: 2 }], {
      retry: { budget: false },
    });
    await drive(t.scheduler, 10);
    const outcomes: Outcome[] = [];
    // 20 requests a second for 60 s, default deadline (5000 ms): attempt timeout 1000 ms on the gray node
    for (let at = 10; at < 60_000; at += 50)
      t.scheduler.schedule(() => outcomes.push(t.send(`q${at}`)), at - 10);
    let outAt = -1;
    t.router.eligible$.subscribe((e) => {
      if (outAt < 0 && !e.includes(2) && e.length === 2) outAt = t.scheduler.now();
    });
    await drive(t.scheduler, 70_000);
    expect(outcomes).toHaveLength(1200);
    expect(outcomes.filter((o) => o.error)).toEqual([]);
    expect(outcomes.every((o) => o.value !== undefined)).toBe(true);
    // documented bound: p2c sends a node with a stuck request little else, so the gray node sees about one
    // request at a time; passiveFall (5) fair timeouts of attemptTimeoutMs (1000 ms) each eject it:
    // out within passiveFall × attemptTimeoutMs plus the gaps between those requests (< 1 s here)
    expect(outAt).toBeGreaterThan(0);
    expect(outAt).toBeLessThan(10 + 5 * 1000 + 1000);
    // only passiveFall requests per ejection paid for it, one attempt timeout each: ejected at about 5.5 s for
    // 30 s, back after rise probes, ejected again for 60 s
    expect(t.cluster.dataCount(2)).toBeLessThanOrEqual(10);
    const times = t.events.flatMap((e) => (e.type === 'nodeEjected' ? [e.times] : []));
    expect(times).toEqual([1, 2]);
    const ejected = t.events.find((e) => e.type === 'nodeEjected');
    expect(ejected).toMatchObject({ nodeId: 2, times: 1 });
    // ejected for 30 s whatever its pings said; then probation and a second, longer ejection
    const back = t.events.find(
      (e) => e.type === 'nodeStatusChanged' && e.nodeId === 2 && e.status === 'up' && e.at > outAt,
    );
    expect(back === undefined || back.at >= outAt + 30_000).toBe(true);
    await t.close();
  });

  it('tiny caller deadlines never change any node status', async () => {
    const t = setup([{ latencyMs: 20 }, { latencyMs: 20 }, { latencyMs: 20 }], { retry: { budget: false } });
    await drive(t.scheduler, 100);
    const outcomes: Outcome[] = [];
    for (let i = 0; i < 2000; i++) {
      t.scheduler.schedule(() => outcomes.push(t.send(`t${i}`, { timeoutMs: 1 + (i % 15) })), i * 5);
    }
    await drive(t.scheduler, 12_000);
    expect(outcomes).toHaveLength(2000);
    expect(outcomes.filter((o) => o.error?.code === ErrorCode.RequestTimeout).length).toBeGreaterThan(1900);
    expect(statusChanges(t.events)).toEqual([]);
    await t.close();
  });

  it('the poison rule: a request that breaks connections fails alone after two nodes; no node is taken out', async () => {
    const scripts: NodeScript[] = [1, 2, 3].map(() => ({ latencyMs: 2, poison: 'poison' }));
    const t = setup(scripts, { balancer: 'round-robin', retry: { budget: false } });
    await drive(t.scheduler, 10);
    const poison = t.send('poison', { timeoutMs: 3000 });
    const before = [t.send('ok-a'), t.send('ok-b')]; // share the poison's first connection, retried elsewhere
    await drive(t.scheduler, 1000);
    const others = [...before, ...Array.from({ length: 20 }, (_, i) => t.send(`ok${i}`))];
    await drive(t.scheduler, 5000);
    expect(poison.error).toMatchObject({ code: ErrorCode.ConnectionLost });
    const executed = [1, 2, 3].map((id) => t.cluster.executions(id, 'poison'));
    expect(executed.reduce((a, b) => a + b, 0)).toBe(2);
    const failed = t.events.find((e) => e.type === 'requestFailed' && e.requestId === 1);
    expect(failed).toMatchObject({ poison: true, attempts: 2 });
    expect(others.filter((o) => o.value === undefined).map((o) => o.error?.message)).toEqual([]);
    expect(statusChanges(t.events).filter((e) => e.status === 'down')).toEqual([]);
    await t.close();
  });

  it('never ejects the whole cluster for passive failures: at the cap a failing node stays eligible', async () => {
    const scripts: NodeScript[] = [1, 2, 3].map(() => ({ latencyMs: 2, failing: true }));
    const t = setup(scripts, { retry: { budget: false, maxRetries: 0 } });
    await drive(t.scheduler, 10);
    for (let i = 0; i < 300; i++) t.scheduler.schedule(() => t.send(`f${i}`), i * 10);
    let smallest = 3;
    t.router.eligible$.subscribe((e) => (smallest = Math.min(smallest, e.length)));
    await drive(t.scheduler, 4000);
    // 10 % of 3 nodes rounds to 0: at least one may be ejected, never more
    expect(smallest).toBe(2);
    expect(t.events.filter((e) => e.type === 'nodeEjected')).toHaveLength(1);
    await t.close();
  });
});
