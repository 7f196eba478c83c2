import diagnostics_channel from 'node:diagnostics_channel';
import { metrics } from '@opentelemetry/api';
import { type DataPoint, MeterProvider, type MetricData, MetricReader } from '@opentelemetry/sdk-metrics';
import { lastValueFrom, type Observable } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { instrumentRouter } from '../../lib/observability/instrument-router.js';
import { MetricName } from '../../lib/observability/metric-name.js';
import { TraceChannel } from '../../lib/observability/trace-channel.js';
import { traceRouter } from '../../lib/observability/trace-router.js';
import { createRouter } from '../../lib/router/router.js';
import type { RouterEvent } from '../../lib/router/router-event.js';
import type { Router } from '../../lib/router/router-types.js';
import { TestCluster } from '../../lib/testing/test-cluster.js';

/** The OpenTelemetry SDK's reader, read on demand: what an in-memory exporter would receive. */
class InMemoryReader extends MetricReader {
  protected async onShutdown(): Promise<void> {}
  protected async onForceFlush(): Promise<void> {}
  async read(): Promise<Map<string, MetricData>> {
    const { resourceMetrics } = await this.collect();
    return new Map(resourceMetrics.scopeMetrics.flatMap((s) => s.metrics).map((m) => [m.descriptor.name, m]));
  }
}

/** A router whose `events$` counts its subscribers, to see who listens (and so builds per-request events). */
function watched(router: Router): { router: Router; listeners: () => number } {
  let active = 0;
  const events$ = new (router.events$.constructor as typeof Observable<RouterEvent>)((subscriber) => {
    active++;
    const sub = router.events$.subscribe(subscriber);
    return () => {
      active--;
      sub.unsubscribe();
    };
  });
  return { router: Object.create(router, { events$: { value: events$ } }), listeners: () => active };
}

const cleanup: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
  metrics.disable();
});

async function cluster(): Promise<{ router: Router; nodes: TestCluster }> {
  const nodes = await TestCluster.start(2);
  const router = createRouter({ hosts: nodes.addresses, retry: { initialBackoffMs: 1, maxRetries: 3 } });
  cleanup.push(
    () => nodes.stop(),
    () => router.close(),
  );
  await lastValueFrom(router.request$('warm-up'));
  return { router, nodes };
}

describe('OpenTelemetry metrics with the SDK installed (in-memory reader)', () => {
  it('reports the database client conventions and the router instruments', async () => {
    const reader = new InMemoryReader();
    metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
    const { router, nodes } = await cluster();
    const observed = instrumentRouter(router);
    cleanup.push(() => observed.stop());
    nodes.nodes[0]!.failNext(2);
    for (let i = 0; i < 20; i++) await lastValueFrom(router.request$(`r${i}`));

    const m = await reader.read();
    const duration = m.get(MetricName.OperationDuration)!;
    expect(duration.descriptor.unit).toBe('s');
    const points = duration.dataPoints as Array<DataPoint<{ count: number; sum: number }>>;
    expect(points.reduce((n, p) => n + p.value.count, 0)).toBe(20);
    for (const p of points) {
      expect(p.attributes['db.system.name']).toBe('qdb');
      expect(p.attributes['server.address']).toBe('127.0.0.1');
      expect(p.value.sum / p.value.count).toBeLessThan(1); // seconds, not milliseconds
    }
    const count = m.get(MetricName.ConnectionCount)!;
    expect(new Set(count.dataPoints.map((p) => p.attributes['db.client.connection.state']))).toEqual(
      new Set(['idle', 'used']),
    );
    expect(count.dataPoints.map((p) => p.attributes['db.client.connection.pool.name'])).toContain(
      nodes.addresses[0],
    );
    expect(m.get(MetricName.PendingRequests)!.dataPoints).toHaveLength(2);
    const retries = m.get(MetricName.Retries)!;
    expect(retries.dataPoints.reduce((n, p) => n + (p.value as number), 0)).toBe(2);
    expect(retries.dataPoints[0]!.attributes['error.type']).toBe('ERR_REMOTE'); // a RemoteError: the node's own error reply
    const status = m.get(MetricName.NodeStatus)!.dataPoints.filter((p) => p.value === 1);
    expect(status.map((p) => p.attributes['qdb.node.status'])).toEqual(['up', 'up']);
    const rtt = m.get(MetricName.NodeRtt)!;
    expect(rtt.descriptor.unit).toBe('s');
    for (const p of rtt.dataPoints) expect(p.value as number).toBeLessThan(1);
  });

  it('costs nothing without an SDK: it does not even listen to events$', async () => {
    const { router } = await cluster();
    const spy = watched(router);
    const observed = instrumentRouter(spy.router);
    expect(spy.listeners()).toBe(0);
    observed.stop();
  });
});

describe('tracing on node:diagnostics_channel', () => {
  it('a subscriber attached mid-traffic sees the very next request (checked at publish time, never polled)', async () => {
    const { router } = await cluster();
    // steady traffic, as in the run that missed ~1 s of requests when subscribers were polled once a second
    let running = true;
    const traffic = (async () => {
      let n = 0;
      while (running) await router.request(`bg ${n++}`);
    })();
    cleanup.push(async () => {
      running = false;
      await traffic;
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const starts: Array<{ requestId: number; router: unknown }> = [];
    const ends: Array<{ requestId: number; type: string; durationMs: number }> = [];
    const onStart = (m: unknown) => starts.push(m as (typeof starts)[number]);
    const onEnd = (m: unknown) => ends.push(m as (typeof ends)[number]);
    diagnostics_channel.subscribe(TraceChannel.RequestStart, onStart);
    diagnostics_channel.subscribe(TraceChannel.End, onEnd);
    try {
      // request$ starts synchronously on subscribe: its requestStarted is published before this line returns
      const reply = lastValueFrom(router.request$('the very next request'));
      const mine = starts.at(-1)?.requestId;
      expect(mine, 'the next request after subscribing was published').toBeDefined();
      expect(starts.at(-1)!.router).toBe(router);
      await reply;
      expect(ends.find((e) => e.requestId === mine)).toMatchObject({ type: 'requestSucceeded' });
      // and every request from then on: ids are consecutive, none missed
      await new Promise((resolve) => setTimeout(resolve, 100));
      const ids = starts.map((e) => e.requestId);
      expect(ids.length).toBeGreaterThan(1);
      expect(ids).toEqual(ids.map((_, i) => ids[0]! + i));
    } finally {
      diagnostics_channel.unsubscribe(TraceChannel.RequestStart, onStart);
      diagnostics_channel.unsubscribe(TraceChannel.End, onEnd);
    }
  });

  it('traceRouter(router).stop() mutes that router; traceRouter(router) unmutes it', async () => {
    const { router } = await cluster();
    const ends: unknown[] = [];
    const onEnd = (m: unknown) => ends.push(m);
    diagnostics_channel.subscribe(TraceChannel.End, onEnd);
    try {
      const traced = traceRouter(router);
      traced.stop();
      await router.request('muted');
      expect(ends).toEqual([]);
      traceRouter(router);
      await router.request('published');
      expect(ends).toHaveLength(1);
    } finally {
      diagnostics_channel.unsubscribe(TraceChannel.End, onEnd);
    }
  });
});
