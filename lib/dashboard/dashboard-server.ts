import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { instrumentRouter } from '../observability/instrument-router.js';
import { MetricName } from '../observability/metric-name.js';
import type { RouterEvent } from '../router/router-event.js';
import type { Router } from '../router/router-types.js';
import { DashboardMetrics } from './dashboard-metrics.js';
import { dashboardPage } from './dashboard-page.js';
import type { FeedStats } from './feed-types.js';

/** Options of {@link startDashboard}. */
export interface DashboardOptions {
  /** @defaultValue 0 (any free port) */
  readonly port?: number;
  /** @defaultValue '127.0.0.1' */
  readonly host?: string;
  /** How often `stats` messages go out. @defaultValue 1000 */
  readonly statsIntervalMs?: number;
}

/** A running dashboard. */
export interface Dashboard {
  /** `http://127.0.0.1:PORT/` */
  readonly url: string;
  readonly metrics: DashboardMetrics;
  /** The latest `stats` message (rates over the last interval), as the feed sent it. */
  readonly stats: FeedStats;
  close(): Promise<void>;
}

const forwarded = new Set<RouterEvent['type']>([
  'connectionCreated',
  'connectionClosed',
  'connectFailed',
  'heartbeatFailed',
  'nodeStatusChanged',
  'retryScheduled',
  'requestFailed',
  'nodeEjected' as RouterEvent['type'],
]);
const scripts = ['app.js', 'feed-events.js', 'draw-chart.js', 'health-words.js'];
const favicon = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#1d232b"/><circle cx="9" cy="16" r="4" fill="#1f9d55"/><circle cx="23" cy="9" r="4" fill="#1f9d55"/><circle cx="23" cy="23" r="4" fill="#d69e2e"/><path d="M9 16L23 9M9 16L23 23" stroke="#c9d1da" stroke-width="2"/></svg>`;
const maxEventsPerSecond = 20;

/**
 * Serves the web dashboard of a router on 127.0.0.1: `/` (the page), `/events` (Server-Sent Events: `history`
 * (the last 5 minutes of stats) and `health` on connect, `health` on every change, `stats` every second, notable
 * router `event`s, at most 20 a second), `/metrics` (Prometheus text format, by the OpenTelemetry Prometheus
 * exporter over the router's OpenTelemetry instruments) and `/health.json`.
 */
export async function startDashboard(router: Router, options: DashboardOptions = {}): Promise<Dashboard> {
  const metrics = new DashboardMetrics(router, Date.now());
  // /metrics: the same OpenTelemetry instruments a library user gets, through a private SDK and its exporter
  const exporter = new PrometheusExporter({
    preventServerStart: true,
    withoutScopeInfo: true,
    withoutTargetInfo: true,
  });
  // Prometheus names carry their unit: `_seconds` (this exporter version does not add it by itself)
  const views: Array<{ instrumentName: string; name: string }> = [
    MetricName.OperationDuration,
    MetricName.ConnectionCreateTime,
    MetricName.ConnectionWaitTime,
    MetricName.ConnectionUseTime,
    MetricName.NodeRtt,
  ].map((name) => ({ instrumentName: name, name: `${name}_seconds` }));
  views.push({
    instrumentName: MetricName.NodeLastSeen,
    name: `${MetricName.NodeLastSeen}_timestamp_seconds`,
  });
  const meterProvider = new MeterProvider({ readers: [exporter], views });
  const instruments = instrumentRouter(router, { meterProvider });
  const clients = new Set<http.ServerResponse>();
  const send = (res: http.ServerResponse, event: string, data: unknown) =>
    res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  const broadcast = (event: string, data: unknown) => {
    for (const res of clients) send(res, event, data);
  };
  let lastStats = metrics.tick(Date.now());
  let windowStart = Date.now();
  let windowCount = 0;

  const healthSub = router.health$.subscribe((h) => broadcast('health', metrics.observe(h)));
  const eventSub = router.events$.subscribe((e) => {
    metrics.record(e);
    if (!forwarded.has(e.type)) return;
    const now = Date.now();
    if (now - windowStart >= 1000) {
      windowStart = now;
      windowCount = 0;
    }
    if (++windowCount <= maxEventsPerSecond) broadcast('event', { ...e, wallTime: now });
  });
  const ticker = setInterval(() => {
    lastStats = metrics.tick(Date.now());
    broadcast('stats', lastStats);
    for (const res of clients) res.write(': keep-alive\n\n');
  }, options.statsIntervalMs ?? 1000);

  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path === '/' || path === '/index.html') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(dashboardPage);
    } else if (path === '/events') {
      res.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
      });
      res.write('retry: 1000\n\n');
      send(res, 'history', metrics.history);
      const health = metrics.healthJson();
      if (health) send(res, 'health', health);
      clients.add(res);
      req.on('close', () => clients.delete(res));
    } else if (path === '/metrics') {
      exporter.getMetricsRequestHandler(req, res);
    } else if (path === '/favicon.svg' || path === '/favicon.ico') {
      res.writeHead(200, { 'content-type': 'image/svg+xml', 'cache-control': 'max-age=86400' }).end(favicon);
    } else if (path === '/health.json') {
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify(metrics.healthJson() ?? null));
    } else if (scripts.includes(path.slice(1))) {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(script(path.slice(1)));
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    }
  });
  const stopFeeds = async () => {
    clearInterval(ticker);
    healthSub.unsubscribe();
    eventSub.unsubscribe();
    instruments.stop();
    await meterProvider.shutdown();
  };
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
    });
  } catch (err) {
    await stopFeeds(); // nothing of this dashboard keeps running when its port is taken
    throw err;
  }
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}/`,
    metrics,
    get stats() {
      return lastStats;
    },
    async close() {
      await stopFeeds();
      for (const res of clients) res.end();
      clients.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const cache = new Map<string, string>();
/** The page's browser modules, compiled beside this file in dist/ (or taken from dist/ when run from lib/). */
function script(name: string): string {
  let text = cache.get(name);
  if (text === undefined) {
    const beside = fileURLToPath(new URL(`./${name}`, import.meta.url));
    const file = existsSync(beside)
      ? beside
      : fileURLToPath(new URL(`../../dist/dashboard/${name}`, import.meta.url));
    text = readFileSync(file, 'utf8');
    cache.set(name, text);
  }
  return text;
}
