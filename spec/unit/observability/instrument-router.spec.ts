import {
  type Histogram as HistogramValue,
  MeterProvider,
  type MetricData,
  MetricReader,
} from '@opentelemetry/sdk-metrics';
import { BehaviorSubject, Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { instrumentRouter } from '../../../lib/observability/instrument-router.js';
import { MetricName } from '../../../lib/observability/metric-name.js';
import type { RouterEvent } from '../../../lib/router/router-event.js';
import type { Router } from '../../../lib/router/router-types.js';
import { validateConfig } from '../../../lib/router/validate-config.js';
import { NodeMap } from '../../../lib/streams/node-map.js';
import type { PoolStats } from '../../../lib/transport/pool-types.js';
import type { ClusterHealth, NodeHealth } from '../../../lib/types.js';

class Reader extends MetricReader {
  protected async onShutdown(): Promise<void> {}
  protected async onForceFlush(): Promise<void> {}
  async read(): Promise<Map<string, MetricData>> {
    const { resourceMetrics } = await this.collect();
    return new Map(resourceMetrics.scopeMetrics.flatMap((s) => s.metrics).map((m) => [m.descriptor.name, m]));
  }
}

const node = (nodeId: number, status: NodeHealth['status'], rttMs: number): NodeHealth => ({
  nodeId,
  address: `127.0.0.1:700${nodeId}`,
  status,
  reason: 'probe',
  consecutiveFailures: 0,
  consecutiveSuccesses: 0,
  lastCheckAt: 0,
  rttMs,
  since: 0,
  manual: false,
  recoveredAt: null,
  passiveFailures: 0,
  ejections: 0,
  ejectedUntil: null,
});

/** A router made of subjects: the events are written by hand, in the shapes the helpers' contract gives. */
function fakeRouter() {
  const { addresses } = validateConfig({ hosts: ['127.0.0.1:7001', '127.0.0.1:7002'] });
  const events = new Subject<RouterEvent>();
  const health = new BehaviorSubject<ClusterHealth>({
    at: 0,
    nodes: NodeMap.of([node(1, 'up', 2), node(2, 'down', 40)]),
    eligible: [1],
    panic: false,
    changed: [1, 2],
  });
  const stats: PoolStats[] = [
    { nodeId: 1, open: 3, idle: 1, connecting: 0, inFlight: 5, waiting: 2 },
    { nodeId: 2, open: 0, idle: 0, connecting: 0, inFlight: 0, waiting: 0 },
  ];
  const router = { addresses, events$: events, health$: health, poolStats: () => stats } as unknown as Router;
  return { router, emit: (e: object) => events.next(e as RouterEvent), events, health };
}

async function setup() {
  const reader = new Reader();
  const fake = fakeRouter();
  const handle = instrumentRouter(fake.router, {
    meterProvider: new MeterProvider({ readers: [reader] }),
    now: () => 5000,
  });
  return { ...fake, reader, handle };
}

const sum = (m: MetricData | undefined) => (m?.dataPoints ?? []).reduce((n, p) => n + (p.value as number), 0);

describe('instrumentRouter', () => {
  it('records one request: duration in seconds with its operation, use time per attempt, retries by node', async () => {
    const { emit, reader } = await setup();
    emit({ type: 'requestStarted', at: 0, requestId: 1, messageType: 2, idempotent: true, timeoutMs: 5000 });
    emit({ type: 'attemptStarted', at: 0, requestId: 1, nodeId: 2, attempt: 1 });
    emit({
      type: 'retryScheduled',
      at: 30,
      requestId: 1,
      nodeId: 2,
      attempt: 1,
      delayMs: 100,
      code: 'ERR_X',
    });
    emit({ type: 'attemptStarted', at: 130, requestId: 1, nodeId: 1, attempt: 2 });
    emit({ type: 'requestSucceeded', at: 150, requestId: 1, nodeId: 1, durationMs: 150, attempts: 2 });
    const m = await reader.read();
    const [d] = m.get(MetricName.OperationDuration)!.dataPoints;
    expect(d!.attributes).toEqual({
      'db.system.name': 'qdb',
      'db.operation.name': 'Data',
      'server.address': '127.0.0.1',
      'server.port': 7001,
    });
    expect((d!.value as HistogramValue).sum).toBeCloseTo(0.15);
    const use = m.get(MetricName.ConnectionUseTime)!.dataPoints;
    expect(
      use.map((p) => [p.attributes['db.client.connection.pool.name'], (p.value as HistogramValue).sum]),
    ).toEqual([
      ['127.0.0.1:7002', 0.03],
      ['127.0.0.1:7001', 0.02],
    ]);
    const [retry] = m.get(MetricName.Retries)!.dataPoints;
    expect(retry!.attributes).toMatchObject({ 'server.port': 7002, 'error.type': 'ERR_X' });
  });

  it('labels failures by code, counts connection timeouts, and times queued waits and connects', async () => {
    const { emit, reader } = await setup();
    emit({
      type: 'requestFailed',
      at: 10,
      requestId: 2,
      code: 'ERR_ACQUIRE_TIMEOUT',
      durationMs: 10,
      attempts: 1,
    });
    emit({
      type: 'poolStats',
      at: 100,
      stats: { nodeId: 1, open: 1, idle: 0, connecting: 1, inFlight: 1, waiting: 1 },
    });
    emit({ type: 'connectionCreated', at: 104, nodeId: 1, connectionId: 9 });
    emit({
      type: 'poolStats',
      at: 107,
      stats: { nodeId: 1, open: 2, idle: 0, connecting: 0, inFlight: 2, waiting: 0 },
    });
    const m = await reader.read();
    expect(m.get(MetricName.OperationDuration)!.dataPoints[0]!.attributes['error.type']).toBe(
      'ERR_ACQUIRE_TIMEOUT',
    );
    expect(sum(m.get(MetricName.ConnectionTimeouts))).toBe(1);
    expect((m.get(MetricName.ConnectionCreateTime)!.dataPoints[0]!.value as HistogramValue).sum).toBeCloseTo(
      0.004,
    );
    expect((m.get(MetricName.ConnectionWaitTime)!.dataPoints[0]!.value as HistogramValue).sum).toBeCloseTo(
      0.007,
    );
  });

  it('observes pools and health: idle/used, pending, status, eligibility; a down node’s RTT is NaN, not stale', async () => {
    const { emit, reader } = await setup();
    emit({ type: 'heartbeatSucceeded', at: 1, nodeId: 1, rttMs: 2 });
    const m = await reader.read();
    const count = m
      .get(MetricName.ConnectionCount)!
      .dataPoints.filter((p) => p.attributes['db.client.connection.pool.name'] === '127.0.0.1:7001');
    expect(count.map((p) => [p.attributes['db.client.connection.state'], p.value])).toEqual([
      ['used', 2],
      ['idle', 1],
    ]);
    expect(sum(m.get(MetricName.PendingRequests))).toBe(2);
    const rtt = new Map(
      m.get(MetricName.NodeRtt)!.dataPoints.map((p) => [p.attributes['qdb.node.id'], p.value]),
    );
    expect(rtt.get(1)).toBeCloseTo(0.002);
    expect(rtt.get(2)).toBeNaN();
    expect(m.get(MetricName.NodeLastSeen)!.dataPoints.map((p) => p.value)).toEqual([5]);
    const up = m.get(MetricName.NodeStatus)!.dataPoints.filter((p) => p.value === 1);
    expect(up.map((p) => [p.attributes['qdb.node.id'], p.attributes['qdb.node.status']])).toEqual([
      [1, 'up'],
      [2, 'down'],
    ]);
    expect(m.get(MetricName.NodeEligible)!.dataPoints.map((p) => p.value)).toEqual([1, 0]);
  });

  it('stops by itself when the router closes (health$ completes): no more listening, no more observing', async () => {
    const { events, health, reader } = await setup();
    health.complete();
    expect(events.observed).toBe(false);
    const m = await reader.read();
    expect(m.get(MetricName.NodeStatus)?.dataPoints ?? []).toEqual([]);
  });

  it('stop() unsubscribes from the router', async () => {
    const { events, handle } = await setup();
    expect(events.observed).toBe(true);
    handle.stop();
    expect(events.observed).toBe(false);
  });
});
