import { connectFeed } from './feed-client.js';
import type { FeedEvent, FeedHealth, FeedNode, FeedStats } from './feed-types.js';

/** The dashboard page's script (runs in the browser): renders the SSE feed into cards, a chart and a log. */
const $ = (id: string) => document.getElementById(id)!;
const rttHistory = new Map<number, number[]>();
const rateHistory: Array<{ rps: number; fps: number }> = [];
const nodeStats = new Map<number, { rps: number; open: number; inFlight: number }>();
let health: FeedHealth | undefined;

function card(node: FeedNode): string {
  const stats = nodeStats.get(node.nodeId);
  const history = rttHistory.get(node.nodeId) ?? [];
  const max = Math.max(1, ...history);
  const points = history.map((v, i) => `${(i / 59) * 200},${30 - (v / max) * 28}`).join(' ');
  const rtt = node.rttMs >= 0 ? `${node.rttMs.toFixed(2)} ms` : '–';
  return `<div class="node ${node.status}" data-node="${node.nodeId}" data-status="${node.status}">
    <h3><span>node ${node.nodeId}</span><span class="status">${node.status}${node.manual ? ' (manual)' : ''}</span></h3>
    <div>${node.address}</div>
    <dl><dt>RTT</dt><dd>${rtt}</dd>
    <dt>requests/s</dt><dd>${stats ? stats.rps.toFixed(0) : '–'}</dd>
    <dt>connections</dt><dd>${stats ? stats.open : '–'} open, ${stats ? stats.inFlight : '–'} in flight</dd>
    <dt>why</dt><dd>${node.reason}${node.consecutiveFailures ? `, ${node.consecutiveFailures} failures` : ''}</dd></dl>
    <svg class="spark" viewBox="0 0 200 30" height="30"><polyline points="${points}"/></svg></div>`;
}

function render(): void {
  if (!health) return;
  $('nodes').innerHTML = health.nodes.map(card).join('');
  const up = health.eligible.length;
  $('summary').textContent =
    `${up} of ${health.nodes.length} nodes eligible${health.panic ? ' — no node eligible: requests wait' : ''}`;
}

function renderChart(): void {
  const max = Math.max(1, ...rateHistory.map((r) => Math.max(r.rps, r.fps)));
  const line = (pick: (r: { rps: number; fps: number }) => number) =>
    rateHistory.map((r, i) => `${(i / 119) * 600},${118 - (pick(r) / max) * 114}`).join(' ');
  $('chart-svg').innerHTML =
    `<polyline class="req" points="${line((r) => r.rps)}"/><polyline class="fail" points="${line((r) => r.fps)}"/>`;
}

function describe(e: FeedEvent): string {
  const time = new Date((e.wallTime as number) ?? Date.now()).toLocaleTimeString();
  const rest = Object.entries(e)
    .filter(([k]) => !['type', 'at', 'wallTime'].includes(k))
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  return `${time}  ${e.type}  ${rest}`;
}

connectFeed('./events', {
  onStatus(status, retryInMs) {
    const feed = $('feed');
    feed.className = status;
    feed.textContent =
      status === 'closed'
        ? `feed lost, retrying in ${retryInMs} ms`
        : status === 'open'
          ? 'live'
          : 'connecting';
  },
  onHealth(h) {
    health = h;
    for (const n of h.nodes) {
      if (n.rttMs < 0) continue;
      const history = rttHistory.get(n.nodeId) ?? [];
      history.push(n.rttMs);
      if (history.length > 60) history.shift();
      rttHistory.set(n.nodeId, history);
    }
    render();
  },
  onStats(s: FeedStats) {
    for (const n of s.nodes)
      nodeStats.set(n.nodeId, { rps: n.requestsPerSecond, open: n.open, inFlight: n.inFlight });
    rateHistory.push({ rps: s.requestsPerSecond, fps: s.failuresPerSecond });
    if (rateHistory.length > 120) rateHistory.shift();
    $('rps').textContent = s.requestsPerSecond.toFixed(0);
    $('fps').textContent = s.failuresPerSecond.toFixed(1);
    $('retries').textContent = s.retriesPerSecond.toFixed(1);
    render();
    renderChart();
  },
  onEvent(e) {
    const log = $('log');
    const line = document.createElement('div');
    line.textContent = describe(e);
    log.prepend(line);
    while (log.childElementCount > 100) log.lastElementChild?.remove();
  },
});
