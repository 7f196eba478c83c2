import { drawChart } from './draw-chart.js';
import { foldEvent, type LogLine, parseFeed } from './feed-events.js';
import type { FeedEvent, FeedHealth, FeedNode, FeedStats } from './feed-types.js';

/**
 * The dashboard page's script (runs in the browser). It reads the feed with the platform's `EventSource`, which
 * parses Server-Sent Events and reconnects by itself (honouring the server's `retry:`), and renders cards, a
 * chart and a folded event log.
 */
const $ = (id: string) => document.getElementById(id)!;
const rttHistory = new Map<number, number[]>();
let history: FeedStats[] = [];
let log: LogLine[] = [];
const nodeStats = new Map<number, { rps: number; open: number; inFlight: number }>();
let health: FeedHealth | undefined;

const escapeHtml = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
const ago = (ms: number) => {
  const s = Math.max(0, Math.round((Date.now() - ms) / 1000));
  return s < 90 ? `${s} s ago` : `${Math.round(s / 60)} min ago`;
};

function rttText(node: FeedNode): string {
  if (node.rttMs !== null) return `${node.rttMs.toFixed(2)} ms`;
  if (node.lastRttMs === null) return '—';
  const seen = node.lastSeenAt === null ? '' : `, last seen ${ago(node.lastSeenAt)}`;
  return `— <span class="stale">(stale: ${node.lastRttMs.toFixed(2)} ms${seen})</span>`;
}

function card(node: FeedNode): string {
  const stats = nodeStats.get(node.nodeId);
  const spark = rttHistory.get(node.nodeId) ?? [];
  const max = Math.max(1, ...spark);
  const points = spark.map((v, i) => `${(i / 59) * 200},${30 - (v / max) * 28}`).join(' ');
  const slow = node.degraded
    ? `<span class="badge slow" title="RTT ${node.slowFactor?.toFixed(0)}× the other nodes'">slow ×${node.slowFactor?.toFixed(0)}</span>`
    : '';
  return `<div class="node ${node.status}${node.degraded ? ' degraded' : ''}" data-node="${node.nodeId}" data-status="${node.status}" data-degraded="${node.degraded}">
    <h3><span>node ${node.nodeId} ${slow}</span><span class="status">${node.status}${node.manual ? ' (manual)' : ''}</span></h3>
    <div class="address">${escapeHtml(node.address)}</div>
    <dl><dt>RTT</dt><dd class="rtt">${rttText(node)}</dd>
    <dt>requests/s</dt><dd>${stats ? stats.rps.toFixed(0) : '—'}</dd>
    <dt>connections</dt><dd>${stats ? stats.open : '—'} open, ${stats ? stats.inFlight : '—'} in flight</dd>
    <dt>why</dt><dd class="why">${escapeHtml(node.why)}</dd></dl>
    <svg class="spark" viewBox="0 0 200 30" height="30"><polyline points="${points}"/></svg></div>`;
}

function render(): void {
  if (!health) return;
  $('nodes').innerHTML = health.nodes.map(card).join('');
  const slow = health.nodes.filter((n) => n.degraded).length;
  $('summary').textContent =
    `${health.eligible.length} of ${health.nodes.length} nodes eligible` +
    (slow ? `, ${slow} slow` : '') +
    (health.panic ? ' — no node eligible: requests wait' : '');
}

function renderChart(): void {
  // drawn at the chart's own pixel width, so the text keeps its size and the lines span the whole card
  const svg = $('chart-svg');
  const width = Math.max(320, Math.round(svg.getBoundingClientRect().width) || 640);
  svg.setAttribute('viewBox', `0 0 ${width} 170`);
  svg.innerHTML = drawChart(history, width, 170);
  const last = history.at(-1);
  if (!last) return;
  $('rps').textContent = last.requestsPerSecond.toFixed(0);
  $('fps').textContent = last.failuresPerSecond.toFixed(1);
  $('retries').textContent = last.retriesPerSecond.toFixed(1);
}

function renderLog(): void {
  $('log').innerHTML = log
    .map((l) => {
      const time = new Date(l.last).toLocaleTimeString([], { hour12: false });
      const count = l.count > 1 ? ` <span class="count">×${l.count}</span>` : '';
      return `<div class="ev-${l.kind}"><time>${time}</time> ${escapeHtml(l.text)}${count}</div>`;
    })
    .join('');
}

function takeNodeStats(s: FeedStats): void {
  for (const n of s.nodes)
    nodeStats.set(n.nodeId, { rps: n.requestsPerSecond, open: n.open, inFlight: n.inFlight });
}

function onStats(s: FeedStats): void {
  takeNodeStats(s);
  history.push(s);
  if (history.length > 300) history.shift();
  render();
  renderChart();
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
// the server's last minutes of stats, so a reloaded page has its chart at once
on('history', (h: FeedStats[]) => {
  history = h.slice(-300);
  const last = history.at(-1);
  if (last) takeNodeStats(last);
  render();
  renderChart();
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
on('stats', onStats);
on('event', (e: FeedEvent) => {
  log = foldEvent(log, e, (e.wallTime as number | undefined) ?? Date.now());
  renderLog();
});
// "last seen … ago" keeps counting while nothing else changes
setInterval(render, 1000);
