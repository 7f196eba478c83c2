import { filter, firstValueFrom } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../lib/errors.js';
import { createRouter } from '../../lib/router/router.js';
import { validateConfig } from '../../lib/router/validate-config.js';
import { TestServer } from '../../lib/testing/test-server.js';
import { connectWebSocket } from '../../lib/transport/connect-websocket.js';
import { text } from '../support/raw-client.js';

const cleanup: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});
async function wsServers(n: number) {
  const servers = await Promise.all(
    Array.from({ length: n }, (_, i) => TestServer.start({ websocket: true, nodeId: i + 1 })),
  );
  cleanup.push(() => Promise.all(servers.map((s) => s.stop())));
  return servers;
}

describe('the router over ws:// against the real TestServer', () => {
  it('routes requests over WebSockets and fails over when a node is killed, losing none', async () => {
    const servers = await wsServers(3);
    const router = createRouter({ hosts: servers.map((s) => s.wsUrl) });
    cleanup.push(() => router.close());
    await firstValueFrom(router.eligible$.pipe(filter((e) => e.length === 3)));
    const first = await Promise.all(Array.from({ length: 60 }, (_, i) => router.request(`ws ${i}`)));
    expect(first.map(text)).toEqual(Array.from({ length: 60 }, (_, i) => `ws ${i}`));
    for (const s of servers) expect(s.requestCount).toBeGreaterThan(0);
    servers[1]!.kill();
    const after = await Promise.all(Array.from({ length: 60 }, (_, i) => router.request(`after ${i}`)));
    expect(after).toHaveLength(60);
    const killedCount = servers[1]!.requestCount;
    await Promise.all(Array.from({ length: 30 }, () => router.request('more')));
    expect(servers[1]!.requestCount).toBe(killedCount);
  });

  it('a paused WebSocket node times out requests and leaves the eligible set', async () => {
    const [server] = await wsServers(1);
    const router = createRouter({
      hosts: [server!.wsUrl],
      retry: { maxRetries: 0 },
      health: { intervalMs: 100, timeoutMs: 100 },
    });
    cleanup.push(() => router.close());
    await router.request('warm');
    server!.pause();
    await expect(router.request('stuck', { timeoutMs: 500 })).rejects.toMatchObject({ retryable: true });
    await firstValueFrom(router.eligible$.pipe(filter((e) => e.length === 0)));
    server!.resume();
    await firstValueFrom(router.eligible$.pipe(filter((e) => e.length === 1)));
  });

  it('a refused WebSocket connect is a retryable ERR_CONNECT_REFUSED', async () => {
    const [server] = await wsServers(1);
    const url = server!.wsUrl;
    server!.kill();
    const address = validateConfig({ hosts: [url] }).addresses[0]!;
    await expect(connectWebSocket(address, { timeoutMs: 2000 })).rejects.toMatchObject({
      code: ErrorCode.ConnectRefused,
      retryable: true,
    });
  });

  it("protocol 'auto': a node's address list is tried best first, falling back when one fails", async () => {
    const [server] = await wsServers(1);
    const router = createRouter({ hosts: [[server!.wsUrl, 'tls://127.0.0.1:1']] });
    cleanup.push(() => router.close());
    expect(router.addresses[0]!.alternatives.map((a) => a.protocol)).toEqual(['tls', 'ws']);
    expect(text(await router.request('fell back to ws'))).toBe('fell back to ws');
  });
});
