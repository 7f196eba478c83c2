import { describe, expect, it } from 'vitest';
import { statusTable } from '../../../lib/cli/status-table.js';
import type { FeedHealth, FeedNode } from '../../../lib/dashboard/feed-types.js';

const node = (over: Partial<FeedNode>): FeedNode => ({
  nodeId: 1,
  address: '127.0.0.1:7000',
  status: 'up',
  reason: 'probe',
  why: 'answers heartbeat pings',
  rttMs: 1.5,
  lastRttMs: 1.5,
  lastSeenAt: 1000,
  degraded: false,
  slowFactor: 1,
  consecutiveFailures: 0,
  slow: null,
  sinceWall: 0,
  manual: false,
  flaps: 0,
  requestsTotal: 0,
  failuresTotal: 0,
  lastError: null,
  ...over,
});

describe('statusTable (the terminal view of watch)', () => {
  it('shows a down node’s RTT as — with when it was last seen, a slow node marked, and the reason in words', () => {
    const health: FeedHealth = {
      at: 0,
      eligible: [1, 3],
      panic: false,
      nodes: [
        node({}),
        node({
          nodeId: 2,
          status: 'down',
          rttMs: null,
          lastRttMs: 3,
          lastSeenAt: 8000,
          why: 'heartbeat pings go unanswered',
        }),
        node({
          nodeId: 3,
          rttMs: 300,
          degraded: true,
          slowFactor: 200,
          slow: { rttMs: 300, typicalMs: 1.5 },
        }),
      ],
    };
    const [, one, two, three] = statusTable(health, undefined, [], false, 20_000).split('\n');
    expect(one).toContain('1.50');
    expect(two).toContain('— (seen 12 s ago)');
    expect(two).not.toContain('3.00');
    expect(two).toContain('heartbeat pings go unanswered');
    expect(three).toContain('300.00 slow, typ. 1.50');
  });
});
