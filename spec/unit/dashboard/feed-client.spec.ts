import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectFeed } from '../../../lib/dashboard/feed-client.js';
import type { FeedHealth } from '../../../lib/dashboard/feed-types.js';

const health: FeedHealth = {
  at: 1,
  eligible: [1],
  panic: false,
  nodes: [
    {
      nodeId: 1,
      address: '127.0.0.1:7000',
      status: 'up',
      reason: 'probe',
      rttMs: 1,
      consecutiveFailures: 0,
      since: 0,
      manual: false,
    },
  ],
};
const sse = (...chunks: string[]) =>
  new HttpResponse(
    new ReadableStream({
      start(controller) {
        for (const c of chunks) controller.enqueue(new TextEncoder().encode(c));
        controller.close();
      },
    }),
    { headers: { 'content-type': 'text/event-stream' } },
  );

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());
const url = 'http://dashboard.test/events';

function collect() {
  const seen = {
    health: [] as FeedHealth[],
    stats: 0,
    events: [] as string[],
    bad: [] as string[],
    status: [] as string[],
  };
  return {
    seen,
    handlers: {
      onHealth: (h: FeedHealth) => seen.health.push(h),
      onStats: () => seen.stats++,
      onEvent: (e: { type: string }) => seen.events.push(e.type),
      onBadData: (event: string) => seen.bad.push(event),
      onStatus: (s: string) => seen.status.push(s),
    },
  };
}

describe('connectFeed (against msw-mocked SSE endpoints)', () => {
  it('dispatches health, stats and event messages split across chunks', async () => {
    server.use(
      http.get(url, () =>
        sse(
          'retry: 10000\n\nevent: health\ndata: ',
          `${JSON.stringify(health)}\n\nevent: stats\ndata: {"at":1,"requestsPerSecond":5,"failuresPerSecond":0,"retriesPerSecond":0,"nodes":[]}\n\n`,
          'event: event\ndata: {"type":"nodeStatusChanged","at":2}\n\n',
        ),
      ),
    );
    const { seen, handlers } = collect();
    const feed = connectFeed(url, handlers);
    await expect.poll(() => seen.events).toEqual(['nodeStatusChanged']);
    expect(seen.health).toEqual([health]);
    expect(seen.stats).toBe(1);
    feed.close();
  });

  it('skips bad data (invalid JSON, wrong shapes, unknown events) and keeps reading', async () => {
    server.use(
      http.get(url, () =>
        sse(
          'retry: 10000\n\nevent: health\ndata: {not json\n\n',
          'event: health\ndata: {"nodes": 5}\n\nevent: mystery\ndata: {}\n\nevent: stats\ndata: 42\n\n',
          `event: health\ndata: ${JSON.stringify(health)}\n\n`,
        ),
      ),
    );
    const { seen, handlers } = collect();
    const feed = connectFeed(url, handlers);
    await expect.poll(() => seen.health.length).toBe(1);
    expect(seen.bad).toEqual(['health', 'health', 'mystery', 'stats']);
    feed.close();
  });

  it('reconnects when the stream ends or the server fails, with backoff, until closed', async () => {
    let calls = 0;
    server.use(
      http.get(url, () => {
        calls++;
        if (calls === 2) return new HttpResponse('unavailable', { status: 503 });
        return sse(`event: health\ndata: ${JSON.stringify({ ...health, at: calls })}\n\n`);
      }),
    );
    const { seen, handlers } = collect();
    const feed = connectFeed(url, handlers, { retryMs: 10, maxRetryMs: 40 });
    await expect.poll(() => seen.health.length, { timeout: 3000 }).toBeGreaterThanOrEqual(2);
    expect(seen.health.map((h) => h.at)).toContain(3);
    expect(seen.status).toContain('closed');
    expect(seen.status).toContain('open');
    feed.close();
    const after = calls;
    await new Promise((r) => setTimeout(r, 100));
    expect(calls).toBe(after);
  });
});
