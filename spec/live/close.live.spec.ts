import { filter, firstValueFrom } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode, type RouterError } from '../../lib/errors.js';
import { createRouter } from '../../lib/router/router.js';
import { TestCluster } from '../../lib/testing/test-cluster.js';

const cleanup: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

/** Open sockets the process holds (the cluster's own included). */
const sockets = () => process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;

describe('close() against a hung node', () => {
  // Found by a hostile review: with nothing in flight, close() waited for the hung node to close its side of
  // the socket, i.e. for the whole drain bound (timeoutMs: 5 s, or up to 2^31-1 ms).
  it.each(['paused', 'never-read'] as const)(
    'a %s node does not hold close() for timeoutMs when nothing is in flight',
    async (fault) => {
      const cluster = await TestCluster.start(2);
      cleanup.push(() => cluster.stop());
      const before = sockets();
      const router = createRouter({ hosts: cluster.addresses, timeoutMs: 20_000 });
      await firstValueFrom(router.eligible$.pipe(filter((e) => e.length === 2)));
      const node = cluster.node(2);
      if (fault === 'paused') node.pause();
      else node.setFault({ kind: 'never-read' });
      cleanup.push(() => (fault === 'paused' ? node.resume() : node.clearFault()));
      await new Promise((r) => setTimeout(r, 100));
      const started = performance.now();
      await router.close();
      // 20 s would be the old behaviour; 2 s is a wide margin for a shared machine
      expect(performance.now() - started).toBeLessThan(2000);
      // the router's own sockets are gone (the servers' side may take a moment to notice)
      await new Promise((r) => setTimeout(r, 100));
      expect(sockets()).toBeLessThanOrEqual(before + 2);
    },
  );

  it('requests waiting for a retry end at once with ERR_ROUTER_CLOSED', async () => {
    const cluster = await TestCluster.start(1);
    cleanup.push(() => cluster.stop());
    const router = createRouter({
      hosts: cluster.addresses,
      timeoutMs: 10_000,
      retry: { initialBackoffMs: 2000, maxBackoffMs: 2000 },
    });
    await firstValueFrom(router.eligible$.pipe(filter((e) => e.length === 1)));
    cluster.node(1).failNext(3);
    const outcomes = Array.from({ length: 3 }, () =>
      router.request('x').then(
        () => 'ok',
        (e: RouterError) => e.code,
      ),
    );
    await new Promise((r) => setTimeout(r, 300)); // every request has failed once and waits 2 s for its retry
    const started = performance.now();
    await router.close();
    expect(await Promise.all(outcomes)).toEqual(Array(3).fill(ErrorCode.RouterClosed));
    expect(performance.now() - started).toBeLessThan(1500);
  });
});
