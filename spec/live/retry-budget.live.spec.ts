import { filter, firstValueFrom } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../lib/errors.js';
import { createRouter } from '../../lib/router/router.js';
import type { RouterEvent } from '../../lib/router/router-event.js';
import { TestServer } from '../../lib/testing/test-server.js';
import { text } from '../support/raw-client.js';

const cleanup: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

/** Three TestServers, node 3 gray (answers pings, never Data), and a router over them, all three eligible. */
async function grayCluster(config: Record<string, unknown> = {}) {
  const servers = await Promise.all([1, 2, 3].map((nodeId) => TestServer.start({ nodeId })));
  cleanup.push(() => Promise.all(servers.map((s) => s.stop())));
  servers[2]!.setFault({ kind: 'gray' });
  const router = createRouter({ hosts: servers.map((s) => s.address), ...config });
  cleanup.push(() => router.close());
  const events: RouterEvent[] = [];
  const sub = router.events$.subscribe((e) => events.push(e));
  cleanup.push(() => sub.unsubscribe());
  await firstValueFrom(router.eligible$.pipe(filter((e) => e.length === 3)));
  return { servers, router, events };
}

describe("the retry budget (Finagle's: a reserve of 100 retries plus 20 % of requests)", () => {
  it('300 idempotent requests at once, timeoutMs 4000, one node of three gray: all succeed', async () => {
    const { router, servers, events } = await grayCluster();
    const outcomes = await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        router.request(`b${i}`, { timeoutMs: 4000 }).then(
          (m) => text(m),
          (e: { code: string; retryRefused?: string }) =>
            `${e.code}${e.retryRefused ? ` (${e.retryRefused})` : ''}`,
        ),
      ),
    );
    const failed = outcomes.filter((o, i) => o !== `b${i}`);
    expect(failed, `failures: ${JSON.stringify(failed.slice(0, 5))}`).toEqual([]);
    expect(servers[2]!.requestCount).toBeGreaterThan(0); // the gray node did get (and swallow) its share
    expect(events.filter((e) => e.type === 'retryRefused')).toEqual([]);
  });
});
