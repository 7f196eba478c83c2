import { describe, expect, it } from 'vitest';
import { DashboardMetrics, type SlowChange } from '../../../lib/dashboard/dashboard-metrics.js';
import type { Router } from '../../../lib/router/router-types.js';
import type { ClusterHealth, NodeHealth } from '../../../lib/types.js';

const router = {
  addresses: [1, 2, 3].map((id) => ({ id, label: `127.0.0.1:700${id}` })),
  poolStats: () => [1, 2, 3].map((nodeId) => ({ nodeId, open: 1, inFlight: 0 })),
} as unknown as Router;

const node = (nodeId: number, over: Partial<Record<keyof NodeHealth, unknown>> = {}) =>
  ({
    nodeId,
    status: 'up',
    reason: 'probe',
    consecutiveFailures: 0,
    passiveFailures: 0,
    ejections: 0,
    address: `127.0.0.1:700${nodeId}`,
    ejectedUntil: null,
    consecutiveSuccesses: 3,
    lastCheckAt: 0,
    rttMs: 1,
    since: 0,
    manual: false,
    recoveredAt: null,
    ...over,
  }) as NodeHealth;
const health = (at: number, nodes: NodeHealth[]) =>
  ({
    at,
    nodes: new Map(nodes.map((n) => [n.nodeId, n])),
    eligible: [1, 2, 3],
    panic: false,
    changed: [],
  }) as unknown as ClusterHealth;

describe('DashboardMetrics', () => {
  it('a node the router no longer has is reported for its last interval, then forgotten (ids are never reused)', () => {
    let ids = [1, 2, 3];
    const churning = {
      addresses: [],
      poolStats: () => ids.map((nodeId) => ({ nodeId, open: 1, inFlight: 0 })),
    } as unknown as Router;
    const m = new DashboardMetrics(churning, 0);
    let next = 4;
    for (let round = 1; round <= 200; round++) {
      // every round one node leaves and a new one joins, each having served a request
      for (const nodeId of ids)
        m.record({ type: 'requestSucceeded', at: 0, requestId: round, nodeId, durationMs: 1, attempts: 1 });
      const gone = ids[0]!;
      ids = [...ids.slice(1), next++];
      const stats = m.tick(round * 1000);
      expect(stats.nodes.map((n) => n.nodeId)).toContain(gone); // its last interval is still reported
    }
    const last = m.tick(201_000);
    expect(last.nodes.map((n) => n.nodeId)).toEqual(ids);
  });

  it('gives each node its requests/s, p50 and p99 per interval, and totals', () => {
    const m = new DashboardMetrics(router, 0);
    for (let i = 1; i <= 100; i++)
      m.record({ type: 'requestSucceeded', at: 0, requestId: i, nodeId: 2, durationMs: i, attempts: 1 });
    m.record({
      type: 'retryScheduled',
      at: 0,
      requestId: 1,
      nodeId: 3,
      attempt: 1,
      delayMs: 100,
      code: 'ERR_CONNECTION_LOST',
    });
    m.record({
      type: 'retryScheduled',
      at: 0,
      requestId: 2,
      nodeId: 3,
      attempt: 1,
      delayMs: 100,
      code: 'ERR_NO_ELIGIBLE_NODE',
    });
    const s = m.tick(2000);
    const two = s.nodes.find((n) => n.nodeId === 2)!;
    expect(two).toMatchObject({ requestsPerSecond: 50, p50Ms: 50, p99Ms: 99 });
    expect(s.nodes.find((n) => n.nodeId === 3)).toMatchObject({ failuresPerSecond: 0.5, p50Ms: null });
    expect(s.totals).toEqual({ requests: 100, failures: 0, retries: 2 });
    expect(m.tick(3000).nodes.find((n) => n.nodeId === 2)).toMatchObject({
      requestsPerSecond: 0,
      p99Ms: null,
    });
  });

  it('says why a node is down from its latest error: a refused node does not read "connection broke"', () => {
    const m = new DashboardMetrics(router, 0);
    m.record({ type: 'connectionClosed', at: 0, nodeId: 1, connectionId: 1, reason: 'lost' } as never);
    m.record({
      type: 'retryScheduled',
      at: 0,
      requestId: 1,
      nodeId: 1,
      attempt: 1,
      delayMs: 1,
      code: 'ERR_CONNECTION_LOST',
    });
    m.record({
      type: 'nodeStatusChanged',
      at: 0,
      nodeId: 1,
      previous: 'up',
      status: 'down',
      reason: 'passive',
    });
    m.record({ type: 'connectFailed', at: 0, nodeId: 1, code: 'ERR_CONNECT_REFUSED' });
    const h = m.observe(
      health(10_000, [
        node(1, { status: 'down', reason: 'passive', consecutiveFailures: 3, since: 4000 }),
        node(2),
        node(3),
      ]),
      50_000,
    );
    const one = h.nodes[0]!;
    expect(one.why).toBe('refuses connections (nothing listens on its port) (3 in a row)');
    expect(one.why).not.toMatch(/broke/);
    expect(one).toMatchObject({
      flaps: 1,
      lastError: 'ERR_CONNECT_REFUSED',
      sinceWall: 44_000,
      rttMs: null,
      address: '127.0.0.1:7001',
    });
  });

  it('keeps time in state and ejection countdowns right for a snapshot that is minutes old (health$ is quiet)', () => {
    const m = new DashboardMetrics(router, 0);
    m.observe(health(10_000, [node(1, { since: 4000, ejectedUntil: 40_000 }), node(2), node(3)]), 100_000);
    expect(m.healthJson(100_000)!.nodes[0]!.why).toMatch(/ejected by failed requests for 30 s more$/);
    const later = m.healthJson(120_000)!.nodes[0]!;
    expect(later.sinceWall).toBe(94_000);
    expect(later.why).toMatch(/ejected by failed requests for 10 s more$/);
    expect(m.healthJson(200_000)!.nodes[0]!.why).not.toMatch(/ejected/);
  });

  it('reports a node becoming slow once, and once when it stops being slow', () => {
    const m = new DashboardMetrics(router, 0);
    const changes: SlowChange[] = [];
    m.onSlow = (c) => changes.push(c);
    m.observe(health(1, [node(1), node(2), node(3, { rttMs: 300 })]));
    m.observe(health(2, [node(1), node(2), node(3, { rttMs: 310 })]));
    const h = m.observe(health(3, [node(1), node(2), node(3, { rttMs: 310 })]));
    expect(h.nodes[2]!.slow).toEqual({ rttMs: 310, typicalMs: 1 });
    m.observe(health(4, [node(1), node(2), node(3, { rttMs: 1.2 })]));
    expect(changes).toEqual([
      { nodeId: 3, slow: true, rttMs: 300, typicalMs: 1 },
      { nodeId: 3, slow: false, rttMs: 1.2, typicalMs: 1 },
    ]);
  });
});
