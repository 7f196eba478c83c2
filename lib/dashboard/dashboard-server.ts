import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { RouterEvent } from '../router/router-event.js';
import type { Router } from '../router/router-types.js';
import { DashboardMetrics } from './dashboard-metrics.js';
import type { DashboardOptions } from './dashboard-options.js';
import { dashboardPage } from './dashboard-page.js';
import { describeRules } from './describe-rules.js';
import { EventLog } from './event-log.js';
import { FeedHub } from './feed-hub.js';
import type { FeedInfo, FeedMarker, FeedStats } from './feed-types.js';
import { handleControl } from './handle-control.js';
import { hostAllowList } from './host-allow-list.js';
import { startPrometheusEndpoint } from './prometheus-endpoint.js';

/** A running dashboard. */
export interface Dashboard {
  /** `http://127.0.0.1:PORT/` (or the first `--host` name when bound elsewhere). */
  readonly url: string;
  readonly metrics: DashboardMetrics;
  /** The latest `stats` message (rates over the last interval), as the feed sent it. */
  readonly stats: FeedStats;
  /** Null when `/metrics` serves, else why it is off (the optional OpenTelemetry SDK is not installed). */
  readonly metricsUnavailable: string | null;
  /**
   * Marks something done to the cluster from outside (a fault injected, healed): a line in the event log and a
   * marker on the charts, kept for pages loaded later.
   */
  annotate(marker: Omit<FeedMarker, 'at'>): void;
  /** `/events` clients connected now, and those disconnected for falling behind since the start. */
  readonly feedClients: { readonly connected: number; readonly dropped: number };
  close(): Promise<void>;
}

/** Per-request and per-ping successes: counted in the stats, too many for the log. */
const notLogged = new Set<string>([
  'requestStarted',
  'attemptStarted',
  'requestSucceeded',
  'heartbeatSucceeded',
  'poolStats',
  'hedgeSent',
  'hedgeWon',
]);
const scripts = [
  'app.js',
  'chart-series.js',
  'draw-chart.js',
  'feed-events.js',
  'format-duration.js',
  'nice-scale.js',
  'node-card.js',
];
const favicon = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#1d232b"/><circle cx="9" cy="16" r="4" fill="#1f9d55"/><circle cx="23" cy="9" r="4" fill="#1f9d55"/><circle cx="23" cy="23" r="4" fill="#d69e2e"/><path d="M9 16L23 9M9 16L23 23" stroke="#c9d1da" stroke-width="2"/></svg>`;
const maxNewLinesPerSecond = 20;
const loopback = new Set(['127.0.0.1', 'localhost', '::1']);
const ms = (v: number | null) => (v === null ? '?' : v < 10 ? `${v.toFixed(1)} ms` : `${Math.round(v)} ms`);

/**
 * Serves the web dashboard of a router (on 127.0.0.1 unless `host` says otherwise): `/` (the page), `/events`
 * (Server-Sent Events: on connect `info` (rules in force, control offered), `history` (the last 5 minutes of
 * stats), `markers`, `log` (the event log) and `health`; then `health` on every change, `stats` every second,
 * `logLines` (log lines added or changed, every 250 ms) and `marker`), `/metrics` (Prometheus text format, when the optional
 * OpenTelemetry SDK and exporter are installed), `/health.json`, and with `allowControl` on loopback `POST
 * /control/nodes/ID/out|in`. Every route answers 403 to a `Host` header not in the allow-list
 * (`127.0.0.1:PORT`, `localhost:PORT`, `[::1]:PORT`, `allowedHosts`). A feed client that stops reading is
 * disconnected once `maxQueuedBytes` wait for it.
 */
