import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode, RemoteError } from '../../lib/errors.js';
import { executeWithRetry } from '../../lib/operators/execute-with-retry.js';
import { createRouter } from '../../lib/router/router.js';
import { TestServer } from '../../lib/testing/test-server.js';
import { text } from '../support/raw-client.js';

const cleanup: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function routerTo(server: TestServer) {
  const router = createRouter({ hosts: [server.address], retry: { budget: false } });
  cleanup.push(() => router.close());
  return router;
}

describe('Property 27: a failing request is retried with exponential backoff', () => {
  it('startWithFailures(2): succeeds, takes at least 100 + 200 ms, the server saw exactly three attempts', async () => {
    const server = await TestServer.startWithFailures(2);
    cleanup.push(() => server.stop());
    const router = await routerTo(server);
    const start = performance.now();
    const reply = await router.request('third time lucky');
    const elapsed = performance.now() - start;
    expect(text(reply)).toBe('third time lucky');
    expect(elapsed).toBeGreaterThanOrEqual(295); // timer granularity; the schedule is 100 + 200 ms
    expect(server.requestCount).toBe(3);
  });

  it('startWithFailures(5) with 3 retries fails with the server own error after four attempts', async () => {
    const server = await TestServer.startWithFailures(5);
    cleanup.push(() => server.stop());
    const router = await routerTo(server);
    const error = await router.request('doomed').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RemoteError);
    expect(error).toMatchObject({ code: ErrorCode.Remote, remoteCode: 'INJECTED_FAILURE', retryable: true });
    expect(server.requestCount).toBe(4);
  });

  it('executeWithRetry retries a promise-returning operation the same way', async () => {
    const server = await TestServer.startWithFailures(2);
    cleanup.push(() => server.stop());
    const router = await routerTo(server);
    const noRetry = { retry: { maxRetries: 0, budget: false as const } };
    const single = createRouter({ hosts: [server.address], ...noRetry });
    cleanup.push(() => single.close());
    const reply = await executeWithRetry(() => single.request('via executeWithRetry'));
    expect(text(reply)).toBe('via executeWithRetry');
    expect(server.requestCount).toBe(3);
    expect(text(await router.executeWithRetry(() => router.request('again')))).toBe('again');
  });

  it('a non-idempotent request is not repeated once it may have reached the node', async () => {
    const server = await TestServer.start();
    cleanup.push(() => server.stop());
    server.setLatency(300);
    const router = createRouter({ hosts: [server.address], retry: { budget: false } });
    cleanup.push(() => router.close());
    const write = router.request('write once', { idempotent: false, timeoutMs: 2000 });
    await new Promise((r) => setTimeout(r, 100));
    server.dropConnections();
    await expect(write).rejects.toMatchObject({ code: ErrorCode.ConnectionLost });
    expect(server.requestCount).toBe(1);
  });
});
