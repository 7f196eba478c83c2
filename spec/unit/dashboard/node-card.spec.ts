import { describe, expect, it } from 'vitest';
import type { FeedNode } from '../../../lib/dashboard/feed-types.js';
import { nodeCard } from '../../../lib/dashboard/node-card.js';

const node = (over: Partial<FeedNode> = {}): FeedNode => ({
  nodeId: 3,
  address: '127.0.0.1:7002',
  status: 'up',
  reason: 'probe',
  why: 'answers heartbeat pings',
  rttMs: 301,
  lastRttMs: 301,
  lastSeenAt: 9000,
  degraded: true,
  slowFactor: 250,
  slow: { rttMs: 301, typicalMs: 1.2 },
  consecutiveFailures: 0,
  sinceWall: 10_000 - 125_000,
  manual: false,
  flaps: 2,
  requestsTotal: 12345,
  failuresTotal: 3,
  lastError: null,
  ...over,
});
const stats = {
  nodeId: 3,
  requestsPerSecond: 66.4,
  failuresPerSecond: 0,
  p50Ms: 300.2,
  p99Ms: 412,
  open: 1,
  inFlight: 4,
};

describe('nodeCard', () => {
  it('says what slow means (against what), for how long in state, per-node rates, latency, totals and flaps', () => {
    const html = nodeCard(node(), stats, [1, 2], 10_000, false);
    expect(html).toContain('>slow: 301 ms vs 1.2 ms</span>');
    expect(html).not.toMatch(/×\d/);
    expect(html).toContain('up for 2 min 5 s');
    expect(html).toContain('p50 300 ms · p99 412 ms');
    expect(html).toContain('12,345 answered · 3 failed');
    expect(html).toContain('out of rotation 2×');
    expect(html).not.toContain('<button');
  });

  it('offers take-out or put-back only with control allowed, and escapes what it shows', () => {
    expect(nodeCard(node(), stats, [], 0, true)).toContain('data-action="out"');
    expect(nodeCard(node({ manual: true, status: 'down' }), stats, [], 0, true)).toContain(
      'data-action="in"',
    );
    const evil = nodeCard(node({ address: '<img src=x>', why: '"><script>' }), undefined, [], 0, false);
    expect(evil).not.toContain('<img');
    expect(evil).not.toContain('<script>');
  });

  it('draws the statuses of membership and credentials', () => {
    for (const status of ['joining', 'draining', 'unusable'])
      expect(nodeCard(node({ status, slow: null, degraded: false }), undefined, [], 0, false)).toContain(
        `data-status="${status}"`,
      );
  });
});
