import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
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
]);
const scripts = ['app.js', 'feed-client.js', 'parse-sse.js'];
const maxEventsPerSecond = 20;

/**
 * Serves the web dashboard of a router on 127.0.0.1: `/` (the page), `/events` (Server-Sent Events: `health`
 * on every change, `stats` every second, notable router `event`s, at most 20 a second), `/metrics`
 * (Prometheus text format) and `/health.json`.
 */
export async function startDashboard(router: Router, options: DashboardOptions = {}): Promise<Dashboard> {
  const metrics = new DashboardMetrics(router, Date.now());
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
      const health = metrics.healthJson();
      if (health) send(res, 'health', health);
      send(res, 'stats', lastStats);
      clients.add(res);
      req.on('close', () => clients.delete(res));
    } else if (path === '/metrics') {
      res
        .writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' })
        .end(metrics.prometheus());
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
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}/`,
    metrics,
    get stats() {
      return lastStats;
    },
    async close() {
      clearInterval(ticker);
      healthSub.unsubscribe();
      eventSub.unsubscribe();
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