export async function startDashboard(router: Router, options: DashboardOptions = {}): Promise<Dashboard> {
  const log = options.log ?? ((line: string) => console.warn(line));
  const bindHost = options.host ?? '127.0.0.1';
  const metrics = new DashboardMetrics(router, Date.now());
  const prometheus = await startPrometheusEndpoint(router);
  const hub = new FeedHub(options.maxQueuedBytes ?? 1024 * 1024, log);
  const eventLog = new EventLog({ maxNewLinesPerSecond });
  const markers: FeedMarker[] = [];
  const info: FeedInfo = {
    startedAt: Date.now(),
    rules: describeRules(options.config),
    allowControl: options.allowControl === true && loopback.has(bindHost),
    maxNewLinesPerSecond,
  };
  let lastStats = metrics.tick(Date.now());
  const annotate = (m: Omit<FeedMarker, 'at'>) => {
    const marker: FeedMarker = { ...m, at: Date.now() };
    markers.push(marker);
    if (markers.length > 200) markers.shift();
    eventLog.add(
      { type: m.kind === 'control' ? 'info' : m.kind, at: marker.at, nodeId: m.nodeId, text: m.text },
      marker.at,
    );
    hub.broadcast('marker', marker);
  };
  metrics.onSlow = (c) =>
    eventLog.add(
      {
        type: 'slow',
        at: Date.now(),
        nodeId: c.nodeId,
        text: c.slow
          ? `node ${c.nodeId} is slow: answers pings in ${ms(c.rttMs)}, the other nodes in ${ms(c.typicalMs)} (median); still eligible`
          : `node ${c.nodeId} is no longer slow${c.rttMs !== null ? ` (pings answered in ${ms(c.rttMs)})` : ''}`,
      },
      Date.now(),
    );

  const healthSub = router.health$.subscribe((h) => hub.broadcast('health', metrics.observe(h)));
  const eventSub = router.events$.subscribe((e) => {
    metrics.record(e);
    if (!notLogged.has(e.type)) eventLog.add(e, Date.now());
  });
  const ticker = setInterval(() => {
    lastStats = metrics.tick(Date.now());
    hub.broadcast('stats', lastStats);
    hub.keepAlive();
  }, options.statsIntervalMs ?? 1000);
  // log lines changed in the last quarter second go out together: a flood of retries is one message, not thousands
  const logFlush = setInterval(() => {
    const changed = eventLog.takeChanged();
    if (changed.length > 0) hub.broadcast('logLines', changed);
  }, 250);

  let allowed: ReadonlySet<string> = new Set();
  const server = http.createServer((req, res) => {
    // DNS rebinding: a foreign page reaching this port still names its own host
    if (!allowed.has((req.headers.host ?? '').trim().toLowerCase())) {
      res
        .writeHead(403, { 'content-type': 'text/plain; charset=utf-8' })
        .end(
          `forbidden: this dashboard answers Host ${[...allowed].join(', ')}, not ${JSON.stringify(req.headers.host ?? '')}\n`,
        );
      return;
    }
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path.startsWith('/control/')) {
      const control = options.allowControl === true && loopback.has(bindHost);
      handleControl(req, res, path, { router, allowed, enabled: control, log, annotate });
    } else if (path === '/' || path === '/index.html') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(dashboardPage);
    } else if (path === '/events') {
      const health = metrics.healthJson();
      hub.add(res, [
        ['info', info],
        ['history', metrics.history],
        ['markers', markers],
        ['log', eventLog.lines],
        ...(health ? ([['health', health]] as const) : []),
      ]);
    } else if (path === '/metrics') {
      prometheus.handle(req, res);
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
    clearInterval(logFlush);
    healthSub.unsubscribe();
    eventSub.unsubscribe();
    await prometheus.stop();
  };
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, bindHost, () => resolve());
    });
  } catch (err) {
    await stopFeeds(); // nothing of this dashboard keeps running when its port is taken
    throw err;
  }
  const { port } = server.address() as AddressInfo;
  const names = [...(options.allowedHosts ?? []), ...(loopback.has(bindHost) ? [] : [bindHost])];
  allowed = hostAllowList(port, names);
  // the address it listens on (localhost may be ::1 only); a wildcard bind is reached on 127.0.0.1
  const urlHost = bindHost === '0.0.0.0' || bindHost === '::' ? '127.0.0.1' : bindHost;
  return {
    url: `http://${urlHost.includes(':') ? `[${urlHost}]` : urlHost}:${port}/`,
    metrics,
    metricsUnavailable: prometheus.unavailable,
    get stats() {
      return lastStats;
    },
    annotate,
    get feedClients() {
      return { connected: hub.size, dropped: hub.dropped };
    },
    async close() {
      await stopFeeds();
      hub.close();
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
