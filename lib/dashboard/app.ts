import { chartSeries } from './chart-series.js';
import { drawChart } from './draw-chart.js';
import { parseFeed } from './feed-events.js';
import type { FeedHealth, FeedInfo, FeedMarker, FeedNodeStats, FeedStats, LogLine } from './feed-types.js';
import { duration } from './format-duration.js';
import { nodeCard } from './node-card.js';

/**
 * The dashboard page's script (runs in the browser). It reads the feed with the platform's `EventSource`, which
 * parses Server-Sent Events and reconnects by itself (honouring the server's `retry:`), and renders node cards,
 * three charts with fault markers, the rules in force and the server-kept event log.
 */
const $ = (id: string) => document.getElementById(id)!;
const rttHistory = new Map<number, number[]>();
let history: FeedStats[] = [];
let markers: FeedMarker[] = [];
const log = new Map<number, LogLine>();
let health: FeedHealth | undefined;
let info: FeedInfo | undefined;

const escapeHtml = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
const num = (v: number) => Math.round(v).toLocaleString('en-US');
const clock = (ms: number) => new Date(ms).toLocaleTimeString([], { hour12: false });

function render(): void {
  if (!health) return;
  const now = Date.now();
  const last = history.at(-1);
  const stats = new Map<number, FeedNodeStats>((last?.nodes ?? []).map((n) => [n.nodeId, n]));
  $('nodes').innerHTML = health.nodes
    .map((n) =>
      nodeCard(n, stats.get(n.nodeId), rttHistory.get(n.nodeId) ?? [], now, info?.allowControl ?? false),
    )
    .join('');
  const slow = health.nodes.filter((n) => n.degraded).length;
  $('summary').textContent =
    `${health.eligible.length} of ${health.nodes.length} nodes eligible` +
    (slow ? `, ${slow} slow` : '') +
    (health.panic ? ' — no node eligible: requests wait' : '');
  const t = last?.totals;
  $('totals').textContent = t
    ? `since ${clock(info?.startedAt ?? now)} (${duration(now - (info?.startedAt ?? now))}): ${num(t.requests)} requests answered, ${num(t.failures)} failed, ${num(t.retries)} retries`
    : '';
}

function renderCharts(): void {
  const { cluster, perNode, latency, nodeIds } = chartSeries(history);
  const draw = (id: string, series: typeof cluster, unit: string, logScale = false) => {
    // drawn at the chart's own pixel width, so the text keeps its size and the lines span the whole card
    const svg = $(id);
    const width = Math.max(320, Math.round(svg.getBoundingClientRect().width) || 640);
    svg.setAttribute('viewBox', `0 0 ${width} 170`);
    svg.innerHTML = drawChart(series, { width, height: 170, unit, log: logScale, markers });
  };
  draw('chart-svg', cluster, '/s');
  draw('nodes-svg', perNode, '/s');
  draw('latency-svg', latency, ' ms', true);
  const legend = nodeIds.map((id) => `<b class="c${(id - 1) % 8}">node ${id}</b>`).join(' ');
  $('nodes-legend').innerHTML = legend;
  $('latency-legend').innerHTML = `${legend} &nbsp; solid p50, dashed p99 (requests each node answered)`;
  const last = history.at(-1);
  if (!last) return;
  $('rps').textContent = last.requestsPerSecond.toFixed(0);
  $('fps').textContent = last.failuresPerSecond.toFixed(1);
  $('retries').textContent = last.retriesPerSecond.toFixed(1);
}

function renderLog(): void {
  const lines = [...log.values()].sort((a, b) => b.last - a.last || b.id - a.id).slice(0, 200);
  $('log').innerHTML =
    lines.length === 0
      ? '<div class="empty">No events yet. Status changes, injected faults, slow nodes, retries and failures appear here as they happen.</div>'
      : lines
          .map((l) => {
            const count =
              l.count > 1
                ? ` <span class="count" title="${l.count} times since ${clock(l.first)}">×${l.count}</span>`
                : '';
            return `<div class="ev-${escapeHtml(l.kind)}"><time>${clock(l.last)}</time> ${escapeHtml(l.text)}${count}</div>`;
          })
          .join('');
}

function renderInfo(): void {
  if (!info) return;
  $('rules').innerHTML = info.rules.map((r) => `<li>${escapeHtml(r)}</li>`).join('');
  $('log-note').textContent =
    `repeats fold into one line with a count (×N); at most ${info.maxNewLinesPerSecond} new lines a second — beyond that, events are counted on one "not itemised" line`;
}

const feed = $('feed');
const setFeed = (cls: string, text: string) => {
  feed.className = cls;
  feed.textContent = text;
};
const source = new EventSource('./events');
source.onerror = () =>
  setFeed('closed', source.readyState === EventSource.CLOSED ? 'feed closed' : 'feed lost, reconnecting …');
source.onopen = () => setFeed('connecting', 'loading …');
const on = (name: string, handle: (value: never) => void) =>
  source.addEventListener(name, (m) => {
    const value = parseFeed(name, (m as MessageEvent<string>).data);
    if (value !== undefined) handle(value as never);
  });
on('info', (i: FeedInfo) => {
  info = i;
  renderInfo();
});
// the server's last minutes of stats, markers and log, so a reloaded page has them at once
on('history', (h: FeedStats[]) => {
  history = h.slice(-300);
  render();
  renderCharts();
});
on('markers', (m: FeedMarker[]) => {
  markers = [...m];
  renderCharts();
});
on('marker', (m: FeedMarker) => {
  markers.push(m);
  renderCharts();
});
on('log', (lines: LogLine[]) => {
  log.clear();
  for (const l of lines) log.set(l.id, l);
  renderLog();
});
on('logLines', (lines: LogLine[]) => {
  for (const l of lines) log.set(l.id, l);
  renderLog();
});
on('health', (h: FeedHealth) => {
  health = h;
  $('loading').hidden = true;
  setFeed('open', 'live');
  for (const n of h.nodes) {
    if (n.rttMs === null) continue;
    const spark = rttHistory.get(n.nodeId) ?? [];
    spark.push(n.rttMs);
    if (spark.length > 60) spark.shift();
    rttHistory.set(n.nodeId, spark);
  }
  render();
});
on('stats', (s: FeedStats) => {
  history.push(s);
  if (history.length > 300) history.shift();
  render();
  renderCharts();
});
// take-out / put-back (offered only with --allow-control on loopback)
$('nodes').addEventListener('click', (ev) => {
  const button = (ev.target as HTMLElement).closest('button[data-action]') as HTMLButtonElement | null;
  if (!button) return;
  button.disabled = true;
  fetch(`./control/nodes/${button.dataset.node}/${button.dataset.action}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  }).catch(() => {
    button.disabled = false;
  });
});
// "… for 3 min" and "last seen … ago" keep counting while nothing else changes
setInterval(render, 1000);
