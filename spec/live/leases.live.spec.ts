import { filter, firstValueFrom, lastValueFrom } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import type { RouterError } from '../../lib/errors.js';
import { createRouter } from '../../lib/router/router.js';
import type { RouterEvent } from '../../lib/router/router-event.js';
import type { Router } from '../../lib/router/router-types.js';
import { TestServer } from '../../lib/testing/test-server.js';
import type { NodeId } from '../../lib/types.js';
import { MessageType } from '../../lib/wire/message.js';

// Leases (getConnection) are their holders' (docs/api.md, "Leases"): probes never wait behind them, they are
// never evidence against the node, and a node going down never destroys a leased connection under its holder.
const cleanup: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

const until = (router: Router, test: (eligible: readonly NodeId[]) => boolean) =>
  firstValueFrom(router.eligible$.pipe(filter(test)));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('leases, live', () => {
  it('two leases on a 2 × 1 pool for 10 s of probes: the node stays up and every lease request succeeds', async () => {
    const server = await TestServer.start({ nodeId: 1 });
    cleanup.push(() => server.stop());
    server.setLatency(150); // each leased connection is busy (at its in-flight bound) most of the time
    const router = createRouter({
      hosts: [server.address],
      pool: { minConnections: 2, maxConnections: 2, maxInFlightPerConnection: 1 },
      health: { intervalMs: 200, timeoutMs: 500 },
    });
    cleanup.push(() => router.close());
    await until(router, (e) => e.length === 1);
    const events: RouterEvent[] = [];
    const sub = router.events$.subscribe((e) => events.push(e));
    cleanup.push(() => sub.unsubscribe());
    let leftEligible = false;
    const eligibleSub = router.eligible$.subscribe((e) => {
      if (!e.includes(1)) leftEligible = true;
    });
    cleanup.push(() => eligibleSub.unsubscribe());
    const leases = [await router.getConnection(), await router.getConnection()];
    expect(leases[0]).not.toBe(leases[1]);
    const failures: string[] = [];
    let succeeded = 0;
    const holder = async (conn: (typeof leases)[number], name: string) => {
      const end = performance.now() + 10_000;
      for (let i = 0; performance.now() < end; i++) {
        try {
          await lastValueFrom(conn.request$(`${name}${i}`, MessageType.Data, 5000));
          succeeded++;
        } catch (err) {
          failures.push((err as RouterError).code);
        }
        await sleep(100);
      }
    };
    await Promise.all([holder(leases[0]!, 'a'), holder(leases[1]!, 'b')]);
    for (const conn of leases) router.returnConnection(conn);
    expect(failures).toEqual([]);
    expect(succeeded).toBeGreaterThanOrEqual(20);
    expect(leftEligible).toBe(false);
    expect(events.filter((e) => e.type === 'nodeStatusChanged')).toEqual([]);
    const pongs = events.filter((e) => e.type === 'heartbeatSucceeded').length;
    const missed = events.filter((e) => e.type === 'heartbeatFailed');
    expect(pongs).toBeGreaterThan(10);
    expect(missed).toEqual([]);
  }, 40_000);

  it('a node marked down under a lease: the leased connection keeps serving its holder and closes when returned', async () => {
    const server = await TestServer.start({ nodeId: 1 });
    cleanup.push(() => server.stop());
    const router = createRouter({ hosts: [server.address], health: { intervalMs: 200 } });
    cleanup.push(() => router.close());
    await until(router, (e) => e.length === 1);
    const conn = await router.getConnection();
    // the node goes down by what its probes say (hung: nothing read or answered), then comes back
    server.pause();
    await until(router, (e) => e.length === 0);
    server.resume();
    expect(conn.isOpen).toBe(true);
    const reply = await lastValueFrom(conn.request$('still mine', MessageType.Data, 3000));
    expect(new TextDecoder().decode(reply.payload)).toBe('still mine');
    router.returnConnection(conn);
    await sleep(200);
    expect(conn.isOpen).toBe(false);
  });
});
