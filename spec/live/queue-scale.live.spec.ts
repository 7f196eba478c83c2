import { filter, firstValueFrom } from 'rxjs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { RouterError } from '../../lib/errors.js';
import { createRouter } from '../../lib/router/router.js';
import type { Router } from '../../lib/router/router-types.js';
import { ProcessCluster } from '../../lib/testing/process-cluster.js';
import { TestServer } from '../../lib/testing/test-server.js';
import { freePorts } from '../support/cli-process.js';
import { LoopLag } from '../support/loop-lag.js';

// 10,000 requests at once on a node that takes them and never answers: before the wait queue and the pool's
// serve loop were flat, this crashed the process (RangeError: Maximum call stack size exceeded, from 3,000 on).
// Every request must end with a typed error by its deadline. The deadline is exact in virtual time
// (spec/unit/transport/pool-queue-scale.spec.ts); here timers and the event loop of a loaded shared 2-core
// machine get a margin, plus the time the machine was measured to keep this process from running while the
// request was out (LoopLag: the process's own work — subscribing 10,000 requests included — is never excused),
// and each request's time counts from its own subscription.
const requests = 10_000;
const timeoutMs = 1000;
const marginMs = 1500;
const lag = new LoopLag();
afterAll(() => lag.stop());

const cleanup: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

const allUp = (router: Router, n: number) =>
  firstValueFrom(router.eligible$.pipe(filter((e) => e.length === n)));

interface Outcome {
  ok: boolean;
  code: string | undefined;
  elapsedMs: number;
  /** performance.now() at its subscription and its end. */
  start: number;
  end: number;
}

/** Sends `requests` requests at once; resolves when every one has ended, with how each ended. */
function flood(router: Router, ms = timeoutMs): Promise<Outcome[]> {
  const uncaught: unknown[] = [];
  const onUncaught = (err: unknown) => uncaught.push(err);
  process.on('uncaughtException', onUncaught);
  return new Promise<Outcome[]>((resolve, reject) => {
    const outcomes: Outcome[] = [];
    const end = (start: number, err?: unknown) => {
      const now = performance.now();
      outcomes.push({
        ok: err === undefined,
        code: err instanceof RouterError ? err.code : err === undefined ? undefined : String(err),
        elapsedMs: now - start,
        start,
        end: now,
      });
      if (outcomes.length === requests) {
        process.off('uncaughtException', onUncaught);
        if (uncaught.length > 0) reject(uncaught[0]);
        else resolve(outcomes);
      }
    };
    const payload = new Uint8Array(32);
    for (let i = 0; i < requests; i++) {
      const start = performance.now();
      router.request$(payload, { timeoutMs: ms }).subscribe({
        next: () => {},
        complete: () => end(start),
        error: (err: unknown) => end(start, err),
      });
    }
  });
}

function expectAllEndedInTime(
  outcomes: Outcome[],
  { allFail, ms = timeoutMs }: { allFail: boolean; ms?: number },
) {
  expect(outcomes).toHaveLength(requests);
  const untyped = outcomes.filter((o) => !o.ok && !o.code?.startsWith('ERR_'));
  expect(untyped.slice(0, 3)).toEqual([]);
  const late = outcomes.filter(
    (o) => o.elapsedMs > ms + marginMs && o.elapsedMs > ms + marginMs + lag.stalledMs(o.start, o.end),
  );
  expect(late.slice(0, 3)).toEqual([]);
  if (allFail) expect(outcomes.filter((o) => o.ok)).toHaveLength(0);
}

describe('10,000 requests on an unresponsive node: every one ends typed, by its deadline; the process lives', () => {
  it('a gray node (answers pings, never data)', async () => {
    const server = await TestServer.start();
    cleanup.push(() => server.stop());
    const router = createRouter({ hosts: [server.address], timeoutMs });
    cleanup.push(() => router.close());
    await allUp(router, 1);
    server.setFault({ kind: 'gray' });
    const outcomes = await flood(router);
    expectAllEndedInTime(outcomes, { allFail: true });
  }, 60_000);

  it('a paused node (SIGSTOP: the socket stays open, nothing answers)', async () => {
    const cluster = await ProcessCluster.start(await freePorts(1));
    cleanup.push(() => cluster.stop());
    cleanup.push(() => cluster.signal(1, 'SIGCONT'));
    const router = createRouter({ hosts: cluster.addresses, timeoutMs });
    cleanup.push(() => router.close());
    await allUp(router, 1);
    cluster.signal(1, 'SIGSTOP');
    const outcomes = await flood(router);
    expectAllEndedInTime(outcomes, { allFail: true });
  }, 60_000);

  it('three nodes, one paused: every request ends (most answered) by its deadline', async () => {
    // "most answered" is throughput: the two healthy nodes (processes of their own) must answer 3,333 requests
    // each within the deadline. In `npm test` the unit and marble files run beside this one on a loaded 2-core
    // machine, and 1 s was not enough for them (4,355 answered of 10,000; alone, 6,700–7,700): 3 s is the
    // machine's margin, not the router's — every request must still end by its own deadline (+ margin)
    const ms = 3000;
    const cluster = await ProcessCluster.start(await freePorts(3));
    cleanup.push(() => cluster.stop());
    cleanup.push(() => cluster.signal(2, 'SIGCONT'));
    const router = createRouter({ hosts: cluster.addresses, timeoutMs: ms });
    cleanup.push(() => router.close());
    await allUp(router, 3);
    cluster.signal(2, 'SIGSTOP');
    const outcomes = await flood(router, ms);
    expectAllEndedInTime(outcomes, { allFail: false, ms });
    expect(outcomes.filter((o) => o.ok).length).toBeGreaterThan(requests / 2);
  }, 60_000);
});
