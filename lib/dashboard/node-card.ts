import type { FeedNode, FeedNodeStats } from './feed-types.js';
import { duration } from './format-duration.js';

const escapeHtml = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
const num = (v: number) => v.toLocaleString('en-US');
const ms = (v: number | null) => (v === null ? '—' : v < 10 ? `${v.toFixed(1)} ms` : `${Math.round(v)} ms`);

function rttText(node: FeedNode, now: number): string {
  if (node.rttMs !== null) return ms(node.rttMs);
  if (node.lastRttMs === null) return '—';
  const seen = node.lastSeenAt === null ? '' : `, last seen ${duration(now - node.lastSeenAt)} ago`;
  return `— <span class="stale">(stale: ${ms(node.lastRttMs)}${seen})</span>`;
}

/**
 * One node's card: status and time in it, a "slow" badge that says against what, RTT (stale while down),
 * requests/s, latency p50/p99 and failed attempts/s over the last interval, totals and flaps since the start,
 * connections, why in words, and with `allowControl` take-out / put-back buttons. Browser-safe.
 */
export function nodeCard(
  node: FeedNode,
  stats: FeedNodeStats | undefined,
  spark: readonly number[],
  now: number,
  allowControl: boolean,
): string {
  const max = Math.max(1, ...spark);
  const points = spark.map((v, i) => `${(i / 59) * 200},${30 - (v / max) * 28}`).join(' ');
  const slow = node.slow
    ? `<span class="badge slow" title="its heartbeat RTT is ${ms(node.slow.rttMs)}; the other nodes' median is ${ms(node.slow.typicalMs)}">slow: ${ms(node.slow.rttMs)} vs ${ms(node.slow.typicalMs)}</span>`
    : '';
  const manual = node.manual ? ' (by hand)' : '';
  const controls = allowControl
    ? `<div class="controls">${
        node.manual
          ? `<button data-action="in" data-node="${node.nodeId}">put back</button>`
          : `<button data-action="out" data-node="${node.nodeId}" title="markNodeUnhealthy: no new requests; its queued ones move to other nodes">take out</button>`
      }</div>`
    : '';
  return `<div class="node ${escapeHtml(node.status)}${node.degraded ? ' degraded' : ''}" data-node="${node.nodeId}" data-status="${escapeHtml(node.status)}" data-degraded="${node.degraded}">
    <h3><span>node ${node.nodeId} ${slow}</span><span class="status">${escapeHtml(node.status)}${manual}</span></h3>
    <div class="address">${escapeHtml(node.address)} <span class="since" title="time in this status">${escapeHtml(node.status)} for ${duration(now - node.sinceWall)}</span></div>
    <dl><dt>RTT</dt><dd class="rtt">${rttText(node, now)}</dd>
    <dt>requests/s</dt><dd class="rps">${stats ? stats.requestsPerSecond.toFixed(0) : '—'}</dd>
    <dt>latency</dt><dd class="latency">p50 ${ms(stats?.p50Ms ?? null)} · p99 ${ms(stats?.p99Ms ?? null)}</dd>
    <dt>failed/s</dt><dd class="fails">${stats ? stats.failuresPerSecond.toFixed(1) : '—'}</dd>
    <dt>totals</dt><dd class="totals">${num(node.requestsTotal)} answered · ${num(node.failuresTotal)} failed</dd>
    <dt>flaps</dt><dd class="flaps" title="times it left rotation (up or suspect → another status)">${node.flaps === 0 ? 'none' : `out of rotation ${node.flaps}×`}</dd>
    <dt>connections</dt><dd>${stats ? stats.open : '—'} open, ${stats ? stats.inFlight : '—'} in flight</dd>
    <dt>why</dt><dd class="why">${escapeHtml(node.why)}</dd></dl>
    <svg class="spark" viewBox="0 0 200 30" height="30" aria-label="RTT over the last minute"><polyline points="${points}"/></svg>${controls}</div>`;
}
